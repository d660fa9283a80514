"""The whole course run headless, one notebook at a time, each in a fresh kernel.

What it measures
----------------
Every ``notebooks/*.ipynb`` is executed top to bottom with nbclient in a new
``python3`` kernel (started for it and shut down after it), in the notebooks' folder,
with ``MPLBACKEND`` removed from the environment so that matplotlib picks the kernel's
own inline backend as it does for a learner. For each notebook:

* **wall s**: from starting its kernel to the kernel being shut down (what "Restart and
  run all" costs a learner, kernel start included);
* **cells s**: the sum of the cells' own execution times (nbclient's timestamps);
* **kernel cpu s**: CPU time of the kernel process and its threads (``getrusage`` of
  the reaped child), so cpu / wall shows how much of the two cores it used;
* **slowest cell**: its index and seconds.

``--runs`` full passes of the course are made with the data cache as it is (warm: the
large data set of notebook 01 already written); figures are median [min-max] over the
runs. Notebook 01 builds the 5,000,000-example set the first time it runs, so it is also
run once with ``NGOPT_CACHE`` pointing at a new empty folder (a learner's first run;
the folder is deleted afterwards). The speed-up of the vectorized product over the
Python loop that notebook 01 prints is extracted from its output.

How to run
----------
    python benchmarks/course_runtime.py                   # 2 warm passes + notebook 01 cold
    python benchmarks/course_runtime.py --runs 1 --no-cold
    python benchmarks/course_runtime.py --only 01 04      # notebooks whose name contains these

Needs nbclient (the `test` extra) and ipykernel (requirements.txt) and about 450 MB of free disk for
the cold run. Target (issue 8): the course under 2 minutes in total on 2 cores, each
notebook under 30 s.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import print_machine, print_table  # noqa: E402

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
TOTAL_TARGET, NOTEBOOK_TARGET = 120.0, 30.0
SPEED_UP = re.compile(r"->\s*([\d,]+)\s+times faster")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cell_seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return (end - start).total_seconds()


def cell_text(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out.get("text", ""))
        elif "data" in out and "text/plain" in out["data"]:
            parts.append(out["data"]["text/plain"])
    return "".join(parts)


def run_notebook(path, env_extra=None):
    """Execute one notebook in a fresh kernel; return a dict of timings."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    saved = {k: os.environ.get(k) for k in ("MPLBACKEND", *(env_extra or {}))}
    os.environ.pop("MPLBACKEND", None)  # the kernel inherits this environment
    os.environ.update(env_extra or {})
    client = NotebookClient(nb, kernel_name="python3", timeout=600, record_timing=True,
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    cpu0, start = children_cpu(), time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        error = str(err).strip().splitlines()[-1][:120]
    finally:
        wall = time.perf_counter() - start
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    cpu = children_cpu() - cpu0
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    seconds = [(i, cell_seconds(c)) for i, c in code]
    slowest = max(seconds, key=lambda s: s[1]) if seconds else (None, 0.0)
    speed_up = None
    for _, c in code:
        match = SPEED_UP.search(cell_text(c))
        if match:
            speed_up = int(match.group(1).replace(",", ""))
    return {"wall": wall, "cells": sum(s for _, s in seconds), "cpu": cpu, "slowest": slowest,
            "error": error, "speed_up": speed_up}


def spread(values, digits=1):
    a = np.asarray(values, dtype=float)
    if len(a) == 1:
        return f"{a[0]:.{digits}f}"
    return f"{np.median(a):.{digits}f} [{a.min():.{digits}f}-{a.max():.{digits}f}]"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="warm passes over the whole course")
    parser.add_argument("--no-cold", action="store_true", help="skip notebook 01 with an empty cache")
    parser.add_argument("--only", nargs="*", help="run only notebooks whose file name contains one of these")
    args = parser.parse_args(argv)
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.only:
        paths = [p for p in paths if any(s in p.name for s in args.only)]

    import ipykernel
    import nbclient

    load = os.getloadavg()
    print_machine("The course executed headless (benchmarks/course_runtime.py)", [
        f"jupyter  nbclient {nbclient.__version__}, ipykernel {ipykernel.__version__}, kernel python3, "
        "MPLBACKEND unset",
        f"course   {len(paths)} notebooks in {NOTEBOOKS}",
        f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the start",
    ])

    results = {p.name: [] for p in paths}
    totals = []
    for r in range(args.runs):
        total = 0.0
        for path in paths:
            res = run_notebook(path)
            results[path.name].append(res)
            total += res["wall"]
            status = f"ERROR {res['error']}" if res["error"] else ""
            print(f"  run {r + 1}: {path.name:<44} {res['wall']:6.1f} s  load {os.getloadavg()[0]:.2f} {status}",
                  flush=True)
        totals.append(total)

    cold = None
    first = next((p for p in paths if p.name.startswith("01")), None)
    if first is not None and not args.no_cold:
        folder = tempfile.mkdtemp(prefix="ngopt-cold-cache-")
        try:
            cold = run_notebook(first, {"NGOPT_CACHE": folder})
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        print(f"  cold:  {first.name:<44} {cold['wall']:6.1f} s  load {os.getloadavg()[0]:.2f}"
              + (f" ERROR {cold['error']}" if cold["error"] else ""), flush=True)
    print()

    rows = []
    for name, runs in results.items():
        walls = [x["wall"] for x in runs]
        slow_i, slow_s = max((x["slowest"] for x in runs), key=lambda s: s[1])
        ok = "yes" if max(walls) < NOTEBOOK_TARGET and not any(x["error"] for x in runs) else "NO"
        rows.append([name, spread(walls), spread([x["cells"] for x in runs]),
                     spread([x["cpu"] for x in runs]), f"{np.median([x['cpu'] / x['wall'] for x in runs]):.2f}",
                     f"cell {slow_i}: {slow_s:.1f}", ok])
    rows.append(["TOTAL", spread(totals), spread([sum(r[k]["cells"] for r in results.values()) for k in range(args.runs)]),
                 spread([sum(r[k]["cpu"] for r in results.values()) for k in range(args.runs)]), "",
                 "", "yes" if max(totals) < TOTAL_TARGET else "NO"])
    print(f"Seconds per notebook, fresh kernel each, median [min-max] over {args.runs} warm run(s). "
          f"Target: each under {NOTEBOOK_TARGET:.0f} s, total under {TOTAL_TARGET:.0f} s.")
    print_table(["notebook", "wall s", "cells s", "kernel cpu s", "cpu / wall", "slowest cell (s)",
                 "meets target"], rows)
    if cold is not None:
        warm = results[first.name]
        print(f"{first.name} with an empty cache (builds the large data set): {cold['wall']:.1f} s wall, "
              f"{cold['cells']:.1f} s in cells, slowest cell {cold['slowest'][0]}: {cold['slowest'][1]:.1f} s; "
              f"the first-run cost is {cold['wall'] - np.median([x['wall'] for x in warm]):.1f} s over a warm run.")
    speed = [x["speed_up"] for x in results.get(first.name, []) if x["speed_up"]] if first else []
    if cold is not None and cold["speed_up"]:
        speed.append(cold["speed_up"])
    if speed:
        print(f"Notebook 01's vectorization demo printed speed-ups of {', '.join(f'{s:,}' for s in speed)} "
              "(vectorized product over the Python loop; expected in the hundreds).")
    load = os.getloadavg()
    print(f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the end")


if __name__ == "__main__":
    main()

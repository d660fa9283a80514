"""Shared helpers of the benchmarks: the machine, side-by-side timing, ratios, tables.

The machine these run on is shared and noisy, so no benchmark reports a bare time.
Every figure is a ratio of two things timed in the same round of the same run:
``side_by_side`` times each contender once per round (in an order that rotates from
round to round), and ``ratios`` divides round by round. Over several rounds a figure
is reported as median [min - max].
"""

from __future__ import annotations

import datetime
import os
import platform
import time

import numpy as np


def cpu_model():
    """The CPU model name from /proc/cpuinfo (or platform.processor() elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def blas_info():
    """One line per BLAS library numpy loaded, from threadpoolctl if it is installed."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl not installed (pip install threadpoolctl to see the BLAS)"]
    return [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')} kernels, "
        f"{i.get('num_threads')} threads)"
        for i in threadpool_info()
        if i.get("user_api") == "blas"
    ] or ["no BLAS loaded yet"]


def print_machine(title, extra=()):
    """Print what a reader needs to compare these figures with their own."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    print(f"# {title}")
    print(f"date     {datetime.datetime.now().isoformat(timespec='seconds')}")
    print(f"cpu      {cpu_model()}, {cores} cores usable")
    print(f"python   {platform.python_version()}, numpy {np.__version__}")
    for line in blas_info():
        print(f"blas     {line}")
    blas_env = {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS")}
    if blas_env:
        print("env      " + " ".join(f"{k}={v}" for k, v in sorted(blas_env.items())))
    for line in extra:
        print(line)
    print()


def side_by_side(contenders, rounds, number=1, best_of=None):
    """Time every contender once per round, all in the same rounds.

    Parameters
    ----------
    contenders : dict of str -> callable
        Each is called with no argument; ``number`` calls are timed together.
    rounds : int
        How many rounds. The order of the contenders rotates from round to round so
        that none always runs right after the same neighbour.
    number : int, default 1
        Calls per timing (use more for calls of a few microseconds).

    best_of : dict of str -> int, optional
        Contenders timed that many times per round, keeping the fastest: for a
        reference such as the copy, whose one-off hiccups would otherwise show up as
        spurious ratios (this makes ratios to it larger, never smaller).

    Every contender is called once before the first round (thread pools start, fresh
    memory gets mapped).

    Returns
    -------
    dict of str -> ndarray, shape (rounds,)
        Seconds per call, round by round.
    """
    names = list(contenders)
    times = {name: np.empty(rounds) for name in names}
    for fn in contenders.values():  # warm up: first calls start threads and map memory
        fn()
    for r in range(rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            fn = contenders[name]
            best = np.inf
            for _ in range((best_of or {}).get(name, 1)):
                start = time.perf_counter()
                for _ in range(number):
                    fn()
                best = min(best, (time.perf_counter() - start) / number)
            times[name][r] = best
    return times


def ratio_summary(numerator, denominator):
    """(min, median, max) of numerator / denominator, round by round."""
    r = np.asarray(numerator) / np.asarray(denominator)
    return float(r.min()), float(np.median(r)), float(r.max())


def fmt_ratio(summary, digits=2):
    """``median [min-max]`` of a ratio summary."""
    lo, med, hi = summary
    return f"{med:.{digits}f} [{lo:.{digits}f}-{hi:.{digits}f}]"


def print_table(headers, rows):
    """Print a plain-text table, columns padded to their widest cell."""
    cells = [list(map(str, headers))] + [list(map(str, row)) for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for k, row in enumerate(cells):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))
    print()


def filled(shape, dtype, value=0.5):
    """An array already written to: np.zeros/np.empty pages are mapped lazily, and the
    first write to each page would be timed otherwise."""
    a = np.empty(shape, dtype=dtype)
    a.fill(value)
    return a

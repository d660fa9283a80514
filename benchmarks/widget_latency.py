"""What a learner feels when moving a control: the time until the redrawn picture is ready.

What it measures
----------------
Every widget registered in ``ngopt_course.widgets.EXPLORERS`` is built headless (its
figure is rendered to PNG by Agg, exactly as in a notebook; no browser, no kernel), and
every control is driven through a set of values: all options of a dropdown, toggle or
selection slider, 7 points spread over a numeric slider's range (its ends included),
both states of a checkbox, each value set in turn and then the original put back. One
change is one assignment ``control.value = v``: the widget recomputes, redraws and
encodes the PNG before the assignment returns (ipywidgets calls observers at once), so
its time is the latency from the control change to the new picture being ready, the
browser's own display excepted. For each change the wall time (``time.perf_counter``)
and the CPU time of this process (``time.process_time``, every thread) are recorded,
with ``explorer.last_redraw_seconds`` (the widget's own stopwatch, without the
ipywidgets bookkeeping around it).

Each widget is driven ``--passes`` times (a pass sets every value of every control once).
The first visit of a value can cost more than later ones (widgets cache what they
computed), so the first pass is reported on its own and the later passes together.
As a yardstick for this machine's speed, a reference redraw (a 9 x 3.6 in figure at
90 dpi with one 1,000-point line and its axes, rendered to PNG) is timed between the
widgets; latencies are also given as multiples of it (median reference of the run).

How to run
----------
    python benchmarks/widget_latency.py                  # every widget, 3 passes
    python benchmarks/widget_latency.py --only ewa race  # some widgets
    python benchmarks/widget_latency.py --passes 5

Target (issue 8): median under 100 ms and worst under 250 ms per widget.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time

os.environ.setdefault("MPLBACKEND", "Agg")  # this script's own process: no window may open

import ipywidgets  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import print_machine, print_table  # noqa: E402

from ngopt_course.widgets import EXPLORERS  # noqa: E402

SLIDER_POINTS = 7
MEDIAN_TARGET, WORST_TARGET = 0.100, 0.250


def control_values(control):
    """The values a pass sets, in order (the current value last, to end where it began)."""
    if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButton)):
        values = [not control.value]
    elif getattr(control, "options", None):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
    elif hasattr(control, "min") and hasattr(control, "max"):
        grid = np.linspace(control.min, control.max, SLIDER_POINTS)  # a log slider's exponents
        step = getattr(control, "step", None)
        if step:  # values a learner can pick
            grid = [min(control.max, control.min + round((v - control.min) / step) * step) for v in grid]
        if isinstance(control, ipywidgets.FloatLogSlider):
            grid = [control.base ** v for v in grid]
        if isinstance(control.value, (int, np.integer)) and not isinstance(control.value, bool):
            values = sorted({int(round(v)) for v in grid})
        else:
            values = list(dict.fromkeys(round(float(v), 10) for v in grid))
    else:
        return []
    original = control.value
    return [v for v in values if v != original] + [original]


def reference_redraw():
    """Seconds to draw and encode a plain one-line figure: this machine's yardstick."""
    fig = Figure(figsize=(9.0, 3.6), dpi=90)
    FigureCanvasAgg(fig)
    x = np.linspace(0, 10, 1000)
    start = time.perf_counter()
    ax = fig.add_axes((0.08, 0.15, 0.88, 0.78))
    ax.plot(x, np.sin(x))
    ax.set_xlabel("x")
    ax.set_ylabel("sin x")
    fig.savefig(io.BytesIO(), format="png")
    return time.perf_counter() - start


def drive(explorer, passes):
    """Per pass, a list of (control, value, wall s, cpu s, last_redraw_seconds)."""
    plan = {name: control_values(control) for name, control in explorer.controls.items()}
    out = []
    for _ in range(passes):
        changes = []
        for name, values in plan.items():
            control = explorer.controls[name]
            for value in values:
                wall, cpu = time.perf_counter(), time.process_time()
                control.value = value
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                changes.append((name, value, wall, cpu, explorer.last_redraw_seconds))
        out.append(changes)
    return out


def summary(values):
    values = np.asarray(values)
    return float(np.median(values)), float(values.max())


def ms(x):
    return f"{x * 1e3:.0f}"


def spread(per_pass):
    """``median [min-max]`` in ms of one figure computed pass by pass."""
    a = np.asarray(per_pass) * 1e3
    return f"{np.median(a):.0f} [{a.min():.0f}-{a.max():.0f}]"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=3, help="passes over every value (first reported apart)")
    parser.add_argument("--only", nargs="*", help="names in EXPLORERS (default: all)")
    args = parser.parse_args(argv)
    names = args.only or list(EXPLORERS)

    load = os.getloadavg()
    print_machine("Widget latency, control change to new PNG (benchmarks/widget_latency.py)", [
        f"widgets  {', '.join(names)}",
        f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the start",
    ])

    refs, rows, worst_rows, cpu_rows, notes = [], [], [], [], []
    for name in names:
        refs += [reference_redraw() for _ in range(5)]
        start = time.perf_counter()
        explorer = EXPLORERS[name]()
        build = time.perf_counter() - start
        passes = drive(explorer, args.passes)
        first, later = passes[0], [c for p in passes[1:] for c in p]
        later = later or first
        med_first, worst_first = summary([c[2] for c in first])
        med, worst = summary([c[2] for c in later])
        cpu_med, cpu_worst = summary([c[3] for c in later])
        own_med, _ = summary([c[4] for c in later])
        per_pass_med = [np.median([c[2] for c in p]) for p in passes[1:]] or [med]
        per_pass_worst = [max(c[2] for c in p) for p in passes[1:]] or [worst]
        ok = "yes" if med < MEDIAN_TARGET and worst < WORST_TARGET else "NO"
        rows.append([name, len(explorer.controls), len(first), f"{build:.2f}",
                     ms(med_first), ms(worst_first), spread(per_pass_med), spread(per_pass_worst),
                     ms(own_med), ok])
        cpu_rows.append([name, ms(med), ms(cpu_med), ms(worst), ms(cpu_worst),
                         f"{np.median(np.array([c[3] for c in later]) / np.array([c[2] for c in later])):.2f}"])
        slowest = max(later, key=lambda c: c[2])
        slowest_first = max(first, key=lambda c: c[2])
        worst_rows.append([name, f"{slowest[0]} = {slowest[1]!r}", ms(slowest[2]),
                           f"{slowest_first[0]} = {slowest_first[1]!r}", ms(slowest_first[2])])
        print(f"  {name:<16} built in {build:.2f} s, {len(first)} changes per pass, "
              f"load {os.getloadavg()[0]:.2f}", flush=True)
        explorer.close()
    print()
    ref = float(np.median(refs))

    print(f"Wall time from a control change to the new PNG, ms. 'first pass': each value set for the "
          f"first time; 'later passes': median [min-max] over {max(args.passes - 1, 1)} passes of the "
          "pass's median and of its worst change.")
    print(f"Target: median under {MEDIAN_TARGET * 1e3:.0f} ms and worst under {WORST_TARGET * 1e3:.0f} ms "
          "(later passes; the first-pass worst is shown too).")
    print_table(["widget", "controls", "changes", "build s", "first median", "first worst",
                 "median", "worst", "own clock median", "meets target"], rows)
    print(f"Reference redraw (one-line figure to PNG): {ref * 1e3:.1f} ms median "
          f"[{min(refs) * 1e3:.1f}-{max(refs) * 1e3:.1f}] over {len(refs)}; latencies as multiples of it:")
    print_table(["widget", "median / reference", "worst / reference"],
                [[r[0], f"{float(c[1]) / 1e3 / ref:.1f}", f"{float(c[3]) / 1e3 / ref:.1f}"]
                 for r, c in zip(rows, cpu_rows)])
    print("CPU time of this process (all threads) against wall time, later passes, ms.")
    print_table(["widget", "wall median", "cpu median", "wall worst", "cpu worst", "cpu / wall"], cpu_rows)
    print("The slowest change of each widget.")
    print_table(["widget", "later passes", "ms", "first pass", "ms"], worst_rows)
    load = os.getloadavg()
    print(f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the end")


if __name__ == "__main__":
    main()

"""What a learner feels when moving a control: the time until the redrawn picture is ready.

What it measures
----------------
Every widget registered in ``ngopt_course.widgets.EXPLORERS`` is built headless (its
figure is rendered to PNG by Agg, exactly as in a notebook; no browser, no kernel), and
every control is moved, one after the other, to values a learner has not drawn yet: a
numeric slider to its minimum, its maximum, five values in between and back to where it
was; a dropdown, toggle or selection slider through every option (seven spread over the
options when there are more) and back; a checkbox to the other state and back. One
change is one assignment ``control.value = v``: the widget recomputes, redraws and
encodes the PNG before the assignment returns (ipywidgets calls observers at once), so
its time is the latency from the control change to the new picture being ready, the
browser's own display excepted. For each change the wall time (``time.perf_counter``)
and the CPU time of this process (``time.process_time``, every thread) are recorded.

A change counts as a *new setting* when the values of all controls together after it
were never shown before by that explorer (the widgets cache what they computed, so a
revisit can cost less): the target applies to new settings, and revisits (the "back"
moves) are reported apart. Each pass builds a fresh explorer (its build time is
reported: the capstone trains ahead there) and, from the second pass on, shifts the
in-between values by part of a step, so that later passes reach new settings too.

As a yardstick for this machine's speed, a reference redraw (a 9 x 3.6 in figure at
90 dpi with one 1,000-point line and its axes, rendered to PNG) is timed between the
widgets; latencies are also given as multiples of it (median reference of the run).

An explorer with a main slider (``Explorer.MAIN_CONTROL``) also carries one frame per
stop of it, shown by the browser with no kernel: a change of another control draws the
frame on show with the picture (in these times) and the others after, between the
kernel's messages. The frames of each are then drawn (``draw_frames``, timed apart) and
their sizes listed: a notebook page carries them all (base64, a third more).

How to run
----------
    python benchmarks/widget_latency.py                  # every widget, 2 passes
    python benchmarks/widget_latency.py --only ewa race  # some widgets
    python benchmarks/widget_latency.py --passes 3

Target (issue 16): at new settings, median under 100 ms and worst under 250 ms per widget.
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

BETWEEN = 5           # values strictly between a slider's ends
MAX_OPTIONS = 7       # options visited per dropdown / selection slider
MEDIAN_TARGET, WORST_TARGET = 0.100, 0.250


def _options(control):
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def control_values(control, shift=0.0):
    """The values one pass sets, in order: the ends, values between, then back where it began.

    ``shift`` in [0, 1) moves the in-between values by that fraction of their spacing
    (later passes use it to reach values the first pass did not).
    """
    original = control.value
    if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButton)):
        return [not original, original]
    if getattr(control, "options", None):
        options = _options(control)
        if len(options) > MAX_OPTIONS:
            picks = np.linspace(0, len(options) - 1, MAX_OPTIONS)
            inner = [min(len(options) - 2, int(round(p + shift * (picks[1] - picks[0])))) for p in picks[1:-1]]
            options = [options[0], options[-1]] + [options[i] for i in inner]
        else:
            options = [options[0], options[-1]] + options[1:-1]
        values = list(dict.fromkeys(options))
    elif hasattr(control, "min") and hasattr(control, "max"):
        lo, hi = control.min, control.max      # a log slider's exponents
        inner = lo + (np.arange(1, BETWEEN + 1) - shift) / (BETWEEN + 1) * (hi - lo)
        grid = [lo, hi, *inner]
        step = getattr(control, "step", None)
        if step:  # values a learner can pick
            grid = [min(hi, lo + round((v - lo) / step) * step) for v in grid]
        if isinstance(control, ipywidgets.FloatLogSlider):
            grid = [control.base ** v for v in grid]
        if isinstance(original, (int, np.integer)) and not isinstance(original, bool):
            values = list(dict.fromkeys(int(round(v)) for v in grid))
        else:
            values = list(dict.fromkeys(round(float(v), 10) for v in grid))
    else:
        return []
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


def _setting(explorer):
    """All control values together, hashable: what the picture shows."""
    return tuple(sorted((name, repr(value)) for name, value in explorer.values.items()))


def frames_row(explorer, name):
    """[name, frames, KB of frames, largest KB, KB of the still and whole pictures, s to draw them all]."""
    start = time.perf_counter()
    explorer.draw_frames()
    seconds = time.perf_counter() - start
    sizes = [len(child.value) for child in explorer.frames.children]
    return [name, len(sizes), f"{sum(sizes) / 1e3:.0f}", f"{max(sizes) / 1e3:.0f}",
            f"{(len(explorer.still_image.value) + len(explorer.image.value)) / 1e3:.0f}", f"{seconds:.2f}"]


def drive(name, passes, frame_rows=None):
    """Per change: (pass, control, value, wall s, cpu s, new setting?); and the build times."""
    changes, builds = [], []
    for index in range(passes):
        start = time.perf_counter()
        explorer = EXPLORERS[name]()
        builds.append(time.perf_counter() - start)
        seen = {_setting(explorer)}
        shift = 0.0 if index == 0 else (index / passes)
        plan = {n: control_values(c, shift) for n, c in explorer.controls.items()}
        for control_name, values in plan.items():
            control = explorer.controls[control_name]
            for value in values:
                wall, cpu = time.perf_counter(), time.process_time()
                control.value = value
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                setting = _setting(explorer)
                changes.append((index, control_name, value, wall, cpu, setting not in seen))
                seen.add(setting)
        controls = len(explorer.controls)
        if frame_rows is not None and index == 0 and explorer.frames is not None:
            frame_rows.append(frames_row(explorer, name))
        explorer.close()
    return changes, builds, controls


def summary(values):
    values = np.asarray(values)
    return float(np.median(values)), float(values.max())


def ms(x):
    return f"{x * 1e3:.0f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passes", type=int, default=2, help="fresh explorers driven per widget")
    parser.add_argument("--only", nargs="*", help="names in EXPLORERS (default: all)")
    args = parser.parse_args(argv)
    names = args.only or list(EXPLORERS)

    load = os.getloadavg()
    print_machine("Widget latency, control change to new PNG (benchmarks/widget_latency.py)", [
        f"widgets  {', '.join(names)}",
        f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the start",
    ])

    refs, rows, worst_rows, cpu_rows, frame_rows = [], [], [], [], []
    for name in names:
        refs += [reference_redraw() for _ in range(5)]
        changes, builds, controls = drive(name, args.passes, frame_rows)
        new = [c for c in changes if c[5]] or changes
        old = [c for c in changes if not c[5]]
        med, worst = summary([c[3] for c in new])
        cpu_med, cpu_worst = summary([c[4] for c in new])
        old_med, old_worst = summary([c[3] for c in old]) if old else (float("nan"),) * 2
        ok = "yes" if med < MEDIAN_TARGET and worst < WORST_TARGET else "NO"
        rows.append([name, controls, len(new), len(old), f"{np.median(builds):.2f}",
                     ms(med), ms(worst), ms(old_med), ms(old_worst), ok])
        cpu_rows.append([name, ms(med), ms(cpu_med), ms(worst), ms(cpu_worst),
                         f"{np.median(np.array([c[4] for c in new]) / np.array([c[3] for c in new])):.2f}"])
        slowest = max(new, key=lambda c: c[3])
        worst_rows.append([name, f"{slowest[1]} = {slowest[2]!r}", ms(slowest[3])])
        print(f"  {name:<16} built in {np.median(builds):.2f} s, {len(changes)} changes "
              f"({len(new)} to new settings), load {os.getloadavg()[0]:.2f}", flush=True)
    print()
    ref = float(np.median(refs))

    print("Wall time from a control change to the new PNG, ms, over every change to a setting "
          f"never shown before ({args.passes} fresh explorers per widget); revisits apart.")
    print(f"Target: at new settings, median under {MEDIAN_TARGET * 1e3:.0f} ms and worst under "
          f"{WORST_TARGET * 1e3:.0f} ms.")
    print_table(["widget", "controls", "new settings", "revisits", "build s",
                 "median", "worst", "revisit median", "revisit worst", "meets target"], rows)
    print(f"Reference redraw (one-line figure to PNG): {ref * 1e3:.1f} ms median "
          f"[{min(refs) * 1e3:.1f}-{max(refs) * 1e3:.1f}] over {len(refs)}; latencies as multiples of it:")
    print_table(["widget", "median / reference", "worst / reference"],
                [[c[0], f"{float(c[1]) / 1e3 / ref:.1f}", f"{float(c[3]) / 1e3 / ref:.1f}"] for c in cpu_rows])
    print("CPU time of this process (all threads) against wall time, new settings, ms.")
    print_table(["widget", "wall median", "cpu median", "wall worst", "cpu worst", "cpu / wall"], cpu_rows)
    print("The slowest change to a new setting of each widget.")
    print_table(["widget", "change", "ms"], worst_rows)
    print("Frames of the main slider (after the first pass's changes): count, sizes in KB, "
          "seconds to draw them all.")
    print_table(["widget", "frames", "frames KB", "largest KB", "still + whole KB", "draw all s"], frame_rows)
    load = os.getloadavg()
    print(f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the end")


if __name__ == "__main__":
    main()

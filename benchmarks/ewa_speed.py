"""The exponentially weighted average of 10,000,000 points: vectorized ``ewa`` vs the loop.

What it measures
----------------
``ngopt_course.ewa.ewa(theta, beta)`` on a series of n points (default 10,000,000,
float64, a temperature-like signal) against, in the same rounds:

* **a memory copy** of the same data (``np.copyto`` into an array already written to,
  the fastest of 3 per round): less than any function that reads theta and returns a
  new v can take (a new array costs page faults on top). Reported: ewa's time / the
  copy's (target: under 10);
* **the slide's loop** (``ewa_loop``, one Python step per point), timed on the first
  ``--loop-points`` points (1,000,000 by default) and scaled to n, since its cost per
  point does not depend on n (``--loop-points 0`` times it on all n points, about a
  second per round). Reported: the loop's time / ewa's, for reference only: it measures
  the loop, not the package, so it is no target (retired, issue 16).

Rows: beta = 0.9 and 0.999999 (the method has no special case for either), with bias
correction, and float32 input. Figures are median [min-max] over ``--rounds`` rounds,
each round timing every contender once, so each ratio compares runs made seconds
apart on the same (shared, noisy) machine.

How to run
----------
    python benchmarks/ewa_speed.py
    python benchmarks/ewa_speed.py --n 1000000 --rounds 15

ewa's matrix products go through numpy's BLAS: the script prints which one and the
OPENBLAS_* variables; it changes neither.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import fmt_ratio, print_machine, print_table, ratio_summary, side_by_side  # noqa: E402

from ngopt_course.ewa import ewa, ewa_loop  # noqa: E402


def series(n, seed=0):
    """A temperature-like series: a yearly cycle plus noise."""
    rng = np.random.default_rng(seed)
    return 60 + 15 * np.sin(2 * np.pi * np.arange(n) / 365) + 5 * rng.standard_normal(n)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="points in the series")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of side-by-side timing")
    parser.add_argument("--loop-points", type=int, default=1_000_000,
                        help="points the loop is timed on, scaled to n (0: all n)")
    args = parser.parse_args(argv)
    n = args.n
    loop_n = n if args.loop_points <= 0 else min(n, args.loop_points)

    print_machine("EWA of a long series (benchmarks/ewa_speed.py)",
                  [f"series   n = {n:,} points; loop timed on {loop_n:,} and scaled by {n / loop_n:g}"])

    theta64 = series(n)
    theta32 = theta64.astype(np.float32)
    copy64, copy32 = np.empty_like(theta64), np.empty_like(theta32)
    copy64.fill(1.0)  # touch the pages before timing
    copy32.fill(1.0)
    cases = {  # name -> (call, the copy it is compared with, loop time scale)
        "float64, beta = 0.9": (lambda: ewa(theta64, 0.9), "copy float64", "loop 0.9"),
        "float64, beta = 0.999999": (lambda: ewa(theta64, 0.999999), "copy float64", "loop 0.999999"),
        "float64, beta = 0.9, bias-corrected": (lambda: ewa(theta64, 0.9, bias_correction=True),
                                                "copy float64", "loop 0.9 corrected"),
        "float32, beta = 0.9": (lambda: ewa(theta32, 0.9), "copy float32", "loop float32 0.9"),
    }
    part64, part32 = theta64[:loop_n], theta32[:loop_n]
    loops = {
        "loop 0.9": lambda: ewa_loop(part64, 0.9),
        "loop 0.999999": lambda: ewa_loop(part64, 0.999999),
        "loop 0.9 corrected": lambda: ewa_loop(part64, 0.9, bias_correction=True),
        "loop float32 0.9": lambda: ewa_loop(part32, 0.9),
    }
    contenders = {
        "copy float64": lambda: np.copyto(copy64, theta64),
        "new copy float64": theta64.copy,
        "copy float32": lambda: np.copyto(copy32, theta32),
        **{name: call for name, (call, _, _) in cases.items()},
        **loops,
    }
    times = side_by_side(contenders, args.rounds, best_of={"copy float64": 3, "copy float32": 3})
    scale = n / loop_n

    rows = []
    for name, (_, copy_name, loop_name) in cases.items():
        rows.append([
            name,
            f"{np.median(times[name]) * 1e3:.1f}",
            f"{np.median(times[copy_name]) * 1e3:.2f}",
            f"{np.median(times[loop_name]) * scale:.2f}",
            fmt_ratio(ratio_summary(times[name], times[copy_name])),
            fmt_ratio(ratio_summary(times[loop_name] * scale, times[name]), digits=0),
        ])
    print(f"ewa on {n:,} points. Ratios are median [min-max] over {args.rounds} rounds.")
    print("Target: ewa / copy under 10 (loop / ewa is shown for reference, not a target).")
    print_table(["case", "ewa ms", "copy ms", "loop s", "ewa / copy", "loop / ewa"], rows)
    fresh = ratio_summary(times["new copy float64"], times["copy float64"])
    print(f"A copy into a new array (theta.copy(), which like ewa returns fresh memory the "
          f"kernel must map) takes {fmt_ratio(fresh)} times the copy above.")


if __name__ == "__main__":
    main()

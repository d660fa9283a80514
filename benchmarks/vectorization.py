"""Notebook 01's vectorization demo: Z = W X + b for 3,200 examples, loop vs one product.

What it measures
----------------
The demo of notebook 01 with its sizes (n = 20 features, 4 units, m = 3,200 examples,
float64): ``z_loop`` computes ``W @ X[:, i] + b`` one example at a time in Python,
``z_vectorized`` computes ``W @ X + b`` in one call. Each round times the loop once and
the vectorized product 200 times; the speed-up of a round is the loop's time over the
vectorized time, with the vectorized time taken two ways: the fastest of the 200 (what
the notebook prints: other programs can only slow a run down) and their median. Rounds
alternate which contender goes first; figures are median [min-max] over ``--rounds``.
The same is repeated with numpy's BLAS limited to one thread (threadpoolctl), since a
80 x 3,200 product is small enough for thread start-up to matter on a busy machine.

How to run
----------
    python benchmarks/vectorization.py
    python benchmarks/vectorization.py --rounds 21

Expected: speed-ups in the hundreds (the notebook asserts only > 10).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import fmt_ratio, print_machine, print_table, ratio_summary  # noqa: E402

N, N1, M = 20, 4, 3_200
VECTORIZED_CALLS = 200


def z_loop(W, X, b):
    # one example at a time: z(i) = W x(i) + b (as in notebook 01)
    Z = np.empty((W.shape[0], X.shape[1]))
    for i in range(X.shape[1]):
        Z[:, i] = W @ X[:, i] + b[:, 0]
    return Z


def z_vectorized(W, X, b):
    return W @ X + b


def one_round(W, X, b, loop_first):
    def loop():
        start = time.perf_counter()
        z_loop(W, X, b)
        return time.perf_counter() - start

    def vectorized():
        times = np.empty(VECTORIZED_CALLS)
        for k in range(VECTORIZED_CALLS):
            start = time.perf_counter()
            z_vectorized(W, X, b)
            times[k] = time.perf_counter() - start
        return times

    if loop_first:
        t_loop, t_vec = loop(), vectorized()
    else:
        t_vec, t_loop = vectorized(), loop()
    return t_loop, t_vec.min(), float(np.median(t_vec))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="rounds of side-by-side timing")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    print_machine("Notebook 01's vectorization demo (benchmarks/vectorization.py)", [
        f"sizes    W ({N1}, {N}), X ({N}, {M:,}) float64; loop once, vectorized {VECTORIZED_CALLS} times per round",
        f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the start",
    ])
    rng = np.random.default_rng(0)  # the notebook's data
    X = rng.standard_normal((N, M))
    W = rng.standard_normal((N1, N))
    b = rng.standard_normal((N1, 1))
    np.testing.assert_allclose(z_vectorized(W, X, b), z_loop(W, X, b), rtol=1e-10, atol=1e-12)

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    settings = {"BLAS default threads": contextlib.nullcontext}
    if threadpool_limits is not None:
        settings["BLAS 1 thread"] = lambda: threadpool_limits(1, user_api="blas")

    rows = []
    for label, context in settings.items():
        with context():
            one_round(W, X, b, True)  # warm-up
            res = np.array([one_round(W, X, b, r % 2 == 0) for r in range(args.rounds)])
        loop, best, median = res[:, 0], res[:, 1], res[:, 2]
        rows.append([label, f"{np.median(loop) * 1e3:.1f}", f"{np.median(best) * 1e6:.1f}",
                     f"{np.median(median) * 1e6:.1f}", fmt_ratio(ratio_summary(loop, best), 0),
                     fmt_ratio(ratio_summary(loop, median), 0)])
    print(f"Speed-up of the vectorized product over the Python loop, median [min-max] over {args.rounds} rounds.")
    print_table(["BLAS", "loop ms", "vectorized us (fastest)", "vectorized us (median)",
                 "loop / fastest (notebook)", "loop / median"], rows)
    load = os.getloadavg()
    print(f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the end")


if __name__ == "__main__":
    main()

"""The exponentially weighted average of a long series, as blocked matrix products.

``ewa.ewa_loop`` is the slide's loop: one Python step per value, about 10 million
values in several seconds. ``linear_recurrence`` computes the same recurrence,
y_t = a y_{t-1} + scale x_t, for a whole series with a few matrix products per 32K
values, on both cores: 10 million values in a fraction of a second
(``benchmarks/ewa_speed.py``). It agrees with the loop to about 1e-12 relative
(``tests/test_ewa.py``): the sums are grouped differently, so the roundings differ.
"""

from __future__ import annotations

import numpy as np

from .blocks import PARALLEL_MIN, share_work

__all__ = ["linear_recurrence"]

CHUNK = 8           # block length L of the vectorized recurrence: one 8 x 8 matrix
# BLAS calls are kept small enough that OpenBLAS runs them on the calling thread: its own
# threads would keep spinning after the call and take the core our second thread needs.
_SWEEP_ROWS = 4096  # blocks per matrix product (32K values, 256 KiB: stays in the cache)
_ENDS_ROWS = 1024   # blocks per matrix-vector product
_LOOP_MAX = 64      # shorter series: the plain loop is quicker than the set-up


def _recurrence_loop(x, a, scale):
    y = np.empty(x.size)
    acc = 0.0
    for i, x_i in enumerate(x.tolist()):
        acc = a * acc + scale * x_i
        y[i] = acc
    return y


def linear_recurrence(x, a, scale=1.0):
    """y_t = a y_{t-1} + scale x_t with y_0 = 0, in float64; None if x has a NaN or inf.

    The method, for blocks of L = CHUNK values (every weight is a power a^k <= 1 times
    scale, so nothing overflows for any a in [0, 1)):

    1. Where each block would end had it started from 0: one matrix-vector product,
       ``ends[c] = sum_i scale a^(L-1-i) x[cL+i]``. A NaN or inf in a block makes its
       end non-finite, which is how bad input is caught without another pass.
    2. Where each block really ends: the same recurrence with a^L on the n / L block
       ends, ``y_end[c] = a^L y_end[c-1] + ends[c]``, solved by calling this function
       (n / 8 values, then n / 64, ...).
    3. Each value from the value carried into its block:
       ``y[cL+j] = a^(j+1) y_end[c-1] + sum_{i<=j} scale a^(j-i) x[cL+i]``. With the window
       ``[y_end[c-1], x[cL], ..., x[cL+L-2]]`` of positions cL-1 .. cL+L-2, one L x L matrix
       gives y at those same positions (its first column passes y_end[c-1] through), so a
       whole chunk of blocks is one matrix product from a window buffer that stays in the
       cache. The input is read twice (steps 1 and 3) and the output written once; both
       cores share the chunks.
    """
    n = x.size
    L = CHUNK
    if a == 0.0 or n <= _LOOP_MAX:
        y = scale * x if a == 0.0 else _recurrence_loop(x, a, scale)
        return y if np.isfinite(y).all() else None
    x = np.ascontiguousarray(x)
    n_blocks = n // L
    m = n_blocks * L
    powers = a ** np.arange(L + 1)  # a^0 .. a^L
    X = x[:m].reshape(n_blocks, L)
    parallel = n >= PARALLEL_MIN

    # Step 1, chunk by chunk on both cores.
    weights = scale * powers[L - 1 :: -1]
    ends = np.empty(n_blocks)

    def block_ends(take):
        with np.errstate(invalid="ignore", over="ignore"):  # NaN or inf in x: answered by None
            while (c0 := take()) is not None:
                c1 = c0 + _ENDS_ROWS
                np.matmul(X[c0:c1], weights, out=ends[c0:c1])

    share_work(block_ends, range(0, n_blocks, _ENDS_ROWS), parallel)
    if not np.isfinite(ends).all() or not np.isfinite(x[m:]).all():
        return None
    y_end = linear_recurrence(ends, powers[L])

    # M[0, j] = a^j (the value carried in), M[1 + i, j] = scale a^(j-1-i) for i < j.
    k = np.arange(L)
    lag = k[None, :] - 1 - k[:-1, None]
    M = np.vstack([powers[:L], np.where(lag >= 0, scale * powers[np.maximum(lag, 0)], 0.0)])

    # y_full[p + 1] is y at position p: row c of the product is positions cL-1 .. cL+L-2.
    y_full = np.empty(n + 1)

    def sweep(take):
        window = np.empty(_SWEEP_ROWS * L)
        while (c0 := take()) is not None:
            c1 = min(c0 + _SWEEP_ROWS, n_blocks)
            w = window[: (c1 - c0) * L]
            w[1:] = x[c0 * L : c1 * L - 1]                                   # x at positions c0L .. c1L-2
            w[::L] = y_end[c0 - 1 : c1 - 1] if c0 else np.r_[0.0, y_end[: c1 - 1]]  # values carried in
            np.matmul(w.reshape(-1, L), M, out=y_full[c0 * L : c1 * L].reshape(-1, L))

    share_work(sweep, range(0, n_blocks, _SWEEP_ROWS), parallel)
    y = y_full[1:]
    y[m - 1] = y_end[-1]
    acc = y_end[-1]
    for i, x_i in enumerate(x[m:].tolist(), start=m):  # the last n - m < L values
        acc = a * acc + scale * x_i
        y[i] = acc
    return y

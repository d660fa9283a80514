"""Exponentially weighted averages: v_t = beta v_{t-1} + (1 - beta) theta_t, v_0 = 0.

v_t averages theta over roughly the last 1 / (1 - beta) values. First the slide's loop
(one running number, the way an optimizer keeps its averages), then the same average
for long series, computed by the fast path (``_fast/recurrence.py``); tests hold them equal.
"""

from __future__ import annotations

import numpy as np

from ._fast.recurrence import linear_recurrence
from ._validation import check_array, check_int, check_real

__all__ = ["ewa", "ewa_loop", "effective_window", "ewa_weights", "bias_correction_warmup"]


def ewa_loop(theta, beta, bias_correction=False):
    """The slide's loop: ``v = 0; repeat { get next theta_t; v = beta v + (1 - beta) theta_t }``.

    Parameters
    ----------
    theta : array_like, shape (T,)
        theta_1..theta_T; finite numbers.
    beta : float
        In [0, 1).
    bias_correction : bool, default False
        Return v_t / (1 - beta^t) instead of v_t.

    Returns
    -------
    v : ndarray, shape (T,)
        v_1..v_T (float64, or float32 for float32 input). Same result as :func:`ewa`.
    """
    theta = check_array(theta, "theta", ndim=1)
    beta = _check_beta(beta)
    out = np.empty(theta.shape, dtype=_out_dtype(theta))
    v = 0.0
    for t, theta_t in enumerate(theta.tolist(), start=1):
        v = beta * v + (1 - beta) * theta_t
        out[t - 1] = v / (1 - beta**t) if bias_correction else v
    return out


def ewa(theta, beta, bias_correction=False):
    """Exponentially weighted average of a series, vectorized.

    Parameters
    ----------
    theta : array_like, shape (T,)
        theta_1..theta_T (e.g. daily temperatures); finite numbers.
    beta : float
        In [0, 1). v_t averages over about 1 / (1 - beta) values.
    bias_correction : bool, default False
        Return v_t / (1 - beta^t), which removes the start-up bias of v_0 = 0.

    Returns
    -------
    v : ndarray, shape (T,)
        v_1..v_T (float64, or float32 for float32 input).

    Notes
    -----
    .. math:: v_0 = 0, \\qquad v_t = \\beta v_{t-1} + (1 - \\beta)\\,\\theta_t

    Computed in float64 in blocks (see ``_fast/recurrence.py``); agrees with
    :func:`ewa_loop` to about 1e-12 relative and handles 10,000,000 points in a
    fraction of a second.
    """
    theta = check_array(theta, "theta", ndim=1, finite=False)  # NaN, inf: found on the way
    beta = _check_beta(beta)
    x = theta if theta.dtype in (np.float32, np.float64) else theta.astype(np.float64)
    v = linear_recurrence(x, beta, scale=1.0 - beta)  # float64 (float32 x is converted chunk by chunk)
    if v is None:  # theta holds a NaN or an infinity
        check_array(theta, "theta", ndim=1)  # raises, naming the first one
        raise ValueError("theta has non-finite values (NaN or inf)")
    if bias_correction and beta > 0:
        # Once beta^t < 2^-54, 1 - beta^t rounds to 1: only the first t_max values change.
        t_max = min(v.size, int(np.ceil(-54 * np.log(2) / np.log(beta))) + 1)
        v[:t_max] /= -np.expm1(np.arange(1, t_max + 1) * np.log(beta))
    return v.astype(_out_dtype(theta), copy=False)


def effective_window(beta):
    """About how many values v_t averages over: 1 / (1 - beta) (0.9 -> 10, 0.98 -> 50)."""
    return 1.0 / (1.0 - _check_beta(beta))


def bias_correction_warmup(beta, tolerance=0.01):
    """First t from which bias correction changes v_t by less than ``tolerance`` (relative).

    v_t / (1 - beta^t) differs from v_t by the factor 1 / (1 - beta^t), which is below
    1 + tolerance once beta^t < tolerance / (1 + tolerance): t = 44 for beta = 0.9,
    229 for 0.98, 4613 for 0.999 (with the default 1 %).
    """
    beta = _check_beta(beta)
    tolerance = check_real(tolerance, "tolerance", min_val=0.0, closed="neither")
    if beta == 0.0:
        return 1
    return int(np.floor(np.log(tolerance / (1.0 + tolerance)) / np.log(beta))) + 1


def ewa_weights(beta, n):
    """The weights of v_n unrolled: v_n = sum_k (1 - beta) beta^k theta_{n-k}, k = 0..n-1.

    Returns an array ``w`` with ``w[k] = (1 - beta) * beta**k``, the weight of the value
    k steps back. They decay exponentially and sum to 1 - beta^n (the missing beta^n is
    the weight v_0 = 0 would carry: the reason for bias correction).
    """
    beta = _check_beta(beta)
    n = check_int(n, "n", min_val=0)
    return (1.0 - beta) * beta ** np.arange(n, dtype=float)


# Argument checks

def _check_beta(beta):
    return check_real(beta, "beta", min_val=0.0, max_val=1.0, closed="left")


def _out_dtype(theta):
    return np.result_type(theta.dtype, np.float32)

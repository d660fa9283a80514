"""How fast momentum converges on a quadratic, read off a 2x2 matrix instead of a run.

On a quadratic every direction of curvature is its own one-dimensional problem. Take
one such direction, with curvature h (the loss is h w^2 / 2 around the minimum w = 0,
so the gradient is dW = h w). One step of momentum, as the lecture writes it,

    v' = beta v + (1 - beta) dW = beta v + (1 - beta) h w
    w' = w - alpha v'           = -alpha beta v + (1 - alpha (1 - beta) h) w

is linear in the pair (v, w)::

    [v']   [ beta              (1 - beta) h           ] [v]
    [w'] = [ -alpha beta       1 - alpha (1 - beta) h ] [w]      = M [v, w]

so after t steps the pair is M^t [v_0, w_0]. The error shrinks like rho(M)^t, where
rho(M) is the spectral radius (the largest |eigenvalue|): the **convergence rate**,
the factor by which the error is multiplied per step in the long run. rho >= 1
diverges. Complex eigenvalues make w swing around the minimum while it shrinks (a
spiral in the (v, w) plane); a negative real eigenvalue flips its sign every step (the
zigzag of the lecture's picture); positive real ones approach from one side (a crawl,
when rho is close to 1).

The eigenvalues of a 2x2 matrix come from its trace T and determinant D:
lambda = T / 2 +- sqrt(T^2 / 4 - D). For M, D = beta exactly, so whenever the
eigenvalues are complex, |lambda| = sqrt(beta), whatever alpha is.

With beta = 0 momentum is gradient descent: M has eigenvalues 0 and 1 - alpha h, and
rho = |1 - alpha h|.

A 2-D bowl f = (a x^2 + b y^2) / 2 is two such directions at once; the slower one sets
the pace: rate = max(rho_a, rho_b). ``momentum_rate_map`` evaluates this on a whole grid
of (alpha, beta) in one vectorized pass. This module is numpy only; the map is drawn by
``ngopt_course.plots.momentum``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_int, check_real

__all__ = [
    "REGIONS",
    "RateMap",
    "momentum_matrix",
    "spectral_radius_2x2",
    "momentum_rate",
    "gradient_descent_rate",
    "momentum_divergence_boundary",
    "momentum_rate_map",
    "observed_rate",
]

#: Region names of ``RateMap.region``, by code 0..3.
REGIONS = ("crawl", "oscillation", "fast", "divergence")
_CRAWL, _OSCILLATION, _FAST, _DIVERGENCE = range(4)


def _positive(value, name):
    arr = check_array(value, name)
    if arr.size and not np.all(arr > 0):
        raise ValueError(f"{name} == {_first_bad(arr, arr <= 0)}, must be > 0")
    return arr.astype(float, copy=False)


def _betas(value, name="beta"):
    arr = check_array(value, name)
    bad = (arr < 0) | (arr >= 1)
    if np.any(bad):
        raise ValueError(f"{name} == {_first_bad(arr, bad)}, must be in [0, 1)")
    return arr.astype(float, copy=False)


def _first_bad(arr, bad):
    return repr(float(np.asarray(arr)[bad].ravel()[0]))


def momentum_matrix(learning_rate, beta, h):
    """The matrix M of one momentum step on a quadratic of curvature h.

    Parameters
    ----------
    learning_rate : float or array_like
        alpha, > 0.
    beta : float or array_like
        In [0, 1).
    h : float or array_like
        The curvature (second derivative) of the loss along this direction, > 0.

    Returns
    -------
    ndarray of shape broadcast(learning_rate, beta, h).shape + (2, 2)
        ``[[beta, (1 - beta) h], [-alpha beta, 1 - alpha (1 - beta) h]]``: one step maps
        the pair (v, w) (velocity, distance to the minimum) to ``M @ [v, w]``.
    """
    alpha = _positive(learning_rate, "learning_rate")
    beta = _betas(beta)
    h = _positive(h, "h")
    alpha, beta, h = np.broadcast_arrays(alpha, beta, h)
    M = np.empty(alpha.shape + (2, 2))
    M[..., 0, 0] = beta                                  # v' keeps beta of the old velocity ...
    M[..., 0, 1] = (1.0 - beta) * h                      # ... plus (1 - beta) of the gradient h w
    M[..., 1, 0] = -alpha * beta                         # w' = w - alpha v', with v' written out
    M[..., 1, 1] = 1.0 - alpha * (1.0 - beta) * h
    return M


def _eigenvalues_2x2(M):
    """Both eigenvalues of each 2x2 matrix, from its trace and determinant.

    Parameters
    ----------
    M : array_like of shape (..., 2, 2)

    Returns
    -------
    ndarray of complex, shape (..., 2)
        ``T / 2 + sqrt(T^2 / 4 - D)`` and ``T / 2 - sqrt(T^2 / 4 - D)``, with T the trace
        and D the determinant (the roots of lambda^2 - T lambda + D = 0). Closed form and
        vectorized: a grid of 40,000 matrices takes about a millisecond.
    """
    M = check_array(M, "M")
    if M.shape[-2:] != (2, 2):
        raise ValueError(f"M must have shape (..., 2, 2), got shape {M.shape}")
    trace, det = _trace_det(M)
    half = trace / 2.0
    root = np.sqrt((half * half - det).astype(complex))
    return np.stack([half + root, half - root], axis=-1)


def _trace_det(M):
    trace = M[..., 0, 0] + M[..., 1, 1]
    det = M[..., 0, 0] * M[..., 1, 1] - M[..., 0, 1] * M[..., 1, 0]
    return trace, det


def _radius_and_kind(trace, det):
    """Spectral radius and the kind of the largest eigenvalue from T and D.

    Real eigenvalues (T^2 / 4 >= D): the larger one in size is T / 2 + sign(T) sqrt(...),
    so rho = |T| / 2 + sqrt(T^2 / 4 - D); it is negative when T < 0 (the error flips
    sign every step). Complex ones (a conjugate pair): both have |lambda|^2 = D.
    Returns rho and an int code: 1 positive real, -1 negative real, 0 complex.
    """
    half = trace / 2.0
    disc = half * half - det
    real = disc >= 0
    rho = np.where(real, np.abs(half) + np.sqrt(np.where(real, disc, 0.0)), np.sqrt(np.abs(det)))
    kind = np.where(real, np.where(half >= 0, 1, -1), 0)
    return rho, kind


def spectral_radius_2x2(M):
    """rho(M) = max |eigenvalue| of each 2x2 matrix (closed form, vectorized).

    Parameters
    ----------
    M : array_like of shape (..., 2, 2)

    Returns
    -------
    ndarray of shape (...)
    """
    M = check_array(M, "M")
    if M.shape[-2:] != (2, 2):
        raise ValueError(f"M must have shape (..., 2, 2), got shape {M.shape}")
    return _radius_and_kind(*_trace_det(M))[0]


def momentum_rate(learning_rate, beta, h):
    """Convergence rate of momentum on a quadratic of curvature h: rho(M).

    The factor by which the distance to the minimum shrinks per step in the long run
    (the lecture's form, with the (1 - beta)). Broadcasts over its arguments.

    Examples
    --------
    >>> round(float(momentum_rate(0.18, 0.0, 10.0)), 4)   # beta = 0 is gradient descent: |1 - 1.8|
    0.8
    >>> round(float(momentum_rate(0.18, 0.9, 10.0)), 4)   # complex eigenvalues: sqrt(0.9)
    0.9487
    """
    return spectral_radius_2x2(momentum_matrix(learning_rate, beta, h))


def gradient_descent_rate(learning_rate, h):
    """|1 - alpha h|: gradient descent multiplies the distance by 1 - alpha h every step."""
    alpha = _positive(learning_rate, "learning_rate")
    h = _positive(h, "h")
    return np.abs(1.0 - alpha * h)


def momentum_divergence_boundary(beta, h):
    """The largest stable learning rate of momentum: alpha_max = 2 (1 + beta) / ((1 - beta) h).

    From the characteristic polynomial lambda^2 - T lambda + D with D = beta and
    T = 1 + beta - alpha (1 - beta) h: both roots lie inside the unit circle exactly
    when |D| < 1, 1 - T + D > 0 (always: it is alpha (1 - beta) h) and 1 + T + D > 0,
    i.e. alpha (1 - beta) h < 2 (1 + beta). At beta = 0 this is gradient descent's 2 / h;
    larger beta tolerates a larger alpha (the (1 - beta) shrinks every step's share).
    """
    beta = _betas(beta)
    h = _positive(h, "h")
    return 2.0 * (1.0 + beta) / ((1.0 - beta) * h)


@dataclass(frozen=True)
class RateMap:
    """Momentum's convergence rate over a grid of (alpha, beta), for a bowl.

    Attributes
    ----------
    learning_rates : ndarray, shape (n_alpha,)
        The grid's alphas (the map's columns).
    betas : ndarray, shape (n_beta,)
        The grid's betas (the map's rows).
    curvatures : ndarray, shape (k,)
        The bowl's curvatures (its Hessian's eigenvalues), e.g. (a, b).
    rho : ndarray, shape (n_beta, n_alpha)
        max over the curvatures of rho(M): the error factor per step.
    region : ndarray of int, shape (n_beta, n_alpha)
        Index into ``REGIONS``: "divergence" where rho >= 1; "fast" where rho <=
        ``fast``; otherwise "oscillation" when the slowest direction's largest
        eigenvalue is complex or negative (the error changes sign as it shrinks) and
        "crawl" when it is real and positive (a one-sided, slow approach).
    fast : float
        The threshold of the "fast" region.
    best : (alpha, beta, rho)
        The grid point with the smallest rho.
    """

    learning_rates: np.ndarray
    betas: np.ndarray
    curvatures: np.ndarray
    rho: np.ndarray
    region: np.ndarray
    fast: float
    best: tuple

    def boundary(self):
        """alpha_max(beta) for every beta of the grid: the divergence boundary of the stiffest direction."""
        return momentum_divergence_boundary(self.betas, self.curvatures.max())

    def at(self, learning_rate, beta):
        """(rho, region name) at one point, computed exactly (not read off the grid)."""
        rho, region = _rate_and_region(np.asarray(float(learning_rate)), np.asarray(float(beta)),
                                       self.curvatures, self.fast)
        return float(rho), REGIONS[int(region)]


def _rate_and_region(alpha, beta, curvatures, fast):
    """rho and region code for broadcast (alpha, beta), worst over the curvatures."""
    h = curvatures.reshape((-1,) + (1,) * np.ndim(alpha + beta))
    M = momentum_matrix(alpha, beta, h)                  # shape (k, ...) + (2, 2)
    rhos, kinds = _radius_and_kind(*_trace_det(M))
    worst = np.argmax(rhos, axis=0)                      # the direction that sets the pace
    rho = np.take_along_axis(rhos, worst[None], axis=0)[0]
    kind = np.take_along_axis(kinds, worst[None], axis=0)[0]
    region = np.where(kind == 1, _CRAWL, _OSCILLATION)
    region = np.where(rho <= fast, _FAST, region)
    region = np.where(rho >= 1.0, _DIVERGENCE, region)
    return rho, region


def momentum_rate_map(learning_rates, betas, curvatures, *, fast=0.85):
    """Momentum's convergence rate over a grid of (alpha, beta), worst over the curvatures.

    Parameters
    ----------
    learning_rates : array_like, shape (n_alpha,)
        alphas, > 0 (a geometric grid shows small and large ones alike).
    betas : array_like, shape (n_beta,)
        In [0, 1).
    curvatures : array_like, shape (k,)
        The curvatures of the bowl (for f = (a x^2 + b y^2) / 2: (a, b)), > 0.
    fast : float, default 0.85
        rho at or below this is called "fast": the error is divided by 10 in about
        ln 10 / -ln 0.85 = 14 steps or fewer.

    Returns
    -------
    RateMap
    """
    alphas = _positive(check_array(learning_rates, "learning_rates", ndim=1), "learning_rates")
    betas = _betas(check_array(betas, "betas", ndim=1), "betas")
    curvatures = _positive(check_array(curvatures, "curvatures", ndim=1), "curvatures")
    fast = check_real(fast, "fast", min_val=0.0, max_val=1.0, closed="neither")
    if alphas.size == 0 or betas.size == 0 or curvatures.size == 0:
        raise ValueError("learning_rates, betas and curvatures must not be empty")
    rho, region = _rate_and_region(alphas[None, :], betas[:, None], curvatures, fast)
    i, j = np.unravel_index(np.argmin(rho), rho.shape)
    return RateMap(
        learning_rates=alphas.copy(), betas=betas.copy(), curvatures=curvatures.copy(),
        rho=rho, region=region, fast=fast,
        best=(float(alphas[j]), float(betas[i]), float(rho[i, j])),
    )


def observed_rate(errors, window=20):
    """The error factor per step measured on a run, to compare with rho.

    Parameters
    ----------
    errors : array_like, shape (n,)
        Distance to the minimum at each step, e.g. ``|w_t - w*|``.
    window : int, default 20
        Compare the largest |error| over the first ``window`` values with the largest
        over the last ``window``. The maximum over a window is the envelope: an error
        that swings around the minimum (complex eigenvalues) passes through zero, so two
        single values would say little; two envelopes shrink by rho^t between them.

    Returns
    -------
    float
        ``(max last / max first) ** (1 / (n - window))``.
    """
    errors = np.abs(check_array(errors, "errors", ndim=1)).astype(float)
    window = check_int(window, "window", min_val=1)
    if errors.size < 2 * window:
        raise ValueError(f"errors has {errors.size} values, need at least 2 * window = {2 * window}")
    first, last = errors[:window].max(), errors[-window:].max()
    if first == 0:
        raise ValueError("errors are all zero in the first window: nothing to measure")
    return float((last / first) ** (1.0 / (errors.size - window)))


def _steps_to_settle(losses, tol, f_min=0.0):
    """First step from which ``losses - f_min`` stays below ``tol`` to the end of the run.

    ``SurfaceRun.steps_to_tol`` counts the first time the loss dips below ``tol``; a run
    that oscillates can dip below and climb out again. This asks for staying.

    Parameters
    ----------
    losses : array_like, shape (n,)
    tol : float
        > 0.
    f_min : float, default 0.0

    Returns
    -------
    int or None
        None when the last loss is not below ``tol`` (the run has not settled).
    """
    losses = check_array(losses, "losses", ndim=1)
    tol = check_real(tol, "tol", min_val=0.0, closed="neither")
    f_min = check_real(f_min, "f_min")
    below = (losses - f_min) < tol
    if losses.size == 0 or not below[-1]:
        return None
    above = np.flatnonzero(~below)
    return 0 if above.size == 0 else int(above[-1]) + 1

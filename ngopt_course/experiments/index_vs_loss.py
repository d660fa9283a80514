"""Which critical points are low? A critical point's index against its loss.

Dauphin et al. (2014, "Identifying and attacking the saddle point problem in
high-dimensional non-convex optimization") relate the *index* of a critical point (the
fraction of directions in which the cost curves down, i.e. of negative Hessian
eigenvalues) to its loss: on random high-dimensional landscapes the loss grows with the
index (Bray & Dean 2007 derive it for Gaussian random fields), so the minima (index 0)
sit at the bottom, and the critical points with high loss are saddles, which gradient
descent can leave. Bad local minima, high up, are the rare ones.

This module builds such a landscape, a Gaussian random field in n dimensions made of
random cosines (random Fourier features):

.. math:: f(x) = \\sum_{k=1}^K a_k \\cos(w_k \\cdot x + b_k),
   \\quad a_k \\sim N(0, 2/K),\\ w_k \\sim N(0, I),\\ b_k \\sim U[0, 2\\pi),

with its exact gradient and Hessian, finds many of its critical points with Newton's
method (which converges to *any* critical point nearby, saddles included, unlike
gradient descent), and measures each one's index and loss. Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_real, check_rng

__all__ = ["RandomLandscape", "random_landscape", "CriticalPoints", "find_critical_points", "mean_loss_by_index"]


@dataclass(frozen=True)
class RandomLandscape:
    """f(x) = sum_k a_k cos(w_k . x + b_k) in n dimensions; variance of f about 1.

    Attributes
    ----------
    W : array (K, n)
        The frequencies w_k.
    b : array (K,)
        The phases.
    a : array (K,)
        The amplitudes.
    """

    W: np.ndarray
    b: np.ndarray
    a: np.ndarray

    @property
    def n(self):
        return self.W.shape[1]

    def _phases(self, x):
        x = np.asarray(x, dtype=float)
        if x.shape[-1] != self.n:
            raise ValueError(f"x has {x.shape[-1]} coordinates in its last axis, the landscape has n == {self.n}")
        return x @ self.W.T + self.b

    def f(self, x):
        """f at points x of shape (..., n)."""
        return np.cos(self._phases(x)) @ self.a

    def grad(self, x):
        """The gradient, shape (..., n)."""
        return -(np.sin(self._phases(x)) * self.a) @ self.W

    def hessian(self, x):
        """The Hessian, shape (..., n, n)."""
        n = self.n
        outer = (self.W[:, :, None] * self.W[:, None, :]).reshape(-1, n * n)   # w_k w_k^T, flattened
        H = -(np.cos(self._phases(x)) * self.a) @ outer
        return H.reshape(*H.shape[:-1], n, n)


def random_landscape(n, num_features=300, seed=0):
    """A random landscape in ``n`` dimensions (see the module docstring).

    Parameters
    ----------
    n : int
        Dimensions, >= 1.
    num_features : int, default 300
        Number of cosines K; more makes f closer to a Gaussian random field.
    seed : int, numpy.random.Generator or None, default 0
    """
    n = check_int(n, "n", min_val=1)
    num_features = check_int(num_features, "num_features", min_val=1)
    rng = check_rng(seed)
    W = rng.standard_normal((num_features, n))
    b = rng.uniform(0.0, 2 * np.pi, num_features)
    a = rng.standard_normal(num_features) * np.sqrt(2.0 / num_features)
    return RandomLandscape(W=W, b=b, a=a)


@dataclass(frozen=True)
class CriticalPoints:
    """Distinct critical points of a landscape, with their loss and index.

    Attributes
    ----------
    points : array (p, n)
    losses : array (p,)
        f at each point.
    num_negative : array (p,) of int
        Number of negative Hessian eigenvalues (0: a local minimum, n: a local maximum).
    index : array (p,)
        ``num_negative / n``: the fraction of directions curving down.
    gradient_norms : array (p,)
        |grad f| at each point (all below the tolerance).
    """

    points: np.ndarray
    losses: np.ndarray
    num_negative: np.ndarray
    index: np.ndarray
    gradient_norms: np.ndarray


def find_critical_points(landscape, num_starts=400, num_iters=40, box=3.0, max_step=0.5, tol=1e-9, seed=1):
    """Newton's method from random starts; keep the distinct points where the gradient vanishes.

    Each iteration solves H d = grad f and steps x := x - d, the step shortened to at most
    ``max_step``. Newton's method is drawn to minima, maxima and saddles alike, so the
    points found sample every kind.

    Parameters
    ----------
    landscape : RandomLandscape
    num_starts : int, default 400
        Starts uniform in [-box, box]^n.
    num_iters : int, default 40
    box, max_step : float
    tol : float, default 1e-9
        A point counts as critical when |grad f| < tol.
    seed : int, numpy.random.Generator or None, default 1

    Returns
    -------
    CriticalPoints
    """
    if not isinstance(landscape, RandomLandscape):
        raise TypeError(f"landscape must be a RandomLandscape, got {type(landscape).__name__}")
    num_starts = check_int(num_starts, "num_starts", min_val=1)
    num_iters = check_int(num_iters, "num_iters", min_val=1)
    box = check_real(box, "box", min_val=0.0, closed="neither")
    max_step = check_real(max_step, "max_step", min_val=0.0, closed="neither")
    tol = check_real(tol, "tol", min_val=0.0, closed="neither")
    rng = check_rng(seed)
    x = rng.uniform(-box, box, (num_starts, landscape.n))
    for _ in range(num_iters):
        H, g = landscape.hessian(x), landscape.grad(x)
        with np.errstate(all="ignore"):
            try:
                d = np.linalg.solve(H, g[..., None])[..., 0]
            except np.linalg.LinAlgError:          # a singular Hessian somewhere: solve one by one
                d = np.stack([np.linalg.lstsq(Hi, gi, rcond=None)[0] for Hi, gi in zip(H, g)])
        d = np.nan_to_num(d)
        length = np.linalg.norm(d, axis=1, keepdims=True)
        x = x - d * np.minimum(1.0, max_step / np.maximum(length, 1e-300))
    norms = np.linalg.norm(landscape.grad(x), axis=1)
    found = x[norms < tol]
    # distinct points: the same critical point reached from several starts counts once
    _, first = np.unique(np.round(found, 6), axis=0, return_index=True)
    found = found[np.sort(first)]
    eigenvalues = np.linalg.eigvalsh(landscape.hessian(found)) if found.size else np.empty((0, landscape.n))
    num_negative = np.sum(eigenvalues < 0, axis=1)
    return CriticalPoints(points=found, losses=landscape.f(found), num_negative=num_negative,
                          index=num_negative / landscape.n, gradient_norms=np.linalg.norm(landscape.grad(found), axis=1))


def mean_loss_by_index(critical_points):
    """Mean loss of the critical points with 0, 1, ..., n negative eigenvalues (those found).

    Returns
    -------
    dict
        number of negative eigenvalues -> (count, mean loss).
    """
    if not isinstance(critical_points, CriticalPoints):
        raise TypeError(f"critical_points must be CriticalPoints, got {type(critical_points).__name__}")
    out = {}
    for k in np.unique(critical_points.num_negative):
        pick = critical_points.num_negative == k
        out[int(k)] = (int(pick.sum()), float(critical_points.losses[pick].mean()))
    return out

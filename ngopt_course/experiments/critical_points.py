"""Points of zero gradient: minima, maxima and saddle points, in few and in many dimensions.

At a point where the gradient of a cost J is zero, the Hessian H (the symmetric matrix
of second derivatives) says how J curves: along each eigenvector of H the surface
curves up when the eigenvalue is positive and down when it is negative. So

- all n eigenvalues > 0: every direction curves up, a **local minimum**;
- all n eigenvalues < 0: a **local maximum**;
- mixed signs: some directions go up, some down, a **saddle point**.

The lecture's argument (section 13) is about counting: a local minimum needs *every*
one of the n directions to curve up. This module makes the argument measurable with
random symmetric matrices as stand-ins for Hessians (the Gaussian orthogonal ensemble,
GOE: ``A = (G + G^T) / 2`` with G a matrix of independent standard normal numbers),
counting how many of them are minima, maxima and saddles as n grows. It is a model,
not a network's Hessian, but it shows the effect: the fraction of minima falls even
faster than the naive "each direction curves up with probability 1/2" estimate 2^-n,
because the eigenvalues of a random symmetric matrix repel each other and rarely all
land on one side of zero.

The module also has the tools notebook 08 uses on the 2-D surfaces of ``surfaces.py``:
a numerical Hessian, the gradient norm along a path, and plain gradient descent from
many starts at once (which minimum does each start reach?). numpy only.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_int, check_real, check_rng
from ..surfaces import get_surface

__all__ = [
    "CRITICAL_POINT_KINDS",
    "random_symmetric_matrices",
    "classify_eigenvalues",
    "classify_critical_point",
    "naive_minimum_fraction",
    "naive_index_fractions",
    "CriticalPointCensus",
    "critical_point_census",
    "numerical_hessian",
    "gradient_norms",
    "descend_many",
    "nearest_point",
]

#: The labels, in the order the census counts them. The same strings as the exercise
#: ``classify_critical_point`` (``ngopt_course.exercises``).
CRITICAL_POINT_KINDS = ("local minimum", "local maximum", "saddle point")

# Keep one chunk of random matrices below about 32 MB of float64.
_CHUNK_FLOATS = 4_000_000


def _generator_for(seed, n):
    """A Generator for dimension n: an int seed gives each n its own stream.

    With an int, ``(seed, n)`` seeds the stream, so the matrices for n = 20 are the same
    whether n = 20 is sampled alone or after other dimensions. A Generator is used as
    it is (its state moves on).
    """
    if isinstance(seed, numbers.Integral) and not isinstance(seed, (bool, np.bool_)):
        seed = check_int(seed, "seed", min_val=0)
        return np.random.default_rng([seed, n])
    return check_rng(seed)


def random_symmetric_matrices(n, num_samples, seed=0):
    """Random symmetric n x n matrices from the Gaussian orthogonal ensemble.

    ``A = (G + G^T) / 2`` with the entries of G independent standard normal: the
    diagonal entries of A have variance 1, the off-diagonal ones 1/2, and the
    distribution does not change under rotations (no direction is special).

    Parameters
    ----------
    n : int
        Dimension, >= 1.
    num_samples : int
        Number of matrices, >= 1.
    seed : int, numpy.random.Generator or None, default 0
        An int seeds a stream of its own for each n (see ``critical_point_census``).

    Returns
    -------
    ndarray of shape (num_samples, n, n)
        Exactly symmetric.
    """
    n = check_int(n, "n", min_val=1)
    num_samples = check_int(num_samples, "num_samples", min_val=1)
    G = _generator_for(seed, n).standard_normal((num_samples, n, n))
    return 0.5 * (G + np.swapaxes(G, 1, 2))


def _count_negative_eigenvalues(hessians):
    """The number of negative eigenvalues of each symmetric matrix (its "index").

    0 means every direction curves up (a minimum), n every direction curves down (a
    maximum); anything between is a saddle with that many directions leading down.

    Parameters
    ----------
    hessians : array of shape (n, n) or (k, n, n)
        Symmetric matrices (only the lower triangle is read, as ``eigvalsh`` does).

    Returns
    -------
    int or ndarray of shape (k,)
    """
    H = check_array(hessians, "hessians", ndim=(2, 3))
    if H.shape[-1] != H.shape[-2]:
        raise ValueError(f"hessians must be square matrices, got shape {H.shape}")
    counts = np.count_nonzero(np.linalg.eigvalsh(H) < 0, axis=-1)
    return int(counts) if H.ndim == 2 else counts


def classify_eigenvalues(eigenvalues, tol=1e-12):
    """"local minimum", "local maximum", "saddle point" or "inconclusive" from eigenvalues.

    An eigenvalue within ``tol`` times the largest magnitude (at least 1) of zero
    leaves the second-derivative test undecided: the surface is flat to second order in
    that direction and higher derivatives decide; the result is then "inconclusive".
    """
    lam = check_array(eigenvalues, "eigenvalues", ndim=1)
    if lam.size == 0:
        raise ValueError("eigenvalues is empty; a Hessian has at least one")
    tol = check_real(tol, "tol", min_val=0.0)
    scale = max(1.0, float(np.max(np.abs(lam))))
    if np.any(np.abs(lam) <= tol * scale):
        return "inconclusive"
    if np.all(lam > 0):
        return "local minimum"
    if np.all(lam < 0):
        return "local maximum"
    return "saddle point"


def classify_critical_point(hessian, tol=1e-12):
    """Classify a point of zero gradient from its Hessian.

    Parameters
    ----------
    hessian : array of shape (n, n)
        The symmetric matrix of second derivatives at the point. A matrix symmetric
        only up to rounding (e.g. from finite differences) is symmetrised first.
    tol : float, default 1e-12
        Relative size below which an eigenvalue counts as zero (see
        ``classify_eigenvalues``).

    Returns
    -------
    str
        "local minimum" (all eigenvalues > 0), "local maximum" (all < 0), "saddle point"
        (mixed signs) or "inconclusive" (an eigenvalue is zero).

    Examples
    --------
    >>> classify_critical_point([[2.0, 0.0], [0.0, -2.0]])   # f = x^2 - y^2
    'saddle point'
    >>> classify_critical_point([[1.0, 2.0], [2.0, 1.0]])    # eigenvalues 3 and -1
    'saddle point'
    """
    H = check_array(hessian, "hessian", ndim=2)
    if H.shape[0] != H.shape[1] or H.shape[0] == 0:
        raise ValueError(f"hessian must be a square n x n matrix with n >= 1, got shape {H.shape}")
    H = np.asarray(H, dtype=float)
    return classify_eigenvalues(np.linalg.eigvalsh(0.5 * (H + H.T)), tol)


def naive_minimum_fraction(n):
    """2^-n: the chance that n independent directions all curve up, each with probability 1/2.

    The lecture's back-of-the-envelope estimate. Real random Hessians are rarer still
    (see ``critical_point_census``). Underflows to 0.0 beyond n = 1074; use
    ``n * log10(0.5)`` for the order of magnitude there.
    """
    n = np.asarray(n)
    if n.dtype.kind not in "iu" or (n.size and n.min() < 0):
        raise ValueError(f"n == {n!r}, must be a non-negative integer or an array of them")
    out = 0.5 ** n.astype(float)
    return float(out) if out.ndim == 0 else out


def naive_index_fractions(n):
    """The naive model's chance of j = 0..n directions curving down: C(n, j) / 2^n.

    If each of n directions curved down independently with probability 1/2, the number
    of negative eigenvalues would be binomial(n, 1/2): j = 0 (a minimum) has 2^-n,
    j = n/2 the most.
    """
    n = check_int(n, "n", min_val=0)
    total = 2**n  # an exact integer: C(n, j) / 2^n stays accurate for any n
    return np.array([math.comb(n, j) / total for j in range(n + 1)])


@dataclass(frozen=True)
class CriticalPointCensus:
    """What ``critical_point_census`` counted.

    Attributes
    ----------
    dims : ndarray of shape (k,)
        The dimensions n.
    num_samples : int
        Random Hessians drawn per dimension.
    index_counts : tuple of k ndarrays
        ``index_counts[i][j]`` = how many of the Hessians of dimension ``dims[i]`` had
        exactly j negative eigenvalues (j = 0..n).
    """

    dims: np.ndarray
    num_samples: int
    index_counts: tuple

    @property
    def minima(self):
        """Counts with no negative eigenvalue, per dimension."""
        return np.array([c[0] for c in self.index_counts])

    @property
    def maxima(self):
        """Counts with only negative eigenvalues, per dimension."""
        return np.array([c[-1] for c in self.index_counts])

    @property
    def saddles(self):
        """Counts with both signs, per dimension."""
        return self.num_samples - self.minima - self.maxima

    def fractions(self, kind):
        """Fraction of the samples per dimension that are ``kind`` (one of ``CRITICAL_POINT_KINDS``)."""
        counts = {"local minimum": self.minima, "local maximum": self.maxima, "saddle point": self.saddles}
        if kind not in counts:
            raise ValueError(f"kind == {kind!r}, must be one of {list(CRITICAL_POINT_KINDS)}")
        return counts[kind] / self.num_samples

    def index_fractions(self, n):
        """Fraction of the Hessians of dimension n with j = 0..n negative eigenvalues."""
        where = np.flatnonzero(self.dims == n)
        if where.size == 0:
            raise ValueError(f"n == {n!r} was not sampled; dims are {self.dims.tolist()}")
        return self.index_counts[int(where[0])] / self.num_samples


def critical_point_census(dims, num_samples=20_000, seed=0):
    """Count minima, maxima and saddles among random symmetric Hessians of each dimension.

    For each n in ``dims``, draw ``num_samples`` matrices with
    ``random_symmetric_matrices`` and count their negative eigenvalues.

    Parameters
    ----------
    dims : sequence of int
        Dimensions n >= 1, e.g. ``[1, 2, 3, 5, 10, 20]``.
    num_samples : int, default 20_000
    seed : int, numpy.random.Generator or None, default 0
        An int gives every n its own stream seeded by ``(seed, n)``: the counts for one
        n do not depend on which other dimensions are in ``dims``.

    Returns
    -------
    CriticalPointCensus

    Notes
    -----
    The matrices are drawn in chunks of at most about 32 MB, so 20,000 samples of
    n = 100 need no more memory than a few thousand.
    """
    dims = np.array([check_int(n, f"dims[{i}]", min_val=1) for i, n in enumerate(dims)], dtype=np.int64)
    if dims.size == 0:
        raise ValueError("dims is empty; give at least one dimension n >= 1")
    num_samples = check_int(num_samples, "num_samples", min_val=1)
    index_counts = []
    for n in dims:
        rng = _generator_for(seed, int(n))
        chunk = max(1, _CHUNK_FLOATS // (n * n))
        counts = np.zeros(n + 1, dtype=np.int64)
        done = 0
        while done < num_samples:
            size = min(chunk, num_samples - done)
            G = rng.standard_normal((size, n, n))
            A = 0.5 * (G + np.swapaxes(G, 1, 2))
            index = np.count_nonzero(np.linalg.eigvalsh(A) < 0, axis=1)
            counts += np.bincount(index, minlength=n + 1)
            done += size
        index_counts.append(counts)
    return CriticalPointCensus(dims=dims, num_samples=num_samples, index_counts=tuple(index_counts))


# ---------------------------------------------------------------------------
# Tools for the 2-D surfaces
# ---------------------------------------------------------------------------

def numerical_hessian(surface, point, h=1e-5):
    """The 2 x 2 Hessian of a surface at ``point``, by central differences of its gradient.

    Column j is ``(grad(p + h e_j) - grad(p - h e_j)) / (2 h)``, error of order h^2;
    the result is symmetrised (the exact Hessian is symmetric).

    Parameters
    ----------
    surface : Surface or str
        A surface of ``surfaces.SURFACES`` (its analytic gradient is used).
    point : (x, y)
    h : float, default 1e-5
        Step, > 0.
    """
    surface = get_surface(surface)
    p = check_array(point, "point", ndim=1).astype(float)
    if p.shape != (2,):
        raise ValueError(f"point must be (x, y), got shape {p.shape}")
    h = check_real(h, "h", min_val=0.0, closed="neither")
    H = np.empty((2, 2))
    for j in range(2):
        step = np.zeros(2)
        step[j] = h
        plus = np.array(surface.grad(*(p + step)), dtype=float)
        minus = np.array(surface.grad(*(p - step)), dtype=float)
        H[:, j] = (plus - minus) / (2 * h)
    return 0.5 * (H + H.T)


def gradient_norms(surface, path):
    """The length of the gradient ``|grad f| = sqrt(dfdx^2 + dfdy^2)`` at each point of a path.

    Parameters
    ----------
    surface : Surface or str
    path : array of shape (k, 2)
        E.g. ``SurfaceRun.path``.

    Returns
    -------
    ndarray of shape (k,)
    """
    surface = get_surface(surface)
    path = check_array(path, "path", ndim=2)
    if path.shape[1] != 2:
        raise ValueError(f"path must have shape (k, 2), got {path.shape}")
    dfdx, dfdy = surface.grad(path[:, 0], path[:, 1])
    return np.hypot(dfdx, dfdy)


def descend_many(surface, starts, learning_rate, num_steps):
    """Plain gradient descent from many start points at once; return where each ends.

    Every start takes ``num_steps`` steps ``w := w - learning_rate * grad f(w)``, all
    starts in one array operation (the surfaces' gradients are vectorized), so a grid
    of thousands of starts costs about as much as one run of ``run_on_surface``.

    Parameters
    ----------
    surface : Surface or str
    starts : array of shape (k, 2)
    learning_rate : float
        > 0.
    num_steps : int
        >= 0.

    Returns
    -------
    ends : ndarray of shape (k, 2)
        The last points; NaN where a run diverged (overflowed).
    """
    surface = get_surface(surface)
    w = check_array(starts, "starts", ndim=2).astype(float)
    if w.shape[1] != 2:
        raise ValueError(f"starts must have shape (k, 2), got {w.shape}")
    learning_rate = check_real(learning_rate, "learning_rate", min_val=0.0, closed="neither")
    num_steps = check_int(num_steps, "num_steps", min_val=0)
    x, y = w[:, 0].copy(), w[:, 1].copy()
    # A run that overflows turns into inf/NaN; it is reported as NaN, without a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(num_steps):
            dfdx, dfdy = surface.grad(x, y)
            x -= learning_rate * dfdx
            y -= learning_rate * dfdy
    ends = np.column_stack([x, y])
    ends[~np.isfinite(ends).all(axis=1)] = np.nan
    return ends


def nearest_point(points, targets, radius):
    """Index of the target each point lies within ``radius`` of, or -1 for none.

    Parameters
    ----------
    points : array of shape (k, 2)
        NaN rows (diverged runs) get -1.
    targets : array of shape (j, 2)
        E.g. the minima of a surface.
    radius : float
        > 0.

    Returns
    -------
    ndarray of int, shape (k,)
    """
    P = check_array(points, "points", ndim=2, finite=False)
    T = check_array(targets, "targets", ndim=2)
    if P.shape[1] != 2 or T.shape[1] != 2:
        raise ValueError(f"points and targets must have shape (k, 2), got {P.shape} and {T.shape}")
    if T.shape[0] == 0:
        raise ValueError("targets is empty; give at least one point (x, y)")
    radius = check_real(radius, "radius", min_val=0.0, closed="neither")
    with np.errstate(invalid="ignore"):
        distance = np.hypot(P[:, None, 0] - T[None, :, 0], P[:, None, 1] - T[None, :, 1])
    distance = np.where(np.isnan(distance), np.inf, distance)
    nearest = np.argmin(distance, axis=1)
    close = distance[np.arange(P.shape[0]), nearest] <= radius
    return np.where(close, nearest, -1)

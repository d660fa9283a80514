"""critical_points: random Hessians, the census of minima / maxima / saddles, surface tools.

Oracles: hand-computed Hessians and eigenvalues, the exact GOE probabilities for n = 1
and n = 2 (derived below), the same random numbers drawn independently, the package's
GradientDescent on each start, and the exercises' reference classifier.
"""

import math

import numpy as np
import pytest

from ngopt_course import SURFACES, GradientDescent, run_on_surface
from ngopt_course.experiments import critical_points as cp
from ngopt_course.experiments.critical_points import (
    CRITICAL_POINT_KINDS,
    classify_critical_point,
    classify_eigenvalues,
    _count_negative_eigenvalues,
    critical_point_census,
    descend_many,
    gradient_norms,
    naive_index_fractions,
    naive_minimum_fraction,
    nearest_point,
    numerical_hessian,
    random_symmetric_matrices,
)


def _binomial_tolerance(p, n, sigmas=5.0):
    """Half-width of a 5-sigma band for a fraction estimated from n samples."""
    return sigmas * math.sqrt(p * (1 - p) / n)


# ---------------------------------------------------------------------------
# Random symmetric matrices
# ---------------------------------------------------------------------------

def test_random_matrices_are_symmetric_goe_from_their_own_stream():
    A = random_symmetric_matrices(4, 7, seed=5)
    assert A.shape == (7, 4, 4)
    np.testing.assert_array_equal(A, np.swapaxes(A, 1, 2))
    # the same numbers drawn by hand: an int seed seeds the stream (seed, n)
    G = np.random.default_rng([5, 4]).standard_normal((7, 4, 4))
    np.testing.assert_allclose(A, (G + np.transpose(G, (0, 2, 1))) / 2, rtol=0, atol=0)
    np.testing.assert_array_equal(A, random_symmetric_matrices(4, 7, seed=5))
    assert not np.array_equal(A, random_symmetric_matrices(4, 7, seed=6))


def test_goe_entry_variances():
    # (G + G^T) / 2: a diagonal entry is G_ii (variance 1), an off-diagonal one
    # (G_ij + G_ji) / 2 (variance (1 + 1) / 4 = 1/2)
    A = random_symmetric_matrices(3, 40_000, seed=0)
    assert abs(A[:, 0, 0].var() - 1.0) < 0.05
    assert abs(A[:, 0, 1].var() - 0.5) < 0.03


def test_generator_seed_is_used_and_advances():
    rng = np.random.default_rng(3)
    a = random_symmetric_matrices(2, 5, seed=rng)
    b = random_symmetric_matrices(2, 5, seed=rng)
    assert not np.array_equal(a, b)
    G = np.random.default_rng(3).standard_normal((5, 2, 2))
    np.testing.assert_allclose(a, (G + np.transpose(G, (0, 2, 1))) / 2)


@pytest.mark.parametrize("bad, match", [
    (dict(n=0, num_samples=3), r"n == 0"),
    (dict(n=2, num_samples=0), r"num_samples == 0"),
])
def test_random_matrices_refuse_bad_sizes(bad, match):
    with pytest.raises(ValueError, match=match):
        random_symmetric_matrices(**bad)


def test_negative_seed_is_refused():
    with pytest.raises(ValueError, match=r"seed == -1"):
        random_symmetric_matrices(2, 3, seed=-1)


# ---------------------------------------------------------------------------
# Counting and classifying
# ---------------------------------------------------------------------------

def test_count_negative_eigenvalues_by_hand():
    assert _count_negative_eigenvalues(np.diag([1.0, -2.0, 3.0])) == 1
    # [[1, 2], [2, 1]] has eigenvalues 3 and -1 although its diagonal is positive
    assert _count_negative_eigenvalues([[1.0, 2.0], [2.0, 1.0]]) == 1
    batch = np.stack([np.diag([1.0, 2.0]), np.diag([-1.0, 2.0]), np.diag([-1.0, -2.0])])
    np.testing.assert_array_equal(_count_negative_eigenvalues(batch), [0, 1, 2])
    with pytest.raises(ValueError, match="square"):
        _count_negative_eigenvalues(np.zeros((2, 3)))


@pytest.mark.parametrize("hessian, expected", [
    ([[2.0]], "local minimum"),
    ([[-3.0]], "local maximum"),
    ([[2.0, 0.0], [0.0, -2.0]], "saddle point"),             # f = x^2 - y^2
    ([[1.0, 2.0], [2.0, 1.0]], "saddle point"),              # eigenvalues 3, -1
    ([[2.0, -1.0], [-1.0, 2.0]], "local minimum"),           # eigenvalues 1, 3
    ([[-2.0, 1.0], [1.0, -2.0]], "local maximum"),           # eigenvalues -1, -3
    (np.diag([-1.0, -1.0, 2.0]), "saddle point"),            # det > 0, still a saddle
    (np.diag([3.0, -1.0, -1.0]), "saddle point"),            # trace > 0, still a saddle
    ([[1.0, 0.0], [0.0, 0.0]], "inconclusive"),              # flat to second order along y
])
def test_classify_by_hand(hessian, expected):
    assert classify_critical_point(hessian) == expected


def test_classify_eigenvalues_and_tolerance():
    # an eigenvalue counts as zero when |lambda| <= tol * max(1, largest |lambda|)
    assert classify_eigenvalues(np.array([1e-3, 2.0])) == "local minimum"
    assert classify_eigenvalues(np.array([1e-13, 2.0])) == "inconclusive"       # bar 2e-12
    assert classify_eigenvalues(np.array([1e-9, 1e4])) == "inconclusive"        # bar 1e-8: relative
    assert classify_eigenvalues(np.array([1e-9, 1e4]), tol=1e-14) == "local minimum"   # bar 1e-10
    assert classify_eigenvalues(np.array([0.0, -1.0]), tol=0.0) == "inconclusive"
    assert classify_eigenvalues(np.array([-1e-300, -1.0]), tol=0.0) == "local maximum"
    with pytest.raises(ValueError, match="empty"):
        classify_eigenvalues(np.array([]))


def test_classify_symmetrises_a_nearly_symmetric_matrix():
    H = np.array([[2.0, 0.5 + 1e-13], [0.5 - 1e-13, 3.0]])
    assert classify_critical_point(H) == "local minimum"


@pytest.mark.parametrize("bad, error, match", [
    (np.zeros((2, 3)), ValueError, "square"),
    (np.zeros((0, 0)), ValueError, "square"),
    (np.array([[np.nan]]), ValueError, "non-finite"),
    (np.zeros(3), ValueError, "2-D"),
    (np.array([["a"]]), TypeError, "numbers"),
])
def test_classify_refuses_what_is_not_a_hessian(bad, error, match):
    with pytest.raises(error, match=match):
        classify_critical_point(bad)


def test_classify_agrees_with_the_exercise_reference():
    from ngopt_course import exercises

    reference = exercises.reference("classify_critical_point")
    rng = np.random.default_rng(11)
    matrices = [random_symmetric_matrices(n, 1, seed=n)[0] for n in (1, 2, 3, 5, 20)]
    for n in (2, 5, 20):   # definite ones too, in rotated axes
        q, _ = np.linalg.qr(rng.normal(size=(n, n)))
        for sign in (1.0, -1.0):
            matrices.append(q @ np.diag(sign * np.linspace(0.5, 3.0, n)) @ q.T)
    kinds = {classify_critical_point(H) for H in matrices}
    assert kinds == set(CRITICAL_POINT_KINDS)
    for H in matrices:
        assert classify_critical_point(H) == reference(H)


# ---------------------------------------------------------------------------
# The naive estimate
# ---------------------------------------------------------------------------

def test_naive_minimum_fraction_is_two_to_the_minus_n():
    assert naive_minimum_fraction(0) == 1.0
    assert naive_minimum_fraction(1) == 0.5
    assert naive_minimum_fraction(10) == 1 / 1024
    np.testing.assert_array_equal(naive_minimum_fraction(np.array([1, 2, 3])), [0.5, 0.25, 0.125])
    with pytest.raises(ValueError, match="non-negative integer"):
        naive_minimum_fraction(-1)
    with pytest.raises(ValueError, match="non-negative integer"):
        naive_minimum_fraction(np.array([1.5]))


def test_naive_index_fractions_are_binomial():
    np.testing.assert_allclose(naive_index_fractions(1), [0.5, 0.5])
    np.testing.assert_allclose(naive_index_fractions(2), [0.25, 0.5, 0.25])
    np.testing.assert_allclose(naive_index_fractions(4), np.array([1, 4, 6, 4, 1]) / 16)
    big = naive_index_fractions(2000)          # exact integers: no overflow for large n
    assert abs(big.sum() - 1.0) < 1e-12 and big[1000] == big.max()


# ---------------------------------------------------------------------------
# The census
# ---------------------------------------------------------------------------

def test_census_n1_counts_the_signs_of_the_same_normal_numbers():
    # a 1x1 GOE matrix is (g + g) / 2 = g: a minimum exactly when g > 0
    census = critical_point_census([1], num_samples=1000, seed=7)
    g = np.random.default_rng([7, 1]).standard_normal((1000, 1, 1)).ravel()
    assert census.minima[0] == np.count_nonzero(g > 0)
    assert census.maxima[0] == np.count_nonzero(g < 0)
    assert census.saddles[0] == 0


def test_census_n2_matches_the_exact_goe_probability():
    # A = [[a, b], [b, c]]: a, c ~ N(0, 1), b ~ N(0, 1/2). Eigenvalues u +- r with
    # u = (a + c) / 2 ~ N(0, 1/2), r = sqrt(w^2 + b^2), w = (a - c) / 2 ~ N(0, 1/2), and
    # u, w, b independent with one variance: both eigenvalues > 0 iff u > r, i.e. for the
    # Gaussian vector (u, w, b) u > 0 and u^2 > w^2 + b^2: the angle to the u axis is below
    # 45 degrees. For an isotropic 3-D vector cos(angle) is uniform on [-1, 1] (Archimedes),
    # so P = P(cos > 1/sqrt(2)) = (1 - 1/sqrt(2)) / 2 = 0.1464...
    exact = (1 - 1 / math.sqrt(2)) / 2
    census = critical_point_census([2], num_samples=40_000, seed=0)
    for kind in ("local minimum", "local maximum"):
        assert abs(census.fractions(kind)[0] - exact) < _binomial_tolerance(exact, 40_000)
    assert abs(census.fractions("saddle point")[0] - (1 - 2 * exact)) < _binomial_tolerance(1 - 2 * exact, 40_000)


def test_census_bookkeeping_and_the_lecture_claim():
    census = critical_point_census([1, 3, 6, 20], num_samples=3000, seed=2)
    np.testing.assert_array_equal(census.dims, [1, 3, 6, 20])
    for n, counts in zip(census.dims, census.index_counts):
        assert counts.shape == (n + 1,) and counts.sum() == 3000
        np.testing.assert_allclose(census.index_fractions(n), counts / 3000)
    total = census.minima + census.maxima + census.saddles
    np.testing.assert_array_equal(total, 3000)
    f = census.fractions("local minimum")
    assert f[0] > f[1] > f[2] >= f[3]
    assert census.minima[-1] == 0 and census.saddles[-1] == 3000
    # the mirror image -A is as likely as A: as many minima as maxima (5 sigma)
    for n_min, n_max in zip(census.minima[:2], census.maxima[:2]):
        p = (n_min + n_max) / 6000
        assert abs(n_min - n_max) / 3000 < 2 * _binomial_tolerance(p, 3000)


def test_census_per_dimension_streams_and_chunking(monkeypatch):
    alone = critical_point_census([5], num_samples=2000, seed=4)
    together = critical_point_census([2, 5], num_samples=2000, seed=4)
    np.testing.assert_array_equal(alone.index_counts[0], together.index_counts[1])
    # drawing in many small chunks gives the same numbers from the same stream
    monkeypatch.setattr(cp, "_CHUNK_FLOATS", 25 * 7)   # 7 matrices of 5x5 per chunk
    chunked = critical_point_census([5], num_samples=2000, seed=4)
    np.testing.assert_array_equal(alone.index_counts[0], chunked.index_counts[0])


def test_census_refuses_bad_arguments():
    with pytest.raises(ValueError, match="empty"):
        critical_point_census([], 10)
    with pytest.raises(ValueError, match=r"dims\[1\] == 0"):
        critical_point_census([2, 0], 10)
    census = critical_point_census([2], 10)
    with pytest.raises(ValueError, match="kind == 'minimum'"):
        census.fractions("minimum")
    with pytest.raises(ValueError, match="n == 3 was not sampled"):
        census.index_fractions(3)


# ---------------------------------------------------------------------------
# Tools for the surfaces
# ---------------------------------------------------------------------------

def test_numerical_hessian_of_the_saddle_by_hand():
    # f = x^2 - y^2 + y^4 / 4: f_xx = 2, f_xy = 0, f_yy = 3 y^2 - 2
    np.testing.assert_allclose(numerical_hessian("saddle", (0.0, 0.0)), [[2, 0], [0, -2]], atol=1e-8)
    np.testing.assert_allclose(numerical_hessian("saddle", (0.3, 1.5)), [[2, 0], [0, 3 * 1.5**2 - 2]], atol=1e-6)


def test_numerical_hessian_of_the_double_well_by_hand():
    # f = (x^2 - 1)^2 + c x + d (y - x/2)^2 with c = 0.3, d = 2:
    # f_xx = 12 x^2 - 4 + d / 2, f_xy = -d, f_yy = 2 d
    d = 2.0
    for x, y in [(0.5, -0.2), (-1.0, 0.7)]:
        expected = [[12 * x**2 - 4 + d / 2, -d], [-d, 2 * d]]
        np.testing.assert_allclose(numerical_hessian("local_minimum", (x, y)), expected, atol=1e-6)
    well = SURFACES["local_minimum"]
    assert classify_critical_point(numerical_hessian(well, well.landmarks["saddle point"])) == "saddle point"
    assert classify_critical_point(numerical_hessian(well, well.landmarks["local minimum"])) == "local minimum"
    with pytest.raises(ValueError, match=r"point must be \(x, y\)"):
        numerical_hessian(well, (1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match=r"h == 0"):
        numerical_hessian(well, (1.0, 2.0), h=0)


def test_gradient_norms_by_hand():
    path = np.array([[1.0, 0.0], [0.0, 1.0], [3.0, 2.0]])
    # grad of the saddle surface: (2x, y^3 - 2y)
    expected = [2.0, 1.0, math.hypot(6.0, 8.0 - 4.0)]
    np.testing.assert_allclose(gradient_norms("saddle", path), expected)
    with pytest.raises(ValueError, match=r"shape \(k, 2\)"):
        gradient_norms("saddle", np.zeros((3, 3)))


def test_descend_many_matches_gradient_descent_run_by_run():
    starts = np.array([[1.8, -1.0], [-1.5, 1.5], [0.2, 0.0]])
    ends = descend_many("local_minimum", starts, learning_rate=0.05, num_steps=60)
    for start, end in zip(starts, ends):
        run = run_on_surface("local_minimum", GradientDescent(0.05), start=start, num_steps=60)
        np.testing.assert_allclose(end, run.path[-1], rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(descend_many("saddle", starts, 0.1, 0), starts)   # no step: the starts


def test_descend_many_marks_divergence_as_nan_without_warnings():
    # on the bowl f = 0.1 x^2 + 5 y^2, alpha = 1 multiplies y by 1 - 10 = -9 each step
    ends = descend_many("elongated_bowl", np.array([[1.0, 1.0], [1.0, 0.0]]), learning_rate=1.0, num_steps=400)
    assert np.isnan(ends[0]).all()
    assert np.isfinite(ends[1]).all() and ends[1][1] == 0.0


def test_nearest_point_by_hand():
    targets = np.array([[0.0, 0.0], [2.0, 0.0]])
    points = np.array([[0.05, 0.0], [1.9, 0.1], [1.0, 0.0], [np.nan, np.nan]])
    np.testing.assert_array_equal(nearest_point(points, targets, radius=0.2), [0, 1, -1, -1])
    np.testing.assert_array_equal(nearest_point(points, targets, radius=1.0), [0, 1, 0, -1])   # a tie: the first
    with pytest.raises(ValueError, match="radius == 0"):
        nearest_point(points, targets, radius=0)
    with pytest.raises(ValueError, match="empty"):
        nearest_point(points, np.zeros((0, 2)), radius=1.0)

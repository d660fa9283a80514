"""Momentum's convergence rate from 2x2 matrices: checked by hand, by numpy and by real runs."""

import numpy as np
import pytest

from ngopt_course.experiments.convergence import (
    REGIONS,
    _eigenvalues_2x2,
    gradient_descent_rate,
    momentum_divergence_boundary,
    momentum_matrix,
    momentum_rate,
    momentum_rate_map,
    observed_rate,
    spectral_radius_2x2,
    _steps_to_settle,
)
from ngopt_course.optimizers import Momentum


def _momentum_distances(alpha, beta, h, num_steps):
    """|w_t| of the package's Momentum on the loss h w^2 / 2 from w_0 = 1 (the oracle run)."""
    params = {"w": np.array([1.0])}
    optimizer = Momentum(alpha, beta)
    state = optimizer.init(params)
    ws = [1.0]
    for _ in range(num_steps):
        optimizer.step(params, {"w": h * params["w"]}, state)
        ws.append(params["w"][0])
    return np.abs(ws)


# ---------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------

def test_momentum_matrix_by_hand():
    # alpha = 0.5, beta = 0.8, h = 2: [[0.8, 0.2 * 2], [-0.5 * 0.8, 1 - 0.5 * 0.2 * 2]]
    np.testing.assert_allclose(momentum_matrix(0.5, 0.8, 2.0), [[0.8, 0.4], [-0.4, 0.8]], rtol=1e-15)
    # beta = 0: [[0, h], [0, 1 - alpha h]]
    np.testing.assert_allclose(momentum_matrix(0.1, 0.0, 4.0), [[0.0, 4.0], [0.0, 0.6]], rtol=1e-15)


@pytest.mark.parametrize("alpha, beta, h, v0, w0", [
    (0.18, 0.9, 10.0, 0.0, 1.0),
    (0.18, 0.9, 0.2, 0.3, -1.2),
    (1.7, 0.5, 3.0, -2.0, 0.25),
    (0.05, 0.0, 7.0, 1.0, 1.0),
    (0.3, 0.99, 1.0, 0.4, -0.6),
])
def test_one_package_step_is_a_multiplication_by_M(alpha, beta, h, v0, w0):
    params = {"w": np.array([w0])}
    optimizer = Momentum(alpha, beta)
    state = optimizer.init(params)
    state.v["w"][:] = v0
    optimizer.step(params, {"w": h * params["w"]}, state)
    expected = momentum_matrix(alpha, beta, h) @ np.array([v0, w0])
    np.testing.assert_allclose([state.v["w"][0], params["w"][0]], expected, rtol=1e-13, atol=1e-15)


def test_momentum_matrix_broadcasts_and_its_determinant_is_beta():
    alphas = np.geomspace(0.01, 10, 7)[None, :]
    betas = np.linspace(0, 0.99, 5)[:, None]
    M = momentum_matrix(alphas, betas, 3.0)
    assert M.shape == (5, 7, 2, 2)
    np.testing.assert_allclose(np.linalg.det(M), np.broadcast_to(betas, (5, 7)), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------------------
# Eigenvalues and spectral radius, closed form against numpy
# ---------------------------------------------------------------------------

def test_closed_form_eigenvalues_match_numpy():
    rng = np.random.default_rng(0)
    M = rng.normal(size=(500, 2, 2))
    ours = np.sort_complex(_eigenvalues_2x2(M))
    theirs = np.sort_complex(np.linalg.eigvals(M).astype(complex))
    np.testing.assert_allclose(ours, theirs, atol=1e-12)
    np.testing.assert_allclose(spectral_radius_2x2(M), np.abs(np.linalg.eigvals(M)).max(axis=-1), rtol=1e-12)


def test_spectral_radius_of_the_momentum_grid_matches_numpy():
    M = momentum_matrix(np.geomspace(0.01, 10, 60)[None, :], np.linspace(0, 0.99, 50)[:, None], 10.0)
    np.testing.assert_allclose(spectral_radius_2x2(M), np.abs(np.linalg.eigvals(M)).max(axis=-1),
                               rtol=1e-10)


def test_spectral_radius_by_hand():
    assert spectral_radius_2x2(np.array([[2.0, 0.0], [0.0, -3.0]])) == 3.0          # diagonal: the entries
    # rotation by 90 degrees scaled by 0.5: eigenvalues +-0.5 i
    np.testing.assert_allclose(spectral_radius_2x2(np.array([[0.0, -0.5], [0.5, 0.0]])), 0.5)
    # a Jordan block: repeated eigenvalue 0.7
    np.testing.assert_allclose(spectral_radius_2x2(np.array([[0.7, 1.0], [0.0, 0.7]])), 0.7)


def test_beta_zero_is_gradient_descent():
    alphas = np.array([0.01, 0.05, 0.1, 0.18, 0.2, 0.21, 1.0])
    for h in (0.2, 1.0, 10.0):
        np.testing.assert_allclose(momentum_rate(alphas, 0.0, h), np.abs(1 - alphas * h), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gradient_descent_rate(alphas, h), np.abs(1 - alphas * h), rtol=1e-15)


def test_complex_eigenvalues_have_modulus_sqrt_beta():
    # h = 10, alpha = 0.18, beta = 0.9: T = 1.9 - 0.18 = 1.72, T^2/4 = 0.7396 < 0.9 = D: complex
    eig = _eigenvalues_2x2(momentum_matrix(0.18, 0.9, 10.0))
    assert np.all(eig.imag != 0)
    np.testing.assert_allclose(np.abs(eig), np.sqrt(0.9), rtol=1e-12)
    np.testing.assert_allclose(eig.real, 0.86, rtol=1e-12)


# ---------------------------------------------------------------------------
# The rate predicts real runs
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("alpha, beta, h", [
    (0.18, 0.9, 10.0),   # complex eigenvalues, period of about 14 steps
    (0.1, 0.5, 1.0),     # real, positive
    (0.5, 0.3, 1.0),     # complex
    (0.05, 0.0, 10.0),   # gradient descent, factor 0.5
    (0.19, 0.0, 10.0),   # gradient descent, factor -0.9: flips sign every step
    (0.59, 0.5, 10.0),   # real, negative (between the complex band and divergence): zigzag
])
def test_rho_matches_the_error_reduction_of_an_actual_run(alpha, beta, h):
    errors = _momentum_distances(alpha, beta, h, num_steps=300)
    errors = errors[errors > 1e-300]            # a fast run may underflow to exactly 0
    rho = float(momentum_rate(alpha, beta, h))
    assert rho < 1
    assert observed_rate(errors[: min(errors.size, 300)], window=30) == pytest.approx(rho, abs=2e-3)


def test_divergence_boundary_is_where_rho_crosses_one():
    for beta in (0.0, 0.3, 0.57, 0.9, 0.98):
        for h in (0.2, 10.0):
            edge = float(momentum_divergence_boundary(beta, h))
            assert momentum_rate(edge * (1 - 1e-6), beta, h) < 1.0 < momentum_rate(edge * (1 + 1e-6), beta, h)
            np.testing.assert_allclose(momentum_rate(edge, beta, h), 1.0, rtol=1e-9)
    assert momentum_divergence_boundary(0.0, 10.0) == pytest.approx(0.2)        # gradient descent's 2 / h
    assert momentum_divergence_boundary(0.9, 10.0) == pytest.approx(3.8)        # 2 * 1.9 / (0.1 * 10)


def test_a_diverging_setting_really_diverges():
    errors = _momentum_distances(4.0, 0.9, 10.0, num_steps=100)                 # beyond 3.8
    assert errors[-1] > 1e3 * errors[0]
    assert observed_rate(errors, window=20) == pytest.approx(float(momentum_rate(4.0, 0.9, 10.0)), rel=1e-2)


# ---------------------------------------------------------------------------
# The map over (alpha, beta)
# ---------------------------------------------------------------------------

def test_rate_map_is_the_worst_curvature_and_regions_follow_their_definitions():
    alphas, betas = np.geomspace(0.01, 10, 41), np.linspace(0, 0.99, 34)
    rate_map = momentum_rate_map(alphas, betas, [0.2, 10.0], fast=0.85)
    assert rate_map.rho.shape == rate_map.region.shape == (34, 41)
    for i in range(0, 34, 3):
        for j in range(0, 41, 4):
            a, b = alphas[j], betas[i]
            rhos = [float(momentum_rate(a, b, h)) for h in (0.2, 10.0)]
            assert rate_map.rho[i, j] == pytest.approx(max(rhos), rel=1e-12)
            worst = (0.2, 10.0)[int(np.argmax(rhos))]
            eig = np.linalg.eigvals(momentum_matrix(a, b, worst))
            top = eig[np.argmax(np.abs(eig))]
            rho = max(rhos)
            if rho >= 1:
                expected = "divergence"
            elif rho <= 0.85:
                expected = "fast"
            elif abs(top.imag) > 1e-12 or top.real < 0:
                expected = "oscillation"
            else:
                expected = "crawl"
            assert REGIONS[rate_map.region[i, j]] == expected, (a, b, eig)


def test_rate_map_best_matches_polyaks_heavy_ball():
    a, b = 0.2, 10.0
    kappa = b / a
    rate_map = momentum_rate_map(np.geomspace(0.3, 1.5, 400), np.linspace(0.4, 0.7, 301), [a, b])
    beta_star = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    alpha_star = 4 / ((np.sqrt(a) + np.sqrt(b)) ** 2 * (1 - beta_star))   # heavy ball's step / (1 - beta)
    best_alpha, best_beta, best_rho = rate_map.best
    assert best_rho == pytest.approx(np.sqrt(beta_star), abs=2e-3)
    assert best_beta == pytest.approx(beta_star, abs=3e-3)
    assert best_alpha == pytest.approx(alpha_star, rel=1e-2)


def test_rate_map_at_matches_the_grid_and_names_regions():
    alphas, betas = np.geomspace(0.01, 10, 31), np.linspace(0, 0.99, 12)
    rate_map = momentum_rate_map(alphas, betas, [0.2, 10.0])
    rho, region = rate_map.at(alphas[7], betas[5])
    assert rho == pytest.approx(rate_map.rho[5, 7], rel=1e-12)
    assert region == REGIONS[rate_map.region[5, 7]]
    assert rate_map.at(0.18, 0.9) == (pytest.approx(np.sqrt(0.9)), "oscillation")
    assert rate_map.at(0.01, 0.9)[1] == "crawl"
    assert rate_map.at(0.7, 0.57)[1] == "fast"
    assert rate_map.at(5.0, 0.9)[1] == "divergence"
    np.testing.assert_allclose(rate_map.boundary(), 2 * (1 + betas) / ((1 - betas) * 10.0))


def test_rate_map_beta_09_is_flat_between_crawl_and_divergence():
    rate_map = momentum_rate_map(np.geomspace(0.14, 3.7, 50), np.array([0.9]), [0.2, 10.0])
    np.testing.assert_allclose(rate_map.rho[0], np.sqrt(0.9), rtol=1e-9)


# ---------------------------------------------------------------------------
# observed_rate and _steps_to_settle
# ---------------------------------------------------------------------------

def test_observed_rate_of_a_geometric_sequence_is_its_ratio():
    assert observed_rate(3.0 * 0.9 ** np.arange(100), window=10) == pytest.approx(0.9, rel=1e-12)
    # an alternating sequence: the envelope, not the sign
    assert observed_rate((-0.5) ** np.arange(60), window=5) == pytest.approx(0.5, rel=1e-12)


def test_steps_to_settle_by_hand():
    losses = [5.0, 0.5, 2e-3, 5e-4, 2e-3, 1e-4, 1e-5]
    assert _steps_to_settle(losses, 1e-3) == 5            # below at 3, above again at 4, below for good from 5
    assert _steps_to_settle([1e-4, 1e-5], 1e-3) == 0
    assert _steps_to_settle([1.0, 1e-4, 1.0], 1e-3) is None
    assert _steps_to_settle([2.0, 1.0005], 1e-3, f_min=1.0) == 1


# ---------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------

def test_arguments_are_checked():
    with pytest.raises(ValueError, match=r"beta == 1.0, must be in \[0, 1\)"):
        momentum_matrix(0.1, 1.0, 1.0)
    with pytest.raises(ValueError, match=r"learning_rate == 0.0, must be > 0"):
        momentum_rate(0.0, 0.5, 1.0)
    with pytest.raises(ValueError, match=r"h == -1.0, must be > 0"):
        gradient_descent_rate(0.1, -1.0)
    with pytest.raises(ValueError, match=r"must have shape \(..., 2, 2\)"):
        spectral_radius_2x2(np.eye(3))
    with pytest.raises(ValueError, match=r"need at least 2 \* window = 20"):
        observed_rate(np.ones(15), window=10)
    with pytest.raises(ValueError, match=r"betas == 1.2, must be in \[0, 1\)"):
        momentum_rate_map([0.1], [0.5, 1.2], [1.0])
    with pytest.raises(ValueError, match=r"fast == 1.0, must be in \(0, 1\)"):
        momentum_rate_map([0.1], [0.5], [1.0], fast=1.0)
    with pytest.raises(ValueError, match=r"learning_rates must be 1-D"):
        momentum_rate_map([[0.1]], [0.5], [1.0])
    with pytest.raises(ValueError, match=r"tol == 0.0, must be in \(0, inf\)"):
        _steps_to_settle([1.0], 0.0)

"""index_vs_loss: a random landscape's exact derivatives and the critical points Newton finds.

Oracles: finite differences, a one-cosine landscape whose critical points are known
(f = cos x: maxima at even multiples of pi, minima at odd ones), and the Bray-Dean /
Dauphin et al. relation (loss grows with the index) measured on a fixed seed.
"""

import numpy as np
import pytest

from ngopt_course.experiments.index_vs_loss import (
    CriticalPoints,
    RandomLandscape,
    find_critical_points,
    mean_loss_by_index,
    random_landscape,
)


def test_gradient_and_hessian_are_the_derivatives_of_f():
    L = random_landscape(4, num_features=50, seed=3)
    x = np.random.default_rng(0).normal(size=(5, 4))
    h = 1e-5
    eye = np.eye(4)
    fd_grad = np.stack([(L.f(x + h * e) - L.f(x - h * e)) / (2 * h) for e in eye], axis=-1)
    np.testing.assert_allclose(L.grad(x), fd_grad, rtol=1e-6, atol=1e-8)
    fd_hess = np.stack([(L.grad(x + h * e) - L.grad(x - h * e)) / (2 * h) for e in eye], axis=-1)
    np.testing.assert_allclose(L.hessian(x), fd_hess, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(L.hessian(x), np.swapaxes(L.hessian(x), -1, -2), atol=1e-14)   # symmetric
    # f(x) is a sum of K cosines with variance 2/K * 1/2 each: var f about 1
    many = random_landscape(3, num_features=2000, seed=1).f(np.random.default_rng(2).uniform(-50, 50, (4000, 3)))
    assert 0.85 < many.var() < 1.15
    with pytest.raises(ValueError, match="n == 4"):
        L.f(np.zeros(3))


def test_one_cosine_critical_points_by_hand():
    L = RandomLandscape(W=np.array([[1.0]]), b=np.array([0.0]), a=np.array([1.0]))     # f = cos x
    cp = find_critical_points(L, num_starts=50, box=3.0)
    multiples = cp.points[:, 0] / np.pi
    np.testing.assert_allclose(multiples, np.round(multiples), atol=1e-9)
    odd = np.round(multiples).astype(int) % 2 == 1
    assert np.all(cp.num_negative[odd] == 0) and np.all(cp.losses[odd] == pytest.approx(-1.0))
    assert np.all(cp.num_negative[~odd] == 1) and np.all(cp.losses[~odd] == pytest.approx(1.0))
    assert {0.0} <= set(np.round(multiples).tolist()) and len(cp.points) == len(np.unique(np.round(multiples)))
    assert mean_loss_by_index(cp) == {0: (int(odd.sum()), pytest.approx(-1.0)), 1: (int((~odd).sum()), pytest.approx(1.0))}


def test_loss_grows_with_the_index():
    L = random_landscape(6, seed=2)
    cp = find_critical_points(L, num_starts=600)
    assert isinstance(cp, CriticalPoints) and len(cp.losses) > 300
    assert np.all(cp.gradient_norms < 1e-9)
    eig = np.linalg.eigvalsh(L.hessian(cp.points))
    np.testing.assert_array_equal(cp.num_negative, np.sum(eig < 0, axis=1))
    assert np.corrcoef(cp.index, cp.losses)[0, 1] > 0.8
    means = mean_loss_by_index(cp)
    assert np.all(np.diff([means[k][1] for k in sorted(means)]) > 0)      # higher index, higher mean loss
    minima = cp.losses[cp.num_negative == 0]
    saddles = cp.losses[(cp.num_negative > 0) & (cp.num_negative < 6)]
    assert 0 < minima.size < 0.02 * cp.losses.size                        # minima are rare ...
    assert all(np.mean(saddles < m) < 0.1 for m in minima)                # ... and all of them low


def test_bad_arguments():
    with pytest.raises(TypeError, match="RandomLandscape"):
        find_critical_points("landscape")
    with pytest.raises(ValueError, match="num_starts == 0"):
        find_critical_points(random_landscape(2), num_starts=0)

"""rotated_bowl and per_coordinate: the turned bowl and RMSProp on Rosenbrock.

Oracles: the bowl's formula at turned points, finite differences, the rotation applied to
momentum's path (momentum is linear, so it commutes with turning), hand-made paths.
"""

import numpy as np
import pytest

from ngopt_course import SURFACES
from ngopt_course.experiments.per_coordinate import (
    gradient_balance,
    rmsprop_on_rosenbrock,
    rotation_comparison,
    sign_flip_share,
    valley_floor_length,
)
from ngopt_course.surfaces import rotated_bowl


def _turn(points, degrees):
    t = np.deg2rad(degrees)
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    return np.asarray(points) @ R.T


def test_rotated_bowl_is_the_bowl_turned():
    bowl, turned = SURFACES["elongated_bowl"], rotated_bowl(30.0)
    rng = np.random.default_rng(0)
    pts = rng.normal(size=(20, 2)) * 3
    moved = _turn(pts, 30.0)
    np.testing.assert_allclose(turned.f(moved[:, 0], moved[:, 1]), bowl.f(pts[:, 0], pts[:, 1]), rtol=1e-12)
    np.testing.assert_allclose(turned.start, _turn(bowl.start, 30.0), rtol=1e-15)
    # gradient by central differences
    h = 1e-6
    gx, gy = turned.grad(moved[:, 0], moved[:, 1])
    fx = (turned.f(moved[:, 0] + h, moved[:, 1]) - turned.f(moved[:, 0] - h, moved[:, 1])) / (2 * h)
    fy = (turned.f(moved[:, 0], moved[:, 1] + h) - turned.f(moved[:, 0], moved[:, 1] - h)) / (2 * h)
    np.testing.assert_allclose(gx, fx, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(gy, fy, rtol=1e-6, atol=1e-7)
    zero = rotated_bowl(0.0)
    np.testing.assert_allclose(zero.grad(1.3, -0.7), bowl.grad(1.3, -0.7), rtol=1e-15)
    with pytest.raises(ValueError, match="angle_degrees"):
        rotated_bowl(float("nan"))


def test_momentum_does_not_care_about_rotation_adam_and_rmsprop_do():
    comparison = rotation_comparison(angle_degrees=45.0)
    for name in ("gd", "momentum"):
        aligned, turned = comparison[name]
        np.testing.assert_allclose(turned.path, _turn(aligned.path, 45.0), atol=1e-12)
        assert turned.steps_to_tol == aligned.steps_to_tol
    assert comparison["momentum"][0].steps_to_tol == 68 and comparison["gd"][0].steps_to_tol == 104
    assert comparison["rmsprop"][1].steps_to_tol > 1.3 * comparison["rmsprop"][0].steps_to_tol
    assert comparison["adam"][1].steps_to_tol > 3 * comparison["adam"][0].steps_to_tol
    # why: along the axes the gradients are unequal, turned they are alike
    adam_aligned, adam_turned = comparison["adam"]
    assert gradient_balance(SURFACES["elongated_bowl"], adam_aligned.path, 10) > 5
    assert gradient_balance(rotated_bowl(45.0), adam_turned.path, 10) < 1.5
    # at the start, by hand: the bowl's gradient (-0.9, 10) -> 10 / 0.9
    assert gradient_balance(SURFACES["elongated_bowl"], [SURFACES["elongated_bowl"].start], 1) == pytest.approx(10 / 0.9)


def test_sign_flips_and_valley_length_by_hand():
    zigzag = np.column_stack([np.arange(6.0), [0, 1, 0, 1, 0, 1]])
    assert sign_flip_share(zigzag, last=5) == 1.0
    assert sign_flip_share(np.column_stack([np.arange(6.0), np.arange(6.0)]), last=5) == 0.0
    assert valley_floor_length(0.0, 1.0) == pytest.approx((np.sqrt(5) / 2 + np.arcsinh(2) / 4), rel=1e-6)


def test_rmsprop_on_rosenbrock_runs_out_of_steps_then_zigzags():
    small, larger = rmsprop_on_rosenbrock((0.003, 0.01))
    assert small.run.steps_to_tol is None and larger.run.steps_to_tol is None
    # steps of about alpha per coordinate: at most alpha * sqrt(2) long
    assert 0.003 < small.mean_step < 0.003 * np.sqrt(2) + 1e-9
    assert small.mean_step * 1000 < valley_floor_length()        # 1000 such steps cannot cover the floor
    assert small.zigzag > 0.8 and larger.zigzag > 0.8             # and they zigzag across the valley
    assert larger.run.losses[-1] < small.run.losses[-1]

"""Exponentially weighted averages: hand-computed values, the lecture's numbers, identities.

Every expected number below is derived in the comment next to it from
v_0 = 0, v_t = beta v_{t-1} + (1 - beta) theta_t (and v_t / (1 - beta^t) when
bias-corrected), never copied from the code's output.
"""

import math

import numpy as np
import pytest

from ngopt_course.ewa import effective_window, ewa, ewa_loop, ewa_weights

BOTH = pytest.mark.parametrize("average", [ewa, ewa_loop], ids=["vectorized", "loop"])
BETAS = [0.0, 0.5, 0.9, 0.98, 0.999, 0.9999]


# ---------------------------------------------------------------------------
# Hand-computed values
# ---------------------------------------------------------------------------

@BOTH
def test_first_steps_by_hand_london(average):
    # beta = 0.9, theta = [40, 49, 45] (the lecture's first three London days):
    # v1 = 0.9*0 + 0.1*40 = 4.0
    # v2 = 0.9*4.0 + 0.1*49 = 3.6 + 4.9 = 8.5
    # v3 = 0.9*8.5 + 0.1*45 = 7.65 + 4.5 = 12.15
    v = average([40.0, 49.0, 45.0], 0.9)
    np.testing.assert_allclose(v, [4.0, 8.5, 12.15], rtol=1e-14)


@BOTH
def test_first_steps_by_hand_bias_corrected(average):
    # Divide by 1 - 0.9^t: 1 - 0.9 = 0.1, 1 - 0.81 = 0.19, 1 - 0.729 = 0.271
    # v1 / 0.1 = 40 (the first value itself), v2 / 0.19 = 8.5 / 0.19 = 44.736842105...,
    # v3 / 0.271 = 12.15 / 0.271 = 44.833948339...
    v = average([40.0, 49.0, 45.0], 0.9, bias_correction=True)
    np.testing.assert_allclose(v, [40.0, 44.73684210526316, 44.83394833948339], rtol=1e-13)


@BOTH
def test_lecture_bias_correction_numbers_beta_098(average):
    # The lecture: beta = 0.98, v1 = 0.02 theta1, v2 = 0.98 * 0.02 theta1 + 0.02 theta2
    # = 0.0196 theta1 + 0.02 theta2. v is linear in theta, so the unit inputs give the
    # coefficients directly.
    np.testing.assert_allclose(average([1.0, 0.0], 0.98), [0.02, 0.0196], rtol=1e-13)
    np.testing.assert_allclose(average([0.0, 1.0], 0.98), [0.0, 0.02], rtol=1e-13)
    # With theta = [40, 50]: v2 = 0.0196*40 + 0.02*50 = 0.784 + 1.0 = 1.784, far below 40..50.
    # 1 - 0.98^2 = 1 - 0.9604 = 0.0396, and 1.784 / 0.0396 = 45.0505050..., a proper
    # weighted average of 40 and 50 (weights 0.0196/0.0396 and 0.02/0.0396).
    assert 1 - 0.98**2 == pytest.approx(0.0396, rel=1e-12)
    v = average([40.0, 50.0], 0.98)
    assert v[1] == pytest.approx(1.784, rel=1e-13)
    vc = average([40.0, 50.0], 0.98, bias_correction=True)
    assert vc[1] == pytest.approx(1.784 / 0.0396, rel=1e-13)
    assert vc[1] == pytest.approx((0.0196 * 40 + 0.02 * 50) / (0.0196 + 0.02), rel=1e-13)


@BOTH
def test_beta_zero_is_the_data_itself(average):
    # v_t = 0 * v_{t-1} + 1 * theta_t = theta_t: no averaging at all.
    theta = np.array([3.0, -1.5, 7.25, 0.0])
    np.testing.assert_array_equal(average(theta, 0.0), theta)
    np.testing.assert_array_equal(average(theta, 0.0, bias_correction=True), theta)


@BOTH
@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_unit_step_closed_form(average, beta):
    # theta_t = 1 for all t: v_t = (1 - beta)(1 + beta + ... + beta^(t-1)) = 1 - beta^t.
    t = np.arange(1, 301)
    np.testing.assert_allclose(average(np.ones(300), beta), 1 - beta**t, rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------

@BOTH
@pytest.mark.parametrize("beta", BETAS)
def test_bias_corrected_constant_is_the_constant(average, beta):
    # v_t = c (1 - beta^t) (previous test), so v_t / (1 - beta^t) = c at every t.
    c = 57.3
    np.testing.assert_allclose(average(np.full(2000, c), beta, bias_correction=True), c, rtol=1e-12)


def test_bias_corrected_constant_long_series():
    # The same identity on 100,000 points with beta = 0.9999 (window 10,000).
    np.testing.assert_allclose(ewa(np.full(100_000, -3.5), 0.9999, bias_correction=True), -3.5, rtol=1e-11)


@pytest.mark.parametrize("beta", BETAS)
@pytest.mark.parametrize("n", [0, 1, 2, 10, 100, 5000])
def test_weights_sum_to_one_minus_beta_to_the_n(beta, n):
    # sum_{k<n} (1 - beta) beta^k = 1 - beta^n (geometric series).
    w = ewa_weights(beta, n)
    assert w.shape == (n,)
    assert w.sum() == pytest.approx(1 - beta**n, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_weights_unroll_the_recurrence(beta):
    # v_n = sum_k w[k] theta_{n-k}: the unrolled sum equals the recurrence's last value.
    theta = np.random.default_rng(3).normal(60, 10, size=200)
    w = ewa_weights(beta, theta.size)
    assert w[0] == pytest.approx(1 - beta)
    assert w[1] == pytest.approx((1 - beta) * beta)
    assert np.dot(w, theta[::-1]) == pytest.approx(ewa(theta, beta)[-1], rel=1e-12)


def _series(n, seed):
    """A positive, temperature-like series (no zero crossings, so relative error is meaningful)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 60 + 15 * np.sin(2 * np.pi * t / 365) + 5 * rng.standard_normal(n)


@pytest.mark.parametrize("bias_correction", [False, True])
@pytest.mark.parametrize("beta", BETAS)
def test_loop_and_vectorized_agree(beta, bias_correction):
    # Lengths around the vectorized block size (32) and one long series of 100,003 points.
    for n in [1, 2, 31, 32, 33, 65, 1000, 100_003]:
        theta = _series(n, seed=n)
        v_loop = ewa_loop(theta, beta, bias_correction)
        v_vec = ewa(theta, beta, bias_correction)
        np.testing.assert_allclose(v_vec, v_loop, rtol=1e-10, atol=0)


@pytest.mark.parametrize("bias_correction", [False, True])
@pytest.mark.parametrize("beta", [0.5, 0.9, 0.999, 0.9999])
def test_loop_and_vectorized_agree_zero_mean(beta, bias_correction):
    # A zero-mean series crosses 0, so compare relative to the size of the average.
    theta = np.random.default_rng(7).standard_normal(50_000)
    v_loop = ewa_loop(theta, beta, bias_correction)
    v_vec = ewa(theta, beta, bias_correction)
    assert np.max(np.abs(v_vec - v_loop)) <= 1e-10 * np.max(np.abs(v_loop))


# ---------------------------------------------------------------------------
# Lecture facts
# ---------------------------------------------------------------------------

def test_effective_window():
    # 1 / (1 - beta): 0.9 -> 10 days, 0.98 -> 50 days, 0.5 -> 2 days.
    assert effective_window(0.9) == pytest.approx(10)
    assert effective_window(0.98) == pytest.approx(50)
    assert effective_window(0.5) == pytest.approx(2)
    assert effective_window(0.0) == 1.0


def test_rule_of_thumb_one_over_e():
    # 0.9^10 ~ 0.35 ~ 1/e: after 1/(1-beta) steps back a weight has fallen to about a third.
    w = ewa_weights(0.9, 11)
    assert w[10] / w[0] == pytest.approx(0.9**10, rel=1e-12)
    assert 0.9**10 == pytest.approx(0.3487, abs=1e-4)
    assert 0.98**50 == pytest.approx(1 / math.e, abs=0.01)
    assert 0.9**10 == pytest.approx(1 / math.e, abs=0.02)


# ---------------------------------------------------------------------------
# Types and input handling
# ---------------------------------------------------------------------------

@BOTH
def test_dtypes(average):
    assert average(np.ones(5, dtype=np.float32), 0.9).dtype == np.float32
    assert average(np.ones(5), 0.9).dtype == np.float64
    assert average([1, 2, 3], 0.9).dtype == np.float64  # ints and lists accepted
    np.testing.assert_allclose(average(np.arange(1, 4), 0.5), [0.5, 1.25, 2.125])  # 0.5*1; 0.25+1; 0.625+1.5


def test_float32_agrees_with_float64():
    theta = _series(5000, seed=1)
    v32 = ewa(theta.astype(np.float32), 0.98, bias_correction=True)
    v64 = ewa(theta, 0.98, bias_correction=True)
    np.testing.assert_allclose(v32, v64, rtol=1e-6)


@BOTH
def test_empty_series(average):
    assert average(np.array([]), 0.9).shape == (0,)
    assert average(np.array([]), 0.9, bias_correction=True).shape == (0,)


@BOTH
def test_input_not_modified(average):
    theta = _series(100, seed=2)
    before = theta.copy()
    average(theta, 0.9, bias_correction=True)
    np.testing.assert_array_equal(theta, before)


@BOTH
@pytest.mark.parametrize(
    "beta, message",
    [
        (1.0, r"beta == 1.0, must be in \[0, 1\)"),
        (-0.1, r"beta == -0.1, must be in \[0, 1\)"),
        (float("nan"), r"beta == nan, must be a finite number"),
    ],
)
def test_bad_beta(average, beta, message):
    with pytest.raises(ValueError, match=message):
        average([1.0, 2.0], beta)


def test_bad_beta_in_helpers():
    with pytest.raises(ValueError, match=r"beta == 1.0, must be in \[0, 1\)"):
        effective_window(1.0)
    with pytest.raises(ValueError, match=r"beta == 1.5"):
        ewa_weights(1.5, 3)
    with pytest.raises(ValueError, match=r"n == -1, must be an integer in \[0, inf\]"):
        ewa_weights(0.9, -1)


@BOTH
def test_bad_theta(average):
    with pytest.raises(ValueError, match=r"theta must be 1-D, got shape \(2, 3\)"):
        average(np.ones((2, 3)), 0.9)
    with pytest.raises(ValueError, match=r"theta has 1 non-finite value\(s\) \(NaN or inf\), first at flat index 2"):
        average([1.0, 2.0, np.nan], 0.9)
    with pytest.raises(TypeError, match=r"theta must hold numbers"):
        average(["a", "b"], 0.9)


def test_bias_correction_warmup_by_hand():
    from ngopt_course.ewa import bias_correction_warmup

    # 1 / (1 - 0.9^t) < 1.01  <=>  0.9^t < 0.01 / 1.01  <=>  t > 43.8
    assert bias_correction_warmup(0.9) == 44
    assert 1 / (1 - 0.9**44) < 1.01 < 1 / (1 - 0.9**43)
    assert bias_correction_warmup(0.98) == 229
    assert bias_correction_warmup(0.0) == 1
    with pytest.raises(ValueError, match=r"tolerance == 0.0, must be in \(0, inf\)"):
        bias_correction_warmup(0.9, tolerance=0)

"""Optimizers: hand-computed steps, identities, numpy oracles, convergence, the in-place contract.

Expected numbers are derived in the comments from the lecture's formulas:
  gradient descent  W := W - alpha dW
  momentum          v = beta v + (1 - beta) dW;        W := W - alpha v
  RMSProp           s = beta s + (1 - beta) dW^2;      W := W - alpha dW / (sqrt(s) + eps)
  Adam              v, s as above with beta1, beta2;   W := W - alpha v_c / (sqrt(s_c) + eps),
                    v_c = v / (1 - beta1^t), s_c = s / (1 - beta2^t)
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ngopt_course._fast import blocks
from ngopt_course.optimizers import (
    Adam,
    AdamState,
    GradientDescent,
    GradientDescentState,
    Momentum,
    MomentumState,
    RMSProp,
    RMSPropState,
    copy_arrays,
)
from ngopt_course.schedules import inverse_time_decay

from helpers import optimizer_factories

OPTIMIZERS = optimizer_factories(learning_rate=0.1)
EACH = pytest.mark.parametrize("make", list(OPTIMIZERS.values()), ids=list(OPTIMIZERS))
STATE_ARRAYS = {GradientDescentState: (), MomentumState: ("v",), RMSPropState: ("s",), AdamState: ("v", "s")}


def one(value):
    return {"W": np.array([[value]], dtype=float)}


def run(opt, params, grads_seq):
    """Take one step per gradient dict; return the final params and state."""
    state = opt.init(params)
    for grads in grads_seq:
        params, state = opt.step(params, grads, state)
    return params, state


# ---------------------------------------------------------------------------
# Hand-computed first two steps
# ---------------------------------------------------------------------------

def test_gradient_descent_by_hand():
    # alpha = 0.1, W = [1, -2]
    # step 1, dW = [0.5, 4]:  W = [1 - 0.05, -2 - 0.4]  = [0.95, -2.4]
    # step 2, dW = [1, -1]:   W = [0.95 - 0.1, -2.4 + 0.1] = [0.85, -2.3]
    opt = GradientDescent(0.1)
    params = {"W": np.array([[1.0, -2.0]])}
    state = opt.init(params)
    params, state = opt.step(params, {"W": np.array([[0.5, 4.0]])}, state)
    np.testing.assert_allclose(params["W"], [[0.95, -2.4]], rtol=1e-15)
    params, state = opt.step(params, {"W": np.array([[1.0, -1.0]])}, state)
    np.testing.assert_allclose(params["W"], [[0.85, -2.3]], rtol=1e-15)
    assert state.t == 2


def test_momentum_by_hand():
    # alpha = 0.1, beta = 0.9, W = 1
    # step 1, dW = 2: v1 = 0.9*0 + 0.1*2 = 0.2;           W = 1 - 0.1*0.2 = 0.98
    # step 2, dW = 4: v2 = 0.9*0.2 + 0.1*4 = 0.18 + 0.4 = 0.58; W = 0.98 - 0.058 = 0.922
    opt = Momentum(0.1, beta=0.9)
    params, state = run(opt, one(1.0), [one(2.0)])
    assert state.v["W"][0, 0] == pytest.approx(0.2, rel=1e-14)
    assert params["W"][0, 0] == pytest.approx(0.98, rel=1e-14)
    params, state = opt.step(params, one(4.0), state)
    assert state.v["W"][0, 0] == pytest.approx(0.58, rel=1e-14)
    assert params["W"][0, 0] == pytest.approx(0.922, rel=1e-14)


def test_rmsprop_by_hand():
    # alpha = 0.01, beta = 0.9, eps = 1e-8, W = 1
    # step 1, dW = 2:  s1 = 0.1 * 2^2 = 0.4; sqrt(0.4) = 0.63245553...
    #                  W = 1 - 0.01 * 2 / 0.63245553 = 1 - 0.03162277... = 0.96837722...
    # step 2, dW = -1: s2 = 0.9*0.4 + 0.1*1 = 0.46; sqrt(0.46) = 0.67823299...
    #                  W = 0.96837722 + 0.01 / 0.67823299 = 0.96837722 + 0.01474419... = 0.98312142...
    opt = RMSProp(0.01, beta=0.9, epsilon=1e-8)
    params, state = run(opt, one(1.0), [one(2.0)])
    assert state.s["W"][0, 0] == pytest.approx(0.4, rel=1e-14)
    assert params["W"][0, 0] == pytest.approx(0.96837722, abs=1e-8)
    params, state = opt.step(params, one(-1.0), state)
    assert state.s["W"][0, 0] == pytest.approx(0.46, rel=1e-14)
    assert params["W"][0, 0] == pytest.approx(0.98312142, abs=1e-8)


def test_adam_by_hand():
    # alpha = 0.01, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, W = 1
    # step 1, dW = 2: v1 = 0.1*2 = 0.2, s1 = 0.001*4 = 0.004
    #   v_c = 0.2 / (1 - 0.9) = 2, s_c = 0.004 / (1 - 0.999) = 4, sqrt = 2
    #   W = 1 - 0.01 * 2 / 2 = 0.99 (a step of alpha, whatever the size of dW)
    # step 2, dW = 1: v2 = 0.9*0.2 + 0.1*1 = 0.28, s2 = 0.999*0.004 + 0.001*1 = 0.004996
    #   v_c = 0.28 / (1 - 0.81) = 0.28 / 0.19 = 1.47368421...
    #   s_c = 0.004996 / (1 - 0.998001) = 0.004996 / 0.001999 = 2.49924962..., sqrt = 1.58090152...
    #   W = 0.99 - 0.01 * 1.47368421 / 1.58090152 = 0.99 - 0.00932180 = 0.98067820
    opt = Adam(0.01)
    params, state = run(opt, one(1.0), [one(2.0)])
    assert state.t == 1
    assert state.v["W"][0, 0] == pytest.approx(0.2, rel=1e-14)
    assert state.s["W"][0, 0] == pytest.approx(0.004, rel=1e-12)
    assert params["W"][0, 0] == pytest.approx(0.99, abs=1e-10)
    params, state = opt.step(params, one(1.0), state)
    assert state.t == 2
    assert state.v["W"][0, 0] == pytest.approx(0.28, rel=1e-14)
    assert state.s["W"][0, 0] == pytest.approx(0.004996, rel=1e-12)
    assert params["W"][0, 0] == pytest.approx(0.98067820, abs=1e-8)


def test_adam_first_step_is_alpha_times_sign():
    # Step 1: v_c = dW and s_c = dW^2 exactly, so the move is alpha dW / (|dW| + eps)
    # = alpha sign(dW) (up to eps / |dW|), for gradients of any size.
    dW = np.array([[2.0, -0.5, 1e3, -1e-3, 1e-6]])
    params = {"W": np.zeros_like(dW)}
    params, _ = run(Adam(0.01), params, [{"W": dW}])
    np.testing.assert_allclose(params["W"], -0.01 * np.sign(dW), rtol=1e-2)
    np.testing.assert_allclose(params["W"][0, :3], -0.01 * np.sign(dW[0, :3]), rtol=1e-7)


# ---------------------------------------------------------------------------
# Identities and oracles
# ---------------------------------------------------------------------------

def random_problem(seed, shapes=(("W1", (4, 3)), ("b1", (4, 1)), ("W2", (1, 4)))):
    rng = np.random.default_rng(seed)
    params = {k: rng.standard_normal(s) for k, s in shapes}
    grads_seq = [{k: rng.standard_normal(s) * 3 for k, s in shapes} for _ in range(8)]
    return params, grads_seq


def test_momentum_beta_zero_is_gradient_descent():
    # v = 0*v + 1*dW = dW, so W -= alpha dW: bit for bit the same iterates.
    params, grads_seq = random_problem(0)
    p_gd, _ = run(GradientDescent(0.05), copy_arrays(params), grads_seq)
    p_mom, _ = run(Momentum(0.05, beta=0.0), copy_arrays(params), grads_seq)
    for key in params:
        np.testing.assert_array_equal(p_mom[key], p_gd[key])


def test_adam_beta1_zero_is_rmsprop_with_bias_corrected_s():
    # beta1 = 0: v = dW and v_c = dW / (1 - 0^t) = dW, so Adam becomes
    # s = beta2 s + (1 - beta2) dW^2;  W -= alpha dW / (sqrt(s / (1 - beta2^t)) + eps),
    # i.e. RMSProp with a bias-corrected s. Written here independently in numpy.
    alpha, beta2, eps = 0.02, 0.99, 1e-8
    params, grads_seq = random_problem(1)
    p_adam, _ = run(Adam(alpha, beta1=0.0, beta2=beta2, epsilon=eps), copy_arrays(params), grads_seq)
    for key in params:
        W, s = params[key].copy(), np.zeros_like(params[key])
        for t, grads in enumerate(grads_seq, start=1):
            dW = grads[key]
            s = beta2 * s + (1 - beta2) * dW**2
            W = W - alpha * dW / (np.sqrt(s / (1 - beta2**t)) + eps)
        np.testing.assert_allclose(p_adam[key], W, rtol=1e-12, atol=1e-14)


def test_adam_beta1_zero_differs_from_uncorrected_rmsprop():
    # ... and without the correction of s the early steps differ: the correction matters.
    params, grads_seq = random_problem(1)
    p_adam, _ = run(Adam(0.02, beta1=0.0, beta2=0.99), copy_arrays(params), grads_seq[:2])
    p_rms, _ = run(RMSProp(0.02, beta=0.99), copy_arrays(params), grads_seq[:2])
    assert not np.allclose(p_adam["W1"], p_rms["W1"], rtol=1e-3)


def test_momentum_matches_pytorch_convention():
    # torch.optim.SGD(momentum=beta): v = beta v + dW; W -= lr v. Its v is ours / (1 - beta),
    # so lr = alpha (1 - beta) gives the same iterates.
    alpha, beta = 0.1, 0.9
    params, grads_seq = random_problem(2)
    ours = copy_arrays(params)
    opt = Momentum(alpha, beta)
    state = opt.init(ours)
    torch_W = copy_arrays(params)
    torch_v = {k: np.zeros_like(v) for k, v in params.items()}
    lr = alpha * (1 - beta)
    for grads in grads_seq:
        ours, state = opt.step(ours, grads, state)
        for key in params:
            torch_v[key] = beta * torch_v[key] + grads[key]
            torch_W[key] = torch_W[key] - lr * torch_v[key]
            np.testing.assert_allclose(ours[key], torch_W[key], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(state.v[key], (1 - beta) * torch_v[key], rtol=1e-12, atol=1e-14)


def test_rmsprop_matches_numpy_oracle():
    alpha, beta, eps = 0.01, 0.95, 1e-6
    params, grads_seq = random_problem(3)
    p, state = run(RMSProp(alpha, beta, eps), copy_arrays(params), grads_seq)
    for key in params:
        W, s = params[key].copy(), np.zeros_like(params[key])
        for grads in grads_seq:
            s = beta * s + (1 - beta) * grads[key] ** 2
            W = W - alpha * grads[key] / (np.sqrt(s) + eps)  # eps outside the square root
        np.testing.assert_allclose(p[key], W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(state.s[key], s, rtol=1e-12)


def test_adam_matches_numpy_oracle():
    # Kingma & Ba (2015), Algorithm 1, eps outside the square root.
    alpha, beta1, beta2, eps = 0.003, 0.8, 0.95, 1e-7
    params, grads_seq = random_problem(4)
    p, state = run(Adam(alpha, beta1, beta2, eps), copy_arrays(params), grads_seq)
    assert state.t == len(grads_seq)
    for key in params:
        W, v, s = params[key].copy(), np.zeros_like(params[key]), np.zeros_like(params[key])
        for t, grads in enumerate(grads_seq, start=1):
            g = grads[key]
            v = beta1 * v + (1 - beta1) * g
            s = beta2 * s + (1 - beta2) * g**2
            W = W - alpha * (v / (1 - beta1**t)) / (np.sqrt(s / (1 - beta2**t)) + eps)
        np.testing.assert_allclose(p[key], W, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(state.v[key], v, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(state.s[key], s, rtol=1e-12)


def test_learning_rate_can_change_between_steps():
    # Decay: alpha_t = 0.2 / (1 + t) for step t; W = 1, dW = 1 every step:
    # W = 1 - 0.1 - 0.0666... - 0.05 = 0.78333...
    opt = GradientDescent(1.0)
    params = one(1.0)
    state = opt.init(params)
    for t in (1, 2, 3):
        opt.learning_rate = inverse_time_decay(0.2, t, 1.0)
        params, state = opt.step(params, one(1.0), state)
    assert params["W"][0, 0] == pytest.approx(1 - 0.1 - 0.2 / 3 - 0.05, rel=1e-14)
    with pytest.raises(ValueError, match=r"learning_rate == 0.0, must be in \(0, inf\)"):
        opt.learning_rate = 0
    assert opt.learning_rate == pytest.approx(0.05)  # a refused value leaves the old one


def test_float32_params_stay_float32_and_match_float64():
    params, grads_seq = random_problem(5)
    p64, _ = run(Adam(0.01), copy_arrays(params), grads_seq)
    p32, s32 = run(Adam(0.01), {k: v.astype(np.float32) for k, v in params.items()}, grads_seq)
    for key in params:
        assert p32[key].dtype == np.float32
        assert s32.v[key].dtype == np.float32 and s32.s[key].dtype == np.float32
        np.testing.assert_allclose(p32[key], p64[key], rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------
# Convergence on an ill-conditioned quadratic f(w) = 0.5 (w1^2 + 100 w2^2)
# ---------------------------------------------------------------------------

CURVATURE = np.array([[1.0], [100.0]])  # the Hessian's diagonal: condition number 100


def descend(opt, steps, schedule=None):
    params = {"w": np.array([[1.0], [1.0]])}  # start at distance sqrt(2) from the minimum 0
    state = opt.init(params)
    for t in range(1, steps + 1):
        if schedule is not None:
            opt.learning_rate = schedule(t)
        params, state = opt.step(params, {"w": CURVATURE * params["w"]}, state)
    return np.linalg.norm(params["w"])


def test_gradient_descent_converges():
    # Stable only for alpha < 2 / 100; with 0.019 the flat direction shrinks by
    # (1 - 0.019) per step: 0.981^1000 ~ 5e-9.
    assert descend(GradientDescent(0.019), 1000) < 1e-7


def test_gradient_descent_diverges_above_two_over_curvature():
    # The lecture's point: the steep direction forbids a larger learning rate.
    assert descend(GradientDescent(0.021), 200) > 10


def test_momentum_converges():
    # Heavy ball with step alpha (1 - beta) = 0.01 and beta = 0.9: both directions contract
    # by |z| = sqrt(0.9) ~ 0.95 per step, 0.95^500 ~ 1e-11.
    assert descend(Momentum(0.1, beta=0.9), 500) < 1e-8


def test_rmsprop_converges():
    # With a fixed alpha RMSProp's normalized steps keep a size ~ alpha, so it hovers
    # within ~ alpha of the minimum; decaying alpha lets it settle.
    assert descend(RMSProp(0.01, beta=0.9), 2000) < 0.02
    schedule = lambda t: inverse_time_decay(0.01, t, 0.01)  # 0.01 / (1 + t / 100)
    assert descend(RMSProp(0.01, beta=0.9), 2000, schedule) < 1e-3


def test_adam_converges():
    assert descend(Adam(0.01), 2000) < 1e-6


# ---------------------------------------------------------------------------
# init, state, in-place contract, copy_arrays, repr
# ---------------------------------------------------------------------------

@EACH
def test_init_state(make):
    opt = make()
    params = {"W1": np.ones((3, 2)), "b1": np.ones((3, 1), dtype=np.float32)}
    state = opt.init(params)
    assert state.t == 0
    for name in STATE_ARRAYS[type(state)]:
        arrays = getattr(state, name)
        assert arrays.keys() == params.keys()
        for key in params:
            assert arrays[key].shape == params[key].shape
            assert arrays[key].dtype == params[key].dtype
            assert not arrays[key].any()
            assert not np.shares_memory(arrays[key], params[key])


@EACH
def test_step_updates_in_place(make):
    opt = make()
    params, grads_seq = random_problem(6)
    arrays = dict(params)
    state = opt.init(params)
    state_arrays = {n: dict(getattr(state, n)) for n in STATE_ARRAYS[type(state)]}
    before = copy_arrays(params)
    out_params, out_state = opt.step(params, grads_seq[0], state)
    assert out_params is params and out_state is state
    for key in params:
        assert out_params[key] is arrays[key]  # the same array objects, overwritten
        assert not np.array_equal(out_params[key], before[key])
    for name, old in state_arrays.items():
        for key in params:
            assert getattr(out_state, name)[key] is old[key]


def test_copy_arrays_keeps_a_snapshot():
    opt = GradientDescent(0.1)
    params = {"W": np.array([[1.0, 2.0]])}
    state = opt.init(params)
    snapshot = copy_arrays(params)
    opt.step(params, {"W": np.array([[1.0, 1.0]])}, state)
    np.testing.assert_array_equal(snapshot["W"], [[1.0, 2.0]])
    np.testing.assert_allclose(params["W"], [[0.9, 1.9]])
    assert copy_arrays({"a": [1.0, 2.0]})["a"].dtype == np.float64


def test_repr():
    assert repr(Adam(0.01)) == "Adam(learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-08)"
    assert repr(Momentum(0.1, 0.5)) == "Momentum(learning_rate=0.1, beta=0.5)"
    assert repr(GradientDescent(1)) == "GradientDescent(learning_rate=1.0)"


@EACH
def test_lists_as_grads_accepted(make):
    params, grads_seq = random_problem(7)
    as_arrays, _ = run(make(), copy_arrays(params), grads_seq[:3])
    as_lists, _ = run(make(), copy_arrays(params), [{k: g.tolist() for k, g in gr.items()} for gr in grads_seq[:3]])
    for key in params:
        np.testing.assert_array_equal(as_lists[key], as_arrays[key])


@EACH
def test_nan_gradient_refused_and_nothing_changed(make):
    # "Nothing a learner did is lost": a refused step leaves params and state as they were,
    # even for the keys checked before the bad one.
    opt = make()
    params, grads_seq = random_problem(8)
    params, state = run(opt, params, grads_seq[:2])
    params_before = copy_arrays(params)
    state_before = {n: copy_arrays(getattr(state, n)) for n in STATE_ARRAYS[type(state)]}
    bad = copy_arrays(grads_seq[2])
    bad["W2"][0, 3] = np.nan
    with pytest.raises(ValueError, match=r"grads\['W2'\] has 1 non-finite value\(s\) \(NaN or inf\), first at flat index 3: the step is refused and nothing was changed"):
        opt.step(params, bad, state)
    bad["W2"][0, 3] = np.inf
    with pytest.raises(ValueError, match=r"grads\['W2'\] has 1 non-finite"):
        opt.step(params, bad, state)
    bad["W2"][0, 0] = -np.inf  # a diverged network: inf - inf in the check must not warn
    with pytest.raises(ValueError, match=r"grads\['W2'\] has 2 non-finite value\(s\) \(NaN or inf\), first at flat index 0"):
        opt.step(params, bad, state)
    assert state.t == 2
    for key in params:
        np.testing.assert_array_equal(params[key], params_before[key])
    for name, arrays in state_before.items():
        for key in params:
            np.testing.assert_array_equal(getattr(state, name)[key], arrays[key])


@EACH
def test_int_params_refused(make):
    opt = make()
    params = {"W": np.array([[1, 2]])}
    state = opt.init(params)
    with pytest.raises(TypeError, match=r"params\['W'\] must be a float numpy array \(it is updated in place\), got array of int64"):
        opt.step(params, {"W": np.array([[0.1, 0.2]])}, state)
    np.testing.assert_array_equal(params["W"], [[1, 2]])
    with pytest.raises(TypeError, match=r"params\['W'\] must be a float numpy array .*got list"):
        opt.step({"W": [[1.0, 2.0]]}, {"W": np.array([[0.1, 0.2]])}, state)


@EACH
def test_bad_second_array_refused_before_anything_changes(make):
    # A problem found in the last key must not leave the first key already updated.
    opt = make()
    params = {"W1": np.ones((2, 2)), "b1": np.ones((2, 1))}
    state = opt.init(params)
    ok = np.full((2, 2), 0.5)
    with pytest.raises(TypeError, match=r"grads\['b1'\] must hold real numbers, got an array of dtype <U1"):
        opt.step(params, {"W1": ok, "b1": np.array([["a"], ["b"]])}, state)
    with pytest.raises(TypeError, match=r"grads\['b1'\] must hold real numbers, got an array of dtype complex128"):
        opt.step(params, {"W1": ok, "b1": np.ones((2, 1)) * 1j}, state)
    params["b1"].flags.writeable = False
    with pytest.raises(ValueError, match=r"params\['b1'\] is read-only and is updated in place"):
        opt.step(params, {"W1": ok, "b1": np.ones((2, 1))}, state)
    np.testing.assert_array_equal(params["W1"], np.ones((2, 2)))
    assert state.t == 0
    for name in STATE_ARRAYS[type(state)]:
        assert not getattr(state, name)["W1"].any()


@EACH
def test_int_grads_accepted(make):
    # Integer gradients (e.g. a hand-made example) are numbers: same result as the floats.
    params, _ = random_problem(9)
    int_grads = {k: np.arange(v.size).reshape(v.shape) - 3 for k, v in params.items()}
    p_int, _ = run(make(), copy_arrays(params), [int_grads] * 2)
    p_float, _ = run(make(), copy_arrays(params), [{k: g.astype(float) for k, g in int_grads.items()}] * 2)
    for key in params:
        np.testing.assert_array_equal(p_int[key], p_float[key])


@EACH
def test_mismatched_keys_and_shapes_refused(make):
    opt = make()
    params = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1))}
    state = opt.init(params)
    with pytest.raises(ValueError, match=r"params and grads must have the same keys: missing from grads \['b1'\], not in params \['b2'\]"):
        opt.step(params, {"W1": np.ones((2, 3)), "b2": np.ones((2, 1))}, state)
    with pytest.raises(ValueError, match=r"grads\['W1'\] has shape \(3, 2\) but params\['W1'\] has shape \(2, 3\)"):
        opt.step(params, {"W1": np.ones((3, 2)), "b1": np.ones((2, 1))}, state)
    with pytest.raises(TypeError, match=r"grads must be a dict of arrays, got list"):
        opt.step(params, [np.ones((2, 3)), np.ones((2, 1))], state)
    np.testing.assert_array_equal(params["W1"], np.ones((2, 3)))


@pytest.mark.parametrize("make", [OPTIMIZERS["momentum"], OPTIMIZERS["rmsprop"], OPTIMIZERS["adam"]],
                         ids=["momentum", "rmsprop", "adam"])
def test_state_from_other_params_refused(make):
    opt = make()
    params = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1))}
    grads = {"W1": np.ones((2, 3)), "b1": np.ones((2, 1))}
    other_shape = opt.init({"W1": np.ones((3, 2)), "b1": np.ones((2, 1))})
    with pytest.raises(ValueError, match=r"state\.[vs]\['W1'\] has shape \(3, 2\) but params\['W1'\] has shape \(2, 3\) \(was the state made by init\(\) for these params\?\)"):
        opt.step(params, grads, other_shape)
    other_keys = opt.init({"W2": np.ones((2, 3)), "b1": np.ones((2, 1))})
    with pytest.raises(ValueError, match=r"params and state\.[vs] must have the same keys.*was the state made by init\(\) for these params\?"):
        opt.step(params, grads, other_keys)
    np.testing.assert_array_equal(params["W1"], np.ones((2, 3)))


# ---------------------------------------------------------------------------
# Property-based: random shapes, dtypes and hyperparameters
# ---------------------------------------------------------------------------

shapes = st.one_of(st.just((1, 1)), hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5))
values = st.floats(-100, 100, width=32)  # exactly representable in float32 and float64


@st.composite
def problems(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    grad_dtype = draw(st.sampled_from([np.float32, np.float64]))
    keys = draw(st.lists(st.sampled_from(["W1", "b1", "W2", "b2", "W3"]), min_size=1, max_size=3, unique=True))
    params, grads = {}, {}
    for key in keys:
        shape = draw(shapes)
        params[key] = draw(hnp.arrays(dtype, shape, elements=values))
        grads[key] = draw(hnp.arrays(grad_dtype, shape, elements=values))
    return params, grads


learning_rates = st.floats(1e-4, 1.0)
betas = st.floats(0.0, 0.999)
epsilons = st.floats(1e-8, 1e-3)
optimizers = st.one_of(
    st.builds(GradientDescent, learning_rates),
    st.builds(Momentum, learning_rates, betas),
    st.builds(RMSProp, learning_rates, betas, epsilons),
    st.builds(Adam, learning_rates, betas, betas, epsilons),
)


def _steps(opt, params, grads, n):
    state = opt.init(params)
    for _ in range(n):
        out, out_state = opt.step(params, grads, state)
        assert out is params and out_state is state
    return params, state


@settings(max_examples=75, deadline=None)
@given(problem=problems(), opt=optimizers, n_steps=st.integers(1, 4))
def test_property_shapes_dtypes_finite_deterministic(problem, opt, n_steps):
    params, grads = problem
    grads_before = copy_arrays(grads)
    p1, s1 = _steps(opt, copy_arrays(params), grads, n_steps)
    p2, s2 = _steps(opt, copy_arrays(params), grads, n_steps)
    assert s1.t == s2.t == n_steps
    assert p1.keys() == params.keys()
    for key in params:
        assert p1[key].shape == params[key].shape
        assert p1[key].dtype == params[key].dtype
        assert np.all(np.isfinite(p1[key]))
        np.testing.assert_array_equal(p1[key], p2[key])  # same inputs, identical outputs
        np.testing.assert_array_equal(grads[key], grads_before[key])  # grads not mutated
        assert grads[key].dtype == grads_before[key].dtype
    for name in STATE_ARRAYS[type(s1)]:
        for key in params:
            a, b = getattr(s1, name)[key], getattr(s2, name)[key]
            assert a.shape == params[key].shape and a.dtype == params[key].dtype
            assert np.all(np.isfinite(a))
            np.testing.assert_array_equal(a, b)


@settings(max_examples=50, deadline=None)
@given(problem=problems(), opt=optimizers)
def test_property_zero_gradient_changes_nothing_but_t(problem, opt):
    # From a fresh state a zero gradient gives v = s = 0 and a zero step for every optimizer.
    params, _ = problem
    zeros = {k: np.zeros_like(v) for k, v in params.items()}
    p, state = _steps(opt, copy_arrays(params), zeros, 2)
    assert state.t == 2
    for key in params:
        np.testing.assert_array_equal(p[key], params[key])


# ---------------------------------------------------------------------------
# Large arrays: the blocked, two-thread path of blocks.apply_blocked
# ---------------------------------------------------------------------------

BIG = max(600_000, 2 * blocks.PARALLEL_MIN)   # on the parallel path
CHUNK = blocks.BLOCK                           # below 2 * BLOCK: the kernel runs once, unblocked


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@EACH
def test_big_array_bit_identical_to_small_arrays(make, dtype):
    # The same optimizer on one big array and on the same values split into small arrays:
    # element-wise kernels must give bit-identical results whatever the blocking and threads.
    rng = np.random.default_rng(12)
    W = rng.standard_normal(BIG).astype(dtype)
    grads_seq = [rng.standard_normal(BIG).astype(dtype) for _ in range(3)]
    assert W.size >= blocks.PARALLEL_MIN and CHUNK < 2 * blocks.BLOCK

    big_params, big_state = run(make(), {"W": W.reshape(-1, 1000).copy()},
                                [{"W": g.reshape(-1, 1000)} for g in grads_seq])

    cuts = range(0, BIG, CHUNK)
    small = {f"c{i}": W[i : i + CHUNK].copy() for i in cuts}
    small_params, small_state = run(make(), small,
                                    [{f"c{i}": g[i : i + CHUNK] for i in cuts} for g in grads_seq])

    np.testing.assert_array_equal(big_params["W"].reshape(-1), np.concatenate(list(small_params.values())))
    for name in STATE_ARRAYS[type(big_state)]:
        np.testing.assert_array_equal(getattr(big_state, name)["W"].reshape(-1),
                                      np.concatenate(list(getattr(small_state, name).values())))


def _kernel(a, b, tmp):
    """A test kernel in the optimizers' style: a = a/2 + b, then a -= sqrt(|a|)."""
    a *= 0.5
    a += b
    a -= np.sqrt(np.abs(a, out=tmp), out=tmp)


@pytest.mark.parametrize("size", [10, 2 * blocks.BLOCK + 5, BIG + 3])  # whole, serial blocks, threads
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_apply_blocked_matches_one_call(size, dtype):
    rng = np.random.default_rng(size)
    a = rng.standard_normal(size).astype(dtype)
    b = rng.standard_normal(size).astype(dtype)
    expected = a.copy()
    _kernel(expected, b, np.empty_like(expected))
    blocks.apply_blocked(_kernel, (a, b))
    assert a.dtype == dtype
    np.testing.assert_array_equal(a, expected)


def test_apply_blocked_non_contiguous_arrays():
    # Strided views cannot be flattened without copying: the kernel must still update them in place.
    rng = np.random.default_rng(0)
    base = rng.standard_normal((800, 1000))
    b = rng.standard_normal((800, 500))
    view = base[:, ::2]
    expected = view.copy()
    _kernel(expected, b, np.empty_like(expected))
    untouched = base[:, 1::2].copy()
    blocks.apply_blocked(_kernel, (view, b))
    np.testing.assert_array_equal(base[:, ::2], expected)
    np.testing.assert_array_equal(base[:, 1::2], untouched)


def test_state_of_another_optimizer_is_refused_by_name():
    import re

    import pytest

    from ngopt_course import Adam, Momentum, RMSProp

    params = {"W": np.ones((2, 2))}
    grads = {"W": np.ones((2, 2))}
    with pytest.raises(TypeError, match=re.escape("state must be the MomentumState made by Momentum.init(params), got AdamState")):
        Momentum(0.1).step(params, grads, Adam(0.1).init(params))
    with pytest.raises(TypeError, match="state must be the AdamState made by Adam.init.*got RMSPropState"):
        Adam(0.1).step(params, grads, RMSProp(0.1).init(params))
    np.testing.assert_array_equal(params["W"], 1.0)  # nothing changed


def test_errstate_reaches_the_helper_thread_on_large_arrays():
    # np.errstate is a context variable: a pool thread must run in the caller's context,
    # or an overflow in its half of a large array warns (an error under pytest) or escapes
    from ngopt_course._fast import blocks

    n = 4 * blocks.PARALLEL_MIN
    W = np.full(n, 3e38, dtype=np.float32)
    dW = np.full(n, -1.0, dtype=np.float32)

    def kernel(W, dW, tmp):
        W += np.multiply(dW, -1e38, out=tmp)  # overflows to inf in every block

    with np.errstate(over="ignore"):
        blocks.apply_blocked(kernel, (W, dW))
    assert np.isinf(W).all()


# ---------------------------------------------------------------------------
# Structure checked once per params and state; what can change checked every step
# ---------------------------------------------------------------------------

@EACH
def test_arrays_replaced_or_made_read_only_after_a_step_are_checked_again(make):
    opt = make()
    params = {"W1": np.ones((2, 2)), "b1": np.ones((2, 1))}
    grads = {"W1": np.full((2, 2), 0.5), "b1": np.full((2, 1), 0.5)}
    state = opt.init(params)
    opt.step(params, grads, state)  # checked whole once
    params["b1"] = np.array([[1], [2]])  # another array under the same key
    with pytest.raises(TypeError, match=r"params\['b1'\] must be a float numpy array \(it is updated in place\), got array of int64"):
        opt.step(params, grads, state)
    params["b1"] = np.ones((2, 1))
    params["b1"].flags.writeable = False  # the same array, switched off between steps
    with pytest.raises(ValueError, match=r"params\['b1'\] is read-only and is updated in place"):
        opt.step(params, grads, state)
    params["b1"] = np.ones((2, 1))
    W1 = params["W1"].copy()
    bad = np.full((2, 2), 0.5)
    bad[1, 0] = np.nan
    with pytest.raises(ValueError, match=r"grads\['W1'\] has 1 non-finite value"):  # grads: every step
        opt.step(params, {**grads, "W1": bad}, state)
    np.testing.assert_array_equal(params["W1"], W1)
    assert state.t == 1


def test_the_optimizer_does_not_keep_a_finished_runs_arrays_alive():
    import gc
    import weakref

    opt = Adam(0.01)
    params = {"W": np.ones(10)}
    state = opt.init(params)
    opt.step(params, {"W": np.ones(10)}, state)
    refs = [weakref.ref(state), weakref.ref(params["W"]), weakref.ref(state.v["W"])]
    del params, state
    gc.collect()
    assert all(ref() is None for ref in refs)


# ---------------------------------------------------------------------------
# Gradient descent on a small network: checks merged into one buffer, nothing lost
# ---------------------------------------------------------------------------

def _small_gd(learning_rate=0.1, dtype=np.float64):
    """A GradientDescent that has taken one step (so its next steps take the small-network path)."""
    opt = GradientDescent(learning_rate)
    params = {"W1": np.ones((2, 3), dtype), "b1": np.zeros((2, 1), dtype), "W2": np.ones((1, 2), dtype)}
    state = opt.init(params)
    opt.step(params, {k: np.zeros_like(v) for k, v in params.items()}, state)
    return opt, params, state


def test_small_network_steps_skip_the_general_checks_and_equal_the_formula(monkeypatch):
    opt, params, state = _small_gd()
    calls = []
    real = GradientDescent._checked
    monkeypatch.setattr(GradientDescent, "_checked", lambda *a, **k: calls.append(1) or real(*a, **k))
    rng = np.random.default_rng(0)
    for _ in range(3):
        grads = {k: rng.standard_normal(v.shape) for k, v in params.items()}
        expected = {k: v - 0.1 * grads[k] for k, v in params.items()}  # the slide's formula
        before = {k: id(v) for k, v in params.items()}
        opt.step(params, grads, state)
        for key in params:
            np.testing.assert_array_equal(params[key], expected[key])  # 0 ulps
            assert id(params[key]) == before[key]                      # in place
    assert calls == [] and state.t == 4                                # the small path each time
    grads32 = {k: np.ones(v.shape, np.float32) for k, v in params.items()}  # another dtype: general path
    expected = {k: v - 0.1 * grads32[k] for k, v in params.items()}
    opt.step(params, grads32, state)
    assert calls == [1]
    for key in params:
        np.testing.assert_array_equal(params[key], expected[key])


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_small_network_step_refuses_a_non_finite_gradient_with_the_same_message(bad):
    opt, params, state = _small_gd()
    before = copy_arrays(params)
    grads = {k: np.full(v.shape, 0.5) for k, v in params.items()}
    grads["W2"][0, 1] = bad
    with pytest.raises(ValueError, match=r"grads\['W2'\] has 1 non-finite value\(s\) \(NaN or inf\), first at flat index 1: the step is refused and nothing was changed"):
        opt.step(params, grads, state)
    assert state.t == 1
    for key in params:
        np.testing.assert_array_equal(params[key], before[key])


@pytest.mark.parametrize("where", ["alpha dW", "W - alpha dW"])
def test_small_network_step_overflow_raises_the_same_step_overflow_error(where):
    from ngopt_course.optimizers import StepOverflowError

    opt, params, state = _small_gd(learning_rate=1e6)
    grads = {k: np.zeros(v.shape) for k, v in params.items()}
    if where == "alpha dW":
        grads["b1"][1, 0] = 1e303                  # 1e6 * 1e303 overflows
    else:
        params["W2"][0, 0] = 1.5e308               # 1.5e308 - 1e6 * (-1e303) overflows
        grads["W2"][0, 0] = -1e303
    with np.errstate(all="raise"):                 # the guard's settings win inside a step
        with pytest.raises(StepOverflowError, match=(
                r"the update hit a floating-point overflow and left inf or NaN in params\['(b1|W2)'\]: "
                r"learning_rate == 1000000.0 or the gradients are far too large \(or params already held inf\)\. "
                r"The step worked in place; restore copies made with copy_arrays\(\)")):
            opt.step(params, grads, state)
    assert state.t == 1                            # the step is not counted, as on the general path
    assert not np.isfinite(params["b1" if where == "alpha dW" else "W2"]).all()


def test_small_network_step_finite_steps_whose_sum_overflows_are_taken():
    opt, params, state = _small_gd(learning_rate=1.0)
    grads = {k: np.full(v.shape, -1e308) for k, v in params.items()}  # sum of alpha dW: -inf
    params = {k: np.full(v.shape, -1e308) for k, v in params.items()}
    state = opt.init(params)
    opt.step(params, {k: np.zeros_like(v) for k, v in params.items()}, state)  # checked whole
    opt.step(params, grads, state)
    for key in params:
        np.testing.assert_array_equal(params[key], 0.0)                 # -1e308 - (-1e308)
    assert state.t == 2


def test_small_network_step_falls_back_on_anything_unusual():
    opt, params, state = _small_gd()
    ok = {k: np.full(v.shape, 0.5) for k, v in params.items()}
    with pytest.raises(ValueError, match=r"params and grads must have the same keys: missing from grads \[\], not in params \[.W3.\]"):
        opt.step(params, {**ok, "W3": np.ones(1)}, state)
    with pytest.raises(ValueError, match=r"grads\['b1'\] has shape \(1, 2\) but params\['b1'\] has shape \(2, 1\)"):
        opt.step(params, {**ok, "b1": np.ones((1, 2))}, state)
    with pytest.raises(TypeError, match=r"must be a dict"):
        opt.step(params, [1, 2, 3], state)
    with pytest.raises(TypeError, match=r"state must be the GradientDescentState"):
        opt.step(params, ok, MomentumState())
    state.t = -1
    with pytest.raises(ValueError, match=r"state\.t == -1"):
        opt.step(params, ok, state)
    state.t = 1
    opt32, params32, state32 = _small_gd(dtype=np.float32)
    opt32.learning_rate = 1e300                     # a new learning rate is checked against the dtype
    with pytest.raises(ValueError, match=r"learning_rate == 1e\+300 does not fit in float32"):
        opt32.step(params32, {k: v.astype(np.float32) for k, v in ok.items()}, state32)
    expected = {k: v - 0.1 * 0.5 for k, v in params.items()}
    opt.step(params, {k: v.tolist() for k, v in ok.items()}, state)   # lists: converted, general path
    for key in params:
        np.testing.assert_allclose(params[key], expected[key], rtol=0, atol=0)

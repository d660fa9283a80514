"""The network of nn.py: shapes, hand-computed forward passes and costs, backprop against
central differences, numerically safe saturation, float32, and clear errors."""

import math

import numpy as np
import pytest

from ngopt_course import nn
from ngopt_course.nn import (
    accuracy,
    cost_and_grads,
    forward,
    gradient_check,
    initialize_parameters,
    predict,
    sigmoid,
)


def _binary_labels(rng, m):
    Y = (rng.random((1, m)) > 0.5).astype(float)
    Y[0, :2] = [0.0, 1.0]  # both classes present
    return Y


def _random_problem(dims, m=12, seed=0, random_biases=True, hidden_activation="tanh"):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(dims[0], m))
    Y = _binary_labels(rng, m)
    params = initialize_parameters(dims, seed=rng, hidden_activation=hidden_activation)
    if random_biases:  # zero biases would leave the b gradients' paths half tested
        for key in params:
            if key.startswith("b"):
                params[key] = 0.3 * rng.normal(size=params[key].shape)
    return X, Y, params


# ---------------------------------------------------------------------------
# Initialisation
# ---------------------------------------------------------------------------

def test_initialize_shapes_zero_biases_and_dtype():
    params = initialize_parameters([3, 5, 2, 1], seed=1)
    assert list(params) == ["W1", "b1", "W2", "b2", "W3", "b3"]
    assert params["W1"].shape == (5, 3) and params["b1"].shape == (5, 1)
    assert params["W2"].shape == (2, 5) and params["b2"].shape == (2, 1)
    assert params["W3"].shape == (1, 2) and params["b3"].shape == (1, 1)
    assert all(np.all(params[f"b{l}"] == 0) for l in (1, 2, 3))
    assert all(p.dtype == np.float64 for p in params.values())


@pytest.mark.parametrize("activation, gain", [("relu", 2.0), ("tanh", 1.0)])
def test_initialize_scale_is_he_for_relu_and_xavier_for_tanh(activation, gain):
    # W1 has 400 x 1000 = 400,000 draws: their standard deviation is within 1% of the target.
    params = initialize_parameters([1000, 400, 1], seed=3, hidden_activation=activation)
    target = math.sqrt(gain / 1000)
    assert params["W1"].std() == pytest.approx(target, rel=0.01)
    assert abs(params["W1"].mean()) < 0.01 * target


def test_initialize_is_reproducible_and_float32_is_the_cast_float64():
    a = initialize_parameters([4, 3, 1], seed=7)
    b = initialize_parameters([4, 3, 1], seed=np.random.default_rng(7))
    c = initialize_parameters([4, 3, 1], seed=7, dtype=np.float32)
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
        assert c[key].dtype == np.float32
        np.testing.assert_array_equal(c[key], a[key].astype(np.float32))
    assert not np.array_equal(a["W1"], initialize_parameters([4, 3, 1], seed=8)["W1"])


# ---------------------------------------------------------------------------
# Forward propagation and cost, by hand
# ---------------------------------------------------------------------------

def test_forward_by_hand_two_layers_relu():
    # Z1 = W1 X + b1, A1 = relu(Z1), Z2 = W2 A1 + b2, A2 = sigmoid(Z2), computed by hand.
    X = np.array([[1.0, -1.0], [2.0, 0.5]])
    params = {
        "W1": np.array([[1.0, 0.0], [1.0, -1.0]]), "b1": np.array([[0.0], [0.5]]),
        "W2": np.array([[2.0, -1.0]]), "b2": np.array([[0.25]]),
    }
    # column 1: Z1 = [1, -0.5] -> A1 = [1, 0] -> Z2 = 2 + 0.25 = 2.25
    # column 2: Z1 = [-1, -1] -> A1 = [0, 0] -> Z2 = 0.25
    AL, caches = forward(X, params)
    np.testing.assert_allclose(AL, 1 / (1 + np.exp(-np.array([[2.25, 0.25]]))), rtol=1e-15)
    np.testing.assert_array_equal(caches[0][0], X)
    np.testing.assert_array_equal(caches[0][1], [[1.0, -1.0], [-0.5, -1.0]])
    np.testing.assert_array_equal(caches[1][0], [[1.0, 0.0], [0.0, 0.0]])
    np.testing.assert_array_equal(caches[1][1], [[2.25, 0.25]])


def test_forward_tanh_hidden_layer():
    X = np.array([[0.5, -2.0]])
    params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]]), "W2": np.array([[3.0]]), "b2": np.array([[0.0]])}
    AL, _ = forward(X, params, hidden_activation="tanh")
    np.testing.assert_allclose(AL, 1 / (1 + np.exp(-3 * np.tanh(X))), rtol=1e-15)


def test_cost_by_hand_logistic_regression_with_l2():
    # One layer: y_hat = sigmoid(w x + b); J = mean cross-entropy + lambd/(2m) w^2.
    X = np.array([[0.0, 1.0, 2.0]])
    Y = np.array([[0.0, 1.0, 1.0]])
    params = {"W1": np.array([[2.0]]), "b1": np.array([[-1.0]])}
    z = np.array([-1.0, 1.0, 3.0])
    a = 1 / (1 + np.exp(-z))
    y = Y[0]
    expected = -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a)) + 0.6 / (2 * 3) * 4.0
    cost, grads = cost_and_grads(X, Y, params, lambd=0.6)
    assert isinstance(cost, float)
    assert cost == pytest.approx(expected, rel=1e-14)
    # Logistic regression's gradients, written out: dW = (A - Y) X^T / m + lambd/m W, db = mean(A - Y).
    np.testing.assert_allclose(grads["W1"], [[np.sum((a - y) * X[0]) / 3 + 0.6 / 3 * 2.0]], rtol=1e-14)
    np.testing.assert_allclose(grads["b1"], [[np.mean(a - y)]], rtol=1e-14)


def test_l2_term_is_lambd_over_2m_times_sum_of_squared_frobenius_norms():
    X, Y, params = _random_problem([3, 4, 2, 1], m=8)
    J0, _ = cost_and_grads(X, Y, params, lambd=0.0)
    J1, _ = cost_and_grads(X, Y, params, lambd=0.8)
    frob = sum(np.sum(params[k] ** 2) for k in ("W1", "W2", "W3"))
    assert J1 - J0 == pytest.approx(0.8 / (2 * 8) * frob, rel=1e-12)


def test_grads_have_the_keys_and_shapes_of_params_in_the_same_order():
    X, Y, params = _random_problem([3, 4, 2, 1])
    _, grads = cost_and_grads(X, Y, params)
    assert list(grads) == list(params)
    assert all(grads[k].shape == params[k].shape for k in params)


def test_saturated_sigmoid_gives_finite_exact_cost_and_no_warning():
    # |Z| = 1000: sigmoid rounds to exactly 0 or 1, log(0) would be -inf. The stable form
    # gives softplus(z) - y z: a confident wrong answer costs |z|, a right one 0.
    X = np.array([[1.0, -1.0, 1.0, -1.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    params = {"W1": np.array([[1000.0]]), "b1": np.array([[0.0]])}
    cost, grads = cost_and_grads(X, Y, params)  # filterwarnings=error: any warning fails
    assert cost == pytest.approx((1000 + 1000 + 0 + 0) / 4, rel=1e-15)
    # dZ = A - Y = [1, -1, 0, 0]; dW = dZ X^T / m = (1 + 1) / 4; db = 0.
    np.testing.assert_allclose(grads["W1"], [[0.5]], rtol=1e-15)
    np.testing.assert_allclose(grads["b1"], [[0.0]], atol=1e-15)
    AL, _ = forward(X, params)
    np.testing.assert_array_equal(AL, [[1.0, 0.0, 1.0, 0.0]])


def test_sigmoid_is_stable_and_symmetric():
    z = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    s = sigmoid(z)
    np.testing.assert_allclose(s[1], math.exp(-30) / (1 + math.exp(-30)), rtol=1e-14)
    assert s[0] == 0.0 and s[2] == 0.5 and s[4] == 1.0
    np.testing.assert_allclose(s + sigmoid(-z), 1.0, rtol=1e-15)


def test_predict_thresholds_at_one_half_and_accuracy_counts_matches():
    X = np.array([[-2.0, -1e-12, 0.0, 1e-12, 3.0]])
    params = {"W1": np.array([[1.0]]), "b1": np.array([[0.0]])}
    labels = predict(X, params)
    assert labels.shape == (1, 5)
    np.testing.assert_array_equal(labels, [[0, 0, 0, 1, 1]])  # y_hat = 0.5 exactly -> 0
    Y = np.array([[0, 1, 0, 1, 0]])
    assert accuracy(X, Y, params) == pytest.approx(3 / 5)


# ---------------------------------------------------------------------------
# Backprop against central differences
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dims", [[3, 1], [3, 4, 1], [3, 5, 4, 1], [3, 5, 4, 3, 1]],
                         ids=lambda d: f"{len(d) - 1}-layer")
@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_gradient_check_below_1e_7_tanh(dims, lambd):
    X, Y, params = _random_problem(dims, seed=len(dims))
    assert gradient_check(X, Y, params, lambd=lambd, hidden_activation="tanh") < 1e-7


@pytest.mark.parametrize("dims", [[3, 4, 1], [3, 5, 4, 3, 1]])
@pytest.mark.parametrize("lambd", [0.0, 0.7])
def test_gradient_check_below_1e_7_relu_away_from_the_kink(dims, lambd):
    X, Y, params = _random_problem(dims, seed=11, hidden_activation="relu")
    # The check is only meaningful if no hidden Z[l] is within epsilon of ReLU's kink.
    _, caches = forward(X, params)  # caches[l-1] = (A[l-1], Z[l]); hidden layers are l < L
    assert min(np.abs(caches[l][1]).min() for l in range(len(caches) - 1)) > 1e-4
    assert gradient_check(X, Y, params, lambd=lambd) < 1e-7


def test_gradient_check_catches_a_missing_l2_gradient(monkeypatch):
    X, Y, params = _random_problem([3, 4, 1])
    real = nn._cost_and_grads

    def forgets_l2(X, Y, params, lambd, hidden_activation):  # a classic bug: cost has L2, dW does not
        cost, _ = real(X, Y, params, lambd, hidden_activation)
        return cost, real(X, Y, params, 0.0, hidden_activation)[1]

    monkeypatch.setattr(nn, "_cost_and_grads", forgets_l2)
    assert gradient_check(X, Y, params, lambd=0.0, hidden_activation="tanh") < 1e-7
    assert gradient_check(X, Y, params, lambd=2.0, hidden_activation="tanh") > 1e-3


def test_gradient_check_leaves_params_unchanged():
    X, Y, params = _random_problem([3, 4, 1])
    before = {k: v.copy() for k, v in params.items()}
    gradient_check(X, Y, params, hidden_activation="tanh")
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


# ---------------------------------------------------------------------------
# float32 end to end
# ---------------------------------------------------------------------------

def test_float32_params_give_float32_grads_and_activations():
    X, Y, params = _random_problem([3, 4, 2, 1])
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    cost32, g32 = cost_and_grads(X, Y, p32, lambd=0.1)  # X, Y float64: cast, not upcast
    assert isinstance(cost32, float)
    assert all(g.dtype == np.float32 for g in g32.values())
    AL, caches = forward(X.astype(np.float32), p32)
    assert AL.dtype == np.float32 and all(Z.dtype == np.float32 for _, Z in caches)
    cost64, g64 = cost_and_grads(X, Y, params, lambd=0.1)
    assert cost32 == pytest.approx(cost64, rel=1e-5)
    for k in params:
        np.testing.assert_allclose(g32[k], g64[k], rtol=1e-3, atol=1e-6)


def test_integer_and_boolean_labels_are_accepted():
    X, Y, params = _random_problem([3, 2, 1])
    c_float, _ = cost_and_grads(X, Y, params)
    c_int, _ = cost_and_grads(X, Y.astype(int), params)
    c_bool, _ = cost_and_grads(X, Y.astype(bool), params)
    assert c_float == c_int == c_bool


# ---------------------------------------------------------------------------
# Clear errors
# ---------------------------------------------------------------------------

def test_error_X_and_Y_with_different_m():
    X, Y, params = _random_problem([3, 2, 1], m=10)
    with pytest.raises(ValueError, match=r"X has m = 10 examples .* Y has m = 9"):
        cost_and_grads(X, Y[:, :9], params)


def test_error_X_rows_do_not_match_the_first_layer():
    X, Y, params = _random_problem([3, 2, 1])
    with pytest.raises(ValueError, match=r"X has n = 4 features .* \(n\[0\]\) = 3"):
        cost_and_grads(np.vstack([X, X[:1]]), Y, params)


def test_error_labels_outside_0_1():
    X, Y, params = _random_problem([3, 2, 1])
    Y = Y.copy()
    Y[0, 5] = 2.0
    with pytest.raises(ValueError, match=r"Y holds 1 label\(s\) other than 0 and 1, first 2.0 at flat index 5"):
        cost_and_grads(X, Y, params)
    with pytest.raises(ValueError, match=r"Y must be 2-D .* use Y.reshape\(1, -1\)"):
        cost_and_grads(X, Y[0], params)


def test_error_negative_lambd():
    X, Y, params = _random_problem([3, 2, 1])
    with pytest.raises(ValueError, match=r"lambd == -0.1, must be in \[0(\.0)?, inf\)"):
        cost_and_grads(X, Y, params, lambd=-0.1)


@pytest.mark.parametrize("call", [
    lambda X, Y, p: cost_and_grads(X, Y, p, hidden_activation="sigmoid"),
    lambda X, Y, p: forward(X, p, hidden_activation="leaky_relu"),
    lambda X, Y, p: initialize_parameters([3, 1], hidden_activation="ReLU"),
])
def test_error_unknown_activation_lists_the_allowed_ones(call):
    X, Y, params = _random_problem([3, 2, 1])
    with pytest.raises(ValueError, match=r"hidden_activation == '\w+' is unknown; allowed: 'relu', 'tanh'"):
        call(X, Y, params)


@pytest.mark.parametrize("keys, message", [
    (("W1", "b1", "W3", "b3"), r"with L = 2 it misses \['W2', 'b2'\] and has extra \['W3', 'b3'\]"),
    (("W1", "b1", "W2"), r"misses \['b2'\]"),
    (("W1", "b1", "w2", "b2"), r"keys \['w2'\] that are not of the form"),
])
def test_error_params_keys_not_W1_to_WL(keys, message):
    X, Y, params = _random_problem([3, 2, 1])
    source = {"W1": params["W1"], "b1": params["b1"], "W2": params["W2"], "b2": params["b2"],
              "W3": np.ones((1, 1)), "b3": np.zeros((1, 1)), "w2": params["W2"]}
    with pytest.raises(ValueError, match=message):
        cost_and_grads(X, Y, {k: source[k] for k in keys})


def test_error_params_shapes_that_do_not_chain():
    X, Y, params = _random_problem([3, 2, 1])
    bad = dict(params, W2=np.ones((1, 5)))
    with pytest.raises(ValueError, match=r"params\['W2'\] has shape \(1, 5\): it needs n\[1\] = 2 columns"):
        cost_and_grads(X, Y, bad)
    bad = dict(params, b1=np.zeros(2))
    with pytest.raises(ValueError, match=r"params\['b1'\] has shape \(2,\), must be \(n\[1\], 1\)"):
        cost_and_grads(X, Y, bad)


def test_error_layer_dims():
    with pytest.raises(ValueError, match=r"needs at least 2 sizes"):
        initialize_parameters([3])
    with pytest.raises(ValueError, match=r"layer_dims\[1\] == 0, must be an integer in \[1, inf\]"):
        initialize_parameters([3, 0, 1])
    with pytest.raises(ValueError, match=r"dtype == float16, must be float32 or float64"):
        initialize_parameters([3, 1], dtype=np.float16)


# ---------------------------------------------------------------------------
# What a training loop uses: checks once, then cost_and_grads(check=False)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_unchecked_cost_and_grads_equals_the_checked_one(dtype):
    X, Y, params = _random_problem([3, 4, 1], seed=4, hidden_activation="relu")
    params = {k: v.astype(dtype) for k, v in params.items()}
    X, Y = X.astype(dtype), Y.astype(dtype)  # what train hands it: the parameters' dtype
    cost, grads = cost_and_grads(X, Y, params, lambd=0.3, hidden_activation="relu")
    cost_u, grads_u = cost_and_grads(X, Y, params, 0.3, "relu", check=False)
    assert cost_u == cost
    for key in params:
        np.testing.assert_array_equal(grads_u[key], grads[key])
        assert grads_u[key].dtype == dtype


def test_check_network_args_returns_what_the_loop_needs():
    X, Y, _ = _random_problem([3, 2, 1])
    X_c, Y_c, dims, lambd, dtype = nn.check_network_args(X, Y.astype(bool), [3, 2, 1], 1, "tanh", None)
    assert X_c is X and dims == (3, 2, 1) and lambd == 1.0 and dtype == np.float64
    assert Y_c.dtype == bool  # labels kept as given; train casts each mini-batch
    assert nn.check_network_args(X.astype(np.float32), Y, [3, 1])[4] == np.float32  # X's float dtype
    with pytest.raises(ValueError, match=r"X has n = 3 features \(shape \(3, 12\)\) but layer_dims\[0\] = 2"):
        nn.check_network_args(X, Y, [2, 1])
    with pytest.raises(ValueError, match=r"Y must be 2-D with shape \(1, m\), got shape \(12,\); use Y.reshape\(1, -1\)"):
        nn.check_network_args(X, Y.ravel(), [3, 1])
    with pytest.raises(ValueError, match=r"dtype == float16, must be float32 or float64"):
        nn.check_network_args(X, Y, [3, 1], dtype=np.float16)


@pytest.mark.parametrize("hidden_activation", ["relu", "tanh"])
def test_the_three_formulas_are_cost_and_grads(hidden_activation):
    # What nn.py opens with (forward, cost, backward, unchecked) is what cost_and_grads checks and runs.
    X, Y, params = _random_problem([3, 4, 2, 1], seed=5, hidden_activation=hidden_activation)
    ZL, caches = nn.forward_propagation(X, params, hidden_activation, keep_Z=False)
    cost, AL = nn.compute_cost(ZL, Y, params, lambd=0.4)
    grads = nn.backward_propagation(AL, Y, caches, params, 0.4, hidden_activation)
    expected_cost, expected_grads = cost_and_grads(X, Y, params, 0.4, hidden_activation)
    assert cost == expected_cost
    np.testing.assert_allclose(AL, forward(X, params, hidden_activation)[0], rtol=1e-14)
    assert list(grads) == list(expected_grads)
    for key in params:
        np.testing.assert_array_equal(grads[key], expected_grads[key])

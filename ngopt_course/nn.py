"""A small fully connected network for binary labels, in the lecture's notation.

Layers l = 1..L, A[0] = X of shape (n[0], m), one example per column::

    Z[l] = W[l] A[l-1] + b[l]        W[l]: (n[l], n[l-1]),  b[l]: (n[l], 1)
    A[l] = g[l](Z[l])                g = ReLU (or tanh) for hidden layers, sigmoid for l = L
    J = (1/m) sum_i L(y_hat(i), y(i)) + lambd / (2 m) sum_l ||W[l]||_F^2

Parameters and gradients are dicts with the keys ``"W1", "b1", ..., "WL", "bL"``
(``grads["W1"]`` is dW1), which is what the optimizers expect. First the formulas
(initialise, forward, cost, backward: no argument checks, a training loop checks once),
then the checked functions a learner calls, then the checks.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from ._validation import check_array, check_int, check_labels_2d, check_n_features, check_real, check_rng, check_same_m

__all__ = [
    "HIDDEN_ACTIVATIONS", "initialize_parameters", "forward_propagation", "compute_cost",
    "backward_propagation", "forward", "cost_and_grads", "check_network_args", "predict",
    "accuracy", "gradient_check", "sigmoid",
]

HIDDEN_ACTIVATIONS = ("relu", "tanh")


def initialize_parameters(layer_dims, seed=0, hidden_activation="relu", dtype=np.float64):
    """Random weights, zero biases, for the layer sizes ``[n[0], n[1], ..., n[L]]``.

    Parameters
    ----------
    layer_dims : list of int
        n[0] (the number of input features) up to n[L] (1 for binary labels).
    seed : int, numpy.random.Generator or None, default 0
        Fixes the weights.
    hidden_activation : {"relu", "tanh"}, default "relu"
        Chooses the scale of the weights (below).
    dtype : float32 or float64, default float64
        The numbers are drawn in float64 and then cast, so both dtypes get the same
        weights (up to rounding) from the same seed.

    Returns
    -------
    dict
        ``W[l]`` of shape (n[l], n[l-1]) and ``b[l]`` of shape (n[l], 1).

    Notes
    -----
    ``W[l] ~ N(0, c / n[l-1])``: He initialisation ``c = 2`` for ReLU networks, Xavier
    ``c = 1`` for tanh networks. Either keeps the variance of Z[l] about the same from
    layer to layer, so the activations neither vanish nor explode with depth. The output
    layer uses the same rule (as the Coursera assignments do). Biases start at 0: the
    random weights already break the symmetry between units.
    """
    dims, dtype, rng = _check_layer_dims(layer_dims), _check_dtype(dtype), check_rng(seed)
    gain = 2.0 if _check_activation(hidden_activation) == "relu" else 1.0
    params = {}
    for l in range(1, len(dims)):
        W = rng.standard_normal((dims[l], dims[l - 1])) * math.sqrt(gain / dims[l - 1])
        params[f"W{l}"] = W.astype(dtype, copy=False)
        params[f"b{l}"] = np.zeros((dims[l], 1), dtype=dtype)
    return params


def forward_propagation(X, params, hidden_activation="relu", keep_Z=True):
    """Z[L] and ``caches[l-1] = (A[l-1], Z[l])`` for l = 1..L. No checks (see :func:`forward`).

    ``keep_Z=False`` (backprop's own call): a hidden layer's A[l] = g(Z[l]) is written
    over Z[l], one array of (n[l], m) less per layer and step, and the cache holds A[l]
    in Z[l]'s place: backprop reads only its sign (ReLU: Z > 0 exactly where A > 0) or
    A itself (tanh).
    """
    L, relu = len(params) // 2, hidden_activation == "relu"
    caches = []
    A = X
    for l in range(1, L + 1):
        Z = params[f"W{l}"] @ A
        Z += params[f"b{l}"]                  # in place: Z is a fresh array
        caches.append((A, Z))
        if l < L:
            out = None if keep_Z else Z
            A = np.maximum(Z, 0, out=out) if relu else np.tanh(Z, out=out)
    return Z, caches


def compute_cost(ZL, Y, params, lambd=0.0):
    """J and A[L] = y_hat from Z[L], the cross-entropy computed without log(y_hat). No checks.

    With softplus(z) = log(1 + e^z) (``np.logaddexp(0, z)``, which never overflows),
    L(sigmoid(z), y) = softplus(z) - y z: a saturated sigmoid (y_hat rounding to exactly
    0 or 1) gives a large finite cost instead of log(0) = -inf, NaN and a warning.
    A[L] = exp(Z[L] - softplus(Z[L])) reuses the softplus (its exponent is <= 0).
    """
    m = ZL.shape[1]
    softplus = np.logaddexp(0, ZL)
    cost = float((softplus - Y * ZL).sum()) / m
    if lambd:
        cost += lambd / (2 * m) * _sum_of_squares(params)   # the L2 term
    return cost, np.exp(ZL - softplus)


def backward_propagation(AL, Y, caches, params, lambd=0.0, hidden_activation="relu"):
    """dW[l], db[l] for l = L..1, from dZ[L] = A[L] - Y (sigmoid and cross-entropy). No checks.

    ``caches`` from ``forward_propagation(..., keep_Z=False)``: each hidden layer's A[l].
    """
    relu, m = hidden_activation == "relu", AL.shape[1]
    inv_m = 1.0 / m
    dZ = AL - Y                               # dJ/dZ[L] times m
    grads = {}
    for l in range(len(caches), 0, -1):
        A_prev, _ = caches[l - 1]
        W = params[f"W{l}"]
        dW = dZ @ A_prev.T
        dW *= inv_m
        if lambd:
            dW += (lambd * inv_m) * W         # derivative of lambd / (2 m) ||W||^2
        grads[f"W{l}"] = dW
        grads[f"b{l}"] = dZ.sum(axis=1, keepdims=True) * inv_m
        if l > 1:
            # One output unit: W.T @ dZ is an outer product (k = 1), which BLAS does 4x
            # slower than broadcasting; the products are the same numbers.
            dA = W.T * dZ if W.shape[0] == 1 else W.T @ dZ
            if relu:                          # dZ = dA * g'(Z[l-1]), in place: dA is fresh
                dA *= A_prev > 0              # g'(Z) = 1 where Z > 0 (where A > 0), else 0
            else:
                dA *= 1 - A_prev * A_prev     # g'(Z) = 1 - tanh(Z)^2, A[l-1] = tanh(Z[l-1])
            dZ = dA
    return {key: grads[key] for key in params}   # params' key order: the dicts print alike


def sigmoid(Z):
    """1 / (1 + e^-Z), computed as exp(-softplus(-Z)): never overflows, never warns."""
    return np.exp(-np.logaddexp(0, -Z))


def _sum_of_squares(params):
    """sum_l ||W[l]||_F^2."""
    return sum(float(np.vdot(W, W)) for key, W in params.items() if key[0] == "W")


def _cost_and_grads(X, Y, params, lambd, hidden_activation):
    """Forward, cost, backward: the training step's work, without checks."""
    ZL, caches = forward_propagation(X, params, hidden_activation, keep_Z=False)
    cost, AL = compute_cost(ZL, Y, params, lambd)
    return cost, backward_propagation(AL, Y, caches, params, lambd, hidden_activation)


# ---------------------------------------------------------------------------
# The functions a learner calls: arguments checked, then the formulas above
# ---------------------------------------------------------------------------

def forward(X, params, hidden_activation="relu"):
    """Forward propagation: return ``(AL, caches)``.

    Parameters
    ----------
    X : array of shape (n[0], m)
    params : dict
        ``W1, b1, ..., WL, bL``; computations use their dtype.
    hidden_activation : {"relu", "tanh"}, default "relu"

    Returns
    -------
    AL : array of shape (n[L], m)
        y_hat = sigmoid(Z[L]).
    caches : list
        ``caches[l-1] = (A[l-1], Z[l])`` for l = 1..L (A[0] = X), what backprop needs.
    """
    X, _, _ = _prepare(X, None, params, None, hidden_activation)
    with np.errstate(over="ignore", invalid="ignore"):
        ZL, caches = forward_propagation(X, params, hidden_activation)
        return sigmoid(ZL), caches


def cost_and_grads(X, Y, params, lambd=0.0, hidden_activation="relu", *, check=True):
    """Cost J of a (mini-)batch and its gradients by backpropagation.

    Parameters
    ----------
    X : array of shape (n[0], m_t)
        The mini-batch X{t}, one example per column.
    Y : array of shape (1, m_t)
        Labels 0 or 1.
    params : dict
        ``W1, b1, ..., WL, bL``. X and Y are cast to their dtype, so float32 parameters
        give float32 gradients.
    lambd : float, default 0.0
        L2 regularisation strength lambda, >= 0.
    hidden_activation : {"relu", "tanh"}, default "relu"
    check : bool, default True
        False skips every argument check, the cast of X and Y and the floating-point
        settings: for a training loop that checked its arguments once
        (:func:`check_network_args`), gave X and Y the parameters' dtype and ignores
        overflow itself, since on small networks the checks cost more than the step.

    Returns
    -------
    cost : float
        J = (1/m_t) sum_i L(y_hat(i), y(i)) + lambd / (2 m_t) sum_l ||W[l]||_F^2.
    grads : dict
        Same keys as ``params``: ``grads["W1"]`` is dW1 = dJ/dW1, and so on.

    Notes
    -----
    Backprop starts from dZ[L] = A[L] - Y (sigmoid and cross-entropy together) and
    adds (lambd / m_t) W[l] to each dW[l]. With weights so large that Z overflows, the
    cost is inf or NaN (no warning); ``train`` stops on it.
    """
    if not check:
        return _cost_and_grads(X, Y, params, lambd, hidden_activation)
    X, Y, lambd = _prepare(X, Y, params, lambd, hidden_activation, averages=True)
    with np.errstate(over="ignore", invalid="ignore"):
        return _cost_and_grads(X, Y, params, lambd, hidden_activation)


def check_network_args(X, Y, layer_dims, lambd=0.0, hidden_activation="relu", dtype=None):
    """The checks a training loop makes once, before its first step; returns what it needs.

    X must be 2-D with n[0] = layer_dims[0] rows (it is not scanned for NaN: it may be a
    5,000,000-column memmap, and a NaN shows up as a non-finite cost); Y holds 0/1
    labels, shape (n[L], m); lambd >= 0; hidden_activation "relu" or "tanh"; dtype
    float32 or float64, by default X's if it is a float, else float64.

    Returns
    -------
    X, Y : ndarray
    dims : tuple of int
        layer_dims checked.
    lambd : float
    dtype : numpy.dtype
    """
    dims = _check_layer_dims(layer_dims)
    X = check_array(X, "X", ndim=2, finite=False)  # no scan: X may be a 5,000,000-column memmap
    check_n_features(X, dims[0], "layer_dims[0]")
    Y = _check_labels(Y, X, dims[-1])
    lambd = _check_lambd(lambd)
    _check_activation(hidden_activation)
    if dtype is None:
        dtype = X.dtype if X.dtype.kind == "f" else np.float64
    return X, Y, dims, lambd, _check_dtype(dtype)


def predict(X, params, hidden_activation="relu"):
    """Labels 0/1 of shape (1, m): 1 where y_hat > 0.5.

    y_hat = sigmoid(z) > 0.5 exactly when z > 0, so this thresholds Z[L] at 0 and no
    rounding of the sigmoid near 0.5 can flip a label.
    """
    X, _, _ = _prepare(X, None, params, None, hidden_activation)
    with np.errstate(over="ignore", invalid="ignore"):
        ZL, _ = forward_propagation(X, params, hidden_activation)
    return (ZL > 0).astype(np.int64)


def accuracy(X, Y, params, hidden_activation="relu"):
    """The fraction of examples (columns) whose predicted label equals Y, in [0, 1]."""
    X, Y, _ = _prepare(X, Y, params, None, hidden_activation, averages=True)
    return float(np.mean(predict(X, params, hidden_activation) == Y))


def gradient_check(X, Y, params, lambd=0.0, epsilon=1e-7, hidden_activation="relu"):
    """Compare backprop's gradients with central differences; return the relative error.

    For every parameter theta_i (all entries of all W[l], b[l]),

        g_approx_i = (J(theta_i + epsilon) - J(theta_i - epsilon)) / (2 epsilon),

    and the result is ``||g - g_approx|| / (||g|| + ||g_approx||)`` over all of them.
    About 1e-7 or below: backprop is right; 1e-3 or above: a bug.

    Runs in float64 on a copy of ``params`` (float32 has too few digits for
    epsilon = 1e-7) and evaluates J twice per parameter: for small networks only.
    ReLU has a kink at 0: if some Z[l] lies within epsilon of 0 the two sides of the
    difference see different slopes and the error is large without a bug; tanh has no
    kink.
    """
    epsilon = check_real(epsilon, "epsilon", min_val=0.0, closed="neither")
    _check_network_params(params)
    params = {key: np.array(value, dtype=np.float64) for key, value in params.items()}
    X, Y, lambd = _prepare(X, Y, params, lambd, hidden_activation, averages=True)

    def cost():
        ZL, _ = forward_propagation(X, params, hidden_activation)
        return compute_cost(ZL, Y, params, lambd)[0]

    with np.errstate(over="ignore", invalid="ignore"):
        _, grads = _cost_and_grads(X, Y, params, lambd, hidden_activation)
        g = np.concatenate([grads[key].ravel() for key in params])
        approx = np.empty_like(g)
        i = 0
        for key, theta in params.items():
            flat = theta.reshape(-1)          # a view: params[key] itself changes
            for j in range(flat.size):
                old = flat[j]
                flat[j] = old + epsilon
                J_plus = cost()
                flat[j] = old - epsilon
                J_minus = cost()
                flat[j] = old
                approx[i] = (J_plus - J_minus) / (2 * epsilon)
                i += 1
    if not (np.isfinite(g).all() and np.isfinite(approx).all()):
        raise ValueError(
            f"the cost or its gradient overflowed (with epsilon == {epsilon!r}, lambd == {lambd!r}): "
            "gradient_check needs a cost that stays finite near params; use smaller values"
        )
    # Both vectors divided by their largest entry first: the norms square the entries,
    # which would overflow for gradients above about 1e154 (the ratio is unchanged).
    scale = max(np.abs(g).max(initial=0.0), np.abs(approx).max(initial=0.0))
    if scale == 0.0:
        return 0.0
    g, approx = g / scale, approx / scale
    return float(np.linalg.norm(g - approx) / (np.linalg.norm(g) + np.linalg.norm(approx)))


# ---------------------------------------------------------------------------
# Argument checks (once per public call; a training loop checks once, then skips them)
# ---------------------------------------------------------------------------

_KEY = re.compile(r"([Wb])([1-9][0-9]*)\Z")


def _prepare(X, Y, params, lambd, hidden_activation, averages=False):
    """Checks shared by the public functions; returns arrays in the parameters' dtype.

    ``averages``: the caller averages over the examples, so it needs m >= 1.
    """
    L = _check_network_params(params)
    _check_activation(hidden_activation)
    dtype = params["W1"].dtype
    X = _check_X(X, params["W1"].shape[1], "params['W1'].shape[1] (n[0])")
    if averages and X.shape[1] == 0:
        raise ValueError(f"X has m = 0 examples (shape {X.shape}); a cost or an accuracy needs at least one")
    if Y is not None:
        Y = _check_labels(Y, X, params[f"W{L}"].shape[0]).astype(dtype, copy=False)
    if lambd is not None:
        lambd = _check_lambd(lambd)
    if X.dtype != dtype:
        with np.errstate(over="ignore"):  # checked just below, with a message that says what went wrong
            X = X.astype(dtype)
        if not np.isfinite(X).all():
            raise ValueError(
                f"X has values beyond the range of {dtype} (the dtype of params, largest "
                f"{np.finfo(dtype).max:.3g}); scale the data or use float64 parameters"
            )
    return X, Y, lambd


def _check_activation(hidden_activation):
    if not isinstance(hidden_activation, str) or hidden_activation not in HIDDEN_ACTIVATIONS:
        allowed = ", ".join(repr(a) for a in HIDDEN_ACTIVATIONS)
        raise ValueError(
            f"hidden_activation == {hidden_activation!r} is unknown; allowed: {allowed} "
            "(the output layer is always a sigmoid)"
        )
    return hidden_activation


def _check_layer_dims(layer_dims):
    try:
        dims = list(layer_dims)
    except TypeError:
        raise TypeError(f"layer_dims must be a list of layer sizes like [2, 5, 2, 1], got {layer_dims!r}") from None
    if len(dims) < 2:
        raise ValueError(
            f"layer_dims == {dims!r} needs at least 2 sizes: n[0] (inputs) and n[L] (outputs)"
        )
    return tuple(check_int(n, f"layer_dims[{i}]", min_val=1) for i, n in enumerate(dims))


def _check_dtype(dtype, name="dtype"):
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} == {dtype!r} is not a dtype; use np.float32 or np.float64") from None
    if dt not in (np.float32, np.float64):
        raise ValueError(f"{name} == {dt}, must be float32 or float64")
    return dt


@lru_cache(maxsize=64)
def _keys(L):
    """(("W1", "b1"), ..., ("WL", "bL")) for a network of L layers."""
    return tuple((f"W{l}", f"b{l}") for l in range(1, L + 1))


def _check_network_params(params, name="params"):
    """Check params holds exactly W1..WL, b1..bL with chained shapes; return L."""
    if not hasattr(params, "keys"):
        raise TypeError(f"{name} must be a dict of arrays {{'W1': ..., 'b1': ...}}, got {type(params).__name__}")
    bad = sorted((k for k in params if not (isinstance(k, str) and _KEY.match(k))), key=repr)
    if bad:
        raise ValueError(f"{name} has keys {bad} that are not of the form 'W1'..'WL', 'b1'..'bL'")
    L = sum(1 for k in params if k[0] == "W")
    expected = {k for pair in _keys(L) for k in pair}
    if L == 0 or set(params) != expected:
        missing = sorted(expected - set(params))
        extra = sorted(set(params) - expected)
        raise ValueError(
            f"{name} must hold W1..WL and b1..bL for one L; with L = {L} it misses {missing} "
            f"and has extra {extra}"
        )
    dtype = None
    for l, (kW, kb) in enumerate(_keys(L), start=1):
        W, b = params[kW], params[kb]
        for key, arr in ((kW, W), (kb, b)):
            if not isinstance(arr, np.ndarray) or arr.dtype.kind != "f":
                kind = f"array of {arr.dtype}" if isinstance(arr, np.ndarray) else type(arr).__name__
                raise TypeError(f"{name}[{key!r}] must be a float numpy array, got {kind}")
            if dtype is None:
                dtype = arr.dtype
            elif arr.dtype != dtype:
                raise TypeError(f"{name}[{key!r}] has dtype {arr.dtype} but {name}['W1'] has {dtype}; use one dtype")
        if W.ndim != 2:
            raise ValueError(f"{name}[{kW!r}] must be 2-D (n[{l}], n[{l - 1}]), got shape {W.shape}")
        if b.shape != (W.shape[0], 1):
            raise ValueError(f"{name}[{kb!r}] has shape {b.shape}, must be (n[{l}], 1) = {(W.shape[0], 1)}")
        if l > 1 and W.shape[1] != params[f"W{l - 1}"].shape[0]:
            raise ValueError(
                f"{name}[{kW!r}] has shape {W.shape}: it needs n[{l - 1}] = "
                f"{params[f'W{l - 1}'].shape[0]} columns (the rows of W{l - 1})"
            )
    return L


def _check_X(X, n0, name_n0):
    X = check_array(X, "X", ndim=2)
    check_n_features(X, n0, name_n0)
    return X


def _check_labels(Y, X, n_out):
    Y = check_labels_2d(Y, "1")
    check_same_m(X, Y)
    if Y.shape[0] != n_out:
        raise ValueError(f"Y has {Y.shape[0]} rows (shape {Y.shape}) but the output layer has n[L] = {n_out} units")
    ok = (Y == 0) | (Y == 1)
    if not ok.all():
        bad = np.flatnonzero(~ok.ravel())
        raise ValueError(
            f"Y holds {bad.size} label(s) other than 0 and 1, first {Y.ravel()[bad[0]].item()!r} at flat "
            "index {}; the sigmoid output needs binary labels 0 or 1".format(bad[0])
        )
    return Y


def _check_lambd(lambd):
    return check_real(lambd, "lambd", min_val=0.0)

"""Gradient descent, momentum, RMSProp and Adam, as the lecture writes them.

Parameters and gradients are dicts of arrays with the same keys ("W1", "b1", ...).
Each optimizer holds only its hyperparameters; everything that changes from step to
step lives in an explicit state value (``v``, ``s``, ``t``) that ``init`` creates and
``step`` carries forward, so a learner can print it, save it and restore it::

    opt = Adam(learning_rate=0.01)
    state = opt.init(params)                      # AdamState(v={...}, s={...}, t=0)
    params, state = opt.step(params, grads, state)

**``step`` updates in place.** Like ``torch.optim``, it overwrites the arrays of
``params`` and of ``state`` and returns the same objects: on 10 million parameters an
update that allocates new arrays is several times slower (``benchmarks/``). To keep a
trajectory, copy: ``copy_arrays(params)``.

``step`` refuses bad input before touching any array (ValueError or TypeError naming
it: a NaN in ``grads``, mismatched keys or shapes, an ``epsilon`` that rounds to 0 in
float32). An update whose arithmetic overflows (a learning rate far too large for the
gradients) raises ValueError afterwards, instead of numpy's warning and silent infinities.

Each update is one small kernel whose lines follow the slide's formulas; ``_inplace``
runs it over large arrays in cache-sized blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ._inplace import apply_blocked, sums_are_finite
from ._validation import as_array, check_finite_dict, check_int, check_matching_dicts, check_real

__all__ = [
    "GradientDescent",
    "Momentum",
    "RMSProp",
    "Adam",
    "GradientDescentState",
    "MomentumState",
    "RMSPropState",
    "AdamState",
    "copy_arrays",
    "StepOverflowError",
]


def _check_mapping(arrays, name):
    if not isinstance(arrays, Mapping):
        raise TypeError(f"{name} must be a dict of arrays like {{'W1': ..., 'b1': ...}}, got {type(arrays).__name__}")
    return arrays


def copy_arrays(arrays):
    """Return a dict with a copy of every array: ``step`` works in place, this keeps a snapshot."""
    return {key: np.array(value, copy=True) for key, value in _check_mapping(arrays, "arrays").items()}


# ---------------------------------------------------------------------------
# The kernels: one formula per line, in place (``tmp`` is a scratch buffer).
# ``apply_blocked`` runs them block by block on large arrays. Scalars such as
# 1 - beta are computed once per step in float64 by ``step`` and arrive as 0-d
# arrays (cheaper per ufunc call than Python floats, same values).
# ---------------------------------------------------------------------------

def _ewa_(avg, x, beta, one_minus_beta, tmp):
    """avg = beta avg + (1 - beta) x, in place: the exponentially weighted average step."""
    avg *= beta
    avg += np.multiply(x, one_minus_beta, out=tmp)


def _gradient_descent_kernel(W, dW, tmp, *, learning_rate):
    W -= np.multiply(dW, learning_rate, out=tmp)                      # W := W - alpha dW


def _momentum_kernel(W, dW, v, tmp, *, learning_rate, beta, one_minus_beta):
    _ewa_(v, dW, beta, one_minus_beta, tmp)                           # v = beta v + (1 - beta) dW
    W -= np.multiply(v, learning_rate, out=tmp)                       # W := W - alpha v


def _rmsprop_kernel(W, dW, s, tmp, *, learning_rate, beta, one_minus_beta, epsilon):
    _ewa_(s, np.square(dW, out=tmp), beta, one_minus_beta, tmp)       # s = beta s + (1 - beta) dW^2
    np.add(np.sqrt(s, out=tmp), epsilon, out=tmp)                     # sqrt(s) + epsilon
    W -= np.multiply(np.divide(dW, tmp, out=tmp), learning_rate, out=tmp)  # W := W - alpha dW / (sqrt(s) + epsilon)


def _adam_kernel(W, dW, v, s, tmp, *, beta1, one_minus_beta1, beta2, one_minus_beta2,
                 one_minus_beta2_t, epsilon, learning_rate_over_one_minus_beta1_t):
    _ewa_(v, dW, beta1, one_minus_beta1, tmp)                         # v = beta1 v + (1 - beta1) dW
    _ewa_(s, np.square(dW, out=tmp), beta2, one_minus_beta2, tmp)     # s = beta2 s + (1 - beta2) dW^2
    # sqrt(s_corrected) + epsilon, with s_corrected = s / (1 - beta2^t)
    np.add(np.sqrt(np.divide(s, one_minus_beta2_t, out=tmp), out=tmp), epsilon, out=tmp)
    # W := W - alpha v_corrected / (sqrt(s_corrected) + epsilon), with v_corrected = v / (1 - beta1^t)
    W -= np.multiply(np.divide(v, tmp, out=tmp), learning_rate_over_one_minus_beta1_t, out=tmp)


class StepOverflowError(ValueError):
    """An update overflowed: params or the state now hold inf or NaN (``step`` works in place)."""


# ---------------------------------------------------------------------------
# State values
# ---------------------------------------------------------------------------

@dataclass
class GradientDescentState:
    """Plain gradient descent remembers nothing but the step count ``t``."""

    t: int = 0


@dataclass
class MomentumState:
    """``v``: the exponentially weighted average of the gradients (the "velocity"); ``t`` steps taken."""

    v: dict = field(default_factory=dict)
    t: int = 0


@dataclass
class RMSPropState:
    """``s``: the exponentially weighted average of the squared gradients; ``t`` steps taken."""

    s: dict = field(default_factory=dict)
    t: int = 0


@dataclass
class AdamState:
    """``v`` (first moment, as momentum), ``s`` (second moment, as RMSProp), ``t`` steps taken."""

    v: dict = field(default_factory=dict)
    s: dict = field(default_factory=dict)
    t: int = 0


def _zeros_like(params):
    _check_mapping(params, "params")
    return {key: np.zeros_like(as_array(value, f"params[{key!r}]")) for key, value in params.items()}


#: Largest step count accepted: beta ** t needs t as a float (2^63 is far beyond any run).
_MAX_T = 2**63 - 1


@lru_cache(maxsize=64)
def _check_constants_fit(learning_rate, epsilon, dtype, what="learning_rate"):
    """Refuse hyperparameters that the params' dtype cannot hold (float32 ends near 3.4e38).

    A learning rate that overflows to inf makes even a zero gradient a NaN step (and
    inf times a gradient raises no floating-point error to catch afterwards), and an
    epsilon that rounds to 0 lets sqrt(s) + epsilon be 0. ``what`` names the learning
    rate as the kernel uses it (Adam's is divided by 1 - beta1^t).
    """
    dtype = np.result_type(dtype, np.float32)  # the dtype the kernels compute in
    info = np.finfo(dtype)
    for name, value in ((what, learning_rate), ("epsilon", epsilon)):
        if value is not None and not value <= float(info.max):  # inf included
            raise ValueError(f"{name} == {value!r} does not fit in {dtype}, the dtype of params "
                             f"(largest {float(info.max):.4g})")
    if epsilon is not None and dtype.type(epsilon) == 0:
        raise ValueError(
            f"epsilon == {epsilon!r} rounds to 0 in {dtype}, the dtype of params, so sqrt(s) + epsilon "
            f"could be 0; use epsilon >= {float(info.smallest_subnormal)!r}"
        )


def _check_params(params, name="params"):
    _check_mapping(params, name)
    for key, value in params.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            kind = type(value).__name__ if not isinstance(value, np.ndarray) else f"array of {value.dtype}"
            raise TypeError(
                f"{name}[{key!r}] must be a float numpy array (it is updated in place), got {kind}"
            )
        if not value.flags.writeable:
            raise ValueError(
                f"{name}[{key!r}] is read-only and is updated in place; pass a writeable copy, np.array(...)"
            )


# ---------------------------------------------------------------------------
# The optimizers
# ---------------------------------------------------------------------------

class _Optimizer:
    """Shared plumbing: hyperparameter checks, argument checks, one kernel per array."""

    _hyper: tuple = ()
    _state_arrays: tuple = ()
    _state_class: type = object

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate

    @property
    def learning_rate(self):
        """alpha. May change between steps (learning-rate decay); must be > 0 and finite."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = check_real(value, "learning_rate", min_val=0.0, closed="neither")

    def __repr__(self):
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in ("learning_rate", *self._hyper))
        return f"{type(self).__name__}({args})"

    def _checked(self, params, grads, state):
        state_class = self._state_class
        if not isinstance(state, state_class):
            raise TypeError(
                f"state must be the {state_class.__name__} made by {type(self).__name__}.init(params), "
                f"got {type(state).__name__}"
            )
        check_matching_dicts(params, grads)
        _check_params(params)
        # t counts the steps taken; Adam divides by 1 - beta^(t + 1), which is 0 if t = -1.
        check_int(state.t, "state.t", min_val=0, max_val=_MAX_T)
        grads = {key: as_array(value, f"grads[{key!r}]") for key, value in grads.items()}
        for key, value in grads.items():  # checked before any array is touched, like NaN below
            if value.dtype.kind not in "fiu":
                raise TypeError(f"grads[{key!r}] must hold real numbers, got an array of dtype {value.dtype}")
        if not sums_are_finite(grads.values()):  # one read of each gradient, large ones on both cores
            check_finite_dict(grads, "grads")  # finds the NaN or inf, names it and refuses the step
        for name in self._state_arrays:
            arrays = getattr(state, name)
            try:
                check_matching_dicts(params, arrays, "params", f"state.{name}")
            except ValueError as err:
                raise ValueError(f"{err} (was the state made by init() for these params?)") from None
            _check_params(arrays, f"state.{name}")
        for dtype in {W.dtype for W in params.values()}:
            _check_constants_fit(self.learning_rate, getattr(self, "epsilon", None), dtype)
        return grads

    @contextmanager
    def _refusing_overflow(self, params, state):
        """Raise StepOverflowError after an update whose arithmetic overflowed (numpy would only warn).

        numpy reports floating-point errors to the ``call`` handler at no cost while
        there are none, so a normal step pays nothing for this check.
        """
        errors = []
        with np.errstate(over="call", invalid="call", divide="call", call=lambda kind, flag: errors.append(kind)):
            yield
        if errors:
            arrays = {f"params[{key!r}]": W for key, W in params.items()}
            for name in self._state_arrays:
                arrays.update({f"state.{name}[{key!r}]": a for key, a in getattr(state, name).items()})
            bad = [name for name, a in arrays.items() if not np.isfinite(a).all()]
            raise StepOverflowError(
                f"the update hit a floating-point {errors[0]} and left inf or NaN in {', '.join(bad) or 'a result'}: "
                f"learning_rate == {self.learning_rate!r} or the gradients are far too large (or params already "
                "held inf). The step worked in place; restore copies made with copy_arrays()"
            )


class GradientDescent(_Optimizer):
    """Plain (mini-batch) gradient descent.

    Parameters
    ----------
    learning_rate : float
        alpha, > 0.

    Notes
    -----
    For each parameter W with gradient dW:

    .. math:: W := W - \\alpha \\, dW
    """

    _state_class = GradientDescentState

    def init(self, params):
        """Return the initial state: ``GradientDescentState(t=0)``."""
        _check_mapping(params, "params")
        return GradientDescentState(t=0)

    def step(self, params, grads, state):
        """One update of every array in ``params``, in place. Returns ``(params, state)``."""
        grads = self._checked(params, grads, state)
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                apply_blocked(_gradient_descent_kernel, (W, grads[key]), learning_rate=self.learning_rate)
        state.t += 1
        return params, state


class Momentum(_Optimizer):
    """Gradient descent with momentum, as in the lecture.

    Parameters
    ----------
    learning_rate : float
        alpha, > 0.
    beta : float, default 0.9
        How much of the old velocity is kept, in [0, 1); averages the gradients over
        about 1 / (1 - beta) steps. beta = 0 is plain gradient descent.

    Notes
    -----
    .. math::

        v_{dW} = \\beta v_{dW} + (1 - \\beta) dW, \\qquad W := W - \\alpha v_{dW}

    with :math:`v_{dW}` starting at 0 and no bias correction (after about
    1 / (1 - beta) steps the average has warmed up).

    PyTorch's ``SGD(momentum=beta)`` drops the (1 - beta): ``v = beta v + dW``,
    ``W -= lr v``. Its v is ours divided by (1 - beta), so ``lr = alpha (1 - beta)``
    gives exactly the same iterates.
    """

    _state_class = MomentumState

    _hyper = ("beta",)
    _state_arrays = ("v",)

    def __init__(self, learning_rate, beta=0.9):
        super().__init__(learning_rate)
        self.beta = check_real(beta, "beta", min_val=0.0, max_val=1.0, closed="left")

    def init(self, params):
        """Return ``MomentumState(v=zeros like params, t=0)``."""
        return MomentumState(v=_zeros_like(params), t=0)

    def step(self, params, grads, state):
        """One update of every array in ``params`` and ``state.v``, in place. Returns ``(params, state)``."""
        grads = self._checked(params, grads, state)
        constants = dict(learning_rate=self.learning_rate, beta=self.beta, one_minus_beta=1.0 - self.beta)
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                apply_blocked(_momentum_kernel, (W, grads[key], state.v[key]), **constants)
        state.t += 1
        return params, state


class RMSProp(_Optimizer):
    """RMSProp (root mean square propagation), as in the lecture.

    Parameters
    ----------
    learning_rate : float
        alpha, > 0.
    beta : float, default 0.9
        Decay of the average of squared gradients, in [0, 1).
    epsilon : float, default 1e-8
        Added to the denominator so it is never zero; > 0.

    Notes
    -----
    .. math::

        S_{dW} = \\beta S_{dW} + (1 - \\beta) dW^2, \\qquad
        W := W - \\alpha \\frac{dW}{\\sqrt{S_{dW}} + \\epsilon}

    element-wise, with :math:`S_{dW}` starting at 0 and no bias correction. Epsilon sits
    outside the square root, as in PyTorch; PyTorch's ``RMSprop`` calls beta ``alpha``
    (default 0.99) and its learning rate ``lr``.
    """

    _state_class = RMSPropState

    _hyper = ("beta", "epsilon")
    _state_arrays = ("s",)

    def __init__(self, learning_rate, beta=0.9, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta = check_real(beta, "beta", min_val=0.0, max_val=1.0, closed="left")
        self.epsilon = check_real(epsilon, "epsilon", min_val=0.0, closed="neither")

    def init(self, params):
        """Return ``RMSPropState(s=zeros like params, t=0)``."""
        return RMSPropState(s=_zeros_like(params), t=0)

    def step(self, params, grads, state):
        """One update of every array in ``params`` and ``state.s``, in place. Returns ``(params, state)``."""
        grads = self._checked(params, grads, state)
        constants = dict(
            learning_rate=self.learning_rate, beta=self.beta, one_minus_beta=1.0 - self.beta, epsilon=self.epsilon,
        )
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                apply_blocked(_rmsprop_kernel, (W, grads[key], state.s[key]), **constants)
        state.t += 1
        return params, state


class Adam(_Optimizer):
    """Adam (adaptive moment estimation): momentum plus RMSProp plus bias correction.

    Parameters
    ----------
    learning_rate : float
        alpha, > 0; the one hyperparameter that needs tuning.
    beta1 : float, default 0.9
        Decay of the first moment (the average of dW), in [0, 1).
    beta2 : float, default 0.999
        Decay of the second moment (the average of dW^2), in [0, 1).
    epsilon : float, default 1e-8
        Keeps the denominator away from zero; > 0.

    Notes
    -----
    On step t (counted from 1):

    .. math::

        v_{dW} &= \\beta_1 v_{dW} + (1 - \\beta_1) dW, \\qquad
        S_{dW} = \\beta_2 S_{dW} + (1 - \\beta_2) dW^2 \\\\
        v^{corrected} &= \\frac{v_{dW}}{1 - \\beta_1^t}, \\qquad
        S^{corrected} = \\frac{S_{dW}}{1 - \\beta_2^t} \\\\
        W &:= W - \\alpha \\frac{v^{corrected}}{\\sqrt{S^{corrected}} + \\epsilon}

    Epsilon sits outside the square root, as in Kingma & Ba (2015) and PyTorch; some
    texts write :math:`\\sqrt{S^{corrected} + \\epsilon}` instead, which only matters
    when S is tiny (notebook 06 measures it).
    """

    _state_class = AdamState

    _hyper = ("beta1", "beta2", "epsilon")
    _state_arrays = ("v", "s")

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
        super().__init__(learning_rate)
        self.beta1 = check_real(beta1, "beta1", min_val=0.0, max_val=1.0, closed="left")
        self.beta2 = check_real(beta2, "beta2", min_val=0.0, max_val=1.0, closed="left")
        self.epsilon = check_real(epsilon, "epsilon", min_val=0.0, closed="neither")

    def init(self, params):
        """Return ``AdamState(v=zeros, s=zeros, t=0)``, v and s shaped like params."""
        return AdamState(v=_zeros_like(params), s=_zeros_like(params), t=0)

    def step(self, params, grads, state):
        """One update of ``params``, ``state.v`` and ``state.s``, in place; ``t`` goes up by one first."""
        grads = self._checked(params, grads, state)
        t = state.t + 1
        learning_rate_t = self.learning_rate / (1.0 - self.beta1**t)  # the step size alpha / (1 - beta1^t)
        for dtype in {W.dtype for W in params.values()}:
            _check_constants_fit(learning_rate_t, None, dtype, f"learning_rate / (1 - beta1^t) at t = {t}")
        constants = dict(
            beta1=self.beta1, one_minus_beta1=1.0 - self.beta1,
            beta2=self.beta2, one_minus_beta2=1.0 - self.beta2, one_minus_beta2_t=1.0 - self.beta2**t,
            epsilon=self.epsilon, learning_rate_over_one_minus_beta1_t=learning_rate_t,
        )
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                apply_blocked(_adam_kernel, (W, grads[key], state.v[key], state.s[key]), **constants)
        state.t = t
        return params, state

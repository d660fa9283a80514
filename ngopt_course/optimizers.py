"""Gradient descent, momentum, RMSProp and Adam, as the lecture writes them.

First the four updates as plain functions of one array (new arrays out, inputs left
alone), line for line the slides' formulas. Then the optimizers' states, then the
optimizers, which apply the updates to every array of a network's ``params`` dict with
an explicit state (``init``, ``step``). Their argument checks and the overflow guard
come last. Large arrays take the fast path (``_fast/updates.py``): the same arithmetic,
in place.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ._fast.blocks import sums_are_finite
from ._fast.updates import SmallSteps, adam_, applies, gradient_descent_, momentum_, rmsprop_
from ._validation import as_array, check_finite_dict, check_int, check_matching_dicts, check_real

__all__ = [
    "gradient_descent_update", "momentum_update", "rmsprop_update", "adam_update",
    "GradientDescent", "Momentum", "RMSProp", "Adam",
    "GradientDescentState", "MomentumState", "RMSPropState", "AdamState",
    "copy_arrays", "StepOverflowError",
]


def gradient_descent_update(W, dW, learning_rate):
    """One step of gradient descent on one parameter array.

    .. math:: W := W - \\alpha \\, dW

    Parameters
    ----------
    W, dW : ndarray
        A parameter (e.g. W1 or b1) and its gradient dJ/dW, of one shape.
    learning_rate : float
        alpha, > 0.

    Returns
    -------
    W : ndarray
        The new parameter, a new array (the inputs are not changed).
    """
    W = W - learning_rate * dW
    return W


def momentum_update(W, dW, v, beta, learning_rate):
    """One step of gradient descent with momentum, as the lecture writes it.

    .. math:: v_{dW} = \\beta v_{dW} + (1 - \\beta) dW, \\qquad W := W - \\alpha v_{dW}

    Parameters
    ----------
    W, dW : ndarray
        A parameter and its gradient, of one shape.
    v : ndarray
        The velocity: the exponentially weighted average of past gradients; zeros at first.
    beta : float
        In [0, 1), e.g. 0.9: v averages about the last 1 / (1 - beta) gradients.
    learning_rate : float
        alpha, > 0.

    Returns
    -------
    W, v : ndarray
        New arrays; the inputs are not changed.

    Notes
    -----
    No bias correction, as in the lecture: after about 1 / (1 - beta) steps v has warmed
    up. PyTorch's ``SGD(momentum=beta)`` drops the (1 - beta) (``v = beta v + dW``); its
    v is ours divided by (1 - beta), so ``lr = alpha (1 - beta)`` gives the same steps.
    """
    v = beta * v + (1 - beta) * dW
    W = W - learning_rate * v
    return W, v


def rmsprop_update(W, dW, s, beta, learning_rate, epsilon, *, eps_root=0.0):
    """One step of RMSProp (root mean square prop) on one parameter array.

    .. math::

        S_{dW} = \\beta S_{dW} + (1 - \\beta) dW^2, \\qquad
        W := W - \\alpha \\frac{dW}{\\sqrt{S_{dW} + \\epsilon_{root}} + \\epsilon}

    Parameters
    ----------
    W, dW : ndarray
        A parameter and its gradient, of one shape.
    s : ndarray
        The exponentially weighted average of the squared gradients (element-wise); zeros at first.
    beta : float
        In [0, 1).
    learning_rate : float
        alpha, > 0.
    epsilon : float
        Added outside the square root, so the denominator is never zero (1e-8 is usual).
    eps_root : float, keyword-only, default 0.0
        Added inside the square root (as in optax).

    Returns
    -------
    W, s : ndarray
        New arrays; the inputs are not changed.

    Notes
    -----
    The RMSProp slide has no epsilon; the lecture adds it when it comes to Adam. The
    course puts it outside the square root, as PyTorch's ``RMSprop`` does (which calls
    beta ``alpha``, default 0.99). No bias correction.
    """
    s = beta * s + (1 - beta) * dW**2
    W = W - learning_rate * (dW / (np.sqrt(s + eps_root) + epsilon))
    return W, s


def adam_update(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon, *, eps_root=0.0):
    """One step of Adam (adaptive moment estimation) on one parameter array.

    .. math::

        v_{dW} = \\beta_1 v_{dW} + (1 - \\beta_1) dW, \\qquad
        S_{dW} = \\beta_2 S_{dW} + (1 - \\beta_2) dW^2, \\\\
        v^{corrected} = \\frac{v_{dW}}{1 - \\beta_1^t}, \\qquad
        S^{corrected} = \\frac{S_{dW}}{1 - \\beta_2^t}, \\\\
        W := W - \\alpha \\frac{v^{corrected}}{\\sqrt{S^{corrected} + \\epsilon_{root}} + \\epsilon}

    Parameters
    ----------
    W, dW : ndarray
        A parameter and its gradient, of one shape.
    v, s : ndarray
        The averages of the gradients (first moment, as momentum) and of their squares
        (second moment, as RMSProp), without bias correction; zeros at first.
    t : int
        This step's number, counted from 1 (the bias correction divides by 1 - beta^t).
    learning_rate : float
        alpha, > 0.
    beta1, beta2 : float
        In [0, 1); usually 0.9 and 0.999.
    epsilon : float
        Added outside the square root (1e-8 is usual).
    eps_root : float, keyword-only, default 0.0
        Added inside the square root: ``epsilon=0, eps_root=1e-8`` is the slide's formula.

    Returns
    -------
    W, v, s : ndarray
        New arrays. v and s are the raw averages, NOT bias-corrected: the correction is
        recomputed from them at every step, so they are what the next step needs.

    Notes
    -----
    Where epsilon goes: the lecture's slide writes sqrt(S_corrected + epsilon), inside the
    root; Kingma & Ba (2015) and PyTorch write sqrt(S_corrected) + epsilon, outside. The
    course follows the paper (``epsilon``); ``eps_root`` gives the slide's form (as optax
    does). They differ only where S is tiny: the slide's form moves at most
    alpha v / sqrt(eps_root) there, the paper's alpha v / epsilon.
    """
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW**2
    v_corrected = v / (1 - beta1**t)
    s_corrected = s / (1 - beta2**t)
    W = W - learning_rate * v_corrected / (np.sqrt(s_corrected + eps_root) + epsilon)
    return W, v, s


# ---------------------------------------------------------------------------
# The optimizers' states: what each remembers between steps, a value you can print
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


class StepOverflowError(ValueError):
    """An update overflowed: params or the state now hold inf or NaN (``step`` works in place)."""


def copy_arrays(arrays):
    """Return a dict with a copy of every array: ``step`` works in place, this keeps a snapshot."""
    return {key: np.array(value, copy=True) for key, value in _check_mapping(arrays, "arrays").items()}


# ---------------------------------------------------------------------------
# The optimizers: the updates above over a dict of arrays, with explicit state
# ---------------------------------------------------------------------------
#
#     opt = Adam(learning_rate=0.01)
#     state = opt.init(params)                      # AdamState(v={...}, s={...}, t=0)
#     params, state = opt.step(params, grads, state)
#
# ``step`` updates in place: like ``torch.optim``, it overwrites the arrays of ``params``
# and of ``state`` and returns the same objects (on 10 million parameters an update that
# allocates new arrays is several times slower: benchmarks/). To keep a trajectory, copy:
# ``copy_arrays(params)``. It refuses bad input before touching any array (a NaN in
# ``grads``, mismatched keys or shapes, an epsilon that rounds to 0 in float32), and an
# update whose arithmetic overflows raises StepOverflowError instead of leaving silent
# infinities behind numpy's warning.

class _Optimizer:
    """What the four optimizers share: the learning rate, the argument checks, overflow detection."""

    _hyper: tuple = ()
    _state_arrays: tuple = ()
    _state_class: type = object

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
        self._known = None  # a _Known: the params and state last checked whole (see _checked)

    @property
    def learning_rate(self):
        """alpha. May change between steps (learning-rate decay); must be > 0 and finite."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value):
        self._learning_rate = check_real(value, "learning_rate", min_val=0.0, closed="neither")

    def __repr__(self):
        hyper = [name for name in self._hyper if name != "eps_root" or self.eps_root]  # as before eps_root
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in ("learning_rate", *hyper))
        return f"{type(self).__name__}({args})"

    def _checked(self, params, grads, state, finite=True):
        """Check ``step``'s arguments before any array changes; return grads as arrays.

        What stays the same from step to step (the keys, arrays, shapes and dtypes of
        params and of the state) is checked whole the first time this optimizer sees
        them, and again whenever params or the state holds other arrays. What each step
        brings (grads, state.t, the learning rate) is checked every time; ``finite=False``
        leaves the NaN check of grads to the caller (gradient descent's small steps).
        """
        known = self._known
        if known is None or not known.describes(params, state, self._state_arrays):
            self._known = None
            _check_structure(self, params, state)
            self._known = known = _Known.of(params, state, self._state_arrays)
        grads = _checked_grads(params, grads, finite)
        t = state.t
        if type(t) is not int or not 0 <= t <= _MAX_T:  # Adam divides by 1 - beta^(t + 1): 0 if t = -1
            check_int(t, "state.t", min_val=0, max_val=_MAX_T)
        if self.learning_rate != known.learning_rate_that_fits:  # it may change between steps (decay)
            for dtype in known.dtypes:
                _check_constants_fit(self.learning_rate, getattr(self, "epsilon", None),
                                     getattr(self, "eps_root", 0.0), dtype)
            known.learning_rate_that_fits = self.learning_rate
        return grads

    def _refusing_overflow(self, params, state):
        return _RefusingOverflow(self, params, state)


class GradientDescent(_Optimizer):
    """Plain (mini-batch) gradient descent: ``W := W - alpha dW`` (:func:`gradient_descent_update`).

    Parameters
    ----------
    learning_rate : float
        alpha, > 0.
    """

    _state_class = GradientDescentState

    def init(self, params):
        """Return the initial state: ``GradientDescentState(t=0)``."""
        _check_mapping(params, "params")
        return GradientDescentState(t=0)

    def step(self, params, grads, state):
        """One update of every array in ``params``, in place. Returns ``(params, state)``."""
        if self._small_network_step(params, grads, state):  # the same update, fewer numpy calls
            state.t += 1
            return params, state
        grads = self._checked(params, grads, state)
        learning_rate = self.learning_rate
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                dW = grads[key]
                if applies(W, dW):
                    gradient_descent_(W, dW, learning_rate)  # the same arithmetic, in place
                else:
                    W[...] = gradient_descent_update(W, dW, learning_rate)
        state.t += 1
        return params, state

    def _small_network_step(self, params, grads, state):
        """The update of a small network whose params and state an earlier step checked whole.

        There each numpy call costs far more than its arithmetic: the gradients' NaN
        check and the copy back of each new W doubled the step. Here the gradients' keys,
        types, shapes and dtypes are checked as alpha dW goes into one buffer, one read
        of it finds a NaN, an inf or an overflow (``SmallSteps``), and W is updated in
        place. False, with nothing changed: take the general path, whose checks say what
        is wrong (or the network is not small, or the structure is new).
        """
        known = self._known
        if (known is None or known.small_steps is None or self.learning_rate != known.learning_rate_that_fits
                or type(state.t) is not int or not 0 <= state.t <= _MAX_T
                or not known.describes(params, state, ())):
            return False
        errors = []
        with np.errstate(over="call", invalid="call", divide="call", call=lambda kind, flag: errors.append(kind)):
            steps = known.small_steps.fill(self.learning_rate, grads)  # alpha dW, by key
            if steps is None:
                return False
            if not known.small_steps.all_finite():
                check_finite_dict(grads, "grads")  # refuses a NaN or inf and names it; else an overflow
            for key, W in params.items():
                np.subtract(W, steps[key], W)  # W - learning_rate * dW: the same arithmetic, in place
        if errors:
            raise _overflow_error(self, params, state, errors[0])
        return True


class Momentum(_Optimizer):
    """Gradient descent with momentum (:func:`momentum_update`), as in the lecture.

    Parameters
    ----------
    learning_rate : float
        alpha, > 0.
    beta : float, default 0.9
        How much of the old velocity is kept, in [0, 1); averages the gradients over
        about 1 / (1 - beta) steps. beta = 0 is plain gradient descent.

    Notes
    -----
    v = beta v + (1 - beta) dW, W := W - alpha v, with v starting at 0 and no bias
    correction. PyTorch's ``SGD(momentum=beta)`` with ``lr = alpha (1 - beta)`` gives
    exactly the same iterates.
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
        learning_rate, beta = self.learning_rate, self.beta
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                dW, v = grads[key], state.v[key]
                if applies(W, dW, v):
                    momentum_(W, dW, v, beta, learning_rate)  # the same arithmetic, in place
                else:
                    W[...], v[...] = momentum_update(W, dW, v, beta, learning_rate)
        state.t += 1
        return params, state


class RMSProp(_Optimizer):
    """RMSProp (root mean square propagation, :func:`rmsprop_update`), as in the lecture.

    Parameters
    ----------
    learning_rate : float
        alpha, > 0.
    beta : float, default 0.9
        Decay of the average of squared gradients, in [0, 1).
    epsilon : float, default 1e-8
        Added to the denominator outside the square root, as in PyTorch; > 0 (or >= 0
        when ``eps_root`` > 0).
    eps_root : float, default 0.0
        Added inside the square root (optax's ``eps_root``); >= 0.

    Notes
    -----
    s = beta s + (1 - beta) dW^2, W := W - alpha dW / (sqrt(s + eps_root) + epsilon),
    element-wise, with s starting at 0 and no bias correction. The slide has no epsilon.
    PyTorch's ``RMSprop`` calls beta ``alpha`` (default 0.99) and its learning rate ``lr``.
    """

    _state_class = RMSPropState
    _hyper = ("beta", "epsilon", "eps_root")
    _state_arrays = ("s",)

    def __init__(self, learning_rate, beta=0.9, epsilon=1e-8, eps_root=0.0):
        super().__init__(learning_rate)
        self.beta = check_real(beta, "beta", min_val=0.0, max_val=1.0, closed="left")
        self.epsilon, self.eps_root = _check_epsilons(epsilon, eps_root)

    def init(self, params):
        """Return ``RMSPropState(s=zeros like params, t=0)``."""
        return RMSPropState(s=_zeros_like(params), t=0)

    def step(self, params, grads, state):
        """One update of every array in ``params`` and ``state.s``, in place. Returns ``(params, state)``."""
        grads = self._checked(params, grads, state)
        learning_rate, beta, epsilon, eps_root = self.learning_rate, self.beta, self.epsilon, self.eps_root
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                dW, s = grads[key], state.s[key]
                if applies(W, dW, s):
                    rmsprop_(W, dW, s, beta, learning_rate, epsilon, eps_root)  # the same arithmetic, in place
                else:
                    W[...], s[...] = rmsprop_update(W, dW, s, beta, learning_rate, epsilon, eps_root=eps_root)
        state.t += 1
        return params, state


class Adam(_Optimizer):
    """Adam (adaptive moment estimation, :func:`adam_update`): momentum plus RMSProp plus bias correction.

    Parameters
    ----------
    learning_rate : float
        alpha, > 0; the one hyperparameter that needs tuning.
    beta1 : float, default 0.9
        Decay of the first moment (the average of dW), in [0, 1).
    beta2 : float, default 0.999
        Decay of the second moment (the average of dW^2), in [0, 1).
    epsilon : float, default 1e-8
        Added outside the square root, as in Kingma & Ba (2015) and PyTorch; > 0 (or
        >= 0 when ``eps_root`` > 0).
    eps_root : float, default 0.0
        Added inside the square root, as the lecture's slide writes epsilon (optax's
        ``eps_root``); >= 0. ``Adam(alpha, epsilon=0.0, eps_root=1e-8)`` is the slide's Adam.

    Notes
    -----
    On step t (counted from 1; ``state.t`` counts the steps taken, so step uses
    ``state.t + 1``): v and s as momentum and RMSProp, v / (1 - beta1^t) and
    s / (1 - beta2^t) bias-corrected, W := W - alpha v_corr / (sqrt(s_corr + eps_root) + epsilon).
    The state keeps the raw v and s.
    """

    _state_class = AdamState
    _hyper = ("beta1", "beta2", "epsilon", "eps_root")
    _state_arrays = ("v", "s")

    def __init__(self, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8, eps_root=0.0):
        super().__init__(learning_rate)
        self.beta1 = check_real(beta1, "beta1", min_val=0.0, max_val=1.0, closed="left")
        self.beta2 = check_real(beta2, "beta2", min_val=0.0, max_val=1.0, closed="left")
        self.epsilon, self.eps_root = _check_epsilons(epsilon, eps_root)

    def init(self, params):
        """Return ``AdamState(v=zeros, s=zeros, t=0)``, v and s shaped like params."""
        return AdamState(v=_zeros_like(params), s=_zeros_like(params), t=0)

    def step(self, params, grads, state):
        """One update of ``params``, ``state.v`` and ``state.s``, in place; ``t`` goes up by one first."""
        grads = self._checked(params, grads, state)
        t = state.t + 1
        learning_rate, beta1, beta2 = self.learning_rate, self.beta1, self.beta2
        epsilon, eps_root = self.epsilon, self.eps_root
        _check_step_size_fits(learning_rate / (1.0 - beta1**t), t, self._known.dtypes)
        with self._refusing_overflow(params, state):
            for key, W in params.items():
                dW, v, s = grads[key], state.v[key], state.s[key]
                if applies(W, dW, v, s):
                    adam_(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon, eps_root)  # in place
                else:
                    W[...], v[...], s[...] = adam_update(W, dW, v, s, t, learning_rate, beta1, beta2,
                                                         epsilon, eps_root=eps_root)
        state.t = t
        return params, state


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

#: Largest step count accepted: beta ** t needs t as a float (2^63 is far beyond any run).
_MAX_T = 2**63 - 1


@dataclass(eq=False)
class _Known:
    """The params and state an optimizer last checked whole, and what follows from them.

    ``step`` checks what stays the same between steps once, and again only when
    ``describes`` finds params or the state holding other arrays. Weak references: the
    optimizer must not keep a finished run's arrays alive.
    """

    state: weakref.ref
    params_id: int        # a dict cannot be weakly referenced; keys and arrays guard a reused id
    keys: tuple
    arrays: list          # weak references to the arrays of params, then of the state
    dtypes: frozenset     # of params: the hyperparameters must fit them
    small_steps: SmallSteps | None  # gradient descent on a small network (see SmallSteps)
    learning_rate_that_fits: float | None = None  # the last learning rate checked against dtypes

    @classmethod
    def of(cls, params, state, state_arrays):
        return cls(weakref.ref(state), id(params), tuple(params),
                   [weakref.ref(a) for a in _arrays(params, state, state_arrays)],
                   frozenset(W.dtype for W in params.values()), SmallSteps.for_params(params))

    def describes(self, params, state, state_arrays):
        """True if params and state hold the arrays checked, all still writeable."""
        if self.state() is not state or self.params_id != id(params):
            return False
        if not (type(params) is dict or isinstance(params, Mapping)) or tuple(params) != self.keys:
            return False  # (an id can be reused by a new object once the old one is freed)
        try:
            arrays = _arrays(params, state, state_arrays) if state_arrays else params.values()
        except AttributeError:  # a state dict replaced by something else: the full check says what
            return False
        if len(arrays) != len(self.arrays):
            return False
        for ref, a in zip(self.arrays, arrays):  # the same arrays, still writeable (a flag that can change)
            if ref() is not a or not a.flags.writeable:
                return False
        return True


def _arrays(params, state, state_arrays):
    arrays = list(params.values())
    for name in state_arrays:
        arrays += getattr(state, name).values()
    return arrays


def _check_mapping(arrays, name):
    if not isinstance(arrays, Mapping):
        raise TypeError(f"{name} must be a dict of arrays like {{'W1': ..., 'b1': ...}}, got {type(arrays).__name__}")
    return arrays


def _zeros_like(params):
    _check_mapping(params, "params")
    return {key: np.zeros_like(as_array(value, f"params[{key!r}]")) for key, value in params.items()}


def _check_epsilons(epsilon, eps_root):
    """epsilon > 0 (>= 0 when eps_root > 0), eps_root >= 0: the denominator must stay > 0."""
    eps_root = check_real(eps_root, "eps_root", min_val=0.0)
    epsilon = check_real(epsilon, "epsilon", min_val=0.0, closed="left" if eps_root > 0 else "neither")
    return epsilon, eps_root


def _check_float_arrays(arrays, name):
    """Every value a writeable float numpy array: ``step`` overwrites them."""
    _check_mapping(arrays, name)
    for key, value in arrays.items():
        if not isinstance(value, np.ndarray) or value.dtype.kind != "f":
            kind = type(value).__name__ if not isinstance(value, np.ndarray) else f"array of {value.dtype}"
            raise TypeError(
                f"{name}[{key!r}] must be a float numpy array (it is updated in place), got {kind}"
            )
        if not value.flags.writeable:
            raise ValueError(
                f"{name}[{key!r}] is read-only and is updated in place; pass a writeable copy, np.array(...)"
            )


def _check_structure(optimizer, params, state):
    """The checks of what stays the same between steps: the state's class, params, the state's arrays."""
    state_class = optimizer._state_class
    if not isinstance(state, state_class):
        raise TypeError(
            f"state must be the {state_class.__name__} made by {type(optimizer).__name__}.init(params), "
            f"got {type(state).__name__}"
        )
    _check_float_arrays(params, "params")
    for name in optimizer._state_arrays:
        arrays = getattr(state, name)
        try:
            check_matching_dicts(params, arrays, "params", f"state.{name}")
        except ValueError as err:
            raise ValueError(f"{err} (was the state made by init() for these params?)") from None
        _check_float_arrays(arrays, f"state.{name}")


def _checked_grads(params, grads, finite=True):
    """grads as arrays, same keys and shapes as params, real and (if ``finite``) finite; integers as params' dtype."""
    if not (type(grads) is dict or isinstance(grads, Mapping)) or grads.keys() != params.keys():
        check_matching_dicts(params, grads)  # raises, saying what differs
    out = {}
    for key, W in params.items():
        dW = grads[key]
        if type(dW) is not np.ndarray:
            dW = as_array(dW, f"grads[{key!r}]")
        if dW.shape != W.shape:
            raise ValueError(f"grads[{key!r}] has shape {dW.shape} but params[{key!r}] has shape {W.shape}")
        if dW.dtype.kind != "f":
            if dW.dtype.kind not in "iu":
                raise TypeError(f"grads[{key!r}] must hold real numbers, got an array of dtype {dW.dtype}")
            dW = dW.astype(W.dtype)  # so dW**2 is a float square, not an integer one that can wrap
        out[key] = dW
    if finite:
        _check_finite(out)
    return out


def _check_finite(grads):
    if not sums_are_finite(grads.values()):  # one read of each gradient
        check_finite_dict(grads, "grads")  # finds the NaN or inf, names it and refuses the step


@lru_cache(maxsize=64)
def _check_constants_fit(learning_rate, epsilon, eps_root, dtype, what="learning_rate"):
    """Refuse hyperparameters that the params' dtype cannot hold (float32 ends near 3.4e38).

    A learning rate that overflows to inf makes even a zero gradient a NaN step (and
    inf times a gradient raises no floating-point error to catch afterwards), and an
    epsilon that rounds to 0 lets sqrt(s) + epsilon be 0. ``what`` names the learning
    rate as checked (Adam's step size alpha / (1 - beta1^t)).
    """
    dtype = np.result_type(dtype, np.float32)  # the dtype the updates compute in
    info = np.finfo(dtype)
    for name, value in ((what, learning_rate), ("epsilon", epsilon), ("eps_root", eps_root)):
        if value is not None and not value <= float(info.max):  # inf included
            raise ValueError(f"{name} == {value!r} does not fit in {dtype}, the dtype of params "
                             f"(largest {float(info.max):.4g})")
    if epsilon is not None and dtype.type(epsilon) == 0 and dtype.type(eps_root) == 0:
        name, value = ("epsilon", epsilon) if epsilon or not eps_root else ("eps_root", eps_root)
        raise ValueError(
            f"{name} == {value!r} rounds to 0 in {dtype}, the dtype of params, so sqrt(s) + epsilon "
            f"could be 0; use {name} >= {float(info.smallest_subnormal)!r}"
        )


def _check_step_size_fits(step_size, t, dtypes):
    """Adam: alpha / (1 - beta1^t), the size of its first steps, must fit in the params' dtype."""
    for dtype in dtypes:
        if not step_size <= float(np.finfo(np.result_type(dtype, np.float32)).max):
            _check_constants_fit(step_size, None, 0.0, dtype, f"learning_rate / (1 - beta1^t) at t = {t}")



# ---------------------------------------------------------------------------
# The overflow guard
# ---------------------------------------------------------------------------

class _RefusingOverflow:
    """Raise StepOverflowError after an update whose arithmetic overflowed (numpy would only warn).

    numpy reports floating-point errors to the ``call`` handler at no cost while there
    are none, so a normal step pays only for entering the context.
    """

    def __init__(self, optimizer, params, state):
        self.optimizer, self.params, self.state = optimizer, params, state
        self.errors = []
        self.errstate = np.errstate(over="call", invalid="call", divide="call",
                                    call=lambda kind, flag: self.errors.append(kind))

    def __enter__(self):
        self.errstate.__enter__()

    def __exit__(self, *exc):
        self.errstate.__exit__(*exc)
        if self.errors and exc[0] is None:
            raise _overflow_error(self.optimizer, self.params, self.state, self.errors[0])


def _overflow_error(optimizer, params, state, kind):
    """The StepOverflowError of an update that hit a floating-point ``kind`` ("overflow", ...)."""
    arrays = {f"params[{key!r}]": W for key, W in params.items()}
    for name in optimizer._state_arrays:
        arrays.update({f"state.{name}[{key!r}]": a for key, a in getattr(state, name).items()})
    bad = [name for name, a in arrays.items() if not np.isfinite(a).all()]
    return StepOverflowError(
        f"the update hit a floating-point {kind} and left inf or NaN in "
        f"{', '.join(bad) or 'a result'}: learning_rate == {optimizer.learning_rate!r} or the "
        "gradients are far too large (or params already held inf). The step worked in place; "
        "restore copies made with copy_arrays()"
    )

"""One step of RMSProp on one array (notebook 05): s = beta s + (1 - beta) dW^2; W = W - alpha dW / (sqrt(s) + epsilon).

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ...optimizers import rmsprop_update as _package_rmsprop_update
from .._spec import Case, Exercise, Outputs
from .._spec import denominator as _denom
from .._spec import float_copy as _float_copy
from .._spec import MATRIX_SQUARE
from .._spec import mistake as _m
from .._spec import normal as _normal
from .._spec import rng as _rng
from .._spec import square as _sq
from .._spec import tiny as _tiny
from .momentum_update import DW_HINT

EXERCISE = Exercise("rmsprop_update", "rmsprop_update(W, dW, s, beta, learning_rate, epsilon)",
                    Outputs("arrays", ("W", "s")), ("dW",), DW_HINT,
                    asks=("What is asked: in place or new arrays are both fine; epsilon outside the root (inside "
                          "passes too)."))


def solution(W, dW, s, beta, learning_rate, epsilon):
    """s = beta s + (1 - beta) dW^2; W = W - learning_rate dW / (sqrt(s) + epsilon). Returns new (W, s)."""
    return _package_rmsprop_update(_float_copy(W), np.asarray(dW), _float_copy(s), beta, learning_rate, epsilon)


def cases():
    rng = _rng(10)
    return [
        Case("first step: s = 0, W of shape (3, 3)", {
            "W": _normal(rng, (3, 3)), "dW": _normal(rng, (3, 3)), "s": np.zeros((3, 3)),
            "beta": 0.9, "learning_rate": 0.01, "epsilon": 1e-8}),
        Case("a later step: s from earlier steps, W of shape (2, 3)", {
            "W": _normal(rng, (2, 3)), "dW": _normal(rng, (2, 3)), "s": rng.uniform(0.05, 0.5, (2, 3)).round(3),
            "beta": 0.999, "learning_rate": 0.001, "epsilon": 1e-8}),
        Case("beta = 0: s is just this step's dW ** 2", {
            "W": _normal(rng, (2, 2)), "dW": _normal(rng, (2, 2)), "s": rng.uniform(0.05, 0.5, (2, 2)).round(3),
            "beta": 0.0, "learning_rate": 0.1, "epsilon": 1e-8}),
        Case("a large epsilon = 0.1 (where it goes shows), 1-D array", {
            "W": _normal(rng, (4,)), "dW": _normal(rng, (4,)), "s": rng.uniform(0.01, 1.0, 4).round(3),
            "beta": 0.9, "learning_rate": 0.01, "epsilon": 0.1}),
        Case("tiny gradients (about 1e-6): epsilon = 1e-8 matters", {
            "W": _normal(rng, (2, 2)), "dW": _tiny(rng, (2, 2)), "s": np.full((2, 2), 4e-12),
            "beta": 0.9, "learning_rate": 0.01, "epsilon": 1e-8}),
    ]


def _rmsprop(W, dW, s, beta, learning_rate, epsilon, *, square="elementwise", one_minus_beta=True,
             swap=False, eps="outside", eps_into_s=False, sqrt=True, sign=-1.0, update_W=True,
             step_with_old_s=False, return_new_s=True, order="W,s"):
    a, b = (1 - beta, beta) if swap else (beta, (1 - beta) if one_minus_beta else 1.0)
    with np.errstate(all="ignore"):
        s_new = a * s + b * _sq(dW, square) + (epsilon if eps_into_s else 0.0)
        s_step = s if step_with_old_s else s_new
        denominator = _denom(s_step, epsilon, "missing" if eps_into_s else eps, sqrt)
        W_new = W + sign * learning_rate * dW / denominator if update_W else np.array(W, copy=True)
        if eps == "added_after":
            W_new = W_new + epsilon
    s_out = s_new if return_new_s else np.array(s, copy=True)
    return (W_new, s_out) if order == "W,s" else (s_out, W_new)


_EPS_INSIDE_RMSPROP = """You put epsilon inside the square root: dW / np.sqrt(s + epsilon).
    RMSProp's slide writes no epsilon; the lecture adds one to the denominator, and the course,
    like PyTorch, puts it outside the root: dW / (np.sqrt(s) + epsilon). The two differ only
    when s is tiny (near epsilon or below: gradients of about 1e-4 or smaller; here, the case
    with gradients of about 1e-6); either is right."""

MATRIX_SQUARE = """dW was squared with a matrix product (np.dot(dW, dW), dW @ dW or
    dW @ dW.T), which mixes the gradients of different parameters and changes shapes.
    Square each element on its own: dW ** 2 or np.square(dW)."""

_SUM_OF_SQUARES = """s averages one number, np.sum(dW ** 2), for the whole matrix. RMSProp
    keeps one mean square per parameter: square element-wise and do not sum,
    s = beta * s + (1 - beta) * dW ** 2 (an array shaped like dW)."""

_RMSPROP_MISTAKES = [
    _m("not_squared", """The gradient is not squared: s = beta * s + (1 - beta) * dW. RMSProp
       averages the squares: s = beta * s + (1 - beta) * dW ** 2 (element-wise).""",
       partial(_rmsprop, square="none")),
    _m("matrix_square", MATRIX_SQUARE,
       partial(_rmsprop, square="dW @ dW"), partial(_rmsprop, square="dW @ dW.T"),
       partial(_rmsprop, square="dW.T @ dW")),
    _m("eps_into_s", """epsilon was added to s itself, so it piles up in s from step to step.
       Keep s the plain average of dW ** 2 and add epsilon in the denominator only:
       dW / (np.sqrt(s) + epsilon).""",
       partial(_rmsprop, eps_into_s=True)),
    _m("eps_missing", """epsilon is missing: dW / np.sqrt(s), as the slide writes it. The
       lecture adds a small epsilon to the denominator in practice, and the exercise passes
       one: dW / (np.sqrt(s) + epsilon), so the step stays finite when s is 0.""",
       partial(_rmsprop, eps="missing")),
    _m("no_sqrt", """The square root is missing: dW / (s + epsilon). Divide by the root of
       the mean square: dW / (np.sqrt(s) + epsilon).""",
       partial(_rmsprop, sqrt=False)),
    _m("one_minus_beta_missing", """The (1 - beta) factor is missing: you computed
       s = beta * s + dW ** 2. Use s = beta * s + (1 - beta) * dW ** 2.""",
       partial(_rmsprop, one_minus_beta=False)),
    _m("beta_swapped", """beta and (1 - beta) are swapped: you computed
       s = (1 - beta) * s + beta * dW ** 2. Use s = beta * s + (1 - beta) * dW ** 2.""",
       partial(_rmsprop, swap=True)),
    _m("sign_flipped", """The step goes uphill: W + learning_rate * dW / (...). Gradient
       descent subtracts: W = W - learning_rate * dW / (np.sqrt(s) + epsilon).""",
       partial(_rmsprop, sign=+1.0)),
    _m("W_not_updated", """s is updated but W comes back unchanged. After updating s, take
       the step W = W - learning_rate * dW / (np.sqrt(s) + epsilon) and return the new W.""",
       partial(_rmsprop, update_W=False)),
    _m("step_with_old_s", """W is updated with the old s, from before this step's update.
       Update s first, then divide by np.sqrt(s) + epsilon with the new s.""",
       partial(_rmsprop, step_with_old_s=True)),
    _m("s_not_returned", """W is right but the s you return is the old one. Return the
       updated s, so the next step continues from it.""",
       partial(_rmsprop, return_new_s=False)),
    _m("order_swapped", """The results come back in the wrong order: return W, s
       (W first, then s).""",
       partial(_rmsprop, order="s,W")),
    _m("sum_of_squares", _SUM_OF_SQUARES, partial(_rmsprop, square="sum")),
    _m("eps_added_after_fraction", """epsilon was added to W after the fraction: W - learning_rate
       * dW / np.sqrt(s) + epsilon (division binds tighter than +). It belongs in the denominator,
       in brackets: W - learning_rate * dW / (np.sqrt(s) + epsilon).""",
       partial(_rmsprop, eps="added_after")),
]

MISTAKES = _RMSPROP_MISTAKES
ALTERNATIVES = [_m("eps_inside_sqrt", _EPS_INSIDE_RMSPROP, partial(_rmsprop, eps="inside"))]
CORRECT = _rmsprop

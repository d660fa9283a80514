"""One step of momentum on one array (notebook 04): v = beta v + (1 - beta) dW; W = W - alpha v.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ...optimizers import momentum_update as _package_momentum_update
from .._spec import Case, Exercise, Outputs
from .._spec import float_copy as _float_copy
from .._spec import mistake as _m
from .._spec import normal as _normal
from .._spec import rng as _rng

DW_HINT = ("Compute into new arrays instead (dW2 = dW ** 2, not dW **= 2); "
            "updating W, v and s in place is fine.")

EXERCISE = Exercise("momentum_update", "momentum_update(W, dW, v, beta, learning_rate)",
                    Outputs("arrays", ("W", "v")), ("dW",), DW_HINT)


def solution(W, dW, v, beta, learning_rate):
    """v = beta v + (1 - beta) dW; W = W - learning_rate v. Returns new (W, v)."""
    return _package_momentum_update(_float_copy(W), np.asarray(dW), _float_copy(v), beta, learning_rate)


def cases():
    rng = _rng(9)
    return [
        Case("first step: v = 0, W of shape (3, 2)", {
            "W": _normal(rng, (3, 2)), "dW": _normal(rng, (3, 2)), "v": np.zeros((3, 2)),
            "beta": 0.9, "learning_rate": 0.1}),
        Case("a later step: v from earlier steps, W of shape (2, 3)", {
            "W": _normal(rng, (2, 3)), "dW": _normal(rng, (2, 3)), "v": _normal(rng, (2, 3), 0.5),
            "beta": 0.9, "learning_rate": 0.05}),
        Case("beta = 0: plain gradient descent", {
            "W": _normal(rng, (2, 2)), "dW": _normal(rng, (2, 2)), "v": _normal(rng, (2, 2), 0.5),
            "beta": 0.0, "learning_rate": 0.1}),
        Case("a 1-D array (a bias vector b), beta = 0.98", {
            "W": _normal(rng, (4,)), "dW": _normal(rng, (4,)), "v": _normal(rng, (4,), 0.5),
            "beta": 0.98, "learning_rate": 0.5}),
    ]


def _momentum(W, dW, v, beta, learning_rate, *, one_minus_beta=True, swap=False, sign=-1.0,
              step_with="v", update_W=True, return_new_v=True, lr_in_v=False, order="W,v"):
    a, b = (1 - beta, beta) if swap else (beta, (1 - beta) if one_minus_beta else 1.0)
    v_new = a * v + b * (learning_rate * dW if lr_in_v else dW)
    direction = {"v": v_new, "old v": v, "dW": dW}[step_with]
    step = direction if lr_in_v else learning_rate * direction
    W_new = W + sign * step if update_W else np.array(W, copy=True)
    v_out = v_new if return_new_v else np.array(v, copy=True)
    return (W_new, v_out) if order == "W,v" else (v_out, W_new)


STEP_WITH_DW = """W is updated with the raw gradient (W - learning_rate * dW), so v has no
    effect. Step along the velocity: W = W - learning_rate * v."""

_MOMENTUM_MISTAKES = [
    _m("one_minus_beta_missing", """The (1 - beta) factor is missing: you computed
       v = beta * v + dW (the form some texts use, with a rescaled learning rate). The
       lecture's momentum averages the gradients: v = beta * v + (1 - beta) * dW.""",
       partial(_momentum, one_minus_beta=False)),
    _m("beta_swapped", """beta and (1 - beta) are swapped: you computed
       v = (1 - beta) * v + beta * dW. Keep most of the old velocity:
       v = beta * v + (1 - beta) * dW.""",
       partial(_momentum, swap=True)),
    _m("sign_flipped", """The step goes uphill: W + learning_rate * v. Gradient descent
       subtracts: W = W - learning_rate * v.""",
       partial(_momentum, sign=+1.0)),
    _m("W_not_updated", """v is updated but W comes back unchanged. After updating v, take
       the step W = W - learning_rate * v and return the new W.""",
       partial(_momentum, update_W=False)),
    _m("step_with_dW", STEP_WITH_DW,
       partial(_momentum, step_with="dW")),
    _m("step_with_old_v", """W is updated with the old v, from before this step's update.
       Update v first, then step with the new v: W = W - learning_rate * v.""",
       partial(_momentum, step_with="old v")),
    _m("v_not_returned", """W is right but the v you return is the old one. Return the
       updated v, so the next step continues from it.""",
       partial(_momentum, return_new_v=False)),
    _m("learning_rate_in_v", """The learning rate went into v: v = beta * v + (1 - beta) *
       learning_rate * dW, then W = W - v. v should be the average of the gradients alone;
       the learning rate scales the step: W = W - learning_rate * v.""",
       partial(_momentum, lr_in_v=True)),
    _m("order_swapped", """The results come back in the wrong order: return W, v
       (W first, then v).""",
       partial(_momentum, order="v,W")),
]

MISTAKES = _MOMENTUM_MISTAKES
ALTERNATIVES = []
CORRECT = _momentum

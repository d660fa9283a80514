"""One step of Adam on one array (notebook 06), t counted from 1.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ...optimizers import adam_update as _package_adam_update
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

EXERCISE = Exercise("adam_update", "adam_update(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon)",
                    Outputs("arrays", ("W", "v", "s")), ("dW",), DW_HINT,
                    asks=("What is asked: t is this step's number, from 1; the v and s returned are the raw "
                          "averages, not the corrected ones; in place or new arrays are both fine; epsilon outside "
                          "the root (the slide's inside passes too)."))


def solution(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    """One Adam step; ``t`` is this step's number, counted from 1. Returns new (W, v, s)."""
    return _package_adam_update(_float_copy(W), np.asarray(dW), _float_copy(v), _float_copy(s), int(t),
                                learning_rate, beta1, beta2, epsilon)


def cases():
    rng = _rng(11)
    defaults = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
    return [
        Case("first step t = 1: v = s = 0, W of shape (3, 3)", {
            "W": _normal(rng, (3, 3)), "dW": _normal(rng, (3, 3)), "v": np.zeros((3, 3)), "s": np.zeros((3, 3)),
            "t": 1, "learning_rate": 0.01, **defaults}),
        Case("step t = 5: v and s from earlier steps, W of shape (2, 3)", {
            "W": _normal(rng, (2, 3)), "dW": _normal(rng, (2, 3)), "v": _normal(rng, (2, 3), 0.3),
            "s": rng.uniform(0.001, 0.05, (2, 3)).round(4), "t": 5, "learning_rate": 0.001, **defaults}),
        Case("step t = 1000: the correction of s still matters (0.999^1000 = 0.37)", {
            "W": _normal(rng, (2, 2)), "dW": _normal(rng, (2, 2)), "v": _normal(rng, (2, 2), 0.3),
            "s": rng.uniform(0.1, 1.0, (2, 2)).round(3), "t": 1000, "learning_rate": 0.01, **defaults}),
        Case("a large epsilon = 0.1, t = 3, a 1-D array", {
            "W": _normal(rng, (4,)), "dW": _normal(rng, (4,)), "v": _normal(rng, (4,), 0.3),
            "s": rng.uniform(0.001, 0.05, 4).round(4), "t": 3, "learning_rate": 0.01,
            "beta1": 0.9, "beta2": 0.999, "epsilon": 0.1}),
        Case("beta1 = 0.8, beta2 = 0.99, t = 2", {
            "W": _normal(rng, (3, 1)), "dW": _normal(rng, (3, 1)), "v": _normal(rng, (3, 1), 0.3),
            "s": rng.uniform(0.01, 0.5, (3, 1)).round(3), "t": 2, "learning_rate": 0.1,
            "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8}),
        Case("tiny gradients (about 1e-6), t = 2: epsilon = 1e-8 matters", {
            "W": _normal(rng, (2, 2)), "dW": _tiny(rng, (2, 2)), "v": _tiny(rng, (2, 2)),
            "s": np.full((2, 2), 1e-12), "t": 2, "learning_rate": 0.01, **defaults}),
    ]


def _adam(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon, *, correct_v=True, correct_s=True,
          t_shift=0, power_form="1-beta^t", return_corrected=False, swap_betas=False,
          one_minus_beta1=True, one_minus_beta2=True, square="elementwise", eps="outside",
          sqrt=True, s_correction_outside_sqrt=False, sign=-1.0, update_W=True, order="W,v,s",
          s_corrected_with_beta1=False, efficient=False):
    if swap_betas:
        beta1, beta2 = beta2, beta1
    with np.errstate(all="ignore"):
        v_new = beta1 * v + ((1 - beta1) if one_minus_beta1 else 1.0) * dW
        s_new = beta2 * s + ((1 - beta2) if one_minus_beta2 else 1.0) * _sq(dW, square)
        tc = np.float64(t + t_shift)

        def correction(beta):
            return 1 - np.float64(beta) ** tc if power_form == "1-beta^t" else (1 - np.float64(beta)) ** tc

        v_hat = v_new / correction(beta1) if correct_v else v_new
        if efficient:  # Kingma & Ba's efficient form, with the plain epsilon
            step_size = learning_rate * np.sqrt(correction(beta2)) / correction(beta1)
            W_new = W + sign * step_size * v_new / (np.sqrt(s_new) + epsilon)
            return W_new, v_new, s_new
        if s_correction_outside_sqrt:
            denominator = np.sqrt(s_new) / correction(beta2) + epsilon
        else:
            s_hat = s_new / correction(beta1 if s_corrected_with_beta1 else beta2) if correct_s else s_new
            denominator = _denom(s_hat, epsilon, eps, sqrt)
        W_new = W + sign * learning_rate * v_hat / denominator if update_W else np.array(W, copy=True)
        if eps == "added_after":
            W_new = W_new + epsilon
        v_out, s_out = v_new, s_new
        if return_corrected:
            v_out, s_out = v_new / correction(beta1), s_new / correction(beta2)
    return (W_new, v_out, s_out) if order == "W,v,s" else (W_new, s_out, v_out)


EFFICIENT_FORM = """You used Kingma & Ba's efficient form, learning_rate * np.sqrt(1 -
    beta2 ** t) / (1 - beta1 ** t) * v / (np.sqrt(s) + epsilon), with the plain epsilon. That
    is a slightly different algorithm: it equals the course's (and PyTorch's) Adam only with
    their epsilon_hat = epsilon * np.sqrt(1 - beta2 ** t) in place of epsilon, so the two
    differ where epsilon matters (here the case with epsilon = 0.1 and the tiny-gradient
    case). Write the bias-corrected form: v_corrected / (np.sqrt(s_corrected) + epsilon),
    or use epsilon_hat in the efficient form."""

_ADAM_MISTAKES = [
    _m("no_bias_correction", """No bias correction: W was updated with v / (np.sqrt(s) +
       epsilon). Correct both averages first, v_corrected = v / (1 - beta1 ** t) and
       s_corrected = s / (1 - beta2 ** t), then W = W - learning_rate * v_corrected /
       (np.sqrt(s_corrected) + epsilon). It matters most in the first steps.""",
       partial(_adam, correct_v=False, correct_s=False)),
    _m("only_v_corrected", """Only v is bias-corrected; s is used uncorrected. Correct it
       too: s_corrected = s / (1 - beta2 ** t).""",
       partial(_adam, correct_s=False)),
    _m("only_s_corrected", """Only s is bias-corrected; v is used uncorrected. Correct it
       too: v_corrected = v / (1 - beta1 ** t).""",
       partial(_adam, correct_v=False)),
    _m("t_from_0", """The bias correction uses t - 1: at t = 1 it divides by 1 - beta ** 0 = 0.
       Here t is already this step's number, counted from 1: use 1 - beta1 ** t and
       1 - beta2 ** t.""",
       partial(_adam, t_shift=-1)),
    _m("t_plus_1", """The bias correction uses t + 1: t is already this step's number
       (counted from 1), so use it as it is: 1 - beta1 ** t.""",
       partial(_adam, t_shift=+1)),
    _m("power_of_one_minus_beta", """The correction divides by (1 - beta1) ** t instead of
       1 - beta1 ** t: mind the brackets, it is 1 - (beta1 ** t) (likewise for beta2).""",
       partial(_adam, power_form="(1-beta)^t")),
    _m("corrected_returned", """The v and s you return are the bias-corrected values. Return
       the running averages v and s themselves: the corrected ones only serve this step's
       update of W (the next step corrects again, with its own t).""",
       partial(_adam, return_corrected=True)),
    _m("betas_swapped", """beta1 and beta2 are swapped: v (the average of dW) uses beta1,
       s (the average of dW ** 2) uses beta2.""",
       partial(_adam, swap_betas=True)),
    _m("one_minus_beta_missing", """A (1 - beta) factor is missing. The averages are
       v = beta1 * v + (1 - beta1) * dW and s = beta2 * s + (1 - beta2) * dW ** 2.""",
       partial(_adam, one_minus_beta1=False, one_minus_beta2=False),
       partial(_adam, one_minus_beta1=False), partial(_adam, one_minus_beta2=False)),
    _m("not_squared", """The gradient is not squared in s: s = beta2 * s + (1 - beta2) * dW.
       The second moment averages the squares: s = beta2 * s + (1 - beta2) * dW ** 2
       (element-wise).""",
       partial(_adam, square="none")),
    _m("matrix_square", MATRIX_SQUARE,
       partial(_adam, square="dW @ dW"), partial(_adam, square="dW @ dW.T"),
       partial(_adam, square="dW.T @ dW")),
    _m("eps_missing", """epsilon is missing: v_corrected / np.sqrt(s_corrected). Add it
       outside the root: v_corrected / (np.sqrt(s_corrected) + epsilon).""",
       partial(_adam, eps="missing")),
    _m("no_sqrt", """The square root is missing: v_corrected / (s_corrected + epsilon).
       Divide by the root: v_corrected / (np.sqrt(s_corrected) + epsilon).""",
       partial(_adam, sqrt=False)),
    _m("s_correction_outside_sqrt", """The correction of s was applied after the square root:
       np.sqrt(s) / (1 - beta2 ** t). Correct s first, then take the root:
       np.sqrt(s / (1 - beta2 ** t)).""",
       partial(_adam, s_correction_outside_sqrt=True)),
    _m("sign_flipped", """The step goes uphill: W + learning_rate * (...). Gradient descent
       subtracts: W = W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon).""",
       partial(_adam, sign=+1.0)),
    _m("W_not_updated", """v and s are updated but W comes back unchanged. Take the step
       W = W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon) and return
       the new W.""",
       partial(_adam, update_W=False)),
    _m("order_swapped", """The results come back in the wrong order: return W, v, s.""",
       partial(_adam, order="W,s,v")),
    _m("s_corrected_with_beta1", """s was corrected with beta1: s / (1 - beta1 ** t). Each
       average is corrected with its own beta: v / (1 - beta1 ** t) and s / (1 - beta2 ** t).""",
       partial(_adam, s_corrected_with_beta1=True)),
    _m("eps_added_after_fraction", """epsilon was added to W after the fraction: W - learning_rate
       * v_corrected / np.sqrt(s_corrected) + epsilon (division binds tighter than +). It belongs
       in the denominator, in brackets: W - learning_rate * v_corrected / (np.sqrt(s_corrected) +
       epsilon).""",
       partial(_adam, eps="added_after")),
    _m("efficient_form_plain_epsilon", EFFICIENT_FORM, partial(_adam, efficient=True)),
]

ALTERNATIVES = [_m("eps_inside_sqrt", """You used the slide's form, epsilon inside the square root:
       np.sqrt(s_corrected + epsilon). The course, like Kingma & Ba and PyTorch, puts it outside:
       np.sqrt(s_corrected) + epsilon. The two differ only when s is tiny (near epsilon or below: gradients
       of about 1e-4 or smaller; here, the case with gradients of about 1e-6); either is right.""", partial(_adam, eps="inside"))]

MISTAKES = _ADAM_MISTAKES
CORRECT = _adam

"""The mistake catalogue: for each exercise, the wrong versions learners often write.

A check recognises a mistake by running its wrong version on the same cases as the
learner's function: if the learner's results match the wrong version's on every case
(and the wrong version differs from the reference on some case), the diagnosis is that
mistake. Each wrong version is written out plainly, the way a learner would write it,
from one small function per exercise with switches for the mistakes (``_momentum`` with
``one_minus_beta=False`` is "the (1 - beta) factor is missing"); the switches' defaults
give the correct formula, which the tests compare with the package's reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

__all__ = ["Mistake", "MISTAKES"]


@dataclass(frozen=True)
class Mistake:
    """A recognisable mistake: ``key`` for tests, ``text`` for the learner, wrong versions ``fns``.

    ``fns`` holds one or more wrong versions (several ways of writing the same
    mistake, e.g. ``dW @ dW`` and ``dW @ dW.T``); matching any one of them is enough.
    """

    key: str
    text: str
    fns: tuple


def _m(key, text, *fns):
    return Mistake(key, " ".join(text.split()), fns)


# ---------------------------------------------------------------------------
# Exponentially weighted averages
# ---------------------------------------------------------------------------

def _ewa(theta, beta, *, correction=None, start="zero", one_minus_beta=True, swap=False,
         feed_back=False, store="after", int_store=False, skip_first=False):
    """The slide's loop with switches. ``correction``: None, "t", "t-1", "t+1",
    "(1-beta)^t" or "multiply"; ``store``: "after" (v_1..v_T), "before" (v_0..v_{T-1}),
    "all" (v_0..v_T) or "last" (v_T only)."""
    theta = np.asarray(theta)
    a, b = (1 - beta, beta) if swap else (beta, (1 - beta) if one_minus_beta else 1.0)
    out = np.zeros_like(theta) if int_store else np.zeros(len(theta))
    stored = [0.0]
    v = 0.0
    for t, theta_t in enumerate(theta.tolist(), start=1):
        if skip_first and t == 1:
            out[0] = 0.0
            stored.append(0.0)
            continue
        v = theta_t if (start == "theta1" and t == 1) else a * v + b * theta_t
        value = v
        if correction is not None:
            with np.errstate(all="ignore"):
                denominator = {
                    "t": 1 - np.float64(beta) ** t, "t-1": 1 - np.float64(beta) ** (t - 1),
                    "t+1": 1 - np.float64(beta) ** (t + 1), "(1-beta)^t": (1 - np.float64(beta)) ** t,
                    "multiply": 1 / (1 - np.float64(beta) ** t),
                    "final T": 1 - np.float64(beta) ** len(theta),
                }[correction]
                value = np.float64(v) / denominator
            if feed_back:
                v = value
        out[t - 1] = value
        stored.append(value)
    if store == "before":
        return np.array(stored[:-1])
    if store == "all":
        return np.array(stored)
    if store == "last":
        return stored[-1]
    return out


_INT_STORE = """Your results were rounded down to whole numbers: they were stored in an
    integer array (theta itself, np.zeros_like(theta), np.empty_like(theta) or theta.copy()
    of integer temperatures, or dtype=int), so every stored value was truncated. Store them in a float
    array: np.zeros(len(theta)) or np.zeros_like(theta, dtype=float)."""

_EWA_MISTAKES = [
    _m("v0_theta1", """The average starts at theta_1 (v_1 = theta_1) instead of at v_0 = 0.
       The lecture starts from v = 0, so v_1 = (1 - beta) * theta_1: the start-up bias that
       the next exercise (bias correction) removes.""",
       partial(_ewa, start="theta1")),
    _m("one_minus_beta_missing", """The (1 - beta) factor is missing: you computed
       v = beta * v + theta_t. The lecture's average is v = beta * v + (1 - beta) * theta_t;
       the weights then add up to (nearly) 1 and v stays on the scale of theta.""",
       partial(_ewa, one_minus_beta=False)),
    _m("beta_swapped", """beta and (1 - beta) are swapped: you computed
       v = (1 - beta) * v + beta * theta_t. Keep most of the old average:
       v = beta * v + (1 - beta) * theta_t.""",
       partial(_ewa, swap=True)),
    _m("bias_corrected", """Your values are bias-corrected (divided by 1 - beta ** t). This
       exercise asks for the plain average v_t; the correction is the next exercise.""",
       partial(_ewa, correction="t")),
    _m("shifted", """Your values are one step late: the first is v_0 = 0 and v_T is missing.
       Store v after updating it with theta_t, so that position t - 1 holds v_t.""",
       partial(_ewa, store="before")),
    _m("includes_v0", """You return T + 1 values: v_0 = 0 is included. Return v_1..v_T, one
       value per theta_t (the same length as theta).""",
       partial(_ewa, store="all")),
    _m("last_only", """You return only the last average v_T. Return every v_t: an array
       of the same length as theta.""",
       partial(_ewa, store="last")),
    _m("int_truncation", _INT_STORE,
       partial(_ewa, int_store=True)),
    _m("first_value_skipped", """Your first average is 0 and theta_1 is never averaged: the
       loop starts at index 1, as if position 0 held v_0. v_0 = 0 is the value before the first
       day and is not returned: position t - 1 holds v_t, for t = 1..T, so the loop runs over
       every theta_t (and an empty theta then gives an empty result, with no v[0] to set).""",
       partial(_ewa, skip_first=True)),
]

_EWA_BC_MISTAKES = [
    _m("no_correction", """No bias correction: these are the plain averages v_t. Divide each
       by 1 - beta ** t, with t = 1 for the first value.""",
       partial(_ewa, correction=None)),
    _m("t_from_0", """The correction uses beta ** (t - 1), i.e. t counted from 0: the first
       value is divided by 1 - beta ** 0 = 0. Count t from 1: for t, theta_t in
       enumerate(theta, start=1), or t = i + 1 in a loop over i = 0..T-1.""",
       partial(_ewa, correction="t-1")),
    _m("t_plus_1", """The correction uses beta ** (t + 1): the first value (t = 1) must be
       divided by 1 - beta ** 1 = 1 - beta.""",
       partial(_ewa, correction="t+1")),
    _m("power_of_one_minus_beta", """The correction divides by (1 - beta) ** t instead of
       1 - beta ** t: mind the brackets, it is 1 - (beta ** t).""",
       partial(_ewa, correction="(1-beta)^t")),
    _m("multiplied", """The correction multiplies by 1 - beta ** t; divide by it instead:
       v_t / (1 - beta ** t).""",
       partial(_ewa, correction="multiply")),
    _m("fed_back", """The corrected value was fed back into the running average
       (v = v / (1 - beta ** t), then the next step uses it). Keep v uncorrected and correct
       only the value you store: v = beta * v + (1 - beta) * theta_t, then
       result[t - 1] = v / (1 - beta ** t).""",
       partial(_ewa, correction="t", feed_back=True)),
    _m("v0_theta1", """The average starts at theta_1 (v_1 = theta_1) and is then corrected.
       The correction assumes v_0 = 0: start from v = 0, so v_1 = (1 - beta) * theta_1,
       which the correction turns back into theta_1.""",
       partial(_ewa, correction="t", start="theta1")),
    _m("one_minus_beta_missing", """The (1 - beta) factor is missing from the average:
       v = beta * v + theta_t. Use v = beta * v + (1 - beta) * theta_t, then divide by
       1 - beta ** t.""",
       partial(_ewa, correction="t", one_minus_beta=False)),
    _m("int_truncation", _INT_STORE,
       partial(_ewa, correction="t", int_store=True)),
    _m("final_T", """Every value was corrected with the final T: v_t / (1 - beta ** T) for all t.
       The correction belongs to each step: divide v_t by 1 - beta ** t, with this step's t
       (large at the start, near 1 later).""",
       partial(_ewa, correction="final T")),
]


# ---------------------------------------------------------------------------
# Momentum
# ---------------------------------------------------------------------------

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


# ---------------------------------------------------------------------------
# RMSProp
# ---------------------------------------------------------------------------

def _square(dW, how):
    if how == "elementwise":
        return dW ** 2
    if how == "none":
        return dW
    if how == "sum":
        return np.sum(dW ** 2)
    if how == "dW @ dW":
        return dW @ dW
    if how == "dW @ dW.T":
        return np.dot(dW, dW.T)
    if how == "dW.T @ dW":
        return np.dot(dW.T, dW)
    raise ValueError(how)


def _denominator(s, epsilon, eps, sqrt=True):
    root = np.sqrt if sqrt else (lambda x: x)
    if eps == "outside":
        return root(s) + epsilon
    if eps == "inside":
        return root(s + epsilon)
    if eps in ("missing", "added_after"):
        return root(s)
    raise ValueError(eps)


def _rmsprop(W, dW, s, beta, learning_rate, epsilon, *, square="elementwise", one_minus_beta=True,
             swap=False, eps="outside", eps_into_s=False, sqrt=True, sign=-1.0, update_W=True,
             step_with_old_s=False, return_new_s=True, order="W,s"):
    a, b = (1 - beta, beta) if swap else (beta, (1 - beta) if one_minus_beta else 1.0)
    with np.errstate(all="ignore"):
        s_new = a * s + b * _square(dW, square) + (epsilon if eps_into_s else 0.0)
        s_step = s if step_with_old_s else s_new
        denominator = _denominator(s_step, epsilon, "missing" if eps_into_s else eps, sqrt)
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

_MATRIX_SQUARE = """dW was squared with a matrix product (np.dot(dW, dW), dW @ dW or
    dW @ dW.T), which mixes the gradients of different parameters and changes shapes.
    Square each element on its own: dW ** 2 or np.square(dW)."""

_SUM_OF_SQUARES = """s averages one number, np.sum(dW ** 2), for the whole matrix. RMSProp
    keeps one mean square per parameter: square element-wise and do not sum,
    s = beta * s + (1 - beta) * dW ** 2 (an array shaped like dW)."""

_RMSPROP_MISTAKES = [
    _m("not_squared", """The gradient is not squared: s = beta * s + (1 - beta) * dW. RMSProp
       averages the squares: s = beta * s + (1 - beta) * dW ** 2 (element-wise).""",
       partial(_rmsprop, square="none")),
    _m("matrix_square", _MATRIX_SQUARE,
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


# ---------------------------------------------------------------------------
# Adam
# ---------------------------------------------------------------------------

def _adam(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon, *, correct_v=True, correct_s=True,
          t_shift=0, power_form="1-beta^t", return_corrected=False, swap_betas=False,
          one_minus_beta1=True, one_minus_beta2=True, square="elementwise", eps="outside",
          sqrt=True, s_correction_outside_sqrt=False, sign=-1.0, update_W=True, order="W,v,s",
          s_corrected_with_beta1=False, efficient=False):
    if swap_betas:
        beta1, beta2 = beta2, beta1
    with np.errstate(all="ignore"):
        v_new = beta1 * v + ((1 - beta1) if one_minus_beta1 else 1.0) * dW
        s_new = beta2 * s + ((1 - beta2) if one_minus_beta2 else 1.0) * _square(dW, square)
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
            denominator = _denominator(s_hat, epsilon, eps, sqrt)
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
    _m("matrix_square", _MATRIX_SQUARE,
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


# ---------------------------------------------------------------------------
# Learning-rate decay
# ---------------------------------------------------------------------------

_DECAY_MISTAKES = [
    _m("epoch_from_0", """Epochs are counted from 0 (you used epoch_num - 1), so epoch 1
       gives alpha0 itself. The lecture counts epochs from 1 and decays from the first:
       alpha = alpha0 / (1 + decay_rate * epoch_num) gives 0.1 for alpha0 = 0.2,
       decay_rate = 1, epoch 1.""",
       lambda a0, e, d: a0 / (1 + d * (e - 1))),
    _m("missing_one", """The 1 is missing from the denominator: alpha0 / (decay_rate *
       epoch_num). With it, alpha0 / (1 + decay_rate * epoch_num), the rate starts near
       alpha0 and decay_rate = 0 keeps alpha0 instead of dividing by zero.""",
       lambda a0, e, d: a0 / (d * e)),
    _m("brackets_times_epoch", """Brackets: alpha0 / (1 + decay_rate) * epoch_num divides
       by (1 + decay_rate) and then multiplies by the epoch. Bracket the whole
       denominator: alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 / (1 + d) * e),
    _m("brackets_missing", """Brackets: alpha0 / 1 + decay_rate * epoch_num adds
       decay_rate * epoch_num to alpha0. Bracket the denominator:
       alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 / 1 + d * e),
    _m("multiplied", """The rate grows: alpha0 * (1 + decay_rate * epoch_num). Divide
       instead: alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 * (1 + d * e)),
    _m("power", """alpha0 / (1 + decay_rate) ** epoch_num is an exponential decay; the
       lecture's formula divides by 1 + decay_rate * epoch_num.""",
       lambda a0, e, d: a0 / (1 + d) ** e),
    _m("alpha0_missing", """learning_rate0 is missing: you returned 1 / (1 + decay_rate *
       epoch_num). Multiply by alpha0: alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: 1 / (1 + d * e)),
    _m("decay_rate_missing", """decay_rate is missing: you returned alpha0 / (1 + epoch_num).
       Use alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 / (1 + e)),
    _m("arguments_swapped", """learning_rate0 and decay_rate are swapped in the formula:
       you returned decay_rate / (1 + learning_rate0 * epoch_num).""",
       lambda a0, e, d: d / (1 + a0 * e)),
    _m("floor_division", """// is floor division: alpha0 // (1 + decay_rate * epoch_num)
       rounds down to a whole number (0 here). Use / .""",
       lambda a0, e, d: a0 // (1 + d * e)),
    _m("exponential_decay", """This is an exponential decay (alpha0 * 0.95 ** epoch_num,
       alpha0 * exp(-decay_rate * epoch_num) or alpha0 * decay_rate ** epoch_num), another of the
       lecture's schedules. This exercise is the first one, the inverse-time decay:
       alpha = alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 * 0.95 ** np.asarray(e, dtype=float),
       lambda a0, e, d: a0 * np.exp(-d * np.asarray(e, dtype=float)),
       lambda a0, e, d: a0 * d ** np.asarray(e, dtype=float)),
    _m("decay_rate_in_numerator", """decay_rate is in the numerator: alpha0 * decay_rate / (...).
       It belongs in the denominator only, multiplying the epoch:
       alpha = alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 * d / (1 + np.asarray(e, dtype=float)),
       lambda a0, e, d: a0 * d / (1 + d * np.asarray(e, dtype=float))),
]


# ---------------------------------------------------------------------------
# Critical points
# ---------------------------------------------------------------------------

def _eig(h):
    return np.linalg.eigvalsh(h)


def _classify_by(values):
    if np.all(values > 0):
        return "local minimum"
    if np.all(values < 0):
        return "local maximum"
    return "saddle point"


def _determinant_test(h):
    det = np.linalg.det(h)
    if det < 0:
        return "saddle point"
    return "local minimum" if h[0, 0] > 0 else "local maximum"


_CLASSIFY_MISTAKES = [
    _m("min_max_swapped", """Minimum and maximum are swapped. All eigenvalues > 0: the surface
       curves up in every direction, a bowl: a local minimum. All < 0: a local maximum.""",
       lambda h: {"local minimum": "local maximum", "local maximum": "local minimum"}.get(
           _classify_by(_eig(h)), "saddle point")),
    _m("any_negative_is_max", """A saddle point was called a local maximum: one negative
       eigenvalue is not enough. A maximum needs every eigenvalue < 0; a mix of signs is a
       saddle point.""",
       lambda h: "local maximum" if np.any(_eig(h) < 0) else "local minimum"),
    _m("any_positive_is_min", """A saddle point was called a local minimum: one positive
       eigenvalue is not enough. A minimum needs every eigenvalue > 0; a mix of signs is a
       saddle point.""",
       lambda h: "local minimum" if np.any(_eig(h) > 0) else "local maximum"),
    _m("diagonal_signs", """You used the signs of the diagonal (the second derivatives along
       the axes). Off-diagonal terms can make a saddle from a positive diagonal:
       [[1, 2], [2, 1]] has eigenvalues 3 and -1. Use the eigenvalues:
       np.linalg.eigvalsh(hessian).""",
       lambda h: _classify_by(np.diag(h))),
    _m("determinant_test", """You used the determinant, the 2-D second-derivative test. In
       more dimensions det > 0 does not mean one sign for all eigenvalues: diag(-1, -1, 2)
       has det = 2 and is a saddle. Use the signs of all eigenvalues.""",
       _determinant_test),
    _m("trace_sign", """You used the trace (the sum of the eigenvalues): a positive sum still
       allows negative eigenvalues. Look at the sign of every eigenvalue.""",
       lambda h: "local minimum" if np.trace(h) > 0 else "local maximum"),
]


def _schedule(a0, e, d, ti, *, shift=-1, floor=True, ceil=False, order="d*floor", power=False,
              rounding=None, precedence=False, times_power=False):
    e = np.asarray(e)
    if precedence:  # epoch_num - 1 / time_interval, not floored (floored, it is epoch_num - 1)
        stages = e - 1 / ti
    elif rounding is not None:
        stages = np.round((e + rounding) / ti)
    elif ceil:
        stages = -(-(e + shift + 1) // ti) - 1 if False else np.ceil(e / ti)
    elif floor:
        stages = (e + shift) // ti
    else:
        stages = (e + shift) / ti
    stages = np.asarray(stages, dtype=float)
    with np.errstate(all="ignore"):
        if power:
            return a0 / (1 + d) ** stages
        if times_power:
            return a0 * np.float64(d) ** stages
        return a0 / (1 + d * stages) if order == "d*floor" else a0 / (1 + np.floor(d * (e + shift) / ti))


_SCHEDULE_MISTAKES = [
    _m("epoch_from_0", """Epochs counted from 0: you wrote the assignment's floor(epoch_num /
       time_interval) with the course's 1-based epochs, so every drop comes one epoch early
       (epoch 10 of time_interval = 10 already decays). The assignment counts epochs from 0;
       the course from 1, so floor (epoch_num - 1) / time_interval: epochs 1..time_interval
       use alpha0.""",
       partial(_schedule, shift=0)),
    _m("no_floor", """No floor: decay_rate * epoch_num / time_interval decays a little every
       epoch. The fixed-interval schedule changes alpha only once per time_interval epochs:
       floor it, (epoch_num - 1) // time_interval.""",
       partial(_schedule, floor=False)),
    _m("ceil", """np.ceil(epoch_num / time_interval) starts decaying at the first epoch. Use the
       floor of (epoch_num - 1) / time_interval, so epochs 1..time_interval use alpha0.""",
       partial(_schedule, ceil=True)),
    _m("interval_ignored", """time_interval has no effect: your rate decays every epoch, as
       alpha0 / (1 + decay_rate * epoch_num) (that is inverse_time_decay) or with stage =
       epoch_num - 1. Mind the brackets too: epoch_num - 1 / time_interval divides only the 1.
       Count stages of time_interval epochs: np.floor((epoch_num - 1) / time_interval).""",
       lambda a0, e, d, ti: a0 / (1 + d * np.asarray(e, dtype=float)),
       lambda a0, e, d, ti: a0 / (1 + d * (np.asarray(e, dtype=float) - 1))),
    _m("power", """alpha0 / (1 + decay_rate) ** stage is an exponential staircase; the schedule
       divides by 1 + decay_rate * stage.""",
       partial(_schedule, power=True)),    _m("arguments_swapped", """epoch_num and decay_rate are swapped: your function uses the
       second argument as the decay rate and the third as the epoch. The order is
       schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval), the same
       learning_rate0, epoch_num, ... as every schedule of the course.""",
       lambda a0, e, d, ti: _schedule(a0, d, e, ti)),
    _m("rounded", """np.round rounds half the stage up: the rate drops in the middle of a stage
       (epoch 10 of time_interval = 10 already decays). The stage is the floor:
       np.floor((epoch_num - 1) / time_interval), or (epoch_num - 1) // time_interval.""",
       partial(_schedule, rounding=-1), partial(_schedule, rounding=0)),
    _m("precedence", """Brackets, and no floor: epoch_num - 1 / time_interval subtracts
       1 / time_interval from the epoch (division binds tighter than -), and the rate changes every
       epoch. Bracket the difference and floor it: np.floor((epoch_num - 1) / time_interval).""",
       partial(_schedule, precedence=True)),
    _m("decay_rate_power", """alpha0 * decay_rate ** stage multiplies by decay_rate at every stage
       (a staircase with drop = decay_rate); the schedule divides: alpha0 / (1 + decay_rate *
       stage).""",
       partial(_schedule, times_power=True)),
]

MISTAKES = {
    "schedule_lr_decay": _SCHEDULE_MISTAKES,
    "ewa": _EWA_MISTAKES,
    "ewa_bias_corrected": _EWA_BC_MISTAKES,
    "momentum_update": _MOMENTUM_MISTAKES,
    "rmsprop_update": _RMSPROP_MISTAKES,
    "adam_update": _ADAM_MISTAKES,
    "inverse_time_decay": _DECAY_MISTAKES,
    "classify_critical_point": _CLASSIFY_MISTAKES,
}

# Correct answers in another convention (the slide's): they pass, with this text as a note.
ALTERNATIVES = {
    "rmsprop_update": [_m("eps_inside_sqrt", _EPS_INSIDE_RMSPROP, partial(_rmsprop, eps="inside"))],
    "adam_update": [_m("eps_inside_sqrt", """You used the slide's form, epsilon inside the square root:
       np.sqrt(s_corrected + epsilon). The course, like Kingma & Ba and PyTorch, puts it outside:
       np.sqrt(s_corrected) + epsilon. The two differ only when s is tiny (near epsilon or below: gradients
       of about 1e-4 or smaller; here, the case with gradients of about 1e-6); either is right.""", partial(_adam, eps="inside"))],
}

# The switches' defaults are the correct formulas (tests compare them with the package).
CORRECT = {
    "schedule_lr_decay": _schedule,
    "ewa": _ewa,
    "ewa_bias_corrected": partial(_ewa, correction="t"),
    "momentum_update": _momentum,
    "rmsprop_update": _rmsprop,
    "adam_update": _adam,
    "inverse_time_decay": lambda a0, e, d: a0 / (1 + d * e),
    "classify_critical_point": lambda h: _classify_by(_eig(h)),
}

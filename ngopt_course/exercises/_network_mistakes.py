"""Wrong versions of the updates over a whole network, written as learners write them.

As in ``_mistakes.py``: one function per exercise with switches, whose defaults give the
correct update (the tests compare them with the references); a learner's results that
match a switched version on every case get that mistake's text. They all update the
dicts they are given in place, as the exercise asks, and return them.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ._mistakes import EFFICIENT_FORM, STEP_WITH_DW, _m

__all__ = ["NETWORK_MISTAKES", "NETWORK_ALTERNATIVES", "NETWORK_CORRECT"]


def _layers(params, skip_last=False):
    L = len(params) // 2
    return range(1, L if skip_last else L + 1)


def _momentum_net(params, grads, v, beta, learning_rate, *, update_b=True, skip_last=False, shared_v=False,
                  step_with_old_v=False, one_minus_beta=True, swap=False, sign=-1.0, store_v=True, lr_in_v=False,
                  step_with_grads=False, b_with_vW=False, order="params,v"):
    a, b = (1 - beta, beta) if swap else (beta, (1 - beta) if one_minus_beta else 1.0)
    carried = {}
    for l in _layers(params, skip_last):
        for p in ("W", "b") if update_b else ("W",):
            key = f"{p}{l}"
            previous = carried[p] if (shared_v and p in carried) else v[key]
            new_v = a * previous + b * (learning_rate * grads[key] if lr_in_v else grads[key])
            carried[p] = new_v
            direction = previous if step_with_old_v else new_v
            if step_with_grads:
                direction = grads[key]
            if b_with_vW and p == "b":
                direction = v[f"W{l}"] if store_v else carried["W"]
                direction = np.sum(direction, axis=1, keepdims=True)   # broadcast to b's shape, as a learner's
            params[key] = params[key] + sign * (direction if lr_in_v else learning_rate * direction)
            if store_v:
                v[key] = new_v
    return (params, v) if order == "params,v" else (v, params)


_SKIP_LAST = """The last layer is not updated: the loop stops one layer early
    (range(1, L) runs l = 1..L-1). Update every layer: for l in range(1, L + 1), with
    L = len(params) // 2."""
_B_NOT_UPDATED = """Only the weights W1..WL are updated; the biases b1..bL (and their
    averages) stay as they were. Every array of params takes the step: W[l] and b[l]."""
_SHARED = """One average is carried from layer to layer: layer l starts from the velocity
    just computed for layer l - 1 instead of its own v['W{l}']. Each array of params has its
    own average: v[key] = beta * v[key] + (1 - beta) * grads[key], with the same key."""
_NOT_STORED = """W moves but the v you return is the old one: the new average was kept in
    a local variable and never written back. Store it, v[key] = ..., so the next step
    continues from it."""

_ORDER = """The results come back in the wrong order: return {names}, in that order."""

_MOMENTUM_NET = [
    _m("b_not_updated", _B_NOT_UPDATED, partial(_momentum_net, update_b=False)),
    _m("last_layer_skipped", _SKIP_LAST, partial(_momentum_net, skip_last=True)),
    _m("v_shared_by_layers", _SHARED, partial(_momentum_net, shared_v=True)),
    _m("step_with_old_v", """W is updated with the old v (the step was taken before v was
       updated). Update v first, then step with the new v: W = W - learning_rate * v.""",
       partial(_momentum_net, step_with_old_v=True)),
    _m("one_minus_beta_missing", """The (1 - beta) factor is missing: v = beta * v + dW.
       The lecture's momentum averages the gradients: v = beta * v + (1 - beta) * dW.""",
       partial(_momentum_net, one_minus_beta=False)),
    _m("beta_swapped", """beta and (1 - beta) are swapped: v = (1 - beta) * v + beta * dW.
       Keep most of the old velocity: v = beta * v + (1 - beta) * dW.""",
       partial(_momentum_net, swap=True)),
    _m("sign_flipped", """The step goes uphill: W + learning_rate * v. Gradient descent
       subtracts: W = W - learning_rate * v.""", partial(_momentum_net, sign=+1.0)),
    _m("v_not_stored", _NOT_STORED, partial(_momentum_net, store_v=False)),
    _m("learning_rate_in_v", """The learning rate went into v: v = beta * v + (1 - beta) *
       learning_rate * dW, then W = W - v. v is the average of the gradients alone; the
       learning rate scales the step: W = W - learning_rate * v.""",
       partial(_momentum_net, lr_in_v=True)),
    _m("step_with_dW", STEP_WITH_DW.replace("dW", "grads[key]").replace("v has", "v[key] has"),
       partial(_momentum_net, step_with_grads=True)),
    _m("b_stepped_with_vW", """The biases were stepped with the weights' velocity, v['W' + str(l)]:
       each array steps along its own average, params['b1'] with v['b1'].""",
       partial(_momentum_net, b_with_vW=True)),
    _m("order_swapped", _ORDER.format(names="params, v"), partial(_momentum_net, order="v,params")),
]


def _adam_net(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon, *, update_b=True, skip_last=False,
              shared=False, step_with_old=False, t_shift=0, store_corrected=False, swap_betas=False,
              one_minus_beta=True, correct=True, eps="outside", square=True, sign=-1.0, store=True,
              layer_as_t=False, order="params,v,s", efficient=False):
    if swap_betas:
        beta1, beta2 = beta2, beta1
    c1, c2 = ((1 - beta1), (1 - beta2)) if one_minus_beta else (1.0, 1.0)
    carried = {}
    with np.errstate(all="ignore"):
        tc = np.float64(t + t_shift)
        for l in _layers(params, skip_last):
            for p in ("W", "b") if update_b else ("W",):
                key = f"{p}{l}"
                v_prev, s_prev = carried[p] if (shared and p in carried) else (v[key], s[key])
                g = grads[key]
                new_v = beta1 * v_prev + c1 * g
                new_s = beta2 * s_prev + c2 * (g**2 if square else g)
                carried[p] = (new_v, new_s)
                v_use, s_use = (v_prev, s_prev) if step_with_old else (new_v, new_s)
                tl = np.float64(l) if layer_as_t else tc
                if efficient:  # Kingma & Ba's efficient form with the plain epsilon
                    step = learning_rate * np.sqrt(1 - beta2**tl) / (1 - beta1**tl)
                    params[key] = params[key] + sign * step * v_use / (np.sqrt(s_use) + epsilon)
                    v[key], s[key] = new_v, new_s
                    continue
                if correct:
                    v_use, s_use = v_use / (1 - beta1**tl), s_use / (1 - beta2**tl)
                if eps == "outside":
                    denominator = np.sqrt(s_use) + epsilon
                elif eps == "inside":
                    denominator = np.sqrt(s_use + epsilon)
                else:
                    denominator = np.sqrt(s_use)
                params[key] = params[key] + sign * learning_rate * v_use / denominator
                if store:
                    if store_corrected:
                        v[key], s[key] = new_v / (1 - beta1**tc), new_s / (1 - beta2**tc)
                    else:
                        v[key], s[key] = new_v, new_s
    return (params, v, s) if order == "params,v,s" else (params, s, v)


_ADAM_NET = [
    _m("b_not_updated", _B_NOT_UPDATED, partial(_adam_net, update_b=False)),
    _m("last_layer_skipped", _SKIP_LAST, partial(_adam_net, skip_last=True)),
    _m("state_shared_by_layers", _SHARED.replace("velocity", "averages").replace("v['W{l}']", "v and s"),
       partial(_adam_net, shared=True)),
    _m("step_with_old_averages", """W is updated with the old v and s (the step was taken
       before they were updated). Update v and s first, then correct them and step.""",
       partial(_adam_net, step_with_old=True)),
    _m("t_from_0", """The bias correction uses t - 1: at the first step it divides by
       1 - beta ** 0 = 0. t is this step's number, counted from 1 (the caller increases it
       before each call): use 1 - beta1 ** t and 1 - beta2 ** t.""",
       partial(_adam_net, t_shift=-1)),
    _m("t_plus_1", """The bias correction uses t + 1: t is already this step's number
       (counted from 1), so use it as it is: 1 - beta1 ** t.""",
       partial(_adam_net, t_shift=+1)),
    _m("corrected_stored", """The v and s you return are the bias-corrected values. Keep
       (and return) the raw running averages: v_corrected and s_corrected serve only this
       step's update of W; the next step corrects again, with its own t.""",
       partial(_adam_net, store_corrected=True)),
    _m("betas_swapped", """beta1 and beta2 are swapped: v (the average of dW) uses beta1,
       s (the average of dW ** 2) uses beta2.""",
       partial(_adam_net, swap_betas=True)),
    _m("one_minus_beta_missing", """The (1 - beta) factors are missing. The averages are
       v = beta1 * v + (1 - beta1) * dW and s = beta2 * s + (1 - beta2) * dW ** 2.""",
       partial(_adam_net, one_minus_beta=False)),
    _m("no_bias_correction", """No bias correction: W was updated with v / (np.sqrt(s) +
       epsilon). Divide by 1 - beta1 ** t and 1 - beta2 ** t first.""",
       partial(_adam_net, correct=False)),
    _m("eps_missing", """epsilon is missing from the denominator: v_corrected /
       np.sqrt(s_corrected). Add it: v_corrected / (np.sqrt(s_corrected) + epsilon).""",
       partial(_adam_net, eps="missing")),
    _m("not_squared", """The gradient is not squared in s: s = beta2 * s + (1 - beta2) * dW.
       Average the squares: (1 - beta2) * dW ** 2.""", partial(_adam_net, square=False)),
    _m("sign_flipped", """The step goes uphill: W + learning_rate * (...). Gradient descent
       subtracts.""", partial(_adam_net, sign=+1.0)),
    _m("averages_not_stored", _NOT_STORED.replace("the v you return is the old one",
                                                  "the v and s you return are the old ones"),
       partial(_adam_net, store=False)),
    _m("layer_index_as_t", """The layer's index l was used as t in the bias correction
       (1 - beta1 ** l): t is the step's number, the same for every layer, given by the caller.
       Use 1 - beta1 ** t and 1 - beta2 ** t.""",
       partial(_adam_net, layer_as_t=True)),
    _m("order_swapped", _ORDER.format(names="params, v, s"), partial(_adam_net, order="params,s,v")),
    _m("efficient_form_plain_epsilon", EFFICIENT_FORM.replace("here the case with epsilon = 0.1 and the "
                                                              "tiny-gradient case", "here the tiny-gradient case "
                                                              "and the case with epsilon = 1e-3"),
       partial(_adam_net, efficient=True)),
]

# Correct answers written in another convention: they pass, with a note naming it.
EPS_INSIDE_NOTE = (
    "You used the slide's form, epsilon inside the square root: np.sqrt(s_corrected + epsilon). "
    "The course, like Kingma & Ba and PyTorch, puts it outside: np.sqrt(s_corrected) + epsilon. "
    "The two differ only when s is tiny (near epsilon or below: gradients of about 1e-4 or smaller; "
    "here, the case with gradients of about 1e-6); either is right.")

NETWORK_ALTERNATIVES = {
    "update_parameters_with_adam": [("eps_inside_sqrt", partial(_adam_net, eps="inside"), EPS_INSIDE_NOTE)],
}

NETWORK_MISTAKES = {
    "update_parameters_with_momentum": _MOMENTUM_NET,
    "update_parameters_with_adam": _ADAM_NET,
}

NETWORK_CORRECT = {
    "update_parameters_with_momentum": _momentum_net,
    "update_parameters_with_adam": _adam_net,
}

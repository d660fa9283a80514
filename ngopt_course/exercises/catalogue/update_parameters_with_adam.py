"""Adam over a whole network (notebook 06): bias-corrected, t from 1, raw v and s kept.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``). The dicts are keyed like ``params`` (``v["W1"]`` is v_dW1), updated in
place and returned; ``t`` is carried by the caller, from 1.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from .._compare import Outputs
from .._spec import Case, Exercise
from .._spec import mistake as _m
from .._spec import network_dict, zeros_like_dict
from .adam_update import EFFICIENT_FORM
from .update_parameters_with_momentum import B_NOT_UPDATED, NOT_STORED, ORDER, SHARED, SKIP_LAST, layers


EXERCISE = Exercise(
    "update_parameters_with_adam",
    "update_parameters_with_adam(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon)",
    Outputs("dicts", ("params", "v", "s")), ("grads",),
    mutation_hint="Compute into new arrays (grads[key] ** 2, not grads[key] **= 2).",
    asks=("(In place: the caller's params, v and s hold the new values; v and s are the raw averages, not "
          "the corrected ones.)"),
    kind="network_update")


def solution(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    """One Adam step on every layer, in place; ``t`` counted from 1. Returns raw ``(params, v, s)``."""
    L = len(params) // 2
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
            s[key] = beta2 * s[key] + (1 - beta2) * grads[key] ** 2
            v_corrected = v[key] / (1 - beta1**t)
            s_corrected = s[key] / (1 - beta2**t)
            params[key] = params[key] - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)
    return params, v, s


def cases():
    rng = np.random.default_rng(42)
    three, same, two, one = [3, 4, 2, 1], [3, 3, 3, 3], [2, 3, 1], [3, 1]
    d = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
    tiny_grads = {k: a * 1e-6 for k, a in network_dict(rng, two).items()}     # about 1e-6, not rounded to 0
    return [
        Case("first step t = 1: v = s = 0, layers [3, 4, 2, 1] (three layers of different shapes)", {
            "params": network_dict(rng, three), "grads": network_dict(rng, three),
            "v": zeros_like_dict(network_dict(rng, three)),
            "s": zeros_like_dict(network_dict(rng, three)), "t": 1, "learning_rate": 0.01, **d}),
        Case("step t = 5: v and s from earlier steps, layers [3, 3, 3, 3] (every layer the same shape)", {
            "params": network_dict(rng, same), "grads": network_dict(rng, same), "v": network_dict(rng, same, 0.3),
            "s": network_dict(rng, same, 0.05, kind="square"), "t": 5, "learning_rate": 0.001, **d}),
        Case("step t = 1000: the correction of s still matters, layers [2, 3, 1]", {
            "params": network_dict(rng, two), "grads": network_dict(rng, two), "v": network_dict(rng, two, 0.3),
            "s": network_dict(rng, two, 1.0, kind="square"), "t": 1000, "learning_rate": 0.01, **d}),
        Case("beta1 = 0.8, beta2 = 0.99, epsilon = 1e-3, t = 2, one layer (L = 1)", {
            "params": network_dict(rng, one), "grads": network_dict(rng, one), "v": network_dict(rng, one, 0.3),
            "s": network_dict(rng, one, 0.5, kind="square"), "t": 2, "learning_rate": 0.1,
            "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-3}),
        Case("tiny gradients (about 1e-6), t = 2, layers [2, 3, 1]: where epsilon goes shows", {
            "params": network_dict(rng, two), "grads": tiny_grads,
            "v": {k: a * 0.5 for k, a in tiny_grads.items()},
            "s": {k: np.full_like(a, 1e-12) for k, a in tiny_grads.items()}, "t": 2, "learning_rate": 0.01, **d}),
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
        for l in layers(params, skip_last):
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
    _m("b_not_updated", B_NOT_UPDATED, partial(_adam_net, update_b=False)),
    _m("last_layer_skipped", SKIP_LAST, partial(_adam_net, skip_last=True)),
    _m("state_shared_by_layers", SHARED.replace("velocity", "averages").replace("v['W{l}']", "v and s"),
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
    _m("averages_not_stored", NOT_STORED.replace("the v you return is the old one",
                                                  "the v and s you return are the old ones"),
       partial(_adam_net, store=False)),
    _m("layer_index_as_t", """The layer's index l was used as t in the bias correction
       (1 - beta1 ** l): t is the step's number, the same for every layer, given by the caller.
       Use 1 - beta1 ** t and 1 - beta2 ** t.""",
       partial(_adam_net, layer_as_t=True)),
    _m("order_swapped", ORDER.format(names="params, v, s"), partial(_adam_net, order="params,s,v")),
    _m("efficient_form_plain_epsilon", EFFICIENT_FORM.replace("here the case with epsilon = 0.1 and the "
                                                              "tiny-gradient case", "here the tiny-gradient case "
                                                              "and the case with epsilon = 1e-3"),
       partial(_adam_net, efficient=True)),
]

EPS_INSIDE_NOTE = (
    "You used the slide's form, epsilon inside the square root: np.sqrt(s_corrected + epsilon). "
    "The course, like Kingma & Ba and PyTorch, puts it outside: np.sqrt(s_corrected) + epsilon. "
    "The two differ only when s is tiny (near epsilon or below: gradients of about 1e-4 or smaller; "
    "here, the case with gradients of about 1e-6); either is right.")

MISTAKES = _ADAM_NET
ALTERNATIVES = [_m("eps_inside_sqrt", EPS_INSIDE_NOTE, partial(_adam_net, eps="inside"))]
CORRECT = _adam_net

"""Momentum over a whole network (notebook 04): every W[l] and b[l] with its own v.

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
from .momentum_update import STEP_WITH_DW


EXERCISE = Exercise(
    "update_parameters_with_momentum", "update_parameters_with_momentum(params, grads, v, beta, learning_rate)",
    Outputs("dicts", ("params", "v")), ("grads",),
    mutation_hint=("Compute into new arrays: v[key] = beta * v[key] + (1 - beta) * grads[key], not "
                   "grads[key] *= (1 - beta)."),
    asks="(In place: the caller's params and v hold the new values.)",
    kind="network_update")


def solution(params, grads, v, beta, learning_rate):
    """One momentum step on every layer, in place; returns ``(params, v)``."""
    L = len(params) // 2
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            v[key] = beta * v[key] + (1 - beta) * grads[key]
            params[key] = params[key] - learning_rate * v[key]
    return params, v


def cases():
    rng = np.random.default_rng(41)
    three, same, two, one = [3, 4, 2, 1], [3, 3, 3, 3], [2, 3, 1], [4, 1]
    return [
        Case("first step: v = 0, layers [3, 4, 2, 1] (three layers of different shapes)", {
            "params": network_dict(rng, three), "grads": network_dict(rng, three),
            "v": zeros_like_dict(network_dict(rng, three)),
            "beta": 0.9, "learning_rate": 0.1}),
        Case("a later step: v from earlier steps, layers [3, 3, 3, 3] (every layer the same shape)", {
            "params": network_dict(rng, same), "grads": network_dict(rng, same), "v": network_dict(rng, same, 0.5),
            "beta": 0.9, "learning_rate": 0.05}),
        Case("beta = 0: plain gradient descent, layers [2, 3, 1]", {
            "params": network_dict(rng, two), "grads": network_dict(rng, two), "v": network_dict(rng, two, 0.5),
            "beta": 0.0, "learning_rate": 0.1}),
        Case("one layer (L = 1), beta = 0.98", {
            "params": network_dict(rng, one), "grads": network_dict(rng, one), "v": network_dict(rng, one, 0.5),
            "beta": 0.98, "learning_rate": 0.5}),
    ]


def layers(params, skip_last=False):
    L = len(params) // 2
    return range(1, L if skip_last else L + 1)


def _momentum_net(params, grads, v, beta, learning_rate, *, update_b=True, skip_last=False, shared_v=False,
                  step_with_old_v=False, one_minus_beta=True, swap=False, sign=-1.0, store_v=True, lr_in_v=False,
                  step_with_grads=False, b_with_vW=False, order="params,v"):
    a, b = (1 - beta, beta) if swap else (beta, (1 - beta) if one_minus_beta else 1.0)
    carried = {}
    for l in layers(params, skip_last):
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


SKIP_LAST = """The last layer is not updated: the loop stops one layer early
    (range(1, L) runs l = 1..L-1). Update every layer: for l in range(1, L + 1), with
    L = len(params) // 2."""
B_NOT_UPDATED = """Only the weights W1..WL are updated; the biases b1..bL (and their
    averages) stay as they were. Every array of params takes the step: W[l] and b[l]."""
SHARED = """One average is carried from layer to layer: layer l starts from the velocity
    just computed for layer l - 1 instead of its own v['W{l}']. Each array of params has its
    own average: v[key] = beta * v[key] + (1 - beta) * grads[key], with the same key."""
NOT_STORED = """W moves but the v you return is the old one: the new average was kept in
    a local variable and never written back. Store it, v[key] = ..., so the next step
    continues from it."""

ORDER = """The results come back in the wrong order: return {names}, in that order."""

_MOMENTUM_NET = [
    _m("b_not_updated", B_NOT_UPDATED, partial(_momentum_net, update_b=False)),
    _m("last_layer_skipped", SKIP_LAST, partial(_momentum_net, skip_last=True)),
    _m("v_shared_by_layers", SHARED, partial(_momentum_net, shared_v=True)),
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
    _m("v_not_stored", NOT_STORED, partial(_momentum_net, store_v=False)),
    _m("learning_rate_in_v", """The learning rate went into v: v = beta * v + (1 - beta) *
       learning_rate * dW, then W = W - v. v is the average of the gradients alone; the
       learning rate scales the step: W = W - learning_rate * v.""",
       partial(_momentum_net, lr_in_v=True)),
    _m("step_with_dW", STEP_WITH_DW.replace("dW", "grads[key]").replace("v has", "v[key] has"),
       partial(_momentum_net, step_with_grads=True)),
    _m("b_stepped_with_vW", """The biases were stepped with the weights' velocity, v['W' + str(l)]:
       each array steps along its own average, params['b1'] with v['b1'].""",
       partial(_momentum_net, b_with_vW=True)),
    _m("order_swapped", ORDER.format(names="params, v"), partial(_momentum_net, order="v,params")),
]

MISTAKES = _MOMENTUM_NET
ALTERNATIVES = []
CORRECT = _momentum_net

"""One epoch of mini-batch gradient descent (notebook 01): shuffle, cut, one step per mini-batch.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the diagnosis
table (``RULES``: name, predicate over the recorded calls or over a variant of the
solution, advice; the hand-written wrong versions in tests/test_exercises_network.py each
get their row's name), the solution with switches the variants run (``variant``) and what
the returned costs are (``COSTS``). The check runs the learner's loop with the package's
building blocks, recording their calls (``_loop_check``).
"""

from __future__ import annotations

import numpy as np

from ...minibatch import random_mini_batches
from ...nn import cost_and_grads, initialize_parameters
from .._loop_rules import (
    Rule,
    batch_size_fixed,
    course_values,
    fixed,
    last_batch_dropped,
    moons,
    not_shuffled,
    whole_X_gradients,
)
from .._spec import Case, Exercise

EXERCISE = Exercise("mini_batch_epoch", "mini_batch_epoch(X, Y, params, learning_rate, mini_batch_size, seed)",
                    kind="loop", time_limit=5.0)
COSTS = "one per mini-batch"


def solution(X, Y, params, learning_rate, mini_batch_size, seed):
    """One epoch of mini-batch gradient descent; returns ``(params, costs)``, one J{t} per mini-batch."""
    costs = []
    for X_t, Y_t in random_mini_batches(X, Y, mini_batch_size, seed):
        cost, grads = cost_and_grads(X_t, Y_t, params)
        params = {key: params[key] - learning_rate * grads[key] for key in params}
        costs.append(cost)
    return params, costs


def cases():
    X, Y = moons()
    params = initialize_parameters([2, 4, 1], seed=5)
    return [
        Case("m = 40, mini_batch_size = 16: mini-batches of 16, 16 and 8",
                 {"X": X, "Y": Y, "params": params, "learning_rate": 0.5, "mini_batch_size": 16, "seed": 7}),
        Case("mini_batch_size = 64 > m: one mini-batch (batch gradient descent)",
                 {"X": X, "Y": Y, "params": params, "learning_rate": 0.5, "mini_batch_size": 64, "seed": 8}),
        Case("mini_batch_size = 10: four full mini-batches",
                 {"X": X, "Y": Y, "params": params, "learning_rate": 0.1, "mini_batch_size": 10, "seed": 9}),
    ]


def _seed_ignored(r):
    s = r.shuffles
    return bool(s) and not (s[0]["seed"] is r.args["seed"] or s[0]["seed"] == r.args["seed"]) and {
        "seed": s[0]["seed"]}


def _one_cost(r):
    return r.value is not None and len(r.value[1]) == 1 and r.T > 1


def _b_not_updated_epoch(r):
    if r.value is None:
        return False
    params, init = r.value[0], r.args["params"]
    return all(np.array_equal(params[k], init[k]) for k in params if k.startswith("b")) and any(
        not np.array_equal(params[k], init[k]) for k in params if k.startswith("W"))


def _cost_after_update(r):
    g = r.grads
    return (r.value is not None and len(g) == 2 * r.T and len(r.value[1]) == r.T
            and np.allclose(r.value[1], [x["cost"] for x in g[1::2]], rtol=1e-9))


def _params_never_change(r):
    g = r.grads
    return len(g) > 1 and g[0]["W1"] is not None and all(
        x["W1"] is not None and np.array_equal(x["W1"], g[0]["W1"]) for x in g)


RULES = [
    Rule("not_shuffled", not_shuffled, """The mini-batches are cut from X in its original order: shuffle
        first, random_mini_batches(X, Y, mini_batch_size, seed), then loop over what it returns."""),
    Rule("seed_ignored", _seed_ignored, """The shuffle used seed = {seed!r}, not the seed argument: pass seed
        on, random_mini_batches(X, Y, mini_batch_size, seed)."""),
    Rule("mini_batch_size_fixed", batch_size_fixed, """The mini-batches have size {size}, not the
        mini_batch_size argument: pass mini_batch_size on, random_mini_batches(X, Y, mini_batch_size, seed)."""),
    Rule("whole_X_gradients", whole_X_gradients, """The gradients were computed on the whole X, not on the
        mini-batch: call cost_and_grads(X_t, Y_t, params) with the mini-batch's X_t and Y_t inside the loop."""),
    Rule("last_batch_dropped", last_batch_dropped, """The last, partial mini-batch is never used: the epoch
        trained on mini-batches of {full}; random_mini_batches returned one more of {rest}. Loop over all of
        them."""),
    Rule("cost_after_update", _cost_after_update, """The cost you record is computed after the update, with
        the new parameters. Record the J{{t}} that cost_and_grads returned with the gradients, before the
        step: it is the cost the step was computed from."""),
    Rule("new_params_unused", _params_never_change, """Every mini-batch's gradients were computed with the
        same, initial parameters: the updated dict is made but never used. Assign it back (params = {{...}}) so
        the next mini-batch starts from the new parameters."""),
    Rule("one_cost", _one_cost, """You returned one cost; return the list of every J{{t}} of the epoch, one per
        mini-batch, in order."""),
    Rule("b_not_updated", _b_not_updated_epoch, """The biases were never updated: the step W := W - alpha dW
        is for every array of params, b included (for key in params: ...)."""),
    Rule("sign_flipped", lambda r: r.matches({"learning_rate": -r.args["learning_rate"]}), """The steps go
        uphill: W + learning_rate * dW. Gradient descent subtracts: W := W - learning_rate * dW."""),
    Rule("gradient_divided_by_m_again", lambda r: r.matches(divide_by_m=True), """The gradients were divided by
        the mini-batch size again: cost_and_grads already returns the mean gradient over the mini-batch
        (dW = (1/m_t) dZ A^T), so step with it as it is: W := W - learning_rate * dW."""),
    Rule("learning_rate_fixed", fixed("learning_rate", course_values("learning_rate", (0.5,))), """The learning
        rate is fixed at {value!r}, not the argument: the caller's learning_rate is never used. Write
        learning_rate, the parameter."""),
]


def variant(args, *, divide_by_m=False):
    """The solution with a switch: the gradients divided by m_t once more."""
    if not divide_by_m:
        params, costs = solution(**args)
        return params, np.asarray(costs, dtype=float)
    params = args["params"]
    costs = []
    for X_t, Y_t in random_mini_batches(args["X"], args["Y"], args["mini_batch_size"], args["seed"]):
        cost, grads = cost_and_grads(X_t, Y_t, params)
        scale = X_t.shape[1] if divide_by_m else 1
        params = {k: params[k] - args["learning_rate"] * grads[k] / scale for k in params}
        costs.append(cost)
    return params, np.asarray(costs, dtype=float)

MISTAKES = []        # the diagnoses are RULES
ALTERNATIVES = []
CORRECT = None

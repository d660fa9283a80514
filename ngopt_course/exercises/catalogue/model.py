"""The whole training loop (notebook 09): gd, momentum or Adam, an optional decay, one cost per epoch.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the diagnosis
table (``RULES``: name, predicate over the recorded calls or over a variant of the
solution, advice; the hand-written wrong versions in tests/test_exercises_network.py each
get their row's name), the solution with switches the variants run (``variant``) and what
the returned costs are (``COSTS``). The check runs the learner's loop with the package's
building blocks, recording their calls (``_loop_check``).
"""

from __future__ import annotations

import numbers

import numpy as np

from ...minibatch import random_mini_batches
from ...nn import cost_and_grads, initialize_parameters
from ...schedules import schedule_lr_decay
from .._loop_rules import (
    Rule,
    batch_size_fixed,
    course_values,
    fixed,
    last_batch_dropped,
    moons,
    not_shuffled,
)
from .._spec import Case, Exercise
from .initialize_adam import solution as initialize_adam
from .initialize_velocity import solution as initialize_velocity
from .update_parameters_with_adam import solution as update_parameters_with_adam
from .update_parameters_with_momentum import solution as update_parameters_with_momentum

EXERCISE = Exercise("model", "model(X, Y, layer_dims, optimizer, learning_rate, mini_batch_size, beta, beta1, beta2, "
                    "epsilon, num_epochs, decay, decay_rate, time_interval, seed)", kind="loop", time_limit=10.0)
COSTS = "one per epoch"
OPTIMIZER_NAMES = ("gd", "momentum", "adam")


def solution(X, Y, layer_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9, beta1=0.9,
          beta2=0.999, epsilon=1e-8, num_epochs=5000, decay=None, decay_rate=1.0, time_interval=1000, seed=3):
    """Train ``layer_dims`` on (X, Y); return ``(params, costs)``, one cost per epoch.

    ``optimizer`` is "gd", "momentum" or "adam"; ``decay`` is None or a function
    ``decay(learning_rate0, epoch_num, decay_rate, time_interval)`` (``schedule_lr_decay``),
    called once at the start of every epoch, epochs counted from 1. The cost of an epoch
    is the mean over its m examples: sum of J{t} * (examples in mini-batch t), over m.
    """
    if optimizer not in OPTIMIZER_NAMES:
        raise ValueError(f"optimizer == {optimizer!r}, must be one of {', '.join(map(repr, OPTIMIZER_NAMES))}")
    rng = np.random.default_rng(seed)          # one generator: the weights, then every shuffle
    params = initialize_parameters(layer_dims, seed=rng)
    m = X.shape[1]
    t = 0                                      # Adam's step counter, over the whole run
    if optimizer == "momentum":
        v = initialize_velocity(params)
    elif optimizer == "adam":
        v, s = initialize_adam(params)
    learning_rate0 = learning_rate
    costs = []
    for epoch_num in range(1, num_epochs + 1):
        if decay is not None:
            learning_rate = decay(learning_rate0, epoch_num, decay_rate, time_interval)
        cost_total = 0.0
        for X_t, Y_t in random_mini_batches(X, Y, mini_batch_size, rng):
            cost, grads = cost_and_grads(X_t, Y_t, params)
            cost_total += cost * X_t.shape[1]
            if optimizer == "gd":
                for key in params:
                    params[key] = params[key] - learning_rate * grads[key]
            elif optimizer == "momentum":
                params, v = update_parameters_with_momentum(params, grads, v, beta, learning_rate)
            else:
                t = t + 1
                params, v, s = update_parameters_with_adam(params, grads, v, s, t, learning_rate,
                                                           beta1, beta2, epsilon)
        costs.append(cost_total / m)
    return params, costs


_MODEL_ORDER = ("X", "Y", "layer_dims", "optimizer", "learning_rate", "mini_batch_size", "beta", "beta1", "beta2",
                "epsilon", "num_epochs", "decay", "decay_rate", "time_interval", "seed")


def cases():
    X, Y = moons()
    base = dict(X=X, Y=Y, layer_dims=[2, 4, 3, 1], mini_batch_size=16, beta=0.9, beta1=0.9, beta2=0.999,
                epsilon=1e-8, decay=None, decay_rate=1.0, time_interval=1000, seed=3)

    def case(label, **changes):
        args = {**base, **changes}
        return Case(label, {k: args[k] for k in _MODEL_ORDER})   # in the signature's order

    # Every argument is varied away from the notebook's defaults (learning_rate=0.0007,
    # mini_batch_size=64, beta = beta1 = 0.9, beta2=0.999, epsilon=1e-8, decay_rate=1,
    # time_interval=1000, seed=3) in at least one case, and beta differs from beta1, so
    # a hard-coded value or one hyperparameter passed for another shows (tests prove each).
    return [
        case("gradient descent, alpha = 0.3, 3 epochs of 3 mini-batches (16, 16, 8)",
             optimizer="gd", learning_rate=0.3, num_epochs=3),
        case("momentum, beta = 0.8, alpha = 0.05, 3 epochs, seed = 7",
             optimizer="momentum", learning_rate=0.05, beta=0.8, num_epochs=3, seed=7),
        case("Adam, alpha = 0.01, beta1 = 0.8, beta2 = 0.99, epsilon = 1e-3, 3 epochs (t runs 1..9)",
             optimizer="adam", learning_rate=0.01, beta1=0.8, beta2=0.99, epsilon=1e-3, num_epochs=3),
        case("Adam with decay=schedule_lr_decay, decay_rate = 0.5, time_interval = 2, 5 epochs, mini-batches "
             "of 10 (alpha0 for epochs 1-2, alpha0 / 1.5 for 3-4, alpha0 / 2 for 5)",
             optimizer="adam", learning_rate=0.05, num_epochs=5, decay="schedule_lr_decay", decay_rate=0.5,
             time_interval=2, mini_batch_size=10, seed=5),
    ]


def _ints(values):
    return all(isinstance(s, numbers.Integral) for s in values)


def _shuffled_once(r):
    return len(r.shuffles) == 1 and r.E > 1


def _shuffled_too_often(r):
    return len(r.shuffles) > r.E and {"count": len(r.shuffles)}


def _same_seed(r):
    seeds = [s["seed"] for s in r.shuffles]
    return bool(seeds) and _ints(seeds) and len({int(s) for s in seeds}) == 1 and {"seed": seeds[0]}


def _int_seed_per_epoch(r):
    seeds = [s["seed"] for s in r.shuffles]
    return bool(seeds) and _ints(seeds)


def _two_generators(r):
    return (bool(r.shuffles) and bool(r.inits) and isinstance(r.inits[0]["seed"], numbers.Integral)
            and isinstance(r.shuffles[0]["seed"], np.random.Generator))


def _xy_apart(r):
    columns = {tuple(c): j for j, c in enumerate(r.args["X"].T.tolist())}
    for g in r.grads:
        idx = [columns.get(tuple(c)) for c in g["X"].T.tolist()]
        if None not in idx and not np.array_equal(g["Y"], r.args["Y"][:, idx]):
            return True
    return False


def _global_layer_dims(r):
    dims = [i["layer_dims"] for i in r.inits]
    return bool(dims) and dims[0] != list(r.args["layer_dims"]) and {"dims": dims[0]}


def _num_epochs_fixed(r):
    return (len(r.shuffles) > r.E and len(r.grads) >= (len(r.shuffles) - 1) * r.T > 0
            and {"count": len(r.shuffles)})


def _state_reset(r):
    count = len(r.log.of("init_state"))
    return r.args["optimizer"] in ("momentum", "adam") and count > 1 and {"count": count}


def _adam_updates(r):
    return r.updates if r.args["optimizer"] == "adam" else []


def _betas_swapped(r):
    u, a = _adam_updates(r), r.args
    return bool(u) and a["beta1"] != a["beta2"] and all(x["beta1"] == a["beta2"] and x["beta2"] == a["beta1"]
                                                        for x in u)


def _beta_for_beta1(r):
    u, a = _adam_updates(r), r.args
    return bool(u) and a["beta"] != a["beta1"] and all(x["beta1"] == a["beta"] for x in u)


def _beta1_for_beta(r):
    u, a = r.updates, r.args
    return (a["optimizer"] == "momentum" and bool(u) and a["beta"] != a["beta1"]
            and all(x["beta"] == a["beta1"] for x in u))


def _hyper_fixed(name):
    def predicate(r):
        u = _adam_updates(r) if name != "beta" else (r.updates if r.args["optimizer"] == "momentum" else [])
        used = {x[name] for x in u}
        return len(used) == 1 and used != {r.args[name]} and {"value": used.pop()}
    return predicate


def _ts(r):
    u = _adam_updates(r)
    return [int(x["t"]) for x in u] if len(u) == r.E * r.T else None


def _t_is(pattern):
    def predicate(r):
        ts = _ts(r)
        if ts is None or ts == list(range(1, r.E * r.T + 1)):
            return False
        return pattern(ts, r.E, r.T) and {"ts": ts[:r.T + 1], "first": ts[0]}
    return predicate


def _t_wrong(r):
    ts = _ts(r)
    return ts is not None and ts != list(range(1, r.E * r.T + 1)) and {
        "ts": ", ".join(map(str, ts[:8])) + ("..." if len(ts) > 8 else "")}


def _decay_given(r):
    return r.args.get("decay") is not None


def _decay_epochs(r):
    return [np.asarray(d["epoch_num"]).item() if np.ndim(d["epoch_num"]) == 0 else None for d in r.decays]


def _decay_args_swapped(r):
    d = r.decays
    return (_decay_given(r) and bool(d) and [x["decay_rate"] for x in d] == list(range(1, r.E + 1))
            and all(x["epoch_num"] == r.args["decay_rate"] for x in d))


def _decay_interval_fixed(r):
    d = r.decays
    used = {x["time_interval"] for x in d}
    return _decay_given(r) and len(used) == 1 and used != {r.args["time_interval"]} and {"value": used.pop()}


def _decay_epochs_from_0(r):
    return _decay_given(r) and _decay_epochs(r) == list(range(r.E))


def _decay_compounds(r):
    return (_decay_given(r) and _decay_epochs(r) == list(range(1, r.E + 1))
            and any(d["learning_rate0"] != r.args["learning_rate"] for d in r.decays))


def _rates_per_update(r, shift=0):
    a = r.args
    return [a["learning_rate"] if e + shift < 1 else
            schedule_lr_decay(a["learning_rate"], e + shift, a["decay_rate"], a["time_interval"])
            for e in range(1, r.E + 1) for _ in range(r.T)]


def _used_rates(r):
    return [u["learning_rate"] for u in r.updates]


def _decay_one_epoch_late(r):
    used = _used_rates(r)
    return (_decay_given(r) and len(used) == r.E * r.T
            and np.allclose(used, _rates_per_update(r, shift=-1), rtol=1e-12)
            and not np.allclose(used, _rates_per_update(r), rtol=1e-12))


def _decayed_rate_unused(r):
    used = _used_rates(r)
    return (_decay_given(r) and _decay_epochs(r) == list(range(1, r.E + 1)) and len(used) == r.E * r.T
            and np.allclose(used, r.args["learning_rate"], rtol=1e-12)
            and not np.allclose(used, _rates_per_update(r), rtol=1e-12))


def _per_epoch_costs(r):
    if r.value is None or len(r.grads) != r.E * r.T or len(r.value[1]) != r.E:
        return None
    return [r.grads[e * r.T:(e + 1) * r.T] for e in range(r.E)]


def _cost_is(combine):
    """Predicate: the learner's costs are ``combine(epoch's (cost, m_t) pairs, m, T)``, not the expected."""
    def predicate(r):
        epochs = _per_epoch_costs(r)
        if epochs is None:
            return False
        values = [combine([(g["cost"], g["m_t"]) for g in ep], r.m, r.T) for ep in epochs]
        return (np.allclose(r.value[1], values, rtol=1e-9)
                and not np.allclose(values, r.expected[1], rtol=1e-9))
    return predicate


def _cost_on_whole_X(r):
    g = r.grads
    if r.value is None or r.T < 2 or len(g) != r.E * (r.T + 1):
        return False
    whole = [x for x in g if x["m_t"] == r.m]
    return len(whole) == r.E and np.allclose(r.value[1], [x["cost"] for x in whole], rtol=1e-9)


def _gd_b_not_updated(r):
    return (r.value is not None and r.args["optimizer"] == "gd"
            and all(np.all(r.value[0][k] == 0) for k in r.value[0] if k.startswith("b")))


_SHUFFLE_ADVICE = """rng = np.random.default_rng(seed); initialize_parameters(layer_dims, seed=rng); then
    random_mini_batches(X, Y, mini_batch_size, rng) every epoch."""

RULES = [
    # -- what the loop was given
    Rule("layer_dims_global", _global_layer_dims, """The network was built with layer_dims = {dims}, not the
        layer_dims argument (the notebook's LAYER_DIMS?): use the parameter,
        initialize_parameters(layer_dims, seed=rng)."""),
    Rule("num_epochs_fixed", _num_epochs_fixed, """Your loop ran {count} epochs or more for num_epochs =
        {E}: the number of epochs is fixed (num_epochs = 5000?), not the argument. Loop over range(1,
        num_epochs + 1)."""),
    Rule("mini_batch_size_fixed", batch_size_fixed, """The mini-batches have size {size}, not the
        mini_batch_size argument (a hard-coded 64?): pass mini_batch_size on to random_mini_batches."""),
    # -- the shuffles and the generator
    Rule("shuffled_once", _shuffled_once, """The examples are shuffled once, before the epochs loop: every epoch
        sees the same mini-batches. Shuffle at the start of every epoch: call random_mini_batches(X, Y,
        mini_batch_size, rng) inside the epochs loop."""),
    Rule("shuffled_every_iteration", _shuffled_too_often, """random_mini_batches was called {count} times in
        {E} epochs: once per epoch is enough (it returns all the mini-batches of the epoch)."""),
    Rule("same_shuffle_every_epoch", _same_seed, """Every epoch was shuffled with the same seed ({seed}), so
        every epoch sees the same mini-batches. Make one generator, rng = np.random.default_rng(seed), and pass
        rng itself to random_mini_batches: each call draws a new shuffle."""),
    Rule("int_seed_per_epoch", _int_seed_per_epoch, """Each epoch was shuffled with its own integer seed (as
        the Coursera assignment does with seed + 1): a fresh shuffle, but not the shuffles of train. Use one
        generator for the whole run: """ + _SHUFFLE_ADVICE),
    Rule("two_generators", _two_generators, """The weights were drawn with seed=seed and the shuffles with a
        separate generator. train draws both from one generator, in that order: """ + _SHUFFLE_ADVICE),
    Rule("not_shuffled", not_shuffled, """The mini-batches are cut from X in its original order: shuffle
        first, at the start of every epoch (random_mini_batches(X, Y, mini_batch_size, rng))."""),
    Rule("xy_different_permutations", _xy_apart, """X and Y were not shuffled with the same permutation: the
        labels in Y_t do not belong to the examples in X_t. Draw one permutation and index both:
        X[:, permutation], Y[:, permutation] (random_mini_batches does it)."""),
    Rule("last_batch_dropped", last_batch_dropped, """The last, partial mini-batch is never used: each epoch
        trained on mini-batches of {full}, not {want}. Loop over every mini-batch random_mini_batches
        returns."""),
    # -- the optimizer's state and hyperparameters
    Rule("state_reset_every_epoch", _state_reset, """The optimizer's averages were initialised {count} times:
        v (and s) must carry on from step to step over the whole run. Initialise them once, before the epochs
        loop."""),
    Rule("betas_swapped_in_call", _betas_swapped, """beta1 and beta2 are swapped in the call of
        update_parameters_with_adam: pass them in its order, (..., learning_rate, beta1, beta2, epsilon)."""),
    Rule("beta_for_beta1", _beta_for_beta1, """update_parameters_with_adam got beta (momentum's beta) as its
        beta1: Adam's first moment uses beta1, its own argument. Pass beta1."""),
    Rule("beta1_for_momentum", _beta1_for_beta, """update_parameters_with_momentum got beta1 (Adam's) as its
        beta: momentum uses beta, its own argument. Pass beta."""),
    Rule("beta_fixed", _hyper_fixed("beta"), """update_parameters_with_momentum got beta = {value!r}, not the
        beta argument: beta is fixed, not passed on. Pass beta."""),
    Rule("beta1_fixed", _hyper_fixed("beta1"), """update_parameters_with_adam got beta1 = {value!r}, not the
        beta1 argument: pass beta1 on."""),
    Rule("beta2_fixed", _hyper_fixed("beta2"), """update_parameters_with_adam got beta2 = {value!r}, not the
        beta2 argument: beta2 is fixed (0.999?), not passed on. Pass beta2."""),
    Rule("epsilon_fixed", _hyper_fixed("epsilon"), """update_parameters_with_adam got epsilon = {value!r}, not
        the epsilon argument: epsilon is fixed at 1e-8, not the argument. Pass epsilon."""),
    Rule("t_not_increased", _t_is(lambda ts, E, T: len(set(ts)) == 1), """t is never increased: every update
        got t = {first}. t counts the updates: increase it by one before each call (t = t + 1 inside the
        mini-batch loop), so the bias correction fades as on the slide."""),
    Rule("t_per_epoch", _t_is(lambda ts, E, T: ts in ([e for e in range(1, E + 1) for _ in range(T)],
                                                        [e for e in range(E) for _ in range(T)])),
         """t is increased once per epoch (the updates got t = {ts}...): t counts updates, not epochs.
         Increase it before every update, inside the mini-batch loop."""),
    Rule("t_from_0", _t_is(lambda ts, E, T: ts == list(range(E * T))), """The first update got t = 0 (t is
        increased after the update): the bias correction then divides by 1 - beta1 ** 0 = 0. Increase t
        before the call, so the first update has t = 1."""),
    Rule("t_reset_each_epoch", _t_is(lambda ts, E, T: ts in (list(range(1, T + 1)) * E, list(range(T)) * E)),
         """t starts again every epoch. It counts the updates of the whole run: set t = 0 once, before the
         epochs loop."""),
    Rule("t_wrong", _t_wrong, """The updates got t = {ts}; expected 1, 2, 3, ... (one more per update)."""),
    # -- the schedule
    Rule("schedule_arguments_swapped", _decay_args_swapped, """decay got epoch_num and decay_rate swapped: call
        it in the schedules' order, decay(learning_rate0, epoch_num, decay_rate, time_interval)."""),
    Rule("decay_ignored", lambda r: _decay_given(r) and not r.decays, """decay was given but never called: at
        the start of every epoch set learning_rate = decay(learning_rate0, epoch_num, decay_rate,
        time_interval)."""),
    Rule("schedule_every_iteration", lambda r: _decay_given(r) and len(r.decays) == r.E * r.T, """The schedule
        is applied at every mini-batch (its epoch_num was the iteration or it was called inside the mini-batch
        loop). It changes alpha once per epoch: call decay(...) at the start of each epoch, outside the
        mini-batch loop."""),
    Rule("time_interval_fixed", _decay_interval_fixed, """decay got time_interval = {value!r}, not the
        time_interval argument: pass time_interval on."""),
    Rule("schedule_epochs_from_0", _decay_epochs_from_0, """The schedule got epochs 0, 1, 2, ...: the course
        counts epochs from 1 (for epoch_num in range(1, num_epochs + 1)), and schedule_lr_decay expects
        that."""),
    Rule("decay_one_epoch_late", _decay_one_epoch_late, """The decay is applied at the end of each epoch (the
        Coursera assignment's order), so every epoch trains with the previous epoch's rate: epoch 1 with
        alpha0, epoch 2 with epoch 1's rate... The course calls decay at the start of each epoch, before its
        mini-batches: learning_rate = decay(learning_rate0, epoch_num, decay_rate, time_interval), then the
        mini-batch loop."""),
    Rule("decay_from_current_rate", _decay_compounds, """The schedule was given the current, already decayed
        learning rate instead of learning_rate0, so the decays compound. Keep learning_rate0 = learning_rate
        from the start and call decay(learning_rate0, epoch_num, ...)."""),
    Rule("decayed_rate_not_used", _decayed_rate_unused, """The schedule was called but every update got
        learning_rate0: assign its result (learning_rate = decay(...)) and pass that learning_rate to the
        update."""),
    # -- the costs
    Rule("costs_per_mini_batch", lambda r: r.value is not None and len(r.value[1]) == r.E * r.T != r.E and {
        "count": len(r.value[1])}, """You returned {count} costs, one per mini-batch; return one per epoch
        ({E}): the mean cost of the epoch's examples."""),
    Rule("cost_on_whole_X", _cost_on_whole_X, """The epoch's cost was computed on the whole X after the epoch,
        with the final parameters of the epoch. The course records the mean of the costs the epoch's
        mini-batches were trained on: add cost * X_t.shape[1] inside the loop, divide by m after it."""),
    Rule("cost_unweighted_mean", _cost_is(lambda cm, m, T: np.mean([c for c, _ in cm])), """The epoch's cost is
        the plain mean of its mini-batch costs, so the partial mini-batch counts as much as a full one. Weight
        each J{{t}} by its number of examples: sum of cost * X_t.shape[1], divided by m."""),
    Rule("cost_over_num_batches", _cost_is(lambda cm, m, T: sum(c * k for c, k in cm) / T), """The epoch's
        total cost was divided by the number of mini-batches. It is the mean over the examples: sum of
        cost * X_t.shape[1], divided by m (the number of examples)."""),
    Rule("cost_sum_over_m", _cost_is(lambda cm, m, T: sum(c for c, _ in cm) / m), """The epoch's cost is the sum
        of the mini-batch costs divided by m. Each J{{t}} is already a mean over its mini-batch: multiply it by
        the mini-batch's size first (cost * X_t.shape[1]), then divide the total by m."""),
    Rule("cost_not_divided_by_m", _cost_is(lambda cm, m, T: sum(c * k for c, k in cm)), """The epoch's cost is
        the sum of cost * X_t.shape[1] without the division by m: divide the total by m, the number of
        examples."""),
    Rule("cost_not_averaged", _cost_is(lambda cm, m, T: sum(c for c, _ in cm)), """The epoch's cost is the sum
        of its mini-batch costs. Average it over the examples: sum of cost * X_t.shape[1], divided by m."""),
    Rule("cost_last_mini_batch", _cost_is(lambda cm, m, T: cm[-1][0]), """The recorded cost is the last
        mini-batch's J{{t}}. Record the epoch's mean over all its examples: sum of cost * X_t.shape[1] over the
        mini-batches, divided by m."""),
    Rule("b_not_updated", _gd_b_not_updated, """The biases b1..bL were never updated (they are still 0): the
        step W := W - alpha dW is for every array of params, b included."""),
    # -- a hyperparameter hard-coded where no call shows it (gd's step, the seed)
    Rule("learning_rate_fixed", fixed("learning_rate", course_values("learning_rate", (0.05,))), """The
        learning rate is fixed at {value!r}, not the argument: the caller's learning_rate is never used. Write
        learning_rate, the parameter."""),
    Rule("seed_fixed", fixed("seed", (3, 0, 1, 7)), """The run is seeded with {value!r}, not the seed argument:
        rng = np.random.default_rng(seed), with the parameter."""),
]


def variant(args, **how):
    """The solution on ``args`` (a case's arguments, the decay given by name)."""
    a = dict(args)
    if a.get("decay") == "schedule_lr_decay":
        a["decay"] = schedule_lr_decay
    params, costs = solution(**a)
    return params, np.asarray(costs, dtype=float)

MISTAKES = []        # the diagnoses are RULES
ALTERNATIVES = []
CORRECT = None

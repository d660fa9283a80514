"""Checks of the training loops: one epoch (notebook 01) and the whole ``model`` (notebook 09).

A loop is checked with the package's building blocks, so only the loop is judged: the
learner's function runs with copies of its globals in which ``random_mini_batches``,
``initialize_parameters``, ``cost_and_grads``, the update functions and the schedule are
the model solutions, each wrapped to record its calls (which seed shuffled, which
mini-batch sizes came through, which ``t`` and learning rate each update got, which epoch
the schedule saw). The results (costs, final parameters) are compared with the model
solution's; when they differ, the recorded calls name the mistake: shuffled once, the last
partial mini-batch dropped, t not increased or increased once per epoch, the schedule
applied every iteration or from epoch 0, the cost averaged unweighted, and more. A helper
function of the learner's that calls these pieces itself is not instrumented; its
mistakes are still caught by the comparison.
"""

from __future__ import annotations

import types
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from . import _network_references as refs
from ..data import make_moons
from ..minibatch import iter_mini_batches, num_mini_batches
from ..nn import cost_and_grads as _package_cost_and_grads, initialize_parameters as _package_init
from ._compare import _array_difference
from ._result import CheckResult
from ._runner import describe_exception, output_lines, run, timeout_text

__all__ = ["check_model", "check_mini_batch_epoch", "MODEL_CASES", "EPOCH_CASES"]

MODEL_SIGNATURE = ("model(X, Y, layer_dims, optimizer, learning_rate, mini_batch_size, beta, beta1, beta2, "
                   "epsilon, num_epochs, decay, decay_rate, time_interval, seed)")
EPOCH_SIGNATURE = "mini_batch_epoch(X, Y, params, learning_rate, mini_batch_size, seed)"


@dataclass
class _Log:
    events: list = field(default_factory=list)

    def add(self, kind, **info):
        self.events.append((kind, info))

    def of(self, kind):
        return [info for k, info in self.events if k == kind]


def _instrumented(log):
    """The building blocks, recording their calls into ``log``."""

    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        log.add("shuffle", seed=seed, size=mini_batch_size)
        return list(iter_mini_batches(X, Y, mini_batch_size, seed))

    def iter_mini_batches_(X, Y, mini_batch_size=64, seed=0, *, shuffle=True):
        if shuffle:
            log.add("shuffle", seed=seed, size=mini_batch_size)
        return iter_mini_batches(X, Y, mini_batch_size, seed, shuffle=shuffle)

    def initialize_parameters(layer_dims, seed=0, **kwargs):
        log.add("init", seed=seed)
        return _package_init(layer_dims, seed, **kwargs)

    def cost_and_grads(X, Y, params, *args, **kwargs):
        cost, grads = _package_cost_and_grads(X, Y, params, *args, **kwargs)
        log.add("grads", m_t=np.shape(X)[1], cost=cost, X=np.array(X, copy=True), Y=np.array(Y, copy=True))
        return cost, grads

    def initialize_velocity(params):
        log.add("init_state")
        return refs.initialize_velocity(params)

    def initialize_adam(params):
        log.add("init_state")
        return refs.initialize_adam(params)

    def update_parameters_with_momentum(params, grads, v, beta, learning_rate):
        log.add("update", learning_rate=learning_rate, beta=beta)
        return refs.update_parameters_with_momentum(params, grads, v, beta, learning_rate)

    def update_parameters_with_adam(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
        log.add("update", t=t, learning_rate=learning_rate, beta1=beta1, beta2=beta2)
        return refs.update_parameters_with_adam(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon)

    def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        log.add("decay", learning_rate0=learning_rate0, epoch_num=epoch_num, decay_rate=decay_rate)
        if not np.all(np.asarray(epoch_num) >= 1):
            return learning_rate0  # recorded above; the package would refuse epoch 0
        return refs.schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval)

    return {
        "random_mini_batches": random_mini_batches, "iter_mini_batches": iter_mini_batches_,
        "initialize_parameters": initialize_parameters, "cost_and_grads": cost_and_grads,
        "initialize_velocity": initialize_velocity, "initialize_adam": initialize_adam,
        "update_parameters_with_momentum": update_parameters_with_momentum,
        "update_parameters_with_adam": update_parameters_with_adam, "schedule_lr_decay": schedule_lr_decay,
    }


def _rebound(fn, blocks):
    """``fn`` with the building blocks of its globals replaced (only names it can see)."""
    if not isinstance(fn, types.FunctionType):
        return fn
    namespace = dict(fn.__globals__)
    for name, block in blocks.items():
        if name in namespace:
            namespace[name] = block
    new = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LoopCase:
    label: str
    args: dict


def _data():
    return make_moons(40, 0.2, seed=1)   # m = 40: mini-batches of 16, 16 and 8


_MODEL_ORDER = ("X", "Y", "layer_dims", "optimizer", "learning_rate", "mini_batch_size", "beta", "beta1", "beta2",
                "epsilon", "num_epochs", "decay", "decay_rate", "time_interval", "seed")


def MODEL_CASES():
    X, Y = _data()
    base = dict(X=X, Y=Y, layer_dims=[2, 4, 3, 1], mini_batch_size=16, beta=0.9, beta1=0.9, beta2=0.999,
                epsilon=1e-8, decay=None, decay_rate=1.0, time_interval=1000, seed=3)

    def case(label, **changes):
        args = {**base, **changes}
        return LoopCase(label, {k: args[k] for k in _MODEL_ORDER})   # in the signature's order

    return [
        case("gradient descent, alpha = 0.1, 3 epochs of 3 mini-batches (16, 16, 8)",
             optimizer="gd", learning_rate=0.1, num_epochs=3),
        case("momentum, beta = 0.9, alpha = 0.1, 3 epochs", optimizer="momentum", learning_rate=0.1, num_epochs=3),
        case("Adam, alpha = 0.01, 3 epochs (t runs 1..9)", optimizer="adam", learning_rate=0.01, num_epochs=3),
        case("Adam with decay=schedule_lr_decay, decay_rate = 1, time_interval = 2, 5 epochs "
             "(alpha0 for epochs 1-2, alpha0 / 2 for 3-4, alpha0 / 3 for 5)",
             optimizer="adam", learning_rate=0.05, num_epochs=5, decay="schedule_lr_decay", time_interval=2),
    ]


def EPOCH_CASES():
    X, Y = _data()
    params = _package_init([2, 4, 1], seed=5)
    return [
        LoopCase("m = 40, mini_batch_size = 16: mini-batches of 16, 16 and 8",
                 {"X": X, "Y": Y, "params": params, "learning_rate": 0.5, "mini_batch_size": 16, "seed": 7}),
        LoopCase("mini_batch_size = 64 > m: one mini-batch (batch gradient descent)",
                 {"X": X, "Y": Y, "params": params, "learning_rate": 0.5, "mini_batch_size": 64, "seed": 8}),
        LoopCase("mini_batch_size = 10: four full mini-batches",
                 {"X": X, "Y": Y, "params": params, "learning_rate": 0.1, "mini_batch_size": 10, "seed": 9}),
    ]


def _describe(case):
    a = case.args
    lines = [f"  X: shape {a['X'].shape} (two moons), Y: shape {a['Y'].shape}"]
    for k, v in a.items():
        if k in ("X", "Y"):
            continue
        if k == "params":
            v = "W1 (4, 2), b1 (4, 1), W2 (1, 4), b2 (1, 1)"
        lines.append(f"  {k} = {v!s}" if k == "params" or k == "decay" else f"  {k} = {v!r}")
    return "\n".join(lines)


def _copies(args, log):
    out = {}
    for k, v in args.items():
        if isinstance(v, np.ndarray):
            out[k] = np.array(v, copy=True)
        elif isinstance(v, dict):
            out[k] = {kk: np.array(a, copy=True) for kk, a in v.items()}
        elif k == "decay" and v == "schedule_lr_decay":
            out[k] = _instrumented(log)["schedule_lr_decay"]
        else:
            out[k] = v
    return out


def _reference_args(args):
    out = dict(args)
    if out.get("decay") == "schedule_lr_decay":
        out["decay"] = refs.schedule_lr_decay
    return out


# ---------------------------------------------------------------------------
# Reading the result
# ---------------------------------------------------------------------------

class _Bad(Exception):
    def __init__(self, key, text):
        super().__init__(" ".join(text.split()))
        self.key, self.text = key, " ".join(text.split())


def _read(value, keys):
    if value is None:
        raise _Bad("returned_none", "Your function returned None: did you forget `return params, costs` at the end?")
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise _Bad("wrong_type", f"Your function returned {type(value).__name__}"
                                 f"{' of length ' + str(len(value)) if hasattr(value, '__len__') else ''}; "
                                 "expected two values: return params, costs.")
    params, costs = value
    if not isinstance(params, Mapping) or set(params) != set(keys):
        raise _Bad("wrong_type", f"The params you returned should be the network's dict with keys {list(keys)}.")
    try:
        costs = np.asarray(costs, dtype=float).ravel()
    except (TypeError, ValueError):
        raise _Bad("wrong_type", "The costs you returned are not a list of numbers.") from None
    return {k: np.asarray(params[k], dtype=float) for k in keys}, costs


# ---------------------------------------------------------------------------
# Diagnoses from the recorded calls
# ---------------------------------------------------------------------------

def _t_problem(ts, E, T):
    want = list(range(1, E * T + 1))
    if ts == want:
        return None
    if len(ts) == E * T:
        if len(set(ts)) == 1:
            return "t_not_increased", f"""t is never increased: every update got t = {ts[0]}. t counts the
                updates: increase it by one before each call (t = t + 1 inside the mini-batch loop), so the
                bias correction fades as on the slide."""
        if ts == [e for e in range(1, E + 1) for _ in range(T)] or ts == [e for e in range(E) for _ in range(T)]:
            return "t_per_epoch", f"""t is increased once per epoch (the updates got t = {ts[:T + 1]}...): t
                counts updates, not epochs. Increase it before every update, inside the mini-batch loop."""
        if ts == list(range(E * T)):
            return "t_from_0", """The first update got t = 0 (t is increased after the update): the bias
                correction then divides by 1 - beta1 ** 0 = 0. Increase t before the call, so the first
                update has t = 1."""
        if ts == list(range(1, T + 1)) * E or ts == list(range(T)) * E:
            return "t_reset_each_epoch", """t starts again every epoch. It counts the updates of the whole run:
                set t = 0 once, before the epochs loop."""
    return "t_wrong", f"The updates got t = {ts[:8]}{'...' if len(ts) > 8 else ''}; expected 1, 2, 3, ... (one more per update)."


def _diagnose_model(case, log, value, expected_costs, m, T):
    a = case.args
    E = a["num_epochs"]
    shuffles, inits, grads = log.of("shuffle"), log.of("init"), log.of("grads")
    # -- the shuffles and the generator
    if shuffles:
        init_seed = inits[0]["seed"] if inits else None
        shuffle_seeds = [s["seed"] for s in shuffles]
        if len(shuffles) == 1 and E > 1:
            return "shuffled_once", """The examples are shuffled once, before the epochs loop: every epoch sees
                the same mini-batches. Shuffle at the start of every epoch: call random_mini_batches(X, Y,
                mini_batch_size, rng) inside the epochs loop."""
        if len(shuffles) > E:
            return "shuffled_every_iteration", f"""random_mini_batches was called {len(shuffles)} times in {E}
                epochs: once per epoch is enough (it returns all the mini-batches of the epoch)."""
        if all(isinstance(s, (int, np.integer)) for s in shuffle_seeds):
            if len(set(int(s) for s in shuffle_seeds)) == 1:
                return "same_shuffle_every_epoch", f"""Every epoch was shuffled with the same seed
                    ({shuffle_seeds[0]}), so every epoch sees the same mini-batches. Make one generator,
                    rng = np.random.default_rng(seed), and pass rng itself to random_mini_batches: each call
                    draws a new shuffle."""
            return "int_seed_per_epoch", """Each epoch was shuffled with its own integer seed (as the Coursera
                assignment does with seed + 1): a fresh shuffle, but not the shuffles of train. Use one
                generator for the whole run, rng = np.random.default_rng(seed): initialize_parameters(layer_dims,
                seed=rng), then random_mini_batches(X, Y, mini_batch_size, rng) every epoch."""
        if isinstance(init_seed, (int, np.integer)) and isinstance(shuffle_seeds[0], np.random.Generator):
            return "two_generators", """The weights were drawn with seed=seed and the shuffles with a separate
                generator. train draws both from one generator, in that order: rng =
                np.random.default_rng(seed); initialize_parameters(layer_dims, seed=rng); then
                random_mini_batches(X, Y, mini_batch_size, rng) every epoch."""
    elif grads and not shuffles:
        X = a["X"]
        first = grads[0]["X"]
        if np.array_equal(first, X[:, :first.shape[1]]):
            return "not_shuffled", """The mini-batches are cut from X in its original order: shuffle first,
                at the start of every epoch (random_mini_batches(X, Y, mini_batch_size, rng))."""
    # -- X and Y paired
    columns = {tuple(c): j for j, c in enumerate(a["X"].T.tolist())}
    for g in grads:
        idx = [columns.get(tuple(c)) for c in g["X"].T.tolist()]
        if None not in idx and not np.array_equal(g["Y"], a["Y"][:, idx]):
            return "xy_different_permutations", """X and Y were not shuffled with the same permutation: the
                labels in Y_t do not belong to the examples in X_t. Draw one permutation and index both:
                X[:, permutation], Y[:, permutation] (random_mini_batches does it)."""
    # -- the mini-batches of each epoch
    sizes = [g["m_t"] for g in grads]
    full = [min(a["mini_batch_size"], m)] * (m // a["mini_batch_size"])
    want = full + ([m % a["mini_batch_size"]] if m % a["mini_batch_size"] and a["mini_batch_size"] < m else [])
    if sizes and sizes == full * E and want != full:
        return "last_batch_dropped", f"""The last, partial mini-batch is never used: each epoch trained on
            mini-batches of {full}, not {want}. Loop over every mini-batch random_mini_batches returns."""
    # -- the optimizer's state
    if a["optimizer"] in ("momentum", "adam") and len(log.of("init_state")) > 1:
        return "state_reset_every_epoch", f"""The optimizer's averages were initialised
            {len(log.of('init_state'))} times: v (and s) must carry on from step to step over the whole run.
            Initialise them once, before the epochs loop."""
    updates = log.of("update")
    if a["optimizer"] == "adam" and updates and a["beta1"] != a["beta2"] and all(
            u["beta1"] == a["beta2"] and u["beta2"] == a["beta1"] for u in updates):
        return "betas_swapped_in_call", """beta1 and beta2 are swapped in the call of
            update_parameters_with_adam: pass them in its order, (..., learning_rate, beta1, beta2, epsilon)."""
    if a["optimizer"] == "adam" and len(updates) == E * T:
        found = _t_problem([int(u["t"]) for u in updates], E, T)
        if found:
            return found
    # -- the schedule
    decays = log.of("decay")
    if a["decay"] is not None:
        epochs = [int(np.asarray(d["epoch_num"])) for d in decays]
        if decays and [d["decay_rate"] for d in decays] == list(range(1, E + 1)) and all(
                d["epoch_num"] == a["decay_rate"] for d in decays):
            return "schedule_arguments_swapped", """decay got epoch_num and decay_rate swapped: call it in
                the schedules' order, decay(learning_rate0, epoch_num, decay_rate, time_interval)."""
        if not decays:
            return "decay_ignored", """decay was given but never called: at the start of every epoch set
                learning_rate = decay(learning_rate0, epoch_num, decay_rate, time_interval)."""
        if len(decays) == E * T:
            return "schedule_every_iteration", """The schedule is applied at every mini-batch (its epoch_num
                was the iteration or it was called inside the mini-batch loop). It changes alpha once per
                epoch: call decay(...) at the start of each epoch, outside the mini-batch loop."""
        if epochs == list(range(E)):
            return "schedule_epochs_from_0", """The schedule got epochs 0, 1, 2, ...: the course counts epochs
                from 1 (for epoch_num in range(1, num_epochs + 1)), and schedule_lr_decay expects that."""
        if epochs == list(range(1, E + 1)) and any(d["learning_rate0"] != a["learning_rate"] for d in decays):
            return "decay_from_current_rate", """The schedule was given the current, already decayed learning
                rate instead of learning_rate0, so the decays compound. Keep learning_rate0 =
                learning_rate from the start and call decay(learning_rate0, epoch_num, ...)."""
        if epochs == list(range(1, E + 1)) and updates:
            rates = [refs.schedule_lr_decay(a["learning_rate"], e, a["decay_rate"], a["time_interval"])
                     for e in range(1, E + 1) for _ in range(T)]
            used = [u["learning_rate"] for u in updates]
            if len(used) == len(rates) and not np.allclose(used, rates, rtol=1e-12):
                return "decayed_rate_not_used", """The schedule was called but the updates did not get its
                    learning rate: assign it (learning_rate = decay(...)) and pass that learning_rate to the
                    update."""
    # -- the costs
    if value is not None:
        params, costs = value
        if len(costs) == E * T and len(costs) != E:
            return "costs_per_mini_batch", f"""You returned {len(costs)} costs, one per mini-batch; return one per
                epoch ({E}): the mean cost of the epoch's examples."""
        per_epoch = [grads[e * T:(e + 1) * T] for e in range(E)] if len(grads) == E * T else None
        if per_epoch and len(costs) == E:
            variants = {
                "cost_unweighted_mean": ([np.mean([g["cost"] for g in ep]) for ep in per_epoch],
                    """The epoch's cost is the plain mean of its mini-batch costs, so the partial mini-batch
                    counts as much as a full one. Weight each J{t} by its number of examples: sum of
                    cost * X_t.shape[1], divided by m."""),
                "cost_sum_over_m": ([sum(g["cost"] for g in ep) / m for ep in per_epoch],
                    """The epoch's cost is the sum of the mini-batch costs divided by m. Each J{t} is already a
                    mean over its mini-batch: multiply it by the mini-batch's size first (cost *
                    X_t.shape[1]), then divide the total by m."""),
                "cost_not_averaged": ([sum(g["cost"] for g in ep) for ep in per_epoch],
                    """The epoch's cost is the sum of its mini-batch costs. Average it over the examples: sum of
                    cost * X_t.shape[1], divided by m."""),
                "cost_last_mini_batch": ([ep[-1]["cost"] for ep in per_epoch],
                    """The recorded cost is the last mini-batch's J{t}. Record the epoch's mean over all its
                    examples: sum of cost * X_t.shape[1] over the mini-batches, divided by m."""),
            }
            for key, (values, text) in variants.items():
                if np.allclose(costs, values, rtol=1e-9) and not np.allclose(values, expected_costs, rtol=1e-9):
                    return key, text
        if a["optimizer"] == "gd" and all(np.all(params[k] == 0) for k in params if k.startswith("b")):
            return "b_not_updated", """The biases b1..bL were never updated (they are still 0): the step
                W := W - alpha dW is for every array of params, b included."""
    return None


# ---------------------------------------------------------------------------
# The checks
# ---------------------------------------------------------------------------

def _compare(value, expected_params, expected_costs):
    params, costs = value
    diffs = []
    if costs.shape != np.shape(expected_costs):
        diffs.append(f"costs has {costs.size} values; expected {len(expected_costs)} (one per epoch)")
    else:
        d = _array_difference("costs", costs, np.asarray(expected_costs, dtype=float))
        if d:
            diffs.append(d)
    for k in expected_params:
        d = _array_difference(f"params['{k}']", params[k], expected_params[k])
        if d:
            diffs.append(d)
    return diffs


def _loop_check(name, signature, fn, cases, reference, diagnose, time_limit):
    n = len(cases)
    failures = []
    for index, case in enumerate(cases):
        log = _Log()
        args = _copies(case.args, log)
        expected_params, expected_costs = reference(**_reference_args(_copies(case.args, _Log())))
        outcome = run(_rebound(fn, _instrumented(log)), args, protected=("X", "Y"), seconds=time_limit)
        if index == 0 and outcome.not_done:
            return CheckResult(name, False, (
                f"Your {signature} still raises NotImplementedError: write its body in the exercise cell, "
                "run that cell, then run this check again."), not_done=True, n_cases=n)
        header = f"Case {index + 1} of {n}: {case.label}\n{_describe(case)}"
        m = case.args["X"].shape[1]
        T = num_mini_batches(m, case.args["mini_batch_size"])
        if outcome.timed_out:
            return CheckResult(name, False, timeout_text(outcome, time_limit) + "\n\n" + header, diagnosis="timeout",
                               n_cases=n, n_failed=1, summary=f"stopped after {time_limit:g} s on case {index + 1}")
        value, problem = None, None
        if outcome.raised:
            problem = ("raised", f"Your function raised {describe_exception(outcome.error)}"
                       + (f"\n  at {outcome.where}" if outcome.where else ""))
        else:
            try:
                value = _read(outcome.value, list(expected_params))
            except _Bad as err:
                problem = (err.key, err.text)
        diffs = _compare(value, expected_params, expected_costs) if value is not None else []
        if problem is None and not diffs:
            continue
        if outcome.mutated:
            changed = " and ".join(outcome.mutated)
            found = ("mutated_input", f"""Your function changed {changed} in place: the caller's data set is
                different after the call (shuffling in place, np.random.shuffle or rng.shuffle, does that). Build
                shuffled copies instead, X[:, permutation], as random_mini_batches does.""")
        else:
            found = diagnose(case, log, value, expected_costs, m, T)
        if found:
            key, text = found[0], "Likely mistake: " + " ".join(found[1].split())
            if problem and problem[0] == "raised":
                text += "\n(" + problem[1].replace("\n", " ") + ")"
        elif problem:
            key, text = problem
        else:
            key, text = "wrong_values", "Your loop's results differ from the model solution's (same seed, same shuffles)."
        body = [header] + [d + "." for d in diffs] + output_lines(outcome)
        failures.append((key, text + "\n\n" + "\n".join(body)))
    if not failures:
        return CheckResult(name, True, "Same costs and parameters as the model solution (same seed, same "
                           "shuffles), with the package's building blocks:\n"
                           + "\n".join(f"  \u2714 {c.label}" for c in cases), n_cases=n)
    key, text = failures[0]
    tail = f"\n({len(failures) - 1} other case{'s' * (len(failures) != 2)} fail too.)" if len(failures) > 1 else ""
    return CheckResult(name, False, text + tail, diagnosis=key, n_cases=n, n_failed=len(failures))


def check_model(fn, time_limit=10.0):
    return _loop_check("model", MODEL_SIGNATURE, fn, MODEL_CASES(), refs.model, _diagnose_model, time_limit)


def _diagnose_epoch(case, log, value, expected_costs, m, T):
    a = case.args
    shuffles, grads = log.of("shuffle"), log.of("grads")
    if grads and not shuffles and np.array_equal(grads[0]["X"], a["X"][:, :grads[0]["m_t"]]):
        return "not_shuffled", """The mini-batches are cut from X in its original order: shuffle first,
            random_mini_batches(X, Y, mini_batch_size, seed), then loop over what it returns."""
    if shuffles and not (shuffles[0]["seed"] is a["seed"] or shuffles[0]["seed"] == a["seed"]):
        return "seed_ignored", f"""The shuffle used seed = {shuffles[0]['seed']!r}, not the seed argument
            ({a['seed']}): pass seed on, random_mini_batches(X, Y, mini_batch_size, seed)."""
    sizes = [g["m_t"] for g in grads]
    size = a["mini_batch_size"]
    full = [min(size, m)] * (m // size)
    if m % size and size < m and sizes == full:
        return "last_batch_dropped", f"""The last, partial mini-batch is never used: the epoch trained on
            mini-batches of {full}; random_mini_batches returned one more of {m % size}. Loop over all of them."""
    if value is not None:
        params, costs = value
        if len(costs) == 1 and T > 1:
            return "one_cost", f"""You returned one cost; return the list of every J{{t}} of the epoch ({T}
                mini-batches here), in order."""
        init = a["params"]
        if all(np.array_equal(params[k], init[k]) for k in params if k.startswith("b")) and any(
                not np.array_equal(params[k], init[k]) for k in params if k.startswith("W")):
            return "b_not_updated", """The biases were never updated: the step W := W - alpha dW is for every
                array of params, b included (for key in params: ...)."""
        uphill, _ = refs.mini_batch_epoch(a["X"], a["Y"], init, -a["learning_rate"], size, a["seed"])
        if all(np.allclose(params[k], uphill[k], rtol=1e-9) for k in params):
            return "sign_flipped", """The steps go uphill: W + learning_rate * dW. Gradient descent subtracts:
                W := W - learning_rate * dW."""
    return None


def check_mini_batch_epoch(fn, time_limit=5.0):
    return _loop_check("mini_batch_epoch", EPOCH_SIGNATURE, fn, EPOCH_CASES(), refs.mini_batch_epoch,
                       _diagnose_epoch, time_limit)

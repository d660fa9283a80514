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
from .catalogue import REGISTRY
from ..minibatch import iter_mini_batches, num_mini_batches
from ..nn import cost_and_grads as _package_cost_and_grads, initialize_parameters as _package_init
from ._compare import array_difference
from ._loop_rules import Run, first_match
from ._result import CheckResult
from ._runner import TimeLimitExceeded, describe_exception, output_lines, run, timeout_text

__all__ = ["check_loop", "check_model", "check_mini_batch_epoch", "MODEL_CASES", "EPOCH_CASES"]



@dataclass
class _Log:
    events: list = field(default_factory=list)

    def add(self, kind, **info):
        self.events.append((kind, info))

    def of(self, kind):
        return [info for k, info in self.events if k == kind]


def _instrumented(log, max_steps=None):
    """The building blocks, recording their calls into ``log``.

    ``cost_and_grads`` stops the loop (``TooManySteps``) after ``max_steps`` calls.
    """

    def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
        log.add("shuffle", seed=seed, size=mini_batch_size)
        return list(iter_mini_batches(X, Y, mini_batch_size, seed))

    def iter_mini_batches_(X, Y, mini_batch_size=64, seed=0, *, shuffle=True):
        if shuffle:
            log.add("shuffle", seed=seed, size=mini_batch_size)
        return iter_mini_batches(X, Y, mini_batch_size, seed, shuffle=shuffle)

    def initialize_parameters(layer_dims, seed=0, **kwargs):
        log.add("init", seed=seed, layer_dims=list(layer_dims))
        return _package_init(layer_dims, seed, **kwargs)

    def cost_and_grads(X, Y, params, *args, **kwargs):
        if max_steps is not None and len(log.of("grads")) >= max_steps:
            raise TooManySteps
        W1 = np.array(params["W1"], copy=True) if isinstance(params, Mapping) and "W1" in params else None
        cost, grads = _package_cost_and_grads(X, Y, params, *args, **kwargs)
        log.add("grads", m_t=np.shape(X)[1], cost=cost, X=np.array(X, copy=True), Y=np.array(Y, copy=True), W1=W1)
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
        log.add("update", t=t, learning_rate=learning_rate, beta1=beta1, beta2=beta2, epsilon=epsilon)
        return refs.update_parameters_with_adam(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon)

    def schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval=1000):
        log.add("decay", learning_rate0=learning_rate0, epoch_num=epoch_num, decay_rate=decay_rate,
                time_interval=time_interval)
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
# Cases (each loop's module holds its own)
# ---------------------------------------------------------------------------

MODEL_CASES = REGISTRY["model"].cases
EPOCH_CASES = REGISTRY["mini_batch_epoch"].cases


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


def _copies(args, log, max_steps=None):
    out = {}
    for k, v in args.items():
        if isinstance(v, np.ndarray):
            out[k] = np.array(v, copy=True)
        elif isinstance(v, dict):
            out[k] = {kk: np.array(a, copy=True) for kk, a in v.items()}
        elif k == "decay" and v == "schedule_lr_decay":
            out[k] = _instrumented(log, max_steps)["schedule_lr_decay"]
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
# The checks
# ---------------------------------------------------------------------------

def _compare(value, expected_params, expected_costs, unit):
    params, costs = value
    diffs = []
    if costs.shape != np.shape(expected_costs):
        diffs.append(f"costs has {costs.size} values; expected {len(expected_costs)} ({unit})")
    else:
        d = array_difference("costs", costs, np.asarray(expected_costs, dtype=float))
        if d:
            diffs.append(d)
    for k in expected_params:
        d = array_difference(f"params['{k}']", params[k], expected_params[k])
        if d:
            diffs.append(d)
    return diffs


class TooManySteps(TimeLimitExceeded):
    """Raised inside the learner's loop by ``cost_and_grads`` once it has run far more
    mini-batch steps than the case asks for (a hard-coded ``num_epochs = 5000``): the loop
    is stopped by the order of events, at once, not after the time limit."""


def _loop_check(name, signature, fn, cases, reference, rules, variant, time_limit, unit):
    n = len(cases)
    failures = []
    for index, case in enumerate(cases):
        log = _Log()
        m = case.args["X"].shape[1]
        T = num_mini_batches(m, case.args["mini_batch_size"])
        max_steps = 4 * case.args.get("num_epochs", 1) * T + 4   # an extra cost per epoch is fine
        args = _copies(case.args, log, max_steps)
        expected_params, expected_costs = reference(**_reference_args(_copies(case.args, _Log())))
        outcome = run(_rebound(fn, _instrumented(log, max_steps)), args, protected=("X", "Y"),
                      seconds=time_limit)
        if index == 0 and outcome.not_done:
            return CheckResult(name, False, (
                f"Your {signature} still raises NotImplementedError: write its body in the exercise cell, "
                "run that cell, then run this check again."), not_done=True, n_cases=n)
        header = f"Case {index + 1} of {n}: {case.label}\n{_describe(case)}"
        value, problem = None, None
        if outcome.timed_out:
            expected = (expected_params, np.asarray(expected_costs, dtype=float))
            found = first_match(rules, Run(case.args, log, None, expected, m, T, variant))
            if isinstance(outcome.error, TooManySteps) and found:
                where = f"\n(Stopped at {outcome.where}.)" if outcome.where else ""
                return CheckResult(name, False, f"Likely mistake: {found[1]}{where}\n\n{header}",
                                   diagnosis=found[0], n_cases=n, n_failed=1,
                                   summary=f"stopped after {max_steps} mini-batch steps on case {index + 1}")
            return CheckResult(name, False, timeout_text(outcome, time_limit) + "\n\n" + header, diagnosis="timeout",
                               n_cases=n, n_failed=1, summary=f"stopped after {time_limit:g} s on case {index + 1}")
        if outcome.raised:
            problem = ("raised", f"Your function raised {describe_exception(outcome.error)}"
                       + (f"\n  at {outcome.where}" if outcome.where else ""))
        else:
            try:
                value = _read(outcome.value, list(expected_params))
            except _Bad as err:
                problem = (err.key, err.text)
        diffs = _compare(value, expected_params, expected_costs, unit) if value is not None else []
        if problem is None and not diffs:
            continue
        if outcome.mutated:
            changed = " and ".join(outcome.mutated)
            found = ("mutated_input", f"""Your function changed {changed} in place: the caller's data set is
                different after the call (shuffling in place, np.random.shuffle or rng.shuffle, does that). Build
                shuffled copies instead, X[:, permutation], as random_mini_batches does.""")
        else:
            expected = (expected_params, np.asarray(expected_costs, dtype=float))
            found = first_match(rules, Run(case.args, log, value, expected, m, T, variant))
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


def check_loop(name, fn, time_limit):
    """Check the learner's loop ``fn`` for the loop exercise ``name`` (its module: cases, RULES, variant)."""
    module = REGISTRY[name]
    return _loop_check(name, module.EXERCISE.signature, fn, module.cases(), module.solution, module.RULES,
                       module.variant, time_limit, module.COSTS)


def check_model(fn, time_limit=10.0):
    return check_loop("model", fn, time_limit)


def check_mini_batch_epoch(fn, time_limit=5.0):
    return check_loop("mini_batch_epoch", fn, time_limit)

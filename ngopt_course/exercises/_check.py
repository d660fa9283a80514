"""``check(name, fn)``: run a learner's function on the cases, compare, diagnose."""

from __future__ import annotations

import inspect
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._cases import CASES
from ._compare import Outputs, blew_up, differences, normalise
from ._fixed import fixed_argument_mistakes
from ._loop_check import check_loop
from ._minibatches import check_mini_batches
from ._mistakes import ALTERNATIVES, MISTAKES
from ._network_check import check_initializer, check_update
from .catalogue import REGISTRY
from ._result import CheckResult, fmt, fmt_args
from ._runner import describe_exception, output_lines as _extras, run, timeout_text as _timeout_text

__all__ = ["EXERCISES", "check", "reference", "use_or_reference"]

#: Name -> spec, in the notebooks' order: one module per exercise (``catalogue``).
EXERCISES = {name: module.EXERCISE for name, module in REGISTRY.items()}

# The last result per exercise, so use_or_reference need not check the same function twice.
_LAST = {}


def _get(name):
    if name not in EXERCISES:
        raise ValueError(f"name == {name!r}, must be one of: {', '.join(EXERCISES)}")
    return EXERCISES[name]


def reference(name):
    """The model solution of exercise ``name``, with the exercise's signature."""
    return REGISTRY[_get(name).name].solution


@dataclass
class _Verdict:
    index: int
    case: object
    outcome: object
    expected: object
    value: object = None      # the learner's result, normalised (None if unusable)
    problem: str | None = None
    diffs: list = field(default_factory=list)

    @property
    def ok(self):
        return (self.outcome.error is None and self.problem is None and not self.diffs
                and not self.outcome.mutated)


def _state(spec, raised, value):
    """"value", "blown" (raised, NaN or inf) or "other" (unusable)."""
    if raised:
        return "blown"
    if value is None:
        return "other"
    return "blown" if blew_up(spec, value) else "value"


def _variant_results(spec, fn, cases):
    results = []
    for case in cases:
        args = {k: (np.array(a, copy=True) if isinstance(a, np.ndarray) else list(a) if isinstance(a, list) else a)
                for k, a in case.args.items()}
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value, problem = normalise(spec, fn(*args.values()))
            results.append(("other", None) if problem else (_state(spec, False, value), value))
        except Exception:  # a wrong version may fail where a learner's would, e.g. on shapes
            results.append(("blown", None))
    return results


def _matches(spec, verdict, variant):
    """Does the learner's result on one case look like a wrong version's?

    Two results match when they agree to the check's tolerance (NaN and inf in the same
    places included), or when one raised and the other raised too or blew up to NaN or
    inf: Python floats raise ZeroDivisionError where numpy returns inf.
    """
    theirs, value = variant
    if verdict.outcome.raised:
        return theirs == "blown"
    if verdict.value is None or theirs == "other":
        return False
    if value is None:  # the wrong version raised
        return blew_up(spec, verdict.value)
    return not differences(spec, verdict.value, value)


def _output_matches(spec, verdicts, results, j):
    """Does output ``j`` alone (e.g. v) match a wrong version's on every comparable case?"""
    one = Outputs("arrays", (spec.names[j],))
    compared, shows = 0, False
    for verdict, (_, value) in zip(verdicts, results):
        if verdict.value is None or value is None:
            continue
        if differences(one, (verdict.value[j],), (value[j],)):
            return False
        compared += 1
        shows = shows or bool(differences(one, (value[j],), (verdict.expected[j],)))
    return compared > 0 and shows


def _diagnose(ex, verdicts):
    """``(key, text, qualifier)`` for the recognised mistake, or None.

    ``qualifier`` is None when the learner's results match a wrong version on every
    case ("Likely mistake"); otherwise it says how far the match goes ("Possible
    mistake"): on every failing case, or in one of several returned values (a second
    mistake elsewhere).
    """
    if ex.extra_diagnosis:
        found = ex.extra_diagnosis(verdicts)
        if found:
            return (*found, None)
    spec = ex.outputs
    # A raise on a case that tests a promise of the text (a list, an empty theta) is
    # judged by that case's hint, not held against a mistake of the formula.
    usable = [v for v in verdicts if (v.outcome.error is None or v.outcome.raised)
              and not (v.outcome.raised and v.case.hint)]
    if not any(v.value is not None for v in usable):
        return None  # it raised on every case: the exception says more than a guess
    failing = [i for i, v in enumerate(usable) if not v.ok and v.value is not None]
    weak = None
    for mistake in MISTAKES.get(ex.name, ()):
        for fn in mistake.fns:
            results = _variant_results(spec, fn, [v.case for v in usable])
            if all(_matches(spec, _as_expected(v), r) for v, r in zip(usable, results)):
                continue  # the mistake does not show on these cases
            if all(_matches(spec, v, r) for v, r in zip(usable, results)):
                return mistake.key, mistake.text, None
            if weak is None and failing and all(_matches(spec, usable[i], results[i]) for i in failing):
                weak = (mistake.key, mistake.text, "it explains every failing case")
            if weak is None and spec.kind == "arrays" and len(spec.names) > 1:
                for j, name in enumerate(spec.names):
                    if _output_matches(spec, usable, results, j):
                        weak = (mistake.key, mistake.text, f"it explains your {name}; something else is wrong too")
                        break
    # A hyperparameter hard-coded instead of taken from the argument (only on a full match:
    # a fixed value explains no other mistake).
    for mistake in fixed_argument_mistakes(ex.parameters, reference(ex.name),
                                           [v.case for v in verdicts]):
        results = _variant_results(spec, mistake.fns[0], [v.case for v in usable])
        if not all(_matches(spec, _as_expected(v), r) for v, r in zip(usable, results)) and all(
                _matches(spec, v, r) for v, r in zip(usable, results)):
            return mistake.key, mistake.text, None
    return weak


class _Ok:
    raised = False
    error = None


def _as_expected(verdict):
    """A verdict whose learner result is the reference's: to test a variant against the reference."""
    return _Verdict(verdict.index, verdict.case, _Ok(), verdict.expected, value=verdict.expected)


def _show(spec, value):
    if spec.kind == "arrays":
        width = max(len(n) for n in spec.names)
        lines = []
        for name, a in zip(spec.names, value):
            prefix = f"    {name.ljust(width)} = "
            lines.append(prefix + fmt(a, indent=len(prefix)))
        return "\n".join(lines)
    return "    " + (fmt(value) if spec.kind == "number" else repr(value))


def _case_header(ex, verdict, n):
    lines = [f"Case {verdict.index + 1} of {n}: {verdict.case.label}", fmt_args(verdict.case.args)]
    if ex.describe:
        lines.append(ex.describe(verdict.case.args))
    return lines


def parameter_order(ex, fn):
    """A sentence when ``fn`` names the exercise's parameters in another order, else "".

    The check calls by position, so ``def f(learning_rate0, decay_rate, epoch_num)`` gets
    the epoch as its ``decay_rate``: said plainly, whether or not the values come out right.
    """
    try:
        names = [p.name for p in inspect.signature(fn).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        return ""
    expected, signature = ex.parameters, ex.signature
    if sorted(names) != sorted(expected) or names == expected:
        return ""
    return (f"Your parameters are ({', '.join(names)}), in another order than the exercise's "
            f"{signature}: the caller passes the arguments in that order, so each of yours receives "
            f"another one's value. Put them in the exercise's order.")


def _not_done(ex, n):
    return CheckResult(ex.name, False, (
        f"Your {ex.signature} still raises NotImplementedError: write its body in the exercise "
        "cell, run that cell, then run this check again."), not_done=True, n_cases=n)


def _check_cases(ex, fn, time_limit):
    spec = ex.outputs
    cases = CASES[ex.name]()
    n = len(cases)
    ref = reference(ex.name)
    verdicts = []
    for index, case in enumerate(cases):
        expected, _ = normalise(spec, ref(**case.args))
        outcome = run(fn, case.args, protected=ex.protected, seconds=time_limit)
        if index == 0 and outcome.not_done:
            return _not_done(ex, n)
        verdict = _Verdict(index, case, outcome, expected)
        if outcome.error is None:
            verdict.value, verdict.problem = normalise(spec, outcome.value)
            if verdict.problem is None:
                verdict.diffs = differences(spec, verdict.value, expected)
        verdicts.append(verdict)
        if outcome.timed_out:
            break
    failing = [v for v in verdicts if not v.ok]
    order = parameter_order(ex, fn)
    if not failing:
        note = (f"\nNote: {order} (Here the values agree either way, since the formula is symmetric in "
                "the two.)") if order else ""
        return CheckResult(ex.name, True, "Matches the reference on every case:\n" + "\n".join(
            f"  \u2714 {c.label}" for c in cases) + (f"\n({ex.asks})" if ex.asks else "") + note, n_cases=n)

    # A correct answer in another convention (the slide's form) passes, with a note.
    for alt in ALTERNATIVES.get(ex.name, ()):
        results = _variant_results(spec, alt.fns[0], [v.case for v in verdicts])
        if len(verdicts) == n and all(v.outcome.error is None and v.value is not None and not v.outcome.mutated
                                      and _matches(spec, v, r) for v, r in zip(verdicts, results)):
            return CheckResult(ex.name, True, alt.text + "\n\nChecked:\n" + "\n".join(
                f"  \u2714 {c.label}" for c in cases), n_cases=n, convention=alt.key)

    first = failing[0]
    lead, body, key = [], [], None
    if first.outcome.timed_out:
        key = "timeout"
        body += [_timeout_text(first.outcome, time_limit), ""] + _case_header(ex, first, n)
        return CheckResult(ex.name, False, "\n".join(body + _extras(first.outcome)), diagnosis=key,
                           n_cases=n, n_failed=len(failing),
                           summary=f"stopped after {time_limit:g} s on case {first.index + 1}")
    mutated = next((v for v in verdicts if v.outcome.mutated), None)
    if mutated is not None:  # first: fixing it may fix the rest
        changed = " and ".join(mutated.outcome.mutated)
        lead.append(f"Your function changed {changed} in place (case {mutated.index + 1}): the caller's "
                    f"{changed} is different after the call. {ex.mutation_hint}")
        key = "mutated_input"
    hinted = [v for v in failing if v.case.hint]
    hint_used = key is None and bool(hinted) and len(hinted) == len(failing)
    if hint_used:
        # it fails only on the cases that test a promise of the exercise's text
        lead.append("Likely mistake: " + hinted[0].case.hint)
        key = hinted[0].case.hint_key or "case_hint"
        first = hinted[0]
    found = None if hint_used else _diagnose(ex, verdicts)
    if order and key is None and found is None:
        found = ("arguments_order", order, None)
    if found:
        key, text, qualifier = key or found[0], found[1], found[2]
        lead.append((f"Possible mistake ({qualifier}): " if qualifier else "Likely mistake: ") + text)
    raised_line = None
    if first.outcome.raised:
        raised_line = f"Your function raised {describe_exception(first.outcome.error)}"
        if first.outcome.where:
            raised_line += f"\n  at {first.outcome.where}"
        elif isinstance(first.outcome.error, TypeError):  # raised by the call itself: its parameters
            raised_line += f"\nThe check calls it as {ex.signature}, with the arguments in that order."
        key = key or "raised"
    elif first.problem:
        raised_line = f"Your function {first.problem}" + ("" if first.problem[-1] in ".?!" else ".")
        key = key or ("returned_none" if first.outcome.value is None else "wrong_type")
    if raised_line and not lead:
        lead.append(raised_line)   # no recognised mistake: what happened comes first
        raised_line = None
    body += _case_header(ex, first, n)
    if raised_line:
        body.append(raised_line)
    if first.diffs:
        if spec.kind == "arrays":
            body += ["Expected:", _show(spec, first.expected), "Yours:", _show(spec, first.value)]
        body += [d + "." for d in first.diffs]
    body += _extras(first.outcome)
    if len(failing) > 1:
        body.append("Also failing: " + ", ".join(f"case {v.index + 1}" for v in failing[1:]) + ".")
    if ex.asks:
        body.append(f"({ex.asks})")
    text = "\n".join(body) if not lead else "\n".join(lead) + "\n\n" + "\n".join(body)
    return CheckResult(ex.name, False, text, diagnosis=key, n_cases=n, n_failed=len(failing))


_ENGINES = {
    "cases": _check_cases,
    "mini_batches": lambda ex, fn, limit: check_mini_batches(fn, limit),
    "network_update": lambda ex, fn, limit: check_update(ex.name, fn, limit),
    "network_init": lambda ex, fn, limit: check_initializer(ex.name, fn, limit),
    "loop": lambda ex, fn, limit: check_loop(ex.name, fn, limit),
}


def check(name, fn, *, time_limit=None):
    """Check a learner's function for exercise ``name`` and explain what is wrong.

    Parameters
    ----------
    name : str
        One of ``EXERCISES``: "random_mini_batches", "mini_batch_epoch", "ewa",
        "ewa_bias_corrected", "momentum_update", "rmsprop_update", "adam_update",
        "inverse_time_decay", "schedule_lr_decay", "classify_critical_point",
        "initialize_velocity", "update_parameters_with_momentum", "initialize_adam",
        "update_parameters_with_adam", "model".
    fn : callable
        The learner's function, with the exercise's signature.
    time_limit : float, optional
        Seconds one call may take before it is stopped: 2 s, 5 s for ``mini_batch_epoch``
        and 10 s for ``model``.

    Returns
    -------
    CheckResult
        ``passed``, ``message``, ``not_done``, ``diagnosis``; shows as a coloured box in
        a notebook. Mistakes in ``fn`` never raise here: they become the message.
    """
    ex = _get(name)
    time_limit = ex.time_limit if time_limit is None else time_limit
    if not callable(fn):
        result = CheckResult(name, False, (
            f"Expected a function {ex.signature}, got {type(fn).__name__} {fmt(fn)}. Pass the function "
            f"itself, without calling it: check({name!r}, {name})."), diagnosis="not_a_function")
    else:
        result = _ENGINES[ex.kind](ex, fn, time_limit)
    _LAST[name] = (fn, result)
    return result


def use_or_reference(name, fn, *, time_limit=None):
    """Return ``fn`` if it passes its check, else the package's implementation.

    Prints one line saying which is used, so the cells after an exercise run either
    way (the learner edition's unsolved exercises fall back to the package). Reuses the
    result of the last ``check(name, fn)`` of the same function. ``fn=None`` (a function
    not written in this notebook) gives the package's, with a line saying so.
    """
    if fn is None or fn is reference(name):
        # not written in this notebook (09 uses the updates of 04 and 06), or a cell run
        # twice that already holds the package's: the same line either way
        print(f"{name}: using the package's implementation (yours is not defined in this notebook).")
        return reference(name)
    last = _LAST.get(name)
    result = last[1] if last is not None and last[0] is fn else check(name, fn, time_limit=time_limit)
    if result.passed:
        how = f" in the slide's form ({result.convention})" if result.convention else ""
        print(f"{name}: using your implementation (it passes its check{how}).")
        return fn
    why = "yours is not done yet" if result.not_done else "yours does not pass its check yet"
    print(f"{name}: {why}, so the cells below use the package's implementation.")
    return reference(name)

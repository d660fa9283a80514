"""Checks of the exercises over a whole network: the initialisations and the updates.

The learner's function gets copies of a network's dicts (``params``, ``grads``, ``v``,
``s``), several layer shapes (one layer; three layers of different shapes; three layers
of the same shape, where one average carried across layers gives numbers instead of a
shape error). The results are compared, array by array, with the model solution
(``_network_references``). What the messages say first, in this order: a changed
``grads``; a result of the wrong form (None, the wrong number of values, the Coursera
assignment's ``dW1`` keys); a correct result left out of the caller's dicts (the exercise
asks for in place); a recognised mistake (``_network_mistakes``); then the first case
that differs. A correct answer in the slide's convention (Adam's epsilon inside the
square root) passes with a note naming it.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np

from .catalogue import REGISTRY
from ._compare import array_difference, blew_up as _blew_up_arrays, Outputs
from ._network_mistakes import NETWORK_ALTERNATIVES, NETWORK_MISTAKES
from ._fixed import fixed_argument_mistakes
from ._result import CheckResult
from ._runner import describe_exception, output_lines, run, timeout_text

__all__ = ["NETWORK_CASES", "check_update", "check_initializer", "UPDATE_OUTPUTS"]

_NETWORK = {name: module for name, module in REGISTRY.items()
            if module.EXERCISE.kind in ("network_update", "network_init")}
UPDATE_OUTPUTS = {name: module.EXERCISE.outputs.names for name, module in _NETWORK.items()
                  if module.EXERCISE.kind == "network_update"}
SIGNATURES = {name: module.EXERCISE.signature for name, module in _NETWORK.items()}
NETWORK_CASES = {name: module.cases for name, module in _NETWORK.items()}


def _copy(value):
    if isinstance(value, dict):
        return {k: np.array(a, copy=True) for k, a in value.items()}
    return np.array(value, copy=True) if isinstance(value, np.ndarray) else value


def _copies(args):
    return {k: _copy(a) for k, a in args.items()}


def _describe(case):
    lines = [f"  {'params'.ljust(13)} = " + ", ".join(f"{k} {a.shape}" for k, a in case.args["params"].items())]
    for name, value in case.args.items():
        if name == "params":
            continue
        if isinstance(value, dict):
            lines.append(f"  {name.ljust(13)} = a dict with the same keys and shapes")
        else:
            lines.append(f"  {name.ljust(13)} = {value!r}")
    return "\n".join(lines)


def _header(index, case, n):
    return f"Case {index + 1} of {n}: {case.label}\n{_describe(case)}"


def _not_done(name, n):
    return CheckResult(name, False, (
        f"Your {SIGNATURES[name]} still raises NotImplementedError: write its body in the exercise "
        "cell, run that cell, then run this check again."), not_done=True, n_cases=n)


def _raised_hint(err, params):
    """A plain-words hint for the errors a loop over the layers raises."""
    if isinstance(err, KeyError) and err.args:
        key = str(err.args[0])
        L = len(params) // 2
        if key in ("W0", "b0"):
            return "The layers are numbered from 1 (W1, b1, ..., WL, bL): loop over l in range(1, L + 1)."
        if key in (f"W{L + 1}", f"b{L + 1}") or key.startswith(("W", "b")) and key[1:].isdigit():
            return ("params holds two arrays per layer (W and b), so the number of layers is "
                    "L = len(params) // 2, and l runs over range(1, L + 1).")
        if key.startswith(("dW", "db")):
            return ("grads, v and s use the same keys as params: grads['W1'] is dW1 and v['W1'] is v_dW1 "
                    "(the Coursera assignment writes 'dW1'; this course does not).")
    return ""


# ---------------------------------------------------------------------------
# Reading what the learner returned
# ---------------------------------------------------------------------------

class _Bad(Exception):
    def __init__(self, key, text):
        super().__init__(text)
        self.key, self.text = key, text


def _read_update(name, value, keys):
    """The returned dicts as a tuple, or raise _Bad."""
    outs = UPDATE_OUTPUTS[name]
    returns = ", ".join(outs)
    if value is None:
        raise _Bad("returned_none", f"Your function returned None: did you forget `return {returns}` at the end?")
    if not isinstance(value, (tuple, list)):
        raise _Bad("wrong_type", f"Your function returned one {type(value).__name__}; return {returns}.")
    if name == "update_parameters_with_adam" and len(value) == 5:
        raise _Bad("corrected_returned_too", """Your function returned 5 values, as the Coursera
            assignment's does (params, v, s, v_corrected, s_corrected). Return params, v, s only:
            the corrected values serve this step's update and are not kept.""")
    if len(value) != len(outs):
        raise _Bad("wrong_count", f"Your function returned {len(value)} values; expected {len(outs)}: return {returns}.")
    for out, item in zip(outs, value):
        if not isinstance(item, Mapping):
            raise _Bad("wrong_type", f"The {out} you returned is a {type(item).__name__}; expected a dict "
                                     f"with the keys of params ({', '.join(keys)}).")
        got = list(item)
        if set(got) == {"d" + k for k in keys}:
            raise _Bad("coursera_keys", f"""Your {out} has the keys {', '.join(got[:4])}... (the Coursera
                assignment's names). This course keys {out} like params and grads: {out}['W1'] is
                {out}_dW1, {out}['b1'] is {out}_db1.""")
        if set(got) != set(keys):
            missing = [k for k in keys if k not in item]
            extra = [k for k in got if k not in keys]
            raise _Bad("wrong_keys", f"Your {out} has the keys {got}; expected those of params, {list(keys)}"
                                     + (f" (missing {missing})" if missing else "")
                                     + (f" (unexpected {extra})" if extra else "") + ".")
    return tuple({k: np.asarray(d[k]) for k in keys} for d in value)


def _differences(outs, actual, expected):
    found = []
    for out, a, e in zip(outs, actual, expected):
        for key in e:
            arr = np.asarray(a[key])
            if arr.dtype.kind not in "fiub":
                found.append(f"{out}['{key}'] is not an array of numbers")
                continue
            d = array_difference(f"{out}['{key}']", arr, np.asarray(e[key], dtype=float))
            if d:
                found.append(d)
    return found


def _flat(values):
    return tuple(np.asarray(d[k], dtype=float) for d in values for k in d)


def _blown(values):
    return _blew_up_arrays(Outputs("arrays", ()), _flat(values))


def _same(actual, expected):
    """Two results (tuples of dicts, or None for 'raised') agree to the check's tolerance."""
    if actual is None or expected is None:
        return False
    try:
        return not _differences(["x"] * len(expected), actual, expected)
    except (KeyError, ValueError, TypeError):
        return False


def _variant(fn, case):
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(**_copies(case.args))
    except Exception:
        return None


def _matches(theirs, raised, value):
    """Learner's result (value, raised) against a variant's result ``theirs`` (None if it raised)."""
    if raised:
        return theirs is None or _blown(theirs)
    if value is None:
        return False
    if theirs is None:
        return _blown(value)
    return _same(value, theirs)


# ---------------------------------------------------------------------------
# Updates
# ---------------------------------------------------------------------------

def check_update(name, fn, time_limit=2.0):
    outs = UPDATE_OUTPUTS[name]
    cases = NETWORK_CASES[name]()
    n = len(cases)
    ref = REGISTRY[name].solution
    rows = []        # (case, outcome, expected, value or None, bad or None, diffs, left_out)
    for index, case in enumerate(cases):
        expected = ref(**_copies(case.args))
        outcome = run(fn, _copies(case.args), protected=("grads",), seconds=time_limit)
        if index == 0 and outcome.not_done:
            return _not_done(name, n)
        value, bad, diffs, left_out = None, None, [], []
        if outcome.error is None:
            try:
                value = _read_update(name, outcome.value, list(case.args["params"]))
            except _Bad as err:
                bad = err
            else:
                diffs = _differences(outs, value, expected)
                if not diffs:
                    given = tuple({k: outcome.args[o][k] for k in case.args["params"]} for o in outs)
                    left_out = [o for o, g, e in zip(outs, given, expected) if _differences([o], (g,), (e,))]
        rows.append((case, outcome, expected, value, bad, diffs, left_out))
        if outcome.timed_out:
            break
    failing = [i for i, r in enumerate(rows) if r[1].error is not None or r[4] or r[5] or r[6] or r[1].mutated]
    if not failing:
        return CheckResult(name, True, "Matches the model solution on every case:\n" + "\n".join(
            f"  \u2714 {c.label}" for c in cases) + "\n" + _RULES[name], n_cases=n)

    # A correct answer in another convention (the slide's) passes, with a note.
    for key, alt, note in NETWORK_ALTERNATIVES.get(name, ()):
        if all(r[1].error is None and r[4] is None and not r[6] and not r[1].mutated
               and _same(r[3], _variant(alt, r[0])) for r in rows) and len(rows) == n:
            return CheckResult(name, True, note + "\n\nChecked:\n" + "\n".join(
                f"  \u2714 {c.label}" for c in cases), n_cases=n, convention=key)

    i = failing[0]
    case, outcome, expected, value, bad, diffs, left_out = rows[i]
    lead, key = [], None
    mutated = next((r for r in rows if r[1].mutated), None)
    if mutated is not None:
        lead.append("Your function changed grads in place: the caller's gradients are different after the "
                    "call. " + _GRADS_HINT[name])
        key = "mutated_input"
    elif outcome.timed_out:
        return CheckResult(name, False, timeout_text(outcome, time_limit) + "\n\n" + _header(i, case, n),
                           diagnosis="timeout", n_cases=n, n_failed=len(failing),
                           summary=f"stopped after {time_limit:g} s on case {i + 1}")
    elif bad is not None:
        lead.append(" ".join(bad.text.split()))
        key = bad.key
    elif all(r[1].error is None and not r[4] and not r[5] for r in rows) and any(r[6] for r in rows):
        which = " and ".join(dict.fromkeys(o for r in rows for o in r[6]))
        lead.append(f"""Your results are right, but the caller's {which} did not change: you built new
            dicts and returned them. This exercise asks you to update the dicts you are given in place
            (params[key] = ..., v[key] = ...) and return them, as the package's optimizers and the Coursera
            assignment do; then a caller that ignores the returned values still sees the step.""")
        lead = [" ".join(lead[0].split())]
        key = "not_in_place"
    if key is None:
        fixed = fixed_argument_mistakes(REGISTRY[name].EXERCISE.parameters, ref, cases)
        for mistake in [*NETWORK_MISTAKES[name], *fixed]:
            results = [_variant(f, r[0]) for f in mistake.fns for r in rows]
            for j in range(len(mistake.fns)):
                theirs = results[j * len(rows):(j + 1) * len(rows)]
                if all(_same(e, t) for e, t in zip((r[2] for r in rows), theirs)):
                    continue  # it does not show on these cases
                if all(_matches(t, r[1].raised, r[3]) for t, r in zip(theirs, rows)):
                    lead.append("Likely mistake: " + mistake.text)
                    key = mistake.key
                    break
            if key:
                break
    if key is None and outcome.raised:
        hint = _raised_hint(outcome.error, case.args["params"])
        lead.append(f"Your function raised {describe_exception(outcome.error)}"
                    + (f"\n  at {outcome.where}" if outcome.where else "") + (f"\n{hint}" if hint else ""))
        key = "raised"
    body = [_header(i, case, n)]
    if outcome.raised and key != "raised":
        body.append(f"Your function raised {describe_exception(outcome.error)}"
                    + (f"\n  at {outcome.where}" if outcome.where else ""))
    body += [d + "." for d in diffs]
    body += output_lines(outcome)
    if len(failing) > 1:
        body.append("Also failing: " + ", ".join(f"case {j + 1}" for j in failing[1:]) + ".")
    text = "\n\n".join(["\n".join(lead), "\n".join(body)]) if lead else "\n".join(body)
    return CheckResult(name, False, text, diagnosis=key, n_cases=n, n_failed=len(failing))


_GRADS_HINT = {name: module.EXERCISE.mutation_hint for name, module in _NETWORK.items()}
_RULES = {name: module.EXERCISE.asks for name, module in _NETWORK.items()}


# ---------------------------------------------------------------------------
# Initialisations
# ---------------------------------------------------------------------------

def _init_problem(name, value, params):
    """None, or (key, text) for what is wrong with the returned v (or (v, s))."""
    keys = list(params)
    if value is None:
        returns = "v" if name == "initialize_velocity" else "v, s"
        return "returned_none", f"Your function returned None: did you forget `return {returns}` at the end?"
    if name == "initialize_adam":
        if isinstance(value, Mapping):
            return "wrong_count", "Your function returned one dict; return two, v and s: return v, s."
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return "wrong_count", f"Your function returned {type(value).__name__}; expected two dicts: return v, s."
        v, s = value
        if v is s:
            return "v_s_same_dict", ("v and s are one and the same dict (v = s = {...}, or s = v): every update of "
                                     "s would overwrite v. Make two dicts, each with its own zero arrays.")
        pairs = [("v", v), ("s", s)]
    else:
        pairs = [("v", value)]
    for out, d in pairs:
        if not isinstance(d, Mapping):
            return "wrong_type", (f"The {out} you returned is a {type(d).__name__}; expected a dict with the "
                                  f"keys of params ({', '.join(keys)}).")
        got = list(d)
        if set(got) == {"d" + k for k in keys}:
            return "coursera_keys", (f"Your {out} has the keys {', '.join(got[:4])}... (the Coursera assignment's "
                                     f"names). This course keys {out} like params and grads: {out}['W1'] is "
                                     f"{out}_dW1, {out}['b1'] is {out}_db1.")
        if set(got) != set(keys):
            missing = [k for k in keys if k not in d]
            if missing and all(k.startswith("b") for k in missing):
                return "b_missing", (f"Your {out} has no entries for the biases ({', '.join(missing)}): every "
                                     f"array of params, W and b, needs its own average.")
            return "wrong_keys", f"Your {out} has the keys {got}; expected those of params, {keys}."
        for key in keys:
            a = d[key]
            if not isinstance(a, np.ndarray):
                return "wrong_type", (f"{out}['{key}'] is a {type(a).__name__}; expected a numpy array of zeros "
                                      f"shaped like params['{key}'] (np.zeros_like(params['{key}'])).")
            if a.shape != params[key].shape:
                return "wrong_shape", (f"{out}['{key}'] has shape {a.shape}; expected {params[key].shape}, the "
                                       f"shape of params['{key}'] (np.zeros_like(params['{key}'])).")
            if a.dtype.kind not in "fc":
                return "not_float", f"{out}['{key}'] has dtype {a.dtype}: the averages need floats."
            if np.any(a != 0):
                same = np.array_equal(a, params[key])
                return "not_zeros", (f"{out}['{key}'] is not all zeros" + (" (it is a copy of params)" if same else "")
                                     + ": the averages start at 0, as on the slide (v_dW = 0).")
            for other in keys:
                if np.shares_memory(a, params[other]):
                    return "aliases_params", (f"{out}['{key}'] is params['{other}'] itself (the same array in "
                                              f"memory): updating the average in place would change the weights. "
                                              f"Make new arrays: np.zeros_like(params['{key}']).")
        arrays = [(f"{o}['{k}']", dd[k]) for o, dd in pairs for k in keys]
        for i, (name_i, a) in enumerate(arrays):
            for name_j, b in arrays[i + 1:]:
                if np.shares_memory(a, b):
                    key = "v_shared_by_layers" if name_i[0] == name_j[0] else "v_s_share_arrays"
                    return key, (f"{name_i} and {name_j} are one and the same array (made once and put under "
                                 "several keys): one average would be shared by several parameters, each update "
                                 "overwriting the others'. Make a new zero array for every key.")
    return None


def check_initializer(name, fn, time_limit=2.0):
    cases = NETWORK_CASES[name]()
    n = len(cases)
    failures = []
    for index, case in enumerate(cases):
        params = case.args["params"]
        outcome = run(fn, _copies(case.args), protected=("params",), seconds=time_limit)
        if index == 0 and outcome.not_done:
            return _not_done(name, n)
        given = outcome.args.get("params", params)
        header = _header(index, case, n)
        if outcome.timed_out:
            return CheckResult(name, False, timeout_text(outcome, time_limit) + "\n\n" + header, diagnosis="timeout",
                               n_cases=n, n_failed=1, summary=f"stopped after {time_limit:g} s on case {index + 1}")
        if outcome.raised:
            failures.append(("raised", f"Your function raised {describe_exception(outcome.error)}"
                             + (f"\n  at {outcome.where}" if outcome.where else ""), header, outcome))
            continue
        if outcome.mutated:
            failures.append(("mutated_input", "Your function changed params in place: the caller's weights are "
                             "different after the call. Build new arrays (np.zeros_like) instead.", header, outcome))
            continue
        problem = _init_problem(name, outcome.value, given)
        if problem:
            failures.append((*problem, header, outcome))
    if not failures:
        return CheckResult(name, True, "Checked: a dict with the keys of params, zero arrays of the same shapes, "
                           "one new array per key:\n" + "\n".join(f"  \u2714 {c.label}" for c in cases), n_cases=n)
    key, text, header, outcome = failures[0]
    lead = text if key in ("raised",) else ("Likely mistake: " + text if key not in ("returned_none", "mutated_input",
                                                                                       "wrong_count", "wrong_type")
                                              else text)
    extra = output_lines(outcome)
    tail = f"\n({len(failures) - 1} other case{'s' * (len(failures) != 2)} fail too.)" if len(failures) > 1 else ""
    return CheckResult(name, False, lead + "\n\n" + header + ("\n" + "\n".join(extra) if extra else "") + tail,
                       diagnosis=key, n_cases=n, n_failed=len(failures))

"""Exponentially weighted average (notebook 02): v_t = beta v_{t-1} + (1 - beta) theta_t, v_0 = 0.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ...ewa import ewa as _package_ewa
from .._spec import Case, Exercise, Outputs
from .._spec import mistake as _m
from .._spec import series as _series

EXERCISE = Exercise("ewa", "ewa(theta, beta)", Outputs("arrays", ("v",)), ("theta",),
                    "Write the averages into a new array; leave theta as it is.")


def solution(theta, beta):
    """v_1..v_T of v_t = beta v_{t-1} + (1 - beta) theta_t, v_0 = 0."""
    return _package_ewa(theta, beta)


def cases():
    return [
        Case("the slide's first three days, beta = 0.9", {"theta": np.array([40.0, 49.0, 45.0]), "beta": 0.9}),
        Case("beta = 0: no averaging, v_t = theta_t", {"theta": np.array([3.0, -1.0, 4.0, 1.5]), "beta": 0.0}),
        Case("a single value (T = 1), beta = 0.98", {"theta": np.array([60.0]), "beta": 0.98}),
        Case("40 noisy days, beta = 0.98", {"theta": _series(1, 40), "beta": 0.98}),
        Case("negative values, beta = 0.5", {"theta": np.array([-4.0, 2.0, -7.5, 0.5, 3.0]), "beta": 0.5}),
        Case("integer temperatures (an int array), beta = 0.9",
             {"theta": np.array([40, 49, 45, 44, 50, 52]), "beta": 0.9}),
        Case("a Python list, beta = 0.9", {"theta": [40.0, 49.0, 45.0, 44.0], "beta": 0.9},
             hint=("your function fails on a plain Python list. theta can be a list or an array: "
                   "np.asarray(theta) makes an array of either."), hint_key="list_input"),
        Case("an empty series (T = 0): no averages, an empty array", {"theta": np.array([]), "beta": 0.9},
             hint=("your function fails on an empty theta. With T = 0 there is nothing to average: return an "
                   "empty array (a loop over no values, into np.zeros(0), does it)."), hint_key="empty_input"),
    ]


# The wrong versions: the slide's loop with switches (shared with ewa_bias_corrected).

def ewa_switched(theta, beta, *, correction=None, start="zero", one_minus_beta=True, swap=False,
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


INT_STORE = """Your results were rounded down to whole numbers: they were stored in an
    integer array (theta itself, np.zeros_like(theta), np.empty_like(theta) or theta.copy()
    of integer temperatures, or dtype=int), so every stored value was truncated. Store them in a float
    array: np.zeros(len(theta)) or np.zeros_like(theta, dtype=float)."""

_EWA_MISTAKES = [
    _m("v0_theta1", """The average starts at theta_1 (v_1 = theta_1) instead of at v_0 = 0.
       The lecture starts from v = 0, so v_1 = (1 - beta) * theta_1: the start-up bias that
       the next exercise (bias correction) removes.""",
       partial(ewa_switched, start="theta1")),
    _m("one_minus_beta_missing", """The (1 - beta) factor is missing: you computed
       v = beta * v + theta_t. The lecture's average is v = beta * v + (1 - beta) * theta_t;
       the weights then add up to (nearly) 1 and v stays on the scale of theta.""",
       partial(ewa_switched, one_minus_beta=False)),
    _m("beta_swapped", """beta and (1 - beta) are swapped: you computed
       v = (1 - beta) * v + beta * theta_t. Keep most of the old average:
       v = beta * v + (1 - beta) * theta_t.""",
       partial(ewa_switched, swap=True)),
    _m("bias_corrected", """Your values are bias-corrected (divided by 1 - beta ** t). This
       exercise asks for the plain average v_t; the correction is the next exercise.""",
       partial(ewa_switched, correction="t")),
    _m("shifted", """Your values are one step late: the first is v_0 = 0 and v_T is missing.
       Store v after updating it with theta_t, so that position t - 1 holds v_t.""",
       partial(ewa_switched, store="before")),
    _m("includes_v0", """You return T + 1 values: v_0 = 0 is included. Return v_1..v_T, one
       value per theta_t (the same length as theta).""",
       partial(ewa_switched, store="all")),
    _m("last_only", """You return only the last average v_T. Return every v_t: an array
       of the same length as theta.""",
       partial(ewa_switched, store="last")),
    _m("int_truncation", INT_STORE,
       partial(ewa_switched, int_store=True)),
    _m("first_value_skipped", """Your first average is 0 and theta_1 is never averaged: the
       loop starts at index 1, as if position 0 held v_0. v_0 = 0 is the value before the first
       day and is not returned: position t - 1 holds v_t, for t = 1..T, so the loop runs over
       every theta_t (and an empty theta then gives an empty result, with no v[0] to set).""",
       partial(ewa_switched, skip_first=True)),
]

MISTAKES = _EWA_MISTAKES
ALTERNATIVES = []
CORRECT = ewa_switched

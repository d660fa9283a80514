"""Bias-corrected average (notebook 03): v_t / (1 - beta^t), t from 1.

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
from .ewa import INT_STORE, ewa_switched

EXERCISE = Exercise("ewa_bias_corrected", "ewa_bias_corrected(theta, beta)", Outputs("arrays", ("v_corrected",)),
                    ("theta",), "Write the results into a new array; leave theta as it is.")


def solution(theta, beta):
    """v_t / (1 - beta^t) for t = 1..T."""
    return _package_ewa(theta, beta, bias_correction=True)


def cases():
    return [
        Case("the slide's example, beta = 0.98", {"theta": np.array([40.0, 49.0, 45.0]), "beta": 0.98}),
        Case("beta = 0: nothing to correct", {"theta": np.array([3.0, -1.0, 4.0, 1.5]), "beta": 0.0}),
        Case("a single value (T = 1), beta = 0.9", {"theta": np.array([60.0]), "beta": 0.9}),
        Case("40 noisy days, beta = 0.9", {"theta": _series(2, 40), "beta": 0.9}),
        Case("negative values, beta = 0.5", {"theta": np.array([-4.0, 2.0, -7.5, 0.5, 3.0]), "beta": 0.5}),
        Case("integer temperatures (an int array), beta = 0.9",
             {"theta": np.array([40, 49, 45, 44, 50, 52]), "beta": 0.9}),
    ]


_EWA_BC_MISTAKES = [
    _m("no_correction", """No bias correction: these are the plain averages v_t. Divide each
       by 1 - beta ** t, with t = 1 for the first value.""",
       partial(ewa_switched, correction=None)),
    _m("t_from_0", """The correction uses beta ** (t - 1), i.e. t counted from 0: the first
       value is divided by 1 - beta ** 0 = 0. Count t from 1: for t, theta_t in
       enumerate(theta, start=1), or t = i + 1 in a loop over i = 0..T-1.""",
       partial(ewa_switched, correction="t-1")),
    _m("t_plus_1", """The correction uses beta ** (t + 1): the first value (t = 1) must be
       divided by 1 - beta ** 1 = 1 - beta.""",
       partial(ewa_switched, correction="t+1")),
    _m("power_of_one_minus_beta", """The correction divides by (1 - beta) ** t instead of
       1 - beta ** t: mind the brackets, it is 1 - (beta ** t).""",
       partial(ewa_switched, correction="(1-beta)^t")),
    _m("multiplied", """The correction multiplies by 1 - beta ** t; divide by it instead:
       v_t / (1 - beta ** t).""",
       partial(ewa_switched, correction="multiply")),
    _m("fed_back", """The corrected value was fed back into the running average
       (v = v / (1 - beta ** t), then the next step uses it). Keep v uncorrected and correct
       only the value you store: v = beta * v + (1 - beta) * theta_t, then
       result[t - 1] = v / (1 - beta ** t).""",
       partial(ewa_switched, correction="t", feed_back=True)),
    _m("v0_theta1", """The average starts at theta_1 (v_1 = theta_1) and is then corrected.
       The correction assumes v_0 = 0: start from v = 0, so v_1 = (1 - beta) * theta_1,
       which the correction turns back into theta_1.""",
       partial(ewa_switched, correction="t", start="theta1")),
    _m("one_minus_beta_missing", """The (1 - beta) factor is missing from the average:
       v = beta * v + theta_t. Use v = beta * v + (1 - beta) * theta_t, then divide by
       1 - beta ** t.""",
       partial(ewa_switched, correction="t", one_minus_beta=False)),
    _m("int_truncation", INT_STORE,
       partial(ewa_switched, correction="t", int_store=True)),
    _m("final_T", """Every value was corrected with the final T: v_t / (1 - beta ** T) for all t.
       The correction belongs to each step: divide v_t by 1 - beta ** t, with this step's t
       (large at the start, near 1 later).""",
       partial(ewa_switched, correction="final T")),
]

MISTAKES = _EWA_BC_MISTAKES
ALTERNATIVES = []
CORRECT = partial(ewa_switched, correction="t")

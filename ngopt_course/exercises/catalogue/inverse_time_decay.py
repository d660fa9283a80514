"""The lecture's first decay (notebook 07): alpha = alpha0 / (1 + decay_rate * epoch_num), epochs from 1.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``).
"""

from __future__ import annotations


import numpy as np

from ...schedules import inverse_time_decay as _package_inverse_time_decay
from .._spec import Case, Exercise, Outputs
from .._spec import mistake as _m

EXERCISE = Exercise("inverse_time_decay", "inverse_time_decay(learning_rate0, epoch_num, decay_rate)",
                    Outputs("rate", ("learning_rate",)), ("epoch_num",),
                    "Leave epoch_num as it is; compute into a new array.",
                    asks=("What is asked: epochs count from 1 (epoch 0 is not asked); epoch_num is one int or an "
                          "array of epochs."))


def solution(learning_rate0, epoch_num, decay_rate):
    """alpha0 / (1 + decay_rate * epoch_num), epochs counted from 1."""
    return _package_inverse_time_decay(learning_rate0, epoch_num, decay_rate)


ARRAY_HINT = ("your function fails on an array of epochs. epoch_num can be a single int or an array "
               "(np.arange(1, 5)): use numpy arithmetic, which works on both, not int(epoch_num), math "
               "functions or an `if` on epoch_num.")


def cases():
    table = [
        Case(f"the lecture's table: alpha0 = 0.2, decay_rate = 1, epoch {epoch}",
             {"learning_rate0": 0.2, "epoch_num": epoch, "decay_rate": 1.0})
        for epoch in (1, 2, 3, 4)
    ]
    return table + [
        Case("decay_rate = 0: the rate stays alpha0",
             {"learning_rate0": 0.1, "epoch_num": 5, "decay_rate": 0.0}),
        Case("alpha0 = 0.05, decay_rate = 0.5, epoch 10",
             {"learning_rate0": 0.05, "epoch_num": 10, "decay_rate": 0.5}),
        Case("alpha0 = 1, decay_rate = 2, epoch 3",
             {"learning_rate0": 1.0, "epoch_num": 3, "decay_rate": 2.0}),
        Case("an array of epochs, np.arange(1, 5): the lecture's whole table at once",
             {"learning_rate0": 0.2, "epoch_num": np.arange(1, 5), "decay_rate": 1.0}, hint=ARRAY_HINT,
             hint_key="scalar_only"),
        Case("an array of epochs 1..30, alpha0 = 0.1, decay_rate = 0.5",
             {"learning_rate0": 0.1, "epoch_num": np.arange(1, 31), "decay_rate": 0.5}, hint=ARRAY_HINT,
             hint_key="scalar_only"),
    ]


_DECAY_MISTAKES = [
    _m("epoch_from_0", """Epochs are counted from 0 (you used epoch_num - 1), so epoch 1
       gives alpha0 itself. The lecture counts epochs from 1 and decays from the first:
       alpha = alpha0 / (1 + decay_rate * epoch_num) gives 0.1 for alpha0 = 0.2,
       decay_rate = 1, epoch 1.""",
       lambda a0, e, d: a0 / (1 + d * (e - 1))),
    _m("missing_one", """The 1 is missing from the denominator: alpha0 / (decay_rate *
       epoch_num). With it, alpha0 / (1 + decay_rate * epoch_num), the rate starts near
       alpha0 and decay_rate = 0 keeps alpha0 instead of dividing by zero.""",
       lambda a0, e, d: a0 / (d * e)),
    _m("brackets_times_epoch", """Brackets: alpha0 / (1 + decay_rate) * epoch_num divides
       by (1 + decay_rate) and then multiplies by the epoch. Bracket the whole
       denominator: alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 / (1 + d) * e),
    _m("brackets_missing", """Brackets: alpha0 / 1 + decay_rate * epoch_num adds
       decay_rate * epoch_num to alpha0. Bracket the denominator:
       alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 / 1 + d * e),
    _m("multiplied", """The rate grows: alpha0 * (1 + decay_rate * epoch_num). Divide
       instead: alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 * (1 + d * e)),
    _m("power", """alpha0 / (1 + decay_rate) ** epoch_num is an exponential decay; the
       lecture's formula divides by 1 + decay_rate * epoch_num.""",
       lambda a0, e, d: a0 / (1 + d) ** e),
    _m("alpha0_missing", """learning_rate0 is missing: you returned 1 / (1 + decay_rate *
       epoch_num). Multiply by alpha0: alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: 1 / (1 + d * e)),
    _m("decay_rate_missing", """decay_rate is missing: you returned alpha0 / (1 + epoch_num).
       Use alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 / (1 + e)),
    _m("arguments_swapped", """learning_rate0 and decay_rate are swapped in the formula:
       you returned decay_rate / (1 + learning_rate0 * epoch_num).""",
       lambda a0, e, d: d / (1 + a0 * e)),
    _m("floor_division", """// is floor division: alpha0 // (1 + decay_rate * epoch_num)
       rounds down to a whole number (0 here). Use / .""",
       lambda a0, e, d: a0 // (1 + d * e)),
    _m("exponential_decay", """This is an exponential decay (alpha0 * 0.95 ** epoch_num,
       alpha0 * exp(-decay_rate * epoch_num) or alpha0 * decay_rate ** epoch_num), another of the
       lecture's schedules. This exercise is the first one, the inverse-time decay:
       alpha = alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 * 0.95 ** np.asarray(e, dtype=float),
       lambda a0, e, d: a0 * np.exp(-d * np.asarray(e, dtype=float)),
       lambda a0, e, d: a0 * d ** np.asarray(e, dtype=float)),
    _m("decay_rate_in_numerator", """decay_rate is in the numerator: alpha0 * decay_rate / (...).
       It belongs in the denominator only, multiplying the epoch:
       alpha = alpha0 / (1 + decay_rate * epoch_num).""",
       lambda a0, e, d: a0 * d / (1 + np.asarray(e, dtype=float)),
       lambda a0, e, d: a0 * d / (1 + d * np.asarray(e, dtype=float))),
]

MISTAKES = _DECAY_MISTAKES
ALTERNATIVES = []
CORRECT = lambda a0, e, d: a0 / (1 + d * e)  # noqa: E731

"""The assignment's fixed-interval schedule (notebook 07): alpha0 / (1 + decay_rate * floor((epoch_num - 1) / time_interval)).

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``).
"""

from __future__ import annotations

from functools import partial

import numpy as np

from ...schedules import schedule_lr_decay as solution  # the package's own: it is the model solution
from .._spec import Case, Exercise, Outputs
from .._spec import mistake as _m
from .inverse_time_decay import ARRAY_HINT

__all__ = ["EXERCISE", "solution", "cases", "MISTAKES", "ALTERNATIVES", "CORRECT"]

EXERCISE = Exercise("schedule_lr_decay", "schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval)",
                    Outputs("rate", ("learning_rate",)), ("epoch_num",),
                    "Leave epoch_num as it is; compute into a new array.",
                    asks=("What is asked: epochs count from 1, so epochs 1..time_interval use alpha0; epoch_num is "
                          "one int or an array of epochs."))


def cases():
    return [
        Case("epoch 1: alpha0", {"learning_rate0": 0.5, "epoch_num": 1, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 10, the last of the first stage (time_interval = 10): still alpha0",
             {"learning_rate0": 0.5, "epoch_num": 10, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 11, the first of the second stage: alpha0 / (1 + decay_rate)",
             {"learning_rate0": 0.5, "epoch_num": 11, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 2500, time_interval = 1000, decay_rate = 0.3 (the third stage)",
             {"learning_rate0": 0.1, "epoch_num": 2500, "decay_rate": 0.3, "time_interval": 1000}),
        Case("time_interval = 1: a new stage every epoch (epoch 4)",
             {"learning_rate0": 0.2, "epoch_num": 4, "decay_rate": 1.0, "time_interval": 1}),
        Case("decay_rate = 0: the rate stays alpha0",
             {"learning_rate0": 0.1, "epoch_num": 57, "decay_rate": 0.0, "time_interval": 5}),
        Case("an array of epochs 1..12, time_interval = 4",
             {"learning_rate0": 0.3, "epoch_num": np.arange(1, 13), "decay_rate": 2.0, "time_interval": 4},
             hint=ARRAY_HINT, hint_key="scalar_only"),
    ]


def _schedule(a0, e, d, ti, *, shift=-1, floor=True, ceil=False, order="d*floor", power=False,
              rounding=None, precedence=False, times_power=False):
    e = np.asarray(e)
    if precedence:  # epoch_num - 1 / time_interval, not floored (floored, it is epoch_num - 1)
        stages = e - 1 / ti
    elif rounding is not None:
        stages = np.round((e + rounding) / ti)
    elif ceil:
        stages = -(-(e + shift + 1) // ti) - 1 if False else np.ceil(e / ti)
    elif floor:
        stages = (e + shift) // ti
    else:
        stages = (e + shift) / ti
    stages = np.asarray(stages, dtype=float)
    with np.errstate(all="ignore"):
        if power:
            return a0 / (1 + d) ** stages
        if times_power:
            return a0 * np.float64(d) ** stages
        return a0 / (1 + d * stages) if order == "d*floor" else a0 / (1 + np.floor(d * (e + shift) / ti))


_SCHEDULE_MISTAKES = [
    _m("epoch_from_0", """Epochs counted from 0: you wrote the assignment's floor(epoch_num /
       time_interval) with the course's 1-based epochs, so every drop comes one epoch early
       (epoch 10 of time_interval = 10 already decays). The assignment counts epochs from 0;
       the course from 1, so floor (epoch_num - 1) / time_interval: epochs 1..time_interval
       use alpha0.""",
       partial(_schedule, shift=0)),
    _m("no_floor", """No floor: decay_rate * epoch_num / time_interval decays a little every
       epoch. The fixed-interval schedule changes alpha only once per time_interval epochs:
       floor it, (epoch_num - 1) // time_interval.""",
       partial(_schedule, floor=False)),
    _m("ceil", """np.ceil(epoch_num / time_interval) starts decaying at the first epoch. Use the
       floor of (epoch_num - 1) / time_interval, so epochs 1..time_interval use alpha0.""",
       partial(_schedule, ceil=True)),
    _m("interval_ignored", """time_interval has no effect: your rate decays every epoch, as
       alpha0 / (1 + decay_rate * epoch_num) (that is inverse_time_decay) or with stage =
       epoch_num - 1. Mind the brackets too: epoch_num - 1 / time_interval divides only the 1.
       Count stages of time_interval epochs: np.floor((epoch_num - 1) / time_interval).""",
       lambda a0, e, d, ti: a0 / (1 + d * np.asarray(e, dtype=float)),
       lambda a0, e, d, ti: a0 / (1 + d * (np.asarray(e, dtype=float) - 1))),
    _m("power", """alpha0 / (1 + decay_rate) ** stage is an exponential staircase; the schedule
       divides by 1 + decay_rate * stage.""",
       partial(_schedule, power=True)),    _m("arguments_swapped", """epoch_num and decay_rate are swapped: your function uses the
       second argument as the decay rate and the third as the epoch. The order is
       schedule_lr_decay(learning_rate0, epoch_num, decay_rate, time_interval), the same
       learning_rate0, epoch_num, ... as every schedule of the course.""",
       lambda a0, e, d, ti: _schedule(a0, d, e, ti)),
    _m("rounded", """np.round rounds half the stage up: the rate drops in the middle of a stage
       (epoch 10 of time_interval = 10 already decays). The stage is the floor:
       np.floor((epoch_num - 1) / time_interval), or (epoch_num - 1) // time_interval.""",
       partial(_schedule, rounding=-1), partial(_schedule, rounding=0)),
    _m("precedence", """Brackets, and no floor: epoch_num - 1 / time_interval subtracts
       1 / time_interval from the epoch (division binds tighter than -), and the rate changes every
       epoch. Bracket the difference and floor it: np.floor((epoch_num - 1) / time_interval).""",
       partial(_schedule, precedence=True)),
    _m("decay_rate_power", """alpha0 * decay_rate ** stage multiplies by decay_rate at every stage
       (a staircase with drop = decay_rate); the schedule divides: alpha0 / (1 + decay_rate *
       stage).""",
       partial(_schedule, times_power=True)),
]

MISTAKES = _SCHEDULE_MISTAKES
ALTERNATIVES = []
CORRECT = _schedule

"""The model solutions of the plain-function exercises (each exercise's module holds its own).

Each takes single arrays, as the slides write the formulas, and returns new arrays (the
optimizers update in place, so they work on copies). These are what ``check`` compares
against and what ``use_or_reference`` hands back when the learner's version is not ready.
"""

from __future__ import annotations

from ..minibatch import random_mini_batches
from .catalogue.adam_update import solution as adam_update
from .catalogue.classify_critical_point import solution as classify_critical_point
from .catalogue.ewa import solution as ewa
from .catalogue.ewa_bias_corrected import solution as ewa_bias_corrected
from .catalogue.inverse_time_decay import solution as inverse_time_decay
from .catalogue.momentum_update import solution as momentum_update
from .catalogue.rmsprop_update import solution as rmsprop_update

__all__ = [
    "random_mini_batches",
    "ewa",
    "ewa_bias_corrected",
    "momentum_update",
    "rmsprop_update",
    "adam_update",
    "inverse_time_decay",
    "classify_critical_point",
]

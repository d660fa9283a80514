"""Initialise momentum's velocity (notebook 04): a zero array per array of params.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``). The dicts are keyed like ``params`` (``v["W1"]`` is v_dW1), updated in
place and returned; ``t`` is carried by the caller, from 1.
"""

from __future__ import annotations

import numpy as np

from .._spec import Case, Exercise
from .._spec import network_dict
from .._spec import rng as _rng


EXERCISE = Exercise("initialize_velocity", "initialize_velocity(params)", kind="network_init")


def solution(params):
    """v: a zero array shaped like each array of params, with the same keys."""
    return {key: np.zeros_like(W) for key, W in params.items()}


def cases():
    rng = _rng(43)
    return [
        Case("layers [3, 4, 2, 1] (three layers of different shapes)", {"params": network_dict(rng, [3, 4, 2, 1])}),
        Case("layers [2, 2, 2] (two layers of the same shape)", {"params": network_dict(rng, [2, 2, 2])}),
        Case("one layer (L = 1), layers [5, 1]", {"params": network_dict(rng, [5, 1])}),
    ]


# The wrong initialisations are told apart by the engine's checks of the returned dicts
# (None, Coursera's dW1 keys, a shared array, a copy of params, ...: _network_check).
MISTAKES = []
ALTERNATIVES = []
CORRECT = None

"""Initialise Adam's two averages (notebook 06): v and s, two dicts of zero arrays.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``). The dicts are keyed like ``params`` (``v["W1"]`` is v_dW1), updated in
place and returned; ``t`` is carried by the caller, from 1.
"""

from __future__ import annotations

from .._spec import Exercise
from .initialize_velocity import cases
from .initialize_velocity import solution as _zeros


EXERCISE = Exercise("initialize_adam", "initialize_adam(params)", kind="network_init")


def solution(params):
    """(v, s): two separate dicts of zero arrays shaped like params."""
    return _zeros(params), _zeros(params)


__all__ = ["EXERCISE", "solution", "cases", "MISTAKES", "ALTERNATIVES", "CORRECT"]

# As for initialize_velocity, the engine's checks of the returned dicts name the mistakes.
MISTAKES = []
ALTERNATIVES = []
CORRECT = None

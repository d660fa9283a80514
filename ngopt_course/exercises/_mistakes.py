"""The mistake catalogue of the plain-function exercises, by name.

Each exercise's wrong versions live in its module (``catalogue/<name>.py``); a check
recognises a mistake by running its wrong version on the same cases as the learner's
function: if the learner's results match the wrong version's on every case (and the
wrong version differs from the solution on some case), the diagnosis is that mistake.
"""

from __future__ import annotations

from ._spec import Mistake
from ._spec import mistake as _m
from .catalogue import REGISTRY
from .catalogue.adam_update import EFFICIENT_FORM
from .catalogue.momentum_update import STEP_WITH_DW

__all__ = ["Mistake", "MISTAKES", "ALTERNATIVES", "CORRECT", "EFFICIENT_FORM", "STEP_WITH_DW", "_m"]

_PLAIN = {name: module for name, module in REGISTRY.items() if module.EXERCISE.kind == "cases"}

MISTAKES = {name: module.MISTAKES for name, module in _PLAIN.items()}
# Correct answers in another convention (the slide's): they pass, with the text as a note.
ALTERNATIVES = {name: module.ALTERNATIVES for name, module in _PLAIN.items() if module.ALTERNATIVES}
# The switches' defaults are the correct formulas (tests compare them with the solutions).
CORRECT = {name: module.CORRECT for name, module in _PLAIN.items() if module.CORRECT is not None}

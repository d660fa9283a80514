"""The cases of the plain-function exercises, by name (each exercise's module holds its own).

Kept as one table for the engine and the tests; the cases themselves live in
``catalogue/<name>.py`` beside the exercise's solution and mistakes.
"""

from __future__ import annotations

from ._spec import Case
from .catalogue import REGISTRY

__all__ = ["Case", "CASES"]

CASES = {name: module.cases for name, module in REGISTRY.items() if module.EXERCISE.kind == "cases"}

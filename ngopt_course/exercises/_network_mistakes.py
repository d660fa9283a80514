"""The wrong versions of the updates over a whole network, by name (each exercise's module holds its own).

As for the plain functions: a learner's results that match a wrong version on every case
get that mistake's text. The wrong versions update the dicts they are given in place, as
the exercise asks, and return them.
"""

from __future__ import annotations

from .catalogue import REGISTRY

__all__ = ["NETWORK_MISTAKES", "NETWORK_ALTERNATIVES", "NETWORK_CORRECT", "EPS_INSIDE_NOTE"]

_UPDATES = {name: module for name, module in REGISTRY.items() if module.EXERCISE.kind == "network_update"}

NETWORK_MISTAKES = {name: module.MISTAKES for name, module in _UPDATES.items()}
# Correct answers written in another convention: (key, wrong-looking version, note); they pass.
NETWORK_ALTERNATIVES = {name: [(a.key, a.fns[0], a.text) for a in module.ALTERNATIVES]
                        for name, module in _UPDATES.items() if module.ALTERNATIVES}
NETWORK_CORRECT = {name: module.CORRECT for name, module in _UPDATES.items()}
EPS_INSIDE_NOTE = REGISTRY["update_parameters_with_adam"].EPS_INSIDE_NOTE

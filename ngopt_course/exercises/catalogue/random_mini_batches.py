"""Shuffle and cut into mini-batches (notebook 01): one permutation for X and Y, the last batch smaller.

One exercise, one module (``catalogue/__init__.py`` says how to add one). Any correct
shuffle is fine, so this exercise is checked by its properties, not against the
solution's numbers (``_minibatches``: the right sizes, every example once, X and Y
paired, shuffled, the same for the same seed); the properties name the mistakes, so the
catalogue of wrong versions is in the engine's checks and in tests/test_exercises.py.
"""

from __future__ import annotations

from ...minibatch import random_mini_batches as solution  # the package's own
from .._spec import Exercise

__all__ = ["EXERCISE", "solution", "cases", "MISTAKES", "ALTERNATIVES", "CORRECT"]

EXERCISE = Exercise("random_mini_batches", "random_mini_batches(X, Y, mini_batch_size, seed)", None, ("X", "Y"),
                    kind="mini_batches")


def cases():
    """(n, m, mini_batch_size, label) of each case; the engine builds X and Y that carry each example's index."""
    return [
        (3, 10, 4, "m = 10 examples, mini_batch_size = 4: the last mini-batch is partial"),
        (2, 12, 4, "m = 12, mini_batch_size = 4: m is a multiple, no partial mini-batch"),
        (1, 5, 1, "mini_batch_size = 1 (stochastic gradient descent)"),
        (3, 7, 64, "mini_batch_size = 64 > m = 7: one mini-batch (batch gradient descent)"),
        (4, 300, 64, "m = 300, mini_batch_size = 64"),
    ]


MISTAKES = []
ALTERNATIVES = []
CORRECT = None

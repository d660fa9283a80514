"""Widget builders: each wires ipywidgets controls to compute functions and plots.

Every builder returns an ``Explorer`` (an ``ipywidgets.VBox``) showing its figure as a
PNG; see ``widgets._base`` for the pattern. ``EXPLORERS`` lists every builder of the
course by name, so tests (and instructors) can build each one with its defaults.
"""

from ._base import Explorer
from .decay import decay_explorer
from .ewa import bias_correction_explorer, ewa_explorer

EXPLORERS = {
    "ewa": ewa_explorer,
    "bias_correction": bias_correction_explorer,
    "decay": decay_explorer,
}

__all__ = ["Explorer", "EXPLORERS", "ewa_explorer", "bias_correction_explorer", "decay_explorer"]

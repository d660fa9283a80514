"""Widget builders: each wires ipywidgets controls to compute functions and plots.

Every builder returns an ``Explorer`` (an ``ipywidgets.VBox``) showing its figure as a
PNG; see ``widgets._base`` for the pattern. ``EXPLORERS`` maps a name to a function
building each widget of the course with its defaults, so tests (and instructors) can
build every one the same way.
"""

from ._base import Explorer
from .capstone import capstone_explorer
from .critical_points import census_explorer, plateau_explorer
from .decay import decay_explorer
from .ewa import bias_correction_explorer, ewa_explorer
from .minibatch import minibatch_explorer
from .momentum import momentum_explorer
from .race import optimizer_race
from .rmsprop import rmsprop_explorer


def _capstone_on_moons():
    """The capstone explorer on two moons, every combination trained when built (short runs, no bar)."""
    from ..data import make_moons

    X, Y = make_moons(n_samples=300, noise=0.2, seed=0)
    return capstone_explorer({}, X, Y, num_epochs=300, progress=False)


EXPLORERS = {
    "minibatch": minibatch_explorer,
    "ewa": ewa_explorer,
    "bias_correction": bias_correction_explorer,
    "momentum": momentum_explorer,
    "rmsprop": rmsprop_explorer,
    "race": optimizer_race,
    "decay": decay_explorer,
    "census": census_explorer,
    "plateau": plateau_explorer,
    "capstone": _capstone_on_moons,
}

__all__ = [
    "Explorer", "EXPLORERS", "minibatch_explorer", "ewa_explorer", "bias_correction_explorer", "momentum_explorer",
    "rmsprop_explorer", "optimizer_race",
    "decay_explorer", "census_explorer", "plateau_explorer", "capstone_explorer",
]

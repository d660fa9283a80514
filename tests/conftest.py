"""Test-session settings and fixtures shared by the unit tests and the nbval notebook run.

Helpers that are not fixtures (colours, optimizer factories) live in ``helpers.py``.
"""

import os

import matplotlib
import pytest

# An exported MPLBACKEND=Agg would reach the notebooks' kernels (nbval starts them from
# this process's environment) and make matplotlib drop every inline figure silently.
os.environ.pop("MPLBACKEND", None)

# Figures drawn by the tests go nowhere: this process only. (The kernels nbval starts read
# MPLBACKEND, popped above, not this setting, and keep their inline backend.)
matplotlib.use("Agg")


@pytest.fixture
def close_figures():
    """Close the pyplot figures a test opened. Plot tests: ``pytestmark = pytest.mark.usefixtures("close_figures")``."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.fixture
def no_pyplot_figures_left():
    """An explorer draws on its own Figure: pyplot must not see (and keep) a new one.

    Widget tests: ``pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")``.
    """
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before

"""Test-session settings shared by the unit tests and the nbval notebook run."""

import os

# An exported MPLBACKEND=Agg would reach the notebooks' kernels (nbval starts them from
# this process's environment) and make matplotlib drop every inline figure silently.
os.environ.pop("MPLBACKEND", None)


# -- widgets ------------------------------------------------------------------------

import matplotlib.pyplot as plt  # noqa: E402 - after the environment is cleaned above
import pytest  # noqa: E402


@pytest.fixture
def no_pyplot_figures_left():
    """An explorer draws on its own Figure: pyplot must not see (and keep) a new one.

    Widget test modules use it on every test: ``pytestmark = pytest.mark.usefixtures(...)``.
    """
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before

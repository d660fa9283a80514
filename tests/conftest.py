"""Test-session settings and fixtures shared by the unit tests and the nbval notebook run.

Helpers that are not fixtures (colours, optimizer factories) live in ``helpers.py``.
"""

import asyncio
import os
from types import SimpleNamespace

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

# The tests that execute notebooks (nbval's cells, both editions, the wheel, the site, the
# browser) carry the marker ``notebooks``, so the inner loop can leave them out:
#     python -m pytest -m "not notebooks"
# CI runs everything (README's test command has no -m). A test file that starts kernels
# or a browser belongs here, or marks its tests itself.
NOTEBOOK_TEST_FILES = {
    "test_learner_edition.py",    # both editions of every notebook with exercises
    "test_notebooks_run.py",      # the whole course, headless, timed
    "test_small_memory.py",       # notebook 01 with a small machine's m
    "test_wheel_install.py",      # the learner edition from an installed wheel
}


# Tests without a notebook that still take tens of seconds each (``slow``, like the
# training runs of test_training.py that mark themselves): the inner loop,
#     python -m pytest -m "not notebooks and not slow" -n auto
# leaves them out too (-n auto: pytest-xdist, one worker per core).
SLOW_TESTS = {
    "test_widgets_stress.py::test_two_hundred_rapid_changes",   # 200 redraws of every explorer
}


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        path = item.path
        if (path.suffix == ".ipynb" or path.name in NOTEBOOK_TEST_FILES
                or item.get_closest_marker("browser") is not None):
            item.add_marker(pytest.mark.notebooks)
        if f"{path.name}::{getattr(item, 'originalname', item.name)}" in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


# -- a fake clock for the widgets' delays --------------------------------------------

class _FakeClockLoop(asyncio.SelectorEventLoop):
    """An event loop whose clock stands still until the test moves it."""

    def __init__(self):
        super().__init__()
        self.now = 0.0

    def time(self):
        return self.now


async def _advance(seconds):
    """Move the fake clock on, and let the loop run what fell due (two turns: timers, then them)."""
    asyncio.get_running_loop().now += seconds
    for _ in range(2):
        await asyncio.sleep(0)


def _run_on_fake_clock(coroutine):
    with asyncio.Runner(loop_factory=_FakeClockLoop) as runner:
        return runner.run(coroutine)


@pytest.fixture
def fake_clock():
    """``run(coroutine)`` on an event loop whose clock moves only by ``await advance(seconds)``:
    delays tested by the order of events, not by wall time."""
    return SimpleNamespace(run=_run_on_fake_clock, advance=_advance)

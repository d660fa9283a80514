"""Test-session settings shared by the unit tests and the nbval notebook run."""

import os

# An exported MPLBACKEND=Agg would reach the notebooks' kernels (nbval starts them from
# this process's environment) and make matplotlib drop every inline figure silently.
os.environ.pop("MPLBACKEND", None)


# -- widgets ------------------------------------------------------------------------

import asyncio  # noqa: E402 - after the environment is cleaned above
from types import SimpleNamespace  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def no_pyplot_figures_left():
    """An explorer draws on its own Figure: pyplot must not see (and keep) a new one.

    Widget test modules use it on every test: ``pytestmark = pytest.mark.usefixtures(...)``.
    """
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


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

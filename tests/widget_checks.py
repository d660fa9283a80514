"""What every widget test file needs: no stray pyplot figure, and a control set as a learner does.

Imported by the ``test_widgets_*.py`` files (pytest puts ``tests/`` on the path);
``no_pyplot_figures_left`` is an autouse fixture in every module that imports it.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import pytest

__all__ = ["no_pyplot_figures_left", "set_control", "set_controls", "assert_redraws_measured"]


@pytest.fixture(autouse=True)
def no_pyplot_figures_left():
    """An explorer draws on its own Figure: pyplot must not see (and keep) a new one."""
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def set_controls(explorer, **values):
    """Set controls in order; return (the PNG shown changed, seconds of the last redraw)."""
    before = explorer.image.value
    for name, value in values.items():
        explorer.controls[name].value = value
    return explorer.image.value != before, explorer.last_redraw_seconds


def set_control(explorer, name, value):
    """Set one control; return (the PNG shown changed, seconds of its redraw)."""
    return set_controls(explorer, **{name: value})


def assert_redraws_measured(times):
    """Every redraw timed itself (speed goals live in benchmarks/widget_latency.py, not here)."""
    assert times and all(math.isfinite(t) and t > 0 for t in times), times

"""Helpers of the widget tests: a control set as a learner does, redraws that timed themselves.

Imported by the ``test_widgets_*.py`` files (pytest puts ``tests/`` on the path). Plain
functions: the fixtures they share live in ``conftest.py``.
"""

from __future__ import annotations

import math

__all__ = ["set_control", "set_controls", "assert_redraws_measured"]


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

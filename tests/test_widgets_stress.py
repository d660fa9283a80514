"""Every widget of the course survives what learners do to sliders.

Each explorer registered in ``ngopt_course.widgets.EXPLORERS`` is built headless and:
- every control is set to its minimum, its maximum and back, each redraw finite;
- 200 rapid changes in a row leave the displayed state equal to what the last value
  computes, raise nothing, open no pyplot figure and do not grow memory without bound.
"""

import resource
import math

import ipywidgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from ngopt_course.widgets import EXPLORERS


def _extremes(control):
    """(first, last) values a control allows, or None for controls without a range."""
    if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButton)):
        return False, True
    if hasattr(control, "options") and len(control.options):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return options[0], options[-1]
    if hasattr(control, "min") and hasattr(control, "max"):
        return control.min, control.max
    return None


def _cycle_values(control, n):
    ends = _extremes(control)
    if ends is None:
        return []
    if hasattr(control, "options") and len(control.options):
        options = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return [options[i % len(options)] for i in range(n)]
    lo, hi = ends
    if isinstance(lo, bool):
        return [bool(i % 2) for i in range(n)]
    grid = np.linspace(lo, hi, 7)
    values = [grid[(i * 3) % 7] for i in range(n)]
    return [int(round(v)) if isinstance(control.value, int) else float(v) for v in values]


def _finite(obj, seen=None):
    """True when every float array or number reachable in a result is finite."""
    if isinstance(obj, np.ndarray):
        return obj.dtype.kind != "f" or bool(np.isfinite(obj).all())
    if isinstance(obj, float):
        return math.isfinite(obj)
    if isinstance(obj, dict):
        return all(_finite(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return all(_finite(v) for v in obj)
    if hasattr(obj, "__dataclass_fields__"):
        return all(_finite(getattr(obj, f)) for f in obj.__dataclass_fields__)
    return True


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.fixture(params=sorted(EXPLORERS), ids=sorted(EXPLORERS))
def explorer(request):
    figures_before = set(plt.get_fignums())
    widget = EXPLORERS[request.param]()
    yield widget
    assert set(plt.get_fignums()) == figures_before, "the widget opened pyplot figures"


def test_the_course_registers_its_widgets():
    assert len(EXPLORERS) >= 6, sorted(EXPLORERS)


def test_every_control_at_its_extremes(explorer):
    assert _finite(explorer.result)
    for name, control in explorer.controls.items():
        ends = _extremes(control)
        if ends is None:
            continue
        original = control.value
        for value in (*ends, original):
            control.value = value
            assert control.value == value or isinstance(value, float), (name, value)
            assert explorer.image.value, f"{name} = {value!r} left no picture"
            assert _finite(explorer.result), f"{name} = {value!r} produced non-finite data"


def test_two_hundred_rapid_changes(explorer):
    rng = np.random.default_rng(0)
    names = [n for n, c in explorer.controls.items() if _extremes(c) is not None]
    plans = {n: _cycle_values(explorer.controls[n], 200) for n in names}
    for i in range(200):
        name = names[rng.integers(len(names))]
        explorer.controls[name].value = plans[name][i]
        if i == 49:
            rss_after_50 = _rss_mb()
    # The state shown is the state the last values compute.
    expected = explorer.compute(**explorer.values)
    assert _same(expected, explorer.result), "the widget shows a state other than its controls say"
    assert _rss_mb() - rss_after_50 < 60, "memory grows with every redraw"


def _same(a, b):
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    if hasattr(a, "__dataclass_fields__"):
        return all(_same(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b

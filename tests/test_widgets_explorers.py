"""Checks every explorer of ``widgets.EXPLORERS`` must pass, parametrized over the registry.

- Every control changes the picture (as the browser test checks in JupyterLab).
- What a change shows, drawn fast (moving artists over a still background, one figure
  per layer), is the picture a full redraw of the same setting gives.
"""

import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from ngopt_course.widgets import EXPLORERS, Explorer

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")

#: Blitting draws the moving artists after the still ones, so where a moving curve
#: crosses a still artist drawn above it in a full redraw (a spine, a grey curve of
#: zorder 2.5 vs 2) a few antialiased pixels differ: at most this share of the picture.
MAX_DIFFERING = 0.002


@pytest.fixture(scope="module", params=sorted(EXPLORERS), ids=sorted(EXPLORERS))
def explorer(request):
    return EXPLORERS[request.param]()


def _options(control):
    return [o[1] if isinstance(o, tuple) else o for o in control.options]


def _other_value(control):
    """A value a learner can choose that differs from the current one."""
    if isinstance(control, (ipywidgets.Checkbox, ipywidgets.ToggleButton)):
        return not control.value
    if getattr(control, "options", None):
        options = _options(control)
        return options[-1] if control.value != options[-1] else options[0]
    if isinstance(control, ipywidgets.FloatLogSlider):
        return control.base ** control.max if control.value != control.base ** control.max \
            else control.base ** control.min
    return control.max if control.value != control.max else control.min


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def _full_redraw(explorer):
    """The current setting drawn from scratch, every artist in one canvas.draw(), as RGB."""
    return explorer.redraw_from_scratch()[..., :3].copy()


def test_every_control_changes_the_picture(explorer):
    for name, control in explorer.controls.items():
        before = explorer.image.value
        value = _other_value(control)
        control.value = value
        assert explorer.image.value != before, f"{name} = {value!r} left the picture as it was"
        assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_fast_picture_is_the_full_redraw(explorer):
    for name, control in explorer.controls.items():
        for _ in range(2):                                # there and back
            value = _other_value(control)
            control.value = value
            shown = _pixels(explorer.image.value)
            full = _full_redraw(explorer)
            assert shown.shape == full.shape
            differing = np.any(shown != full, axis=-1).mean()
            assert differing <= MAX_DIFFERING, f"{name} = {value!r}: {differing:.2%} of the pixels differ"
            explorer.refresh()                           # back to the fast path for the next change


def test_the_example_explorer_of_the_base_module_works():
    """The minimal explorer ``widgets._base`` opens with runs, and its slider moves the picture."""
    import textwrap

    from ngopt_course.widgets import _base

    example = textwrap.dedent(_base.__doc__.split("::", 1)[1].split("\nThe figure", 1)[0])
    namespace = {"Explorer": Explorer, "widgets": ipywidgets, "np": np}
    exec(example, namespace)                              # noqa: S102 - the module's own docstring
    explorer = namespace["ParabolaExplorer"]()
    before = explorer.image.value
    explorer.controls["a"].value = 2.0
    assert explorer.image.value != before
    assert explorer.note.value == "a = 2: the vertex stays at 0."
    assert np.any(_pixels(explorer.image.value) != _full_redraw(explorer), axis=-1).mean() <= MAX_DIFFERING

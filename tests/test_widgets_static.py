"""Every explorer also displays as a static picture, for pages that have no kernel.

A static website, GitHub and nbviewer cannot run a widget: they show the next best
representation of the output. Each explorer's display bundle therefore carries, next to
the widget view, its figure as a PNG and a line of text saying it is interactive in
Jupyter. These tests go through IPython's display formatter, the way a kernel does.
"""

import base64
import io
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest
from IPython.core.formatters import DisplayFormatter
from PIL import Image

from ngopt_course.widgets import EXPLORERS

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture(autouse=True)
def no_pyplot_figures_left():
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


@pytest.fixture(scope="module")
def explorers():
    built = {name: build() for name, build in EXPLORERS.items()}
    yield built
    for explorer in built.values():
        explorer.close()


def _bundle(explorer):
    data, _metadata = DisplayFormatter().format(explorer)
    return data


def _decode(png_b64):
    return Image.open(io.BytesIO(base64.b64decode(png_b64, validate=True)))


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_bundle_holds_widget_view_png_and_text(explorers, name):
    explorer = explorers[name]
    data = _bundle(explorer)
    assert set(data) == {WIDGET_VIEW, "image/png", "text/plain"}
    assert data[WIDGET_VIEW]["model_id"] == explorer.model_id
    json.dumps(data)                          # the kernel sends it as JSON
    # the PNG is the picture the widget shows, byte for byte
    assert base64.b64decode(data["image/png"]) == explorer.image.value


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_png_decodes_to_a_real_figure(explorers, name):
    image = _decode(_bundle(explorers[name])["image/png"])
    assert image.format == "PNG"
    width, height = image.size
    figure_px = explorers[name].figure.get_size_inches() * explorers[name].figure.dpi
    assert (width, height) == tuple(np.round(figure_px).astype(int))
    assert width >= 400 and height >= 200, image.size
    pixels = np.asarray(image.convert("RGB")).reshape(-1, 3)
    # a drawn figure: many colours (lines, text, antialiasing), and plenty of non-white ink
    assert len(np.unique(pixels, axis=0)) > 50
    assert np.mean(pixels.min(axis=1) < 200) > 0.01


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_text_says_it_is_interactive_in_jupyter(explorers, name):
    text = _bundle(explorers[name])["text/plain"]
    assert "interactive in Jupyter" in text
    assert type(explorers[name]).__name__ in text
    assert "\n" not in text                   # one line


def test_png_follows_the_settings_shown():
    explorer = EXPLORERS["ewa"]()
    try:
        before = _bundle(explorer)["image/png"]
        control = explorer.controls["beta"]
        control.value = 0.5 if control.value != 0.5 else 0.9
        after = _bundle(explorer)["image/png"]
        assert after != before
        assert base64.b64decode(after) == explorer.image.value
    finally:
        explorer.close()

"""Write ``live_frames.ipynb``: the site test's proof that a slider moves a static page.

Until the course's explorers carry their precomputed frames, this notebook holds the
smallest box of the same shape (the design of issue 24), made of plain core ipywidgets:

- a ``Box`` with the CSS class ``ngopt-frames``;
- in one grid cell, a still background ``Image`` and above it a ``Stack`` of transparent
  PNG ``Image`` s, one per slider stop;
- a labelled ``IntSlider`` whose ``value`` is ``jslink`` ed to the Stack's
  ``selected_index``, so the browser switches frames with no kernel;
- like the explorers, a PNG fallback in its display data and a figure caption and
  description in the cell's metadata: the page must show the live box, not the PNG too.

``tests/test_site.py`` builds it into a small site with the course's own ``docs/conf.py``
and presses ArrowRight on the slider. Committed without outputs; rebuild it with

    .venv/bin/python tests/site_fixture/build_live_frames.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "live_frames.ipynb"

MARKDOWN = """\
# A live explorer without a kernel

The box below is drawn once by the kernel that built this page. Its slider moves the
picture in the page itself: each stop shows a precomputed frame over a still background."""

FRAMES_CELL = """\
import base64
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt


def png(draw, transparent):
    fig, ax = plt.subplots(figsize=(4, 2.4), dpi=60)
    fig.subplots_adjust(left=0.15, bottom=0.22)     # the same axes box in every layer
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="x", ylabel="y")
    draw(ax)
    if transparent:
        ax.set_axis_off()
        fig.patch.set_alpha(0)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", transparent=transparent)
    plt.close(fig)
    return buffer.getvalue()


STOPS = [0.2, 0.5, 0.8]
background = widgets.Image(value=png(lambda ax: ax.grid(True), transparent=False),
                           format="png", layout=widgets.Layout(grid_area="picture"))
frames = widgets.Stack(
    [widgets.Image(value=png(lambda ax, x=x: ax.plot([x], [x], "o", markersize=14), transparent=True),
                   format="png") for x in STOPS],
    selected_index=0, layout=widgets.Layout(grid_area="picture"))
picture = widgets.GridBox([background, frames],
                          layout=widgets.Layout(grid_template_areas='"picture"'))
slider = widgets.IntSlider(value=0, min=0, max=len(STOPS) - 1, description="stop",
                           readout=True)
widgets.jslink((slider, "value"), (frames, "selected_index"))


class FramesBox(widgets.VBox):
    # shown with a PNG fallback, as the course's explorers are (widgets/_base.py)
    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        first = png(lambda ax: ax.plot([STOPS[0]], [STOPS[0]], "o", markersize=14), transparent=False)
        bundle["image/png"] = base64.b64encode(first).decode("ascii")
        bundle["text/plain"] = "FramesBox, shown as its figure at the first stop."
        return bundle


# a control the kernel answers (no jslink): the site shows it disabled
grid = widgets.Checkbox(value=True, description="grid")
box = FramesBox([picture, slider, grid])
box.add_class("ngopt-frames")
box"""

SELECTION_CELL = """\
# the same with a SelectionSlider: its index drives the Stack, its labels are the stops
frames_2 = widgets.Stack(
    [widgets.Image(value=png(lambda ax, x=x: ax.plot([x], [1 - x], "s", markersize=14), transparent=True),
                   format="png") for x in STOPS],
    selected_index=1, layout=widgets.Layout(grid_area="picture"))
background_2 = widgets.Image(value=background.value, format="png",
                             layout=widgets.Layout(grid_area="picture"))
slider_2 = widgets.SelectionSlider(options=[str(x) for x in STOPS], index=1, description="x")
widgets.jslink((slider_2, "index"), (frames_2, "selected_index"))
box_2 = FramesBox([widgets.GridBox([background_2, frames_2],
                                   layout=widgets.Layout(grid_template_areas='"picture"')),
                   slider_2])
box_2.add_class("ngopt-frames")
box_2"""

CHECK_CELL = """\
# the kernel and the page agree: the slider and the Stack start at the same stop
assert slider.value == frames.selected_index == 0
assert len(frames.children) == len(STOPS)"""


def build():
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell(MARKDOWN),
        nbformat.v4.new_code_cell(FRAMES_CELL, metadata={"tags": ["nbval-ignore-output"], "mystnb": {
            "figure": {"caption": "Interactive in Jupyter: open this notebook in JupyterLab."},
            "image": {"alt": "A grid, x and y from 0 to 1, with a dot the slider moves along its diagonal."},
        }}),
        nbformat.v4.new_code_cell(SELECTION_CELL, metadata={"tags": ["nbval-ignore-output"], "mystnb": {
            "image": {"alt": "A grid, x and y from 0 to 1, with a square the slider moves across it."},
        }}),
        nbformat.v4.new_code_cell(CHECK_CELL, metadata={"jupyter": {"source_hidden": True}}),
    ]
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"live-frames-{index}"
    nbformat.validate(notebook)
    nbformat.write(notebook, NOTEBOOK)
    return NOTEBOOK


if __name__ == "__main__":
    print(build())

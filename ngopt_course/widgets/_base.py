"""The pattern every widget of the course follows: controls -> compute -> draw -> image.

An explorer owns its controls, one matplotlib ``Figure`` that pyplot never sees (so
redrawing 200 times opens no new figures and leaks nothing), an ``ipywidgets.Image``
showing that figure as a PNG, and an HTML note for messages such as "this setting
diverges". ``compute`` is pure (values in, arrays out) and ``draw`` only draws what
``compute`` returned, so tests drive both headless, without a browser or a kernel.
"""

from __future__ import annotations

import base64
import io
import time

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["Explorer"]


class Explorer(widgets.VBox):
    """Base class: a row of controls above a figure and a note.

    Subclasses pass their controls (a dict name -> ipywidgets control) and implement
    ``compute(**values)`` returning a result, and ``draw(result)`` drawing it on
    ``self.figure`` (cleared before each call; it has no layout engine, so place the
    axes with ``self.figure.add_axes(rect)``). Optionally ``describe(result)`` returns
    the note's HTML (a readout of numbers, or a warning when a setting diverges).

    Attributes
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
        The figure as a PNG; its ``value`` changes on every redraw.
    note : ipywidgets.HTML
    result : object
        What the last ``compute`` returned.
    last_redraw_seconds : float
        Time from a control change to the new PNG being ready.
    """

    def __init__(self, controls, *, figsize=(9.0, 3.6), dpi=90, layout_rows=None):
        self.controls = dict(controls)
        # No layout engine: draw() places its axes at fixed positions (figure.add_axes).
        # A layout pass would measure every text on each redraw and double its time, and
        # even layout "none" keeps a placeholder engine that makes savefig draw twice.
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
        self.note = widgets.HTML()
        self.result = None
        self.last_redraw_seconds = float("nan")
        rows = layout_rows or [list(self.controls.values())]
        control_box = widgets.VBox([widgets.HBox(row) for row in rows])
        super().__init__([control_box, self.image, self.note])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    # -- to implement -----------------------------------------------------------
    def compute(self, **values):  # pragma: no cover - abstract
        raise NotImplementedError

    def draw(self, result):  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, result):
        return ""

    # -- the loop ---------------------------------------------------------------
    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        self.refresh()

    def refresh(self):
        """Recompute from the controls, redraw the figure and the note."""
        start = time.perf_counter()
        self.result = self.compute(**self.values)
        self.figure.clear()
        self.draw(self.result)
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png")
        self.image.value = buffer.getvalue()
        self.note.value = self.describe(self.result)
        self.last_redraw_seconds = time.perf_counter() - start

    # -- without a kernel ---------------------------------------------------------
    def _repr_mimebundle_(self, **kwargs):
        """The widget view, plus its current picture as a PNG and a line of text.

        A live kernel shows the widget. Where no kernel runs (a static website, GitHub,
        nbviewer, a notebook reopened without its kernel) the front end falls back to the
        ``image/png`` (the figure at the settings it was displayed with) and the text
        saying the figure is interactive in Jupyter.
        """
        bundle = super()._repr_mimebundle_(**kwargs)
        if not bundle:      # a closed widget has no view to show
            return bundle
        name = type(self).__name__
        bundle["text/plain"] = (
            f"{name}, shown as its figure at the settings above. It is interactive in "
            "Jupyter: run the notebook there to move its controls.")
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle

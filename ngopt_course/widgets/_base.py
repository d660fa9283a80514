"""The pattern every widget of the course follows: controls -> compute -> draw -> image.

An explorer owns its controls, one matplotlib ``Figure`` that pyplot never sees (so
redrawing 200 times opens no new figures and leaks nothing), an ``ipywidgets.Image``
showing that figure as a PNG, and an HTML note for messages such as "this setting
diverges". ``compute`` is pure (values in, arrays out) and ``draw`` only draws what
``compute`` returned, so tests drive both headless, without a browser or a kernel.

Speed (a slider should answer within 100 ms, at values nobody has drawn yet): an
explorer may also implement ``update(result)``, which shows a new result by changing
the data of the artists ``draw`` made instead of building axes, ticks and texts again,
and list in ``self.moving`` the artists it changes. Then the rest of the figure is
rendered once, as a still background, and each change draws only the moving artists
over a copy of it (matplotlib's blitting). The PNG is written with zlib level 1: about
the same size as matplotlib's default, several milliseconds sooner.

While a slider is dragged in JupyterLab, the browser sends the kernel one new value at a
time and holds the next until the kernel reports idle. Redrawing inside that message
would make every picture wait for a whole round trip (browser -> server -> kernel ->
server -> browser) on top of the drawing. So a change that comes from the browser is
drawn just after the kernel has answered it (``_redraw_for``): the next value travels
while this one is drawn, and values that arrive meanwhile are drawn once, the latest.
The note (text to read, not to watch) follows once the hand rests: NOTE_DELAY after the
last such redraw, so the browser lays out one note, not one per picture (a table of
numbers halved the race's pictures per second). A change made in Python (a notebook
cell, a test) is drawn, note included, before the assignment returns.
"""

from __future__ import annotations

import asyncio
import base64
import io
import threading
import time
import traceback
import warnings

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["Explorer", "NOTE_DELAY", "PNG_OPTIONS", "png_bytes"]

#: Seconds the note waits after a redraw for a browser change: a newer redraw replaces it.
NOTE_DELAY = 0.2

#: Pillow's PNG options for every picture of a widget: zlib level 1 encodes an explorer's
#: figure with about a third less CPU than matplotlib's default level 6 (11-14 ms against
#: 16-22 ms on the course's loaded 2-core machine), the file within 10 % of the size.
PNG_OPTIONS = {"compress_level": 1}


def png_bytes(canvas):
    """The canvas's current pixels (as last drawn) as PNG bytes, with ``PNG_OPTIONS``."""
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buffer, format="png", **PNG_OPTIONS)
    return buffer.getvalue()


class Explorer(widgets.VBox):
    """Base class: a row of controls above a figure and a note.

    Subclasses pass their controls (a dict name -> ipywidgets control) and implement
    ``compute(**values)`` returning a result, and ``draw(result)`` drawing it on
    ``self.figure`` (cleared before each call; it has no layout engine, so place the
    axes with ``self.figure.add_axes(rect)``). Optionally ``describe(result)`` returns
    the note's HTML (a readout of numbers, or a warning when a setting diverges).

    For speed, ``update(result)`` may show a new result on the artists of the last
    ``draw`` (set their data, texts, limits) and return True; returning False (the
    default) clears the figure and draws again. Artists that ``update`` changes are
    listed by ``draw`` in ``self.moving``: everything else is rendered once as a still
    background (until the next full ``draw``), the moving artists over it each time.

    An explorer whose still part depends on a control (the surface of a contour plot)
    may return a key for it from ``layer_key(result)``: each key gets its own figure,
    drawn and rendered once (``prepare_layer`` does it ahead, while the explorer is
    built), so coming back to a key costs an ``update``, not a ``draw``.

    Attributes
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
    figure : matplotlib.figure.Figure
    image : ipywidgets.Image
        The figure as a PNG; its ``value`` changes on every redraw.
    note : ipywidgets.HTML
    messages : ipywidgets.Output
        Warnings and the error of the last redraw made for a change the browser sent
        (empty when it ran clean).
    result : object
        What the last ``compute`` returned.
    moving : list of matplotlib.artist.Artist
        The artists ``update`` changes (set by ``draw``; empty: the whole figure is
        rendered on each change).
    last_redraw_seconds : float
        Time from a control change to the new PNG being ready.
    """

    def __init__(self, controls, *, figsize=(9.0, 3.6), dpi=90, layout_rows=None):
        self.controls = dict(controls)
        # No layout engine: draw() places its axes at fixed positions (figure.add_axes).
        # A layout pass would measure every text on each redraw and double its time, and
        # even layout "none" keeps a placeholder engine that makes savefig draw twice.
        self._figsize, self._dpi = figsize, dpi
        self.figure = Figure(figsize=figsize, dpi=dpi)
        FigureCanvasAgg(self.figure)
        self._layers = {}            # layer key -> (figure, moving, background, drawn) kept aside
        self._layer = None           # the key of the layer on show
        # One change at a time: matplotlib's artists and canvas are not thread-safe, and a
        # kernel may hand widget messages to another thread while a redraw is under way.
        self._redraw_lock = threading.RLock()
        self._redraw_pending = None   # the event loop a redraw for a browser change waits on (_redraw_for)
        self._note_loop = None        # set while such a redraw runs: the note waits (see show_note)
        self._note_timer = None
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
        self.note = widgets.HTML()
        # Warnings and the error of a redraw made after the browser's message (see _redraw_for).
        self.messages = widgets.Output()
        self.result = None
        self.moving = []
        self._drawn = False          # draw() has run on this figure: update() may reuse it
        self._background = None      # the still part of the figure, rendered once per draw()
        self.last_redraw_seconds = float("nan")
        rows = layout_rows or [list(self.controls.values())]
        control_box = widgets.VBox([widgets.HBox(row) for row in rows])
        super().__init__([control_box, self.image, self.note, self.messages])
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

    def update(self, result):
        """Show ``result`` by changing the artists of the last ``draw``; False: draw again."""
        return False

    def restyle_background(self):
        """Call from ``update`` after changing a still artist: the background is rendered again."""
        self._background = None

    def layer_key(self, result):
        """The key of the figure ``result`` is drawn on (None: one figure for all)."""
        return None

    def _switch_layer(self, key):
        """Put the current figure aside under its key and show the one of ``key`` (new if unseen)."""
        if key == self._layer:
            return
        if self._drawn:                          # (a figure never drawn on is simply reused)
            self._layers[self._layer] = (self.figure, self.moving, self._background, self._drawn)
        if key in self._layers:
            self.figure, self.moving, self._background, self._drawn = self._layers.pop(key)
        elif self._drawn:
            self.figure = Figure(figsize=self._figsize, dpi=self._dpi)
            FigureCanvasAgg(self.figure)
            self.moving, self._background, self._drawn = [], None, False
        self._layer = key

    def prepare_layer(self, result):
        """Draw and render the layer of ``result`` now (e.g. while built), then come back."""
        shown = self._layer
        self._switch_layer(self.layer_key(result))
        if not self._drawn:
            self._draw_anew(result)
            self.render()
        self._switch_layer(shown)

    # -- the loop ---------------------------------------------------------------
    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        self._redraw_for(change)

    def _redraw_for(self, change):
        """Redraw after ``change``: at once, or just after the kernel answers the browser.

        A change the browser sent (a slider dragged in JupyterLab) is drawn from the
        kernel's event loop once the message has been answered, and changes arriving
        before that redraw are drawn together, at the latest values: the picture keeps
        up with the hand instead of queueing behind it. Any other change (Python code,
        a test, no event loop) is drawn before this returns.
        """
        loop = _loop_for_browser_change(change)
        if loop is None:
            self.refresh()
        elif self._redraw_pending is not loop:   # none waits on this loop (one that closed never ran)
            self._redraw_pending = loop
            loop.call_soon(self._pending_redraw)

    def _pending_redraw(self):
        """The scheduled redraw; its warnings and error are shown below the figure.

        It runs after the kernel has answered the browser's message, so what it writes
        no longer reaches the notebook (JupyterLab files a callback's output under the
        message): ``messages`` shows it instead, until a redraw runs clean.
        """
        self._redraw_pending = None
        outputs = []
        self._note_loop = asyncio.get_running_loop()
        with warnings.catch_warnings(record=True) as caught:
            try:
                self.refresh()
            except Exception as error:  # noqa: BLE001 - shown to the learner, not swallowed
                outputs.append({"output_type": "error", "ename": type(error).__name__,
                                "evalue": str(error),
                                "traceback": traceback.format_exception(error)})
                self.log.error("Exception in the redraw of %s", type(self).__name__, exc_info=True)
            finally:
                self._note_loop = None
        outputs[:0] = [{"output_type": "stream", "name": "stderr",
                        "text": warnings.formatwarning(w.message, w.category, w.filename, w.lineno, w.line)}
                       for w in caught]
        if outputs or self.messages.outputs:
            self.messages.outputs = tuple(outputs)

    def refresh(self):
        """Recompute from the controls, redraw the figure and the note."""
        with self._redraw_lock:
            start = time.perf_counter()
            self.result = self.compute(**self.values)
            self._switch_layer(self.layer_key(self.result))
            if not (self._drawn and self.update(self.result)):
                self._draw_anew(self.result)
            self.image.value = self.render()
            self.show_note(self.describe(self.result))
            self.last_redraw_seconds = time.perf_counter() - start

    def show_note(self, html):
        """Set the note now, or (in a redraw for a browser change) NOTE_DELAY later, if no newer one came."""
        if self._note_timer is not None:
            self._note_timer.cancel()             # a newer note replaces one still waiting
            self._note_timer = None
        if self._note_loop is None:
            self.note.value = html
        else:
            self._note_timer = self._note_loop.call_later(NOTE_DELAY, self._set_note, html)

    def _set_note(self, html):
        self._note_timer = None
        self.note.value = html

    def _draw_anew(self, result):
        self.figure.clear()
        self.moving = []
        self._background = None
        self.draw(result)
        self._drawn = True

    def render(self):
        """The figure as PNG bytes: the still background once, then only ``moving`` over it."""
        canvas = self.figure.canvas
        if not self.moving:
            canvas.draw()
            return png_bytes(canvas)
        for artist in self.moving:               # (update may have added some)
            artist.set_animated(True)            # left out of canvas.draw(): the background
        if self._background is None:
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self._background)
        for artist in sorted(self.moving, key=lambda a: a.get_zorder()):   # as a full draw stacks them
            self.figure.draw_artist(artist)
        return png_bytes(canvas)

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


def _loop_for_browser_change(change):
    """The running event loop if ``change`` came from the browser, else None.

    ipywidgets applies the browser's state under the widget's property lock (so as not to
    echo it back; a selection widget's browser sends ``index``, of which ``value`` follows);
    the kernel handles the message inside its asyncio event loop.
    """
    if not getattr(change.get("owner"), "_property_lock", None):
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


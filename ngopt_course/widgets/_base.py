"""The pattern every widget of the course follows: compute, a still layer, a moving layer, words.

A whole explorer, the smallest there can be::

    class ParabolaExplorer(Explorer):
        def __init__(self):
            super().__init__({"a": widgets.FloatSlider(value=1.0, min=0.1, max=3.0, description="a")})

        def compute(self, a):                    # values in, a result out: no drawing
            x = np.linspace(-2.0, 2.0, 101)
            return x, a * x**2, a

        def draw_still(self, result):            # once: axes, labels, everything that stays
            ax = self.figure.add_axes((0.1, 0.15, 0.85, 0.75))
            ax.set(xlim=(-2, 2), ylim=(0, 12), xlabel="x", ylabel="a x²")

        def draw_moving(self, result):           # on every change: what moves with the slider
            x, y, a = result
            self.figure.axes[0].plot(x, y, color="C0")

        def describe(self, result):              # the note under the figure (HTML)
            return f"a = {result[2]:g}: the vertex stays at 0."

The figure (a matplotlib ``Figure`` that pyplot never sees) is rendered in two layers:
the still one once, the moving one over a copy of it on each change (matplotlib's
blitting), shown as a PNG in an ``ipywidgets.Image``. ``compute`` is pure and the draw
methods only draw what it returned, so tests drive explorers headless.
"""

from __future__ import annotations

import asyncio
import base64
import io
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

import ipywidgets as widgets
import numpy as np
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["Explorer", "NOTE_DELAY", "PNG_OPTIONS", "png_bytes"]

#: Seconds the note waits after a redraw for a browser change: a newer redraw replaces it.
NOTE_DELAY = 0.2

#: Pillow's PNG options for every picture of a widget. zlib level 1 rather than matplotlib's
#: default 6: it encodes a figure with clearly less CPU for a file of about the same size
#: (measured in benchmarks/README.md).
PNG_OPTIONS = {"compress_level": 1}


def png_bytes(canvas):
    """The canvas's current pixels (as last drawn) as PNG bytes, with ``PNG_OPTIONS``."""
    return _png(np.asarray(canvas.buffer_rgba()))


def _png(rgba):
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="png", **PNG_OPTIONS)
    return buffer.getvalue()


@dataclass
class _Layer:
    """One figure, its still layer rendered once and what moves over it."""

    figure: Figure
    drawn: bool = False          # draw_still has run on it
    still: object = None         # the still layer's pixels (canvas.copy_from_bbox); None: render again
    limits: dict = field(default_factory=dict)    # axes -> (xlim, ylim) as draw_still left them
    titles: dict = field(default_factory=dict)    # an axes' title Text -> its text in the still layer
    added: list = field(default_factory=list)     # what the last draw_moving added (removed before the next)
    moving: list = field(default_factory=list)    # everything drawn over the still layer


def _new_figure(figsize, dpi):
    # No layout engine: the draw methods place their axes at fixed positions (add_axes).
    # A layout pass would measure every text on each redraw and double its time, and
    # even layout "none" keeps a placeholder engine that makes savefig draw twice.
    figure = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def _titles(ax):
    return (ax.title, ax._left_title, ax._right_title)   # noqa: SLF001 - matplotlib keeps three, all drawn


def _contents(figure):
    """Every artist a draw method can add: the figure's children and each axes' children."""
    found = set(figure.get_children())
    for ax in figure.axes:
        found.update(ax.get_children())
    return found


def _in_drawing_order(figure, artists):
    """``artists`` stacked as a full draw stacks them: axes by axes, by zorder, then as added."""
    rank = {}
    for i, child in enumerate(sorted(figure.get_children(), key=lambda a: a.get_zorder())):
        rank[child] = (i, 0.0, 0)
    for ax in figure.axes:
        for j, child in enumerate(ax.get_children()):
            rank[child] = (rank[ax][0], child.get_zorder(), j)
    return sorted(artists, key=lambda a: rank[a])


class Explorer(widgets.VBox):
    """Base class: a row of controls above a figure, a note and messages.

    Subclasses pass their controls (a dict name -> ipywidgets control) and implement:

    ``compute(**values)``
        The result for the controls' values (pure: no drawing).
    ``draw_still(result)``
        Everything that does not move with the controls, on ``self.figure`` (empty;
        place axes with ``self.figure.add_axes(rect)``). Called once per layer.
    ``draw_moving(result)``
        What moves, on the axes ``draw_still`` made; called after it and on every change.
        It adds artists (they are removed before the next call) and may change artists of
        the still layer, returning them (they are then drawn with the moving layer: an
        ``Axis`` whose limits it set, bars whose heights it set). Axis limits it changes
        without returning the axis are put back: the still layer fixes them.
    ``describe(result)``, optional
        The note's HTML (a readout, or a warning when a setting diverges).
    ``layer_key(result)``, optional
        When the still layer depends on a control (the surface of a contour plot, the
        schedule drawn thick), a key for it: each key gets its own figure, drawn and
        rendered once, so coming back to a key costs only the moving layer.
        ``prepare_layer(result)`` draws one ahead, while the explorer is built.

    Attributes
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
    figure : matplotlib.figure.Figure
        The figure of the layer on show.
    image : ipywidgets.Image
        The figure as a PNG; its ``value`` changes on every redraw.
    note : ipywidgets.HTML
    messages : ipywidgets.Output
        Warnings and the error of the last redraw made for a change the browser sent
        (empty when it ran clean).
    result : object
        What the last ``compute`` returned.
    moving : list of matplotlib.artist.Artist
        The artists of the moving layer on show.
    last_redraw_seconds : float
        Time from a control change to the new PNG being ready.
    """

    def __init__(self, controls, *, figsize=(9.0, 3.6), dpi=90, layout_rows=None):
        self.controls = dict(controls)
        self._figsize, self._dpi = figsize, dpi
        self._layers = {}            # layer key -> _Layer
        self._layer = self._layers[None] = _Layer(_new_figure(figsize, dpi))
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

    def draw_still(self, result):  # pragma: no cover - abstract
        raise NotImplementedError

    def draw_moving(self, result):  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, result):
        return ""

    def layer_key(self, result):
        """The key of the figure ``result`` is drawn on (None: one figure for all)."""
        return None

    # -- the layers -------------------------------------------------------------
    @property
    def figure(self):
        return self._layer.figure

    @property
    def moving(self):
        return self._layer.moving

    @property
    def values(self):
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def _layer_for(self, key):
        """The layer of ``key``, a new one (not drawn yet) if unseen."""
        if key not in self._layers:
            self._layers[key] = _Layer(_new_figure(self._figsize, self._dpi))
        return self._layers[key]

    def prepare_layer(self, result):
        """Draw and render the layer of ``result`` now (e.g. while built), not showing it."""
        with self._redraw_lock:
            layer = self._layer_for(self.layer_key(result))
            if not layer.drawn:
                self._draw(layer, result)
                self._render(layer)

    def _draw(self, layer, result):
        """The moving layer of ``result`` on ``layer`` (its still layer first, if not drawn)."""
        if not layer.drawn:
            layer.figure.clear()
            shown, self._layer = self._layer, layer       # draw_still draws on self.figure
            try:
                self.draw_still(result)
            finally:
                self._layer = shown
            layer.limits = {ax: (ax.get_xlim(), ax.get_ylim()) for ax in layer.figure.axes}
            layer.titles = {t: t.get_text() for ax in layer.figure.axes for t in _titles(ax)}
            layer.added, layer.moving, layer.still, layer.drawn = [], [], None, True
        for artist in layer.added:
            artist.remove()
        for title, text in layer.titles.items():
            title.set_text(text)
        before = _contents(layer.figure)
        shown, self._layer = self._layer, layer
        try:
            changed = list(self.draw_moving(result) or ())
        finally:
            self._layer = shown
        old_moving, old_added = layer.moving, layer.added
        layer.added = list(_contents(layer.figure) - before)
        changed += [t for t, text in layer.titles.items() if t.get_text() != text]
        moving_axes = {id(a) for a in changed if isinstance(a, Axis)}
        for ax, (xlim, ylim) in layer.limits.items():      # plot helpers may autoscale: keep the still layer's
            if id(ax.xaxis) not in moving_axes:
                ax.set_xlim(*xlim)
            if id(ax.yaxis) not in moving_axes:
                ax.set_ylim(*ylim)
        moving = layer.added + [a for a in dict.fromkeys(changed) if a not in layer.added]
        added = set(layer.added)
        if any(not a.get_animated() for a in changed if a not in added):   # a still artist joins the moving layer
            layer.still = None
        for artist in set(old_moving) - set(old_added) - set(moving):   # one goes back to the still layer
            artist.set_animated(False)
            layer.still = None
        layer.moving = _in_drawing_order(layer.figure, moving)
        for artist in layer.moving:
            artist.set_animated(True)                     # left out of canvas.draw(): the still layer

    def _render(self, layer):
        """The layer as RGBA pixels: the still layer (rendered once), the moving one over it."""
        canvas = layer.figure.canvas
        if layer.still is None:
            canvas.draw()
            layer.still = canvas.copy_from_bbox(layer.figure.bbox)
        else:
            canvas.restore_region(layer.still)
        for artist in layer.moving:
            layer.figure.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    def render_still(self):
        """The still layer of the figure on show, as PNG bytes."""
        with self._redraw_lock:
            layer = self._layer
            if layer.still is None:
                self._render(layer)
            layer.figure.canvas.restore_region(layer.still)
            return png_bytes(layer.figure.canvas)

    def render_moving(self):
        """The moving layer of the figure on show alone, on transparent pixels, as PNG bytes."""
        with self._redraw_lock:
            layer = self._layer
            if layer.still is None:
                self._render(layer)
            canvas = layer.figure.canvas
            canvas.get_renderer().clear()
            for artist in layer.moving:
                layer.figure.draw_artist(artist)
            return png_bytes(canvas)

    def render(self):
        """The figure on show as PNG bytes: the still layer, the moving one over it."""
        with self._redraw_lock:
            return _png(self._render(self._layer))

    # -- the loop ---------------------------------------------------------------
    def refresh(self):
        """Recompute from the controls, redraw the figure and the note."""
        with self._redraw_lock:
            start = time.perf_counter()
            self.result = self.compute(**self.values)
            self._layer = self._layer_for(self.layer_key(self.result))
            self._draw(self._layer, self.result)
            self.image.value = _png(self._render(self._layer))
            self.show_note(self.describe(self.result))
            self.last_redraw_seconds = time.perf_counter() - start

    def redraw_from_scratch(self):
        """The setting on show drawn anew (still and moving layers in one full draw), as RGBA.

        What blitting must reproduce: the tests compare the two.
        """
        with self._redraw_lock:
            layer = self._layer
            layer.drawn = False
            self._draw(layer, self.result)
            for artist in layer.moving:
                artist.set_animated(False)
            layer.figure.canvas.draw()
            pixels = np.asarray(layer.figure.canvas.buffer_rgba()).copy()
            for artist in layer.moving:
                artist.set_animated(True)
            layer.still = None
            return pixels

    def _on_change(self, change):
        self._redraw_for(change)

    def _redraw_for(self, change):
        """Redraw after ``change``: at once, or just after the kernel answers the browser.

        While a slider is dragged in JupyterLab, the browser sends the kernel one new value
        at a time and holds the next until the kernel reports idle. Redrawing inside that
        message would make every picture wait for a whole round trip (browser -> server ->
        kernel -> server -> browser) on top of the drawing. So a change that comes from
        the browser is drawn from the kernel's event loop just after the message has been
        answered: the next value travels while this one is drawn, and values that arrive
        meanwhile are drawn once, at the latest values, so the picture keeps up with the
        hand instead of queueing behind it. The note (text to read, not to watch) follows
        once the hand rests: NOTE_DELAY after the last such redraw, so the browser lays out
        one note, not one per picture (a table of numbers laid out per picture costs the
        browser more than the picture). A change made in Python (a notebook cell, a test,
        no event loop) is drawn, note included, before this returns.
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

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

An explorer that names its main slider (``MAIN_CONTROL = "a"``, a ``SelectionSlider``)
is shown as its still layer with, over it, one transparent frame of the moving layer per
stop of that slider, switched by the browser itself: dragging it needs no kernel, in
JupyterLab or on the course's website (see ``Explorer.frames``).
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

__all__ = ["Explorer", "FRAME_PNG_OPTIONS", "NOTE_DELAY", "PNG_OPTIONS", "png_bytes"]

#: Seconds the note waits after a redraw for a browser change: a newer redraw replaces it.
NOTE_DELAY = 0.2

#: Pillow's PNG options for every picture of a widget. zlib level 1 rather than matplotlib's
#: default 6: it encodes a figure with clearly less CPU for a file of about the same size
#: (measured in benchmarks/README.md).
PNG_OPTIONS = {"compress_level": 1}
#: The frames of a main slider: level 6, as they are drawn mostly ahead of time and a page
#: carries them all (a quarter smaller than level 1, at a few ms more each).
FRAME_PNG_OPTIONS = {"compress_level": 6}


def png_bytes(canvas):
    """The canvas's current pixels (as last drawn) as PNG bytes, with ``PNG_OPTIONS``."""
    return _png(np.asarray(canvas.buffer_rgba()))


def _png(rgba, options=PNG_OPTIONS):
    buffer = io.BytesIO()
    Image.fromarray(rgba).save(buffer, format="png", **options)
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
    notes : ipywidgets.Stack or None
        With a ``MAIN_CONTROL``: the note of each stop (``HTML``), linked like ``frames``
        and shown instead of ``note`` (which keeps the current one).
    frames : ipywidgets.Stack or None
        With a ``MAIN_CONTROL``: one transparent PNG ``Image`` per stop of that slider,
        its moving layer alone at the other controls' current values, shown over
        ``still_image`` (the still layer). The slider's index is linked to the Stack's
        in the browser (``jslink``): dragging it needs no kernel, on the website too.
        The displayed picture is then ``still_image`` + ``frames``; ``image`` stays the
        whole figure as one PNG (the picture of a notebook shown without widgets).
    """

    #: The name of the control a learner drags most (a ``SelectionSlider``), or None. Its
    #: stops are shown from frames: see ``_build_frames``.
    MAIN_CONTROL = None

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
        self._for_browser = False     # set while a redraw for a browser change runs
        self._catch_up_timer = None   # the whole picture after frames shown by the browser (_catch_up)
        self.image = widgets.Image(format="png", layout=widgets.Layout(width="auto"))
        self.note = widgets.HTML()
        # Warnings and the error of a redraw made after the browser's message (see _redraw_for).
        self.messages = widgets.Output()
        self.result = None
        self._result_values = None    # the control values self.result was computed from
        self.last_redraw_seconds = float("nan")
        rows = layout_rows or [list(self.controls.values())]
        control_box = widgets.VBox([widgets.HBox(row) for row in rows])
        self.frames = self.notes = None
        picture, note = self.image, self.note
        if self.MAIN_CONTROL is not None:
            picture = self._build_frames(self.controls[self.MAIN_CONTROL])
            note = self.notes
        super().__init__([control_box, picture, note, self.messages])
        if self.frames is not None:
            self.add_class("ngopt-frames")
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()
        if self.frames is not None and _running_loop() is not None:
            # In a kernel, all frames now (not after the cell): the widget state a notebook
            # saves when it is executed (the website's pages) then carries them all. Without
            # an event loop no browser shows them: drawn when asked (draw_frames).
            self.draw_frames()

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
        old_moving, old_added = layer.moving, set(layer.added)
        after = _contents(layer.figure)
        layer.added = list(after - before)
        changed += [t for t, text in layer.titles.items() if t.get_text() != text]
        moving_axes = {id(a) for a in changed if isinstance(a, Axis)}
        for ax, (xlim, ylim) in layer.limits.items():      # plot helpers may autoscale: keep the still layer's
            if id(ax.xaxis) not in moving_axes:
                ax.set_xlim(*xlim)
            if id(ax.yaxis) not in moving_axes:
                ax.set_ylim(*ylim)
        added = set(layer.added)
        if any(not a.get_animated() for a in changed if a not in added):   # a still artist joins the moving layer
            layer.still = None
        # Once moving, an artist stays in the moving layer: then one still layer serves every
        # setting of the controls that do not change it (the frames of the main slider).
        kept = [a for a in old_moving if a not in old_added and a in after]
        moving = list(dict.fromkeys([*layer.added, *changed, *kept]))
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
        """The moving layer of the figure on show alone, on transparent pixels, as PNG bytes
        (``FRAME_PNG_OPTIONS``): the frame of the current setting."""
        with self._redraw_lock:
            layer = self._layer
            if layer.still is None:
                self._render(layer)               # (which artists move is known once rendered)
            canvas = layer.figure.canvas
            canvas.get_renderer().clear()
            for artist in layer.moving:
                layer.figure.draw_artist(artist)
            return _png(np.asarray(canvas.buffer_rgba()), FRAME_PNG_OPTIONS)

    def render(self):
        """The figure on show as PNG bytes: the still layer, the moving one over it."""
        with self._redraw_lock:
            return _png(self._render(self._layer))


    # -- frames of the main slider ---------------------------------------------
    def _build_frames(self, main):
        """The picture of an explorer with a main slider: still layer, and a frame per stop over it.

        Plain ipywidgets, so the same works in JupyterLab and in a static page (the html
        manager): a one-cell ``GridBox`` holds the still ``Image`` and, in the same cell,
        a ``Stack`` of transparent ``Image``s; ``jslink`` ties the slider's index to the
        Stack's ``selected_index``, so the browser switches frames with no kernel.
        """
        if not isinstance(main, widgets.SelectionSlider):
            raise TypeError(f"MAIN_CONTROL {self.MAIN_CONTROL!r} must be a SelectionSlider, "
                            f"got {type(main).__name__}")
        # No margins (widgets have 2 px each by default): the frame lies exactly on the still picture.
        # max_width: a picture wider than the page scales down, still and frame alike.
        cell = {"grid_area": "picture", "width": "auto", "max_width": "100%", "margin": "0"}
        self.still_image = widgets.Image(format="png", layout=widgets.Layout(**cell))
        self.frames = widgets.Stack([widgets.Image(format="png", layout=widgets.Layout(width="auto", max_width="100%",
                                                                                  margin="0"))
                                     for _ in main.options],
                                    selected_index=main.index, layout=widgets.Layout(**cell))
        self.frames_link = widgets.jslink((main, "index"), (self.frames, "selected_index"))
        # the note of each stop too, so that the words always say what the picture shows
        self.notes = widgets.Stack([widgets.HTML() for _ in main.options], selected_index=main.index)
        self.notes_link = widgets.jslink((main, "index"), (self.notes, "selected_index"))
        main.add_class("ngopt-main-slider")
        self._frames_context = None   # (layer key, other controls' values) the frames were drawn for
        self._frames_still = None     # the still layer the frames were drawn over
        self._stale_frames = set()    # stops whose frame is not drawn for the current context
        self._frames_job = 0          # bumped by every new context: a scheduled frame of an older one stops
        return widgets.GridBox([self.still_image, self.frames],
                               layout=widgets.Layout(grid_template_areas='"picture"',
                                                     # the picture's own width where there is room,
                                                     # narrower (scaled, frames with it) where not
                                                     grid_template_columns="minmax(0, max-content)",
                                                     # so nothing is cut off, and no scrolling region
                                                     # (which nothing in it could focus)
                                                     overflow="hidden"))

    def _main_stops(self):
        main = self.controls[self.MAIN_CONTROL]
        return [o[1] if isinstance(o, tuple) else o for o in main.options]

    def _frame(self, stop):
        """The moving layer alone at ``stop`` of the main slider (other controls as they are),
        as PNG, and the note of that stop."""
        values = {**self.values, self.MAIN_CONTROL: stop}
        # the stop on show was computed a moment ago (refresh): its result, not a second run
        result = self.result if values == self._result_values else self.compute(**values)
        key = self.layer_key(result)
        if key != self.layer_key(self.result):
            raise ValueError(f"{type(self).__name__}: the still layer must not depend on the main "
                             f"control {self.MAIN_CONTROL!r} (layer {key!r} at {stop!r})")
        self._draw(self._layer, result)
        return self.render_moving(), self.describe(result)

    def _show_frames(self):
        """After a redraw: the still layer, and the frame on show; the others marked to draw."""
        context = (self.layer_key(self.result),
                   tuple((k, v) for k, v in self.values.items() if k != self.MAIN_CONTROL))
        index = self.controls[self.MAIN_CONTROL].index
        still = self._layer.still
        if still is not self._frames_still:
            self._frames_still = still
            self.still_image.value = self.render_still()
            self._frames_context = None
        if context != self._frames_context:
            self._frames_context = context
            self._stale_frames = set(range(len(self.frames.children)))
            self._frames_job += 1
            self._schedule_frames()
        if index in self._stale_frames:               # the current picture first
            self._draw_frame(index)
        if not self._for_browser:
            # A change made in Python; the browser's own changes already show (jslink), and
            # setting the index here, late, would pull the Stack back behind the hand.
            self.frames.selected_index = self.notes.selected_index = index

    def _draw_frame(self, index):
        stops = self._main_stops()
        self.frames.children[index].value, self.notes.children[index].value = self._frame(stops[index])
        self._stale_frames.discard(index)
        self._draw(self._layer, self.result)          # the figure shows the current setting again

    def draw_frames(self):
        """Draw every frame not drawn yet for the current setting of the other controls, now."""
        with self._redraw_lock:
            self._frames_job += 1                     # nothing left for a scheduled job
            while self._stale_frames:
                self._draw_frame(self._next_stale_frame())
                if self._layer.still is not self._frames_still:   # the moving layer grew: again
                    self._show_frames()

    def _next_stale_frame(self):
        """The stale stop nearest the slider's: where the hand goes next."""
        index = self.controls[self.MAIN_CONTROL].index
        return min(self._stale_frames, key=lambda i: (abs(i - index), i))

    def _schedule_frames(self):
        """Draw the stale frames one by one from the event loop, between the kernel's messages.

        Each frame is its own callback, so a change that arrives meanwhile waits for one
        frame at most, and a new context (``_frames_job``) stops the old job. Without an
        event loop (a script, a test) no browser shows them: ``draw_frames`` draws them.
        """
        loop = _running_loop()
        if loop is not None:
            loop.call_soon(self._scheduled_frame, loop, self._frames_job)

    def _scheduled_frame(self, loop, job):
        with self._redraw_lock:
            if job != self._frames_job or not self._stale_frames:
                return
            self._draw_frame(self._next_stale_frame())
            if self._layer.still is not self._frames_still:
                self._show_frames()                   # the moving layer grew: a new job started
                return
        loop.call_soon(self._scheduled_frame, loop, job)

    # -- the loop ---------------------------------------------------------------
    def refresh(self):
        """Recompute from the controls, redraw the figure and the note."""
        with self._redraw_lock:
            start = time.perf_counter()
            values = self.values
            result = self.compute(**values)
            self._result_values = values
            if self._frame_on_show(result):
                # The browser shows this stop's frame already (jslink): the whole picture
                # (not on show) and the note follow once the hand rests.
                self.result = result
                self._catch_up_later()
            else:
                self._show(result)
            self.last_redraw_seconds = time.perf_counter() - start

    def _show(self, result):
        if self._catch_up_timer is not None:
            self._catch_up_timer.cancel()
            self._catch_up_timer = None
        self.result = result
        self._layer = self._layer_for(self.layer_key(result))
        self._draw(self._layer, result)
        self.image.value = _png(self._render(self._layer))
        if self.frames is not None:
            self._show_frames()
        self.show_note(self.describe(result))

    def _frame_on_show(self, result):
        """In a redraw for a browser change: only the main slider moved, and its frame is drawn."""
        if self.frames is None or not self._for_browser or self._note_loop is None:
            return False
        context = (self.layer_key(result),
                   tuple((k, v) for k, v in self.values.items() if k != self.MAIN_CONTROL))
        index = self.controls[self.MAIN_CONTROL].index
        return context == self._frames_context and index not in self._stale_frames

    def _catch_up_later(self):
        for timer in (self._catch_up_timer, self._note_timer):
            if timer is not None:
                timer.cancel()
        self._note_timer = None
        self._catch_up_timer = self._note_loop.call_later(NOTE_DELAY, self._catch_up)

    def _catch_up(self):
        """The whole picture and the note of the stop the hand rests on (its frame is on show)."""
        self._catch_up_timer = None
        self._for_browser_change(lambda: self._show(self.result), note_now=True)

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
        self._for_browser_change(self.refresh)

    def _for_browser_change(self, redraw, note_now=False):
        """Run ``redraw`` as the answer to a browser change: warnings and errors to ``messages``."""
        outputs = []
        self._note_loop = None if note_now else asyncio.get_running_loop()
        self._for_browser = True
        with warnings.catch_warnings(record=True) as caught:
            try:
                with self._redraw_lock:
                    redraw()
            except Exception as error:  # noqa: BLE001 - shown to the learner, not swallowed
                outputs.append({"output_type": "error", "ename": type(error).__name__,
                                "evalue": str(error),
                                "traceback": traceback.format_exception(error)})
                self.log.error("Exception in the redraw of %s", type(self).__name__, exc_info=True)
            finally:
                self._note_loop = None
                self._for_browser = False
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


def _running_loop():
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _loop_for_browser_change(change):
    """The running event loop if ``change`` came from the browser, else None.

    ipywidgets applies the browser's state under the widget's property lock (so as not to
    echo it back; a selection widget's browser sends ``index``, of which ``value`` follows);
    the kernel handles the message inside its asyncio event loop.
    """
    if not getattr(change.get("owner"), "_property_lock", None):
        return None
    return _running_loop()

"""Widgets for notebook 08: saddles in many dimensions, and leaving flat regions.

- :func:`census_explorer`: a dimension slider n. Left, the share of random Hessians that
  are minima, maxima and saddles for n = 1..20 (the chosen n marked); right, how many
  of the n directions curve down, against the naive binomial(n, 1/2) estimate. All
  dimensions are counted once when the widget is built, so moving the slider only redraws.
- :func:`plateau_explorer`: a surface (plateau, saddle, two minima), an optimizer and its
  learning rate alpha. Left, the path on the contours; right, the length of the gradient
  along the path, with the flat stretch marked. Choosing a surface or an optimizer puts
  alpha back to the surface's recommended value for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import NullLocator

from .._validation import check_int, check_real
from ..experiments.critical_points import (
    CRITICAL_POINT_KINDS,
    critical_point_census,
    gradient_norms,
    naive_index_fractions,
    naive_minimum_fraction,
)
from ..plots.critical_points import (
    CRITICAL_POINT_COLORS,
    index_bar_colors,
    plot_census_fractions,
    plot_gradient_norm,
    plot_index_histogram,
)
from ..plots.style import MARK_COLOR, OPTIMIZER_COLORS, OPTIMIZER_LABELS
from ..plots.legends import legend_above
from ..plots.surfaces import plot_path, plot_surface_contours
from ..surfaces import get_surface, make_optimizer, run_on_surface, surface_grid
from ._base import Explorer

__all__ = [
    "CensusResult",
    "CensusExplorer",
    "census_explorer",
    "PlateauResult",
    "PlateauExplorer",
    "plateau_explorer",
    "PLATEAU_SURFACES",
    "PLATEAU_LEARNING_RATES",
    "FLAT_GRADIENT",
]

#: Surfaces offered by the plateau explorer (dropdown label -> SURFACES key).
PLATEAU_SURFACES = {
    "plateau around a narrow well": "plateau",
    "saddle point": "saddle",
    "local and global minimum": "local_minimum",
}
#: The alpha slider's stops: 1, 1.5, 2, 3, 4, 5, 7 per decade from 0.001 to 10 (every
#: surface's recommended alpha among them). Stops, not a continuous log slider: the browser
#: shows each from a precomputed frame.
PLATEAU_LEARNING_RATES = tuple(round(m * 10.0 ** e, 6) for e in range(-3, 1)
                               for m in (1, 1.5, 2, 3, 4, 5, 7)) + (10.0,)
#: A point counts as "on flat ground" where the gradient is shorter than this.
FLAT_GRADIENT = 0.05
_NORM_FLOOR = 1e-5
#: The plateau explorer's range of gradient lengths: after arriving they shrink to rounding
#: level (1e-16), not worth the axis; above 1,000 a run has diverged (the note says so).
_NORM_RANGE = (_NORM_FLOOR, 1e3)
#: The census's titles, in axes fractions: above two rows of legend.
_TITLE_Y = 1.16
#: The plateau explorer's titles: above one row of legend.
_TITLE_Y_ONE_ROW = 1.08


def _nearest_rate(learning_rate):
    """The stop of the alpha slider nearest ``learning_rate`` (on a log scale)."""
    return min(PLATEAU_LEARNING_RATES, key=lambda a: abs(np.log(a / float(learning_rate))))


def _no_minor_ticks(*axes):
    # A log axis makes ~8 minor ticks per decade, each a new Tick object on every redraw:
    # half of the redraw time. The major ticks (one per decade) are enough on a widget.
    for ax in axes:
        ax.yaxis.set_minor_locator(NullLocator())


# ---------------------------------------------------------------------------
# The census of random Hessians
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CensusResult:
    """What :class:`CensusExplorer` shows for one n."""

    n: int
    minima: int
    maxima: int
    saddles: int
    num_samples: int
    index_fractions: np.ndarray   #: share of Hessians with j = 0..n negative eigenvalues
    naive_index: np.ndarray       #: binomial(n, 1/2)
    naive_minimum: float          #: 2^-n


class CensusExplorer(Explorer):
    """Dimension slider -> minima / maxima / saddles among random Hessians of that size."""

    MAIN_CONTROL = "n"       # its stops are shown from precomputed frames

    def __init__(self, n=5, max_n=20, num_samples=2000, seed=0):
        max_n = check_int(max_n, "max_n", min_val=2, max_val=40)
        n = check_int(n, "n", min_val=1, max_val=max_n)
        self.census = critical_point_census(range(1, max_n + 1), num_samples, seed=seed)
        self._fractions = {kind: self.census.fractions(kind) for kind in CRITICAL_POINT_KINDS}
        self._naive = naive_minimum_fraction(self.census.dims)
        controls = {
            # a stop per n (not an IntSlider): the browser shows each from a precomputed frame
            "n": widgets.SelectionSlider(options=[(str(k), k) for k in range(1, max_n + 1)], value=n,
                                         description="dimension n", style={"description_width": "initial"},
                                         continuous_update=True, layout=widgets.Layout(width="420px")),
        }
        super().__init__(controls, figsize=(9.0, 3.6), dpi=90)

    def compute(self, n):
        c = self.census
        i = int(n) - 1
        return CensusResult(
            n=int(n), minima=int(c.minima[i]), maxima=int(c.maxima[i]), saddles=int(c.saddles[i]),
            num_samples=c.num_samples, index_fractions=c.index_fractions(n),
            naive_index=naive_index_fractions(n), naive_minimum=naive_minimum_fraction(n),
        )

    def draw_still(self, result):
        # Room above the axes for two legend rows (legends cover no data) and the title.
        left = self.figure.add_axes((0.07, 0.14, 0.40, 0.64))
        right = self.figure.add_axes((0.58, 0.14, 0.38, 0.64))
        plot_census_fractions(self.census.dims, self._fractions, self.census.num_samples, ax=left,
                              naive=self._naive, title="Measured share of random Hessians, n = 1..20")
        left.set_title(left.get_title(), y=_TITLE_Y)
        handles, labels = left.get_legend_handles_labels()
        legend_above(left, handles, [label.replace(" (measured)", "") for label in labels], ncol=3, fontsize=6.5)
        self._marker = left.axvline(result.n, color=MARK_COLOR, lw=1.0, alpha=0.5)
        _no_minor_ticks(left)
        # Right: the same axes for every n (j = 0..max_n, the tallest share of any n), so
        # the bars are all that move: the learner sees the shares spread and shift with n.
        max_n = self.census.dims[-1]
        plot_index_histogram(max_n, np.zeros(max_n + 1), ax=right, naive=np.zeros(max_n + 1), title=" ")
        legend = right.get_legend()
        legend_above(right, legend.legend_handles,
                     [text.get_text().replace(" (measured)", "") for text in legend.get_texts()], ncol=2, fontsize=6.5)
        right.set_ylim(0.0, 1.05 * self._tallest_share)
        self._bars, self._dots = list(right.patches), right.get_lines()[0]
        right.set_title(" ", y=_TITLE_Y)

    @property
    def _tallest_share(self):
        """The tallest bar or naive dot over every n on the slider: the right panel's fixed top."""
        c = self.census
        return max(max(float(np.max(c.index_fractions(n))), float(np.max(naive_index_fractions(n))))
                   for n in c.dims)

    @staticmethod
    def _histogram_title(result):
        return f"n = {result.n}: how many directions curve down"

    def draw_moving(self, result):
        """Move the mark; the bars of j = 0..n get their shares and colours, the rest height 0."""
        n = result.n
        self._marker.set_xdata([n, n])
        heights = np.zeros(len(self._bars))
        heights[: n + 1] = result.index_fractions
        colours = index_bar_colors(n)
        for j, (bar, height) in enumerate(zip(self._bars, heights)):
            bar.set_height(height)
            if j <= n:
                bar.set_facecolor(colours[j])
        self._dots.set_data(np.arange(n + 1), result.naive_index)
        self._dots.axes.set_title(self._histogram_title(result), y=_TITLE_Y)
        return [self._marker, *self._bars, self._dots]

    def describe(self, result):
        r = result
        expected = r.naive_minimum * r.num_samples
        typical = int(np.argmax(r.index_fractions))
        colour = CRITICAL_POINT_COLORS
        return (
            f"<p>n = {r.n}: of {r.num_samples:,} random symmetric {r.n}×{r.n} Hessians, "
            f"{_swatch(colour['local minimum'])}<b>{r.minima:,} minima</b>, "
            f"{_swatch(colour['local maximum'])}<b>{r.maxima:,} maxima</b> and "
            f"{_swatch(colour['saddle point'])}<b>{r.saddles:,} saddle points</b> "
            f"({r.saddles / r.num_samples:.2%}). The naive estimate 2<sup>-{r.n}</sup> = "
            f"{r.naive_minimum:.3g} would expect {expected:,.1f} minima. The most common "
            f"case: {typical} of {r.n} directions curving down.</p>"
        )


def census_explorer(n=5, max_n=20, num_samples=2000, seed=0):
    """Build the dimension-slider census of random Hessians (notebook 08).

    Parameters
    ----------
    n : int, default 5
        Initial dimension.
    max_n : int, default 20
        Largest dimension on the slider (all of 1..max_n are counted when the widget is
        built: about 0.3 s for the defaults on an idle machine).
    num_samples : int, default 2000
        Random Hessians per dimension.
    seed : int, default 0

    Returns
    -------
    CensusExplorer
    """
    return CensusExplorer(n=n, max_n=max_n, num_samples=num_samples, seed=seed)


# ---------------------------------------------------------------------------
# Optimizers on flat ground
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PlateauResult:
    """One run of :class:`PlateauExplorer`."""

    surface: str
    optimizer: str
    learning_rate: float
    path: np.ndarray
    norms: np.ndarray             #: |grad f| at each point of the path
    steps_to_tol: Optional[int]
    diverged: bool
    flat_steps: int               #: steps with |grad f| < FLAT_GRADIENT before arriving
    end_label: str                #: where the run ended, in words


class PlateauExplorer(Explorer):
    """Surface, optimizer and alpha -> the path and the gradient's length along it.

    The alpha slider (stops ``PLATEAU_LEARNING_RATES``) moves the picture from
    precomputed frames, drawn again for each surface and optimizer.
    """

    MAIN_CONTROL = "learning_rate"

    def __init__(self, surface="plateau", optimizer="gd", learning_rate=None):
        if surface not in PLATEAU_SURFACES.values():
            raise ValueError(f"surface == {surface!r}, must be one of {sorted(PLATEAU_SURFACES.values())}")
        if optimizer not in OPTIMIZER_COLORS:
            raise ValueError(f"optimizer == {optimizer!r}, must be one of {sorted(OPTIMIZER_COLORS)}")
        if learning_rate is None:
            learning_rate = get_surface(surface).learning_rates[optimizer]
        # contour grids do not depend on the controls: compute them once
        self._grids = {name: surface_grid(name, num=80) for name in PLATEAU_SURFACES.values()}
        self._syncing = False
        self._runs_drawn = {}        # layer key -> the artists the moving layer changes
        controls = {
            "surface": widgets.Dropdown(options=list(PLATEAU_SURFACES.items()), value=surface,
                                        description="surface"),
            "optimizer": widgets.ToggleButtons(
                options=[(OPTIMIZER_LABELS[k], k) for k in OPTIMIZER_COLORS], value=optimizer,
                description="optimizer", style={"button_width": "auto"}),
            "learning_rate": widgets.SelectionSlider(
                options=[(f"{a:g}", a) for a in PLATEAU_LEARNING_RATES],
                value=_nearest_rate(learning_rate), description="α",
                continuous_update=True, layout=widgets.Layout(width="420px")),
        }
        rows = [[controls["surface"], controls["learning_rate"]], [controls["optimizer"]]]
        super().__init__(controls, figsize=(9.0, 3.6), dpi=90, layout_rows=rows)
        for name in PLATEAU_SURFACES.values():   # every surface's figure now: a switch only updates
            learning_rate = get_surface(name).learning_rates[optimizer]
            self.prepare_layer(self.compute(name, optimizer, learning_rate))

    def _on_change(self, change):
        if self._syncing:
            return
        if change["owner"] in (self.controls["surface"], self.controls["optimizer"]):
            # each optimizer has its own useful range of alpha: start from the surface's
            self._syncing = True
            try:
                surface = get_surface(self.controls["surface"].value)
                self.controls["learning_rate"].value = _nearest_rate(
                    surface.learning_rates[self.controls["optimizer"].value])
            finally:
                self._syncing = False
        self._redraw_for(change)

    def compute(self, surface, optimizer, learning_rate):
        s = get_surface(surface)
        run = run_on_surface(s, make_optimizer(optimizer, s, learning_rate=float(learning_rate)))
        norms = gradient_norms(s, run.path)
        arrived = run.steps_to_tol if run.steps_to_tol is not None else len(norms)
        flat_steps = int(np.count_nonzero(norms[:arrived] < FLAT_GRADIENT))
        return PlateauResult(
            surface=s.name, optimizer=optimizer, learning_rate=float(learning_rate), path=run.path,
            norms=norms, steps_to_tol=run.steps_to_tol, diverged=run.diverged, flat_steps=flat_steps,
            end_label=_where_it_ended(s, run),
        )

    @staticmethod
    def _shown_path(result):
        """The path up to where it first leaves the window: nothing is drawn off the axes."""
        (xmin, xmax), (ymin, ymax) = get_surface(result.surface).bounds
        inside = ((result.path[:, 0] >= xmin) & (result.path[:, 0] <= xmax)
                  & (result.path[:, 1] >= ymin) & (result.path[:, 1] <= ymax))
        last = len(inside) if inside.all() else int(np.argmin(inside))
        return result.path[: max(last, 1)]

    @staticmethod
    def _left_title(result):
        return f"{get_surface(result.surface).title} (α = {result.learning_rate:.3g})"

    def draw_still(self, result):
        # Room above the axes for a legend row (legends cover no data) and the title.
        left = self.figure.add_axes((0.07, 0.14, 0.40, 0.68))
        right = self.figure.add_axes((0.58, 0.14, 0.40, 0.68))
        s = get_surface(result.surface)
        plot_surface_contours(s, ax=left, grid=self._grids[s.name])
        plot_path(self._shown_path(result), result.optimizer, ax=left)
        left.set_title(" ", y=_TITLE_Y_ONE_ROW)   # it names alpha: the moving layer writes it
        legend_above(left, left.get_legend_handles_labels()[0])
        plot_gradient_norm(result.norms, ax=right, optimizer=result.optimizer, threshold=FLAT_GRADIENT,
                           title="Length of the gradient along the path")
        right.set_title(right.get_title(), y=_TITLE_Y_ONE_ROW)
        right.get_legend().remove()
        legend_above(right, right.get_legend_handles_labels()[0])
        _no_minor_ticks(right)
        line, text = self._mark_arrival(right, result)
        # Fixed axes, so only the runs move: every step of this surface, and gradient
        # lengths from the rounding floor to 1,000 (a run that diverges leaves at the top).
        right.set_xlim(-0.04 * s.num_steps, 1.04 * s.num_steps)
        right.set_ylim(*_NORM_RANGE)
        # Moving: the path, the left title, the gradient's length, the "arrived" mark, and
        # the two legends, whose optimizer entry takes the optimizer's name and colour.
        label = OPTIMIZER_LABELS[result.optimizer]
        legends = tuple((legend, [t.get_text() for t in legend.get_texts()].index(label))
                        for legend in (left.get_legend(), right.get_legend()))
        self._runs_drawn[self.layer_key(result)] = (left.get_lines()[-1], right.get_lines()[0], line, text,
                                                    legends)

    def layer_key(self, result):
        # The contours, axes and the legends' other entries stay: a figure per surface
        # (the optimizer only recolours and renames moving artists, so a click on another
        # optimizer redraws no still layer).
        return result.surface

    @staticmethod
    def _mark_arrival(ax, result, mark=None):
        """The dashed "arrived" line and its label at the step the run arrived (hidden if it did not).

        ``mark``: the (line, label) drawn before, moved instead of drawn again.
        """
        step = result.steps_to_tol if result.steps_to_tol is not None else 0
        if mark is None:
            line = ax.axvline(step, color=MARK_COLOR, lw=1.0, ls="--")
            text = ax.annotate("arrived", (step, 0.95), xycoords=("data", "axes fraction"),
                               xytext=(3, 0), textcoords="offset points", fontsize=8, va="top")
        else:
            line, text = mark
            line.set_xdata([step, step])
            text.xy = (step, 0.95)
        for artist in (line, text):
            artist.set_visible(result.steps_to_tol is not None)
        return line, text

    def draw_moving(self, result):
        path, norm_line, line, text, legends = self._runs_drawn[self.layer_key(result)]
        left, right = path.axes, norm_line.axes
        color, label = OPTIMIZER_COLORS[result.optimizer], OPTIMIZER_LABELS[result.optimizer]
        shown = self._shown_path(result)
        path.set_data(shown[:, 0], shown[:, 1])
        left.title.set_text(self._left_title(result))
        norms = np.maximum(result.norms, 1e-16)  # as plot_gradient_norm draws them
        norm_line.set_data(np.arange(norms.size), norms)
        for artist in (path, norm_line):
            artist.set_color(color)
        for legend, entry in legends:
            legend.legend_handles[entry].set_color(color)
            legend.get_texts()[entry].set_text(label)
        self._mark_arrival(right, result, (line, text))
        return [path, norm_line, line, text, *(legend for legend, _ in legends)]

    def describe(self, result):
        r = result
        name = f"{OPTIMIZER_LABELS[r.optimizer]} with α = {r.learning_rate:.3g}"
        if r.diverged:
            return (f"<p><b>{name} diverges on this surface</b>: the path left the plot after "
                    f"{len(r.path) - 1} steps. Try a smaller α.</p>")
        s = get_surface(r.surface)
        if r.steps_to_tol is not None:
            head = f"{name} reaches the minimum (f − f<sub>min</sub> &lt; {s.tol:g}) after <b>{r.steps_to_tol} steps</b>"
        else:
            steps = len(r.path) - 1
            if r.end_label == "at the global minimum":
                # within 0.1 of it, yet f - f_min never fell below tol: close, not settled
                head = (f"{name} ends close to the global minimum but does <b>not</b> settle into it in "
                        f"{steps} steps (f − f<sub>min</sub> never falls below {s.tol:g})")
            else:
                head = f"{name} does <b>not</b> reach the global minimum in {steps} steps; it ends {r.end_label}"
        return (f"<p>{head}. On the way it spends {r.flat_steps} steps where the gradient is "
                f"shorter than {FLAT_GRADIENT:g} (flat ground).</p>")


def _where_it_ended(surface, run):
    """A few words: near which landmark (or the minimum) the last point lies."""
    end = np.asarray(run.path[-1])
    places = dict(surface.landmarks)
    if surface.minimum is not None:
        places["global minimum"] = surface.minimum
    if not places:
        return f"at ({end[0]:.2f}, {end[1]:.2f})"
    name, point = min(places.items(), key=lambda item: np.hypot(*(end - np.asarray(item[1]))))
    if np.hypot(*(end - np.asarray(point))) < 0.1:
        return f"at the {name}"
    return f"at ({end[0]:.2f}, {end[1]:.2f})"


def plateau_explorer(surface="plateau", optimizer="gd", learning_rate=None):
    """Build the flat-ground explorer (notebook 08).

    Parameters
    ----------
    surface : {"plateau", "saddle", "local_minimum"}, default "plateau"
    optimizer : {"gd", "momentum", "rmsprop", "adam"}, default "gd"
    learning_rate : float, optional
        Default: the surface's recommended alpha for the optimizer. Snaps to the nearest
        stop of the slider, ``PLATEAU_LEARNING_RATES``.

    Returns
    -------
    PlateauExplorer
    """
    if learning_rate is not None:
        learning_rate = check_real(learning_rate, "learning_rate", min_val=0.0, closed="neither")
    return PlateauExplorer(surface=surface, optimizer=optimizer, learning_rate=learning_rate)


def _swatch(colour):
    """A square of the bars' colour before a count: the words stay black (a light palette
    colour as text fails the 4.5:1 contrast a reader needs; a square has no text to read)."""
    return (f"<span style='display:inline-block;width:0.75em;height:0.75em;margin-right:0.25em;"
            f"background:{colour}' aria-hidden='true'></span>")

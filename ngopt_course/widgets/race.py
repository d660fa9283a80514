"""The optimizer race (notebook 06): gradient descent, momentum, RMSProp and Adam, live.

Pick a surface and a start, scale the learning rates, set momentum's beta, RMSProp's
beta and Adam's beta1 and beta2: the four paths are drawn on the contours (left) and
their loss above the minimum per step (right), with a table of who reached the
tolerance when. The Play button replays the race step by step.

Speed: the four runs are computed only when a setting other than the step changes, and
only those whose optimizer changed are rerun (a cache keyed by each optimizer's repr:
moving beta1 reruns Adam alone); the default race of every surface is computed when the
widget is built. Each surface has its own figure: a still background (contours, axes,
legend) rendered the first time the surface is shown, with the moving parts (start,
paths, loss curves) blitted onto it, so a Play frame, a new beta or a return to a
surface redraws only the paths.

The learning rate is one multiplier of each surface's recommended rates rather than one
shared alpha: see ``ngopt_course.experiments.race`` for why.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from html import escape

import ipywidgets as widgets

from .._validation import check_real
from ..plots.adam import gap_range, plot_race, update_race
from ..plots.style import OPTIMIZER_COLORS, OPTIMIZER_LABELS
from ..experiments.race import OPTIMIZER_KEYS, Race, race_outcomes, run_race, start_presets
from ..surfaces import SURFACES, get_surface, surface_grid
from ._base import Explorer

__all__ = [
    "RaceExplorer",
    "RaceResult",
    "optimizer_race",
    "LEARNING_RATE_SCALES",
    "MOMENTUM_BETAS",
    "RMSPROP_BETAS",
    "ADAM_BETA1S",
    "ADAM_BETA2S",
]

#: The choices of the sliders. Betas close to 1 matter most, so they are listed, not spaced evenly.
#: The alpha multiplier is the slider learners drag to see the race change: about six
#: stops per factor of 10 (roughly geometric, round numbers), so the picture follows the hand.
LEARNING_RATE_SCALES = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 2.0, 2.5,
                        3.0, 4.0, 5.0)
MOMENTUM_BETAS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
RMSPROP_BETAS = (0.0, 0.5, 0.9, 0.99, 0.999)
ADAM_BETA1S = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99)
ADAM_BETA2S = (0.9, 0.99, 0.999, 0.9999)

GRID_POINTS = 100          # per axis of the cached contour grid
PLAY_FRAMES = 200          # at most this many frames for a whole race
PLAY_INTERVAL_MS = 100     # one frame per 0.1 s
CACHE_SIZE = 96            # runs kept (4 per race)


class _RunCache(OrderedDict):
    """A small least-recently-used store of runs for ``run_race(cache=...)``."""

    def __init__(self, maxsize):
        super().__init__()
        self.maxsize = maxsize

    def get(self, key, default=None):
        if key in self:
            self.move_to_end(key)
            return self[key]
        return default

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.maxsize:
            self.popitem(last=False)


@dataclass(frozen=True)
class RaceResult:
    """What the explorer shows: the race, the step the picture is at, each racer's outcome."""

    race: Race
    step: int
    outcomes: dict


def _play_step(num_steps):
    """Steps per Play frame: 1 up to PLAY_FRAMES steps, else a divisor so the race ends on its last step."""
    wanted = max(1, math.ceil(num_steps / PLAY_FRAMES))
    return next(d for d in range(wanted, num_steps + 1) if num_steps % d == 0) if num_steps else 1


def _start_options(surface):
    options = []
    for index, (x, y) in enumerate(start_presets(surface)):
        label = f"({x:g}, {y:g})" + ("  the surface's start" if index == 0 else "")
        options.append((label, index))
    return options


def _selection(name, options, value, description, fmt="{:g}"):
    if value not in options:
        raise ValueError(f"{name} == {value!r}, must be one of {list(options)}")
    # 280 px with a 95 px label leaves the track about 130 px: three fit in a notebook row
    return widgets.SelectionSlider(
        options=[(fmt.format(o), o) for o in options], value=value, description=description,
        continuous_update=True, style={"description_width": "95px"},
        layout=widgets.Layout(width="280px"),
    )


class RaceExplorer(Explorer):
    """Surface, start, learning-rate scale and betas -> four optimizers racing, step by step.

    Attributes
    ----------
    play : ipywidgets.Play
        Steps the race forward; linked in the browser to the step slider
        ``controls["step"]`` by ``play_link`` (an ``ipywidgets.jslink``).
    figure : matplotlib.figure.Figure
        The current surface's figure (each surface keeps its own, see ``layer_key``).
    """

    #: the alpha multiplier: the slider whose stops the browser shows from precomputed frames
    MAIN_CONTROL = "learning_rate_scale"

    def __init__(self, surface="elongated_bowl", learning_rate_scale=1.0, beta=0.9,
                 rmsprop_beta=0.9, beta1=0.9, beta2=0.999):
        surface = get_surface(surface)
        self._cache = _RunCache(CACHE_SIZE)
        self._grids = {}
        self._quiet = False
        # The default race of every surface, so that switching surfaces is quick.
        for name in SURFACES:
            run_race(name, cache=self._cache)
            self.grid(name)
        num_steps = surface.num_steps
        controls = {
            "surface": widgets.Dropdown(
                options=[(s.title.split(":")[0], name) for name, s in SURFACES.items()],
                value=surface.name, description="surface", style={"description_width": "95px"},
                layout=widgets.Layout(width="330px")),
            "start": widgets.Dropdown(
                options=_start_options(surface), value=0, description="start (x0, y0)",
                style={"description_width": "initial"}, layout=widgets.Layout(width="330px")),
            "learning_rate_scale": _selection("learning_rate_scale", LEARNING_RATE_SCALES, learning_rate_scale,
                                              "α × tuned", fmt="×{:g}"),
            "beta": _selection("beta", MOMENTUM_BETAS, beta, "β momentum"),
            "rmsprop_beta": _selection("rmsprop_beta", RMSPROP_BETAS, rmsprop_beta, "β RMSProp"),
            "beta1": _selection("beta1", ADAM_BETA1S, beta1, "β1 Adam"),
            "beta2": _selection("beta2", ADAM_BETA2S, beta2, "β2 Adam"),
            "step": widgets.IntSlider(
                value=num_steps, min=0, max=num_steps, step=1, description="step t",
                continuous_update=True, style={"description_width": "60px"},
                layout=widgets.Layout(width="520px")),
        }
        self.play = widgets.Play(value=num_steps, min=0, max=num_steps, step=_play_step(num_steps),
                                 interval=PLAY_INTERVAL_MS, description="play the race")
        self.play_link = widgets.jslink((self.play, "value"), (controls["step"], "value"))
        rows = [
            [controls["surface"], controls["start"]],
            [controls["learning_rate_scale"], controls["beta"], controls["rmsprop_beta"]],
            [controls["beta1"], controls["beta2"]],
            [self.play, controls["step"]],
        ]
        super().__init__(controls, figsize=(9.5, 3.8), dpi=90, layout_rows=rows)
        # Every surface's figure and still layer now, from its default race: the first
        # switch to a surface then draws only the moving layer, not a new figure.
        for name in SURFACES:
            self.prepare_layer(self.compute(name, 0, learning_rate_scale, beta, rmsprop_beta, beta1, beta2,
                                            get_surface(name).num_steps))

    # -- compute ------------------------------------------------------------------
    def grid(self, surface):
        """The surface's contour grid, computed on first use and kept."""
        if surface not in self._grids:
            self._grids[surface] = surface_grid(surface, num=GRID_POINTS)
        return self._grids[surface]

    def compute(self, surface, start, learning_rate_scale, beta, rmsprop_beta, beta1, beta2, step):
        presets = start_presets(surface)
        race = run_race(
            surface, presets[min(int(start), len(presets) - 1)],
            learning_rate_scale=learning_rate_scale, beta=beta, rmsprop_beta=rmsprop_beta,
            beta1=beta1, beta2=beta2, cache=self._cache,
        )
        step = min(max(int(step), 0), race.num_steps)
        return RaceResult(race=race, step=step, outcomes=race_outcomes(race))

    # -- draw ---------------------------------------------------------------------
    def layer_key(self, result):
        return result.race.surface          # each surface has its own contours: its own still layer

    def draw_still(self, result):
        """Contours, axes, ticks and legends (and a race, which ``draw_moving`` then moves)."""
        ax_paths = self.figure.add_axes((0.075, 0.13, 0.39, 0.78))
        ax_losses = self.figure.add_axes((0.57, 0.13, 0.40, 0.78))
        surface = result.race.surface
        ylim = gap_range(surface, start_presets(surface), result.race.tol)
        plot_race(result.race, ax_paths, ax_losses, upto=result.step, grid=self.grid(surface), ylim=ylim)

    def draw_moving(self, result):
        """The start, the paths and their dots, the loss curves and the divergence marks."""
        return update_race(result.race, *self.figure.axes, result.step)

    def describe(self, result):
        race = result.race
        rows = []
        for name in OPTIMIZER_KEYS:
            outcome = result.outcomes[name]
            run = race.runs[name]
            swatch = f"<span style='color:{OPTIMIZER_COLORS[name]}'>&#9632;</span>"
            if result.step < run.losses.size:
                now = f"{run.losses[result.step] - _f_min(race):.3g}"
            else:
                now = "diverged"
            weight = "bold" if outcome.status == "diverged" else "normal"
            rows.append(
                f"<tr><td>{swatch} {escape(OPTIMIZER_LABELS[name])}</td>"
                f"<td style='text-align:right;padding:0 8px'>{race.learning_rates[name]:.3g}</td>"
                f"<td style='padding:0 8px;font-weight:{weight}'>{escape(outcome.text)}</td>"
                f"<td style='text-align:right;padding:0 8px'>{now}</td></tr>"
            )
        head = ("<tr><th style='text-align:left'>optimizer</th><th style='padding:0 8px'>α</th>"
                "<th style='text-align:left;padding:0 8px'>steps to tolerance</th>"
                f"<th style='padding:0 8px'>f − f_min at step {result.step}</th></tr>")
        diverged = [OPTIMIZER_LABELS[n] for n in OPTIMIZER_KEYS if result.outcomes[n].status == "diverged"]
        warning = ""
        if diverged:
            warning = (f"<p><b>{escape(', '.join(diverged))}: α is too large on this surface. "
                       "The path runs away (the run stops once it is 10,000 from the origin or "
                       "its numbers overflow) and a cross on the loss plot marks the step. "
                       "Lower the α multiplier.</b></p>")
        return (f"<p>Step {result.step} of {race.num_steps}; arrival means f − f_min &lt; {race.tol:g}.</p>"
                f"<table>{head}{''.join(rows)}</table>{warning}")

    # -- the loop -----------------------------------------------------------------
    def _on_change(self, change):
        if self._quiet:
            return
        if change["owner"] is self.controls["surface"]:
            self._reset_for(change["new"])
        self._redraw_for(change)

    def _reset_for(self, surface):
        """A new surface: its own start, its number of steps, the whole race shown."""
        num_steps = get_surface(surface).num_steps
        self._quiet = True
        try:
            self.controls["start"].options = _start_options(surface)
            self.controls["start"].value = 0
            for control in (self.controls["step"], self.play):
                control.max = num_steps
                control.value = num_steps
            self.play.step = _play_step(num_steps)
        finally:
            self._quiet = False


def _f_min(race):
    """f_min of the race's surface (0 when unknown): subtract it from a loss to get the gap."""
    f_min = get_surface(race.surface).f_min
    return 0.0 if f_min is None else f_min


def optimizer_race(surface="elongated_bowl", learning_rate_scale=1.0, beta=0.9, rmsprop_beta=0.9,
                   beta1=0.9, beta2=0.999):
    """Build the optimizer race (notebook 06).

    Parameters
    ----------
    surface : str, default "elongated_bowl"
        A name in ``SURFACES``; the start is the surface's own.
    learning_rate_scale : float, default 1.0
        Multiplier of every optimizer's recommended learning rate, one of
        ``LEARNING_RATE_SCALES``.
    beta : float, default 0.9
        Momentum's beta, one of ``MOMENTUM_BETAS``.
    rmsprop_beta : float, default 0.9
        RMSProp's beta, one of ``RMSPROP_BETAS``.
    beta1, beta2 : float, default 0.9, 0.999
        Adam's, from ``ADAM_BETA1S`` and ``ADAM_BETA2S``.

    Returns
    -------
    RaceExplorer
    """
    learning_rate_scale = check_real(learning_rate_scale, "learning_rate_scale", min_val=0.0, closed="neither")
    return RaceExplorer(surface, learning_rate_scale, beta, rmsprop_beta, beta1, beta2)

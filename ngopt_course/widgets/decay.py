"""The decay explorer (notebook 07): every learning-rate schedule of the lecture, live.

Move alpha0, decay_rate and k and pick a schedule: the figure shows all schedules
against the epoch (the chosen one thick), the note a table of the first epochs'
learning rates. Colours are ``plots.decay.SCHEDULE_COLORS``, as in the notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import ipywidgets as widgets
import numpy as np

from .._validation import check_real
from ..plots.decay import SCHEDULE_COLORS, plot_schedules
from ..schedules import (
    exponential_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    manual_decay,
    staircase_decay,
)
from ._base import Explorer

__all__ = ["DecayExplorer", "DecayResult", "decay_explorer", "manual_decay_rates", "SCHEDULE_NAMES"]

#: Dropdown label -> schedule key (keys of SCHEDULE_COLORS).
SCHEDULE_NAMES = {
    "α0 / (1 + decay_rate · epoch)": "inverse_time",
    "0.95^epoch · α0": "exponential",
    "k / √epoch · α0": "inverse_sqrt",
    "k / √t · α0 (t = iteration)": "inverse_sqrt_iteration",
    "staircase (halve every 5 epochs)": "staircase",
    "manual (lowered by hand)": "manual",
    "constant α0 (no decay)": "constant",
}
_SHORT = {
    "inverse_time": "α0/(1+decay_rate·epoch)",
    "exponential": "0.95^epoch·α0",
    "inverse_sqrt": "k/√epoch·α0",
    "inverse_sqrt_iteration": "k/√t·α0 (first → last step)",
    "staircase": "staircase",
    "manual": "manual",
    "constant": "constant",
}

#: The decay_rate slider's stops: 0 to 3 by 0.05.
DECAY_RATES = tuple(round(0.05 * i, 2) for i in range(61))
NUM_EPOCHS = 20
TABLE_EPOCHS = 6
BATCHES_PER_EPOCH = 10
STAIRCASE_DROP, EPOCHS_PER_DROP = 0.5, 5
#: (first epoch, fraction of alpha0): as if someone watched the cost flatten and cut alpha.
MANUAL_DROPS = ((8, 1 / 3), (14, 1 / 10))


def _nearest(stops, value):
    return min(stops, key=lambda stop: abs(stop - value))


def manual_decay_rates(learning_rate0, epochs, drops=MANUAL_DROPS):
    """The widget's manual plan: ``schedules.manual_decay`` with ``MANUAL_DROPS``."""
    return manual_decay(learning_rate0, drops, epochs)


@dataclass
class DecayResult:
    """What the explorer shows: per-epoch rates, the per-iteration schedule, the choice."""

    epochs: np.ndarray
    rates: dict
    iteration_x: np.ndarray
    iteration_rates: np.ndarray
    selected: str


class DecayExplorer(Explorer):
    """alpha0, decay_rate, k and a schedule -> all schedules' curves and a table.

    The decay_rate slider (stops ``DECAY_RATES``) moves the picture from precomputed frames.
    """

    MAIN_CONTROL = "decay_rate"

    def __init__(self, learning_rate0=0.2, decay_rate=1.0, k=1.0, schedule="inverse_time"):
        # the sliders would clamp an out-of-range value silently: refuse it instead
        learning_rate0 = check_real(learning_rate0, "learning_rate0", min_val=0.01, max_val=1.0)
        decay_rate = check_real(decay_rate, "decay_rate", min_val=0.0, max_val=3.0)
        k = check_real(k, "k", min_val=0.1, max_val=2.0)
        if schedule not in SCHEDULE_NAMES.values():
            raise ValueError(f"schedule == {schedule!r}, must be one of {sorted(SCHEDULE_NAMES.values())}")
        controls = {
            "learning_rate0": widgets.FloatSlider(
                value=learning_rate0, min=0.01, max=1.0, step=0.01, description="α0",
                readout_format=".2f"),
            # stops (not a FloatSlider): the browser shows each from a precomputed frame
            "decay_rate": widgets.SelectionSlider(
                options=[(f"{r:.2f}", r) for r in DECAY_RATES], value=_nearest(DECAY_RATES, decay_rate),
                description="decay_rate", continuous_update=True),
            "k": widgets.FloatSlider(
                value=k, min=0.1, max=2.0, step=0.05, description="k", readout_format=".2f"),
            "schedule": widgets.Dropdown(
                options=list(SCHEDULE_NAMES.items()), value=schedule, description="schedule",
                layout=widgets.Layout(width="max-content")),
        }
        self._epochs = np.arange(1, NUM_EPOCHS + 1)
        self._iterations = np.arange(1, NUM_EPOCHS * BATCHES_PER_EPOCH + 1)
        # decay_rate first: the slider a learner drags most, the one with frames
        rows = [[controls["decay_rate"], controls["learning_rate0"], controls["k"]],
                [controls["schedule"]]]
        super().__init__(controls, figsize=(9.0, 3.6), dpi=90, layout_rows=rows)

    def compute(self, learning_rate0, decay_rate, k, schedule):
        e = self._epochs
        rates = {
            "constant": np.full(e.shape, float(learning_rate0)),
            "inverse_time": inverse_time_decay(learning_rate0, e, decay_rate),
            "exponential": exponential_decay(learning_rate0, e),
            "inverse_sqrt": inverse_sqrt_decay(learning_rate0, k, e),
            "staircase": staircase_decay(learning_rate0, STAIRCASE_DROP, EPOCHS_PER_DROP, e),
            "manual": manual_decay_rates(learning_rate0, e),
        }
        return DecayResult(
            epochs=e,
            rates=rates,
            # iteration t ends at t / batches_per_epoch epochs
            iteration_x=self._iterations / BATCHES_PER_EPOCH,
            iteration_rates=inverse_sqrt_decay(learning_rate0, k, self._iterations),
            selected=schedule,
        )

    def layer_key(self, result):
        # the chosen schedule is drawn thick, in the legend too: a still layer per schedule
        return result.selected

    def draw_still(self, result):
        # the legend sits in the right margin
        ax = self.figure.add_axes((0.075, 0.14, 0.63, 0.76))
        plot_schedules(
            result.epochs, result.rates,
            per_iteration={"inverse_sqrt_iteration": (result.iteration_x, result.iteration_rates)},
            highlight=result.selected,
            labels={**_SHORT, "inverse_sqrt_iteration": "k/√t·α0 (t = iteration)"},
            title=f"Learning-rate schedules ({BATCHES_PER_EPOCH} mini-batches per epoch)",
            ax=ax,
        )
        # The sliders move the curves and the rate axis; the epoch axis, the title and the
        # legend (mathtext, the slowest text to draw) stay.

    def draw_moving(self, result):
        ax = self.figure.axes[0]
        lines = iter(ax.get_lines())
        for rate in result.rates.values():
            next(lines).set_ydata(np.concatenate([[rate[0]], rate]))   # the step from epoch 0, as drawn
            next(lines).set_ydata(rate)
        next(lines).set_data(result.iteration_x, result.iteration_rates)
        # the rate axis as plot_schedules leaves it: autoscaled to the curves, from 0
        ax.set_autoscaley_on(True)
        ax.relim()
        ax.autoscale_view(scalex=False)
        ax.set_ylim(bottom=0)
        return [*ax.get_lines(), ax.yaxis]

    def describe(self, result):
        head = "".join(f"<th style='padding:0 8px'>epoch {e}</th>" for e in result.epochs[:TABLE_EPOCHS])
        rows = []
        for name in SCHEDULE_NAMES.values():
            if name == "inverse_sqrt_iteration":
                r = result.iteration_rates.reshape(NUM_EPOCHS, BATCHES_PER_EPOCH)
                cells = [f"{a:.3g} → {b:.3g}" for a, b in r[:TABLE_EPOCHS, [0, -1]]]
            else:
                cells = [f"{a:.3g}" for a in result.rates[name][:TABLE_EPOCHS]]
            weight = "bold" if name == result.selected else "normal"
            swatch = f"<span style='color:{SCHEDULE_COLORS[name]}'>&#9632;</span>"
            tds = "".join(f"<td style='padding:0 8px;text-align:right'>{c}</td>" for c in cells)
            rows.append(f"<tr style='font-weight:{weight}'><td>{swatch} {escape(_SHORT[name])}</td>{tds}</tr>")
        if result.selected == "inverse_sqrt_iteration":
            last = result.iteration_rates[-1]
        else:
            last = result.rates[result.selected][-1]
        first = result.rates["constant"][0]
        summary = (f"<p>Chosen schedule after {NUM_EPOCHS} epochs: α = {last:.3g} "
                   f"({100 * last / first:.3g}% of α0 = {first:.3g}).</p>")
        return (f"<table><tr><th style='text-align:left'>learning rate α</th>{head}</tr>"
                f"{''.join(rows)}</table>{summary}")


def decay_explorer(learning_rate0=0.2, decay_rate=1.0, k=1.0, schedule="inverse_time"):
    """Build the learning-rate decay explorer (notebook 07).

    Parameters
    ----------
    learning_rate0 : float, default 0.2
        Initial alpha0 (the lecture's example).
    decay_rate : float, default 1.0
        For alpha0 / (1 + decay_rate * epoch_num).
    k : float, default 1.0
        For k / sqrt(epoch_num) * alpha0 and k / sqrt(t) * alpha0.
    schedule : str, default "inverse_time"
        The schedule drawn thick and in bold in the table (a key of SCHEDULE_COLORS).

    Returns
    -------
    DecayExplorer
    """
    return DecayExplorer(learning_rate0, decay_rate, k, schedule)

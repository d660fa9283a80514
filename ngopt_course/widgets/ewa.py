"""Widgets for exponentially weighted averages (notebooks 02 and 03).

- :func:`ewa_explorer`: a beta slider (with the lecture's three betas on preset
  buttons) and the average v_t redrawn over a year of temperatures.
- :func:`bias_correction_explorer`: a beta slider and a bias-correction checkbox over
  the first weeks of the year, where v_0 = 0 drags the uncorrected average down.

By default both use ``ngopt_course.data.london_temperatures`` (a synthetic year,
calibrated to London climate statistics); pass ``days`` and ``temps`` to use other data.
"""

from __future__ import annotations

from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np

from .._validation import check_int, check_real
from ..ewa import bias_correction_warmup, effective_window, ewa
from ..plots.ewa import line_effects, beta_label, bias_curve_style, plot_bias_correction, plot_ewa_curves
from ..plots.style import BETA_COLORS, MARK_COLOR, beta_color
from ._base import Explorer

__all__ = [
    "EWAResult",
    "EWAExplorer",
    "ewa_explorer",
    "BiasCorrectionResult",
    "BETA_STOPS",
    "BiasCorrectionExplorer",
    "bias_correction_explorer",
]

BETA_MAX = 0.999
#: The beta slider's stops: even up to 0.9, then closer, where the window grows fast (the
#: lecture's 0.5, 0.9 and 0.98 among them). A stop each, not every 0.001: the browser
#: shows each from a precomputed frame (see ``Explorer.frames``), and 20-odd frames keep
#: a page light. A beta passed to a builder that is not a stop is added to them.
BETA_STOPS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.95, 0.96,
              0.97, 0.98, 0.99, 0.995, BETA_MAX)


def _check_series(days, temps):
    if days is None or temps is None:
        raise ValueError("pass both days and temps, or neither (for the London year)")
    days = np.asarray(days, dtype=float)
    temps = np.asarray(temps, dtype=float)
    if days.shape != temps.shape or days.ndim != 1 or days.size < 2:
        raise ValueError(f"days and temps must be 1-D of the same length >= 2, got shapes {days.shape} and {temps.shape}")
    return days, temps


def _fixed_axes(figure):
    return figure.add_axes((0.075, 0.13, 0.91, 0.78))


def _beta_slider(beta):
    stops = sorted({*BETA_STOPS, float(beta)})
    return widgets.SelectionSlider(
        options=[(f"{b:.3f}", b) for b in stops], value=float(beta), description="β",
        continuous_update=True, layout=widgets.Layout(width="420px"),
    )


@dataclass(frozen=True)
class EWAResult:
    """What :class:`EWAExplorer` computed for one beta."""

    beta: float
    v: np.ndarray             #: v_1..v_T, no bias correction (as on the slide)
    window: float             #: 1 / (1 - beta), in days
    peak_day: float           #: day of the largest v_t
    roughness: float          #: mean |v_t - v_{t-1}|, in the data's unit per day


class EWAExplorer(Explorer):
    """Beta slider + preset buttons -> the average v_t over a year of temperatures.

    The beta slider (stops ``BETA_STOPS``) moves the picture from precomputed frames.

    Parameters
    ----------
    days, temps : ndarray, shape (T,)
    beta : float
        Initial slider value, in [0, 0.999].
    unit : {"F", "C"}
    """

    MAIN_CONTROL = "beta"

    def __init__(self, days, temps, beta=0.9, *, unit="F"):
        self.days, self.temps, self.unit = days, temps, unit
        self.data_roughness = float(np.mean(np.abs(np.diff(temps))))
        self.ylim = (min(0.0, temps.min()) - 2.0, temps.max() + 2.0)
        slider = _beta_slider(beta)
        # Buttons (not a second value control) jump the slider to the lecture's betas:
        # one control holds beta, so a click causes exactly one redraw.
        self.presets = {}
        for preset, color in BETA_COLORS.items():
            button = widgets.Button(
                description=f"β = {preset:g}", tooltip=f"about {effective_window(preset):.0f} days",
                layout=widgets.Layout(width="90px"),
            )
            button.style.button_color = color
            button.on_click(lambda _, b=preset: setattr(slider, "value", b))
            self.presets[preset] = button
        super().__init__({"beta": slider}, layout_rows=[[slider, *self.presets.values()]])

    def compute(self, beta):
        v = ewa(self.temps, beta)
        return EWAResult(
            beta=beta, v=v, window=effective_window(beta),
            peak_day=float(self.days[np.argmax(v)]),
            roughness=float(np.mean(np.abs(np.diff(v)))),
        )

    @staticmethod
    def _title(result):
        return rf"β = {result.beta:.3f}: $v_t$ averages over about 1 / (1 − β) = {result.window:.0f} days"

    def draw_still(self, result):
        ax = _fixed_axes(self.figure)
        plot_ewa_curves(self.days, {result.beta: result.v}, theta=self.temps, ax=ax, unit=self.unit,
                        title=self._title(result))
        ax.set_ylim(*self.ylim)

    def draw_moving(self, result):
        # the dots, axes and ticks stay; the curve, its legend entry and the title move
        ax = self.figure.axes[0]
        curve, legend, title = ax.get_lines()[1], ax.get_legend(), ax.title
        color = beta_color(result.beta)
        for artist in (curve, legend.legend_handles[1]):
            artist.set_color(color)
            artist.set_path_effects(line_effects(color, curve.get_linewidth()) or [])
        curve.set_ydata(result.v)
        curve.set_label(beta_label(result.beta))
        legend.get_texts()[1].set_text(beta_label(result.beta))
        title.set_text(self._title(result))
        return [curve, legend, title]

    def describe(self, result):
        unit = "°" + self.unit
        text = (
            f"β = {result.beta:.3f}: 1 / (1 − β) = <b>{result.window:.1f} days</b> effective window. "
            f"Peak of v_t on day {result.peak_day:.0f}; roughness {result.roughness:.2f} {unit}/day "
            f"(the data: {self.data_roughness:.2f} {unit}/day)."
        )
        if result.window > self.days.size / 2:
            text += (
                f" The window is longer than half the series ({self.days.size} days): v_t is still "
                "warming up from v_0 = 0 (notebook 03's bias correction fixes that)."
            )
        return text


def ewa_explorer(days=None, temps=None, beta=0.9, *, unit="F"):
    """Build the beta explorer of notebook 02.

    Parameters
    ----------
    days, temps : array_like, shape (T,), optional
        Defaults to ``london_temperatures(unit)``: a synthetic year calibrated to London
        climate statistics.
    beta : float, default 0.9
    unit : {"F", "C"}

    Returns
    -------
    EWAExplorer
        Its ``controls["beta"]`` is the slider; ``presets`` maps 0.5, 0.9, 0.98 to buttons.
    """
    beta = check_real(beta, "beta", min_val=0.0, max_val=BETA_MAX)
    if days is None and temps is None:
        from ..data import london_temperatures  # imported only when the default data is wanted

        days, temps = london_temperatures(unit=unit)
    days, temps = _check_series(days, temps)
    return EWAExplorer(days, temps, beta, unit=unit)


@dataclass(frozen=True)
class BiasCorrectionResult:
    """What :class:`BiasCorrectionExplorer` computed."""

    beta: float
    bias_correction: bool
    v: np.ndarray             #: uncorrected v_t
    v_corrected: np.ndarray   #: v_t / (1 - beta^t)
    warm_day: int             #: first day from which the correction changes v by < 1 %


class BiasCorrectionExplorer(Explorer):
    """Beta slider + bias-correction checkbox -> the start of the average.

    The beta slider (stops ``BETA_STOPS``) moves the picture from precomputed frames,
    drawn again for the checkbox's setting when it changes.

    Parameters
    ----------
    days, temps : ndarray, shape (T,)
        Only the first ``num_days`` are shown.
    beta : float
    bias_correction : bool
    num_days : int
    unit : {"F", "C"}
    """

    MAIN_CONTROL = "beta"

    def __init__(self, days, temps, beta=0.98, bias_correction=False, *, num_days=90, unit="F"):
        self.days, self.temps, self.unit = days[:num_days], temps[:num_days], unit
        self.ylim = (min(0.0, self.temps.min()) - 2.0, self.temps.max() + 4.0)
        slider = _beta_slider(beta)
        checkbox = widgets.Checkbox(value=bias_correction, description="bias correction v_t / (1 − β^t)",
                                    indent=False)
        super().__init__({"beta": slider, "bias_correction": checkbox})

    def compute(self, beta, bias_correction):
        return BiasCorrectionResult(
            beta=beta, bias_correction=bias_correction,
            v=ewa(self.temps, beta), v_corrected=ewa(self.temps, beta, bias_correction=True),
            warm_day=bias_correction_warmup(beta),
        )

    def _shows_warm_day(self, result):
        return result.warm_day <= self.days[-1]

    def draw_still(self, result):
        ax = _fixed_axes(self.figure)
        corrected = result.v_corrected if result.bias_correction else None
        uncorrected = None if result.bias_correction else result.v
        plot_bias_correction(
            self.days, self.temps, uncorrected, corrected, result.beta, ax=ax, unit=self.unit,
            title=" ",
        )
        ax.set_ylim(*self.ylim)

    def draw_moving(self, result):
        # the dots, axes and ticks stay; the curve, the dotted day, the legend and title move
        ax = self.figure.axes[0]
        curve = ax.get_lines()[1]
        curve.set(**bias_curve_style(result.bias_correction, result.beta, self.unit))
        curve.set_ydata(result.v_corrected if result.bias_correction else result.v)
        if self._shows_warm_day(result):
            ax.axvline(result.warm_day, color=MARK_COLOR, linewidth=1, linestyle=":",
                       label=f"from day {result.warm_day}: correction < 1 %")
        ax.legend(loc="lower right", fontsize="small")   # as plot_bias_correction places it
        ax.set_title(f"The first {self.days.size} days, β = {result.beta:.3f}")
        return [curve]

    def describe(self, result):
        unit = "°" + self.unit
        beta = result.beta
        first = (
            f"Day 1: θ_1 = {self.temps[0]:.1f} {unit}, v_1 = (1 − β) θ_1 = {result.v[0]:.2f} {unit}"
        )
        if result.bias_correction:
            first += f", corrected v_1 / (1 − β) = {result.v_corrected[0]:.1f} {unit}"
        warm = result.warm_day
        where = "(dotted line)" if warm <= self.days[-1] else f"(after the {self.days.size} days shown)"
        return (
            f"{first}. The correction divides v_t by 1 − β^t; from <b>day {warm}</b> on {where} "
            f"that changes v_t by less than 1 % (β^t < 1/101: about 4.6 × 1 / (1 − β) = "
            f"{4.6 * effective_window(beta):.0f} steps)."
        )


def bias_correction_explorer(days=None, temps=None, beta=0.98, bias_correction=False, *, num_days=90, unit="F"):
    """Build the bias-correction explorer of notebook 03.

    Parameters
    ----------
    days, temps : array_like, shape (T,), optional
        Defaults to ``london_temperatures(unit)``.
    beta : float, default 0.98
    bias_correction : bool, default False
    num_days : int, default 90
        How many days from the start to show.
    unit : {"F", "C"}

    Returns
    -------
    BiasCorrectionExplorer
    """
    beta = check_real(beta, "beta", min_val=0.0, max_val=BETA_MAX)
    num_days = check_int(num_days, "num_days", min_val=2)
    if days is None and temps is None:
        from ..data import london_temperatures  # imported only when the default data is wanted

        days, temps = london_temperatures(unit=unit)
    days, temps = _check_series(days, temps)
    return BiasCorrectionExplorer(days, temps, beta, bias_correction, num_days=num_days, unit=unit)

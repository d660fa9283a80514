"""Plots for exponentially weighted averages (notebooks 02 and 03).

Each helper draws arrays it is given (temperatures, averages ``v`` computed by
``ngopt_course.ewa``, weights from ``ewa_weights``) on ``ax`` (a new figure when ``ax`` is
None) and returns the Axes. Colours come from ``plots.style``: the data in DATA_COLOR,
each beta in the lecture's colour (``beta_color``).
"""

from __future__ import annotations

import matplotlib.patheffects as path_effects
import numpy as np

from ._figure import axes_or_new
from .style import BETA_COLORS, DATA_COLOR, MARK_COLOR, OKABE_ITO, beta_color

__all__ = [
    "DATA_NOTE",
    "UNCORRECTED_COLOR",
    "temperature_label",
    "beta_label",
    "line_effects",
    "plot_temperatures",
    "plot_ewa_curves",
    "plot_ewa_weights",
    "plot_bias_correction",
    "bias_curve_style",
    "plot_correction_effect",
]

#: What the learner must be told wherever the London year is shown.
DATA_NOTE = "synthetic, calibrated to London climate statistics"

#: The lecture draws the uncorrected average in purple; the palette's reddish purple,
#: dashed, keeps it apart from every beta colour (the corrected curve keeps its beta's).
UNCORRECTED_COLOR = OKABE_ITO["reddish_purple"]

_UNITS = {"F": "°F", "C": "°C"}


def _unit(unit):
    if unit not in _UNITS:
        raise ValueError(f"unit == {unit!r}, must be 'F' or 'C'")
    return _UNITS[unit]


def temperature_label(unit="F"):
    """Axis label with the unit: ``"temperature (°F)"``."""
    return f"temperature ({_unit(unit)})"


def beta_label(beta):
    """Legend text for a beta: ``"β = 0.9 (about 10 days)"`` (1 / (1 - β) rounded)."""
    window = 1.0 / (1.0 - beta)
    days = f"{window:.0f} day" + ("" if round(window) == 1 else "s")
    return f"β = {beta:g} (about {days})"


def line_effects(color, linewidth):
    """Path effects of a curve in ``color`` (None: plain).

    Yellow on white is faint: a thin dark outline keeps the lecture's colour readable.
    """
    if color == BETA_COLORS[0.5]:
        return [path_effects.Stroke(linewidth=linewidth + 1.2, foreground=MARK_COLOR), path_effects.Normal()]
    return None


def plot_temperatures(days, temps, ax=None, *, unit="F", label=None, title=None):
    """The daily temperatures as dots, day of the year against temperature, as on the slide.

    Parameters
    ----------
    days, temps : array_like, shape (T,)
        Day numbers (1..365) and temperatures theta_t.
    ax : matplotlib.axes.Axes, optional
    unit : {"F", "C"}
        Unit of ``temps``, written on the y axis.
    label : str, optional
        Legend entry of the dots; defaults to one saying the data are synthetic,
        calibrated to London climate statistics.
    title : str, optional
        Defaults to a title naming the data: synthetic, calibrated to London climate statistics.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (9.0, 3.6))
    if label is None:
        label = rf"$\theta_t$: daily temperature ({DATA_NOTE})"
    ax.plot(days, temps, ".", color=DATA_COLOR, markersize=4, label=label)
    ax.set_xlabel("day of the year")
    ax.set_ylabel(temperature_label(unit))
    ax.set_title(title if title is not None else f"A year of London daily temperatures ({DATA_NOTE})")
    return ax


def plot_ewa_curves(days, curves, theta=None, ax=None, *, unit="F", title=None, linewidth=2.0):
    """Exponentially weighted averages v_t over the data, one curve per beta.

    Parameters
    ----------
    days : array_like, shape (T,)
    curves : dict of float -> array_like, shape (T,)
        ``{beta: v}``, v computed with ``ngopt_course.ewa.ewa``. Drawn in the order given,
        each in ``beta_color(beta)`` (the lecture's 0.5, 0.9, 0.98 colours, else
        OTHER_BETA_COLOR).
    theta : array_like, shape (T,), optional
        The data, drawn as dots underneath.
    ax, unit, title, linewidth : see :func:`plot_temperatures`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (9.0, 3.6))
    if theta is not None:
        plot_temperatures(days, theta, ax=ax, unit=unit, title="")
    for beta, v in curves.items():
        color = beta_color(beta)
        ax.plot(days, v, color=color, linewidth=linewidth, label=beta_label(beta),
                path_effects=line_effects(color, linewidth))
    ax.set_xlabel("day of the year")
    ax.set_ylabel(temperature_label(unit))
    ax.set_title(title if title is not None else r"Exponentially weighted averages $v_t$")
    if len(ax.get_lines()) > 1:
        ax.legend(loc="lower center", fontsize="small")
    return ax


def plot_ewa_weights(weights, t, beta, ax=None, *, day_offset=0):
    """The unrolled weights of v_t: ``weights[k]`` multiplies theta_{t-k}, drawn at day t - k.

    Parameters
    ----------
    weights : array_like, shape (n,)
        ``ewa_weights(beta, n)``: (1 - beta) beta^k for k = 0..n-1.
    t : int
        The step whose average is unrolled (v_t); weight k sits at day ``t - k + day_offset``.
    beta : float
        For the colour and the legend.
    ax : matplotlib.axes.Axes, optional
    day_offset : int
        Add to the day axis when day 1 of the series is not t = 1.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (9.0, 3.6))
    weights = np.asarray(weights, dtype=float)
    day = t - np.arange(weights.size) + day_offset
    color = beta_color(beta)
    ax.vlines(day, 0.0, weights, color=color, linewidth=1.5)
    ax.plot(day, weights, "o", color=color, markersize=3,
            label=rf"weight $(1-\beta)\beta^k$ of $\theta_{{{t}-k}}$, β = {beta:g}")
    ax.set_xlabel("day of the year")
    ax.set_ylabel("weight (dimensionless)")
    ax.set_ylim(bottom=0.0)
    ax.set_title(rf"The weights of $v_{{{t}}}$ decay exponentially going back in time")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def bias_curve_style(corrected, beta, unit="F"):
    """Line properties of an average with (``corrected``) or without bias correction.

    Corrected: solid, in its beta's palette colour; uncorrected: the lecture's purple
    curve, dashed in UNCORRECTED_COLOR. Includes the legend label.
    """
    if corrected:
        color = beta_color(beta)
        return {"linestyle": "-", "color": color, "linewidth": 2.2, "label": r"$v_t / (1 - \beta^t)$, bias-corrected",
                "path_effects": line_effects(color, 2.2) or []}
    return {"linestyle": "--", "color": UNCORRECTED_COLOR, "linewidth": 2.0, "path_effects": [],
            "label": rf"$v_t$, uncorrected (starts near 0 {_unit(unit)})"}


def plot_bias_correction(days, theta, v, v_corrected, beta, ax=None, *, unit="F", title=None):
    """The start of an average with and without bias correction, over the data.

    The corrected curve keeps its beta's palette colour; the uncorrected one (the
    lecture's purple curve, which starts near zero because v_0 = 0) is dashed in
    UNCORRECTED_COLOR. Either curve may be None to leave it out.

    Parameters
    ----------
    days, theta : array_like, shape (T,)
    v, v_corrected : array_like, shape (T,) or None
        ``ewa(theta, beta)`` and ``ewa(theta, beta, bias_correction=True)``.
    beta : float
    ax, unit, title : see :func:`plot_temperatures`.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (9.0, 3.6))
    plot_temperatures(days, theta, ax=ax, unit=unit, title="")
    if v is not None:
        ax.plot(days, v, **bias_curve_style(False, beta, unit))
    if v_corrected is not None:
        ax.plot(days, v_corrected, **bias_curve_style(True, beta, unit))
    ax.set_xlabel("day of the year")
    ax.set_ylabel(temperature_label(unit))
    ax.set_title(title if title is not None else f"Bias correction, β = {beta:g}")
    ax.legend(loc="lower right", fontsize="small")
    return ax


def plot_correction_effect(t, changes, ax=None, *, threshold=1.0):
    """How much bias correction changes v_t, step by step, one curve per beta (log scale).

    Parameters
    ----------
    t : array_like, shape (T,)
        Steps 1..T.
    changes : dict of float -> array_like, shape (T,)
        ``{beta: 100 * (1 / (1 - beta**t) - 1)}``: by how many percent dividing by
        1 - beta^t raises v_t. Must be positive.
    ax : matplotlib.axes.Axes, optional
    threshold : float or None, default 1.0
        Draw a horizontal line at this percentage (None: no line).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes_or_new(ax, (9.0, 3.6))
    for beta, change in changes.items():
        color = beta_color(beta)
        ax.plot(t, change, color=color, linewidth=2.0, label=beta_label(beta),
                path_effects=line_effects(color, 2.0))
    if threshold is not None:
        ax.axhline(threshold, color=MARK_COLOR, linewidth=1.0, linestyle=":", label=f"{threshold:g} %")
    ax.set_yscale("log")
    ax.set_xlabel("step t (days here)")
    ax.set_ylabel("change made by the correction (%)")
    ax.set_title(r"Bias correction raises $v_t$ by $1 / (1 - \beta^t) - 1$: it fades as $\beta^t \to 0$")
    ax.legend(loc="lower left", fontsize="small")
    return ax

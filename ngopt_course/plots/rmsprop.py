"""Plots for RMSProp (notebook 05).

Each helper draws arrays it is given (RMSProp's S after each step, or the effective
learning rates computed from it) on ``ax`` (a new figure when ``ax`` is None) and
returns the Axes. Both are RMSProp's own quantities, so both components are drawn in
RMSProp's colour: the horizontal one solid, the vertical one dashed
(``plots.momentum.COMPONENT_LINESTYLES``). Paths and loss curves are the shared
``plots.surfaces`` helpers.
"""

from __future__ import annotations

import numpy as np

from ._figure import axes_or_new
from .momentum import COMPONENT_LINESTYLES, COMPONENT_NAMES
from .style import OPTIMIZER_COLORS

__all__ = ["S_LABEL", "plot_mean_squares", "plot_effective_learning_rates"]

#: The y label of every plot of S.
S_LABEL = "S (mean squared gradient), dimensionless"


def _by_component(values, name):
    values = np.asarray(values, dtype=float)
    if values.ndim != 2 or values.shape[1] != 2:
        raise ValueError(f"{name} must have shape (k, 2): one row per step, (x, y); got shape {values.shape}")
    return values


def plot_mean_squares(s, ax=None, *, title=None):
    """RMSProp's S for the horizontal and the vertical parameter against the step (log scale).

    Parameters
    ----------
    s : array of shape (k, 2)
        ``S_dW`` after steps 1..k, one column per parameter (x, y).
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    s = _by_component(s, "s")
    steps = np.arange(1, s.shape[0] + 1)
    for component in (0, 1):
        ax.plot(steps, s[:, component], COMPONENT_LINESTYLES[component], color=OPTIMIZER_COLORS["rmsprop"],
                lw=2.0, label=f"S, {COMPONENT_NAMES[component]}")
    ax.set_yscale("log")
    ax.set_xlabel("step t (iterations)")
    ax.set_ylabel(S_LABEL)
    ax.set_title(title or "S: the average of the squared gradient, per parameter")
    ax.legend(fontsize=8)
    return ax


def plot_effective_learning_rates(rates, ax=None, *, learning_rate=None, title=None):
    """RMSProp's effective learning rate alpha / (sqrt(S) + epsilon) per parameter (log scale).

    Parameters
    ----------
    rates : array of shape (k, 2)
        The effective learning rate of x and of y at steps 1..k.
    learning_rate : float, optional
        Gradient descent's alpha, the same for both parameters, drawn as a dotted line
        in gradient descent's colour.
    """
    ax = axes_or_new(ax, (6.0, 3.6))
    rates = _by_component(rates, "rates")
    steps = np.arange(1, rates.shape[0] + 1)
    for component in (0, 1):
        ax.plot(steps, rates[:, component], COMPONENT_LINESTYLES[component], color=OPTIMIZER_COLORS["rmsprop"],
                lw=2.0, label=f"RMSProp, {COMPONENT_NAMES[component]}")
    if learning_rate is not None:
        ax.axhline(learning_rate, color=OPTIMIZER_COLORS["gd"], lw=1.2, ls=":",
                   label=f"gradient descent: α = {learning_rate:g} for both")
    ax.set_yscale("log")
    ax.set_xlabel("step t (iterations)")
    ax.set_ylabel("α / (√S + ε) (dimensionless)")
    ax.set_title(title or "Effective learning rate per parameter")
    ax.legend(fontsize=8)
    return ax

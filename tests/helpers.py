"""Helpers shared by the test files (pytest puts ``tests/`` on the path: ``from helpers import ...``).

The fixtures live in ``conftest.py``: ``close_figures`` (plot tests) and
``no_pyplot_figures_left`` (widget tests), used with ``pytest.mark.usefixtures``.
"""

from __future__ import annotations

import matplotlib.colors as mcolors
import numpy as np

from ngopt_course.optimizers import Adam, GradientDescent, Momentum, RMSProp

__all__ = ["hex_color", "same_color", "optimizer_factories", "stand_in_year"]


def hex_color(color):
    """'#rrggbb' of any matplotlib colour (alpha dropped), to compare colours as the reader sees them."""
    return mcolors.to_hex(color)


def same_color(a, b):
    """True when two colours are the same, alpha aside; an artist (a Line2D) stands for its colour."""
    a, b = (x.get_color() if hasattr(x, "get_color") else x for x in (a, b))
    return hex_color(a) == hex_color(b)


def optimizer_factories(learning_rate):
    """name -> a function making a fresh optimizer, the four of the course.

    Gradient descent and momentum (beta = 0.9) take ``learning_rate``; RMSProp (beta = 0.9)
    and Adam take 0.01, a rate their scaled steps make safe on the tests' small problems.
    """
    return {
        "gd": lambda: GradientDescent(learning_rate),
        "momentum": lambda: Momentum(learning_rate, beta=0.9),
        "rmsprop": lambda: RMSProp(0.01, beta=0.9),
        "adam": lambda: Adam(0.01),
    }


def stand_in_year(seed=0):
    """Days 1..365 and a stand-in year of temperatures (°F): cold in January, warm in mid-July, noisy.

    The plot and widget helpers only draw what they are given: a seasonal cycle (peak on
    day 202) plus N(0, 4) noise from ``seed`` is data enough, and needs no file.
    """
    days = np.arange(1, 366)
    temps = 52 - 12 * np.cos(2 * np.pi * (days - 20) / 365) + np.random.default_rng(seed).normal(0, 4, 365)
    return days, temps

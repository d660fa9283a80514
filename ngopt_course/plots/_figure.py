"""The one helper every plot module shares: draw on the caller's Axes, or on a new figure."""

from __future__ import annotations

import matplotlib.pyplot as plt

__all__ = ["axes_or_new"]


def axes_or_new(ax, figsize):
    """``ax`` itself, or the Axes of a new pyplot figure of ``figsize`` inches when ``ax`` is None.

    The new figure uses the constrained layout, so labels and titles fit without a
    ``tight_layout`` call in the notebook. Widgets always pass their own Axes.
    """
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax

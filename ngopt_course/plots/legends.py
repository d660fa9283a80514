"""Legends that cover no data: a row of entries just above the Axes.

"No legend over the data" (the course's rule): where a figure leaves no empty corner, the
legend goes above the axes, between them and the title.
"""

from __future__ import annotations

from copy import copy

__all__ = ["legend_above"]


def legend_above(ax, handles, labels=None, *, ncol=None, fontsize=7):
    """A legend in rows just above ``ax``, outside the data (one row unless ``ncol`` is given).

    Widgets mostly draw it once with their still layer: its labels do not change with
    the sliders (the titles carry the numbers that do), and nothing drawn later passes
    under it (the plateau explorer's legends are moving artists instead: the optimizer
    entry takes the chosen optimizer's name and colour). Leave room above the axes for
    its rows and put the title above them.
    """
    if labels is not None:
        handles = [_relabelled(handle, label) for handle, label in zip(handles, labels)]
    return ax.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=ncol or len(handles),
                     fontsize=fontsize, frameon=False, borderaxespad=0.2, handlelength=1.6,
                     columnspacing=1.2, handletextpad=0.5)


def _relabelled(handle, label):
    """A legend-only copy of ``handle`` under another label (the drawn artist keeps its own)."""
    proxy = copy(handle)
    proxy.set_label(label)
    return proxy

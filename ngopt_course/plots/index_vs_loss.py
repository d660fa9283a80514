"""Drawing ``experiments.index_vs_loss``: each critical point's loss against its index."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..experiments.index_vs_loss import mean_loss_by_index
from .critical_points import CRITICAL_POINT_COLORS
from .style import MARK_COLOR

__all__ = ["plot_index_vs_loss"]


def plot_index_vs_loss(critical_points, ax=None, *, title=None):
    """Loss at each critical point against its index, minima and maxima marked, means joined.

    Parameters
    ----------
    critical_points : CriticalPoints
        From ``find_critical_points``.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 4.2), layout="constrained")
    cp = critical_points
    n = cp.points.shape[1]
    # a small sideways spread so that points with the same index do not hide each other
    spread = (np.random.default_rng(0).uniform(-0.3, 0.3, cp.index.size)) / n
    kind = np.where(cp.num_negative == 0, "minimum", np.where(cp.num_negative == n, "maximum", "saddle"))
    styles = {"saddle": dict(color=CRITICAL_POINT_COLORS["saddle point"], marker="o", label="saddle point"),
              "minimum": dict(color=CRITICAL_POINT_COLORS["local minimum"], marker="v", label="local minimum (index 0)"),
              "maximum": dict(color=CRITICAL_POINT_COLORS["local maximum"], marker="^", label="local maximum (index 1)")}
    for name, style in styles.items():
        pick = kind == name
        if pick.any():
            ax.scatter(cp.index[pick] + spread[pick], cp.losses[pick], s=18, alpha=0.75, edgecolors="none", **style)
    means = mean_loss_by_index(cp)
    ks = np.array(sorted(means))
    ax.plot(ks / n, [means[k][1] for k in ks], "-D", color=MARK_COLOR, markersize=5, lw=1.2,
            label="mean loss per index")
    ax.set_xlabel("index: fraction of directions curving down (dimensionless)")
    ax.set_ylabel("loss f at the critical point (dimensionless)")
    ax.set_title(title or f"{cp.index.size} critical points of a random landscape in {n} dimensions")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, frameon=False)
    return ax

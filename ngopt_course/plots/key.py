"""The course's colour key (notebook 00): every colour of ``plots.style`` and what it means."""

from __future__ import annotations

import matplotlib.patheffects as path_effects
import matplotlib.pyplot as plt

from .minibatch import size_color
from .style import BETA_COLORS, DATA_COLOR, MARK_COLOR, OPTIMIZER_COLORS, OPTIMIZER_LABELS

__all__ = ["color_key_entries", "plot_color_key"]

#: The mini-batch sizes shown on the key's ramp (m = 20,000, as in notebook 01).
_KEY_SIZES = (1, 16, 256, 4096, 20_000)


def color_key_entries():
    """The key's rows: a list of (group, label, colour), in the order they are drawn."""
    rows = [("optimizers", OPTIMIZER_LABELS[name], color) for name, color in OPTIMIZER_COLORS.items()]
    rows += [("β of an average", f"β = {beta:g}", color) for beta, color in BETA_COLORS.items()]
    rows += [("other", "raw data, noisy costs", DATA_COLOR), ("other", "marks: minima, starts", MARK_COLOR)]
    m = _KEY_SIZES[-1]
    rows += [("mini-batch size", "m (batch)" if s == m else f"{s:,}", size_color(s, m)) for s in _KEY_SIZES]
    return rows


def plot_color_key(ax=None):
    """Draw the key: one line sample per colour, grouped, with its meaning.

    Returns the Axes (its lines are the samples, in ``color_key_entries`` order).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(9.0, 3.4), layout="constrained")
    rows = color_key_entries()
    groups = list(dict.fromkeys(group for group, _, _ in rows))
    for column, group in enumerate(groups):
        members = [(label, color) for g, label, color in rows if g == group]
        x = column * 1.0
        ax.text(x, 0.0, group, fontweight="bold", va="center")
        for row, (label, color) in enumerate(members, start=1):
            y = -row
            line, = ax.plot([x, x + 0.22], [y, y], color=color, linewidth=5, solid_capstyle="butt")
            if color == BETA_COLORS.get(0.5):
                # yellow is faint on white: a dark edge keeps the colour readable
                line.set_path_effects([path_effects.Stroke(linewidth=7, foreground=MARK_COLOR),
                                       path_effects.Normal()])
            ax.text(x + 0.28, y, label, va="center", fontsize="small")
    ax.set_xlim(-0.05, len(groups) * 1.0)
    ax.set_ylim(-(max(sum(1 for g, _, _ in rows if g == group) for group in groups) + 0.7), 0.7)
    ax.set_axis_off()
    ax.set_title("The course's colours: one per optimizer, per β, and a ramp for mini-batch sizes")
    return ax

"""Plot helpers: each takes ``ax=None`` and returns the Axes it drew on.

They draw what the compute modules return (passed in as arguments) and never train or
generate anything themselves. Colours come from ``plots.style``.
"""

from .style import (
    BETA_COLORS,
    DATA_COLOR,
    MARK_COLOR,
    OKABE_ITO,
    OPTIMIZER_COLORS,
    OPTIMIZER_LABELS,
    beta_color,
    optimizer_color,
)

__all__ = [
    "OKABE_ITO", "OPTIMIZER_COLORS", "OPTIMIZER_LABELS", "BETA_COLORS", "DATA_COLOR",
    "MARK_COLOR", "beta_color", "optimizer_color",
]

"""The momentum explorer (notebook 04): alpha and beta, the paths and the rate map, live.

Left: gradient descent and momentum on the elongated bowl from the same start, with the
same alpha (momentum also uses beta). Right: momentum's convergence rate over the whole
(alpha, beta) plane, computed from the 2x2 iteration matrices (``ngopt_course.experiments.convergence``),
with the current setting marked. The note gives the steps each run needs to reach the
tolerance, and says plainly when a setting diverges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from matplotlib.lines import Line2D

from .._validation import check_int, check_real
from ..experiments.convergence import gradient_descent_rate, momentum_divergence_boundary, momentum_rate_map
from ..optimizers import Momentum
from ..plots.momentum import plot_rate_map, region_label_positions
from ..plots.style import MARK_COLOR
from ..plots.legends import legend_above
from ..plots.surfaces import path_handle, plot_path, plot_surface_contours
from ..surfaces import get_surface, run_on_surface
from .surface_race import TITLE_Y, SurfaceRaceExplorer, bowl_curvatures, describe_run

__all__ = [
    "LEARNING_RATES",
    "MomentumResult",
    "MomentumExplorer",
    "momentum_explorer",
]

#: The alpha slider's stops: geometric from 0.01 to 10, plus the bowl's landmarks
#: (0.18: the lecture's zigzag; 0.2 = 2 / b: gradient descent's limit; 3.8: momentum's
#: limit at beta = 0.9).
LEARNING_RATES = (0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.13, 0.15, 0.18, 0.19, 0.2, 0.21, 0.25,
                  0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 3.8, 4.0,
                  5.0, 7.0, 10.0)

NUM_STEPS = 200


@dataclass(frozen=True)
class MomentumResult:
    """What :class:`MomentumExplorer` computed for one (alpha, beta)."""

    learning_rate: float
    beta: float
    gd_path: np.ndarray          #: gradient descent's path (k + 1, 2), finite
    momentum_path: np.ndarray    #: momentum's path, finite
    gd_steps: Optional[int]      #: steps to the tolerance (None: not reached)
    momentum_steps: Optional[int]
    gd_diverged: bool
    momentum_diverged: bool
    gd_rate: float               #: max over the curvatures of |1 - alpha h|
    momentum_rate: float         #: max over the curvatures of rho(M)
    region: str                  #: the map's region at (alpha, beta)
    note: str                    #: the HTML readout


class MomentumExplorer(SurfaceRaceExplorer):
    """alpha and beta -> gradient descent and momentum on the bowl, and the rate map.

    Parameters
    ----------
    surface : Surface or str
        A bowl f = (a x^2 + b y^2) / 2 (default "elongated_bowl").
    learning_rate, beta : float
        Initial slider values; ``learning_rate`` snaps to the nearest of ``LEARNING_RATES``.
    num_steps : int
        Steps per run.
    """

    #: contour panel, rate-map panel, colour bar (figure fractions)
    PANELS = ((0.075, 0.13, 0.385, 0.69), (0.55, 0.13, 0.33, 0.69), (0.895, 0.13, 0.015, 0.69))

    def __init__(self, surface="elongated_bowl", learning_rate=0.18, beta=0.9, *, num_steps=NUM_STEPS):
        surface = get_surface(surface)
        self.curvatures = bowl_curvatures(surface)
        # The whole rate map once: a vectorized pass over 200 x 160 pairs of 2x2 matrices.
        self.rate_map = momentum_rate_map(
            np.geomspace(LEARNING_RATES[0], LEARNING_RATES[-1], 200), np.linspace(0.0, 0.99, 160),
            self.curvatures,
        )
        self.label_positions = region_label_positions(self.rate_map)
        super().__init__(surface, learning_rate, beta, num_steps=num_steps, learning_rates=LEARNING_RATES,
                         beta_max=0.99, beta_step=0.01)

    def compute(self, learning_rate, beta):
        gd = self.gd_run(learning_rate)
        momentum = run_on_surface(self.surface, Momentum(learning_rate, beta), num_steps=self.num_steps)
        rho, region = self.rate_map.at(learning_rate, beta)
        gd_rate = float(np.max(gradient_descent_rate(learning_rate, np.array(self.curvatures))))
        b = max(self.curvatures)
        bounds, tol = self.surface.bounds, self.surface.tol
        lines = [
            describe_run("gradient descent", gd, learning_rate, bounds, tol, self.num_steps,
                         limit=f"α > 2 / b = {2 / b:g}: the vertical factor 1 − α b = {1 - learning_rate * b:.2f} "
                               "is below −1"),
            describe_run(f"momentum, β = {beta:.2f}", momentum, learning_rate, bounds, tol, self.num_steps,
                         limit=f"α > 2 (1 + β) / ((1 − β) b) = {float(momentum_divergence_boundary(beta, b)):.3g}"),
            f"Convergence rate (error factor per step): gradient descent {gd_rate:.3f}, "
            f"momentum ρ = {rho:.3f} (<i>{region}</i> region of the map).",
        ]
        return MomentumResult(
            learning_rate=learning_rate, beta=beta,
            gd_path=gd.path, momentum_path=momentum.path,
            gd_steps=gd.steps_to_tol, momentum_steps=momentum.steps_to_tol,
            gd_diverged=gd.diverged, momentum_diverged=momentum.diverged,
            gd_rate=gd_rate, momentum_rate=rho, region=region, note="<br>".join(lines),
        )

    def draw_still(self, result):
        left, right, bar = self.add_panels()
        plot_surface_contours(self.surface, ax=left, grid=self.grid, num_levels=12)
        left.set_title(" ")                      # the overlay writes the titles (they name alpha, beta, rho)
        legend_above(left, [*left.get_legend_handles_labels()[0], path_handle("gd"), path_handle("momentum")])
        plot_rate_map(self.rate_map, ax=right, label_positions=self.label_positions, colorbar_ax=bar)
        right.set_title(" ")
        right.get_legend().remove()              # a row above the map instead: it covers no region
        legend_above(right, [*right.get_legend_handles_labels()[0], self._setting_marker(right, [], [])])

    @staticmethod
    def _setting_marker(ax, alpha, beta, **kwargs):
        """The white dot of the sliders' (alpha, beta) on the rate map (empty: its legend entry)."""
        style = dict(color="white", markeredgecolor=MARK_COLOR, markeredgewidth=1.5, markersize=8)
        if not kwargs:                           # a legend handle, not drawn on the axes
            return Line2D(alpha, beta, marker="o", linestyle="none", label="your (α, β)", **style)
        return ax.plot(alpha, beta, "o", **style, **kwargs)

    def draw_moving(self, result):
        left, right = self.figure.axes[:2]
        plot_path(result.gd_path, "gd", ax=left, markersize=2, upto=self.upto(result.gd_path, result.gd_diverged))
        plot_path(result.momentum_path, "momentum", ax=left, markersize=2,
                  upto=self.upto(result.momentum_path, result.momentum_diverged))
        left.set_title(f"α = {result.learning_rate:g}, β = {result.beta:.2f}: {self.num_steps} steps from the start",
                       fontsize=10, y=TITLE_Y)
        self._setting_marker(right, [result.learning_rate], [result.beta], zorder=3,
                             label=f"α = {result.learning_rate:g}, β = {result.beta:.2f}")
        right.set_title(f"Momentum's rate on this bowl: ρ = {result.momentum_rate:.3f} at your (α, β)",
                        fontsize=10, y=TITLE_Y)

    def describe(self, result):
        return result.note


def momentum_explorer(surface="elongated_bowl", learning_rate=0.18, beta=0.9, *, num_steps=NUM_STEPS):
    """Build the momentum explorer of notebook 04.

    Parameters
    ----------
    surface : Surface or str, default "elongated_bowl"
        A bowl f = (a x^2 + b y^2) / 2 centred at the origin.
    learning_rate : float, default 0.18
        Initial alpha (snaps to the nearest slider stop, ``LEARNING_RATES``).
    beta : float, default 0.9
        Initial beta, in [0, 0.99].
    num_steps : int, default 200
        Steps per run.

    Returns
    -------
    MomentumExplorer
        ``controls["learning_rate"]`` (a SelectionSlider over ``LEARNING_RATES``) and
        ``controls["beta"]``.
    """
    learning_rate = check_real(learning_rate, "learning_rate", min_val=0.0, closed="neither")
    beta = check_real(beta, "beta", min_val=0.0, max_val=0.99)
    num_steps = check_int(num_steps, "num_steps", min_val=1)
    return MomentumExplorer(surface, learning_rate, beta, num_steps=num_steps)

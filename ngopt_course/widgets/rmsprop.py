"""The RMSProp explorer (notebook 05): alpha and beta, RMSProp against gradient descent.

Left: both paths on the elongated bowl from the same start and with the same alpha.
Right: their losses against the step (log scale) with the tolerance. The note gives the
steps each needs to reach the tolerance, says plainly when a setting diverges, and how
far from the minimum RMSProp keeps bouncing at a fixed alpha.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np
from matplotlib.lines import Line2D

from .._validation import check_int, check_real
from ..optimizers import RMSProp
from ..plots.style import MARK_COLOR, OPTIMIZER_COLORS, OPTIMIZER_LABELS
from ..plots.legends import legend_above
from ..plots.surfaces import path_handle, plot_loss_curves, plot_path, plot_surface_contours
from ..surfaces import get_surface, run_on_surface
from .surface_race import TITLE_Y, SurfaceRaceExplorer, bowl_curvatures, describe_run

__all__ = ["RMSPROP_LEARNING_RATES", "RMSPropResult", "RMSPropExplorer", "rmsprop_explorer"]

#: The alpha slider's stops: 0.001 to 1, with gradient descent's limit 2 / b = 0.2 and
#: its neighbours on the elongated bowl.
RMSPROP_LEARNING_RATES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.18, 0.2,
                          0.21, 0.25, 0.3, 0.4, 0.5, 0.7, 1.0)
NUM_STEPS = 200
#: The loss axis of the right panel (fixed, so the picture does not jump between settings).
LOSS_LIMITS = (1e-6, 1e2)
#: How many final steps measure the back-and-forth around the minimum.
LAST_STEPS = 20


@dataclass(frozen=True)
class RMSPropResult:
    """What :class:`RMSPropExplorer` computed for one (alpha, beta)."""

    learning_rate: float
    beta: float
    gd_path: np.ndarray          #: gradient descent's path (k + 1, 2), finite
    rmsprop_path: np.ndarray     #: RMSProp's path, finite
    gd_losses: np.ndarray        #: f along gradient descent's path
    rmsprop_losses: np.ndarray   #: f along RMSProp's path
    gd_steps: Optional[int]      #: steps to the tolerance (None: not reached)
    rmsprop_steps: Optional[int]
    gd_diverged: bool
    rmsprop_diverged: bool
    rmsprop_bounce: float        #: largest |coordinate| over RMSProp's last LAST_STEPS points
    note: str                    #: the HTML readout


class RMSPropExplorer(SurfaceRaceExplorer):
    """alpha and beta -> gradient descent and RMSProp on the bowl: paths and losses.

    Parameters
    ----------
    surface : Surface or str
        Default "elongated_bowl".
    learning_rate, beta : float
        Initial slider values; ``learning_rate`` snaps to the nearest of
        ``RMSPROP_LEARNING_RATES``.
    epsilon : float
        RMSProp's epsilon.
    num_steps : int
        Steps per run.
    """

    #: contour panel, loss panel (figure fractions)
    PANELS = ((0.075, 0.13, 0.40, 0.69), (0.58, 0.13, 0.40, 0.69))

    def __init__(self, surface="elongated_bowl", learning_rate=0.1, beta=0.9, *, epsilon=1e-8,
                 num_steps=NUM_STEPS):
        self.epsilon = epsilon
        super().__init__(surface, learning_rate, beta, num_steps=num_steps,
                         learning_rates=RMSPROP_LEARNING_RATES, beta_max=0.999, beta_step=0.001)

    def compute(self, learning_rate, beta):
        gd = self.gd_run(learning_rate)
        rmsprop = run_on_surface(self.surface, RMSProp(learning_rate, beta, self.epsilon), num_steps=self.num_steps)
        bounds, tol = self.surface.bounds, self.surface.tol
        b = max(bowl_curvatures(self.surface)) if self.surface.name == "elongated_bowl" else None
        gd_limit = (f"α > 2 / b = {2 / b:g}: the vertical factor 1 − α b = {1 - learning_rate * b:.2f} is below −1"
                    if b is not None else None)
        minimum = np.asarray(self.surface.minimum, dtype=float)
        bounce = float(np.abs(rmsprop.path[-LAST_STEPS:] - minimum).max())
        lines = [
            describe_run("gradient descent", gd, learning_rate, bounds, tol, self.num_steps, limit=gd_limit,
                         f_min=self.surface.f_min),
            describe_run(f"RMSProp, β = {beta:g}", rmsprop, learning_rate, bounds, tol, self.num_steps,
                         f_min=self.surface.f_min),
        ]
        if rmsprop.steps_to_tol is not None and rmsprop.losses[-1] - self.surface.f_min >= tol:
            lines.append(
                f"At a fixed α RMSProp's steps do not shrink to zero (dW / √S stays near ±1 once S follows "
                f"dW²): over its last {LAST_STEPS} steps it is still up to {bounce:.3g} from the minimum "
                f"in x or y (α / 2 = {learning_rate / 2:g}). A larger β (S remembers the large early "
                f"gradients) or a decaying α (notebook 07) settles it."
            )
        return RMSPropResult(
            learning_rate=learning_rate, beta=beta,
            gd_path=gd.path, rmsprop_path=rmsprop.path, gd_losses=gd.losses, rmsprop_losses=rmsprop.losses,
            gd_steps=gd.steps_to_tol, rmsprop_steps=rmsprop.steps_to_tol,
            gd_diverged=gd.diverged, rmsprop_diverged=rmsprop.diverged, rmsprop_bounce=bounce,
            note="<br>".join(lines),
        )

    def draw_still(self, result):
        left, right = self.add_panels()
        plot_surface_contours(self.surface, ax=left, grid=self.grid, num_levels=12)
        left.set_title(" ")                      # the overlay writes the titles
        legend_above(left, [*left.get_legend_handles_labels()[0], path_handle("gd"), path_handle("rmsprop")])
        right.set_yscale("log")
        right.set_xlim(0, self.num_steps)
        right.set_ylim(*LOSS_LIMITS)
        right.axhline(self.surface.tol, color=MARK_COLOR, lw=0.8, ls=":")
        right.text(self.num_steps * 0.98, self.surface.tol * 1.5, f"tolerance {self.surface.tol:g}",
                   ha="right", va="bottom", fontsize=7)
        right.set_xlabel("step t (iterations)")
        right.set_ylabel("f − f_min (loss above the minimum)")
        right.set_title("Loss along the way (log scale)", fontsize=10, y=TITLE_Y)
        legend_above(right, [Line2D([], [], color=OPTIMIZER_COLORS[key], lw=1.6, label=OPTIMIZER_LABELS[key])
                             for key in ("gd", "rmsprop")])

    def draw_moving(self, result):
        left, right = self.figure.axes[:2]
        plot_path(result.gd_path, "gd", ax=left, markersize=2, upto=self.upto(result.gd_path, result.gd_diverged))
        plot_path(result.rmsprop_path, "rmsprop", ax=left, markersize=2,
                  upto=self.upto(result.rmsprop_path, result.rmsprop_diverged))
        left.set_title(f"α = {result.learning_rate:g}, β = {result.beta:g}: {self.num_steps} steps from the start",
                       fontsize=10, y=TITLE_Y)
        # run_on_surface keeps only finite values; a diverging loss leaves the axis at the top
        plot_loss_curves({"gd": result.gd_losses, "rmsprop": result.rmsprop_losses}, ax=right,
                         f_min=self.surface.f_min, decorate=False)

    def describe(self, result):
        return result.note


def rmsprop_explorer(surface="elongated_bowl", learning_rate=0.1, beta=0.9, *, epsilon=1e-8, num_steps=NUM_STEPS):
    """Build the RMSProp explorer of notebook 05.

    Parameters
    ----------
    surface : Surface or str, default "elongated_bowl"
    learning_rate : float, default 0.1
        Initial alpha (snaps to the nearest slider stop, ``RMSPROP_LEARNING_RATES``).
    beta : float, default 0.9
        Initial beta, in [0, 0.999].
    epsilon : float, default 1e-8
    num_steps : int, default 200

    Returns
    -------
    RMSPropExplorer
        ``controls["learning_rate"]`` (a SelectionSlider) and ``controls["beta"]``.
    """
    surface = get_surface(surface)
    if surface.minimum is None or surface.f_min is None:
        raise ValueError(f"surface {surface.name!r} has no known minimum to measure the runs against")
    learning_rate = check_real(learning_rate, "learning_rate", min_val=0.0, closed="neither")
    beta = check_real(beta, "beta", min_val=0.0, max_val=0.999)
    epsilon = check_real(epsilon, "epsilon", min_val=0.0, closed="neither")
    num_steps = check_int(num_steps, "num_steps", min_val=LAST_STEPS)
    return RMSPropExplorer(surface, learning_rate, beta, epsilon=epsilon, num_steps=num_steps)

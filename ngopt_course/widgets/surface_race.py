"""The layout shared by the momentum and RMSProp explorers: gradient descent against a rival.

``SurfaceRaceExplorer`` runs gradient descent and one other optimizer on a 2-D surface
for the alpha and beta of two sliders and draws their paths over a still picture of the
surface (and whatever else the explorer shows). ``describe_run`` writes the note's line
for one run; ``bowl_curvatures`` reads a bowl's two curvatures, for the limits of alpha
the notes quote.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from ..experiments.race import first_step_outside
from ..optimizers import GradientDescent
from ..surfaces import get_surface, run_on_surface, surface_grid
from ._base import Explorer

__all__ = ["SurfaceRaceExplorer", "TITLE_Y", "bowl_curvatures", "describe_run"]

#: Height of the moving titles, in axes fractions: above the legend row of ``legend_above``.
TITLE_Y = 1.09


def bowl_curvatures(surface="elongated_bowl"):
    """(a, b) of a bowl f = (a x^2 + b y^2) / 2 centred at 0, read off its gradient.

    The gradient of such a bowl is (a x, b y), so a and b are the gradient's components
    at (1, 0) and (0, 1). Raises ValueError for a surface that is not such a bowl (the
    rate map is exact only for one).
    """
    surface = get_surface(surface)
    a = float(surface.grad(1.0, 0.0)[0])
    b = float(surface.grad(0.0, 1.0)[1])
    # Check the shape at a few points: f - f(0, 0) and the gradient of the bowl with these a, b.
    points = np.array([[1.0, 0.0], [0.0, 1.0], [-2.0, 3.0], [0.5, -0.25]])
    x, y = points[:, 0], points[:, 1]
    f = surface.f(x, y) - surface.f(0.0, 0.0)
    gx, gy = surface.grad(x, y)
    if not (a > 0 and b > 0 and np.allclose(f, 0.5 * (a * x**2 + b * y**2))
            and np.allclose(gx, a * x) and np.allclose(gy, b * y)):
        raise ValueError(f"surface {surface.name!r} is not a bowl f = (a x^2 + b y^2) / 2 centred at (0, 0)")
    return a, b


def _steps(n):
    return f"{n} step" + ("" if n == 1 else "s")


def describe_run(name, run, learning_rate, bounds, tol, num_steps, limit=None, f_min=0.0):
    """One line of HTML about one run: steps to the tolerance, or how it diverged.

    Parameters
    ----------
    name : str
        Shown in bold ("gradient descent").
    run : SurfaceRun
    learning_rate : float
    bounds : ((xmin, xmax), (ymin, ymax))
        The plot window: a diverging path is reported by when it left it.
    tol : float
    num_steps : int
    limit : str, optional
        Why it diverges, e.g. "α > 2 / b = 0.2", appended to a divergence note.
    f_min : float
        The surface's minimum value.
    """
    if run.diverged:
        left = first_step_outside(run.path, bounds)
        when = (f"the path left the plot after {_steps(left)}" if left is not None
                else f"it blew up after {_steps(run.path.shape[0] - 1)}")
        why = f" ({limit})" if limit else ""
        return (f"<b>{name}</b>: <span style='color:#c62828'><b>α = {learning_rate:g} diverges on "
                f"this surface</b></span>: {when}{why}.")
    gap = float(run.losses[-1] - f_min)
    if run.steps_to_tol is None:
        return f"<b>{name}</b>: not below f − f_min = {tol:g} within {num_steps} steps (at the end: {gap:.3g})."
    text = f"<b>{name}</b>: f − f_min < {tol:g} after <b>{run.steps_to_tol} steps</b>"
    if gap >= tol:
        text += f", but it does not stay there (at the end: {gap:.3g})"
    return text + "."


class SurfaceRaceExplorer(Explorer):
    """Shared by the momentum and RMSProp explorers: gradient descent against a rival.

    Two sliders (alpha from ``learning_rates``, beta) that update while dragged, runs
    on a 2-D surface, and a figure in two layers: a still one (contour lines, axes, tick
    labels, maps: everything that does not move with the sliders, drawn once by
    ``draw_still``, on the axes of ``add_panels``) and the moving artists (paths,
    curves, markers, titles) that ``draw_moving`` adds (see ``Explorer``).

    Subclasses set ``PANELS`` (figure-fraction rectangles of the panels) and implement
    ``compute``, ``draw_still`` and ``draw_moving``.
    """

    PANELS = ()
    #: alpha: the slider whose stops the browser shows from precomputed frames
    MAIN_CONTROL = "learning_rate"

    def __init__(self, surface, learning_rate, beta, *, num_steps, learning_rates, beta_max, beta_step,
                 figsize=(10.0, 3.9)):
        self.surface = get_surface(surface)
        self.num_steps = num_steps
        self.grid = surface_grid(self.surface, num=90)
        self._gd_runs = {}           # gradient descent does not depend on beta: run it once per alpha
        nearest = min(learning_rates, key=lambda a: abs(np.log(a / learning_rate)))
        # Both sliders teach by moving: the picture follows the hand (a redraw is tens of ms).
        alpha = widgets.SelectionSlider(
            options=[(f"{a:g}", a) for a in learning_rates], value=nearest, description="α",
            continuous_update=True, layout=widgets.Layout(width="380px"),
        )
        digits = len(f"{beta_step:g}".split(".")[-1])
        beta_slider = widgets.FloatSlider(
            value=beta, min=0.0, max=beta_max, step=beta_step, description="β",
            readout_format=f".{digits}f", continuous_update=True, layout=widgets.Layout(width="380px"),
        )
        super().__init__({"learning_rate": alpha, "beta": beta_slider}, figsize=figsize, dpi=90)

    def gd_run(self, learning_rate):
        """Gradient descent's run at this alpha (cached: it does not depend on beta)."""
        if learning_rate not in self._gd_runs:
            self._gd_runs[learning_rate] = run_on_surface(
                self.surface, GradientDescent(learning_rate), num_steps=self.num_steps)
        return self._gd_runs[learning_rate]

    def upto(self, path, diverged):
        """A diverging path is drawn up to its first point outside the plot, not beyond."""
        return first_step_outside(path, self.surface.bounds) if diverged else None

    def add_panels(self):
        """The axes of ``PANELS``, at their fixed positions (the figure has no layout engine)."""
        return [self.figure.add_axes(position) for position in self.PANELS]

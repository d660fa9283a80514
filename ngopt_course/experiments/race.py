"""The optimizer race: gradient descent, momentum, RMSProp and Adam on one surface.

One call runs the four optimizers of the lecture from the same start on one of the
``SURFACES`` and says how each one did::

    race = run_race("elongated_bowl")
    race.runs["adam"].path            # the points Adam visited, the start first
    race_outcomes(race)["gd"].text    # "reached f − f_min < 0.001 at step 104"

Learning rates are given as one multiplier, ``learning_rate_scale``, of each
surface's recommended rates (``Surface.learning_rates``). A single shared alpha would
compare unlike things: a gradient-descent or momentum step is alpha times the gradient,
while an RMSProp or Adam step is about alpha itself (the gradient divided by its own
size), so their good alphas differ by orders of magnitude on the same surface. The
multiplier keeps every optimizer at its tuned rate and asks how each tolerates a
larger or smaller one.

This module computes only (numpy); ``plots.adam`` draws a race and
``widgets.race`` lets a learner run one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import numpy as np

from .._validation import check_int, check_real
from ..optimizers import Adam, GradientDescent, Momentum, RMSProp
from ..surfaces import get_surface, run_on_surface

__all__ = [
    "OPTIMIZER_KEYS",
    "START_PRESETS",
    "Race",
    "RaceOutcome",
    "race_optimizers",
    "run_race",
    "race_outcomes",
    "steps_to_tolerance_table",
    "start_presets",
    "nearest_landmark",
    "first_step_outside",
]

#: The racers, in the lecture's order.
OPTIMIZER_KEYS = ("gd", "momentum", "rmsprop", "adam")

#: Start points per surface, the surface's own start first. Each one shows something:
#: the comments say what (with the recommended learning rates).
START_PRESETS = {
    "elongated_bowl": (
        (-4.5, 1.0),    # the lecture's picture: zigzag across, crawl along
        (-4.5, 0.05),   # almost no zigzag; RMSProp then jitters at about alpha and misses tol
        (-1.0, 1.4),    # mostly across the steep direction: RMSProp first
        (4.0, -1.2),    # the mirror image: the same lesson from the other side
    ),
    "rosenbrock": (
        (-1.5, 2.0),    # around the bend: gradient descent never gets there
        (0.0, 0.0),     # already near the valley floor: Adam is fastest
        (-1.0, -0.5),   # below the valley: only momentum reaches (1, 1)
        (1.8, 2.8),     # past the minimum: only momentum comes back in time
    ),
    "saddle": (
        (-2.0, 1e-6),   # a hair off the ridge line y = 0
        (-2.0, 1e-3),   # a little further off: gradient descent escapes sooner
        (-2.0, 0.3),    # far off the ridge: no saddle to escape, plain descent is quick
        (-2.0, 0.0),    # exactly on the ridge: the sideways gradient is 0, nobody escapes
    ),
    "plateau": (
        (-3.0, 2.0),    # out on the plain
        (-3.8, -3.8),   # further out: gradient descent needs about the whole race
        (-1.2, 0.8),    # on the well's rim: the steep slope helps gradient descent most
        (3.5, 0.2),     # the other side of the plain
    ),
    "local_minimum": (
        (1.8, -1.0),    # above the local minimum: only momentum's velocity crosses the ridge
        (-1.8, 1.0),    # on the global side: now momentum overshoots into the local one
        (0.3, 1.5),     # above the ridge: everyone rolls into the local minimum
        (-0.2, -1.8),   # below the ridge: everyone reaches the global minimum
    ),
}


def start_presets(surface):
    """The preset start points of a surface, its own ``start`` first.

    Parameters
    ----------
    surface : Surface or str

    Returns
    -------
    tuple of (x0, y0)
        ``START_PRESETS[surface.name]``, or just ``(surface.start,)`` for a surface
        without presets.
    """
    surface = get_surface(surface)
    return START_PRESETS.get(surface.name, (tuple(surface.start),))


@dataclass(frozen=True)
class Race:
    """Four optimizers run from one start on one surface (what ``run_race`` returns).

    Attributes
    ----------
    surface : str
        Name in ``SURFACES``.
    start : (x0, y0)
    learning_rates : dict of str -> float
        alpha used by each optimizer: the surface's recommended rate times the scale.
    optimizers : dict of str -> str
        ``repr`` of each optimizer (class and every hyperparameter).
    runs : dict of str -> SurfaceRun
        Keyed by ``OPTIMIZER_KEYS``.
    num_steps : int
        Steps every run was given.
    tol : float
        A run has arrived when f - f_min < tol.
    """

    surface: str
    start: tuple
    learning_rates: dict
    optimizers: dict
    runs: dict
    num_steps: int
    tol: float


@dataclass(frozen=True)
class RaceOutcome:
    """How one optimizer did in a race.

    Attributes
    ----------
    status : {"reached", "diverged", "not reached"}
    step : int
        The step at which the run reached the tolerance (status "reached"), produced a
        non-finite or escaping point (status "diverged"), or the race's length (status
        "not reached").
    final_gap : float
        f - f_min at the run's last finite point.
    ended_near : str or None
        "minimum" or a landmark name ("local minimum", "saddle point", ...) when the run
        ends close to it; None otherwise.
    left_window_at : int or None
        First step whose point lies outside the surface's plot bounds, if any.
    text : str
        One readable line, e.g. "diverged at step 7 (left the plot at step 3)".
    """

    status: str
    step: int
    final_gap: float
    ended_near: Optional[str]
    left_window_at: Optional[int]
    text: str


def race_optimizers(surface, learning_rate_scale=1.0, *, beta=0.9, rmsprop_beta=0.9,
                    beta1=0.9, beta2=0.999, epsilon=1e-8):
    """The four racers with their hyperparameters.

    Parameters
    ----------
    surface : Surface or str
        Supplies the recommended learning rate of each optimizer.
    learning_rate_scale : float, default 1.0
        Every optimizer's alpha is the surface's recommended one times this; > 0.
    beta : float, default 0.9
        Momentum's beta.
    rmsprop_beta : float, default 0.9
        RMSProp's beta (the decay of its average of dW^2).
    beta1, beta2 : float, default 0.9, 0.999
        Adam's first- and second-moment decays.
    epsilon : float, default 1e-8
        RMSProp's and Adam's epsilon.

    Returns
    -------
    dict of str -> optimizer
        Keyed by ``OPTIMIZER_KEYS``.
    """
    surface = get_surface(surface)
    scale = check_real(learning_rate_scale, "learning_rate_scale", min_val=0.0, closed="neither")
    rate = {name: scale * surface.learning_rates[name] for name in OPTIMIZER_KEYS}
    return {
        "gd": GradientDescent(rate["gd"]),
        "momentum": Momentum(rate["momentum"], beta=beta),
        "rmsprop": RMSProp(rate["rmsprop"], beta=rmsprop_beta, epsilon=epsilon),
        "adam": Adam(rate["adam"], beta1=beta1, beta2=beta2, epsilon=epsilon),
    }


def run_race(surface, start=None, *, learning_rate_scale=1.0, beta=0.9, rmsprop_beta=0.9,
             beta1=0.9, beta2=0.999, epsilon=1e-8, num_steps=None, tol=None, cache=None):
    """Run gradient descent, momentum, RMSProp and Adam from one start on one surface.

    Parameters
    ----------
    surface : Surface or str
    start : (x0, y0), optional
        Default ``surface.start``.
    learning_rate_scale, beta, rmsprop_beta, beta1, beta2, epsilon
        See ``race_optimizers``.
    num_steps : int, optional
        Steps per run; default ``surface.num_steps``.
    tol : float, optional
        Arrival threshold on f - f_min; default ``surface.tol``.
    cache : mutable mapping, optional
        Runs computed before, reused when the same optimizer (same ``repr``: class and
        every hyperparameter) runs again from the same start for as many steps; new runs
        are added to it. A widget passes one so that moving beta1 reruns only Adam.

    Returns
    -------
    Race
    """
    surface = get_surface(surface)
    start = tuple(float(c) for c in (surface.start if start is None else start))
    if len(start) != 2 or not np.isfinite(start).all():
        raise ValueError(f"start must be two finite numbers (x0, y0), got {start!r}")
    num_steps = surface.num_steps if num_steps is None else check_int(num_steps, "num_steps", min_val=0)
    tol = surface.tol if tol is None else check_real(tol, "tol", min_val=0.0, closed="neither")
    optimizers = race_optimizers(surface, learning_rate_scale, beta=beta, rmsprop_beta=rmsprop_beta,
                                 beta1=beta1, beta2=beta2, epsilon=epsilon)
    runs = {}
    for name, optimizer in optimizers.items():
        key = (surface.name, repr(optimizer), start, num_steps, tol)
        run = cache.get(key) if cache is not None else None
        if run is None:
            run = run_on_surface(surface, optimizer, start=start, num_steps=num_steps, tol=tol)
            if cache is not None:
                cache[key] = run
        runs[name] = run
    return Race(
        surface=surface.name,
        start=start,
        learning_rates={name: opt.learning_rate for name, opt in optimizers.items()},
        optimizers={name: repr(opt) for name, opt in optimizers.items()},
        runs=runs,
        num_steps=num_steps,
        tol=tol,
    )


def first_step_outside(path, bounds):
    """The first step whose point lies outside ``bounds`` ((xmin, xmax), (ymin, ymax)), or None."""
    path = np.asarray(path, dtype=float)
    (xmin, xmax), (ymin, ymax) = bounds
    outside = ((path[:, 0] < xmin) | (path[:, 0] > xmax) | (path[:, 1] < ymin) | (path[:, 1] > ymax))
    hits = np.flatnonzero(outside)
    return int(hits[0]) if hits.size else None


def nearest_landmark(point, surface, radius=None):
    """Name of the point of interest next to ``point``: "minimum" or a landmark, or None.

    Parameters
    ----------
    point : (x, y)
    surface : Surface or str
    radius : float, optional
        How close counts as "next to"; default 5% of the plot's width.
    """
    surface = get_surface(surface)
    (xmin, xmax), _ = surface.bounds
    radius = 0.05 * (xmax - xmin) if radius is None else check_real(radius, "radius", min_val=0.0)
    places = dict(surface.landmarks)
    if surface.minimum is not None:
        places["minimum"] = surface.minimum
    best, best_distance = None, radius
    for name, (x, y) in places.items():
        distance = float(np.hypot(point[0] - x, point[1] - y))
        if distance <= best_distance:
            best, best_distance = name, distance
    return best


def _gap(run, surface):
    loss = float(run.losses[-1])
    return loss - surface.f_min if surface.f_min is not None else loss


def race_outcomes(race):
    """How each racer did: reached the tolerance, diverged, or not reached, with a line of text.

    Parameters
    ----------
    race : Race

    Returns
    -------
    dict of str -> RaceOutcome
        Keyed by ``OPTIMIZER_KEYS``.
    """
    surface = get_surface(race.surface)
    outcomes = {}
    for name, run in race.runs.items():
        left = first_step_outside(run.path, surface.bounds)
        gap = _gap(run, surface)
        near = nearest_landmark(run.path[-1], surface)
        if run.diverged:
            status, step = "diverged", int(run.path.shape[0])  # the step that left the finite world
            text = f"diverged at step {step}"
            if left is not None and left < step:
                text += f" (left the plot at step {left})"
        elif run.steps_to_tol is not None:
            status, step = "reached", int(run.steps_to_tol)
            text = f"reached f − f_min < {race.tol:g} at step {step}"
        else:
            status, step = "not reached", race.num_steps
            text = f"not reached in {step} steps"
            if near is not None and near != "minimum":
                text += f": stuck at the {near}"
            elif left is not None and not _inside(run.path[-1], surface.bounds):
                text += ": ended outside the plot"
            else:
                text += f": ends at f − f_min = {gap:.3g}"
        outcomes[name] = RaceOutcome(status=status, step=step, final_gap=gap, ended_near=near,
                                     left_window_at=left, text=text)
    return outcomes


def _inside(point, bounds):
    (xmin, xmax), (ymin, ymax) = bounds
    return xmin <= point[0] <= xmax and ymin <= point[1] <= ymax


def steps_to_tolerance_table(races):
    """Steps to the tolerance, per surface and optimizer (None: not reached or diverged).

    Parameters
    ----------
    races : iterable of Race

    Returns
    -------
    dict of str -> dict of str -> int or None
        ``table[surface][optimizer]``.
    """
    table = {}
    for race in races:
        table[race.surface] = {
            name: (None if run.diverged else run.steps_to_tol) for name, run in race.runs.items()
        }
    return table

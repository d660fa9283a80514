"""RMSProp and Adam scale each coordinate separately: where that helps and where it does not.

- ``rotation_comparison``: each optimizer on the elongated bowl and on the same bowl
  turned by an angle. Gradient descent and momentum take the turned path (they do not
  care about the axes); RMSProp and Adam need more steps on the turned bowl.
- ``gradient_balance``: how unequal the two coordinates' gradients are along a path;
  the per-coordinate averages S can only tell steep from shallow when they are unequal.
- ``rmsprop_on_rosenbrock``: why RMSProp does not reach (1, 1) on Rosenbrock's valley:
  its steps are about alpha long whatever the gradient, so a small alpha runs out of
  steps on the long curved floor, and a larger one zigzags across the narrow valley.

Numpy only; ``plots`` draw the results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_real
from ..optimizers import RMSProp
from ..surfaces import SURFACES, make_optimizer, rotated_bowl, run_on_surface

__all__ = [
    "rotation_comparison",
    "gradient_balance",
    "sign_flip_share",
    "valley_floor_length",
    "RosenbrockRMSProp",
    "rmsprop_on_rosenbrock",
]


def rotation_comparison(optimizers=("gd", "momentum", "rmsprop", "adam"), angle_degrees=45.0, num_steps=300):
    """Each optimizer, at the bowl's tuned learning rate, on the bowl and on the turned bowl.

    Returns
    -------
    dict
        optimizer name -> (SurfaceRun on the bowl, SurfaceRun on the turned bowl).
    """
    num_steps = check_int(num_steps, "num_steps", min_val=1)
    bowl, turned = SURFACES["elongated_bowl"], rotated_bowl(angle_degrees)
    return {name: (run_on_surface(bowl, make_optimizer(name, bowl), num_steps=num_steps),
                   run_on_surface(turned, make_optimizer(name, turned), num_steps=num_steps))
            for name in optimizers}


def gradient_balance(surface, path, num_steps=20):
    """Mean |gradient| of the larger coordinate over that of the smaller one, over a path's first steps.

    Large (tens) on the axis-aligned bowl: the steep coordinate's average S is much larger
    and RMSProp slows it down. Near 1 on the bowl turned by 45 degrees: both coordinates
    see the same mix, so their S are alike and dividing by them changes little.
    """
    num_steps = check_int(num_steps, "num_steps", min_val=1)
    points = np.asarray(path, dtype=float)[:num_steps]
    gx, gy = surface.grad(points[:, 0], points[:, 1])
    means = np.sort([np.abs(gx).mean(), np.abs(gy).mean()])
    return float(means[1] / means[0])


def sign_flip_share(path, last=100):
    """Share of the last ``last`` steps whose y-step has the other sign than the step before.

    Near 0 on a smooth path, near 1 when the path zigzags from side to side.
    """
    last = check_int(last, "last", min_val=2)
    steps = np.diff(np.asarray(path, dtype=float)[-(last + 1):], axis=0)[:, 1]
    return float(np.mean(np.sign(steps[1:]) != np.sign(steps[:-1])))


def valley_floor_length(x_start=-1.5, x_end=1.0, num=10_001):
    """Length of Rosenbrock's valley floor y = x² from x_start to x_end (by summing chords)."""
    x_start, x_end = check_real(x_start, "x_start"), check_real(x_end, "x_end")
    x = np.linspace(x_start, x_end, check_int(num, "num", min_val=2))
    return float(np.sum(np.hypot(np.diff(x), np.diff(x ** 2))))


@dataclass(frozen=True)
class RosenbrockRMSProp:
    """One RMSProp run on Rosenbrock and what it did at the end.

    Attributes
    ----------
    learning_rate : float
    run : SurfaceRun
    mean_step : float
        Mean length of the last 100 steps.
    zigzag : float
        ``sign_flip_share`` of the last 100 steps.
    """

    learning_rate: float
    run: object
    mean_step: float
    zigzag: float


def rmsprop_on_rosenbrock(learning_rates=(0.003, 0.01), beta=0.9, num_steps=1000):
    """RMSProp on Rosenbrock at several learning rates (the race uses 0.003).

    Returns
    -------
    list of RosenbrockRMSProp
    """
    surface = SURFACES["rosenbrock"]
    out = []
    for rate in learning_rates:
        run = run_on_surface(surface, RMSProp(rate, beta), num_steps=num_steps)
        lengths = np.linalg.norm(np.diff(run.path[-101:], axis=0), axis=1)
        out.append(RosenbrockRMSProp(float(rate), run, float(lengths.mean()), sign_flip_share(run.path)))
    return out

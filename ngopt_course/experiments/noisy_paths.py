"""Paths of optimizers under real mini-batch noise, on the line fit of ``experiments.noisy``.

The cost J(w, b) of fitting a line by least squares has two parameters, so a path can be
drawn on its contours, and each mini-batch's gradient is the real gradient of that
mini-batch: noisy, unbiased. Two questions from the lecture are measured here:

- batch, stochastic and mini-batch gradient descent (notebook 01): the batch path goes
  straight to the minimum, the stochastic one (mini-batches of 1) zigzags and never
  settles, mini-batches of a few examples are in between (``batch_size_paths``);
- momentum and Adam under noise (notebook 07): their averages of the gradients smooth the
  noisy steps, and decaying the learning rate settles the wandering
  (``optimizer_noise_paths``).

Two numbers describe a path (``path_summary``): its *wiggle*, the length of the path
divided by the straight distance from its start to its end (1 for a straight line), and
its *spread*, the mean distance to the minimum over the last part of the run. Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_real
from ..minibatch import num_mini_batches
from ..optimizers import Adam, GradientDescent, Momentum
from ..schedules import inverse_time_decay
from .noisy import NoisyRun, check_line_data, run_minibatch_optimizer  # the line fit's one loop

__all__ = [
    "run_minibatch_optimizer",
    "batch_size_paths",
    "optimizer_noise_paths",
    "PathSummary",
    "path_summary",
    "NOISE_RUN_LABELS",
]

#: Legend labels of the runs of ``optimizer_noise_paths``.
NOISE_RUN_LABELS = {
    "gd": "gradient descent",
    "momentum": "momentum, β = 0.9",
    "adam": "Adam",
    "adam_decay": "Adam with decay",
}


def batch_size_paths(X, Y, sizes=(1, 10, None), *, learning_rate=0.05, num_steps=400, seed=0,
                     start=(-1.0, 4.0)):
    """Gradient descent with several mini-batch sizes, each for the same number of steps.

    Parameters
    ----------
    X, Y : arrays of shape (1, m)
    sizes : sequence of int or None, default (1, 10, None)
        Mini-batch sizes; None stands for m (batch gradient descent).
    learning_rate : float, default 0.05
        The same alpha for every size.
    num_steps : int, default 400
        Gradient steps per run (not epochs: size 1 takes m steps per epoch, size m one).
        Must be a multiple of the number of mini-batches per epoch of every size.
    seed : int or None, default 0
        Every size shuffles with its own Generator made from this seed.

    Returns
    -------
    dict
        size (m for None) -> NoisyRun with exactly ``num_steps`` steps.
    """
    X, Y = check_line_data(X, Y)
    learning_rate = check_real(learning_rate, "learning_rate", min_val=0.0, closed="neither")
    num_steps = check_int(num_steps, "num_steps", min_val=1)
    m = X.shape[1]
    runs = {}
    for size in sizes:
        size = m if size is None else check_int(size, "size", min_val=1, max_val=m)
        per_epoch = num_mini_batches(m, size)
        if num_steps % per_epoch:
            raise ValueError(f"num_steps == {num_steps} is not a whole number of epochs for mini-batches "
                             f"of {size} ({per_epoch} steps per epoch)")
        runs[size] = run_minibatch_optimizer(X, Y, GradientDescent(learning_rate), num_epochs=num_steps // per_epoch,
                                             mini_batch_size=size, start=start, seed=seed)
    return runs


def optimizer_noise_paths(X, Y, *, num_epochs=30, mini_batch_size=10, gd_learning_rate=0.1,
                          adam_learning_rate=0.1, decay_rate=0.3, beta=0.9, seed=0, start=(-1.0, 4.0)):
    """Gradient descent, momentum, Adam and Adam with decay on the same noisy mini-batches.

    Gradient descent and momentum share one alpha (in the lecture's (1 - beta) form a
    steady gradient moves both equally far per step); Adam and Adam with decay share
    theirs, the decayed one following ``inverse_time_decay(adam_learning_rate,
    epoch_num, decay_rate)``. Every run gets the same shuffles (same seed).

    Returns
    -------
    dict
        "gd", "momentum", "adam", "adam_decay" -> NoisyRun.
    """
    adam_learning_rate = check_real(adam_learning_rate, "adam_learning_rate", min_val=0.0, closed="neither")
    decay_rate = check_real(decay_rate, "decay_rate", min_val=0.0)
    common = dict(num_epochs=num_epochs, mini_batch_size=mini_batch_size, start=start)
    return {
        "gd": run_minibatch_optimizer(X, Y, GradientDescent(gd_learning_rate), seed=seed, **common),
        "momentum": run_minibatch_optimizer(X, Y, Momentum(gd_learning_rate, beta), seed=seed, **common),
        "adam": run_minibatch_optimizer(X, Y, Adam(adam_learning_rate), seed=seed, **common),
        "adam_decay": run_minibatch_optimizer(
            X, Y, Adam(adam_learning_rate), seed=seed,
            schedule=lambda e: inverse_time_decay(adam_learning_rate, e, decay_rate), **common),
    }


@dataclass(frozen=True)
class PathSummary:
    """How straight a path is and how far it still wanders at the end.

    Attributes
    ----------
    wiggle : float
        Length of the path over the straight distance from its first to its last point
        (>= 1; 1 for a straight path), over the points considered.
    step_turn : float
        Mean cosine between consecutive steps over the points considered: near 1 when each
        step continues the last one (smooth), near 0 or below when they zigzag.
    spread : float
        Mean distance to the minimum over the points considered.
    """

    wiggle: float
    step_turn: float
    spread: float


def path_summary(run, *, last_fraction=1.0):
    """Wiggle, step turn and spread of a NoisyRun over its last ``last_fraction`` of steps.

    Parameters
    ----------
    run : NoisyRun
    last_fraction : float in (0, 1], default 1.0
        1.0 summarises the whole path, 0.25 its last quarter (where a run that has
        arrived only wanders).
    """
    if not isinstance(run, NoisyRun):
        raise TypeError(f"run must be a NoisyRun, got {type(run).__name__}")
    last_fraction = check_real(last_fraction, "last_fraction", min_val=0.0, max_val=1.0, closed="right")
    steps = run.path.shape[0] - 1
    first = steps - max(2, int(round(last_fraction * steps)))
    if first < 0:
        raise ValueError(f"the run has {steps} steps; a summary needs at least 2")
    part = run.path[first:]
    moves = np.diff(part, axis=0)
    lengths = np.linalg.norm(moves, axis=1)
    net = np.linalg.norm(part[-1] - part[0])
    wiggle = float(lengths.sum() / net) if net > 0 else float("inf")
    both = (lengths[1:] > 0) & (lengths[:-1] > 0)
    cosines = np.sum(moves[1:] * moves[:-1], axis=1)[both] / (lengths[1:] * lengths[:-1])[both]
    return PathSummary(wiggle=wiggle, step_turn=float(cosines.mean()) if cosines.size else float("nan"),
                       spread=float(run.distance[first:].mean()))

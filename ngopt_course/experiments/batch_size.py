"""Choosing the mini-batch size: the same network, the same time, every size.

The lecture's table (section 4) says size 1 (stochastic gradient descent) loses the
speed-up of vectorization, size m (batch gradient descent) is too long per iteration,
and a size in between learns fastest. ``compare_mini_batch_sizes`` measures it: it
trains one network with mini-batch gradient descent once per size, each run for the same
time budget of training, and records

- the cost J{t} of every mini-batch (the lecture's noisy curve),
- the seconds of training at the end of every step (so time per step, per example and
  per epoch are measured, not modelled),
- the cost J on the whole training set at regular moments of training time (what "how
  far did it get in this much time" means). These evaluations are not training: their
  time is left out of the clock.

Each run is ``train(X, Y, layer_dims, GradientDescent(learning_rate), mini_batch_size=...)``,
the course's one training loop; the whole-set evaluations are its callback, whose time
``train`` keeps off the clock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_real
from ..minibatch import num_mini_batches
from ..nn import check_network_args, compute_cost, forward_propagation
from ..optimizers import GradientDescent
from ..training import train

__all__ = ["SizeRun", "run_mini_batch_size", "compare_mini_batch_sizes", "LECTURE_SIZES"]

#: The lecture's typical mini-batch sizes, 2^6 .. 2^10.
LECTURE_SIZES = (64, 128, 256, 512, 1024)


@dataclass(frozen=True)
class SizeRun:
    """One training run of mini-batch gradient descent with one mini-batch size.

    Attributes
    ----------
    mini_batch_size : int
        The size asked for; a size >= m is batch gradient descent.
    m : int
        Training examples.
    steps_per_epoch : int
        ceil(m / mini_batch_size): m for size 1, 1 for size m.
    costs : ndarray, shape (num_steps,)
        J{t} of each step's mini-batch, computed before the step's update.
    step_times : ndarray, shape (num_steps,)
        Seconds of training at the end of each step (evaluations not counted).
    eval_steps : ndarray of int
        Steps taken when the whole-set cost was evaluated; starts at 0 (the initial
        weights) and ends at ``num_steps``.
    eval_times : ndarray
        Seconds of training at those evaluations (0 first).
    eval_costs : ndarray
        J on all m examples at those evaluations. After a run that diverged the last
        one is the cost that was not finite.
    examples_processed : int
        Examples the gradient steps went through (an epoch is m of them).
    params : dict
        The weights after the last step.
    stop_reason : str
        "time budget", "max steps", "interrupted" (the stop button) or "diverged", by
        ``train``'s rule: a cost or gradient that is not finite (that step is not taken)
        or an update that overflowed (``history.stop_reason`` of ``train`` says more).
    """

    mini_batch_size: int
    m: int
    steps_per_epoch: int
    costs: np.ndarray
    step_times: np.ndarray
    eval_steps: np.ndarray
    eval_times: np.ndarray
    eval_costs: np.ndarray
    examples_processed: int
    params: dict
    stop_reason: str

    @property
    def batch_examples(self):
        """Examples in a full mini-batch: min(mini_batch_size, m)."""
        return min(self.mini_batch_size, self.m)

    @property
    def num_steps(self):
        """Gradient steps taken."""
        return int(self.costs.size)

    @property
    def seconds(self):
        """Seconds of training in all (evaluations not counted)."""
        return float(self.step_times[-1]) if self.num_steps else 0.0

    @property
    def epochs(self):
        """Passes through the data: steps / steps_per_epoch (a fraction when unfinished)."""
        return self.num_steps / self.steps_per_epoch

    @property
    def epoch_measured(self):
        """True when a whole epoch ran, so ``seconds_per_epoch`` is a measurement."""
        return self.num_steps >= self.steps_per_epoch

    @property
    def seconds_per_step(self):
        """Mean seconds per gradient step."""
        return self.seconds / self.num_steps if self.num_steps else math.nan

    @property
    def seconds_per_epoch(self):
        """Mean seconds per epoch over the epochs completed, else extrapolated.

        When the budget ended inside the first epoch (``epoch_measured`` False) it is
        extrapolated as seconds_per_step x steps_per_epoch.
        """
        full = self.num_steps // self.steps_per_epoch
        if full:
            return float(self.step_times[full * self.steps_per_epoch - 1]) / full
        return self.seconds_per_step * self.steps_per_epoch

    @property
    def seconds_per_example(self):
        """Seconds of training per example processed: what vectorization makes small."""
        return self.seconds / self.examples_processed if self.examples_processed else math.nan

    @property
    def final_cost(self):
        """J on the whole training set after the last step (inf or NaN if it diverged)."""
        return float(self.eval_costs[-1])


#: Examples per chunk of a whole-set evaluation. Chunks keep every matrix product small,
#: on one BLAS thread (as ``train`` runs them): threads split over a busy machine's cores
#: wait on each other far longer than a small product takes (benchmarks/README.md).
_EVAL_CHUNK = 1024

#: train's num_epochs for a run that only its time budget ends (no epoch limit).
_NO_EPOCH_LIMIT = 2**40


def _whole_set_cost(X, Y, params, hidden_activation):
    """J on all columns of X (no regularisation), computed chunk by chunk."""
    m = X.shape[1]
    total = 0.0
    for start in range(0, m, _EVAL_CHUNK):
        stop = min(start + _EVAL_CHUNK, m)
        ZL, _ = forward_propagation(X[:, start:stop], params, hidden_activation)
        total += compute_cost(ZL, Y[:, start:stop], params)[0] * (stop - start)
    return total / m


def run_mini_batch_size(
    X,
    Y,
    layer_dims,
    mini_batch_size,
    *,
    learning_rate=0.1,
    time_budget=0.5,
    max_steps=None,
    num_evals=30,
    seed=0,
    hidden_activation="relu",
    dtype=None,
):
    """Train with mini-batch gradient descent for a time budget; record cost and time.

    The run is ``train`` (the course's one loop) with ``GradientDescent(learning_rate)``;
    the whole-set evaluations are its callback, whose time ``train`` keeps off the clock.

    Parameters
    ----------
    X : array of shape (n[0], m)
        Examples in columns. Held in memory is best: the whole-set evaluations read all
        of it.
    Y : array of shape (1, m)
        Labels 0 or 1.
    layer_dims : list of int
        ``[n[0], ..., n[L]]``.
    mini_batch_size : int
        >= 1; 1 is stochastic gradient descent, >= m batch gradient descent.
    learning_rate : float, default 0.1
        alpha of gradient descent, > 0.
    time_budget : float or None, default 0.5
        Seconds of training (evaluations excluded); the run stops after the first step
        that ends past it. None: no time limit (then ``max_steps`` is needed).
    max_steps : int, optional
        Stop after this many steps at the latest. With ``time_budget=None`` the run is
        fully deterministic (only the measured times vary).
    num_evals : int, default 30
        About how many whole-set evaluations after the initial one: every
        time_budget / num_evals seconds of training (or every max_steps / num_evals
        steps without a budget), plus one at the end.
    seed : int, numpy.random.Generator or None, default 0
        Draws the initial weights, then a new shuffle each epoch (``train`` does it).
    hidden_activation : {"relu", "tanh"}, default "relu"
    dtype : float32 or float64, optional
        Default: X's float dtype (float64 for integer X).

    Returns
    -------
    SizeRun
    """
    X, Y, dims, _, dtype = check_network_args(X, Y, layer_dims, 0.0, hidden_activation, dtype)
    mini_batch_size = check_int(mini_batch_size, "mini_batch_size", min_val=1)
    learning_rate = check_real(learning_rate, "learning_rate", min_val=0.0, closed="neither")
    if time_budget is not None:
        time_budget = check_real(time_budget, "time_budget", min_val=0.0, closed="neither")
    if max_steps is not None:
        max_steps = check_int(max_steps, "max_steps", min_val=1)
    if time_budget is None and max_steps is None:
        raise ValueError("time_budget and max_steps are both None: the run would never stop; give one")
    num_evals = check_int(num_evals, "num_evals", min_val=1)

    m = X.shape[1]
    T = num_mini_batches(m, mini_batch_size)
    # The whole set in memory, in the working dtype, once: evaluations are not training.
    X_all = np.asarray(X, dtype=dtype)
    Y_all = np.asarray(Y, dtype=dtype)
    if not np.isfinite(X_all).all():
        bad = int(np.count_nonzero(~np.isfinite(X_all)))
        raise ValueError(f"X has {bad} NaN or infinite value(s); every feature must be a finite number")
    if time_budget is not None:
        eval_every_seconds, eval_every_steps = time_budget / num_evals, None
    else:
        eval_every_seconds, eval_every_steps = math.inf, max(1, max_steps // num_evals)

    evals = []                     # (steps, seconds of training, whole-set cost)
    next_eval = eval_every_seconds

    def evaluate(params, steps, seconds):
        """The callback: a whole-set cost when one is due; True (stop) at max_steps."""
        nonlocal next_eval
        due = (steps % eval_every_steps == 0) if eval_every_steps else seconds >= next_eval
        if steps == 0 or due:
            evals.append((steps, seconds, _whole_set_cost(X_all, Y_all, params, hidden_activation)))
            while next_eval <= seconds:
                next_eval += eval_every_seconds
        # The time budget, when used up on this step too, is the reason the run ends.
        out_of_time = time_budget is not None and seconds >= time_budget
        return max_steps is not None and steps >= max_steps and not out_of_time

    num_epochs = math.ceil(max_steps / T) if max_steps is not None else _NO_EPOCH_LIMIT
    params, history = train(X, Y, dims, GradientDescent(learning_rate), mini_batch_size=mini_batch_size,
                            num_epochs=num_epochs, seed=seed, hidden_activation=hidden_activation,
                            dtype=dtype, progress=False, time_budget=time_budget, callback=evaluate)
    steps = len(history.costs)
    if evals[-1][0] != steps:
        with np.errstate(over="ignore", invalid="ignore"):
            evaluate(params, steps, float(history.times[-1]) if steps else 0.0)   # the final weights
    eval_steps, eval_times, eval_costs = zip(*evals)
    full_epochs, rest = divmod(steps, T)   # only an epoch's last mini-batch is short
    return SizeRun(
        mini_batch_size=mini_batch_size, m=m, steps_per_epoch=T,
        costs=history.costs, step_times=history.times,
        eval_steps=np.array(eval_steps, dtype=np.int64), eval_times=np.array(eval_times, dtype=np.float64),
        eval_costs=np.array(eval_costs, dtype=np.float64),
        examples_processed=full_epochs * m + rest * min(mini_batch_size, m), params=params,
        stop_reason=_stop_reason(history.stop_reason),
    )


def _stop_reason(reason):
    """train's stop reason in a word: "time budget", "max steps" (or the epochs), "interrupted", "diverged"."""
    if reason is None or reason.startswith("the callback asked to stop"):
        return "max steps"
    if reason.startswith("time budget"):
        return "time budget"
    if reason.startswith("interrupted"):
        return "interrupted"
    return "diverged"     # a cost or gradient not finite, or an update that overflowed


def compare_mini_batch_sizes(X, Y, layer_dims, sizes, **kwargs):
    """``run_mini_batch_size`` once per size, each from the same initial weights.

    Parameters
    ----------
    X, Y, layer_dims
        As for ``run_mini_batch_size``.
    sizes : iterable of int
        Mini-batch sizes, e.g. ``(1, 64, 128, 256, 512, 1024, m)``.
    **kwargs
        Passed on (learning_rate, time_budget, max_steps, num_evals, seed, ...). ``seed``
        must be an int or None here, not a Generator: every size starts from the same seed,
        hence from the same initial weights (None draws one seed for all of them).

    Returns
    -------
    dict of int -> SizeRun
        In the order of ``sizes``.
    """
    seed = kwargs.get("seed", 0)
    if isinstance(seed, np.random.Generator):
        raise TypeError(
            "seed must be an int here, not a Generator: each size must start from the same "
            "initial weights, and a shared Generator would give each size other weights"
        )
    if seed is None:
        kwargs["seed"] = int(np.random.default_rng().integers(2**32))   # one seed for every size
    sizes = [check_int(s, f"sizes[{i}]", min_val=1) for i, s in enumerate(sizes)]
    if not sizes:
        raise ValueError("sizes is empty; give at least one mini-batch size")
    return {size: run_mini_batch_size(X, Y, layer_dims, size, **kwargs) for size in sizes}

"""Mini-batch gradient descent you can watch: a line fitted by least squares.

Fitting a line ``y_hat = w x + b`` to m examples by least squares has the cost

.. math:: J(w, b) = \\frac{1}{2m} \\sum_{i=1}^m (w x^{(i)} + b - y^{(i)})^2,

a bowl in the two parameters (w, b) with one minimum (w*, b*) known in closed form, so
the path of the iterates can be drawn on the contours of J and the distance to the
minimum measured exactly.

The gradient computed on a mini-batch of examples is the real mini-batch gradient: an
unbiased but noisy estimate of the gradient of J. With a fixed learning rate the noise
keeps the iterates wandering around (w*, b*); with a learning rate that decays from
epoch to epoch they settle in a tighter region (lecture section 12). Numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import check_array, check_int, check_real, check_rng, check_same_m
from ..minibatch import iter_mini_batches, num_mini_batches
from ..optimizers import GradientDescent, StepOverflowError

__all__ = [
    "make_line_data",
    "line_cost",
    "line_gradients",
    "least_squares_line",
    "NoisyRun",
    "run_minibatch_gd",
    "mean_distance_last_epochs",
]
# Not in __all__ (which is the learner's API, fuzzed with bad input by the tests), but
# public for the other experiments (noisy_paths): run_minibatch_optimizer (the one loop,
# which noisy_paths exports), check_line_data, check_line_run_args, and
# line_cost_unchecked, line_gradients_unchecked, whose callers checked the data once.


def make_line_data(m=200, slope=2.0, intercept=1.0, noise=1.0, seed=0):
    """Noisy points around a line: ``y = slope x + intercept + noise * N(0, 1)``.

    Parameters
    ----------
    m : int, default 200
        Number of examples, >= 2.
    slope, intercept : float
        The line the points scatter around.
    noise : float, default 1.0
        Standard deviation of the vertical scatter, >= 0. It is what makes mini-batch
        gradients disagree with each other (with 0 every mini-batch agrees at the minimum).
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    X : array of shape (1, m)
        Inputs x uniform in [-1, 3] (not centred, so the bowl of J is a tilted ellipse).
    Y : array of shape (1, m)
        Targets.
    """
    m = check_int(m, "m", min_val=2)
    slope = check_real(slope, "slope")
    intercept = check_real(intercept, "intercept")
    noise = check_real(noise, "noise", min_val=0.0)
    rng = check_rng(seed)
    x = rng.uniform(-1.0, 3.0, size=(1, m))
    with np.errstate(over="ignore", invalid="ignore"):
        y = slope * x + intercept + noise * rng.standard_normal((1, m))
    _refuse_overflow(y, "slope, intercept or noise")
    return x, y


def _refuse_overflow(value, names):
    """ValueError, naming the arguments to blame, when a computation overflowed."""
    if not np.all(np.isfinite(value)):
        raise ValueError(f"the result overflows (it holds inf or NaN): {names} too large")
    return value


def check_line_data(X, Y):
    X = check_array(X, "X", ndim=2)
    Y = check_array(Y, "Y", ndim=2)
    if X.shape[0] != 1 or Y.shape[0] != 1:
        raise ValueError(f"X and Y must have shape (1, m), got {X.shape} and {Y.shape}")
    check_same_m(X, Y)
    if X.shape[1] == 0:
        raise ValueError("X has m = 0 examples; a line needs at least one")
    return X, Y


def check_line_run_args(X, Y, num_epochs, mini_batch_size, start):
    """The arguments every mini-batch run on the line fit shares, checked once."""
    X, Y = check_line_data(X, Y)
    num_epochs = check_int(num_epochs, "num_epochs", min_val=1)
    mini_batch_size = check_int(mini_batch_size, "mini_batch_size", min_val=1)
    start = check_array(start, "start", ndim=1)
    if start.shape != (2,):
        raise ValueError(f"start must be (w, b), got shape {start.shape}")
    return X, Y, num_epochs, mini_batch_size, start


def line_cost(w, b, X, Y):
    """J(w, b) = 1/(2m) sum_i (w x(i) + b - y(i))^2, for one (w, b) or whole grids.

    ``w`` and ``b`` may be arrays of any broadcastable shapes (e.g. the grids of
    ``np.meshgrid`` for a contour plot). J is computed from five averages of the data
    (mean of x, y, x^2, xy, y^2), expanding the square, so a 200 x 200 grid costs no
    more than one point: nothing of shape (grid, m) is built.

    Returns
    -------
    float or array
        The cost (a float when w and b are scalars).
    """
    X, Y = check_line_data(X, Y)
    w = check_array(w, "w").astype(float, copy=False)
    b = check_array(b, "b").astype(float, copy=False)
    try:
        np.broadcast_shapes(w.shape, b.shape)
    except ValueError:
        raise ValueError(
            f"w and b must have broadcastable shapes (like np.meshgrid's), got {w.shape} and {b.shape}"
        ) from None
    J = _refuse_overflow(line_cost_unchecked(w, b, X, Y), "w, b, X or Y")
    return float(J) if J.ndim == 0 else J


def line_cost_unchecked(w, b, X, Y):
    """line_cost without checks; inf or NaN where it overflows (no warning)."""
    x, y = X[0], Y[0]
    with np.errstate(over="ignore", invalid="ignore"):
        mx, my = x.mean(), y.mean()
        mxx, mxy, myy = (x * x).mean(), (x * y).mean(), (y * y).mean()
        # mean of (w x + b - y)^2 expanded term by term
        return 0.5 * (w * w * mxx + 2 * w * b * mx + b * b - 2 * w * mxy - 2 * b * my + myy)


def line_gradients(w, b, X, Y):
    """Gradients of J(w, b) on the examples given (a mini-batch or all of them).

    With the residual r(i) = w x(i) + b - y(i): dw = mean(r x), db = mean(r).

    Returns
    -------
    dw, db : float
    """
    X, Y = check_line_data(X, Y)
    w, b = check_real(w, "w"), check_real(b, "b")
    return _refuse_overflow(line_gradients_unchecked(w, b, X, Y), "w, b, X or Y")


def line_gradients_unchecked(w, b, X, Y):
    """dw, db without checks; inf or NaN if they overflow (no warning)."""
    with np.errstate(over="ignore", invalid="ignore"):
        r = w * X[0] + b - Y[0]
        return float(np.mean(r * X[0])), float(np.mean(r))


def least_squares_line(X, Y):
    """The minimum (w*, b*) of J: the least-squares line, where both gradients are 0.

    Setting dw = db = 0 gives w* = cov(x, y) / var(x), b* = mean(y) - w* mean(x).
    """
    X, Y = check_line_data(X, Y)
    x, y = X[0], Y[0]
    with np.errstate(over="ignore", invalid="ignore"):  # refused below, naming the arguments
        var_x = x.var()
        if var_x == 0:
            raise ValueError("X: all x are equal, so the least-squares line is not unique")
        w = float(np.mean((x - x.mean()) * (y - y.mean())) / var_x)
        b = float(y.mean() - w * x.mean())
    _refuse_overflow((var_x, w, b), "X or Y")
    return w, b


@dataclass
class NoisyRun:
    """One run of mini-batch gradient descent on the line's cost.

    Attributes
    ----------
    path : array of shape (steps + 1, 2)
        (w, b) before the first step and after every step.
    epoch_position : array of shape (steps + 1,)
        Where each point of ``path`` sits in epochs (passes through the data): 0 at
        the start, e after the last mini-batch of epoch e, fractions in between.
    learning_rates : array of shape (steps,)
        alpha used for each step.
    distance : array of shape (steps + 1,)
        Euclidean distance of each point of ``path`` to the minimum (w*, b*).
    cost : array of shape (steps + 1,)
        J on the whole training set at each point of ``path``.
    minimum : array of shape (2,)
        (w*, b*).
    batches_per_epoch : int
    """

    path: np.ndarray
    epoch_position: np.ndarray
    learning_rates: np.ndarray
    distance: np.ndarray
    cost: np.ndarray
    minimum: np.ndarray
    batches_per_epoch: int


def run_minibatch_gd(X, Y, learning_rate, *, num_epochs=30, mini_batch_size=10,
                     start=(-1.0, 4.0), seed=0, schedule_by="epoch"):
    """Mini-batch gradient descent on J(w, b), with a fixed or a decaying learning rate.

    Each epoch shuffles the m examples, cuts them into mini-batches and takes one step
    ``w := w - alpha dw, b := b - alpha db`` per mini-batch, with the gradients of that
    mini-batch only (``GradientDescent`` of the course). A decay schedule changes alpha
    at the start of every epoch, which is where learning-rate decay plugs in::

        for epoch_num in range(1, num_epochs + 1):
            opt.learning_rate = learning_rate(epoch_num)
            for X_t, Y_t in mini-batches: ...

    The loop is ``run_minibatch_optimizer``'s, with ``GradientDescent``.

    Parameters
    ----------
    X, Y : arrays of shape (1, m)
    learning_rate : float or callable
        A fixed alpha (> 0), or a schedule ``epoch_num -> alpha`` called with the epoch
        counted from 1, e.g. ``lambda e: inverse_time_decay(0.2, e, 1.0)``.
    num_epochs : int, default 30
    mini_batch_size : int, default 10
    start : (float, float), default (-1.0, 4.0)
        The initial (w, b).
    seed : int, numpy.random.Generator or None, default 0
        One Generator drives every epoch's shuffle: the same seed, the same run.
    schedule_by : {"epoch", "iteration"}, default "epoch"
        "iteration" calls the schedule before every step with the iteration number t
        (counted from 1 across epochs), for the lecture's k / sqrt(t) * alpha0.

    Returns
    -------
    NoisyRun

    Raises
    ------
    ValueError
        Also when the run diverges (a learning rate so large that w and b overflow):
        a NoisyRun holds finite numbers only.
    """
    if callable(learning_rate):
        optimizer, schedule = GradientDescent(learning_rate=1.0), learning_rate  # the schedule sets alpha
    else:
        optimizer, schedule = GradientDescent(learning_rate=check_real(
            learning_rate, "learning_rate", min_val=0.0, closed="neither")), None
    return run_minibatch_optimizer(X, Y, optimizer, num_epochs=num_epochs, mini_batch_size=mini_batch_size,
                                   schedule=schedule, schedule_by=schedule_by, start=start, seed=seed)


def run_minibatch_optimizer(X, Y, optimizer, *, num_epochs=30, mini_batch_size=10, schedule=None,
                            schedule_by="epoch", start=(-1.0, 4.0), seed=0):
    """Any of the course's optimizers, on mini-batches of the line's cost J(w, b).

    The one loop of the line-fit experiments: each epoch shuffles the examples (one
    Generator for the whole run), cuts them into mini-batches and takes one
    ``optimizer.step`` per mini-batch with that mini-batch's gradient (dw, db)::

        for epoch_num in range(1, num_epochs + 1):
            optimizer.learning_rate = schedule(epoch_num)        # with a schedule
            for X_t, Y_t in mini-batches:
                dw, db = gradients of J on (X_t, Y_t)
                params, state = optimizer.step(params, {"w": dw, "b": db}, state)

    Parameters
    ----------
    X, Y : arrays of shape (1, m)
    optimizer : GradientDescent, Momentum, RMSProp or Adam
        A fresh optimizer; its state starts at zero here.
    num_epochs : int, default 30
    mini_batch_size : int, default 10
        m gives batch gradient descent, 1 stochastic gradient descent.
    schedule : callable or None
        ``epoch_num -> alpha`` (epochs counted from 1); None keeps the optimizer's
        learning rate.
    schedule_by : {"epoch", "iteration"}, default "epoch"
        "iteration" calls the schedule before every step with the iteration number t
        (counted from 1 across epochs) instead.
    start : (float, float), default (-1.0, 4.0)
    seed : int, numpy.random.Generator or None, default 0

    Returns
    -------
    NoisyRun

    Raises
    ------
    ValueError
        Also when the run diverges (w and b overflow): a NoisyRun holds finite numbers only.
    """
    X, Y, num_epochs, mini_batch_size, start = check_line_run_args(X, Y, num_epochs, mini_batch_size, start)
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a callable epoch_num -> alpha or None, got {type(schedule).__name__}")
    if not isinstance(schedule_by, str) or schedule_by not in ("epoch", "iteration"):
        raise ValueError(f"schedule_by == {schedule_by!r}, must be 'epoch' or 'iteration'")
    if not (hasattr(optimizer, "init") and hasattr(optimizer, "step")):
        raise TypeError(f"optimizer must have init and step (a course optimizer), got {type(optimizer).__name__}")
    rng = check_rng(seed)

    batches = num_mini_batches(X.shape[1], mini_batch_size)
    steps = num_epochs * batches
    params = {"w": np.array([float(start[0])]), "b": np.array([float(start[1])])}
    state = optimizer.init(params)
    path = np.empty((steps + 1, 2))
    path[0] = start
    rates = np.empty(steps)
    i = 0
    for epoch_num in range(1, num_epochs + 1):
        if schedule is not None and schedule_by == "epoch":
            optimizer.learning_rate = schedule(epoch_num)          # validated: > 0 and finite
        for X_t, Y_t in iter_mini_batches(X, Y, mini_batch_size, rng):
            if schedule is not None and schedule_by == "iteration":
                optimizer.learning_rate = schedule(i + 1)          # t = i + 1: iterations count from 1
            dw, db = line_gradients_unchecked(params["w"][0], params["b"][0], X_t, Y_t)
            try:
                params, state = optimizer.step(params, {"w": np.array([dw]), "b": np.array([db])}, state)
            except (ValueError, StepOverflowError):                # the gradients or the update overflowed
                raise _diverged(epoch_num, optimizer.learning_rate) from None
            rates[i] = optimizer.learning_rate
            i += 1
            path[i] = params["w"][0], params["b"][0]               # a copy: step works in place

    minimum = np.array(least_squares_line(X, Y))
    with np.errstate(over="ignore", invalid="ignore"):
        distance = np.linalg.norm(path - minimum, axis=1)
        cost = line_cost_unchecked(path[:, 0], path[:, 1], X, Y)
    if not (np.isfinite(distance).all() and np.isfinite(cost).all()):  # w, b grew too large to measure
        raise _diverged(num_epochs, optimizer.learning_rate)
    return NoisyRun(
        path=path,
        epoch_position=np.arange(steps + 1) / batches,
        learning_rates=rates,
        distance=distance,
        cost=cost,
        minimum=minimum,
        batches_per_epoch=batches,
    )


def _diverged(epoch_num, learning_rate):
    return ValueError(
        f"the run diverged (w and b overflowed) by epoch {epoch_num}: learning_rate == {learning_rate!r} "
        "is far too large for these data"
    )


def mean_distance_last_epochs(run, last_epochs=5):
    """Mean distance to the minimum over the points of the last ``last_epochs`` epochs.

    A measure of how far the iterates still wander once the run has arrived.
    """
    if not isinstance(run, NoisyRun):
        raise TypeError(f"run must be the NoisyRun that run_minibatch_gd returns, got {type(run).__name__}")
    last_epochs = check_int(last_epochs, "last_epochs", min_val=1)
    num_epochs = round(run.epoch_position[-1])
    if last_epochs > num_epochs:
        raise ValueError(f"last_epochs == {last_epochs}, must be in [1, {num_epochs}] (the run's epochs)")
    return float(run.distance[run.epoch_position > num_epochs - last_epochs].mean())

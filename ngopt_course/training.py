"""Train the network of ``nn.py`` with mini-batches and any of the course's optimizers.

``_train_loop`` is the lecture's loop and nothing else::

    for epoch in 1..num_epochs:                  # one epoch = one pass through the data
        alpha = schedule(epoch)                  # learning-rate decay, if there is a schedule
        for t in 1..T:                           # a fresh shuffle, T = ceil(m / mini_batch_size)
            forward prop on X{t}, compute the cost J{t}, backprop
            update the parameters with the optimizer (GD, momentum, RMSProp or Adam)

``train`` checks the arguments once and runs it; what a real run needs besides is kept
in small pieces around it (``_Run``): the history, a progress bar, a stop (with a clear
reason) when the cost stops being a number, the stop button (KeyboardInterrupt)
returning what was trained so far, a time budget, and checkpoints to resume from
(``checkpoints.py``).
"""

from __future__ import annotations

import contextlib
import copy
import math
import time

import numpy as np

from ._validation import check_int, check_path, check_real, check_rng
from . import checkpoints as ckpt_module
from .checkpoints import History
from .minibatch import iter_mini_batches, num_mini_batches
from .nn import check_network_args, cost_and_grads, initialize_parameters
from .optimizers import StepOverflowError

__all__ = ["train", "History", "CHECKPOINT_SECONDS"]

CHECKPOINT_SECONDS = 10.0  # default spacing of checkpoints, see train(checkpoint_every=None)


def _train_loop(run, X, Y, params, optimizer, state, schedule, rng):
    """The lecture's loop. ``run`` records the history and ends the run early (raising _Stop)."""
    for epoch in range(run.first_epoch, run.num_epochs + 1):        # epochs counted from 1
        run.start_epoch(epoch)
        if schedule is not None:
            _set_learning_rate(optimizer, schedule, epoch)           # learning-rate decay: alpha = schedule(epoch)
        run.learning_rates.append(optimizer.learning_rate)
        for X_t, Y_t in iter_mini_batches(X, Y, run.mini_batch_size, rng):  # a fresh shuffle every epoch
            X_t, Y_t = run.next_mini_batch(X_t, Y_t)                 # t += 1; in the parameters' dtype
            cost, grads = _cost_and_grads(X_t, Y_t, params, run.lambd, run.hidden_activation)  # forward, J{t}, backprop
            run.check(cost, grads, X_t)                              # a cost that is not a number ends the run
            optimizer.step(params, grads, state)                     # update W[l], b[l] (in place)
            run.record(cost, X_t, params)                            # history; time budget; callback
        run.end_epoch(params, state, rng)                            # epoch cost, progress bar, checkpoint


def _cost_and_grads(X_t, Y_t, params, lambd, hidden_activation):
    """Forward prop, J{t} and backprop on one mini-batch: ``train`` checked everything once."""
    return cost_and_grads(X_t, Y_t, params, lambd, hidden_activation, check=False)


def train(
    X,
    Y,
    layer_dims,
    optimizer,
    *,
    mini_batch_size=64,
    num_epochs=1000,
    schedule=None,
    lambd=0.0,
    seed=0,
    hidden_activation="relu",
    dtype=None,
    progress=True,
    print_every=None,
    time_budget=None,
    checkpoint=None,
    checkpoint_every=None,
    resume_from=None,
    callback=None,
):
    """Train a network ``layer_dims`` on (X, Y) with mini-batches; return ``(params, history)``.

    Parameters
    ----------
    X : array of shape (n[0], m)
        Examples in columns. May be an ``np.memmap``: only one mini-batch at a time is
        read and copied (X is never scanned or copied whole).
    Y : array of shape (1, m)
        Labels 0 or 1.
    layer_dims : list of int
        ``[n[0], n[1], ..., n[L]]``; n[0] must equal the rows of X.
    optimizer : GradientDescent, Momentum, RMSProp or Adam
        Its hyperparameters are used as they are; its state comes from
        ``optimizer.init(params)``. With a ``schedule``, ``optimizer.learning_rate`` is
        set at the start of every epoch and put back to its first value when ``train``
        returns, so the same object can start another run unchanged.
    mini_batch_size : int, default 64
        Size m for batch gradient descent, 1 for stochastic gradient descent.
    num_epochs : int, default 1000
        Total number of epochs, counting those of a checkpoint resumed from.
    schedule : callable, optional
        ``schedule(epoch_num) -> learning rate``, called at the start of every epoch,
        with epochs counted from 1 as in the lecture, e.g.
        ``lambda epoch: inverse_time_decay(0.2, epoch, 1.0)``.
    lambd : float, default 0.0
        L2 regularisation strength, >= 0.
    seed : int, numpy.random.Generator or None, default 0
        One generator draws the initial weights (exactly as
        ``initialize_parameters(layer_dims, seed)``) and then a new shuffle every epoch.
    hidden_activation : {"relu", "tanh"}, default "relu"
    dtype : float32 or float64, optional
        Of the parameters and of all computation; each mini-batch is cast to it. Default:
        the dtype of X if it is a float, else float64.
    progress : bool, default True
        A progress bar over the epochs showing the last epoch's cost.
    print_every : int, optional
        Also print the cost every ``print_every`` epochs.
    time_budget : float, optional
        Stop after the first mini-batch step that ends more than this many seconds after
        the start (e.g. to compare mini-batch sizes in equal time).
    checkpoint : str or os.PathLike, optional
        Save a checkpoint (``.npz``) here at the end of some epochs (below) and after the
        last one. Saving is atomic: an interrupted save keeps the previous file.
    checkpoint_every : int, optional
        Save every ``checkpoint_every`` epochs. Default: at the end of the first epoch
        that finishes ``CHECKPOINT_SECONDS`` (10 s) or more after the previous save: a
        save makes sure the file is on disk, which can take longer than a whole epoch of
        a small network, so saving every epoch would slow such a run several times
        over (figures: benchmarks/README.md).
    resume_from : str, os.PathLike or Checkpoint, optional
        Continue the run saved there up to ``num_epochs``: the parameters, optimizer
        state, history and shuffling generator are restored (``seed`` is then unused),
        and the result is bit for bit that of a run never interrupted. The network,
        optimizer and its hyperparameters, lambd, mini_batch_size, m, dtype and the
        presence of a schedule must be those the checkpoint was saved with.
    callback : callable, optional
        ``callback(params, steps, seconds)``, called before the first step (with the
        initial parameters) and after every step, with the steps taken so far and the
        seconds of training at the end of the last one (as in ``history.times``): e.g.
        to measure the cost on a whole or a held-out set as training goes. Its own time is
        kept off the clock (``history.times`` and ``time_budget``). It must not change
        ``params``; returning True ends the run after this step.

    Returns
    -------
    params : dict
        ``W1, b1, ..., WL, bL`` after the last step taken.
    history : History
        Per-mini-batch costs, per-epoch costs and learning rates, ``stopped_early`` and
        ``stop_reason``.

    Notes
    -----
    ``train`` stops early, keeps what it has and says why in ``history.stop_reason``
    (also printed when ``progress`` or ``print_every`` is on) when

    - the cost J{t} or a gradient is not a finite number (divergence, usually a
      learning rate that is too large): the parameters returned are those from before
      that step, and no NaN enters the history;
    - the optimizer's update itself overflows (``StepOverflowError``: a learning rate
      or gradients far too large for the dtype): the update has been applied in place,
      so the parameters returned are those after it, and the reason says whether they
      hold inf or NaN;
    - the stop button is pressed (KeyboardInterrupt): the parameters and history so far
      are returned instead of being lost. If the interrupt lands inside the update of a
      mini-batch, some arrays may already have taken that step; the reason says so;
    - the time budget is used up.

    Checkpoints are written at the end of epochs only, so resuming restarts from the
    end of the last epoch saved.

    While it runs, numpy's BLAS works on one thread when every matrix product of a step
    is small (in the course's networks, mini-batches up to some 10,000 examples):
    threads only slow such products down. The setting is restored when ``train`` returns.
    """
    X, Y, dims, lambd, dtype = check_network_args(X, Y, layer_dims, lambd, hidden_activation, dtype)
    _check_optimizer(optimizer)
    mini_batch_size = check_int(mini_batch_size, "mini_batch_size", min_val=1)
    num_epochs = check_int(num_epochs, "num_epochs", min_val=1)
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule must be a function epoch_num -> learning rate, got {schedule!r}")
    if print_every is not None:
        print_every = check_int(print_every, "print_every", min_val=1)
    if time_budget is not None:
        time_budget = check_real(time_budget, "time_budget", min_val=0.0, closed="neither")
    if checkpoint_every is not None:
        checkpoint_every = check_int(checkpoint_every, "checkpoint_every", min_val=1)
    if checkpoint is not None:
        checkpoint = check_path(checkpoint, "checkpoint")  # now, not at the first save an epoch later
    if resume_from is not None and not isinstance(resume_from, ckpt_module.Checkpoint):
        resume_from = check_path(resume_from, "resume_from")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function (params, steps, seconds) -> bool, got {callback!r}")
    rng = check_rng(seed)

    run = _Run(X.shape[1], mini_batch_size, num_epochs, lambd, hidden_activation, dtype, time_budget,
               print_every, progress, optimizer, callback)
    if checkpoint is not None or resume_from is not None:
        run.describe_for_checkpoints(optimizer, dims, schedule is not None, checkpoint, checkpoint_every)
    if resume_from is not None:
        params, state, rng = run.resume(resume_from)
    else:
        params = initialize_parameters(dims, seed=rng, hidden_activation=hidden_activation, dtype=dtype)
        state = optimizer.init(params)
        run.begin()
    if checkpoint is not None:
        # Refuse someone else's file now, before the first epoch trains for nothing (a file
        # resumed from above is this session's own and passes).
        ckpt_module.check_may_replace(checkpoint)

    learning_rate0 = optimizer.learning_rate
    stop_reason = None
    try:
        # Overflow in a diverging run is expected and detected (non-finite cost): numpy's
        # warnings about it would only repeat that, hundreds of times.
        with np.errstate(over="ignore", invalid="ignore"), \
                _small_products_on_one_thread(dims, min(mini_batch_size, X.shape[1])):
            run.start_clock(params)
            _train_loop(run, X, Y, params, optimizer, state, schedule, rng)
    except _Stop as stop:
        stop_reason = stop.reason
    except StepOverflowError:
        if run.phase != "update":
            raise
        stop_reason = _overflow_reason(params, run.epoch, run.t, run.T, optimizer)
    except ValueError:
        # The optimizers refuse non-finite gradients before touching any array; that
        # check is the one relied on here (no second pass over the gradients).
        if run.phase != "update" or _all_finite(run.grads):
            raise
        stop_reason = _divergence_reason(run.cost, run.X_t, run.epoch, run.t, run.T, optimizer)
    except KeyboardInterrupt:
        stop_reason = "interrupted (KeyboardInterrupt) " + _where(run.phase, run.epoch, run.t, run.T)
    finally:
        run.close()
        if schedule is not None:
            optimizer.learning_rate = learning_rate0
    if stop_reason is not None and run.verbose:
        run.say(f"Training stopped: {stop_reason}.")
    return params, run.history(stop_reason)


# ---------------------------------------------------------------------------
# The pieces around the loop
# ---------------------------------------------------------------------------

class _Stop(Exception):
    """Ends the run early; ``reason`` goes to ``history.stop_reason``."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class _Run:
    """The bookkeeping of one call of ``train``: where it is, the history, the progress bar, checkpoints.

    ``phase`` says where in the loop the run is (for the stop button's message):
    "start" of an epoch, "gradients" (computing them), "update" (``optimizer.step``),
    "between" mini-batches, "end of epoch", "checkpoint" (saving one).
    """

    def __init__(self, m, mini_batch_size, num_epochs, lambd, hidden_activation, dtype, time_budget,
                 print_every, progress, optimizer, callback=None):
        self.m, self.mini_batch_size, self.num_epochs = m, mini_batch_size, num_epochs
        self.lambd, self.hidden_activation, self.dtype = lambd, hidden_activation, dtype
        self.time_budget, self.print_every, self.progress = time_budget, print_every, progress
        self.T = num_mini_batches(m, mini_batch_size)
        self.verbose = progress or print_every is not None
        self.optimizer = optimizer  # its learning rate goes into the divergence message
        self.callback = callback
        self.checkpoint = None
        self.epoch, self.t, self.phase = 0, 0, "start"
        self.grads = self.cost = self.X_t = None  # the last mini-batch's, for the divergence message

    # ---- a new run, or the one saved in a checkpoint -------------------------------

    def describe_for_checkpoints(self, optimizer, dims, has_schedule, checkpoint, checkpoint_every):
        self.checkpoint, self.checkpoint_every = checkpoint, checkpoint_every
        self.opt_name, self.hyper = ckpt_module.optimizer_description(optimizer)
        self.config = {
            "layer_dims": list(dims), "hidden_activation": self.hidden_activation, "lambd": self.lambd,
            "mini_batch_size": self.mini_batch_size, "m": self.m, "dtype": self.dtype.name,
            "has_schedule": has_schedule,
        }

    def resume(self, resume_from):
        """Params, optimizer state and generator saved in a checkpoint; the history continues."""
        saved = resume_from
        if not isinstance(saved, ckpt_module.Checkpoint):
            saved = ckpt_module.load_checkpoint(resume_from)
        ckpt_module.check_resumable(saved, optimizer_name=self.opt_name, hyperparameters=self.hyper,
                                    config=self.config)
        if saved.epoch > self.num_epochs:
            raise ValueError(
                f"the checkpoint has {saved.epoch} epochs already, more than num_epochs = {self.num_epochs}"
            )
        self.begin(saved.history, saved.epoch)
        # Copies: the updates work in place, and the same Checkpoint may be resumed twice.
        params = {key: np.array(value, copy=True) for key, value in saved.params.items()}
        return params, copy.deepcopy(saved.state), saved.make_rng()

    def begin(self, old=None, start_epoch=0):
        """Preallocate the history (cheaper than lists, and checkpoints slice it for free); start the clock."""
        old = History() if old is None else old
        n_old = len(old.costs)
        # Room for every step, up to a limit: a run the time budget or the callback ends
        # may be given num_epochs far beyond what it runs; record() doubles it when full.
        self.costs = np.empty(n_old + min((self.num_epochs - start_epoch) * self.T, _FIRST_ROOM))
        self.times = np.empty_like(self.costs)
        self.costs[:n_old], self.times[:n_old] = old.costs, old.times
        self.epoch_costs = list(old.epoch_costs)
        self.learning_rates = list(old.learning_rates)
        self.n_steps = n_old
        self.time_offset = float(old.times[-1]) if n_old else 0.0
        self.first_epoch = start_epoch + 1
        self.completed = self.epoch = start_epoch

        from tqdm.auto import tqdm  # here, not at import: it pulls in IPython in a kernel

        self.bar = tqdm(total=self.num_epochs, initial=start_epoch, disable=not self.progress,
                        desc=type(self.optimizer).__name__, unit="epoch")
        self.say = tqdm.write if self.progress else print
        self.start = self.last_save = time.perf_counter()

    def start_clock(self, params):
        """Start the clock (again, after set-up) and show the callback the initial parameters."""
        self.start = time.perf_counter()
        if self.callback is not None:
            self._call_back(params, self.time_offset)

    def _call_back(self, params, seconds):
        """The callback, its time off the clock; a True from it ends the run."""
        begin = time.perf_counter()
        stop = self.callback(params, self.n_steps, seconds)
        self.start += time.perf_counter() - begin
        if stop:
            raise _Stop(f"the callback asked to stop {_where(self.phase, self.epoch, self.t, self.T)}")

    def close(self):
        self.bar.close()

    def history(self, stop_reason=None):
        completed = self.completed
        return History(
            costs=self.costs[: self.n_steps].copy(), epoch_costs=np.array(self.epoch_costs[:completed], dtype=np.float64),
            learning_rates=np.array(self.learning_rates, dtype=np.float64), epochs_completed=completed,
            stopped_early=stop_reason is not None, stop_reason=stop_reason,
            times=self.times[: self.n_steps].copy(),
        )

    # ---- called by _train_loop -----------------------------------------------------

    def start_epoch(self, epoch):
        self.epoch, self.t, self.phase = epoch, 0, "start"
        self.epoch_total = 0.0
        self.out_of_time = False

    def next_mini_batch(self, X_t, Y_t):
        """Count it (t += 1) and give it the parameters' dtype."""
        self.t, self.phase = self.t + 1, "gradients"
        X_t = np.asarray(X_t)  # a memmap slice would slow every ufunc
        if X_t.dtype != self.dtype:
            X_t = X_t.astype(self.dtype)
        if Y_t.dtype != self.dtype:
            Y_t = Y_t.astype(self.dtype)
        return X_t, Y_t

    def check(self, cost, grads, X_t):
        """Stop when J{t} is not a finite number: the run diverged (or X holds a NaN)."""
        self.cost, self.grads, self.X_t = cost, grads, X_t
        if not math.isfinite(cost):
            raise _Stop(_divergence_reason(cost, X_t, self.epoch, self.t, self.T, self.optimizer))
        self.phase = "update"

    def record(self, cost, X_t, params):
        """J{t} and the time into the history; the callback; stop once the time budget is used up."""
        n = self.n_steps
        if n == self.costs.size:
            self.costs, self.times = (np.concatenate([a, np.empty(max(a.size, 1))]) for a in (self.costs, self.times))
        self.costs[n] = cost
        self.times[n] = self.time_offset + time.perf_counter() - self.start
        self.n_steps = n + 1
        self.epoch_total += cost * X_t.shape[1]
        self.phase = "between"
        if self.callback is not None:
            self._call_back(params, float(self.times[n]))
        if self.time_budget is not None and self.times[n] - self.time_offset >= self.time_budget:
            self.out_of_time = True
            if self.t < self.T:
                raise _Stop(f"time budget of {self.time_budget:g} s used up in epoch {self.epoch}, "
                            f"after mini-batch {self.t} of {self.T}")

    def end_epoch(self, params, state, rng):
        """The epoch's cost, a checkpoint when one is due, the progress bar; stop when out of time."""
        epoch = self.epoch
        self.phase = "end of epoch"
        self.epoch_costs.append(self.epoch_total / self.m)
        self.completed = epoch
        if self._checkpoint_due(epoch):
            self.phase = "checkpoint"
            ckpt_module.save_checkpoint(self.checkpoint, ckpt_module.Checkpoint(
                params=params, optimizer_name=self.opt_name, hyperparameters=self.hyper, state=state,
                history=self.history(), rng_state=rng.bit_generator.state, config=self.config,
            ))
            self.phase = "end of epoch"
            self.last_save = time.perf_counter()
        self.bar.set_postfix(cost=f"{self.epoch_costs[epoch - 1]:.4f}", refresh=False)
        self.bar.update(1)
        if self.print_every is not None and epoch % self.print_every == 0:
            self.say(f"epoch {epoch}: cost {self.epoch_costs[epoch - 1]:.6f}")
        if self.out_of_time and epoch < self.num_epochs:
            raise _Stop(f"time budget of {self.time_budget:g} s used up at the end of epoch {epoch}")

    def _checkpoint_due(self, epoch):
        if self.checkpoint is None:
            return False
        every = self.checkpoint_every
        return (epoch == self.num_epochs
                or (every is not None and epoch % every == 0)
                or (every is None and time.perf_counter() - self.last_save >= CHECKPOINT_SECONDS))


# ---------------------------------------------------------------------------
# Small helpers: checks, BLAS threads, messages
# ---------------------------------------------------------------------------

#: Steps the history has room for at the start; it doubles when full.
_FIRST_ROOM = 2**16

# Mini-batch steps whose largest matrix product has at most this many multiply-adds run
# numpy's BLAS on one thread (see _small_products_on_one_thread).
_ONE_THREAD_MAX_PRODUCT = 2**24


def _small_products_on_one_thread(dims, mini_batch_size):
    """While ``train`` runs, keep numpy's BLAS on one thread if every product is small.

    A step on a mini-batch of 1,000 examples and layers of tens of units multiplies
    matrices in some tens of microseconds: waking and joining a second BLAS thread costs
    as much, and when another process holds a core (a browser, another kernel) each
    product waits for a thread that is not running. So one thread is chosen wherever
    the largest product is small: on a busy machine two threads made an epoch many
    times slower, and on a quiet one they gained nothing (benchmarks/epoch_5m.py; the
    figures are in benchmarks/README.md). Large products (batch gradient descent on a
    big m) keep their threads. The limit uses threadpoolctl and is lifted when ``train``
    returns or raises; without threadpoolctl nothing is changed.
    """
    largest = mini_batch_size * max(a * b for a, b in zip(dims[:-1], dims[1:]))
    if largest > _ONE_THREAD_MAX_PRODUCT:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _check_optimizer(optimizer):
    if isinstance(optimizer, type):
        raise TypeError(
            f"optimizer must be an optimizer object such as {optimizer.__name__}(learning_rate=0.01), "
            f"got the class {optimizer.__name__} itself"
        )
    for attr in ("init", "step", "learning_rate"):
        if not hasattr(optimizer, attr):
            raise TypeError(
                f"optimizer must have init(), step() and learning_rate (GradientDescent, Momentum, "
                f"RMSProp, Adam), got {type(optimizer).__name__} without {attr}"
            )
    return optimizer


def _set_learning_rate(optimizer, schedule, epoch):
    lr = schedule(epoch)
    try:
        optimizer.learning_rate = lr
    except (TypeError, ValueError) as err:
        raise type(err)(f"schedule({epoch}) returned {lr!r}, not a usable learning rate: {err}") from None


def _all_finite(arrays):
    return all(np.isfinite(a).all() for a in arrays.values())


def _where(phase, epoch, t, T):
    if phase == "start":
        return f"at the start of epoch {epoch}, before its first mini-batch"
    if phase == "gradients":
        return (f"in epoch {epoch}, at mini-batch {t} of {T} before its update "
                f"({t - 1} of this epoch's mini-batches were applied)")
    if phase == "between":
        return f"in epoch {epoch}, after mini-batch {t} of {T}"
    if phase == "update":
        return (f"in epoch {epoch}, during the update of mini-batch {t} of {T} "
                "(some arrays may already have taken this step)")
    if phase == "checkpoint":
        return f"after epoch {epoch}, while saving the checkpoint (the previous checkpoint file is intact)"
    return f"after epoch {epoch} was completed"


def _overflow_reason(params, epoch, t, T, optimizer):
    hold = "finite values" if _all_finite(params) else "inf or NaN"
    return (
        f"the optimizer's update overflowed at epoch {epoch}, mini-batch {t} of {T}: the run diverged; the "
        f"learning rate ({optimizer.learning_rate:g}) or the gradients are far too large. The parameters "
        f"returned are those after this update and hold {hold}"
    )


def _divergence_reason(cost, X_t, epoch, t, T, optimizer):
    where = f"at epoch {epoch}, mini-batch {t} of {T}"
    if not np.isfinite(X_t).all():
        return f"X has NaN or infinite values in mini-batch {t} of epoch {epoch}; training stopped {where}"
    what = f"the cost J{{t}} is {cost}" if not math.isfinite(cost) else "a gradient is not finite"
    return (
        f"{what} {where}: the run diverged; the learning rate ({optimizer.learning_rate:g}) is "
        "probably too large. The parameters returned are those from before this step"
    )

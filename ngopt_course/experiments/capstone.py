"""The capstone (notebook 09): one network, several optimizers and schedules, compared.

The setting is the course assignment's: a [2, 5, 2, 1] ReLU network on two moons
(``data.make_moons(300, 0.2, seed=0)``), mini-batches of 64, 5000 epochs, seed 3.
Three learning-rate settings (``SETTINGS``):

- ``"small"``: a fixed alpha = 0.0007, small enough to be safe for every optimizer;
- ``"large"``: a fixed alpha = 0.1;
- ``"decay"``: alpha0 = 0.1 lowered every 1000 epochs by the assignment's fixed-interval
  inverse-time decay (``schedules.schedule_lr_decay``), alpha = alpha0 / (1 + decay_rate *
  floor((epoch_num - 1) / 1000)) with decay_rate = 1 and epochs counted from 1: epochs
  1-1000 use 0.1, 1001-2000 use 0.05, ..., 4001-5000 use 0.02; the rate drops after
  epochs 1000, 2000, 3000 and 4000.

This module trains a run (``train_run``, a thin wrapper of ``training.train``), keeps
what the comparison needs (``CapstoneRun``: parameters, history, accuracy, time, the
decision grid) and computes the classifier's decision on a grid of points
(``decision_grid``) for the pictures, which ``plots.capstone`` only draws.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Optional

import numpy as np

from .._validation import check_array, check_int, check_real
from ..checkpoints import History
from ..nn import accuracy, predict
from ..optimizers import Adam, GradientDescent, Momentum
from ..schedules import schedule_lr_decay
from ..training import train

__all__ = [
    "LAYER_DIMS",
    "SEED",
    "MINI_BATCH_SIZE",
    "NUM_EPOCHS",
    "DECAY_INTERVAL",
    "OPTIMIZER_NAMES",
    "Setting",
    "SETTINGS",
    "make_schedule",
    "capstone_optimizer",
    "data_bounds",
    "decision_grid",
    "cost_jitter",
    "CapstoneRun",
    "summarize_run",
    "train_run",
    "accuracy_table",
]

LAYER_DIMS = (2, 5, 2, 1)
SEED = 3
MINI_BATCH_SIZE = 64
NUM_EPOCHS = 5000
#: Epochs between two decays of the learning rate in the "decay" setting.
DECAY_INTERVAL = 1000
OPTIMIZER_NAMES = ("gd", "momentum", "adam")


@dataclass(frozen=True)
class Setting:
    """A learning-rate setting: alpha0 and, for a schedule, the decay rate.

    Attributes
    ----------
    key : str
    label : str
        For legends and tables.
    learning_rate0 : float
        alpha (fixed) or alpha0 (the first epochs' rate under the schedule).
    decay_rate : float or None
        None for a fixed learning rate; else the decay rate of
        ``schedules.schedule_lr_decay`` (every ``DECAY_INTERVAL`` epochs).
    """

    key: str
    label: str
    learning_rate0: float
    decay_rate: Optional[float] = None


SETTINGS = MappingProxyType({
    s.key: s for s in [
        Setting("small", "α = 0.0007", 0.0007),
        Setting("large", "α = 0.1", 0.1),
        Setting("decay", "α0 = 0.1, decayed every 1000 epochs", 0.1, 1.0),
    ]
})


def make_schedule(setting):
    """The function epoch_num -> alpha that ``train(schedule=...)`` needs, or None if alpha is fixed."""
    setting = _get_setting(setting)
    if setting.decay_rate is None:
        return None
    alpha0, rate = setting.learning_rate0, setting.decay_rate
    return lambda epoch_num: schedule_lr_decay(alpha0, epoch_num, rate, DECAY_INTERVAL)


def _get_setting(setting):
    if isinstance(setting, Setting):
        return setting
    if setting not in SETTINGS:
        raise ValueError(f"setting == {setting!r}, must be one of {list(SETTINGS)}")
    return SETTINGS[setting]


def _check_optimizer_name(name):
    if name not in OPTIMIZER_NAMES:
        raise ValueError(f"optimizer == {name!r}, must be one of {list(OPTIMIZER_NAMES)}")
    return name


def capstone_optimizer(name, learning_rate):
    """GradientDescent, Momentum (beta = 0.9) or Adam (0.9, 0.999, 1e-8) with this alpha."""
    _check_optimizer_name(name)
    return {"gd": GradientDescent, "momentum": Momentum, "adam": Adam}[name](learning_rate)


def data_bounds(X, margin=0.5):
    """The box around the examples (columns of X, shape (2, m)) plus a margin, for a grid.

    Returns
    -------
    ((x1_min, x1_max), (x2_min, x2_max))
    """
    X = check_array(X, "X", ndim=2)
    if X.shape[0] != 2 or X.shape[1] == 0:
        raise ValueError(f"X must have shape (2, m) with m >= 1, got {X.shape}")
    margin = check_real(margin, "margin", min_val=0.0)
    lo, hi = X.min(axis=1) - margin, X.max(axis=1) + margin
    return (float(lo[0]), float(hi[0])), (float(lo[1]), float(hi[1]))


def decision_grid(params, bounds, num=200, hidden_activation="relu"):
    """The network's label (0 or 1) at every point of a num x num grid over ``bounds``.

    Parameters
    ----------
    params : dict
        A network with 2 inputs (``W1`` of shape (n[1], 2)).
    bounds : ((x1_min, x1_max), (x2_min, x2_max))
        E.g. ``data_bounds(X)``.
    num : int, default 200
        Points per axis, >= 2.

    Returns
    -------
    xx, yy : ndarrays of shape (num, num)
        ``np.meshgrid`` of the two input coordinates.
    labels : ndarray of int, shape (num, num)
        ``predict`` at each grid point: the decision boundary lies where it changes.
    """
    num = check_int(num, "num", min_val=2)
    try:
        (x_min, x_max), (y_min, y_max) = bounds
    except (TypeError, ValueError):
        raise ValueError(f"bounds must be ((x1_min, x1_max), (x2_min, x2_max)), got {bounds!r}") from None
    for name, lo, hi in (("x1", x_min, x_max), ("x2", y_min, y_max)):
        lo = check_real(lo, f"bounds {name}_min")
        if check_real(hi, f"bounds {name}_max") <= lo:
            raise ValueError(f"bounds for {name} are ({lo}, {hi}); the maximum must exceed the minimum")
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, num), np.linspace(y_min, y_max, num))
    points = np.vstack([xx.ravel(), yy.ravel()])      # one point per column, like X
    labels = predict(points, params, hidden_activation).reshape(num, num)
    return xx, yy, labels


def cost_jitter(epoch_costs, last=1000):
    """Mean size of the epoch-to-epoch change of the cost over the last ``last`` epochs.

    ``mean |J_e - J_{e-1}|``: how much a run still wanders once it has arrived. A
    decaying learning rate makes it small (lecture, section 12).
    """
    costs = check_array(epoch_costs, "epoch_costs", ndim=1)
    last = check_int(last, "last", min_val=1)
    if costs.size < 2:
        raise ValueError(f"epoch_costs has {costs.size} value(s); need at least 2")
    tail = costs[-(last + 1):]
    return float(np.mean(np.abs(np.diff(tail))))


@dataclass
class CapstoneRun:
    """One trained run and what the comparison shows of it.

    Attributes
    ----------
    optimizer : str
        "gd", "momentum" or "adam".
    setting : str
        A key of ``SETTINGS``.
    params : dict
    history : History
    accuracy : float
        Training-set accuracy in [0, 1].
    seconds : float
        Training time (NaN if not measured).
    grid : (xx, yy, labels)
        ``decision_grid`` of the trained network.
    """

    optimizer: str
    setting: str
    params: dict
    history: History
    accuracy: float
    seconds: float
    grid: tuple

    @property
    def key(self):
        """``(optimizer, setting)``, the run's key in a dict of runs."""
        return (self.optimizer, self.setting)

    @property
    def epoch_costs(self):
        return self.history.epoch_costs

    @property
    def final_cost(self):
        """The cost of the last epoch."""
        return float(self.history.epoch_costs[-1])

    @property
    def label(self):
        names = {"gd": "gradient descent", "momentum": "momentum", "adam": "Adam"}
        return f"{names[self.optimizer]}, {SETTINGS[self.setting].label}"


def summarize_run(X, Y, optimizer, setting, params, history, *, seconds=float("nan"), bounds=None, num=150):
    """Wrap a run trained with ``train`` into a ``CapstoneRun`` (accuracy and decision grid).

    Parameters
    ----------
    X, Y : arrays (2, m), (1, m)
        The training set (accuracy and default grid bounds).
    optimizer : str
        "gd", "momentum" or "adam".
    setting : str
        A key of ``SETTINGS``.
    params, history
        What ``train`` returned.
    seconds : float, optional
    bounds : optional
        Grid bounds; default ``data_bounds(X)``.
    num : int, default 150
        Grid points per axis.
    """
    _check_optimizer_name(optimizer)
    setting = _get_setting(setting).key
    bounds = data_bounds(X) if bounds is None else bounds
    return CapstoneRun(
        optimizer=optimizer, setting=setting, params=params, history=history,
        accuracy=accuracy(X, Y, params), seconds=float(seconds),
        grid=decision_grid(params, bounds, num),
    )


def train_run(X, Y, optimizer, setting, *, num_epochs=NUM_EPOCHS, seed=SEED, mini_batch_size=MINI_BATCH_SIZE,
              progress=False, bounds=None, num=150):
    """Train the capstone network with one optimizer and one setting; return a ``CapstoneRun``.

    Equivalent to ``train(X, Y, LAYER_DIMS, capstone_optimizer(optimizer, alpha0),
    mini_batch_size=64, num_epochs=5000, schedule=make_schedule(setting), seed=3)``
    followed by ``summarize_run``; the time of ``train`` is measured.
    """
    _check_optimizer_name(optimizer)
    s = _get_setting(setting)
    start = time.perf_counter()
    params, history = train(
        X, Y, list(LAYER_DIMS), capstone_optimizer(optimizer, s.learning_rate0),
        mini_batch_size=mini_batch_size, num_epochs=num_epochs, schedule=make_schedule(s),
        seed=seed, progress=progress,
    )
    seconds = time.perf_counter() - start
    return summarize_run(X, Y, optimizer, s.key, params, history, seconds=seconds, bounds=bounds, num=num)


def accuracy_table(runs):
    """A plain-text table of runs: accuracy, final cost, late jitter of the cost.

    Parameters
    ----------
    runs : iterable of CapstoneRun

    Returns
    -------
    str
    """
    runs = list(runs)
    width = max([len("run")] + [len(r.label) for r in runs])
    lines = [f"{'run':<{width}}  accuracy  final cost  jitter (last 1000 epochs)"]
    for r in runs:
        jitter = cost_jitter(r.epoch_costs) if r.epoch_costs.size >= 2 else math.nan
        lines.append(f"{r.label:<{width}}  {r.accuracy:8.1%}  {r.final_cost:10.4f}  {jitter:.5f}")
    return "\n".join(lines)

"""Save a training run to one ``.npz`` file and load it back, to resume it exactly.

A checkpoint holds everything the next epoch depends on: the parameters, the
optimizer's state (v, s, t), its class name and hyperparameters, the history so far,
the epoch reached and the state of the random generator that shuffles the mini-batches.
Resuming from it gives, bit for bit, the parameters and history of a run that was never
interrupted (``tests/test_checkpoints.py``).

The file is a plain ``.npz``: arrays, plus one JSON string for the small things. It is
read with ``allow_pickle=False`` (a pickle inside a file can run code), and written
atomically: to a temporary file in the same folder, then renamed over the old one, so a
save that fails half-way (full disk, stop button) leaves the previous checkpoint intact.

A save never replaces a file it did not make: an existing file is replaced only when
this Python session wrote it or resumed from it (and it has not changed since), as
``train(checkpoint=...)`` does epoch after epoch, or with ``overwrite=True``. Anything
else, say yesterday's 500-epoch run, is refused with an error naming the file.

``History`` lives here because a checkpoint stores it; ``ngopt_course.training``
re-exports it.
"""

from __future__ import annotations

import json
import os
import secrets
import struct
import zipfile
import zlib
from dataclasses import dataclass, field, fields

import numpy as np

from ._validation import check_path
from .optimizers import (
    Adam,
    AdamState,
    GradientDescent,
    GradientDescentState,
    Momentum,
    MomentumState,
    RMSProp,
    RMSPropState,
)

__all__ = ["History", "Checkpoint", "CheckpointError", "save_checkpoint", "load_checkpoint"]

FORMAT_VERSION = 1

# name -> (optimizer class, its hyperparameters besides learning_rate, state class)
_OPTIMIZERS = {
    "GradientDescent": (GradientDescent, (), GradientDescentState),
    "Momentum": (Momentum, ("beta",), MomentumState),
    "RMSProp": (RMSProp, ("beta", "epsilon", "eps_root"), RMSPropState),
    "Adam": (Adam, ("beta1", "beta2", "epsilon", "eps_root"), AdamState),
}
# Hyperparameters added since files were first written, with the value older files mean.
_ADDED_HYPERPARAMETERS = {"eps_root": 0.0}
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class CheckpointError(ValueError):
    """A checkpoint file cannot be read, or does not fit the run that wants to resume from it."""


@dataclass(eq=False)
class History:
    """What a training run recorded. Arrays, ready to plot.

    Attributes
    ----------
    costs : ndarray of float64
        J{t} of every mini-batch step, in order (the noisy curve of the lecture).
        Computed before the step's update, on the step's mini-batch.
    epoch_costs : ndarray of float64
        One per completed epoch: the mean of its mini-batch costs weighted by their
        sizes (the last mini-batch may be smaller).
    learning_rates : ndarray of float64
        The learning rate used in each epoch started (so it can be one longer than
        ``epoch_costs`` when a run stopped inside an epoch).
    epochs_completed : int
    stopped_early : bool
        True when the run stopped before ``num_epochs``: divergence, the stop button,
        or the time budget.
    stop_reason : str or None
        Why and where it stopped (epoch and mini-batch), None when it ran to the end.
    times : ndarray of float64
        Seconds of training (summed over resumed sessions) at the end of each mini-batch
        step, for plotting cost against time. Not reproduced by a resumed run (clocks differ).
    """

    costs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    epoch_costs: np.ndarray = field(default_factory=lambda: np.zeros(0))
    learning_rates: np.ndarray = field(default_factory=lambda: np.zeros(0))
    epochs_completed: int = 0
    stopped_early: bool = False
    stop_reason: str | None = None
    times: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def iterations(self):
        """1, 2, ..., len(costs): the x axis for ``costs``."""
        return np.arange(1, len(self.costs) + 1)

    @property
    def epochs(self):
        """1, 2, ..., epochs_completed: the x axis for ``epoch_costs`` (epochs count from 1)."""
        return np.arange(1, self.epochs_completed + 1)


_HISTORY_ARRAYS = ("costs", "epoch_costs", "learning_rates", "times")


@dataclass(eq=False)
class Checkpoint:
    """The contents of a checkpoint file (what ``load_checkpoint`` returns).

    Attributes
    ----------
    params : dict of ndarray
    optimizer_name : str
        "GradientDescent", "Momentum", "RMSProp" or "Adam".
    hyperparameters : dict
        ``learning_rate`` (the optimizer's own, before any schedule) and the others
        (beta, beta1, beta2, epsilon as applicable).
    state : GradientDescentState, MomentumState, RMSPropState or AdamState
    history : History
    rng_state : dict
        ``numpy.random.Generator.bit_generator.state`` after the last completed epoch.
    config : dict
        What else fixes the run: layer_dims, hidden_activation, lambd, mini_batch_size,
        m (number of examples), dtype, has_schedule.
    """

    params: dict
    optimizer_name: str
    hyperparameters: dict
    state: object
    history: History
    rng_state: dict
    config: dict

    @property
    def epoch(self):
        """The number of epochs completed when the checkpoint was written."""
        return self.history.epochs_completed

    def make_optimizer(self):
        """A new optimizer with the saved class and hyperparameters."""
        cls = _OPTIMIZERS[self.optimizer_name][0]
        return cls(**self.hyperparameters)

    def make_rng(self):
        """A new ``numpy.random.Generator`` in the saved state."""
        name = self.rng_state["bit_generator"]
        bit_generator = getattr(np.random, name)()
        bit_generator.state = self.rng_state
        return np.random.Generator(bit_generator)


# ---------------------------------------------------------------------------
# Describing optimizers and generators
# ---------------------------------------------------------------------------

def optimizer_description(optimizer):
    """Return (name, hyperparameters) of one of the four course optimizers."""
    name = type(optimizer).__name__
    if name not in _OPTIMIZERS or type(optimizer) is not _OPTIMIZERS[name][0]:
        raise TypeError(
            f"checkpoints support the optimizers {sorted(_OPTIMIZERS)}, got {type(optimizer).__name__}"
        )
    hyper = {"learning_rate": float(optimizer.learning_rate)}
    for h in _OPTIMIZERS[name][1]:
        hyper[h] = float(getattr(optimizer, h))
    return name, hyper


def _state_arrays(name):
    """Names of the dicts of arrays an optimizer's state holds: (), ("v",), ("s",), ("v", "s")."""
    return tuple(f.name for f in fields(_OPTIMIZERS[name][2]) if f.name != "t")


def _json_default(obj):
    # Bit-generator states hold numpy ints and, for MT19937, an array ("key").
    if isinstance(obj, np.ndarray):
        return {"__ndarray__": obj.tolist(), "dtype": str(obj.dtype)}
    if isinstance(obj, np.integer):
        return int(obj)
    raise TypeError(f"cannot store {type(obj).__name__} in a checkpoint")


def _json_hook(obj):
    if "__ndarray__" in obj:
        return np.array(obj["__ndarray__"], dtype=obj["dtype"])
    return obj


# ---------------------------------------------------------------------------
# Saving
# ---------------------------------------------------------------------------

# Files this session wrote or resumed from: path -> (size, mtime_ns) as it left them. Only
# these are replaced without overwrite=True (train saves into its own file every epoch).
_OWN_FILES = {}


def _signature(path):
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _remember(path):
    try:
        _OWN_FILES[os.path.abspath(path)] = _signature(path)
    except OSError:
        pass


def check_may_replace(path, overwrite=False):
    """Raise FileExistsError unless ``save_checkpoint(path, ...)`` may write there (see its ``overwrite``)."""
    if overwrite or not os.path.lexists(path):
        return
    if os.path.isdir(path):
        raise IsADirectoryError(f"checkpoint path {str(path)!r} is a folder; give a file name, e.g. 'run.npz'")
    mine = _OWN_FILES.get(os.path.abspath(path))
    if mine is not None and mine == _signature(path):
        return
    raise FileExistsError(
        f"refusing to replace {str(path)!r}: the file exists and this session did not write it (or it "
        f"changed since). Pass overwrite=True to save_checkpoint to replace it, resume from it with "
        f"train(resume_from=...) to continue it, or choose another file name")


def save_checkpoint(path, checkpoint, *, overwrite=False):
    """Write ``checkpoint`` to ``path`` (an ``.npz`` file) atomically, never over someone else's file.

    The arrays go to a temporary file next to ``path``, which is flushed to disk and
    then renamed over ``path`` (``os.replace``, atomic on one file system). If anything
    fails on the way, the temporary file is removed and an existing ``path`` is left
    exactly as it was.

    Parameters
    ----------
    path : str or os.PathLike
        Written as given (no ``.npz`` is appended); a missing folder is created.
    checkpoint : Checkpoint
    overwrite : bool, default False
        An existing ``path`` is replaced only if this session wrote it (a run saving
        epoch after epoch) or loaded it with ``load_checkpoint`` (a resumed run saving
        its continuation), and it has not changed since; or if ``overwrite=True``.

    Raises
    ------
    FileExistsError
        ``path`` exists and may not be replaced (see ``overwrite``); nothing is written.
    """
    path = check_path(path)
    if not isinstance(checkpoint, Checkpoint):
        raise TypeError(f"checkpoint must be a Checkpoint, got {type(checkpoint).__name__}")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {overwrite!r}")
    check_may_replace(path, overwrite)
    arrays = _to_arrays(checkpoint)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "xb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
        _remember(path)
    except BaseException:
        # BaseException: the stop button (KeyboardInterrupt) must not leave litter either.
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _to_arrays(ck):
    name = ck.optimizer_name
    if name not in _OPTIMIZERS:
        raise TypeError(f"optimizer_name == {name!r}, must be one of {sorted(_OPTIMIZERS)}")
    h = ck.history
    meta = {
        "format_version": FORMAT_VERSION,
        "optimizer": {"name": name, "hyperparameters": ck.hyperparameters, "t": int(ck.state.t)},
        "config": ck.config,
        "param_keys": list(ck.params),
        "history": {
            "epochs_completed": int(h.epochs_completed),
            "stopped_early": bool(h.stopped_early),
            "stop_reason": h.stop_reason,
        },
        "rng_state": ck.rng_state,
    }
    arrays = {"meta": np.array(json.dumps(meta, default=_json_default))}
    for key, value in ck.params.items():
        arrays[f"params/{key}"] = np.asarray(value)
    for state_name in _state_arrays(name):
        for key, value in getattr(ck.state, state_name).items():
            arrays[f"state/{state_name}/{key}"] = np.asarray(value)
    for hname in _HISTORY_ARRAYS:
        arrays[f"history/{hname}"] = np.asarray(getattr(h, hname), dtype=np.float64)
    return arrays


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

def load_checkpoint(path):
    """Read a checkpoint written by ``save_checkpoint`` (or by ``train(checkpoint=...)``).

    Raises
    ------
    FileNotFoundError
        No file at ``path`` (a folder is not a checkpoint either).
    CheckpointError
        The file is truncated, corrupted, not a checkpoint, or inconsistent (an array
        missing, shapes that do not chain); the message says what.
    """
    path = check_path(path)
    if not path.is_file():
        what = "a folder, not a checkpoint file" if path.is_dir() else "no checkpoint"
        raise FileNotFoundError(f"{what} at {str(path)!r}")
    # Our own file object: np.load leaves the file it opened unclosed when the zip is bad.
    # Opening it outside the try lets permission errors and the like speak for themselves.
    with open(path, "rb") as f:
        try:
            data = np.load(f, allow_pickle=False)
            if not isinstance(data, np.lib.npyio.NpzFile):  # a plain .npy file
                raise ValueError("it holds a single array, not the arrays of an .npz archive")
            with data:
                arrays = {key: data[key] for key in data.files}
        # What a damaged zip can raise: a flipped bit may claim encryption (RuntimeError,
        # NotImplementedError), an unknown compression, or a header too short (struct.error).
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError, RuntimeError,
                NotImplementedError, struct.error, zlib.error) as err:
            raise CheckpointError(
                f"cannot read checkpoint {str(path)!r}: the file is truncated, corrupted or not an "
                f".npz checkpoint ({type(err).__name__}: {err})"
            ) from err
    try:
        checkpoint = _from_arrays(arrays)
    except CheckpointError as err:
        raise CheckpointError(f"checkpoint {str(path)!r}: {err}") from None
    _remember(path)  # resuming from it: the run may save its continuation here
    return checkpoint


def _from_arrays(arrays):
    if "meta" not in arrays:
        raise CheckpointError("it has no 'meta' entry: not written by save_checkpoint")
    try:
        meta = json.loads(str(arrays["meta"]), object_hook=_json_hook)
        version = meta["format_version"]
        opt, config, keys = meta["optimizer"], meta["config"], meta["param_keys"]
        hmeta, rng_state = meta["history"], meta["rng_state"]
        name, hyper, t = opt["name"], opt["hyperparameters"], int(opt["t"])
        epochs_completed = int(hmeta["epochs_completed"])
        stopped_early, stop_reason = bool(hmeta["stopped_early"]), hmeta["stop_reason"]
    except (ValueError, KeyError, TypeError, OverflowError) as err:
        raise CheckpointError(f"its 'meta' entry is unreadable ({type(err).__name__}: {err})") from None
    if version != FORMAT_VERSION:
        raise CheckpointError(f"format_version == {version!r}, this code reads {FORMAT_VERSION}")
    # A damaged or hand-made file can hold any JSON: check the types before using them.
    for what, value, kind in (("config", config, dict), ("rng_state", rng_state, dict),
                              ("optimizer hyperparameters", hyper, dict), ("param_keys", keys, list)):
        if not isinstance(value, kind):
            raise CheckpointError(f"its {what} is a {type(value).__name__}, not a {kind.__name__}")
    if not all(isinstance(key, str) for key in keys):
        raise CheckpointError(f"param_keys == {keys!r} must be names like 'W1'")
    if not isinstance(name, str) or name not in _OPTIMIZERS:
        raise CheckpointError(f"unknown optimizer {name!r}, expected one of {sorted(_OPTIMIZERS)}")
    expected_hyper = {"learning_rate", *_OPTIMIZERS[name][1]}
    for h, value in _ADDED_HYPERPARAMETERS.items():
        if h in expected_hyper and h not in hyper:  # a file from before h existed
            hyper[h] = value
    if set(hyper) != expected_hyper:
        raise CheckpointError(f"{name} has hyperparameters {sorted(expected_hyper)}, the file has {sorted(hyper)}")
    if t < 0 or epochs_completed < 0:
        raise CheckpointError(f"the step count t == {t} and epochs_completed == {epochs_completed} must be >= 0")
    if stop_reason is not None and not isinstance(stop_reason, str):
        raise CheckpointError(f"stop_reason == {stop_reason!r} must be a string or null")
    if rng_state.get("bit_generator") not in _BIT_GENERATORS:
        raise CheckpointError(f"unknown bit generator {rng_state.get('bit_generator')!r}")

    def get(key):
        if key not in arrays:
            raise CheckpointError(f"the entry {key!r} is missing")
        return arrays[key]

    params = {key: get(f"params/{key}") for key in keys}
    for key, value in params.items():
        if value.dtype.kind != "f":
            raise CheckpointError(f"params[{key!r}] has dtype {value.dtype}, not a float dtype")
    state_kwargs = {"t": t}
    for state_name in _state_arrays(name):
        state_kwargs[state_name] = {}
        for key in keys:
            value = get(f"state/{state_name}/{key}")
            if value.shape != params[key].shape or value.dtype != params[key].dtype:
                raise CheckpointError(
                    f"state.{state_name}[{key!r}] has shape {value.shape} ({value.dtype}) but "
                    f"params[{key!r}] has {params[key].shape} ({params[key].dtype})"
                )
            state_kwargs[state_name][key] = value
    state = _OPTIMIZERS[name][2](**state_kwargs)
    history_arrays = {hname: get(f"history/{hname}") for hname in _HISTORY_ARRAYS}
    for hname, value in history_arrays.items():
        if value.ndim != 1 or value.dtype != np.float64:
            raise CheckpointError(f"history/{hname} has shape {value.shape} ({value.dtype}), not 1-D float64")
    history = History(
        **history_arrays, epochs_completed=epochs_completed, stopped_early=stopped_early, stop_reason=stop_reason,
    )
    _check_consistent(params, config, history)
    checkpoint = Checkpoint(
        params=params, optimizer_name=name, hyperparameters=hyper, state=state,
        history=history, rng_state=rng_state, config=config,
    )
    try:  # what resuming will do: fails here, naming the file, rather than in train
        checkpoint.make_optimizer()
        checkpoint.make_rng()
    except (ValueError, TypeError, KeyError, OverflowError) as err:
        raise CheckpointError(f"its optimizer or generator state is unusable ({type(err).__name__}: {err})") from None
    return checkpoint


def _check_consistent(params, config, history):
    dims = config.get("layer_dims")
    if not isinstance(dims, list) or len(dims) < 2:
        raise CheckpointError(f"config layer_dims == {dims!r} is not a list of layer sizes")
    expected = {}
    for l in range(1, len(dims)):
        expected[f"W{l}"] = (dims[l], dims[l - 1])
        expected[f"b{l}"] = (dims[l], 1)
    if set(params) != set(expected):
        raise CheckpointError(f"params has keys {sorted(params)}, layer_dims {dims} needs {sorted(expected)}")
    for key, shape in expected.items():
        if params[key].shape != shape:
            raise CheckpointError(f"params[{key!r}] has shape {params[key].shape}, layer_dims {dims} needs {shape}")
    e = history.epochs_completed
    if len(history.epoch_costs) != e or len(history.learning_rates) != e:
        raise CheckpointError(
            f"the history is inconsistent: {e} epochs completed but {len(history.epoch_costs)} "
            f"epoch costs and {len(history.learning_rates)} learning rates"
        )
    if len(history.times) != len(history.costs):
        raise CheckpointError(
            f"the history is inconsistent: {len(history.costs)} costs but {len(history.times)} times"
        )


def check_resumable(checkpoint, *, optimizer_name, hyperparameters, config):
    """Raise CheckpointError listing every difference between a checkpoint and a new run.

    Resuming must reproduce the run the checkpoint came from, so the network, the
    optimizer and its hyperparameters, lambd, the mini-batch size, the number of
    examples m, the dtype and whether a schedule is used must all be the same.
    """
    diffs = []
    if checkpoint.optimizer_name != optimizer_name:
        diffs.append(f"optimizer: checkpoint {checkpoint.optimizer_name}, this run {optimizer_name}")
    else:
        for h, value in hyperparameters.items():
            saved = checkpoint.hyperparameters.get(h)
            if saved != value:
                diffs.append(f"{h}: checkpoint {saved!r}, this run {value!r}")
    for key, value in config.items():
        saved = checkpoint.config.get(key)
        if saved != value:
            diffs.append(f"{key}: checkpoint {saved!r}, this run {value!r}")
    if diffs:
        raise CheckpointError(
            "the checkpoint does not match this run (" + "; ".join(diffs) + "). Resume with the "
            "settings it was saved with, or start a new run without resume_from"
        )

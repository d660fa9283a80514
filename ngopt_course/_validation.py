"""Argument checks shared by every public function.

One place for the course's error style, modelled on scikit-learn's ``check_scalar``:
the message names the argument, shows its value and says what is allowed, e.g.
``beta1 == 1.0, must be in [0, 1)``. Tests match these texts, so change them with care.
"""

from __future__ import annotations

import numbers
import os
from pathlib import Path
from typing import Mapping

import numpy as np

__all__ = [
    "check_real",
    "check_int",
    "check_array",
    "as_array",
    "check_path",
    "check_same_m",
    "check_labels_2d",
    "check_n_features",
    "check_matching_dicts",
    "check_finite_dict",
    "check_rng",
]

_BRACKETS = {"both": "[]", "left": "[)", "right": "(]", "neither": "()"}


def _number(x):
    """0.0 -> "0", 0.5 -> "0.5": the interval reads as the lecture writes it, [0, 1)."""
    return repr(int(x)) if float(x).is_integer() else repr(float(x))


def _interval(min_val, max_val, closed):
    left, right = _BRACKETS[closed]
    lo = "-inf" if min_val is None else _number(min_val)
    hi = "inf" if max_val is None else _number(max_val)
    if min_val is None:
        left = "("
    if max_val is None:
        right = ")"
    return f"{left}{lo}, {hi}{right}"


def check_real(value, name, *, min_val=None, max_val=None, closed="both"):
    """Return ``value`` as a float after checking it is a finite real in an interval.

    ``closed`` is one of "both", "left", "right", "neither" and says which ends of
    [min_val, max_val] are allowed. Raises TypeError for non-numbers (bool included)
    and ValueError for NaN, infinities and values outside the interval.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "fiu":
            value = value.item()
        else:
            raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} == {value!r}, must be a finite number")
    below = min_val is not None and (value < min_val or (value == min_val and closed in ("right", "neither")))
    above = max_val is not None and (value > max_val or (value == max_val and closed in ("left", "neither")))
    if below or above:
        raise ValueError(f"{name} == {value!r}, must be in {_interval(min_val, max_val, closed)}")
    return value


def check_int(value, name, *, min_val=None, max_val=None):
    """Return ``value`` as an int after checking it is an integer in [min_val, max_val].

    Integral floats such as ``64.0`` are refused: a mini-batch size of 64.5 is a bug,
    and so, most often, is a float where a count was meant.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}")
    value = int(value)
    if (min_val is not None and value < min_val) or (max_val is not None and value > max_val):
        lo = "-inf" if min_val is None else min_val
        hi = "inf" if max_val is None else max_val
        raise ValueError(f"{name} == {value!r}, must be an integer in [{lo}, {hi}]")
    return value


def as_array(value, name):
    """``np.asarray(value)``, but a ragged list such as ``[[1, 2], [3]]`` gets a message naming ``name``."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} must be an array of numbers with rows of equal length: {err}") from None


def check_array(value, name, *, ndim=None, finite=True, dtype_kind="fiu"):
    """Return ``value`` as a numpy array (no copy when it already is one) after checks.

    Lists are accepted (learners pass them). ``ndim`` is an int or a tuple of allowed
    dimension counts; ``finite`` refuses NaN and infinities; ``dtype_kind`` lists the
    allowed numpy dtype kinds (f float, i signed int, u unsigned int, b bool).
    """
    arr = value if isinstance(value, np.ndarray) else as_array(value, name)
    if arr.dtype.kind not in dtype_kind:
        raise TypeError(f"{name} must hold numbers, got an array of dtype {arr.dtype}")
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got shape {arr.shape}")
    if finite and arr.dtype.kind == "f" and arr.size and not np.isfinite(arr).all():
        bad = np.flatnonzero(~np.isfinite(arr.ravel()))
        raise ValueError(
            f"{name} has {bad.size} non-finite value(s) (NaN or inf), first at flat index {bad[0]}"
        )
    return arr


def check_same_m(X, Y, x_name="X", y_name="Y"):
    """Check that X (n, m) and Y (k, m) hold the same number of examples m (columns)."""
    if X.shape[-1] != Y.shape[-1]:
        raise ValueError(
            f"{x_name} has m = {X.shape[-1]} examples (shape {X.shape}) but {y_name} has "
            f"m = {Y.shape[-1]} (shape {Y.shape}); examples are columns and must pair up"
        )


def check_labels_2d(Y, rows="k", finite=True):
    """Return Y as an array of shape (rows, m): numbers or booleans, 2-D (the one message for "Y must be 2-D")."""
    Y = check_array(Y, "Y", finite=finite, dtype_kind="fiub")
    if Y.ndim != 2:
        hint = "; use Y.reshape(1, -1)" if Y.ndim == 1 else ""
        raise ValueError(f"Y must be 2-D with shape ({rows}, m), got shape {Y.shape}{hint}")
    return Y


def check_n_features(X, n0, name_n0):
    """Check X (n, m) has n = n0 rows, the network's inputs (the one message for "X has n = ...")."""
    if X.shape[0] != n0:
        raise ValueError(
            f"X has n = {X.shape[0]} features (shape {X.shape}) but {name_n0} = {n0}; "
            "they must be equal (examples are the columns of X)"
        )


def check_matching_dicts(params: Mapping, grads: Mapping, p_name="params", g_name="grads"):
    """Check two dicts of arrays have the same keys and, key by key, the same shapes."""
    if not isinstance(params, Mapping):
        raise TypeError(f"{p_name} must be a dict of arrays, got {type(params).__name__}")
    if not isinstance(grads, Mapping):
        raise TypeError(f"{g_name} must be a dict of arrays, got {type(grads).__name__}")
    if params.keys() != grads.keys():
        missing = sorted(set(params) - set(grads))
        extra = sorted(set(grads) - set(params))
        raise ValueError(
            f"{p_name} and {g_name} must have the same keys: "
            f"missing from {g_name} {missing}, not in {p_name} {extra}"
        )
    for key in params:
        p_shape = as_array(params[key], f"{p_name}[{key!r}]").shape
        g_shape = as_array(grads[key], f"{g_name}[{key!r}]").shape
        if p_shape != g_shape:
            raise ValueError(
                f"{g_name}[{key!r}] has shape {g_shape} but {p_name}[{key!r}] has shape {p_shape}"
            )


def check_finite_dict(arrays: Mapping, name="grads"):
    """Refuse NaN or infinite entries in a dict of arrays, naming the key.

    A plain ``sum`` is one fast pass: it is finite whenever every entry is (short of an
    overflow, which the exact check below then clears), so large arrays pay one read.
    """
    for key, a in arrays.items():
        a = np.asarray(a)
        if a.dtype.kind != "f":
            continue
        with np.errstate(over="ignore", invalid="ignore"):  # inf - inf or an overflow: no warning
            total = a.sum()
        if not np.isfinite(total):
            bad = np.flatnonzero(~np.isfinite(a.ravel()))
            if bad.size:
                raise ValueError(
                    f"{name}[{key!r}] has {bad.size} non-finite value(s) (NaN or inf), first at "
                    f"flat index {bad[0]}: the step is refused and nothing was changed"
                )


def check_path(value, name="path"):
    """Return ``value`` as a ``pathlib.Path``; a str or os.PathLike is required."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (str or pathlib.Path), got {type(value).__name__} {value!r}")
    return Path(value)


def check_rng(seed, name="seed"):
    """Return a ``numpy.random.Generator`` from a seed (int), a Generator, or None."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(
            f"{name} must be a non-negative int, a numpy.random.Generator or None, got {seed!r}"
        )
    return np.random.default_rng(int(seed))

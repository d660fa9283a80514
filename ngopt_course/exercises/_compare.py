"""Turn what a function returned into comparable values, and say how two results differ.

A learner may return lists instead of arrays, numpy scalars instead of floats, or
``np.str_`` instead of ``str``: all fine when the values match. What is not fine (None
because of a forgotten ``return``, a tuple of the wrong length, a value that is not a
number) comes back as a sentence that says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._result import fmt

__all__ = ["Outputs", "normalise", "differences", "array_difference", "blew_up", "RTOL", "ATOL"]

RTOL = 1e-6  # relative tolerance; correct implementations agree to ~1e-13
ATOL = 1e-9  # absolute tolerance, as a fraction of the largest expected magnitude

LABELS = ("local minimum", "local maximum", "saddle point")


@dataclass(frozen=True)
class Outputs:
    """What an exercise returns: ``kind`` "arrays", "number", "rate" (a number, or an array for an
    array of epochs) or "label"; ``names`` of the values."""

    kind: str
    names: tuple

    @property
    def returns(self):
        return ", ".join(self.names)


def _forgot_return(spec):
    return f"returned None: did you forget `return {spec.returns}` at the end?"


def _as_numbers(value, name):
    """Return (array, None) or (None, problem)."""
    if value is None:
        return None, f"{name} is None"
    try:
        arr = np.asarray(value)
    except ValueError:  # ragged nested lists
        return None, f"{name} is not an array of numbers: got {type(value).__name__} {fmt(value)}"
    if arr.dtype.kind not in "fiub":
        return None, f"{name} is not an array of numbers: got {type(value).__name__} {fmt(value)}"
    return arr, None


def normalise(spec, value):
    """Return ``(normalised value, None)`` or ``(None, problem sentence)``."""
    if value is None:
        return None, _forgot_return(spec)
    if spec.kind == "label":
        if isinstance(value, str):
            return str(value), None
        return None, (f"returned {type(value).__name__} {fmt(value)}; expected one of the strings "
                      + ", ".join(repr(x) for x in LABELS))
    if spec.kind == "rate":
        if isinstance(value, (str, bytes)):
            return None, f"returned {type(value).__name__} {value!r}; expected a number (or an array of numbers)"
        arr, problem = _as_numbers(value, spec.names[0])
        return (None, f"returned {problem}") if problem else ((arr,), None)
    if spec.kind == "number":
        if isinstance(value, (str, bytes)) or np.ndim(value) != 0:
            return None, f"returned {type(value).__name__} {fmt(value)}; expected one number (a float)"
        try:
            return float(np.asarray(value)), None
        except (TypeError, ValueError):
            return None, f"returned {type(value).__name__} {value!r}; expected one number (a float)"
    # arrays
    if len(spec.names) == 1:
        if isinstance(value, tuple) and len(value) > 1:
            return None, f"returned a tuple of {len(value)} values; expected one array, {spec.names[0]}"
        arr, problem = _as_numbers(value, spec.names[0])
        return (None, problem) if problem else ((arr,), None)
    if not isinstance(value, (tuple, list)):
        return None, f"returned one {type(value).__name__}; expected {len(spec.names)} values: return {spec.returns}"
    if len(value) != len(spec.names):
        return None, f"returned {len(value)} values; expected {len(spec.names)}: return {spec.returns}"
    out = []
    for name, item in zip(spec.names, value):
        arr, problem = _as_numbers(item, name)
        if problem:
            return None, f"returned ({spec.returns}) but {problem}"
        out.append(arr)
    return tuple(out), None


def _nonfinite(a):
    return a.dtype.kind in "fc" and not np.all(np.isfinite(a))


def blew_up(spec, value):
    """True when a normalised result holds NaN or inf."""
    if spec.kind == "number":
        return not np.isfinite(value)
    if spec.kind in ("arrays", "rate"):
        return any(_nonfinite(a) for a in value)
    return False


def _index(idx):
    return "" if idx == () else f" at index {idx[0] if len(idx) == 1 else idx}"


def array_difference(name, actual, expected):
    if actual.shape != expected.shape:
        hint = " (transposed?)" if actual.shape == expected.shape[::-1] and actual.ndim == 2 else ""
        return f"{name} has shape {actual.shape}, expected {expected.shape}{hint}"
    if _nonfinite(actual) and not _nonfinite(expected):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(actual))[0])
        return f"{name} contains NaN or inf (first{_index(bad) or ' value'})"
    finite = np.abs(expected[np.isfinite(expected)]) if expected.dtype.kind in "fc" else np.abs(expected)
    scale = float(np.max(finite)) if finite.size else 0.0
    atol = ATOL * scale if scale > 0 else 1e-300
    actual_f, expected_f = actual.astype(float), expected.astype(float)
    if np.allclose(actual_f, expected_f, rtol=RTOL, atol=atol, equal_nan=True):
        return None
    with np.errstate(all="ignore"):
        gap = np.abs(actual_f - expected_f)
    gap = np.where(np.isnan(gap), np.inf, gap)
    idx = np.unravel_index(int(np.argmax(gap)), gap.shape) if gap.ndim else ()
    idx = tuple(int(i) for i in idx)
    return (f"{name} differs: largest difference {fmt(gap[idx])}{_index(idx)}, "
            f"where {name} should be {expected_f[idx]:.6g} and yours is {actual_f[idx]:.6g}")


def differences(spec, actual, expected):
    """Sentences describing how ``actual`` differs from ``expected`` (empty list: the same)."""
    if spec.kind == "label":
        return [] if actual == expected else [f"Expected {expected!r}, yours is {actual!r}"]
    if spec.kind == "number":
        if np.isclose(actual, expected, rtol=RTOL, atol=0.0) or (np.isnan(actual) and np.isnan(expected)):
            return []
        return [f"Expected {expected:.6g}, yours is {actual:.6g}"]
    if spec.kind == "rate" and actual[0].shape != expected[0].shape:
        want = "one number (a float)" if expected[0].ndim == 0 else f"an array of shape {expected[0].shape}, one rate per epoch"
        got = "one number" if actual[0].ndim == 0 else f"an array of shape {actual[0].shape}"
        return [f"Expected {want}; yours is {got}"]
    found = [array_difference(n, a, e) for n, a, e in zip(spec.names, actual, expected)]
    return [d for d in found if d]

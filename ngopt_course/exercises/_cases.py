"""The cases each exercise is checked on: ordinary ones first, then the edge cases.

Every case is a labelled set of arguments, built from fixed seeds so a check says the
same thing every time. The values are rounded so a learner can read them in a message.
The cases are chosen so each mistake of the catalogue (``_mistakes.py``) shows on at
least one of them, and no two mistakes look alike on all of them
(``tests/test_exercises.py`` checks both).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Case", "CASES"]


@dataclass(frozen=True)
class Case:
    """One call: ``label`` says what it exercises; ``args`` maps argument name -> value."""

    label: str
    args: dict
    hint: str = ""       # the promise of the exercise's text this case tests, said plainly
    hint_key: str = ""   # the diagnosis key when a function fails only on such cases


def _rng(seed):
    return np.random.default_rng(seed)


def _normal(rng, shape, scale=1.0):
    return (scale * rng.normal(size=shape)).round(2)


def _tiny(rng, shape):
    """Numbers of about 1e-6 with three significant digits (not rounded to 0)."""
    return (rng.normal(size=shape).round(2) * 1e-6)


def _series(seed, n):
    """A noisy, slowly changing series like a stretch of daily temperatures (deg F)."""
    rng = _rng(seed)
    days = np.arange(n)
    return (50 + 8 * np.sin(days / 9) + rng.normal(0, 4, n)).round(1)


# ---------------------------------------------------------------------------
# Exponentially weighted averages
# ---------------------------------------------------------------------------

def ewa_cases():
    return [
        Case("the slide's first three days, beta = 0.9", {"theta": np.array([40.0, 49.0, 45.0]), "beta": 0.9}),
        Case("beta = 0: no averaging, v_t = theta_t", {"theta": np.array([3.0, -1.0, 4.0, 1.5]), "beta": 0.0}),
        Case("a single value (T = 1), beta = 0.98", {"theta": np.array([60.0]), "beta": 0.98}),
        Case("40 noisy days, beta = 0.98", {"theta": _series(1, 40), "beta": 0.98}),
        Case("negative values, beta = 0.5", {"theta": np.array([-4.0, 2.0, -7.5, 0.5, 3.0]), "beta": 0.5}),
        Case("integer temperatures (an int array), beta = 0.9",
             {"theta": np.array([40, 49, 45, 44, 50, 52]), "beta": 0.9}),
        Case("a Python list, beta = 0.9", {"theta": [40.0, 49.0, 45.0, 44.0], "beta": 0.9},
             hint=("your function fails on a plain Python list. theta can be a list or an array: "
                   "np.asarray(theta) makes an array of either."), hint_key="list_input"),
        Case("an empty series (T = 0): no averages, an empty array", {"theta": np.array([]), "beta": 0.9},
             hint=("your function fails on an empty theta. With T = 0 there is nothing to average: return an "
                   "empty array (a loop over no values, into np.zeros(0), does it)."), hint_key="empty_input"),
    ]


def ewa_bias_corrected_cases():
    return [
        Case("the slide's example, beta = 0.98", {"theta": np.array([40.0, 49.0, 45.0]), "beta": 0.98}),
        Case("beta = 0: nothing to correct", {"theta": np.array([3.0, -1.0, 4.0, 1.5]), "beta": 0.0}),
        Case("a single value (T = 1), beta = 0.9", {"theta": np.array([60.0]), "beta": 0.9}),
        Case("40 noisy days, beta = 0.9", {"theta": _series(2, 40), "beta": 0.9}),
        Case("negative values, beta = 0.5", {"theta": np.array([-4.0, 2.0, -7.5, 0.5, 3.0]), "beta": 0.5}),
        Case("integer temperatures (an int array), beta = 0.9",
             {"theta": np.array([40, 49, 45, 44, 50, 52]), "beta": 0.9}),
    ]


# ---------------------------------------------------------------------------
# Optimizer updates
# ---------------------------------------------------------------------------

def momentum_update_cases():
    rng = _rng(9)
    return [
        Case("first step: v = 0, W of shape (3, 2)", {
            "W": _normal(rng, (3, 2)), "dW": _normal(rng, (3, 2)), "v": np.zeros((3, 2)),
            "beta": 0.9, "learning_rate": 0.1}),
        Case("a later step: v from earlier steps, W of shape (2, 3)", {
            "W": _normal(rng, (2, 3)), "dW": _normal(rng, (2, 3)), "v": _normal(rng, (2, 3), 0.5),
            "beta": 0.9, "learning_rate": 0.05}),
        Case("beta = 0: plain gradient descent", {
            "W": _normal(rng, (2, 2)), "dW": _normal(rng, (2, 2)), "v": _normal(rng, (2, 2), 0.5),
            "beta": 0.0, "learning_rate": 0.1}),
        Case("a 1-D array (a bias vector b), beta = 0.98", {
            "W": _normal(rng, (4,)), "dW": _normal(rng, (4,)), "v": _normal(rng, (4,), 0.5),
            "beta": 0.98, "learning_rate": 0.5}),
    ]


def rmsprop_update_cases():
    rng = _rng(10)
    return [
        Case("first step: s = 0, W of shape (3, 3)", {
            "W": _normal(rng, (3, 3)), "dW": _normal(rng, (3, 3)), "s": np.zeros((3, 3)),
            "beta": 0.9, "learning_rate": 0.01, "epsilon": 1e-8}),
        Case("a later step: s from earlier steps, W of shape (2, 3)", {
            "W": _normal(rng, (2, 3)), "dW": _normal(rng, (2, 3)), "s": rng.uniform(0.05, 0.5, (2, 3)).round(3),
            "beta": 0.999, "learning_rate": 0.001, "epsilon": 1e-8}),
        Case("beta = 0: s is just this step's dW ** 2", {
            "W": _normal(rng, (2, 2)), "dW": _normal(rng, (2, 2)), "s": rng.uniform(0.05, 0.5, (2, 2)).round(3),
            "beta": 0.0, "learning_rate": 0.1, "epsilon": 1e-8}),
        Case("a large epsilon = 0.1 (where it goes shows), 1-D array", {
            "W": _normal(rng, (4,)), "dW": _normal(rng, (4,)), "s": rng.uniform(0.01, 1.0, 4).round(3),
            "beta": 0.9, "learning_rate": 0.01, "epsilon": 0.1}),
        Case("tiny gradients (about 1e-6): epsilon = 1e-8 matters", {
            "W": _normal(rng, (2, 2)), "dW": _tiny(rng, (2, 2)), "s": np.full((2, 2), 4e-12),
            "beta": 0.9, "learning_rate": 0.01, "epsilon": 1e-8}),
    ]


def adam_update_cases():
    rng = _rng(11)
    defaults = {"beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}
    return [
        Case("first step t = 1: v = s = 0, W of shape (3, 3)", {
            "W": _normal(rng, (3, 3)), "dW": _normal(rng, (3, 3)), "v": np.zeros((3, 3)), "s": np.zeros((3, 3)),
            "t": 1, "learning_rate": 0.01, **defaults}),
        Case("step t = 5: v and s from earlier steps, W of shape (2, 3)", {
            "W": _normal(rng, (2, 3)), "dW": _normal(rng, (2, 3)), "v": _normal(rng, (2, 3), 0.3),
            "s": rng.uniform(0.001, 0.05, (2, 3)).round(4), "t": 5, "learning_rate": 0.001, **defaults}),
        Case("step t = 1000: the correction of s still matters (0.999^1000 = 0.37)", {
            "W": _normal(rng, (2, 2)), "dW": _normal(rng, (2, 2)), "v": _normal(rng, (2, 2), 0.3),
            "s": rng.uniform(0.1, 1.0, (2, 2)).round(3), "t": 1000, "learning_rate": 0.01, **defaults}),
        Case("a large epsilon = 0.1, t = 3, a 1-D array", {
            "W": _normal(rng, (4,)), "dW": _normal(rng, (4,)), "v": _normal(rng, (4,), 0.3),
            "s": rng.uniform(0.001, 0.05, 4).round(4), "t": 3, "learning_rate": 0.01,
            "beta1": 0.9, "beta2": 0.999, "epsilon": 0.1}),
        Case("beta1 = 0.8, beta2 = 0.99, t = 2", {
            "W": _normal(rng, (3, 1)), "dW": _normal(rng, (3, 1)), "v": _normal(rng, (3, 1), 0.3),
            "s": rng.uniform(0.01, 0.5, (3, 1)).round(3), "t": 2, "learning_rate": 0.1,
            "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-8}),
        Case("tiny gradients (about 1e-6), t = 2: epsilon = 1e-8 matters", {
            "W": _normal(rng, (2, 2)), "dW": _tiny(rng, (2, 2)), "v": _tiny(rng, (2, 2)),
            "s": np.full((2, 2), 1e-12), "t": 2, "learning_rate": 0.01, **defaults}),
    ]


# ---------------------------------------------------------------------------
# Learning-rate decay
# ---------------------------------------------------------------------------

def inverse_time_decay_cases():
    table = [
        Case(f"the lecture's table: alpha0 = 0.2, decay_rate = 1, epoch {epoch}",
             {"learning_rate0": 0.2, "epoch_num": epoch, "decay_rate": 1.0})
        for epoch in (1, 2, 3, 4)
    ]
    return table + [
        Case("decay_rate = 0: the rate stays alpha0",
             {"learning_rate0": 0.1, "epoch_num": 5, "decay_rate": 0.0}),
        Case("alpha0 = 0.05, decay_rate = 0.5, epoch 10",
             {"learning_rate0": 0.05, "epoch_num": 10, "decay_rate": 0.5}),
        Case("alpha0 = 1, decay_rate = 2, epoch 3",
             {"learning_rate0": 1.0, "epoch_num": 3, "decay_rate": 2.0}),
        Case("an array of epochs, np.arange(1, 5): the lecture's whole table at once",
             {"learning_rate0": 0.2, "epoch_num": np.arange(1, 5), "decay_rate": 1.0}, hint=_ARRAY_HINT,
             hint_key="scalar_only"),
        Case("an array of epochs 1..30, alpha0 = 0.1, decay_rate = 0.5",
             {"learning_rate0": 0.1, "epoch_num": np.arange(1, 31), "decay_rate": 0.5}, hint=_ARRAY_HINT,
             hint_key="scalar_only"),
    ]


_ARRAY_HINT = ("your function fails on an array of epochs. epoch_num can be a single int or an array "
               "(np.arange(1, 5)): use numpy arithmetic, which works on both, not int(epoch_num), math "
               "functions or an `if` on epoch_num.")


def schedule_lr_decay_cases():
    return [
        Case("epoch 1: alpha0", {"learning_rate0": 0.5, "epoch_num": 1, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 10, the last of the first stage (time_interval = 10): still alpha0",
             {"learning_rate0": 0.5, "epoch_num": 10, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 11, the first of the second stage: alpha0 / (1 + decay_rate)",
             {"learning_rate0": 0.5, "epoch_num": 11, "decay_rate": 1.0, "time_interval": 10}),
        Case("epoch 2500, time_interval = 1000, decay_rate = 0.3 (the third stage)",
             {"learning_rate0": 0.1, "epoch_num": 2500, "decay_rate": 0.3, "time_interval": 1000}),
        Case("time_interval = 1: a new stage every epoch (epoch 4)",
             {"learning_rate0": 0.2, "epoch_num": 4, "decay_rate": 1.0, "time_interval": 1}),
        Case("decay_rate = 0: the rate stays alpha0",
             {"learning_rate0": 0.1, "epoch_num": 57, "decay_rate": 0.0, "time_interval": 5}),
        Case("an array of epochs 1..12, time_interval = 4",
             {"learning_rate0": 0.3, "epoch_num": np.arange(1, 13), "decay_rate": 2.0, "time_interval": 4},
             hint=_ARRAY_HINT, hint_key="scalar_only"),
    ]


# ---------------------------------------------------------------------------
# Critical points
# ---------------------------------------------------------------------------

def _rotated(eigenvalues, seed):
    """A symmetric matrix with the given eigenvalues, in randomly rotated axes."""
    q, _ = np.linalg.qr(_rng(seed).normal(size=(len(eigenvalues),) * 2))
    h = q @ np.diag(eigenvalues) @ q.T
    return (h + h.T) / 2


def classify_critical_point_cases():
    nineteen_up = np.r_[np.linspace(0.5, 3.0, 19), -0.8]
    nearly = np.array([[2.0, 0.5, 0.0], [0.5, 3.0, -0.4], [0.0, -0.4, 1.0]])
    nearly = nearly + 1e-12 * np.array([[0, 1, 0], [-1, 0, 2], [0, 1, 0]])  # finite-difference noise
    return [
        Case("1-D: f(x) = x^2", {"hessian": np.array([[2.0]])}),
        Case("1-D: f(x) = -1.5 x^2", {"hessian": np.array([[-3.0]])}),
        Case("a bowl: f = x^2/2 + 3y^2/2", {"hessian": np.diag([1.0, 3.0])}),
        Case("a dome: f = -x^2/2 - y^2", {"hessian": np.diag([-1.0, -2.0])}),
        Case("the classic saddle f = x^2 - y^2", {"hessian": np.diag([2.0, -2.0])}),
        Case("positive diagonal, yet a saddle (eigenvalues 3 and -1)",
             {"hessian": np.array([[1.0, 2.0], [2.0, 1.0]])}),
        Case("a tilted dome (eigenvalues -1 and -3)", {"hessian": np.array([[-2.0, 1.0], [1.0, -2.0]])}),
        Case("a tilted bowl (eigenvalues 1 and 3)", {"hessian": np.array([[2.0, -1.0], [-1.0, 2.0]])}),
        Case("3-D, determinant > 0, yet a saddle", {"hessian": np.diag([-1.0, -1.0, 2.0])}),
        Case("3-D, positive trace, yet a saddle", {"hessian": np.diag([3.0, -1.0, -1.0])}),
        Case("20 directions, 19 curving up and one down", {"hessian": _rotated(nineteen_up, 20)}),
        Case("20 directions, all curving up", {"hessian": _rotated(np.linspace(0.2, 4.0, 20), 21)}),
        Case("20 directions, all curving down", {"hessian": _rotated(-np.linspace(0.2, 4.0, 20), 22)}),
        Case("from finite differences: symmetric only to 1e-12", {"hessian": nearly}),
    ]


CASES = {
    "ewa": ewa_cases,
    "ewa_bias_corrected": ewa_bias_corrected_cases,
    "momentum_update": momentum_update_cases,
    "rmsprop_update": rmsprop_update_cases,
    "adam_update": adam_update_cases,
    "inverse_time_decay": inverse_time_decay_cases,
    "schedule_lr_decay": schedule_lr_decay_cases,
    "classify_critical_point": classify_critical_point_cases,
}

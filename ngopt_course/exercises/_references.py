"""The package's implementations, wrapped in the exercises' signatures.

Each function takes single arrays, as the slides write the formulas, and returns new
arrays (the optimizers update in place, so they work on copies here). These are what
``check`` compares against and what ``use_or_reference`` hands back when the learner's
version is not ready.
"""

from __future__ import annotations

import numpy as np

from ..experiments.critical_points import classify_critical_point as _package_classify_critical_point
from ..ewa import ewa as _package_ewa
from ..minibatch import random_mini_batches as _package_random_mini_batches
from ..schedules import inverse_time_decay as _package_inverse_time_decay
from ..optimizers import adam_update as _package_adam_update
from ..optimizers import momentum_update as _package_momentum_update
from ..optimizers import rmsprop_update as _package_rmsprop_update

__all__ = [
    "random_mini_batches",
    "ewa",
    "ewa_bias_corrected",
    "momentum_update",
    "rmsprop_update",
    "adam_update",
    "inverse_time_decay",
    "classify_critical_point",
]


def _float_copy(a):
    return np.array(a, dtype=np.result_type(np.asarray(a).dtype, np.float64), copy=True)


def random_mini_batches(X, Y, mini_batch_size, seed):
    """Shuffle the columns of X and Y with one permutation; cut into mini-batches."""
    return _package_random_mini_batches(X, Y, mini_batch_size, seed)


def ewa(theta, beta):
    """v_1..v_T of v_t = beta v_{t-1} + (1 - beta) theta_t, v_0 = 0."""
    return _package_ewa(theta, beta)


def ewa_bias_corrected(theta, beta):
    """v_t / (1 - beta^t) for t = 1..T."""
    return _package_ewa(theta, beta, bias_correction=True)


def momentum_update(W, dW, v, beta, learning_rate):
    """v = beta v + (1 - beta) dW; W = W - learning_rate v. Returns new (W, v)."""
    return _package_momentum_update(_float_copy(W), np.asarray(dW), _float_copy(v), beta, learning_rate)


def rmsprop_update(W, dW, s, beta, learning_rate, epsilon):
    """s = beta s + (1 - beta) dW^2; W = W - learning_rate dW / (sqrt(s) + epsilon). Returns new (W, s)."""
    return _package_rmsprop_update(_float_copy(W), np.asarray(dW), _float_copy(s), beta, learning_rate, epsilon)


def adam_update(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    """One Adam step; ``t`` is this step's number, counted from 1. Returns new (W, v, s)."""
    return _package_adam_update(_float_copy(W), np.asarray(dW), _float_copy(v), _float_copy(s), int(t),
                                learning_rate, beta1, beta2, epsilon)


def inverse_time_decay(learning_rate0, epoch_num, decay_rate):
    """alpha0 / (1 + decay_rate * epoch_num), epochs counted from 1."""
    return _package_inverse_time_decay(learning_rate0, epoch_num, decay_rate)


def classify_critical_point(hessian):
    """"local minimum", "local maximum" or "saddle point" from the Hessian's eigenvalues.

    The package's ``critical_points.classify_critical_point`` ("inconclusive" when an
    eigenvalue is zero to rounding; the exercise's cases avoid it).
    """
    return _package_classify_critical_point(hessian)

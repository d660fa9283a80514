"""The four updates of ``optimizers.py``, in place, for large arrays.

Each kernel performs the operations of the plain function it stands for
(``gradient_descent_update``, ``momentum_update``, ``rmsprop_update``, ``adam_update``)
in the same dtype, but writes into the arrays it is given and into one scratch buffer
(``tmp``) instead of allocating a new array for every operation, so that
``blocks.apply_blocked`` can run it block by block on both cores.

Gradient descent, momentum and RMSProp perform the same operations in the same order,
so they agree with the plain functions bit for bit (``tests/test_fast_path.py``):

* ``a * b`` becomes ``np.multiply(a, b, out=tmp)``; ``x = beta x + c`` becomes
  ``x *= beta; x += c``: the same roundings, in the same order.
* Scalars computed once per step (``1 - beta``, ``1 - beta2^t``) arrive as arguments,
  computed in Python floats exactly as the plain functions compute them.
* ``s + eps_root`` is skipped when ``eps_root == 0``: s is never -0.0, so s + 0.0 is s.

Adam's v and s agree bit for bit too; its step is grouped differently. The slide's
alpha v_corrected / denominator needs v_corrected and the denominator in memory at
once, two scratch buffers, which measured some 15 % slower on 10M parameters; the
kernel computes (alpha / (1 - beta1^t)) * (v / denominator) with one. That changes at
most 3 roundings of the step, so each step differs by at most 4 eps |step| before W's
own rounding (eps = 2^-52 in float64, 2^-23 in float32; the test allows one ulp of W
per step on top).
"""

from __future__ import annotations

import math

import numpy as np

from .blocks import apply_blocked, sums_are_finite

__all__ = ["FAST_MIN", "applies", "gradient_descent_", "momentum_", "rmsprop_", "adam_", "SmallSteps"]

#: Arrays from this many elements on take the in-place path. Measured on the course's
#: 2-core machine (loaded): at 4,096 float64 elements the plain functions and the kernels
#: cost about the same for Adam and GD; at 16,384 the kernels take 40 % (Adam) to 100 %
#: (GD) of the time; below 1,024 the plain functions are faster (no scratch buffers).
FAST_MIN = 4096
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def applies(W, *others):
    """True when W (and the arrays that go with it) should take the in-place kernels.

    Large arrays, all of one dtype, float32 or float64: the kernels' scratch buffers and
    constants take the dtype of W, so mixed dtypes stay on the plain path (which lets
    numpy promote them), where the results are by definition right.
    """
    return W.size >= FAST_MIN and W.dtype in _DTYPES and all(a.dtype == W.dtype for a in others)


# ---------------------------------------------------------------------------
# The kernels: one line per line of the plain function
# ---------------------------------------------------------------------------

def _gradient_descent(W, dW, tmp, *, learning_rate):
    W -= np.multiply(learning_rate, dW, out=tmp)                   # W = W - learning_rate * dW


def _average_(x, new, tmp, beta, one_minus_beta):
    """x = beta * x + (1 - beta) * new, in place."""
    x *= beta
    x += np.multiply(one_minus_beta, new, out=tmp)


def _momentum(W, dW, v, tmp, *, learning_rate, beta, one_minus_beta):
    _average_(v, dW, tmp, beta, one_minus_beta)                     # v = beta * v + (1 - beta) * dW
    W -= np.multiply(learning_rate, v, out=tmp)                     # W = W - learning_rate * v


def _denominator(s, tmp, epsilon, eps_root):
    """np.sqrt(s + eps_root) + epsilon, into tmp (s may already be tmp)."""
    if eps_root:
        s = np.add(s, eps_root, out=tmp)
    np.sqrt(s, out=tmp)
    tmp += epsilon
    return tmp


def _rmsprop(W, dW, s, tmp, *, learning_rate, beta, one_minus_beta, epsilon, eps_root):
    _average_(s, np.square(dW, out=tmp), tmp, beta, one_minus_beta)   # s = beta * s + (1 - beta) * dW**2
    denominator = _denominator(s, tmp, epsilon, eps_root)             # np.sqrt(s + eps_root) + epsilon
    step = np.divide(dW, denominator, out=tmp)                        # dW / (...)
    W -= np.multiply(learning_rate, step, out=tmp)                    # W = W - learning_rate * (...)


def _adam(W, dW, v, s, tmp, *, learning_rate_t, beta1, one_minus_beta1, beta2, one_minus_beta2,
          one_minus_beta2_t, epsilon, eps_root):
    _average_(v, dW, tmp, beta1, one_minus_beta1)                     # v = beta1 * v + (1 - beta1) * dW
    _average_(s, np.square(dW, out=tmp), tmp, beta2, one_minus_beta2)  # s = beta2 * s + (1 - beta2) * dW**2
    s_corrected = np.divide(s, one_minus_beta2_t, out=tmp)            # s / (1 - beta2**t)
    denominator = _denominator(s_corrected, tmp, epsilon, eps_root)   # np.sqrt(s_corrected + eps_root) + epsilon
    # learning_rate * v_corrected / denominator, grouped as (learning_rate / (1 - beta1**t)) * (v / denominator):
    # one scratch buffer instead of two, which keeps Adam's step as fast as before (see the module docstring)
    W -= np.multiply(learning_rate_t, np.divide(v, denominator, out=tmp), out=tmp)


# ---------------------------------------------------------------------------
# Entry points: update W (and v, s) in place
# ---------------------------------------------------------------------------

def gradient_descent_(W, dW, learning_rate):
    """``W[...] = gradient_descent_update(W, dW, learning_rate)``, in place and blocked."""
    apply_blocked(_gradient_descent, (W, dW), learning_rate=learning_rate)


def momentum_(W, dW, v, beta, learning_rate):
    """``W[...], v[...] = momentum_update(W, dW, v, beta, learning_rate)``, in place and blocked."""
    apply_blocked(_momentum, (W, dW, v), learning_rate=learning_rate, beta=beta, one_minus_beta=1 - beta)


def rmsprop_(W, dW, s, beta, learning_rate, epsilon, eps_root=0.0):
    """``W[...], s[...] = rmsprop_update(...)``, in place and blocked."""
    apply_blocked(_rmsprop, (W, dW, s), learning_rate=learning_rate, beta=beta,
                  one_minus_beta=1 - beta, epsilon=epsilon, eps_root=eps_root)


def adam_(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon, eps_root=0.0):
    """``W[...], v[...], s[...] = adam_update(...)``, in place and blocked; t counted from 1.

    v and s are bit for bit those of ``adam_update``; W differs from it by a few roundings
    of the step (the module docstring says how many).
    """
    apply_blocked(_adam, (W, dW, v, s), learning_rate_t=learning_rate / (1 - beta1**t),
                  beta1=beta1, one_minus_beta1=1 - beta1, beta2=beta2, one_minus_beta2=1 - beta2,
                  one_minus_beta2_t=1 - beta2**t, epsilon=epsilon, eps_root=eps_root)


# ---------------------------------------------------------------------------
# Small networks: every array's step in one buffer, checked in one read
# ---------------------------------------------------------------------------

class SmallSteps:
    """Gradient descent's steps alpha dW for all arrays of a small network, in one buffer.

    On a network of a few dozen numbers, each numpy call costs far more than its
    arithmetic, and the step of plain gradient descent is only two calls per array.
    Checking every gradient for NaN (one more call per array) and copying each new W
    back (another) doubled it. Here alpha dW of every array goes into a view of one
    buffer, made once per network (``for_params``): one multiplication by alpha serves
    them all, one read of the buffer finds a NaN, an inf or an overflow in any of them,
    and ``W -= alpha dW`` then updates W in place: the same two roundings as
    ``W - learning_rate * dW``, bit for bit.
    """

    def __init__(self, params, dtype):
        self.dtype = dtype
        self.buffer = np.empty(sum(W.size for W in params.values()), dtype=dtype)
        self.steps, start = {}, 0
        for key, W in params.items():
            self.steps[key] = self.buffer[start:start + W.size].reshape(W.shape)
            start += W.size

    @classmethod
    def for_params(cls, params):
        """A SmallSteps for params if all its arrays are small and of one float dtype, else None."""
        dtypes = {W.dtype for W in params.values()}
        if (len(dtypes) != 1 or not dtypes <= set(_DTYPES) or any(W.size >= FAST_MIN for W in params.values())
                or sum(W.size for W in params.values()) > _SMALL_NETWORK_MAX):
            return None
        return cls(params, dtypes.pop())

    def fill(self, learning_rate, grads):
        """alpha dW into the buffer; the steps by key, or None unless grads holds arrays like params'.

        None (the caller then takes the general path, whose checks say what is wrong):
        other keys, an array of another type, shape or dtype, something not an array.
        """
        steps, dtype = self.steps, self.dtype
        try:
            if len(grads) != len(steps):
                return None
            for key, step in steps.items():
                dW = grads[key]
                if type(dW) is not np.ndarray or dW.shape != step.shape or dW.dtype != dtype:
                    return None
                step[...] = dW  # a copy costs half a multiplication: one multiplication for all
        except (KeyError, TypeError):
            return None
        np.multiply(learning_rate, self.buffer, self.buffer)  # alpha dW, element by element as ever
        return steps

    def all_finite(self):
        """True when every step is finite (False too when their sum overflows: the caller looks closer)."""
        if self.buffer.size <= _LIST_SUM_MAX:
            return math.isfinite(sum(self.buffer.tolist()))  # no numpy call: cheaper on a few dozen
        return sums_are_finite([self.buffer])


#: A network of at most this many numbers (and no array of FAST_MIN) is small: the buffer
#: stays small, and on more numbers the calls' overhead no longer dominates anyway.
_SMALL_NETWORK_MAX = 4 * FAST_MIN

#: Up to this many numbers a Python sum of a list checks them faster than numpy's
#: reductions (whose fixed cost is several such sums; benchmarks/README.md).
_LIST_SUM_MAX = 64

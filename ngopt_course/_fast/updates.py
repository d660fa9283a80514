"""The four updates of ``optimizers.py``, in place, for large arrays.

Each kernel performs exactly the operations of the plain function it stands for
(``gradient_descent_update``, ``momentum_update``, ``rmsprop_update``, ``adam_update``),
in the same order and the same dtype, but writes into the arrays it is given and into
scratch buffers (``tmp``, ``tmp2``) instead of allocating a new array for every
operation. So the two paths agree bit for bit (``tests/test_fast_path.py``), and
``blocks.apply_blocked`` can run a kernel block by block on both cores.

The differences from the plain functions, and why none changes a result:

* ``a * b`` becomes ``np.multiply(a, b, out=tmp)``; ``x = beta x + c`` becomes
  ``x *= beta; x += c``: the same roundings, in the same order.
* Scalars computed once per step (``1 - beta``, ``1 - beta1^t``) arrive as arguments,
  computed in Python floats exactly as the plain functions compute them.
* ``s + eps_root`` is skipped when ``eps_root == 0``: s is never -0.0, so s + 0.0 is s.
"""

from __future__ import annotations

import numpy as np

from .blocks import apply_blocked

__all__ = ["FAST_MIN", "applies", "gradient_descent_", "momentum_", "rmsprop_", "adam_"]

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


def _rmsprop(W, dW, s, tmp, tmp2, *, learning_rate, beta, one_minus_beta, epsilon, eps_root):
    _average_(s, np.square(dW, out=tmp2), tmp, beta, one_minus_beta)   # s = beta * s + (1 - beta) * dW**2
    denominator = _denominator(s, tmp, epsilon, eps_root)             # np.sqrt(s + eps_root) + epsilon
    step = np.multiply(learning_rate, dW, out=tmp2)                   # learning_rate * dW
    W -= np.divide(step, denominator, out=tmp2)                       # W = W - learning_rate * dW / (...)


def _adam(W, dW, v, s, tmp, tmp2, *, learning_rate, beta1, one_minus_beta1, beta2, one_minus_beta2,
          one_minus_beta1_t, one_minus_beta2_t, epsilon, eps_root):
    _average_(v, dW, tmp, beta1, one_minus_beta1)                     # v = beta1 * v + (1 - beta1) * dW
    _average_(s, np.square(dW, out=tmp2), tmp, beta2, one_minus_beta2)  # s = beta2 * s + (1 - beta2) * dW**2
    s_corrected = np.divide(s, one_minus_beta2_t, out=tmp)            # s / (1 - beta2**t)
    denominator = _denominator(s_corrected, tmp, epsilon, eps_root)   # np.sqrt(s_corrected + eps_root) + epsilon
    v_corrected = np.divide(v, one_minus_beta1_t, out=tmp2)           # v / (1 - beta1**t)
    step = np.multiply(learning_rate, v_corrected, out=tmp2)          # learning_rate * v_corrected
    W -= np.divide(step, denominator, out=tmp2)                       # W = W - ... / denominator


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
    apply_blocked(_rmsprop, (W, dW, s), n_scratch=2, learning_rate=learning_rate, beta=beta,
                  one_minus_beta=1 - beta, epsilon=epsilon, eps_root=eps_root)


def adam_(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon, eps_root=0.0):
    """``W[...], v[...], s[...] = adam_update(...)``, in place and blocked; t counted from 1."""
    apply_blocked(_adam, (W, dW, v, s), n_scratch=2, learning_rate=learning_rate,
                  beta1=beta1, one_minus_beta1=1 - beta1, beta2=beta2, one_minus_beta2=1 - beta2,
                  one_minus_beta1_t=1 - beta1**t, one_minus_beta2_t=1 - beta2**t,
                  epsilon=epsilon, eps_root=eps_root)

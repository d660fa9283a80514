"""Mini-batches, made as the lecture makes them from X (n, m) and Y (1, m)::

    1. shuffle:    one random permutation of the m columns, applied to X and Y alike
    2. partition:  cut the shuffled columns into mini-batches X{1}, Y{1}, X{2}, Y{2}, ...
                   of mini_batch_size columns; the last one holds the m % mini_batch_size left

One example per column (Y may also be (k, m)). With m = 5,000,000 and size 1,000 there
are 5,000 mini-batches; size m is batch gradient descent, size 1 stochastic gradient descent.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_array, check_int, check_labels_2d, check_rng, check_same_m

__all__ = ["random_mini_batches", "iter_mini_batches", "num_mini_batches"]


def random_mini_batches(X, Y, mini_batch_size=64, seed=0):
    """Shuffle the columns of X and Y with one permutation and cut them into mini-batches.

    Parameters
    ----------
    X : array of shape (n, m)
        Input data, one example per column.
    Y : array of shape (k, m)
        Labels (k = 1 for binary labels), one column per example.
    mini_batch_size : int, default 64
        Examples per mini-batch, >= 1 (size m: batch GD; size 1: stochastic GD).
    seed : int, numpy.random.Generator or None, default 0
        Fixes the shuffle: the same seed gives the same mini-batches.

    Returns
    -------
    list of (X_t, Y_t)
        ``ceil(m / mini_batch_size)`` pairs; all full-size but the last, which holds the
        remaining ``m % mini_batch_size`` examples when m is not a multiple.

    See Also
    --------
    iter_mini_batches : the same mini-batches, gathered lazily one at a time.
    """
    _check_xy(X, Y, finite=True)
    return list(iter_mini_batches(X, Y, mini_batch_size, seed))  # 1. shuffle, 2. partition (below)


def iter_mini_batches(X, Y, mini_batch_size=64, seed=0, *, shuffle=True):
    """Yield the mini-batches ``(X_t, Y_t)`` of one epoch, gathering one at a time.

    Only one mini-batch is in memory at once (plus the permutation of m indices), so X
    may be an ``np.memmap`` of 5,000,000 columns: nothing copies the whole of it.

    Parameters
    ----------
    X : array of shape (n, m)
        One example per column; may be memory-mapped.
    Y : array of shape (k, m)
        Labels, one column per example.
    mini_batch_size : int, default 64
        Examples per mini-batch, >= 1. The last mini-batch is smaller when m is not a
        multiple; a size >= m gives one batch (batch gradient descent).
    seed : int, numpy.random.Generator or None, default 0
        Fixes the shuffle. Pass one Generator across epochs for a new shuffle each epoch.
    shuffle : bool, default True
        False keeps the examples in order.

    Yields
    ------
    X_t : array of shape (n, size_t)
    Y_t : array of shape (k, size_t)
        Columns ``X[:, i]`` and ``Y[:, i]`` stay paired: both use one permutation.
    """
    # Checked and shuffled here, at the call, not at the first next(): a bad argument
    # fails on the line that passed it, and the Generator is drawn from in call order.
    X, Y = _check_xy(X, Y, finite=False)  # scanning a memory-mapped X would read it all
    mini_batch_size = check_int(mini_batch_size, "mini_batch_size", min_val=1)
    rng = check_rng(seed)
    order = rng.permutation(X.shape[1]) if shuffle else None  # 1. shuffle
    return _partition(X, Y, mini_batch_size, order)            # 2. partition, one mini-batch per next()


def num_mini_batches(m, mini_batch_size):
    """How many mini-batches one epoch over m examples has: ceil(m / mini_batch_size)."""
    m = check_int(m, "m", min_val=0)
    mini_batch_size = check_int(mini_batch_size, "mini_batch_size", min_val=1)
    return -(-m // mini_batch_size)  # ceil(m / size) in integers: a float division rounds m > 2**53


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------

def _partition(X, Y, mini_batch_size, order):
    """The lazy half of iter_mini_batches: gather the columns of one mini-batch per next()."""
    m = X.shape[1]
    # Plain ndarray views of the same memory: a memmap (a subclass) runs its own Python
    # code on every slice and gather, about a tenth of a small network's step.
    X, Y = np.asarray(X), np.asarray(Y)
    # A Fortran-ordered X (large_dataset's layout: each example's n values contiguous) is
    # the C-ordered (m, n) array X.T, whose rows np.take gathers about 4 times faster than
    # fancy indexing X[:, idx] gathers columns (same values, same layout). np.take copies
    # a whole array that is not C-ordered first, so other layouts keep fancy indexing,
    # which gathers just these columns.
    X_rows = X.T if X.T.flags.c_contiguous else None
    for start in range(0, m, mini_batch_size):
        stop = min(start + mini_batch_size, m)
        if order is None:
            yield X[:, start:stop], Y[:, start:stop]
        else:
            idx = order[start:stop]
            X_t = X[:, idx] if X_rows is None else np.take(X_rows, idx, axis=0).T
            yield X_t, Y[:, idx]


def _check_xy(X, Y, finite):
    X = check_array(X, "X", ndim=2, finite=finite)
    Y = check_labels_2d(Y, "k", finite=finite)
    check_same_m(X, Y)
    if X.shape[1] == 0:
        raise ValueError("X has m = 0 examples (shape {}); there is nothing to batch".format(X.shape))
    return X, Y

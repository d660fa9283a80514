"""Mini-batches: every example once per epoch, X and Y paired, sizes, seeds, np.memmap.

The examples are encoded in the data: column i of X is (i, 2i + 0.5, -i) and column i of
Y is 10 i, so any batch can be decoded back to its example indices and checked.
"""

import numpy as np
import pytest

from ngopt_course.minibatch import iter_mini_batches, num_mini_batches, random_mini_batches


def encoded(m, dtype=np.float64):
    i = np.arange(m)
    X = np.vstack([i, 2 * i + 0.5, -i]).astype(dtype)
    Y = (10 * i).reshape(1, m).astype(dtype)
    return X, Y


def indices_of(batch):
    """Decode the example indices of one mini-batch and check its columns are intact."""
    X_t, Y_t = batch
    idx = X_t[0].astype(int)
    np.testing.assert_array_equal(X_t[1], 2 * idx + 0.5)  # X columns not mixed up
    np.testing.assert_array_equal(X_t[2], -idx)
    np.testing.assert_array_equal(Y_t[0], 10 * idx)       # Y column i is X column i's label
    return idx


def all_indices(batches):
    return np.concatenate([indices_of(b) for b in batches])


@pytest.mark.parametrize("m, size", [(148, 64), (128, 64), (5, 2), (1000, 7), (1, 64)])
def test_every_example_once_and_paired(m, size):
    X, Y = encoded(m)
    batches = random_mini_batches(X, Y, size, seed=3)
    idx = all_indices(batches)
    np.testing.assert_array_equal(np.sort(idx), np.arange(m))  # each example exactly once


def test_examples_are_shuffled():
    X, Y = encoded(148)
    idx = all_indices(random_mini_batches(X, Y, 64, seed=0))
    assert not np.array_equal(idx, np.arange(148))


def test_shuffle_is_one_permutation_cut_in_order():
    # Oracle: the columns of X and Y reordered by one permutation, cut into consecutive pieces.
    X, Y = encoded(148)
    perm = np.random.default_rng(11).permutation(148)
    batches = random_mini_batches(X, Y, 64, seed=11)
    for k, (X_t, Y_t) in enumerate(batches):
        cols = perm[64 * k : 64 * (k + 1)]
        np.testing.assert_array_equal(X_t, X[:, cols])
        np.testing.assert_array_equal(Y_t, Y[:, cols])


@pytest.mark.parametrize(
    "m, size, sizes",
    [
        (148, 64, [64, 64, 20]),   # 148 = 2*64 + 20: the last batch holds the remainder
        (128, 64, [64, 64]),       # divisible: all full
        (10, 3, [3, 3, 3, 1]),
        (148, 148, [148]),         # size m: batch gradient descent, one batch
        (148, 1000, [148]),        # size > m: still one batch
        (6, 1, [1] * 6),           # size 1: stochastic gradient descent, m batches
    ],
)
def test_batch_sizes(m, size, sizes):
    X, Y = encoded(m)
    batches = random_mini_batches(X, Y, size, seed=0)
    assert [b[0].shape for b in batches] == [(3, s) for s in sizes]
    assert [b[1].shape for b in batches] == [(1, s) for s in sizes]
    assert num_mini_batches(m, size) == len(sizes)


def test_num_mini_batches_lecture():
    # The lecture: m = 5,000,000 with size 1,000 gives 5,000 mini-batches.
    assert num_mini_batches(5_000_000, 1000) == 5000
    assert num_mini_batches(0, 64) == 0
    with pytest.raises(ValueError, match=r"mini_batch_size == 0, must be an integer in \[1, inf\]"):
        num_mini_batches(10, 0)


def test_size_m_keeps_everything():
    X, Y = encoded(50)
    [(X_t, Y_t)] = random_mini_batches(X, Y, 50, seed=0)
    np.testing.assert_array_equal(np.sort(indices_of((X_t, Y_t))), np.arange(50))


def test_same_seed_same_batches_different_seeds_differ():
    X, Y = encoded(148)
    a = all_indices(random_mini_batches(X, Y, 64, seed=5))
    b = all_indices(random_mini_batches(X, Y, 64, seed=5))
    c = all_indices(random_mini_batches(X, Y, 64, seed=6))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_generator_across_epochs_gives_new_shuffles():
    X, Y = encoded(148)
    rng = np.random.default_rng(0)
    epochs = [all_indices(random_mini_batches(X, Y, 64, seed=rng)) for _ in range(3)]
    for idx in epochs:
        np.testing.assert_array_equal(np.sort(idx), np.arange(148))
    assert not np.array_equal(epochs[0], epochs[1])
    assert not np.array_equal(epochs[1], epochs[2])
    # ... and the whole sequence of epochs is reproducible from the Generator's seed
    rng2 = np.random.default_rng(0)
    again = [all_indices(random_mini_batches(X, Y, 64, seed=rng2)) for _ in range(3)]
    for first, second in zip(epochs, again):
        np.testing.assert_array_equal(first, second)


def test_list_equals_lazy_iterator():
    X, Y = encoded(148)
    eager = random_mini_batches(X, Y, 64, seed=9)
    lazy = list(iter_mini_batches(X, Y, 64, seed=9))
    assert len(eager) == len(lazy) == 3
    for (Xa, Ya), (Xb, Yb) in zip(eager, lazy):
        np.testing.assert_array_equal(Xa, Xb)
        np.testing.assert_array_equal(Ya, Yb)


def test_iterator_is_lazy_and_single_use():
    X, Y = encoded(10)
    it = iter_mini_batches(X, Y, 4, seed=0)
    assert iter(it) is it
    assert next(it)[0].shape == (3, 4)
    assert len(list(it)) == 2  # the remaining two batches (4 and 2 examples)


def test_no_shuffle_keeps_order():
    X, Y = encoded(10)
    batches = list(iter_mini_batches(X, Y, 4, shuffle=False))
    np.testing.assert_array_equal(all_indices(batches), np.arange(10))


def test_batches_do_not_alias_the_data():
    # Shuffled batches are gathered copies: writing into one does not change X.
    X, Y = encoded(20)
    X_before = X.copy()
    for X_t, Y_t in random_mini_batches(X, Y, 8, seed=0):
        X_t[:] = -1.0
    np.testing.assert_array_equal(X, X_before)


def test_multi_row_and_bool_labels():
    # Y of shape (k, m) with k = 2, and boolean labels, stay paired with X.
    m = 30
    X = np.arange(m, dtype=float).reshape(1, m)
    Y = np.vstack([np.arange(m) % 2 == 0, np.arange(m) % 3 == 0])
    for X_t, Y_t in random_mini_batches(X, Y, 8, seed=1):
        idx = X_t[0].astype(int)
        assert Y_t.dtype == bool and Y_t.shape == (2, idx.size)
        np.testing.assert_array_equal(Y_t[0], idx % 2 == 0)
        np.testing.assert_array_equal(Y_t[1], idx % 3 == 0)


def test_dtype_kept():
    X, Y = encoded(20, dtype=np.float32)
    X_t, Y_t = random_mini_batches(X, Y, 8, seed=0)[0]
    assert X_t.dtype == np.float32 and Y_t.dtype == np.float32


def test_memmap(tmp_path):
    # A memory-mapped X (as for the m = 5,000,000 set) gives the same batches as in memory,
    # handed out as ordinary arrays of one batch each, not as memmaps.
    X, Y = encoded(148)
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    X_map = np.load(tmp_path / "X.npy", mmap_mode="r")
    Y_map = np.load(tmp_path / "Y.npy", mmap_mode="r")
    assert isinstance(X_map, np.memmap)
    from_disk = list(iter_mini_batches(X_map, Y_map, 64, seed=4))
    in_memory = random_mini_batches(X, Y, 64, seed=4)
    assert [b[0].shape[1] for b in from_disk] == [64, 64, 20]
    for (Xd, Yd), (Xm, Ym) in zip(from_disk, in_memory):
        assert type(Xd) is np.ndarray and type(Yd) is np.ndarray
        assert not np.shares_memory(Xd, X_map)
        np.testing.assert_array_equal(Xd, Xm)
        np.testing.assert_array_equal(Yd, Ym)
    np.testing.assert_array_equal(np.sort(all_indices(from_disk)), np.arange(148))
    # unshuffled, it still yields one batch's columns at a time
    ordered = list(iter_mini_batches(X_map, Y_map, 64, shuffle=False))
    assert [b[0].shape for b in ordered] == [(3, 64), (3, 64), (3, 20)]
    np.testing.assert_array_equal(all_indices(ordered), np.arange(148))
    del X_map, Y_map, from_disk, ordered  # release the maps before tmp_path is removed

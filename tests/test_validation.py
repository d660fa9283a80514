"""Argument checks: the helpers in _validation and the messages learners see from the public API.

Messages name the argument, show its value and say what is allowed, e.g.
``beta1 == 1.0, must be in [0, 1)``; these tests match the text.
"""

import numpy as np
import pytest

from ngopt_course._validation import (
    check_array,
    check_finite_dict,
    check_int,
    check_matching_dicts,
    check_real,
    check_rng,
    check_same_m,
)
from ngopt_course.minibatch import iter_mini_batches, random_mini_batches
from ngopt_course.optimizers import Adam, GradientDescent, Momentum, RMSProp

# ---------------------------------------------------------------------------
# check_real / check_int
# ---------------------------------------------------------------------------


def test_check_real_accepts_and_converts():
    assert check_real(1, "x") == 1.0 and type(check_real(1, "x")) is float
    assert check_real(np.float32(0.5), "x") == 0.5
    assert check_real(np.int64(3), "x") == 3.0
    assert check_real(np.array(0.25), "x") == 0.25  # 0-d arrays are numbers
    # the ends of the interval, as "closed" says
    assert check_real(0.0, "beta", min_val=0.0, max_val=1.0, closed="left") == 0.0
    assert check_real(1.0, "drop", min_val=0.0, max_val=1.0, closed="right") == 1.0
    assert check_real(1.0, "p", min_val=0.0, max_val=1.0, closed="both") == 1.0


@pytest.mark.parametrize(
    "value, kwargs, message",
    [
        (1.0, dict(min_val=0.0, max_val=1.0, closed="left"), r"x == 1.0, must be in \[0, 1\)"),
        (-0.1, dict(min_val=0.0, max_val=1.0, closed="left"), r"x == -0.1, must be in \[0, 1\)"),
        (0.0, dict(min_val=0.0, max_val=1.0, closed="right"), r"x == 0.0, must be in \(0, 1\]"),
        (0.0, dict(min_val=0.0, closed="neither"), r"x == 0.0, must be in \(0, inf\)"),
        (2.5, dict(max_val=2.0), r"x == 2.5, must be in \(-inf, 2\]"),
        (0.05, dict(min_val=0.1, max_val=0.9), r"x == 0.05, must be in \[0.1, 0.9\]"),
        (float("nan"), {}, r"x == nan, must be a finite number"),
        (float("inf"), {}, r"x == inf, must be a finite number"),
        (-np.inf, {}, r"x == -inf, must be a finite number"),
    ],
)
def test_check_real_refuses(value, kwargs, message):
    with pytest.raises(ValueError, match=message):
        check_real(value, "x", **kwargs)


@pytest.mark.parametrize("value, shown", [(True, "bool True"), ("0.1", "str '0.1'"), (None, "NoneType None"),
                                          ([0.1], r"list \[0.1\]"), (np.array([0.1]), "ndarray")])
def test_check_real_type_errors(value, shown):
    with pytest.raises(TypeError, match=rf"x must be a real number, got {shown}"):
        check_real(value, "x")


def test_check_int():
    assert check_int(64, "size", min_val=1) == 64
    assert type(check_int(np.int32(7), "size")) is int
    with pytest.raises(ValueError, match=r"size == 0, must be an integer in \[1, inf\]"):
        check_int(0, "size", min_val=1)
    with pytest.raises(ValueError, match=r"size == 11, must be an integer in \[-inf, 10\]"):
        check_int(11, "size", max_val=10)
    for bad, shown in [(64.0, "float 64.0"), (2.5, "float 2.5"), (True, "bool True"), ("3", "str '3'")]:
        with pytest.raises(TypeError, match=rf"size must be an integer, got {shown}"):
            check_int(bad, "size", min_val=1)


# ---------------------------------------------------------------------------
# check_array / check_same_m
# ---------------------------------------------------------------------------


def test_check_array():
    a = np.ones((2, 3))
    assert check_array(a, "X") is a  # no copy
    assert check_array([[1, 2]], "X", ndim=2).shape == (1, 2)  # lists accepted
    assert check_array(np.ones(3), "theta", ndim=(1, 2)).ndim == 1
    with pytest.raises(ValueError, match=r"X must be 2-D, got shape \(3,\)"):
        check_array(np.ones(3), "X", ndim=2)
    with pytest.raises(ValueError, match=r"X must be 1-D or 2-D, got shape \(1, 1, 1\)"):
        check_array(np.ones((1, 1, 1)), "X", ndim=(1, 2))
    with pytest.raises(ValueError, match=r"X has 2 non-finite value\(s\) \(NaN or inf\), first at flat index 1"):
        check_array([[0.0, np.nan, np.inf]], "X")
    assert np.isnan(check_array([np.nan], "X", finite=False)).all()
    with pytest.raises(TypeError, match=r"X must hold numbers, got an array of dtype <U1"):
        check_array(["a"], "X")
    with pytest.raises(TypeError, match=r"X must hold numbers, got an array of dtype bool"):
        check_array([True], "X")
    assert check_array([True], "Y", dtype_kind="fiub").dtype == bool


def test_check_same_m():
    check_same_m(np.ones((2, 5)), np.ones((1, 5)))
    with pytest.raises(ValueError, match=r"X has m = 5 examples \(shape \(2, 5\)\) but Y has m = 4 \(shape \(1, 4\)\); examples are columns"):
        check_same_m(np.ones((2, 5)), np.ones((1, 4)))


# ---------------------------------------------------------------------------
# check_matching_dicts / check_finite_dict / check_rng
# ---------------------------------------------------------------------------


def test_check_matching_dicts():
    check_matching_dicts({"W": np.ones((2, 2))}, {"W": [[0.0, 0.0], [0.0, 0.0]]})  # lists have shapes too
    with pytest.raises(ValueError, match=r"missing from grads \['b1'\], not in params \[\]"):
        check_matching_dicts({"W1": 1.0, "b1": 1.0}, {"W1": 1.0})
    with pytest.raises(ValueError, match=r"grads\['W'\] has shape \(2,\) but params\['W'\] has shape \(2, 1\)"):
        check_matching_dicts({"W": np.ones((2, 1))}, {"W": np.ones(2)})
    with pytest.raises(TypeError, match=r"params must be a dict of arrays, got ndarray"):
        check_matching_dicts(np.ones(2), {})


def test_check_finite_dict():
    check_finite_dict({"W": np.ones(3), "n": np.arange(3)})
    with pytest.raises(ValueError, match=r"grads\['db'\] has 1 non-finite value\(s\) \(NaN or inf\), first at flat index 4"):
        check_finite_dict({"dW": np.ones((2, 2)), "db": np.array([[0.0, 1, 2, 3, -np.inf]])})
    # +inf and -inf sum to NaN: refused with the message, no RuntimeWarning on the way
    # (pytest turns warnings into errors, so a warning would fail here)
    with pytest.raises(ValueError, match=r"grads\['dW'\] has 2 non-finite value\(s\)"):
        check_finite_dict({"dW": np.array([np.inf, -np.inf])})
    # finite entries whose sum overflows are not refused (the fast sum is only a first pass),
    # and the overflow of that sum warns nobody
    huge = np.full(10, 3e38, dtype=np.float32)
    with np.errstate(over="ignore"):
        assert not np.isfinite(huge.sum())
    check_finite_dict({"W": huge})
    with pytest.raises(ValueError, match=r"X\['a'\] has 1 non-finite"):
        check_finite_dict({"a": np.array([1.0, np.nan])}, name="X")


def test_check_rng():
    g = np.random.default_rng(1)
    assert check_rng(g) is g
    assert isinstance(check_rng(None), np.random.Generator)
    np.testing.assert_array_equal(check_rng(5).random(3), np.random.default_rng(5).random(3))
    np.testing.assert_array_equal(check_rng(np.int64(5)).random(3), np.random.default_rng(5).random(3))
    for bad in [-1, 1.5, True, "0", np.random.RandomState(0)]:
        with pytest.raises(TypeError, match=r"seed must be a non-negative int, a numpy.random.Generator or None"):
            check_rng(bad)


# ---------------------------------------------------------------------------
# What learners see: optimizer hyperparameters
# ---------------------------------------------------------------------------

HYPER = [
    ("beta", Momentum, lambda v: Momentum(0.1, beta=v)),
    ("beta", RMSProp, lambda v: RMSProp(0.1, beta=v)),
    ("beta1", Adam, lambda v: Adam(0.1, beta1=v)),
    ("beta2", Adam, lambda v: Adam(0.1, beta2=v)),
]


@pytest.mark.parametrize("name, cls, make", HYPER, ids=[f"{c.__name__}-{n}" for n, c, _ in HYPER])
@pytest.mark.parametrize("value", [1.0, -0.1, 1.5])
def test_bad_beta(name, cls, make, value):
    with pytest.raises(ValueError, match=rf"^{name} == {value!r}, must be in \[0, 1\)$"):
        make(value)


def test_beta_message_as_documented():
    # The exact text of the course's example.
    with pytest.raises(ValueError) as info:
        Adam(0.01, beta1=1.0)
    assert str(info.value) == "beta1 == 1.0, must be in [0, 1)"


def test_beta_zero_allowed():
    assert Momentum(0.1, beta=0).beta == 0.0
    assert Adam(0.1, beta1=0, beta2=0).beta2 == 0.0


LEARNERS = [GradientDescent, Momentum, RMSProp, Adam]


@pytest.mark.parametrize("cls", LEARNERS, ids=[c.__name__ for c in LEARNERS])
@pytest.mark.parametrize(
    "value, message",
    [
        (0, r"learning_rate == 0.0, must be in \(0, inf\)"),
        (-1, r"learning_rate == -1.0, must be in \(0, inf\)"),
        (float("nan"), r"learning_rate == nan, must be a finite number"),
        (float("inf"), r"learning_rate == inf, must be a finite number"),
    ],
)
def test_bad_learning_rate(cls, value, message):
    with pytest.raises(ValueError, match=message):
        cls(value)
    opt = cls(0.1)
    with pytest.raises(ValueError, match=message):
        opt.learning_rate = value


@pytest.mark.parametrize("cls", LEARNERS, ids=[c.__name__ for c in LEARNERS])
def test_learning_rate_type(cls):
    with pytest.raises(TypeError, match=r"learning_rate must be a real number, got str '0.1'"):
        cls("0.1")


def test_check_labels_2d_and_check_n_features():
    from ngopt_course._validation import check_labels_2d, check_n_features

    Y = check_labels_2d([[1, 0, 1]])
    assert Y.shape == (1, 3)
    assert check_labels_2d(np.array([[True, False]])).dtype == bool
    with pytest.raises(ValueError, match=r"Y must be 2-D with shape \(k, m\), got shape \(3,\); use Y.reshape\(1, -1\)"):
        check_labels_2d([1, 0, 1])
    with pytest.raises(ValueError, match=r"Y must be 2-D with shape \(1, m\), got shape \(1, 1, 3\)\Z"):
        check_labels_2d(np.zeros((1, 1, 3)), "1")
    with pytest.raises(ValueError, match=r"Y has 1 non-finite"):
        check_labels_2d([[np.nan, 1.0]])
    check_labels_2d([[np.nan, 1.0]], finite=False)  # a memmap's labels are not scanned
    check_n_features(np.zeros((2, 5)), 2, "layer_dims[0]")
    with pytest.raises(ValueError, match=r"X has n = 2 features \(shape \(2, 5\)\) but layer_dims\[0\] = 3; they must be equal"):
        check_n_features(np.zeros((2, 5)), 3, "layer_dims[0]")


@pytest.mark.parametrize("cls", [RMSProp, Adam])
@pytest.mark.parametrize("value, message", [(0, r"epsilon == 0.0, must be in \(0, inf\)"),
                                            (-1e-8, r"epsilon == -1e-08, must be in \(0, inf\)"),
                                            (float("nan"), r"epsilon == nan, must be a finite number")])
def test_bad_epsilon(cls, value, message):
    with pytest.raises(ValueError, match=message):
        cls(0.1, epsilon=value)


# ---------------------------------------------------------------------------
# What learners see: mini-batches
# ---------------------------------------------------------------------------

BATCHERS = pytest.mark.parametrize(
    "batches", [random_mini_batches, iter_mini_batches], ids=["random_mini_batches", "iter_mini_batches"]
)


@BATCHERS
@pytest.mark.parametrize(
    "size, error, message",
    [
        (0, ValueError, r"mini_batch_size == 0, must be an integer in \[1, inf\]"),
        (-64, ValueError, r"mini_batch_size == -64, must be an integer in \[1, inf\]"),
        (2.5, TypeError, r"mini_batch_size must be an integer, got float 2.5"),
        (64.0, TypeError, r"mini_batch_size must be an integer, got float 64.0"),
        (True, TypeError, r"mini_batch_size must be an integer, got bool True"),
    ],
)
def test_bad_mini_batch_size(batches, size, error, message):
    # Refused at the call itself (not later, at the first batch of a lazy loop).
    with pytest.raises(error, match=message):
        batches(np.ones((2, 10)), np.ones((1, 10)), size)


@BATCHERS
def test_x_and_y_with_different_m(batches):
    with pytest.raises(ValueError, match=r"X has m = 10 examples \(shape \(2, 10\)\) but Y has m = 9 \(shape \(1, 9\)\)"):
        batches(np.ones((2, 10)), np.ones((1, 9)))


@BATCHERS
def test_one_d_inputs(batches):
    with pytest.raises(ValueError, match=r"X must be 2-D, got shape \(10,\)"):
        batches(np.ones(10), np.ones((1, 10)))
    with pytest.raises(ValueError, match=r"Y must be 2-D with shape \(k, m\), got shape \(10,\); use Y.reshape\(1, -1\)"):
        batches(np.ones((2, 10)), np.ones(10))
    with pytest.raises(ValueError, match=r"Y must be 2-D with shape \(k, m\), got shape \(1, 1, 10\)$"):
        batches(np.ones((2, 10)), np.ones((1, 1, 10)))


@BATCHERS
def test_other_bad_data(batches):
    with pytest.raises(ValueError, match=r"X has m = 0 examples"):
        batches(np.ones((2, 0)), np.ones((1, 0)))
    with pytest.raises(TypeError, match=r"X must hold numbers"):
        batches(np.array([["a", "b"]]), np.ones((1, 2)))
    with pytest.raises(TypeError, match=r"seed must be a non-negative int"):
        batches(np.ones((2, 10)), np.ones((1, 10)), 4, -1)


def test_random_mini_batches_refuses_nan():
    # The eager version checks the values; the lazy one leaves a (possibly memory-mapped) X unread.
    with pytest.raises(ValueError, match=r"X has 1 non-finite value\(s\) \(NaN or inf\), first at flat index 3"):
        random_mini_batches(np.array([[0.0, 1.0, 2.0, np.nan]]), np.ones((1, 4)))
    assert len(list(iter_mini_batches(np.array([[0.0, np.nan]]), np.ones((1, 2)), 1))) == 2

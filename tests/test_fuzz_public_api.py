"""Bad input everywhere: property-based tests (hypothesis) over every public function.

Every callable that ``ngopt_course`` exports (``__all__``), and the public functions of
``ngopt_course.experiments.noisy``, is called with random arguments: random shapes, float32 and
float64, integer and boolean arrays, lists, empty arrays, NaN and inf, wrong types and
extreme hyperparameters (beta 0 and 0.999999, learning rates 1e-12 and 1e6, epsilon
1e-300, mini-batch sizes 1 and 10**18, m = 1). Each argument is drawn together with
whether it is valid, and each call must then

- with valid arguments, return a finite result of the right shape and dtype (float32
  stays float32 through the whole training loop), checked against an independent
  property: an oracle, an identity or a bound;
- with an invalid one, raise ValueError or TypeError whose message names that
  argument;
- never raise anything else (IndexError, ZeroDivisionError, AttributeError, ...), emit
  a numpy warning (``warnings`` are errors here), return a silent NaN, or hang
  (``pytest.mark.timeout`` on every test).

A diverging ``train`` is not an error: it returns with ``history.stop_reason`` set and
a finite history. ``test_every_public_callable_is_fuzzed`` fails when a new public name
has no fuzz test.

The examples are derandomized (the same ones on every run, nothing written to
``.hypothesis/``). To hunt for new bugs, draw new and more examples:
``NGOPT_FUZZ_RANDOM=1 NGOPT_FUZZ_SCALE=20 pytest tests/test_fuzz_public_api.py`` (and
``--hypothesis-show-statistics`` shows how often each function returned or refused;
``NGOPT_FUZZ_WHY=file`` lists the refusal messages in ``file``).

Budget: examples per test (each example calls every function the test names once,
except where it says "one of"). The whole module takes about 20 s on one core.

==========================================================  ========
functions                                                   examples
==========================================================  ========
num_mini_batches                                                 300
random_mini_batches, iter_mini_batches (one of the two)          400
ewa, ewa_loop (one of the two, checked against the other)        400
effective_window, ewa_weights, bias_correction_warmup            300
GradientDescent, Momentum, RMSProp, Adam (hyperparameters)       300
init, step (1-3 steps), the four *State classes, copy_arrays     600
inverse_time_decay, exponential_decay, inverse_sqrt_decay,
staircase_decay, manual_decay (one of the five)                  500
tabulate_schedule                                                150
initialize_parameters                                            300
forward, predict, accuracy, cost_and_grads, gradient_check       400
get_surface, surface_grid, Surface.f / Surface.grad              200
run_on_surface, Surface, SurfaceRun                              250
make_moons                                                       200
seasonal_cycle, generate_london_temperatures                     200
london_temperatures (damaged CSV files)                          150
large_dataset                                                     40
train (1-3 epochs, checkpoints, schedules, float32)              100
save_checkpoint, load_checkpoint, Checkpoint, History            100
load_checkpoint (damaged files), CheckpointError                 150
noisy: make_line_data, line_cost, line_gradients,
least_squares_line                                               400
noisy: run_minibatch_gd, NoisyRun, mean_distance_last_epochs     150
==========================================================  ========
"""

from __future__ import annotations

import inspect
import json
import math
import os
import re
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import ngopt_course as ng
from ngopt_course.experiments import noisy
from ngopt_course.data import LONDON_CSV
from ngopt_course.optimizers import StepOverflowError
from ngopt_course._fast import updates as fast_updates

# ---------------------------------------------------------------------------
# Machinery: arguments that know whether they are valid, and one way to call
# ---------------------------------------------------------------------------

FUZZED: dict[str, str] = {}  # public name -> the test that fuzzes it


def fuzzes(*names):
    """Record that the decorated test fuzzes these public names (see the coverage test)."""
    def mark(test):
        for name in names:
            FUZZED[name] = test.__name__
        return test
    return mark


def budget(examples, seconds=60):
    """Hypothesis settings for one test, and a hard timeout against hangs."""
    def apply(test):
        test = settings(
            max_examples=int(examples * float(os.environ.get("NGOPT_FUZZ_SCALE", "1"))),
            deadline=None,  # the machine is shared; the timeout below catches hangs
            derandomize=not os.environ.get("NGOPT_FUZZ_RANDOM"),
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                   HealthCheck.filter_too_much],
        )(test)
        return pytest.mark.timeout(seconds * max(1.0, float(os.environ.get("NGOPT_FUZZ_SCALE", "1"))))(test)
    return apply


@dataclass(frozen=True)
class Arg:
    """An argument value and whether the function must accept it."""

    value: Any
    ok: bool = True


class Refused:
    """Returned by ``call`` when the function raised the documented error."""


def names_argument(message, name):
    """True when ``message`` names the argument ``name`` as a word (``learning_rate`` is not ``learning_rate0``)."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", message) is not None


def call(fn, /, *args: Arg, may_refuse=(), must_refuse=(), **kwargs: Arg):
    """Call ``fn`` with the values of the Args, and check the outcome against their validity.

    All valid: must return (returned to the caller to check), unless it raises a
    ValueError naming one of ``may_refuse`` (arguments whose valid values can still
    make the computation impossible, e.g. a learning rate that makes a run diverge).
    Some invalid, or ``must_refuse`` not empty (names of settings made earlier, such as
    an optimizer's epsilon, that make this call invalid): must raise ValueError or
    TypeError naming one of them.
    Anything else, a warning included, fails the test.
    """
    named = inspect.signature(fn).bind_partial(*args, **kwargs).arguments  # positional ones by name too
    bad = [n for n, a in named.items() if not a.ok] + list(must_refuse)
    label = getattr(fn, "__qualname__", repr(fn))
    values = [a.value for a in args]
    kw = {n: a.value for n, a in kwargs.items()}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a numpy RuntimeWarning is a bug
            result = fn(*values, **kw)
    except (ValueError, TypeError) as err:
        call.last_error = err
        message = str(err)
        event(f"{label}: refused")  # --hypothesis-show-statistics shows how often each outcome came up
        if os.environ.get("NGOPT_FUZZ_WHY"):  # a file to list the refusals in, to tune the strategies
            with open(os.environ["NGOPT_FUZZ_WHY"], "a") as log:
                log.write(f"{label}: {message[:90]}\n")
        if not bad:
            assert isinstance(err, ValueError) and any(names_argument(message, n) for n in may_refuse), (
                f"{label} refused valid arguments {values} {kw}: {type(err).__name__}: {message}"
            )
            return Refused
        assert any(names_argument(message, n) for n in bad), (
            f"{label}: the message does not name the bad argument(s) {bad}: {type(err).__name__}: {message}"
        )
        return Refused
    assert not bad, f"{label} accepted the invalid argument(s) {bad}: {values} {kw}"
    event(f"{label}: returned")
    return result


def assert_finite(x, what="result"):
    arr = np.asarray(x, dtype=float)
    assert np.isfinite(arr).all(), f"{what} holds NaN or inf: {x!r}"


# Values that are never a real number (check_real refuses them with TypeError or ValueError).
NOT_REALS = [math.nan, math.inf, -math.inf, "0.5", None, True, [0.5], np.array([0.5, 0.5]), 1j]
NOT_INTS = [2.5, 3.0, "3", None, True, [3], np.float64(2.0), math.nan]
SPECIAL_REALS = [0.0, 5e-324, 1e-300, 1e-12, 1e-8, 0.5, 0.9, 0.999999, 1 - 1e-16, 1.0, 1e6, 1e300, 1e308,
                 -1e-300, -0.5, -1.0, -1e6]


def choices(good, bad):
    """An Arg strategy: valid Args from ``good`` (two draws in three) or invalid ones from
    ``bad``. Its ``.good`` attribute draws valid ones only (see ``draw_args``)."""
    mixed = st.one_of(good, good, bad)
    mixed.good, mixed.bad = good, bad
    return mixed


def good(strategy):
    """Only the valid draws of an Arg strategy."""
    only_good = getattr(strategy, "good", None)
    return only_good if only_good is not None else strategy.filter(lambda a: a.ok)


def draw_args(data, **strategies):
    """Draw Args with at most one of them invalid, half of the time: with every argument
    of train a third bad, a valid call would be rare."""
    spoil = data.draw(st.one_of(st.none(), st.sampled_from(sorted(strategies))))
    return {name: data.draw((getattr(s, "bad", s) if name == spoil else good(s))) for name, s in strategies.items()}


def real_arg(lo=None, hi=None, closed="both", *, draw_lo=-1e6, draw_hi=1e6, specials=SPECIAL_REALS,
             none_ok=False):
    """Arg strategy for a float parameter, valid in [lo, hi] (ends as ``closed`` says);
    ``none_ok``: None is valid too (the parameter's default)."""
    def valid(v):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.floating, np.integer)):
            return False
        v = float(v)
        if not math.isfinite(v):
            return False
        if lo is not None and (v < lo or (v == lo and closed in ("right", "neither"))):
            return False
        return not (hi is not None and (v > hi or (v == hi and closed in ("left", "neither"))))

    g_lo = draw_lo if lo is None else max(draw_lo, lo)
    g_hi = draw_hi if hi is None else min(draw_hi, hi)
    in_range = st.floats(g_lo, g_hi, exclude_min=g_lo == lo and closed in ("right", "neither"),
                         exclude_max=g_hi == hi and closed in ("left", "neither"))
    good_values = st.one_of(in_range, in_range.map(np.float32).filter(valid),
                            st.sampled_from([v for v in [*specials, -3, 0, 1, 2, 3] if valid(v)]))
    bad_values = st.sampled_from([v for v in [*specials, lo, hi, -1e300, 1e300] if v is not None and not valid(v)]
                                 + [v for v in NOT_REALS if not (none_ok and v is None)])
    good_args = good_values.map(Arg)
    if none_ok:
        good_args = st.one_of(good_args, st.just(Arg(None)))
    return choices(good_args, bad_values.map(lambda v: Arg(v, False)))


def int_arg(lo=None, hi=None, *, draw_lo=-5, draw_hi=50, specials=(), none_ok=False):
    """Arg strategy for an int parameter valid in [lo, hi]; ``none_ok``: None is valid too."""
    g_lo = draw_lo if lo is None else max(draw_lo, lo)
    g_hi = draw_hi if hi is None else min(draw_hi, hi)
    ok = [v for v in specials if (lo is None or v >= lo) and (hi is None or v <= hi)]
    good_values = st.one_of(st.integers(g_lo, g_hi), st.integers(g_lo, g_hi).map(np.int64),
                            *([st.sampled_from(ok)] if ok else []))
    bad_ints = [v for v in (lo - 1 if lo is not None else None, hi + 1 if hi is not None else None, -(2**70))
                if v is not None and not ((lo is None or v >= lo) and (hi is None or v <= hi))]
    bad_values = st.sampled_from(bad_ints + [v for v in NOT_INTS if not (none_ok and v is None)])
    good_args = good_values.map(Arg)
    if none_ok:
        good_args = st.one_of(good_args, st.just(Arg(None)))
    return choices(good_args, bad_values.map(lambda v: Arg(v, False)))


def seed_arg():
    good_seeds = st.one_of(st.integers(0, 2**32), st.none(), st.integers(0, 100).map(np.random.default_rng))
    return choices(good_seeds.map(Arg), st.sampled_from([-1, 1.5, "0", [0]]).map(lambda v: Arg(v, False)))


def float_dtype():
    return st.sampled_from([np.float32, np.float64])


def elements(dtype, bound):
    width = 32 if dtype == np.float32 else 64
    return st.floats(-bound, bound, width=width, allow_nan=False, allow_infinity=False)


@st.composite
def data_array(draw, shape, *, bound=1e3, int_ok=True, list_ok=True, bool_ok=False):
    """A finite array of this shape in one of the forms a learner passes: float64,
    float32, int, a list, Fortran order. Returns (value, dtype the value has)."""
    dtype = draw(float_dtype())
    arr = draw(hnp.arrays(dtype, shape, elements=elements(dtype, bound)))
    list_ok = list_ok and 0 not in arr.shape[:-1]  # [] would lose the dimensions after it
    form = draw(st.sampled_from(["array", "fortran"] + ["int"] * int_ok + ["list"] * list_ok + ["bool"] * bool_ok))
    if form == "fortran":
        return np.asfortranarray(arr)
    if form == "int":
        return np.round(arr).astype(np.int64)
    if form == "bool":
        return arr > 0
    if form == "list":
        return arr.tolist()
    return arr


@st.composite
def spoiled(draw, value, name):
    """A bad version of an array argument: a NaN or inf in it, one dimension too many or
    too few, strings, or a ragged list. Returns Arg(bad, ok=False)."""
    arr = np.array(value, dtype=float)
    how = draw(st.sampled_from(["nan", "inf", "ndim+", "ndim-", "str", "ragged"]))
    if how in ("nan", "inf") and arr.size:
        flat = arr.ravel().copy()
        flat[draw(st.integers(0, flat.size - 1))] = np.nan if how == "nan" else -np.inf
        return Arg(flat.reshape(arr.shape), False)
    if how == "ndim+":
        return Arg(arr[None], False)
    if how == "ndim-" and arr.ndim > 1:
        return Arg(arr.reshape(-1), False)
    if how == "str":
        return Arg(np.full(arr.shape, "a"), False)
    return Arg([[1.0, 2.0], [3.0]], False)


def test_names_argument_matches_whole_words_only():
    assert names_argument("learning_rate == 0.0, must be in (0, inf)", "learning_rate")
    assert not names_argument("learning_rate0 == 0.0", "learning_rate")
    assert names_argument("params['W1'] has shape (2, 3)", "params")
    assert names_argument("X has m = 0 examples", "X") and not names_argument("max_radius", "X")


# ---------------------------------------------------------------------------
# Coverage: every public callable has a fuzz test
# ---------------------------------------------------------------------------

def _public_callables():
    names = {name for name in ng.__all__ if callable(getattr(ng, name))}
    names |= {f"noisy.{name}" for name in noisy.__all__ if callable(getattr(noisy, name))}
    return names


def test_every_public_callable_is_fuzzed():
    missing = sorted(_public_callables() - set(FUZZED))
    assert not missing, f"public callables without a fuzz test in this module: {missing}"
    assert "SURFACES" in ng.__all__  # the one non-callable export: fuzzed through get_surface


# ---------------------------------------------------------------------------
# Mini-batches
# ---------------------------------------------------------------------------

@fuzzes("num_mini_batches")
@budget(300)
@given(m=int_arg(0, draw_hi=10**6, specials=(10**18,)), size=int_arg(1, specials=(1, 10**18)))
def test_fuzz_num_mini_batches(m, size):
    T = call(ng.num_mini_batches, m=m, mini_batch_size=size)
    if T is not Refused:
        assert T == -(-int(m.value) // int(size.value))  # ceil without floats


@st.composite
def xy_args(draw, finite_required, max_m=30):
    """X (n, m) and Y (k, m) as Args: valid forms, or one of them spoiled."""
    n, m = draw(st.integers(0, 3)), draw(st.integers(0, max_m))
    X = Arg(draw(data_array((n, m))), ok=m >= 1)
    labels = draw(hnp.arrays(np.int64, (1, m), elements=st.integers(0, 1)))
    Y = Arg(draw(st.sampled_from([labels, labels.astype(bool), labels.astype(np.float32), labels.tolist()])),
            ok=True)
    what = draw(st.sampled_from(["valid", "valid", "X", "Y", "m"]))
    if what == "X":
        X = draw(spoiled(X.value, "X"))
        if not finite_required and isinstance(X.value, np.ndarray) and X.value.dtype.kind == "f" \
                and X.value.ndim == 2 and m >= 1:
            X = Arg(X.value, True)  # iter_mini_batches does not scan X (it may be a 5,000,000-column memmap)
    elif what == "Y":
        Y = Arg(draw(st.sampled_from([labels[0], labels[:, :-1] if m else labels[:, :0][None],
                                      np.full((1, m), "a"), [[0, 1], [1]]])), False)
    elif what == "m":
        Y = Arg(np.zeros((1, m + 1)), False)
    return X, Y


def _iter_mini_batches_list(X, Y, mini_batch_size, seed):
    return list(ng.iter_mini_batches(X, Y, mini_batch_size, seed))


@fuzzes("random_mini_batches", "iter_mini_batches")
@budget(400)
@given(data=st.data(), lazy=st.booleans())
def test_fuzz_mini_batches(data, lazy):
    X, Y = data.draw(xy_args(finite_required=not lazy))
    size = data.draw(int_arg(1, specials=(1, 10**18)) if X.ok and Y.ok else good(int_arg(1, specials=(1, 10**18))))
    seed = data.draw(seed_arg() if X.ok and Y.ok else good(seed_arg()))
    fn = _iter_mini_batches_list if lazy else ng.random_mini_batches
    batches = call(fn, X, Y, mini_batch_size=size, seed=seed)
    if batches is Refused:
        return
    Xa, Ya = np.asarray(X.value), np.asarray(Y.value)
    m, size = Xa.shape[1], int(size.value)
    assert len(batches) == -(-m // size)
    assert [b[0].shape[1] for b in batches] == [min(size, m - i) for i in range(0, m, size)]
    X_all = np.concatenate([b[0] for b in batches], axis=1)
    Y_all = np.concatenate([b[1] for b in batches], axis=1)
    assert X_all.dtype == Xa.dtype and Y_all.dtype == Ya.dtype
    # One permutation of the columns, pairs kept: sort both sides' (Y, X) columns the same way.
    def columns(Xc, Yc):
        return sorted(repr(tuple(c)) for c in np.vstack([Yc, Xc]).astype(float).T.tolist())  # NaN == NaN here
    assert columns(X_all, Y_all) == columns(Xa, Ya)


# ---------------------------------------------------------------------------
# Exponentially weighted averages
# ---------------------------------------------------------------------------

BETA = dict(lo=0.0, hi=1.0, closed="left", draw_lo=-0.5, draw_hi=1.5)


@st.composite
def theta_arg(draw):
    T = draw(st.integers(0, 200))
    dtype = draw(st.sampled_from([np.float64, np.float32, np.float16, np.int64]))
    bound = {np.float16: 65504.0, np.float32: float(np.finfo(np.float32).max), np.float64: 1e300,
             np.int64: 10**15}[dtype]
    bound = draw(st.sampled_from([bound, 1e3]))
    if dtype == np.int64:
        theta = draw(hnp.arrays(dtype, T, elements=st.integers(-int(bound), int(bound))))
    else:
        theta = draw(hnp.arrays(dtype, T, elements=st.floats(-bound, bound, width=np.finfo(dtype).bits)))
    if draw(st.integers(0, 3)) == 0:
        return draw(spoiled(theta, "theta") if T else st.just(Arg(np.zeros((2, 2)), False)))
    return Arg(theta.tolist() if draw(st.booleans()) and dtype != np.float16 else theta)


@fuzzes("ewa", "ewa_loop")
@budget(400)
@given(theta=theta_arg(), beta=real_arg(**BETA), bias_correction=st.booleans(), loop=st.booleans())
def test_fuzz_ewa(theta, beta, bias_correction, loop):
    fn = ng.ewa_loop if loop else ng.ewa
    v = call(fn, theta, beta, bias_correction=Arg(bias_correction))
    if v is Refused:
        return
    t = np.asarray(theta.value)
    assert v.shape == t.shape
    assert v.dtype == (np.float32 if t.dtype in (np.float16, np.float32) else np.float64)
    assert_finite(v)
    if t.size:
        # v_t is a weighted average of theta_1..theta_t with weights summing to 1 - beta^t
        # (to 1 after bias correction), the rest on v_0 = 0: a bound for every t.
        lo, hi = float(t.min()), float(t.max())
        if not bias_correction:
            lo, hi = min(lo, 0.0), max(hi, 0.0)
        slack = 1e-6 * max(abs(lo), abs(hi)) + (1e-300 if v.dtype == np.float64 else 1e-38)
        v64 = v.astype(np.float64)  # compared with Python floats that may exceed float32's range
        assert v64.min() >= lo - slack and v64.max() <= hi + slack
        other = (ng.ewa if loop else ng.ewa_loop)(theta.value, beta.value, bias_correction)
        np.testing.assert_allclose(v, other, rtol=1e-4 if v.dtype == np.float32 else 1e-9,
                                   atol=1e-9 * max(abs(lo), abs(hi), 1e-300))


@fuzzes("effective_window", "ewa_weights", "bias_correction_warmup")
@budget(300)
@given(beta=real_arg(**BETA), n=int_arg(0, draw_hi=2000),
       tolerance=real_arg(0.0, None, "neither", draw_lo=-1.0, draw_hi=10.0))
def test_fuzz_ewa_helpers(beta, n, tolerance):
    window = call(ng.effective_window, beta)
    if window is not Refused:
        assert window == pytest.approx(1 / (1 - float(beta.value))) and window >= 1
    w = call(ng.ewa_weights, beta, n)
    if w is not Refused:
        b, n_ = float(beta.value), int(n.value)
        assert w.shape == (n_,) and (w >= 0).all() and (np.diff(w) <= 0).all()
        # the geometric series: sum (1 - b) b^k, k < n, is 1 - b^n
        assert w.sum() == pytest.approx(1 - b**n_, rel=1e-9, abs=1e-12)
    t = call(ng.bias_correction_warmup, beta, tolerance)
    if t is not Refused:
        b, tol = float(beta.value), float(tolerance.value)
        assert isinstance(t, int) and t >= 1
        if 0 < b and t < 10**7:
            # from t on the correction factor 1 / (1 - b^t) is below 1 + tol, not before
            assert b**t <= tol / (1 + tol) * (1 + 1e-9)
            assert t == 1 or b ** (t - 1) >= tol / (1 + tol) * (1 - 1e-9)


# ---------------------------------------------------------------------------
# Optimizers
# ---------------------------------------------------------------------------

LEARNING_RATE = dict(lo=0.0, hi=None, closed="neither", draw_lo=-1.0, draw_hi=1e6)
EPSILON = dict(lo=0.0, hi=None, closed="neither", draw_lo=-1.0, draw_hi=1.0)
OPTIMIZER_ARGS = {
    ng.GradientDescent: {},
    ng.Momentum: {"beta": BETA},
    ng.RMSProp: {"beta": BETA, "epsilon": EPSILON},
    ng.Adam: {"beta1": BETA, "beta2": BETA, "epsilon": EPSILON},
}


@st.composite
def optimizer_args(draw, cls):
    args = {"learning_rate": draw(real_arg(**LEARNING_RATE))}
    for name, spec in OPTIMIZER_ARGS[cls].items():
        if draw(st.booleans()):  # else the default
            args[name] = draw(real_arg(**spec))
    return args


@fuzzes("GradientDescent", "Momentum", "RMSProp", "Adam")
@budget(300)
@given(data=st.data(), cls=st.sampled_from(list(OPTIMIZER_ARGS)))
def test_fuzz_optimizer_hyperparameters(data, cls):
    args = data.draw(optimizer_args(cls))
    opt = call(cls, **args)
    if opt is Refused:
        return
    for name, arg in args.items():
        assert getattr(opt, name) == float(arg.value)
    # learning_rate can be set between steps; a refused value leaves the old one
    new = data.draw(real_arg(**LEARNING_RATE))
    old = opt.learning_rate
    if call(_set_learning_rate, Arg(opt), new) is Refused:
        assert opt.learning_rate == old
    else:
        assert opt.learning_rate == float(new.value)


def _set_learning_rate(optimizer, learning_rate):
    optimizer.learning_rate = learning_rate


def _expected_step(opt, W, dW, state_arrays, t):
    """One update computed independently from the lecture's formulas, in the dtype of the
    parameters (in float32, dW^2 underflows to 0 below 1e-19 for the optimizer too)."""
    dt = np.result_type(W.dtype, np.float32)
    W, dW = W.astype(dt), dW.astype(dt)
    a = opt.learning_rate
    if isinstance(opt, ng.GradientDescent):
        return W - a * dW
    if isinstance(opt, ng.Momentum):
        v = opt.beta * state_arrays["v"].astype(dt) + (1 - opt.beta) * dW
        return W - a * v
    if isinstance(opt, ng.RMSProp):
        s = opt.beta * state_arrays["s"].astype(dt) + (1 - opt.beta) * dW**2
        return W - a * (dW / (np.sqrt(s) + opt.epsilon))  # in the kernel's order: a * dW may underflow
    v = opt.beta1 * state_arrays["v"].astype(dt) + (1 - opt.beta1) * dW
    s = opt.beta2 * state_arrays["s"].astype(dt) + (1 - opt.beta2) * dW**2
    # W - alpha v_c / (sqrt(s_c) + eps), v_c = v / (1 - beta1^t), grouped as the path taken groups
    # it: for a subnormal alpha the grouping changes the rounding (alpha v_c can underflow to 0
    # where alpha (v_c / ...) does not)
    s_c = s / (1 - opt.beta2**t)
    if fast_updates.applies(W, dW):  # the in-place kernel: (alpha / (1 - beta1^t)) first
        return W - (a / (1 - opt.beta1**t)) * (v / (np.sqrt(s_c) + opt.epsilon))
    return W - a * (v / (1 - opt.beta1**t)) / (np.sqrt(s_c) + opt.epsilon)  # adam_update's order


@st.composite
def params_and_grads(draw):
    """params (valid or not) and grads (valid or spoiled), as Args."""
    dtype = draw(float_dtype())
    keys = draw(st.lists(st.sampled_from(["W1", "b1", "W2", "b2", "w"]), min_size=1, max_size=3, unique=True))
    shapes = {k: draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)) for k in keys}
    params = {k: draw(hnp.arrays(dtype, shapes[k], elements=elements(dtype, 1e3))) for k in keys}
    grads = {}
    for k in keys:
        g = draw(hnp.arrays(dtype, shapes[k], elements=elements(dtype, 1e6)))
        form = draw(st.sampled_from(["same", "same", "float64", "int", "list"]))
        if form == "list" and 0 in g.shape[:-1]:
            form = "same"  # [] would lose the other dimensions
        grads[k] = {"same": g, "float64": g.astype(np.float64), "int": np.round(g).astype(np.int64),
                    "list": g.tolist()}[form]
    params_arg, grads_arg = Arg(params), Arg(grads)
    what = draw(st.sampled_from(["valid"] * 4 + ["grads nan", "grads shape", "grads key", "grads type",
                                                 "params int", "params list", "params readonly"]))
    k = keys[0]
    if what == "grads nan":
        g = np.array(grads[k], dtype=float)
        if g.size:
            g.ravel()[draw(st.integers(0, g.size - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
            grads_arg = Arg({**grads, k: g}, False)
    elif what == "grads shape":
        grads_arg = Arg({**grads, k: np.zeros(np.shape(params[k]) + (2,))}, False)
    elif what == "grads key":
        grads_arg = Arg({**grads, "extra": np.zeros(1)}, False)
    elif what == "grads type":
        grads_arg = Arg(draw(st.sampled_from([{**grads, k: np.full(np.shape(params[k]), "a")},
                                              {**grads, k: np.zeros(np.shape(params[k]), bool)},
                                              list(grads.values()), None])), False)
    elif what == "params int":
        params_arg = Arg({**params, k: np.round(params[k]).astype(np.int64)}, False)
    elif what == "params list":
        params_arg = Arg({**params, k: np.asarray(params[k]).tolist()}, False)
    elif what == "params readonly":
        ro = params[k].copy()
        ro.flags.writeable = False
        params_arg = Arg({**params, k: ro}, False)
    return params_arg, grads_arg


@fuzzes("GradientDescentState", "MomentumState", "RMSPropState", "AdamState", "copy_arrays", "StepOverflowError")
@budget(600)
@given(data=st.data(), cls=st.sampled_from(list(OPTIMIZER_ARGS)), steps=st.integers(1, 3))
def test_fuzz_optimizer_steps(data, cls, steps):
    hyper = {n: a.value for n, a in data.draw(optimizer_args(cls)).items() if a.ok}
    opt = cls(**{"learning_rate": 0.01, **hyper})
    params, grads = data.draw(params_and_grads())
    state = call(opt.init, params) if params.ok else opt.init({})
    if state is Refused:
        return
    state_kind = data.draw(st.sampled_from(["init"] * 4 + ["t", "keys", "class"]))
    state_ok = True
    if state_kind == "t":
        state.t = data.draw(st.sampled_from([-1, 2.5, "0", 2**70]))
        state_ok = False
    elif state_kind == "keys" and hasattr(state, "v" if "v" in type(state).__dataclass_fields__ else "s"):
        name = "v" if hasattr(state, "v") else "s"
        setattr(state, name, {})
        state_ok = False
    elif state_kind == "class":
        other = [c for c in (ng.GradientDescentState, ng.MomentumState, ng.RMSPropState, ng.AdamState)
                 if not isinstance(state, c)]
        state = data.draw(st.sampled_from(other))()
        state_ok = False
    before = ng.copy_arrays(params.value) if params.ok else None
    for t in range(1, steps + 1):
        if params.ok and grads.ok and state_ok:
            with np.errstate(all="ignore"):  # an overflowing oracle is not compared below
                expected = {k: _expected_step(opt, W, np.asarray(grads.value[k]),
                                              {n: getattr(state, n)[k] for n in opt._state_arrays}, state.t + 1)
                            for k, W in params.value.items()}
        # Learning rates above 1e6 may overflow with gradients up to 1e6 (StepOverflowError),
        # and those above float32's range are refused for float32 params.
        float32 = params.ok and any(np.asarray(W).dtype == np.float32 for W in params.value.values())
        with np.errstate(over="ignore"):
            eps32 = np.float32(getattr(opt, "epsilon", 1.0))
        unfit = [name for name, unfit in [
            ("learning_rate", float32 and opt.learning_rate > float(np.finfo(np.float32).max)),
            ("epsilon", float32 and not 0 < eps32 < np.inf)] if unfit]
        out = call(opt.step, params, grads, Arg(state, state_ok), must_refuse=unfit,
                   may_refuse=("learning_rate",) if opt.learning_rate > 1e6 else ())
        if out is Refused:
            if not isinstance(call.last_error, StepOverflowError) and params.ok \
                    and isinstance(state, type(opt.init({}))):  # refused before touching any array
                for k, W in params.value.items():
                    np.testing.assert_array_equal(W, before[k])
            return
        new_params, new_state = out
        assert new_params is params.value and new_state is state  # in place, same objects
        assert state.t == t
        for k, W in new_params.items():
            assert W.dtype == before[k].dtype and W.shape == before[k].shape  # float32 stays float32
            assert_finite(W, f"params[{k!r}]")
            for name in opt._state_arrays:
                S = getattr(state, name)[k]
                assert S.dtype == W.dtype and S.shape == W.shape
                assert_finite(S, f"state.{name}[{k!r}]")
            if np.isfinite(expected[k]).all():
                rtol = 1e-4 if W.dtype == np.float32 else 1e-9
                scale = min(float(np.abs(expected[k]).max(initial=0.0)), 1e300) + min(opt.learning_rate, 1e300)
                atol = rtol * scale + 2 * np.finfo(W.dtype).smallest_normal  # steps that underflow in float32
                np.testing.assert_allclose(W, expected[k], rtol=rtol, atol=atol)
    copies = call(ng.copy_arrays, Arg(params.value))
    assert copies.keys() == params.value.keys()
    for k in copies:
        assert copies[k] is not params.value[k]
        np.testing.assert_array_equal(copies[k], params.value[k])
    assert call(ng.copy_arrays, Arg(list(params.value.values()), False)) is Refused


# ---------------------------------------------------------------------------
# Learning-rate decay
# ---------------------------------------------------------------------------

LR0 = dict(lo=0.0, hi=None, closed="neither", draw_lo=-1.0, draw_hi=1e6,
           specials=[1e-12, 1e-300, 1e6, 0.2, 0.0, -1.0])


@st.composite
def epoch_arg(draw):
    """An epoch: an int from 1, an array of them (int or integral float), or a bad one."""
    kind = draw(st.sampled_from(["int", "int", "big", "array", "float array", "list", "bad"]))
    if kind == "int":
        return Arg(draw(st.integers(1, 10**4)))
    if kind == "big":
        return Arg(draw(st.sampled_from([2**31, 10**12, 2**63 - 1, np.int64(2**62)])))
    if kind in ("array", "float array", "list"):
        arr = draw(hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=2, min_side=0, max_side=5),
                              elements=st.integers(1, 10**6)))
        return Arg(arr.astype(float) if kind == "float array" else arr.tolist() if kind == "list" else arr)
    return Arg(draw(st.sampled_from([0, -3, 1.5, "1", None, True, 2**63, 10**400, np.array([0, 1]),
                                     np.array([1e300]), np.array([1.5]), np.array([np.nan]),
                                     [[1, 2], [3]], np.array(["a"])])), False)


def _check_rate(rate, epoch, lr0, upper=True):
    shape = np.shape(np.asarray(epoch.value))
    if shape == ():
        assert isinstance(rate, float)
    else:
        assert rate.shape == shape
    assert_finite(rate)
    assert np.all(np.asarray(rate) >= 0)
    if upper:  # a decay never exceeds alpha0
        assert np.all(np.asarray(rate) <= float(lr0.value) * (1 + 1e-12))


@fuzzes("inverse_time_decay", "exponential_decay", "inverse_sqrt_decay", "staircase_decay", "manual_decay",
        "schedule_lr_decay")
@budget(500)
@given(data=st.data(), which=st.sampled_from(["inverse_time", "exponential", "inverse_sqrt", "staircase", "manual",
                                                     "fixed_interval"]))
def test_fuzz_decay_schedules(data, which):
    others = {
        "inverse_time": dict(decay=real_arg(0.0, None, draw_lo=-1.0, draw_hi=1e6)),
        "exponential": dict(base=real_arg(0.0, 1.0, "right", draw_lo=-0.5, draw_hi=1.5)),
        "inverse_sqrt": dict(k=real_arg(0.0, None, "neither", draw_lo=-1.0, draw_hi=1e6)),
        "staircase": dict(drop=real_arg(0.0, 1.0, "right", draw_lo=-0.5, draw_hi=1.5),
                          per=int_arg(1, specials=(1, 10**6))),
        "manual": {},
        "fixed_interval": dict(decay=real_arg(0.0, None, draw_lo=-1.0, draw_hi=1e6),
                               per=int_arg(1, specials=(1, 10**6))),
    }[which]
    args = draw_args(data, lr0=real_arg(**LR0), epoch=epoch_arg(), **others)
    lr0, epoch = args["lr0"], args["epoch"]
    if which == "inverse_time":
        decay = args["decay"]
        rate = call(ng.inverse_time_decay, lr0, epoch, decay)
        if rate is not Refused:
            _check_rate(rate, epoch, lr0)
            e = np.asarray(epoch.value, dtype=float)
            with np.errstate(over="ignore"):  # 1 + inf: the rate is 0
                np.testing.assert_allclose(rate, float(lr0.value) / (1 + float(decay.value) * e),
                                           rtol=1e-12, atol=1e-300)
    elif which == "exponential":
        base = args["base"]
        rate = call(ng.exponential_decay, lr0, epoch, base=base)
        if rate is not Refused:
            _check_rate(rate, epoch, lr0)
    elif which == "inverse_sqrt":
        k = args["k"]
        huge = lr0.ok and k.ok and float(k.value) * float(lr0.value) > 1e300  # may overflow: refused
        rate = call(ng.inverse_sqrt_decay, lr0, k, epoch, may_refuse=("k", "learning_rate0") if huge else ())
        if rate is not Refused:
            _check_rate(rate, epoch, lr0, upper=False)
            e = np.asarray(epoch.value, dtype=float)
            np.testing.assert_allclose(rate, float(k.value) / np.sqrt(e) * float(lr0.value),
                                       rtol=1e-12, atol=1e-300)
    elif which == "fixed_interval":
        decay, per = args["decay"], args["per"]
        rate = call(ng.schedule_lr_decay, lr0, epoch, decay, per)
        if rate is not Refused:
            _check_rate(rate, epoch, lr0)
            stages = (np.asarray(epoch.value).astype(np.int64) - 1) // int(per.value)
            with np.errstate(over="ignore"):  # 1 + inf: the rate is 0
                np.testing.assert_allclose(rate, float(lr0.value) / (1 + float(decay.value) * stages),
                                           rtol=1e-12, atol=1e-300)
    elif which == "staircase":
        drop, per = args["drop"], args["per"]
        rate = call(ng.staircase_decay, lr0, drop, per, epoch)
        if rate is not Refused:
            _check_rate(rate, epoch, lr0)
    else:
        n_drops = data.draw(st.integers(0, 3))
        firsts = sorted(data.draw(st.lists(st.integers(2, 50), min_size=n_drops, max_size=n_drops, unique=True)))
        fractions = data.draw(st.lists(st.floats(1e-6, 1.0), min_size=n_drops, max_size=n_drops))
        drops = Arg(list(zip(firsts, fractions)))
        if data.draw(st.integers(0, 3)) == 0:
            drops = Arg(data.draw(st.sampled_from([5, [5], [(3, 0.5, 1)], [(3, 0.0)], [(1, 0.5)],
                                                   [(5, 0.5), (3, 0.1)], [("a", 0.5)], [(3, "x")]])), False)
        rate = call(ng.manual_decay, lr0, drops, epoch)
        if rate is not Refused:
            _check_rate(rate, epoch, lr0)
            # piecewise constant: the fraction of the last drop started by each epoch
            expected = [float(lr0.value) * ([1.0] + [f for s, f in drops.value if s <= e])[-1]
                        for e in np.asarray(epoch.value).ravel().tolist()]
            np.testing.assert_allclose(np.ravel(rate), expected, rtol=1e-12, atol=1e-300)


SCHEDULES = {
    "inverse time": (lambda e: ng.inverse_time_decay(0.2, e, 1.0), True),
    "constant": (lambda e: 0.01, True),
    "numpy float": (lambda e: np.float32(0.5) / e, True),
    "nan": (lambda e: float("nan"), False),
    "inf": (lambda e: math.inf, False),
    "text": (lambda e: "fast", False),
    "none": (lambda e: None, False),
    "array": (lambda e: np.array([0.1, 0.2]), False),
    "not callable": (0.1, False),
}


@fuzzes("tabulate_schedule")
@budget(150)
@given(name=st.sampled_from(sorted(SCHEDULES)), num_epochs=int_arg(1, draw_hi=200))
def test_fuzz_tabulate_schedule(name, num_epochs):
    schedule, ok = SCHEDULES[name]
    out = call(ng.tabulate_schedule, Arg(schedule, ok), num_epochs)
    if out is not Refused:
        epochs, rates = out
        n = int(num_epochs.value)
        np.testing.assert_array_equal(epochs, np.arange(1, n + 1))
        assert rates.shape == (n,) and rates.dtype == np.float64
        assert_finite(rates)
        np.testing.assert_array_equal(rates, [float(schedule(e)) for e in range(1, n + 1)])


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------

@st.composite
def layer_dims_arg(draw):
    dims = draw(st.lists(st.integers(1, 5), min_size=2, max_size=4))
    if draw(st.integers(0, 3)):
        return Arg(draw(st.sampled_from([dims, tuple(dims), np.array(dims), [np.int64(d) for d in dims]])))
    return Arg(draw(st.sampled_from([[3], [], [2, 0, 1], [2, -1], [2, 2.5, 1], "25", 5, None, [2, "3"]])), False)


def dtype_arg(none_ok=False):
    dtypes = [np.float32, np.float64, "float32", "float64", np.dtype(np.float32), float] + [None] * none_ok
    bad = st.sampled_from([np.int64, np.float16, "garbage", object(), "int"])
    return choices(st.sampled_from(dtypes).map(Arg), bad.map(lambda d: Arg(d, False)))


def activation_arg():
    return choices(st.sampled_from(["relu", "tanh"]).map(Arg),
                   st.sampled_from(["sigmoid", "ReLU", "", None, 1, ["relu"], np.array(["relu"])])
                   .map(lambda a: Arg(a, False)))


@fuzzes("initialize_parameters")
@budget(300)
@given(data=st.data())
def test_fuzz_initialize_parameters(data):
    args = draw_args(data, layer_dims=layer_dims_arg(), seed=seed_arg(), hidden_activation=activation_arg(),
                     dtype=dtype_arg())
    dims, dtype = args["layer_dims"], args["dtype"]
    params = call(ng.initialize_parameters, **args)
    if params is Refused:
        return
    n = [int(d) for d in dims.value]
    assert list(params) == [k for l in range(1, len(n)) for k in (f"W{l}", f"b{l}")]
    for l in range(1, len(n)):
        W, b = params[f"W{l}"], params[f"b{l}"]
        assert W.shape == (n[l], n[l - 1]) and b.shape == (n[l], 1)
        assert W.dtype == b.dtype == np.dtype(dtype.value)
        assert_finite(W)
        assert not b.any()  # biases start at 0


@st.composite
def network_case(draw):
    """params (maybe broken), X, Y, lambd, activation: Args for the nn functions."""
    dims = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    dtype = draw(float_dtype())
    params = ng.initialize_parameters(dims, seed=draw(st.integers(0, 9)), dtype=dtype)
    scale = draw(st.sampled_from([1.0, 1e-3, 30.0]))
    params = {k: (v * scale).astype(dtype) for k, v in params.items()}
    params_arg = Arg(params)
    # At most one thing is wrong, so that the valid calls are common too.
    spoil = draw(st.sampled_from(["none"] * 12 + ["missing", "shape", "int", "mixed", "key", "list", "empty",
                                                  "X", "X n", "X huge", "Y", "Y values", "Y m", "lambd",
                                                  "activation"]))
    broken = spoil
    if broken == "missing":
        params_arg = Arg({k: v for k, v in params.items() if k != "b1"}, False)
    elif broken == "shape":
        params_arg = Arg({**params, "b1": np.zeros((dims[1] + 1, 1), dtype)}, False)
    elif broken == "int":
        params_arg = Arg({**params, "W1": params["W1"].astype(np.int64)}, False)
    elif broken == "mixed":
        other = np.float64 if dtype == np.float32 else np.float32
        params_arg = Arg({**params, "b1": params["b1"].astype(other)}, False)
    elif broken == "key":
        params_arg = Arg({**params, draw(st.sampled_from(["W0", "c1", 1, "W01"])): np.zeros((1, 1))}, False)
    elif broken == "list":
        params_arg = Arg(list(params.values()), False)
    elif broken == "empty":
        params_arg = Arg({}, False)
    m = draw(st.integers(0, 8))
    X = Arg(draw(data_array((dims[0], m), bound=draw(st.sampled_from([1.0, 1e3])))))
    labels = draw(hnp.arrays(np.int64, (dims[-1], m), elements=st.integers(0, 1)))
    Y = Arg(draw(st.sampled_from([labels, labels.astype(float), labels.astype(bool), labels.tolist()])))
    if spoil == "X":
        X = draw(spoiled(X.value, "X"))
    elif spoil == "X n":
        X = Arg(np.zeros((dims[0] + 1, m)), False)
    elif spoil == "X huge" and m and dtype == np.float32:
        X = Arg(np.full((dims[0], m), 1e300), False)  # beyond float32
    elif spoil == "Y":
        Y = Arg(labels[0], False)
    elif spoil == "Y values" and m:
        bad = labels.astype(float)
        bad.flat[draw(st.integers(0, bad.size - 1))] = draw(st.sampled_from([2.0, 0.5, -1.0]))
        Y = Arg(bad, False)
    elif spoil == "Y m":
        Y = Arg(np.zeros((dims[-1], m + 1)), False)
    # (lambd above 1e3: lambd ||W||^2 can overflow, the documented non-finite cost; not fuzzed here)
    lambd = real_arg(0.0, 1e3, draw_lo=-1.0, draw_hi=1e3, specials=[0.0, 1e-12, 0.7, 1e3, -1.0])
    lambd = draw(lambd if spoil == "lambd" else good(lambd))
    activation = draw(activation_arg() if spoil == "activation" else good(activation_arg()))
    return params_arg, X, Y, lambd, activation, dtype, dims, spoil


@fuzzes("forward", "predict", "accuracy", "cost_and_grads", "gradient_check")
@budget(400)
@given(case=network_case())
def test_fuzz_network_functions(case):
    params, X, Y, lambd, activation, dtype, dims, spoil = case
    m = np.shape(np.asarray(X.value))[-1] if X.ok else None
    empty = X.ok and m == 0
    X_m = Arg(X.value, X.ok and not empty)  # a cost or an accuracy is a mean over m >= 1 examples
    # forward, predict: Y and lambd are not theirs
    out = call(ng.forward, X, params, hidden_activation=activation)
    if out is not Refused:
        AL, caches = out
        assert AL.shape == (dims[-1], m) and AL.dtype == dtype and len(caches) == len(dims) - 1
        assert_finite(AL)
        assert ((AL >= 0) & (AL <= 1)).all()
    labels = call(ng.predict, X, params, hidden_activation=activation)
    if labels is not Refused:
        assert labels.shape == (dims[-1], m) and set(np.unique(labels)) <= {0, 1}
        if out is not Refused:  # y_hat > 1/2 exactly where the label is 1 (up to rounding at 1/2)
            assert ((labels == 1) | (AL <= 0.5 + 1e-6)).all() and ((labels == 0) | (AL >= 0.5 - 1e-6)).all()
    acc = call(ng.accuracy, X_m, Y, params, hidden_activation=activation)
    if acc is not Refused:
        assert 0.0 <= acc <= 1.0
        assert acc == np.mean(labels == np.asarray(Y.value))
    out = call(ng.cost_and_grads, X_m, Y, params, lambd=lambd, hidden_activation=activation)
    if out is not Refused:
        cost, grads = out
        assert isinstance(cost, float) and cost >= 0
        assert_finite(cost, "cost")
        assert grads.keys() == params.value.keys()
        for k, g in grads.items():
            assert g.shape == params.value[k].shape and g.dtype == dtype  # float32 stays float32
            assert_finite(g, f"grads[{k!r}]")
    small = sum(v.size for v in params.value.values()) <= 40 if params.ok else True
    if small and spoil != "X huge":  # gradient_check works in float64: 1e300 is not out of range
        error = call(ng.gradient_check, X_m, Y, params, lambd=lambd, epsilon=Arg(1e-7),
                     hidden_activation=activation)
        if error is not Refused:
            assert isinstance(error, float) and 0.0 <= error <= 1.0  # ||a - b|| <= ||a|| + ||b||


# ---------------------------------------------------------------------------
# Surfaces
# ---------------------------------------------------------------------------

SURFACE_NAMES = sorted(ng.SURFACES)


def surface_arg():
    surfaces = st.one_of(st.sampled_from(SURFACE_NAMES), st.sampled_from(SURFACE_NAMES).map(ng.SURFACES.get))
    bad = st.sampled_from(["bowl", "", None, 3, ["saddle"], {"saddle": 1}])
    return choices(surfaces.map(Arg), bad.map(lambda v: Arg(v, False)))


@fuzzes("get_surface", "surface_grid")
@budget(200)
@given(surface=surface_arg(), num=int_arg(2, draw_hi=40), data=st.data())
def test_fuzz_surfaces(surface, num, data):
    s = call(ng.get_surface, surface)
    if s is not Refused:
        assert s is (surface.value if isinstance(surface.value, ng.Surface) else ng.SURFACES[surface.value])
    grid = call(ng.surface_grid, surface, num)
    if grid is not Refused:
        n = int(num.value)
        X, Y, Z = grid
        assert X.shape == Y.shape == Z.shape == (n, n)
        assert_finite(Z)
    if s is Refused:
        return
    # f and grad at random points within ten times the plot window: finite, and the
    # gradient is the derivative of f (central differences, an independent check).
    (x0, x1), (y0, y1) = s.bounds
    x = data.draw(st.floats(10 * x0, 10 * x1))
    y = data.draw(st.floats(10 * y0, 10 * y1))
    f, (gx, gy) = s.f(x, y), s.grad(x, y)
    assert_finite([f, gx, gy])
    h = 1e-6 * max(1.0, abs(x), abs(y))
    fd = ((s.f(x + h, y) - s.f(x - h, y)) / (2 * h), (s.f(x, y + h) - s.f(x, y - h)) / (2 * h))
    size = max(1.0, abs(f), abs(gx), abs(gy))
    assert abs(fd[0] - gx) <= 1e-4 * size and abs(fd[1] - gy) <= 1e-4 * size


def _bowl(x, y):
    return x**2 + 4.0 * y**2


def _bowl_grad(x, y):
    return 2.0 * np.asarray(x, dtype=float), 8.0 * np.asarray(y, dtype=float)


CUSTOM = ng.Surface(name="custom bowl", title="x² + 4 y²", f=_bowl, grad=_bowl_grad,
                    bounds=((-2.0, 2.0), (-2.0, 2.0)), start=(1.5, -1.0), minimum=(0.0, 0.0), f_min=0.0,
                    learning_rates={"gd": 0.1, "momentum": 0.1, "rmsprop": 0.05, "adam": 0.1}, num_steps=30)


@st.composite
def _optimizer_object(draw):
    cls = draw(st.sampled_from(list(OPTIMIZER_ARGS)))
    hyper = {n: a.value for n, a in draw(optimizer_args(cls)).items() if a.ok}
    return Arg(cls(**{"learning_rate": 0.01, **hyper}))


def optimizer_for_surface():
    return choices(st.one_of(st.sampled_from(["gd", "momentum", "rmsprop", "adam"]).map(Arg), _optimizer_object()),
                   st.sampled_from(["sgd", 5, None, ng.Adam, "ADAM"]).map(lambda v: Arg(v, False)))


@fuzzes("run_on_surface", "Surface", "SurfaceRun")
@budget(250)
@given(data=st.data(), surface=st.one_of(surface_arg(), st.just(Arg(CUSTOM))))
def test_fuzz_run_on_surface(data, surface):
    args = draw_args(  # None: the surface's own start, num_steps, tol
        data,
        optimizer=optimizer_for_surface(),
        start=choices(
            st.one_of(st.none(), st.tuples(st.floats(-1e3, 1e3), st.floats(-1e3, 1e3))).map(Arg),
            st.sampled_from([(1.0, np.nan), (np.inf, 0.0), (1.0, 2.0, 3.0), "ab", (1.0,), [[1.0, 2.0]], object()])
            .map(lambda v: Arg(v, False))),
        num_steps=int_arg(0, draw_hi=60, none_ok=True),
        tol=real_arg(0.0, None, "neither", draw_lo=-1.0, draw_hi=10.0, none_ok=True),
        radius=real_arg(0.0, None, "neither", draw_lo=10.0, draw_hi=1e4,
                        specials=[1e-3, 1e4, 1e300, 1e308, 0.0, -1.0]),
    )
    optimizer, start, num_steps, tol, radius = (args[k] for k in ("optimizer", "start", "num_steps", "tol", "radius"))
    s = ng.get_surface(surface.value) if surface.ok else None
    if s is not None and start.ok and radius.ok:
        x, y = s.start if start.value is None else start.value
        if math.hypot(x, y) > float(radius.value):  # nowhere to start from
            start = Arg(start.value, False)
    # Adam's first step is alpha / (1 - beta1): above 1e307 it is refused, naming learning_rate
    huge = optimizer.ok and getattr(optimizer.value, "learning_rate", 0.0) > 1e300
    run = call(ng.run_on_surface, surface, optimizer, start=start, num_steps=num_steps, tol=tol,
               max_radius=radius, may_refuse=("learning_rate",) if huge else ())
    if run is Refused:
        return
    assert isinstance(run, ng.SurfaceRun) and run.surface == s.name
    k, steps = len(run.path), s.num_steps if num_steps.value is None else int(num_steps.value)
    assert run.path.shape == (k, 2) and run.losses.shape == (k,) and 1 <= k <= steps + 1
    assert_finite(run.path, "path")
    assert_finite(run.losses, "losses")
    assert run.diverged or k == steps + 1
    np.testing.assert_allclose(run.losses, s.f(run.path[:, 0], run.path[:, 1]))
    assert run.final == tuple(run.path[-1])
    assert np.hypot(run.path[:, 0], run.path[:, 1]).max() <= float(radius.value)
    if run.steps_to_tol is not None:
        assert 0 <= run.steps_to_tol < k


# ---------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------

def unit_arg():
    return choices(st.sampled_from(["F", "C"]).map(Arg), st.sampled_from(["K", "f", "", None, ["F"]])
                   .map(lambda u: Arg(u, False)))


@fuzzes("make_moons")
@budget(200)
@given(data=st.data())
def test_fuzz_make_moons(data):
    args = draw_args(data, n_samples=int_arg(2, draw_hi=400), seed=seed_arg(),
                     noise=real_arg(0.0, None, draw_lo=-1.0, draw_hi=10.0, specials=[0.0, 1e-12, 0.2, 1e3, -0.1]))
    n = args["n_samples"]
    out = call(ng.make_moons, **args)
    if out is Refused:
        return
    X, Y = out
    m = int(n.value)
    assert X.shape == (2, m) and Y.shape == (1, m) and X.dtype == Y.dtype == np.float64
    assert_finite(X)
    assert set(np.unique(Y)) <= {0.0, 1.0} and Y.sum() == m - m // 2  # the inner moon gets the rest


@st.composite
def days_arg(draw):
    good = st.one_of(st.integers(-10**6, 10**6), st.floats(-1e6, 1e6),
                     hnp.arrays(np.float64, st.integers(0, 5), elements=st.floats(-1e6, 1e6)),
                     st.lists(st.integers(1, 365), max_size=5))
    bad = st.sampled_from([np.nan, np.inf, [1.0, np.nan], "1", None, [[1, 2], [3]], np.array(["a"])])
    return draw(st.one_of(good.map(Arg), good.map(Arg), bad.map(lambda d: Arg(d, False))))


@fuzzes("seasonal_cycle", "generate_london_temperatures")
@budget(200)
@given(days=days_arg(), unit=unit_arg(), seed=seed_arg())
def test_fuzz_london_year(days, unit, seed):
    temps = call(ng.seasonal_cycle, days, unit=unit)
    if temps is not Refused:
        assert np.shape(temps) == np.shape(np.asarray(days.value))
        assert_finite(temps)
        # a yearly cycle: the same temperature 365 days later; Fahrenheit = Celsius * 1.8 + 32
        d = np.asarray(days.value, dtype=float)
        np.testing.assert_allclose(temps, ng.seasonal_cycle(d + 365.0, unit.value), rtol=1e-9, atol=1e-9)
        if unit.value == "F":
            np.testing.assert_allclose(temps, ng.seasonal_cycle(d, "C") * 1.8 + 32, rtol=1e-12)
    if isinstance(seed.value, np.random.Generator):
        return  # a Generator is consumed: the comparison between units below needs an int
    year = call(ng.generate_london_temperatures, seed=seed, unit=unit)
    if year is not Refused and seed.value is not None:
        d, t = year
        np.testing.assert_array_equal(d, np.arange(1, 366))
        assert t.shape == (365,)
        assert_finite(t)
        if unit.value == "F":
            np.testing.assert_allclose(t, ng.generate_london_temperatures(seed.value, "C")[1] * 1.8 + 32)


COMMITTED_LINES = LONDON_CSV.read_text(encoding="utf-8").splitlines()


@st.composite
def corrupted_csv(draw):
    lines = list(COMMITTED_LINES)
    first_data = next(i for i, line in enumerate(lines) if line and line[0].isdigit())
    for _ in range(draw(st.integers(1, 3))):
        if len(lines) <= first_data:
            break  # truncated to the header
        how = draw(st.sampled_from(["delete", "duplicate", "field", "swap", "header", "truncate", "blank"]))
        i = draw(st.integers(first_data, len(lines) - 1))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "field":
            fields = lines[i].split(",")
            fields[draw(st.integers(0, len(fields) - 1))] = draw(st.one_of(
                st.text(max_size=6), st.sampled_from(["nan", "inf", "-inf", "1e999", "", " 12 ", "1_0"])))
            lines[i] = ",".join(fields)
        elif how == "swap":
            j = draw(st.integers(first_data, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "header":
            header = lines[first_data - 1].split(",")
            del header[draw(st.integers(0, len(header) - 1))]
            lines[first_data - 1] = ",".join(header)
        elif how == "truncate":
            lines = lines[:i]
        else:
            lines[i] = ""
    return "\n".join(lines) + "\n"


@fuzzes("london_temperatures")
@budget(150)
@given(text=corrupted_csv(), unit=unit_arg(), path_kind=st.sampled_from(["file", "file", "file", "missing", "bad"]))
def test_fuzz_london_temperatures(text, unit, path_kind):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "broken.csv"
        path.write_text(text, encoding="utf-8")
        arg = {"file": Arg(path), "missing": Arg(Path(folder) / "nowhere.csv"), "bad": Arg(5, False)}[path_kind]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                out = ng.london_temperatures(unit=unit.value, path=arg.value)
        except FileNotFoundError as err:
            assert path_kind == "missing" and "nowhere.csv" in str(err)
            return
        except (ValueError, TypeError) as err:
            # a bad argument is named; a bad file is named, with the line when there is one
            assert (not unit.ok and names_argument(str(err), "unit")) or (not arg.ok and "path" in str(err)) \
                or (unit.ok and arg.ok and "broken.csv" in str(err)), str(err)
            return
        assert unit.ok and arg.ok and path_kind == "file"
        days, temps = out
        np.testing.assert_array_equal(days, np.arange(1, 366))
        assert temps.shape == (365,)
        assert_finite(temps)


@fuzzes("large_dataset")
@budget(40)
@given(data=st.data())
def test_fuzz_large_dataset(data):
    with tempfile.TemporaryDirectory() as folder:
        args = draw_args(data, m=int_arg(1, draw_hi=300), n=int_arg(1, draw_hi=4), seed=int_arg(0, draw_hi=3),
                         cache_dir=st.sampled_from([Arg(folder), Arg(Path(folder)), Arg(5, False)]))
        m, n, seed = args["m"], args["n"], args["seed"]
        out = call(ng.large_dataset, **args, progress=Arg(False))
        if out is Refused:
            return
        X, Y = out
        shape = (int(n.value), int(m.value))
        assert X.shape == shape and Y.shape == (1, shape[1])
        assert X.dtype == Y.dtype == np.float32 and not X.flags.writeable
        assert_finite(X)
        assert set(np.unique(Y)) <= {0.0, 1.0}
        X2, Y2 = ng.large_dataset(m=m.value, n=n.value, seed=seed.value, cache_dir=folder, progress=False)
        np.testing.assert_array_equal(X2, X)  # reused from the cache: the same examples
        np.testing.assert_array_equal(Y2, Y)
        del X, Y, X2, Y2  # close the memory maps before the folder goes


# ---------------------------------------------------------------------------
# Training and checkpoints
# ---------------------------------------------------------------------------

SCHEDULE_ARGS = [
    (None, True),
    (lambda epoch: ng.inverse_time_decay(0.2, epoch, 1.0), True),
    (lambda epoch: ng.exponential_decay(1e6, epoch), True),
    (lambda epoch: 1e-12, True),
    (lambda epoch: float("nan"), False),
    (lambda epoch: "fast", False),
    (5, False),
]


@st.composite
def train_case(draw):
    m = draw(st.integers(1, 40))
    X = draw(data_array((2, m), bound=draw(st.sampled_from([1.0, 1e3]))))
    nan_in_X = draw(st.integers(0, 9)) == 0 and isinstance(X, np.ndarray) and X.dtype.kind == "f"
    if nan_in_X:
        X = X.copy()
        X[draw(st.integers(0, 1)), draw(st.integers(0, m - 1))] = np.nan  # train stops on it, with a reason
    labels = draw(hnp.arrays(np.int64, (1, m), elements=st.integers(0, 1)))
    Y = draw(st.sampled_from([labels, labels.astype(bool), labels.astype(np.float32), labels.tolist()]))
    hidden = draw(st.lists(st.integers(1, 4), max_size=2))
    cls = draw(st.sampled_from(list(OPTIMIZER_ARGS)))
    hyper = {n: a.value for n, a in draw(optimizer_args(cls)).items() if a.ok}
    hyper.setdefault("learning_rate", draw(st.sampled_from([1e-12, 0.01, 1.0, 1e6])))
    optimizer = Arg(cls(**hyper))
    if draw(st.integers(0, 9)) == 0:
        optimizer = Arg(draw(st.sampled_from([None, ng.Adam, "adam"])), False)
    return dict(X=Arg(X), Y=Arg(Y), layer_dims=Arg([2, *hidden, 1]), optimizer=optimizer), nan_in_X


@fuzzes("train")
@budget(100, seconds=120)
@given(data=st.data())
def test_fuzz_train(data):
    args, nan_in_X = data.draw(train_case())
    args.update(draw_args(
        data,
        mini_batch_size=int_arg(1, draw_hi=50, specials=(1, 10**18)),
        num_epochs=int_arg(1, draw_hi=3),
        schedule=st.sampled_from(SCHEDULE_ARGS).map(lambda s: Arg(*s)),
        lambd=real_arg(0.0, None, draw_lo=-1.0, draw_hi=1e3, specials=[0.0, 0.7, 1e3, -1.0]),
        seed=seed_arg(),
        hidden_activation=activation_arg(),
        dtype=dtype_arg(none_ok=True),
        checkpoint_every=int_arg(1, draw_hi=3, none_ok=True),
    ), progress=Arg(False))
    opt = args["optimizer"].value
    X = np.asarray(args["X"].value)
    dtype = np.dtype(args["dtype"].value) if args["dtype"].ok and args["dtype"].value is not None else (
        X.dtype if X.dtype.kind == "f" else np.dtype(np.float64))
    # Settings float32 cannot hold are refused at the first step (unless the run stops first).
    may_refuse = []
    if args["optimizer"].ok and dtype == np.float32:
        with np.errstate(over="ignore"):
            eps32 = np.float32(getattr(opt, "epsilon", 1.0))
        if opt.learning_rate > float(np.finfo(np.float32).max) or not 0 < eps32 < np.inf:
            may_refuse += ["learning_rate", "epsilon"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.npz"
        args["checkpoint"] = data.draw(st.sampled_from([Arg(None), Arg(path), Arg(str(path))] * 3 + [Arg(5, False)]))
        out = call(ng.train, may_refuse=may_refuse, **args)
        if out is Refused:
            return
        params, history = out
        dims = args["layer_dims"].value
        for l in range(1, len(dims)):
            assert params[f"W{l}"].shape == (dims[l], dims[l - 1]) and params[f"b{l}"].shape == (dims[l], 1)
        assert {p.dtype for p in params.values()} == {dtype}  # float32 stays float32
        for name in ("costs", "epoch_costs", "learning_rates", "times"):
            values = getattr(history, name)
            assert values.dtype == np.float64
            assert_finite(values, f"history.{name}")
        num_epochs = int(args["num_epochs"].value)
        T = -(-X.shape[1] // int(args["mini_batch_size"].value))
        assert len(history.epoch_costs) == history.epochs_completed <= num_epochs
        assert len(history.costs) == len(history.times) <= num_epochs * T
        if history.stop_reason is None:
            assert not history.stopped_early and history.epochs_completed == num_epochs
            assert len(history.costs) == num_epochs * T
        else:
            assert history.stopped_early and isinstance(history.stop_reason, str)
        if nan_in_X:
            assert history.stop_reason is not None and "NaN" in history.stop_reason
        if "inf or NaN" not in (history.stop_reason or ""):
            for key, W in params.items():
                assert_finite(W, f"params[{key!r}]")
        if args["checkpoint"].value is not None and history.stop_reason is None:  # saved after the last epoch
            saved = ng.load_checkpoint(path)
            assert saved.epoch == history.epochs_completed
            for name in ("v", "s"):  # the optimizer state keeps the parameters' dtype too
                for key, S in getattr(saved.state, name, {}).items():
                    assert S.dtype == dtype and S.shape == params[key].shape


@st.composite
def checkpoint_case(draw):
    """A Checkpoint as train would save it, with random contents."""
    dims = draw(st.lists(st.integers(1, 4), min_size=2, max_size=3))
    dtype = draw(float_dtype())
    params = {k: draw(hnp.arrays(dtype, v.shape, elements=elements(dtype, 1e3)))
              for k, v in ng.initialize_parameters(dims, dtype=dtype).items()}
    cls = draw(st.sampled_from(list(OPTIMIZER_ARGS)))
    hyper = {n: a.value for n, a in draw(optimizer_args(cls)).items() if a.ok}
    optimizer = cls(**{"learning_rate": 0.01, **hyper})
    state = optimizer.init(params)
    for name in optimizer._state_arrays:
        for k in params:
            getattr(state, name)[k][...] = draw(hnp.arrays(dtype, params[k].shape, elements=elements(dtype, 1e3)))
    state.t = draw(st.integers(0, 10**6))
    epochs = draw(st.integers(0, 5))
    steps = draw(st.integers(0, 20))
    history = ng.History(
        costs=draw(hnp.arrays(np.float64, steps, elements=st.floats(0, 1e3))),
        epoch_costs=draw(hnp.arrays(np.float64, epochs, elements=st.floats(0, 1e3))),
        learning_rates=draw(hnp.arrays(np.float64, epochs, elements=st.floats(1e-12, 1e6))),
        epochs_completed=epochs, stopped_early=draw(st.booleans()),
        stop_reason=draw(st.one_of(st.none(), st.text(max_size=30))),
        times=draw(hnp.arrays(np.float64, steps, elements=st.floats(0, 1e6))),
    )
    rng = np.random.Generator(draw(st.sampled_from([np.random.PCG64, np.random.Philox, np.random.MT19937,
                                                    np.random.SFC64]))(draw(st.integers(0, 99))))
    rng.random(draw(st.integers(0, 3)))
    opt_name, hyperparameters = type(optimizer).__name__, {"learning_rate": optimizer.learning_rate}
    hyperparameters.update({h: getattr(optimizer, h) for h in optimizer._hyper})
    return ng.Checkpoint(
        params=params, optimizer_name=opt_name, hyperparameters=hyperparameters, state=state, history=history,
        rng_state=rng.bit_generator.state,
        config={"layer_dims": dims, "hidden_activation": "relu", "lambd": 0.0, "mini_batch_size": 8, "m": 20,
                "dtype": np.dtype(dtype).name, "has_schedule": False},
    )


@fuzzes("save_checkpoint", "load_checkpoint", "Checkpoint", "History")
@budget(100)
@given(ck=checkpoint_case(), path_kind=st.sampled_from(["str", "path", "path", "nested", "int", "not a checkpoint"]))
def test_fuzz_checkpoint_round_trip(ck, path_kind):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nested" / "run.npz" if path_kind == "nested" else Path(folder) / "run.npz"
        target = {"str": Arg(str(path)), "int": Arg(5, False)}.get(path_kind, Arg(path))
        what = Arg(ck) if path_kind != "not a checkpoint" else Arg(ck.params, False)
        if call(ng.save_checkpoint, target, what) is Refused:
            assert not path.exists()
            return
        assert sorted(p.name for p in path.parent.iterdir()) == ["run.npz"]  # no temporary file left
        back = call(ng.load_checkpoint, target)
    assert back.optimizer_name == ck.optimizer_name and back.hyperparameters == ck.hyperparameters
    assert back.config == ck.config and back.epoch == ck.epoch == ck.history.epochs_completed
    for k in ck.params:
        np.testing.assert_array_equal(back.params[k], ck.params[k])
        assert back.params[k].dtype == ck.params[k].dtype
    assert type(back.state) is type(ck.state) and back.state.t == ck.state.t
    for name in ("v", "s"):
        for k, a in getattr(ck.state, name, {}).items():
            np.testing.assert_array_equal(getattr(back.state, name)[k], a)
    for name in ("costs", "epoch_costs", "learning_rates", "times"):
        np.testing.assert_array_equal(getattr(back.history, name), getattr(ck.history, name))
    assert (back.history.stopped_early, back.history.stop_reason) == (ck.history.stopped_early,
                                                                      ck.history.stop_reason)
    np.testing.assert_array_equal(back.history.iterations, np.arange(1, len(ck.history.costs) + 1))
    np.testing.assert_array_equal(back.history.epochs, np.arange(1, ck.epoch + 1))
    assert repr(back.make_optimizer()) == repr(type(back.make_optimizer())(**ck.hyperparameters))
    original = np.random.Generator(type(np.random.default_rng().bit_generator)())  # a fresh one, then set
    original = np.random.Generator(getattr(np.random, ck.rng_state["bit_generator"])())
    original.bit_generator.state = ck.rng_state
    np.testing.assert_array_equal(back.make_rng().random(5), original.random(5))


@st.composite
def damaged_file(draw, clean):
    """The bytes of a checkpoint, damaged: cut short, bytes changed, or its JSON edited."""
    how = draw(st.sampled_from(["truncate", "flip", "meta", "meta", "meta", "empty", "text"]))
    if how == "truncate":
        return clean[: draw(st.integers(0, len(clean) - 1))]
    if how == "flip":
        data = bytearray(clean)
        for _ in range(draw(st.integers(1, 4))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(data)
    if how == "empty":
        return b""
    if how == "text":
        return draw(st.binary(max_size=200))
    return None  # edit the meta JSON (below)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 10**20), st.floats(allow_nan=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=6,
)


def _json_paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _json_paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _json_paths(v, prefix + (i,))


@fuzzes("CheckpointError")
@budget(150)
@given(data=st.data())
def test_fuzz_load_damaged_checkpoint(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.npz"
        X, Y = ng.make_moons(12, seed=1)
        ng.train(X, Y, [2, 2, 1], data.draw(st.sampled_from([ng.Adam(0.01), ng.Momentum(0.1), ng.RMSProp(0.01),
                                                                 ng.GradientDescent(0.1)])),
                 num_epochs=1, progress=False, checkpoint=path, mini_batch_size=5)
        clean = path.read_bytes()
        damaged = data.draw(damaged_file(clean))
        if damaged is None:  # replace one value anywhere in the meta JSON (or delete it)
            with np.load(path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            meta = json.loads(str(arrays["meta"]))
            where = data.draw(st.sampled_from(list(_json_paths(meta))[1:]))
            parent = meta
            for key in where[:-1]:
                parent = parent[key]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                del parent[where[-1]]
            else:
                parent[where[-1]] = data.draw(JSON_VALUES)
            arrays["meta"] = np.array(json.dumps(meta))
            np.savez(path, **arrays)
        else:
            path.write_bytes(damaged)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                ck = ng.load_checkpoint(path)
        except ng.CheckpointError as err:
            assert isinstance(err, ValueError) and "run.npz" in str(err)  # names the file
            return
        # Read back: it must be usable as a checkpoint of the run it claims to be.
        assert isinstance(ck, ng.Checkpoint)
        ck.make_optimizer()
        ck.make_rng()
        for k, W in ck.params.items():
            assert W.dtype.kind == "f"


# ---------------------------------------------------------------------------
# noisy: mini-batch gradient descent on a line
# ---------------------------------------------------------------------------

@st.composite
def line_data(draw):
    m = draw(st.integers(1, 30))
    x = draw(hnp.arrays(np.float64, (1, m), elements=st.floats(-1e3, 1e3)))
    y = draw(hnp.arrays(np.float64, (1, m), elements=st.floats(-1e3, 1e3)))
    X, Y = Arg(x), Arg(y)
    spoil = draw(st.sampled_from(["none"] * 4 + ["X", "Y", "shape", "m"]))
    if spoil == "X":
        X = draw(spoiled(x, "X"))
    elif spoil == "Y":
        Y = draw(spoiled(y, "Y"))
    elif spoil == "shape":
        X = Arg(np.vstack([x, x]), False)
    elif spoil == "m":
        Y = Arg(np.zeros((1, m + 1)), False)
    return X, Y


@fuzzes("noisy.make_line_data", "noisy.line_cost", "noisy.line_gradients", "noisy.least_squares_line")
@budget(400)
@given(data=st.data(), XY=line_data())
def test_fuzz_line_fit(data, XY):
    args = draw_args(data, m=int_arg(2, draw_hi=300), slope=real_arg(), intercept=real_arg(),
                     noise=real_arg(0.0, None, draw_lo=0.0, draw_hi=10.0), seed=seed_arg())
    huge = all(a.ok for a in args.values()) and max(abs(float(args[k].value)) for k in ("slope", "intercept",
                                                                                          "noise")) > 1e300
    made = call(noisy.make_line_data, **args, may_refuse=("slope", "intercept", "noise") if huge else ())
    if made is not Refused:
        X, Y = made
        assert X.shape == Y.shape == (1, int(args["m"].value))
        assert_finite(Y)
        assert ((X >= -1) & (X <= 3)).all()

    X, Y = XY
    # line_cost takes one (w, b) or grids of them: scalars or arrays that broadcast together
    grid = {"w": (3, 1), "b": (1, 4)}
    w, b = (data.draw(choices(
        st.one_of(good(real_arg()), hnp.arrays(np.float64, grid[name], elements=st.floats(-1e3, 1e3)).map(Arg)),
        st.sampled_from([np.nan, "a", None, np.array([np.inf]), [[1.0], [2.0, 3.0]]])
        .map(lambda v: Arg(v, False)))) for name in ("w", "b"))
    if data.draw(st.integers(0, 9)) == 0:  # shapes that do not broadcast: both are to blame
        w, b = Arg(np.zeros(2), False), Arg(np.zeros(3), False)
    big = all(a.ok for a in (X, Y, w, b)) and max(np.abs(np.asarray(a.value, dtype=float)).max()
                                                  for a in (w, b)) > 1e150
    J = call(noisy.line_cost, w, b, X, Y, may_refuse=("w", "b") if big else ())
    if J is not Refused:
        x, y = np.asarray(X.value)[0], np.asarray(Y.value)[0]
        wv, bv = np.asarray(w.value, dtype=float), np.asarray(b.value, dtype=float)
        assert np.shape(J) == np.broadcast_shapes(wv.shape, bv.shape)
        assert_finite(J)
        if not big:  # the direct sum, with no expansion (the expansion loses digits to cancellation)
            direct = 0.5 * np.mean((wv[..., None] * x + bv[..., None] - y) ** 2, axis=-1)
            scale = 1.0 + np.mean(y**2) + np.abs(wv).max() ** 2 * (1 + np.mean(x**2)) + np.abs(bv).max() ** 2
            np.testing.assert_allclose(J, direct, rtol=1e-6, atol=1e-12 * scale)
    scalar_w = w if not w.ok or np.ndim(w.value) == 0 else Arg(w.value, False)  # gradients take one (w, b)
    scalar_b = b if not b.ok or np.ndim(b.value) == 0 else Arg(b.value, False)
    big = X.ok and Y.ok and scalar_w.ok and scalar_b.ok and max(abs(float(scalar_w.value)),
                                                                  abs(float(scalar_b.value))) > 1e150
    grads = call(noisy.line_gradients, scalar_w, scalar_b, X, Y, may_refuse=("w", "b") if big else ())
    if grads is not Refused:
        x, y = np.asarray(X.value)[0], np.asarray(Y.value)[0]
        r = float(scalar_w.value) * x + float(scalar_b.value) - y
        assert_finite(grads)
        if not big:
            np.testing.assert_allclose(grads, (np.mean(r * x), np.mean(r)), rtol=1e-9,
                                       atol=1e-12 * (1 + np.abs(r).max() * (1 + np.abs(x).max())))
    line = call(noisy.least_squares_line, X, Y, may_refuse=("X",))  # all x equal: no unique line
    if line is not Refused:
        x, y = np.asarray(X.value)[0], np.asarray(Y.value)[0]
        assert_finite(line)
        w_star, b_star = line
        # the minimum: both gradients vanish (up to rounding)
        r = w_star * x + b_star - y
        size = 1 + np.abs(y).max() + abs(w_star) * np.abs(x).max() + abs(b_star)
        assert abs(np.mean(r)) <= 1e-6 * size and abs(np.mean(r * x)) <= 1e-6 * size * (1 + np.abs(x).max())


def _decay(epoch):
    return ng.inverse_time_decay(0.2, epoch, 1.0)


def _inverse_sqrt(t):
    return 0.1 / math.sqrt(t)


def _text_rate(epoch):
    return "x"


def _negative_rate(epoch):
    return -1.0


LINE_SCHEDULES = [_decay, _inverse_sqrt, _text_rate, _negative_rate]  # two valid, two not


@fuzzes("noisy.run_minibatch_gd", "noisy.NoisyRun", "noisy.mean_distance_last_epochs")
@budget(150)
@given(data=st.data())
def test_fuzz_run_minibatch_gd(data):
    X, Y = noisy.make_line_data(m=data.draw(st.integers(2, 40)), noise=data.draw(st.floats(0, 3)),
                                seed=data.draw(st.integers(0, 9)))
    rates = real_arg(0.0, None, "neither", draw_lo=1e-12, draw_hi=1.0, specials=[1e-12, 1e-3, 0.1, 1e6, 0.0, -0.1])
    args = draw_args(
        data,
        learning_rate=choices(st.one_of(rates.good, st.sampled_from(LINE_SCHEDULES[:2]).map(Arg)),
                              st.one_of(rates.bad, st.sampled_from(LINE_SCHEDULES[2:]).map(lambda s: Arg(s, False)))),
        num_epochs=int_arg(1, draw_hi=4),
        mini_batch_size=int_arg(1, draw_hi=50, specials=(10**18,)),
        start=choices(st.tuples(st.floats(-10, 10), st.floats(-10, 10)).map(Arg),
                      st.sampled_from([(1.0,), (np.nan, 1.0), "ab", [[1.0, 2.0]]]).map(lambda v: Arg(v, False))),
        seed=seed_arg(),
        schedule_by=choices(st.sampled_from(["epoch", "iteration"]).map(Arg),
                            st.sampled_from(["step", None, 1]).map(lambda v: Arg(v, False))),
    )
    lr = args["learning_rate"].value
    # A large learning rate makes the run diverge: refused, naming it (a NoisyRun is finite).
    risky = not args["learning_rate"].ok or callable(lr) or float(lr) > 0.2
    run = call(noisy.run_minibatch_gd, Arg(X), Arg(Y), **args, may_refuse=("learning_rate",) if risky else ())
    if run is Refused:
        return
    E, T = int(args["num_epochs"].value), -(-X.shape[1] // int(args["mini_batch_size"].value))
    assert isinstance(run, noisy.NoisyRun) and run.batches_per_epoch == T
    assert run.path.shape == (E * T + 1, 2) and run.learning_rates.shape == (E * T,)
    for name in ("path", "epoch_position", "learning_rates", "distance", "cost", "minimum"):
        assert_finite(getattr(run, name), name)
    np.testing.assert_allclose(run.path[0], args["start"].value)
    np.testing.assert_allclose(run.distance, np.linalg.norm(run.path - run.minimum, axis=1))
    last = data.draw(int_arg(1, draw_hi=6))
    if last.ok and int(last.value) > E:
        last = Arg(last.value, False)  # more epochs than the run has
    mean = call(noisy.mean_distance_last_epochs, Arg(run), last)
    if mean is not Refused:
        keep = run.epoch_position > E - int(last.value)
        assert mean == pytest.approx(run.distance[keep].mean())
    assert call(noisy.mean_distance_last_epochs, Arg(run.path, False)) is Refused


# ---------------------------------------------------------------------------
# What the fuzzing found: each case pinned (the examples above are drawn, these are not)
# ---------------------------------------------------------------------------

def _params32():
    return {"W": np.zeros(3, np.float32)}


def _step(optimizer, params, grads, state=None):
    return optimizer.step(params, grads, optimizer.init(params) if state is None else state)


def _damaged_checkpoint(tmp_path, how):
    """A checkpoint file, damaged in one of the ways the fuzzing found unhandled."""
    path = tmp_path / "run.npz"
    X, Y = ng.make_moons(12, seed=1)
    ng.train(X, Y, [2, 1], ng.Adam(0.01), num_epochs=1, progress=False, checkpoint=path)
    if how == "none":
        return path
    if how == "npy":
        np.save(tmp_path / "run.npy", np.zeros(3))
        return tmp_path / "run.npy"
    if how == "flag bit 6":  # a bit flip that makes zipfile think the member is strongly encrypted
        data = bytearray(path.read_bytes())
        central = data.index(b"PK\x01\x02")
        data[central + 8] |= 0x40
        path.write_bytes(bytes(data))
        return path
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(str(arrays["meta"]))
    if how == "rng state list":
        meta["rng_state"] = [1, 2]
    else:  # a negative generator state
        meta["rng_state"]["state"]["state"] = -1
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    return path


FOUND = {
    # minibatch.py: ceil(m / size) in floats was off by one for m > 2**53
    "num_mini_batches(10**18, 3)": (lambda tmp: ng.num_mini_batches(10**18, 3), 333_333_333_333_333_334),
    # _validation.py: ragged lists gave numpy's message without the argument's name
    "ragged X": (lambda tmp: ng.random_mini_batches([[1, 2], [3]], [[1, 0]]),
                 (ValueError, r"X must be an array of numbers with rows of equal length")),
    "ragged grads": (lambda tmp: _step(ng.GradientDescent(0.1), {"W": np.zeros(2)}, {"W": [[1], [1, 2]]}),
                     (ValueError, r"grads\['W'\] must be an array of numbers")),
    # optimizers.py: AttributeError for params that are not a dict
    "init([1, 2])": (lambda tmp: ng.Momentum(0.1).init([1, 2]), (TypeError, r"params must be a dict of arrays")),
    "copy_arrays(None)": (lambda tmp: ng.copy_arrays(None), (TypeError, r"arrays must be a dict of arrays")),
    # optimizers.py: in float32, epsilon 1e-300 is 0: sqrt(s) + epsilon = 0 gave NaN steps
    "epsilon 1e-300, float32": (lambda tmp: _step(ng.RMSProp(0.1, epsilon=1e-300), _params32(), _params32()),
                                (ValueError, r"epsilon == 1e-300 rounds to 0 in float32")),
    # optimizers.py: in float32, learning rate 1e300 is inf: a zero gradient gave a NaN step
    "learning rate 1e300, float32": (lambda tmp: _step(ng.GradientDescent(1e300), _params32(), _params32()),
                                     (ValueError, r"learning_rate == 1e\+300 does not fit in float32")),
    # optimizers.py: alpha / (1 - beta1) = inf moved W to -inf with no floating-point error raised
    "Adam(1e308)": (lambda tmp: _step(ng.Adam(1e308), {"W": np.zeros(1)}, {"W": np.ones(1)}),
                    (ValueError, r"learning_rate / \(1 - beta1\^t\) at t = 1 == inf does not fit")),
    # optimizers.py: an overflowing update warned (RuntimeWarning) and left inf silently
    "update overflow": (lambda tmp: _step(ng.GradientDescent(1e6), {"W": np.zeros(3)}, {"W": np.full(3, 1e303)}),
                        (StepOverflowError, r"overflow and left inf or NaN in params\['W'\]: learning_rate == 1")),
    # optimizers.py: t = -1 divided by 1 - beta1^0 = 0 (ZeroDivisionError)
    "state.t = -1": (lambda tmp: _step(ng.Adam(0.1), {"W": np.zeros(1)}, {"W": np.ones(1)},
                                       ng.AdamState(v={"W": np.zeros(1)}, s={"W": np.zeros(1)}, t=-1)),
                     (ValueError, r"state\.t == -1, must be an integer in \[0, ")),
    "state arrays of int": (lambda tmp: _step(ng.Momentum(0.1), {"W": np.zeros(3)}, {"W": np.ones(3)},
                                              ng.MomentumState(v={"W": np.zeros(3, int)})),
                            (TypeError, r"state\.v\['W'\] must be a float numpy array")),
    # schedules.py: OverflowError, a cast warning, an overflow warning; [] refused
    "epoch 10**400": (lambda tmp: ng.inverse_time_decay(0.1, 10**400, 1.0), (ValueError, r"epoch_num == 1000")),
    "epoch array 1e300": (lambda tmp: ng.inverse_time_decay(0.1, np.array([1e300]), 1.0),
                          (ValueError, r"epoch_num == .*must be at most 9223372036854775807")),
    "decay_rate 1e308": (lambda tmp: ng.inverse_time_decay(0.1, np.array([10]), 1e308).tolist(), [0.0]),
    "epochs []": (lambda tmp: ng.inverse_time_decay(0.2, [], 1.0).shape, (0,)),
    "k * alpha0 overflows": (lambda tmp: ng.inverse_sqrt_decay(1e308, 1e308, 1),
                             (ValueError, r"k \* learning_rate0 too large")),
    "drops = 5": (lambda tmp: ng.manual_decay(1.0, 5, 3), (TypeError, r"drops must be a sequence")),
    "schedule = 5": (lambda tmp: ng.tabulate_schedule(5, 3), (TypeError, r"schedule must be a function")),
    "schedule -> nan": (lambda tmp: ng.tabulate_schedule(lambda e: math.nan, 3),
                        (ValueError, r"schedule\(1\) == nan, must be a finite number")),
    # nn.py: numpy's messages, an accepted array activation, an unsortable key list,
    # a cast warning, ZeroDivisionError and "Mean of empty slice"
    "dtype 'garbage'": (lambda tmp: ng.initialize_parameters([2, 1], dtype="garbage"),
                        (TypeError, r"dtype == 'garbage' is not a dtype")),
    "activation array": (lambda tmp: ng.initialize_parameters([2, 1], hidden_activation=np.array(["relu"])),
                         (ValueError, r"hidden_activation == array")),
    "params keys 1, 'a'": (lambda tmp: ng.forward(np.zeros((2, 1)), {1: 2, "a": 3}),
                           (ValueError, r"params has keys \['a', 1\]")),
    "X 1e300, float32": (lambda tmp: ng.forward(np.full((2, 3), 1e300),
                                                ng.initialize_parameters([2, 1], dtype="float32")),
                         (ValueError, r"X has values beyond the range of float32")),
    "cost of m = 0": (lambda tmp: ng.cost_and_grads(np.zeros((2, 0)), np.zeros((1, 0)),
                                                    ng.initialize_parameters([2, 1])),
                      (ValueError, r"X has m = 0 examples")),
    "accuracy of m = 0": (lambda tmp: ng.accuracy(np.zeros((2, 0)), np.zeros((1, 0)),
                                                  ng.initialize_parameters([2, 1])),
                          (ValueError, r"X has m = 0 examples")),
    # surfaces.py: AttributeError, numpy's messages, IndexError on an empty path, a hypot warning
    "optimizer = 5": (lambda tmp: ng.run_on_surface("saddle", 5), (TypeError, r"optimizer must be an optimizer")),
    "optimizer = Adam": (lambda tmp: ng.run_on_surface("saddle", ng.Adam), (TypeError, r"optimizer must be")),
    "start = 'ab'": (lambda tmp: ng.run_on_surface("saddle", "gd", start="ab"),
                     (ValueError, r"start must be two finite numbers")),
    "start outside max_radius": (lambda tmp: ng.run_on_surface("saddle", "gd", max_radius=1e-3),
                                 (ValueError, r"start == .* max_radius == 0\.001")),
    "run to 1e308": (lambda tmp: ng.run_on_surface("elongated_bowl", ng.Momentum(1e308), start=(75.0, 1.0),
                                                   num_steps=1, max_radius=76.0).diverged, True),
    # data.py: a warning for inf days, NaN for None, numpy's message for a bad path
    "days = inf": (lambda tmp: ng.seasonal_cycle(np.inf), (ValueError, r"days has 1 non-finite value")),
    "days = None": (lambda tmp: ng.seasonal_cycle(None), (TypeError, r"days must hold numbers")),
    "path = 5": (lambda tmp: ng.london_temperatures(path=5), (TypeError, r"path must be a file path")),
    "cache_dir = 5": (lambda tmp: ng.large_dataset(m=5, cache_dir=5), (TypeError, r"cache_dir must be a file path")),
    # checkpoints.py: IsADirectoryError, TypeError, AttributeError, NotImplementedError, OverflowError
    "load a folder": (lambda tmp: ng.load_checkpoint(tmp), (FileNotFoundError, r"a folder, not a checkpoint file")),
    "load an .npy": (lambda tmp: ng.load_checkpoint(_damaged_checkpoint(tmp, "npy")),
                     (ng.CheckpointError, r"it holds a single array")),
    "rng_state a list": (lambda tmp: ng.load_checkpoint(_damaged_checkpoint(tmp, "rng state list")),
                         (ng.CheckpointError, r"its rng_state is a list, not a dict")),
    "zip flag bit 6": (lambda tmp: ng.load_checkpoint(_damaged_checkpoint(tmp, "flag bit 6")),
                       (ng.CheckpointError, r"not an \.npz checkpoint \(NotImplementedError: strong encryption")),
    "negative rng state": (lambda tmp: ng.load_checkpoint(_damaged_checkpoint(tmp, "negative state")),
                           (ng.CheckpointError, r"generator state is unusable")),
    "save 5": (lambda tmp: ng.save_checkpoint(tmp / "x.npz", 5), (TypeError, r"checkpoint must be a Checkpoint")),
    "save into a new folder": (lambda tmp: ng.save_checkpoint(
        tmp / "new" / "x.npz", ng.load_checkpoint(_damaged_checkpoint(tmp, "none")))
        or (tmp / "new" / "x.npz").is_file(),
        True),
    # training.py: checkpoint=5 failed after the first epoch, with numpy's message
    "train(checkpoint=5)": (lambda tmp: ng.train(np.zeros((2, 4)), np.zeros((1, 4)), [2, 1], ng.Adam(0.1),
                                                 num_epochs=1, progress=False, checkpoint=5),
                            (TypeError, r"checkpoint must be a file path")),
    # training.py: an update that overflows stops the run with a reason (it was a warning)
    "train, update overflows": (lambda tmp: ng.train(np.full((2, 4), 1e300), np.ones((1, 4)), [2, 1], ng.Adam(0.1),
                                                     num_epochs=1, progress=False)[1].stop_reason.split(":")[0],
                                "the optimizer's update overflowed at epoch 1, mini-batch 1 of 1"),
    # noisy.py: warnings, AttributeError, numpy's messages
    "line_gradients(1e300, ...)": (lambda tmp: noisy.line_gradients(1e300, 1.0, [[1e300, 2.0]], [[1.0, 2.0]]),
                                   (ValueError, r"w, b, X or Y too large")),
    "line_cost shapes": (lambda tmp: noisy.line_cost(np.zeros(2), np.zeros(3), [[1.0, 2.0]], [[1.0, 2.0]]),
                         (ValueError, r"w and b must have broadcastable shapes")),
    "least squares of 1e300": (lambda tmp: noisy.least_squares_line([[1e300, -1e300]], [[1.0, 2.0]]),
                               (ValueError, r"X or Y too large")),
    "slope 1e308": (lambda tmp: noisy.make_line_data(3, 1e308, 1e308, 1e308),
                    (ValueError, r"slope, intercept or noise too large")),
    "diverging line fit": (lambda tmp: noisy.run_minibatch_gd(*noisy.make_line_data(20), 1e6, num_epochs=30),
                           (ValueError, r"the run diverged .* learning_rate == 1000000\.0")),
    "mean_distance(None)": (lambda tmp: noisy.mean_distance_last_epochs(None),
                            (TypeError, r"run must be the NoisyRun")),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", sorted(FOUND))
def test_what_the_fuzzing_found(case, tmp_path):
    run, expected = FOUND[case]
    if isinstance(expected, tuple) and len(expected) == 2 and isinstance(expected[0], type) \
            and issubclass(expected[0], Exception):
        error, match = expected
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(error, match=match):
                run(tmp_path)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert run(tmp_path) == expected

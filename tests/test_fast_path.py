"""The fast path agrees with the plain one.

``optimizers.py`` opens with the four updates as plain functions (new arrays, the slide's
formulas); the optimizers use them on small arrays and, on large ones, the in-place,
blocked and threaded kernels of ``ngopt_course._fast``. For gradient descent, momentum
and RMSProp the kernels perform the same floating-point operations in the same order,
so the two paths must agree BIT FOR BIT (0 ulps) for every dtype and size: tiny, below
the fast path, on it but unblocked, blocked on one thread, blocked on two. Adam's v and
s agree bit for bit too; its kernel groups the step as (alpha / (1 - beta1^t)) *
(v / denominator) (one scratch buffer instead of two), which changes at most 3
roundings: each step may differ by 4 eps |step|, plus one ulp of W.
"""

import threading

import numpy as np
import pytest

from ngopt_course._fast import blocks, updates
from ngopt_course.optimizers import (
    Adam,
    GradientDescent,
    Momentum,
    RMSProp,
    adam_update,
    gradient_descent_update,
    momentum_update,
    rmsprop_update,
)

SIZES = {
    "tiny": 7,
    "below the fast path": updates.FAST_MIN - 1,
    "fast, unblocked": updates.FAST_MIN,
    "blocked, one thread": 2 * blocks.BLOCK + 5,
    "blocked, two threads": blocks.PARALLEL_MIN + 3,
}
DTYPES = [np.float32, np.float64]


def _plain_steps(name, W, grads_seq, hyper):
    """The optimizer's steps computed with the plain functions only (new arrays)."""
    v, s = np.zeros_like(W), np.zeros_like(W)
    for t, dW in enumerate(grads_seq, start=1):
        if name == "gd":
            W = gradient_descent_update(W, dW, hyper["learning_rate"])
        elif name == "momentum":
            W, v = momentum_update(W, dW, v, hyper["beta"], hyper["learning_rate"])
        elif name == "rmsprop":
            W, s = rmsprop_update(W, dW, s, hyper["beta"], hyper["learning_rate"], hyper["epsilon"],
                                  eps_root=hyper["eps_root"])
        else:
            W, v, s = adam_update(W, dW, v, s, t, hyper["learning_rate"], hyper["beta1"], hyper["beta2"],
                                  hyper["epsilon"], eps_root=hyper["eps_root"])
    return W, {"v": v, "s": s}


CASES = {
    "gd": (GradientDescent, dict(learning_rate=0.1)),
    "momentum": (Momentum, dict(learning_rate=0.1, beta=0.9)),
    "rmsprop": (RMSProp, dict(learning_rate=0.01, beta=0.9, epsilon=1e-8, eps_root=0.0)),
    "rmsprop eps_root": (RMSProp, dict(learning_rate=0.01, beta=0.9, epsilon=0.0, eps_root=1e-8)),
    "adam": (Adam, dict(learning_rate=0.01, beta1=0.9, beta2=0.999, epsilon=1e-8, eps_root=0.0)),
    "adam eps_root": (Adam, dict(learning_rate=0.01, beta1=0.8, beta2=0.99, epsilon=1e-7, eps_root=1e-6)),
}
STATE = {GradientDescent: (), Momentum: ("v",), RMSProp: ("s",), Adam: ("v", "s")}


def _problem(size, dtype, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal(size).astype(dtype)
    # Gradients of very different sizes, zeros included: s near 0 is where epsilon matters.
    grads_seq = [(rng.standard_normal(size) * 10.0 ** rng.integers(-6, 3, size)).astype(dtype) for _ in range(3)]
    grads_seq[1][::5] = 0
    return W, grads_seq


def _optimizer_steps(cls, hyper, W, grads_seq):
    opt = cls(**hyper)
    params = {"W": W.copy()}
    state = opt.init(params)
    for dW in grads_seq:
        opt.step(params, {"W": dW}, state)
    return params["W"], state


@pytest.mark.parametrize("size", list(SIZES.values()), ids=list(SIZES))
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("case", list(CASES))
def test_fast_path_bit_identical_to_plain_functions(case, dtype, size):
    cls, hyper = CASES[case]
    name = case.split()[0]
    W0, grads_seq = _problem(size, dtype)
    assert updates.applies(W0, *grads_seq) == (size >= updates.FAST_MIN)  # the path this size takes
    W_plain, plain_state = _plain_steps(name, W0, grads_seq, hyper)
    W_opt, state = _optimizer_steps(cls, hyper, W0, grads_seq)
    assert W_opt.dtype == W_plain.dtype == dtype
    for state_name in STATE[cls]:  # v and s: 0 ulps, always
        np.testing.assert_array_equal(getattr(state, state_name)["W"], plain_state[state_name])
    assert not np.array_equal(W_opt, W0)  # the steps did move W
    if name != "adam" or size < updates.FAST_MIN:
        np.testing.assert_array_equal(W_opt, W_plain)  # 0 ulps
        return
    # Adam on the fast path: per step at most 4 eps |step| + 1 ulp of W (module docstring).
    eps = np.finfo(dtype).eps
    trajectory = [W0] + [_plain_steps(name, W0, grads_seq[:k], hyper)[0] for k in range(1, len(grads_seq) + 1)]
    bound = sum(4 * eps * np.abs(b.astype(float) - a) + np.spacing(np.abs(b)).astype(float)
                for a, b in zip(trajectory, trajectory[1:]))
    error = np.abs(W_opt.astype(float) - W_plain)
    assert (error <= bound).all(), f"worst excess {np.max(error - bound):.3g}"
    assert (error > 0).any()  # the groupings do differ: this is the case the bound is for


def test_the_sizes_cover_every_path():
    # tiny and FAST_MIN - 1: plain; FAST_MIN: one kernel call (below 2 * BLOCK);
    # 2 * BLOCK + 5: blocks on this thread; PARALLEL_MIN + 3: blocks on both cores.
    assert SIZES["below the fast path"] < updates.FAST_MIN <= SIZES["fast, unblocked"] < 2 * blocks.BLOCK
    assert 2 * blocks.BLOCK <= SIZES["blocked, one thread"] < blocks.PARALLEL_MIN <= SIZES["blocked, two threads"]


@pytest.mark.parametrize("case", ["momentum", "adam"])
def test_mixed_dtypes_take_the_plain_path(case):
    # float32 params with a float64 state cannot use the kernels (their scratch buffers
    # take one dtype): the optimizer must then give the plain functions' result.
    cls, hyper = CASES[case]
    W0, grads_seq = _problem(updates.FAST_MIN + 10, np.float32)
    opt = cls(**hyper)
    params = {"W": W0.copy()}
    state = opt.init({"W": W0.astype(np.float64)})
    assert not updates.applies(params["W"], grads_seq[0], state.v["W"])
    opt.step(params, {"W": grads_seq[0]}, state)
    name = case.split()[0]
    v64 = np.zeros(W0.size)
    if name == "momentum":
        expected, v = momentum_update(W0, grads_seq[0], v64, hyper["beta"], hyper["learning_rate"])
    else:
        expected, v, _ = adam_update(W0, grads_seq[0], v64, v64, 1, hyper["learning_rate"], hyper["beta1"],
                                     hyper["beta2"], hyper["epsilon"])
    np.testing.assert_array_equal(params["W"], expected.astype(np.float32))
    np.testing.assert_array_equal(state.v["W"], v)


# ---------------------------------------------------------------------------
# Where no thread can start (Pyodide: threading.Thread.start raises RuntimeError)
# ---------------------------------------------------------------------------

def _no_threads(monkeypatch):
    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    monkeypatch.setattr(blocks, "_pool", None)       # a fresh pool, which must start a thread
    monkeypatch.setattr(blocks, "_threads_work", True)


@pytest.mark.parametrize("case", ["gd", "adam"])
def test_no_threads_falls_back_to_one_thread_with_identical_results(monkeypatch, case):
    cls, hyper = CASES[case]
    W0, grads_seq = _problem(blocks.PARALLEL_MIN + 3, np.float64, seed=3)
    with_threads, _ = _optimizer_steps(cls, hyper, W0, grads_seq)
    _no_threads(monkeypatch)
    without, state = _optimizer_steps(cls, hyper, W0, grads_seq)
    assert blocks._threads_work is False  # it tried, failed, and ran the blocks itself
    np.testing.assert_array_equal(without, with_threads)
    assert state.t == len(grads_seq)


def test_no_threads_nan_check_and_share_work_still_run(monkeypatch):
    _no_threads(monkeypatch)
    big = np.ones(blocks.PARALLEL_MIN + 1)
    assert blocks.sums_are_finite([big])
    big[-1] = np.nan  # in the half a helper thread would have summed
    assert not blocks.sums_are_finite([big])
    done = []

    def worker(take):
        while (item := take()) is not None:
            done.append(item)

    blocks.share_work(worker, range(10))
    assert sorted(done) == list(range(10))


# ---------------------------------------------------------------------------
# eps_root: the slide's Adam, epsilon inside the square root
# ---------------------------------------------------------------------------

def test_eps_root_is_the_slides_formula_by_hand():
    # Slide: W := W - alpha v_corr / sqrt(s_corr + eps). With epsilon = 0, eps_root = e.
    # alpha = 0.1, beta1 = 0.9, beta2 = 0.999, e = 0.01; W = 1, dW = 0.2, step t = 1:
    #   v = 0.1 * 0.2 = 0.02,   s = 0.001 * 0.04 = 4e-5
    #   v_corr = 0.02 / 0.1 = 0.2,  s_corr = 4e-5 / 0.001 = 0.04
    #   W = 1 - 0.1 * 0.2 / sqrt(0.04 + 0.01) = 1 - 0.02 / 0.22360679... = 0.91055728...
    # (epsilon outside instead: 1 - 0.02 / (0.2 + 0.01) = 0.90476190...: they differ.)
    W, v, s = adam_update(np.array([1.0]), np.array([0.2]), np.zeros(1), np.zeros(1), 1,
                          0.1, 0.9, 0.999, 0.0, eps_root=0.01)
    assert W[0] == pytest.approx(1 - 0.02 / np.sqrt(0.05), rel=1e-14)
    assert W[0] == pytest.approx(0.9105572809, rel=1e-10)
    assert v[0] == pytest.approx(0.02, rel=1e-14) and s[0] == pytest.approx(4e-5, rel=1e-12)  # raw, uncorrected
    params = {"W": np.array([1.0])}
    opt = Adam(0.1, epsilon=0.0, eps_root=0.01)
    opt.step(params, {"W": np.array([0.2])}, opt.init(params))
    assert params["W"][0] == W[0]
    # RMSProp: s = 0.1 * 0.04 = 0.004; W = 1 - 0.1 * 0.2 / sqrt(0.004 + 0.01) = 1 - 0.02 / 0.11832159...
    W, s = rmsprop_update(np.array([1.0]), np.array([0.2]), np.zeros(1), 0.9, 0.1, 0.0, eps_root=0.01)
    assert W[0] == pytest.approx(1 - 0.02 / np.sqrt(0.014), rel=1e-14)


def test_eps_root_and_epsilon_arguments():
    assert repr(Adam(0.1, eps_root=1e-8)) == "Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-08, eps_root=1e-08)"
    assert Adam(0.1, epsilon=0.0, eps_root=1e-8).epsilon == 0.0  # allowed: eps_root keeps the root > 0
    with pytest.raises(ValueError, match=r"epsilon == 0.0, must be in \(0, inf\)"):
        Adam(0.1, epsilon=0.0)  # nothing would keep the denominator away from 0
    with pytest.raises(ValueError, match=r"eps_root == -1.0, must be in \[0, inf\)"):
        RMSProp(0.1, eps_root=-1.0)
    with pytest.raises(ValueError, match=r"eps_root == 1e-300 rounds to 0 in float32"):
        opt = RMSProp(0.1, epsilon=0.0, eps_root=1e-300)
        params = {"W": np.ones(2, np.float32)}
        opt.step(params, {"W": np.ones(2, np.float32)}, opt.init(params))


def test_plain_functions_do_not_touch_their_inputs():
    rng = np.random.default_rng(5)
    W, dW, v, s = (rng.standard_normal(4) for _ in range(4))
    s = np.abs(s)
    before = [a.copy() for a in (W, dW, v, s)]
    gradient_descent_update(W, dW, 0.1)
    momentum_update(W, dW, v, 0.9, 0.1)
    rmsprop_update(W, dW, s, 0.9, 0.1, 1e-8)
    adam_update(W, dW, v, s, 3, 0.1, 0.9, 0.999, 1e-8)
    for a, b in zip((W, dW, v, s), before):
        np.testing.assert_array_equal(a, b)


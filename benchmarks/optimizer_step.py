"""One optimizer step on 1M and 10M parameters, as a multiple of the memory-bandwidth bound.

What it measures
----------------
For a parameter vector of n elements (float32 and float64), one step of the package's
GradientDescent, Momentum, RMSProp and Adam (``opt.step``, including its argument and
finite-gradient checks) against

* **naive numpy**: the slide's formulas written as they read, each line a new array;
* **in-place numpy**: the same formulas with ``out=`` on whole arrays (no temporaries,
  but every line streams the arrays through main memory again);
* **torch.optim** on the CPU (2 threads): SGD (with momentum), RMSprop, Adam, each as
  default, ``foreach=True`` and ``fused=True`` where PyTorch has it. PyTorch is an
  optional benchmark dependency (``pip install torch``); without it those columns are
  skipped with a note.

Every time is divided by **the memory-bandwidth bound** measured in the same round: the
bytes the update must move (GD reads W, dW and writes W: 3 arrays; momentum and RMSProp
read W, dW, v or s and write W, v or s: 5; Adam reads W, dW, v, s and writes W, v, s: 7)
at the bandwidth of ``np.copyto`` between two large arrays of the same size (2 arrays;
the fastest of 3 copies in each round).
1.0 would be an update as fast as a copy; the package's own extra read of dW (its NaN
check) counts against it. A second table gives the package's speed-up over PyTorch in
the same rounds, and a third the cost of a step on the notebooks' [2, 5, 2, 1] network
(microseconds per step, where per-call overhead matters and bandwidth does not), against
the bare formula ("naive numpy") and the package's plain update functions without checks.

Figures are median [min-max] over ``--rounds`` rounds; each round times every contender
once, so a ratio compares runs made seconds apart on the same (shared, noisy) machine.

How to run
----------
    python benchmarks/optimizer_step.py                    # 1M and 10M, float32 and float64
    python benchmarks/optimizer_step.py --sizes 10000000 --rounds 15 --no-torch
    python benchmarks/optimizer_step.py --small-only --small-rounds 51   # per-step overhead only

Needs about 2.5 GB of memory for 10M float64. OPENBLAS_* variables, if set, are printed
(no BLAS call is timed here).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _timing import filled, fmt_ratio, print_machine, print_table, ratio_summary, side_by_side  # noqa: E402

from ngopt_course import optimizers  # noqa: E402
from ngopt_course.optimizers import Adam, GradientDescent, Momentum, RMSProp  # noqa: E402

try:
    import torch
except ImportError:  # optional: the torch columns are skipped
    torch = None

LEARNING_RATE = 1e-3
BETA, BETA1, BETA2, EPSILON = 0.9, 0.9, 0.999, 1e-8

# Arrays each update must read or write once: the bandwidth bound of the step.
ARRAYS_MOVED = {"gd": 3, "momentum": 5, "rmsprop": 5, "adam": 7}
STATE_NAMES = {"gd": (), "momentum": ("v",), "rmsprop": ("s",), "adam": ("v", "s")}


def make_package(name):
    return {
        "gd": lambda: GradientDescent(LEARNING_RATE),
        "momentum": lambda: Momentum(LEARNING_RATE, beta=BETA),
        "rmsprop": lambda: RMSProp(LEARNING_RATE, beta=BETA, epsilon=EPSILON),
        "adam": lambda: Adam(LEARNING_RATE, beta1=BETA1, beta2=BETA2, epsilon=EPSILON),
    }[name]()


# ---------------------------------------------------------------------------
# The slide's formulas in plain numpy: naive (new arrays) and in place (whole arrays)
# ---------------------------------------------------------------------------

def naive_step(name, p, g, st, t):
    """One step on dicts; every line allocates its result, as the formulas read."""
    for k in p:
        W, dW = p[k], g[k]
        if name == "gd":
            p[k] = W - LEARNING_RATE * dW
        elif name == "momentum":
            st["v"][k] = BETA * st["v"][k] + (1 - BETA) * dW
            p[k] = W - LEARNING_RATE * st["v"][k]
        elif name == "rmsprop":
            st["s"][k] = BETA * st["s"][k] + (1 - BETA) * dW**2
            p[k] = W - LEARNING_RATE * dW / (np.sqrt(st["s"][k]) + EPSILON)
        else:
            st["v"][k] = BETA1 * st["v"][k] + (1 - BETA1) * dW
            st["s"][k] = BETA2 * st["s"][k] + (1 - BETA2) * dW**2
            v_corrected = st["v"][k] / (1 - BETA1**t)
            s_corrected = st["s"][k] / (1 - BETA2**t)
            p[k] = W - LEARNING_RATE * v_corrected / (np.sqrt(s_corrected) + EPSILON)


def inplace_step(name, W, dW, state, tmp, t):
    """The same formulas with out= on whole arrays: no allocation, one pass per ufunc."""
    if name == "gd":
        W -= np.multiply(dW, LEARNING_RATE, out=tmp)
    elif name == "momentum":
        v = state[0]
        v *= BETA
        v += np.multiply(dW, 1 - BETA, out=tmp)
        W -= np.multiply(v, LEARNING_RATE, out=tmp)
    elif name == "rmsprop":
        s = state[0]
        s *= BETA
        s += np.multiply(np.square(dW, out=tmp), 1 - BETA, out=tmp)
        np.add(np.sqrt(s, out=tmp), EPSILON, out=tmp)
        W -= np.multiply(np.divide(dW, tmp, out=tmp), LEARNING_RATE, out=tmp)
    else:
        v, s = state
        v *= BETA1
        v += np.multiply(dW, 1 - BETA1, out=tmp)
        s *= BETA2
        s += np.multiply(np.square(dW, out=tmp), 1 - BETA2, out=tmp)
        np.add(np.sqrt(np.divide(s, 1 - BETA2**t, out=tmp), out=tmp), EPSILON, out=tmp)
        W -= np.multiply(np.divide(v, tmp, out=tmp), LEARNING_RATE / (1 - BETA1**t), out=tmp)


# ---------------------------------------------------------------------------
# torch.optim
# ---------------------------------------------------------------------------

def torch_optimizer(name, tensors, variant):
    """The torch.optim equivalent of the lecture's optimizer, or None if ``variant`` is missing."""
    kwargs = {} if variant == "default" else {variant: True}
    if name == "gd":
        cls, hyper = torch.optim.SGD, dict(lr=LEARNING_RATE)
    elif name == "momentum":  # dampening = momentum gives v = beta v + (1 - beta) dW, as the lecture
        cls, hyper = torch.optim.SGD, dict(lr=LEARNING_RATE, momentum=BETA, dampening=BETA)
    elif name == "rmsprop":
        cls, hyper = torch.optim.RMSprop, dict(lr=LEARNING_RATE, alpha=BETA, eps=EPSILON)
    else:
        cls, hyper = torch.optim.Adam, dict(lr=LEARNING_RATE, betas=(BETA1, BETA2), eps=EPSILON)
    try:
        opt = cls(tensors, **hyper, **kwargs)
        opt.step()  # creates the state (and checks the variant exists on the CPU)
    except (RuntimeError, ValueError, TypeError):
        return None
    return opt


# ---------------------------------------------------------------------------
# Large vectors
# ---------------------------------------------------------------------------

def contenders_for(name, n, dtype, rng, use_torch):
    """Callables doing one step each, on their own copies of the same data."""
    W0 = rng.standard_normal(n).astype(dtype)
    dW0 = rng.standard_normal(n).astype(dtype)
    out = {}

    opt = make_package(name)
    params, grads = {"W": W0.copy()}, {"W": dW0.copy()}
    state = opt.init(params)
    opt.step(params, grads, state)  # state arrays come from np.zeros: write them once first
    out["package"] = lambda: opt.step(params, grads, state)

    W, dW, tmp = W0.copy(), dW0.copy(), filled(n, dtype)
    arrays = [filled(n, dtype, 0.1) for _ in STATE_NAMES[name]]
    out["in-place numpy"] = lambda: inplace_step(name, W, dW, arrays, tmp, 5)

    p, g = {"W": W0.copy()}, {"W": dW0.copy()}
    st = {s: {"W": filled(n, dtype, 0.1)} for s in STATE_NAMES[name]}
    out["naive numpy"] = lambda: naive_step(name, p, g, st, 5)

    if use_torch:
        for variant in ("default", "foreach", "fused"):
            w = torch.from_numpy(W0.copy()).requires_grad_(True)
            w.grad = torch.from_numpy(dW0.copy())
            topt = torch_optimizer(name, [w], variant)
            if topt is not None:
                out[f"torch {variant}"] = topt.step

    src, dst = filled(n, dtype, 1.0), filled(n, dtype, 2.0)
    out["copy"] = lambda: np.copyto(dst, src)
    return out


def bench_large(sizes, rounds, use_torch):
    rng = np.random.default_rng(0)
    columns = ["package", "in-place numpy", "naive numpy"]
    if use_torch:
        columns += ["torch default", "torch foreach", "torch fused"]
    bound_rows, speedup_rows = [], []
    for n in sizes:
        for dtype in (np.float32, np.float64):
            for name in ("gd", "momentum", "rmsprop", "adam"):
                contenders = contenders_for(name, n, dtype, rng, use_torch)
                times = side_by_side(contenders, rounds, best_of={"copy": 3})
                bound = times["copy"] * ARRAYS_MOVED[name] / 2  # seconds to move the arrays once
                label = [f"{n:,}", np.dtype(dtype).name, name]
                bound_rows.append(label + [
                    fmt_ratio(ratio_summary(times[c], bound)) if c in times else "n/a" for c in columns
                ] + [f"{np.median(bound) * 1e3:.2f}"])
                if use_torch:
                    speedup_rows.append(label + [
                        fmt_ratio(ratio_summary(times[c], times["package"])) if c in times else "n/a"
                        for c in columns[3:]
                    ])
                del contenders, times
                gc.collect()
    print("Time of one step as a multiple of the memory-bandwidth bound (1.0 = as fast as a copy);")
    print("median [min-max] over rounds. Lower is better.")
    print_table(["n", "dtype", "optimizer", *columns, "bound ms"], bound_rows)
    if use_torch:
        print("PyTorch's time / the package's time, same rounds (> 1: the package is faster).")
        print_table(["n", "dtype", "optimizer", *columns[3:]], speedup_rows)


# ---------------------------------------------------------------------------
# The notebooks' small network: per-step overhead
# ---------------------------------------------------------------------------

def small_network(rng, dtype=np.float64, layer_dims=(2, 5, 2, 1)):
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])).astype(dtype)
        params[f"b{l}"] = np.zeros((layer_dims[l], 1), dtype=dtype)
    grads = {f"d{k}": rng.standard_normal(v.shape).astype(dtype) for k, v in params.items()}
    return params, {k: grads[f"d{k}"] for k in params}


def plain_step(name, p, g, st, t):
    """The package's plain functions (optimizers.py) on every array: the formulas, no checks, new arrays."""
    for k in p:
        if name == "gd":
            p[k] = optimizers.gradient_descent_update(p[k], g[k], LEARNING_RATE)
        elif name == "momentum":
            p[k], st["v"][k] = optimizers.momentum_update(p[k], g[k], st["v"][k], BETA, LEARNING_RATE)
        elif name == "rmsprop":
            p[k], st["s"][k] = optimizers.rmsprop_update(p[k], g[k], st["s"][k], BETA, LEARNING_RATE, EPSILON)
        else:
            p[k], st["v"][k], st["s"][k] = optimizers.adam_update(p[k], g[k], st["v"][k], st["s"][k], t,
                                                                  LEARNING_RATE, BETA1, BETA2, EPSILON)


def bench_small(rounds, use_torch, number=300):
    """Per-step cost on the notebooks' network, where overhead matters and bandwidth does not.

    "naive numpy" is the bare formula (each line a new array, no checks): the yardstick
    of issue 14's target, the package's step within 2x of it. "plain functions" calls
    the package's plain update functions the same way (absent in versions without them).
    """
    rng = np.random.default_rng(1)
    rows = []
    has_plain = hasattr(optimizers, "gradient_descent_update")
    for name in ("gd", "momentum", "rmsprop", "adam"):
        params0, grads = small_network(rng)
        contenders = {}
        opt = make_package(name)
        params = {k: v.copy() for k, v in params0.items()}
        state = opt.init(params)
        contenders["package"] = lambda opt=opt, params=params, state=state: opt.step(params, grads, state)
        p = {k: v.copy() for k, v in params0.items()}
        st = {s: {k: np.zeros_like(v) for k, v in params0.items()} for s in STATE_NAMES[name]}
        contenders["naive numpy"] = lambda p=p, st=st, name=name: naive_step(name, p, grads, st, 5)
        if has_plain:
            p2 = {k: v.copy() for k, v in params0.items()}
            st2 = {s: {k: np.zeros_like(v) for k, v in params0.items()} for s in STATE_NAMES[name]}
            contenders["plain functions"] = lambda p=p2, st=st2, name=name: plain_step(name, p, grads, st, 5)
        if use_torch:
            tensors = []
            for k, v in params0.items():
                w = torch.from_numpy(v.copy()).requires_grad_(True)
                w.grad = torch.from_numpy(grads[k].copy())
                tensors.append(w)
            for variant in ("default", "foreach"):
                topt = torch_optimizer(name, tensors, variant)
                if topt is not None:
                    contenders[f"torch {variant}"] = topt.step
        times = side_by_side(contenders, rounds, number=number)
        row = [name] + [f"{np.median(times[c]) * 1e6:.1f}" for c in contenders]
        row.append(fmt_ratio(ratio_summary(times["package"], times["naive numpy"])))
        row.append(f"{np.min(times['package']) / np.min(times['naive numpy']):.2f}")
        rows.append(row)
    headers = ["optimizer"] + [f"{c} us" for c in contenders] + ["package / naive", "fastest / fastest"]
    print(f"One step on the [2, 5, 2, 1] network (6 arrays, float64): microseconds per step "
          f"(median of {rounds} rounds of {number} steps) and the package's time / naive numpy's "
          "(median [min-max] of the per-round ratios; target: under 2). On a loaded machine the "
          "per-round ratios scatter widely: the last column, the package's fastest round / naive "
          "numpy's fastest, is the steadier figure.")
    print_table(headers, rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated vector sizes")
    parser.add_argument("--rounds", type=int, default=9, help="rounds of side-by-side timing")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch columns")
    parser.add_argument("--small-rounds", type=int, default=25, help="rounds for the small-network table")
    parser.add_argument("--small-only", action="store_true", help="only the small-network table")
    args = parser.parse_args(argv)
    sizes = [int(float(s)) for s in args.sizes.split(",")]

    use_torch = torch is not None and not args.no_torch
    if use_torch:
        torch.set_num_threads(2)
        note = f"torch    {torch.__version__}, {torch.get_num_threads()} threads"
    elif torch is None:
        note = "torch    NOT INSTALLED: the torch.optim columns are skipped (pip install torch)"
    else:
        note = "torch    skipped (--no-torch)"
    print_machine("One optimizer step (benchmarks/optimizer_step.py)", [note])
    if not args.small_only:
        bench_large(sizes, args.rounds, use_torch)
    bench_small(args.small_rounds, use_torch)


if __name__ == "__main__":
    main()

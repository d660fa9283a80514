"""One epoch over m = 5,000,000 memory-mapped examples: the package's ``train`` vs PyTorch.

What it measures
----------------
The lecture's "m = 5,000,000": n = 20 float32 features, memory-mapped from the course's
large synthetic set (``ngopt_course.data.large_dataset``, built once in the cache, about
420 MB), a 20 -> 64 (ReLU) -> 1 (sigmoid) network, mini-batches of 1,000 (5,000 steps),
a fresh shuffle of all m examples, the cost computed at every step. Contenders:

* **package GD / Adam**: ``ngopt_course.train(X, Y, [20, 64, 1], GradientDescent(0.1)
  or Adam(0.001), mini_batch_size=1000, num_epochs=1, progress=False)``;
* **numpy loop**: the same epoch written plainly in numpy (``X[:, idx]`` gathers, the
  slide's formulas, ``W -= learning_rate * dW``), with numpy's BLAS left at its default
  threads and limited to 1 (threadpoolctl): the loop a learner would write;
* **torch in-memory SGD**, the strongest PyTorch baseline and the reference of the
  ratios (issue 16): the whole (m, n) set copied once, before the timed epoch, into one
  contiguous tensor in memory, PyTorch's default threads, ``perm = torch.randperm(m)``
  and ``X_rows[perm[s:s + 1000]]`` per mini-batch, ``BCEWithLogitsLoss``, ``SGD``;
* **torch manual SGD / Adam** (2 threads, and SGD with 1 thread): the same loop on
  ``torch.from_numpy(X.T)`` (a view of the memmap, no copy: X is Fortran-ordered so X.T
  is C-ordered);
* **torch DataLoader**: ``DataLoader(TensorDataset(X_rows, Y_rows), batch_size=1000,
  shuffle=True)``, the loop a user would write (it indexes one example at a time).

Each contender runs in its own subprocess (fresh interpreter, data memory-mapped, a few
warm-up steps on the first 20,000 examples), once per round; the order of the
contenders rotates from round to round. Reported per contender: seconds per epoch, the
ratio to torch in-memory SGD **of the same round** (median [min-max] over rounds: the
goal holds in every round, so the max counts), and the peak memory above the
memory-mapped data (the in-memory baseline's includes its 400 MB copy, made before the
epoch):

    extra = peak RSS during the epoch - (RSS before the epoch + X.nbytes + Y.nbytes)

RSS counts the pages of the mapped files that the process has touched, and an epoch
touches all of X and Y once, so a loop that copies nothing ends near X.nbytes + Y.nbytes
above where it started; a copy of X would add another 400 MB. The peak is the kernel's
VmHWM, reset just before the epoch (``/proc/self/clear_refs``). Before the first round
the files are read once so that every contender finds them in the page cache (the
timings are of a warm cache: no contender pays for the disk).

A breakdown (skip it with ``--no-breakdown``) takes train's loop apart in one more
subprocess: the permutation, the gathers, forward + cost + backprop and the optimizer
step, each timed over a whole epoch (GD and Adam; GD's step next to the bare in-place
update it wraps: the difference is its per-step checks); then, alternating batch by
batch on a sample, forward + backprop with numpy's BLAS at its default threads vs one,
and a column gather by fancy indexing vs np.take.

How to run
----------
    python benchmarks/epoch_5m.py                          # m = 5,000,000, 3 rounds
    python benchmarks/epoch_5m.py --m 200000 --rounds 2    # a quick check (own cache files)
    python benchmarks/epoch_5m.py --no-dataloader          # skip the ~1 minute DataLoader epoch

The first run builds the data set (about a minute, 420 MB in the cache folder, see
``ngopt_course.data.default_cache_dir``). PyTorch is optional (``pip install torch``);
without it the torch contenders are skipped. threadpoolctl is needed for the BLAS
thread control (``pip install threadpoolctl``).

Target (issue 16): the package's epoch at most 0.75 x torch in-memory SGD in every
round, and at most 100 MB above the memory-mapped data (no copy of X). torch manual SGD
(the memmap view) and the DataLoader stay as references.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _timing import fmt_ratio, print_machine, print_table, ratio_summary  # noqa: E402

N_FEATURES = 20
HIDDEN = 64
BATCH = 1000
WARMUP_EXAMPLES = 20_000
LR_GD, LR_ADAM = 0.1, 0.001

CONTENDERS = {  # name -> (needs torch, description)
    "package GD": (False, "ngopt_course.train, GradientDescent(0.1)"),
    "package Adam": (False, "ngopt_course.train, Adam(0.001)"),
    "numpy loop": (False, "plain numpy, BLAS default threads"),
    "numpy loop 1 thread": (False, "plain numpy, BLAS limited to 1 thread"),
    "torch in-memory SGD": (True, "X copied into one contiguous tensor first, randperm + X_rows[idx], "
                                  "default threads"),
    "torch manual SGD": (True, "randperm + X_rows[idx] on the memmap, 2 threads"),
    "torch manual Adam": (True, "randperm + X_rows[idx], 2 threads"),
    "torch manual SGD 1 thread": (True, "randperm + X_rows[idx], 1 thread"),
    "torch DataLoader": (True, "DataLoader(TensorDataset, shuffle=True), 2 threads"),
}
REFERENCE = "torch in-memory SGD"    # the strongest baseline: the goal is measured against it


# ---------------------------------------------------------------------------
# Memory, from /proc/self/status (Linux)
# ---------------------------------------------------------------------------

def proc_status():
    """VmRSS, VmHWM, RssAnon, RssFile in bytes (empty dict where /proc is missing)."""
    out = {}
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM", "RssAnon", "RssFile"):
                    out[key] = int(value.split()[0]) * 1024
    except OSError:
        pass
    return out


def reset_peak():
    """Reset VmHWM to the current RSS, so the peak measured is the epoch's. False if unsupported."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def peak_rss():
    status = proc_status()
    if "VmHWM" in status:
        return status["VmHWM"]
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ---------------------------------------------------------------------------
# The contenders, each run in a child process
# ---------------------------------------------------------------------------

def package_epoch(X, Y, name):
    from ngopt_course import Adam, GradientDescent, train

    def run(X_, Y_):
        opt = Adam(LR_ADAM) if name == "package Adam" else GradientDescent(LR_GD)
        train(X_, Y_, [N_FEATURES, HIDDEN, 1], opt, mini_batch_size=BATCH, num_epochs=1,
              progress=False, seed=0)

    return run


def numpy_epoch(X_, Y_, params, rng):
    """The slide's epoch in plain numpy: shuffle, gather, forward, cost, backprop, update."""
    W1, b1, W2, b2 = params
    m = X_.shape[1]
    perm = rng.permutation(m)
    for start in range(0, m, BATCH):
        idx = perm[start:start + BATCH]
        X_t, Y_t = X_[:, idx], Y_[:, idx]
        mb = X_t.shape[1]
        Z1 = W1 @ X_t + b1
        A1 = np.maximum(Z1, 0)
        Z2 = W2 @ A1 + b2
        A2 = 1 / (1 + np.exp(-Z2))
        cost = float(np.mean(np.logaddexp(0, Z2) - Y_t * Z2))  # noqa: F841 (computed, as every contender does)
        dZ2 = A2 - Y_t
        dW2 = dZ2 @ A1.T / mb
        db2 = dZ2.sum(axis=1, keepdims=True) / mb
        dZ1 = (W2.T @ dZ2) * (Z1 > 0)
        dW1 = dZ1 @ X_t.T / mb
        db1 = dZ1.sum(axis=1, keepdims=True) / mb
        W1 -= LR_GD * dW1
        b1 -= LR_GD * db1
        W2 -= LR_GD * dW2
        b2 -= LR_GD * db2


def numpy_contender(one_thread):
    rng = np.random.default_rng(0)
    params = [
        (rng.standard_normal((HIDDEN, N_FEATURES)) * np.sqrt(2 / N_FEATURES)).astype(np.float32),
        np.zeros((HIDDEN, 1), np.float32),
        (rng.standard_normal((1, HIDDEN)) * np.sqrt(2 / HIDDEN)).astype(np.float32),
        np.zeros((1, 1), np.float32),
    ]
    if not one_thread:
        return lambda X_, Y_: numpy_epoch(X_, Y_, params, rng)
    from threadpoolctl import threadpool_limits

    def run(X_, Y_):
        with threadpool_limits(1, user_api="blas"):
            numpy_epoch(X_, Y_, params, rng)

    return run


def torch_contender(name):
    import torch

    in_memory = "in-memory" in name
    if not in_memory:                        # the in-memory baseline keeps PyTorch's default threads
        torch.set_num_threads(1 if name.endswith("1 thread") else 2)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(N_FEATURES, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 1))
    if "Adam" in name:
        opt = torch.optim.Adam(net.parameters(), lr=LR_ADAM)
    else:
        opt = torch.optim.SGD(net.parameters(), lr=LR_GD)
    loss_fn = torch.nn.BCEWithLogitsLoss()

    copies = {}                              # the in-memory baseline's tensors, made by prepare()

    def rows(X_, Y_):
        if in_memory:
            return copies[X_.shape]
        # X is Fortran-ordered (n, m): X.T is a C-ordered (m, n) view of the same pages.
        # from_numpy shares the memory (no copy); it warns that the memmap is read-only.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            X_rows, Y_rows = torch.from_numpy(X_.T), torch.from_numpy(Y_.T)
        assert X_rows.data_ptr() == X_.ctypes.data, "torch.from_numpy copied X"
        return X_rows, Y_rows

    def prepare(X_, Y_):
        """The in-memory baseline: one contiguous (m, n) tensor in RAM, copied before the timing."""
        if in_memory:
            copies[X_.shape] = (torch.tensor(np.ascontiguousarray(X_.T)), torch.tensor(np.ascontiguousarray(Y_.T)))

    def step(x_b, y_b):
        opt.zero_grad()
        loss = loss_fn(net(x_b), y_b)
        loss.backward()
        opt.step()
        return loss.item()  # the cost of every step, as the package records it

    if name == "torch DataLoader":
        from torch.utils.data import DataLoader, TensorDataset

        def run(X_, Y_):
            X_rows, Y_rows = rows(X_, Y_)
            for x_b, y_b in DataLoader(TensorDataset(X_rows, Y_rows), batch_size=BATCH, shuffle=True):
                step(x_b, y_b)
    else:
        def run(X_, Y_):
            X_rows, Y_rows = rows(X_, Y_)
            m = X_rows.shape[0]
            perm = torch.randperm(m)
            for start in range(0, m, BATCH):
                idx = perm[start:start + BATCH]
                step(X_rows[idx], Y_rows[idx])
    run.prepare = prepare
    return run


def child(name, m):
    """Run one contender's epoch in this (fresh) process; print one JSON line."""
    from ngopt_course.data import large_dataset

    X, Y = large_dataset(m=m, n=N_FEATURES, progress=False)
    if name.startswith("package"):
        run = package_epoch(X, Y, name)
    elif name.startswith("numpy"):
        run = numpy_contender(one_thread=name.endswith("1 thread"))
    else:
        run = torch_contender(name)
    warm = min(WARMUP_EXAMPLES, m)
    prepare = getattr(run, "prepare", None)
    if prepare is not None:        # the in-memory baseline copies X before the clock starts
        prepare(X[:, :warm], Y[:, :warm])
        prepare(X, Y)
    run(X[:, :warm], Y[:, :warm])  # thread pools start, code paths warm up
    before = proc_status()
    reset_ok = reset_peak()
    start = time.perf_counter()
    cpu_start = time.process_time()
    run(X, Y)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    after = proc_status()
    print(json.dumps({
        "name": name, "seconds": seconds, "cpu": cpu, "rss_before": before.get("VmRSS", 0),
        "peak": peak_rss(), "peak_reset": reset_ok, "data_bytes": int(X.nbytes + Y.nbytes),
        "file_growth": after.get("RssFile", 0) - before.get("RssFile", 0),
        "anon_growth": after.get("RssAnon", 0) - before.get("RssAnon", 0),
    }))


# ---------------------------------------------------------------------------
# Breakdown of the package's epoch
# ---------------------------------------------------------------------------

def breakdown(m, sample_batches):
    """Where the package's epoch goes, and what two choices cost, in one fresh process.

    The epoch is train's loop taken apart: iter_mini_batches (the permutation, then one
    gather per step), nn.cost_and_grads (unchecked), optimizer.step, each timed over the whole
    epoch, with BLAS on one thread as train runs it, and the bare update GD's step wraps
    timed next to it. Then, on a sample of mini-batches, alternating batch by batch:
    forward + backprop with BLAS at its default threads vs one, and a column gather by
    fancy indexing vs np.take.
    """
    from threadpoolctl import threadpool_limits

    from ngopt_course import Adam, GradientDescent, initialize_parameters, train
    from ngopt_course.data import large_dataset
    from ngopt_course.minibatch import iter_mini_batches
    from ngopt_course.nn import check_network_args, cost_and_grads

    X, Y = large_dataset(m=m, n=N_FEATURES, progress=False)
    dims = [N_FEATURES, HIDDEN, 1]
    clock = time.perf_counter
    epochs, bares = {}, {}
    warm = min(WARMUP_EXAMPLES, m)
    for opt in (GradientDescent(LR_GD), Adam(LR_ADAM)):  # warm-up, as the contenders have
        train(X[:, :warm], Y[:, :warm], dims, opt, mini_batch_size=BATCH, num_epochs=1, progress=False)
    # glibc serves blocks of 128 KB and more with a fresh mmap each time (page faults on
    # every step's 64 x 1000 temporaries) until a larger block has been freed, which
    # raises that threshold for good. train checks the labels of all of Y first
    # ((Y == 0) | (Y == 1): m-byte temporaries), so at large m it never pays this; the
    # first loop below runs before that check, the others after it, as train runs them.
    runs = [("GradientDescent, before any large block is freed", GradientDescent(LR_GD)),
            ("GradientDescent", GradientDescent(LR_GD)), ("Adam", Adam(LR_ADAM))]
    for label, opt in runs:
        if label == "GradientDescent":
            check_network_args(X, Y, dims)  # the labels check, as train makes it
        params = initialize_parameters(dims, seed=0, dtype=np.float32)
        shadow = {key: value.copy() for key, value in params.items()}
        state = opt.init(params)
        bare = 0.0
        parts = dict.fromkeys(["permutation", "gather", "forward + cost + backprop", "optimizer.step"], 0.0)
        with threadpool_limits(1, user_api="blas"):
            t0 = clock()
            batches = iter_mini_batches(X, Y, BATCH, np.random.default_rng(0))
            parts["permutation"] = clock() - t0
            while True:
                t0 = clock()
                try:
                    X_t, Y_t = next(batches)
                except StopIteration:
                    break
                t1 = clock()
                _, grads = cost_and_grads(X_t, Y_t, params, 0.0, "relu", check=False)
                t2 = clock()
                opt.step(params, grads, state)
                t3 = clock()
                for key in shadow:  # the bare update GradientDescent.step wraps, on a copy
                    shadow[key] -= LR_GD * grads[key]
                bare += clock() - t3
                parts["gather"] += t1 - t0
                parts["forward + cost + backprop"] += t2 - t1
                parts["optimizer.step"] += t3 - t2
        epochs[label] = parts
        bares[label] = bare

    # Side by side on a sample, alternating batch by batch.
    T = -(-m // BATCH)
    k = min(sample_batches, T)
    perm = np.random.default_rng(1).permutation(m)
    X_rows = X.T
    pairs = {"BLAS default threads / 1 thread (forward + backprop)": [0.0, 0.0],
             "fancy X[:, idx] / np.take(X.T, idx, axis=0) (gather)": [0.0, 0.0]}
    params = initialize_parameters(dims, seed=0, dtype=np.float32)
    for i in range(k):
        idx = perm[i * BATCH:(i + 1) * BATCH]
        t0 = clock()
        X_fancy = np.asarray(X[:, idx])
        t1 = clock()
        X_t = np.asarray(np.take(X_rows, idx, axis=0)).T
        t2 = clock()
        Y_t = np.asarray(Y[:, idx])
        pairs["fancy X[:, idx] / np.take(X.T, idx, axis=0) (gather)"][0] += t1 - t0
        pairs["fancy X[:, idx] / np.take(X.T, idx, axis=0) (gather)"][1] += t2 - t1
        del X_fancy
        times = []
        for threads in ((None, 1) if i % 2 else (1, None)):
            with threadpool_limits(threads, user_api="blas"):
                t0 = clock()
                _, grads = cost_and_grads(X_t, Y_t, params, 0.0, "relu", check=False)
                times.append((threads, clock() - t0))
        for threads, seconds in times:
            pairs["BLAS default threads / 1 thread (forward + backprop)"][0 if threads is None else 1] += seconds
    scale = T / k
    print(json.dumps({"epochs": epochs, "bare": bares, "T": T, "sampled": k,
                      "pairs": {key: [a * scale, b * scale] for key, (a, b) in pairs.items()}}))


# ---------------------------------------------------------------------------
# The parent: rounds of subprocesses, tables
# ---------------------------------------------------------------------------

def run_child(args_list, env=None):
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), *args_list],
                          capture_output=True, text=True, check=False, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args_list} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def warm_page_cache(m):
    """Read the data files once so that no contender pays for the disk."""
    from ngopt_course.data import large_dataset, large_dataset_paths

    large_dataset(m=m, n=N_FEATURES)  # builds the files the first time (with a progress bar)
    for path in large_dataset_paths(m=m, n=N_FEATURES):
        with open(path, "rb") as f:
            while f.read(1 << 24):
                pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m", type=int, default=5_000_000, help="examples (default 5,000,000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (each runs every contender once)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch contenders")
    parser.add_argument("--no-dataloader", action="store_true", help="skip the (slow) DataLoader epoch")
    parser.add_argument("--no-breakdown", action="store_true", help="skip the breakdown of the package's epoch")
    parser.add_argument("--sample-batches", type=int, default=1000, help="batches the breakdown times")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--breakdown-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.m)
    if args.breakdown_child:
        return breakdown(args.m, args.sample_batches)

    try:
        import torch
        torch_note = f"torch    {torch.__version__} (threads set per contender)"
    except ImportError:
        torch = None
        torch_note = "torch    NOT INSTALLED: the torch contenders are skipped (pip install torch)"
    use_torch = torch is not None and not args.no_torch
    names = [n for n, (needs_torch, _) in CONTENDERS.items() if use_torch or not needs_torch]
    if args.no_dataloader and "torch DataLoader" in names:
        names.remove("torch DataLoader")
    load = os.getloadavg()
    print_machine("One epoch over m memory-mapped examples (benchmarks/epoch_5m.py)", [
        torch_note,
        f"data     m = {args.m:,}, n = {N_FEATURES} float32, network {N_FEATURES} -> {HIDDEN} -> 1, "
        f"mini-batch {BATCH}",
        f"load     {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (1, 5, 15 min) at the start",
    ])
    warm_page_cache(args.m)

    results = {name: [] for name in names}
    for r in range(args.rounds):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            res = run_child(["--child", name, "--m", str(args.m)])
            results[name].append(res)
            print(f"  round {r + 1}: {name:<26} {res['seconds']:7.2f} s  "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    print()

    ref = np.array([res["seconds"] for res in results.get(REFERENCE, [])])
    rows = []
    for name in names:
        secs = np.array([res["seconds"] for res in results[name]])
        cpu = np.array([res["cpu"] for res in results[name]])
        extra = np.array([(res["peak"] - res["rss_before"] - res["data_bytes"]) / 1e6 for res in results[name]])
        growth = np.array([res["anon_growth"] / 1e6 for res in results[name]])
        rows.append([
            name,
            f"{np.median(secs):.2f} [{secs.min():.2f}-{secs.max():.2f}]",
            f"{np.median(cpu / secs):.2f}",
            fmt_ratio(ratio_summary(secs, ref)) if len(ref) else "n/a",
            f"{np.median(extra):.0f} [{extra.min():.0f}-{extra.max():.0f}]",
            f"{np.median(growth):.0f}",
            f"{results[name][0]['rss_before'] / 1e6:.0f}",
        ])
    data_mb = results[names[0]][0]["data_bytes"] / 1e6
    print(f"Seconds per epoch and time / {REFERENCE}'s in the same round: median [min-max] over "
          f"{args.rounds} rounds.")
    print(f"extra MB = peak RSS - (RSS before the epoch + {data_mb:.0f} MB of mapped data); "
          "anon MB = growth of anonymous memory (RssAnon) over the epoch.")
    print(f"Target: package GD / {REFERENCE} at most 0.75 in every round (the max of [min-max]); "
          "extra at most 100 MB.")
    print_table(["contender", "s / epoch", "cpu / wall", f"/ {REFERENCE}", "extra MB", "anon MB",
                 "RSS before MB"], rows)
    if not results[names[0]][0]["peak_reset"]:
        print("(the peak could not be reset before the epoch: it includes the imports)")
    if "package GD" in results and len(ref):
        adam = np.array([res["seconds"] for res in results["package Adam"]])
        if "torch manual Adam" in results:
            tadam = np.array([res["seconds"] for res in results["torch manual Adam"]])
            print(f"package Adam / torch manual Adam, same rounds: {fmt_ratio(ratio_summary(adam, tadam))}")
        view = results.get("torch manual SGD")
        if view:
            gd = np.array([res["seconds"] for res in results["package GD"]])
            print(f"package GD / torch manual SGD on the memmap view (2 threads), same rounds: "
                  f"{fmt_ratio(ratio_summary(gd, np.array([res['seconds'] for res in view])))}")
        one = results.get("torch manual SGD 1 thread")
        if one:
            gd = np.array([res["seconds"] for res in results["package GD"]])
            print(f"package GD / torch manual SGD with 1 thread, same rounds: "
                  f"{fmt_ratio(ratio_summary(gd, np.array([res['seconds'] for res in one])))}")
        print()

    if not args.no_breakdown:
        b = run_child(["--breakdown-child", "--m", str(args.m), "--sample-batches", str(args.sample_batches)])
        names_ = list(b["epochs"])[1:]
        parts_ = list(b["epochs"][names_[0]])
        rows = []
        for part in parts_ + ["total"]:
            row = [part]
            for opt_name in names_:
                ep = b["epochs"][opt_name]
                total = sum(ep.values())
                value = total if part == "total" else ep[part]
                row += [f"{value:.2f}", f"{100 * value / total:.0f}%"]
            rows.append(row)
        print(f"Where the package's epoch goes: train's loop taken apart, {b['T']:,} steps, one process, "
              f"BLAS on 1 thread as train runs it (load {os.getloadavg()[0]:.2f}).")
        print_table(["part"] + [h for n in names_ for h in (f"{n} s", "share")], rows)
        cold = b["epochs"][list(b["epochs"])[0]]
        print(f"Before any block over 128 KB is freed (glibc then maps and unmaps every step's "
              f"temporaries), forward + cost + backprop take {cold['forward + cost + backprop']:.2f} s "
              f"per epoch instead of {b['epochs'][names_[0]]['forward + cost + backprop']:.2f} s; "
              "train's check of the labels frees such blocks first.")
        print()
        gd = b["epochs"]["GradientDescent"]["optimizer.step"]
        bare_gd = b["bare"]["GradientDescent"]
        print(f"GradientDescent.step took {gd:.2f} s of the epoch; the bare update it wraps (W -= lr * dW for "
              f"each array, timed in the same loop on a copy) {bare_gd:.2f} s: its per-step checks and "
              f"bookkeeping cost {gd - bare_gd:.2f} s per epoch.")
        print()
        print(f"Side by side, alternating batch by batch on {b['sampled']:,} mini-batches "
              "(seconds scaled to the whole epoch):")
        print_table(["comparison", "s / epoch", "s / epoch", "ratio"],
                    [[k, f"{x:.2f}", f"{y:.2f}", f"{x / y:.2f}"] for k, (x, y) in b["pairs"].items()])
    print(f"load     {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) at the end")


if __name__ == "__main__":
    main()

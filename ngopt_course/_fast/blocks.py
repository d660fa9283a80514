"""Run an in-place kernel over large arrays in cache-sized blocks, on both cores.

Each update kernel (``updates.py``) is a few in-place numpy ufuncs. Run on a whole
10M-element array, every ufunc would stream the arrays through main memory again: Adam's
kernel is 12 ufuncs, so about 12 passes over memory where 4 reads and 3 writes would do.
Run block by block, each array crosses the memory bus once and the other passes hit the
cache.

What sets the speed on large arrays (measured in ``benchmarks/optimizer_step.py``):

* Two threads. numpy releases the GIL inside each ufunc, so two threads compute at
  once; but each ufunc call must take the GIL back to return, and handing the GIL from
  one thread to the other costs microseconds. A ufunc call must therefore last much
  longer than that: BLOCK is 64K elements (256 KiB of float32, 512 KiB of float64),
  which keeps a kernel's arrays in the L2/L3 caches while each call does tens of
  microseconds of work. Threads take the next free block, so a core slowed by another
  process simply does fewer blocks.
* Per-call overhead. Scalars are passed to the kernel as 0-d arrays of the arrays' dtype:
  numpy would convert a Python float on every ufunc call. The value is the same one numpy
  would use (the float rounded to the dtype), so results do not change.
* Scratch buffers are kept per thread between calls: a fresh one would be page-faulted
  in on every step.

Element-wise kernels give bit-identical results whatever the blocking and threading.

Nothing here assumes threads exist: where a thread cannot be started (Pyodide, JupyterLite,
a sandbox: ``threading.Thread.start`` raises RuntimeError) every block runs on the calling
thread, with the same results.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
import contextvars
import math
import os
import threading

import numpy as np

BLOCK = 65_536          # elements per block: see the module docstring
PARALLEL_MIN = 1_000_000  # below this a second thread costs more than it saves (thread wake-ups, GIL)
_PYTHON_SUM_MAX = 32      # a Python sum of a list this short is quicker than a numpy reduction
_N_THREADS = max(1, min(2, os.cpu_count() or 1))
_pool = None
_threads_work = True  # False once a thread failed to start: then everything runs on the caller's
_local = threading.local()  # each thread's scratch buffers


def _executor():
    global _pool
    if _pool is None:  # created on the first large step, not at import time
        _pool = ThreadPoolExecutor(max_workers=_N_THREADS - 1, thread_name_prefix="ngopt")
    return _pool


def _submit(fn, *args):
    """``fn(*args)`` on a helper thread (in this thread's context); None where threads cannot start.

    The helper runs in a copy of this thread's context, so np.errstate (a context
    variable) applies to its work too: an overflow is ignored, or caught, everywhere.
    """
    global _pool, _threads_work
    if not _threads_work:
        return None
    try:
        return _executor().submit(contextvars.copy_context().run, fn, *args)
    except RuntimeError:  # "can't start new thread": Pyodide, or a process out of threads
        _threads_work = False
        _pool = None  # its queue may hold the item it could not start: never used again
        return None


def _scratch(n_scratch, dtype):
    """This thread's ``n_scratch`` buffers of BLOCK elements, reused from call to call."""
    buffers = getattr(_local, "buffers", None)
    if buffers is None:
        buffers = _local.buffers = {}
    key = (np.dtype(dtype), BLOCK)
    kept = buffers.setdefault(key, [])
    while len(kept) < n_scratch:
        kept.append(np.empty(BLOCK, dtype=dtype))
    return kept[:n_scratch]


def _blocks(flats):
    """Tuples of same-place slices of the flat arrays, BLOCK elements each (the last may be shorter)."""
    for lo in range(0, flats[0].size, BLOCK):
        yield tuple(a[lo : lo + BLOCK] for a in flats)


def share_work(worker, items, parallel=True):
    """Run ``worker(take)`` on this thread and on a helper thread, sharing ``items``.

    ``take()`` returns the next item nobody has taken yet, or None when all are taken,
    so a thread slowed down by another process simply takes fewer items. Returns when
    every item is done; an exception in either thread is raised here.
    """
    items = iter(items)
    lock = threading.Lock()

    def take():
        with lock:  # one thread at a time advances the shared iterator
            return next(items, None)

    helpers = [_submit(worker, take) for _ in range(_N_THREADS - 1)] if parallel else []
    helpers = [f for f in helpers if f is not None]  # none where threads cannot start
    try:
        worker(take)  # this thread works too
    finally:
        wait(helpers)  # never return while a helper still writes to the arrays
    for f in helpers:
        f.result()  # re-raise a helper's error


def apply_blocked(kernel, arrays, n_scratch=1, **constants):
    """Call ``kernel(*arrays, *scratch, **constants)`` over all elements of ``arrays``, in place.

    Parameters
    ----------
    kernel : callable
        Updates some of ``arrays`` in place with element-wise ufuncs; may use the
        ``n_scratch`` scratch buffers (same length as the arrays it is given).
    arrays : sequence of ndarray
        All of one shape; the first one's dtype (at least float32) sets the dtype of
        the scratch buffers and of the constants.
    n_scratch : int, default 1
        How many scratch buffers the kernel takes after the arrays.
    **constants : float
        Scalars the kernel takes by keyword.

    Element-wise kernels give the same result whatever the blocking, so this only
    changes speed.
    """
    first = arrays[0]
    dtype = np.result_type(first.dtype, np.float32)
    if first.size < 2 * BLOCK or not all(a.flags.c_contiguous for a in arrays):
        kernel(*arrays, *[np.empty(first.shape, dtype=dtype) for _ in range(n_scratch)], **constants)
        return
    # Many kernel calls: convert the scalars once (numpy would do it on every ufunc call).
    constants = {name: np.asarray(value, dtype=dtype) for name, value in constants.items()}

    def worker(take):
        scratch = _scratch(n_scratch, dtype)
        while (block := take()) is not None:
            n = block[0].size
            kernel(*block, *(b if n == BLOCK else b[:n] for b in scratch), **constants)

    flats = [a.reshape(-1) for a in arrays]  # views: contiguous arrays reshape without copying
    share_work(worker, _blocks(flats), parallel=first.size >= PARALLEL_MIN)


def _quiet_sum(a):
    with np.errstate(over="ignore", invalid="ignore"):  # inf - inf or an overflow: the caller decides
        return a.sum()


def sums_are_finite(arrays):
    """True when the sum of all float arrays is finite, which proves no entry is NaN or inf.

    One read of each array; large arrays are summed in two halves on both cores, tiny
    ones as Python floats (cheaper than a numpy reduction, and never a warning). False
    means the sum is NaN or inf: an entry is, or a sum of huge finite values overflowed,
    which the caller tells apart (``_validation.check_finite_dict``).
    """
    total, large = 0.0, []  # a Python float: NaN and inf carry through, an overflow gives inf
    for a in arrays:
        if a.dtype.kind == "f":
            if a.size <= _PYTHON_SUM_MAX:
                total += sum(a.ravel().tolist())
            else:
                large.append(a)
    if not large:
        return math.isfinite(total)
    helpers = []
    with np.errstate(over="ignore", invalid="ignore"):
        for a in large:
            if a.size >= PARALLEL_MIN and _N_THREADS > 1 and a.flags.c_contiguous:
                flat = a.reshape(-1)
                half = flat.size // 2
                helper = _submit(_quiet_sum, flat[half:])
                if helper is not None:
                    helpers.append(helper)
                    a = flat[:half]  # this thread sums the first half meanwhile
            total += float(a.sum())
    for f in helpers:
        total += float(f.result())
    return math.isfinite(total)

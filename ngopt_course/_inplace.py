"""Apply a per-array update kernel in cache-sized blocks, on both cores.

The optimizers write each update as one small kernel of in-place numpy ufuncs (see
``optimizers.py``). Run on a whole 10M-element array, every ufunc would stream the
arrays through main memory again; run block by block, the arrays are read once, the
scratch buffer stays in cache, and numpy releases the GIL inside each ufunc, so two
threads can work on two halves of the array at once. Small arrays (the layers of the
course's networks) skip all of this and call the kernel once.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
import os

import numpy as np

BLOCK = 16_384          # elements per block: a few arrays of it fit in a 1 MiB L2 cache
PARALLEL_MIN = 262_144  # below this many elements threads cost more than they save
_N_THREADS = max(1, min(2, os.cpu_count() or 1))
_pool = None


def _executor():
    global _pool
    if _pool is None:  # created on first large step, not at import time
        _pool = ThreadPoolExecutor(max_workers=_N_THREADS, thread_name_prefix="ngopt")
    return _pool


def _run_range(kernel, flats, start, stop, n_scratch, dtype):
    scratch = [np.empty(min(BLOCK, stop - start), dtype=dtype) for _ in range(n_scratch)]
    for lo in range(start, stop, BLOCK):
        hi = min(lo + BLOCK, stop)
        kernel(*(a[lo:hi] for a in flats), *(b[: hi - lo] for b in scratch))


def apply_blocked(kernel, arrays, n_scratch=1):
    """Call ``kernel(*arrays, *scratch)`` over all elements of ``arrays``, in place.

    ``arrays`` have one shape; ``kernel`` updates some of them in place with ufuncs and
    may use ``n_scratch`` temporary buffers of the block's size. Element-wise kernels
    give the same result whatever the blocking, so this only changes speed.
    """
    first = arrays[0]
    dtype = np.result_type(first.dtype, np.float32)
    size = first.size
    if size < 2 * BLOCK or not all(a.flags.c_contiguous for a in arrays):
        kernel(*arrays, *(np.empty(first.shape, dtype=dtype) for _ in range(n_scratch)))
        return
    flats = [a.reshape(-1) for a in arrays]  # views: contiguous arrays reshape without copying
    if size < PARALLEL_MIN or _N_THREADS == 1:
        _run_range(kernel, flats, 0, size, n_scratch, dtype)
        return
    bounds = np.linspace(0, size, _N_THREADS + 1).astype(int)
    futures = [
        _executor().submit(_run_range, kernel, flats, lo, hi, n_scratch, dtype)
        for lo, hi in zip(bounds[:-1], bounds[1:])
    ]
    for f in futures:
        f.result()

"""The fast path: the package's algorithms as they run on large arrays.

Nothing here is needed to understand the lecture: ``optimizers.py`` and ``ewa.py`` open
with the plain versions (the slides' formulas, one line each), and these modules do the
same arithmetic faster. Tests prove the two agree: ``tests/test_fast_path.py`` bit for
bit for gradient descent, momentum, RMSProp and Adam's v and s, and Adam's step within a
stated bound (it is grouped differently to need one scratch buffer, not two);
``tests/test_ewa.py`` the blocked recurrence against the slide's loop, to 1e-12.

- ``blocks``     : run an in-place kernel block by block on both cores (``apply_blocked``,
                   ``share_work``); the one-pass finite check of the gradients
                   (``sums_are_finite``); a single thread where threads cannot start.
- ``updates``    : the four optimizer updates as in-place kernels, chosen by the
                   optimizers for arrays of ``FAST_MIN`` elements or more (``applies``).
- ``recurrence`` : the exponentially weighted average of a long series as blocked matrix
                   products (``linear_recurrence``), used by ``ewa.ewa``.

How it is made fast, in short: no new array per operation (scratch buffers instead),
arrays streamed through the cache once per step instead of once per ufunc, both cores,
and numpy's BLAS kept on the calling thread. Each module's docstring has the measured
reasons; ``benchmarks/optimizer_step.py`` and ``benchmarks/ewa_speed.py`` the figures.
"""

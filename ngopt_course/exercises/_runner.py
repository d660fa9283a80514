"""Call a learner's function safely: a time limit, captured prints, a one-line error.

Whatever the learner's code does (raise, loop forever, print a lot, reseed numpy's
global generator, change its arguments in place) the check must come back with a
verdict and leave the notebook as it found it. ``run`` does one call and returns an
:class:`Outcome` describing what happened; it raises nothing but ``KeyboardInterrupt``.

The time limit
--------------
In the main thread (where notebooks run their cells) a ``SIGALRM`` timer raises
:class:`TimeLimitExceeded` inside the running code, between two bytecodes: it stops
``while True: pass`` as well as a loop that keeps calling numpy. The timer repeats
every 50 ms, so code that swallows the exception with a bare ``except:`` is stopped
again (code that catches *everything*, ``except:`` or ``except BaseException:``, inside
an endless loop can still swallow it every time, as it would swallow the kernel's
interrupt button). An alarm someone else set (pytest-timeout's) is kept and handed back. Elsewhere
(another thread, Windows, SIGALRM ignored or a timer without a handler) a ``sys.settrace``
tracer checks the clock on every bytecode of the learner's frames instead; it is
slower and cannot interrupt a single long C call, which the course's cases never make.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import sysconfig
import threading
import time
import traceback
import types
import warnings
from dataclasses import dataclass, field

import numpy as np

__all__ = ["TimeLimitExceeded", "Outcome", "run", "time_limit", "timeout_text", "learner_line", "describe_exception"]

_MAX_PRINTED = 2_000  # characters of the learner's printed output kept per call


class TimeLimitExceeded(BaseException):
    """Raised inside the learner's code when one call runs too long.

    A ``BaseException`` (like ``KeyboardInterrupt``), so ``except Exception:`` in the
    learner's code cannot swallow it.
    """


# ---------------------------------------------------------------------------
# Time limit
# ---------------------------------------------------------------------------

def _alarm_available():
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    previous = signal.getsignal(signal.SIGALRM)
    if previous in (signal.SIG_DFL, None):
        return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    # Someone else's Python handler (pytest-timeout's, say): the timer is shared, theirs
    # is handed back afterwards with the time it had left. SIG_IGN: leave it alone.
    return callable(previous)


@contextlib.contextmanager
def _alarm_limit(seconds):
    """SIGALRM after ``seconds``, then every 50 ms; an alarm already set by someone else
    (its handler and the time it has left) is kept: it fires at its own time, through its
    own handler, and is set again for the time it has left when the limit ends."""
    armed = [True]
    start = time.monotonic()
    ours = start + seconds
    theirs_delay, theirs_interval = signal.getitimer(signal.ITIMER_REAL)
    theirs = [start + theirs_delay if theirs_delay > 0 else None]   # their next alarm, if any

    def on_alarm(signum, frame):
        now = time.monotonic()
        if theirs[0] is not None and now >= theirs[0]:
            theirs[0] = theirs[0] + theirs_interval if theirs_interval > 0 else None
            if callable(previous):
                previous(signum, frame)  # their alarm's time came: their handler decides
        if armed[0] and now >= ours - 0.001:
            raise TimeLimitExceeded

    previous = signal.signal(signal.SIGALRM, on_alarm)
    first = ours if theirs[0] is None else min(ours, theirs[0])
    signal.setitimer(signal.ITIMER_REAL, max(first - time.monotonic(), 1e-6), 0.05)
    try:
        yield
    finally:
        while True:  # the timer may fire during clean-up; retry until it is disarmed
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0.0, 0.0)
                signal.signal(signal.SIGALRM, previous)
                if theirs[0] is not None:  # theirs again, with the time it has left
                    signal.setitimer(signal.ITIMER_REAL, max(theirs[0] - time.monotonic(), 1e-6), theirs_interval)
                break
            except TimeLimitExceeded:
                continue


@contextlib.contextmanager
def _trace_limit(seconds):
    deadline = time.monotonic() + seconds
    previous = sys.gettrace()

    def local(frame, event, arg):
        if time.monotonic() > deadline:
            raise TimeLimitExceeded
        return local

    def on_call(frame, event, arg):
        frame.f_trace_opcodes = True  # `while True: pass` emits no line events, only opcodes
        return local

    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)


def time_limit(seconds, *, method="auto"):
    """Context manager raising :class:`TimeLimitExceeded` in code that runs > ``seconds``.

    ``method`` is "auto" (the alarm in the main thread, else the tracer), "alarm" or
    "trace".
    """
    if method == "auto":
        method = "alarm" if _alarm_available() else "trace"
    if method == "alarm":
        return _alarm_limit(seconds)
    if method == "trace":
        return _trace_limit(seconds)
    raise ValueError(f"method == {method!r}, must be 'auto', 'alarm' or 'trace'")


# ---------------------------------------------------------------------------
# Where in the learner's code
# ---------------------------------------------------------------------------

def _library_dirs():
    paths = sysconfig.get_paths()
    dirs = {paths.get(key) for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs.add(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # ngopt_course
    dirs.add(os.path.dirname(np.__file__))
    return tuple(os.path.abspath(d) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()


#: Code objects of the standard library that have no file: frozen modules (``abc``'s
#: ``__instancecheck__``, met by every isinstance on an ABC) and numpy's dispatch shims.
_NO_FILE = ("<frozen ", "<__array_function__ internals>")


def _is_library(filename):
    return filename.startswith(_NO_FILE) or os.path.abspath(filename).startswith(_LIBRARY_DIRS)


def learner_line(tb):
    """Describe the last line of the learner's own code in a traceback, or return "".

    Frames in the standard library, numpy, other installed packages and ngopt_course
    itself are skipped: the learner wants the line of *their* code that led there.
    """
    frames = [f for f in traceback.extract_tb(tb) if not _is_library(f.filename)]
    if not frames:
        return ""
    frame = frames[-1]
    code = (frame.line or "").strip()
    where = f"line {frame.lineno} in {frame.name}"
    return f"{where}: {code}" if code else where


def describe_exception(err, limit=300):
    """``TypeError: message`` on one line, shortened to ``limit`` characters."""
    text = " ".join(str(err).split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def timeout_text(outcome, seconds):
    """The message for a call stopped by the time limit."""
    text = f"Your function was still running after {seconds:g} s"
    if outcome.where:
        text += f" and was stopped at\n  {outcome.where}"
    return text + "\nIs there a loop that never ends (a counter that is never increased)?"


# ---------------------------------------------------------------------------
# One call
# ---------------------------------------------------------------------------

class _LimitedBuffer(io.StringIO):
    """A stdout stand-in that keeps only the first characters (a looping print is cheap)."""

    def write(self, text):
        room = _MAX_PRINTED - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


@dataclass
class Outcome:
    """What one call of the learner's function did.

    Attributes
    ----------
    value : object
        The returned value (generators are turned into lists inside the time limit).
    error : BaseException or None
        The exception the call raised, if any (a time-out is ``TimeLimitExceeded``).
    where : str
        The learner's line where it raised or was stopped, e.g. ``line 3 in ewa: v = ...``.
    printed : str
        What the call printed (the first 2,000 characters).
    warnings : list of str
        Warnings the call emitted (e.g. numpy's "divide by zero encountered").
    mutated : tuple of str
        Names of protected arguments the call changed in place.
    args : dict
        The copies the function was called with, as the call left them (to see what it
        changed in place).
    """

    value: object = None
    error: BaseException | None = None
    where: str = ""
    printed: str = ""
    warnings: list = field(default_factory=list)
    mutated: tuple = ()
    args: dict = field(default_factory=dict)

    @property
    def timed_out(self):
        return isinstance(self.error, TimeLimitExceeded)

    @property
    def raised(self):
        return self.error is not None and not self.timed_out

    @property
    def not_done(self):
        """The learner-edition stub: raises NotImplementedError (or returns NotImplemented)."""
        return isinstance(self.error, NotImplementedError) or (self.error is None and self.value is NotImplemented)


def _copy(value):
    """A copy of an array, or of a dict of arrays (a network's params), else the value itself."""
    if isinstance(value, np.ndarray):
        return np.array(value, copy=True)
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):  # a list of numbers (theta may be one): the function may write into it
        return [_copy(item) for item in value]
    return value


def _changed(before, after):
    if isinstance(before, list):
        return not isinstance(after, list) or len(before) != len(after) or any(
            _changed(b, a) if isinstance(b, (np.ndarray, list, dict)) else not (b == a or b != b and a != a)
            for b, a in zip(before, after))
    if isinstance(before, dict):
        if not isinstance(after, dict) or list(before) != list(after):
            return True
        return any(_changed(before[key], after[key]) for key in before)
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or before.shape != after.shape:
            return True
        return not np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")
    return False


def run(fn, args, *, protected=(), seconds=2.0, method="auto"):
    """Call ``fn(*args.values())`` on copies of ``args`` and describe what happened.

    Parameters
    ----------
    fn : callable
        The learner's function.
    args : dict
        Argument name -> value, in call order. Arrays and dicts of arrays are copied
        first, so the caller's arrays stay untouched whatever ``fn`` does.
    protected : iterable of str
        Arguments ``fn`` must not change in place (dW, theta, X, ...); a change is
        reported in ``Outcome.mutated``.
    seconds : float
        Time limit for the call.
    method : str
        How the limit is enforced: see :func:`time_limit`.
    """
    given = {name: _copy(value) for name, value in args.items()}
    pristine = {name: _copy(given[name]) for name in protected}
    outcome = Outcome()
    printed = _LimitedBuffer()
    rng_state = np.random.get_state()  # learners often call np.random.seed: undo it afterwards
    try:
        with contextlib.ExitStack() as stack:
            caught = stack.enter_context(warnings.catch_warnings(record=True))
            warnings.simplefilter("always")
            stack.enter_context(np.errstate(all="warn"))
            stack.enter_context(contextlib.redirect_stdout(printed))
            stack.enter_context(contextlib.redirect_stderr(printed))
            try:
                with time_limit(seconds, method=method):
                    value = fn(*given.values())
                    if isinstance(value, types.GeneratorType):
                        value = list(value)  # a generator runs the learner's code: do it in here
                outcome.value = value
            except (Exception, SystemExit, TimeLimitExceeded) as err:
                outcome.error = err
                outcome.where = learner_line(err.__traceback__)
            outcome.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    finally:
        np.random.set_state(rng_state)
    outcome.printed = printed.getvalue()
    outcome.mutated = tuple(name for name in protected if _changed(pristine[name], given[name]))
    outcome.args = given
    return outcome


def output_lines(outcome):
    """Lines reporting what a learner's call printed and warned (at most 8 printed lines)."""
    lines = []
    if outcome.warnings:
        lines.append("Warnings: " + "; ".join(dict.fromkeys(outcome.warnings[:3])))
    if outcome.printed.strip():
        printed = outcome.printed.strip().splitlines()
        lines.append("Your function printed:")
        lines += ["    " + line for line in printed[:8]] + (["    ..."] if len(printed) > 8 else [])
    return lines

"""Checking ``random_mini_batches`` by its properties.

The learner's shuffle cannot reproduce the package's exact permutation (any correct use
of any random generator is fine), so the check does not compare numbers with a
reference. It feeds X and Y whose columns carry their example's index
(``X[:, j] = [j, 1000 + j, 2000 + j, ...]``, ``Y[0, j] = j + 0.5``) and reads back from
the mini-batches which examples went where. Then it checks, in the order a learner
would want to hear about it: a list of (X_t, Y_t) pairs; the right number and sizes of
mini-batches (the last one smaller when m is not a multiple); columns of X intact and
examples in columns; every example exactly once; X and Y shuffled with one permutation;
shuffled at all (and not only within each mini-batch); the same mini-batches for the same
seed; different ones for different seeds.
"""

from __future__ import annotations

import math

import numpy as np

from ._result import CheckResult
from ._runner import describe_exception, output_lines, run, timeout_text
from .catalogue.random_mini_batches import cases as _cases

__all__ = ["check_mini_batches", "MINI_BATCH_CASES"]

NAME = "random_mini_batches"
SIGNATURE = "random_mini_batches(X, Y, mini_batch_size, seed)"

# (n, m, mini_batch_size, label): the exercise's module holds them
MINI_BATCH_CASES = _cases()
SEED = 1
OTHER_SEEDS = (2, 3)
_MUTATION_HINT = (
    "Shuffling in place (np.random.shuffle(X), rng.shuffle(X), X[:] = ...) changes the "
    "caller's data set; build new arrays instead, e.g. X[:, permutation]."
)


def make_data(n, m):
    """X (n, m) with X[r, j] = 1000 r + j and Y (1, m) with Y[0, j] = j + 0.5."""
    j = np.arange(m, dtype=float)
    X = 1000.0 * np.arange(n, dtype=float)[:, None] + j[None, :]
    Y = (j + 0.5)[None, :]
    return X, Y


def expected_sizes(m, size):
    sizes = [size] * (m // size)
    return sizes + [m % size] if m % size else sizes


def _describe_case(n, m, size, seed):
    column = ", ".join(f"{1000 * r} + j" if r else "j" for r in range(min(n, 3))) + (", ..." if n > 3 else "")
    return (f"  X: shape ({n}, {m}), column j is [{column}] (so the check can follow each example)\n"
            f"  Y: shape (1, {m}), Y[0, j] = j + 0.5\n"
            f"  mini_batch_size = {size}, seed = {seed}")


class _Problem(Exception):
    """A property that fails: ``key`` names the mistake, the message explains it."""

    def __init__(self, key, text, shown=None):
        super().__init__(text)
        self.key, self.text, self.shown = key, " ".join(text.split()), shown


def _short(seq, limit=12):
    seq = list(seq)
    text = ", ".join(str(x) for x in seq[:limit])
    return f"[{text}{', ...' if len(seq) > limit else ''}]"


def _batches_text(order_x, order_y=None, limit=6):
    rows = [f"    X_{t + 1}: examples {_short(ix)}" + (f"; Y_{t + 1}: {_short(iy)}" if order_y is not None else "")
            for t, ix, iy in zip(range(limit), order_x, order_y if order_y is not None else order_x)]
    if len(order_x) > limit:
        rows.append(f"    ... ({len(order_x)} mini-batches in all)")
    return "\n".join(rows)


def _read(value, n, m, size):
    """Decode the learner's mini-batches into example indices, or raise _Problem."""
    if value is None:
        raise _Problem("returned_none",
                       "Your function returned None: did you forget `return mini_batches` at the end?")
    if isinstance(value, np.ndarray) or not isinstance(value, (list, tuple)):
        raise _Problem("not_a_list",
                       f"Your function returned a {type(value).__name__}; expected a list of (X_t, Y_t) pairs.")
    pairs = list(value)
    if (len(pairs) == 2 and all(isinstance(p, (list, tuple)) for p in pairs)
            and len(pairs[0]) == len(pairs[1]) and len(pairs[0]) != 2
            and all(isinstance(a, np.ndarray) for a in pairs[0])):
        raise _Problem("two_lists", """Your function returned two lists (all the X_t, then all the Y_t); return one
            list of pairs instead: mini_batches.append((X_t, Y_t)), or list(zip(X_batches, Y_batches)).""")
    order_x, order_y = [], []
    for t, pair in enumerate(pairs, start=1):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            kind = type(pair).__name__ + (f" of length {len(pair)}" if hasattr(pair, "__len__") else "")
            raise _Problem("not_pairs", f"Mini-batch {t} is a {kind}; each mini-batch should be a pair (X_t, Y_t).")
        X_t, Y_t = (np.asarray(a) for a in pair)
        if X_t.ndim != 2 or X_t.shape[0] != n:
            if X_t.ndim == 2 and X_t.shape[1] == n and X_t.shape[0] != n:
                raise _Problem("examples_in_rows", f"""X_{t} has shape {X_t.shape}: the examples are in rows.
                    The course keeps one example per column, X_t of shape (n, size) = ({n}, ...): index
                    the columns, X[:, indices].""")
            raise _Problem("wrong_shape", f"X_{t} has shape {X_t.shape}; expected ({n}, size of mini-batch {t}).")
        if Y_t.ndim != 2 or Y_t.shape[0] != 1:
            if Y_t.ndim == 1:
                raise _Problem("Y_1d", f"""Y_{t} has shape {Y_t.shape}: it lost its row axis. Keep it 2-D,
                    shape (1, size): Y[:, indices] (not Y[0, indices] or Y[indices]).""")
            raise _Problem("wrong_shape", f"Y_{t} has shape {Y_t.shape}; expected (1, size of mini-batch {t}).")
        if Y_t.shape[1] != X_t.shape[1]:
            raise _Problem("sizes_differ", f"X_{t} holds {X_t.shape[1]} examples but Y_{t} holds {Y_t.shape[1]}.")
        ix = X_t[0]
        valid = (np.all(ix == np.round(ix)) and np.all((ix >= 0) & (ix < m))
                 and np.array_equal(X_t, 1000.0 * np.arange(n)[:, None] + ix[None, :]))
        if not valid:
            raise _Problem("columns_broken", f"""The columns of X_{t} are not columns of X: the values of
                one example got mixed up. Did you shuffle the rows (X[permutation], np.random.shuffle(X))
                instead of the columns (X[:, permutation])?""")
        iy = Y_t[0] - 0.5
        if not (np.all(iy == np.round(iy)) and np.all((iy >= 0) & (iy < m))):
            raise _Problem("columns_broken", f"The values of Y_{t} are not values of Y.")
        order_x.append(ix.astype(int).tolist())
        order_y.append(iy.astype(int).tolist())
    return order_x, order_y


def _properties(order_x, order_y, n, m, size):
    """Raise _Problem for the first property the decoded mini-batches break."""
    shown = "  Your mini-batches, by example index:\n" + _batches_text(order_x, order_y)
    sizes = [len(b) for b in order_x]
    want = expected_sizes(m, size)
    flat_x = [i for b in order_x for i in b]
    flat_y = [i for b in order_y for i in b]
    if sizes != want:
        if sum(sizes) == n and n != m:
            raise _Problem("m_from_rows", f"""Your mini-batches hold {n} examples in all, not m = {m}: m was
                read from X.shape[0] (the number of features, n = {n}). Examples are columns:
                m = X.shape[1].""", shown)
        if sizes == want[:-1] and m % size:
            raise _Problem("last_batch_dropped", f"""The last, partial mini-batch is missing: m = {m} examples
                in mini-batches of {size} make {len(want)} mini-batches, sized {want}; yours are sized
                {sizes}. Add the m % mini_batch_size = {m % size} examples left over as a final, smaller
                mini-batch.""", shown)
        if m % size and sizes[:-1] == want[:-1] and sizes[-1] == want[-1] - 1:
            raise _Problem("last_batch_one_late", f"""Your last mini-batch holds {sizes[-1]} examples, not
                m % mini_batch_size = {want[-1]}: it starts one column late, so one example is never used.
                The full mini-batches end at column num_complete * mini_batch_size = {size * (m // size)};
                start the last one there: X[:, num_complete * mini_batch_size:].""", shown)
        if sizes[:-1] == want and sizes[-1] == 0:
            raise _Problem("empty_last_batch", f"""Your last mini-batch is empty: m = {m} is a multiple of
                mini_batch_size = {size}, so there is no partial mini-batch. Add one only when
                m % mini_batch_size != 0.""", shown)
        if sum(sizes) == m and len(sizes) == len(want):
            raise _Problem("uneven_sizes", f"""Your mini-batches are sized {sizes}; expected {want}: every
                mini-batch but the last holds exactly mini_batch_size = {size} examples
                (np.array_split splits evenly instead).""", shown)
        raise _Problem("wrong_sizes", f"""Expected {len(want)} mini-batches sized {want}; yours are
            {len(sizes)} sized {_short(sizes)}.""", shown)
    if sorted(flat_x) != list(range(m)):
        seen = np.bincount(flat_x, minlength=m)
        twice, never = np.flatnonzero(seen > 1), np.flatnonzero(seen == 0)
        raise _Problem("with_replacement", f"""Some examples appear more than once ({_short(twice, 6)}) and
            others never ({_short(never, 6)}): the indices were drawn with replacement. Use a permutation
            of 0..m-1, e.g. rng.permutation(m), so each example is used exactly once per epoch.""", shown)
    if flat_x != flat_y:
        if flat_y == list(range(m)):
            raise _Problem("only_X_shuffled", """Only X was shuffled: Y is still in its original order, so
                X_t[:, j] and Y_t[:, j] no longer belong to the same example. Shuffle Y with the same
                permutation: Y[:, permutation].""", shown)
        if flat_x == list(range(m)):
            raise _Problem("only_Y_shuffled", """Only Y was shuffled: X is still in its original order, so
                X_t[:, j] and Y_t[:, j] no longer belong to the same example. Shuffle X with the same
                permutation: X[:, permutation].""", shown)
        raise _Problem("different_permutations", """X and Y were shuffled with two different permutations,
            so X_t[:, j] and Y_t[:, j] no longer belong to the same example. Draw one permutation and
            index both with it: X[:, permutation] and Y[:, permutation].""", shown)


def _shuffle_problems(runs, m, size):
    """Properties over several seeds of the large case: shuffled, deterministic, seed used."""
    first, again, *others = runs
    shown = "  Your mini-batches for seed = 1, by example index:\n" + _batches_text(first)
    if first != again:
        raise _Problem("not_deterministic", """The same seed gave different mini-batches on two calls. Use
            the seed argument for the shuffle, e.g. rng = np.random.default_rng(seed); permutation =
            rng.permutation(m).""", shown)
    orders = [[i for b in run_ for i in b] for run_ in (first, *others)]
    if all(order == list(range(m)) for order in orders):
        raise _Problem("not_shuffled", """The mini-batches are in the original order: shuffle the columns
            of X and Y (one permutation for both) before cutting them into mini-batches.""", shown)
    blocks = [sorted(range(k * size, min((k + 1) * size, m))) for k in range(math.ceil(m / size))]
    if all([sorted(b) for b in run_] == blocks for run_ in (first, *others)):
        raise _Problem("shuffled_within_batches", """Each mini-batch holds the same consecutive examples as
            without shuffling, only reordered inside it: shuffle the whole of X and Y first, then cut
            them into mini-batches.""", shown)
    if all(run_ == first for run_ in others):
        raise _Problem("seed_ignored", """Seeds 1, 2 and 3 all gave the same mini-batches: the seed argument
            is ignored (a fixed seed in your code, or numpy's global generator without
            np.random.seed(seed)?). Use it: rng = np.random.default_rng(seed).""", shown)


def _lead(err):
    """The diagnosis line: a recognised mistake says so; a result of the wrong form just says what it is."""
    plain = ("returned_none", "not_a_list", "not_pairs", "wrong_shape", "sizes_differ", "wrong_sizes")
    return err.text if err.key in plain else "Likely mistake: " + err.text


def _call(fn, n, m, size, seed, time_limit):
    X, Y = make_data(n, m)
    return run(fn, {"X": X, "Y": Y, "mini_batch_size": size, "seed": seed},
               protected=("X", "Y"), seconds=time_limit)


def _outcome_problem(outcome, time_limit):
    """A sentence for a call that raised, timed out or changed its inputs, else None."""
    if outcome.timed_out:
        return "timeout", timeout_text(outcome, time_limit)
    if outcome.raised:
        where = f"\n  at {outcome.where}" if outcome.where else ""
        if not where and isinstance(outcome.error, TypeError):  # raised by the call itself
            where = f"\nThe check calls it as {SIGNATURE}, with the arguments in that order."
        return "raised", f"Your function raised {describe_exception(outcome.error)}{where}"
    if outcome.mutated:
        return "mutated_input", f"Your function changed {' and '.join(outcome.mutated)} in place. {_MUTATION_HINT}"
    return None


def check_mini_batches(fn, time_limit=2.0):
    """Check a learner's ``random_mini_batches(X, Y, mini_batch_size, seed)`` by its properties."""
    n_cases = len(MINI_BATCH_CASES) + 1  # + the seed properties
    failures = []
    for index, (n, m, size, label) in enumerate(MINI_BATCH_CASES):
        outcome = _call(fn, n, m, size, SEED, time_limit)
        if index == 0 and outcome.not_done:
            return CheckResult(NAME, False, _not_done_text(), not_done=True, n_cases=n_cases)
        header = f"Case {index + 1} of {n_cases}: {label}\n{_describe_case(n, m, size, SEED)}"
        problem = _outcome_problem(outcome, time_limit)
        if problem:  # what went wrong first, then the case
            failures.append((problem[0], problem[1] + "\n\n" + header, outcome))
            if outcome.timed_out:
                break
            continue
        try:
            order_x, order_y = _read(outcome.value, n, m, size)
            _properties(order_x, order_y, n, m, size)
        except _Problem as err:
            failures.append((err.key, _lead(err) + "\n\n" + header + ("\n" + err.shown if err.shown else ""),
                             outcome))
    if not failures:
        n, m, size, label = MINI_BATCH_CASES[-1]
        runs = []
        for seed in (SEED, SEED, *OTHER_SEEDS):
            outcome = _call(fn, n, m, size, seed, time_limit)
            problem = _outcome_problem(outcome, time_limit)
            if problem:
                failures.append((problem[0], problem[1] + f"\n\nCase {n_cases} of {n_cases}: seed = {seed}", outcome))
                break
            try:
                runs.append(_read(outcome.value, n, m, size)[0])
            except _Problem as err:
                failures.append((err.key, _lead(err) + f"\n\nCase {n_cases} of {n_cases}: seed = {seed}", outcome))
                break
        else:
            try:
                _shuffle_problems(runs, m, size)
            except _Problem as err:
                header = (f"Case {n_cases} of {n_cases}: the shuffle, on {label}, "
                          f"called with seed = 1 twice, then seeds 2 and 3")
                failures.append((err.key, _lead(err) + "\n\n" + header + "\n" + err.shown, outcome))
    if not failures:
        labels = [c[3] for c in MINI_BATCH_CASES] + [
            "shuffled; X and Y paired; same seed, same mini-batches; other seeds, other mini-batches"]
        return CheckResult(NAME, True, "Checked:\n" + "\n".join(f"  \u2714 {x}" for x in labels), n_cases=n_cases)
    key, text, outcome = failures[0]
    extra = _printed_and_warnings(outcome)
    others = len(failures) - 1
    tail = f"\n({others} other case{'s' * (others != 1)} fail too.)" if others > 0 else ""
    summary = f"stopped after {time_limit:g} s" if key == "timeout" else None
    return CheckResult(NAME, False, text + extra + tail, diagnosis=key, n_cases=n_cases,
                       n_failed=others + 1, summary=summary)


def _printed_and_warnings(outcome):
    lines = output_lines(outcome)
    return ("\n" + "\n".join(lines)) if lines else ""


def _not_done_text():
    return (f"Your {SIGNATURE} still raises NotImplementedError: "
            "write its body in the exercise cell, run that cell, then run this check again.")

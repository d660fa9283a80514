"""The loop diagnoses as tables: (name, predicate, advice), tried in order: the shared part.

Each loop exercise's module holds its table (``RULES``); this module holds the row type,
the run a predicate reads, and the predicates both loops share. A loop's check records
the calls of the building blocks (``_loop_check._instrumented``). When the learner's
results differ from the model solution's, the first rule whose
predicate holds names the mistake. A predicate takes a :class:`Run` (the case's
arguments, the recorded calls, the learner's result) and returns False/None, True, or a
dict of values the advice quotes (``{count}``). Adding a diagnosis is adding one row.

Two kinds of rule: those that read the recorded calls (which seed shuffled, which t each
update got, which epoch the schedule saw), and *variants*: the model solution run with
one thing changed (a hyperparameter fixed, the cost averaged over the mini-batches, the
decay applied at the end of the epoch), whose costs and parameters the learner's match.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..data import make_moons
from ._fixed import HARD_CODED

__all__ = ["Rule", "Run", "first_match", "moons", "not_shuffled", "batch_sizes", "last_batch_dropped",
           "batch_size_fixed", "whole_X_gradients", "fixed", "course_values"]


@dataclass(frozen=True)
class Rule:
    key: str
    predicate: object   # (Run) -> falsy, True or a dict of values for ``advice``
    advice: str


@dataclass
class Run:
    """One case of a loop's check: what was asked, what was called, what came back."""

    args: dict
    log: object
    value: object            # (params, costs) as read from the learner's result, or None
    expected: tuple          # the model solution's (params, costs)
    m: int
    T: int                   # mini-batches per epoch
    variant: object = None   # (args, **how) -> (params, costs): the model solution, switched
    _cache: dict = field(default_factory=dict)

    @property
    def E(self):
        return self.args.get("num_epochs", 1)

    @cached_property
    def shuffles(self):
        return self.log.of("shuffle")

    @cached_property
    def inits(self):
        return self.log.of("init")

    @cached_property
    def grads(self):
        return self.log.of("grads")

    @cached_property
    def updates(self):
        return self.log.of("update")

    @cached_property
    def decays(self):
        return self.log.of("decay")

    def matches(self, changes=None, **how):
        """Do the learner's results equal the model solution run with ``changes`` (and ``how``)?

        False when the changed run equals the model solution itself (the change does not
        show on this case).
        """
        if self.value is None:
            return False
        key = (tuple(sorted((changes or {}).items(), key=str)), tuple(sorted(how.items())))
        if key not in self._cache:
            try:
                self._cache[key] = self.variant({**self.args, **(changes or {})}, **how)
            except Exception:  # a changed run the model solution refuses (e.g. epoch 0)
                self._cache[key] = None
        other = self._cache[key]
        return other is not None and _same(self.value, other) and not _same(self.expected, other)


def _same(a, b):
    (pa, ca), (pb, cb) = a, b
    if np.shape(ca) != np.shape(cb) or not np.allclose(ca, cb, rtol=1e-9, atol=0.0):
        return False
    return all(np.shape(pa[k]) == np.shape(pb[k]) and np.allclose(pa[k], pb[k], rtol=1e-9, atol=1e-15)
               for k in pb)


def first_match(rules, run):
    """``(key, advice)`` of the first rule that holds, or None."""
    for rule in rules:
        found = rule.predicate(run)
        if found:
            fields = {"E": run.E, **(found if isinstance(found, dict) else {})}
            return rule.key, " ".join(rule.advice.format(**fields).split())
    return None


# ---------------------------------------------------------------------------
# Predicates shared by both loops
# ---------------------------------------------------------------------------

def not_shuffled(r):
    return bool(r.grads) and not r.shuffles and np.array_equal(r.grads[0]["X"], r.args["X"][:, :r.grads[0]["m_t"]])


def batch_sizes(r):
    """(the full mini-batches' sizes, all the sizes) an epoch of this case should train on."""
    size = r.args["mini_batch_size"]
    full = [min(size, r.m)] * (r.m // size)
    want = full + ([r.m % size] if r.m % size and size < r.m else [])
    return full, want


def last_batch_dropped(r):
    full, want = batch_sizes(r)
    sizes = [g["m_t"] for g in r.grads]
    return want != full and bool(sizes) and sizes == full * r.E and {"full": full, "want": want,
                                                                        "rest": r.m % r.args["mini_batch_size"]}


def batch_size_fixed(r):
    used = {s["size"] for s in r.shuffles}
    if len(used) == 1 and used != {r.args["mini_batch_size"]}:
        return {"size": used.pop()}
    return False


def whole_X_gradients(r):
    return r.T > 1 and bool(r.grads) and all(g["m_t"] == r.m for g in r.grads)


def fixed(arg, values):
    """Predicate: the learner's results are the model solution's with ``arg`` fixed at one of ``values``."""
    def predicate(r):
        for value in dict.fromkeys(values(r) if callable(values) else values):
            if value != r.args.get(arg) and r.matches({arg: value}):
                return {"value": value}
        return False
    return predicate


def course_values(arg, extra=()):
    return lambda r: [*HARD_CODED.get(arg, ()), *extra]


def moons():
    """The loops' data set: m = 40 examples of two moons (mini-batches of 16 make 16, 16 and 8)."""
    return make_moons(40, 0.2, seed=1)

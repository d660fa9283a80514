"""What an exercise module declares, and the small helpers its cases and wrong versions share.

Every exercise lives in one module of ``ngopt_course.exercises.catalogue`` (see that
package's docstring for the recipe). The module declares:

``EXERCISE``
    an :class:`Exercise`: the name, the signature the learner writes, what it returns,
    which engine checks it (``kind``), the arguments it must not change, the time limit.
``solution``
    the model solution, with the exercise's signature (``check`` compares with it and
    ``use_or_reference`` hands it back).
``cases()``
    the labelled calls it is checked on (:class:`Case`), ordinary ones first.
``MISTAKES``
    the catalogue of wrong versions, each a :class:`Mistake` whose ``key`` is the name the
    check must give it (the tests run each one through ``check``).
``ALTERNATIVES``
    correct answers in another convention (the slide's epsilon inside the root): they pass,
    with the mistake's text as a note.
``CORRECT``
    the wrong versions' switch function with its defaults, i.e. the correct formula (a test
    compares it with ``solution``), or None.

The engines (``_check`` for plain functions, ``_network_check`` for the dict updates,
``_loop_check`` for the training loops, ``_minibatches`` for the shuffle) run, compare
and report; they know nothing about any one exercise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._compare import Outputs

__all__ = ["Exercise", "Case", "Mistake", "mistake", "Outputs", "rng", "normal", "tiny", "series",
           "square", "denominator", "MATRIX_SQUARE"]

#: The engines, by ``Exercise.kind``.
KINDS = ("cases", "mini_batches", "network_update", "network_init", "loop")


@dataclass(frozen=True)
class Exercise:
    """What the engines need to know about one exercise."""

    name: str
    signature: str
    outputs: Outputs | None = None
    protected: tuple = ()          # arguments that must not change in place
    mutation_hint: str = ""
    describe: object = None        # extra lines describing a case (e.g. eigenvalues)
    extra_diagnosis: object = None  # (verdicts) -> (key, text) or None, before the catalogue
    time_limit: float = 2.0        # default seconds per call (a whole training loop needs more)
    asks: str = ""                 # what is asked where learners met an ambiguity, said in every verdict
    kind: str = "cases"            # which engine checks it: one of KINDS

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind == {self.kind!r}, must be one of {', '.join(KINDS)}")

    @property
    def parameters(self):
        """The parameter names of ``signature``, in order."""
        inside = self.signature[self.signature.index("(") + 1:self.signature.rindex(")")]
        return [p.strip() for p in inside.split(",")]


@dataclass(frozen=True)
class Case:
    """One call: ``label`` says what it exercises; ``args`` maps argument name -> value."""

    label: str
    args: dict
    hint: str = ""       # the promise of the exercise's text this case tests, said plainly
    hint_key: str = ""   # the diagnosis key when a function fails only on such cases


@dataclass(frozen=True)
class Mistake:
    """A recognisable mistake: ``key`` for tests, ``text`` for the learner, wrong versions ``fns``.

    ``fns`` holds one or more wrong versions (several ways of writing the same
    mistake, e.g. ``dW @ dW`` and ``dW @ dW.T``); matching any one of them is enough.
    """

    key: str
    text: str
    fns: tuple


def mistake(key, text, *fns):
    """A :class:`Mistake`, its text written as a triple-quoted paragraph (spaces collapsed)."""
    return Mistake(key, " ".join(text.split()), fns)


# ---------------------------------------------------------------------------
# Case helpers: fixed seeds, values a learner can read
# ---------------------------------------------------------------------------

def rng(seed):
    return np.random.default_rng(seed)


def normal(generator, shape, scale=1.0):
    return (scale * generator.normal(size=shape)).round(2)


def tiny(generator, shape):
    """Numbers of about 1e-6 with three significant digits (not rounded to 0)."""
    return generator.normal(size=shape).round(2) * 1e-6


def series(seed, n):
    """A noisy, slowly changing series like a stretch of daily temperatures (deg F)."""
    days = np.arange(n)
    return (50 + 8 * np.sin(days / 9) + rng(seed).normal(0, 4, n)).round(1)


# ---------------------------------------------------------------------------
# Pieces of the wrong versions shared by RMSProp and Adam
# ---------------------------------------------------------------------------

def square(dW, how):
    if how == "elementwise":
        return dW ** 2
    if how == "none":
        return dW
    if how == "sum":
        return np.sum(dW ** 2)
    if how == "dW @ dW":
        return dW @ dW
    if how == "dW @ dW.T":
        return np.dot(dW, dW.T)
    if how == "dW.T @ dW":
        return np.dot(dW.T, dW)
    raise ValueError(how)


def denominator(s, epsilon, eps, sqrt=True):
    root = np.sqrt if sqrt else (lambda x: x)
    if eps == "outside":
        return root(s) + epsilon
    if eps == "inside":
        return root(s + epsilon)
    if eps in ("missing", "added_after"):
        return root(s)
    raise ValueError(eps)


MATRIX_SQUARE = """dW was squared with a matrix product (np.dot(dW, dW), dW @ dW or
    dW @ dW.T), which mixes the gradients of different parameters and changes shapes.
    Square each element on its own: dW ** 2 or np.square(dW)."""


def float_copy(a):
    """A float copy of an array (the package's optimizers update in place)."""
    return np.array(a, dtype=np.result_type(np.asarray(a).dtype, np.float64), copy=True)


# ---------------------------------------------------------------------------
# Network dicts for the cases of the exercises over a whole network
# ---------------------------------------------------------------------------

def network_dict(generator, dims, scale=1.0, round_to=2, kind="normal"):
    """A dict W1, b1, ..., WL, bL for layers ``dims``: normal values, or (kind "square") positive ones."""
    out = {}
    for l in range(1, len(dims)):
        for p, shape in (("W", (dims[l], dims[l - 1])), ("b", (dims[l], 1))):
            if kind == "normal":
                a = scale * generator.normal(size=shape)
                out[f"{p}{l}"] = (a / scale).round(round_to) * scale if scale != 1.0 else a.round(round_to)
            else:  # a mean square: positive
                out[f"{p}{l}"] = (scale * generator.uniform(0.05, 1.0, shape)).round(round_to + 2)
    return out


def zeros_like_dict(params):
    return {k: np.zeros_like(a) for k, a in params.items()}

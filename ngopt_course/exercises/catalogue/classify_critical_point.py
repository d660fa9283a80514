"""Classify a critical point from its Hessian (notebook 08): the signs of all eigenvalues.

One exercise, one module (``catalogue/__init__.py`` says how to add one): the spec
(``EXERCISE``), the model solution (``solution``), the cases (``cases``), the catalogue of
wrong versions with the name each must get (``MISTAKES``), the correct answers in another
convention that pass with a note (``ALTERNATIVES``) and the switches' correct defaults
(``CORRECT``).
"""

from __future__ import annotations


import numpy as np

from ...experiments.critical_points import classify_critical_point as _package_classify_critical_point
from .._compare import LABELS
from .._result import fmt
from .._spec import Case, Exercise, Outputs
from .._spec import mistake as _m
from .._spec import rng as _rng

def _eigenvalue_line(args):
    values = np.linalg.eigvalsh(np.asarray(args["hessian"], dtype=float))
    return f"  (its eigenvalues: {fmt(values, indent=19)})"


def _wording(verdicts):
    """The classification is right but not worded as asked ('minimum', 'Saddle')."""
    def category(label):
        low = label.lower()
        return "saddle point" if "saddle" in low else "local minimum" if "min" in low else (
            "local maximum" if "max" in low else None)

    answered = [v for v in verdicts if v.value is not None]
    if answered and len(answered) == len(verdicts) and any(v.diffs for v in answered) and all(
            category(v.value) == v.expected for v in answered):
        odd = next(v.value for v in answered if v.value not in LABELS)
        return "wording", (f"Your classifications are right, but worded differently ({odd!r}): "
                           "return exactly one of " + ", ".join(repr(x) for x in LABELS) + ".")
    return None


EXERCISE = Exercise("classify_critical_point", "classify_critical_point(hessian)", Outputs("label", ("label",)),
                    ("hessian",),
                    "Leave hessian unchanged (np.fill_diagonal or hessian += ... change the caller's matrix).",
                    describe=_eigenvalue_line, extra_diagnosis=_wording,
                    asks=("What is asked: every eigenvalue > 0, a local minimum; every one < 0, a local maximum; "
                          "both signs, a saddle point. No case has a zero eigenvalue, so what to say then is not "
                          "asked (the package calls such a point 'inconclusive')."))


def solution(hessian):
    """"local minimum", "local maximum" or "saddle point" from the Hessian's eigenvalues.

    The package's ``critical_points.classify_critical_point`` ("inconclusive" when an
    eigenvalue is zero to rounding; the exercise's cases avoid it).
    """
    return _package_classify_critical_point(hessian)


def _rotated(eigenvalues, seed):
    """A symmetric matrix with the given eigenvalues, in randomly rotated axes."""
    q, _ = np.linalg.qr(_rng(seed).normal(size=(len(eigenvalues),) * 2))
    h = q @ np.diag(eigenvalues) @ q.T
    return (h + h.T) / 2


def cases():
    nineteen_up = np.r_[np.linspace(0.5, 3.0, 19), -0.8]
    nearly = np.array([[2.0, 0.5, 0.0], [0.5, 3.0, -0.4], [0.0, -0.4, 1.0]])
    nearly = nearly + 1e-12 * np.array([[0, 1, 0], [-1, 0, 2], [0, 1, 0]])  # finite-difference noise
    return [
        Case("1-D: f(x) = x^2", {"hessian": np.array([[2.0]])}),
        Case("1-D: f(x) = -1.5 x^2", {"hessian": np.array([[-3.0]])}),
        Case("a bowl: f = x^2/2 + 3y^2/2", {"hessian": np.diag([1.0, 3.0])}),
        Case("a dome: f = -x^2/2 - y^2", {"hessian": np.diag([-1.0, -2.0])}),
        Case("the classic saddle f = x^2 - y^2", {"hessian": np.diag([2.0, -2.0])}),
        Case("positive diagonal, yet a saddle (eigenvalues 3 and -1)",
             {"hessian": np.array([[1.0, 2.0], [2.0, 1.0]])}),
        Case("a tilted dome (eigenvalues -1 and -3)", {"hessian": np.array([[-2.0, 1.0], [1.0, -2.0]])}),
        Case("a tilted bowl (eigenvalues 1 and 3)", {"hessian": np.array([[2.0, -1.0], [-1.0, 2.0]])}),
        Case("3-D, determinant > 0, yet a saddle", {"hessian": np.diag([-1.0, -1.0, 2.0])}),
        Case("3-D, positive trace, yet a saddle", {"hessian": np.diag([3.0, -1.0, -1.0])}),
        Case("20 directions, 19 curving up and one down", {"hessian": _rotated(nineteen_up, 20)}),
        Case("20 directions, all curving up", {"hessian": _rotated(np.linspace(0.2, 4.0, 20), 21)}),
        Case("20 directions, all curving down", {"hessian": _rotated(-np.linspace(0.2, 4.0, 20), 22)}),
        Case("from finite differences: symmetric only to 1e-12", {"hessian": nearly}),
    ]


def _eig(h):
    return np.linalg.eigvalsh(h)


def _classify_by(values):
    if np.all(values > 0):
        return "local minimum"
    if np.all(values < 0):
        return "local maximum"
    return "saddle point"


def _determinant_test(h):
    det = np.linalg.det(h)
    if det < 0:
        return "saddle point"
    return "local minimum" if h[0, 0] > 0 else "local maximum"


_CLASSIFY_MISTAKES = [
    _m("min_max_swapped", """Minimum and maximum are swapped. All eigenvalues > 0: the surface
       curves up in every direction, a bowl: a local minimum. All < 0: a local maximum.""",
       lambda h: {"local minimum": "local maximum", "local maximum": "local minimum"}.get(
           _classify_by(_eig(h)), "saddle point")),
    _m("any_negative_is_max", """A saddle point was called a local maximum: one negative
       eigenvalue is not enough. A maximum needs every eigenvalue < 0; a mix of signs is a
       saddle point.""",
       lambda h: "local maximum" if np.any(_eig(h) < 0) else "local minimum"),
    _m("any_positive_is_min", """A saddle point was called a local minimum: one positive
       eigenvalue is not enough. A minimum needs every eigenvalue > 0; a mix of signs is a
       saddle point.""",
       lambda h: "local minimum" if np.any(_eig(h) > 0) else "local maximum"),
    _m("diagonal_signs", """You used the signs of the diagonal (the second derivatives along
       the axes). Off-diagonal terms can make a saddle from a positive diagonal:
       [[1, 2], [2, 1]] has eigenvalues 3 and -1. Use the eigenvalues:
       np.linalg.eigvalsh(hessian).""",
       lambda h: _classify_by(np.diag(h))),
    _m("determinant_test", """You used the determinant, the 2-D second-derivative test. In
       more dimensions det > 0 does not mean one sign for all eigenvalues: diag(-1, -1, 2)
       has det = 2 and is a saddle. Use the signs of all eigenvalues.""",
       _determinant_test),
    _m("trace_sign", """You used the trace (the sum of the eigenvalues): a positive sum still
       allows negative eigenvalues. Look at the sign of every eigenvalue.""",
       lambda h: "local minimum" if np.trace(h) > 0 else "local maximum"),
]

MISTAKES = _CLASSIFY_MISTAKES
ALTERNATIVES = []
CORRECT = lambda h: _classify_by(_eig(h))  # noqa: E731

"""The verdict of a check: a small object that reads well as text and in a notebook."""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult", "fmt", "fmt_args"]

# Box colours: the background is light and the text colour is set, so the box reads the
# same in JupyterLab's light and dark themes.
_STYLES = {
    "pass": ("#1a7f37", "#e8f5ec", "\u2714"),      # green, heavy check mark
    "fail": ("#c62828", "#fdecea", "\u2718"),      # red, heavy ballot x
    "not_done": ("#9a6700", "#fff5dc", "\u270e"),  # amber, pencil: not an error, just not yet
}


def _float(x):
    return f"{x:.4g}"


def fmt(value, indent=0):
    """A compact text form of a value: arrays with 4 significant digits, long ones elided."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    if isinstance(value, (np.ndarray, list)) and not isinstance(value, str):
        arr = np.asarray(value)
        if arr.dtype == object:
            return repr(value)
        text = np.array2string(
            arr, separator=", ", threshold=24, edgeitems=3, max_line_width=88 - indent,
            formatter={"float_kind": _float},
        )
        return text.replace("\n", "\n" + " " * indent)
    if isinstance(value, (float, np.floating)):
        return _float(float(value))
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)


def fmt_args(args, skip=()):
    """One line per argument, ``name = value``, aligned."""
    names = [n for n in args if n not in skip]
    width = max((len(n) for n in names), default=0)
    lines = []
    for name in names:
        prefix = f"  {name.ljust(width)} = "
        lines.append(prefix + fmt(args[name], indent=len(prefix)))
    return "\n".join(lines)


@dataclass
class CheckResult:
    """The result of ``exercises.check(name, fn)``.

    Attributes
    ----------
    name : str
        The exercise, e.g. "momentum_update".
    passed : bool
        True when every case matches the reference (``bool(result)`` is the same).
    message : str
        What was checked, or what went wrong and, when recognised, the likely mistake.
    not_done : bool
        True when the function is still the learner-edition stub (it raises
        NotImplementedError): not an error, just not written yet.
    diagnosis : str or None
        Key of the recognised mistake (e.g. "one_minus_beta_missing"), else None.
    n_cases, n_failed : int
        How many cases were checked and how many failed.
    convention : str or None
        Set when the answer is right in another convention than the course's (e.g.
        "eps_inside_sqrt", the slide's Adam); the message names it.
    summary : str or None
        Replaces the usual headline ("passed all 6 cases", "2 of 6 cases fail"), e.g.
        "stopped after 2 s on case 1".

    Notes
    -----
    In a notebook it shows as a box (``_repr_html_``): a ``div`` with the classes
    ``ngopt-check`` and ``ngopt-check-pass``, ``ngopt-check-fail`` or
    ``ngopt-check-not-done`` and ``data-passed="true"``/``"false"``, coloured green,
    red or amber; as text (``str``, ``repr``) it is the headline, with a check mark, a
    cross or a pencil, and the message.
    """

    name: str
    passed: bool
    message: str
    not_done: bool = False
    diagnosis: str | None = None
    n_cases: int = 0
    n_failed: int = 0
    summary: str | None = None  # replaces the usual headline, e.g. for a time-out
    convention: str | None = None  # passed in another correct convention, e.g. "eps_inside_sqrt"

    @property
    def status(self):
        """"pass", "fail" or "not_done"."""
        return "pass" if self.passed else "not_done" if self.not_done else "fail"

    @property
    def headline(self):
        if self.summary:
            return f"{self.name}: {self.summary}"
        if self.passed:
            return f"{self.name}: passed all {self.n_cases} cases"
        if self.not_done:
            return f"{self.name}: not done yet"
        if self.n_failed:
            return f"{self.name}: {self.n_failed} of {self.n_cases} cases fail"
        return f"{self.name}: does not pass yet"

    def __bool__(self):
        return self.passed

    def __str__(self):
        symbol = _STYLES[self.status][2]
        return f"{symbol} {self.headline}\n{self.message}".rstrip()

    def __repr__(self):
        return str(self)

    def _repr_html_(self):
        border, background, symbol = _STYLES[self.status]
        lead, body = "", self.message
        if body.startswith(("Likely mistake", "Possible mistake", "Your ", "You used", "You put")) and "\n\n" in body:
            lead, body = body.split("\n\n", 1)  # the diagnosis stands out above the details
            lead = f'<div style="font-weight: 600; margin: 4px 0;">{html.escape(lead)}</div>'
        return (
            f'<div class="ngopt-check ngopt-check-{self.status.replace("_", "-")}" '
            f'data-passed="{str(self.passed).lower()}" '
            f'style="border-left: 6px solid {border}; background: {background}; color: #1b1b1b; '
            f'padding: 6px 12px; margin: 4px 0; border-radius: 3px;">'
            f'<div style="font-weight: bold; color: {border};">{symbol} {html.escape(self.headline)}</div>'
            f'{lead}<pre style="white-space: pre-wrap; margin: 4px 0 0 0; background: transparent; '
            f'color: #1b1b1b; font-size: 0.9em;">{html.escape(body)}</pre></div>'
        )

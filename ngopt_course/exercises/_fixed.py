"""Hard-coded hyperparameters: the wrong versions that ignore an argument.

A learner who writes ``epsilon = 1e-8`` (or ``0.999`` for ``beta2``, or the notebook's
learning rate) inside the function computes the right numbers whenever the caller passes
that value. The cases vary every hyperparameter away from its usual value (a test proves
each fixed value shows on some case), and this module names the mistake: for every
argument a learner may hard-code, the model solution with that argument fixed at a value
the learner may have copied (the course's defaults and the values of the cases) is one
more wrong version, tried after the exercise's own catalogue.
"""

from __future__ import annotations

import numbers

from ._spec import Mistake

__all__ = ["HARD_CODED", "fixed_argument_mistakes"]

#: Argument -> the values a learner may write instead of it (the course's defaults, the
#: notebooks' and the assignment's usual values).
HARD_CODED = {
    "learning_rate": (0.0007, 0.001, 0.01, 0.1),
    "beta": (0.9,),
    "beta1": (0.9,),
    "beta2": (0.999,),
    "epsilon": (1e-8,),
    "t": (1,),
    "decay_rate": (1.0,),
    "time_interval": (1000,),
}

_TEXTS = {
    "epsilon": ("epsilon is fixed at {value!r}, not the argument: it is there, but hard-coded, so the "
                "epsilon the caller passes is never used. Write epsilon, the parameter."),
    "t": ("t is fixed at {value!r}, not the argument: t is this step's number (counted from 1), "
          "given by the caller, and the bias correction 1 - beta ** t depends on it. Use the parameter t."),
    "learning_rate": ("The learning rate is fixed at {value!r}, not the argument: the caller's learning_rate "
                      "is never used. Write learning_rate, the parameter."),
}
_DEFAULT_TEXT = ("{arg} is fixed at {value!r} in your function, not taken from the argument: the {arg} the "
                 "caller passes is never used. Write {arg}, the parameter.")


def _fixed(reference, names, arg, value):
    def wrong(*args, **kwargs):
        bound = dict(zip(names, args), **kwargs)
        bound[arg] = value
        return reference(**bound)
    return wrong


def fixed_argument_mistakes(names, reference, cases):
    """One ``Mistake`` per (argument, value) a learner may hard-code, keyed ``<arg>_fixed``."""
    found = []
    for arg in names:
        if arg not in HARD_CODED:
            continue
        seen = [c.args[arg] for c in cases if isinstance(c.args.get(arg), numbers.Real)]
        for value in dict.fromkeys([*HARD_CODED[arg], *seen]):
            text = _TEXTS.get(arg, _DEFAULT_TEXT).format(arg=arg, value=value)
            found.append(Mistake(f"{arg}_fixed", text, (_fixed(reference, names, arg, value),)))
    return found

"""ngopt_course: the tested numpy implementations behind the course's notebooks.

The compute core (imports numpy only):

- ``minibatch``  : random_mini_batches, iter_mini_batches (lazy, works on np.memmap)
- ``ewa``        : exponentially weighted averages, effective_window, unrolled weights
- ``optimizers`` : GradientDescent, Momentum, RMSProp, Adam with explicit state
- ``schedules``  : learning-rate decay as functions of the epoch (counted from 1)

Importing the package does no work: no data is generated, no setting is changed.
"""

from .ewa import effective_window, ewa, ewa_loop, ewa_weights
from .minibatch import iter_mini_batches, num_mini_batches, random_mini_batches
from .optimizers import (
    Adam,
    AdamState,
    GradientDescent,
    GradientDescentState,
    Momentum,
    MomentumState,
    RMSProp,
    RMSPropState,
    copy_arrays,
)
from .schedules import (
    exponential_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    staircase_decay,
    tabulate_schedule,
)

__version__ = "0.1.0"

__all__ = [
    # mini-batches
    "random_mini_batches", "iter_mini_batches", "num_mini_batches",
    # exponentially weighted averages
    "ewa", "ewa_loop", "effective_window", "ewa_weights",
    # optimizers
    "GradientDescent", "Momentum", "RMSProp", "Adam",
    "GradientDescentState", "MomentumState", "RMSPropState", "AdamState", "copy_arrays",
    # learning-rate decay
    "inverse_time_decay", "exponential_decay", "inverse_sqrt_decay", "staircase_decay",
    "tabulate_schedule",
]

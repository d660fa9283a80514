"""ngopt_course: the tested numpy implementations behind the course's notebooks.

Modules, in the direction data flows (each imports only from its own layer and those
above it in this list; ``tests/test_architecture.py`` enforces it):

- data        ``data``: the synthetic London year, two moons, the large memory-mapped set
- compute     ``minibatch`` (random_mini_batches, iter_mini_batches), ``ewa``
              (exponentially weighted averages), ``optimizers`` (the four updates as
              plain functions, then GradientDescent, Momentum, RMSProp, Adam with
              explicit state), ``schedules`` (learning-rate decay, epochs from 1), ``nn``
              (the L-layer network), ``surfaces`` (2-D test surfaces, run_on_surface);
              ``_fast``: the same arithmetic, in place, blocked and threaded, for large arrays
- training    ``checkpoints`` (History, save/load), ``training`` (train: the lecture's loop)
- experiments ``experiments.batch_size``, ``.noisy``, ``.convergence``, ``.race``,
              ``.critical_points``, ``.capstone``: what each notebook measures
- presentation ``plots``, ``widgets``: drawing and interaction (import them explicitly)
- learning    ``exercises``, ``editions``: checks that diagnose mistakes; the learner edition

Importing the package does no work: no data is generated, no setting is changed, and
neither matplotlib nor ipywidgets is imported.
"""

from .checkpoints import Checkpoint, CheckpointError, History, load_checkpoint, save_checkpoint
from .data import (
    generate_london_temperatures,
    large_dataset,
    london_temperatures,
    make_moons,
    seasonal_cycle,
)
from .ewa import bias_correction_warmup, effective_window, ewa, ewa_loop, ewa_weights
from .minibatch import iter_mini_batches, num_mini_batches, random_mini_batches
from .nn import accuracy, cost_and_grads, forward, gradient_check, initialize_parameters, predict
from .optimizers import (
    Adam,
    AdamState,
    GradientDescent,
    GradientDescentState,
    Momentum,
    MomentumState,
    RMSProp,
    RMSPropState,
    StepOverflowError,
    copy_arrays,
)
from .schedules import (
    exponential_decay,
    inverse_sqrt_decay,
    inverse_time_decay,
    manual_decay,
    schedule_lr_decay,
    staircase_decay,
    tabulate_schedule,
)
from .surfaces import SURFACES, Surface, SurfaceRun, get_surface, run_on_surface, surface_grid
from .training import train

__version__ = "0.1.0"

__all__ = [
    # data
    "make_moons", "london_temperatures", "generate_london_temperatures", "seasonal_cycle",
    "large_dataset",
    # mini-batches
    "random_mini_batches", "iter_mini_batches", "num_mini_batches",
    # exponentially weighted averages
    "ewa", "ewa_loop", "effective_window", "ewa_weights", "bias_correction_warmup",
    # optimizers
    "GradientDescent", "Momentum", "RMSProp", "Adam",
    "GradientDescentState", "MomentumState", "RMSPropState", "AdamState", "copy_arrays",
    "StepOverflowError",
    # learning-rate decay
    "inverse_time_decay", "exponential_decay", "inverse_sqrt_decay", "staircase_decay",
    "manual_decay", "schedule_lr_decay", "tabulate_schedule",
    # the network
    "initialize_parameters", "forward", "cost_and_grads", "predict", "accuracy",
    "gradient_check",
    # surfaces
    "SURFACES", "Surface", "SurfaceRun", "get_surface", "run_on_surface", "surface_grid",
    # training and checkpoints
    "train", "History", "Checkpoint", "CheckpointError", "save_checkpoint", "load_checkpoint",
]

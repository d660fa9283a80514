"""Model solutions of the exercises over a whole network and of the training loops.

``params`` is the network's dict ``W1, b1, ..., WL, bL`` (``nn.initialize_parameters``);
``grads`` has the same keys (``grads["W1"]`` is dW1, as ``nn.cost_and_grads`` returns it);
so do the optimizer's averages: ``v["W1"]`` is v_dW1 and ``s["b2"]`` is S_db2.

The update functions update the dicts they are given **in place** (they assign the new
arrays into ``params``, ``v`` and ``s``, as the package's optimizers and the Coursera
assignment do) and return them. The returned ``v`` and ``s`` are the raw running
averages, never the bias-corrected ones. ``t`` is the number of this step, counted from
1: the caller increases it by one before every update.

``model`` is the lecture's loop, written as plainly as ``training.train`` runs it: one
generator ``rng = np.random.default_rng(seed)`` draws the initial weights and then a new
shuffle every epoch, so with the same seed the two give the same costs, up to rounding.
These are what the checks compare with and what ``use_or_reference`` hands back.
"""

from __future__ import annotations

from ..schedules import schedule_lr_decay  # the package's own: it is the model solution
from .catalogue.initialize_adam import solution as initialize_adam
from .catalogue.initialize_velocity import solution as initialize_velocity
from .catalogue.update_parameters_with_adam import solution as update_parameters_with_adam
from .catalogue.mini_batch_epoch import solution as mini_batch_epoch
from .catalogue.model import solution as model
from .catalogue.update_parameters_with_momentum import solution as update_parameters_with_momentum

__all__ = [
    "initialize_velocity",
    "update_parameters_with_momentum",
    "initialize_adam",
    "update_parameters_with_adam",
    "schedule_lr_decay",
    "mini_batch_epoch",
    "model",
    "OPTIMIZER_NAMES",
]

OPTIMIZER_NAMES = ("gd", "momentum", "adam")

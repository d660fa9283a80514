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

import numpy as np

from ..minibatch import random_mini_batches
from ..nn import cost_and_grads, initialize_parameters
from ..schedules import schedule_lr_decay  # the package's own: it is the model solution
from .catalogue.initialize_adam import solution as initialize_adam
from .catalogue.initialize_velocity import solution as initialize_velocity
from .catalogue.update_parameters_with_adam import solution as update_parameters_with_adam
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


def mini_batch_epoch(X, Y, params, learning_rate, mini_batch_size, seed):
    """One epoch of mini-batch gradient descent; returns ``(params, costs)``, one J{t} per mini-batch."""
    costs = []
    for X_t, Y_t in random_mini_batches(X, Y, mini_batch_size, seed):
        cost, grads = cost_and_grads(X_t, Y_t, params)
        params = {key: params[key] - learning_rate * grads[key] for key in params}
        costs.append(cost)
    return params, costs


def model(X, Y, layer_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9, beta1=0.9,
          beta2=0.999, epsilon=1e-8, num_epochs=5000, decay=None, decay_rate=1.0, time_interval=1000, seed=3):
    """Train ``layer_dims`` on (X, Y); return ``(params, costs)``, one cost per epoch.

    ``optimizer`` is "gd", "momentum" or "adam"; ``decay`` is None or a function
    ``decay(learning_rate0, epoch_num, decay_rate, time_interval)`` (``schedule_lr_decay``),
    called once at the start of every epoch, epochs counted from 1. The cost of an epoch
    is the mean over its m examples: sum of J{t} * (examples in mini-batch t), over m.
    """
    if optimizer not in OPTIMIZER_NAMES:
        raise ValueError(f"optimizer == {optimizer!r}, must be one of {', '.join(map(repr, OPTIMIZER_NAMES))}")
    rng = np.random.default_rng(seed)          # one generator: the weights, then every shuffle
    params = initialize_parameters(layer_dims, seed=rng)
    m = X.shape[1]
    t = 0                                      # Adam's step counter, over the whole run
    if optimizer == "momentum":
        v = initialize_velocity(params)
    elif optimizer == "adam":
        v, s = initialize_adam(params)
    learning_rate0 = learning_rate
    costs = []
    for epoch_num in range(1, num_epochs + 1):
        if decay is not None:
            learning_rate = decay(learning_rate0, epoch_num, decay_rate, time_interval)
        cost_total = 0.0
        for X_t, Y_t in random_mini_batches(X, Y, mini_batch_size, rng):
            cost, grads = cost_and_grads(X_t, Y_t, params)
            cost_total += cost * X_t.shape[1]
            if optimizer == "gd":
                for key in params:
                    params[key] = params[key] - learning_rate * grads[key]
            elif optimizer == "momentum":
                params, v = update_parameters_with_momentum(params, grads, v, beta, learning_rate)
            else:
                t = t + 1
                params, v, s = update_parameters_with_adam(params, grads, v, s, t, learning_rate,
                                                           beta1, beta2, epsilon)
        costs.append(cost_total / m)
    return params, costs

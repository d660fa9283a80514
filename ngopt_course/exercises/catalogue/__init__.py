"""The exercises, one module each, in the order the notebooks meet them.

Each module declares ``EXERCISE`` (the spec: name, signature, which engine checks it),
``solution`` (the model solution), ``cases()``, ``MISTAKES`` (the wrong versions, each with
the name the check must give it), ``ALTERNATIVES`` (correct answers in another convention,
passed with a note) and ``CORRECT`` (the wrong versions' switches at their correct
defaults); ``_spec.py`` describes each. The engines run, compare and report; they read
everything about an exercise from its module.

Adding an exercise
------------------
1. Copy the module of the exercise most like yours (``ewa.py`` for a function of arrays,
   ``update_parameters_with_momentum.py`` for an update over a network's dicts,
   ``mini_batch_epoch.py`` for a loop) to ``catalogue/<name>.py`` and rewrite it: the
   signature, the solution, cases that vary every argument (a test fails if a
   hyperparameter the learner could hard-code never varies), and the mistakes you have
   seen learners make, each a wrong version written out plainly with the text the learner
   should read.
2. Add one line to ``MODULES`` below.

``tests/test_exercises_catalogue.py`` then runs every wrong version through ``check``
(each must fail, and nine in ten must get their own name) and checks that every argument
shows on some case; write a hand-written wrong version per mistake in
``tests/test_exercises.py`` (or ``_network``), as a learner would write it.
"""

from __future__ import annotations

from . import (
    adam_update,
    classify_critical_point,
    ewa,
    ewa_bias_corrected,
    initialize_adam,
    initialize_velocity,
    inverse_time_decay,
    mini_batch_epoch,
    model,
    momentum_update,
    random_mini_batches,
    rmsprop_update,
    schedule_lr_decay,
    update_parameters_with_adam,
    update_parameters_with_momentum,
)

#: One line per exercise, in the notebooks' order.
MODULES = [
    random_mini_batches,                # 01
    mini_batch_epoch,
    ewa,                                # 02
    ewa_bias_corrected,                 # 03
    momentum_update,                    # 04
    initialize_velocity,
    update_parameters_with_momentum,
    rmsprop_update,                     # 05
    adam_update,                        # 06
    initialize_adam,
    update_parameters_with_adam,
    inverse_time_decay,                 # 07
    schedule_lr_decay,
    classify_critical_point,            # 08
    model,                              # 09
]

#: Exercise name -> its module.
REGISTRY = {module.EXERCISE.name: module for module in MODULES}

__all__ = ["MODULES", "REGISTRY"]

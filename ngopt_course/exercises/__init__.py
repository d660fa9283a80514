"""Exercises: the learner writes the formula, ``check`` says whether it is right and why not.

Warm-ups: plain numpy functions on single arrays, as the slides write them, and one epoch
of the slide's loop:

=======================================================================  =====================
``random_mini_batches(X, Y, mini_batch_size, seed)``                     list of (X_t, Y_t)
``mini_batch_epoch(X, Y, params, learning_rate, mini_batch_size, seed)``  (params, costs)
``ewa(theta, beta)``                                                     v_1..v_T (v_0 = 0)
``ewa_bias_corrected(theta, beta)``                                      v_t / (1 - beta^t)
``momentum_update(W, dW, v, beta, learning_rate)``                       (W, v)
``rmsprop_update(W, dW, s, beta, learning_rate, epsilon)``               (W, s)
``adam_update(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon)``     (W, v, s), t from 1
``inverse_time_decay(learning_rate0, epoch_num, decay_rate)``            a float or an array
``schedule_lr_decay(learning_rate0, epoch_num, decay_rate,               a float or an array,
time_interval)``                                                         epochs from 1
``classify_critical_point(hessian)``                                     "local minimum",
                                                                         "local maximum" or
                                                                         "saddle point"
=======================================================================  =====================

Full functions over a network's dict ``W1, b1, ..., WL, bL`` (v and s keyed like params,
updated in place and returned, v and s raw, t carried by the caller from 1):
``initialize_velocity(params)``, ``update_parameters_with_momentum(params, grads, v, beta,
learning_rate)``, ``initialize_adam(params)``, ``update_parameters_with_adam(params, grads,
v, s, t, learning_rate, beta1, beta2, epsilon)``.

The whole loop: ``model(X, Y, layer_dims, optimizer, learning_rate, mini_batch_size, beta,
beta1, beta2, epsilon, num_epochs, decay, decay_rate, time_interval, seed)`` returns
``(params, costs)``, one cost per epoch; with the same seed it gives ``train``'s costs.
Its check runs it with the package's building blocks, recording their calls, and names
the integration mistakes from a table of (name, predicate, advice): shuffled once, t per
epoch, the schedule every iteration, the decay one epoch late, a hyperparameter
hard-coded or passed for another, ...

Where things are
----------------
One exercise, one module: ``catalogue/<name>.py`` holds its spec, model solution, cases,
catalogue of wrong versions (each with the name the check must give it) and the correct
answers in another convention; ``catalogue/__init__.py`` lists them, one line each, and
says how to add one. The engines are shared and know no exercise: ``_runner`` (one call,
time limit, captured output), ``_compare`` (differences), ``_result`` (the verdict box),
``_check`` (plain functions: cases, catalogue, hard-coded hyperparameters from
``_fixed``), ``_network_check`` (the dict updates), ``_loop_check`` with ``_loop_rules``
(the loops), ``_minibatches`` (the shuffle, by its properties).

``check(name, fn)`` runs ``fn`` on several cases (edge cases included: t = 1 and
t > 1, m not a multiple of the mini-batch size, beta = 0, 1-D and 2-D arrays, arrays of
epochs, every hyperparameter away from its usual value, ...) and compares with the
model solution (``reference(name)``); ``random_mini_batches`` is checked by its
properties instead, since any correct shuffle is fine. The result shows as a green
(passed), red (failed) or amber (not done yet) box. On a failure the message says first
what went wrong: the recognised mistake (a missing (1 - beta), bias correction with t - 1,
epsilon fixed at 1e-8, ...), or the exception, or the missing ``return``; then the first
failing case, expected and actual values. A correct answer in the slide's form (Adam's
epsilon inside the square root) passes with a note naming the convention
(``CheckResult.convention``). Nothing the learner's function does makes ``check`` raise:
an exception is reported with the line of their code where it happened, a forgotten
``return`` as such, and a call running over its time limit (2 s; 5 s for one epoch, 10 s
for ``model``) is stopped, as is a loop running far more mini-batch steps than asked.

Rules the checks apply
----------------------
- Lists instead of arrays are fine when the values match.
- The update functions may update W, v and s in place (as the package's optimizers do)
  as long as they return the right values; changing inputs that are not theirs to
  change (dW, theta, X, Y, hessian) fails the check, since the caller's data changes.
- The updates over a network must update the dicts they are given in place (a correct
  result left only in new dicts is named "not_in_place"), and leave ``grads`` unchanged.
- Exercises whose text promises more than one kind of input (a list or an empty theta,
  an array of epochs) are checked on each; a function failing only there gets that
  promise, said plainly, as its diagnosis.
- A function that still raises ``NotImplementedError`` (the learner edition's stub) is
  "not done yet": ``passed`` False, ``not_done`` True, and no error.

The notebook pattern
--------------------
Exercise cell (in the solution edition; ``python -m ngopt_course.editions learner``
turns the fenced lines into ``raise NotImplementedError(...)`` and the hint into a
comment)::

    def momentum_update(W, dW, v, beta, learning_rate):
        \"\"\"One step of gradient descent with momentum; returns the new (W, v).\"\"\"
        ### HINT: v is an exponentially weighted average of the gradients dW.
        ### BEGIN SOLUTION
        v = beta * v + (1 - beta) * dW
        W = W - learning_rate * v
        return W, v
        ### END SOLUTION

Check cell (shows the verdict)::

    exercises.check("momentum_update", momentum_update)

First cell that uses the function (the learner's if it passes, else the package's, with
a one-line note, so the rest of the notebook runs either way)::

    momentum_update = exercises.use_or_reference("momentum_update", momentum_update)
"""

from ._check import EXERCISES, check, reference, use_or_reference
from ._result import CheckResult
from ._runner import TimeLimitExceeded

__all__ = ["check", "use_or_reference", "reference", "CheckResult", "EXERCISES", "TimeLimitExceeded"]

"""No wrong answer passes, and nine mistakes in ten are named (issue 21).

- Part 1: an argument the cases never vary is an argument a learner can ignore. For every
  exercise and every hyperparameter a learner may hard-code (``_fixed.HARD_CODED``), each
  value it may be fixed at shows on some case; a hand-written version with the value
  hard-coded fails and is named.
- The whole catalogue: every wrong version of every exercise (the catalogues, the
  hard-coded hyperparameters, the loops' hand-written wrong versions) is run through
  ``check``; the share named with its own key is counted, printed and held at >= 90 %;
  none passes. (The correct variants are checked beside each exercise's wrong versions,
  in tests/test_exercises.py and tests/test_exercises_network.py.)
"""

import numpy as np
import pytest

from ngopt_course import exercises
from ngopt_course.exercises import _mistakes, _network_mistakes
from ngopt_course.exercises._cases import CASES
from ngopt_course.exercises._check import EXERCISES, reference
from ngopt_course.exercises._fixed import HARD_CODED, fixed_argument_mistakes
from ngopt_course.exercises._network_check import NETWORK_CASES, _same, _variant

check = exercises.check

WARM_UPS = [name for name in CASES]
NETWORK = ["update_parameters_with_momentum", "update_parameters_with_adam"]


def _fixed_for(name):
    cases = CASES[name]() if name in CASES else NETWORK_CASES[name]()
    return cases, fixed_argument_mistakes(EXERCISES[name].parameters, reference(name), cases)


def _shows(name, fn, cases):
    ref = reference(name)
    if name in CASES:
        for case in cases:
            with np.errstate(all="ignore"):
                a, b = fn(**case.args), ref(**case.args)
            if not all(np.allclose(x, y, rtol=1e-6, equal_nan=True) for x, y in
                       zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,))):
                return True
        return False
    return any(not _same(_variant(fn, c), _variant(ref, c)) for c in cases)


@pytest.mark.parametrize("name", WARM_UPS + NETWORK)
def test_every_hard_coded_hyperparameter_shows_on_some_case(name):
    """An argument the cases never vary is an argument the learner can ignore: none is left."""
    cases, fixed = _fixed_for(name)
    assert fixed or not set(EXERCISES[name].parameters) & set(HARD_CODED)
    hidden = [m.text for m in fixed if not _shows(name, m.fns[0], cases)]
    assert not hidden, hidden


# ---------------------------------------------------------------------------
# Part 1: the five wrong solutions that passed, written by hand
# ---------------------------------------------------------------------------

def adam_net_epsilon_hard_coded(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    for key in params:
        v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
        s[key] = beta2 * s[key] + (1 - beta2) * grads[key] ** 2
        v_corrected = v[key] / (1 - beta1 ** t)
        s_corrected = s[key] / (1 - beta2 ** t)
        params[key] = params[key] - learning_rate * v_corrected / (np.sqrt(s_corrected) + 1e-8)
    return params, v, s


def test_update_parameters_with_adam_with_epsilon_hard_coded_fails_and_is_named():
    result = check("update_parameters_with_adam", adam_net_epsilon_hard_coded)
    assert not result.passed
    assert result.diagnosis == "epsilon_fixed", result.message
    assert result.message.startswith("Likely mistake: epsilon is fixed at 1e-08, not the argument")
    assert "epsilon is missing" not in result.message


def adam_epsilon_hard_coded(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW ** 2
    return W - learning_rate * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + 1e-8), v, s


def test_adam_update_with_epsilon_hard_coded_is_not_told_epsilon_is_missing():
    result = check("adam_update", adam_epsilon_hard_coded)
    assert not result.passed and result.diagnosis == "epsilon_fixed", result.message
    assert "epsilon is missing" not in result.message


def test_the_model_cases_vary_every_hyperparameter():
    from ngopt_course.exercises._loop_check import MODEL_CASES
    cases = [c.args for c in MODEL_CASES()]
    assert any(c["beta"] != c["beta1"] and c["optimizer"] == "adam" for c in cases)
    assert any(c["beta"] != c["beta1"] and c["optimizer"] == "momentum" for c in cases)
    assert any(c["beta2"] != 0.999 and c["optimizer"] == "adam" for c in cases)
    assert any(c["epsilon"] != 1e-8 and c["optimizer"] == "adam" for c in cases)
    for optimizer in ("gd", "momentum", "adam"):   # a learning rate no default shares, per optimizer
        assert any(c["optimizer"] == optimizer and c["learning_rate"] not in HARD_CODED["learning_rate"]
                   for c in cases), optimizer
    assert any(c["decay"] and c["decay_rate"] != 1.0 and c["time_interval"] != 1000 for c in cases)
    assert len({c["seed"] for c in cases}) > 1 and len({c["mini_batch_size"] for c in cases}) > 1


# The model's part-1 mistakes (epsilon, beta for beta1, 0.999 for beta2, beta1 for momentum's
# beta) are written by hand in tests/test_exercises_network.py (MODEL_WRONG), one test each.


# ---------------------------------------------------------------------------
# Misleading messages, corrected (issue 21, part 2)
# ---------------------------------------------------------------------------

def test_ewa_written_into_an_int_theta_is_told_both_and_not_about_zeros_like_only():
    from test_exercises import ewa_written_into_theta
    result = check("ewa", ewa_written_into_theta)
    assert result.diagnosis == "mutated_input"
    assert "changed theta in place" in result.message
    assert "theta itself" in result.message       # the truncation's cause is named among the ways


def test_an_int_dtype_output_is_named():
    from test_exercises import ewa_empty_like
    result = check("ewa", ewa_empty_like)
    assert result.diagnosis == "int_truncation", result.message


def test_the_assignments_floor_precedence_is_named_with_its_brackets():
    from test_exercises import schedule_floor_precedence, schedule_interval_ignored
    for fn in (schedule_floor_precedence, schedule_interval_ignored):
        result = check("schedule_lr_decay", fn)
        assert result.diagnosis == "interval_ignored", result.message
        assert "epoch_num - 1 / time_interval divides only the 1" in result.message


def test_momentum_over_a_network_changing_grads_gets_momentums_hint():
    def momentum_scaling_grads(params, grads, v, beta, learning_rate):
        for key in params:
            grads[key] *= (1 - beta)
            v[key] = beta * v[key] + grads[key]
            params[key] = params[key] - learning_rate * v[key]
        return params, v
    result = check("update_parameters_with_momentum", momentum_scaling_grads)
    assert result.diagnosis == "mutated_input"
    assert "not grads[key] *= (1 - beta)" in result.message and "** 2" not in result.message


def test_the_efficient_form_with_a_plain_epsilon_is_explained():
    from test_exercises import adam_efficient_form
    result = check("adam_update", adam_efficient_form)
    assert not result.passed and result.diagnosis == "efficient_form_plain_epsilon"
    assert "slightly different algorithm" in result.message and "epsilon_hat" in result.message


@pytest.mark.parametrize("key", ["step_with_dW", "order_swapped"])
def test_one_diagnosis_for_a_warm_up_and_its_network_version(key):
    warm = next(m.text for m in _mistakes.MISTAKES["momentum_update"] if m.key == key)
    net = next(m.text for m in _network_mistakes.NETWORK_MISTAKES["update_parameters_with_momentum"]
               if m.key == key)
    assert warm.split()[:3] == net.split()[:3]


# ---------------------------------------------------------------------------
# The whole catalogue: the share named
# ---------------------------------------------------------------------------

def _catalogue():
    for name, mistakes in {**_mistakes.MISTAKES, **_network_mistakes.NETWORK_MISTAKES}.items():
        for mistake in mistakes:
            for fn in mistake.fns:
                yield name, mistake.key, fn
    for name in WARM_UPS + NETWORK:
        for mistake in _fixed_for(name)[1]:
            yield name, mistake.key, mistake.fns[0]


def _loop_wrong():
    import test_exercises_network as net
    for key, fn in net.EPOCH_WRONG:
        yield "mini_batch_epoch", key, fn
    for key, how in net.MODEL_WRONG:
        yield "model", key, net.model_switch(**how)


def test_nine_mistakes_in_ten_are_named_and_none_passes(capsys):
    named, passed, total, unnamed = 0, [], 0, []
    for name, key, fn in [*_catalogue(), *_loop_wrong()]:
        result = check(name, fn)
        total += 1
        if result.passed:
            passed.append((name, key))
        elif result.diagnosis == key:
            named += 1
        else:
            unnamed.append((name, key, result.diagnosis))
    share = named / total
    with capsys.disabled():
        print(f"\nexercise catalogue: {named} of {total} wrong versions named ({100 * share:.1f} %), "
              f"{len(passed)} passed")
        for item in unnamed:
            print("  not named as its own:", item)
    assert not passed, passed
    assert share >= 0.90


# ---------------------------------------------------------------------------
# Part 2's hard-coded hyperparameters, written by hand as learners wrote them
# ---------------------------------------------------------------------------

def momentum_beta_hard_coded(W, dW, v, beta, learning_rate):
    v = 0.9 * v + 0.1 * dW
    return W - learning_rate * v, v


def momentum_lr_hard_coded(W, dW, v, beta, learning_rate):
    v = beta * v + (1 - beta) * dW
    return W - 0.1 * v, v


def rmsprop_beta_hard_coded(W, dW, s, beta, learning_rate, epsilon):
    s = 0.9 * s + 0.1 * dW ** 2
    return W - learning_rate * dW / (np.sqrt(s) + epsilon), s


def adam_step(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW ** 2
    return W - learning_rate * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + epsilon), v, s


def adam_beta2_hard_coded(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    return adam_step(W, dW, v, s, t, learning_rate, beta1, 0.999, epsilon)


def adam_lr_hard_coded(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    return adam_step(W, dW, v, s, t, 0.01, beta1, beta2, epsilon)


def adam_t_hard_coded(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    return adam_step(W, dW, v, s, 1, learning_rate, beta1, beta2, epsilon)


def momentum_net_lr_hard_coded(params, grads, v, beta, learning_rate):
    for key in params:
        v[key] = beta * v[key] + (1 - beta) * grads[key]
        params[key] = params[key] - 0.1 * v[key]
    return params, v


def adam_net_beta2_hard_coded(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    for key in params:
        v[key] = beta1 * v[key] + (1 - beta1) * grads[key]
        s[key] = 0.999 * s[key] + 0.001 * grads[key] ** 2
        params[key] = params[key] - learning_rate * (v[key] / (1 - beta1 ** t)) / (
            np.sqrt(s[key] / (1 - 0.999 ** t)) + epsilon)
    return params, v, s


@pytest.mark.parametrize("name, fn, key, text", [
    ("momentum_update", momentum_beta_hard_coded, "beta_fixed", "beta is fixed at 0.9"),
    ("momentum_update", momentum_lr_hard_coded, "learning_rate_fixed", "The learning rate is fixed at 0.1"),
    ("rmsprop_update", rmsprop_beta_hard_coded, "beta_fixed", "beta is fixed at 0.9"),
    ("adam_update", adam_beta2_hard_coded, "beta2_fixed", "beta2 is fixed at 0.999"),
    ("adam_update", adam_lr_hard_coded, "learning_rate_fixed", "The learning rate is fixed at 0.01"),
    ("adam_update", adam_t_hard_coded, "t_fixed", "t is fixed at 1"),
    ("update_parameters_with_momentum", momentum_net_lr_hard_coded, "learning_rate_fixed", "fixed at 0.1"),
    ("update_parameters_with_adam", adam_net_beta2_hard_coded, "beta2_fixed", "beta2 is fixed at 0.999"),
], ids=lambda x: x.__name__ if callable(x) else None)
def test_a_hard_coded_hyperparameter_fails_and_is_named(name, fn, key, text):
    result = check(name, fn)
    assert not result.passed and result.diagnosis == key, result.message
    assert result.message.startswith("Likely mistake: ") and text in result.message

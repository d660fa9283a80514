"""exercises.check: right answers pass however they are written, wrong ones are diagnosed.

The wrong implementations below are written by hand, the way a learner would write
them, independently of the catalogue's wrong versions in ``_mistakes.py``: each must get
the catalogue's diagnosis. The correct ones vary the style (loops, in place, lists,
other random generators) and must all pass.
"""

import signal
import sys
import threading
import time

import numpy as np
import pytest

from ngopt_course import exercises
from ngopt_course.exercises import _cases, _mistakes, _references, _runner
from ngopt_course.exercises._check import EXERCISES, _matches, _variant_results, _Verdict
from ngopt_course.exercises._compare import normalise

check = exercises.check


def text_of(name, key):
    """The catalogue's diagnosis text for a mistake, as the message shows it."""
    return next(m.text for m in _mistakes.MISTAKES[name] if m.key == key)


# ---------------------------------------------------------------------------
# The references: hand-computed values, so the checks compare with the truth
# ---------------------------------------------------------------------------

def test_reference_momentum_one_hand_computed_step():
    W, dW, v = np.array([1.0, -2.0]), np.array([0.5, 1.0]), np.array([0.2, 0.0])
    W_new, v_new = _references.momentum_update(W, dW, v, beta=0.9, learning_rate=0.1)
    np.testing.assert_allclose(v_new, [0.9 * 0.2 + 0.1 * 0.5, 0.1 * 1.0])   # [0.23, 0.1]
    np.testing.assert_allclose(W_new, [1.0 - 0.023, -2.0 - 0.01])
    np.testing.assert_array_equal(W, [1.0, -2.0])  # the reference does not mutate its inputs


def test_reference_rmsprop_and_adam_first_step_hand_computed():
    W, dW = np.array([1.0]), np.array([0.5])
    W_r, s_r = _references.rmsprop_update(W, dW, np.zeros(1), beta=0.9, learning_rate=0.1, epsilon=1e-8)
    np.testing.assert_allclose(s_r, [0.025])
    np.testing.assert_allclose(W_r, [1.0 - 0.1 * 0.5 / (np.sqrt(0.025) + 1e-8)])
    # Adam's first step: corrected v = dW, corrected s = dW^2, so the step is alpha * sign(dW).
    W_a, v_a, s_a = _references.adam_update(W, dW, np.zeros(1), np.zeros(1), 1, 0.01, 0.9, 0.999, 1e-8)
    np.testing.assert_allclose(v_a, [0.05])
    np.testing.assert_allclose(s_a, [0.00025])
    np.testing.assert_allclose(W_a, [1.0 - 0.01 * 0.5 / (0.5 + 1e-8)])


def test_reference_ewa_slide_values_and_decay_table():
    np.testing.assert_allclose(_references.ewa(np.array([40.0, 49.0, 45.0]), 0.9), [4.0, 8.5, 12.15])
    corrected = _references.ewa_bias_corrected(np.array([40.0, 49.0]), 0.98)
    np.testing.assert_allclose(corrected, [40.0, (0.0196 * 40 + 0.02 * 49) / 0.0396])
    rates = [_references.inverse_time_decay(0.2, e, 1.0) for e in (1, 2, 3, 4)]
    np.testing.assert_allclose(rates, [0.1, 0.2 / 3, 0.05, 0.04])


@pytest.mark.parametrize("hessian, label", [
    (np.diag([1.0, 2.0]), "local minimum"),
    (np.diag([-1.0, -2.0]), "local maximum"),
    (np.array([[1.0, 2.0], [2.0, 1.0]]), "saddle point"),   # eigenvalues 3 and -1
    (np.diag([1.0, 0.0]), "inconclusive"),
])
def test_reference_classify_critical_point(hessian, label):
    assert _references.classify_critical_point(hessian) == label


@pytest.mark.parametrize("name", list(_mistakes.CORRECT))
def test_catalogue_defaults_are_the_correct_formula(name):
    """The switches' defaults must reproduce the reference, or every diagnosis is off."""
    result = check(name, _mistakes.CORRECT[name])
    assert result.passed, result.message


@pytest.mark.parametrize("name", list(_mistakes.MISTAKES))
def test_every_mistake_shows_and_no_two_look_alike(name):
    """Each wrong version differs from the reference on some case, and from every other mistake."""
    spec = EXERCISES[name].outputs
    cases = _cases.CASES[name]()
    ref = [normalise(spec, exercises.reference(name)(**c.args))[0] for c in cases]

    class _Done:
        raised = False
        error = None

    def as_verdicts(values):
        return [_Verdict(i, c, _Done(), r, value=v) for i, (c, r, v) in enumerate(zip(cases, ref, values))]

    ref_verdicts = as_verdicts(ref)
    for mistake in _mistakes.MISTAKES[name]:
        for fn in mistake.fns:
            results = _variant_results(spec, fn, cases)
            assert not all(_matches(spec, v, r) for v, r in zip(ref_verdicts, results)), (
                f"{mistake.key}: no case tells it from the reference")
            values = [value for _, value in results]
            if any(value is None for value in values):
                continue  # it raises on some case; the other mistakes are checked against it below
            mine = as_verdicts(values)
            for other in _mistakes.MISTAKES[name]:
                if other.key == mistake.key:
                    continue
                for other_fn in other.fns:
                    theirs = _variant_results(spec, other_fn, cases)
                    assert not all(_matches(spec, v, r) for v, r in zip(mine, theirs)), (
                        f"{mistake.key} and {other.key} look alike on every case")


# ---------------------------------------------------------------------------
# Correct implementations, written differently: all pass
# ---------------------------------------------------------------------------

def ewa_loop_list(theta, beta):
    v, values = 0, []
    for theta_t in theta:
        v = beta * v + (1 - beta) * theta_t
        values.append(v)
    return values                                    # a list is fine


def ewa_while(theta, beta):
    out = np.zeros(len(theta), dtype=float)
    v, t = 0.0, 1
    while t <= len(theta):
        v = beta * v + (1 - beta) * theta[t - 1]
        out[t - 1] = v
        t += 1
    return out


def ewa_closed_form(theta, beta):
    T = len(theta)
    k = np.arange(T)
    weights = np.tril((1 - beta) * np.power(beta, np.subtract.outer(k, k).clip(0)))
    return weights @ np.asarray(theta, dtype=float)


def ewa_bc_loop(theta, beta):
    v, out = 0.0, []
    for t, theta_t in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * theta_t
        out.append(v / (1 - beta ** t))
    return np.array(out)


def ewa_bc_vectorized(theta, beta):
    plain = np.asarray(ewa_while(theta, beta))
    t = np.arange(1, len(theta) + 1)
    return plain / (1 - beta ** t)


def momentum_in_place(W, dW, v, beta, learning_rate):
    v *= beta
    v += (1 - beta) * dW
    W -= learning_rate * v
    return W, v


def momentum_lists(W, dW, v, beta, learning_rate):
    v_new = beta * np.asarray(v) + (1 - beta) * dW
    return (W - learning_rate * v_new).tolist(), list(v_new)   # lists, a tuple of two


def momentum_named(weights, grad, velocity, b, lr):
    velocity = b * velocity + (1 - b) * grad
    return [weights - lr * velocity, velocity]               # a list of two


def rmsprop_square(W, dW, s, beta, learning_rate, epsilon):
    s = beta * s + (1 - beta) * np.square(dW)
    W = W - learning_rate * dW / (np.sqrt(s) + epsilon)
    return W, s


def rmsprop_in_place(W, dW, s, beta, learning_rate, epsilon):
    s *= beta
    s += (1 - beta) * dW * dW
    W -= learning_rate * dW / (s ** 0.5 + epsilon)
    return W, s


def adam_slide(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW ** 2
    v_corrected = v / (1 - beta1 ** t)
    s_corrected = s / (1 - beta2 ** t)
    W = W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon)
    return W, v, s


def adam_in_place_elementwise(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    for i in np.ndindex(W.shape):                           # a loop over the elements
        v[i] = beta1 * v[i] + (1 - beta1) * dW[i]
        s[i] = beta2 * s[i] + (1 - beta2) * dW[i] * dW[i]
        W[i] -= learning_rate * (v[i] / (1 - beta1 ** t)) / (np.sqrt(s[i] / (1 - beta2 ** t)) + epsilon)
    return W, v, s


def decay_numpy(learning_rate0, epoch_num, decay_rate):
    return np.float64(learning_rate0) / np.add(1, np.multiply(decay_rate, epoch_num))


def decay_math(learning_rate0, epoch_num, decay_rate):
    return learning_rate0 * (1 + decay_rate * epoch_num) ** -1


def schedule_numpy_floor(learning_rate0, epoch_num, decay_rate, time_interval):
    return learning_rate0 / (1 + decay_rate * np.floor((np.asarray(epoch_num) - 1) / time_interval))


def schedule_integer_stages(learning_rate0, epoch_num, decay_rate, time_interval):
    stage = (epoch_num - 1) // time_interval              # whole stages completed before this epoch
    return learning_rate0 * (1 + decay_rate * stage) ** -1.0


def classify_eigvalsh(hessian):
    values = np.linalg.eigvalsh(hessian)
    if (values > 0).all():
        return "local minimum"
    if (values < 0).all():
        return "local maximum"
    return "saddle point"


def classify_eig(hessian):
    values = np.linalg.eig(hessian)[0].real                # eig on a nearly symmetric matrix is fine
    positive, negative = int(np.sum(values > 0)), int(np.sum(values < 0))
    if negative == 0:
        return np.str_("local minimum")                    # a numpy string is fine
    return "local maximum" if positive == 0 else "saddle point"


def classify_cholesky(hessian):
    def definite(h):
        try:
            np.linalg.cholesky(h)
            return True
        except np.linalg.LinAlgError:
            return False
    h = (hessian + hessian.T) / 2
    return "local minimum" if definite(h) else "local maximum" if definite(-h) else "saddle point"


@pytest.mark.parametrize("name, fn", [
    ("ewa", ewa_loop_list), ("ewa", ewa_while), ("ewa", ewa_closed_form),
    ("ewa_bias_corrected", ewa_bc_loop), ("ewa_bias_corrected", ewa_bc_vectorized),
    ("momentum_update", momentum_in_place), ("momentum_update", momentum_lists),
    ("momentum_update", momentum_named),
    ("rmsprop_update", rmsprop_square), ("rmsprop_update", rmsprop_in_place),
    ("adam_update", adam_slide), ("adam_update", adam_in_place_elementwise),
    ("inverse_time_decay", decay_numpy), ("inverse_time_decay", decay_math),
    ("schedule_lr_decay", schedule_numpy_floor), ("schedule_lr_decay", schedule_integer_stages),
    ("classify_critical_point", classify_eigvalsh), ("classify_critical_point", classify_eig),
    ("classify_critical_point", classify_cholesky),
], ids=lambda x: x if isinstance(x, str) else x.__name__)
def test_correct_implementations_pass(name, fn):
    result = check(name, fn)
    assert result.passed, result.message
    assert bool(result) and not result.not_done and result.diagnosis is None
    assert result.n_cases == len(_cases.CASES[name]()) and result.n_failed == 0
    assert "passed all" in str(result)


# ---------------------------------------------------------------------------
# Wrong implementations, one per diagnosed mistake
# ---------------------------------------------------------------------------

def _ewa_generic(theta, beta, step, first=None, store=None):
    out = np.zeros(len(theta))
    v = 0.0
    for i, theta_t in enumerate(theta):
        v = first(theta_t) if (first and i == 0) else step(v, theta_t)
        out[i] = v if store is None else store(v, i + 1)
    return out


def ewa_start_at_theta1(theta, beta):
    v = theta[0]
    out = [v]
    for theta_t in theta[1:]:
        v = beta * v + (1 - beta) * theta_t
        out.append(v)
    return np.array(out, dtype=float)


def ewa_no_one_minus(theta, beta):
    return _ewa_generic(theta, beta, lambda v, x: beta * v + x)


def ewa_swapped(theta, beta):
    return _ewa_generic(theta, beta, lambda v, x: (1 - beta) * v + beta * x)


def ewa_corrected_anyway(theta, beta):
    return _ewa_generic(theta, beta, lambda v, x: beta * v + (1 - beta) * x,
                        store=lambda v, t: v / (1 - beta ** t))


def ewa_stored_before_update(theta, beta):
    out, v = [], 0.0
    for theta_t in theta:
        out.append(v)
        v = beta * v + (1 - beta) * theta_t
    return np.array(out)


def ewa_with_v0(theta, beta):
    vs = [0.0]
    for theta_t in theta:
        vs.append(beta * vs[-1] + (1 - beta) * theta_t)
    return np.array(vs)


def ewa_last_value(theta, beta):
    v = 0.0
    for theta_t in theta:
        v = beta * v + (1 - beta) * theta_t
    return v


def ewa_zeros_like(theta, beta):
    v = np.zeros_like(theta)
    prev = 0.0
    for t in range(len(theta)):
        prev = beta * prev + (1 - beta) * theta[t]
        v[t] = prev
    return v


def ewa_bc_plain(theta, beta):
    return ewa_while(theta, beta)


def ewa_bc_enumerate_from_0(theta, beta):
    v, out = 0.0, np.zeros(len(theta))
    for t, theta_t in enumerate(theta):           # t = 0 first: 1 - beta ** 0 == 0
        v = beta * v + (1 - beta) * theta_t
        out[t] = v / (1 - beta ** t)             # numpy floats: inf and a RuntimeWarning
    return out


def ewa_bc_t_plus_1(theta, beta):
    v, out = 0.0, []
    for t, theta_t in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * theta_t
        out.append(v / (1 - beta ** (t + 1)))
    return out


def ewa_bc_bracket(theta, beta):
    v, out = 0.0, []
    for t, theta_t in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * theta_t
        out.append(v / (1 - beta) ** t)
    return out


def ewa_bc_times(theta, beta):
    v, out = 0.0, []
    for t, theta_t in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * theta_t
        out.append(v * (1 - beta ** t))
    return out


def ewa_bc_feedback(theta, beta):
    v, out = 0.0, []
    for t, theta_t in enumerate(theta, start=1):
        v = beta * v + (1 - beta) * theta_t
        v = v / (1 - beta ** t)
        out.append(v)
    return out


def ewa_bc_start_theta1(theta, beta):
    plain = ewa_start_at_theta1(theta, beta)
    return plain / (1 - beta ** np.arange(1, len(theta) + 1))


def ewa_bc_no_one_minus(theta, beta):
    v, out = 0.0, []
    for t, theta_t in enumerate(theta, start=1):
        v = beta * v + theta_t
        out.append(v / (1 - beta ** t))
    return out


def ewa_bc_zeros_like(theta, beta):
    out = np.zeros_like(theta)
    v = 0.0
    for t in range(1, len(theta) + 1):
        v = beta * v + (1 - beta) * theta[t - 1]
        out[t - 1] = v / (1 - beta ** t)
    return out


def ewa_loop_from_1(theta, beta):
    """v[0] taken for v_0 = 0: theta_1 is never averaged, and an empty theta raises."""
    theta = np.asarray(theta, dtype=float)
    v = np.zeros(len(theta))
    v[0] = 0.0
    for t in range(1, len(theta)):
        v[t] = beta * v[t - 1] + (1 - beta) * theta[t]
    return v


def ewa_bc_final_T(theta, beta):
    theta = np.asarray(theta, dtype=float)
    T = len(theta)
    out, v = np.zeros(T), 0.0
    for t in range(T):
        v = beta * v + (1 - beta) * theta[t]
        out[t] = v / (1 - beta ** T)
    return out


def ewa_empty_like(theta, beta):
    """An int-dtype output: np.empty_like of integer temperatures."""
    theta = np.asarray(theta)
    out, v = np.empty_like(theta), 0.0
    for t in range(len(theta)):
        v = beta * v + (1 - beta) * theta[t]
        out[t] = v
    return out


def ewa_written_into_theta(theta, beta):
    v = 0.0
    for t in range(len(theta)):
        v = beta * v + (1 - beta) * theta[t]
        theta[t] = v
    return np.array(theta, dtype=float)


def mom(step_v, step_W, returns=lambda W, v, v_old: (W, v)):
    def momentum_update(W, dW, v, beta, learning_rate):
        v_new = step_v(v, dW, beta, learning_rate)
        W_new = step_W(W, v_new, v, dW, learning_rate)
        return returns(W_new, v_new, v)
    return momentum_update


_avg = lambda v, dW, beta, lr: beta * v + (1 - beta) * dW                      # noqa: E731
_descend = lambda W, v, v_old, dW, lr: W - lr * v                              # noqa: E731

MOMENTUM_WRONG = {
    "one_minus_beta_missing": mom(lambda v, dW, beta, lr: beta * v + dW, _descend),
    "beta_swapped": mom(lambda v, dW, beta, lr: (1 - beta) * v + beta * dW, _descend),
    "sign_flipped": mom(_avg, lambda W, v, v_old, dW, lr: W + lr * v),
    "W_not_updated": mom(_avg, lambda W, v, v_old, dW, lr: W),
    "step_with_dW": mom(_avg, lambda W, v, v_old, dW, lr: W - lr * dW),
    "step_with_old_v": mom(_avg, lambda W, v, v_old, dW, lr: W - lr * v_old),
    "v_not_returned": mom(_avg, _descend, returns=lambda W, v, v_old: (W, v_old)),
    "learning_rate_in_v": mom(lambda v, dW, beta, lr: beta * v + (1 - beta) * lr * dW,
                              lambda W, v, v_old, dW, lr: W - v),
    "order_swapped": mom(_avg, _descend, returns=lambda W, v, v_old: (v, W)),
}


def rms(square=lambda dW: dW ** 2, s_update=None, step=None, returns=None):
    def rmsprop_update(W, dW, s, beta, learning_rate, epsilon):
        s_new = (s_update or (lambda s, g2, beta, eps: beta * s + (1 - beta) * g2))(s, square(dW), beta, epsilon)
        W_new = (step or (lambda W, dW, s_new, s, lr, eps: W - lr * dW / (np.sqrt(s_new) + eps)))(
            W, dW, s_new, s, learning_rate, epsilon)
        return (returns or (lambda W, s_new, s: (W, s_new)))(W_new, s_new, s)
    return rmsprop_update


RMSPROP_WRONG = {
    "not_squared": rms(square=lambda dW: dW),
    "matrix_square": rms(square=lambda dW: np.dot(dW, dW.T)),
    "eps_into_s": rms(s_update=lambda s, g2, beta, eps: beta * s + (1 - beta) * g2 + eps,
                      step=lambda W, dW, s_new, s, lr, eps: W - lr * dW / np.sqrt(s_new)),
    "eps_missing": rms(step=lambda W, dW, s_new, s, lr, eps: W - lr * dW / np.sqrt(s_new)),
    "no_sqrt": rms(step=lambda W, dW, s_new, s, lr, eps: W - lr * dW / (s_new + eps)),
    "one_minus_beta_missing": rms(s_update=lambda s, g2, beta, eps: beta * s + g2),
    "beta_swapped": rms(s_update=lambda s, g2, beta, eps: (1 - beta) * s + beta * g2),
    "sign_flipped": rms(step=lambda W, dW, s_new, s, lr, eps: W + lr * dW / (np.sqrt(s_new) + eps)),
    "W_not_updated": rms(step=lambda W, dW, s_new, s, lr, eps: W),
    "step_with_old_s": rms(step=lambda W, dW, s_new, s, lr, eps: W - lr * dW / (np.sqrt(s) + eps)),
    "s_not_returned": rms(returns=lambda W, s_new, s: (W, s)),
    "order_swapped": rms(returns=lambda W, s_new, s: (s_new, W)),
    # issue 21, part 2
    "sum_of_squares": rms(square=lambda dW: np.sum(dW ** 2)),
    "eps_added_after_fraction": rms(step=lambda W, dW, s_new, s, lr, eps: W - lr * dW / np.sqrt(s_new) + eps),
}


def adam(v_rule=None, s_rule=None, v_hat=None, s_hat=None, step=None, returns=None):
    def adam_update(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
        v = (v_rule or (lambda v, dW, b1: b1 * v + (1 - b1) * dW))(v, dW, beta1)
        s = (s_rule or (lambda s, dW, b2: b2 * s + (1 - b2) * dW ** 2))(s, dW, beta2)
        vc = (v_hat or (lambda v, b1, t: v / (1 - b1 ** t)))(v, beta1, t)
        sc = (s_hat or (lambda s, b2, t: s / (1 - b2 ** t)))(s, beta2, t)
        W_new = (step or (lambda W, vc, sc, s, lr, eps, b2, t: W - lr * vc / (np.sqrt(sc) + eps)))(
            W, vc, sc, s, learning_rate, epsilon, beta2, t)
        return (returns or (lambda W, v, s, vc, sc: (W, v, s)))(W_new, v, s, vc, sc)
    return adam_update


def adam_s_corrected_with_beta1(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW ** 2
    v_corrected = v / (1 - beta1 ** t)
    s_corrected = s / (1 - beta1 ** t)           # beta1 copied from the line above
    return W - learning_rate * v_corrected / (np.sqrt(s_corrected) + epsilon), v, s


def adam_efficient_form(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    """Kingma & Ba, section 2: alpha_t = alpha sqrt(1 - beta2^t) / (1 - beta1^t), plain epsilon."""
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW ** 2
    alpha_t = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return W - alpha_t * v / (np.sqrt(s) + epsilon), v, s


def adam_betas_swapped(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    return adam_slide(W, dW, v, s, t, learning_rate, beta2, beta1, epsilon)


def adam_t_from_0(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    t = t - 1                               # "t counts the steps before this one"
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        W = W - learning_rate * (v / (1 - beta1 ** t)) / (np.sqrt(s / (1 - beta2 ** t)) + epsilon)
    return W, v, s


ADAM_WRONG = {
    "no_bias_correction": adam(v_hat=lambda v, b1, t: v, s_hat=lambda s, b2, t: s),
    "only_v_corrected": adam(s_hat=lambda s, b2, t: s),
    "only_s_corrected": adam(v_hat=lambda v, b1, t: v),
    "t_from_0": adam_t_from_0,
    "t_plus_1": adam(v_hat=lambda v, b1, t: v / (1 - b1 ** (t + 1)), s_hat=lambda s, b2, t: s / (1 - b2 ** (t + 1))),
    "power_of_one_minus_beta": adam(v_hat=lambda v, b1, t: v / (1 - b1) ** t, s_hat=lambda s, b2, t: s / (1 - b2) ** t),
    "corrected_returned": adam(returns=lambda W, v, s, vc, sc: (W, vc, sc)),
    "betas_swapped": adam_betas_swapped,
    "one_minus_beta_missing": adam(v_rule=lambda v, dW, b1: b1 * v + dW),
    "not_squared": adam(s_rule=lambda s, dW, b2: b2 * s + (1 - b2) * dW),
    "matrix_square": adam(s_rule=lambda s, dW, b2: b2 * s + (1 - b2) * (dW @ dW)),
    "eps_missing": adam(step=lambda W, vc, sc, s, lr, eps, b2, t: W - lr * vc / np.sqrt(sc)),
    "no_sqrt": adam(step=lambda W, vc, sc, s, lr, eps, b2, t: W - lr * vc / (sc + eps)),
    "s_correction_outside_sqrt": adam(
        step=lambda W, vc, sc, s, lr, eps, b2, t: W - lr * vc / (np.sqrt(s) / (1 - b2 ** t) + eps)),
    "sign_flipped": adam(step=lambda W, vc, sc, s, lr, eps, b2, t: W + lr * vc / (np.sqrt(sc) + eps)),
    "W_not_updated": adam(step=lambda W, vc, sc, s, lr, eps, b2, t: W),
    "order_swapped": adam(returns=lambda W, v, s, vc, sc: (W, s, v)),
    # issue 21, part 2
    "s_corrected_with_beta1": adam_s_corrected_with_beta1,
    "eps_added_after_fraction": adam(step=lambda W, vc, sc, s, lr, eps, b2, t: W - lr * vc / np.sqrt(sc) + eps),
    "efficient_form_plain_epsilon": adam_efficient_form,
}

DECAY_WRONG = {
    "epoch_from_0": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 / (1 + decay_rate * (epoch_num - 1)),
    "missing_one": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 / (decay_rate * epoch_num),
    "brackets_times_epoch": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 / (1 + decay_rate) * epoch_num,
    "brackets_missing": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 / 1 + decay_rate * epoch_num,
    "multiplied": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 * (1 + decay_rate * epoch_num),
    "power": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 / (1 + decay_rate) ** epoch_num,
    "alpha0_missing": lambda learning_rate0, epoch_num, decay_rate: 1 / (1 + decay_rate * epoch_num),
    "decay_rate_missing": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 / (1 + epoch_num),
    "arguments_swapped": lambda learning_rate0, epoch_num, decay_rate: decay_rate / (1 + learning_rate0 * epoch_num),
    "floor_division": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 // (1 + decay_rate * epoch_num),
    # issue 21, part 2
    "exponential_decay": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 * np.exp(-decay_rate * epoch_num),
    "decay_rate_in_numerator": lambda learning_rate0, epoch_num, decay_rate: learning_rate0 * decay_rate / (1 + epoch_num),
}


SCHEDULE_WRONG = {
    # the assignment's formula, epochs from 0, run on the course's epochs from 1
    "epoch_from_0": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 / (1 + decay_rate * np.floor(epoch_num / time_interval)),
    "no_floor": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 / (1 + decay_rate * (epoch_num - 1) / time_interval),
    "ceil": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 / (1 + decay_rate * np.ceil(epoch_num / time_interval)),
    "interval_ignored": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 / (1 + decay_rate * epoch_num),
    "power": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 / (1 + decay_rate) ** ((epoch_num - 1) // time_interval),
    # inverse_time_decay's old order, (learning_rate0, decay_rate, epoch_num, ...)
    "arguments_swapped": lambda learning_rate0, decay_rate, epoch_num, time_interval:
        learning_rate0 / (1 + decay_rate * ((epoch_num - 1) // time_interval)),
    # issue 21, part 2
    "rounded": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 / (1 + decay_rate * np.round((epoch_num - 1) / time_interval)),
    "precedence": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 / (1 + decay_rate * (epoch_num - 1 / time_interval)),
    "decay_rate_power": lambda learning_rate0, epoch_num, decay_rate, time_interval:
        learning_rate0 * decay_rate ** ((epoch_num - 1) // time_interval),
}


def schedule_floor_precedence(learning_rate0, epoch_num, decay_rate, time_interval):
    return learning_rate0 / (1 + decay_rate * np.floor(epoch_num - 1 / time_interval))


def schedule_interval_ignored(learning_rate0, epoch_num, decay_rate, time_interval):
    return learning_rate0 / (1 + decay_rate * (epoch_num - 1))


def inverse_time_decay_old_order(learning_rate0, decay_rate, epoch_num):
    return learning_rate0 / (1 + decay_rate * epoch_num)


def test_the_schedules_share_one_argument_order():
    """learning_rate0, epoch_num, ...: the exercises' signatures and the package's agree."""
    import inspect

    from ngopt_course import schedules
    for name in ("inverse_time_decay", "schedule_lr_decay"):
        package = list(inspect.signature(getattr(schedules, name)).parameters)
        assert package[:2] == ["learning_rate0", "epoch_num"]
        assert EXERCISES[name].signature == f"{name}({', '.join(package)})"
    assert schedules.inverse_time_decay(0.5, 5, 0.1) == pytest.approx(0.5 / 1.5)


def test_inverse_time_decay_in_the_old_order_is_named_though_its_values_agree():
    """decay_rate * epoch_num is symmetric, so the values are right; the order is still said."""
    result = check("inverse_time_decay", inverse_time_decay_old_order)
    assert result.passed, result.message
    assert "Your parameters are (learning_rate0, decay_rate, epoch_num), in another order" in result.message


def test_parameters_in_another_order_are_named_when_the_catalogue_is_silent():
    def ewa(beta, theta):
        return _references.ewa(theta, beta)
    result = check("ewa", ewa)
    assert not result.passed and result.diagnosis == "arguments_order", result.message
    assert result.message.startswith("Likely mistake: Your parameters are (beta, theta)")


def classify_swapped(hessian):
    values = np.linalg.eigvalsh(hessian)
    if np.all(values > 0):
        return "local maximum"
    if np.all(values < 0):
        return "local minimum"
    return "saddle point"


CLASSIFY_WRONG = {
    "min_max_swapped": classify_swapped,
    "any_negative_is_max": lambda h: "local maximum" if min(np.linalg.eigvals(h).real) < 0 else "local minimum",
    "any_positive_is_min": lambda h: "local minimum" if max(np.linalg.eigvalsh(h)) > 0 else "local maximum",
    "diagonal_signs": lambda h: ("local minimum" if all(h[i, i] > 0 for i in range(len(h))) else
                                 "local maximum" if all(h[i, i] < 0 for i in range(len(h))) else "saddle point"),
    "determinant_test": lambda h: ("saddle point" if np.linalg.det(h) < 0 else
                                   "local minimum" if h[0][0] > 0 else "local maximum"),
    "trace_sign": lambda h: "local minimum" if np.trace(h) > 0 else "local maximum",
}

WRONG = [
    ("ewa", "v0_theta1", ewa_start_at_theta1),
    ("ewa", "one_minus_beta_missing", ewa_no_one_minus),
    ("ewa", "beta_swapped", ewa_swapped),
    ("ewa", "bias_corrected", ewa_corrected_anyway),
    ("ewa", "shifted", ewa_stored_before_update),
    ("ewa", "includes_v0", ewa_with_v0),
    ("ewa", "last_only", ewa_last_value),
    ("ewa", "int_truncation", ewa_zeros_like),
    ("ewa", "first_value_skipped", ewa_loop_from_1),
    ("ewa_bias_corrected", "no_correction", ewa_bc_plain),
    ("ewa_bias_corrected", "t_from_0", ewa_bc_enumerate_from_0),
    ("ewa_bias_corrected", "t_plus_1", ewa_bc_t_plus_1),
    ("ewa_bias_corrected", "power_of_one_minus_beta", ewa_bc_bracket),
    ("ewa_bias_corrected", "multiplied", ewa_bc_times),
    ("ewa_bias_corrected", "fed_back", ewa_bc_feedback),
    ("ewa_bias_corrected", "v0_theta1", ewa_bc_start_theta1),
    ("ewa_bias_corrected", "one_minus_beta_missing", ewa_bc_no_one_minus),
    ("ewa_bias_corrected", "int_truncation", ewa_bc_zeros_like),
    ("ewa_bias_corrected", "final_T", ewa_bc_final_T),
    *[("momentum_update", key, fn) for key, fn in MOMENTUM_WRONG.items()],
    *[("rmsprop_update", key, fn) for key, fn in RMSPROP_WRONG.items()],
    *[("adam_update", key, fn) for key, fn in ADAM_WRONG.items()],
    *[("inverse_time_decay", key, fn) for key, fn in DECAY_WRONG.items()],
    *[("schedule_lr_decay", key, fn) for key, fn in SCHEDULE_WRONG.items()],
    *[("classify_critical_point", key, fn) for key, fn in CLASSIFY_WRONG.items()],
]


def test_every_catalogued_mistake_has_a_hand_written_test():
    tested = {(name, key) for name, key, _ in WRONG}
    catalogued = {(name, m.key) for name, ms in _mistakes.MISTAKES.items() for m in ms}
    assert tested == catalogued


@pytest.mark.parametrize("name, key, fn", WRONG, ids=[f"{n}-{k}" for n, k, _ in WRONG])
def test_wrong_implementation_is_diagnosed(name, key, fn):
    result = check(name, fn)
    assert not result.passed and not result.not_done
    assert result.diagnosis == key, result.message
    assert result.message.startswith("Likely mistake: " + text_of(name, key))
    assert "Case " in result.message and "Traceback" not in result.message


def test_message_shows_the_first_failing_case_with_expected_and_actual():
    result = check("momentum_update", MOMENTUM_WRONG["sign_flipped"])
    first = _cases.CASES["momentum_update"]()[0]
    W_expected, _ = _references.momentum_update(**first.args)
    assert f"Case 1 of 4: {first.label}" in result.message
    assert "Expected:" in result.message and "Yours:" in result.message
    # v is right; only W is reported as differing, with the largest gap located
    assert "W differs: largest difference" in result.message and "v differs" not in result.message
    gap = np.abs(2 * (W_expected - first.args["W"]))          # W + step vs W - step
    assert f"{gap.max():.4g}" in result.message
    assert result.n_failed == 4 and "Also failing: case 2, case 3, case 4." in result.message


def test_two_mistakes_at_once_give_no_false_certainty():
    # (1 - beta) missing AND the sign flipped: no single catalogued mistake explains it all.
    def two_mistakes(W, dW, v, beta, learning_rate):
        v = beta * v + dW
        return W + learning_rate * v, v
    result = check("momentum_update", two_mistakes)
    assert not result.passed and "Likely mistake" not in result.message
    assert result.diagnosis == "one_minus_beta_missing"                  # v alone matches it
    assert result.message.startswith(
        "Possible mistake (it explains your v; something else is wrong too): The (1 - beta) factor is missing")


def test_a_coincidence_on_one_case_is_not_a_diagnosis():
    # Diagonal signs, but "saddle point" for everything else: matches no catalogued mistake on
    # every failing case, so nothing is suggested (the determinant test agrees on case 2 only).
    def classify(hessian):
        return "local minimum" if np.all(np.diag(hessian) > 0) else "saddle point"
    result = check("classify_critical_point", classify)
    assert not result.passed and result.diagnosis is None
    assert "mistake" not in result.message


def test_shape_difference_is_described():
    def ewa_transposed(theta, beta):
        return np.asarray(ewa_while(theta, beta)).reshape(-1, 1)
    result = check("ewa", ewa_transposed)
    assert "v has shape (3, 1), expected (3,)" in result.message


def test_classify_wording_is_diagnosed():
    def classify_short(hessian):
        label = classify_eigvalsh(hessian)
        return {"local minimum": "minimum", "local maximum": "Maximum", "saddle point": "saddle"}[label]
    result = check("classify_critical_point", classify_short)
    assert not result.passed and result.diagnosis == "wording"
    assert "right, but worded differently ('minimum')" in result.message


def test_classify_returning_the_eigenvalues_is_a_type_problem():
    result = check("classify_critical_point", lambda h: np.linalg.eigvalsh(h))
    assert result.diagnosis == "wrong_type"
    assert "expected one of the strings 'local minimum', 'local maximum', 'saddle point'" in result.message
    assert "(its eigenvalues: [2])" in result.message


# ---------------------------------------------------------------------------
# Whatever the learner's code does, check answers (and never raises)
# ---------------------------------------------------------------------------

def ewa_index_error(theta, beta):
    v, out = 0.0, []
    for t in range(1, len(theta) + 1):
        v = beta * v + (1 - beta) * theta[t]
        out.append(v)
    return out


def test_exception_is_reported_with_the_learners_line_not_a_traceback():
    result = check("ewa", ewa_index_error)
    assert not result.passed and result.diagnosis == "raised"
    assert "Your function raised IndexError: index 3 is out of bounds for axis 0 with size 3" in result.message
    assert "at line" in result.message and "in ewa_index_error: v = beta * v + (1 - beta) * theta[t]" in result.message
    assert "Traceback" not in result.message and "File " not in result.message


def test_exception_inside_numpy_points_at_the_learners_call():
    def rms_broadcast(W, dW, s, beta, learning_rate, epsilon):
        s = beta * s + (1 - beta) * (dW @ dW.T)
        return W - learning_rate * dW / (np.sqrt(s) + epsilon), s
    result = check("rmsprop_update", rms_broadcast)
    assert result.diagnosis == "matrix_square"                       # square case matched, others raised
    assert "Your function raised" not in result.message.split("\n")[0]
    bad = check("rmsprop_update", lambda W, dW, s, beta, learning_rate, epsilon: (W @ np.ones(7), s))
    assert bad.diagnosis == "raised" and "Your function raised ValueError: matmul" in bad.message
    assert "in <lambda>: bad = check(" in bad.message                 # the learner's line, not numpy's


def test_forgotten_return_is_named():
    def momentum_no_return(W, dW, v, beta, learning_rate):
        v = beta * v + (1 - beta) * dW
        W = W - learning_rate * v
    result = check("momentum_update", momentum_no_return)
    assert result.diagnosis == "returned_none"
    assert "returned None: did you forget `return W, v` at the end?" in result.message


@pytest.mark.parametrize("fn, text", [
    (lambda W, dW, v, beta, learning_rate: W - learning_rate * dW, "returned one ndarray; expected 2 values: return W, v"),
    (lambda W, dW, v, beta, learning_rate: (W, v, dW), "returned 3 values; expected 2: return W, v"),
    (lambda W, dW, v, beta, learning_rate: (W, None), "returned (W, v) but v is None"),
    (lambda W, dW, v, beta, learning_rate: ("W", "v"), "returned (W, v) but W is not an array of numbers"),
])
def test_wrong_result_types_are_named(fn, text):
    result = check("momentum_update", fn)
    assert not result.passed and result.diagnosis == "wrong_type"
    assert text in result.message


def test_a_number_is_expected_from_the_schedule():
    result = check("inverse_time_decay", lambda learning_rate0, epoch_num, decay_rate: [learning_rate0])
    assert "Expected one number (a float); yours is an array of shape (1,)" in result.message


def test_mutating_dW_fails_but_updating_W_v_in_place_passes():
    def momentum_mutates_dW(W, dW, v, beta, learning_rate):
        dW *= (1 - beta)
        v = beta * v + dW
        return W - learning_rate * v, v
    result = check("momentum_update", momentum_mutates_dW)
    assert not result.passed and result.diagnosis == "mutated_input"
    assert "Your function changed dW in place" in result.message
    assert "updating W, v and s in place is fine" in result.message
    assert check("momentum_update", momentum_in_place).passed


def test_mutating_theta_fails():
    def ewa_overwrites(theta, beta):
        v = 0.0
        for t in range(len(theta)):
            v = beta * v + (1 - beta) * theta[t]
            theta[t] = v
        return theta
    result = check("ewa", ewa_overwrites)
    assert result.diagnosis == "mutated_input"
    assert result.message.startswith("Your function changed theta in place")
    # writing v into an integer theta also truncates: that diagnosis follows
    assert "Likely mistake: " + text_of("ewa", "int_truncation") in result.message


def test_not_done_stub_reports_without_raising():
    def adam_update(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
        raise NotImplementedError("Exercise: write the body of adam_update")
    result = check("adam_update", adam_update)
    assert not result.passed and result.not_done and result.status == "not_done"
    assert result.headline == "adam_update: not done yet"
    assert "still raises NotImplementedError" in result.message
    assert "ngopt-check-not-done" in result._repr_html_()
    assert check("ewa", lambda theta, beta: NotImplemented).not_done
    mb = check("random_mini_batches", lambda X, Y, mini_batch_size, seed: NotImplemented)
    assert mb.not_done and not mb.passed


def test_not_a_function_is_explained():
    result = check("ewa", np.array([1.0, 2.0]))
    assert not result.passed and result.diagnosis == "not_a_function"
    assert "without calling it: check('ewa', ewa)" in result.message


def test_unknown_exercise_name_is_the_authors_error():
    with pytest.raises(ValueError, match=r"name == 'adam', must be one of: random_mini_batches, mini_batch_epoch, ewa, "):
        check("adam", adam_slide)


def test_printed_output_and_warnings_are_captured_and_shown(capsys):
    def ewa_noisy(theta, beta):
        print("computing...")
        return np.asarray(theta, dtype=float) / np.zeros(len(theta))   # divide by zero: inf
    result = check("ewa", ewa_noisy)
    assert capsys.readouterr().out == ""                                  # nothing leaks to the notebook
    assert "Your function printed:\n    computing..." in result.message
    assert "Warnings: RuntimeWarning: divide by zero encountered in divide" in result.message
    assert "v contains NaN or inf (first at index 0)" in result.message


def test_wrong_parameters_are_explained():
    result = check("momentum_update", lambda W, dW, v, beta: (W, v))
    assert "Your function raised TypeError: " in result.message
    assert "The check calls it as momentum_update(W, dW, v, beta, learning_rate)" in result.message


def test_system_exit_is_caught():
    def leaves(theta, beta):
        sys.exit(3)
    result = check("ewa", leaves)
    assert result.diagnosis == "raised" and "SystemExit: 3" in result.message


def test_global_random_state_and_alarm_are_left_as_found():
    np.random.seed(123)
    before = np.random.get_state()[1].copy()
    handler_before = signal.getsignal(signal.SIGALRM)      # pytest-timeout's under --timeout
    timer_before = signal.getitimer(signal.ITIMER_REAL)

    def ewa_seeds(theta, beta):
        np.random.seed(0)
        return ewa_while(theta, beta)
    assert check("ewa", ewa_seeds).passed
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    assert signal.getsignal(signal.SIGALRM) == handler_before
    timer_after = signal.getitimer(signal.ITIMER_REAL)
    if timer_before == (0.0, 0.0):
        assert timer_after == (0.0, 0.0)
    else:  # someone else's alarm is set again, with the time it had left (less, never more)
        assert 0.0 < timer_after[0] <= timer_before[0] and timer_after[1] == timer_before[1]


def test_an_alarm_set_by_someone_else_is_kept_and_fires_through_its_handler():
    """As pytest-timeout's: a check inside its window hands the alarm back; when its time
    comes during the check, its handler runs (the order of events, not the clock, is tested)."""
    fired = []

    def theirs(signum, frame):
        fired.append(signum)
    previous = signal.signal(signal.SIGALRM, theirs)
    try:
        signal.setitimer(signal.ITIMER_REAL, 3600.0)
        assert check("ewa", spin, time_limit=0.2).diagnosis == "timeout"     # ours first
        assert signal.getsignal(signal.SIGALRM) is theirs and 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 3600
        assert not fired
        signal.setitimer(signal.ITIMER_REAL, 0.05)                          # theirs first
        result = check("ewa", spin, time_limit=0.5)
        assert fired == [signal.SIGALRM] and result.diagnosis == "timeout"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


# -- time limits -------------------------------------------------------------

def spin(theta, beta):
    while True:
        pass


def spin_numpy(theta, beta):
    x = np.ones(3)
    while True:
        x = np.sqrt(x) + 0.0


def spin_catching(theta, beta):
    while True:
        try:
            while True:
                pass
        except Exception:                # cannot catch the time limit (a BaseException)
            pass


def counted(fn):
    """``fn`` and the list of its calls: what a check did, told by the order of events."""
    calls = []

    def wrapper(*args):
        calls.append(args)
        return fn(*args)
    return wrapper, calls


@pytest.mark.parametrize("fn", [spin, spin_numpy, spin_catching], ids=lambda f: f.__name__)
def test_endless_loop_is_stopped_in_the_main_thread(fn):
    wrapper, calls = counted(fn)
    result = check("ewa", wrapper, time_limit=0.3)
    assert len(calls) == 1                              # one case only, then it stops
    assert not result.passed and result.diagnosis == "timeout"
    assert result.headline == "ewa: stopped after 0.3 s on case 1"
    assert "still running after 0.3 s and was stopped at\n  line" in result.message
    assert f"in {fn.__name__}:" in result.message


@pytest.mark.parametrize("fn", [spin, spin_numpy], ids=lambda f: f.__name__)
def test_endless_loop_is_stopped_by_the_tracer(fn):
    outcome = _runner.run(fn, {"theta": np.ones(3), "beta": 0.9}, seconds=0.3, method="trace")
    assert outcome.timed_out and f"in {fn.__name__}" in outcome.where
    assert sys.gettrace() is None or "coverage" in type(sys.gettrace()).__module__


def test_check_outside_the_main_thread_uses_the_tracer():
    found = {}

    def worker():
        found["alarm"] = _runner._alarm_available()
        wrapper, found["calls"] = counted(spin_numpy)
        found["result"] = check("ewa", wrapper, time_limit=0.3)
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()            # an endless wait if the tracer failed: pytest-timeout's to catch
    assert found["alarm"] is False
    assert found["result"].diagnosis == "timeout" and len(found["calls"]) == 1
    assert "in spin_numpy:" in found["result"].message


def test_the_tracer_stops_when_its_clock_passes_the_limit(monkeypatch):
    """A fake clock: each reading is 0.1 s later; the limit of 1 s ends the loop after ~10 readings."""
    clock = iter(np.arange(0.0, 1e6, 0.1))
    monkeypatch.setattr(_runner.time, "monotonic", lambda: float(next(clock)))
    outcome = _runner.run(spin, {"theta": np.ones(3), "beta": 0.9}, seconds=1.0, method="trace")
    readings = next(clock)
    assert outcome.timed_out and "in spin" in outcome.where
    assert 1.0 < readings < 2.0                          # stopped on the first readings past the limit


def test_slow_sleep_is_stopped():
    """A sleep of an hour comes back as a time-out: the alarm interrupted it (else: no verdict for an hour)."""
    result = check("inverse_time_decay", lambda learning_rate0, epoch_num, decay_rate: time.sleep(3600),
                   time_limit=0.3)
    assert result.diagnosis == "timeout" and result.n_failed == 1


def test_a_loop_stopped_inside_library_code_points_at_the_learners_line():
    """isinstance on an ABC runs abc's __instancecheck__ (a frozen module): not the learner's line."""
    from collections.abc import Sequence

    def ewa_spin_isinstance(theta, beta):
        while True:
            isinstance(theta, Sequence)   # the learner's line
    result = check("ewa", ewa_spin_isinstance, time_limit=0.3)
    assert result.diagnosis == "timeout"
    assert "stopped at\n  line" in result.message and "in ewa_spin_isinstance: " in result.message
    assert "__instancecheck__" not in result.message and "<frozen" not in result.message


# ---------------------------------------------------------------------------
# random_mini_batches, checked by its properties
# ---------------------------------------------------------------------------

def _cut(X, Y, perm, size, keep_last=True):
    Xs, Ys = X[:, perm], Y[:, perm]
    m = X.shape[1]
    stop = m if keep_last else (m // size) * size
    return [(Xs[:, k:k + size], Ys[:, k:k + size]) for k in range(0, stop, size)]


def mb_default_rng(X, Y, mini_batch_size, seed):
    rng = np.random.default_rng(seed)
    return _cut(X, Y, rng.permutation(X.shape[1]), mini_batch_size)


def mb_coursera(X, Y, mini_batch_size, seed):
    np.random.seed(seed)
    m = X.shape[1]
    mini_batches = []
    permutation = list(np.random.permutation(m))
    shuffled_X = X[:, permutation]
    shuffled_Y = Y[:, permutation].reshape((1, m))
    num_complete = m // mini_batch_size
    for k in range(num_complete):
        mini_batches.append((shuffled_X[:, k * mini_batch_size:(k + 1) * mini_batch_size],
                             shuffled_Y[:, k * mini_batch_size:(k + 1) * mini_batch_size]))
    if m % mini_batch_size != 0:
        mini_batches.append((shuffled_X[:, num_complete * mini_batch_size:],
                             shuffled_Y[:, num_complete * mini_batch_size:]))
    return mini_batches


def mb_choice_loop(X, Y, mini_batch_size, seed):
    rng = np.random.RandomState(seed)
    order = rng.choice(X.shape[1], X.shape[1], replace=False)
    batches, current = [], []
    for i in order:                                      # column by column
        current.append(i)
        if len(current) == mini_batch_size:
            batches.append([X[:, current], Y[:, current]])
            current = []
    if current:
        batches.append([X[:, current], Y[:, current]])
    return tuple(batches)


def mb_generator(X, Y, mini_batch_size, seed):
    perm = np.random.default_rng(seed).permutation(X.shape[1])
    for start in range(0, X.shape[1], mini_batch_size):
        idx = perm[start:start + mini_batch_size]
        yield X[:, idx], Y[:, idx]


@pytest.mark.parametrize("fn", [mb_default_rng, mb_coursera, mb_choice_loop, mb_generator,
                                _references.random_mini_batches], ids=lambda f: f.__name__)
def test_correct_mini_batches_pass(fn):
    result = check("random_mini_batches", fn)
    assert result.passed, result.message
    assert result.headline == "random_mini_batches: passed all 6 cases"


def mb_last_one_late(X, Y, mini_batch_size, seed):
    m = X.shape[1]
    perm = np.random.default_rng(seed).permutation(m)
    X_s, Y_s = X[:, perm], Y[:, perm]
    k = m // mini_batch_size
    batches = [(X_s[:, i * mini_batch_size:(i + 1) * mini_batch_size], Y_s[:, i * mini_batch_size:(i + 1) * mini_batch_size])
               for i in range(k)]
    if m % mini_batch_size:
        batches.append((X_s[:, k * mini_batch_size + 1:], Y_s[:, k * mini_batch_size + 1:]))
    return batches


def _perm(seed, m):
    return np.random.default_rng(seed).permutation(m)


MINI_BATCH_WRONG = [
    ("returned_none", "returned None: did you forget `return mini_batches`",
     lambda X, Y, size, seed: None),
    ("not_a_list", "returned a ndarray; expected a list of (X_t, Y_t) pairs",
     lambda X, Y, size, seed: X),
    ("two_lists", "returned two lists (all the X_t, then all the Y_t)",
     lambda X, Y, size, seed: ([b[0] for b in mb_default_rng(X, Y, size, seed)],
                               [b[1] for b in mb_default_rng(X, Y, size, seed)])),
    ("not_pairs", "each mini-batch should be a pair (X_t, Y_t)",
     lambda X, Y, size, seed: [b[0] for b in mb_default_rng(X, Y, size, seed)]),
    ("examples_in_rows", "the examples are in rows",
     lambda X, Y, size, seed: [(a.T, b) for a, b in mb_default_rng(X, Y, size, seed)]),
    ("Y_1d", "it lost its row axis",
     lambda X, Y, size, seed: [(a, b[0]) for a, b in mb_default_rng(X, Y, size, seed)]),
    ("columns_broken", "Did you shuffle the rows",
     lambda X, Y, size, seed: [(np.sort(a, axis=0)[::-1], b) for a, b in mb_default_rng(X, Y, size, seed)]),
    ("m_from_rows", "m was read from X.shape[0]",
     lambda X, Y, size, seed: _cut(X[:, :X.shape[0]], Y[:, :X.shape[0]], _perm(seed, X.shape[0]), size)),
    ("last_batch_dropped", "The last, partial mini-batch is missing",
     lambda X, Y, size, seed: _cut(X, Y, _perm(seed, X.shape[1]), size, keep_last=False)),
    ("empty_last_batch", "Your last mini-batch is empty",
     lambda X, Y, size, seed: [*mb_coursera(X, Y, size, seed)] + (
         [(X[:, :0], Y[:, :0])] if X.shape[1] % size == 0 else [])),
    ("uneven_sizes", "np.array_split splits evenly",
     lambda X, Y, size, seed: list(zip(np.array_split(X[:, _perm(seed, X.shape[1])], -(-X.shape[1] // size), axis=1),
                                       np.array_split(Y[:, _perm(seed, X.shape[1])], -(-X.shape[1] // size), axis=1)))),
    ("with_replacement", "drawn with replacement",
     lambda X, Y, size, seed: _cut(X, Y, np.random.default_rng(seed).integers(0, X.shape[1], X.shape[1]), size)),
    ("only_X_shuffled", "Only X was shuffled",
     lambda X, Y, size, seed: [(a, Y[:, k * size:(k + 1) * size])
                               for k, (a, _) in enumerate(mb_default_rng(X, Y, size, seed))]),
    ("only_Y_shuffled", "Only Y was shuffled",
     lambda X, Y, size, seed: [(X[:, k * size:(k + 1) * size], b)
                               for k, (_, b) in enumerate(mb_default_rng(X, Y, size, seed))]),
    ("different_permutations", "two different permutations",
     lambda X, Y, size, seed: list(zip([a for a, _ in mb_default_rng(X, Y, size, seed)],
                                       [b for _, b in mb_default_rng(X, Y, size, seed + 100)]))),
    ("not_shuffled", "The mini-batches are in the original order",
     lambda X, Y, size, seed: _cut(X, Y, np.arange(X.shape[1]), size)),
    ("shuffled_within_batches", "only reordered inside it",
     lambda X, Y, size, seed: [(a[:, p], b[:, p]) for a, b in _cut(X, Y, np.arange(X.shape[1]), size)
                               for p in [np.random.default_rng(seed).permutation(a.shape[1])]]),
    ("not_deterministic", "The same seed gave different mini-batches",
     lambda X, Y, size, seed: _cut(X, Y, np.random.default_rng().permutation(X.shape[1]), size)),
    ("seed_ignored", "the seed argument is ignored",
     lambda X, Y, size, seed: _cut(X, Y, _perm(42, X.shape[1]), size)),
    # numpy's global generator without np.random.seed(seed): check restores the global state
    # after each call (the notebook's generator is left as it was), so this ignores the seed too
    ("seed_ignored", "numpy's global generator without np.random.seed(seed)",
     lambda X, Y, size, seed: _cut(X, Y, np.random.permutation(X.shape[1]), size)),
    ("mutated_input", "Your function changed X in place",
     lambda X, Y, size, seed: np.random.default_rng(seed).shuffle(X, axis=1) or _cut(X, Y, np.arange(X.shape[1]), size)),
    # issue 21, part 2: the last mini-batch cut from num_complete * size + 1
    ("last_batch_one_late", "starts one column late", mb_last_one_late),
]


@pytest.mark.parametrize("key, text, fn", MINI_BATCH_WRONG, ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(MINI_BATCH_WRONG)])
def test_wrong_mini_batches_are_diagnosed(key, text, fn):
    result = check("random_mini_batches", fn)
    assert not result.passed and not result.not_done
    assert result.diagnosis == key, result.message
    assert text in result.message
    assert "Traceback" not in result.message


def test_mini_batch_message_decodes_the_examples():
    result = check("random_mini_batches", MINI_BATCH_WRONG[8][2])      # last batch dropped
    perm = _perm(1, 10)
    assert "sized [4, 4, 2]; yours are sized [4, 4]" in result.message
    assert f"X_1: examples {list(map(int, perm[:4]))}".replace("[", "[").replace("]", "]") in result.message
    assert "column j is [j, 1000 + j, 2000 + j]" in result.message


def test_mini_batch_exception_and_timeout():
    def raises(X, Y, mini_batch_size, seed):
        return X[:, np.random.default_rng(seed).permutation(X.shape[1] + 5)]
    result = check("random_mini_batches", raises)
    assert result.diagnosis == "raised" and "Your function raised IndexError" in result.message
    hung = check("random_mini_batches", lambda X, Y, s, seed: spin(X, Y), time_limit=0.2)
    assert hung.diagnosis == "timeout" and hung.headline == "random_mini_batches: stopped after 0.2 s"


# ---------------------------------------------------------------------------
# The result object and use_or_reference
# ---------------------------------------------------------------------------

def test_result_displays_as_text_and_html():
    passed = check("ewa", ewa_while)
    assert str(passed).startswith("\u2714 ewa: passed all 8 cases") and repr(passed) == str(passed)
    html = passed._repr_html_()
    assert 'class="ngopt-check ngopt-check-pass"' in html and "#1a7f37" in html
    failed = check("classify_critical_point", CLASSIFY_WRONG["min_max_swapped"])
    assert not failed and str(failed).startswith("\u2718 classify_critical_point: ")
    html = failed._repr_html_()
    assert "ngopt-check-fail" in html and "#c62828" in html
    assert "&#x27;local maximum&#x27;" in html and "'local maximum'" not in html   # escaped


def test_use_or_reference_keeps_a_passing_function(capsys):
    assert exercises.use_or_reference("ewa", ewa_while) is ewa_while
    assert capsys.readouterr().out == "ewa: using your implementation (it passes its check).\n"


def test_use_or_reference_falls_back_with_one_line(capsys):
    def momentum_update(W, dW, v, beta, learning_rate):
        raise NotImplementedError
    fn = exercises.use_or_reference("momentum_update", momentum_update)
    assert fn is exercises.reference("momentum_update")
    out = capsys.readouterr().out
    assert out == ("momentum_update: yours is not done yet, so the cells below use the package's "
                   "implementation.\n")
    W, v = fn(np.array([1.0]), np.array([1.0]), np.array([0.0]), 0.9, 0.5)
    np.testing.assert_allclose([W[0], v[0]], [1.0 - 0.5 * 0.1, 0.1])
    wrong = exercises.use_or_reference("momentum_update", MOMENTUM_WRONG["sign_flipped"])
    assert wrong is exercises.reference("momentum_update")
    assert "yours does not pass its check yet" in capsys.readouterr().out


def test_use_or_reference_reuses_the_last_check():
    calls = []

    def counted(theta, beta):
        calls.append(1)
        return ewa_while(theta, beta)
    check("ewa", counted)
    n = len(calls)
    assert exercises.use_or_reference("ewa", counted) is counted
    assert len(calls) == n                            # not run again


def test_every_exercise_has_cases_a_reference_and_a_catalogue():
    checked_their_own_way = {"random_mini_batches", "mini_batch_epoch", "initialize_velocity",
                             "update_parameters_with_momentum", "initialize_adam", "update_parameters_with_adam",
                             "model"}
    assert set(exercises.EXERCISES) == set(_cases.CASES) | checked_their_own_way
    assert set(_mistakes.MISTAKES) == set(_cases.CASES)
    for name in exercises.EXERCISES:
        assert callable(exercises.reference(name))


# ---------------------------------------------------------------------------
# The slide's forms pass with a note; every promise of an exercise's text is a case
# ---------------------------------------------------------------------------

def rmsprop_slide_eps_inside(W, dW, s, beta, learning_rate, epsilon):
    s = beta * s + (1 - beta) * dW ** 2
    return W - learning_rate * dW / np.sqrt(s + epsilon), s


def adam_slide_eps_inside(W, dW, v, s, t, learning_rate, beta1, beta2, epsilon):
    v = beta1 * v + (1 - beta1) * dW
    s = beta2 * s + (1 - beta2) * dW ** 2
    v_corrected, s_corrected = v / (1 - beta1 ** t), s / (1 - beta2 ** t)
    return W - learning_rate * v_corrected / np.sqrt(s_corrected + epsilon), v, s


@pytest.mark.parametrize("name, fn", [("rmsprop_update", rmsprop_slide_eps_inside),
                                      ("adam_update", adam_slide_eps_inside)])
def test_the_slides_epsilon_inside_the_root_passes_with_a_note(name, fn, capsys):
    result = check(name, fn)
    assert result.passed and result.convention == "eps_inside_sqrt", result.message
    assert "Likely mistake" not in result.message and "mistake" not in result.message.lower()
    assert "epsilon inside the square root" in result.message or "epsilon inside the square root" in \
        result.message.replace("You put epsilon", "epsilon")
    assert "outside" in result.message and "differ only when s is tiny" in result.message
    assert exercises.use_or_reference(name, fn) is fn
    assert "slide's form (eps_inside_sqrt)" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["rmsprop_update", "adam_update"])
def test_tiny_gradient_cases_really_test_epsilon(name):
    """The 1e-6 cases hold non-zero gradients, and epsilon's place changes the step there."""
    case = next(c for c in _cases.CASES[name]() if "tiny" in c.label)
    assert np.all(case.args["dW"] != 0) and np.all(np.abs(case.args["dW"]) < 1e-5)
    with_eps = exercises.reference(name)(**case.args)[0]
    without = dict(case.args, epsilon=1e-30)
    assert not np.allclose(with_eps, exercises.reference(name)(**without)[0], rtol=1e-6, atol=0)


def test_a_scalar_only_decay_fails_with_a_plain_hint_first():
    import math

    def scalar_only(learning_rate0, epoch_num, decay_rate):
        return learning_rate0 / (1 + decay_rate * math.floor(epoch_num))   # fine for an int only
    result = check("inverse_time_decay", scalar_only)
    assert not result.passed and result.diagnosis == "scalar_only"
    assert result.message.startswith("Likely mistake: your function fails on an array of epochs. "
                                     "epoch_num can be a single int or an array")
    assert "Your function raised TypeError" in result.message
    assert exercises.use_or_reference("inverse_time_decay", scalar_only) is exercises.reference("inverse_time_decay")


def test_decay_returning_one_number_for_an_array_is_explained():
    result = check("inverse_time_decay", lambda learning_rate0, epoch_num, decay_rate:
                   float(np.mean(learning_rate0 / (1 + decay_rate * np.asarray(epoch_num)))))
    assert not result.passed
    assert "Expected an array of shape (4,), one rate per epoch; yours is one number" in result.message


@pytest.mark.parametrize("fn, start", [
    (lambda theta, beta: None, "Your function returned None: did you forget `return v` at the end?"),
    (lambda theta, beta: theta[len(theta) + 3], "Your function raised IndexError"),
])
def test_what_went_wrong_comes_first(fn, start):
    result = check("ewa", fn)
    assert result.message.startswith(start), result.message
    assert "\n\nCase 1 of" in result.message


@pytest.mark.parametrize("key, text, fn", [w for w in MINI_BATCH_WRONG if w[0] in (
    "last_batch_dropped", "returned_none", "different_permutations", "mutated_input")], ids=lambda x: x if isinstance(x, str) else "")
def test_mini_batch_diagnosis_comes_before_the_case(key, text, fn):
    result = check("random_mini_batches", fn)
    assert result.message.index(text) < result.message.index("Case "), result.message


def test_mini_batch_exception_comes_before_the_case():
    def raises(X, Y, mini_batch_size, seed):
        return X[:, np.random.default_rng(seed).permutation(X.shape[1] + 5)]
    result = check("random_mini_batches", raises)
    assert result.message.startswith("Your function raised IndexError"), result.message


@pytest.mark.parametrize("name, fn, words", [
    ("adam_update", adam_slide, "the v and s returned are the raw averages, not the corrected ones"),
    ("adam_update", ADAM_WRONG["sign_flipped"], "in place or new arrays are both fine"),
    ("inverse_time_decay", decay_numpy, "epoch 0 is not asked"),
    ("classify_critical_point", classify_eigvalsh, "No case has a zero eigenvalue"),
    ("classify_critical_point", CLASSIFY_WRONG["trace_sign"], "'inconclusive'"),
], ids=lambda x: x if isinstance(x, str) and len(x) < 30 else "")
def test_what_is_asked_is_said_where_learners_were_unsure(name, fn, words):
    assert words in check(name, fn).message


def ewa_array_only(theta, beta):
    out = theta * 0.0                                   # a list * 0.0 raises TypeError
    v = 0.0
    for t in range(len(theta)):
        v = beta * v + (1 - beta) * theta[t]
        out[t] = v
    return out


def ewa_nonempty_only(theta, beta):
    out = [(1 - beta) * theta[0]]                       # theta[0] raises on an empty theta
    for theta_t in theta[1:]:
        out.append(beta * out[-1] + (1 - beta) * theta_t)
    return np.array(out)


@pytest.mark.parametrize("fn, key, words", [
    (ewa_array_only, "list_input", "theta can be a list or an array"),
    (ewa_nonempty_only, "empty_input", "fails on an empty theta"),
])
def test_ewa_promises_lists_and_empty_input(fn, key, words):
    result = check("ewa", fn)
    assert not result.passed and result.diagnosis == key, result.message
    assert result.message.startswith("Likely mistake: your function fails") and words in result.message


def test_the_note_of_a_slide_form_answer_stands_out_in_the_box():
    html = check("rmsprop_update", rmsprop_slide_eps_inside)._repr_html_()
    assert "ngopt-check-pass" in html
    assert '<div style="font-weight: 600; margin: 4px 0;">You put epsilon inside the square root' in html

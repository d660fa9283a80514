"""The exercises over a whole network and the training loops: right answers pass however they
are written, each integration mistake is named.

The wrong versions here are written by hand, the way a learner would write them,
independently of the catalogue in ``_network_mistakes.py`` and of the recorded-call
diagnoses of ``_loop_check.py``.
"""

import numpy as np
import pytest

from ngopt_course import exercises, make_moons, train, Adam, GradientDescent, Momentum
from ngopt_course.exercises import _network_mistakes, _network_references as refs
from ngopt_course.exercises._network_check import NETWORK_CASES
from ngopt_course.minibatch import iter_mini_batches, random_mini_batches
from ngopt_course.experiments.capstone import LAYER_DIMS
from ngopt_course.nn import cost_and_grads, initialize_parameters
from ngopt_course.schedules import schedule_lr_decay

check = exercises.check


def layers(params):
    return range(1, len(params) // 2 + 1)


# ---------------------------------------------------------------------------
# The references: hand-computed, and the loop is train's
# ---------------------------------------------------------------------------

def test_momentum_over_a_network_one_hand_computed_step_in_place():
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"W1": np.array([[0.5, 1.0]]), "b1": np.array([[-1.0]])}
    v = {"W1": np.array([[0.2, 0.0]]), "b1": np.array([[0.0]])}
    out_params, out_v = refs.update_parameters_with_momentum(params, grads, v, beta=0.9, learning_rate=0.1)
    assert out_params is params and out_v is v                       # in place, returned
    np.testing.assert_allclose(v["W1"], [[0.23, 0.1]])
    np.testing.assert_allclose(params["W1"], [[1.0 - 0.023, -2.0 - 0.01]])
    np.testing.assert_allclose(v["b1"], [[-0.1]])
    np.testing.assert_allclose(params["b1"], [[0.51]])


def test_adam_over_a_network_first_step_moves_every_parameter_by_alpha():
    params = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
    grads = {"W1": np.array([[0.5, -3.0]]), "b1": np.array([[2.0]])}
    v, s = refs.initialize_adam(params)
    refs.update_parameters_with_adam(params, grads, v, s, 1, 0.01, 0.9, 0.999, 1e-8)
    # first step: v_corrected = dW, s_corrected = dW^2, so W moves by alpha * sign(dW)
    np.testing.assert_allclose(params["W1"], [[0.99, -1.99]], rtol=1e-7)
    np.testing.assert_allclose(params["b1"], [[0.49]], rtol=1e-7)
    np.testing.assert_allclose(v["W1"], [[0.05, -0.3]])                 # raw, not corrected
    np.testing.assert_allclose(s["b1"], [[0.004]])


@pytest.mark.parametrize("name, optimizer, decay", [
    ("gd", GradientDescent(0.1), None), ("momentum", Momentum(0.1, 0.9), None),
    ("adam", Adam(0.01), None), ("adam", Adam(0.05), 2)])
def test_the_model_solution_gives_trains_costs(name, optimizer, decay):
    X, Y = make_moons(50, 0.2, seed=4)
    lr = optimizer.learning_rate
    params, costs = refs.model(X, Y, [2, 4, 1], name, learning_rate=lr, mini_batch_size=16, num_epochs=6, seed=7,
                               decay=schedule_lr_decay if decay else None, decay_rate=1.0, time_interval=decay or 1000)
    schedule = (lambda e: schedule_lr_decay(lr, e, 1.0, decay)) if decay else None
    p2, h = train(X, Y, [2, 4, 1], optimizer, mini_batch_size=16, num_epochs=6, seed=7, schedule=schedule,
                  progress=False)
    np.testing.assert_allclose(costs, h.epoch_costs, rtol=1e-13)
    for k in p2:
        np.testing.assert_allclose(params[k], p2[k], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", ["update_parameters_with_momentum", "update_parameters_with_adam"])
def test_catalogue_defaults_are_the_model_solution(name):
    result = check(name, _network_mistakes.NETWORK_CORRECT[name])
    assert result.passed and result.convention is None, result.message


@pytest.mark.parametrize("name", ["update_parameters_with_momentum", "update_parameters_with_adam"])
def test_every_network_mistake_shows_on_the_cases(name):
    ref = exercises.reference(name)
    cases = NETWORK_CASES[name]()
    for mistake in _network_mistakes.NETWORK_MISTAKES[name]:
        differs = False
        for case in cases:
            copy = {k: ({kk: a.copy() for kk, a in x.items()} if isinstance(x, dict) else x) for k, x in case.args.items()}
            copy2 = {k: ({kk: a.copy() for kk, a in x.items()} if isinstance(x, dict) else x) for k, x in case.args.items()}
            right = ref(**copy2)
            try:
                with np.errstate(all="ignore"):
                    wrong = mistake.fns[0](**copy)
            except ValueError:       # e.g. one velocity carried into a layer of another shape
                differs = True
                continue
            differs = differs or any(not np.allclose(wrong[i][k], right[i][k], rtol=1e-6, equal_nan=False)
                                     for i in range(len(right)) for k in right[i])
        assert differs, mistake.key


# ---------------------------------------------------------------------------
# Correct answers, written differently: all pass
# ---------------------------------------------------------------------------

def momentum_numpy_in_place(params, grads, v, beta, learning_rate):
    for key in params:                       # any order over the keys is fine
        v[key] *= beta
        v[key] += (1 - beta) * grads[key]
        params[key] -= learning_rate * v[key]
    return params, v


def momentum_coursera_style(parameters, grads, v, beta, learning_rate):
    L = len(parameters) // 2
    for l in range(L):
        v["W" + str(l + 1)] = beta * v["W" + str(l + 1)] + (1 - beta) * grads["W" + str(l + 1)]
        v["b" + str(l + 1)] = beta * v["b" + str(l + 1)] + (1 - beta) * grads["b" + str(l + 1)]
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * v["W" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * v["b" + str(l + 1)]
    return parameters, v


def adam_in_place(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    step = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)     # the paper's efficient form... almost
    for key in params:
        v[key] *= beta1
        v[key] += (1 - beta1) * grads[key]
        s[key] *= beta2
        s[key] += (1 - beta2) * np.square(grads[key])
        params[key] -= learning_rate * (v[key] / (1 - beta1 ** t)) / (np.sqrt(s[key] / (1 - beta2 ** t)) + epsilon)
    del step
    return params, v, s


def adam_slide_epsilon_inside(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    for l in layers(params):
        for p in ("W", "b"):
            k = f"{p}{l}"
            v[k] = beta1 * v[k] + (1 - beta1) * grads[k]
            s[k] = beta2 * s[k] + (1 - beta2) * grads[k] ** 2
            v_corrected, s_corrected = v[k] / (1 - beta1 ** t), s[k] / (1 - beta2 ** t)
            params[k] = params[k] - learning_rate * v_corrected / np.sqrt(s_corrected + epsilon)
    return params, v, s


def init_velocity_loop(params):
    v = {}
    for l in layers(params):
        v["W" + str(l)] = np.zeros(params["W" + str(l)].shape)
        v["b" + str(l)] = np.zeros((params["b" + str(l)].shape[0], 1))
    return v


def init_adam_two_calls(params):
    return init_velocity_loop(params), {k: np.zeros_like(a) for k, a in params.items()}


@pytest.mark.parametrize("name, fn", [
    ("update_parameters_with_momentum", momentum_numpy_in_place),
    ("update_parameters_with_momentum", momentum_coursera_style),
    ("update_parameters_with_adam", adam_in_place),
    ("initialize_velocity", init_velocity_loop),
    ("initialize_adam", init_adam_two_calls),
], ids=lambda x: x if isinstance(x, str) else x.__name__)
def test_correct_network_functions_pass(name, fn):
    result = check(name, fn)
    assert result.passed and result.diagnosis is None and result.convention is None, result.message


def test_the_slides_adam_epsilon_inside_passes_with_a_note(capsys):
    result = check("update_parameters_with_adam", adam_slide_epsilon_inside)
    assert result.passed and result.convention == "eps_inside_sqrt"
    assert result.message.startswith("You used the slide's form, epsilon inside the square root")
    assert "Kingma & Ba and PyTorch" in result.message and "differ only when s is tiny" in result.message
    assert exercises.use_or_reference("update_parameters_with_adam", adam_slide_epsilon_inside) is \
        adam_slide_epsilon_inside
    assert "in the slide's form" in capsys.readouterr().out


# ---------------------------------------------------------------------------
# Wrong updates, one per diagnosed mistake
# ---------------------------------------------------------------------------

def mom_b_not_updated(params, grads, v, beta, learning_rate):
    for l in layers(params):
        v[f"W{l}"] = beta * v[f"W{l}"] + (1 - beta) * grads[f"W{l}"]
        params[f"W{l}"] = params[f"W{l}"] - learning_rate * v[f"W{l}"]
    return params, v


def mom_range_1_L(params, grads, v, beta, learning_rate):
    L = len(params) // 2
    for l in range(1, L):                       # stops one layer early
        for k in (f"W{l}", f"b{l}"):
            v[k] = beta * v[k] + (1 - beta) * grads[k]
            params[k] = params[k] - learning_rate * v[k]
    return params, v


def mom_one_velocity(params, grads, v, beta, learning_rate):
    v_W, v_b = v["W1"], v["b1"]                 # one velocity, carried through the layers
    for l in layers(params):
        v_W = beta * v_W + (1 - beta) * grads[f"W{l}"]
        v_b = beta * v_b + (1 - beta) * grads[f"b{l}"]
        params[f"W{l}"] = params[f"W{l}"] - learning_rate * v_W
        params[f"b{l}"] = params[f"b{l}"] - learning_rate * v_b
        v[f"W{l}"], v[f"b{l}"] = v_W, v_b
    return params, v


def mom_W_first(params, grads, v, beta, learning_rate):
    for k in params:
        params[k] = params[k] - learning_rate * v[k]
        v[k] = beta * v[k] + (1 - beta) * grads[k]
    return params, v


def mom_rule(rule):
    def update(params, grads, v, beta, learning_rate):
        for k in params:
            v[k], params[k] = rule(params[k], grads[k], v[k], beta, learning_rate)
        return params, v
    return update


def mom_local_v(params, grads, v, beta, learning_rate):
    for k in params:
        velocity = beta * v[k] + (1 - beta) * grads[k]
        params[k] = params[k] - learning_rate * velocity
    return params, v


def mom_new_dicts(params, grads, v, beta, learning_rate):
    new_v = {k: beta * v[k] + (1 - beta) * grads[k] for k in params}
    return {k: params[k] - learning_rate * new_v[k] for k in params}, new_v


def mom_b_with_vW(params, grads, v, beta, learning_rate):
    for l in layers(params):
        for k in (f"W{l}", f"b{l}"):
            v[k] = beta * v[k] + (1 - beta) * grads[k]
        params[f"W{l}"] = params[f"W{l}"] - learning_rate * v[f"W{l}"]
        params[f"b{l}"] = params[f"b{l}"] - learning_rate * np.sum(v[f"W{l}"], axis=1, keepdims=True)
    return params, v


def mom_returns_v_first(params, grads, v, beta, learning_rate):
    for k in params:
        v[k] = beta * v[k] + (1 - beta) * grads[k]
        params[k] = params[k] - learning_rate * v[k]
    return v, params


def mom_scales_grads(params, grads, v, beta, learning_rate):
    for k in params:
        grads[k] *= (1 - beta)
        v[k] = beta * v[k] + grads[k]
        params[k] = params[k] - learning_rate * v[k]
    return params, v


MOMENTUM_WRONG = {
    "b_not_updated": mom_b_not_updated,
    "last_layer_skipped": mom_range_1_L,
    "v_shared_by_layers": mom_one_velocity,
    "step_with_old_v": mom_W_first,
    "one_minus_beta_missing": mom_rule(lambda W, dW, v, b, lr: (b * v + dW, W - lr * (b * v + dW))),
    "beta_swapped": mom_rule(lambda W, dW, v, b, lr: ((1 - b) * v + b * dW, W - lr * ((1 - b) * v + b * dW))),
    "sign_flipped": mom_rule(lambda W, dW, v, b, lr: (b * v + (1 - b) * dW, W + lr * (b * v + (1 - b) * dW))),
    "v_not_stored": mom_local_v,
    "learning_rate_in_v": mom_rule(lambda W, dW, v, b, lr: (b * v + (1 - b) * lr * dW, W - (b * v + (1 - b) * lr * dW))),
    "not_in_place": mom_new_dicts,
    "mutated_input": mom_scales_grads,
    # issue 21, part 2
    "step_with_dW": mom_rule(lambda W, dW, v, b, lr: (b * v + (1 - b) * dW, W - lr * dW)),
    "b_stepped_with_vW": mom_b_with_vW,
    "order_swapped": mom_returns_v_first,
}


def adam_switch(**how):
    def update(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
        if how.get("swap"):
            beta1, beta2 = beta2, beta1
        L = len(params) // 2
        keys = [f"W{l}" for l in range(1, L + 1)] if how.get("no_b") else [
            f"{p}{l}" for l in range(1, (L if how.get("skip_last") else L + 1)) for p in "Wb"]
        carried = {}
        for k in keys:
            g = grads[k]
            v_old, s_old = carried.get(k[0], (v[k], s[k])) if how.get("shared") else (v[k], s[k])
            one1, one2 = (1.0, 1.0) if how.get("no_one_minus") else (1 - beta1, 1 - beta2)
            v_new = beta1 * v_old + one1 * g
            s_new = beta2 * s_old + one2 * (g if how.get("no_square") else g * g)
            carried[k[0]] = (v_new, s_new)
            tt = t + how.get("shift", 0)
            if how.get("old"):
                v_use, s_use = v_old, s_old
            else:
                v_use, s_use = v_new, s_new
            if how.get("layer_as_t"):
                tt = int(k[1:])
            if how.get("efficient"):
                alpha_t = learning_rate * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
                params[k] = params[k] - alpha_t * v_new / (np.sqrt(s_new) + epsilon)
                v[k], s[k] = v_new, s_new
                continue
            if not how.get("no_correction"):
                v_use, s_use = v_use / (1 - beta1 ** tt), s_use / (1 - beta2 ** tt)
            denom = np.sqrt(s_use) if how.get("no_eps") else np.sqrt(s_use) + epsilon
            sign = 1 if how.get("uphill") else -1
            params[k] = params[k] + sign * learning_rate * v_use / denom
            if how.get("store_corrected"):
                v[k], s[k] = v_new / (1 - beta1 ** t), s_new / (1 - beta2 ** t)
            elif not how.get("local"):
                v[k], s[k] = v_new, s_new
        if how.get("five"):
            return params, v, s, v, s
        if how.get("s_before_v"):
            return params, s, v
        return params, v, s
    return update


def adam_t_minus_1(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    with np.errstate(divide="ignore", invalid="ignore"):
        return adam_switch(shift=-1)(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon)


def adam_new_dicts(params, grads, v, s, t, learning_rate, beta1, beta2, epsilon):
    p2, v2, s2 = ({k: a.copy() for k, a in d.items()} for d in (params, v, s))
    return adam_switch()(p2, grads, v2, s2, t, learning_rate, beta1, beta2, epsilon)


ADAM_WRONG = {
    "b_not_updated": adam_switch(no_b=True),
    "last_layer_skipped": adam_switch(skip_last=True),
    "state_shared_by_layers": adam_switch(shared=True),
    "step_with_old_averages": adam_switch(old=True),
    "t_from_0": adam_t_minus_1,
    "t_plus_1": adam_switch(shift=1),
    "corrected_stored": adam_switch(store_corrected=True),
    "betas_swapped": adam_switch(swap=True),
    "one_minus_beta_missing": adam_switch(no_one_minus=True),
    "no_bias_correction": adam_switch(no_correction=True),
    "eps_missing": adam_switch(no_eps=True),
    "not_squared": adam_switch(no_square=True),
    "sign_flipped": adam_switch(uphill=True),
    "averages_not_stored": adam_switch(local=True),
    "corrected_returned_too": adam_switch(five=True),
    "not_in_place": adam_new_dicts,
    # issue 21, part 2
    "layer_index_as_t": adam_switch(layer_as_t=True),
    "order_swapped": adam_switch(s_before_v=True),
    "efficient_form_plain_epsilon": adam_switch(efficient=True),
}

UPDATE_WRONG = ([("update_parameters_with_momentum", k, f) for k, f in MOMENTUM_WRONG.items()]
                + [("update_parameters_with_adam", k, f) for k, f in ADAM_WRONG.items()])


def test_every_catalogued_network_mistake_has_a_hand_written_test():
    tested = {(name, key) for name, key, _ in UPDATE_WRONG}
    for name, mistakes in _network_mistakes.NETWORK_MISTAKES.items():
        for mistake in mistakes:
            assert (name, mistake.key) in tested, mistake.key


@pytest.mark.parametrize("name, key, fn", UPDATE_WRONG, ids=[f"{n[24:]}-{k}" for n, k, _ in UPDATE_WRONG])
def test_wrong_update_is_diagnosed_first(name, key, fn):
    result = check(name, fn)
    assert not result.passed and not result.not_done
    assert result.diagnosis == key, result.message
    catalogue = {m.key: m.text for m in _network_mistakes.NETWORK_MISTAKES[name]}
    if key in catalogue:
        assert result.message.startswith("Likely mistake: " + catalogue[key]), result.message
    else:
        assert not result.message.startswith("Case "), result.message      # the diagnosis comes first
    assert "Case " in result.message and "Traceback" not in result.message
    assert exercises.use_or_reference(name, fn) is exercises.reference(name)


@pytest.mark.parametrize("fn, hint", [
    (lambda params, grads, v, beta, learning_rate: [params[f"W{l}"] for l in range(1, len(params) + 1)],
     "params holds two arrays per layer (W and b), so the number of layers is L = len(params) // 2"),
    (lambda params, grads, v, beta, learning_rate: [params[f"W{l}"] for l in range(2)],
     "The layers are numbered from 1 (W1, b1, ..., WL, bL)"),
    (lambda params, grads, v, beta, learning_rate: v["dW1"],
     "grads, v and s use the same keys as params: grads['W1'] is dW1"),
], ids=["L_is_len_params", "layers_from_0", "coursera_keys"])
def test_key_errors_get_a_plain_hint_first(fn, hint):
    result = check("update_parameters_with_momentum", fn)
    assert result.diagnosis == "raised"
    assert result.message.startswith("Your function raised KeyError"), result.message
    assert hint in result.message.split("\n\n")[0]


def test_the_rules_are_stated_when_it_passes():
    result = check("update_parameters_with_adam", exercises.reference("update_parameters_with_adam"))
    assert "v and s are the raw averages, not the corrected ones" in result.message
    assert "In place" in result.message


# ---------------------------------------------------------------------------
# Initialisations
# ---------------------------------------------------------------------------

def init_cached_by_shape(params):
    cache, v = {}, {}
    for k, a in params.items():
        v[k] = cache.setdefault(a.shape, np.zeros(a.shape))        # "saves memory": one array per shape
    return v


INIT_WRONG = [
    ("initialize_velocity", "coursera_keys", lambda params: {"d" + k: np.zeros_like(a) for k, a in params.items()},
     "the Coursera assignment's names"),
    ("initialize_velocity", "b_missing", lambda params: {k: np.zeros_like(a) for k, a in params.items() if k[0] == "W"},
     "no entries for the biases"),
    ("initialize_velocity", "wrong_shape", lambda params: {k: np.zeros(a.shape[::-1]) for k, a in params.items()},
     "has shape"),
    ("initialize_velocity", "not_zeros", lambda params: {k: a.copy() for k, a in params.items()},
     "(it is a copy of params)"),
    ("initialize_velocity", "v_shared_by_layers", init_cached_by_shape, "are one and the same array"),
    ("initialize_velocity", "mutated_input", lambda params: [a.fill(0) for a in params.values()] and params,
     "Your function changed params in place"),
    ("initialize_velocity", "wrong_type", lambda params: dict.fromkeys(params, 0), "expected a numpy array of zeros"),
    ("initialize_velocity", "wrong_keys", lambda params: {f"v{k}": np.zeros_like(a) for k, a in params.items()},
     "expected those of params"),
    ("initialize_velocity", "not_float", lambda params: {k: np.zeros(a.shape, dtype=int) for k, a in params.items()},
     "the averages need floats"),
    ("initialize_adam", "v_s_same_dict", lambda params: (lambda d: (d, d))({k: np.zeros_like(a) for k, a in params.items()}),
     "v and s are one and the same dict"),
    ("initialize_adam", "v_s_share_arrays", lambda params: (lambda d: (d, dict(d)))(
        {k: np.zeros_like(a) for k, a in params.items()}), "are one and the same array"),
    ("initialize_adam", "wrong_count", lambda params: {k: np.zeros_like(a) for k, a in params.items()},
     "return v, s"),
    ("initialize_adam", "returned_none", lambda params: None, "did you forget `return v, s`"),
]


@pytest.mark.parametrize("name, key, fn, text", INIT_WRONG, ids=[f"{n}-{k}" for n, k, _, _ in INIT_WRONG])
def test_wrong_initialisation_is_diagnosed(name, key, fn, text):
    result = check(name, fn)
    assert not result.passed and result.diagnosis == key, result.message
    assert text in result.message.split("\n\n")[0], result.message


# ---------------------------------------------------------------------------
# The epoch loop (notebook 01)
# ---------------------------------------------------------------------------

def epoch_ok(X, Y, params, learning_rate, mini_batch_size, seed):
    costs = []
    for X_t, Y_t in random_mini_batches(X, Y, mini_batch_size, seed):
        J, grads = cost_and_grads(X_t, Y_t, params)
        for key in params:
            params[key] -= learning_rate * grads[key]          # in place is fine here
        costs.append(J)
    return params, np.array(costs)


def epoch_switch(**how):
    def mini_batch_epoch(X, Y, params, learning_rate, mini_batch_size, seed):
        params = dict(params)
        batches = ([(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size])
                    for k in range(0, X.shape[1], mini_batch_size)] if how.get("no_shuffle")
                   else random_mini_batches(X, Y, mini_batch_size, how.get("seed", seed)))
        if how.get("drop_last") and X.shape[1] % mini_batch_size and mini_batch_size < X.shape[1]:
            batches = batches[:-1]
        costs = []
        lr = 0.5 if how.get("lr_fixed") else learning_rate
        for X_t, Y_t in batches:
            J, grads = cost_and_grads(X if how.get("whole_X") else X_t, Y if how.get("whole_X") else Y_t, params)
            new_params = {}
            for key in params:
                if how.get("no_b") and key.startswith("b"):
                    new_params[key] = params[key]
                    continue
                step = grads[key] / X_t.shape[1] if how.get("divide_by_m") else grads[key]
                new_params[key] = params[key] + (1 if how.get("uphill") else -1) * lr * step
            if not how.get("new_unused"):
                params = new_params
            if how.get("cost_after"):
                J, _ = cost_and_grads(X_t, Y_t, params)
            costs.append(J)
        if how.get("new_unused"):
            params = new_params
        return params, (costs[-1:] if how.get("one_cost") else costs)
    return mini_batch_epoch


EPOCH_WRONG = [
    ("not_shuffled", epoch_switch(no_shuffle=True)),
    ("seed_ignored", epoch_switch(seed=0)),
    ("last_batch_dropped", epoch_switch(drop_last=True)),
    ("b_not_updated", epoch_switch(no_b=True)),
    ("sign_flipped", epoch_switch(uphill=True)),
    ("one_cost", epoch_switch(one_cost=True)),
    # issue 21, part 2
    ("whole_X_gradients", epoch_switch(whole_X=True)),
    ("cost_after_update", epoch_switch(cost_after=True)),
    ("new_params_unused", epoch_switch(new_unused=True)),
    ("gradient_divided_by_m_again", epoch_switch(divide_by_m=True)),
    ("learning_rate_fixed", epoch_switch(lr_fixed=True)),
]


def test_a_wrong_number_of_costs_says_one_per_mini_batch():
    """mini_batch_epoch returns one J{t} per mini-batch, not one per epoch."""
    def two_costs(X, Y, params, learning_rate, mini_batch_size, seed):
        params, costs = refs.mini_batch_epoch(X, Y, params, learning_rate, mini_batch_size, seed)
        return params, costs[:2]
    result = check("mini_batch_epoch", two_costs)
    assert "costs has 2 values; expected 3 (one per mini-batch)" in result.message, result.message
    assert "one per epoch" not in result.message


def test_a_correct_epoch_passes():
    result = check("mini_batch_epoch", epoch_ok)
    assert result.passed, result.message


@pytest.mark.parametrize("key, fn", EPOCH_WRONG, ids=[k for k, _ in EPOCH_WRONG])
def test_wrong_epoch_is_diagnosed_first(key, fn):
    result = check("mini_batch_epoch", fn)
    assert not result.passed and result.diagnosis == key, result.message
    assert result.message.startswith("Likely mistake: "), result.message


# ---------------------------------------------------------------------------
# The whole loop (notebook 09)
# ---------------------------------------------------------------------------

# The learner's building blocks, as the notebook would hold them (the check swaps in the
# package's, so only the loop is judged).
initialize_velocity = refs.initialize_velocity
initialize_adam = refs.initialize_adam
update_parameters_with_momentum = refs.update_parameters_with_momentum
update_parameters_with_adam = refs.update_parameters_with_adam


def model_while_loops(X, Y, layer_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9,
                      beta1=0.9, beta2=0.999, epsilon=1e-8, num_epochs=5000, decay=None, decay_rate=1.0,
                      time_interval=1000, seed=3):
    """Correct, written differently: iter_mini_batches, while loops, state in a dict."""
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters(layer_dims, seed=rng)
    state = {"t": 0}
    if optimizer == "momentum":
        state["v"] = initialize_velocity(parameters)
    if optimizer == "adam":
        state["v"], state["s"] = initialize_adam(parameters)
    costs, epoch = [], 1
    alpha = learning_rate
    while epoch <= num_epochs:
        if decay:
            alpha = decay(learning_rate, epoch, decay_rate, time_interval)
        weighted = []
        for X_t, Y_t in iter_mini_batches(X, Y, mini_batch_size, rng):
            J, grads = cost_and_grads(X_t, Y_t, parameters)
            weighted.append(J * X_t.shape[1])
            if optimizer == "gd":
                parameters = {k: parameters[k] - alpha * grads[k] for k in parameters}
            elif optimizer == "momentum":
                parameters, state["v"] = update_parameters_with_momentum(parameters, grads, state["v"], beta, alpha)
            else:
                state["t"] += 1
                parameters, state["v"], state["s"] = update_parameters_with_adam(
                    parameters, grads, state["v"], state["s"], state["t"], alpha, beta1, beta2, epsilon)
        costs.append(sum(weighted) / X.shape[1])
        epoch += 1
    return parameters, costs


def model_switch(**how):
    """A learner's model with one mistake switched on."""
    def model(X, Y, layer_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9, beta1=0.9,
              beta2=0.999, epsilon=1e-8, num_epochs=5000, decay=None, decay_rate=1.0, time_interval=1000, seed=3):
        if how.get("seed_3"):
            seed = 3
        if how.get("global_dims"):
            layer_dims = list(LAYER_DIMS)
        if how.get("batch_64"):
            mini_batch_size = 64
        if how.get("epochs_5000"):
            num_epochs = 5000
        rng = np.random.default_rng(seed)
        params = initialize_parameters(layer_dims, seed=seed if how.get("two_generators") else rng)
        if how.get("two_generators"):
            rng = np.random.default_rng(seed)
        m = X.shape[1]
        t = 0
        learning_rate0 = learning_rate
        if optimizer == "momentum":
            v = initialize_velocity(params)
        elif optimizer == "adam":
            v, s = initialize_adam(params)
        once = random_mini_batches(X, Y, mini_batch_size, rng) if how.get("shuffle_once") else None
        costs = []
        for epoch in range(num_epochs) if how.get("epochs_from_0") else range(1, num_epochs + 1):
            if decay is not None and not how.get("decay_every_iteration") and not how.get("no_decay") \
                    and not how.get("decay_at_end"):
                lr_in = learning_rate if how.get("compound") else learning_rate0
                new_rate = (decay(lr_in, decay_rate, epoch, time_interval) if how.get("decay_args_swapped")
                            else decay(lr_in, epoch, decay_rate, time_interval))
                if not how.get("rate_not_used"):
                    learning_rate = new_rate
            if how.get("per_epoch_t"):
                t += 1
            if how.get("reset_state") and optimizer == "adam":
                v, s = initialize_adam(params)
            if how.get("reset_t"):
                t = 0
            if once is not None:
                batches = once
            elif how.get("int_seed"):
                batches = random_mini_batches(X, Y, mini_batch_size, seed + epoch)
            elif how.get("same_seed"):
                batches = random_mini_batches(X, Y, mini_batch_size, seed)
            elif how.get("shuffle_in_place"):
                order = rng.permutation(m)
                X[:] = X[:, order]
                Y[:] = Y[:, order]
                batches = [(X[:, k:k + mini_batch_size], Y[:, k:k + mini_batch_size]) for k in range(0, m, mini_batch_size)]
            elif how.get("xy_apart"):
                perm_x, perm_y = rng.permutation(m), rng.permutation(m)
                Xs, Ys = X[:, perm_x], Y[:, perm_y]
                batches = [(Xs[:, k:k + mini_batch_size], Ys[:, k:k + mini_batch_size])
                           for k in range(0, m, mini_batch_size)]
            else:
                batches = random_mini_batches(X, Y, mini_batch_size, rng)
            if how.get("reshuffle_each_step"):
                for _ in batches[1:]:
                    random_mini_batches(X, Y, mini_batch_size, rng)     # a shuffle per mini-batch, unused
            if how.get("drop_last"):
                batches = [b for b in batches if b[0].shape[1] == mini_batch_size]
            total, plain = 0.0, []
            for i, (X_t, Y_t) in enumerate(batches):
                if decay is not None and how.get("decay_every_iteration"):
                    learning_rate = decay(learning_rate0, epoch * len(batches) + i + 1, decay_rate, time_interval)
                cost, grads = cost_and_grads(X_t, Y_t, params)
                total += cost * X_t.shape[1]
                plain.append(cost)
                if optimizer == "gd":
                    for k in params:
                        if not (how.get("no_b") and k[0] == "b"):
                            params[k] = params[k] - (0.1 if how.get("lr_fixed") else learning_rate) * grads[k]
                elif optimizer == "momentum":
                    params, v = update_parameters_with_momentum(params, grads, v, beta1 if how.get("beta1_for_beta")
                                                                else beta, learning_rate)
                else:
                    if not (how.get("t_after") or how.get("per_epoch_t") or how.get("t_fixed")):
                        t += 1
                    b1, b2 = (beta2, beta1) if how.get("swap_betas") else (beta1, beta2)
                    b1 = beta if how.get("beta_for_beta1") else b1
                    b2 = 0.999 if how.get("beta2_fixed") else b2
                    eps = 1e-8 if how.get("epsilon_fixed") else epsilon
                    params, v, s = update_parameters_with_adam(params, grads, v, s, max(t, 1) if how.get("t_fixed")
                                                               else t, learning_rate, b1, b2, eps)
                    if how.get("t_after"):
                        t += 1
            if decay is not None and how.get("decay_at_end"):       # the assignment's order
                learning_rate = decay(learning_rate0, epoch, decay_rate, time_interval)
            if how.get("cost_mean"):
                costs.append(float(np.mean(plain)))
            elif how.get("cost_over_batches"):
                costs.append(total / len(batches))
            elif how.get("cost_no_m"):
                costs.append(total)
            elif how.get("cost_whole_X"):
                costs.append(cost_and_grads(X, Y, params)[0])
            elif how.get("cost_sum_over_m"):
                costs.append(sum(plain) / m)
            elif how.get("cost_sum"):
                costs.append(sum(plain))
            elif how.get("cost_last"):
                costs.append(plain[-1])
            elif how.get("cost_every_batch"):
                costs.extend(plain)
            else:
                costs.append(total / m)
        return params, costs
    return model


MODEL_WRONG = [
    ("shuffled_once", dict(shuffle_once=True)),
    ("same_shuffle_every_epoch", dict(same_seed=True)),
    ("int_seed_per_epoch", dict(int_seed=True)),
    ("two_generators", dict(two_generators=True)),
    ("xy_different_permutations", dict(xy_apart=True)),
    ("last_batch_dropped", dict(drop_last=True)),
    ("t_not_increased", dict(t_fixed=True)),
    ("t_per_epoch", dict(per_epoch_t=True)),
    ("t_from_0", dict(t_after=True)),
    ("state_reset_every_epoch", dict(reset_state=True)),
    ("schedule_every_iteration", dict(decay_every_iteration=True)),
    ("schedule_epochs_from_0", dict(epochs_from_0=True)),
    ("decay_from_current_rate", dict(compound=True)),
    ("decayed_rate_not_used", dict(rate_not_used=True)),
    ("cost_unweighted_mean", dict(cost_mean=True)),
    ("cost_sum_over_m", dict(cost_sum_over_m=True)),
    ("cost_not_averaged", dict(cost_sum=True)),
    ("cost_last_mini_batch", dict(cost_last=True)),
    ("costs_per_mini_batch", dict(cost_every_batch=True)),
    ("b_not_updated", dict(no_b=True)),
    ("betas_swapped_in_call", dict(swap_betas=True)),
    ("t_reset_each_epoch", dict(reset_t=True)),
    ("decay_ignored", dict(no_decay=True)),
    ("shuffled_every_iteration", dict(reshuffle_each_step=True)),
    ("mutated_input", dict(shuffle_in_place=True)),
    ("schedule_arguments_swapped", dict(decay_args_swapped=True)),
    # issue 21, part 1: a hyperparameter hard-coded or passed for another
    ("epsilon_fixed", dict(epsilon_fixed=True)),
    ("beta_for_beta1", dict(beta_for_beta1=True)),
    ("beta2_fixed", dict(beta2_fixed=True)),
    ("beta1_for_momentum", dict(beta1_for_beta=True)),
    ("learning_rate_fixed", dict(lr_fixed=True)),
    ("seed_fixed", dict(seed_3=True)),
    # issue 21, part 2
    ("cost_over_num_batches", dict(cost_over_batches=True)),
    ("cost_not_divided_by_m", dict(cost_no_m=True)),
    ("cost_on_whole_X", dict(cost_whole_X=True)),
    ("layer_dims_global", dict(global_dims=True)),
    ("mini_batch_size_fixed", dict(batch_64=True)),
    ("num_epochs_fixed", dict(epochs_5000=True)),
    ("decay_one_epoch_late", dict(decay_at_end=True)),
]


def test_correct_models_pass():
    for fn in (refs.model, model_while_loops, model_switch()):
        result = check("model", fn)
        assert result.passed, result.message


@pytest.mark.parametrize("key, how", MODEL_WRONG, ids=[k for k, _ in MODEL_WRONG])
def test_wrong_model_is_diagnosed_by_name(key, how):
    result = check("model", model_switch(**how))
    assert not result.passed and result.diagnosis == key, result.message
    assert result.message.startswith("Likely mistake: "), result.message
    assert "Case " in result.message


def test_the_model_check_judges_the_loop_not_the_learners_updates():
    """A wrong update function in the notebook does not fail the loop's check (it is checked on its own)."""
    namespace = {"update_parameters_with_adam": ADAM_WRONG["sign_flipped"]}
    fn = model_while_loops
    rebound = type(fn)(fn.__code__, {**fn.__globals__, **namespace}, fn.__name__, fn.__defaults__)
    assert check("model", rebound).passed


def test_model_errors_are_reported_not_raised():
    def model(X, Y, layer_dims, optimizer, *args):
        raise ValueError("not yet")
    result = check("model", model)
    assert result.diagnosis == "raised" and result.message.startswith("Your function raised ValueError: not yet")


def test_loop_mistakes_are_named_even_without_the_packages_initialize_parameters():
    """The learner reaches initialize_parameters through the package: the shuffles are still recorded."""
    import ngopt_course

    def model(X, Y, layer_dims, optimizer, learning_rate=0.0007, mini_batch_size=64, beta=0.9, beta1=0.9,
              beta2=0.999, epsilon=1e-8, num_epochs=5000, decay=None, decay_rate=1.0, time_interval=1000, seed=3):
        rng = np.random.default_rng(seed)
        params = ngopt_course.initialize_parameters(layer_dims, seed=rng)
        batches = random_mini_batches(X, Y, mini_batch_size, rng)          # once, before the epochs
        costs = []
        for epoch in range(1, num_epochs + 1):
            total = 0.0
            for X_t, Y_t in batches:
                cost, grads = cost_and_grads(X_t, Y_t, params)
                total += cost * X_t.shape[1]
                params = {k: params[k] - learning_rate * grads[k] for k in params}
            costs.append(total / X.shape[1])
        return params, costs
    result = check("model", model)
    assert result.diagnosis == "shuffled_once", result.message


@pytest.mark.parametrize("name", ["update_parameters_with_momentum", "update_parameters_with_adam"])
def test_no_two_network_mistakes_look_alike(name):
    from ngopt_course.exercises._network_check import _same, _variant
    cases = NETWORK_CASES[name]()
    mistakes = _network_mistakes.NETWORK_MISTAKES[name] + [
        type(m)(k, note, (fn,)) for k, fn, note in _network_mistakes.NETWORK_ALTERNATIVES.get(name, [])
        for m in _network_mistakes.NETWORK_MISTAKES[name][:1]]
    results = {m.key: [_variant(m.fns[0], c) for c in cases] for m in mistakes}
    keys = list(results)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            alike = all((x is None and y is None) or _same(x, y) for x, y in zip(results[a], results[b]))
            assert not alike, f"{a} and {b} look alike on every case"


@pytest.mark.parametrize("name", ["initialize_velocity", "update_parameters_with_momentum", "model"])
def test_an_endless_loop_is_stopped_and_said_first(name):
    def spins(*args, **kwargs):
        while True:
            pass
    result = check(name, spins, time_limit=0.3)
    assert result.diagnosis == "timeout" and result.message.startswith("Your function was still running after 0.3 s")


def test_a_name_already_bound_to_the_packages_schedule_is_not_called_yours(capsys):
    from ngopt_course import schedule_lr_decay as package_schedule
    assert exercises.use_or_reference("schedule_lr_decay", package_schedule) is package_schedule
    assert "using the package's implementation" in capsys.readouterr().out

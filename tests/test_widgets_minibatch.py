"""The mini-batch size explorer of notebook 01, driven headless."""

import ipywidgets
import matplotlib.colors as mcolors
import numpy as np
import pytest

from ngopt_course.experiments.batch_size import SizeRun
from ngopt_course.data import make_moons
from ngopt_course.plots.minibatch import size_color
from ngopt_course.widgets.minibatch import MiniBatchExplorer, explorer_sizes, minibatch_explorer

from widget_checks import set_control

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")

M = 2000


def _set(explorer, value):
    return set_control(explorer, "mini_batch_size", value)


def fake_run(size, m=M):
    """Known numbers: steps of 1 ms + 1 us per example; cost falls faster for middle sizes."""
    T = -(-m // size)
    step = 1e-3 + 1e-6 * min(size, m)
    steps = max(1, int(0.2 / step))
    times = step * np.arange(1, steps + 1)
    rng = np.random.default_rng(size)
    noise = 0.3 / np.sqrt(min(size, m))
    costs = 0.7 * np.exp(-np.arange(steps) * min(size, m) / 4000) + 0.1 + noise * rng.standard_normal(steps)
    final = 0.1 + 0.6 * abs(np.log2(min(size, m)) - 6) / 10
    return SizeRun(mini_batch_size=size, m=m, steps_per_epoch=T, costs=np.abs(costs), step_times=times,
                   eval_steps=np.array([0, steps]), eval_times=np.array([0.0, times[-1]]),
                   eval_costs=np.array([0.7, final]), examples_processed=steps * min(size, m),
                   params={}, stop_reason="time budget")


@pytest.fixture(scope="module")
def runs():
    return {size: fake_run(size) for size in explorer_sizes(M)}




def test_explorer_sizes_are_powers_of_two_then_m():
    assert explorer_sizes(20_000) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 20_000]
    assert explorer_sizes(100) == [1, 2, 4, 8, 16, 32, 64, 100]
    assert explorer_sizes(64) == [1, 2, 4, 8, 16, 32, 64]        # 64 is m itself: batch GD
    assert explorer_sizes(1) == [1]


def test_the_slider(runs):
    explorer = minibatch_explorer(runs)
    assert isinstance(explorer, MiniBatchExplorer)
    slider = explorer.controls["mini_batch_size"]
    assert isinstance(slider, ipywidgets.SelectionSlider)
    assert slider.description == "mini-batch size"
    assert slider.value == 64
    labels = [label for label, _ in slider.options]
    assert labels[0] == "1" and labels[-1] == "m = 2,000" and labels[10] == "1,024"
    assert [value for _, value in slider.options] == explorer_sizes(M)
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_size_redraws_its_own_run(runs):
    explorer = minibatch_explorer(runs)
    times = []
    previous = explorer.result
    # the extremes, back, and middle sizes; no two in a row equal
    for size in [1, M, 64, 2, 1024, 1, 256, M, 64]:
        changed, seconds = _set(explorer, size)
        assert changed, size
        times.append(seconds)
        result = explorer.result
        assert result.run is runs[size] and result is not previous
        previous = result
        left, right = explorer.figure.axes
        np.testing.assert_array_equal(left.get_lines()[0].get_ydata(), runs[size].costs)
        chosen = [l for l in right.get_lines() if mcolors.to_hex(l.get_color()) == size_color(size, M)]
        assert len(chosen) == 1
        np.testing.assert_array_equal(chosen[0].get_ydata(), runs[size].eval_costs)
        assert "(s" in right.get_xlabel() and "dimensionless" in left.get_ylabel()
        steps = runs[size].steps_per_epoch
        assert f"{steps:,} step{'s' * (steps != 1)} per epoch" in explorer.note.value
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_the_note_names_the_method_and_the_numbers(runs):
    explorer = minibatch_explorer(runs, mini_batch_size=1)
    note = explorer.note.value
    assert "stochastic gradient descent" in note and "2,000 steps per epoch" in note
    # 1 ms + 1 us per step, fewer steps than an epoch in 0.2 s: extrapolated to 2,000 x 1.001 ms
    assert "extrapolated" in note and "about 2 s per epoch" in note
    _set(explorer, M)
    note = explorer.note.value
    assert "batch gradient descent" in note and "1 step per epoch" in note and "extrapolated" not in note
    _set(explorer, 64)
    note = explorer.note.value
    assert "mini-batch gradient descent" in note and "32 steps per epoch" in note      # ceil(2000 / 64)
    # the fake runs end lowest at size 64 (|log2(64) - 6| = 0): J = 0.100
    assert "lowest of all sizes: 64, J = 0.100" in note
    assert "measured once" in note


def test_noisy_small_sizes_get_a_running_mean(runs):
    explorer = minibatch_explorer(runs, mini_batch_size=1)
    left = explorer.figure.axes[0]
    assert len(left.get_lines()) == 2                       # J{t} and the mean of the last k steps
    _set(explorer, M)
    left = explorer.figure.axes[0]
    assert len(left.get_lines()) == 1                       # batch GD: smooth, no mean needed


def test_built_from_data_with_its_own_runs():
    X, Y = make_moons(n_samples=300, noise=0.2, seed=0)
    explorer = minibatch_explorer(X=X, Y=Y, time_budget=0.01, num_evals=3, mini_batch_size=1)
    assert list(explorer.runs) == explorer_sizes(300)
    for size, run in explorer.runs.items():
        assert run.m == 300 and run.num_steps >= 1 and run.stop_reason == "time budget"
        assert np.all(np.isfinite(run.costs)) and np.all(np.isfinite(run.eval_costs))
        assert run.params["W1"].shape == (16, 2)
    # every size starts from the same weights, so from the same cost
    assert len({run.eval_costs[0] for run in explorer.runs.values()}) == 1


def test_bad_arguments(runs):
    with pytest.raises(ValueError, match="mini_batch_size == 3"):
        minibatch_explorer(runs, mini_batch_size=3)
    other = dict(runs)
    other[4096] = fake_run(4096, m=4096)
    with pytest.raises(ValueError, match="same m"):
        minibatch_explorer(other)
    with pytest.raises(TypeError, match="SizeRun"):
        minibatch_explorer({1: "not a run"})
    with pytest.raises(ValueError, match="both X and Y"):
        minibatch_explorer(X=np.zeros((20, 10)))


def test_a_diverged_size_says_so_and_draws_no_nan(runs):
    broken = dict(runs)
    good = runs[2]
    broken[2] = SizeRun(**{**good.__dict__, "eval_costs": np.array([0.7, np.nan]), "stop_reason": "diverged"})
    explorer = minibatch_explorer(broken, mini_batch_size=2)
    assert "diverged" in explorer.note.value and "nan" not in explorer.note.value.lower()
    for ax in explorer.figure.axes:
        for line in ax.get_lines():
            assert np.all(np.isfinite(np.asarray(line.get_ydata(), dtype=float)))

"""The decay explorer of notebook 07, driven headless: controls -> rates, picture, table, speed."""

import re

import matplotlib.colors as mcolors
import numpy as np
import pytest

from ngopt_course.plots.decay import SCHEDULE_COLORS
from ngopt_course.widgets.decay import (
    BATCHES_PER_EPOCH,
    NUM_EPOCHS,
    SCHEDULE_NAMES,
    DecayExplorer,
    decay_explorer,
    manual_decay_rates,
)

from widget_checks import set_control as _set

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")




def _bold_row(explorer):
    """The table cells of the highlighted (bold) row of the note, as text."""
    row = re.search(r"<tr style='font-weight:bold'>(.*?)</tr>", explorer.note.value).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]


def test_starts_on_the_lecture_example():
    explorer = decay_explorer()
    assert isinstance(explorer, DecayExplorer)
    r = explorer.result
    np.testing.assert_array_equal(r.epochs, np.arange(1, NUM_EPOCHS + 1))
    # alpha0 = 0.2, decay_rate = 1: 0.2 / (1 + epoch) = 0.1, 0.0667, 0.05, 0.04, ...
    np.testing.assert_allclose(r.rates["inverse_time"], 0.2 / (1 + r.epochs), rtol=1e-14)
    cells = _bold_row(explorer)
    assert cells[1:5] == ["0.1", "0.0667", "0.05", "0.04"]
    assert "α0/(1+decay_rate·epoch)" in cells[0]
    assert "after 20 epochs: α = 0.00952" in explorer.note.value  # 0.2 / 21
    (ax,) = explorer.figure.axes
    thick = max(ax.get_lines(), key=lambda line: line.get_linewidth())
    assert mcolors.to_hex(thick.get_color()) == mcolors.to_hex(SCHEDULE_COLORS["inverse_time"])


def test_every_formula_by_hand():
    explorer = decay_explorer(learning_rate0=0.4, decay_rate=0.5, k=2.0)
    r = explorer.result
    e = r.epochs.astype(float)
    np.testing.assert_allclose(r.rates["constant"], np.full(NUM_EPOCHS, 0.4))
    np.testing.assert_allclose(r.rates["inverse_time"], 0.4 / (1 + 0.5 * e), rtol=1e-14)
    np.testing.assert_allclose(r.rates["exponential"], 0.95**e * 0.4, rtol=1e-14)
    np.testing.assert_allclose(r.rates["inverse_sqrt"], 2.0 / np.sqrt(e) * 0.4, rtol=1e-14)
    # halve every 5 epochs: 1-5 alpha0, 6-10 alpha0/2, ...
    np.testing.assert_allclose(r.rates["staircase"], 0.4 * 0.5 ** np.repeat(np.arange(4), 5))
    t = np.arange(1, NUM_EPOCHS * BATCHES_PER_EPOCH + 1)
    np.testing.assert_allclose(r.iteration_rates, 2.0 / np.sqrt(t) * 0.4, rtol=1e-14)
    np.testing.assert_allclose(r.iteration_x, t / BATCHES_PER_EPOCH)
    # at the end of epoch e, t = 10 e: the per-iteration rate is sqrt(10) times lower
    np.testing.assert_allclose(r.iteration_rates[BATCHES_PER_EPOCH - 1::BATCHES_PER_EPOCH],
                               r.rates["inverse_sqrt"] / np.sqrt(BATCHES_PER_EPOCH), rtol=1e-13)


def test_manual_decay_by_hand():
    # defaults: epochs 1-7 alpha0, 8-13 alpha0 / 3, 14 on alpha0 / 10
    rates = manual_decay_rates(0.3, np.arange(1, 17))
    np.testing.assert_allclose(rates, [0.3] * 7 + [0.1] * 6 + [0.03] * 3, rtol=1e-14)
    np.testing.assert_allclose(manual_decay_rates(1.0, [1, 2, 3, 4], drops=((2, 0.5), (4, 0.25))),
                               [1.0, 0.5, 0.5, 0.25])


def test_every_control_at_its_extremes_and_back():
    explorer = decay_explorer()
    times = []
    plan = {
        "learning_rate0": [0.01, 1.0, 0.2, 0.55],
        "decay_rate": [0.0, 3.0, 1.0, 0.35],
        "k": [0.1, 2.0, 1.0, 0.6],
    }
    for name, values in plan.items():
        for value in values:
            before = explorer.result
            changed, seconds = _set(explorer, name, value)
            assert changed, (name, value)
            times.append(seconds)
            r = explorer.result
            assert all(np.all(np.isfinite(v)) and np.all(v > 0) for v in r.rates.values())
            assert np.all(np.isfinite(r.iteration_rates))
            # only the schedules that use the control move
            moved = {n for n in r.rates if not np.array_equal(r.rates[n], before.rates[n])}
            if name == "learning_rate0":
                assert moved == set(r.rates)
            elif name == "decay_rate":
                assert moved == {"inverse_time"}
            else:
                assert moved == {"inverse_sqrt"}
                assert not np.array_equal(r.iteration_rates, before.iteration_rates)
    for label, key in SCHEDULE_NAMES.items():
        if key == explorer.result.selected:
            continue
        changed, seconds = _set(explorer, "schedule", key)
        assert changed, key
        times.append(seconds)
        assert explorer.result.selected == key
        assert _short_name(key) in _bold_row(explorer)[0]
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def _short_name(key):
    return {"inverse_time": "decay_rate", "exponential": "0.95^epoch", "inverse_sqrt": "k/√epoch",
            "inverse_sqrt_iteration": "k/√t", "staircase": "staircase", "manual": "manual",
            "constant": "constant"}[key]


def test_decay_rate_zero_is_no_decay():
    explorer = decay_explorer(decay_rate=0.0)
    np.testing.assert_array_equal(explorer.result.rates["inverse_time"], explorer.result.rates["constant"])
    assert "after 20 epochs: α = 0.2 (100% of α0 = 0.2)" in explorer.note.value


def test_per_iteration_row_shows_the_change_within_an_epoch():
    explorer = decay_explorer(learning_rate0=0.2, k=1.0, schedule="inverse_sqrt_iteration")
    cells = _bold_row(explorer)
    # epoch 1 is t = 1..10: 0.2 / sqrt(1) = 0.2 -> 0.2 / sqrt(10) = 0.0632
    assert cells[1] == "0.2 → 0.0632"
    # epoch 2 is t = 11..20: 0.2 / sqrt(11) = 0.0603 -> 0.2 / sqrt(20) = 0.0447
    assert cells[2] == "0.0603 → 0.0447"
    # the last iteration, t = 200: 0.2 / sqrt(200) = 0.01414
    assert "after 20 epochs: α = 0.0141" in explorer.note.value


def test_figure_has_every_schedule_labelled_with_units():
    explorer = decay_explorer()
    (ax,) = explorer.figure.axes
    assert ax.get_xlabel() == "epoch (passes through the data)"
    assert ax.get_ylabel() == "learning rate α"
    named = {line.get_gid() for line in ax.get_lines() if line.get_gid()}
    assert named == set(SCHEDULE_NAMES.values())
    assert len(ax.get_legend().get_texts()) == len(SCHEDULE_NAMES)


def test_compute_is_pure_and_matches_the_display():
    explorer = decay_explorer()
    explorer.controls["k"].value = 1.5
    again = explorer.compute(**explorer.values)
    for name in again.rates:
        np.testing.assert_array_equal(again.rates[name], explorer.result.rates[name])
    np.testing.assert_array_equal(again.iteration_rates, explorer.result.iteration_rates)


def test_refuses_values_the_sliders_would_clamp():
    with pytest.raises(ValueError, match=r"learning_rate0 == 5.0, must be in \[0.01, 1\]"):
        decay_explorer(learning_rate0=5.0)
    with pytest.raises(ValueError, match=r"decay_rate == -1.0, must be in \[0, 3\]"):
        decay_explorer(decay_rate=-1.0)
    with pytest.raises(ValueError, match=r"schedule == 'cosine', must be one of"):
        decay_explorer(schedule="cosine")

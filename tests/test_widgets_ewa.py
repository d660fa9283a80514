"""Widgets of notebooks 02 and 03, driven headless: controls -> numbers, picture, note, speed."""

import math

import matplotlib.colors as mcolors
import numpy as np

from ngopt_course.ewa import bias_correction_warmup
import pytest

from ngopt_course.ewa import ewa
from ngopt_course.plots.ewa import UNCORRECTED_COLOR
from ngopt_course.plots.style import BETA_COLORS, OTHER_BETA_COLOR
from ngopt_course.widgets.ewa import (
    BETA_MAX,
    BiasCorrectionExplorer,
    EWAExplorer,
    bias_correction_explorer,
    ewa_explorer,
)

from widget_checks import set_control as _set

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")

DAYS = np.arange(1, 366)
# A stand-in year: cold in January, warm in mid-July (peak of the cycle on day 202), noisy.
TEMPS = 52 - 12 * np.cos(2 * np.pi * (DAYS - 20) / 365) + np.random.default_rng(1).normal(0, 4, 365)


def _curve_colors(explorer):
    (ax,) = explorer.figure.axes
    return [mcolors.to_hex(line.get_color()) for line in ax.get_lines()]




# ---------------------------------------------------------------------------
# ewa_explorer (notebook 02)
# ---------------------------------------------------------------------------

def test_ewa_explorer_builds_with_the_lecture_defaults():
    explorer = ewa_explorer(DAYS, TEMPS)
    assert isinstance(explorer, EWAExplorer)
    slider = explorer.controls["beta"]
    stops = [value for _, value in slider.options]
    assert (stops[0], stops[-1], slider.value) == (0.0, BETA_MAX, 0.9)
    assert {0.5, 0.9, 0.98} <= set(stops) and stops == sorted(stops)
    assert slider.description == "β"
    np.testing.assert_allclose(explorer.result.v, ewa(TEMPS, 0.9))
    assert explorer.result.window == pytest.approx(10.0)
    assert "10.0 days" in explorer.note.value
    assert explorer.image.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert _curve_colors(explorer)[1] == mcolors.to_hex(BETA_COLORS[0.9])


def test_ewa_explorer_every_slider_value_redraws_finite_data():
    explorer = ewa_explorer(DAYS, TEMPS)
    times = []
    previous_v = explorer.result.v
    # min, max, back, the lecture's betas and a middle value; no two in a row are equal
    for beta in [0.0, BETA_MAX, 0.9, 0.5, 0.98, 0.75, BETA_MAX, 0.0, 0.9]:
        changed, seconds = _set(explorer, "beta", beta)
        assert changed, beta
        times.append(seconds)
        v = explorer.result.v
        assert np.all(np.isfinite(v)) and v.shape == TEMPS.shape
        assert not np.array_equal(v, previous_v), beta
        np.testing.assert_allclose(v, ewa(TEMPS, beta))
        previous_v = v
        # 1 / (1 - beta), as the note says
        assert explorer.result.window == pytest.approx(1 / (1 - beta))
        assert f"{1 / (1 - beta):.1f} days" in explorer.note.value
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_a_beta_between_the_stops_becomes_one():
    explorer = ewa_explorer(DAYS, TEMPS, beta=0.37)
    stops = [value for _, value in explorer.controls["beta"].options]
    assert 0.37 in stops and stops == sorted(stops) and explorer.result.beta == 0.37
    assert len(explorer.frames.children) == len(stops)


def test_ewa_explorer_beta_zero_is_the_data_itself():
    explorer = ewa_explorer(DAYS, TEMPS, beta=0.0)
    # v_t = 0 * v_{t-1} + 1 * theta_t = theta_t
    np.testing.assert_allclose(explorer.result.v, TEMPS)
    assert explorer.result.roughness == pytest.approx(np.mean(np.abs(np.diff(TEMPS))))


def test_ewa_explorer_presets_jump_to_the_lecture_betas_in_their_colours():
    explorer = ewa_explorer(DAYS, TEMPS, beta=0.3)
    assert _curve_colors(explorer)[1] == mcolors.to_hex(OTHER_BETA_COLOR)
    assert set(explorer.presets) == {0.5, 0.9, 0.98}
    for beta, button in explorer.presets.items():
        assert mcolors.to_hex(button.style.button_color) == mcolors.to_hex(BETA_COLORS[beta])
        before = explorer.image.value
        button.click()
        assert explorer.controls["beta"].value == beta
        assert explorer.image.value != before
        assert _curve_colors(explorer)[1] == mcolors.to_hex(BETA_COLORS[beta])
    # the buttons sit in the control row next to the slider
    assert all(button in explorer.children[0].children[0].children for button in explorer.presets.values())


def test_ewa_explorer_shows_the_shift_and_the_noise():
    explorer = ewa_explorer(DAYS, TEMPS)
    results = {}
    for beta in (0.5, 0.9, 0.98):
        explorer.controls["beta"].value = beta
        results[beta] = explorer.result
    # smoother but shifted right: 0.98 peaks later than 0.9; 0.5 is rougher than 0.9
    assert results[0.98].peak_day > results[0.9].peak_day
    assert results[0.5].roughness > results[0.9].roughness > results[0.98].roughness
    assert f"day {results[0.98].peak_day:.0f}" in explorer.note.value


def test_ewa_explorer_warns_when_the_window_is_longer_than_the_data():
    explorer = ewa_explorer(DAYS, TEMPS, beta=0.9)
    assert "warming up" not in explorer.note.value
    explorer.controls["beta"].value = 0.999  # about 1000 days > 365 / 2
    assert "1000.0 days" in explorer.note.value and "warming up from v_0 = 0" in explorer.note.value


def test_ewa_explorer_checks_its_data():
    with pytest.raises(ValueError, match="same length"):
        ewa_explorer(DAYS, TEMPS[:-1])
    with pytest.raises(ValueError, match="pass both days and temps"):
        ewa_explorer(DAYS, None)
    with pytest.raises(ValueError, match=r"beta == 1.0, must be in \[0, 0.999\]"):
        ewa_explorer(DAYS, TEMPS, beta=1.0)
    with pytest.raises(ValueError, match=r"beta == -0.1, must be in \[0, 0.999\]"):
        bias_correction_explorer(DAYS, TEMPS, beta=-0.1)
    with pytest.raises(ValueError, match=r"num_days == 1, must be an integer in \[2, inf\]"):
        bias_correction_explorer(DAYS, TEMPS, num_days=1)


# ---------------------------------------------------------------------------
# bias_correction_explorer (notebook 03)
# ---------------------------------------------------------------------------

def test_warm_up_day_by_hand():
    # 1 / (1 - beta^t) < 1.01  <=>  beta^t < 1/101  <=>  t > ln(101) / -ln(beta)
    # beta = 0.98: ln(101) = 4.61512, -ln(0.98) = 0.0202027 -> t > 228.44 -> day 229
    # beta = 0.9:  -ln(0.9) = 0.1053605 -> t > 43.80 -> day 44
    assert bias_correction_warmup(0.98) == 229
    assert bias_correction_warmup(0.9) == 44
    assert bias_correction_warmup(0.0) == 1
    for beta in (0.5, 0.9, 0.98, 0.999):
        t = bias_correction_warmup(beta)
        assert 1 / (1 - beta**t) - 1 < 0.01 <= 1 / (1 - beta ** (t - 1)) - 1


def test_bias_correction_explorer_toggle_and_slider():
    explorer = bias_correction_explorer(DAYS, TEMPS)
    assert isinstance(explorer, BiasCorrectionExplorer)
    assert set(explorer.controls) == {"beta", "bias_correction"}
    assert explorer.controls["beta"].value == 0.98 and explorer.controls["bias_correction"].value is False
    r = explorer.result
    assert r.v.shape == (90,)
    # v_1 = 0.02 theta_1, v_2 = 0.0196 theta_1 + 0.02 theta_2 (the lecture's numbers)
    assert r.v[0] == pytest.approx(0.02 * TEMPS[0])
    assert r.v[1] == pytest.approx(0.0196 * TEMPS[0] + 0.02 * TEMPS[1])
    assert r.v_corrected[1] == pytest.approx(r.v[1] / 0.0396)
    # off: only the dashed uncorrected curve (after the data dots); on: the beta's colour
    assert _curve_colors(explorer) == [_curve_colors(explorer)[0], mcolors.to_hex(UNCORRECTED_COLOR)]
    assert f"v_1 = (1 − β) θ_1 = {0.02 * TEMPS[0]:.2f} °F" in explorer.note.value
    changed, _ = _set(explorer, "bias_correction", True)
    assert changed
    assert _curve_colors(explorer)[1] == mcolors.to_hex(BETA_COLORS[0.98])
    assert "day 229" in explorer.note.value and "after the 90 days shown" in explorer.note.value
    assert f"{TEMPS[0]:.1f} °F" in explorer.note.value  # corrected v_1 is theta_1 itself


def test_bias_correction_explorer_extremes_redraw_fast_and_finite():
    explorer = bias_correction_explorer(DAYS, TEMPS, bias_correction=True)
    times = []
    for name, value in [("beta", 0.0), ("beta", BETA_MAX), ("beta", 0.98), ("beta", 0.9), ("beta", 0.5),
                        ("bias_correction", False), ("beta", 0.0), ("beta", BETA_MAX), ("bias_correction", True)]:
        changed, seconds = _set(explorer, name, value)
        assert changed, (name, value)
        times.append(seconds)
        r = explorer.result
        assert np.all(np.isfinite(r.v)) and np.all(np.isfinite(r.v_corrected))
        np.testing.assert_allclose(r.v_corrected, ewa(TEMPS[:90], r.beta, bias_correction=True))
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_bias_correction_explorer_marks_the_warm_up_day_when_visible():
    explorer = bias_correction_explorer(DAYS, TEMPS, beta=0.9)
    (ax,) = explorer.figure.axes
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "from day 44" in legend and "day 44" in explorer.note.value
    explorer.controls["beta"].value = 0.0
    # beta = 0: v_t = theta_t, no bias at all
    np.testing.assert_allclose(explorer.result.v, TEMPS[:90])
    np.testing.assert_allclose(explorer.result.v_corrected, TEMPS[:90])


def test_bias_correction_explorer_num_days():
    explorer = bias_correction_explorer(DAYS, TEMPS, num_days=30)
    assert explorer.result.v.shape == (30,)
    assert "first 30 days" in explorer.figure.axes[0].get_title()
    assert math.isfinite(explorer.last_redraw_seconds)


def test_default_builders_use_the_london_year():
    from ngopt_course.data import london_temperatures

    days, temps = london_temperatures()
    explorer = ewa_explorer()
    np.testing.assert_array_equal(explorer.temps, temps)
    np.testing.assert_allclose(explorer.result.v, ewa(temps, 0.9))
    # the lecture's claim on this year: beta = 0.98 peaks later than 0.9
    peak_09 = explorer.result.peak_day
    explorer.presets[0.98].click()
    assert explorer.result.peak_day > peak_09
    bias = bias_correction_explorer(unit="C")
    _, temps_c = london_temperatures(unit="C")
    np.testing.assert_array_equal(bias.temps, temps_c[:90])
    assert "°C" in bias.note.value and "°C" in bias.figure.axes[0].get_ylabel()

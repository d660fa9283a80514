"""The optimizer race of notebook 06, driven headless: controls -> runs, picture, table, speed."""

import html
import io
import re

from ipywidgets.widgets.widget_link import Link
import numpy as np
import pytest
from PIL import Image

from ngopt_course.experiments.race import run_race, start_presets
from ngopt_course.surfaces import SURFACES
from ngopt_course.widgets.race import (
    ADAM_BETA1S,
    RaceExplorer,
    _play_step,
    optimizer_race,
)

from widget_checks import set_control as _set

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")


@pytest.fixture(scope="module")
def explorer():
    return optimizer_race()




def _rows(explorer):
    """The note's table rows as lists of cell texts."""
    rows = re.findall(r"<tr>(.*?)</tr>", explorer.note.value)
    cells = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r)] for r in rows]
    return [row for row in cells if row]                       # the header row has <th> only


def _finite_result(result):
    for run in result.race.runs.values():
        assert np.isfinite(run.path).all() and np.isfinite(run.losses).all()
    return True


def _drawn(explorer, gid):
    for ax in explorer.figure.axes:
        for line in ax.get_lines():
            if line.get_gid() == gid:
                return np.asarray(line.get_xydata(), dtype=float)
    raise AssertionError(f"no line {gid}")


def test_starts_with_the_whole_race_on_the_bowl():
    explorer = optimizer_race()
    assert isinstance(explorer, RaceExplorer)
    r = explorer.result
    assert r.race.surface == "elongated_bowl" and r.step == 150
    package = run_race("elongated_bowl")                             # the race the package runs
    assert r.race.learning_rates == package.learning_rates and r.race.optimizers == package.optimizers
    for name, run in package.runs.items():
        np.testing.assert_array_equal(r.race.runs[name].path, run.path)
    rows = _rows(explorer)
    assert [row[0].lstrip("■ ") for row in rows] == ["gradient descent", "momentum", "RMSProp", "Adam"]
    assert [row[1] for row in rows] == ["0.18", "0.18", "0.1", "0.1"]
    assert rows[0][2] == "reached f − f_min < 0.001 at step 104"
    assert "Step 150 of 150" in explorer.note.value
    width, height = Image.open(io.BytesIO(explorer.image.value)).size
    assert (width, height) == (855, 342)                             # 9.5 x 3.8 inches at 90 dpi
    assert len(explorer.figure.axes) == 2
    np.testing.assert_array_equal(_drawn(explorer, "path:adam"), r.race.runs["adam"].path)


def test_play_is_linked_to_the_step_slider(explorer):
    link = explorer.play_link
    assert isinstance(link, Link)
    assert link.source == (explorer.play, "value") and link.target == (explorer.controls["step"], "value")
    assert explorer.play.max == explorer.controls["step"].max == explorer.result.race.num_steps
    assert explorer.play.interval == 100


def test_play_steps_divide_the_race():
    assert _play_step(150) == 1 and _play_step(200) == 1
    assert _play_step(300) == 2 and _play_step(1000) == 5
    for n in (150, 200, 300, 1000, 7, 401):
        d = _play_step(n)
        assert n % d == 0 and n / d <= 200 or d == n


def test_a_step_moves_the_paths_without_running_anything(explorer):
    explorer.controls["surface"].value = "elongated_bowl"
    runs = dict(explorer.result.race.runs)
    times = []
    for k in (0, 1, 2, 30, 75, 149, 150, 10):
        changed, seconds = _set(explorer, "step", k)
        assert changed, k
        times.append(seconds)
        for name, run in explorer.result.race.runs.items():
            assert run is runs[name]                             # no new run
            np.testing.assert_array_equal(_drawn(explorer, f"path:{name}"), run.path[: k + 1])
            np.testing.assert_array_equal(_drawn(explorer, f"head:{name}")[0], run.path[k])
        assert f"Step {k} of 150" in explorer.note.value
        assert f"f − f_min at step {k}" in explorer.note.value
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_a_blitted_frame_equals_a_full_redraw(explorer):
    explorer.controls["step"].value = 42
    explorer.controls["beta1"].value = 0.5
    blitted = explorer.image.value
    explorer._layers.clear()             # force the full path: new figure, draw, render
    explorer.refresh()
    assert explorer.image.value == blitted


def test_every_control_at_its_extremes_and_back(explorer):
    times = []
    for name, control in explorer.controls.items():
        if name == "surface":
            continue
        if hasattr(control, "options"):
            values = [o[1] for o in control.options]
            ends = [values[0], values[-1], values[len(values) // 2]]
        else:
            ends = [control.min, control.max, (control.min + control.max) // 2]
        original = control.value
        for value in [*ends, original]:
            if value == control.value:
                continue
            changed, seconds = _set(explorer, name, value)
            assert changed, (name, value)
            assert _finite_result(explorer.result)
            times.append(seconds)
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_a_beta_reruns_only_its_optimizer(explorer):
    explorer.controls["surface"].value = "plateau"
    before = dict(explorer.result.race.runs)
    explorer.controls["beta1"].value = ADAM_BETA1S[0]
    after = explorer.result.race.runs
    assert all(after[k] is before[k] for k in ("gd", "momentum", "rmsprop"))
    assert after["adam"] is not before["adam"]
    explorer.controls["beta1"].value = 0.9


def test_a_new_surface_resets_start_and_steps():
    explorer = optimizer_race()
    explorer.controls["start"].value = 2
    explorer.controls["step"].value = 7
    times = []
    for name, surface in SURFACES.items():
        if name == explorer.controls["surface"].value:
            continue
        changed, seconds = _set(explorer, "surface", name)
        times.append(seconds)
        assert changed
        assert explorer.controls["start"].value == 0
        assert explorer.result.race.start == tuple(surface.start)
        labels = [label for label, _ in explorer.controls["start"].options]
        assert len(labels) == len(start_presets(name)) and "the surface's start" in labels[0]
        assert explorer.controls["step"].max == explorer.controls["step"].value == surface.num_steps
        assert explorer.play.max == explorer.play.value == surface.num_steps
        assert explorer.play.step == _play_step(surface.num_steps)
        assert explorer.figure.axes[0].get_title() == surface.title
        assert _finite_result(explorer.result)
        explorer.controls["start"].value = 3
    # redraw speed is measured by benchmarks/widget_latency.py, not asserted in unit tests


def test_divergence_is_a_readable_note_with_finite_data():
    explorer = optimizer_race(learning_rate_scale=2.0)
    rows = _rows(explorer)
    # alpha = 0.36 > 2 / 10 on the bowl: |y| grows by 2.6 per step (tests/test_race.py)
    assert rows[0][2] == "diverged at step 10 (left the plot at step 1)" and rows[0][3] == "diverged"
    assert "gradient descent: α is too large on this surface" in explorer.note.value
    assert "nan" not in explorer.note.value.lower()
    for ax in explorer.figure.axes:
        for line in ax.get_lines():
            assert np.isfinite(np.asarray(line.get_xydata(), dtype=float)).all()
    explorer.controls["step"].value = 5                 # before the divergence: a number
    assert _rows(explorer)[0][3] != "diverged"


def test_builder_refuses_settings_the_sliders_do_not_have():
    with pytest.raises(ValueError, match=r"beta1 == 0.3, must be one of \[0.0, 0.5"):
        optimizer_race(beta1=0.3)
    with pytest.raises(ValueError, match="learning_rate_scale == 0.0"):
        optimizer_race(learning_rate_scale=0)
    with pytest.raises(ValueError, match="surface == 'bowl'"):
        optimizer_race("bowl")

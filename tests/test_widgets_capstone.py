"""The capstone explorer, driven headless with short runs: choices -> run, picture, note, speed."""


import matplotlib.colors as mcolors
import numpy as np
import pytest

from ngopt_course import make_moons
from ngopt_course.experiments.capstone import train_run
from ngopt_course.plots.style import OPTIMIZER_COLORS
from ngopt_course.widgets.capstone import CapstoneExplorer, capstone_explorer

from widget_checks import set_control as _set, assert_redraws_measured

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")

EPOCHS = 15   # short runs: the explorer does not care how long they trained


@pytest.fixture(scope="module")
def data():
    return make_moons(300, 0.2, seed=0)


@pytest.fixture(scope="module")
def runs(data):
    X, Y = data
    return {key: train_run(X, Y, *key, num_epochs=EPOCHS, num=40)
            for key in [("gd", "small"), ("adam", "small"), ("gd", "decay")]}






def test_starts_on_adam_and_draws_every_run(runs, data):
    X, Y = data
    explorer = capstone_explorer(runs, X, Y, num_epochs=EPOCHS, train_ahead=False)
    assert isinstance(explorer, CapstoneExplorer)
    r = explorer.result
    assert r.key == ("adam", "small") and r.run is runs[("adam", "small")] and not r.trained_now
    left, right = explorer.figure.axes
    assert len(left.get_lines()) == 3
    thick = max(left.get_lines(), key=lambda line: line.get_linewidth())
    assert mcolors.to_hex(thick.get_color()) == mcolors.to_hex(OPTIMIZER_COLORS["adam"])
    np.testing.assert_array_equal(thick.get_ydata(), runs[("adam", "small")].epoch_costs)
    assert f"accuracy {r.run.accuracy:.1%}" in right.get_title()
    assert f"accuracy <b>{r.run.accuracy:.1%}</b> on the 300 training examples" in explorer.note.value
    assert "(precomputed)" in explorer.note.value


def test_cached_choices_redraw_fast_and_change_the_picture(runs, data):
    X, Y = data
    explorer = capstone_explorer(runs, X, Y, num_epochs=EPOCHS, train_ahead=False)
    times = []
    for name, value in [("optimizer", "gd"), ("setting", "decay"), ("setting", "small"),
                        ("optimizer", "adam"), ("optimizer", "gd"), ("setting", "decay")]:
        changed, seconds = _set(explorer, name, value)
        assert changed, (name, value)
        times.append(seconds)
        r = explorer.result
        assert r.run is runs[r.key] and not r.trained_now
        assert r.run.label.split(",")[0] in explorer.note.value
        assert np.isfinite(r.run.epoch_costs).all()
    assert_redraws_measured(times)


def test_missing_choice_is_trained_once_and_kept(runs, data):
    X, Y = data
    explorer = capstone_explorer(runs, X, Y, optimizer="gd", num_epochs=EPOCHS, train_ahead=False)
    _set(explorer, "optimizer", "momentum")                  # ("momentum", "small") is not in runs
    r = explorer.result
    assert r.trained_now and r.key == ("momentum", "small")
    assert len(r.run.epoch_costs) == EPOCHS
    assert "trained just now" in explorer.note.value
    assert ("momentum", "small") not in runs                 # the caller's dict is left alone
    assert ("momentum", "small") in explorer.runs
    assert len(explorer.figure.axes[0].get_lines()) == 4
    _set(explorer, "optimizer", "gd")
    _set(explorer, "optimizer", "momentum")
    assert not explorer.result.trained_now and explorer.result.run is r.run
    # the run trained here equals train_run's
    again = train_run(X, Y, "momentum", "small", num_epochs=EPOCHS, num=10)
    np.testing.assert_array_equal(r.run.epoch_costs, again.epoch_costs)


def test_missing_choices_are_trained_ahead_when_built(runs, data):
    X, Y = data
    explorer = capstone_explorer(runs, X, Y, num_epochs=EPOCHS, progress=False)
    assert len(explorer.runs) == 9 and len(runs) == 3               # every combination; the caller's dict alone
    left, _ = explorer.figure.axes
    assert len(left.get_lines()) == 9
    trained = explorer.runs[("momentum", "large")]
    assert trained is not runs.get(("momentum", "large")) and len(trained.epoch_costs) == EPOCHS
    # the run trained ahead equals train_run's, and choosing it trains nothing
    np.testing.assert_array_equal(trained.epoch_costs,
                                  train_run(X, Y, "momentum", "large", num_epochs=EPOCHS, num=10).epoch_costs)
    for name, value in [("optimizer", "momentum"), ("setting", "large")]:
        changed, _ = _set(explorer, name, value)
        assert changed and not explorer.result.trained_now
    assert explorer.result.run is trained and explorer.result.trained_here
    assert "when this explorer was built" in explorer.note.value
    thick = max(left.get_lines(), key=lambda line: line.get_linewidth())
    np.testing.assert_array_equal(thick.get_ydata(), trained.epoch_costs)    # the chosen curve is thick
    _set(explorer, "optimizer", "adam")
    _set(explorer, "setting", "small")                              # a run passed in stays the caller's
    assert explorer.result.run is runs[("adam", "small")] and not explorer.result.trained_here
    assert "(precomputed)" in explorer.note.value


def test_without_training_a_missing_choice_says_so(runs, data):
    X, Y = data
    explorer = capstone_explorer(runs, X, Y, setting="large", train_missing=False, num_epochs=EPOCHS)
    assert explorer.result.run is None
    assert "not among the precomputed runs" in explorer.note.value
    left, right = explorer.figure.axes
    assert len(left.get_lines()) == 3 and not right.axison
    changed, _ = _set(explorer, "setting", "small")
    assert changed and explorer.result.run is runs[("adam", "small")]


def test_bad_arguments(runs, data):
    X, Y = data
    with pytest.raises(ValueError, match="must be the CapstoneRun of"):
        capstone_explorer({("adam", "large"): runs[("adam", "small")]}, X, Y)
    with pytest.raises(ValueError, match="optimizer == 'rmsprop'"):
        capstone_explorer(runs, X, Y, optimizer="rmsprop")
    with pytest.raises(ValueError, match="setting == 'huge'"):
        capstone_explorer(runs, X, Y, setting="huge")

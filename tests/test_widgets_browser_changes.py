"""A slider dragged in the browser: its values are drawn after the kernel answers, latest first.

``Explorer._redraw_for`` draws a change the browser sent (``Widget.set_state``, the call
ipywidgets makes for a message from the front end) from the kernel's event loop, once the
message is answered, and draws values that arrived meanwhile once. Python changes are
drawn at once. Here an asyncio loop stands in for the kernel's; the note's delay is
tested on a loop whose clock the test moves (no wall time, no sleeping).
"""

import asyncio
import warnings

import ipywidgets
import pytest

from ngopt_course.widgets import EXPLORERS, Explorer
from ngopt_course.widgets import _base


class Counting(Explorer):
    """One slider; counts computes and remembers the values drawn."""

    def __init__(self, fail_at=None):
        self.drawn, self.fail_at = [], fail_at
        super().__init__({"beta": ipywidgets.FloatSlider(value=0.9, min=0.5, max=0.99, step=0.01)},
                         figsize=(2, 2), dpi=40)

    def compute(self, beta):
        if beta == self.fail_at:
            raise RuntimeError(f"deliberate failure at beta = {beta}")
        self.drawn.append(beta)
        return beta

    def draw_still(self, result):
        self.figure.add_axes((0.1, 0.1, 0.8, 0.8)).set_ylim(0, 1)

    def draw_moving(self, result):
        self.figure.axes[0].plot([0, 1], [0, result])

    def describe(self, result):
        return f"beta = {result}"


def _from_browser(control, value):
    """What ipywidgets does with a message from the front end (selections send an index)."""
    if hasattr(control, "options"):
        control.set_state({"index": [option[1] if isinstance(option, tuple) else option
                                     for option in control.options].index(value)})
    else:
        control.set_state({"value": value})


def test_browser_change_outside_an_event_loop_is_drawn_at_once():
    explorer = Counting()
    _from_browser(explorer.controls["beta"], 0.6)
    assert explorer.drawn == [0.9, 0.6]


def test_python_change_inside_the_event_loop_is_drawn_at_once():
    explorer = Counting()

    async def cell():
        explorer.controls["beta"].value = 0.7
        return list(explorer.drawn)             # before the loop gets a chance to run anything

    assert asyncio.run(cell()) == [0.9, 0.7]


def test_browser_changes_are_drawn_after_the_message_once_at_the_latest_value():
    explorer = Counting()
    slider = explorer.controls["beta"]

    async def messages():
        for value in (0.6, 0.7, 0.8):           # three messages before the loop runs again
            _from_browser(slider, value)
        pending = list(explorer.drawn)
        await asyncio.sleep(0)                  # the kernel goes idle: the scheduled redraw runs
        return pending, list(explorer.drawn)

    pending, after = asyncio.run(messages())
    assert pending == [0.9]                     # nothing drawn inside the messages
    assert after == [0.9, 0.8]                  # one redraw, at the latest value
    assert explorer.result == 0.8


def test_a_redraw_after_the_message_shows_the_same_picture_as_one_at_once():
    deferred, direct = EXPLORERS["ewa"](), EXPLORERS["ewa"]()

    async def drag():
        _from_browser(deferred.controls["beta"], 0.5)
        await asyncio.sleep(0)

    asyncio.run(drag())
    direct.controls["beta"].value = 0.5
    assert deferred.values == direct.values
    assert deferred.image.value == direct.image.value


def test_an_error_in_a_scheduled_redraw_is_shown_below_the_figure_until_a_clean_redraw():
    explorer = Counting(fail_at=0.6)

    async def messages():
        _from_browser(explorer.controls["beta"], 0.6)
        await asyncio.sleep(0)
        shown = explorer.messages.outputs
        _from_browser(explorer.controls["beta"], 0.7)   # the next change still redraws
        await asyncio.sleep(0)
        return shown

    shown = asyncio.run(messages())
    assert [(o["output_type"], o["ename"], o["evalue"]) for o in shown] == [
        ("error", "RuntimeError", "deliberate failure at beta = 0.6")]
    assert "compute" in "".join(shown[0]["traceback"])    # where it failed
    assert explorer.drawn == [0.9, 0.7]
    assert explorer.messages.outputs == ()                 # ran clean: nothing left to read


@pytest.mark.filterwarnings("default")  # as in a kernel (the suite turns warnings into errors)
def test_a_warning_in_a_scheduled_redraw_is_shown_below_the_figure():
    class Warning(Counting):
        def compute(self, beta):
            if beta < 0.7:
                warnings.warn(f"beta = {beta} averages over only {1 / (1 - beta):.1f} days")
            return super().compute(beta)

    explorer = Warning()

    async def message():
        _from_browser(explorer.controls["beta"], 0.6)
        await asyncio.sleep(0)

    asyncio.run(message())
    [shown] = explorer.messages.outputs
    assert shown["output_type"] == "stream" and shown["name"] == "stderr"
    assert "UserWarning: beta = 0.6 averages over only 2.5 days" in shown["text"]
    assert explorer.drawn == [0.9, 0.6]                    # a warning does not stop the redraw


def test_an_error_in_a_python_change_is_raised_where_the_change_was_made():
    explorer = Counting(fail_at=0.6)
    with pytest.raises(RuntimeError, match="deliberate failure at beta = 0.6"):
        explorer.controls["beta"].value = 0.6
    assert explorer.messages.outputs == ()


@pytest.mark.parametrize("name, key", [("race", "learning_rate_scale"), ("plateau", "learning_rate")])
def test_explorers_with_their_own_change_handler_defer_too(name, key):
    explorer = EXPLORERS[name]()
    slider = explorer.controls[key]
    before = explorer.image.value
    target = slider.options[-1][1] if hasattr(slider, "options") else slider.max

    async def message():
        _from_browser(slider, target)
        unchanged = explorer.image.value == before
        await asyncio.sleep(0)
        return unchanged

    assert asyncio.run(message())
    assert explorer.values[key] == target
    assert explorer.image.value != before


def test_the_note_of_browser_changes_comes_once_the_hand_rests(fake_clock):
    explorer = Counting()
    notes = []
    explorer.note.observe(lambda change: notes.append(change["new"]), names="value")

    async def drag():
        for value in (0.6, 0.7):
            _from_browser(explorer.controls["beta"], value)
            await asyncio.sleep(0)                    # each value drawn at once ...
        during = (explorer.result, explorer.note.value)
        await fake_clock.advance(0.99 * _base.NOTE_DELAY)
        resting = list(notes)
        await fake_clock.advance(0.02 * _base.NOTE_DELAY)       # ... the note once the hand rests
        return during, resting

    assert fake_clock.run(drag()) == ((0.7, "beta = 0.9"), [])
    assert notes == ["beta = 0.7"]                    # one note, the latest


def test_a_python_change_sets_the_note_at_once_and_drops_a_waiting_one(fake_clock):
    explorer = Counting()

    async def drag_then_cell():
        _from_browser(explorer.controls["beta"], 0.6)
        await asyncio.sleep(0)
        explorer.controls["beta"].value = 0.8         # a cell runs before the note's time
        now = explorer.note.value
        await fake_clock.advance(2 * _base.NOTE_DELAY)
        return now

    assert fake_clock.run(drag_then_cell()) == "beta = 0.8"
    assert explorer.note.value == "beta = 0.8"        # the waiting 0.6 note never came


def test_a_redraw_left_waiting_on_a_closed_loop_does_not_hold_back_the_next():
    explorer = Counting()
    closed = asyncio.new_event_loop()
    closed.close()
    explorer._redraw_pending = closed                # scheduled there, never run: the loop closed

    async def message():
        _from_browser(explorer.controls["beta"], 0.6)
        await asyncio.sleep(0)

    asyncio.run(message())
    assert explorer.drawn == [0.9, 0.6]

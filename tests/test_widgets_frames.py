"""The main slider's frames: what the browser shows with no kernel is what the kernel draws.

Every explorer with a ``MAIN_CONTROL`` carries one transparent PNG per stop of that
slider (its moving layer alone, over the still layer ``still_image``), linked to the
slider in the browser. Here: each frame is, pixel for pixel, the moving layer the kernel
draws when the slider is set to that stop; a change of another control draws the frame
on show at once and the others after (in an event loop: one callback each, so a newer
change stops an older job); and the pages stay light.
"""

import asyncio
import io

import ipywidgets
import numpy as np
import pytest
from PIL import Image

from ngopt_course.widgets import EXPLORERS, _base

pytestmark = pytest.mark.usefixtures("no_pyplot_figures_left")

WITH_FRAMES = ["bias_correction", "census", "decay", "ewa", "minibatch", "momentum", "plateau", "race",
               "rmsprop"]
#: A notebook page carries its explorers' frames (base64 in the saved widget state, a
#: third more): an explorer's own pictures stay under 2 MB so a page stays under 3 MB.
MAX_EXPLORER_BYTES = 2_000_000


@pytest.fixture(scope="module", params=WITH_FRAMES, ids=WITH_FRAMES)
def explorer(request):
    explorer = EXPLORERS[request.param]()
    explorer.draw_frames()          # built outside an event loop: only the frame on show is drawn
    return explorer


def _pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _main(explorer):
    return explorer.controls[explorer.MAIN_CONTROL]


def _stops(control):
    return [o[1] for o in control.options]


def _other(explorer):
    """A control other than the main one, and a value for it that differs from the current."""
    for name, control in explorer.controls.items():
        if name == explorer.MAIN_CONTROL or name == "step":
            continue
        if isinstance(control, ipywidgets.Checkbox):
            return name, not control.value
        options = [o[1] if isinstance(o, tuple) else o for o in getattr(control, "options", ())]
        if options:
            return name, options[-1] if control.value != options[-1] else options[0]
        return name, control.max if control.value != control.max else control.min
    return None, None


def _assert_frames_are_direct_redraws(explorer, indices):
    main = _main(explorer)
    frames = [explorer.frames.children[i].value for i in indices]
    notes = [explorer.notes.children[i].value for i in indices]
    for i, frame, note in zip(indices, frames, notes):
        main.value = _stops(main)[i]
        assert explorer.frames.selected_index == explorer.notes.selected_index == i
        direct = _pixels(explorer.render_moving())
        assert np.array_equal(_pixels(frame), direct), f"{explorer.MAIN_CONTROL} = {main.value!r}"
        assert note == explorer.note.value, f"{explorer.MAIN_CONTROL} = {main.value!r}: the note"


def test_explorers_built_in_a_kernel_carry_every_frame():
    async def cell():                       # a notebook cell: the kernel's event loop runs
        return EXPLORERS["census"]()

    explorer = asyncio.run(cell())
    assert not explorer._stale_frames
    assert all(child.value[:8] == b"\x89PNG\r\n\x1a\n" for child in explorer.frames.children)


def test_the_frames_are_linked_to_the_main_slider_in_the_browser(explorer):
    main = _main(explorer)
    assert isinstance(explorer.frames, ipywidgets.Stack)
    assert len(explorer.frames.children) == len(main.options)
    link = explorer.frames_link
    assert (link.source, link.target) == ((main, "index"), (explorer.frames, "selected_index"))
    link = explorer.notes_link
    assert (link.source, link.target) == ((main, "index"), (explorer.notes, "selected_index"))
    assert len(explorer.notes.children) == len(main.options) and explorer.children[2] is explorer.notes
    assert "ngopt-frames" in explorer._dom_classes and "ngopt-main-slider" in main._dom_classes
    assert main.description                                      # labelled, for a screen reader
    # the still layer and the frames share one grid cell: the frame lies over the still picture
    grid = explorer.children[1]
    assert list(grid.children) == [explorer.still_image, explorer.frames]
    assert explorer.still_image.layout.grid_area == explorer.frames.layout.grid_area == "picture"


def test_each_frame_is_the_moving_layer_the_kernel_draws_at_that_stop(explorer):
    _assert_frames_are_direct_redraws(explorer, range(len(_main(explorer).options)))


def test_a_frame_over_the_still_layer_is_the_picture(explorer):
    """Composited as a browser does (straight alpha, "over"): the picture the kernel shows.

    Where moving artists overlap each other's antialiased edges, Agg rounds their blend to
    8 bits on transparent pixels, not on the still layer: a few levels on a few pixels.
    """
    still = _pixels(explorer.still_image.value)[..., :3].astype(float)
    frame = _pixels(explorer.frames.children[explorer.frames.selected_index].value).astype(float)
    alpha = frame[..., 3:] / 255
    over = frame[..., :3] * alpha + still * (1 - alpha)
    picture = _pixels(explorer.image.value)[..., :3].astype(float)
    differs = np.abs(over - picture).max(axis=-1)
    assert differs.max() <= 8                               # of 255: invisible
    assert (differs > 1.5).mean() <= 0.005                  # elsewhere a unit of rounding at most


def test_another_control_draws_the_frame_on_show_first_and_the_others_after(explorer):
    name, value = _other(explorer)
    if name is None:                        # (ewa, census, minibatch: the main slider is all)
        assert list(explorer.controls) == [explorer.MAIN_CONTROL]
        return
    before = [child.value for child in explorer.frames.children]
    explorer.controls[name].value = value
    shown = explorer.frames.selected_index
    after = [child.value for child in explorer.frames.children]
    assert after[shown] != before[shown]                    # the current picture at once
    explorer.draw_frames()                                   # (no event loop here: drawn when asked)
    stops = len(after)
    _assert_frames_are_direct_redraws(explorer, sorted({0, stops // 2, stops - 1, shown}))


def test_frames_are_drawn_between_messages_and_a_newer_change_stops_an_older_job():
    explorer = EXPLORERS["bias_correction"]()
    checkbox = explorer.controls["bias_correction"]
    frames = explorer.frames.children

    async def cell():
        checkbox.value = True                   # a cell in the kernel: frames scheduled
        first = [child.value for child in frames]
        checkbox.value = False                  # before any ran: the first job must stop
        pending = len(explorer._stale_frames)
        for _ in range(3 * len(frames)):        # one frame per turn of the loop
            await asyncio.sleep(0)
        return first, pending

    first, pending = asyncio.run(cell())
    assert pending == len(frames) - 1           # all but the one on show, drawn at once
    assert not explorer._stale_frames
    _assert_frames_are_direct_redraws(explorer, [0, len(frames) - 1])


def test_an_explorer_s_pictures_keep_a_page_light(explorer):
    total = sum(len(child.value) for child in explorer.frames.children)
    total += len(explorer.still_image.value) + len(explorer.image.value)
    assert total < MAX_EXPLORER_BYTES, f"{total / 1e6:.2f} MB"


def test_a_browser_change_of_the_main_slider_leaves_the_stacks_to_the_browser():
    """The browser switched the frame itself (jslink) and may be stops further already: the
    kernel, answering late, must not pull the Stack back; Python changes do set it."""
    explorer = EXPLORERS["census"]()
    main = _main(explorer)
    shown, picture = explorer.frames.selected_index, explorer.image.value

    async def message():
        main.set_state({"index": 0})            # what ipywidgets does with the browser's message
        await asyncio.sleep(0)                  # the redraw after the answer

    asyncio.run(message())
    assert explorer.result.n == 1 and explorer.image.value != picture   # the kernel follows...
    assert explorer.frames.selected_index == explorer.notes.selected_index == shown   # ...not the Stacks
    main.value = 7
    assert explorer.frames.selected_index == explorer.notes.selected_index == 6


def test_a_browser_drag_of_the_main_slider_leaves_the_whole_picture_until_the_hand_rests(fake_clock):
    """The frame is on show in the browser: the kernel only follows the values, and draws the
    whole picture (kept for notebooks shown without widgets) and the note once the hand rests."""
    explorer = EXPLORERS["census"]()
    reference = EXPLORERS["census"]()
    explorer.draw_frames()
    main = _main(explorer)
    before = (explorer.image.value, explorer.note.value)

    async def drag():
        for index in (5, 6, 7):                 # n = 6, 7, 8, one message each
            main.set_state({"index": index})
            await asyncio.sleep(0)
        during = (explorer.result.n, explorer.image.value, explorer.note.value)
        await fake_clock.advance(_base.NOTE_DELAY)
        return during

    n, image, note = fake_clock.run(drag())
    assert n == 8 and (image, note) == before   # followed, nothing drawn yet
    reference.controls["n"].value = 8
    assert explorer.image.value == reference.image.value
    assert explorer.note.value == reference.note.value

"""Drive a notebook in JupyterLab the way a learner does, through Playwright.

A learner opens the notebook, chooses Run > Run All Cells, reads the outputs and plays
with every widget: drags or arrow-keys a slider, clicks a toggle button or a checkbox,
picks a dropdown option, presses play. Each step here does exactly that in headless
Chromium and returns what a learner would see, so the test can assert on it:

- ``open_notebook`` / ``run_all_cells`` / ``wait_for_run`` / ``save_notebook``
- ``read_cells``: prompts and outputs of every code cell (mime type and text)
- ``widget_roots`` and ``exercise_widget``: every control of every widget is moved and
  the picture (a SHA-256 of the PNG the ``<img>`` shows) must change
- ``time_slider_drag``: what a learner feels while dragging a slider, measured (pictures
  per second while the hand moves, and the wait from release to the last picture)
- ``ConsoleLog``: every console error and uncaught page error
- ``KernelTraffic``: when the kernel last sent the page a message, so the tab is closed
  only once the kernel is quiet

Only locators and keyboard/mouse actions a person could perform are used; JavaScript
run in the page only *reads* the DOM (and hashes the shown image). The one exception is
``time_slider_drag``, which also keeps a list of timestamps in the page (a
MutationObserver notes each new picture; the page itself is not changed), and
``time_slider_drag_in_page``, which makes the drag's mouse events in the page, one per
animation frame, because Playwright's own moves cannot come as fast as a screen.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

__all__ = [
    "BROWSER_ARGS",
    "ConsoleLog",
    "ControlMove",
    "DragTiming",
    "KernelTraffic",
    "NotebookError",
    "exercise_widget",
    "main_slider",
    "launch_context",
    "open_notebook",
    "read_cells",
    "read_log_console",
    "run_all_cells",
    "save_notebook",
    "time_slider_drag",
    "time_slider_drag_in_page",
    "wait_for_run",
    "wait_for_widgets",
    "widget_roots",
    "widget_stderr",
]

#: Flags for a quiet, isolated headless Chromium: no sandbox (root in CI), no GPU, and
#: none of the background traffic (updates, sync, QUIC probes) a fresh profile makes.
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"
IDLE = f"{NOTEBOOK} .jp-Notebook-ExecutionIndicator[data-status='idle']"
# The status bar's kernel item ("Python 3 (ipykernel) | Idle"); its title names the file.
KERNEL_STATUS = ".jp-StatusBar-TextItem[title^='Change kernel']"
_KERNEL_READY = re.compile(r"^(?!No Kernel).+\| Idle$")
WIDGET_OUTPUT = ".jp-OutputArea-output:has(> .jupyter-widgets)"
#: A slider track narrower than this cannot be dragged with any precision.
MIN_SLIDER_PX = 80

# Console messages that are not faults of the course, each with the reason it is safe.
# Keep this list short: every entry hides a class of messages from the test.
HARMLESS_CONSOLE = [
    # (regex, reason)
]


class NotebookError(AssertionError):
    """A notebook did not behave as a learner needs (raised with the details)."""


def launch_context(playwright, executable_path, user_data_dir, *, viewport=(1280, 900)):
    """Start headless Chromium with a fresh profile in ``user_data_dir``; return the context."""
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=str(executable_path),
        headless=True,
        args=BROWSER_ARGS,
        viewport={"width": viewport[0], "height": viewport[1]},
        accept_downloads=False,  # never wait on a download
    )


@dataclass
class ConsoleLog:
    """Errors a page writes to its console, or throws uncaught, while it is watched."""

    errors: list = field(default_factory=list)
    ignored: list = field(default_factory=list)

    def watch(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        return self

    def _on_console(self, message):
        if message.type != "error":
            return
        text = message.text
        location = message.location or {}
        where = location.get("url", "")
        for pattern, reason in HARMLESS_CONSOLE:
            if re.search(pattern, f"{text} {where}"):
                self.ignored.append((text, reason))
                return
        self.errors.append(f"console.error: {text} ({where})")


@dataclass
class KernelTraffic:
    """When the kernel last sent this page a message (over its channels websocket).

    Closing a tab while the server is still writing a kernel message to it makes
    jupyter_server log a traceback (tornado's ``WebSocketClosedError``, a write that
    nobody awaits): the server's fault, a race, and a learner who closes a busy tab
    meets it too. An audit that closes the tab the moment it is done with the widgets
    would race the kernel's last redraws (a drag's final values, a recomputed frame
    set), so it waits here for the kernel to fall quiet first, as a person would.
    """

    messages: int = 0
    last: float = field(default_factory=time.monotonic)

    def watch(self, page):
        page.on("websocket", self._on_websocket)
        return self

    def _on_websocket(self, socket):
        if "/api/kernels/" in socket.url and "/channels" in socket.url:
            socket.on("framereceived", self._on_frame)

    def _on_frame(self, _payload):
        self.messages += 1
        self.last = time.monotonic()

    def wait_until_quiet(self, page, *, quiet=1.0, timeout=30.0):
        """Wait until no kernel message came for ``quiet`` s; False if ``timeout`` s pass first."""
        deadline = time.monotonic() + timeout
        while time.monotonic() - self.last < quiet:
            if time.monotonic() > deadline:
                return False
            page.wait_for_timeout(100)  # also lets Playwright deliver the frame events
        return True


# -- a notebook: open, run, read ---------------------------------------------------------
def open_notebook(page, url, cells, *, timeout=60.0):
    """Open ``url``; wait until all ``cells`` cells show and the kernel is idle.

    Lab renders a long notebook's cells in batches after the page loads: a Run All
    chosen before the last batch can act on a notebook that is not there yet. And the
    toolbar's indicator says idle while the status bar still reads "No Kernel |
    Initializing": Run All chosen then clears the prompts and runs nothing. So wait, as a
    person would, for the status bar to read "Python 3 (ipykernel) | Idle".
    """
    page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    page.wait_for_selector(f"{NOTEBOOK} .jp-Notebook", timeout=timeout * 1000)
    deadline = time.monotonic() + timeout
    while True:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():
            raise NotebookError(
                "JupyterLab opened a dialog instead of the notebook (a learner would have to "
                f"answer it): {dialog.first.inner_text()[:300]!r}. Does the notebook's "
                "metadata name the kernelspec 'python3'?")
        shown = page.locator(f"{NOTEBOOK} .jp-Notebook-cell").count()
        status = page.locator(KERNEL_STATUS).all_text_contents()
        if shown == cells and page.locator(IDLE).count() and status and all(
                _KERNEL_READY.match(text.strip()) for text in status):
            return
        if time.monotonic() > deadline:
            raise NotebookError(
                f"{timeout} s after opening {url}: {shown} of {cells} cells shown, "
                f"kernel status {status}")
        page.wait_for_timeout(100)


def _menu(page, menu, item, *, timeout=20.0):
    """Click a top-level menu and one of its items, as a person does with the mouse.

    Right after a notebook opens, Lab may not yet have made it the current document, and
    the notebook's menu items are greyed out: like a person, close the menu, wait a moment
    and look again until the item can be clicked.
    """
    label = re.compile(rf"^{re.escape(item)}$")
    deadline = time.monotonic() + timeout
    while True:
        page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{re.escape(menu)}$")).click()
        entry = page.locator(".lm-Menu:not(.lm-mod-hidden) .lm-Menu-item",
                             has=page.locator(".lm-Menu-itemLabel", has_text=label)).first
        entry.wait_for(state="visible", timeout=5_000)
        if "lm-mod-disabled" not in (entry.get_attribute("class") or "").split():
            entry.click()
            return
        page.keyboard.press("Escape")
        if time.monotonic() > deadline:
            raise NotebookError(f"the menu item {menu} > {item} stayed disabled {timeout} s")
        page.wait_for_timeout(250)


def run_all_cells(page):
    """Run > Run All Cells."""
    _menu(page, "Run", "Run All Cells")


def expand_all_code(page):
    """View > Expand All Code: shows the collapsed check cells' code and their prompts.

    A cell whose source is collapsed (the notebooks' check cells) shows an empty
    placeholder instead of its input prompt, so whether it ran could not be read.
    """
    _menu(page, "View", "Expand All Code")
    page.wait_for_function(
        "() => !document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputPlaceholder')",
        timeout=20_000)


def save_notebook(page):
    """File > Save Notebook, then wait until the tab no longer shows unsaved changes."""
    _menu(page, "File", "Save Notebook")
    page.wait_for_selector(".lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)", timeout=30_000)


_PROMPTS_JS = """() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
    .map(e => e.textContent.trim())"""

_RUN_DONE_JS = """(before) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const idle = panel.querySelector(".jp-Notebook-ExecutionIndicator[data-status='idle']");
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
      .map(e => e.textContent.trim());
  // Done: the kernel is idle, no cell is queued or running ('[*]:'), and the run has
  // begun (the prompts changed and the first one has its number). Run All stops at a
  // cell that raised; the cells after it keep their empty prompt '[ ]:'.
  return Boolean(idle) && !prompts.includes('[*]:') && /^\\[\\d+\\]:$/.test(prompts[0] || '')
      && JSON.stringify(prompts) !== JSON.stringify(before);
}"""


_STARTED_JS = """(before) => {
  const prompts = [...document.querySelectorAll(
      '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')]
      .map(e => e.textContent.trim());
  return JSON.stringify(prompts) !== JSON.stringify(before);
}"""


def code_prompts(page):
    """The input prompts of the code cells, top to bottom ('[ ]:', '[*]:', '[3]:')."""
    return page.evaluate(_PROMPTS_JS)


def wait_for_run(page, before, *, timeout=120.0):
    """Wait until Run All has finished (every code cell numbered, or a cell failed).

    ``before`` is ``code_prompts(page)`` read just before Run All was chosen.
    """
    try:  # Run All marks every code cell '[*]:' at once: a quick sign it started
        page.wait_for_function(_STARTED_JS, arg=before, timeout=15_000, polling=100)
    except Exception as error:
        raise NotebookError(
            f"Run > Run All Cells started nothing in 15 s; prompts: {code_prompts(page)}, "
            f"kernel status {page.locator(KERNEL_STATUS).all_text_contents()}") from error
    try:
        page.wait_for_function(_RUN_DONE_JS, arg=before, timeout=timeout * 1000, polling=200)
    except Exception as error:  # playwright's TimeoutError: say where the run stopped
        raise NotebookError(
            f"Run All did not finish in {timeout} s; prompts: {code_prompts(page)}") from error


_CELLS_JS = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  return [...panel.querySelectorAll('.jp-CodeCell')].map((cell, index) => ({
    index,
    prompt: cell.querySelector('.jp-InputPrompt').textContent.trim(),
    outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(out => {
      const img = out.querySelector(':scope > img, .jp-RenderedImage img');
      return {
        mime: out.getAttribute('data-mime-type') ||
              (out.querySelector(':scope > .jupyter-widgets') ? 'widget' : 'unknown'),
        // textContent, not innerText: cells off screen are not laid out (content-visibility)
        text: out.textContent.slice(0, 4000),
        image: img && !img.classList.contains('widget-image')
            ? {complete: img.complete, width: img.naturalWidth} : null,
      };
    }),
  }));
}"""


def read_cells(page):
    """Every code cell: its index, prompt and outputs ({mime, text, image})."""
    return page.evaluate(_CELLS_JS)


_LOG_ENTRIES_JS = """() => [...document.querySelectorAll(
    '.jp-LogConsolePanel .jp-OutputArea:not(.lm-mod-hidden) .jp-OutputArea-child')]
  .map(child => {
    const prompt = child.querySelector('.jp-OutputArea-prompt');
    const output = child.querySelector('.jp-OutputArea-output');
    return {level: prompt ? prompt.getAttribute('data-log-level') : null,
            mime: output ? output.getAttribute('data-mime-type') : null,
            text: output ? output.textContent : ''};
  })"""


def read_log_console(page):
    """Entries of the notebook's Log Console ({level, mime, text}); [] when it has none.

    Output a kernel sends while handling a widget event (a warning raised in a redraw,
    a print in a callback) belongs to no cell: JupyterLab lists it in the Log Console
    and flashes the status bar item, whose title counts the entries.
    """
    item = page.locator(".jp-LogConsoleStatusItem [title]")
    title = item.first.get_attribute("title") if item.count() else ""
    match = re.search(r"(\d+) log entr", title or "")
    if not match or int(match.group(1)) == 0:
        return []
    _menu(page, "View", "Show Log Console")
    page.wait_for_selector(".jp-LogConsolePanel .jp-OutputArea-child", timeout=10_000)
    return page.evaluate(_LOG_ENTRIES_JS)


# -- widgets ----------------------------------------------------------------------------
def widget_roots(page):
    """A locator for every top-level widget shown in an output area of the notebook."""
    return page.locator(f"{NOTEBOOK} {WIDGET_OUTPUT} > .jupyter-widgets")


_BROKEN_WIDGET = re.compile(r"Error displaying widget|Loading widget\.\.\.|"
                            r"Failed to (?:load|create) (?:model|view)")


def wait_for_widgets(page, *, timeout=20.0):
    """Wait until no widget output is still loading; return the texts of broken ones."""
    deadline = time.monotonic() + timeout
    while True:
        texts = page.locator(f"{NOTEBOOK} .jp-OutputArea-output").all_text_contents()
        broken = [t for t in texts if _BROKEN_WIDGET.search(t)]
        if not broken or time.monotonic() > deadline:
            return broken
        page.wait_for_timeout(200)


_SIGNATURE_JS = """async (root) => {
  // What the learner sees change: the bytes of each PNG shown, and the notes' text.
  const hashes = [];
  // ipywidgets.Image (the course's explorers), or inline figures inside an Output widget.
  for (const img of root.querySelectorAll('img.widget-image, .widget-output img')) {
    if (!img.src) { hashes.push(''); continue; }
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    hashes.push([...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join(''));
  }
  const notes = [...root.querySelectorAll('.widget-html-content, .widget-output')]
      .map(e => e.textContent);
  return {images: hashes, notes};
}"""


def widget_stderr(root):
    """Texts of the stderr and error outputs shown inside the widget (its Output areas)."""
    return root.locator(
        ".widget-output .jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
    ).all_text_contents()


def widget_signature(root):
    """{"images": [sha256 of each shown image], "notes": [text of each note/output]}."""
    return root.evaluate(_SIGNATURE_JS)


@dataclass
class ControlMove:
    """One control moved: what was done, the readout before/after, and how long it took."""

    kind: str
    label: str
    action: str
    readout_before: str | None = None
    readout_after: str | None = None
    image_changed: bool = False
    note_changed: bool = False
    seconds: float = float("nan")
    problem: str | None = None
    #: stderr and error outputs the widget itself shows once settled (an explorer shows
    #: there what its redraw after a browser change warned or raised)
    shown_stderr: list = field(default_factory=list)


def _label(control):
    """The control's description as shown (checkboxes show theirs beside the box)."""
    texts = control.locator(".widget-label, .widget-label-basic").all_text_contents()
    texts += [control.text_content() or ""]
    for text in texts:
        text = text.replace("\u200b", "").strip()
        if text:
            return text[:40]
    return "(no label)"


def _readout(slider):
    readout = slider.locator(".widget-readout")
    return readout.inner_text().strip() if readout.count() else None


def _number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _wait_for_change(page, root, before, *, timeout):
    """Poll the widget until its picture (or, without a picture, its note) changes."""
    deadline = time.monotonic() + timeout
    while True:
        after = widget_signature(root)
        if after["images"] != before["images"] or (
                not before["images"] and after["notes"] != before["notes"]):
            return after
        if time.monotonic() > deadline:
            return after
        page.wait_for_timeout(100)


def _settle(page, root, *, timeout):
    """Wait for the kernel to be idle and the picture to stop changing (at most timeout)."""
    deadline = time.monotonic() + timeout
    last, stable = widget_signature(root), 0
    while True:
        page.wait_for_selector(IDLE, timeout=timeout * 1000)
        page.wait_for_timeout(150)
        now = widget_signature(root)
        stable = stable + 1 if now == last else 0
        # Unchanged over two looks 150 ms apart, with the kernel idle each time.
        if stable >= 2 or time.monotonic() > deadline:
            return now
        last = now


def _is_vertical(slider):
    return "widget-vslider" in (slider.get_attribute("class") or "").split()


def _slider_key_move(page, slider):
    handle = slider.locator(".noUi-handle").first
    now = _number(handle.get_attribute("aria-valuenow"))
    top = _number(handle.get_attribute("aria-valuemax"))
    up = now is None or top is None or now < top
    if _is_vertical(slider):
        key = "ArrowUp" if up else "ArrowDown"
    else:
        key = "ArrowRight" if up else "ArrowLeft"
    handle.focus()
    handle.press(key)
    return f"focused the handle, pressed {key}", (1 if up else -1)


def _slider_drag(page, slider):
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-base").first
    handle.scroll_into_view_if_needed()
    box, bar = handle.bounding_box(), track.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    # Drag a third of the track towards the side with more room.
    if _is_vertical(slider):  # up is larger
        direction = 1 if y > bar["y"] + bar["height"] / 2 else -1
        shift = bar["height"] / 3
        target = (x, y - direction * shift)
    else:
        direction = 1 if x < bar["x"] + bar["width"] / 2 else -1
        shift = bar["width"] / 3
        target = (x + direction * shift, y)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(*target, steps=8)
    page.mouse.up()
    return f"dragged the handle {shift:.0f} px {'up/right' if direction > 0 else 'down/left'}", \
        direction


def _controls(root):
    """(kind, locator) for every control of a widget, in the order they are shown."""
    found = []
    for index in range(root.locator(".widget-slider").count()):
        slider = root.locator(".widget-slider").nth(index)
        if slider.locator(".noUi-handle").count() and not slider.locator(
                ".noUi-target[disabled]").count():
            found.append(("slider", slider))
    # Disabled controls are left alone: a learner cannot move them either.
    for kind, selector in [
        ("toggle-buttons",
         ".widget-toggle-buttons:has(button.widget-toggle-button:not(.mod-active):not([disabled]))"),
        ("toggle-button",
         "button.widget-toggle-button:not(.widget-toggle-buttons *):not([disabled])"),
        ("dropdown", ".widget-dropdown:has(select:not([disabled]))"),
        ("checkbox", ".widget-checkbox:has(input:not([disabled]))"),
        ("radio", ".widget-radio:has(input[type=radio]:not(:checked):not([disabled]))"),
        ("play", ".widget-play:has(button:not([disabled]))"),
    ]:
        items = root.locator(selector)
        found.extend((kind, items.nth(i)) for i in range(items.count()))
    return found


def main_slider(root):
    """The slider a learner drags most (an explorer marks it ``ngopt-main-slider``: the browser
    shows its stops from precomputed frames), else the first one that can be dragged, or None."""
    sliders = [control for kind, control in _controls(root)
               if kind == "slider" and _slider_too_small(control) is None]
    marked = [s for s in sliders if "ngopt-main-slider" in (s.get_attribute("class") or "").split()]
    return (marked or sliders or [None])[0]


def _move(page, kind, control, *, drag):
    """Move one control as a person would; return (action text, slider direction)."""
    if kind == "slider":
        return _slider_drag(page, control) if drag else _slider_key_move(page, control)
    if kind == "toggle-buttons":
        button = control.locator(
            "button.widget-toggle-button:not(.mod-active):not([disabled])").first
        text = button.inner_text().strip()
        button.click()
        return f"clicked {text!r}", 0
    if kind == "toggle-button":
        control.click()
        return "clicked it", 0
    if kind == "dropdown":
        select = control.locator("select")
        current = select.input_value()
        options = [o for o in select.locator("option").evaluate_all(
            "els => els.map(e => e.value)") if o != current]
        if not options:
            raise NotebookError(f"dropdown {_label(control)!r} has a single option")
        select.select_option(options[0])
        return f"chose {options[0]!r}", 0
    if kind == "checkbox":
        control.locator("input[type=checkbox]").click()
        return "clicked the box", 0
    if kind == "radio":
        radio = control.locator("input[type=radio]:not(:checked):not([disabled])").first
        radio.click()
        return "clicked another option", 0
    if kind == "play":
        play = control.locator("button").first  # play / pause toggles on one button
        play.click()
        return "pressed play", 0
    raise ValueError(f"unknown control kind {kind!r}")


def exercise_widget(page, root, *, timeout=20.0, drag_first_slider=True):
    """Move every control of the widget ``root``; return one ControlMove per move.

    Each move waits for the picture to change (or the note, for a widget without a
    picture). A slider's readout must change in the direction of the move. Problems are
    recorded on the ControlMove, so one call reports every broken control at once.
    """
    moves = []
    dragged = not drag_first_slider
    controls = _controls(root)
    state = _settle(page, root, timeout=timeout) if controls else None
    for kind, control in controls:
        passes = [False]
        if kind == "slider" and not dragged:
            passes.append(True)  # the first slider is also dragged with the mouse
            dragged = True
        for drag in passes:
            control.scroll_into_view_if_needed()
            if kind == "slider":
                problem = _slider_too_small(control)
                if problem:
                    moves.append(ControlMove(kind=kind, label=_label(control),
                                             action="none", problem=problem))
                    break
            before = state
            readout_before = _readout(control) if kind == "slider" else None
            started = time.perf_counter()
            action, direction = _move(page, kind, control, drag=drag)
            after = _wait_for_change(page, root, before, timeout=timeout)
            move = ControlMove(
                kind=kind, label=_label(control), action=action,
                readout_before=readout_before,
                image_changed=after["images"] != before["images"],
                seconds=time.perf_counter() - started,
            )
            if kind == "play":
                # Pause again so the animation does not keep the kernel busy.
                control.locator("button").first.click()
            # The picture and the note arrive in separate messages: compare once settled.
            state = _settle(page, root, timeout=timeout)
            move.image_changed |= state["images"] != before["images"]
            move.note_changed = state["notes"] != before["notes"]
            move.shown_stderr = widget_stderr(root)
            if kind == "slider":
                move.readout_after = _readout(control)
                move.problem = _check_readout(move, direction)
            if before["images"] and not move.image_changed:
                move.problem = (move.problem or "") + f" the picture did not change in {timeout} s"
            elif not before["images"] and not move.note_changed:
                move.problem = (move.problem or "") + " nothing shown changed"
            moves.append(move)
    return moves


def _slider_too_small(slider):
    """A problem text when the slider's track is too short to drag, else None."""
    track = slider.locator(".noUi-base").first.bounding_box()
    if track is None:
        return "the slider track is not shown"
    length = round(track["height"] if _is_vertical(slider) else track["width"])
    if length < MIN_SLIDER_PX:
        return (f"the slider track is {length} px long (< {MIN_SLIDER_PX}): too short to "
                "use; put fewer controls in a row")
    return None


def _check_readout(move, direction):
    before, after = move.readout_before, move.readout_after
    if before is None or after is None:
        return "the slider shows no readout"
    if before == after:
        return f"the readout stayed {before!r}"
    low, high = _number(before), _number(after)
    if low is not None and high is not None and (high - low) * direction <= 0:
        return f"the readout went {before!r} -> {after!r}, the wrong way"
    return None


# -- what a learner feels: pictures while dragging ---------------------------------------
@dataclass
class DragTiming:
    """One slider dragged back and forth for about ``seconds``: how the picture followed.

    ``pictures`` counts new PNGs shown between mouse down and mouse up;
    ``release_to_last`` is the time from mouse up to the last new picture (0 when none
    came after the release).
    """

    label: str
    seconds: float
    pictures: int
    values: int                   #: readout changes during the drag: at most one picture each
    release_to_last: float
    pictures_after_release: int
    moves: int = 0                #: mouse moves the hand made while dragging

    @property
    def per_second(self):
        return self.pictures / self.seconds if self.seconds > 0 else float("nan")

    def summary(self):
        return (f"slider {self.label!r} dragged {self.seconds:.1f} s: {self.per_second:.1f} pictures/s "
                f"({self.pictures} pictures for {self.values} values shown, "
                f"{self.values / self.seconds if self.seconds > 0 else float('nan'):.1f} values/s, "
                f"{self.moves} mouse moves), last picture "
                f"{self.release_to_last * 1e3:.0f} ms after release ({self.pictures_after_release} after it)")


_OBSERVE_JS = """([root, readout]) => {
  // Note the time of every new picture: an <img>'s src is a new blob URL (a picture from
  // the kernel), or a new <img> is shown (a Stack of frames switching, with no kernel);
  // one per batch of DOM changes. And of every new value the slider's readout shows.
  const log = [], values = [];
  const isPicture = n => n.nodeType === 1 &&
      (n.matches('img.widget-image') || n.querySelector('img.widget-image'));
  const observer = new MutationObserver(records => {
    if (records.some(r => r.type === 'attributes' ? r.attributeName === 'src'
                                                  : [...r.addedNodes].some(isPicture)))
      log.push(performance.now());
  });
  observer.observe(root, {subtree: true, childList: true, attributes: true, attributeFilter: ['src']});
  let last = readout ? readout.textContent : null;
  const watcher = new MutationObserver(() => {
    if (readout.textContent !== last) { last = readout.textContent; values.push(performance.now()); }
  });
  if (readout) watcher.observe(readout, {characterData: true, childList: true, subtree: true});
  root.__ngoptDrag = {log, values, observer, watcher};
}"""

_IN_PAGE_DRAG_JS = """async ([handle, x, y, reach, vertical, seconds, roundTrips]) => {
  // A hand at screen speed: mousedown on the handle, then one mousemove per animation
  // frame on the document (where noUiSlider listens while dragging), then mouseup.
  const event = (type, shift, buttons) => new MouseEvent(type, {
    bubbles: true, cancelable: true, composed: true, view: window, button: 0, buttons,
    clientX: vertical ? x : x + shift, clientY: vertical ? y + shift : y});
  const target = document.documentElement;
  handle.dispatchEvent(event('mousedown', 0, 1));
  const down = performance.now();
  let moves = 0;
  await new Promise(resolve => {
    const step = now => {
      const phase = (now - down) / (seconds * 1000);
      if (phase >= 1) return resolve();
      const trip = (phase * roundTrips) % 1;            // 0 -> 1 -> 0 of the reach each trip
      target.dispatchEvent(event('mousemove', reach * (trip <= 0.5 ? 2 * trip : 2 * (1 - trip)), 1));
      moves += 1;
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
  target.dispatchEvent(event('mousemove', 0, 1));
  const up = performance.now();
  target.dispatchEvent(event('mouseup', 0, 0));
  return {down, up, moves};
}"""

_COLLECT_JS = """(root) => {
  const drag = root.__ngoptDrag;
  drag.observer.disconnect();
  drag.watcher.disconnect();
  delete root.__ngoptDrag;
  return {log: drag.log, values: drag.values};
}"""


def time_slider_drag(page, root, slider, *, seconds=2.0, round_trips=2, interval_ms=15, settle=1.5):
    """Drag ``slider`` of widget ``root`` back and forth for ``seconds``; return a DragTiming.

    The handle goes most of the way to the far end of the track and back ``round_trips``
    times, a mouse move every ``interval_ms`` (plus Playwright's own time, about as much
    again: some 30 moves a second, as a hand scrubbing a slider), then is released;
    pictures are counted until none has come for ``settle`` seconds with the kernel idle.
    Two round trips give a slider with few stops (a dozen mini-batch sizes) more than ten
    new values a second, so the count measures how fast pictures come, not the stops.
    """
    x, y, reach, vertical = _start_drag(page, root, slider)
    page.mouse.move(x, y)
    page.mouse.down()
    down = page.evaluate("() => performance.now()")
    began, moves = time.monotonic(), 0
    while (phase := (time.monotonic() - began) / seconds) < 1.0:
        moves += 1
        shift = _there_and_back(phase, round_trips) * reach
        if vertical:
            page.mouse.move(x, y + shift)
        else:
            page.mouse.move(x + shift, y)
        page.wait_for_timeout(interval_ms)
    page.mouse.move(x, y)
    up = page.evaluate("() => performance.now()")
    page.mouse.up()
    return _finish_drag(page, root, slider, down, up, moves, settle=settle)


def time_slider_drag_in_page(page, root, slider, *, seconds=2.0, round_trips=6, settle=1.5,
                             kernel=True):
    """The same drag with a hand at screen speed: one mouse move per animation frame.

    Each of Playwright's mouse moves is a round trip to the browser, so a drag made of
    them gives some 20-28 new values a second however fast the page is. Here the moves
    are made in the page (``mousedown`` on the handle, a ``mousemove`` per
    ``requestAnimationFrame``, ``mouseup``: the events noUiSlider, the widgets'
    slider, listens to), as often as the screen is drawn, about 60 a second headless:
    the count then measures the page. The page is not otherwise changed.
    ``kernel=False`` on a page with no kernel (the website): no idle indicator to wait for.
    """
    x, y, reach, vertical = _start_drag(page, root, slider, kernel=kernel)
    handle = slider.locator(".noUi-handle").first
    times = page.evaluate(_IN_PAGE_DRAG_JS, [handle.element_handle(), x, y, reach, vertical,
                                             seconds, round_trips])
    return _finish_drag(page, root, slider, times["down"], times["up"], times["moves"],
                        settle=settle, kernel=kernel)


def _there_and_back(phase, round_trips):
    """0 -> 1 -> 0, ``round_trips`` times at an even pace, as ``phase`` goes 0 -> 1."""
    trip = (phase * round_trips) % 1.0
    return 2 * trip if trip <= 0.5 else 2 * (1 - trip)


def _start_drag(page, root, slider, *, kernel=True):
    """Scroll to the handle, start noting pictures; its centre, the reach, the direction."""
    handle = slider.locator(".noUi-handle").first
    track = slider.locator(".noUi-base").first
    readout = slider.locator(".widget-readout")
    handle.scroll_into_view_if_needed()
    if kernel:
        _settle(page, root, timeout=20.0)
    else:
        page.wait_for_timeout(300)  # the scroll's paint
    box, bar = handle.bounding_box(), track.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    vertical = _is_vertical(slider)
    if vertical:                                  # up is larger; go towards the far end
        up_room, down_room = y - bar["y"], bar["y"] + bar["height"] - y
        reach = -0.9 * up_room if up_room > down_room else 0.9 * down_room
    else:
        right_room, left_room = bar["x"] + bar["width"] - x, x - bar["x"]
        reach = 0.9 * right_room if right_room > left_room else -0.9 * left_room
    page.evaluate(_OBSERVE_JS, [root.element_handle(), readout.first.element_handle() if readout.count() else None])
    return x, y, reach, vertical


def _finish_drag(page, root, slider, down, up, moves, *, settle, kernel=True):
    """Count pictures until none came for ``settle`` s (kernel idle); the DragTiming."""
    quiet_since, count = time.monotonic(), 0
    deadline = time.monotonic() + 30.0
    while time.monotonic() < deadline:
        page.wait_for_timeout(200)
        now = page.evaluate("(root) => root.__ngoptDrag.log.length", root.element_handle())
        if now != count:
            count, quiet_since = now, time.monotonic()
        elif time.monotonic() - quiet_since > settle and (not kernel or page.locator(IDLE).count()):
            break
    seen = page.evaluate(_COLLECT_JS, root.element_handle())
    during = [t for t in seen["log"] if down <= t <= up]
    after = [t for t in seen["log"] if t > up]
    return DragTiming(label=_label(slider), seconds=(up - down) / 1000, pictures=len(during),
                      values=len([t for t in seen["values"] if down <= t <= up]),
                      release_to_last=(max(after) - up) / 1000 if after else 0.0,
                      pictures_after_release=len(after), moves=moves)

"""Audit one notebook as a learner uses it, and list every problem found.

``audit_notebook`` opens the notebook in a new tab, runs all cells from the menu, reads
every output, saves, moves every control of every widget, takes screenshots and closes
the tab (shutting its kernel down). It collects *all* problems instead of stopping at
the first, so one failing run tells the notebook's author everything to fix:

- a cell that raised or did not run; stderr that shows a warning or an error;
- an inline image that did not load; a widget stuck on "Loading widget..." or showing
  "Error displaying widget"; fewer widgets on screen than the kernel sent (the widget
  manager extension missing);
- a control whose move does not change the picture, a slider whose readout does not
  follow, a slider too narrow to drag;
- an error in the browser console or an uncaught page error; a warning or error in the
  Log Console (output of a widget callback) or shown inside a widget (an explorer's
  redraw after a browser change shows its warnings and errors below its figure);
- a traceback in the kernel's log (an exception inside a widget callback ends up there).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import driver

__all__ = ["NotebookReport", "audit_notebook"]

# stderr a learner may see without it being a fault: progress bars (tqdm writes to
# stderr). Anything that says warning, error, exception or traceback is a fault.
STDERR_FAULT = re.compile(r"warn|error|exception|traceback", re.IGNORECASE)
# Before the tab closes, the kernel must have sent nothing for QUIET_SECONDS (closing
# a tab mid-message makes the server log a traceback of its own); it has QUIET_TIMEOUT.
QUIET_SECONDS = 2.0
QUIET_TIMEOUT = 60.0
# The kernel writes its tracebacks to the server's log (exceptions in widget callbacks).
LOG_FAULT = re.compile(r"Traceback \(most recent call last\)|Exception in \w+")


@dataclass
class NotebookReport:
    """What happened to one notebook: problems (empty when all is well) and timings."""

    path: str
    problems: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    cells: int = 0
    mimes: list = field(default_factory=list)  # per code cell: the mime types it shows
    widgets: int = 0
    moves: list = field(default_factory=list)
    screenshots: list = field(default_factory=list)
    ignored_console: list = field(default_factory=list)
    drags: list = field(default_factory=list)   # (widget number, DragTiming or why not timed)

    def summary(self):
        timing = ", ".join(f"{name} {value:.1f} s" for name, value in self.seconds.items())
        lines = [f"{self.path}: {self.cells} code cells, {self.widgets} widgets, "
                 f"{len(self.moves)} control moves; {timing}"]
        for number, drag in self.drags:
            lines.append(f"    widget {number}: " + (drag if isinstance(drag, str) else drag.summary()))
        return "\n".join(lines)

    def describe_problems(self):
        return "\n".join(f"  - {problem}" for problem in self.problems)


def _short(text, limit=300):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "..."


def _short_ends(text, limit=300):
    """Like _short, but a long text keeps its end too (a traceback's last line names the error)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit // 3] + " ... " + text[-2 * limit // 3:]


def audit_notebook(context, server, relative_path, screenshot_dir, *, timeout=120.0,
                   move_timeout=15.0, time_drags=True):
    """Run the notebook ``relative_path`` (under the server's root) in a new tab.

    Parameters
    ----------
    context : playwright BrowserContext
    server : lab_server.LabServer
    relative_path : str
        Path of the notebook relative to the server's root, with "/" separators.
    screenshot_dir : pathlib.Path
        Where ``<name>.png`` (the page after the widget moves) and
        ``<name>-widget<k>.png`` (each widget) are written.
    timeout : float
        Seconds allowed for Run All (each other wait has its own, shorter limit).
    move_timeout : float
        Seconds a widget's picture has to change after a control moved.
    time_drags : bool
        Also drag each widget's main slider for about 2 s and record how the picture
        followed (``NotebookReport.drags``: pictures per second, time from release to
        the last picture). Measured, never judged: timing goals live in benchmarks/.

    Returns
    -------
    NotebookReport
    """
    report = NotebookReport(path=relative_path)
    stem = Path(relative_path).stem
    screenshot_dir = Path(screenshot_dir)
    screenshot_dir.mkdir(parents=True, exist_ok=True)
    for stale in screenshot_dir.glob(f"{stem}-*.png"):  # from an earlier run
        stale.unlink()
    log_offset = server.log_path.stat().st_size
    page = context.new_page()
    console = driver.ConsoleLog().watch(page)
    traffic = driver.KernelTraffic().watch(page)
    began = time.perf_counter()
    cells = len(json.loads((Path(server.root) / relative_path).read_text())["cells"])
    finished = False
    try:
        driver.open_notebook(page, server.lab_url(relative_path), cells)
        report.seconds["open"] = time.perf_counter() - began

        driver.expand_all_code(page)
        before = driver.code_prompts(page)
        if any(re.match(r"^\[\d+\]:$", prompt) for prompt in before):
            report.problems.append(
                "the notebook was saved with execution counts: commit it without outputs")
        mark = time.perf_counter()
        driver.run_all_cells(page)
        driver.wait_for_run(page, before, timeout=timeout)
        report.seconds["run all"] = time.perf_counter() - mark

        _check_cells(report, driver.read_cells(page))
        broken = driver.wait_for_widgets(page)
        report.problems.extend(f"a widget shows {_short(text)!r}" for text in broken)

        driver.save_notebook(page)
        saved = server.api("GET", f"/api/contents/{relative_path}?content=1")["content"]
        expected_widgets = _check_saved(report, saved)

        roots = driver.widget_roots(page)
        report.widgets = roots.count()
        if report.widgets != expected_widgets:
            report.problems.append(
                f"the kernel sent {expected_widgets} widgets but {report.widgets} are shown "
                "(is the @jupyter-widgets/jupyterlab-manager extension installed?)")

        mark = time.perf_counter()
        focus = None  # the widget shown in the notebook's screenshot: the first moved
        for index in range(report.widgets):
            root = roots.nth(index)
            if not root.is_visible():
                continue  # e.g. a finished progress bar (tqdm leave=False hides itself)
            moves = driver.exercise_widget(page, root, timeout=move_timeout)
            if moves and focus is None:
                focus = root
            # A progress bar has nothing to move; a picture nobody can change is a fault
            # (or a control kind the driver does not know yet: teach it in driver.py).
            if not moves and root.locator("img.widget-image").count():
                report.problems.append(
                    f"widget {index + 1} shows a picture but has no control the test can move")
            for move in moves:
                report.moves.append(move)
                where = f"widget {index + 1}, {move.kind} {move.label!r} ({move.action})"
                if move.problem:
                    report.problems.append(f"{where}: {move.problem.strip()}")
                report.problems.extend(f"{where}: the widget shows {_short_ends(text)!r}"
                                       for text in move.shown_stderr if STDERR_FAULT.search(text))
            if time_drags and moves:
                slider = driver.main_slider(root)
                if slider is not None:
                    drags = [(index + 1, driver.time_slider_drag)]
                    if "ngopt-main-slider" in (slider.get_attribute("class") or "").split():
                        # Frames: the browser answers as fast as a hand can scrub, faster than
                        # Playwright's mouse moves come (some 20-28 a second): drag again with
                        # moves made in the page, one per screen frame, so the count measures
                        # the page, not the input.
                        drags.append((f"{index + 1} (screen-speed hand)", driver.time_slider_drag_in_page))
                    for number, drag in drags:
                        try:
                            report.drags.append((number, drag(page, root, slider)))
                        except Exception as error:  # noqa: BLE001 - a measurement, not a check
                            report.drags.append((number, f"the drag could not be timed: {_short(str(error))}"))
            shot = screenshot_dir / f"{stem}-widget{index + 1}.png"
            root.screenshot(path=str(shot))
            report.screenshots.append(shot)
        report.seconds["widgets"] = time.perf_counter() - mark

        if focus is not None:
            focus.scroll_into_view_if_needed()
            # Cells off screen are painted lazily (content-visibility): give it a frame.
            page.wait_for_timeout(300)
        shot = screenshot_dir / f"{stem}.png"
        page.screenshot(path=str(shot))
        report.screenshots.insert(0, shot)
        _check_log_console(report, driver.read_log_console(page))
        # A kernel still talking to the page a long while after the last move is a
        # fault a learner would see (a busy kernel, a fan running on nothing).
        if not traffic.wait_until_quiet(page, quiet=QUIET_SECONDS, timeout=QUIET_TIMEOUT):
            report.problems.append(
                f"the kernel was still sending the page messages {QUIET_TIMEOUT:.0f} s after "
                f"the last widget move ({traffic.messages} in all)")
        finished = True
    finally:
        if not finished:  # show what the page looked like when the audit broke off
            shot = screenshot_dir / f"{stem}-failure.png"
            try:
                page.screenshot(path=str(shot))
                report.screenshots.append(shot)
            except Exception:  # noqa: BLE001 - the original error matters, not this one
                pass
        report.problems.extend(console.errors)
        report.ignored_console = console.ignored
        page.close()
        server.shutdown_kernels()
        report.seconds["total"] = time.perf_counter() - began
        _check_log(report, server.log_path, log_offset)
        report.problems = list(dict.fromkeys(report.problems))  # each once, in order
    return report


def _check_cells(report, cells):
    report.cells = len(cells)
    report.mimes = [[output["mime"] for output in cell["outputs"]] for cell in cells]
    not_run = [cell["index"] + 1 for cell in cells
               if not re.match(r"^\[\d+\]:$", cell["prompt"])]
    if not_run:
        report.problems.append(f"code cells {not_run} did not run (Run All stopped early)")
    for cell in cells:
        for output in cell["outputs"]:
            if output["mime"] == "application/vnd.jupyter.stderr" and STDERR_FAULT.search(
                    output["text"]):
                report.problems.append(
                    f"code cell {cell['index'] + 1} shows stderr: {_short(output['text'])!r}")
            image = output["image"]
            if image is not None and not (image["complete"] and image["width"] > 0):
                report.problems.append(f"code cell {cell['index'] + 1}: an image did not load")


def _check_log_console(report, entries):
    for entry in entries:
        if entry["mime"] == "application/vnd.jupyter.stderr":
            fault = STDERR_FAULT.search(entry["text"])
        else:
            fault = entry["level"] in ("warning", "error", "critical")
        if fault:
            report.problems.append(
                f"the Log Console shows ({entry['level']}): {_short_ends(entry['text'])!r}"
                " (output of a widget callback)")


def _check_saved(report, notebook):
    """Errors recorded in the saved notebook; return how many widgets its outputs hold."""
    widgets = 0
    code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    for number, cell in enumerate(code_cells, start=1):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error":
                report.problems.append(
                    f"code cell {number} raised {output['ename']}: {_short(output['evalue'])}")
            data = output.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                widgets += 1
    return widgets


def _check_log(report, log_path, offset):
    with open(log_path, "rb") as log:
        log.seek(offset)
        text = log.read().decode(errors="replace")
    for match in LOG_FAULT.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        report.problems.append(f"the kernel/server log shows: {_short(text[start:], 400)!r}")
        break

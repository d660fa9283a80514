"""The course as a learner uses it: a real JupyterLab in headless Chromium.

For every notebook in ``notebooks/`` (and always for the fixture
``tests/browser/fixtures/sample_widget.ipynb``, so the machinery is tested even before
the notebooks exist) the test opens it in JupyterLab, chooses Run > Run All Cells, waits
until every code cell has its execution count, and fails on any error output, any
warning on stderr, any browser console error, any widget that does not render, and any
widget control whose move (arrow keys or a mouse drag on a slider, a click on a toggle
button or checkbox, a dropdown choice, the play button) does not change the picture.
A screenshot of each notebook and of each widget is saved (folder printed; choose it
with NGOPT_SCREENSHOTS). A last test runs a notebook with one fault of each kind and
checks that every fault is reported, so the checks themselves are known to work.

What the learner feels is measured too, never asserted: each widget's main slider (the
one whose stops the browser shows from precomputed frames, else the first) is dragged
back and forth for about 2 s (a slider with precomputed frames a second time, by a hand
at screen speed: one mouse move per animation frame, made in the page), and
``summary.txt`` (in the screenshot folder) lists per widget the pictures per second
while dragging and the time from release to the last picture (goals:
benchmarks/README.md). Before a tab closes, the kernel must have fallen quiet (closing a
tab mid-message makes the server log a traceback of its own).

Run alone with ``pytest -m browser``; needs Debian's chromium (/usr/bin/chromium, or
NGOPT_CHROMIUM) and the Python package playwright. Without them the tests skip, except
on CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import struct
import sys
from pathlib import Path

import nbformat
import pytest

from browser.audit import audit_notebook
from browser.fixtures.build_sample_widget import build_broken
from browser.lab_server import LabServer
from browser.harness import CHROMIUM, require_tools, say

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
FIXTURE_DIR = Path(__file__).resolve().parent / "browser" / "fixtures"
# Seconds Run All may take for one notebook (the course's budget is ~20 s each).
RUN_TIMEOUT = float(os.environ.get("NGOPT_BROWSER_TIMEOUT", "120"))

# Paths relative to the server's root: the course's notebooks, then the fixture.
NOTEBOOKS = [f"notebooks/{path.name}" for path in sorted(NOTEBOOK_DIR.glob("*.ipynb"))]
FIXTURE = "fixtures/sample_widget.ipynb"
NOTEBOOKS.append(FIXTURE)
BROKEN = "selftest/broken.ipynb"


def _require_browser():
    require_tools("browser test", {"playwright": "playwright (pip install playwright; no `playwright "
                                                 "install` needed: the test uses that Chromium)"})


# Module scope, not session: the server, its kernels and Chromium are gone before the
# rest of the suite (nbval's notebook runs) starts, so they compete for no core.
@pytest.fixture(scope="module")
def screenshot_dir(request):
    folder = Path(os.environ.get("NGOPT_SCREENSHOTS", REPO / "browser-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    reports = []
    yield folder, reports
    lines = [f"browser test: screenshots in {folder}"]
    lines += [f"  {report.summary()}" for report in reports]
    (folder / "summary.txt").write_text("\n".join(lines) + "\n")
    say(request, "\n" + "\n".join(lines))


@pytest.fixture(scope="module")
def lab(tmp_path_factory, request):
    """A JupyterLab server on a temporary copy of the notebooks (autosave stays there)."""
    _require_browser()
    root = tmp_path_factory.mktemp("lab-root")
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    if NOTEBOOK_DIR.is_dir():
        shutil.copytree(NOTEBOOK_DIR, root / "notebooks", ignore=ignore)
    (root / "fixtures").mkdir()
    shutil.copy(FIXTURE_DIR / "sample_widget.ipynb", root / "fixtures")
    (root / "selftest").mkdir()
    nbformat.write(build_broken(), root / BROKEN)
    server = LabServer(root, tmp_path_factory.mktemp("lab-home"), python=sys.executable)
    try:
        seconds = server.start()
        say(request, f"\nbrowser test: JupyterLab {server.url} ready in {seconds:.1f} s")
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser_context(lab, tmp_path_factory):
    """Headless Chromium with a fresh profile; one tab per notebook."""
    from playwright.sync_api import sync_playwright

    from browser.driver import launch_context

    with sync_playwright() as playwright:
        context = launch_context(playwright, CHROMIUM, tmp_path_factory.mktemp("chromium"))
        try:
            yield context
        finally:
            context.close()


def _png_size(path):
    """(width, height) from a PNG's header; fails if the file is not a PNG."""
    header = Path(path).read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[Path(n).stem for n in NOTEBOOKS])
def test_notebook_runs_and_widgets_respond(notebook, lab, browser_context, screenshot_dir):
    folder, reports = screenshot_dir
    report = audit_notebook(browser_context, lab, notebook, folder, timeout=RUN_TIMEOUT)
    reports.append(report)
    assert not report.problems, (
        f"{notebook} as a learner sees it in JupyterLab:\n{report.describe_problems()}\n"
        f"screenshots: {folder} (server log: {lab.log_path})")
    assert report.cells > 0
    assert report.screenshots[0].name == f"{Path(notebook).stem}.png"
    assert 1 <= len(report.screenshots) <= 1 + report.widgets  # hidden widgets: none
    assert _png_size(report.screenshots[0]) == (1280, 900)  # the whole Lab window
    for shot in report.screenshots[1:]:  # one per widget (a progress bar is a thin one)
        width, height = _png_size(shot)
        assert width > 0 and height > 0, f"{shot} is {width} x {height}"
    if notebook == FIXTURE:
        _check_fixture(report)


def _check_fixture(report):
    """The fixture's two widgets: each control kind the course uses moved, as expected."""
    assert report.cells == 4 and report.widgets == 2
    # print -> stdout; plt.show() -> an inline PNG (MPLBACKEND=Agg would drop it);
    # each Explorer -> a widget view.
    assert report.mimes == [["application/vnd.jupyter.stdout"], ["image/png"],
                            ["widget"], ["widget"]]
    moved = [(move.kind, move.label) for move in report.moves]
    # Sliders are moved with the keyboard; the first slider of each widget is also dragged.
    assert moved == [
        ("slider", "beta"), ("slider", "beta"), ("checkbox", "bias correction"),
        ("slider", "days"), ("slider", "days"), ("slider", "beta"),
        ("toggle-buttons", "linedots"), ("dropdown", "unit"), ("play", "(no label)"),
    ]
    assert all(move.image_changed for move in report.moves)
    beta_key, beta_drag = report.moves[0], report.moves[1]
    # FloatSlider(value=0.9, step=0.01, readout_format=".2f"): ArrowRight shows 0.91.
    assert (beta_key.readout_before, beta_key.readout_after) == ("0.90", "0.91")
    # The note follows beta: about 1 / (1 - beta) days.
    assert beta_key.note_changed
    # A drag of a third of the track (0.5..0.99, about 0.16) towards the far end (0.5).
    assert beta_drag.readout_before == "0.91"
    assert 0.65 < float(beta_drag.readout_after) < 0.85
    days_key = report.moves[3]
    assert (days_key.readout_before, days_key.readout_after) == ("100", "110")  # step 10
    # SelectionSlider(options=[0.5, 0.9, 0.98]) at 0.9: ArrowRight shows 0.98.
    assert (report.moves[5].readout_before, report.moves[5].readout_after) == ("0.9", "0.98")


def test_audit_reports_each_fault(lab, browser_context, screenshot_dir):
    """A notebook with one fault of each kind: every fault must be reported."""
    folder, _ = screenshot_dir
    report = audit_notebook(browser_context, lab, BROKEN, folder / "selftest",
                            timeout=RUN_TIMEOUT, move_timeout=2.0, time_drags=False)
    problems = "\n".join(report.problems)
    expected = [
        "code cells [7] did not run",
        "code cell 1 shows stderr: ",
        "UserWarning: deliberate warning for the browser test",
        "code cell 6 raised ValueError: deliberate error for the browser test",
        "widget 1, slider 'beta' (focused the handle, pressed ArrowRight): "
        "the picture did not change in 2.0 s",
        "widget 1, checkbox 'explode' (clicked the box): the picture did not change",
        # an explorer's redraw after a browser change shows its warnings and errors itself
        "widget 1, slider 'beta' (focused the handle, pressed ArrowRight): the widget shows ",
        "UserWarning: deliberate warning from a widget callback",
        "widget 1, checkbox 'explode' (clicked the box): the widget shows ",
        "RuntimeError: deliberate error in a widget callback",
        # a plain ipywidgets callback's error goes to the Log Console
        "the Log Console shows (error): ",
        "RuntimeError: deliberate error in a plain widget callback",
        "widget 2, slider 'weight 0' (none): the slider track is ",
        "too short to use; put fewer controls in a row",
        "console.error: deliberate console error for the browser test",
    ]
    missing = [text for text in expected if text not in problems]
    assert not missing, f"not reported: {missing}\nreported:\n{problems}"

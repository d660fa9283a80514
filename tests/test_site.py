"""The course as a website: built with Sphinx + myst-nb, read in headless Chromium.

The module builds the site once, exactly as README's "The course as a website" says
(every notebook executed), serves it on 127.0.0.1 and opens every page in Debian's
Chromium, the way a reader does. Then each test asserts one promise of the site:

- the build succeeds with no Sphinx warning, figures included even under MPLBACKEND=Agg;
- no page writes an error to the console or throws;
- no page requests anything from another host (MathJax, fonts and scripts are local);
- every image decodes (naturalWidth > 0) and carries a description (alt text);
- every formula is typeset by MathJax, with no raw ``$`` or ``\\(`` left in the text;
- every internal link leads to a page (and an anchor) that exists;
- each notebook page shows all its figures: one per ``plt.show()`` and per explorer;
- axe-core (its ``axe.min.js`` ships in the PyPI package axe-playwright-python) finds no
  serious or critical accessibility violation on any page;
- every live explorer (a box of class ``ngopt-frames``: a background, a Stack of frames, a
  slider jslinked to it) moves with no kernel: its slider, focused, takes ArrowRight and
  the picture changes; the notebooks in ``LIVE_EXPLORER_NOTEBOOKS`` show one per explorer;
- each notebook page's own weight (HTML, its images, its frames) stays under 3 MB.

Measured, not asserted: each live explorer's main slider dragged for 2 s by a hand at
screen speed (pictures per second, printed with the pages; goal in benchmarks/README.md).

Until the course's explorers carry their frames, the live-explorer checks also run on a
small fixture site (``tests/site_fixture``: one notebook, the course's own conf.py), so
the plumbing (stored widget state, the widget manager served from the site) is proven.

A last test feeds the same checks a page with one fault of each kind, so the checks are
known to catch what they look for. Screenshots of each page's top go to
``browser-screenshots/site`` (or ``$NGOPT_SCREENSHOTS/site``).

Run with ``pytest tests/test_site.py`` (marked ``browser``); ``NGOPT_SITE=_build/site``
checks a site built before instead of building one. Needs Chromium
(/usr/bin/chromium or NGOPT_CHROMIUM), playwright, and the docs packages; without them
the tests skip, except on CI (CI=true), where they fail.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from browser.driver import BROWSER_ARGS, time_slider_drag_in_page
from browser.harness import CHROMIUM, require_tools, say

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = REPO / "notebooks"
BUILD_TIMEOUT = float(os.environ.get("NGOPT_SITE_BUILD_TIMEOUT", "900"))
NOTEBOOKS = sorted(path.stem for path in NOTEBOOK_DIR.glob("*.ipynb"))
NEEDED_MODULES = {
    "playwright": "playwright",
    "sphinx": "sphinx",
    "myst_nb": "myst-nb",
    "sphinx_book_theme": "sphinx-book-theme",
    "sphinx-mathjax-offline": "sphinx-mathjax-offline",
    "axe_playwright_python": "axe-playwright-python (ships axe-core's axe.min.js)",
}
#: Impacts of an axe-core violation that fail the test.
BLOCKING_IMPACTS = ("serious", "critical")
EXPLORER_CAPTION = "Interactive in Jupyter"       # an explorer shown as its PNG
LIVE_CAPTION = "Live in this page"                # an explorer whose main slider works here
#: Notebooks whose every explorer must be live on the site (a box of class ngopt-frames
#: whose main slider moves the picture with no kernel). 09's capstone explorer is not:
#: it has toggle buttons over nine trained runs, no slider to precompute.
LIVE_EXPLORER_NOTEBOOKS: tuple[str, ...] = (
    "01_mini_batch_gradient_descent", "02_exponentially_weighted_averages", "03_bias_correction",
    "04_momentum", "05_rmsprop", "06_adam", "07_learning_rate_decay", "08_local_optima_and_plateaus",
)
#: The most a notebook page may weigh: its HTML (with any widget state and frames) and the
#: images it references that are its own (not _static/: theme, MathJax, widget manager).
PAGE_WEIGHT_BUDGET = 3_000_000
FIXTURE_DIR = REPO / "tests" / "site_fixture"
WIDGET_MANAGER_DIR = REPO / "docs" / "_static" / "ipywidgets"


def _require_site_tools():
    require_tools("website test", NEEDED_MODULES, ' (pip install -e ".[test,docs]")')


# -- what the notebooks promise -----------------------------------------------------------
_EXPLORER_SHOWN = re.compile(r"^(\w+)\s*=\s*\w*(?:explorer|optimizer_race)\(", re.M)


def hidden_source_cells(notebook_path):
    """Code cells whose source JupyterLab collapses (``metadata.jupyter.source_hidden``)."""
    return sum(bool(cell.metadata.get("jupyter", {}).get("source_hidden"))
               for cell in nbformat.read(notebook_path, as_version=4).cells
               if cell.cell_type == "code" and "colab-setup" not in cell.metadata.get("tags", []))


def expected_figures(notebook_path):
    """(figures, explorers) a notebook shows: one per plt.show() and per explorer displayed.

    An explorer is displayed by a cell whose last line is the bare name it was bound to
    (``explorer = momentum_explorer(...)`` then ``explorer``).
    """
    figures = explorers = 0
    for cell in nbformat.read(notebook_path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        figures += cell.source.count("plt.show()")
        lines = cell.source.strip().splitlines()
        if lines and lines[-1].strip() in _EXPLORER_SHOWN.findall(cell.source):
            explorers += 1
    return figures + explorers, explorers


# -- reading a page ------------------------------------------------------------------------
_READ_PAGE = r"""
() => {
  const skip = "pre, code, script, style, textarea, mjx-container, .highlight";
  const root = document.querySelector("main") || document.body;
  const rawTex = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.parentElement.closest(skip)) continue;
    const text = node.textContent;
    if (/\$|\\\(|\\\)|\\\[|\\\]|\\begin\{/.test(text)) rawTex.push(text.trim().slice(0, 100));
  }
  const math = [...document.querySelectorAll(".math")];
  return {
    title: document.title,
    images: [...document.images].map(img => ({
      src: img.getAttribute("src"), alt: img.getAttribute("alt"),
      complete: img.complete, width: img.naturalWidth,
      inOutput: !!img.closest(".cell_output"),
      inFrames: !!img.closest(".ngopt-frames"),
      // a frame over a live explorer's background (alt="" allowed: the background and the
      // slider's value describe the picture)
      overlay: !!img.closest(".ngopt-frames") && img.closest(".ngopt-frames").querySelector("img") !== img,
      caption: (img.closest("figure")?.querySelector("figcaption")?.innerText || ""),
    })),
    math: math.length,
    mathTypeset: math.filter(m => m.querySelector("mjx-container")).length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    rawTex,
    hiddenSources: document.querySelectorAll(".cell.tag_hide-input").length,
    colabCells: document.querySelectorAll(".cell.tag_colab-setup").length,
    widgetState: document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length,
    framesBoxes: [...document.querySelectorAll(".ngopt-frames")].map(box => ({
      inOutput: !!box.closest(".cell_output"),
      caption: (box.closest("figure")?.querySelector("figcaption")?.innerText || ""),
    })),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    ids: [...document.querySelectorAll("[id]")].map(e => e.id),
  };
}
"""

_WAIT_FOR_MATHJAX = """
async () => {
  if (!window.MathJax) return false;
  for (let i = 0; i < 200 && !(MathJax.startup && MathJax.startup.promise); i++)
    await new Promise(r => setTimeout(r, 50));
  await MathJax.startup.promise;
  return true;
}
"""


# The widget manager draws the stored widgets after the page's load event.
_WAIT_FOR_WIDGETS = """
async () => {
  const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]');
  for (let i = 0; i < 400; i++) {
    const drawn = [...views].filter(v => v.previousElementSibling?.classList.contains("widget-subarea")
                                         && v.previousElementSibling.querySelector("img, [role=slider]"));
    if (drawn.length === views.length) return views.length;
    await new Promise(r => setTimeout(r, 50));
  }
  return -views.length;
}
"""

# The images a frames box shows (the background and the frame above it).
_SHOWN_IMAGES = """
box => [...box.querySelectorAll("img")].filter(img => img.checkVisibility() && img.naturalWidth > 0)
                                        .map(img => img.src)
"""


def move_frames(page, shots=None, stem=""):
    """Press an arrow key on each ``.ngopt-frames`` box's slider: did its picture change?

    The slider is the box's first ``role="slider"`` (focused, as a keyboard user does);
    ArrowRight, or ArrowLeft at its maximum. The picture is the area of the box's images
    (the background and the frame above it): compared as pixels before and after, and as
    the set of images shown. Returns one dict per box; with ``shots``, screenshots of the
    picture before and after go there.
    """
    results = []
    boxes = page.locator(".ngopt-frames")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        result = {"box": index, "moved": False, "problem": ""}
        results.append(result)
        box.scroll_into_view_if_needed()
        sliders = box.locator("[role=slider]")
        if sliders.count() == 0:
            result["problem"] = "no slider (role=slider) in the box"
            continue
        slider = sliders.first
        # the box's pixels, its sliders masked out (a moved handle alone is not a new picture)
        hide = [box.locator(".widget-slider, [role=slider]")]
        before = box.evaluate(_SHOWN_IMAGES)
        if not before:
            result["problem"] = "no image shown in the box"
            continue
        pixels = after_pixels = box.screenshot(mask=hide, animations="disabled")
        now, top = slider.get_attribute("aria-valuenow"), slider.get_attribute("aria-valuemax")
        key = "ArrowLeft" if now is not None and now == top else "ArrowRight"
        slider.focus()
        page.keyboard.press(key)
        result.update(key=key, value_before=now)
        for _ in range(50):                          # the manager redraws asynchronously
            page.wait_for_timeout(100)
            after = box.evaluate(_SHOWN_IMAGES)
            after_pixels = box.screenshot(mask=hide, animations="disabled")
            if after_pixels != pixels and after and after != before:
                result["moved"] = True
                break
        result["value_after"] = slider.get_attribute("aria-valuenow")
        result["valuetext_after"] = slider.get_attribute("aria-valuetext")
        if not result["moved"]:
            result["problem"] = (f"{key} on the slider (value {now} -> {result['value_after']}) "
                                 "left the picture as it was")
        if shots is not None:
            (shots / f"{stem}__frames{index}__before.png").write_bytes(pixels)
            (shots / f"{stem}__frames{index}__after.png").write_bytes(after_pixels)
    return results


def drag_frames(page):
    """Drag each ``.ngopt-frames`` box's main slider at screen speed: pictures per second.

    Measured, never asserted (the goal is in benchmarks/README.md): the hand is made in
    the page, one mouse move per animation frame (``time_slider_drag_in_page``). A box
    whose drag cannot be timed gets the reason instead of a DragTiming.
    """
    drags = []
    boxes = page.locator(".ngopt-frames")
    for index in range(boxes.count()):
        box = boxes.nth(index)
        # the explorer's main slider; a box built by hand (the fixture) may mark none
        slider = box.locator(".ngopt-main-slider")
        if slider.count() == 0:
            slider = box.locator(".widget-slider")
        if slider.count() == 0 or not slider.first.locator(".noUi-handle").count():
            drags.append("no slider to drag")
            continue
        try:
            drags.append(time_slider_drag_in_page(page, box, slider.first, kernel=False, settle=0.5))
        except Exception as error:  # noqa: BLE001 - a measurement, not a check
            drags.append(f"the drag could not be timed: {str(error)[:200]}")
    return drags


@dataclass
class PageReport:
    """What one page showed a reader (filled by ``read_page``)."""

    url: str
    console: list = field(default_factory=list)
    images: list = field(default_factory=list)
    math: int = 0
    math_typeset: int = 0
    math_errors: int = 0
    raw_tex: list = field(default_factory=list)
    links: list = field(default_factory=list)
    ids: set = field(default_factory=set)
    hidden_sources: int = 0        # cells shown with their source collapsed
    colab_cells: int = 0           # Colab set-up cells shown (the site leaves them out)
    widget_state: int = 0          # saved ipywidgets state scripts (only where a view is live)
    frames_boxes: list = field(default_factory=list)    # .ngopt-frames boxes: caption, ...
    frames: list = field(default_factory=list)          # move_frames: did each one move?
    drags: list = field(default_factory=list)           # drag_frames: DragTiming or why not
    violations: list = field(default_factory=list)      # axe-core, every impact
    seconds: float = 0.0

    def blocking_violations(self):
        return [v for v in self.violations if v["impact"] in BLOCKING_IMPACTS]


@functools.lru_cache(maxsize=1)
def _axe_source():
    spec = importlib.util.find_spec("axe_playwright_python")
    return (Path(spec.origin).parent / "axe.min.js").read_text(encoding="utf-8")


def read_page(context, url, *, screenshot=None):
    """Open ``url`` in a new tab, wait for MathJax, read the page and run axe-core on it."""
    start = time.perf_counter()
    page = context.new_page()
    report = PageReport(url)
    page.on("console", lambda m: report.console.append(f"console.{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda error: report.console.append(f"uncaught: {error}"))
    page.on("response", lambda r: report.console.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    try:
        page.goto(url, wait_until="load", timeout=60_000)
        page.evaluate(_WAIT_FOR_MATHJAX)
        page.wait_for_load_state("networkidle", timeout=30_000)
        if page.evaluate(_WAIT_FOR_WIDGETS) < 0:
            report.console.append("the widget manager did not draw every widget view in 20 s")
        data = page.evaluate(_READ_PAGE)
        report.images = data["images"]
        report.math, report.math_typeset = data["math"], data["mathTypeset"]
        report.math_errors, report.raw_tex = data["mathErrors"], data["rawTex"]
        report.links, report.ids = data["links"], set(data["ids"])
        report.hidden_sources, report.colab_cells = data["hiddenSources"], data["colabCells"]
        report.widget_state = data["widgetState"]
        report.frames_boxes = data["framesBoxes"]
        if screenshot is not None:
            page.screenshot(path=str(screenshot))
        page.add_script_tag(content=_axe_source())
        # preload: false -- axe's CSSOM preload resolves the theme's `@import "../basic.css"`
        # against the page instead of the stylesheet and requests a file that does not exist
        # (a 404 of axe's own making); only css-orientation-lock uses that preload.
        result = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations'], preload: false})")
        report.violations = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [" ".join(map(str, n["target"])) for n in v["nodes"][:5]],
             "count": len(v["nodes"])}
            for v in result["violations"]
        ]
        # last, as it changes the page: every live explorer's slider, from the keyboard
        report.frames = move_frames(page, screenshot.parent if screenshot else None,
                                    screenshot.stem if screenshot else "")
        report.drags = drag_frames(page)
    finally:
        page.close()
    report.seconds = time.perf_counter() - start
    return report


def page_weight(root, relative, report):
    """Bytes a reader downloads for this page alone: its HTML (widget state and frames
    included) and the images it shows that are its own, not the site's shared _static/."""
    page = root / relative
    weight = page.stat().st_size
    for src in {image["src"] for image in report.images}:
        if not src or ":" in src:
            continue                          # data:/blob: (inside the HTML), or another host
        target = (page.parent / unquote(urlsplit(src).path)).resolve()
        if target.is_file() and "_static" not in target.relative_to(root.resolve()).parts:
            weight += target.stat().st_size
    return weight


def broken_links(reports, root, origin):
    """Internal links (same origin) whose file, or whose #anchor on a read page, is missing."""
    by_path = {urlsplit(r.url).path: r for r in reports}
    broken = []
    for report in reports:
        for href in report.links:
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue                          # another site, or mailto: -- not ours to check
            path = unquote(parts.path)
            target = root / path.lstrip("/")
            if target.is_dir():
                target, path = target / "index.html", path.rstrip("/") + "/index.html"
            if not target.is_file():
                broken.append(f"{report.url}: {href} (no file {target.relative_to(root)})")
            elif parts.fragment and path in by_path and unquote(parts.fragment) not in by_path[path].ids:
                broken.append(f"{report.url}: {href} (no element with id {parts.fragment!r})")
    return broken


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@dataclass
class Served:
    root: Path
    origin: str


@contextlib.contextmanager
def _site_in_chromium(root, user_data_dir):
    """Serve ``root`` on localhost and open Chromium on it; yield (served, context).

    The context lets through only requests to the served origin (and data:/blob: URLs);
    any other is aborted and listed in ``context.remote_requests``. Both are closed after.
    """
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    served = Served(root, f"http://127.0.0.1:{server.server_address[1]}")
    try:
        with sync_playwright() as playwright:
            context = playwright.chromium.launch_persistent_context(
                str(user_data_dir), executable_path=str(CHROMIUM), headless=True, args=BROWSER_ARGS,
                viewport={"width": 1280, "height": 900})
            context.remote_requests = []

            def route(request_route):
                url = request_route.request.url
                if url.startswith((served.origin + "/", "data:", "blob:")):
                    request_route.continue_()
                else:
                    context.remote_requests.append(url)
                    request_route.abort()

            context.route("**/*", route)
            try:
                yield served, context
            finally:
                context.close()
    finally:
        server.shutdown()
        server.server_close()


# -- fixtures ------------------------------------------------------------------------------
def build_site(out, request, *, confdir="docs", source="."):
    """Build a site as README says (every notebook executed) into ``out / "html"``."""
    # MPLBACKEND=Agg on purpose: docs/conf.py must keep the notebooks' inline figures anyway.
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": ""}
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
               "-d", str(out / "doctrees"), "-c", str(confdir), str(source), str(out / "html")]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=BUILD_TIMEOUT)
    seconds = time.perf_counter() - start
    messages = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and "[IPKernelApp] WARNING | Kernel is running over TCP" not in line]
    assert done.returncode == 0 and not messages, (
        f"the site build failed or warned (exit {done.returncode}):\n" + "\n".join(messages[-60:]))
    say(request, f"\nsite test: built {out / 'html'} in {seconds:.0f} s")
    return out / "html", seconds


def read_site(root, user_data_dir, shots, request):
    """Every page of a built site read in headless Chromium (see the ``pages`` fixture)."""
    shots.mkdir(parents=True, exist_ok=True)
    with _site_in_chromium(root, user_data_dir) as (served, context):
        reports = {}
        for path in sorted(root.rglob("*.html")):
            relative = path.relative_to(root).as_posix()
            if relative == "index.html" or relative.startswith("_static/"):
                continue    # the redirect (tested below); the theme's template files
            shot = shots / (relative.replace("/", "__").removesuffix(".html") + ".png")
            reports[relative] = read_page(context, f"{served.origin}/{relative}", screenshot=shot)
        landed = None
        if (root / "docs" / "index.html").is_file():
            # the root redirect, followed as a browser does
            page = context.new_page()
            page.goto(f"{served.origin}/index.html")
            page.wait_for_url("**/docs/index.html", timeout=10_000)
            landed = page.url
            page.close()
        remote = list(context.remote_requests)
    links = broken_links(list(reports.values()), root, served.origin)
    weights = {relative: page_weight(root, relative, report) for relative, report in reports.items()}
    lines = [f"site test: {len(reports)} pages read in Chromium, screenshots in {shots}"]
    for relative, report in reports.items():
        shown = sum(image["inOutput"] and not image["inFrames"] for image in report.images)
        moved = sum(box["moved"] for box in report.frames)
        live = f", {moved}/{len(report.frames)} live explorers moved" if report.frames else ""
        minor = sorted({f"{v['id']} ({v['impact']}) at {v['nodes'][:2]}" for v in report.violations})
        lines.append(f"  {relative}: {shown} figures{live}, {report.math_typeset}/{report.math} "
                     f"formulas, {weights[relative] / 1e6:.2f} MB, {report.seconds:.1f} s; "
                     f"axe: {', '.join(minor) or 'no violations'}")
        lines += [f"    explorer {number}: {drag if isinstance(drag, str) else drag.summary()}"
                  for number, drag in enumerate(report.drags, start=1)]
    say(request, "\n".join(lines))
    return {"reports": reports, "remote": remote, "broken_links": links, "landed": landed,
            "origin": served.origin, "weights": weights, "root": root}


def _screenshot_dir():
    return Path(os.environ.get("NGOPT_SCREENSHOTS", REPO / "browser-screenshots")) / "site"


@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    """The website, built as README says, into a temporary folder: (folder, seconds)."""
    _require_site_tools()
    if os.environ.get("NGOPT_SITE"):            # check a site built before (while editing the test)
        return Path(os.environ["NGOPT_SITE"]), 0.0
    return build_site(tmp_path_factory.mktemp("site"), request)


@pytest.fixture(scope="module")
def pages(site, tmp_path_factory, request):
    """Every page of the site read in headless Chromium: {path relative to the site: report}."""
    root, _ = site
    return read_site(root, tmp_path_factory.mktemp("chromium"), _screenshot_dir(), request)


@pytest.fixture(scope="module")
def fixture_pages(tmp_path_factory, request):
    """The fixture site (tests/site_fixture: a live explorer of plain ipywidgets), read."""
    _require_site_tools()
    root, _ = build_site(tmp_path_factory.mktemp("fixture-site"), request,
                         confdir=FIXTURE_DIR, source=FIXTURE_DIR)
    return read_site(root, tmp_path_factory.mktemp("chromium-fixture"),
                     _screenshot_dir() / "fixture", request)


# -- the tests -----------------------------------------------------------------------------
def test_every_notebook_and_the_map_are_pages(site, pages):
    expected = {"docs/index.html", "README.html"} | {f"notebooks/{name}.html" for name in NOTEBOOKS}
    assert expected <= set(pages["reports"]), sorted(expected - set(pages["reports"]))
    course_map = pages["reports"]["docs/index.html"]
    linked = {urlsplit(href).path.rsplit("/", 1)[-1] for href in course_map.links}
    assert {f"{name}.html" for name in NOTEBOOKS} <= linked, "the course map links every notebook"


def test_ready_for_github_pages(site):
    root, _ = site
    # without it, GitHub Pages' Jekyll drops every folder whose name starts with "_"
    assert (root / ".nojekyll").is_file()


def test_root_redirects_to_the_map(pages):
    assert pages["landed"] == f"{pages['origin']}/docs/index.html"


@pytest.fixture(params=["course", "fixture"])
def any_site(request):
    """Each check of every page runs on the course's site and on the fixture site."""
    return request.getfixturevalue("pages" if request.param == "course" else "fixture_pages")


def test_no_console_errors(any_site):
    errors = {path: r.console for path, r in any_site["reports"].items() if r.console}
    assert not errors, errors


def test_no_request_leaves_the_site(any_site):
    assert not any_site["remote"], f"pages asked other hosts for: {sorted(set(any_site['remote']))}"


def test_every_image_decodes_and_is_described(any_site):
    problems = []
    for path, report in any_site["reports"].items():
        for image in report.images:
            if not image["complete"] or image["width"] == 0:
                problems.append(f"{path}: {image['src']} does not decode")
            alt = (image["alt"] or "").strip()
            if image["overlay"] and image["alt"] == "":
                continue
            if not alt or alt == image["src"] or alt.endswith((".png", ".svg", ".jpg")) or "\n" in alt:
                problems.append(f"{path}: {image['src']} has no description (alt={image['alt']!r})")
    assert not problems, "\n".join(problems)


def test_every_formula_is_typeset(pages):
    problems = []
    for path, report in pages["reports"].items():
        if report.math_typeset != report.math:
            problems.append(f"{path}: {report.math - report.math_typeset} of {report.math} formulas not typeset")
        if report.math_errors:
            problems.append(f"{path}: {report.math_errors} MathJax errors")
        if report.raw_tex:
            problems.append(f"{path}: raw TeX left in the text: {report.raw_tex[:5]}")
    assert not problems, "\n".join(problems)
    for name in NOTEBOOKS[1:]:                   # 00 is the welcome; every lesson has formulas
        assert pages["reports"][f"notebooks/{name}.html"].math > 0, name


def test_every_internal_link_resolves(any_site):
    assert not any_site["broken_links"], "\n".join(any_site["broken_links"])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_shows_every_figure(pages, name):
    """One picture per plt.show() and per explorer: a PNG, or a live explorer's frames box."""
    figures, explorers = expected_figures(NOTEBOOK_DIR / f"{name}.ipynb")
    report = pages["reports"][f"notebooks/{name}.html"]
    images = [image for image in report.images if image["inOutput"] and not image["inFrames"]]
    live = [box for box in report.frames_boxes if box["inOutput"]]
    assert len(images) + len(live) == figures, (
        f"{name}: {len(images)} figures and {len(live)} live explorers on the page, the "
        f"notebook shows {figures} figures ({explorers} of them explorers)")
    captioned = [image for image in images if image["caption"].startswith(EXPLORER_CAPTION)]
    captioned += [box for box in live if box["caption"].startswith(LIVE_CAPTION)]
    assert len(captioned) == explorers, (
        f"{name}: every explorer's picture says whether it is live here or interactive in Jupyter")
    if name in LIVE_EXPLORER_NOTEBOOKS:
        assert len(live) == explorers, f"{name}: every explorer is live on the site"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_shows_cells_as_jupyterlab_does(pages, name):
    report = pages["reports"][f"notebooks/{name}.html"]
    # check cells collapsed as in JupyterLab; Colab's set-up cell left out; the widget state
    # only where an explorer is live (docs/conf.py drops it elsewhere: dead weight)
    assert report.hidden_sources == hidden_source_cells(NOTEBOOK_DIR / f"{name}.ipynb")
    assert report.colab_cells == 0
    assert report.widget_state == (1 if report.frames_boxes else 0)


def test_no_serious_accessibility_violations(any_site):
    problems = [f"{path}: {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']} -- {v['nodes']}"
                for path, report in any_site["reports"].items() for v in report.blocking_violations()]
    assert not problems, "\n".join(problems)


def test_every_live_explorer_moves_without_a_kernel(any_site):
    """Each .ngopt-frames box: its slider, focused, takes an arrow key; the picture changes.

    With no console error and no remote request (the tests above, on the same pages).
    """
    problems = [f"{path}: box {box['box']}: {box['problem']}"
                for path, report in any_site["reports"].items() for box in report.frames
                if not box["moved"]]
    assert not problems, "\n".join(problems)


def test_the_fixture_explorer_is_live(fixture_pages):
    """The plumbing, proven before the course's explorers have frames: stored widget
    state, the manager served from the site, jslink working in the page."""
    report = fixture_pages["reports"]["live_frames.html"]
    assert report.widget_state == 1
    # an IntSlider from stop 0, a SelectionSlider from its option "0.5" (index 1)
    assert [box["moved"] for box in report.frames] == [True, True], report.frames
    assert [(box["value_before"], box["value_after"]) for box in report.frames] == [
        ("0.0", "1.0"), ("1.0", "2.0")]
    # what a screen reader says for the value: the readout (the option's label, not its index)
    assert [box["valuetext_after"] for box in report.frames] == ["1", "0.8"]
    # the live boxes, not their PNG fallbacks too, with the live caption
    assert not [image for image in report.images if not image["inFrames"]], report.images
    assert [box["caption"][:len(LIVE_CAPTION)] for box in report.frames_boxes] == [LIVE_CAPTION, ""]
    # the screen-speed drag the course's pages are measured with (drag_frames) works: a
    # picture for every value the readout showed, with no kernel (the rate is not judged)
    for drag in report.drags:
        assert not isinstance(drag, str), drag
        assert drag.moves >= 10 and drag.values >= 2 and drag.pictures == drag.values, drag


def test_a_frame_leaves_the_background_visible_in_dark_mode(fixture_pages, tmp_path):
    """The theme's dark mode paints every output image's background: not a frame's."""
    with _site_in_chromium(fixture_pages["root"], tmp_path / "chromium") as (served, context):
        page = context.new_page()
        page.goto(f"{served.origin}/live_frames.html", wait_until="load")
        page.evaluate("() => localStorage.setItem('mode', 'dark')")
        page.reload(wait_until="load")
        page.evaluate(_WAIT_FOR_WIDGETS)
        backgrounds = page.evaluate("""() => [...document.querySelectorAll(".ngopt-frames img")]
            .map(img => [img.classList.contains("ngopt-frame-overlay"), getComputedStyle(img).backgroundColor])""")
        theme = page.evaluate("() => document.documentElement.dataset.theme")
        page.close()
    assert theme == "dark"
    assert sorted({overlay for overlay, _ in backgrounds}) == [False, True], backgrounds
    assert all(color == "rgba(0, 0, 0, 0)" for overlay, color in backgrounds if overlay), backgrounds
    assert all(color != "rgba(0, 0, 0, 0)" for overlay, color in backgrounds if not overlay), backgrounds


def test_each_notebook_page_weighs_under_budget(any_site):
    heavy = {path: weight for path, weight in any_site["weights"].items()
             if weight >= PAGE_WEIGHT_BUDGET}
    assert not heavy, f"pages over {PAGE_WEIGHT_BUDGET / 1e6:.0f} MB: {heavy}"


def _stored_widget_state(page):
    import json

    body = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                     page.read_text(encoding="utf-8"), re.S).group(1)
    return json.loads(body)["state"]


def test_the_page_disables_what_needs_a_kernel(fixture_pages):
    """Controls at an end of a jslink stay live; any other is disabled (no kernel answers)."""
    state = _stored_widget_state(fixture_pages["root"] / "live_frames.html")
    disabled = sorted((m["model_name"], m["state"]["disabled"]) for m in state.values()
                      if "disabled" in m["state"])
    assert disabled == [("CheckboxModel", True), ("IntSliderModel", False),
                        ("SelectionSliderModel", False)]


def test_the_widget_state_is_what_the_served_manager_renders(fixture_pages):
    """ipywidgets 8's model versions, and an html-manager its Python side asks for."""
    import ipywidgets._version as ipywidgets_version

    state = _stored_widget_state(fixture_pages["root"] / "live_frames.html")
    versions = {(m["model_module"], m["model_module_version"]) for m in state.values()}
    expected = {"@jupyter-widgets/base": ipywidgets_version.__jupyter_widgets_base_version__,
                "@jupyter-widgets/controls": ipywidgets_version.__jupyter_widgets_controls_version__,
                "@jupyter-widgets/output": ipywidgets_version.__jupyter_widgets_output_version__}
    assert versions and all(expected[module] == version for module, version in versions), versions
    assert expected["@jupyter-widgets/controls"].startswith("2."), "ipywidgets 8's models"
    # the vendored manager: the version vendor_widgets.sh pins satisfies ipywidgets' ^range
    pinned = re.search(r'HTML_MANAGER="@jupyter-widgets/html-manager@([\d.]+)"',
                       (REPO / "docs" / "vendor_widgets.sh").read_text()).group(1)
    wanted = ipywidgets_version.__html_manager_version__.lstrip("^")
    as_tuple = lambda v: tuple(int(part) for part in v.split("."))      # noqa: E731
    assert as_tuple(pinned)[0] == as_tuple(wanted)[0] and as_tuple(pinned) >= as_tuple(wanted), (
        pinned, ipywidgets_version.__html_manager_version__)


def test_the_vendored_manager_is_what_its_script_fetched():
    """docs/_static/ipywidgets holds exactly the files SHA256SUMS lists (vendor_widgets.sh)."""
    import hashlib

    sums = (WIDGET_MANAGER_DIR / "SHA256SUMS").read_text().split("\n")
    listed = dict(reversed(line.split()) for line in sums if line.strip())
    assert "embed.js" in listed
    for name, digest in listed.items():
        assert hashlib.sha256((WIDGET_MANAGER_DIR / name).read_bytes()).hexdigest() == digest, name


# -- the checks themselves -----------------------------------------------------------------
_BROKEN_PAGE = """<!DOCTYPE html>
<html><head><title></title>
<script src="https://cdn.example.invalid/x.js"></script>
</head><body><main>
<p>Raw TeX: $\\alpha$ and \\(\\beta\\).</p>
<p><span class="math notranslate nohighlight">\\(x^2\\)</span></p>
<img src="missing.png">
<a href="nowhere.html">a broken link</a>
<script>console.error("a fault of the page")</script>
<div class="ngopt-frames">
  <img alt="a picture no slider moves" width="40" height="40" src="data:image/png;base64,\
iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">
  <div role="slider" tabindex="0" aria-label="stop" aria-valuemin="0" aria-valuemax="2"
       aria-valuenow="0">0</div>
</div>
</main></body></html>
"""


def test_the_checks_catch_each_fault(tmp_path):
    """A page with one fault of each kind: every check above must report it."""
    _require_site_tools()
    (tmp_path / "broken.html").write_text(_BROKEN_PAGE)
    with _site_in_chromium(tmp_path, tmp_path / "chromium") as (served, context):
        report = read_page(context, f"{served.origin}/broken.html")
        remote = list(context.remote_requests)
    assert remote == ["https://cdn.example.invalid/x.js"]
    assert any("a fault of the page" in line for line in report.console)
    (image,) = [image for image in report.images if image["src"] == "missing.png"]
    assert image["width"] == 0 and image["alt"] is None
    # a frames box whose slider is linked to nothing: the picture does not move
    assert [(box["moved"], box["key"]) for box in report.frames] == [(False, "ArrowRight")], report.frames
    assert "left the picture as it was" in report.frames[0]["problem"]
    assert report.math == 1 and report.math_typeset == 0          # no MathJax on that page
    assert any("$\\alpha$" in text for text in report.raw_tex)
    assert broken_links([report], tmp_path, served.origin) == [
        f"{served.origin}/broken.html: {served.origin}/nowhere.html (no file nowhere.html)"]
    blocking = {v["id"] for v in report.blocking_violations()}
    assert {"image-alt", "html-has-lang", "document-title"} <= blocking, report.violations


def test_page_weight_counts_the_pages_own_files(tmp_path):
    """The HTML and its own images count; the site's shared _static/ and other hosts do not."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "_images").mkdir()
    (tmp_path / "_static").mkdir()
    page = tmp_path / "notebooks" / "a.html"
    page.write_bytes(b"x" * 1000)
    (tmp_path / "_images" / "figure.png").write_bytes(b"x" * 20_000)
    (tmp_path / "_static" / "logo.png").write_bytes(b"x" * 300_000)
    report = PageReport("a.html", images=[
        {"src": "../_images/figure.png"}, {"src": "../_images/figure.png"},     # counted once
        {"src": "../_static/logo.png"}, {"src": "blob:http://127.0.0.1/1"},
        {"src": "https://example.invalid/x.png"}])
    assert page_weight(tmp_path, "notebooks/a.html", report) == 21_000

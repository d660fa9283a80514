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
  serious or critical accessibility violation on any page.

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

from browser.driver import BROWSER_ARGS
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
EXPLORER_CAPTION = "Interactive in Jupyter"


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
      caption: (img.closest("figure")?.querySelector("figcaption")?.innerText || ""),
    })),
    math: math.length,
    mathTypeset: math.filter(m => m.querySelector("mjx-container")).length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    rawTex,
    hiddenSources: document.querySelectorAll(".cell.tag_hide-input").length,
    colabCells: document.querySelectorAll(".cell.tag_colab-setup").length,
    widgetState: document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length,
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
    widget_state: int = 0          # saved ipywidgets state scripts (dead weight without JS)
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
        data = page.evaluate(_READ_PAGE)
        report.images = data["images"]
        report.math, report.math_typeset = data["math"], data["mathTypeset"]
        report.math_errors, report.raw_tex = data["mathErrors"], data["rawTex"]
        report.links, report.ids = data["links"], set(data["ids"])
        report.hidden_sources, report.colab_cells = data["hiddenSources"], data["colabCells"]
        report.widget_state = data["widgetState"]
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
    finally:
        page.close()
    report.seconds = time.perf_counter() - start
    return report


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
@pytest.fixture(scope="module")
def site(tmp_path_factory, request):
    """The website, built as README says, into a temporary folder: (folder, seconds)."""
    _require_site_tools()
    if os.environ.get("NGOPT_SITE"):            # check a site built before (while editing the test)
        return Path(os.environ["NGOPT_SITE"]), 0.0
    out = tmp_path_factory.mktemp("site")
    # MPLBACKEND=Agg on purpose: docs/conf.py must keep the notebooks' inline figures anyway.
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": ""}
    command = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q",
               "-d", str(out / "doctrees"), "-c", "docs", ".", str(out / "html")]
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


@pytest.fixture(scope="module")
def pages(site, tmp_path_factory, request):
    """Every page of the site read in headless Chromium: {path relative to the site: report}."""
    root, _ = site
    shots = Path(os.environ.get("NGOPT_SCREENSHOTS", REPO / "browser-screenshots")) / "site"
    shots.mkdir(parents=True, exist_ok=True)
    with _site_in_chromium(root, tmp_path_factory.mktemp("chromium")) as (served, context):
        reports = {}
        for path in sorted(root.rglob("*.html")):
            relative = path.relative_to(root).as_posix()
            if relative == "index.html" or relative.startswith("_static/"):
                continue    # the redirect (tested below); the theme's template files
            shot = shots / (relative.replace("/", "__").removesuffix(".html") + ".png")
            reports[relative] = read_page(context, f"{served.origin}/{relative}", screenshot=shot)
        # the root redirect, followed as a browser does
        page = context.new_page()
        page.goto(f"{served.origin}/index.html")
        page.wait_for_url("**/docs/index.html", timeout=10_000)
        landed = page.url
        page.close()
        remote = list(context.remote_requests)
    links = broken_links(list(reports.values()), root, served.origin)
    lines = [f"site test: {len(reports)} pages read in Chromium, screenshots in {shots}"]
    for relative, report in reports.items():
        shown = sum(image["inOutput"] for image in report.images)
        minor = sorted({f"{v['id']} ({v['impact']}) at {v['nodes'][:2]}" for v in report.violations})
        lines.append(f"  {relative}: {shown} figures, {report.math_typeset}/{report.math} formulas, "
                     f"{report.seconds:.1f} s; axe: {', '.join(minor) or 'no violations'}")
    say(request, "\n".join(lines))
    return {"reports": reports, "remote": remote, "broken_links": links, "landed": landed,
            "origin": served.origin}


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


def test_no_console_errors(pages):
    errors = {path: r.console for path, r in pages["reports"].items() if r.console}
    assert not errors, errors


def test_no_request_leaves_the_site(pages):
    assert not pages["remote"], f"pages asked other hosts for: {sorted(set(pages['remote']))}"


def test_every_image_decodes_and_is_described(pages):
    problems = []
    for path, report in pages["reports"].items():
        for image in report.images:
            if not image["complete"] or image["width"] == 0:
                problems.append(f"{path}: {image['src']} does not decode")
            alt = (image["alt"] or "").strip()
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


def test_every_internal_link_resolves(pages):
    assert not pages["broken_links"], "\n".join(pages["broken_links"])


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_shows_every_figure(pages, name):
    figures, explorers = expected_figures(NOTEBOOK_DIR / f"{name}.ipynb")
    images = [image for image in pages["reports"][f"notebooks/{name}.html"].images if image["inOutput"]]
    assert len(images) == figures, (
        f"{name}: {len(images)} figures on the page, the notebook shows {figures} "
        f"({explorers} of them explorers)")
    captioned = [image for image in images if image["caption"].startswith(EXPLORER_CAPTION)]
    assert len(captioned) == explorers, f"{name}: every explorer's picture says it is interactive in Jupyter"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_page_shows_cells_as_jupyterlab_does(pages, name):
    report = pages["reports"][f"notebooks/{name}.html"]
    # check cells collapsed as in JupyterLab; Colab's set-up cell left out; no widget state
    assert report.hidden_sources == hidden_source_cells(NOTEBOOK_DIR / f"{name}.ipynb")
    assert report.colab_cells == 0
    assert report.widget_state == 0


def test_no_serious_accessibility_violations(pages):
    problems = [f"{path}: {v['id']} ({v['impact']}, {v['count']} nodes): {v['help']} -- {v['nodes']}"
                for path, report in pages["reports"].items() for v in report.blocking_violations()]
    assert not problems, "\n".join(problems)


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
    (image,) = report.images
    assert image["width"] == 0 and image["alt"] is None
    assert report.math == 1 and report.math_typeset == 0          # no MathJax on that page
    assert any("$\\alpha$" in text for text in report.raw_tex)
    assert broken_links([report], tmp_path, served.origin) == [
        f"{served.origin}/broken.html: {served.origin}/nowhere.html (no file nowhere.html)"]
    blocking = {v["id"] for v in report.blocking_violations()}
    assert {"image-alt", "html-has-lang", "document-title"} <= blocking, report.violations

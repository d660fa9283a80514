"""Sphinx configuration: the course as a static website, every notebook executed.

Build from the repository root (README, "The course as a website")::

    .venv/bin/python -m sphinx -b html -d _build/doctrees -c docs . _build/site

The source folder is the repository itself, so the notebooks are read where they are
(``notebooks/*.ipynb``; nothing is copied) and ``include_patterns`` keeps Sphinx to them
and to ``docs/``. Nothing on a page loads from the network: MathJax 3 is served from the
site (the PyPI package ``sphinx-mathjax-offline``), the theme's fonts and scripts are its
own static files, and widgets show their static picture instead of loading ipywidgets'
JavaScript from a CDN.
"""

import os

# The notebooks' kernels inherit this process's environment. An exported MPLBACKEND=Agg
# would make plt.show() draw nothing, and the site would lose every figure silently.
os.environ["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"

project = "Optimization algorithms: an interactive course"
author = "ngopt-course contributors"
copyright = "ngopt-course contributors"
language = "en"

extensions = [
    "myst_nb",
    "sphinx.ext.mathjax",
    "sphinx-mathjax-offline",      # a module name with dashes: MathJax 3.2.2, served locally
    "sphinx.ext.githubpages",      # writes .nojekyll: GitHub Pages would hide _static/ and _images/
]

root_doc = "docs/index"
# The repository's top-level Markdown files (README, CHANGELOG, ...) are pages too, so the
# notebooks' and README's links to them resolve; docs/index.md lists them under "About".
include_patterns = ["docs/**", "notebooks/*.ipynb", "*.md"]
exclude_patterns = ["docs/_build/**", "docs/_templates/**", "**/.ipynb_checkpoints/**"]
templates_path = ["_templates"]

# -- notebooks --------------------------------------------------------------------------
nb_execution_mode = "force"            # every build runs every notebook in a fresh kernel
nb_execution_timeout = 180             # seconds per cell; a notebook runs well under a minute
nb_execution_raise_on_error = True     # a notebook that fails fails the build
nb_execution_show_tb = True
nb_execution_in_temp = False           # run in notebooks/, as JupyterLab and nbval do
nb_merge_streams = True
# Widgets need a kernel: show each explorer's image/png (see widgets/_base.py) instead of
# the widget view, and load no ipywidgets JavaScript (it would come from a CDN).
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
nb_ipywidgets_js = {}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3

# -- HTML -------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = "Optimization algorithms"
html_static_path = ["_static"]
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "navigation_with_keys": False,
}
# The theme reads the reader's choice of light or dark from localStorage and falls back to
# this; left empty, its script logs "Got invalid theme mode" as a console error.
html_context = {"default_mode": "light"}
# Without an icon of its own the browser asks for /favicon.ico, a 404 on most hosts.
html_favicon = "_static/favicon.svg"
# The theme's sidebar, with its site title wrapped in a landmark (docs/_templates/course-home.html).
html_sidebars = {"**": ["course-home.html", "icon-links.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
# GitHub Pages serves the site's root: send it to the course map.
html_additional_pages = {"index": "redirect.html"}


# -- the course's own adjustments ------------------------------------------------------
def _one_description_per_figure(app, doctree):
    """Give each figure of a cell its own line of the cell's alt text.

    myst-nb puts a cell's ``mystnb.image.alt`` on every image of that cell; the course
    writes one line per figure (docs/figure_alt_text.py), so the n-th image gets line n.
    """
    from docutils import nodes
    from sphinx.util import logging

    for cell in doctree.findall(nodes.container):
        if "cell" not in cell.get("classes", []):
            continue
        by_alt = {}
        for image in cell.findall(nodes.image):
            by_alt.setdefault(image.get("alt", ""), []).append(image)
        for alt, images in by_alt.items():
            lines = alt.splitlines()
            if len(lines) <= 1:
                continue
            if len(lines) != len(images):
                logging.getLogger(__name__).warning(
                    f"a cell draws {len(images)} figures but has {len(lines)} descriptions: {alt!r}",
                    location=images[0])
            for image, line in zip(images, lines):
                image["alt"] = line


def _collapse_hidden_sources(app, docname, source):
    """Cells whose source JupyterLab collapses (CI's check cells) are collapsed here too.

    The notebooks mark them with ``metadata.jupyter.source_hidden``; myst-nb's equivalent
    is the tag ``hide-input`` (a "Show code cell source" toggle above the outputs). The
    Colab set-up cell (tag ``colab-setup``) is left out of the page.
    """
    if not docname.startswith("notebooks/"):
        return
    import json

    notebook = json.loads(source[0])
    changed = False
    for cell in notebook.get("cells", []):
        metadata = cell.setdefault("metadata", {})
        tags = metadata.setdefault("tags", [])
        if metadata.get("jupyter", {}).get("source_hidden") and "hide-input" not in tags:
            tags.append("hide-input")
            changed = True
        # Colab's install cell does nothing outside Colab; a page reader runs nothing.
        if "colab-setup" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
            changed = True
    if changed:
        source[0] = json.dumps(notebook)


def _remote_images_as_text(app, doctree):
    """Show a remote image (README's Binder and Colab badges) as its alt text.

    Each reader's browser would fetch it from another host, which the site promises not
    to do (tests/test_site.py fails on any such request). The link around it stays.
    """
    from docutils import nodes

    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if "://" in uri or uri.startswith("//"):
            image.replace_self(nodes.inline(text=image.get("alt") or uri))


def _no_widget_state(app, doctree):
    """Drop the saved ipywidgets state: no page renders it (no widget JavaScript is loaded)."""
    metadata = getattr(app.env, "nb_metadata", {}).get(app.env.docname, {})
    metadata.get("js_files", {}).pop("ipywidgets_state", None)


def setup(app):
    app.connect("source-read", _collapse_hidden_sources)
    app.connect("doctree-read", _remote_images_as_text, priority=400)   # before Sphinx lists images
    app.connect("doctree-read", _one_description_per_figure)
    app.connect("doctree-read", _no_widget_state)

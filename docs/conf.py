"""Sphinx configuration: the course as a static website, every notebook executed.

Build from the repository root (README, "The course as a website")::

    .venv/bin/python -m sphinx -b html -d _build/doctrees -c docs . _build/site

The source folder is the repository itself, so the notebooks are read where they are
(``notebooks/*.ipynb``; nothing is copied) and ``include_patterns`` keeps Sphinx to them
and to ``docs/``. Nothing on a page loads from the network: MathJax 3 is served from the
site (the PyPI package ``sphinx-mathjax-offline``), the theme's fonts and scripts are its
own static files, and so is ipywidgets' widget manager (``_static/ipywidgets``, see
``vendor_widgets.sh``).

Explorers: where an explorer's stored widget state holds a box of precomputed frames (CSS
class ``ngopt-frames``: a still background, a ``Stack`` of frames and a slider jslinked
to it), the page shows the live widget and its main slider moves the picture with no
kernel; everywhere else the page shows the explorer's PNG (see ``_live_widgets`` below).
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
# Widget views render where the notebook's stored widget state makes them work without a
# kernel (_live_widgets below), with ipywidgets' manager served from the site itself.
nb_ipywidgets_js = {"ipywidgets/embed.js": {}, "ngopt-live-widgets.js": {}}
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


#: The models the vendored manager renders: ipywidgets 8's (html-manager 1.0.x, see
#: vendor_widgets.sh). A stored state of other versions would not render: the build warns.
WIDGET_MODEL_VERSIONS = {"@jupyter-widgets/base": "2.0.0", "@jupyter-widgets/controls": "2.0.0",
                         "@jupyter-widgets/output": "1.0.0"}
#: The CSS class of a box of precomputed frames (ngopt_course/widgets, issue 24).
FRAMES_CLASS = "ngopt-frames"
LIVE_CAPTION = ("Live in this page: its main slider moves the picture, between frames "
                "computed when the site was built. A greyed-out control needs a running "
                "kernel: open this notebook in JupyterLab to use it.")
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_LINKS = ("LinkModel", "DirectionalLinkModel")


def _model_refs(value):
    """The model ids a widget state value refers to (``"IPY_MODEL_<id>"``, nested)."""
    if isinstance(value, str):
        return [value[len("IPY_MODEL_"):]] if value.startswith("IPY_MODEL_") else []
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [ref for item in value for ref in _model_refs(item)]
    return []


def _reachable(state, model_id):
    """``model_id`` and every model its state refers to, recursively."""
    seen, todo = set(), [model_id]
    while todo:
        current = todo.pop()
        if current in seen or current not in state:
            continue
        seen.add(current)
        todo.extend(_model_refs(state[current].get("state", {})))
    return seen


def _live_widgets(app, doctree):
    """Show an explorer live where it works without a kernel, else its PNG; trim the state.

    myst-nb keeps every mime type of an output until the HTML post-transform picks one
    (widget views first). Here, per output: a widget view whose stored state holds a box of
    class ``ngopt-frames`` stays and its PNG (the fallback) goes, so the picture is not
    shown twice, and its figure caption says what moves; any other widget view is dropped,
    so the page shows the PNG with its "Interactive in Jupyter" caption. The page's widget
    state keeps only the live views' models (not the other explorers' pictures: dead
    weight), and disables every control that is not an end of a jslink, since no kernel
    answers it. A page with no live view loads no widget state and no widget JavaScript.
    """
    import html
    import json

    from docutils import nodes
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    js_files = getattr(app.env, "nb_metadata", {}).get(app.env.docname, {}).get("js_files", {})
    state = {}
    if "ipywidgets_state" in js_files:
        state = json.loads(js_files["ipywidgets_state"][1]["body"]).get("state", {})
    keep = set()
    for bundle in list(doctree.findall(nodes.container)):
        if bundle.get("nb_element") != "mime_bundle":
            continue
        by_type = {child.get("mime_type"): child for child in bundle.children}
        view = by_type.get(_WIDGET_VIEW)
        if view is None:
            continue
        raw = next(iter(view.findall(nodes.raw)))
        model_id = json.loads(raw.astext().split(">", 1)[1].rsplit("</script>", 1)[0])["model_id"]
        models = _reachable(state, model_id)
        if not any(FRAMES_CLASS in state[m]["state"].get("_dom_classes", []) for m in models):
            bundle.remove(view)
            continue
        keep |= models
        pictures = [image for mime, child in by_type.items() if mime.startswith("image/")
                    for image in child.findall(nodes.image)]
        for mime, child in by_type.items():
            if mime != _WIDGET_VIEW:
                bundle.remove(child)
        # The figure's description travels with the view: ipywidgets' Image draws an <img>
        # with no alt, and ngopt-live-widgets.js gives it this one.
        alt = html.escape(pictures[0].get("alt", "") if pictures else "", quote=True)
        raw.replace_self(nodes.raw("", f'<div class="ngopt-live-widget" data-ngopt-alt="{alt}">'
                                       f"{raw.astext()}</div>", format="html"))
        if isinstance(bundle.parent, nodes.figure):
            for caption in bundle.parent.findall(nodes.caption):
                caption.children = [nodes.Text(LIVE_CAPTION)]
    if not keep:
        for key in [key for key in js_files if key.startswith("ipywidgets")]:
            del js_files[key]
        return
    links = {m for m, model in state.items()
             if model["model_name"] in _LINKS and set(_model_refs(model["state"])) <= keep}
    ends = {ref for m in links for ref in _model_refs(state[m]["state"])}
    kept = {m: state[m] for m in sorted(keep | links)}
    for model_id, model in kept.items():
        module, version = model["model_module"], model["model_module_version"]
        if WIDGET_MODEL_VERSIONS.get(module) != version:
            logger.warning(f"widget model {model['model_name']} is {module} {version}; the site's "
                           f"manager renders {WIDGET_MODEL_VERSIONS}", location=app.env.docname)
        if "disabled" in model["state"] and model_id not in ends:
            model["state"]["disabled"] = True
    uri, attributes = js_files["ipywidgets_state"]
    body = json.dumps({"version_major": 2, "version_minor": 0, "state": kept})
    js_files["ipywidgets_state"] = (uri, {**attributes, "body": body.replace("</", "<\\/")})


def setup(app):
    app.connect("source-read", _collapse_hidden_sources)
    app.connect("doctree-read", _remote_images_as_text, priority=400)   # before Sphinx lists images
    # both before Sphinx lists the images: a live explorer's PNG is then not even copied
    app.connect("doctree-read", _one_description_per_figure, priority=450)
    app.connect("doctree-read", _live_widgets, priority=460)

"""The site test's fixture site: the course's own docs/conf.py, reading this folder.

``tests/test_site.py`` builds it with ``-c tests/site_fixture tests/site_fixture``: every
setting, hook and static file is the website's, only the pages differ (``live_frames``).
"""

from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"
exec(compile((DOCS / "conf.py").read_text(encoding="utf-8"), str(DOCS / "conf.py"), "exec"))

root_doc = "live_frames"
include_patterns = ["live_frames.ipynb"]
exclude_patterns = ["_build/**", "**/.ipynb_checkpoints/**"]
html_static_path = [str(DOCS / "_static")]
templates_path = [str(DOCS / "_templates")]
html_favicon = str(DOCS / "_static" / "favicon.svg")
html_additional_pages = {}

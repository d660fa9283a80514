"""Helpers for the browser test: a real JupyterLab server and a Chromium driver.

``lab_server.LabServer`` starts ``jupyter lab`` on 127.0.0.1 with a random token in
throw-away config/runtime/workspace folders, on a temporary copy of the notebooks;
``driver`` opens a notebook in headless Chromium through Playwright, runs all cells from
the Run menu as a learner would, reads the outputs and moves every widget control.
``tests/test_browser.py`` wires them together (``pytest -m browser``).
"""

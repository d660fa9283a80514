"""What the two browser tests (JupyterLab, the website) share: the Chromium they drive,
skipping (failing on CI) without their tools, and printing past pytest's capture."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

__all__ = ["CHROMIUM", "require_tools", "say"]

#: Debian's Chromium (apt-get install chromium), or NGOPT_CHROMIUM.
CHROMIUM = Path(os.environ.get("NGOPT_CHROMIUM", "/usr/bin/chromium"))


def require_tools(test, modules, hint=""):
    """Skip ``test`` (fail it when CI=true) unless Chromium and ``modules`` are there.

    ``modules``: importable name -> what to install for it; ``hint`` ends the message.
    """
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium, "
                       "or set NGOPT_CHROMIUM to a Chromium binary)")
    missing += [f"the Python package {package}" for module, package in modules.items()
                if importlib.util.find_spec(module) is None]
    if missing:
        message = f"the {test} needs " + " and ".join(missing) + hint
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message} -- CI must run the {test}, not skip it")
        pytest.skip(message)


def say(request, text):
    """Print past pytest's output capture (the screenshot folder, the timings)."""
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is None:
        print(text)
        return
    with capture.global_and_fixture_disabled():
        print(text, flush=True)

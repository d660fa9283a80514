"""The package's shape: one-way data flow, no work or settings at import time.

These read the source (ast) or import the package in a fresh interpreter, so they stay
true however the modules grow.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "ngopt_course"
SCREEN_LIBRARIES = {"matplotlib", "ipywidgets", "IPython"}
# Modules allowed to know about screens: plots draw, widgets wire controls, exercises
# display their verdicts in a notebook, editions writes notebooks. (tqdm's progress bars
# are allowed anywhere: tqdm.auto picks a text bar outside a notebook.)
SCREEN_ALLOWED = {"plots", "widgets", "exercises", "editions"}


def _modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _imports(path):
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def _top_part(path):
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_compute_floor_is_large_enough_to_matter():
    names = {_top_part(p) for p in COMPUTE_MODULES}
    assert {"minibatch", "ewa", "optimizers", "schedules"} <= names


COMPUTE_MODULES = [p for p in _modules() if _top_part(p) not in SCREEN_ALLOWED]


@pytest.mark.parametrize("path", COMPUTE_MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_compute_modules_know_no_screen(path):
    screen = SCREEN_LIBRARIES.intersection(_imports(path))
    assert not screen, f"{path.name} is a compute module but imports {sorted(screen)}"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_global_seeding_pickle_or_eval(path):
    source = path.read_text()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = ast.unparse(node.func)
            assert func not in {"eval", "exec"}, f"{path.name}:{node.lineno} calls {func}"
            assert not func.endswith("random.seed"), f"{path.name}:{node.lineno} seeds globally"
    assert "pickle" not in set(_imports(path)), f"{path.name} imports pickle"
    assert "allow_pickle=True" not in source, f"{path.name} loads with allow_pickle=True"


def test_importing_the_package_draws_nothing_and_changes_no_setting():
    code = (
        "import sys, numpy as np; state = np.random.get_state()[1].copy();"
        "import ngopt_course;"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported';"
        "assert 'ipywidgets' not in sys.modules, 'ipywidgets imported';"
        "assert (np.random.get_state()[1] == state).all(), 'global RNG touched';"
        "print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_public_names_resolve():
    import ngopt_course

    missing = [name for name in ngopt_course.__all__ if not hasattr(ngopt_course, name)]
    assert not missing

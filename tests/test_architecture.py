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


# ---------------------------------------------------------------------------
# One-way flow between the layers
# ---------------------------------------------------------------------------

# The layers, lowest first. A module may import from its own layer and the layers below,
# never from one above: data -> compute -> training -> experiments -> plots -> widgets.
# ``_validation`` (argument checks) serves every layer; ``_fast`` belongs to compute.
LAYERS = {
    "_validation": (0, "validation"),
    "data": (1, "data"), "make_data": (1, "data"),
    **{name: (2, "compute") for name in ("minibatch", "ewa", "optimizers", "schedules", "nn", "surfaces", "_fast")},
    "checkpoints": (3, "training"), "training": (3, "training"),
    "experiments": (4, "experiments"),
    "plots": (5, "plots"),
    "widgets": (6, "widgets"),
    # The learning layer sits apart: it may import anything below presentation (plots),
    # and nothing but itself may import it.
    "exercises": (4, "learning"), "editions": (4, "learning"), "progress": (4, "learning"),
    # Tooling beside editions: writes the Colab setup cell and README's Binder/Colab links.
    "hosting": (4, "learning"),
}


def _may_import(importer, target):
    (own, own_name), (layer, layer_name) = LAYERS[importer], LAYERS[target]
    if layer_name == "learning":
        return own_name == "learning"
    return layer <= own


def _package_imports(path, package_root):
    """The top-level name, inside the package, of every ngopt_course module that ``path`` imports."""
    folder = list(path.relative_to(package_root).parts[:-1])  # the subpackage path is in ([] at the top)
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level:  # relative: from .x, from ..x, from . import x
            up = node.level - 1
            if up > len(folder):
                continue  # above the package
            parts = folder[: len(folder) - up] + (node.module.split(".") if node.module else [])
            yield from parts[:1] or [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:  # from ngopt_course.x import y
            parts = node.module.split(".")
            if parts[0] == package_root.name:
                yield from parts[1:2] or [alias.name for alias in node.names]
        elif isinstance(node, ast.Import):  # import ngopt_course.x
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == package_root.name and len(parts) > 1:
                    yield parts[1]


def layer_violations(package_root):
    """Every import that goes against the flow, as 'module imports target (layer -> layer)'."""
    found = []
    for path in sorted(package_root.rglob("*.py")):
        rel = path.relative_to(package_root)
        top = rel.parts[0].removesuffix(".py")
        if top == "__init__":
            continue  # the package's front door re-exports from every layer
        assert top in LAYERS, f"{rel} belongs to no layer: add it to LAYERS"
        for target in _package_imports(path, package_root):
            if target not in LAYERS:  # e.g. "from ngopt_course import train": hides which layer it is
                found.append(f"{rel.as_posix()} imports {target} from the package itself, not from its module")
            elif target != top and not _may_import(top, target):
                found.append(f"{rel.as_posix()} imports {target} ({LAYERS[top][1]} -> {LAYERS[target][1]})")
    return found


def test_imports_flow_one_way_through_the_layers():
    assert layer_violations(PACKAGE) == []


def test_the_layer_check_catches_an_import_going_up(tmp_path):
    # The checker must fail on a violation, not only pass on the real package: a fake
    # package where compute imports training, and plots import widgets, in every spelling.
    root = tmp_path / "ngopt_course"
    (root / "plots").mkdir(parents=True)
    (root / "experiments").mkdir()
    (root / "__init__.py").write_text("from .widgets import EXPLORERS\n")  # allowed: the front door
    (root / "nn.py").write_text("from .training import train\n")
    (root / "ewa.py").write_text("import ngopt_course.checkpoints\n")
    (root / "optimizers.py").write_text("def f():\n    from ngopt_course.experiments import race\n")
    (root / "plots" / "adam.py").write_text("from ..widgets import race\nfrom ..surfaces import get_surface\n")
    (root / "experiments" / "race.py").write_text("from ..exercises import check\nfrom ..optimizers import Adam\n")
    (root / "training.py").write_text("from . import checkpoints\nfrom .nn import forward\n")  # allowed
    (root / "schedules.py").write_text("from ngopt_course import train\n")
    assert layer_violations(root) == [
        "ewa.py imports checkpoints (compute -> training)",
        "experiments/race.py imports exercises (experiments -> learning)",
        "nn.py imports training (compute -> training)",
        "optimizers.py imports experiments (compute -> experiments)",
        "plots/adam.py imports widgets (plots -> widgets)",
        "schedules.py imports train from the package itself, not from its module",
    ]


# ---------------------------------------------------------------------------
# The code a learner opens reads as the slides
# ---------------------------------------------------------------------------

FIRST_DEFINITIONS = {
    "optimizers.py": ["gradient_descent_update", "momentum_update", "rmsprop_update", "adam_update"],
    "ewa.py": ["ewa_loop"],                  # the slide's loop, before the vectorized ewa
    "minibatch.py": ["random_mini_batches"],  # shuffle, then partition
    "schedules.py": ["inverse_time_decay"],   # the lecture's first decay formula
    "training.py": ["_train_loop"],           # the lecture's loop, before train's bookkeeping
    "nn.py": ["initialize_parameters", "forward_propagation", "compute_cost", "backward_propagation"],
}


@pytest.mark.parametrize("module", list(FIRST_DEFINITIONS))
def test_modules_open_with_the_lectures_code(module):
    tree = ast.parse((PACKAGE / module).read_text())
    defs = [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]
    expected = FIRST_DEFINITIONS[module]
    assert [node.name for node in defs[: len(expected)]] == expected
    # ... and the first one starts on the first screen (60 lines), after a short docstring.
    assert defs[0].lineno <= 60, f"{module}: the lecture's code starts at line {defs[0].lineno}"


# ---------------------------------------------------------------------------
# No module imports another module's private name
# ---------------------------------------------------------------------------
#
# The rule: a name that starts with one underscore (``_forward``, ``_check_labels``) is
# private to the module that defines it; what another module needs gets a public name.
# A module is not a name: ``_validation``, ``_fast`` and ``exercises._compare`` are
# modules whose leading underscore says "not for learners", and importing them, or a
# public name from them (``from ._validation import check_real``), is allowed. Dunder
# names (``__version__``) are public. Reaching a private name through a module
# (``from . import nn`` then ``nn._forward``) counts as importing it.



def _is_private(name):
    return name.startswith("_") and not name.startswith("__")


def _is_module(package_root, parts):
    path = package_root.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_imports(package_root):
    """Every private name a module of the package takes from another, as 'module imports name from module'."""
    found = []
    for path in sorted(package_root.rglob("*.py")):
        rel = path.relative_to(package_root)
        folder = list(rel.parts[:-1])
        tree = ast.parse(path.read_text(), filename=str(path))
        modules = {}  # local name -> the package module it is bound to
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    if node.level - 1 > len(folder):
                        continue
                    parts = folder[: len(folder) - (node.level - 1)] + (node.module.split(".") if node.module else [])
                elif node.module and node.module.split(".")[0] == package_root.name:
                    parts = node.module.split(".")[1:]
                else:
                    continue  # another library: its names are its business
                for alias in node.names:
                    if _is_module(package_root, parts + [alias.name]):
                        modules[alias.asname or alias.name] = ".".join(parts + [alias.name])
                    elif _is_private(alias.name):
                        found.append(f"{rel.as_posix()} imports {alias.name} from {'.'.join(parts) or 'the package'}")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == package_root.name and len(parts) > 1 and alias.asname:
                        modules[alias.asname] = ".".join(parts[1:])
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in modules and _is_private(node.attr)):
                found.append(f"{rel.as_posix()} imports {node.attr} from {modules[node.value.id]}")
    return sorted(set(found))


def test_no_module_imports_another_modules_private_name():
    assert private_imports(PACKAGE) == [], "give these names a public name in their module"


def test_the_private_import_check_catches_every_spelling(tmp_path):
    root = tmp_path / "ngopt_course"
    (root / "experiments").mkdir(parents=True)
    (root / "_fast").mkdir()
    (root / "_fast" / "__init__.py").write_text("")
    (root / "_fast" / "updates.py").write_text("def adam_(): pass\n")
    (root / "_validation.py").write_text("def check_real(): pass\n")
    (root / "nn.py").write_text("def _forward(): pass\n__version__ = 1\n")
    (root / "experiments" / "noisy.py").write_text("def _gradients(): pass\n")
    (root / "experiments" / "batch_size.py").write_text(
        "from ..nn import _forward, __version__\n"        # a private name (the dunder is public)
        "from .. import nn, _validation\n"                # modules, one with an underscore: fine
        "from .._fast.updates import adam_\n"             # a public name of a private module: fine
        "from ._missing import something\n"              # not a module of the package: a name
        "def f():\n    from .noisy import _gradients\n    return nn._forward, _validation.check_real\n"
    )
    (root / "training.py").write_text("import ngopt_course.nn as network\nnetwork._forward()\n"
                                      "from ngopt_course.nn import _forward as forward\n")
    assert private_imports(root) == [
        "experiments/batch_size.py imports _forward from nn",
        "experiments/batch_size.py imports _gradients from experiments.noisy",
        "training.py imports _forward from nn",
    ]

"""The course installed from a wheel, outside the repository, works.

Binder, Colab and ``pip install`` install the package, not a checkout: nothing beside the
package (``data/``, ``pyproject.toml``) is there. This builds the wheel from a copy of the
sources (a build in the work tree would leave ``build/`` and ``*.egg-info`` there),
installs it into a fresh virtual environment in a temporary folder, and there runs
``london_temperatures()``, the data command line, and the course as a learner without a
checkout gets it: ``ngopt-course learner --out my-course`` writes the learner edition from
the notebooks the wheel carries (``ngopt_course/course/``, byte-identical to
``notebooks/``), its notebooks 02 and 03 run in a kernel of that environment (importing
``ngopt_course`` from the wheel's install), ``ngopt-course progress`` reads them, and
running the command again changes no byte.

Nothing is downloaded: the wheel is built with this environment's setuptools
(``--no-build-isolation --no-index``; the ``test`` extra brings setuptools >= 77), the
new environment gets the wheel with ``--no-deps``, and its dependencies (numpy,
matplotlib, ipykernel, nbclient, ...) are this environment's site-packages, made visible
by a ``.pth`` file. That folder holds no ``ngopt_course`` (the editable install is a
finder module that only this environment's own ``.pth`` files activate; a ``.pth`` line
does not process the folder's ``.pth`` files): the test checks it.

``NGOPT_WHEEL_NOTEBOOKS=all`` runs every notebook instead of 02 and 03 (notebook 01
then writes its 420 MB set into a temporary cache). Every test here is marked
``notebooks`` (see pyproject.toml): ``pytest -m "not notebooks"`` leaves them out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from ngopt_course.data import LONDON_CSV, london_temperatures

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = (
    sorted((ROOT / "notebooks").glob("*.ipynb"))
    if os.environ.get("NGOPT_WHEEL_NOTEBOOKS") == "all"
    else [ROOT / "notebooks" / "02_exponentially_weighted_averages.ipynb",
          ROOT / "notebooks" / "03_bias_correction.ipynb"]
)
# Variables that would let the new environment see the work tree or change what it runs.
_DROPPED_ENV = ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "MPLBACKEND", "NGOPT_CACHE",
                "JUPYTER_PATH", "JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "IPYTHONDIR")

pytestmark = [pytest.mark.timeout(900), pytest.mark.notebooks]


def _run(args, **kwargs):
    out = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert out.returncode == 0, f"{args} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


def _setuptools_version():
    return tuple(int(part) for part in metadata.version("setuptools").split(".")[:2])


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    assert _setuptools_version() >= (77, 0), (
        f"setuptools {metadata.version('setuptools')} cannot build the wheel (SPDX license needs >= 77): "
        'install the test extra, pip install -e ".[test]"'
    )
    src = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, src / name)
    shutil.copytree(ROOT / "ngopt_course", src / "ngopt_course",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(ROOT / "notebooks", src / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "--disable-pip-version-check", "-q", "-w", dist, src])
    wheels = list(dist.glob("ngopt_course-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory):
    """A fresh environment outside the repository with the wheel installed; returns its facts."""
    home = tmp_path_factory.mktemp("outside")
    assert ROOT not in home.parents
    folder = home / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", folder])
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
          "--disable-pip-version-check", "-q", wheel])
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]).stdout.strip())
    # This environment's dependency folders, never the work tree itself.
    deps = sorted({Path(sysconfig.get_path(key)) for key in ("purelib", "platlib")})
    (site / "ngopt_course_test_dependencies.pth").write_text("".join(f"{d}\n" for d in deps))
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}",
        XDG_CACHE_HOME=str(home / "cache"),      # large_dataset's default folder for an install
        MPLCONFIGDIR=str(home / "mpl"),
        JUPYTER_DATA_DIR=str(home / "jupyter-data"),   # no kernelspec from the user's folders
        JUPYTER_CONFIG_DIR=str(home / "jupyter-config"),
        IPYTHONDIR=str(home / "ipython"),
    )
    return {"home": home, "python": python, "site": site, "deps": deps, "env": env, "wheel": wheel}


def zf_entry_points(wheel):
    with zipfile.ZipFile(wheel) as zf:
        return zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/entry_points.txt"))).decode()


def _package_files(site):
    """The installed package's files but bytecode: nothing may be added or changed there."""
    return {str(p.relative_to(site)): p.read_bytes() for p in (site / "ngopt_course").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts}


def test_the_wheel_holds_the_package_its_data_and_its_licence(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert zf.read("ngopt_course/package_data/london_temperatures.csv") == (ROOT / "data" / "london_temperatures.csv").read_bytes()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = zf.read(info).decode()
        licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
        assert zf.read(licence) == (ROOT / "LICENSE").read_bytes()
    assert "License-Expression: MIT" in meta and "License-File: LICENSE" in meta
    assert "Classifier: Programming Language :: Python :: 3.11" in meta
    assert "Provides-Extra: test" in meta and "Provides-Extra: docs" in meta
    tops = {n.split("/")[0] for n in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"ngopt_course"}, tops   # no tests/, data/, notebooks/
    # The course travels inside the package: every notebook, byte for byte (mapped from
    # notebooks/ at build time, so there is no second copy to drift).
    course = sorted(n for n in names if n.startswith("ngopt_course/course/"))
    assert course == [f"ngopt_course/course/{p.name}" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    with zipfile.ZipFile(wheel) as zf:
        for name in course:
            assert zf.read(name) == (ROOT / "notebooks" / name.rsplit("/", 1)[1]).read_bytes(), name
    scripts = zf_entry_points(wheel)
    assert "ngopt-course = ngopt_course.editions:main" in scripts
    assert "ngopt-learner-edition = ngopt_course.editions:main" in scripts     # the old name, kept
    modules = {n for n in names if n.endswith(".py")}
    assert {f"ngopt_course/{p.relative_to(ROOT / 'ngopt_course').as_posix()}"
            for p in (ROOT / "ngopt_course").rglob("*.py")} == modules


def test_the_new_environment_cannot_see_the_work_tree(venv):
    for folder in venv["deps"]:
        assert not (folder / "ngopt_course").exists(), f"{folder} holds a copy of the package"
        assert folder != ROOT and folder != ROOT / "ngopt_course"
    code = "import json, sys; print(json.dumps(sys.path))"
    path = json.loads(_run([venv["python"], "-c", code], env=venv["env"], cwd=venv["home"]).stdout)
    assert str(ROOT) not in path and str(ROOT / "ngopt_course") not in path
    inside = [p for p in path if p and Path(p).resolve().is_relative_to(ROOT)]
    assert {Path(p).resolve() for p in inside} <= {d.resolve() for d in venv["deps"]}, inside


def test_london_temperatures_and_the_cache_from_the_installed_wheel(venv):
    code = textwrap.dedent("""
        import json, sys
        import ngopt_course
        from ngopt_course import data
        days, temps = ngopt_course.london_temperatures()
        _, celsius = ngopt_course.london_temperatures(unit="C")
        print(json.dumps({
            "file": ngopt_course.__file__, "csv": str(data.LONDON_CSV), "checkout": data.checkout_london_csvs(),
            "days": days.tolist(), "F": temps.tolist(), "C": celsius.tolist(),
            "cache": str(data.default_cache_dir()), "large_m": data.large_m(),
        }))
    """)
    got = json.loads(_run([venv["python"], "-c", code], env=venv["env"], cwd=venv["home"]).stdout)
    site = venv["site"]
    assert Path(got["file"]) == site / "ngopt_course" / "__init__.py"              # the wheel's install
    assert Path(got["csv"]) == site / "ngopt_course" / "package_data" / "london_temperatures.csv"
    assert got["checkout"] is None
    days, f = london_temperatures()
    _, c = london_temperatures(unit="C")
    np.testing.assert_array_equal(got["days"], days)
    np.testing.assert_array_equal(got["F"], f)                                   # the same numbers, exactly
    np.testing.assert_array_equal(got["C"], c)
    assert got["F"][0] == pytest.approx(41.51) and len(got["F"]) == 365
    assert Path(got["cache"]) == venv["home"] / "cache" / "ngopt_course"          # the user's cache, not site-packages
    assert got["large_m"] in (5_000_000, 500_000)


def test_the_data_command_line_never_writes_into_the_install(venv):
    before = _package_files(venv["site"])
    cmd = [venv["python"], "-m", "ngopt_course.make_data", "--write-london"]
    refused = subprocess.run([str(a) for a in cmd], capture_output=True, text=True, env=venv["env"], cwd=venv["home"])
    assert refused.returncode == 2
    assert "--write-london needs a PATH here" in refused.stderr, refused.stderr
    target = venv["home"] / "mine" / "london.csv"
    _run([*cmd, target], env=venv["env"], cwd=venv["home"])
    assert target.read_bytes() == LONDON_CSV.read_bytes()
    assert _package_files(venv["site"]) == before


_RUNNER = textwrap.dedent("""
    import sys
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    for name in sys.argv[1:]:
        path = Path(name)
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
        nbformat.write(nb, path)
""")
_WHERE = 'import sys, ngopt_course\nprint("NGOPT-WHERE", sys.executable, ngopt_course.__file__)'


def _script(venv, name):
    return venv["python"].parent / (f"{name}.exe" if os.name == "nt" else name)


def test_the_learner_edition_from_the_wheel_runs_and_its_progress_is_read(venv):
    """No checkout: the console script writes the course the wheel carries, in any folder."""
    course = venv["home"] / "my-course"
    before = _package_files(venv["site"])
    out = _run([_script(venv, "ngopt-course"), "learner", "--out", course], env=venv["env"], cwd=venv["home"])
    names = [p.name for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    assert out.stdout.splitlines() == [f"wrote {n}" for n in names] + [
        f"the learner edition of {len(names)} notebook(s) in {course}: {len(names)} written"]
    assert sorted(p.name for p in course.iterdir()) == names
    copies = [course / p.name for p in NOTEBOOKS]
    for path in copies:
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["ngopt_edition"] == "learner"
        nb.cells.append(nbformat.v4.new_code_cell(_WHERE))
        nbformat.write(nb, path)
    (venv["home"] / "run_notebooks.py").write_text(_RUNNER)
    _run([venv["python"], venv["home"] / "run_notebooks.py", *copies], env=venv["env"], cwd=course)
    for path in copies:
        nb = nbformat.read(path, as_version=4)
        outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
        errors = [o for o in outputs if o.output_type == "error" or o.get("name") == "stderr"]
        assert not errors, f"{path.name}: {errors[:2]}"
        assert any("image/png" in o.get("data", {}) for o in outputs), f"{path.name} drew no figure"
        where = nb.cells[-1].outputs[0]["text"].split()
        assert where[0] == "NGOPT-WHERE"
        assert Path(where[1]).parent == venv["python"].parent                     # the new environment's kernel
        assert Path(where[2]) == venv["site"] / "ngopt_course" / "__init__.py"     # the wheel's install
    # The progress summary reads what the checks said when they ran: not done yet.
    progress = _run([_script(venv, "ngopt-course"), "progress"], env=venv["env"], cwd=course).stdout.splitlines()
    run_names = {p.name for p in NOTEBOOKS}
    assert "02_exponentially_weighted_averages.ipynb: 0 of 1 done" in progress
    assert "  \u270e ewa: not done yet" in progress                                  # read from the saved output
    assert ("  \u270e ewa_bias_corrected: not done yet" in progress) == ("03_bias_correction.ipynb" in run_names)
    assert "  \u270e adam_update: not done yet (its check has not run (no saved output))" in progress or \
        "06_adam.ipynb" in run_names
    # Again, as after an update of the course: nothing of the learner's changes.
    worked = {p.name: p.read_bytes() for p in course.iterdir()}
    again = _run([_script(venv, "ngopt-learner-edition"), "--out", course], env=venv["env"], cwd=venv["home"])
    assert {p.name: p.read_bytes() for p in course.iterdir()} == worked
    assert f"kept {NOTEBOOKS[0].name} (you changed it; the course's version is still the one it was written from)" \
        in again.stdout.splitlines()
    assert _package_files(venv["site"]) == before                                  # nothing written there

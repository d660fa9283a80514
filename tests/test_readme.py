"""README's quick start is what CI runs: two commands from a clone, the test one identical to .ci/run's,
the inner loop, and the one command for someone with only the package."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands(text):
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", text, flags=re.S)
    return [line.strip() for block in blocks for line in block.strip().splitlines() if line.strip()]


def _quick_start(subsection):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return section.split(f"### {subsection}", 1)[1].split("\n### ", 1)[0]


def _quick_start_commands():
    """From a clone: the command that opens the course, the one that tests it (then the inner loop)."""
    return _commands(_quick_start("From a clone of this repository"))


def test_quick_start_is_two_commands_then_the_inner_loop():
    commands = _quick_start_commands()
    assert len(commands) == 3, commands
    # a learner opens the learner edition (exercises to write), not the solutions
    assert commands[0].endswith("ngopt-course start my-course")
    assert "pytest" in commands[1] and "-m" not in commands[1].split("pytest", 1)[1]   # CI: everything
    assert commands[2] == '.venv/bin/python -m pytest -m "not notebooks and not slow" -n auto'


def test_the_inner_loop_leaves_out_markers_that_exist():
    import tomllib

    markers = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]["markers"]
    names = {m.split(":", 1)[0] for m in markers}
    assert {"notebooks", "slow"} <= names


def test_without_a_clone_the_package_starts_the_course():
    import tomllib

    [command] = _commands(_quick_start("With only the package (no clone)"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert f"pip install jupyterlab ngopt_course-{version}-py3-none-any.whl" in command
    assert command.endswith("ngopt/bin/ngopt-course start my-course")
    assert scripts["ngopt-course"] == "ngopt_course.editions:main"
    assert "notebooks/" not in command      # nothing from a checkout


def test_ci_runs_the_readme_test_command():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert _quick_start_commands()[1] in ci_lines


TEST_TOOLS = {"pytest", "nbval", "nbformat", "nbclient", "hypothesis", "pytest-timeout", "pytest-xdist",
              "playwright"}


def _requirement_names(lines):
    names = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.append(re.split(r"[<>=!~;\[ ]", line, maxsplit=1)[0].lower())
    return names


def test_learners_install_only_what_the_course_needs():
    lines = (ROOT / "requirements.txt").read_text().splitlines()
    names = _requirement_names(lines)
    assert "jupyterlab" in names and "-e ." in [line.strip() for line in lines]
    assert not TEST_TOOLS & set(names), f"test tools in requirements.txt: {sorted(TEST_TOOLS & set(names))}"


def test_the_test_command_installs_the_test_tools():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert TEST_TOOLS <= set(_requirement_names(extras["test"]))
    assert {"sphinx", "myst-nb", "sphinx-book-theme"} <= set(_requirement_names(extras["docs"]))
    install = _quick_start_commands()[1].split("&&")[1]
    assert '-e ".[test,docs]"' in install and "-r requirements.txt" in install

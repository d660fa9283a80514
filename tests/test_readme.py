"""README's quick start is what CI runs: two commands, the test one identical to .ci/run's."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", section, flags=re.S)
    return [line.strip() for block in blocks for line in block.strip().splitlines() if line.strip()]


def test_quick_start_is_exactly_two_commands():
    commands = _quick_start_commands()
    assert len(commands) == 2, commands
    assert "jupyter lab" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert _quick_start_commands()[1] in ci_lines


TEST_TOOLS = {"pytest", "nbval", "nbformat", "nbclient", "hypothesis", "pytest-timeout", "playwright"}


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

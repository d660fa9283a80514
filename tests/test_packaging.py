"""Licence, citation and package metadata agree with each other and with what the tests cover."""

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def test_licence_is_mit_in_spdx_form_with_its_file():
    assert PROJECT["license"] == "MIT"                       # SPDX expression, not the deprecated table
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 ngopt-course authors\n")
    assert "Permission is hereby granted, free of charge" in text and 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])   # PEP 639: not both
    # setuptools reads license = "MIT" and license-files from 77 on
    assert PYPROJECT["build-system"]["requires"] == ["setuptools>=77"]


def test_python_classifiers_match_requires_python():
    versions = sorted(c.rsplit(" ", 1)[1] for c in PROJECT["classifiers"]
                      if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c))
    assert versions == ["3.10", "3.11", "3.12"]
    assert PROJECT["requires-python"] == ">=3.10"


def test_no_placeholder_urls_in_the_package_metadata():
    # The course has no public address yet; README says who adds [project.urls].
    assert "urls" not in PROJECT


def test_citation_file_is_cff_1_2_0_and_matches_the_package():
    yaml = pytest.importorskip("yaml")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= cff.keys()        # CFF 1.2.0's required keys
    assert cff["type"] == "software" and cff["license"] == PROJECT["license"]
    assert cff["version"] == PROJECT["version"]
    assert cff["authors"] == [{"name": "ngopt-course authors"}]
    for reference in cff["references"]:
        assert {"type", "title", "authors"} <= reference.keys()


def test_changelog_keeps_unreleased_and_the_current_version():
    text = (ROOT / "CHANGELOG.md").read_text()
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.M)
    assert headings[0] == "Unreleased" and PROJECT["version"] in headings
    assert re.search(rf"^## \[{re.escape(PROJECT['version'])}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, flags=re.M)
    assert "keepachangelog.com" in text


# ---------------------------------------------------------------------------
# What the wheel holds: every folder of the package, every data file, the course
# ---------------------------------------------------------------------------

SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_folder_of_the_package_is_listed_so_the_wheel_carries_it():
    # The packages are listed by name (the course's notebooks/ is mapped in as
    # ngopt_course.course, which automatic discovery cannot do): a new folder must be added.
    folders = {".".join(p.relative_to(ROOT).parts) for p in (ROOT / "ngopt_course").rglob("*")
               if p.is_dir() and p.name != "__pycache__" and any(f.is_file() for f in p.iterdir())}
    folders.add("ngopt_course")
    assert set(SETUPTOOLS["packages"]) == folders | {"ngopt_course.course"}, (
        "add the new folder to [tool.setuptools] packages in pyproject.toml")
    assert SETUPTOOLS["package-dir"] == {"ngopt_course.course": "notebooks"}


def test_every_data_file_of_the_package_matches_a_package_data_pattern():
    patterns = SETUPTOOLS["package-data"]
    unmatched = []
    for path in (ROOT / "ngopt_course").rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        package = ".".join(path.parent.relative_to(ROOT).parts)
        owners = {name: globs for name, globs in patterns.items() if package.startswith(name)}
        relative = {name: path.relative_to(ROOT / Path(*name.split("."))).as_posix() for name in owners}
        if not any(Path(relative[name]).match(glob) for name, globs in owners.items() for glob in globs):
            unmatched.append(str(path.relative_to(ROOT)))
    assert not unmatched, f"files a wheel would leave out (add them to package-data): {unmatched}"
    assert patterns["ngopt_course.course"] == ["*.ipynb"]

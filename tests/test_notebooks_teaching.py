"""The learner's path through each notebook stays short and uncluttered.

- The core path (every markdown cell outside a section whose heading says "Optional")
  stays under 1,600 words of markdown: one idea per section, short paragraphs.
- CI asserts live in their own check cells (tagged ``check``, source collapsed); no other
  code cell ends in a block of asserts.
- Optional sections are collapsed and say what they need.
"""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
ids = [p.name for p in NOTEBOOKS]
MAX_CORE_WORDS = 1600
HEADING = re.compile(r"^\s*(#+)\s")


def _cells(path):
    return json.loads(path.read_text())["cells"]


def _source(cell):
    return "".join(cell["source"])


def core_markdown_words(cells):
    """Words of markdown outside sections whose heading contains "Optional".

    An optional section runs from its heading to the next heading of the same or a higher
    level (fewer #) that is not optional itself.
    """
    words, optional_level = 0, None
    for cell in cells:
        if cell["cell_type"] != "markdown":
            continue
        for line in _source(cell).split("\n"):
            heading = HEADING.match(line)
            if heading:
                level = len(heading.group(1))
                if "optional" in line.lower():
                    optional_level = level if optional_level is None else min(optional_level, level)
                elif optional_level is not None and level <= optional_level:
                    optional_level = None
            if optional_level is None:
                words += len(line.split())
    return words


def _is_assert(node):
    if isinstance(node, ast.Assert):
        return True
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        return "assert" in ast.unparse(node.value.func)
    if isinstance(node, (ast.For, ast.If)):
        return all(_is_assert(n) for n in node.body + node.orelse)
    return False


def ends_in_asserts(source):
    try:
        body = ast.parse(source).body
    except SyntaxError:        # IPython magics: not a teaching cell of this course
        return False
    return bool(body) and _is_assert(body[-1])


def is_check_cell(cell):
    return "check" in cell.get("metadata", {}).get("tags", [])


def test_word_counter_by_hand():
    cells = [
        {"cell_type": "markdown", "source": ["# Title\n", "one two three"]},
        {"cell_type": "code", "source": ["x = 1  # code is not counted"]},
        {"cell_type": "markdown", "source": ["## Optional: extra\n", "four five six seven"]},
        {"cell_type": "markdown", "source": ["### deeper, still optional\n", "eight"]},
        {"cell_type": "markdown", "source": ["## Back\n", "nine ten"]},
    ]
    assert core_markdown_words(cells) == 2 + 3 + 2 + 2     # "# Title", 3 words, "## Back", 2 words


def test_assert_detector_by_hand():
    assert ends_in_asserts("x = 1\nassert x == 1")
    assert ends_in_asserts("x = 1\nnp.testing.assert_allclose(x, 1)")
    assert ends_in_asserts("for k in range(3):\n    assert k < 3")
    assert not ends_in_asserts("assert True\nprint('done')")
    assert not ends_in_asserts("plt.show()")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_core_path_is_short(path):
    words = core_markdown_words(_cells(path))
    assert words < MAX_CORE_WORDS, (
        f"{path.name}: {words} words of markdown on the core path (limit {MAX_CORE_WORDS}); "
        "shorten it or mark material beyond the lecture Optional"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_teaching_cell_ends_in_asserts(path):
    bad = [i for i, cell in enumerate(_cells(path))
           if cell["cell_type"] == "code" and not is_check_cell(cell) and ends_in_asserts(_source(cell))]
    assert not bad, f"{path.name}: code cells {bad} end in asserts; move them to a check cell"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_check_cells_are_collapsed(path):
    open_ = [i for i, cell in enumerate(_cells(path)) if cell["cell_type"] == "code" and is_check_cell(cell)
             and not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")]
    assert not open_, f"{path.name}: check cells {open_} are not collapsed (metadata jupyter.source_hidden)"


def optional_sections(cells):
    """(heading cell index, [indices of the cells in its section]) for every Optional section."""
    sections, current, level = [], None, None
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for line in _source(cell).split("\n"):
                heading = HEADING.match(line)
                if not heading:
                    continue
                depth = len(heading.group(1))
                if "optional" in line.lower() and current is None:
                    current, level = (i, []), depth
                    sections.append(current)
                elif current is not None and "optional" not in line.lower() and depth <= level:
                    current = None
        if current is not None and i != current[0]:
            current[1].append(i)
    return sections


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_optional_sections_say_what_they_need_and_start_collapsed(path):
    cells = _cells(path)
    for head, members in optional_sections(cells):
        cell = cells[head]
        assert "you will need" in _source(cell).lower(), f"{path.name} cell {head}: say what the Optional part needs"
        heading_collapsed = cell.get("metadata", {}).get("jp-MarkdownHeadingCollapsed") is True
        # a section with a widget keeps its heading open (a collapsed widget cannot be used),
        # and collapses the source of its code cells instead
        code = [cells[i] for i in members if cells[i]["cell_type"] == "code"]
        sources_hidden = bool(code) and all(c.get("metadata", {}).get("jupyter", {}).get("source_hidden") for c in code)
        assert heading_collapsed or sources_hidden, f"{path.name} cell {head}: an Optional section starts collapsed"

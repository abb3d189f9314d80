"""docs/reading-the-engine.md stays true: the files it names exist, each within its budget.

A stop is a heading ``## N. title: `src/...py` (budget B)``; B counts lines of code (blank
lines, comments and docstrings left out). The whole path stays within 1,500 such lines.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reading-the-engine.md"
STOP = re.compile(r"^## \d+\. [^:]+: `(?P<path>src/[^`]+\.py)` \(budget (?P<budget>\d+)\)$", re.M)
PATH_BUDGET = 1500


def code_lines(source: str) -> int:
    """Lines that are neither blank, nor a comment, nor part of a docstring."""
    tree = ast.parse(source)
    doc_lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                if isinstance(first.value.value, str):
                    doc_lines.update(range(first.lineno, first.end_lineno + 1))
    return sum(
        1
        for i, line in enumerate(source.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#") and i not in doc_lines
    )


def stops() -> list[tuple[str, int]]:
    return [(m["path"], int(m["budget"])) for m in STOP.finditer(DOC.read_text(encoding="utf-8"))]


def test_code_lines_skips_docstrings_comments_and_blanks() -> None:
    source = (
        '"""Module doc."""\n\n# a comment\ndef f(x):\n    """Doc\n    more."""\n    return x  # trailing\n'
    )
    assert code_lines(source) == 2


def test_the_path_has_six_stops_within_the_total_budget() -> None:
    found = stops()
    assert len(found) == 6, found
    assert sum(budget for _, budget in found) <= PATH_BUDGET


@pytest.mark.parametrize("path,budget", stops(), ids=[p for p, _ in stops()])
def test_each_stop_exists_and_fits_its_budget(path: str, budget: int) -> None:
    file = ROOT / path
    assert file.is_file(), f"{path} is named in {DOC.name} but does not exist"
    n = code_lines(file.read_text(encoding="utf-8"))
    assert n <= budget, f"{path} has {n} lines of code; {DOC.name} gives it {budget}"

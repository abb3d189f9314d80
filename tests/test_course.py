"""The course's form: exercises are blanks in the chapters, their solutions pass, the map is complete."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from learntorch.course import (
    build_map,
    check,
    check_close,
    exercise_cells,
    read_solutions,
    solutions_path,
    solve,
)

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
CHAPTERS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
WITH_EXERCISES = [c for c in CHAPTERS if exercise_cells(json.loads(c.read_text()))]


def _text(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append("".join(o["text"]))
        elif "data" in o:
            out.append("".join(o["data"].get("text/plain", "")))
        elif o.get("output_type") == "error":
            out.append(f"{o['ename']}: {o['evalue']}")
    return "".join(out)


def test_check_blank_wrong_right_and_raising(capsys):
    assert not check("a", ..., lambda a: a == 1)
    assert "✎ a: not yet" in capsys.readouterr().out
    assert not check("a", 2, lambda a: a == 1, hint="one")
    assert capsys.readouterr().out == "✘ a: not yet. hint: one\n"
    assert check("a", 1, lambda a: a == 1)
    assert capsys.readouterr().out == "✔ a: correct\n"
    assert not check("a", "x", lambda a: a.shape)
    assert "AttributeError" in capsys.readouterr().out
    assert not check("a", 1, lambda a: ... + 1)  # a blank left inside the student's code
    assert "A ... is still left" in capsys.readouterr().out


def test_check_close_says_what_differs(capsys):
    import learntorch as torch

    assert not check_close("v", torch.tensor([1.0, 2.0]), [1.0, 2.5])
    assert "largest difference 0.5" in capsys.readouterr().out
    assert not check_close("v", torch.ones(2, 3), torch.ones(3, 2))
    assert "shape (2, 3), expected (3, 2)" in capsys.readouterr().out


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_every_exercise_has_a_solution_and_ships_blank(chapter):
    nb = json.loads(chapter.read_text())
    cells = exercise_cells(nb)
    assert cells, f"{chapter.name} has no exercise cell (tag a code cell 'exercise:1')"
    sols = read_solutions(solutions_path(chapter))
    assert set(cells) == set(sols), f"exercise cells {sorted(cells)} vs solutions {sorted(sols)}"
    for tag, i in cells.items():
        assert "..." in "".join(nb["cells"][i]["source"]), f"{tag} ships without a blank"
        shown = _text(nb["cells"][i + 1])
        assert "not yet" in shown and "✔" not in shown, f"{tag}: the stored check output is {shown!r}"


@pytest.mark.parametrize("chapter", WITH_EXERCISES, ids=lambda p: p.stem)
def test_solutions_pass_their_checks(chapter, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    solved = nbformat.reads(json.dumps(solve(chapter)), as_version=4)
    nbclient.NotebookClient(
        solved, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(chapter.parent)}}
    ).execute()
    for tag, i in exercise_cells(solved).items():
        shown = _text(solved["cells"][i + 1])
        assert "✔" in shown and "not yet" not in shown, f"{tag} solution: {shown!r}"


def test_map_is_current_and_complete():
    built = build_map(NOTEBOOKS)
    stored = json.loads((NOTEBOOKS / "map.json").read_text())
    assert stored == built, "notebooks/map.json is stale: run `python3 dev.py map`"
    assert built["missing"] == [], f"sections of the notes without a chapter: {built['missing']}"

"""The course's notebooks as data: exercises with their solutions, and the map of sections.

A chapter (``notebooks/NN_topic.ipynb``) is what a student opens. Each exercise is a
code cell tagged ``exercise:K`` holding a blank (``...``); the cell after it checks the
answer. The solutions live apart, in ``notebooks/solutions/NN_topic.py``, one block per
exercise, each opened by a ``# %% exercise:K`` line::

    # %% exercise:1
    answer = torch.arange(3).expand(4, 3)

``solve`` returns the chapter with every exercise cell replaced by its solution (what a
teacher hands out afterwards, and what the tests run to prove each solution passes).

A markdown cell that is the home of sections of the notes lists their ids (from
``notebooks/sections.json``) in its metadata: ``{"learntorch": {"sections": ["002.2"]}}``.
``build_map`` collects them into ``notebooks/map.json``.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

__all__ = ["exercise_cells", "read_solutions", "solve", "build_map", "SOLUTION_MARK"]

SOLUTION_MARK = re.compile(r"^# %% (exercise:\S+)\s*$", re.M)


def _tags(cell: dict[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_cells(nb: dict[str, Any]) -> dict[str, int]:
    """``{"exercise:K": cell index}`` for every exercise cell of a notebook (as JSON)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(nb["cells"]):
        for tag in _tags(cell):
            if tag.startswith("exercise:"):
                if tag in found:
                    raise ValueError(f"two cells are tagged {tag!r} (cells {found[tag]} and {i})")
                found[tag] = i
    return found


def read_solutions(path: str | Path) -> dict[str, str]:
    """Parse a solutions file into ``{"exercise:K": source}``.

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "s.py")
    >>> _ = open(p, "w").write("import x\\n# %% exercise:1\\na = 1\\n\\n# %% exercise:2\\nb = 2\\n")
    >>> read_solutions(p)
    {'exercise:1': 'a = 1', 'exercise:2': 'b = 2'}
    """
    text = Path(path).read_text(encoding="utf-8")
    parts = SOLUTION_MARK.split(text)
    # parts = [preamble, tag1, body1, tag2, body2, ...]
    out: dict[str, str] = {}
    for tag, body in zip(parts[1::2], parts[2::2]):
        if tag in out:
            raise ValueError(f"{path}: {tag} appears twice")
        out[tag] = body.strip("\n")
    return out


def solutions_path(chapter: str | Path) -> Path:
    """Where the solutions of ``notebooks/NN_topic.ipynb`` live: ``notebooks/solutions/NN_topic.py``."""
    chapter = Path(chapter)
    return chapter.parent / "solutions" / (chapter.stem + ".py")


def solve(chapter: str | Path, solutions: str | Path | None = None) -> dict[str, Any]:
    """The chapter's notebook (JSON dict) with every exercise cell holding its solution.

    Outputs of the replaced cells and of the check cells after them are cleared, so
    the result is ready to run. Raises ``ValueError`` when an exercise has no solution
    or a solution has no exercise.
    """
    nb = json.loads(Path(chapter).read_text(encoding="utf-8"))
    sols = read_solutions(solutions or solutions_path(chapter))
    cells = exercise_cells(nb)
    missing, extra = sorted(set(cells) - set(sols)), sorted(set(sols) - set(cells))
    if missing or extra:
        raise ValueError(
            f"{chapter}: exercises without a solution {missing}; solutions without an exercise {extra}"
        )
    solved = copy.deepcopy(nb)
    for tag, i in cells.items():
        cell = solved["cells"][i]
        cell["source"] = sols[tag]
        for j in (i, i + 1):
            if j < len(solved["cells"]) and solved["cells"][j]["cell_type"] == "code":
                solved["cells"][j]["outputs"] = []
                solved["cells"][j]["execution_count"] = None
    return solved


def build_map(folder: str | Path) -> dict[str, Any]:
    """Collect every chapter cell's ``learntorch.sections`` into one map.

    Returns ``{"sections": {id: {"title", "note", "chapter", "cell", "heading"}}, "missing": [ids]}``,
    in the order of ``sections.json``; a section claimed by two cells keeps the first.
    """
    folder = Path(folder)
    index = json.loads((folder / "sections.json").read_text(encoding="utf-8"))["sections"]
    known = {s["id"]: s for s in index}
    homes: dict[str, dict[str, Any]] = {}
    for chapter in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(chapter.read_text(encoding="utf-8"))
        for i, cell in enumerate(nb["cells"]):
            for sid in cell.get("metadata", {}).get("learntorch", {}).get("sections", []):
                if sid not in known:
                    raise ValueError(f"{chapter.name} cell {i} names unknown section {sid!r}")
                src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                heading = next((ln.lstrip("# ").strip() for ln in src.splitlines() if ln.startswith("#")), "")
                homes.setdefault(sid, {"chapter": chapter.name, "cell": i, "heading": heading})
    sections = {
        s["id"]: {"title": s["title"], "note": s["note"], **homes[s["id"]]} for s in index if s["id"] in homes
    }
    return {"sections": sections, "missing": [s["id"] for s in index if s["id"] not in homes]}

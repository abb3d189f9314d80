"""The course's helpers: self-checking exercises, and the chapters as data.

In a chapter: ``from learntorch.course import check, check_close``. Teachers and the
tests use ``solve`` (a chapter with its solutions filled in) and ``build_map``
(which chapter cell is the home of each section of the notes).
"""

from __future__ import annotations

from .checks import Verdict, check, check_close, is_blank
from .notebooks import build_map, exercise_cells, read_solutions, solutions_path, solve

__all__ = [
    "Verdict",
    "check",
    "check_close",
    "is_blank",
    "build_map",
    "exercise_cells",
    "read_solutions",
    "solutions_path",
    "solve",
]

"""The shape of the code base itself: line budget, no star imports, one-way dependencies.

The source files are read as text and parsed (nothing is imported), so a deferred
``import`` inside a function counts exactly like one at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "learntorch"
LINE_BUDGET = 500

# Files still over the budget; the list may only shrink (a stale entry fails too).
STILL_OVER: set[str] = set()

# The core: what a tensor is, how gradients flow, the primitive ops.
CORE = [
    "tensor.py",
    "_tensor_base.py",
    "dtypes.py",
    "backend.py",
    "_numerics.py",
    "errors.py",
    "autograd",
    "ops",
]
FORBIDDEN_FROM_CORE = ("learntorch.nn", "learntorch.viz", "learntorch.widgets", "matplotlib", "ipywidgets")


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _rel(path: Path) -> str:
    return path.relative_to(SRC).as_posix()


def _line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, root: Path = SRC) -> set[str]:
    """Every module a file imports, anywhere in it, with relative imports made absolute."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            found.add(stem)
            found.update(f"{stem}.{alias.name}" for alias in node.names)
    return found


def test_imported_modules_resolves_relative_and_deferred_imports(tmp_path: Path) -> None:
    pkg = tmp_path / "learntorch" / "ops"
    pkg.mkdir(parents=True)
    demo = pkg / "demo.py"
    demo.write_text("from ..nn import functional\n\ndef f():\n    import matplotlib.pyplot as plt\n")
    found = imported_modules(demo, root=tmp_path)
    assert "learntorch.nn.functional" in found
    assert "matplotlib.pyplot" in found


def test_no_file_over_line_budget() -> None:
    over = {_rel(p): _line_count(p) for p in _sources() if _line_count(p) > LINE_BUDGET}
    unexpected = {name: n for name, n in over.items() if name not in STILL_OVER}
    assert not unexpected, f"files over {LINE_BUDGET} lines: {unexpected}"
    stale = STILL_OVER - set(over)
    assert not stale, f"now within budget, drop from STILL_OVER: {sorted(stale)}"


def test_no_star_imports() -> None:
    offenders = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                offenders.append(f"{_rel(path)}:{node.lineno}")
    assert not offenders, offenders


def _core_files() -> list[Path]:
    files: list[Path] = []
    for entry in CORE:
        path = PACKAGE / entry
        if path.is_dir():
            files.extend(sorted(path.rglob("*.py")))
        elif path.exists():
            files.append(path)
    return files


def test_core_is_what_we_think() -> None:
    names = {_rel(p) for p in _core_files()}
    assert {"learntorch/tensor.py", "learntorch/autograd/engine.py", "learntorch/ops/__init__.py"} <= names


@pytest.mark.parametrize("path", _core_files(), ids=_rel)
def test_core_imports_nothing_above_it(path: Path) -> None:
    bad = sorted(
        m for m in imported_modules(path) if any(m == f or m.startswith(f + ".") for f in FORBIDDEN_FROM_CORE)
    )
    assert not bad, f"{_rel(path)} imports {bad}"

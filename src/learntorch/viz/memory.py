"""Draw how tensors sit in memory: storage, shape, strides, offset, sharing.

A tensor is a *view* of a one-dimensional block of memory (its storage): element
``x[i, j]`` lives at cell ``offset + i * stride[0] + j * stride[1]``. Several
tensors can look into the same storage with different shapes and strides, which
is why ``view``, ``t()`` and ``expand`` cost nothing and why changing one changes
the others. ``viz.memory`` shows this (note 002):

* the cells of each storage, with their values;
* for each tensor, which cells it reads, marked with the (row-major) number of
  the element that reads it, ``#0``, ``#1``, ... (so a transpose shows its jumps),
  or how often (``x4``: ``expand`` reads a cell several times through a stride of 0);
* each tensor's logical grid, every element labelled with its storage cell.

Pass the tensors to compare; their names are found in the caller's variables
(or give them as keywords).

>>> import learntorch as torch
>>> from learntorch import viz
>>> x = torch.arange(6.).view(2, 3)
>>> y = x.t()
>>> z = y.reshape(6)  # y is not contiguous: reshape must copy
>>> m = viz.memory(x, y, z)
>>> print(m)
storage A: 6 x float32 (24 bytes) = [0, 1, 2, 3, 4, 5]
  x  shape [2, 3]  stride (3, 1)  offset 0  contiguous      cells 0..5
  y  shape [3, 2]  stride (1, 3)  offset 0  not contiguous  cells 0..5  (shares storage A with x)
storage B: 6 x float32 (24 bytes) = [0, 3, 1, 4, 2, 5]
  z  shape [6]     stride (1,)    offset 0  contiguous      cells 0..5  (own storage: a copy)
>>> m.shares("x", "y"), m.shares("y", "z")
(True, False)
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._svg import Svg

__all__ = ["MemoryPicture", "memory"]

PALETTE = ["#4c8bf5", "#f08c2e", "#3aa45b", "#c94fc9", "#d9534f", "#17a2b8", "#8c6d31", "#6c757d"]
CELL_W, CELL_H = 38.0, 24.0
MAX_CELLS = 40
MAX_GRID = 10


@dataclass
class _TensorInfo:
    name: str
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int
    contiguous: bool
    storage: str
    cells: np.ndarray  # storage cell of every element, shaped like the tensor
    values: np.ndarray
    color: str


@dataclass
class _StorageInfo:
    label: str
    ptr: int
    numel: int
    nbytes: int
    dtype: str
    values: np.ndarray  # in memory order


def _fmt(v: Any) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "T" if v else "F"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    if f == int(f) and abs(f) < 1e6:
        return str(int(f))
    return f"{f:.3g}"


def _host(a: Any) -> np.ndarray:
    return a if isinstance(a, np.ndarray) else a.get()


def _storage_values(t: Any) -> np.ndarray:
    from ..tensor import _storage_root  # noqa: PLC0415

    root = _host(_storage_root(t._data))
    flat = np.ravel(root, order="K")  # the owning array's memory order
    return flat


def _caller_names(objs: tuple, depth: int = 2) -> list[str | None]:
    frame = inspect.currentframe()
    try:
        for _ in range(depth):
            frame = frame.f_back if frame is not None else None
        scope = {} if frame is None else {**frame.f_globals, **frame.f_locals}
    finally:
        del frame
    out: list[str | None] = []
    for o in objs:
        found = [k for k, v in scope.items() if v is o and not k.startswith("_")]
        out.append(found[0] if found else None)
    return out


class MemoryPicture:
    """What :func:`memory` returns: prints as text, shows as SVG."""

    def __init__(self, tensors: list[tuple[str, Any]]) -> None:
        self.storages: dict[int, _StorageInfo] = {}
        self.tensors: list[_TensorInfo] = []
        for i, (name, t) in enumerate(tensors):
            st = t.untyped_storage()
            ptr = st.data_ptr()
            item = t.element_size()
            if ptr not in self.storages:
                label = (
                    chr(ord("A") + len(self.storages))
                    if len(self.storages) < 26
                    else f"S{len(self.storages)}"
                )
                vals = _storage_values(t)
                self.storages[ptr] = _StorageInfo(
                    label, ptr, st.nbytes() // item, st.nbytes(), str(t.dtype).replace("torch.", ""), vals
                )
            stride = tuple(t.stride())
            offset = t.storage_offset()
            idx = np.indices(tuple(t.shape), dtype=np.int64) if t.ndim else np.zeros((0,), dtype=np.int64)
            cells = np.full(tuple(t.shape), offset, dtype=np.int64)
            for d in range(t.ndim):
                cells = cells + idx[d] * stride[d]
            self.tensors.append(
                _TensorInfo(
                    name,
                    tuple(t.shape),
                    stride,
                    offset,
                    t.is_contiguous(),
                    self.storages[ptr].label,
                    cells,
                    _host(t._data),
                    PALETTE[i % len(PALETTE)],
                )
            )

    # -- content -------------------------------------------------------------------------
    def info(self, name: str) -> _TensorInfo:
        for ti in self.tensors:
            if ti.name == name:
                return ti
        raise KeyError(name)

    def shares(self, a: str, b: str) -> bool:
        """Whether tensors ``a`` and ``b`` look into the same storage."""
        return self.info(a).storage == self.info(b).storage

    def reads(self, name: str) -> dict[int, int]:
        """``{storage cell: how many elements of the tensor read it}``."""
        cells, counts = np.unique(self.info(name).cells, return_counts=True)
        return {int(c): int(n) for c, n in zip(cells, counts)}

    # -- text ----------------------------------------------------------------------------
    def __repr__(self) -> str:
        lines = []
        wn = max(len(t.name) for t in self.tensors)
        ws = max(len(_shape(t.shape)) for t in self.tensors)
        wt = max(len(str(t.stride)) for t in self.tensors)
        first_user: dict[str, str] = {}
        for s in self.storages.values():
            vals = ", ".join(_fmt(v) for v in s.values[:MAX_CELLS])
            more = ", ..." if s.numel > MAX_CELLS else ""
            lines.append(f"storage {s.label}: {s.numel} x {s.dtype} ({s.nbytes} bytes) = [{vals}{more}]")
            for t in self.tensors:
                if t.storage != s.label:
                    continue
                reads = self.reads(t.name)
                cells = sorted(reads)
                span = f"cells {cells[0]}..{cells[-1]}" if cells else "no cells"
                if cells and len(cells) != cells[-1] - cells[0] + 1:
                    span = f"{len(cells)} cells in {cells[0]}..{cells[-1]}"
                rep = max(reads.values(), default=1)
                if rep > 1:
                    span += f", each read up to {rep} times (stride 0)"
                contig = "contiguous" if t.contiguous else "not contiguous"
                row = (
                    f"  {t.name:<{wn}}  shape {_shape(t.shape):<{ws}}  stride {str(t.stride):<{wt}}  "
                    f"offset {t.offset}  {contig:<14}  {span}"
                )
                if s.label in first_user:
                    row += f"  (shares storage {s.label} with {first_user[s.label]})"
                elif len(self.tensors) > 1:
                    if all(o.storage != s.label for o in self.tensors if o is not t):
                        row += "  (own storage: a copy)"
                first_user.setdefault(s.label, t.name)
                lines.append(row.rstrip())
        return "\n".join(lines)

    # -- picture -------------------------------------------------------------------------
    def svg(self) -> str:
        """The picture: storage rows with each tensor's cells, then each tensor's grid."""
        label_w = 12 + 6.6 * max(len(t.name) for t in self.tensors) + 8
        ncell = min(MAX_CELLS, max(s.numel for s in self.storages.values()))
        width = label_w + ncell * CELL_W + 220
        # measure height
        y = 14.0
        blocks = []
        for s in self.storages.values():
            users = [t for t in self.tensors if t.storage == s.label]
            blocks.append((s, users))
            y += 22 + CELL_H + 14 + len(users) * (CELL_H + 6) + 16
        grids = [(t, *_grid(t)) for t in self.tensors]
        grid_h = max(18 + g[1].shape[0] * CELL_H + 36 for g in grids)
        grid_w = sum(10 + g[1].shape[1] * CELL_W + 20 for g in grids)
        width = max(width, grid_w + 20)
        s_ = Svg(width, y + grid_h + 10)
        y = 14.0
        for s, users in blocks:
            shown = min(s.numel, MAX_CELLS)
            s_.text(
                8,
                y + 10,
                f"storage {s.label}: {s.numel} x {s.dtype}, {s.nbytes} bytes",
                anchor="start",
                weight="bold",
            )
            y += 18
            for c in range(shown):
                x = label_w + c * CELL_W
                s_.rect(x, y, CELL_W, CELL_H, fill="#f7f7f7", stroke="#888")
                s_.text(x + CELL_W / 2, y + 16, _fmt(s.values[c]), size=10.5)
                s_.text(x + CELL_W / 2, y + CELL_H + 11, str(c), size=8.5, fill="#888")
            if s.numel > shown:
                s_.text(
                    label_w + shown * CELL_W + 6,
                    y + 16,
                    f"... {s.numel - shown} more",
                    anchor="start",
                    size=10,
                )
            y += CELL_H + 16
            for t in users:
                s_.text(8, y + 16, t.name, anchor="start", weight="bold", fill=t.color)
                reads = self.reads(t.name)
                first: dict[int, int] = {}
                for k, c in enumerate(t.cells.ravel().tolist()):
                    first.setdefault(c, k)
                for c in range(shown):
                    x = label_w + c * CELL_W
                    n = reads.get(c, 0)
                    if n:
                        s_.rect(x + 2, y + 2, CELL_W - 4, CELL_H - 4, fill=t.color, rx=3, title=f"cell {c}")
                        mark = f"x{n}" if n > 1 else f"#{first[c]}"
                        s_.text(x + CELL_W / 2, y + 16, mark, size=9.5, fill="#fff", weight="bold")
                    else:
                        s_.rect(x + 2, y + 2, CELL_W - 4, CELL_H - 4, fill="none", stroke="#ddd", rx=3)
                desc = f"stride {t.stride} off {t.offset}" + ("" if t.contiguous else " (non-contig.)")
                s_.text(label_w + shown * CELL_W + 6, y + 16, desc, anchor="start", size=9, fill="#444")
                y += CELL_H + 6
            y += 16
        x0 = 10.0
        for t, vals, cells, title in grids:
            s_.text(x0, y + 10, f"{t.name} {title}", anchor="start", weight="bold", fill=t.color)
            for i in range(vals.shape[0]):
                for j in range(vals.shape[1]):
                    cx, cy = x0 + j * CELL_W, y + 18 + i * CELL_H
                    s_.rect(cx, cy, CELL_W, CELL_H, fill="#fff", stroke=t.color)
                    s_.text(cx + CELL_W / 2, cy + 12, _fmt(vals[i, j]), size=10)
                    s_.text(cx + CELL_W / 2, cy + 21, f"@{cells[i, j]}", size=7.5, fill="#888")
            x0 += vals.shape[1] * CELL_W + 30
        return s_.render()

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_html_(self) -> str:
        return f'<div style="overflow:auto"><pre>{_html_escape(repr(self))}</pre>{self.svg()}</div>'

    def save(self, path: str) -> None:
        """Write the SVG (``.svg``), HTML (``.html``) or text (anything else)."""
        if path.endswith(".svg"):
            text = self.svg()
        elif path.endswith((".html", ".htm")):
            text = "<!doctype html><meta charset='utf-8'><body>" + self._repr_html_() + "</body>"
        else:
            text = repr(self)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def _html_escape(s: str) -> str:
    from html import escape  # noqa: PLC0415

    return escape(s)


def _shape(shape: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _grid(t: _TensorInfo) -> tuple[np.ndarray, np.ndarray, str]:
    """The tensor as a 2-D grid (leading dims folded into rows), clipped to MAX_GRID."""
    vals, cells = t.values, t.cells
    title = _shape(t.shape)
    if vals.ndim == 0:
        vals, cells = vals.reshape(1, 1), cells.reshape(1, 1)
    elif vals.ndim == 1:
        vals, cells = vals.reshape(1, -1), cells.reshape(1, -1)
    elif vals.ndim > 2:
        title += " (rows = " + " x ".join(str(s) for s in t.shape[:-1]) + ")"
        vals, cells = vals.reshape(-1, vals.shape[-1]), cells.reshape(-1, cells.shape[-1])
    if vals.shape[0] > MAX_GRID or vals.shape[1] > MAX_GRID:
        title += " (corner)"
    return vals[:MAX_GRID, :MAX_GRID], cells[:MAX_GRID, :MAX_GRID], title


def memory(*tensors: Any, **named: Any) -> MemoryPicture:
    """Picture of where ``tensors`` live in memory and which of them share storage.

    Names come from keywords (``memory(a=x, b=x.t())``) or, for positional
    arguments, from the caller's variables (``t0``, ``t1``... when not found).
    """
    if not tensors and not named:
        raise TypeError("memory() needs at least one tensor")
    names = _caller_names(tensors)
    items = [(n or f"t{i}", t) for i, (n, t) in enumerate(zip(names, tensors))]
    items += list(named.items())
    seen: set[str] = set()
    for i, (n, t) in enumerate(items):
        if n in seen:
            items[i] = (f"{n}_{i}", t)
        seen.add(items[i][0])
    return MemoryPicture(items)

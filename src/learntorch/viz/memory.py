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

from ..backend import to_numpy
from ._picture import Picture
from ._svg import Svg, text_width

__all__ = ["MemoryPicture", "memory"]

PALETTE = ["#4c8bf5", "#f08c2e", "#3aa45b", "#c94fc9", "#d9534f", "#17a2b8", "#8c6d31", "#6c757d"]
CELL_W, CELL_H, GRID_H = 40.0, 28.0, 36.0
LABEL, VALUE, MARK, SMALL = 13.0, 12.0, 12.0, 11.0  # font sizes (px)
LINE_H = 16.0
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
    return np.asarray(to_numpy(a))


def _desc(t: _TensorInfo) -> str:
    return f"stride {t.stride} offset {t.offset}" + ("" if t.contiguous else " (not contiguous)")


def _legend_lines() -> list[str]:
    return [
        "grey row: the storage, one flat block of memory; the number under a cell is its index",
        "coloured row: the cells a tensor reads; #k = its element k (row-major order) lives here,",
        "  xN = N of its elements read this one cell (a stride of 0, as expand makes)",
        "element [i, j] lives in cell  offset + i * stride[0] + j * stride[1]",
        "grids: each tensor as you index it; @c under a value = the storage cell it comes from",
        "tensors in the same storage share memory: writing to one changes the others",
    ]


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


class MemoryPicture(Picture):
    """What :func:`memory` returns: prints as text, shows as SVG (PNG when the notebook is untrusted)."""

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
    def drawing(self) -> Svg:
        """Storage rows with each tensor's cells, then each tensor's grid, then the legend."""
        shown_vals = [_fmt(v) for st in self.storages.values() for v in st.values[:MAX_CELLS]]
        shown_vals += [_fmt(v) for t in self.tensors for v in _grid(t)[0].ravel()]
        cell_w = max(CELL_W, max(text_width(v, VALUE) for v in shown_vals) + 12, text_width("x99", MARK) + 12)
        label_w = 12 + text_width(max((t.name for t in self.tensors), key=len), LABEL) + 12
        ncell = min(MAX_CELLS, max(st.numel for st in self.storages.values()))
        descs = {t.name: _desc(t) for t in self.tensors}
        right = (
            max([text_width(d, SMALL) for d in descs.values()] + [text_width("... 9999 more", SMALL)]) + 16
        )
        blocks = [(st, [t for t in self.tensors if t.storage == st.label]) for st in self.storages.values()]
        grids = [(t, *_grid(t)) for t in self.tensors]
        grid_ws = [
            max(vals.shape[1] * cell_w, text_width(f"{t.name} {title}", LABEL)) for t, vals, _, title in grids
        ]
        legend = _legend_lines()
        height = 10 + sum(24 + CELL_H + 20 + len(u) * (CELL_H + 6) + 14 for _, u in blocks)
        height += 24 + max(g[1].shape[0] for g in grids) * GRID_H + 24
        height += 26 + LINE_H * len(legend) + 8
        width = max(
            label_w + ncell * cell_w + right,
            10 + sum(w + 30 for w in grid_ws),
            12 + max(text_width(ln, SMALL) for ln in legend) + 12,
        )
        svg = Svg(width, height)
        y = 10.0
        for st, users in blocks:
            y = self._draw_storage(svg, st, users, y, label_w, cell_w, descs)
        x0 = 10.0
        y += 4
        for (t, vals, cells, title), gw in zip(grids, grid_ws):
            svg.text(x0, y + 14, f"{t.name} {title}", size=LABEL, anchor="start", weight="bold", fill=t.color)
            for i in range(vals.shape[0]):
                for j in range(vals.shape[1]):
                    cx, cy = x0 + j * cell_w, y + 22 + i * GRID_H
                    svg.rect(cx, cy, cell_w, GRID_H, fill="#fff", stroke=t.color)
                    svg.text(cx + cell_w / 2, cy + 16, _fmt(vals[i, j]), size=VALUE)
                    svg.text(cx + cell_w / 2, cy + 30, f"@{cells[i, j]}", size=SMALL, fill="#666")
            x0 += gw + 30
        y += 22 + max(g[1].shape[0] for g in grids) * GRID_H + 24
        svg.line(10, y - 8, width - 10, y - 8, stroke="#ccc")
        svg.text(12, y + 10, "How to read this picture", size=LABEL, anchor="start", weight="bold")
        for i, ln in enumerate(legend):
            svg.text(12, y + 10 + LINE_H * (i + 1), ln, size=SMALL, anchor="start", fill="#222")
        return svg

    def _draw_storage(
        self, svg: Svg, st: _StorageInfo, users: list[_TensorInfo], y: float, label_w: float, cell_w: float,
        descs: dict[str, str],
    ) -> float:  # fmt: skip
        shown = min(st.numel, MAX_CELLS)
        head = f"storage {st.label}: {st.numel} x {st.dtype}, {st.nbytes} bytes (cell index below each cell)"
        svg.text(8, y + 14, head, size=LABEL, anchor="start", weight="bold")
        y += 22
        for c in range(shown):
            x = label_w + c * cell_w
            svg.rect(x, y, cell_w, CELL_H, fill="#f7f7f7", stroke="#888")
            svg.text(x + cell_w / 2, y + 18, _fmt(st.values[c]), size=VALUE)
            svg.text(x + cell_w / 2, y + CELL_H + 13, str(c), size=SMALL, fill="#666")
        if st.numel > shown:
            svg.text(
                label_w + shown * cell_w + 8,
                y + 18,
                f"... {st.numel - shown} more",
                anchor="start",
                size=SMALL,
            )
        y += CELL_H + 20
        for t in users:
            svg.text(8, y + 18, t.name, anchor="start", weight="bold", fill=t.color, size=LABEL)
            reads = self.reads(t.name)
            first: dict[int, int] = {}
            for k, c in enumerate(t.cells.ravel().tolist()):
                first.setdefault(c, k)
            for c in range(shown):
                x = label_w + c * cell_w
                n = reads.get(c, 0)
                if n:
                    svg.rect(x + 2, y + 2, cell_w - 4, CELL_H - 4, fill=t.color, rx=3, title=f"cell {c}")
                    mark = f"x{n}" if n > 1 else f"#{first[c]}"
                    svg.text(x + cell_w / 2, y + 18, mark, size=MARK, fill="#fff", weight="bold")
                else:
                    svg.rect(x + 2, y + 2, cell_w - 4, CELL_H - 4, fill="none", stroke="#ddd", rx=3)
            svg.text(
                label_w + shown * cell_w + 8, y + 18, descs[t.name], anchor="start", size=SMALL, fill="#333"
            )
            y += CELL_H + 6
        return y + 14


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

"""ViewExplorer: a tensor and a chain of view ops, drawn as storage, strides and sharing.

The chain is run on the engine step by step (``view``, ``t``, ``permute``, ``reshape``,
``expand``, slicing, ``contiguous``...); :func:`learntorch.viz.memory` then reads each
result's storage, ``stride()`` and ``storage_offset()``. When a step fails (``view`` on a
non-contiguous tensor) the error is torch's, and the picture says which dimensions are
not laid out one after another in memory.

>>> from learntorch.widgets import ViewExplorer
>>> ex = ViewExplorer(chain="arange(12).view(3, 4).t()")
>>> [(s.shape, s.stride, s.offset, s.contiguous) for s in ex.steps]
[((12,), (1,), 0, True), ((3, 4), (4, 1), 0, True), ((4, 3), (1, 4), 0, False)]
>>> ex.shares
[True, True, True]
>>> ex.update(chain="arange(12).view(3, 4).t().view(12)")
>>> print(ex.error.splitlines()[0])
RuntimeError: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from ._base import Explorer
from ._canvas import BLUE, RED, Canvas, fmt

__all__ = ["ViewExplorer", "parse_chain", "PRESETS"]

METHODS = ("view", "reshape", "t", "permute", "transpose", "expand", "contiguous", "unsqueeze", "squeeze",
           "flatten", "narrow", "select", "clone")  # fmt: skip
PRESETS = {
    "reshape after t() copies": "arange(12).view(3, 4).t().reshape(12)",
    "t(): a transpose shares storage": "arange(12).view(3, 4).t()",
    "view after t() fails": "arange(12).view(3, 4).t().view(12)",
    "contiguous() then view": "arange(12).view(3, 4).t().contiguous().view(12)",
    "note 002: transpose(1, 2).view(6, 4)": "arange(24).view(2, 3, 4).transpose(1, 2).view(6, 4)",
    "permute": "arange(12).view(2, 3, 2).permute(2, 0, 1)",
    "expand: stride 0": "arange(4).view(1, 4).expand(3, 4)",
    "slicing: offset and steps": "arange(12).view(3, 4)[1:, ::2]",
}
ADD = (
    ".t()",
    ".contiguous()",
    ".view(-1)",
    ".reshape(-1)",
    ".unsqueeze(0)",
    ".flatten()",
    "[:, 1:]",
    "[::2]",
)
PALETTE = [(76, 139, 245), (240, 140, 46), (58, 164, 91), (201, 79, 201), (217, 83, 79), (23, 162, 184)]


@dataclass
class Step:
    """One tensor of the chain as the engine reports it."""

    text: str
    shape: tuple[int, ...]
    stride: tuple[int, ...]
    offset: int
    contiguous: bool


def _index_part(p: str) -> Any:
    p = p.strip()
    if p == "...":
        return Ellipsis
    if p == "None":
        return None
    if ":" in p:
        bits = [b.strip() for b in p.split(":")]
        if len(bits) > 3:
            raise ValueError(f"bad slice {p!r}")
        nums = [int(b) if b else None for b in bits]
        return slice(*nums)
    return int(p)


def parse_chain(text: str) -> tuple[str, list[tuple[str, str, Any]]]:
    """``"arange(12).view(3, 4).t()[:, 1:]"`` → the base and ``(text, op, args)`` steps.

    The base is ``arange(N)`` or ``x`` (the tensor given to the explorer).

    >>> parse_chain("arange(6).view(2, 3).t()[1:]")
    ('arange(6)', [('.view(2, 3)', 'view', (2, 3)), ('.t()', 't', ()), ('[1:]', 'index', (slice(1, None, None),))])
    """
    text = text.strip()
    hint = "\nhint: write a base (arange(12) or x) followed by ops, e.g. arange(12).view(3, 4).t()"
    m = re.match(r"(arange\(\s*\d+\s*\)|x)", text)
    if not m:
        raise ValueError(f"the chain must start with arange(N) or x, got {text[:20]!r}{hint}")
    base, pos, steps = m.group(1), m.end(), []
    pattern = re.compile(r"\s*(?:\.(\w+)(?:\(([^()]*)\))?|\[([^\]]*)\])")
    while pos < len(text):
        m = pattern.match(text, pos)
        if not m:
            raise ValueError(f"cannot read {text[pos : pos + 20]!r}{hint}")
        name, args, index = m.groups()
        piece = m.group(0).strip()
        pos = m.end()
        try:
            if index is not None:
                steps.append((piece, "index", tuple(_index_part(p) for p in index.split(","))))
            elif name in ("T", "mT") and args is None:
                steps.append((piece, name, ()))
            elif name in METHODS and args is None:
                raise ValueError(f"cannot read {text[m.start():][:20].strip()!r}: .{name} needs (arguments) in "
                                 "balanced parentheses")  # fmt: skip
            elif name in METHODS:
                vals = ast.literal_eval(f"({args},)") if args.strip() else ()
                steps.append((piece, name, tuple(vals)))
            else:
                raise ValueError(f"{piece!r} is not one of the view ops: {', '.join(METHODS)}, .T, [..]")
        except (ValueError, SyntaxError) as err:
            raise ValueError(f"{err}{hint}") from None
    return base, steps


def why_not_view(shape: tuple[int, ...], stride: tuple[int, ...]) -> list[str]:
    """Which neighbouring dims of a tensor are not one after another in memory.

    >>> why_not_view((4, 3), (1, 4))
    ['dims 0 and 1: stride[0] = 1, but a row-major layout needs stride[1]·size[1] = 4·3 = 12']
    """
    out = []
    for i in range(len(shape) - 1):
        if shape[i] == 1 or shape[i + 1] == 1:
            continue
        need = stride[i + 1] * shape[i + 1]
        if stride[i] != need:
            out.append(f"dims {i} and {i + 1}: stride[{i}] = {stride[i]}, but a row-major layout needs "
                       f"stride[{i + 1}]·size[{i + 1}] = {stride[i + 1]}·{shape[i + 1]} = {need}")  # fmt: skip
    return out


class ViewExplorer(Explorer):
    """View explorer: ``ViewExplorer(x, ".t().view(-1)")`` or ``ViewExplorer(chain="arange(12)...")``.

    State: ``chain`` (text). Results: ``steps`` (each tensor's shape, stride, offset,
    contiguity), ``shares`` (whether each shares the first tensor's storage), ``failed``
    (the step that raised, or None), ``why`` (for a failed view), ``memory`` (the
    :class:`~learntorch.viz.memory.MemoryPicture`).
    """

    title = "ViewExplorer"
    draw_on_error = True

    def __init__(self, tensor: Any = None, chain: str | None = None) -> None:
        self._x = tensor
        if chain is None:
            chain = ".t()" if tensor is not None else PRESETS["t(): a transpose shares storage"]
        if tensor is not None and not chain.lstrip().startswith(("x", "arange")):
            chain = "x" + chain.strip()
        self.chain = chain
        self.steps: list[Step] = []
        self.shares: list[bool] = []
        self.failed: str | None = None
        self.why: list[str] = []
        self.memory: Any = None
        self._controls: dict[str, Any] = {}
        super().__init__()

    # -- computation -------------------------------------------------------------------
    def compute(self) -> None:
        from .. import arange  # noqa: PLC0415
        from ..viz import memory  # noqa: PLC0415

        self.steps, self.shares, self.failed, self.why, self.memory = [], [], None, [], None
        base, ops = parse_chain(self.chain)
        if base == "x":
            if self._x is None:
                raise ValueError(
                    "the chain starts at x, but no tensor was given\nhint: ViewExplorer(x) or arange(12)"
                )
            t = self._x
        else:
            t = arange(int(base[7:-1])).float()
        tensors = [(base, t)]
        try:
            for piece, op, args in ops:
                if op == "index":
                    t = t[args if len(args) > 1 else args[0]]
                elif op in ("T", "mT"):
                    t = getattr(t, op)
                else:
                    t = getattr(t, op)(*args)
                tensors.append((piece, t))
        except Exception:
            self.failed = piece
            prev = tensors[-1][1]
            if op == "view":
                self.why = why_not_view(tuple(prev.shape), tuple(prev.stride()))
            raise
        finally:
            self._record(tensors, memory)

    def _record(self, tensors: list[tuple[str, Any]], memory: Any) -> None:
        self.memory = memory(**{f"t{i}": t for i, (_, t) in enumerate(tensors)})
        first = self.memory.tensors[0].storage
        for (text, _), info in zip(tensors, self.memory.tensors):
            self.steps.append(Step(text, info.shape, info.stride, info.offset, info.contiguous))
            self.shares.append(info.storage == first)

    # -- picture -----------------------------------------------------------------------
    def render(self) -> bytes:
        mem = self.memory
        cw, ch, label_w = 32, 22, 300
        ncell = min(32, max(s.numel for s in mem.storages.values()))
        rows = sum(1 + sum(1 for t in mem.tensors if t.storage == s.label) for s in mem.storages.values())
        last = mem.tensors[-1]
        vals = (
            last.values.reshape(-1, last.values.shape[-1])
            if last.values.ndim > 1
            else last.values.reshape(1, -1)
        )
        cells = last.cells.reshape(vals.shape)
        gh = min(vals.shape[0], 8) * 30 + 40
        extra = (4 + len(self.why)) * 15 if self.failed else 0
        cv = Canvas(
            max(860, label_w + ncell * cw + 20),
            16 + rows * (ch + 10) + len(mem.storages) * 34 + gh + extra + 20,
        )
        y = 8.0
        for s in mem.storages.values():
            cv.text(10, y, f"storage {s.label}: {s.numel} × {s.dtype}", 12, bold=True)
            y += 18
            for c in range(min(s.numel, ncell)):
                x = label_w + c * cw
                cv.rect((x, y, x + cw, y + ch), fill=(247, 247, 247), outline=(150, 150, 150))
                cv.text(x + cw / 2, y + ch / 2, fmt(s.values[c]), 11, anchor="mm")
                cv.text(x + cw / 2, y + ch + 2, str(c), 8, (140, 140, 140), anchor="mt")
            if s.numel > ncell:
                cv.text(label_w + ncell * cw + 4, y + 4, f"… {s.numel - ncell} more", 10)
            y += ch + 14
            for i, (t, step) in enumerate(zip(mem.tensors, self.steps)):
                if t.storage != s.label:
                    continue
                col = PALETTE[i % len(PALETTE)]
                desc = f"{step.text[:22]}  {list(step.shape)} stride {step.stride}"
                desc2 = f"offset {step.offset}, " + ("contiguous" if step.contiguous else "not contiguous")
                cv.text(10, y, desc, 10, col, mono=True)
                cv.text(
                    10, y + 12, desc2 + ("" if self.shares[i] else ", a copy"), 10, (110, 110, 110), mono=True
                )
                reads = mem.reads(t.name)
                first: dict[int, int] = {}
                for k, c in enumerate(t.cells.ravel().tolist()):
                    first.setdefault(c, k)
                for c in range(min(s.numel, ncell)):
                    x = label_w + c * cw
                    if reads.get(c):
                        cv.rect((x + 2, y + 1, x + cw - 2, y + ch - 1), fill=col)
                        mark = f"x{reads[c]}" if reads[c] > 1 else f"#{first[c]}"
                        cv.text(x + cw / 2, y + ch / 2, mark, 10, "white", anchor="mm", bold=True)
                y += ch + 10
            y += 6
        if self.failed:
            msg = textwrap.wrap(f"✗ {self.failed} failed: " + (self.error or "").splitlines()[0], 118)
            y = cv.lines(10, y, [*msg, *self.why, "view only re-labels memory: the dims it merges or splits must sit "
                                      "one after another; reshape() copies when they do not."], 11, RED)  # fmt: skip
        which = "last tensor that worked" if self.failed else "last tensor"
        cv.text(10, y + 4, f"{which} {list(last.shape)}: value and the storage cell (@) each element reads, "
                "row-major (#k above = element k)", 12, bold=True)  # fmt: skip
        gc = 30
        for r in range(min(vals.shape[0], 8)):
            for c in range(min(vals.shape[1], 24)):
                x, yy = 10 + c * gc * 1.3, y + 24 + r * gc
                cv.rect((x, yy, x + gc * 1.3 - 2, yy + gc - 2), outline=BLUE)
                cv.text(x + gc * 0.65, yy + 9, fmt(vals[r, c]), 10, anchor="mm")
                cv.text(x + gc * 0.65, yy + 21, f"@{cells[r, c]}", 8, (130, 130, 130), anchor="mm")
        return cv.png()

    def summary(self) -> str:
        return f"ViewExplorer: {self.chain}"

    # -- controls ----------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        text = self.bind(w.Text(value=self.chain, description="chain", continuous_update=False,
                                style={"description_width": "45px"}, layout=w.Layout(width="520px")), "chain")  # fmt: skip
        preset = w.Dropdown(options=["(examples)", *PRESETS], value="(examples)", description="try",
                            style={"description_width": "30px"}, layout=w.Layout(width="330px"))  # fmt: skip
        preset.observe(lambda ch: None if self._syncing or ch["new"] not in PRESETS else self.update(
            chain=PRESETS[ch["new"]]), names="value")  # fmt: skip
        add = w.Dropdown(options=["(add an op)", *ADD], value="(add an op)", description="add",
                         style={"description_width": "30px"}, layout=w.Layout(width="200px"))  # fmt: skip
        add.observe(self._add, names="value")
        undo = w.Button(description="undo last op", layout=w.Layout(width="120px"))
        undo.on_click(lambda _: self.undo())
        self._controls = {"chain": text, "add": add}
        return [w.HBox([text, undo]), w.HBox([preset, add])]

    def _add(self, change: Any) -> None:
        if self._syncing or change["new"] not in ADD:
            return
        self.update(chain=self.chain.rstrip() + change["new"])

    def undo(self) -> None:
        """Drop the last op of the chain."""
        try:
            base, ops = parse_chain(self.chain)
        except ValueError:
            return
        self.update(chain=base + "".join(p for p, _, _ in ops[:-1]))

    def sync_controls(self) -> None:
        if self._controls:
            self._controls["chain"].value = self.chain
            self._controls["add"].value = "(add an op)"

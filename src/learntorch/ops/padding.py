"""Padding primitives: constant, reflect, replicate and circular.

``pad`` lists (left, right) pairs starting from the *last* dimension, as in PyTorch:
``(1, 2)`` pads the last dim by 1 before and 2 after; ``(1, 1, 2, 2)`` also pads the
dim before it by 2 on each side.

* constant: NumPy's ``pad`` (negative amounts crop). Its backward is the same op with
  the amounts negated, which crops the gradient back to the input's shape.
* reflect / replicate / circular: every output position reads one input position, so
  the forward is a gather along each padded dim (``take``) and the backward is the
  matching scatter-add (``add.at``), whose own backward is the gather again.
"""

from __future__ import annotations

from typing import Any

from ..autograd.function import Op
from ..tensor import Tensor

__all__ = ["constant_pad", "index_pad"]


def _pairs(pad: tuple, ndim: int) -> list[tuple[int, int]]:
    """Per-dimension (before, after) amounts for all ``ndim`` dims, first dim first."""
    per = [(0, 0)] * ndim
    for i in range(len(pad) // 2):
        per[ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
    return per


class ConstantPadNd(Op):
    """y = x surrounded by ``value`` (or cropped, for negative amounts);  dx = dy cropped back"""

    @staticmethod
    def forward(ctx, x, pad, value):
        xp = ctx.xp
        ctx.pad = pad
        per = _pairs(pad, x.ndim)
        crop = tuple(slice(max(-b, 0), x.shape[d] - max(-a, 0)) for d, (b, a) in enumerate(per))
        x = x[crop]
        grow = [(max(b, 0), max(a, 0)) for b, a in per]
        if not any(b or a for b, a in grow):
            return x.copy()
        return xp.pad(x, grow, mode="constant", constant_values=value)

    @staticmethod
    def backward(ctx, grad):
        return ConstantPadNd.apply(grad, tuple(-p for p in ctx.pad), 0), None, None


def constant_pad(x: Tensor, pad: tuple, value: float = 0.0) -> Tensor:
    return ConstantPadNd.apply(x, tuple(pad), value)


def _source_index(xp: Any, n: int, before: int, after: int, mode: str) -> Any:
    """For each output position along one dim, the input position it copies."""
    pos = xp.arange(-before, n + after)
    if mode == "circular":
        return pos % n
    if mode == "replicate":
        return xp.clip(pos, 0, n - 1)
    # reflect: mirror about the first and last element (the edge itself is not repeated)
    period = 2 * (n - 1) if n > 1 else 1
    p = xp.abs(pos) % period
    return xp.where(p >= n, period - p, p)


class IndexPad(Op):
    """y = x gathered along the padded dims;  dx = dy scatter-added back"""

    _abstract = True

    @staticmethod
    def forward(ctx, x, index):
        ctx.index = index
        ctx.in_shape = x.shape
        for d, idx in index:
            x = x.take(idx, axis=d)
        return x

    @staticmethod
    def backward(ctx, grad):
        return IndexPadBackward.apply(grad, ctx.index, ctx.in_shape), None


class IndexPadBackward(Op):
    """dx = dy summed into the input positions each output copied (the gather's adjoint)"""

    @staticmethod
    def forward(ctx, g, index, in_shape):
        xp = ctx.xp
        ctx.index = index
        for d, idx in reversed(index):
            shape = list(g.shape)
            shape[d] = in_shape[d]
            out = xp.zeros(shape, dtype=g.dtype)
            moved = xp.moveaxis(out, d, 0)
            xp.add.at(moved, idx, xp.moveaxis(g, d, 0))
            g = out
        return g

    @staticmethod
    def backward(ctx, gg):
        return _INDEX_PAD_OPS["gather"].apply(gg, ctx.index), None, None


def _named(mode: str, nd: int) -> type[IndexPad]:
    names = {"reflect": "ReflectionPad", "replicate": "ReplicationPad", "circular": "CircularPad"}
    # PyTorch builds circular padding from slice copies, so its node is CopySlices
    node = "CopySlices" if mode == "circular" else f"{names[mode]}{nd}DBackward0"
    return type(
        f"{names[mode]}{nd}d", (IndexPad,), {"node_name": node, "_abstract": False, "__module__": __name__}
    )


_INDEX_PAD_OPS: dict[Any, type[Op]] = {"gather": _named("circular", 0)}
for _mode in ("reflect", "replicate", "circular"):
    for _nd in (1, 2, 3):
        _INDEX_PAD_OPS[(_mode, _nd)] = _named(_mode, _nd)


def index_pad(x: Tensor, pad: tuple, mode: str) -> Tensor:
    """Reflect / replicate / circular padding of the last ``len(pad) // 2`` dims."""
    xp = __import__("numpy") if x.is_cpu else None
    if xp is None:
        from .. import backend  # noqa: PLC0415

        xp = backend.array_module(x._data)
    per = _pairs(pad, x.ndim)
    index = tuple((d, _source_index(xp, x.shape[d], b, a, mode)) for d, (b, a) in enumerate(per) if b or a)
    op = _INDEX_PAD_OPS[(mode, max(1, len(pad) // 2))]
    return op.apply(x, index)

"""Views with hand-made strides: diagonal and as_strided (and their backwards)."""

from __future__ import annotations

from typing import Any, Sequence

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from . import layout
from ._util import bind
from .view import _ViewOp


def _diag_view(a: Any, offset: int, d1: int, d2: int) -> Any:
    shape, st, start = layout.diag_geometry(a.shape, layout.elem_strides(a), offset, d1, d2)
    flat_start = a if start == 0 else layout.strided(a, (1,), (start,))[0:]
    if start:
        flat_start = layout.shift(a, start)
    return layout.strided(flat_start, shape, st)


class Diagonal(_ViewOp):
    """y = the diagonal of x over (dim1, dim2), appended as the last dimension (a view)"""

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.args = (x.shape, offset, d1, d2)
        return _diag_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad):
        shape, offset, d1, d2 = ctx.args
        return DiagonalBackwardOp.apply(grad, shape, offset, d1, d2), None, None, None


class DiagonalBackwardOp(Op):
    """out = zeros(shape) with ``grad`` written on the diagonal"""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        _diag_view(out, offset, d1, d2)[...] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        offset, d1, d2 = ctx.args
        return diagonal(grad, offset, d1, d2), None, None, None, None


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal (``offset`` above it when positive) as a view.

    >>> import learntorch as torch
    >>> torch.arange(9).view(3, 3).diagonal(1)
    tensor([1, 5])
    """
    n = input.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int(offset), d1, d2)


class AsStrided(_ViewOp):
    """y = x's storage read with the given size, stride and offset (a view)"""

    @staticmethod
    def forward(ctx, x, size, stride, offset):
        flat, _ = layout.flat_storage(x)
        need = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(size) else 0
        if need > flat.size or offset < 0:
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                f"itemsize {x.itemsize} requiring a storage size of {need * x.itemsize} are out of bounds "
                f"for storage of size {flat.size * x.itemsize}"
            )
        ctx.in_shape = x.shape
        ctx.geom = (size, stride, offset)
        return layout.strided(layout.shift(flat, offset), size, stride)

    @staticmethod
    def backward(ctx, grad):
        idx = Tensor._make(layout.logical_index(_placeholder(ctx), *ctx.geom))
        return _scatter_flat(grad, idx, ctx.in_shape), None, None, None


def _placeholder(ctx: Any) -> Any:
    return ctx._src


def _scatter_flat(grad: Tensor, idx: Tensor, shape: tuple) -> Tensor:
    """zeros(numel(shape)) with grad accumulated at ``idx``, reshaped to ``shape``."""
    from .index import index_put  # noqa: PLC0415

    n = 1
    for s in shape:
        n *= s
    zeros = Tensor._make(backend.array_module(grad._data).zeros(n, dtype=grad._data.dtype))
    return index_put(zeros, (idx,), grad, accumulate=True).view(shape)


def as_strided(
    input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
) -> Tensor:
    """A view of ``input``'s memory with any size, stride and storage offset (handle with care).

    >>> import learntorch as torch
    >>> torch.arange(6).as_strided((2, 2), (1, 2), 1)
    tensor([[1, 3],
            [2, 4]])
    """
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    off = input.storage_offset() if storage_offset is None else int(storage_offset)
    out = AsStrided.apply(input, size, stride, off)
    if out.grad_fn is not None:
        # the backward needs the input's layout (not its values): keep a detached alias
        out.grad_fn._src = input._data
    return out


bind(diagonal=diagonal, as_strided=as_strided)

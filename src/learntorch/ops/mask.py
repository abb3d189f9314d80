"""Indexing by a boolean mask: masked_fill, masked_select, nonzero, argwhere."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend, dtypes
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor
from . import layout
from ._util import bind, unbroadcast
from .compare import where
from .index import _as_value, _rowmajor, index_put


# ---------------------------------------------------------------------- masks
def _check_mask(mask: Tensor, name: str) -> None:
    if mask.dtype is not dtypes.bool:
        raise RuntimeError(
            f"{name} only supports boolean masks, but got mask with dtype {mask.dtype.name if mask.dtype is not dtypes.uint8 else 'unsigned char'}"
            "\nhint: build the mask with a comparison (e.g. x > 0), or convert it with .bool()."
        )


class MaskedFill(Op):
    """y = x with ``value`` where ``mask``;  dx = dy where not mask, dvalue = sum of dy where mask"""

    @staticmethod
    def forward(ctx, x, value, mask):
        ctx.mask = mask
        return ctx.xp.where(mask, value, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        m = Tensor._make(ctx.mask)
        gx = unbroadcast(where(m, 0.0, grad), ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gv = where(m, grad, 0.0).sum().reshape(ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return gx, gv, None


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` where ``mask`` is True (mask broadcasts).

    >>> import learntorch as torch
    >>> x = torch.tensor([1.0, -2.0, 3.0])
    >>> x.masked_fill(x < 0, 0.0)
    tensor([1., 0., 3.])
    """
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    v = _as_value(value, input)
    out_shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    if tuple(out_shape) != tuple(input.shape):
        input = input.expand(*out_shape)
    return MaskedFill.apply(input, v, mask._data)


class MaskedSelect(Op):
    """y = the elements of x where ``mask`` (1-D copy);  dx = dy put back at the mask's places"""

    @staticmethod
    def forward(ctx, x, mask):
        m = ctx.xp.broadcast_to(mask, x.shape)
        ctx.mask = m
        return x[m]

    @staticmethod
    def backward(ctx, grad):
        zeros = Tensor._make(ctx.xp.zeros(ctx._in_shapes[0], dtype=grad._data.dtype))
        return index_put(zeros, ctx.xp.nonzero(ctx.mask), grad, False), None


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor.

    >>> import learntorch as torch
    >>> x = torch.tensor([[1, 2], [3, 4]])
    >>> torch.masked_select(x, x > 1)
    tensor([2, 3, 4])
    """
    _check_mask(mask, "masked_select:")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    if tuple(shape) != tuple(input.shape):
        input = input.expand(*shape)
    return MaskedSelect.apply(input, mask._data)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the non-zero elements: an ``(n, ndim)`` tensor, or one 1-D tensor per dim.

    >>> import learntorch as torch
    >>> torch.nonzero(torch.tensor([[1, 0], [0, 1]]))
    tensor([[0, 0],
            [1, 1]])
    """
    xp = backend.array_module(input._data)
    a = input._data if input.ndim else input._data.reshape(1)
    nz = xp.nonzero(a)
    if as_tuple and input.ndim:
        return nonzero(input).unbind(1)  # columns of the (n, ndim) result, as torch returns them
    if as_tuple:
        return tuple(Tensor._make(_rowmajor(xp, xp.asarray(i, dtype=xp.int64))) for i in nz)
    # torch lays the (n, ndim) result out column by column: strides (1, n)
    n = int(nz[0].shape[0])
    k = a.ndim if input.ndim else 0
    if n == 0 or k == 0:
        return Tensor._make(layout.strided(xp.empty(1, dtype=xp.int64), (n, k), (1, n)))
    return Tensor._make(xp.stack(nz, axis=0).astype(xp.int64, copy=False).T)


def argwhere(input: Tensor) -> Tensor:
    """Same as ``nonzero(input)``."""
    return nonzero(input)


bind(
    masked_fill=masked_fill,
    masked_fill_=_make_inplace(masked_fill),
    masked_select=masked_select,
    nonzero=nonzero,
    argwhere=argwhere,
)

"""Running reductions: cumsum, cumprod (each prefix of a dimension reduced)."""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .copy import _to_copy


# ---------------------------------------------------------------------- cumulative ops
class Cumsum(Op):
    """y_i = Σ_{j<=i} x_j;  dx_i = Σ_{j>=i} dy_j (a reversed cumulative sum)"""

    @staticmethod
    def forward(ctx, x, dim, dt):
        ctx.dim = dim
        return ctx.xp.cumsum(x, axis=dim, dtype=dt)

    @staticmethod
    def backward(ctx, grad):
        return ReverseCumsum.apply(grad, ctx.dim), None, None


class ReverseCumsum(Op):
    """y_i = Σ_{j>=i} x_j (the backward of cumsum);  dx_i = Σ_{j<=i} dy_j"""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        xp = ctx.xp
        return xp.flip(xp.cumsum(xp.flip(x, dim), axis=dim), dim)

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, ctx.dim, None), None


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``; integers accumulate in int64.

    >>> import learntorch as torch
    >>> torch.tensor([1, 2, 3]).cumsum(0)
    tensor([1, 3, 6])
    """
    dt = dtype
    if dt is None and not input.dtype.is_floating_point:
        dt = dtypes.int64
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return _to_copy(input, dtype=dt, copy=True) if dt is not None else input.clone()
    return Cumsum.apply(input, d, dt.np if dt is not None else None)


class Cumprod(Op):
    """y_i = Π_{j<=i} x_j;  dx_i = Σ_{k>=i} dy_k Π_{j<=k, j≠i} x_j"""

    @staticmethod
    def forward(ctx, x, dim, dt):
        y = ctx.xp.cumprod(x, axis=dim, dtype=dt)
        ctx.dim = dim
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        dim = ctx.dim
        if not bool((x._data == 0).any()):
            return ReverseCumsum.apply(grad * y, dim) / x, None, None
        return Tensor._make(_cumprod_grad_with_zeros(ctx.xp, x._data, grad._data, dim)), None, None


def _cumprod_grad_with_zeros(xp: Any, x: Any, g: Any, dim: int) -> Any:
    """dx_i = Σ_{k>=i} g_k Π_{j<=k, j≠i} x_j, computed column by column (O(n²) along ``dim``)."""
    xm, gm = xp.moveaxis(x, dim, -1), xp.moveaxis(g, dim, -1)
    n = xm.shape[-1]
    out = xp.zeros_like(xm)
    for i in range(n):
        others = xm.copy()
        others[..., i] = 1
        partial = xp.cumprod(others, axis=-1)  # Π_{j<=k, j≠i} x_j for every k
        out[..., i] = (gm[..., i:] * partial[..., i:]).sum(axis=-1)
    return xp.moveaxis(out, -1, dim)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``.

    >>> import learntorch as torch
    >>> torch.tensor([1., 2., 3.]).cumprod(0)
    tensor([1., 2., 6.])
    """
    dt = dtype
    if dt is None and not input.dtype.is_floating_point:
        dt = dtypes.int64
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        return input.clone()
    return Cumprod.apply(input, d, dt.np if dt is not None else None)


bind(cumsum=cumsum, cumprod=cumprod)

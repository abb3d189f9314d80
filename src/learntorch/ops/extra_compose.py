"""Everyday functions composed from other ops (no backward of their own): meshgrid, diag, addcmul, addcdiv, median, index_add, relu_; and nansum
(one small Op, so its node reads ``NansumBackward0`` as in torch).

>>> import learntorch as torch
>>> xs, ys = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")
>>> xs.shape, ys[1]
(torch.Size([2, 3]), tensor([3, 4, 5]))
>>> torch.diag(torch.tensor([1.0, 2.0]))
tensor([[1., 0.],
        [0., 2.]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import dtypes
from .._numerics import add_alpha, fma_f64
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor, _wrap_dim
from . import _util
from ._util import unbroadcast
from .compare import where

__all__ = [
    "meshgrid",
    "diag",
    "addcmul",
    "addcdiv",
    "nansum",
    "median",
    "index_add",
    "relu_",
]


def meshgrid(*tensors: Tensor | Sequence[Tensor], indexing: str | None = None) -> tuple[Tensor, ...]:
    """Coordinate grids from 1-D tensors; ``indexing='ij'`` (torch's default) or ``'xy'``."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise ValueError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    for t in tensors:
        if t.dim() > 1:
            raise RuntimeError(
                f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t.dim()}D tensor"
            )
    if len({t.dtype for t in tensors}) > 1:
        raise RuntimeError(
            "meshgrid expects all tensors to have the same dtype\n"
            "hint: convert them first, e.g. torch.meshgrid(x.float(), y.float())"
        )
    flat = [t.reshape(-1) for t in tensors]
    swap = indexing == "xy" and len(flat) >= 2
    if swap:
        flat[0], flat[1] = flat[1], flat[0]
    shape = tuple(t.shape[0] for t in flat)
    n = len(flat)
    grids = [t.reshape((-1,) + (1,) * (n - 1 - i)).expand(shape) if n else t for i, t in enumerate(flat)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D input becomes a square matrix with it on the ``diagonal``; a 2-D input gives its diagonal."""
    if input.dim() == 2:
        return input.diagonal(diagonal).clone()
    if input.dim() != 1:
        raise RuntimeError(
            f"diag(): Supports 1D or 2D tensors. Got {input.dim()}D\n"
            "hint: diag builds a matrix from a vector or reads a matrix's diagonal; use diagonal() for batches"
        )
    from ..creation import zeros

    n = input.shape[0] + abs(diagonal)
    out = zeros(n, n, dtype=input.dtype)
    rows = [i + max(-diagonal, 0) for i in range(input.shape[0])]
    cols = [i + max(diagonal, 0) for i in range(input.shape[0])]
    from ..creation import tensor

    return out.index_put((tensor(rows), tensor(cols)), input)


class Addcmul(Op):
    """z = y + value·t1·t2, rounded once as torch's fma;  dy = dz, dt1 = dz·value·t2, dt2 = dz·value·t1"""

    @staticmethod
    def forward(ctx, y, t1, t2, value):
        ctx.value = value
        ctx.save_for_backward(t1, t2)
        shape = np.broadcast_shapes(y.shape, t1.shape, t2.shape)
        scaled = (t1 * y.dtype.type(value)).astype(y.dtype, copy=False) if value != 1 else t1
        if y.dtype == np.float64:  # one rounding, as the fma instruction torch's kernel uses
            out = fma_f64(np.broadcast_to(scaled, shape), np.broadcast_to(t2, shape), y)
        else:
            out = add_alpha(np.broadcast_to(y, shape), t2, scaled)
        return np.asarray(out, dtype=y.dtype)

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        v = ctx.value
        need = ctx.needs_input_grad
        gy = unbroadcast(grad, ctx._in_shapes[0]) if need[0] else None
        g1 = unbroadcast(grad * t2 * v, ctx._in_shapes[1]) if need[1] else None
        g2 = unbroadcast(grad * t1 * v, ctx._in_shapes[2]) if need[2] else None
        return gy, g1, g2, None


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """``input + value * tensor1 * tensor2`` (one rounding, as torch's fused kernel).

    >>> import learntorch as torch
    >>> torch.addcmul(torch.tensor([1.0]), torch.tensor([2.0]), torch.tensor([3.0]), value=0.5)
    tensor([4.])
    """
    dt = dtypes.result_type(input, tensor1, tensor2)
    if not dt.is_floating_point:
        return input + value * tensor1 * tensor2 if value != 1 else input + tensor1 * tensor2
    y, a, b = (t if t.dtype == dt else t.to(dt) for t in (input, tensor1, tensor2))
    return Addcmul.apply(y, a, b, value)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: float = 1) -> Tensor:
    """``input + value * tensor1 / tensor2``."""
    return input + value * (tensor1 / tensor2) if value != 1 else input + tensor1 / tensor2


class Nansum(Op):
    """y = sum of the non-NaN elements (along ``dims``);  dx = dy where x is not NaN, else 0"""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.mask = ~ctx.xp.isnan(x)
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, x.shape
        return ctx.xp.asarray(ctx.xp.nansum(x, axis=dims, keepdims=keepdim), dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        if not ctx.keepdim and ctx.dims is not None:
            for d in sorted(ctx.dims):
                grad = grad.unsqueeze(d)
        return where(Tensor._make(ctx.mask), grad.expand(ctx.shape), 0.0), None, None


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """``sum`` that treats NaN as zero.

    >>> import learntorch as torch
    >>> torch.nansum(torch.tensor([1.0, float("nan"), 2.0]))
    tensor(3.)
    """
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        return input.sum() if dim is None else input.sum(dim, keepdim=keepdim)
    if dim is None:
        dims = None
    else:
        nd = max(input.ndim, 1)
        dims = tuple(sorted({_wrap_dim(d, nd) for d in ((dim,) if isinstance(dim, int) else dim)}))
        if input.ndim == 0:
            dims = None
    return Nansum.apply(input, dims, keepdim)


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower median: element ``(n - 1) // 2`` of the sorted values (of all, or along ``dim``).

    With ``dim`` it returns ``(values, indices)`` like ``max(dim)``.
    """
    from ..return_types import make_return_type

    if dim is None:
        flat = input.reshape(-1)
        if flat.shape[0] == 0:
            from ..creation import tensor

            return tensor(float("nan"), dtype=input.dtype)
        return flat.sort()[0][(flat.shape[0] - 1) // 2]
    values, indices = input.sort(dim)
    k = (input.shape[dim] - 1) // 2
    v, i = values.narrow(dim, k, 1), indices.narrow(dim, k, 1)
    if not keepdim:
        v, i = v.squeeze(dim), i.squeeze(dim)
    return make_return_type("median", ("values", "indices"))((v, i))


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *, alpha: float = 1) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` slices added at ``index`` along ``dim``."""
    src = source * alpha if alpha != 1 else source
    idx_shape = [1] * source.dim()
    if source.dim():
        idx_shape[dim] = -1
    idx = index.reshape(idx_shape).expand(source.shape) if source.dim() else index.reshape(())
    return input.scatter_add(dim, idx, src)


def relu_(input: Tensor) -> Tensor:
    """In-place relu (``torch.relu_``)."""
    return input.relu_()


_util.bind(
    addcmul=addcmul, addcdiv=addcdiv, nansum=nansum, median=median, index_add=index_add,
    addcmul_=_make_inplace(addcmul), addcdiv_=_make_inplace(addcdiv), index_add_=_make_inplace(index_add),
)  # fmt: skip

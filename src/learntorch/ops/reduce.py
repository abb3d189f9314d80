"""Reductions: sum and mean (more in this family as the course needs them)."""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from ._util import bind


def _dims(dim: Any, ndim: int) -> tuple | None:
    if dim is None:
        return None
    ds = dim if isinstance(dim, (tuple, list)) else (dim,)
    return tuple(sorted(_wrap_dim(d, ndim) for d in ds))


def _grad_to_input(grad: Tensor, in_shape: tuple, dims: tuple | None, keepdim: bool) -> Tensor:
    """Broadcast a reduced gradient back over the reduced dimensions."""
    if dims is not None and not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(in_shape)


class Sum(Op):
    """y = Σ x over dims;  dx = dy broadcast back"""

    @staticmethod
    def forward(ctx, x, dims, keepdim, dt):
        ctx.args = (x.shape, dims, keepdim)
        return x.sum(axis=dims, keepdims=keepdim, dtype=dt)

    @staticmethod
    def backward(ctx, grad):
        shape, dims, keepdim = ctx.args
        return _grad_to_input(grad, shape, dims, keepdim), None, None, None


class Mean(Op):
    """y = mean of x over dims;  dx = dy / n broadcast back"""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.args = (x.shape, dims, keepdim)
        n = 1
        for d in dims if dims is not None else range(x.ndim):
            n *= x.shape[d]
        ctx.n = n
        return x.mean(axis=dims, keepdims=keepdim).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        shape, dims, keepdim = ctx.args
        return _grad_to_input(grad / ctx.n, shape, dims, keepdim), None, None


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    """Sum over all elements, or over ``dim`` (an int or a tuple).

    >>> import learntorch as torch
    >>> x = torch.tensor([[1, 2], [3, 4]])
    >>> x.sum(), x.sum(0), x.sum(dim=1, keepdim=True).shape
    (tensor(10), tensor([4, 6]), torch.Size([2, 1]))
    """
    dims = _dims(dim, input.ndim)
    dt = dtype
    if dt is None and not input.dtype.is_floating_point:
        dt = dtypes.int64
    return Sum.apply(input, dims, keepdim, dt.np if dt is not None else None)


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Arithmetic mean; needs a floating dtype, as in PyTorch."""
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {input.dtype.name.capitalize()}\n"
            "hint: convert first, e.g. x.float().mean()."
        )
    return Mean.apply(input, _dims(dim, input.ndim), keepdim)


def sum_to_size(self: Tensor, *size: Any) -> Tensor:
    """Sum ``self`` down to ``size`` (the reverse of broadcasting)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    size = tuple(size)
    lead = self.ndim - len(size)
    dims = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(size) if s == 1 and self.shape[i + lead] != 1
    )
    out = self
    if dims:
        out = sum(out, dims, keepdim=True)
    if lead:
        out = out.reshape(size)
    return out


bind(sum=sum, mean=mean, sum_to_size=sum_to_size)

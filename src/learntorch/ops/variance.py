"""Spread: var, std, var_mean, std_mean (with Bessel's ``correction``)."""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import bind
from .arith import _quiet
from .reduce import _count, _dims, _restore, mean


# ---------------------------------------------------------------------- var / std
def _dof_check(name: str, shape: tuple, dims: tuple | None, correction: Any) -> None:
    if _count(shape, dims) - correction <= 0:
        warnings.warn(
            f"{name}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction "
            "factor (input numel divided by output numel).",
            UserWarning,
            stacklevel=4,
        )


class Var(Op):
    """y = Σ (x - mean)² / (n - correction);  dx = dy 2 (x - mean) / (n - correction)"""

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.args = (dims, correction, keepdim)
        ctx.save_for_backward(x)
        _dof_check("var", x.shape, dims, correction)
        with _quiet(ctx.xp), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return ctx.xp.asarray(x.var(axis=dims, ddof=correction, keepdims=keepdim)).astype(
                x.dtype, copy=False
            )

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        dims, correction, keepdim = ctx.args
        shape = tuple(x.shape)
        n = _count(shape, dims)
        centred = x - mean(x, dims, keepdim=True) if shape else x - x
        factor = 2.0 / (n - correction) if n != correction else math.inf
        return _restore(grad, shape, dims, keepdim) * centred * factor, None, None, None


class Std(Op):
    """y = √var;  dx = dy (x - mean) / ((n - correction) y)"""

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        ctx.args = (dims, correction, keepdim)
        _dof_check("std", x.shape, dims, correction)
        with _quiet(ctx.xp), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            y = ctx.xp.asarray(x.std(axis=dims, ddof=correction, keepdims=keepdim)).astype(
                x.dtype, copy=False
            )
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        dims, correction, keepdim = ctx.args
        shape = tuple(x.shape)
        n = _count(shape, dims)
        centred = x - mean(x, dims, keepdim=True) if shape else x - x
        scale = _restore(grad / (y * (n - correction)), shape, dims, keepdim)
        return scale * centred, None, None, None


def _correction(name: str, input: Tensor, dim: Any, unbiased: Any, correction: Any) -> tuple:
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "std and var only support floating point and complex dtypes\nhint: convert first, e.g. x.float()."
        )
    if isinstance(dim, builtins.bool):  # var(x, False): the old positional ``unbiased``
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    elif unbiased is not None:
        raise RuntimeError(f"{name}: Only one of 'unbiased' and 'correction' may be specified")
    return _dims(dim, input.ndim), correction


def var(
    input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None
) -> Tensor:
    """Variance ``Σ(x - mean)² / (N - correction)``; ``correction=1`` (Bessel's) by default.

    >>> import learntorch as torch
    >>> x = torch.tensor([1., 2., 3., 4.])
    >>> x.var(), x.var(correction=0), x.var(unbiased=False)
    (tensor(1.6667), tensor(1.2500), tensor(1.2500))
    """
    dims, c = _correction("var", input, dim, unbiased, correction)
    return Var.apply(input, dims, c, keepdim)


def std(
    input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None
) -> Tensor:
    """Standard deviation, the square root of :func:`var` (same arguments).

    >>> import learntorch as torch
    >>> torch.tensor([[1., 3.], [5., 7.]]).std(dim=0)
    tensor([2.8284, 2.8284])
    """
    dims, c = _correction("std", input, dim, unbiased, correction)
    return Std.apply(input, dims, c, keepdim)


def var_mean(
    input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None
) -> tuple:
    """``(var, mean)`` in one call."""
    v = var(input, dim, unbiased, keepdim, correction=correction)
    d = None if isinstance(dim, builtins.bool) else dim
    return v, mean(input, d, keepdim)


def std_mean(
    input: Tensor, dim: Any = None, unbiased: Any = None, keepdim: bool = False, *, correction: Any = None
) -> tuple:
    """``(std, mean)`` in one call."""
    s = std(input, dim, unbiased, keepdim, correction=correction)
    d = None if isinstance(dim, builtins.bool) else dim
    return s, mean(input, d, keepdim)


bind(var=var, std=std)

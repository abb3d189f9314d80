"""Reductions: sum, mean, prod, norm, logsumexp, all/any (max/min in extrema, var/std in variance,
cumsum/cumprod in scan).

``dim`` may be an int or a tuple of ints (``None`` reduces everything); ``keepdim``
keeps the reduced dimensions with size 1. Every backward first puts the reduced
dimensions back (``unsqueeze``) and then broadcasts (``expand``): the gradient of
"sum over a dimension" is "copy along that dimension".
"""

from __future__ import annotations

import math
from typing import Any

from .. import backend, dtypes
from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .arith import _quiet, _zeros, where
from .copy import _to_copy

__all__ = ["sum", "mean", "prod", "norm", "logsumexp", "all", "any", "count_nonzero"]


def _dims(dim: Any, ndim: int) -> tuple | None:
    """Normalise ``dim`` (int, tuple, list or None) to a sorted tuple of non-negative dims."""
    if dim is None:
        return None
    ds = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if not ds:
        return None
    wrapped = [_wrap_dim(d, ndim) for d in ds]
    seen: set[int] = set()
    for d in wrapped:
        if d in seen:
            raise RuntimeError(
                f"dim {d} appears multiple times in the list of dims\nhint: list each dimension once."
            )
        seen.add(d)
    if ndim == 0:
        return None
    return tuple(sorted(wrapped))


def _count(shape: tuple, dims: tuple | None) -> int:
    n = 1
    for d in dims if dims is not None else range(len(shape)):
        n *= shape[d]
    return n


def _restore(grad: Tensor, in_shape: tuple, dims: tuple | None, keepdim: bool) -> Tensor:
    """Put the reduced dims back into ``grad`` (size 1) and broadcast it to ``in_shape``."""
    if not keepdim and in_shape:
        if dims is None:
            grad = grad.reshape((1,) * len(in_shape))
        else:
            for d in dims:
                grad = grad.unsqueeze(d)
    return grad.expand(in_shape)


def _keep(t: Tensor, in_shape: tuple, dims: tuple | None, keepdim: bool) -> Tensor:
    """A reduced tensor reshaped so it broadcasts against the input (like keepdim=True)."""
    if keepdim or not in_shape:
        return t
    if dims is None:
        return t.reshape((1,) * len(in_shape))
    for d in dims:
        t = t.unsqueeze(d)
    return t


# ---------------------------------------------------------------------- sum and mean
class Sum(Op):
    """y = Σ x;  dx = dy broadcast back"""

    @staticmethod
    def forward(ctx, x, dims, keepdim, dt):
        ctx.args = (x.shape, dims, keepdim)
        return x.sum(axis=dims, keepdims=keepdim, dtype=dt)

    @staticmethod
    def backward(ctx, grad):
        shape, dims, keepdim = ctx.args
        return _restore(grad, shape, dims, keepdim), None, None, None


class Mean(Op):
    """y = mean of x;  dx = dy / n broadcast back"""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.args = (x.shape, dims, keepdim)
        ctx.n = _count(x.shape, dims)
        with _quiet(ctx.xp):
            return x.mean(axis=dims, keepdims=keepdim).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        shape, dims, keepdim = ctx.args
        return _restore(grad / ctx.n, shape, dims, keepdim), None, None


def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:  # noqa: A001
    """Sum over all elements, or over ``dim`` (an int or a tuple). Integers sum as int64.

    >>> import learntorch as torch
    >>> x = torch.tensor([[1, 2], [3, 4]])
    >>> x.sum(), x.sum(0), x.sum(dim=1, keepdim=True).shape
    (tensor(10), tensor([4, 6]), torch.Size([2, 1]))
    """
    dims = _dims(dim, input.ndim)
    dt = dtype
    if dt is None and not input.dtype.is_floating_point:
        dt = dtypes.int64
    op = Sum if dim is None else Sum.variant("SumBackward1")
    return op.apply(input, dims, keepdim, dt.np if dt is not None else None)


def _need_float(name: str, input: Tensor) -> None:
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"{name}(): could not infer output dtype. Input dtype must be either a floating point or "
            f"complex dtype. Got: {dtypes.scalar_type_name(input.dtype)}\n"
            f"hint: convert first, e.g. x.float().{name}()."
        )


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Arithmetic mean; needs a floating dtype, as in PyTorch.

    >>> import learntorch as torch
    >>> torch.tensor([[1., 2.], [3., 5.]]).mean(dim=0)
    tensor([2.0000, 3.5000])
    """
    if dtype is not None:
        input = _to_copy(input, dtype=dtype)
    _need_float("mean", input)
    op = Mean if dim is None else Mean.variant("MeanBackward1")
    return op.apply(input, _dims(dim, input.ndim), keepdim)


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


# ---------------------------------------------------------------------- prod
class Prod(Op):
    """y = Π x;  dx = dy · (product of the other elements)"""

    @staticmethod
    def forward(ctx, x, dim, keepdim, dt):
        ctx.args = (dim, keepdim)
        y = ctx.xp.asarray(x.prod(axis=dim, keepdims=keepdim, dtype=dt))
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        dim, keepdim = ctx.args
        shape = tuple(x.shape)
        dims = None if dim is None else (dim,)
        g = _restore(grad, shape, dims, keepdim)
        if not bool((x._data == 0).any()):
            return g * _keep(y, shape, dims, keepdim) / x, None, None, None
        # with zeros, y / x is 0/0: multiply the products on each side of every element instead
        return g * Tensor._make(_prod_of_others(ctx.xp, x._data, dim)), None, None, None


def _prod_of_others(xp: Any, x: Any, dim: int | None) -> Any:
    """For each element, the product of all the others along ``dim`` (all of ``x`` if None)."""
    flat = x.reshape(-1) if dim is None else xp.moveaxis(x, dim, -1)
    ones = xp.ones(flat.shape[:-1] + (1,), dtype=x.dtype)
    before = xp.concatenate([ones, xp.cumprod(flat, axis=-1)[..., :-1]], axis=-1)
    after = xp.flip(xp.concatenate([ones, xp.cumprod(xp.flip(flat, -1), axis=-1)[..., :-1]], axis=-1), -1)
    out = before * after
    return out.reshape(x.shape) if dim is None else xp.moveaxis(out, -1, dim)


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Product of all elements, or along one ``dim``; the gradient is right with zeros too.

    >>> import learntorch as torch
    >>> x = torch.tensor([[2., 0.], [3., 4.]], requires_grad=True)
    >>> x.prod(1).sum().backward(); x.grad
    tensor([[0., 2.],
            [4., 3.]])
    """
    dt = dtype
    if dt is None and not input.dtype.is_floating_point:
        dt = dtypes.int64
    npdt = dt.np if dt is not None else None
    if dim is None:
        return Prod.apply(input, None, False, npdt)
    d = _wrap_dim(dim, input.ndim)
    return Prod.variant("ProdBackward1").apply(input, d if input.ndim else None, keepdim, npdt)


# ---------------------------------------------------------------------- norm
class VectorNorm(Op):
    """y = (Σ |x|^p)^(1/p);  dx = dy x |x|^(p-2) / y^(p-1)  (p = 2: dy x / y)"""

    node_name = "LinalgVectorNormBackward0"

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        xp = ctx.xp
        a = xp.abs(x)
        if p == 2:
            y = xp.sqrt((x * x).sum(axis=dims, keepdims=keepdim))
        elif p == 1:
            y = a.sum(axis=dims, keepdims=keepdim)
        elif p == math.inf:
            y = a.max(axis=dims, keepdims=keepdim) if x.size else xp.zeros(())
        elif p == -math.inf:
            y = a.min(axis=dims, keepdims=keepdim)
        elif p == 0:
            y = (x != 0).sum(axis=dims, keepdims=keepdim)
        else:
            with _quiet(xp):
                y = (a**p).sum(axis=dims, keepdims=keepdim) ** (1.0 / p)
        y = xp.asarray(y).astype(x.dtype, copy=False)
        ctx.args = (p, dims, keepdim)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        p, dims, keepdim = ctx.args
        shape = tuple(x.shape)
        g = _restore(grad, shape, dims, keepdim)
        yk = _keep(y, shape, dims, keepdim)
        if p == 0:
            return _zeros(x), None, None, None
        if p == 1:
            return g * x.sign(), None, None, None
        if p == 2:
            return x * where(yk == 0, 0.0, g / yk), None, None, None
        if p in (math.inf, -math.inf):
            hit = x.abs() == yk
            count = _keep(sum(hit, dims, keepdim=keepdim), shape, dims, keepdim)
            return where(hit, g * x.sign() / count, 0.0), None, None, None
        scale = where(yk == 0, 0.0, g / yk.pow(p - 1))
        return x * x.abs().pow(p - 2) * scale, None, None, None


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False, dtype: Any = None) -> Tensor:
    """Vector p-norm over all elements or ``dim``: ``p`` = 2 (and 'fro'), 1, inf, -inf, 0 or any number.

    >>> import learntorch as torch
    >>> x = torch.tensor([[3., -4.], [0., 0.]])
    >>> x.norm(), x.norm(1), x.norm(float('inf')), x.norm(dim=1)
    (tensor(5.), tensor(7.), tensor(4.), tensor([5., 0.]))
    """
    if dtype is not None:
        input = _to_copy(input, dtype=dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            "linalg.vector_norm: Expected a floating point or complex tensor as input. Got "
            f"{dtypes.scalar_type_name(input.dtype)}\nhint: convert first, e.g. x.float().norm()."
        )
    if p == "fro" or p is None:
        if isinstance(dim, (tuple, list)) and len(dim) > 2:
            raise RuntimeError(
                f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(str(d) for d in dim)}\n"
                "hint: pass a number p (e.g. p=2) for a vector norm over several dims."
            )
        p = 2
    if isinstance(p, str):
        raise RuntimeError(
            f"norm: p='{p}' (a matrix norm) is not provided by learntorch\n"
            "hint: vector norms are: p=2 ('fro'), 1, float('inf'), -float('inf'), 0 or any number."
        )
    return VectorNorm.apply(input, float(p), _dims(dim, input.ndim), keepdim)


# ---------------------------------------------------------------------- logsumexp, all/any
class Logsumexp(Op):
    """y = log Σ exp(x), computed as m + log Σ exp(x - m);  dx = dy exp(x - y) (the softmax)"""

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        xp = ctx.xp
        m = x.max(axis=dims, keepdims=True) if x.size else xp.zeros((1,) * x.ndim, x.dtype)
        m = xp.where(xp.isfinite(m), m, 0)  # all -inf (or inf) rows: no shift
        with _quiet(xp):
            y = xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True)) + m
        if not keepdim:
            y = y.squeeze(axis=dims) if dims is not None else y.reshape(())
        y = xp.asarray(y).astype(x.dtype, copy=False)
        ctx.args = (dims, keepdim)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        dims, keepdim = ctx.args
        shape = tuple(x.shape)
        return _restore(grad, shape, dims, keepdim) * (x - _keep(y, shape, dims, keepdim)).exp(), None, None


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input), dim))`` without overflow.

    >>> import learntorch as torch
    >>> torch.tensor([1000., 1000.]).logsumexp(0)
    tensor(1000.6932)
    """
    if not input.dtype.is_floating_point:
        input = _to_copy(input, dtype=dtypes.get_default_dtype())
    return Logsumexp.apply(input, _dims(dim, input.ndim), keepdim)


def _bool_reduce(name: str, input: Tensor, dim: Any, keepdim: bool) -> Tensor:
    data = input._data
    xp = backend.array_module(data)
    dims = _dims(dim, input.ndim)
    out = xp.asarray(getattr(data.astype(bool, copy=False), name)(axis=dims, keepdims=keepdim))
    return Tensor._make(out.astype(xp.uint8) if data.dtype == xp.uint8 else out)


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True when every element (along ``dim``) is nonzero.

    >>> import learntorch as torch
    >>> torch.tensor([[True, False], [True, True]]).all(dim=1)
    tensor([False,  True])
    """
    return _bool_reduce("all", input, dim, keepdim)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """True when some element (along ``dim``) is nonzero."""
    return _bool_reduce("any", input, dim, keepdim)


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """Number of nonzero elements (along ``dim``), as int64.

    >>> import learntorch as torch
    >>> torch.count_nonzero(torch.tensor([[0, 1], [2, 3]]), dim=0)
    tensor([1, 2])
    """
    data = input._data
    xp = backend.array_module(data)
    dims = _dims(dim, input.ndim)
    return Tensor._make(xp.asarray((data != 0).sum(axis=dims), dtype=xp.int64))


bind(
    sum=sum,
    mean=mean,
    sum_to_size=sum_to_size,
    prod=prod,
    norm=norm,
    logsumexp=logsumexp,
    all=all,
    any=any,
    count_nonzero=count_nonzero,
)

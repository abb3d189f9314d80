"""Reductions: sum, mean, prod, max/min, argmax/argmin, var/std, norm, cumulative ops,
logsumexp, all/any.

``dim`` may be an int or a tuple of ints (``None`` reduces everything); ``keepdim``
keeps the reduced dimensions with size 1. Every backward first puts the reduced
dimensions back (``unsqueeze``) and then broadcasts (``expand``): the gradient of
"sum over a dimension" is "copy along that dimension".
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

from .. import backend, dtypes
from ..autograd.function import Op
from ..return_types import make_return_type
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .arith import _quiet, _zeros, where
from .compare import maximum, minimum
from .copy import _to_copy

__all__ = [
    "sum", "mean", "prod", "max", "min", "amax", "amin", "argmax", "argmin", "var", "std", "var_mean",
    "std_mean", "norm", "cumsum", "cumprod", "logsumexp", "all", "any", "count_nonzero",
]  # fmt: skip


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


class SumDim(Sum):
    """y = Σ x over ``dim``;  dx = dy broadcast back"""

    node_name = "SumBackward1"


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


class MeanDim(Mean):
    """y = mean of x over ``dim``;  dx = dy / n broadcast back"""

    node_name = "MeanBackward1"


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
    op = Sum if dim is None else SumDim
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
    op = Mean if dim is None else MeanDim
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


class ProdDim(Prod):
    """y = Π x over ``dim``;  dx = dy · (product of the other elements)"""

    node_name = "ProdBackward1"


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
    return ProdDim.apply(input, d if input.ndim else None, keepdim, npdt)


# ---------------------------------------------------------------------- max / min
class MaxAll(Op):
    """y = the largest element;  dx = dy shared evenly by the elements equal to y"""

    node_name = "MaxBackward1"
    _np = "max"

    @classmethod
    def forward(cls, ctx, x, dims=None, keepdim=False):
        y = ctx.xp.asarray(getattr(x, cls._np)(axis=dims, keepdims=keepdim))
        ctx.args = (dims, keepdim)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        dims, keepdim = ctx.args
        shape = tuple(x.shape)
        hit = x == _keep(y, shape, dims, keepdim)
        count = _keep(sum(hit, dims, keepdim=keepdim), shape, dims, keepdim)
        g = _restore(grad, shape, dims, keepdim)
        return where(hit, g / count, 0.0), None, None


class MinAll(MaxAll):
    """y = the smallest element;  dx = dy shared evenly by the elements equal to y"""

    node_name = "MinBackward1"
    _np = "min"


class Amax(MaxAll):
    """y = max over dims;  dx = dy shared evenly by the maximal elements"""

    node_name = "AmaxBackward0"


class Amin(MaxAll):
    """y = min over dims;  dx = dy shared evenly by the minimal elements"""

    node_name = "AminBackward0"
    _np = "min"


class MaxDim(Op):
    """(values, indices) = max along ``dim``;  dx = dy at the index that was picked"""

    node_name = "MaxBackward0"
    _arg = "argmax"

    @classmethod
    def forward(cls, ctx, x, dim, keepdim):
        xp = ctx.xp
        idx = xp.expand_dims(getattr(x, cls._arg)(axis=dim), dim)
        values = xp.take_along_axis(x, idx, axis=dim)
        if not keepdim:
            idx, values = idx.squeeze(dim), values.squeeze(dim)
        ctx.args = (x.shape, dim, keepdim, idx)
        ctx.non_differentiable = {1}
        return values, idx.astype(xp.int64)

    @staticmethod
    def backward(ctx, grad, _grad_idx):
        shape, dim, keepdim, idx = ctx.args
        return _select_backward(ctx.xp, grad, shape, dim, keepdim, idx), None, None


class MinDim(MaxDim):
    """(values, indices) = min along ``dim``;  dx = dy at the index that was picked"""

    node_name = "MinBackward0"
    _arg = "argmin"


def _select_backward(xp: Any, grad: Tensor, shape: tuple, dim: int, keepdim: bool, idx: Any) -> Tensor:
    """Route ``grad`` to the positions ``idx`` chose along ``dim`` (zeros elsewhere)."""
    if not keepdim:
        idx = xp.expand_dims(idx, dim)
        grad = grad.unsqueeze(dim)
    positions = xp.arange(shape[dim]).reshape((-1,) + (1,) * (len(shape) - dim - 1))
    chosen = Tensor._make(positions == idx)
    return where(chosen, grad, 0.0)


def _empty_check(name: str, input: Tensor) -> None:
    if input.numel() == 0:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
            "reduction dim with the 'dim' argument.\nhint: an empty tensor has no largest or smallest element."
        )


def _max_min(name: str, all_op: type, dim_op: type, pair: Any, input: Tensor, dim: Any, keepdim: bool) -> Any:
    if isinstance(dim, Tensor):
        return pair(input, dim)
    if dim is None:
        _empty_check(name, input)
        return all_op.apply(input)
    if isinstance(dim, (tuple, list)):
        raise TypeError(
            f"{name}() received an invalid combination of arguments - got (dim=tuple, ), but expected one "
            "of:\n * ()\n * (Tensor other)\n * (int dim, bool keepdim = False)\n"
            f"hint: use torch.a{name}(x, dim=(...)) to reduce several dims at once."
        )
    d = _wrap_dim(dim, input.ndim)
    if input.ndim == 0:
        zero = Tensor._make(backend.array_module(input._data).zeros((), dtype="int64"))
        return make_return_type(name, ("values", "indices"))((input.clone(), zero))
    values, indices = dim_op.apply(input, d, keepdim)
    return make_return_type(name, ("values", "indices"))((values, indices))


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The largest element; with ``dim``, ``(values, indices)`` along it; with a tensor, ``maximum``.

    >>> import learntorch as torch
    >>> x = torch.tensor([[1., 5.], [7., 2.]])
    >>> x.max()
    tensor(7.)
    >>> x.max(dim=1).indices
    tensor([1, 0])
    """
    return _max_min("max", MaxAll, MaxDim, maximum, input, dim, keepdim)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """The smallest element; with ``dim``, ``(values, indices)`` along it; with a tensor, ``minimum``."""
    return _max_min("min", MinAll, MinDim, minimum, input, dim, keepdim)


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Maximum over one or several dims (all by default); ties share the gradient.

    >>> import learntorch as torch
    >>> torch.tensor([[1, 5], [7, 2]]).amax(dim=(0, 1))
    tensor(7)
    """
    dims = _dims(dim, input.ndim)
    if dims is None:
        _empty_check("amax", input)
    return Amax.apply(input, dims, keepdim)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """Minimum over one or several dims (all by default); ties share the gradient."""
    dims = _dims(dim, input.ndim)
    if dims is None:
        _empty_check("amin", input)
    return Amin.apply(input, dims, keepdim)


def _arg_reduce(name: str, input: Tensor, dim: int | None, keepdim: bool) -> Tensor:
    data = input._data
    xp = backend.array_module(data)
    if input.dtype is dtypes.bool:
        raise RuntimeError(
            f"{name}(): does not support bool input\nhint: convert first, e.g. mask.int().{name}()."
        )
    if dim is None:
        if data.size == 0:
            raise IndexError(
                f"{name}(): Expected reduction dim to be specified for input.numel() == 0.\n"
                "hint: an empty tensor has no largest or smallest element."
            )
        out = getattr(data.reshape(-1), name)()
        out = xp.asarray(out, dtype=xp.int64)
        return Tensor._make(out.reshape((1,) * data.ndim) if keepdim else out)
    d = _wrap_dim(dim, input.ndim)
    if data.ndim == 0:
        return Tensor._make(xp.zeros((), dtype=xp.int64))
    return Tensor._make(getattr(data, name)(axis=d, keepdims=keepdim).astype(xp.int64))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (of the flattened tensor when ``dim`` is None); first on ties.

    >>> import learntorch as torch
    >>> torch.tensor([[1, 5], [7, 2]]).argmax(), torch.tensor([[1, 5], [7, 2]]).argmax(dim=1)
    (tensor(2), tensor([1, 0]))
    """
    return _arg_reduce("argmax", input, dim, keepdim)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element (of the flattened tensor when ``dim`` is None); first on ties."""
    return _arg_reduce("argmin", input, dim, keepdim)


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
    sum=sum, mean=mean, sum_to_size=sum_to_size, prod=prod, max=max, min=min, amax=amax, amin=amin,
    argmax=argmax, argmin=argmin, var=var, std=std, norm=norm, cumsum=cumsum, cumprod=cumprod,
    logsumexp=logsumexp, all=all, any=any, count_nonzero=count_nonzero,
)  # fmt: skip

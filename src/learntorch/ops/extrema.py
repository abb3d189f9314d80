"""Extremes: max, min, amax, amin, argmax, argmin.

The gradient of a max goes to the element that won (``max(dim)``) or is shared evenly among ties
(``max()``, ``amax``), as PyTorch does."""

from __future__ import annotations

from typing import Any

from .. import backend, dtypes
from ..autograd.function import Op
from ..return_types import make_return_type
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .arith import where
from .compare import maximum, minimum
from .reduce import _dims, _keep, _restore, sum


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
    return MaxAll.variant("AmaxBackward0").apply(input, dims, keepdim)


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


bind(max=max, min=min, amax=amax, amin=amin, argmax=argmax, argmin=argmin)

"""Copies that rearrange elements: flip, roll, tril, triu, repeat_interleave."""

from __future__ import annotations

from typing import Any

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .dims import flatten, unsqueeze
from .view import contiguous, expand, view


# ---------------------------------------------------------------------- copies: flip, roll, tril
class Flip(Op):
    """y = x reversed along ``dims`` (a copy);  dx = dy flipped back"""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return ctx.xp.flip(x, dims).copy() if dims else x.copy()

    @staticmethod
    def backward(ctx, grad):
        return flip(grad, ctx.dims), None


def _dims_list(dims: Any, n: int, what: str = "dims") -> tuple:
    ds = (dims,) if isinstance(dims, int) else tuple(dims)
    wrapped = tuple(_wrap_dim(d, n) for d in ds)
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


def flip(input: Tensor, *dims: Any) -> Tensor:
    """Reverse the order of elements along ``dims`` (copies, unlike NumPy's flip).

    >>> import learntorch as torch
    >>> torch.arange(4).view(2, 2).flip(0)
    tensor([[2, 3],
            [0, 1]])
    """
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return Flip.apply(input, _dims_list(dims, input.ndim))


class Roll(Op):
    """y = x shifted cyclically by ``shifts`` along ``dims`` (a copy);  dx = dy rolled back"""

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.args = (shifts, dims)
        if dims is None:
            return ctx.xp.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
        return ctx.xp.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        shifts, dims = ctx.args
        return Roll.apply(grad, tuple(-s for s in shifts), dims), None, None


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically; without ``dims`` the tensor is rolled as if flattened.

    >>> import learntorch as torch
    >>> torch.arange(4).roll(1)
    tensor([3, 0, 1, 2])
    """
    sh = (shifts,) if isinstance(shifts, int) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(sh) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        return Roll.apply(input, sh, None)
    ds = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(ds) != len(sh):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ds)}")
    return Roll.apply(input, sh, tuple(_wrap_dim(d, input.ndim) for d in ds))


class Tril(Op):
    """y = x with the elements above the ``diagonal``-th diagonal zeroed"""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return ctx.xp.tril(x, k)

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, ctx.k), None


class Triu(Op):
    """y = x with the elements below the ``diagonal``-th diagonal zeroed"""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return ctx.xp.triu(x, k)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, ctx.k), None


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (the rest zeroed).

    >>> import learntorch as torch
    >>> torch.ones(2, 2).tril()
    tensor([[1., 0.],
            [1., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return Tril.apply(input, int(diagonal))


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (the rest zeroed)."""
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return Triu.apply(input, int(diagonal))


def repeat_interleave(
    input: Any, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element along ``dim``).

    >>> import learntorch as torch
    >>> torch.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    >>> torch.tensor([[1, 2], [3, 4]]).repeat_interleave(torch.tensor([1, 2]), dim=0)
    tensor([[1, 2],
            [3, 4],
            [3, 4]])
    """
    if repeats is None:  # torch.repeat_interleave(counts): indices repeated by counts
        counts = input
        xp = backend.array_module(counts._data)
        return Tensor._make(xp.repeat(xp.arange(counts.shape[0]), counts._data))
    x = input
    if dim is None:
        x = flatten(x)
        dim = 0
    d = _wrap_dim(dim, x.ndim)
    if isinstance(repeats, Tensor) and repeats.numel() != 1:
        size = x.shape[d]
        if repeats.ndim != 1 or repeats.shape[0] != size:
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                f"{repeats.shape[0] if repeats.ndim else 1} and input.size({d}) = {size}"
            )
        from .gather import index_select  # noqa: PLC0415

        xp = backend.array_module(repeats._data)
        idx = Tensor._make(xp.repeat(xp.arange(size), repeats._data))
        return index_select(x, d, idx)
    r = int(repeats)
    if r < 0:
        raise RuntimeError("repeats can not be negative")
    shape = list(x.shape)
    y = unsqueeze(x, d + 1)
    y = expand(y, *shape[: d + 1], r, *shape[d + 1 :])
    shape[d] *= r
    return view(contiguous(y), *shape)


bind(flip=flip, roll=roll, tril=tril, triu=triu, repeat_interleave=repeat_interleave)

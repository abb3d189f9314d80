"""Views of a part of a tensor: select, narrow, basic slicing, unbind, split, chunk.

The backward of a part places the gradient into zeros of the whole (:class:`_Embed`)."""

from __future__ import annotations

from typing import Any

from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from . import join, layout
from ._util import bind
from .view import _ViewOp


# ---------------------------------------------------------------------- select / slice / narrow
class Select(_ViewOp):
    """y = x[..., index, ...] along ``dim`` (a view);  dx = dy placed at ``index``, zeros elsewhere"""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim, index)
        return x[(slice(None),) * dim + (index, Ellipsis)]  # the Ellipsis keeps a 0-d result a view

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.args
        return _embed(grad, shape, (slice(None),) * dim + (index,), "SelectBackwardBackward0"), None, None


class Slice(_ViewOp):
    """y = x[start:stop:step] along ``dim`` (a view);  dx = dy placed in the slice, zeros elsewhere"""

    @staticmethod
    def forward(ctx, x, dim, start, stop, step):
        ctx.args = (x.shape, (slice(None),) * dim + (slice(start, stop, step),))
        if stop > start:
            return x[ctx.args[1]]
        # an empty slice: NumPy would not move the data pointer, torch's storage_offset does
        shape, st = list(x.shape), list(layout.elem_strides(x))
        shape[dim] = 0
        base = layout.shift(x, start * st[dim]) if x.size and start else x
        st[dim] *= step
        return layout.strided(base, tuple(shape), tuple(st))

    @staticmethod
    def backward(ctx, grad):
        shape, key = ctx.args
        return _embed(grad, shape, key, "SliceBackwardBackward0"), None, None, None, None


class _Embed(Op):
    """out = zeros(shape) with ``out[key] = g``: the backward of a select/slice"""

    _abstract = True

    @staticmethod
    def forward(ctx, g, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        out[key] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return _basic_index(grad, ctx.key), None, None


_EMBEDS: dict = {}


def _embed(g: Tensor, shape: tuple, key: tuple, name: str) -> Tensor:
    cls = _EMBEDS.get(name)
    if cls is None:
        cls = _EMBEDS[name] = type(name.replace("Backward0", ""), (_Embed,), {"node_name": name})
    return cls.apply(g, shape, key)


def _basic_index(x: Tensor, key: tuple) -> Tensor:
    """Apply a tuple of ints and slices one dimension at a time (select/slice views)."""
    dim = 0
    for k in key:
        if isinstance(k, slice):
            if k != slice(None):
                x = _slice(x, dim, k.start, k.stop, k.step or 1)
            dim += 1
        else:
            x = select(x, dim, k)
    return x


def _slice(x: Tensor, dim: int, start: Any, stop: Any, step: int) -> Tensor:
    if step <= 0:
        raise ValueError("step must be greater than zero")
    n = x._data.shape[dim]
    start, stop, _ = slice(start, stop).indices(n)
    stop = max(stop, start)
    return Slice.apply(x, dim, start, stop, step)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """``input`` indexed at ``index`` along ``dim``; the dimension disappears (a view).

    >>> import learntorch as torch
    >>> torch.arange(6).view(2, 3).select(1, 2)
    tensor([2, 5])
    """
    n = input.ndim
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, n)
    size = input._data.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}"
        )
    return Select.apply(input, d, index % size)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Elements ``start .. start+length-1`` along ``dim`` (a view, ``SliceBackward0``).

    >>> import learntorch as torch
    >>> torch.arange(5).narrow(0, 1, 3)
    tensor([1, 2, 3])
    """
    n = input.ndim
    d = _wrap_dim(dim, n)
    size = input._data.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size}).\n"
            f"hint: dimension {d} has {size} elements; start + length must be at most {size}."
        )
    return Slice.apply(input, d, start, start + length, 1)


# ---------------------------------------------------------------------- unbind / split / chunk
class Unbind(_ViewOp):
    """(y_0, ..., y_{n-1}) = the slices of x along ``dim`` (views);  dx = stack(dy)"""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return tuple(x[(slice(None),) * dim + (i, Ellipsis)] for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return join.stack(grads, ctx.dim), None


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """All slices along ``dim``, as a tuple of views.

    >>> import learntorch as torch
    >>> torch.arange(4).view(2, 2).unbind(1)
    (tensor([0, 2]), tensor([1, 3]))
    """
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Unbind.apply(input, _wrap_dim(dim, input.ndim))


class Split(_ViewOp):
    """pieces of x along ``dim`` of ``split_size`` each (views);  dx = cat(dy)"""

    @staticmethod
    def forward(ctx, x, dim, sizes):
        ctx.dim = dim
        out, start = [], 0
        for s in sizes:
            out.append(x[(slice(None),) * dim + (slice(start, start + s),)])
            start += s
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        return join.cat(grads, ctx.dim), None, None


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Cut into pieces of ``split_size`` (the last may be smaller), or of the listed sizes.

    >>> import learntorch as torch
    >>> [p.tolist() for p in torch.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    >>> [p.tolist() for p in torch.arange(5).split([1, 4])]
    [[0], [1, 2, 3, 4]]
    """
    d = _wrap_dim(dim, tensor.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = tuple(int(s) for s in split_size_or_sections)
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                f"dimension {d}), but got split_sizes={list(sizes)}"
            )
        return Split.variant("SplitWithSizesBackward0").apply(tensor, d, sizes)
    step = int(split_size_or_sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0:
        if size != 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        return Split.apply(tensor, d, (0,))
    n = max((size + step - 1) // step, 1)
    sizes = tuple(min(step, size - i * step) for i in range(n))
    return Split.apply(tensor, d, sizes)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of equal size (the last may be smaller, there may be fewer).

    >>> import learntorch as torch
    >>> len(torch.arange(6).chunk(4))
    3
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, input.ndim)
    size = input._data.shape[d]
    step = (size + chunks - 1) // chunks
    if step == 0:
        return Split.apply(input, d, (0,) * min(chunks, 1))
    return split(input, step, d)


bind(narrow=narrow, select=select, unbind=unbind, split=split, chunk=chunk)

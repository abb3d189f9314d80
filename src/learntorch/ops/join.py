"""Copies built from pieces: repeat (tiles), cat, stack, hstack, vstack."""

from __future__ import annotations

from typing import Any, Sequence

from .. import dtypes
from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from . import slicing
from ._util import bind
from .copy import _to_copy
from .view import _shape_arg


# ---------------------------------------------------------------------- copies: repeat, cat, stack
class Repeat(Op):
    """y = x tiled ``repeats`` times along each dimension (a copy);  dx = sum over the tiles"""

    @staticmethod
    def forward(ctx, x, repeats):
        lead = len(repeats) - x.ndim
        ctx.args = (x.shape, repeats, lead)
        return ctx.xp.tile(x.reshape((1,) * lead + x.shape), repeats)

    @staticmethod
    def backward(ctx, grad):
        shape, repeats, lead = ctx.args
        full = (1,) * lead + tuple(shape)
        split_shape: list = []
        for r, s in zip(repeats, full):
            split_shape += [r, s]
        g = grad.reshape(split_shape).sum(tuple(range(0, 2 * len(full), 2)))
        return g.reshape(shape), None


def repeat(self: Tensor, *sizes: Any) -> Tensor:
    """Copy the data ``sizes[i]`` times along dimension ``i`` (compare ``expand``, which does not copy).

    >>> import learntorch as torch
    >>> torch.tensor([[1, 2, 3]]).repeat(2, 1)
    tensor([[1, 2, 3],
            [1, 2, 3]])
    """
    reps = _shape_arg(sizes)
    if len(reps) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor\n"
            f"hint: this tensor has {self.ndim} dimensions; give a repeat count for each (1 keeps a dimension)."
        )
    lead = len(reps) - self.ndim
    out_shape = [r * s for r, s in zip(reps, (1,) * lead + tuple(self.shape))]
    for s in out_shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out_shape}")
    return Repeat.apply(self, reps)


def _promote_all(tensors: Sequence[Tensor]) -> list:
    dt = tensors[0].dtype
    for t_ in tensors[1:]:
        dt = dtypes.promote_types(dt, t_.dtype)
    return [_to_copy(t_, dtype=dt) for t_ in tensors]


class Cat(Op):
    """y = x_0, x_1, ... joined along ``dim``;  dx_i = the matching slice of dy"""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] if x.ndim else 0 for x in xs]
        ctx.skipped = [x.ndim == 1 and x.shape[0] == 0 and len(xs) > 1 for x in xs]
        keep = [x for x, sk in zip(xs, ctx.skipped) if not sk] or list(xs)
        return ctx.xp.concatenate(keep, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        out, start = [None], 0
        for size, skipped in zip(ctx.sizes, ctx.skipped):
            if skipped:
                out.append(None)
                continue
            out.append(slicing.narrow(grad, ctx.dim, start, size))
            start += size
        return tuple(out)


def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None) -> Tensor:
    """Join tensors along an existing dimension; all other sizes must match.

    >>> import learntorch as torch
    >>> torch.cat([torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])], dim=0)
    tensor([1, 2, 3, 4, 5, 6])
    """
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t_ in enumerate(tensors):
        if not isinstance(t_, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t_).__name__}")
        if t_.ndim == 0:
            raise RuntimeError(
                f"zero-dimensional tensor (at position {i}) cannot be concatenated\n"
                "hint: 0-d tensors have no dimension to join along; use torch.stack, or unsqueeze them first."
            )
    real = [t_ for t_ in tensors if not (t_.ndim == 1 and t_.shape[0] == 0)] or tensors[:1]
    ref = real[0]
    d = _wrap_dim(dim, ref.ndim)
    ref_i = tensors.index(ref) if any(r is ref for r in tensors) else 0
    for i, t_ in enumerate(tensors):
        if t_.ndim == 1 and t_.shape[0] == 0:
            continue
        if t_.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t_.ndim}\n"
                "hint: cat joins along an existing dimension; unsqueeze/reshape the tensors to the same "
                "number of dimensions (or use torch.stack to add a new one)."
            )
        for k in range(ref.ndim):
            if k != d and t_.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[k]} "
                    f"but got size {t_.shape[k]} for tensor number {i} in the list.\nhint: shapes "
                    f"{list(ref.shape)} (tensor {ref_i}) and {list(t_.shape)} differ outside dimension {d}."
                )
    return Cat.apply(d, *_promote_all(tensors))


concat = cat
concatenate = cat


class Stack(Op):
    """y = x_0, x_1, ... stacked along a new dimension ``dim``;  dx_i = dy.select(dim, i)"""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return ctx.xp.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(slicing.unbind(grad, ctx.dim))


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None) -> Tensor:
    """Join equally shaped tensors along a new dimension ``dim``.

    >>> import learntorch as torch
    >>> torch.stack([torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])], dim=0).shape
    torch.Size([2, 3])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]
    for i, t_ in enumerate(tensors):
        if t_.shape != ref.shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref.shape)} at entry 0 and "
                f"{list(t_.shape)} at entry {i}\nhint: stack needs identical shapes; use torch.cat to "
                "join along an existing dimension with different sizes."
            )
    d = _wrap_dim(dim, ref.ndim + 1)
    return Stack.apply(d, *_promote_all(tensors))


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dimension 1 (dimension 0 for 1-D tensors)."""
    ts = [t_ if t_.ndim else t_.reshape(1) for t_ in tensors]
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dimension 0 after making 1-D tensors rows."""
    ts = [t_.reshape(1, -1) if t_.ndim < 2 else t_ for t_ in tensors]
    return cat(ts, 0)


bind(repeat=repeat)

"""Views that re-read the same memory: view, reshape, contiguous, expand.

A view is an array view: the same memory seen with a new shape, strides and storage offset, laid out
exactly as PyTorch lays it out, and it shares its base tensor's version counter. Ops derived from
:class:`_ViewOp` are views. Strides are counted in elements (NumPy counts bytes); each view PyTorch
builds with its own stride rule is made with ``as_strided`` from strides computed by :mod:`.layout`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op, _apply
from ..autograd.inplace import _track_view
from ..tensor import Size, Tensor
from . import layout
from ._util import bind
from .copy import Clone


# ---------------------------------------------------------------------- shape arithmetic
def _shape_arg(shape: tuple) -> tuple:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


# ---------------------------------------------------------------------- view bookkeeping
class _ViewOp(Op):
    """An Op whose outputs are views of its first argument.

    Views of a tensor with history are remembered (weakly) by their base, so
    that an in-place change of the base (or of another view) can give them a
    fresh ``grad_fn``, as PyTorch does.
    """

    _abstract = True
    _view = True

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        out = _apply(cls, args, kwargs)
        if grad_mode.is_grad_enabled():
            if isinstance(out, tuple):
                for o in out:
                    _track_view(o)
            else:
                _track_view(out)
        return out


# ---------------------------------------------------------------------- view, reshape
class View(_ViewOp):
    """y = x seen with another shape (no copy);  the gradient is viewed back"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        st = layout.view_strides(x.shape, layout.elem_strides(x), shape)
        if st is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.\n"
                "hint: this tensor is not contiguous in memory (e.g. after transpose/permute/t), so "
                "view cannot reinterpret it without copying; use .reshape(...), which copies when it "
                "must, or call .contiguous() first."
            )
        return layout.strided(x, shape, st)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


class UnsafeView(Op):
    """y = a reshaped copy of x (what reshape does when a view is impossible)"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


class Alias(_ViewOp):
    """y = x, a new tensor object over the same memory (``x[...]``)"""

    @staticmethod
    def forward(ctx, x):
        return x[...]

    @staticmethod
    def backward(ctx, grad):
        return grad


def view(self: Tensor, *shape: Any) -> Tensor:
    """The same memory seen with a new shape; one dimension may be ``-1``.

    ``view(dtype)`` reinterprets the bytes as another dtype instead.

    >>> import learntorch as torch
    >>> x = torch.arange(6)
    >>> x.view(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    >>> x.view(2, 3).t().is_contiguous()
    False
    """
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        return _view_dtype(self, shape[0])
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    return View.apply(self, shape)


def _view_dtype(self: Tensor, dt: dtypes.dtype) -> Tensor:
    """The same bytes read as another dtype (torch's rules for the last dimension)."""
    a = self._data
    new_size = np.dtype(dt.np).itemsize
    old_size = a.itemsize
    if new_size != old_size:
        src, dst = dtypes.scalar_type_name(self.dtype), dtypes.scalar_type_name(dt)
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {src} as {dst} (different element sizes)")
        if self.stride(-1) != 1:
            raise RuntimeError(
                f"self.stride(-1) must be 1 to view {src} as {dst} (different element sizes), but got "
                f"{self.stride(-1)}"
            )
        if new_size > old_size:
            ratio = new_size // old_size
            if a.shape[-1] % ratio:
                raise RuntimeError(
                    f"self.size(-1) must be divisible by {ratio} to view {src} as {dst} (different "
                    f"element sizes), but got {a.shape[-1]}"
                )
            if self.storage_offset() % ratio:
                raise RuntimeError(
                    f"self.storage_offset() must be divisible by {ratio} to view {src} as {dst} "
                    f"(different element sizes), but got {self.storage_offset()}"
                )
            for d in range(a.ndim - 1):
                if self.stride(d) % ratio:
                    raise RuntimeError(
                        f"self.stride({d}) must be divisible by {ratio} to view {src} as {dst} "
                        f"(different element sizes), but got {self.stride(d)}"
                    )
    if a.ndim and a.shape[-1] and new_size != old_size:
        arr = a.view(dt.np)
    else:
        arr = a.view(dt.np) if a.ndim else a.reshape(1).view(dt.np).reshape(())
    out = Tensor._make_view(arr, self)
    return out


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """Like ``view`` when the layout allows it, otherwise a copy with the new shape.

    >>> import learntorch as torch
    >>> x = torch.arange(6).view(2, 3).t()
    >>> x.reshape(6)
    tensor([0, 3, 1, 4, 2, 5])
    """
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    if layout.view_strides(self._data.shape, self.stride(), shape) is not None:
        return View.apply(self, shape)
    return UnsafeView.apply(_clone_contiguous(self), shape)


def _clone_contiguous(self: Tensor) -> Tensor:
    out = Clone.apply(self)
    if not out._data.flags.c_contiguous:
        out._data = backend.array_module(out._data).ascontiguousarray(out._data)
    return out


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """Itself if already row-major contiguous, else a contiguous copy (``CloneBackward0``)."""
    if self.is_contiguous():
        return self
    return _clone_contiguous(self)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, other.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other.shape)


# ---------------------------------------------------------------------- expand
class Expand(_ViewOp):
    """y = x broadcast to a larger shape (stride 0, no copy);  dx = sum of dy over the copies"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        # torch's inferExpandGeometry: a new leading dimension of size 1 gets the stride it
        # would have in a contiguous layout; every stretched dimension gets stride 0
        n = len(shape)
        lead = n - x.ndim
        old_st = layout.elem_strides(x)
        st = [0] * n
        for i in range(n - 1, -1, -1):
            if i >= lead:
                size, stride = x.shape[i - lead], old_st[i - lead]
            else:
                size, stride = 1, shape[i + 1] * st[i + 1] if i + 1 < n else 1
            st[i] = stride if size == shape[i] else 0
        return layout.strided(x, shape, tuple(st))

    @staticmethod
    def backward(ctx, grad):
        return grad.sum_to_size(ctx.in_shape), None


def expand(self: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to ``sizes`` without copying (``-1`` keeps a dimension); stride 0 repeats.

    >>> import learntorch as torch
    >>> torch.tensor([[1, 2, 3]]).expand(2, 3).stride()
    (0, 1)
    """
    sizes = _shape_arg(sizes)
    nd = self.ndim
    if len(sizes) < nd:
        raise RuntimeError(
            f"expand({_type_str(self)}{{{list(self.shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
            f"({nd})\nhint: list a size for every existing dimension (use -1 to keep one)."
        )
    lead = len(sizes) - nd
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s == -1:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            out.append(s)
            continue
        cur = self.shape[i - lead]
        if s == -1:
            out.append(cur)
        elif cur == 1 or cur == s:
            out.append(s)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(self.shape)}\nhint: expand only stretches dimensions of size 1; use repeat to "
                "copy data along other dimensions."
            )
    return Expand.apply(self, tuple(out))


def _type_str(t: Tensor) -> str:
    return dtypes.legacy_type_name(t.dtype, t.is_cuda)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other.shape)


bind(
    view=view,
    reshape=reshape,
    contiguous=contiguous,
    expand=expand,
    expand_as=expand_as,
    view_as=view_as,
    reshape_as=reshape_as,
)

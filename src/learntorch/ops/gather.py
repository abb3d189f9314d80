"""Indexing by a tensor of indices along one dimension: index_select, gather, take_along_dim, scatter, scatter_add.

Each backward is the other half of the pair: gather's gradient is a scatter-add, scatter's a gather."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import dtypes
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .index import Index, _zero_like_scalar, index_put


# ---------------------------------------------------------------------- index_select / gather / scatter
def _check_index(index: Tensor, name: str) -> None:
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")


class IndexSelect(Op):
    """y = x picked at ``index`` along ``dim``;  dx = dy added back at ``index``"""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim, index)
        return ctx.xp.take(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.args
        zeros = Tensor._make(ctx.xp.zeros(shape, dtype=grad._data.dtype))
        key = (slice(None),) * dim + (index,)
        return index_put(zeros, key, grad, accumulate=True), None, None


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """Entries of ``input`` at positions ``index`` (1-D) along ``dim`` (a copy).

    >>> import learntorch as torch
    >>> torch.arange(6).view(2, 3).index_select(1, torch.tensor([2, 0]))
    tensor([[2, 0],
            [5, 3]])
    """
    d = _wrap_dim(dim, input.ndim)
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype not in (dtypes.int64, dtypes.int32):
        raise RuntimeError("index_select(): Expected dtype int32/int64 for index")
    arr = index._data.reshape(-1)
    size = input._data.shape[d] if input.ndim else 1
    if arr.size and (builtins.int(arr.min()) < 0 or builtins.int(arr.max()) >= size):
        raise IndexError(
            "index out of range in self\nhint: index_select takes indices 0..size-1 (negative indices "
            f"are not allowed); dimension {d} has size {size}."
        )
    if input.ndim == 0:
        return IndexSelect.apply(input.reshape(1), 0, arr).reshape(())
    return IndexSelect.apply(input, d, arr)


def _gather_key(index: Any, dim: int, xp: Any) -> tuple:
    """The NumPy key that reads ``out[i][j][k] = x[i][index[i][j][k]][k]`` (for dim=1)."""
    key = []
    for ax in range(index.ndim):
        if ax == dim:
            key.append(index)
        else:
            shape = [1] * index.ndim
            shape[ax] = index.shape[ax]
            key.append(xp.arange(index.shape[ax]).reshape(shape))
    return tuple(key)


def _check_gather(input: Tensor, dim: int, index: Tensor, name: str, src: Tensor | None = None) -> None:
    if index.dtype not in (dtypes.int64,) and not (name == "gather" and index.dtype is dtypes.int32):
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    if index.ndim != input.ndim and index.numel() and input.ndim:
        raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
    for ax in range(index.ndim):
        if ax != dim and index.shape[ax] > input.shape[ax]:
            raise RuntimeError(
                f"Size does not match at dimension {ax} expected index {list(index.shape)} to be no larger "
                f"than self {list(input.shape)} apart from dimension {dim}"
            )
    arr = index._data
    size = input._data.shape[dim] if input.ndim else 1
    if arr.size:
        bad = arr[(arr < 0) | (arr >= size)]
        if bad.size:
            raise RuntimeError(
                f"index {builtins.int(bad.reshape(-1)[0])} is out of bounds for dimension {dim} with size "
                f"{size}\nhint: every index must lie in 0..{size - 1}."
            )


class Gather(Op):
    """y[i][j] = x[i][index[i][j]] (for dim=1);  dx = dy scattered-added back"""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, _gather_key(index, dim, ctx.xp))
        return x[ctx.args[1]]

    @staticmethod
    def backward(ctx, grad):
        shape, key = ctx.args
        zeros = Tensor._make(ctx.xp.zeros(shape, dtype=grad._data.dtype))
        return index_put(zeros, key, grad, accumulate=True), None, None


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1`` (and likewise for other dims).

    >>> import learntorch as torch
    >>> torch.tensor([[1, 2], [3, 4]]).gather(1, torch.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    d = _wrap_dim(dim, input.ndim)
    _check_gather(input, d, index, "gather")
    return Gather.apply(input, d, index._data)


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """Pick values along ``dim`` at ``indices`` (broadcast against ``input``), like NumPy's."""
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1))
    d = _wrap_dim(dim, input.ndim)
    shape_i = list(
        np.broadcast_shapes(
            tuple(input.shape[:d]) + (1,) + tuple(input.shape[d + 1 :]),
            tuple(indices.shape[:d]) + (1,) + tuple(indices.shape[d + 1 :]),
        )
    )
    si, sx = list(shape_i), list(shape_i)
    si[d], sx[d] = indices.shape[d], input.shape[d]
    return gather(input.expand(*sx), d, indices.expand(*si))


class Scatter(Op):
    """y = x with y[i][index[i][j]] = src[i][j] (dim=1);  dx = dy off the written places, dsrc = dy gathered"""

    @staticmethod
    def forward(ctx, x, src, dim, index):
        key = _gather_key(index, dim, ctx.xp)
        ctx.key = key
        out = x.copy()
        out[key] = (
            src
            if not hasattr(src, "shape") or src.ndim == 0
            else src[tuple(slice(0, s) for s in index.shape)]
        )
        return out

    @staticmethod
    def backward(ctx, grad):
        gx = gsrc = None
        if ctx.needs_input_grad[0]:
            gx = index_put(grad, ctx.key, _zero_like_scalar(grad), False)
        if ctx.needs_input_grad[1]:
            g = Index.apply(grad, ctx.key)
            src_shape = ctx._in_shapes[1]
            if tuple(g.shape) != tuple(src_shape):
                pad = Tensor._make(ctx.xp.zeros(src_shape, dtype=g._data.dtype))
                g = index_put(
                    pad,
                    tuple(
                        ctx.xp.arange(s).reshape([-1 if i == j else 1 for j in range(len(src_shape))])
                        for i, s in enumerate(g.shape)
                    ),
                    g,
                    False,
                )
            gsrc = g
        return gx, gsrc, None, None


class ScatterScalar(Op):
    """y = x with ``value`` written at the scattered places"""

    node_name = "ScatterBackward1"

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.key = _gather_key(index, dim, ctx.xp)
        out = x.copy()
        out[ctx.key] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        return index_put(grad, ctx.key, _zero_like_scalar(grad), False), None, None, None


class ScatterAdd(Op):
    """y = x with src added at the scattered places;  dx = dy, dsrc = dy gathered"""

    @staticmethod
    def forward(ctx, x, src, dim, index):
        key = _gather_key(index, dim, ctx.xp)
        ctx.key = key
        out = x.copy()
        ctx.xp.add.at(out, key, src[tuple(slice(0, s) for s in index.shape)])
        return out

    @staticmethod
    def backward(ctx, grad):
        gsrc = None
        if ctx.needs_input_grad[1]:
            g = Index.apply(grad, ctx.key)
            src_shape = ctx._in_shapes[1]
            if tuple(g.shape) != tuple(src_shape):
                raise RuntimeError("scatter_add backward needs index and src of the same shape")
            gsrc = g
        return grad, gsrc, None, None


def scatter(
    input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None, reduce: str | None = None
) -> Tensor:
    """Write ``src`` (a tensor or a number) into a copy of ``input`` at ``index`` along ``dim``.

    >>> import learntorch as torch
    >>> torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 1.0)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    if src is None:
        src = value
    d = _wrap_dim(dim, input.ndim)
    _check_gather(input, d, index, "scatter")
    if isinstance(src, Tensor):
        if src.dtype != input.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        return Scatter.apply(input, src, d, index._data)
    return ScatterScalar.apply(input, d, index._data, src)


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """Add ``src`` into a copy of ``input`` at ``index`` along ``dim`` (repeats add up).

    >>> import learntorch as torch
    >>> torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.tensor([1.0, 2.0, 3.0]))
    tensor([3., 0., 3.])
    """
    d = _wrap_dim(dim, input.ndim)
    _check_gather(input, d, index, "scatter_add")
    if src.dtype != input.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    return ScatterAdd.apply(input, src, d, index._data)


bind(
    index_select=index_select,
    gather=gather,
    scatter=scatter,
    scatter_add=scatter_add,
    scatter_=_make_inplace(scatter),
    scatter_add_=_make_inplace(scatter_add),
    take_along_dim=take_along_dim,
)

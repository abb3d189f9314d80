"""Indexing: ``x[...]``, ``x[...] = v``, gather/scatter, masks, sorting, and ``CopySlices``.

``x[key]`` follows PyTorch (whose rules are NumPy's):

* ints, slices, ``None`` and ``...`` are *basic* indexing, applied one dimension
  at a time as ``select``/``slice``/``unsqueeze`` views: the result shares memory
  and the version counter with ``x``;
* integer tensors/lists and boolean masks are *advanced* indexing: one
  ``IndexBackward0`` op that copies.

``x[key] = v`` writes in place: basic keys copy ``v`` into the view ``x[key]``,
advanced keys use ``index_put_``.

When an in-place op writes into a *view* whose base has autograd history, the
base's history must change too. Its ``grad_fn`` becomes a ``CopySlices`` node:
the gradient outside the written region goes to the base's old history, the
region's gradient goes through the in-place op's own backward.
"""

from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op
from ..autograd.inplace import _check_inplace, _inplace, _make_inplace, _snapshot
from ..return_types import make_return_type
from ..tensor import Tensor, _wrap_dim
from . import layout
from ._util import bind, unbroadcast
from .compare import where
from .copy import _copy_, _to_copy
from .shape import (
    Alias,
    _slice,
    select,
    unsqueeze,
)

__all__ = [
    "index_select", "gather", "scatter", "scatter_add", "masked_fill", "masked_select",
    "take_along_dim", "nonzero", "argwhere", "sort", "argsort", "topk", "unique", "index_put",
]  # fmt: skip


# ---------------------------------------------------------------------- advanced indexing ops
class Index(Op):
    """y = x[i_0, i_1, ...] with integer index arrays (a copy);  dx = dy accumulated at the indices"""

    @staticmethod
    def forward(ctx, x, key):
        ctx.key = key
        out = x[key]
        return _rowmajor(ctx.xp, out)

    @staticmethod
    def backward(ctx, grad):
        zeros = Tensor._make(ctx.xp.zeros(ctx._in_shapes[0], dtype=grad._data.dtype))
        return index_put(zeros, ctx.key, grad, accumulate=True), None


def _empty_rowmajor(xp: Any, shape: tuple, dt: Any) -> Any:
    """An empty array with torch's row-major strides (NumPy 2 gives empty arrays zero strides)."""
    st, acc = [], 1
    for s in reversed(shape):
        st.append(acc)
        acc *= max(s, 1)
    return layout.strided(xp.empty(1, dtype=dt), tuple(shape), tuple(reversed(st)))


def _rowmajor(xp: Any, a: Any) -> Any:
    """``a`` itself if laid out with torch's row-major strides, else such a copy."""
    if a.size == 0:
        return _empty_rowmajor(xp, a.shape, a.dtype)
    st, acc = [], a.itemsize
    for s in reversed(a.shape):
        st.append(acc)
        acc *= s
    if a.strides == tuple(reversed(st)):
        return a
    out = xp.empty(a.shape, dtype=a.dtype)
    out[...] = a
    return out


class IndexPut(Op):
    """y = x with y[key] = v (or += v when accumulating);  dx = dy outside key, dv = dy[key]"""

    @staticmethod
    def forward(ctx, x, v, key, accumulate):
        ctx.key, ctx.accumulate = key, accumulate
        out = x.copy()
        if accumulate:
            ctx.xp.add.at(out, key, v)
        else:
            out[key] = v
        return out

    @staticmethod
    def backward(ctx, grad):
        gx = gv = None
        if ctx.needs_input_grad[0]:
            gx = grad if ctx.accumulate else index_put(grad, ctx.key, _zero_like_scalar(grad), False)
        if ctx.needs_input_grad[1]:
            gv = unbroadcast(Index.apply(grad, ctx.key), ctx._in_shapes[1])
        return gx, gv, None, None


def _zero_like_scalar(t: Tensor) -> Tensor:
    return Tensor._make(backend.array_module(t._data).zeros((), dtype=t._data.dtype))


def _as_value(v: Any, like: Tensor) -> Tensor:
    """``v`` as a tensor of ``like``'s dtype and device (keeps the graph for tensors)."""
    if isinstance(v, Tensor):
        return _to_copy(v, dtype=like.dtype, device=like.device)
    xp = backend.array_module(like._data)
    return Tensor._make(xp.asarray(v, dtype=like._data.dtype))


def index_put(input: Tensor, indices: Sequence[Any], values: Any, accumulate: bool = False) -> Tensor:
    """A copy of ``input`` with ``values`` written (or added) at ``indices``.

    >>> import learntorch as torch
    >>> torch.zeros(3).index_put((torch.tensor([0, 0]),), torch.tensor(1.0), accumulate=True)
    tensor([2., 0., 0.])
    """
    key = tuple(i._data if isinstance(i, Tensor) else i for i in indices)
    return IndexPut.apply(input, _as_value(values, input), key, bool(accumulate))


def _index_put_(self: Tensor, indices: Sequence[Any], values: Any, accumulate: bool = False) -> Tensor:
    _check_inplace(self)
    v = _as_value(values, self)
    key = tuple(i._data if isinstance(i, Tensor) else i for i in indices)
    if grad_mode.is_grad_enabled() and (self._requires_grad or v._requires_grad):
        return _inplace(self, IndexPut.apply(_snapshot(self), v, key, bool(accumulate)))
    if accumulate:
        backend.array_module(self._data).add.at(self._data, key, v._data)
    else:
        self._data[key] = v._data
    self._bump_version()
    return self


# ---------------------------------------------------------------------- x[key]
_INDEX_TYPE_ERR = (
    "only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices "
    "(got {})"
)


def _normalize_key(key: Any) -> tuple:
    """A tuple of int | slice | None | Ellipsis | bool | Tensor items (lists become tensors)."""
    if isinstance(key, tuple):
        items = key
    elif isinstance(key, list) and not _is_index_list(key):
        items = tuple(key)
    else:
        items = (key,)
    out = []
    for k in items:
        if k is None or k is Ellipsis or isinstance(k, slice):
            out.append(k)
        elif isinstance(k, (builtins.bool, np.bool_)):
            out.append(builtins.bool(k))
        elif isinstance(k, (builtins.int, np.integer)):
            out.append(builtins.int(k))
        elif isinstance(k, Tensor):
            if k.ndim == 0 and not k.dtype.is_floating_point and k.dtype is not dtypes.bool:
                out.append(builtins.int(k.item()))
            else:
                out.append(k)
        elif isinstance(k, (list, tuple, np.ndarray)):
            arr = np.asarray(k)
            if arr.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            out.append(Tensor._make(arr.astype(np.int64) if arr.dtype.kind in "iu" else arr))
        else:
            raise IndexError(_INDEX_TYPE_ERR.format(type(k).__name__))
    return tuple(out)


def _is_index_list(key: list) -> bool:
    """A list used as a whole key is an index list unless it holds slices, None, ... or sequences."""
    return not any(k is None or k is Ellipsis or isinstance(k, (slice, list, tuple, Tensor)) for k in key)


def _consumed(k: Any) -> int:
    if k is None or k is Ellipsis or isinstance(k, builtins.bool):
        return 0
    if isinstance(k, Tensor) and k.dtype is dtypes.bool:
        return k.ndim
    return 1


def _split_key(self: Tensor, key: Any) -> tuple:
    """Apply the basic part of ``key``; return (view, advanced index per dim or None, any_basic)."""
    items = _normalize_key(key)
    n = self.ndim
    used = sum(_consumed(k) for k in items)
    if used > n:
        raise IndexError(f"too many indices for tensor of dimension {n}")
    if sum(k is Ellipsis for k in items) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    y, d, advanced, touched = self, 0, [], False
    masks: list = []
    adv_i = 0  # torch names an advanced index by its position among the index tensors
    od = 0  # the dimension of ``self`` that the item indexes (for error messages)
    single = not isinstance(key, tuple) and len(items) == 1
    for pos, k in enumerate(items):  # torch's message names an int item by its position in the key
        if k is Ellipsis:
            d += n - used
            od += n - used
        elif k is None:
            y, d, touched = unsqueeze(y, d), d + 1, True
        elif isinstance(k, builtins.bool):
            y = unsqueeze(y, d)
            advanced.append((d, np.array([k])))
            d += 1
        elif isinstance(k, builtins.int):
            size = y._data.shape[d]
            if not -size <= k < size:
                raise IndexError(
                    f"index {k} is out of bounds for dimension {pos} with size {size}\n"
                    f"hint: valid indices along dimension {od} of the tensor are {-size}..{size - 1}."
                )
            y, touched = select(y, d, k), True
            od += 1
        elif isinstance(k, slice):
            step = 1 if k.step is None else builtins.int(k.step)
            if step <= 0:
                raise ValueError(
                    "step must be greater than zero\nhint: PyTorch has no negative slice steps; "
                    "use x.flip(dim) to reverse a dimension."
                )
            size = y._data.shape[d]
            start, stop, _ = slice(k.start, k.stop).indices(size)
            # torch skips a full slice inside a tuple key, judged on the raw start/stop
            full = (k.start or 0) == 0 and (k.stop is None or k.stop >= size) and step == 1
            if single or not full:
                y, touched = _slice(y, d, k.start, k.stop, step), True
            d += 1
            od += 1
        else:  # a tensor index
            arr = k._data
            if k.dtype is dtypes.bool:
                masks.append((d, k))  # checked once all basic indexing is applied, as torch does
                advanced.append((d, arr))
                d += k.ndim
                od += k.ndim
            else:
                if k.dtype.is_floating_point:
                    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
                size = y._data.shape[d]
                if arr.size:
                    lo, hi = builtins.int(arr.min()), builtins.int(arr.max())
                    bad = hi if hi >= size else lo if lo < -size else None
                    if bad is not None:
                        raise IndexError(
                            f"index {bad} is out of bounds for dimension {adv_i} with size {size}\n"
                            f"hint: valid indices along dimension {od} of the tensor are {-size}..{size - 1}."
                        )
                advanced.append((d, arr))
                d += 1
                od += 1
                adv_i += 1
    for d, k in masks:
        mask_shape = tuple(y._data.shape[d : d + k.ndim])
        if tuple(k.shape) != mask_shape:
            bad = next((i for i, (a, b) in enumerate(zip(k.shape, mask_shape)) if a != b), 0)
            raise IndexError(
                f"The shape of the mask {list(k.shape)} at index {bad} does not match the shape "
                f"of the indexed tensor {list(y.shape)} at index {d + bad}"
            )
    return y, advanced, touched


def _advanced_key(y: Tensor, advanced: list) -> tuple:
    """The NumPy key for ``advanced``: integer arrays in place of masks, slices elsewhere."""
    key: list = [slice(None)] * y.ndim
    xp = backend.array_module(y._data)
    arrays = []
    for d, arr in advanced:
        if arr.dtype == bool:
            nz = xp.nonzero(arr) if arr.ndim else (xp.nonzero(arr.reshape(1))[0],)
            for j, a in enumerate(nz):
                key[d + j] = a
                arrays.append(a)
        else:
            key[d] = xp.asarray(arr, dtype=xp.int64) if arr.dtype != xp.int64 else arr
            arrays.append(key[d])
    if len(arrays) > 1:
        try:
            xp.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            shapes = ", ".join(str(list(a.shape)) for a in arrays)
            raise IndexError(
                f"shape mismatch: indexing tensors could not be broadcast together with shapes {shapes}"
            ) from None
    while key and isinstance(key[-1], slice):
        key.pop()
    return tuple(key)


def getitem(self: Tensor, key: Any) -> Tensor:
    """``x[key]``: basic indexing gives a view, advanced indexing a copy.

    >>> import learntorch as torch
    >>> x = torch.arange(6).view(2, 3)
    >>> x[1], x[:, 1:], x[x > 3]
    (tensor([3, 4, 5]), tensor([[1, 2],
            [4, 5]]), tensor([4, 5]))
    """
    if (
        self.ndim == 0
        and key is not None
        and key is not Ellipsis
        and not isinstance(key, (tuple, builtins.bool, Tensor))
    ):
        if isinstance(key, (builtins.int, slice)):
            raise IndexError(
                "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                "in C++ to convert a 0-dim tensor to a number"
            )
    y, advanced, touched = _split_key(self, key)
    if advanced:
        return Index.apply(y, _advanced_key(y, advanced))
    if not touched:
        return Alias.apply(self)
    return y


def setitem(self: Tensor, key: Any, value: Any) -> None:
    """``x[key] = value``: write in place (broadcasting ``value``), bumping the version.

    >>> import learntorch as torch
    >>> x = torch.zeros(2, 3)
    >>> x[0] = 1.0
    >>> x[:, 2] = torch.tensor([5.0, 6.0])
    >>> x
    tensor([[1., 1., 5.],
            [0., 0., 6.]])
    """
    if not isinstance(value, Tensor):
        value = Tensor._make(backend.array_module(self._data).asarray(value, dtype=self._data.dtype))
    y, advanced, touched = _split_key(self, key)
    if advanced:
        _index_put_(y, _advanced_key(y, advanced), value)
        return
    _copy_(y, value)


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


# ---------------------------------------------------------------------- masks
def _check_mask(mask: Tensor, name: str) -> None:
    if mask.dtype is not dtypes.bool:
        raise RuntimeError(
            f"{name} only supports boolean masks, but got mask with dtype {mask.dtype.name if mask.dtype is not dtypes.uint8 else 'unsigned char'}"
            "\nhint: build the mask with a comparison (e.g. x > 0), or convert it with .bool()."
        )


class MaskedFill(Op):
    """y = x with ``value`` where ``mask``;  dx = dy where not mask, dvalue = sum of dy where mask"""

    @staticmethod
    def forward(ctx, x, value, mask):
        ctx.mask = mask
        return ctx.xp.where(mask, value, x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        m = Tensor._make(ctx.mask)
        gx = unbroadcast(where(m, 0.0, grad), ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gv = where(m, grad, 0.0).sum().reshape(ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return gx, gv, None


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` where ``mask`` is True (mask broadcasts).

    >>> import learntorch as torch
    >>> x = torch.tensor([1.0, -2.0, 3.0])
    >>> x.masked_fill(x < 0, 0.0)
    tensor([1., 0., 3.])
    """
    _check_mask(mask, "masked_fill_")
    if isinstance(value, Tensor) and value.ndim != 0:
        raise RuntimeError(
            "masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
            f"{value.ndim} dimension(s)."
        )
    v = _as_value(value, input)
    out_shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    if tuple(out_shape) != tuple(input.shape):
        input = input.expand(*out_shape)
    return MaskedFill.apply(input, v, mask._data)


class MaskedSelect(Op):
    """y = the elements of x where ``mask`` (1-D copy);  dx = dy put back at the mask's places"""

    @staticmethod
    def forward(ctx, x, mask):
        m = ctx.xp.broadcast_to(mask, x.shape)
        ctx.mask = m
        return x[m]

    @staticmethod
    def backward(ctx, grad):
        zeros = Tensor._make(ctx.xp.zeros(ctx._in_shapes[0], dtype=grad._data.dtype))
        return index_put(zeros, ctx.xp.nonzero(ctx.mask), grad, False), None


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor.

    >>> import learntorch as torch
    >>> x = torch.tensor([[1, 2], [3, 4]])
    >>> torch.masked_select(x, x > 1)
    tensor([2, 3, 4])
    """
    _check_mask(mask, "masked_select:")
    shape = np.broadcast_shapes(tuple(input.shape), tuple(mask.shape))
    if tuple(shape) != tuple(input.shape):
        input = input.expand(*shape)
    return MaskedSelect.apply(input, mask._data)


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """Indices of the non-zero elements: an ``(n, ndim)`` tensor, or one 1-D tensor per dim.

    >>> import learntorch as torch
    >>> torch.nonzero(torch.tensor([[1, 0], [0, 1]]))
    tensor([[0, 0],
            [1, 1]])
    """
    xp = backend.array_module(input._data)
    a = input._data if input.ndim else input._data.reshape(1)
    nz = xp.nonzero(a)
    if as_tuple and input.ndim:
        return nonzero(input).unbind(1)  # columns of the (n, ndim) result, as torch returns them
    if as_tuple:
        return tuple(Tensor._make(_rowmajor(xp, xp.asarray(i, dtype=xp.int64))) for i in nz)
    # torch lays the (n, ndim) result out column by column: strides (1, n)
    n = int(nz[0].shape[0])
    k = a.ndim if input.ndim else 0
    if n == 0 or k == 0:
        return Tensor._make(layout.strided(xp.empty(1, dtype=xp.int64), (n, k), (1, n)))
    return Tensor._make(xp.stack(nz, axis=0).astype(xp.int64, copy=False).T)


def argwhere(input: Tensor) -> Tensor:
    """Same as ``nonzero(input)``."""
    return nonzero(input)


# ---------------------------------------------------------------------- sort / topk / unique
_sort_t = make_return_type("sort", ("values", "indices"))
_topk_t = make_return_type("topk", ("values", "indices"))


class _SortLike(Op):
    """values = x picked along ``dim`` at ``indices``;  dx = dvalues put back at indices"""

    _abstract = True

    @staticmethod
    def forward(ctx, x, dim, order):
        xp = ctx.xp
        order = _rowmajor(xp, order)
        vals = _rowmajor(xp, xp.take_along_axis(x, order, axis=dim))
        ctx.args = (x.shape, dim, order)
        ctx.non_differentiable = {1}
        return vals, order

    @staticmethod
    def backward(ctx, grad, _gi=None):
        shape, dim, order = ctx.args
        zeros = Tensor._make(ctx.xp.zeros(shape, dtype=grad._data.dtype))
        key = _gather_key(order, dim, ctx.xp)
        return index_put(zeros, key, grad, False), None, None


class Sort(_SortLike):
    pass


class Topk(_SortLike):
    pass


def _order(a: Any, dim: int, descending: bool, stable: bool = True) -> Any:
    xp = backend.array_module(a)
    if a.dtype == bool:
        a = a.astype(xp.int8)
    if descending:
        # stable descending order: sort the reversed axis ascending on negated keys
        key = -a.astype(xp.float64) if a.dtype.kind != "f" else -a
        if a.dtype.kind == "f":
            key = xp.where(xp.isnan(a), -xp.inf, key)
        return xp.argsort(key, axis=dim, kind="stable")
    if a.dtype.kind == "f":
        return xp.argsort(a, axis=dim, kind="stable")
    return xp.argsort(a, axis=dim, kind="stable")


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """Sorted values along ``dim`` and the indices they came from (``torch.return_types.sort``).

    >>> import learntorch as torch
    >>> torch.tensor([3, 1, 2]).sort()
    torch.return_types.sort(
    values=tensor([1, 2, 3]),
    indices=tensor([1, 2, 0]))
    """
    if input.ndim == 0:
        return _sort_t(
            (input.clone(), Tensor._make(backend.array_module(input._data).zeros((), dtype=np.int64)))
        )
    d = _wrap_dim(dim, input.ndim)
    order = _order(input._data, d, descending).astype(np.int64, copy=False)
    vals, idx = Sort.apply(input, d, order)
    return _sort_t((vals, idx))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending, stable).indices


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    >>> import learntorch as torch
    >>> torch.tensor([1.0, 5.0, 3.0]).topk(2)
    torch.return_types.topk(
    values=tensor([5., 3.]),
    indices=tensor([1, 2]))
    """
    d = _wrap_dim(dim, input.ndim) if input.ndim else 0
    size = input._data.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    a = input._data if input.ndim else input._data.reshape(1)
    order = _order(a, d, largest).astype(np.int64, copy=False)
    order = order[(slice(None),) * d + (slice(0, k),)]
    x = input if input.ndim else input.reshape(1)
    vals, idx = Topk.apply(x, d, order)
    if input.ndim == 0:
        vals, idx = vals.reshape(()), idx.reshape(())
    return _topk_t((vals, idx))


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,  # noqa: A002
) -> Any:
    """The distinct values (sorted), optionally with inverse indices and counts.

    >>> import learntorch as torch
    >>> torch.unique(torch.tensor([3, 1, 1, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([2, 1, 1]))
    """
    xp = backend.array_module(input._data)
    a = input._data
    if dim is None:
        vals, inv, counts = xp.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = _wrap_dim(dim, input.ndim)
        vals, inv, counts = xp.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [Tensor._make(_rowmajor(xp, vals))]
    if return_inverse:
        out.append(Tensor._make(_rowmajor(xp, inv.astype(xp.int64))))
    if return_counts:
        out.append(Tensor._make(_rowmajor(xp, counts.astype(xp.int64))))
    return out[0] if len(out) == 1 else tuple(out)


bind(
    index_select=index_select, gather=gather, scatter=scatter, scatter_add=scatter_add,
    scatter_=_make_inplace(scatter), scatter_add_=_make_inplace(scatter_add),
    masked_fill=masked_fill, masked_fill_=_make_inplace(masked_fill), masked_select=masked_select,
    take_along_dim=take_along_dim, nonzero=nonzero, argwhere=argwhere,
    sort=sort, argsort=argsort, topk=topk, unique=unique,
    index_put=index_put, index_put_=_index_put_,
)  # fmt: skip

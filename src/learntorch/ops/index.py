"""Indexing: ``x[...]`` and ``x[...] = v`` (gather/scatter, masks and sorting are beside it).

``x[key]`` follows PyTorch (whose rules are NumPy's):

* ints, slices, ``None`` and ``...`` are *basic* indexing, applied one dimension
  at a time as ``select``/``slice``/``unsqueeze`` views: the result shares memory
  and the version counter with ``x``;
* integer tensors/lists and boolean masks are *advanced* indexing: one
  ``IndexBackward0`` op that copies.

``x[key] = v`` writes in place: basic keys copy ``v`` into the view ``x[key]``,
advanced keys use ``index_put_``.

When an in-place op writes into a *view* whose base has autograd history, the
base's ``grad_fn`` becomes a ``CopySlices`` node (see :mod:`learntorch.autograd.inplace`).
"""

from __future__ import annotations

import builtins
from typing import Any, Sequence

import numpy as np

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op
from ..autograd.inplace import _check_inplace, _inplace, _snapshot
from ..tensor import Tensor
from . import layout
from ._util import bind, unbroadcast
from .copy import _copy_, _to_copy
from .dims import unsqueeze
from .slicing import _slice, select
from .view import Alias

__all__ = ["index_put"]


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


bind(index_put=index_put, index_put_=_index_put_)

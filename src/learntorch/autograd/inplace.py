"""In-place operations meet autograd: everything about ``x.add_(y)`` in one file.

* **Version counters.** A tensor and all its views share ``_version_box``; every
  in-place write bumps it (``Tensor._bump_version``). A node that saved a tensor
  remembers the version it saw, and backward refuses a changed one
  (``autograd/saved.py``, ``_Saved``; its twin refusal ``_check_inplace_leaf`` is there too).
* **The write and its refusals.** ``_make_inplace(fn)`` turns an op into its ``op_``
  method: ``_check_inplace`` refuses what PyTorch refuses (a leaf that requires grad,
  a view of one, memory shared through ``expand``), ``_snapshot`` keeps the old value
  for the op's backward, and ``_inplace`` writes the result and hands its history over.
* **View rebase.** Views of a tensor with history are remembered weakly; after an
  in-place change each live view gets a fresh ``AsStridedBackward0`` node.
* **CopySlices.** Writing into a view changes its base's history: the base's new
  ``grad_fn`` is a ``CopySlices`` node routing the region's gradient through the op.
"""

from __future__ import annotations

import weakref
from typing import Any

from .. import backend, dtypes, errors
from ..tensor import Tensor
from . import grad_mode
from .engine import _validate
from .function import Node, edge_of


# ---------------------------------------------------------------------- in-place machinery
def _inplace(self: Tensor, result: Tensor) -> Tensor:
    """Write ``result`` into ``self``'s memory and make ``self`` carry ``result``'s history."""
    if result.dtype != self.dtype and not _can_cast(result.dtype, self.dtype):
        raise RuntimeError(
            f"result type {dtypes.scalar_type_name(result.dtype)} can't be cast to the desired output type "
            f"{dtypes.scalar_type_name(self.dtype)}\nhint: in-place ops keep the tensor's dtype; use the "
            "out-of-place form (x = x + y) or convert x first (x = x.float())."
        )
    if result.shape != self.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(result.shape)}\n"
            "hint: an in-place op cannot grow its tensor; use the out-of-place form (x = x + y)."
        )
    self._data[...] = result._data
    self._bump_version()
    if result._requires_grad and grad_mode.is_grad_enabled():
        _rebase_history(self, result)
    return self


def _can_cast(src: dtypes.dtype, dst: dtypes.dtype) -> bool:
    return src._cat <= dst._cat


def _check_inplace(self: Tensor, overlap: bool = True) -> None:
    """PyTorch's refusals before an in-place write (leaf that requires grad, overlapping memory).

    ``overlap=False`` for in-place ops that change only the metadata (``transpose_``).
    """
    if overlap and 0 in self._data.strides and self._data.size > 1:
        for size, st in zip(self._data.shape, self._data.strides):
            if st == 0 and size > 1:
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor refers to a "
                    "single memory location. Please clone() the tensor before performing the operation.\n"
                    "hint: this tensor comes from expand() (stride 0), so several elements share one "
                    "memory cell; write into x.clone() or use repeat() to get real copies."
                )
    if not grad_mode.is_grad_enabled():
        return
    if self._requires_grad and self.grad_fn is None and self._base is None:
        raise errors.leaf_modified_inplace()
    base = self._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise errors.view_of_leaf_modified_inplace()


def _snapshot(self: Tensor) -> Tensor:
    """A copy of ``self``'s current value carrying its history, for an in-place op to read from.

    The in-place op computes its result from this copy, so whatever the op saves
    for backward keeps the old value after ``self`` is overwritten.
    """
    if not grad_mode.is_grad_enabled():
        return self
    alias = Tensor._make(self._data.copy())
    alias._requires_grad = self._requires_grad
    alias.grad_fn = self.grad_fn
    alias._output_nr = self._output_nr
    alias._grad_accumulator = self._grad_accumulator
    return alias


def _make_inplace(fn: Any, name: str | None = None) -> Any:
    """``x.op_(...)``: compute ``op(x, ...)``, write it into ``x``, and hand ``x`` the history."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        _check_inplace(self)
        needs_graph = grad_mode.is_grad_enabled() and (
            self._requires_grad
            or any(isinstance(a, Tensor) and a._requires_grad for a in args)
            or any(isinstance(a, Tensor) and a._requires_grad for a in kwargs.values())
        )
        if not needs_graph:
            with grad_mode.no_grad():
                return _inplace(self, fn(self, *args, **kwargs))
        return _inplace(self, fn(_snapshot(self), *args, **kwargs))

    method.__name__ = method.__qualname__ = name or fn.__name__ + "_"
    method.__doc__ = f"In-place version of :func:`{fn.__name__}`."
    return method


def _track_view(v: Tensor) -> None:
    root = v._base
    if root is None or (root._requires_grad and root.grad_fn is None):
        return  # views of a leaf that requires grad can never be modified in place with grad on
    views = root.__dict__.get("_views")
    if views is None:
        views = root._views = []
    views.append(weakref.ref(v))
    if len(views) > 64 and len(views) & (len(views) - 1) == 0:
        views[:] = [r for r in views if r() is not None]


def _live_views(root: Tensor) -> list:
    views = root.__dict__.get("_views") or []
    out = [r() for r in views]
    return [v for v in out if v is not None]


# ---------------------------------------------------------------------- in-place history
def _rebase_history(self: Tensor, result: Tensor) -> None:
    """After an in-place op, ``self`` now carries ``result``'s graph history.

    For a view, the base's history changes instead (through a ``CopySlices``
    node, see :mod:`learntorch.ops.index`); every live view of a tensor whose
    history changed gets a fresh ``grad_fn``, as PyTorch regenerates it.
    """
    if self._base is not None:
        _copy_slices(self, result)
        return
    self._requires_grad = True
    self.grad_fn = result.grad_fn
    self._output_nr = result._output_nr
    _refresh_views(self, None)


def _refresh_views(root: Tensor, skip: Any) -> None:
    """Re-point the ``grad_fn`` of ``root``'s live views at ``root``'s new history."""
    for v in _live_views(root):
        if v is skip or v._data.dtype != root._data.dtype:
            continue
        _regenerate(v, root)


def _regenerate(v: Tensor, root: Tensor) -> None:
    """Give view ``v`` an ``AsStridedBackward0`` node over ``root``'s current history."""
    size, stride = tuple(v._data.shape), v.stride()
    off = v.storage_offset()
    with grad_mode.enable_grad():
        node_out = strided.AsStrided.apply(root, size, stride, off)
    if node_out.grad_fn is None:
        return
    node_out.grad_fn._src = root._data
    v.grad_fn = node_out.grad_fn
    v._output_nr = 0
    v._requires_grad = True


# ---------------------------------------------------------------------- CopySlices
class CopySlices(Node):
    """The new ``grad_fn`` of a base tensor after an in-place op on one of its views.

    Its gradient, ``g`` (shaped like the base), splits in two: outside the view's
    region it flows to the base's old history; inside, it goes through the
    in-place op's backward (``fn``), whose gradient for the view's old value is
    written back into the region and whose other gradients go to ``fn``'s other
    inputs. The region is addressed by ``idx``, the flat index into the base of
    every element of the view, so any view geometry works.
    """

    def __init__(self, base_shape: tuple, idx: Any, fn: Node | None, fn_nr: int, collapse: bool) -> None:
        super().__init__()
        self.base_shape, self.idx, self.fn, self.fn_nr, self.collapse = base_shape, idx, fn, fn_nr, collapse

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    def _free_saved(self) -> None:
        if self.fn is not None and self.collapse:
            self.fn._free_saved()

    def _apply_backward(self, grads: list) -> tuple:
        g = grads[0]
        if g is None:
            shape, dt, _ = self._out_meta[0]
            g = Tensor._make(self._xp.zeros(shape, dtype=dt))
        flat = g.reshape(-1)
        key = (self.idx,)
        region = index.Index.apply(flat, key)
        if not self.collapse:
            base_g = index.index_put(flat, key, index._zero_like_scalar(g), False).view(self.base_shape)
            return base_g, region
        fn = self.fn
        buf: list = [None] * fn._num_outputs
        buf[self.fn_nr] = region
        res = _validate(fn, tuple(fn._apply_backward(buf)))
        g0 = res[0] if res else None
        val = g0 if g0 is not None else index._zero_like_scalar(g)
        base_g = index.index_put(flat, key, val, False).view(self.base_shape)
        return (base_g,) + tuple(res[1:])


def _copy_slices(view: Tensor, result: Tensor) -> None:
    """Make ``view``'s base carry the history of an in-place write of ``result`` into ``view``."""
    root = view._base
    if view._data.dtype != root._data.dtype:
        return
    idx = layout.logical_index(
        root._data, tuple(view._data.shape), layout.elem_strides(view._data), view.storage_offset()
    )
    old_edge = edge_of(root)
    fn, nr = result.grad_fn, result._output_nr
    collapse = fn is not None and bool(fn.next_functions) and fn.next_functions[0] == edge_of(view)
    node = CopySlices(tuple(root._data.shape), idx, fn, nr, collapse)
    node._xp = backend.array_module(root._data)
    node._out_meta = [(root._data.shape, root._data.dtype, root.device)]
    if collapse:
        node.next_functions = (old_edge,) + tuple(fn.next_functions[1:])
    else:
        node.next_functions = (old_edge, (fn, nr))
    root.grad_fn = node
    root._output_nr = 0
    root._requires_grad = True
    _regenerate(view, root)
    _refresh_views(root, view)


# CopySlices and view rebase call view and index ops; those files import this one, so these come last.
from ..ops import index, layout, strided  # noqa: E402

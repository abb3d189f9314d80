"""Strides as pure functions: how a shape, strides and an offset address one block of memory.

The views chapter and ``viz.memory`` point here. Strides are counted in elements, as
PyTorch reports them (NumPy counts bytes; ``elem_strides`` converts)."""

from __future__ import annotations

from typing import Any

from .. import backend
from .._tensor_base import _address, _storage_root


def infer_size(shape: tuple, numel: int) -> tuple:
    """Replace one ``-1`` by the size that makes ``numel`` elements (torch's ``infer_size``)."""
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(
                f"shape '{list(shape)}' is invalid for input of size {numel}\n"
                f"hint: the sizes other than -1 multiply to {known}, which does not divide {numel}."
            )
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(
            f"shape '{list(shape)}' is invalid for input of size {numel}\n"
            f"hint: the new shape holds {known} elements but the tensor has {numel}; the product of "
            "the sizes must stay the same (use -1 to let one size be inferred)."
        )
    return shape


def view_strides(old_shape: tuple, old_strides: tuple, new_shape: tuple) -> tuple | None:
    """Strides for viewing a tensor as ``new_shape`` without copying, or None (PyTorch's rule).

    Walk both shapes from the right, in *chunks* of dimensions that are laid out
    back to back in memory; a view exists when every new dimension falls inside
    one chunk.
    """
    if not old_shape:
        old_shape, old_strides = (1,), (1,)
    numel = 1
    for s in old_shape:
        numel *= s
    if numel == 0:
        # any shape of zero elements is a valid view
        out, st = [], 1
        for s in reversed(new_shape):
            out.append(st)
            st *= max(s, 1)
        return tuple(reversed(out))
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[tensor_d]
        if tensor_d == 0 or (
            old_shape[tensor_d - 1] != 1 and old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride
        ):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def elem_strides(arr: Any) -> tuple:
    it = arr.itemsize
    return tuple(s // it for s in arr.strides)


def strided(arr: Any, shape: tuple, strides_elems: tuple) -> Any:
    """A writeable view of ``arr``'s memory (starting at its first element) with new geometry."""
    xp = backend.array_module(arr)
    it = arr.itemsize
    return xp.lib.stride_tricks.as_strided(arr, shape=shape, strides=tuple(s * it for s in strides_elems))


# ---------------------------------------------------------------------- diagonal / as_strided
def diag_geometry(shape: tuple, strides: tuple, offset: int, d1: int, d2: int) -> tuple:
    """(shape, strides, element offset) of the diagonal view, as torch computes them."""
    if offset >= 0:
        n = max(min(shape[d1], shape[d2] - offset), 0)
        start = offset * strides[d2] if n else 0
    else:
        n = max(min(shape[d1] + offset, shape[d2]), 0)
        start = -offset * strides[d1] if n else 0
    rest = [i for i in range(len(shape)) if i not in (d1, d2)]
    new_shape = tuple(shape[i] for i in rest) + (n,)
    new_strides = tuple(strides[i] for i in rest) + (strides[d1] + strides[d2],)
    return new_shape, new_strides, start


def flat_storage(a: Any) -> tuple:
    """(1-D view of the memory block behind ``a``, element offset of ``a`` in it)."""
    root = _storage_root(a)
    it = a.itemsize
    if root.dtype != a.dtype:
        n = root.nbytes // it
        flat = backend.array_module(a).lib.stride_tricks.as_strided(root, shape=(n,), strides=(it,))
        flat = flat.view(a.dtype) if flat.dtype != a.dtype else flat
    else:
        flat = root.reshape(-1) if root.flags.c_contiguous else root.ravel(order="K")

    return flat, (_address(a) - _address(flat)) // it


def logical_index(x: Any, size: tuple, stride: tuple, offset: int) -> Any:
    """For the region ``as_strided(size, stride, offset)`` of ``x``'s storage: the flat (row-major)
    index into ``x`` of each element, as an int64 array of shape ``size``."""
    xp = backend.array_module(x)
    flat, x_off = flat_storage(x)
    pos = xp.full((), offset, dtype=xp.int64)
    for i, (s, st) in enumerate(zip(size, stride)):
        shape = [1] * len(size)
        shape[i] = s
        pos = pos + xp.arange(s, dtype=xp.int64).reshape(shape) * st
    pos = xp.broadcast_to(pos, size)
    x_st = elem_strides(x)
    if x.flags.c_contiguous or x.size <= 1:
        idx = pos - x_off
        ok = (idx >= 0) & (idx < x.size)
    else:
        # map storage positions to x's logical positions through a lookup table
        lo = x_off + sum(min(0, (s - 1) * st) for s, st in zip(x.shape, x_st))
        hi = x_off + sum(max(0, (s - 1) * st) for s, st in zip(x.shape, x_st))
        table = xp.full(hi - lo + 1, -1, dtype=xp.int64)
        where = strided(shift(table, x_off - lo), x.shape, x_st)
        where[...] = xp.arange(x.size, dtype=xp.int64).reshape(x.shape)
        rel = pos - lo
        inside = (rel >= 0) & (rel < table.size)
        idx = xp.where(inside, table[xp.clip(rel, 0, table.size - 1)], -1)
        ok = idx >= 0
    if not bool(ok.all()):
        raise RuntimeError(
            "as_strided: the requested region reaches memory that is not part of the input tensor, "
            "so its gradient cannot be expressed\nhint: call as_strided on a contiguous tensor and "
            "keep the region inside it."
        )
    return xp.ascontiguousarray(idx)


def shift(a: Any, elems: int) -> Any:
    """An array starting ``elems`` elements after ``a``'s first element (same memory)."""
    xp = backend.array_module(a)
    it = a.itemsize
    return xp.lib.stride_tricks.as_strided(a, shape=(elems + 1,), strides=(it,))[elems:]

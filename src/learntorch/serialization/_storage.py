"""Storages read from a checkpoint, and tensors rebuilt from them with every layout checked.

A checkpoint stores each memory block ("storage") once, as raw little-endian bytes,
and every tensor as (storage, offset, sizes, strides). Before a tensor is made, its
layout is checked against the storage it points into, the way torch's ``setStorage``
does, so a crafted file can never make a tensor that reads memory outside its block.

>>> import numpy as np
>>> s = LoadedStorage(np.arange(6, dtype=np.float32), STORAGE_TYPES["FloatStorage"], "cpu")
>>> rebuild_tensor_v2(s, 1, (2, 2), (1, 2), False, None)
tensor([[1., 3.],
        [2., 4.]])
>>> rebuild_tensor_v2(s, 4, (3,), (1,), False, None)
Traceback (most recent call last):
  ...
RuntimeError: setStorage: sizes [3], strides [1], storage offset 4, and itemsize 4 requiring a storage size of 28 are out of bounds for storage of size 24
hint: this checkpoint is corrupt or was crafted: a tensor points past the end of its memory block.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from typing import Any

import numpy as np

from .. import backend, dtypes

MAX_DIMS = 64  # torch's limit on tensor dimensions
MAX_ELEMENTS = 2**48  # no real checkpoint holds a tensor this big; a crafted one gets an error instead


def crafted(msg: str) -> RuntimeError:
    """A RuntimeError for a checkpoint that breaks the format's rules, with a hint."""
    return RuntimeError(
        msg + "\nhint: this checkpoint is corrupt or was crafted; load only files from sources you trust."
    )


class StorageType:
    """Stands for ``torch.FloatStorage`` and friends: the element type of a storage record."""

    def __init__(self, name: str, np_dtype: Any, dtype: dtypes.dtype | None) -> None:
        self.name, self.np = name, np.dtype(np_dtype).newbyteorder("<")
        self.dtype = dtype  # the learntorch dtype its tensors get (None: raw bytes)

    @property
    def itemsize(self) -> int:
        return self.np.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"


STORAGE_TYPES = {
    "FloatStorage": StorageType("FloatStorage", np.float32, dtypes.float32),
    "DoubleStorage": StorageType("DoubleStorage", np.float64, dtypes.float64),
    "HalfStorage": StorageType("HalfStorage", np.float16, dtypes.float16),
    "BFloat16Storage": StorageType("BFloat16Storage", np.uint16, dtypes.float32),  # upcast on load
    "LongStorage": StorageType("LongStorage", np.int64, dtypes.int64),
    "IntStorage": StorageType("IntStorage", np.int32, dtypes.int32),
    "ShortStorage": StorageType("ShortStorage", np.int16, dtypes.int16),
    "CharStorage": StorageType("CharStorage", np.int8, dtypes.int8),
    "ByteStorage": StorageType("ByteStorage", np.uint8, dtypes.uint8),
    "BoolStorage": StorageType("BoolStorage", np.bool_, dtypes.bool),
    "UntypedStorage": StorageType("UntypedStorage", np.uint8, dtypes.uint8),
}
# torch storage classes learntorch has no dtype for: a clear error instead of wrong numbers
UNSUPPORTED_STORAGES = {
    "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128", "QInt8Storage": "qint8",
    "QUInt8Storage": "quint8", "QInt32Storage": "qint32", "QUInt4x2Storage": "quint4x2",
    "QUInt2x4Storage": "quint2x4",
}  # fmt: skip
STORAGE_NAME_OF = {st.dtype.name: name for name, st in STORAGE_TYPES.items() if name not in
                   ("BFloat16Storage", "UntypedStorage")}  # fmt: skip


def storage_type(name: str) -> StorageType:
    if name in STORAGE_TYPES:
        return STORAGE_TYPES[name]
    from pickle import UnpicklingError  # noqa: PLC0415

    kind = UNSUPPORTED_STORAGES.get(name, name)
    raise UnpicklingError(
        f"learntorch has no {kind} dtype, so it cannot load torch.{name} tensors.\n"
        "hint: in PyTorch, convert them first (e.g. t.float() or t.real) and save again."
    )


def bfloat16_to_float32(raw: np.ndarray) -> np.ndarray:
    """bfloat16 is the top half of a float32, so widening is exact: shift the 16 bits up."""
    return (raw.astype("<u4") << 16).view(np.float32)


class LoadedStorage:
    """One memory block of a checkpoint: a flat NumPy array plus where it was saved (``'cpu'``)."""

    def __init__(self, array: np.ndarray, kind: StorageType, location: str) -> None:
        self.array, self.kind, self.location = array, kind, location
        self.device = backend.as_device("cpu")

    def nbytes(self) -> int:
        return int(self.array.nbytes)

    def size(self) -> int:
        return int(self.array.size)

    def cpu(self) -> LoadedStorage:
        return self.to("cpu")

    def cuda(self, device: Any = None) -> LoadedStorage:
        return self.to("cuda" if device is None else device if isinstance(device, str) else f"cuda:{device}")

    def to(self, device: Any) -> LoadedStorage:
        """Move to ``device`` (what ``map_location`` functions call)."""
        dev = backend.as_device(device)
        out = LoadedStorage(backend.to_device_array(self.array, dev), self.kind, self.location)
        out.device = dev
        return out

    def __repr__(self) -> str:
        return f"<storage of {self.array.size} {self.kind.name[:-7] or 'Untyped'} elements on {self.device}>"


def _out_of_bounds(
    size: tuple, stride: tuple, offset: int, itemsize: int, need: int, have: int
) -> RuntimeError:
    return RuntimeError(
        f"setStorage: sizes [{', '.join(map(str, size))}], strides [{', '.join(map(str, stride))}], storage "
        f"offset {offset}, and itemsize {itemsize} requiring a storage size of {need} are out of bounds for "
        f"storage of size {have}\nhint: this checkpoint is corrupt or was crafted: a tensor points past the "
        "end of its memory block."
    )


def _as_int_tuple(value: Any, what: str) -> tuple[int, ...]:
    if not isinstance(value, (tuple, list)) or len(value) > MAX_DIMS:
        raise crafted(
            f"a tensor's {what} must be a tuple of at most {MAX_DIMS} ints, got {type(value).__name__}"
        )
    out = tuple(value)
    if not all(type(v) is int for v in out):
        raise crafted(f"a tensor's {what} must hold ints, got {out!r:.200}")
    return out


def check_layout(numel_available: int, itemsize: int, offset: Any, size: Any, stride: Any) -> None:
    """Raise ``RuntimeError`` unless (offset, size, stride) stays inside a storage of ``numel_available``."""
    size, stride = _as_int_tuple(size, "size"), _as_int_tuple(stride, "stride")
    if type(offset) is not int or offset < 0:
        raise crafted(f"Tensor: invalid storage offset {offset!r:.50}")
    if len(size) != len(stride):
        raise crafted(f"mismatch in length of strides and shape: {len(stride)} strides for {len(size)} sizes")
    if any(s < 0 for s in size):
        raise crafted(f"Trying to create tensor with negative dimension {min(size)}: {list(size)}")
    if any(s < 0 for s in stride):
        raise crafted(
            f"as_strided: Negative strides are not supported at the moment, got strides: {list(stride)}"
        )
    numel = 1
    for s in size:
        numel *= s
    if numel > MAX_ELEMENTS:
        raise RuntimeError(
            f"a tensor of {numel} elements ({list(size)}) is far larger than any real checkpoint holds\n"
            "hint: this checkpoint is corrupt or was crafted to exhaust memory."
        )
    last = offset + sum((n - 1) * st for n, st in zip(size, stride)) if numel else offset - 1
    need = (last + 1) * itemsize if numel else offset * itemsize
    if (numel and last >= numel_available) or offset > numel_available:
        raise _out_of_bounds(size, stride, offset, itemsize, need, numel_available * itemsize)


def place(flat: np.ndarray, offset: int, size: tuple, stride: tuple) -> np.ndarray:
    """The checked view of 1-D ``flat`` at ``offset`` with ``size`` and ``stride`` (in elements)."""
    check_layout(flat.size, flat.itemsize, offset, size, stride)
    item = flat.itemsize
    xp = backend.array_module(flat)
    if not tuple(size) or all(n > 0 for n in size):
        base = flat[offset:] if flat.size else flat
        return xp.lib.stride_tricks.as_strided(
            base, shape=tuple(size), strides=tuple(s * item for s in stride)
        )
    return xp.empty(tuple(size), dtype=flat.dtype)  # an empty tensor owns no bytes


def _tensor_from(storage: Any, offset: Any, size: Any, stride: Any, requires_grad: Any) -> Any:
    from ..tensor import Tensor  # noqa: PLC0415

    if not isinstance(storage, LoadedStorage):
        raise crafted(f"a tensor must be rebuilt from a storage record, got {type(storage).__name__}")
    t = Tensor._make(place(storage.array, offset, tuple(size), tuple(stride)))
    t._requires_grad = bool(requires_grad)
    return t


def rebuild_tensor_v2(storage: Any, storage_offset: Any, size: Any, stride: Any, requires_grad: Any,
                      backward_hooks: Any, metadata: Any = None) -> Any:  # fmt: skip
    """``torch._utils._rebuild_tensor_v2``: a tensor in ``storage``, layout checked first."""
    return _tensor_from(storage, storage_offset, size, stride, requires_grad)


def rebuild_tensor(storage: Any, storage_offset: Any, size: Any, stride: Any) -> Any:
    """``torch._utils._rebuild_tensor`` (older files): like v2 without ``requires_grad``."""
    return _tensor_from(storage, storage_offset, size, stride, False)


def rebuild_parameter(data: Any, requires_grad: Any, backward_hooks: Any = None, *state: Any) -> Any:
    """``torch._utils._rebuild_parameter`` (and ``_with_state``): wrap a rebuilt tensor as a Parameter."""
    from ..nn.parameter import Parameter  # noqa: PLC0415
    from ..tensor import Tensor  # noqa: PLC0415

    if not isinstance(data, Tensor):
        raise crafted(f"a Parameter must wrap a tensor, got {type(data).__name__}")
    return Parameter(data, bool(requires_grad))


def rebuild_from_type_v2(func: Any, new_type: Any, args: Any, state: Any) -> Any:
    """``torch._tensor._rebuild_from_type_v2``: a tensor (sub)class; only Tensor and Parameter exist here."""
    from ..nn.parameter import Parameter  # noqa: PLC0415
    from ..tensor import Tensor  # noqa: PLC0415

    if func not in (rebuild_tensor_v2, rebuild_tensor, rebuild_parameter) or not isinstance(args, tuple):
        raise crafted(f"_rebuild_from_type_v2 can only call a tensor rebuild function, got {func!r:.80}")
    if new_type not in (Tensor, Parameter):
        raise crafted(f"_rebuild_from_type_v2 can only make a Tensor or Parameter, got {new_type!r:.80}")
    t = func(*args)
    return Parameter(t, t.requires_grad) if new_type is Parameter and type(t) is not Parameter else t


def rebuild_learntorch_tensor(array: Any, requires_grad: Any, dev: Any = "cpu", layout: Any = None) -> Any:
    """``learntorch.tensor._rebuild_tensor`` from learntorch's older LEARNTORCH1 files, layout checked."""
    from ..tensor import Tensor  # noqa: PLC0415

    if type(array) is not np.ndarray:
        raise crafted(f"a learntorch tensor must be rebuilt from a NumPy array, got {type(array).__name__}")
    if layout is None:
        data = array
    else:
        if not isinstance(layout, tuple) or len(layout) != 3:
            raise crafted("a learntorch tensor layout must be (offset, shape, byte strides)")
        offset, shape, byte_strides = layout
        item = array.itemsize
        strides = _as_int_tuple(byte_strides, "stride")
        if any(s % item for s in strides):
            raise crafted(f"strides {list(strides)} are not whole elements of {item} bytes")
        if not (array.flags.c_contiguous or array.flags.f_contiguous):
            raise crafted("a learntorch tensor's memory block must be contiguous")
        flat = array.ravel(order="K")  # a view, in memory order
        data = place(flat, offset, _as_int_tuple(shape, "size"), tuple(s // item for s in strides))
    if not data.flags.writeable:
        data = data.copy()
    t = Tensor._make(data if dev in ("cpu", None) else backend.to_device_array(data, backend.as_device(dev)))
    t._requires_grad = bool(requires_grad)
    return t


def warn_bfloat16() -> None:
    warnings.warn(
        "this checkpoint holds bfloat16 tensors; learntorch has no bfloat16 dtype, so they load as float32 "
        "(exactly the same values: every bfloat16 is a float32 with the low 16 bits zero). Saving them again "
        "writes float32.",
        UserWarning,
        stacklevel=4,
    )


def empty_hooks() -> OrderedDict:
    return OrderedDict()

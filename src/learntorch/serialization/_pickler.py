"""Writing ``data.pkl`` the way ``torch.save`` does, so real PyTorch can read it back.

Each tensor becomes ``torch._utils._rebuild_tensor_v2(storage, offset, size, stride,
requires_grad, OrderedDict())`` and each memory block a persistent id
``('storage', torch.FloatStorage, key, 'cpu', numel)`` whose bytes go to ``data/<key>``.
Tensors that share memory (views) share one storage, as in PyTorch. learntorch
dtypes, devices and sizes are written under torch's names (``torch.float32``).

>>> import learntorch as torch
>>> pkl, storages = dumps({"w": torch.ones(2)})
>>> b"torch._utils\\n_rebuild_tensor_v2" in pkl, [s.key for s in storages]
(True, ['0'])
"""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict
from typing import Any

import numpy as np

from .. import backend, dtypes
from ._storage import STORAGE_NAME_OF


class TorchGlobal:
    """A name written as ``GLOBAL module name`` without importing it (PyTorch need not be installed)."""

    _cache: dict[tuple[str, str], TorchGlobal] = {}

    def __new__(cls, module: str, name: str) -> TorchGlobal:
        key = (module, name)
        if key not in cls._cache:
            obj = super().__new__(cls)
            obj.module, obj.name = module, name
            cls._cache[key] = obj
        return cls._cache[key]

    def __call__(self, *args: Any) -> Any:  # pickle wants a callable; it is never called here
        raise TypeError(f"{self.module}.{self.name} only names a PyTorch global in a file")


class StorageRecord:
    """One memory block to write: its key (``data/<key>``), element type and raw bytes."""

    def __init__(self, key: str, array: np.ndarray) -> None:
        self.key, self.array = key, array
        self.type_global = TorchGlobal("torch", STORAGE_NAME_OF[dtypes.from_numpy_dtype(array.dtype).name])

    def tobytes_view(self) -> memoryview:
        flat = self.array.reshape(-1, order="A") if self.array.size else self.array.reshape(0)
        if flat.dtype.byteorder == ">":
            flat = flat.astype(flat.dtype.newbyteorder("<"))
        return memoryview(np.ascontiguousarray(flat).view(np.uint8))


_REBUILD_V2 = TorchGlobal("torch._utils", "_rebuild_tensor_v2")
_REBUILD_PARAMETER = TorchGlobal("torch._utils", "_rebuild_parameter")


class TorchPickler(pickle._Pickler):  # the Python pickler: it lets a global be written by name
    dispatch = pickle._Pickler.dispatch.copy()

    def __init__(self, file: Any, protocol: int, legacy: bool = False) -> None:
        super().__init__(file, protocol)
        self.legacy = legacy  # PyTorch's pre-1.6 stream adds a sixth field (view info, None)
        self.storages: dict[int, tuple[StorageRecord, np.ndarray]] = {}

    def save_torch_global(self, obj: TorchGlobal) -> None:
        if self.proto >= 4:
            self.save(obj.module)
            self.save(obj.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + obj.module.encode() + b"\n" + obj.name.encode() + b"\n")
        self.memoize(obj)

    dispatch[TorchGlobal] = save_torch_global

    def save_dtype(self, obj: dtypes.dtype) -> None:
        self.save(TorchGlobal("torch", obj.name))  # torch.float32 is pickled by name

    dispatch[dtypes.dtype] = save_dtype

    def save_dict(self, obj: dict) -> None:
        pickle._Pickler.save_dict(self, obj)
        if len(obj) % self._BATCHSIZE == 0 and obj:  # C pickle (torch.save) ends a full last batch with
            self.write(pickle.MARK + pickle.SETITEMS)  # an empty one: same bytes as torch for 1000·k keys

    dispatch[dict] = save_dict

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is StorageRecord:
            pid = ("storage", obj.type_global, obj.key, "cpu", int(obj.array.size))
            return pid + (None,) if self.legacy else pid
        return None

    def reducer_override(self, obj: Any) -> Any:
        from ..nn.parameter import Parameter  # noqa: PLC0415
        from ..tensor import Size, Tensor  # noqa: PLC0415

        if isinstance(obj, Tensor):
            if isinstance(obj, Parameter):
                return (_REBUILD_PARAMETER, (Tensor._make(obj._data), obj.requires_grad, OrderedDict()))
            return self._tensor(obj)
        if type(obj) is backend.device:
            return (TorchGlobal("torch", "device"), (str(obj),))
        if type(obj) is Size:
            return (TorchGlobal("torch", "Size"), (tuple(obj),))
        return NotImplemented

    def _storage(self, root: np.ndarray) -> StorageRecord:
        if id(root) not in self.storages:
            self.storages[id(root)] = (StorageRecord(str(len(self.storages)), root), root)  # root kept alive
        return self.storages[id(root)][0]

    def _tensor(self, t: Any) -> tuple:
        from ..tensor import _address, _storage_root  # noqa: PLC0415

        arr = backend.to_numpy(t._data)
        root = _storage_root(arr)
        item = arr.itemsize
        shareable = (
            type(root) is np.ndarray and root.dtype == arr.dtype and arr.size > 0
            and (root.flags.c_contiguous or root.flags.f_contiguous)
            and all(s >= 0 and s % item == 0 for s in arr.strides)
        )  # fmt: skip
        if shareable:
            offset = (_address(arr) - _address(root)) // item
            stride = tuple(s // item for s in arr.strides)
        else:
            root = np.ascontiguousarray(arr)
            offset, stride = 0, _contiguous_strides(arr.shape)
        storage = self._storage(root)
        return (_REBUILD_V2, (storage, offset, tuple(arr.shape), stride, t.requires_grad, OrderedDict()))


def _contiguous_strides(shape: tuple) -> tuple:
    out, acc = [], 1
    for n in reversed(shape):
        out.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(out))


def dumps(obj: Any, protocol: int = 2) -> tuple[bytes, list[StorageRecord]]:
    """The ``data.pkl`` bytes for ``obj`` and the storages it refers to, in key order."""
    buf = io.BytesIO()
    pickler = TorchPickler(buf, protocol)
    pickler.dump(obj)
    return buf.getvalue(), [rec for rec, _ in pickler.storages.values()]

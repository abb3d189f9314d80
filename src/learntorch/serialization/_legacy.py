"""Two older formats: PyTorch's pre-1.6 stream (``_use_new_zipfile_serialization=False``) and
learntorch's own ``LEARNTORCH1`` files.

PyTorch's legacy stream is five pickles in a row (magic number, protocol 1001, system
info, the object, the list of storage keys) followed by each storage as an 8-byte element
count and its raw bytes. Storages are made while the object is unpickled and filled
afterwards, so each declared size is checked against the bytes left in the file first.
The object pickle is read twice: once to learn its storages, once (after they are
filled) to build the tensors.
"""

from __future__ import annotations

from collections.abc import Callable
from pickle import UnpicklingError
from typing import Any

import numpy as np

from ._storage import LoadedStorage, StorageType, bfloat16_to_float32, storage_type, warn_bfloat16

MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
PROTOCOL_VERSION = 1001
LEARNTORCH1_MAGIC = b"LEARNTORCH1\n"

# unpickle_at(pos, persistent_load) -> (object, position after it)
UnpickleAt = Callable[[int, Any], "tuple[Any, int]"]


def _maybe_decode(value: Any) -> Any:
    return value.decode("ascii") if isinstance(value, bytes) else value


class LegacyStorages:
    """``persistent_load`` for the legacy stream: storages allocated once their size is known to fit."""

    def __init__(self, data_len: int, restore: Callable[[LoadedStorage, str], LoadedStorage]) -> None:
        self.left = data_len
        self.restore = restore
        self.roots: dict[str, tuple[LoadedStorage, StorageType]] = {}
        self.views: dict[str, LoadedStorage] = {}

    def __call__(self, pid: Any) -> LoadedStorage:
        if type(pid) is not tuple or len(pid) != 6 or _maybe_decode(pid[0]) != "storage":
            kind = _maybe_decode(pid[0]) if type(pid) is tuple and pid else type(pid).__name__
            raise UnpicklingError(f"Only persistent_load of storage is allowed, but got {kind!r:.60}")
        _, stype, key, location, numel, view = pid
        if not isinstance(stype, StorageType):
            stype = storage_type(str(getattr(stype, "__name__", stype)))
        key, location = _maybe_decode(key), _maybe_decode(location)
        if type(key) is not str or type(location) is not str or type(numel) is not int or numel < 0:
            raise UnpicklingError(f"invalid storage record {pid!r:.120}")
        if key not in self.roots:
            if numel * stype.itemsize > self.left:
                raise UnpicklingError(
                    f"storage {key} declares {numel * stype.itemsize} bytes but the file has only {self.left} "
                    "bytes left\nhint: the checkpoint is truncated or was crafted to exhaust memory."
                )
            out_dtype = stype.np
            if stype.name == "BFloat16Storage":
                out_dtype = np.float32
                if not any(st.name == "BFloat16Storage" for _, st in self.roots.values()):
                    warn_bfloat16()
            self.roots[key] = (LoadedStorage(np.zeros(numel, out_dtype), stype, location), stype)
        root, _ = self.roots[key]
        if view is None:
            return self.restore(root, location)
        if type(view) is not tuple or len(view) != 3:
            raise UnpicklingError("invalid storage view record")
        view_key, offset, size = view
        if (
            type(offset) is not int
            or type(size) is not int
            or offset < 0
            or size < 0
            or offset + size > numel
        ):
            raise UnpicklingError(f"storage view {view!r:.80} lies outside its storage of {numel} elements")
        if view_key not in self.views:
            self.views[view_key] = LoadedStorage(root.array[offset : offset + size], stype, location)
        return self.restore(self.views[view_key], location)

    def fill(self, data: memoryview, pos: int, keys: Any, little_endian: bool) -> None:
        if type(keys) is not list:
            raise UnpicklingError("the legacy storage key list is missing")
        for key in keys:
            if key not in self.roots:
                raise UnpicklingError(f"storage key {key!r:.40} not found in the checkpoint")
            storage, stype = self.roots[key]
            if pos + 8 > len(data):
                raise UnpicklingError("the legacy checkpoint is truncated before its storages")
            numel = int.from_bytes(data[pos : pos + 8], "little" if little_endian else "big")
            pos += 8
            nbytes = numel * stype.itemsize
            if numel != storage.array.size or pos + nbytes > len(data):
                raise UnpicklingError(f"storage {key} holds {numel} elements, expected {storage.array.size}, "
                                      "or the file is truncated")  # fmt: skip
            raw = np.frombuffer(
                data[pos : pos + nbytes], dtype=stype.np.newbyteorder("<" if little_endian else ">")
            )
            pos += nbytes
            if stype.name == "BFloat16Storage":
                storage.array[...] = bfloat16_to_float32(raw.astype("<u2"))
            else:
                storage.array[...] = raw


def load_legacy(data: bytes, unpickle_at: UnpickleAt, restore: Callable) -> Any:
    """Read PyTorch's legacy stream; ``unpickle_at`` runs the (safe or full) unpickler at a position."""
    if len(data) > 262 and data[257:262] == b"ustar":
        raise RuntimeError(
            "this is PyTorch's oldest checkpoint format (a tar archive, before PyTorch 0.4); learntorch "
            "cannot read it.\nhint: load and re-save it with an old PyTorch: torch.save(torch.load(f), g)."
        )
    magic, pos = unpickle_at(0, None)
    if magic != MAGIC_NUMBER:
        raise RuntimeError(
            "Invalid magic number; corrupt file?\nhint: this is not a PyTorch or learntorch checkpoint."
        )
    protocol, pos = unpickle_at(pos, None)
    if protocol != PROTOCOL_VERSION:
        raise RuntimeError(f"Invalid protocol version: {protocol!r:.40}")
    sys_info, pos = unpickle_at(pos, None)
    little = sys_info.get("little_endian", True) if isinstance(sys_info, dict) else True
    # pass 1 learns the storages and where their bytes are; pass 2 builds tensors on the filled,
    # restored (map_location) storages
    storages = LegacyStorages(len(data) - pos, lambda storage, location: storage)
    _, end = unpickle_at(pos, storages)
    keys, end = unpickle_at(end, None)
    storages.fill(memoryview(data), end, keys, bool(little))
    storages.restore = restore
    result, _ = unpickle_at(pos, storages)
    return result

"""PyTorch's checkpoint container: an uncompressed zip whose records start on 64-byte boundaries.

Layout (what ``torch.save`` writes and ``torch.load`` reads)::

    archive/data.pkl              the pickled object; tensors refer to storages by key
    archive/.format_version       b"1"
    archive/.storage_alignment    b"64"
    archive/byteorder             b"little"
    archive/data/0, data/1, ...   raw bytes of each storage
    archive/version               b"3\\n"
    archive/.data/serialization_id

Each record's bytes are padded (inside a zip "extra" field named ``FB``) to start at a
multiple of 64 bytes, so ``mmap=True`` can map a storage straight from the file.

>>> import io
>>> buf = io.BytesIO()
>>> write_archive(buf, [("data.pkl", b"\\x80\\x02N."), ("data/0", b"\\x00" * 8)])
>>> _ = buf.seek(0); reader = ArchiveReader(buf)
>>> reader.read("data.pkl"), reader.data_offset("data/0") % 64
(b'\\x80\\x02N.', 0)
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from pickle import UnpicklingError
from typing import IO, Any

import numpy as np

from ._storage import StorageType, bfloat16_to_float32

ALIGNMENT = 64
_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


def write_archive(fileobj: IO[bytes], records: list[tuple[str, Any]], archive: str = "archive") -> None:
    """Write ``records`` (name, bytes-like) under ``archive/``, uncompressed, data 64-byte aligned."""
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in records:
            info = zipfile.ZipInfo(f"{archive}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
            size = memoryview(data).nbytes
            zip64_extra = 20 if size * 1.05 > zipfile.ZIP64_LIMIT else 0  # zipfile appends it after ours
            start = zf.fp.tell() + 30 + len(info.filename.encode()) + 4 + zip64_extra
            pad = -start % ALIGNMENT
            info.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            zf.writestr(info, memoryview(data).cast("B"))


def _corrupt(msg: str) -> UnpicklingError:
    return UnpicklingError(msg + "\nhint: the checkpoint is damaged (an interrupted copy?) or was crafted; "
                           "save or download it again.")  # fmt: skip


class ArchiveReader:
    """Reads the records of a PyTorch zip checkpoint, checking every name and size it is told."""

    def __init__(self, fileobj: IO[bytes], path: str | None = None) -> None:
        start = fileobj.tell()
        self.total = fileobj.seek(0, os.SEEK_END) - start
        fileobj.seek(start)
        try:
            self.zf = zipfile.ZipFile(fileobj)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
            raise _corrupt(f"not a readable zip checkpoint: {err}") from None
        infos = self.zf.infolist()
        if not infos or "/" not in infos[0].filename:
            raise _corrupt("the zip holds no PyTorch checkpoint (no archive/data.pkl record)")
        self.prefix = infos[0].filename.split("/", 1)[0] + "/"
        self.infos = {i.filename: i for i in infos}
        if self.prefix + "data.pkl" not in self.infos:
            raise _corrupt(f"the zip holds no PyTorch checkpoint (no {self.prefix}data.pkl record)")
        self.path, self.fileobj, self._mmap = path, fileobj, None
        self.byteorder = "little"
        if self.has("byteorder"):
            self.byteorder = self.read("byteorder").decode("ascii", "replace")
            if self.byteorder not in ("little", "big"):
                raise _corrupt(f"unknown byteorder record {self.byteorder!r:.20}")

    def has(self, name: str) -> bool:
        return self.prefix + name in self.infos

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = self.infos.get(self.prefix + name)
        if info is None:
            raise _corrupt(f"record {self.prefix + name!r} is missing from the checkpoint")
        if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
            raise _corrupt(
                f"record {info.filename!r} is compressed; PyTorch checkpoints store records as they are"
            )
        if info.file_size > self.total:
            raise _corrupt(
                f"record {info.filename!r} claims {info.file_size} bytes; the file has {self.total}"
            )
        return info

    def read(self, name: str) -> bytes:
        info = self._info(name)
        try:
            return self.zf.read(info)  # checks the CRC
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as err:
            raise _corrupt(f"record {info.filename!r} cannot be read: {err}") from None

    def data_offset(self, name: str) -> int:
        """Where a record's bytes start in the file (for mmap)."""
        info = self._info(name)
        self.fileobj.seek(info.header_offset)
        head = self.fileobj.read(_LOCAL_HEADER.size)
        if len(head) != _LOCAL_HEADER.size or head[:4] != b"PK\x03\x04":
            raise _corrupt(f"record {info.filename!r} has a bad local header")
        fields = _LOCAL_HEADER.unpack(head)
        offset = info.header_offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]
        if offset + info.file_size > self.total:
            raise _corrupt(f"record {info.filename!r} runs past the end of the file")
        return offset

    def storage(self, key: Any, numel: Any, kind: StorageType, mmap: bool) -> np.ndarray:
        """The flat array of storage ``key``: ``numel`` elements of ``kind`` (bfloat16 widened to float32)."""
        if type(key) is not str or not _KEY.fullmatch(key):
            raise _corrupt(f"invalid storage key {key!r:.60}")
        if type(numel) is not int or numel < 0:
            raise _corrupt(f"invalid storage size {numel!r:.60}")
        name = f"data/{key}"
        nbytes = numel * kind.itemsize
        size = self._info(name).file_size
        if size < nbytes:
            raise _corrupt(
                f"storage {key} declares {numel} elements ({nbytes} bytes) but its record holds {size} bytes"
            )
        if mmap:
            if self._mmap is None:
                self._mmap = np.memmap(self.path, mode="c")  # copy-on-write: writes never reach the file
            start = self.data_offset(name)
            raw = self._mmap[start : start + nbytes].view(np.ndarray)
        else:
            raw = np.frombuffer(bytearray(self.read(name)[:nbytes]), dtype=np.uint8)
        src = kind.np.newbyteorder(">") if self.byteorder == "big" else kind.np
        arr = raw.view(src) if raw.size else np.empty(0, src)
        if self.byteorder == "big":
            arr = arr.astype(kind.np)
        if kind.name == "BFloat16Storage":
            arr = bfloat16_to_float32(arr)
        return arr

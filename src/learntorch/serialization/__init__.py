"""``torch.save`` / ``torch.load`` in PyTorch's own file format, and a load that never runs code.

:func:`save` writes PyTorch's zip checkpoint (see :mod:`._zipformat`), so real
``torch.load`` reads learntorch's files and :func:`load` reads PyTorch's: zip files,
the legacy pre-1.6 stream, and learntorch's older ``LEARNTORCH1`` files. Paths are
written atomically (a temporary file next to the target, then a rename), so a crash
or a kill mid-save leaves the old file or the new one, never half of one.

:func:`load` defaults to ``weights_only=True``, as PyTorch does since 2.6: a small
pickle interpreter (:mod:`._unpickler`) builds only tensors, containers, numbers and
strings, and only the globals in :mod:`._allowlist` (exact names). Every tensor's
layout is checked against its storage before it is made. ``weights_only=False`` uses
Python's full pickle and can run any code the file names: only for files you trust.

>>> import learntorch as torch, tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "ckpt.pt")
>>> torch.save({"w": torch.arange(4.0).reshape(2, 2), "step": 3}, path)
>>> torch.load(path)
{'w': tensor([[0., 1.],
        [2., 3.]]), 'step': 3}
"""

from __future__ import annotations

import io
import os
import pickle
import re
import struct
import sys
import threading
import warnings
import zipfile
import zlib
from collections.abc import Callable
from typing import IO, Any

from .. import backend
from . import _allowlist, _legacy, _pickler, _serialization_id, _storage, _unpickler, _zipformat
from ._allowlist import add_safe_globals, clear_safe_globals, get_safe_globals, safe_globals
from ._storage import LoadedStorage, StorageType

__all__ = [
    "save", "load", "add_safe_globals", "safe_globals", "get_safe_globals", "clear_safe_globals",
    "get_unsafe_globals_in_checkpoint", "DEFAULT_PROTOCOL", "StorageType",
]  # fmt: skip

DEFAULT_PROTOCOL = 2
_TMP_SUFFIX = ".learntorch-tmp"
UNSAFE_MESSAGE = (
    "In PyTorch 2.6, we changed the default value of the `weights_only` argument in `torch.load` from `False` "
    "to `True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it can "
    "result in arbitrary code execution. Do it only if you got the file from a trusted source."
)
_DOCS_MESSAGE = (
    "\n\nCheck the documentation of torch.load to learn more about types accepted by default with "
    "weights_only https://pytorch.org/docs/stable/generated/torch.load.html."
)
_CORRUPTION = (KeyError, IndexError, struct.error, TypeError, ValueError, EOFError, OverflowError,
               RecursionError, MemoryError, AttributeError, zipfile.BadZipFile)  # fmt: skip


# ====================================================================== save


def save(obj: Any, f: str | os.PathLike | IO[bytes], pickle_module: Any = pickle,
         pickle_protocol: int = DEFAULT_PROTOCOL, _use_new_zipfile_serialization: bool = True,
         _disable_byteorder_record: bool = False) -> None:  # fmt: skip
    """Write ``obj`` (a state_dict, an optimizer state, a whole model, ...) to ``f`` in PyTorch's format.

    Paths are written atomically: to ``.<name>.<pid>-<thread>.learntorch-tmp`` first, then
    renamed; leftovers of killed saves are removed by the next save to the same name.

    >>> import learntorch as torch, io
    >>> buf = io.BytesIO()
    >>> torch.save([torch.tensor([1, 2])], buf)
    >>> buf.getvalue()[:4]
    b'PK\\x03\\x04'
    """
    if pickle_module is not None and pickle_module is not pickle:
        raise RuntimeError(
            f"learntorch.save writes with the standard pickle module, got {getattr(pickle_module, '__name__', pickle_module)}"
            "\nhint: drop the pickle_module argument."
        )
    if _use_new_zipfile_serialization:
        archive = "archive" if hasattr(f, "write") else _archive_name(os.fspath(f))  # type: ignore[arg-type]
        write: Callable[[IO[bytes]], None] = lambda fh: _write_zip(obj, fh, pickle_protocol,  # noqa: E731
                                                                   not _disable_byteorder_record, archive)  # fmt: skip
    else:
        write = lambda fh: _write_legacy(obj, fh, pickle_protocol)  # noqa: E731
    if hasattr(f, "write"):
        write(f)  # type: ignore[arg-type]
    else:
        _atomic_write(os.fspath(f), write)


def _archive_name(path: str) -> str:
    """The folder torch names inside the zip: the file's name without its extension
    (``model_params.pth`` -> ``model_params/data.pkl``); ``archive`` for streams and non-ASCII names."""
    stem = os.path.basename(path)
    if "." in stem:
        stem = stem[: stem.rindex(".")]
    return stem if stem and path.isascii() else "archive"


def _write_zip(obj: Any, fh: IO[bytes], protocol: int, byteorder: bool, archive: str = "archive") -> None:
    pkl, storages = _pickler.dumps(obj, protocol)
    records: list[tuple[str, Any]] = [("data.pkl", pkl), (".format_version", b"1"),
                                      (".storage_alignment", b"64")]  # fmt: skip
    if byteorder:
        records.append(("byteorder", b"little"))
    records += [(f"data/{s.key}", s.tobytes_view()) for s in storages]
    records.append(("version", b"3\n"))
    crcs = [zlib.crc32(memoryview(data).cast("B")) for _, data in records]
    sid = _serialization_id.serialization_id([name for name, _ in records], crcs)  # same content, same id
    records.append((".data/serialization_id", sid.encode()))
    _zipformat.write_archive(fh, records, archive)


def _write_legacy(obj: Any, fh: IO[bytes], protocol: int) -> None:
    info = {"protocol_version": _legacy.PROTOCOL_VERSION, "little_endian": True,
            "type_sizes": {"short": 2, "int": 4, "long": 4}}  # fmt: skip
    for head in (_legacy.MAGIC_NUMBER, _legacy.PROTOCOL_VERSION, info):
        pickle.dump(head, fh, protocol=protocol)
    buf = io.BytesIO()
    pickler = _pickler.TorchPickler(buf, protocol, legacy=True)
    pickler.dump(obj)
    fh.write(buf.getvalue())
    records = [rec for rec, _ in pickler.storages.values()]
    pickle.dump([r.key for r in records], fh, protocol=protocol)
    for rec in records:
        fh.write(int(rec.array.size).to_bytes(8, "little"))
        fh.write(rec.tobytes_view())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _clean_stale_temps(folder: str, name: str) -> None:
    """Remove temporaries of earlier saves to ``name`` whose process is gone (killed mid-save)."""
    if sys.platform == "win32":  # pragma: no cover - no signal-0 probe there
        return
    pattern = re.compile(rf"\.{re.escape(name)}\.(\d+)-\d+{re.escape(_TMP_SUFFIX)}")
    for entry in os.listdir(folder):
        m = pattern.fullmatch(entry)
        if m and int(m.group(1)) != os.getpid() and not _pid_alive(int(m.group(1))):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass


def _atomic_write(path: str, write: Callable[[IO[bytes]], None]) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RuntimeError(
            f"Parent directory {folder} does not exist.\nhint: create it first, e.g. os.makedirs(...)."
        )
    name = os.path.basename(path)
    _clean_stale_temps(folder, name)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}-{threading.get_ident()}{_TMP_SUFFIX}")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:  # pragma: no cover - some filesystems refuse fsync on folders
        pass


# ====================================================================== load


def _restore_location(map_location: Any) -> Callable[[LoadedStorage, str], LoadedStorage]:
    def to(storage: LoadedStorage, target: str) -> LoadedStorage:
        dev_type = target.split(":", 1)[0]
        if dev_type == "cpu":
            return storage
        if dev_type == "cuda":
            if backend.device_count() == 0:
                raise RuntimeError(
                    "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. "
                    "If you are running on a CPU-only machine, please use torch.load with "
                    "map_location=torch.device('cpu') to map your storages to the CPU.\n"
                    "hint: learntorch.load(path, map_location='cpu')"
                )
            return storage.to(target)
        raise RuntimeError(
            f"don't know how to restore data location of torch.storage.UntypedStorage (tagged with {target})"
        )

    def restore(storage: LoadedStorage, location: str) -> LoadedStorage:
        if map_location is None:
            return to(storage, location)
        if isinstance(map_location, dict):
            return to(storage, str(map_location.get(location, location)))
        if isinstance(map_location, (str, bytes, backend.device)):
            target = map_location.decode() if isinstance(map_location, bytes) else str(map_location)
            return to(storage, target)
        result = map_location(storage, location)
        if result is None:
            return to(storage, location)
        if not isinstance(result, LoadedStorage):
            raise TypeError(f"map_location must return a storage (or None), got {type(result).__name__}")
        return result

    return restore


def _zip_persistent_load(reader: _zipformat.ArchiveReader, restore: Callable, mmap: bool) -> Callable:
    loaded: dict[tuple[str, str], LoadedStorage] = {}
    warned: list[bool] = []

    def persistent_load(pid: Any) -> LoadedStorage:
        if type(pid) is not tuple or len(pid) != 5 or _legacy._maybe_decode(pid[0]) != "storage":
            kind = pid[0] if type(pid) is tuple and pid else type(pid).__name__
            raise pickle.UnpicklingError(f"Only persistent_load of storage is allowed, but got {kind!r:.60}")
        _, stype, key, location, numel = pid
        location = _legacy._maybe_decode(location)
        if not isinstance(stype, StorageType) or type(location) is not str:
            raise pickle.UnpicklingError(f"invalid storage record {pid!r:.120}")
        if stype.name == "BFloat16Storage" and not warned:
            warned.append(True)
            _storage.warn_bfloat16()
        cache_key = (str(key), stype.name)
        if cache_key not in loaded:
            array = reader.storage(key, numel, stype, mmap)
            loaded[cache_key] = restore(LoadedStorage(array, stype, location), location)
        return loaded[cache_key]

    return persistent_load


def _full_unpickler(pickle_module: Any, table: dict[str, Any]) -> type:
    """``pickle_module.Unpickler`` that maps torch's names to learntorch and explains torch classes."""

    class FullUnpickler(pickle_module.Unpickler):  # type: ignore[misc, name-defined]
        def find_class(self, module: str, name: str) -> Any:
            obj = _allowlist.resolve(module, name, table)
            if obj is not None:
                return obj
            if module == "torch" and name == "bfloat16":
                _storage.warn_bfloat16()
                return _allowlist.default_globals()["torch.float32"]
            if module == "torch" and name.endswith("Storage"):
                return _storage.storage_type(name)
            if _allowlist.is_torch_name(module):
                raise pickle.UnpicklingError(_allowlist.torch_class_message(f"{module}.{name}"))
            return super().find_class(module, name)

    return FullUnpickler


def _unpickle(data: bytes, pos: int, persistent_load: Any, weights_only: bool, pickle_module: Any,
              table: dict[str, Any], encoding: str) -> tuple[Any, int]:  # fmt: skip
    if weights_only:
        up = _unpickler.WeightsUnpickler(data, persistent_load, table=table, encoding=encoding)
        up.pos = pos
        return up.load(), up.pos
    stream = io.BytesIO(data)
    stream.seek(pos)
    full = _full_unpickler(pickle_module, table)(stream, encoding=encoding)
    if persistent_load is not None:
        full.persistent_load = persistent_load
    return full.load(), stream.tell()


def _wo_message(message: str) -> str:
    """torch's wording for a refused ``weights_only`` load, plus a hint a student can act on."""
    unsafe_global = re.search(r"GLOBAL (\S+) was not an allowed global by default.", message)
    if unsafe_global:
        out = ("Weights only load failed. This file can still be loaded, to do so you have two options, "
               "\033[1mdo those steps only if you trust the source of the checkpoint\033[0m. "
               f"\n\t(1) {UNSAFE_MESSAGE}\n\t(2) Alternatively, to load with `weights_only=True` please check "
               "the recommended steps in the following error message.\n\tWeightsUnpickler error: " + message)  # fmt: skip
    else:
        out = f"Weights only load failed. {UNSAFE_MESSAGE}\n"
        if not re.search(r"whose module (\S+) is blocked", message):
            out += ("Please file an issue with the following so that we can make `weights_only=True` compatible "
                    "with your use case: WeightsUnpickler error: ")  # fmt: skip
        out += "\n\n" + message
    out += _DOCS_MESSAGE
    name = unsafe_global.group(1) if unsafe_global else ""
    if _allowlist.is_torch_name(name.rsplit(".", 1)[0]) if name else False:
        hint = _allowlist.torch_class_message(name).splitlines()[-1]
    elif unsafe_global:
        hint = ("hint: this file holds a pickled object of your own class (e.g. a whole model saved with "
                "torch.save(model, ...)); save model.state_dict() instead, or load with weights_only=False if "
                "you trust the file.")  # fmt: skip
    else:
        hint = ("hint: this file is not a plain checkpoint of tensors; it may be corrupt or crafted to run code. "
                "Only load it with weights_only=False if you trust where it came from.")  # fmt: skip
    return out + "\n" + hint


def _load_bytes_or_zip(opened: IO[bytes], path: str | None, map_location: Any, weights_only: bool,
                       pickle_module: Any, mmap: bool, encoding: str, f: Any) -> Any:  # fmt: skip
    start = opened.tell()
    head = opened.read(len(_legacy.LEARNTORCH1_MAGIC))
    opened.seek(start)
    restore = _restore_location(map_location)
    if head[:4] == b"PK\x03\x04":
        reader = _zipformat.ArchiveReader(opened, path)
        table = _allowlist.default_globals()
        pkl = reader.read("data.pkl")
        return _unpickle(pkl, 0, _zip_persistent_load(reader, restore, mmap), weights_only, pickle_module,
                         table, encoding)[0]  # fmt: skip
    if mmap:
        f_name = f"{f}, " if isinstance(f, str) else ""
        raise RuntimeError(
            "mmap can only be used with files saved with "
            f"`torch.save({f_name}_use_new_zipfile_serialization=True), "
            "please torch.save your checkpoint with this option in order to use mmap."
        )
    data = opened.read()
    if head == _legacy.LEARNTORCH1_MAGIC:
        table = _allowlist.learntorch1_globals() if weights_only else {
            "learntorch.tensor._rebuild_tensor": _storage.rebuild_learntorch_tensor}  # fmt: skip
        obj = _unpickle(data, len(head), None, weights_only, pickle_module, table, encoding)[0]
        if map_location is not None:
            warnings.warn("map_location is ignored for learntorch's older LEARNTORCH1 files; re-save them to "
                          "get PyTorch's format.", UserWarning, stacklevel=3)  # fmt: skip
        return obj
    table = _allowlist.default_globals()
    return _legacy.load_legacy(
        data, lambda pos, pl: _unpickle(data, pos, pl, weights_only, pickle_module, table, encoding), restore
    )


def load(f: str | os.PathLike | IO[bytes], map_location: Any = None, pickle_module: Any = None, *,
         weights_only: bool | None = None, mmap: bool | None = None, **pickle_load_args: Any) -> Any:  # fmt: skip
    """Read a checkpoint written by :func:`save` or by PyTorch's ``torch.save`` (any format).

    ``map_location`` (a device, a string, a ``{saved: wanted}`` dict or a function
    ``(storage, location) -> storage``) chooses where tensors go; ``mmap=True`` maps a
    zip file's storages from disk instead of reading them (copy-on-write).
    ``weights_only`` defaults to True unless a ``pickle_module`` is given, as in PyTorch.

    >>> import learntorch as torch, io
    >>> buf = io.BytesIO(); torch.save({"b": torch.zeros(2, dtype=torch.int64)}, buf); _ = buf.seek(0)
    >>> torch.load(buf, map_location="cpu")
    {'b': tensor([0, 0])}
    """
    if weights_only is None:
        weights_only = pickle_module is None
    if weights_only and pickle_module is not None:
        raise RuntimeError("Can not safely load weights when explicit pickle_module is specified")
    pickle_module = pickle if pickle_module is None else pickle_module
    if pickle_load_args and weights_only:
        warnings.warn("pickle_load_args only works if `weights_only=False`.", stacklevel=2)
    encoding = pickle_load_args.get("encoding", "utf-8")
    path = None if hasattr(f, "read") else os.fspath(f)  # type: ignore[arg-type]
    if mmap and path is None:
        raise ValueError("f must be a file path in order to use the mmap argument")
    opened = open(path, "rb") if path is not None else f  # noqa: SIM115
    try:
        return _load_bytes_or_zip(opened, path, map_location, weights_only, pickle_module, bool(mmap),
                                  encoding, f)  # type: ignore[arg-type]  # fmt: skip
    except pickle.UnpicklingError as err:
        if weights_only:
            raise pickle.UnpicklingError(_wo_message(str(err))) from None
        if "hint:" in str(err):
            raise
        raise pickle.UnpicklingError(f"{err}\nhint: the checkpoint is damaged or not a checkpoint at all; save "
                                     "or download it again.") from None  # fmt: skip
    except _CORRUPTION as err:
        if not weights_only and not isinstance(
            err, (zipfile.BadZipFile, struct.error, EOFError, MemoryError)
        ):
            raise
        msg = (f"the checkpoint is corrupt: {type(err).__name__}: {str(err)[:300]}\nhint: it was damaged "
               "(an interrupted download or copy?) or crafted; save or download it again.")  # fmt: skip
        raise pickle.UnpicklingError(_wo_message(msg) if weights_only else msg) from None
    finally:
        if path is not None:
            opened.close()  # type: ignore[union-attr]


def get_unsafe_globals_in_checkpoint(f: str | os.PathLike | IO[bytes]) -> list[str]:
    """The globals a zip checkpoint names that ``weights_only=True`` would refuse (found without running it).

    >>> import learntorch as torch, io
    >>> buf = io.BytesIO(); torch.save({"w": torch.ones(1)}, buf); _ = buf.seek(0)
    >>> torch.serialization.get_unsafe_globals_in_checkpoint(buf)
    []
    """
    opened = f if hasattr(f, "read") else open(os.fspath(f), "rb")  # type: ignore[arg-type]  # noqa: SIM115
    try:
        start = opened.tell()
        is_zip = opened.read(4) == b"PK\x03\x04"
        opened.seek(start)
        if not is_zip:
            raise ValueError("Expected input to be a checkpoint returned by torch.save")
        pkl = _zipformat.ArchiveReader(opened).read("data.pkl")
    finally:
        if opened is not f:
            opened.close()
    safe = set(_allowlist.default_globals())
    return [g for g in _unpickler.scan_globals(pkl) if g not in safe and _allowlist.user_global(g) is None]

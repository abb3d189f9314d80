"""Which globals a ``weights_only`` load may name: torch's safe set, by exact name only.

A pickle names every function or class it uses as ``module.name``. This table maps
each allowed full name to the learntorch object that plays its part; a name that is
not a key here (or one added with :func:`add_safe_globals`) is refused. No prefix
matching, no attribute walks: ``learntorch.dtypes`` + ``builtins.eval`` is simply an
unknown name.

>>> resolve("torch", "float32")
torch.float32
>>> resolve("torch.FloatStorage".rsplit(".", 1)[0], "FloatStorage")
torch.FloatStorage
>>> resolve("builtins", "eval") is None
True
"""

from __future__ import annotations

import _compat_pickle
import collections
import contextlib
import functools
from collections.abc import Iterator
from typing import Any

from .. import backend, dtypes
from . import _storage
from ._storage import crafted

# dtype names torch pickles (``torch.float32``) and what learntorch gives for them
_TORCH_DTYPE_NAMES = ("bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64")
_TORCH_ONLY_DTYPES = (
    "bfloat16", "complex32", "complex64", "complex128", "uint16", "uint32", "uint64", "float8_e4m3fn",
    "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "qint8", "quint8", "qint32", "quint4x2",
)  # fmt: skip
LEGACY_TENSOR_CLASSES = ("FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor",
                         "CharTensor", "ByteTensor", "BoolTensor")  # fmt: skip


def _encode(obj: Any, encoding: str = "utf-8") -> bytes:
    """``_codecs.encode`` as protocol-2 pickles use it for ``bytes``: text to latin-1 bytes only."""
    if type(obj) is not str or encoding not in ("latin1", "latin-1", "utf-8", "utf8", "ascii"):
        raise crafted(f"_codecs.encode is only allowed on str with a text encoding, got {encoding!r:.40}")
    return obj.encode(encoding)


def _bytearray(*args: Any) -> bytearray:
    if len(args) > 2 or (args and type(args[0]) not in (bytes, str)):
        raise crafted("bytearray(...) in a checkpoint may only copy bytes (a size would allocate memory)")
    return bytearray(*args)


def _size(values: Any = ()) -> Any:
    from ..tensor import Size  # noqa: PLC0415

    if not isinstance(values, (tuple, list)) or not all(type(v) is int for v in values):
        raise crafted("torch.Size(...) in a checkpoint must be built from a tuple of ints")
    return Size(values)


def _device(kind: Any, index: Any = None) -> backend.device:
    if type(kind) is not str or (index is not None and type(index) is not int):
        raise crafted("torch.device(...) in a checkpoint must be built from a string (and an int)")
    return backend.device(kind, index)


def _layout(name: Any) -> str:
    if name != "torch.strided":
        raise crafted(f"learntorch only has strided tensors, this checkpoint asks for {name!r:.40}")
    return name


@functools.lru_cache(maxsize=1)
def default_globals() -> dict[str, Any]:
    """Full name -> learntorch object for every global torch 2.13 allows by default."""
    from ..nn.parameter import Parameter  # noqa: PLC0415
    from ..tensor import Tensor  # noqa: PLC0415

    rc: dict[str, Any] = {
        "collections.OrderedDict": collections.OrderedDict,
        "collections.Counter": collections.Counter,
        "torch.nn.parameter.Parameter": Parameter,
        "torch.serialization._get_layout": _layout,
        "torch.Size": _size,
        "torch.Tensor": Tensor,
        "torch.device": _device,
        "_codecs.encode": _encode,
        "builtins.bytearray": _bytearray,
        "builtins.set": set,
        "builtins.complex": complex,
        "torch._utils._rebuild_tensor_v2": _storage.rebuild_tensor_v2,
        "torch._utils._rebuild_tensor": _storage.rebuild_tensor,
        "torch._utils._rebuild_parameter": _storage.rebuild_parameter,
        "torch._utils._rebuild_parameter_with_state": _storage.rebuild_parameter,
        "torch._tensor._rebuild_from_type_v2": _storage.rebuild_from_type_v2,
    }
    for name in _TORCH_DTYPE_NAMES:
        rc[f"torch.{name}"] = dtypes.by_name(name)
    for name in _storage.STORAGE_TYPES:
        rc[f"torch.{name}"] = _storage.STORAGE_TYPES[name]
    return rc


# learntorch's own older files (LEARNTORCH1) name these; allowed only when reading such a file
def learntorch1_globals() -> dict[str, Any]:
    from . import _numpy_state  # noqa: PLC0415

    rc = {f"learntorch.dtypes.{d.name}": d for d in dtypes.ALL}
    rc.update({
        "learntorch.tensor._rebuild_tensor": _storage.rebuild_learntorch_tensor,
        "learntorch.nn.parameter._rebuild_parameter": _storage.rebuild_parameter,
        "learntorch.backend.device": _device,
        "collections.OrderedDict": collections.OrderedDict,
        "builtins.set": set,
        "builtins.frozenset": frozenset,
        "builtins.complex": complex,
        "builtins.bytearray": _bytearray,
        "_codecs.encode": _encode,
    })  # fmt: skip
    rc.update(_numpy_state.NUMPY_GLOBALS)
    return rc


# ------------------------------------------------------------------ globals added by the user

_user_safe: list[Any] = []


def _user_table() -> dict[str, Any]:
    rc: dict[str, Any] = {}
    for f in _user_safe:
        if isinstance(f, tuple):
            if len(f) != 2:
                raise ValueError(
                    f"Expected tuple of length 2 (global, str of callable full path), but got tuple of length: {len(f)}"
                )
            if type(f[1]) is not str:
                raise TypeError(
                    f"Expected second item in tuple to be str of callable full path, but got: {type(f[1])}"
                )
            rc[f[1]] = f[0]
        else:
            rc[f"{f.__module__}.{f.__qualname__}"] = f
    return rc


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow these classes/functions (or ``(obj, "full.name")`` pairs) in ``weights_only`` loads.

    >>> class Point: ...
    >>> add_safe_globals([Point]); Point in get_safe_globals()
    True
    >>> clear_safe_globals()
    """
    for f in safe_globals:
        if f not in _user_safe:
            _user_safe.append(f)


def get_safe_globals() -> list[Any]:
    """The globals added with :func:`add_safe_globals` (torch's own safe set is not listed)."""
    return list(_user_safe)


def clear_safe_globals() -> None:
    _user_safe.clear()


def remove_safe_globals(globals_to_remove: list[Any]) -> None:
    for f in globals_to_remove:
        if f in _user_safe:
            _user_safe.remove(f)


class safe_globals(contextlib.AbstractContextManager):
    """Allow these globals for ``weights_only`` loads inside a ``with`` block only."""

    def __init__(self, safe_globals: list[Any]) -> None:
        self.safe_globals = list(safe_globals)
        self._added: list[Any] = []

    def __enter__(self) -> None:
        self._added = [f for f in self.safe_globals if f not in _user_safe]
        add_safe_globals(self._added)

    def __exit__(self, *exc: Any) -> None:
        remove_safe_globals(self._added)


def user_global(full: str) -> Any:
    return _user_table().get(full)


def user_objects() -> Iterator[Any]:
    return iter(_user_table().values())


# ------------------------------------------------------------------ lookups


def normalise(module: str, name: str) -> tuple[str, str]:
    """Python 2 names (``__builtin__``, ``copy_reg``) as Python 3 reads them, like pickle and torch do."""
    if (module, name) in _compat_pickle.NAME_MAPPING:
        return _compat_pickle.NAME_MAPPING[(module, name)]
    return _compat_pickle.IMPORT_MAPPING.get(module, module), name


def resolve(module: str, name: str, table: dict[str, Any] | None = None) -> Any:
    """The object for ``module.name`` if it is allowed, else ``None``. Exact names only."""
    full = f"{module}.{name}"
    table = default_globals() if table is None else table
    if full in table:
        return table[full]
    return user_global(full)


def missing_dtype(module: str, name: str) -> str | None:
    """``'bfloat16'`` when the file names a torch dtype learntorch does not have."""
    if module == "torch" and name in _TORCH_ONLY_DTYPES:
        return name
    return None


def is_torch_name(module: str) -> bool:
    return (
        module == "torch"
        or module.startswith("torch.")
        or module == "torchvision"
        or module.startswith("torchvision.")
    )


def torch_class_message(full: str) -> str:
    return (
        f"this file holds a pickled PyTorch object ({full}), not just tensors; learntorch can rebuild "
        "tensors, state dicts and its own classes, but not PyTorch's.\n"
        "hint: in PyTorch, save the weights instead: torch.save(model.state_dict(), path); then build the "
        "same model in learntorch and call model.load_state_dict(learntorch.load(path))."
    )

"""``torch.save`` / ``torch.load``: pickle-based checkpoints, written atomically.

A checkpoint is a pickle of whatever object you pass (usually a ``state_dict``),
with every tensor stored as a NumPy array plus its ``requires_grad`` flag. Saving
writes to a temporary file in the same folder and renames it over the target, so
a crash mid-save never leaves a half-written checkpoint.

``load`` defaults to ``weights_only=True``, as PyTorch does since 2.6: only
tensors, containers, numbers and strings are rebuilt. Loading a whole pickled
model (a class of yours) needs ``weights_only=False`` — do that only for files
you trust, because unpickling arbitrary classes can run arbitrary code.
"""

from __future__ import annotations

import collections
import contextlib
import io
import os
import pickle
import tempfile
from typing import IO, Any, Callable, Iterator

from . import backend

__all__ = ["save", "load", "add_safe_globals", "safe_globals", "get_safe_globals", "clear_safe_globals"]

_MAGIC = b"LEARNTORCH1\n"

_SAFE_BUILTINS = {
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("builtins", "dict"),
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "int"),
    ("builtins", "float"),
    ("builtins", "complex"),
    ("builtins", "bool"),
    ("builtins", "str"),
    ("builtins", "bytes"),
    ("builtins", "bytearray"),
    ("builtins", "slice"),
    ("builtins", "range"),
    ("learntorch.tensor", "_rebuild_tensor"),
    ("learntorch.nn.parameter", "_rebuild_parameter"),
    ("learntorch.dtypes", "dtype"),
    ("learntorch.backend", "device"),
    ("numpy", "dtype"),
    ("numpy", "ndarray"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "scalar"),
}
_user_safe: list[Any] = []


def add_safe_globals(safe_globals: list[Any]) -> None:
    """Allow these classes/functions when loading with ``weights_only=True``."""
    _user_safe.extend(safe_globals)


def get_safe_globals() -> list[Any]:
    return list(_user_safe)


def clear_safe_globals() -> None:
    _user_safe.clear()


@contextlib.contextmanager
def safe_globals(globals_: list[Any]) -> Iterator[None]:
    """Allow these globals for ``weights_only`` loads inside the ``with`` block only."""
    n = len(_user_safe)
    _user_safe.extend(globals_)
    try:
        yield
    finally:
        del _user_safe[n:]


def _qualname(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


class _WeightsUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_BUILTINS or (module == "learntorch.dtypes"):
            return super().find_class(module, name)
        for obj in _user_safe:
            if getattr(obj, "__module__", None) == module and getattr(obj, "__qualname__", None) == name:
                return obj
        full = f"{module}.{name}"
        raise pickle.UnpicklingError(_weights_only_message(full))


def _weights_only_message(full: str) -> str:
    return (
        "Weights only load failed. This file can still be loaded, to do so you have two options, "
        "\x1b[1mdo those steps only if you trust the source of the checkpoint\x1b[0m. \n\t(1) In PyTorch 2.6, "
        "we changed the default value of the `weights_only` argument in `torch.load` from `False` to "
        "`True`. Re-running `torch.load` with `weights_only` set to `False` will likely succeed, but it "
        "can result in arbitrary code execution. Do it only if you got the file from a trusted source.\n\t"
        "(2) Alternatively, to load with `weights_only=True` please check the recommended steps in the "
        f"following error message.\n\tWeightsUnpickler error: Unsupported global: GLOBAL {full} was not "
        "an allowed global by default. Please use `torch.serialization.add_safe_globals([" + full + "])` or "
        "the `torch.serialization.safe_globals([" + full + "])` context manager to allowlist this global if "
        "you trust this class/function.\n\nCheck the documentation of torch.load to learn more about types "
        "accepted by default with weights_only https://pytorch.org/docs/stable/generated/torch.load.html.\n"
        "hint: this file holds a pickled object of your own class (e.g. a whole model saved with "
        "torch.save(model, ...)); save model.state_dict() instead, or load with weights_only=False if "
        "you trust the file."
    )


def save(obj: Any, f: str | os.PathLike | IO[bytes], pickle_protocol: int = 2, **_: Any) -> None:
    """Write ``obj`` (a state_dict, a dict of tensors, a whole model, ...) to ``f``.

    Paths are written atomically: to a temporary file first, then renamed.

    >>> import learntorch as torch, tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "x.pt")
    >>> torch.save({"w": torch.ones(2)}, path)
    >>> torch.load(path)
    {'w': tensor([1., 1.])}
    """
    payload = _MAGIC + pickle.dumps(obj, protocol=max(pickle_protocol, 4))
    if hasattr(f, "write"):
        f.write(payload)  # type: ignore[union-attr]
        return
    path = os.fspath(f)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise RuntimeError(
            f"Parent directory {folder} does not exist.\nhint: create it first, e.g. os.makedirs(...)."
        )
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load(
    f: str | os.PathLike | IO[bytes],
    map_location: Any = None,
    pickle_module: Any = None,
    *,
    weights_only: bool | None = None,
    mmap: bool | None = None,
    **_: Any,
) -> Any:
    """Read an object written by :func:`save`; ``map_location`` moves its tensors.

    ``weights_only`` defaults to True: only tensors, containers, numbers and strings
    are allowed (PyTorch's default since 2.6).
    """
    if weights_only is None:
        weights_only = True
    if hasattr(f, "read"):
        data = f.read()  # type: ignore[union-attr]
    else:
        with open(os.fspath(f), "rb") as fh:
            data = fh.read()
    if not data.startswith(_MAGIC):
        raise pickle.UnpicklingError(
            "invalid load key, not a learntorch checkpoint.\n"
            "hint: learntorch reads files written by learntorch.save; files from real PyTorch use "
            "PyTorch's own zip format."
        )
    stream = io.BytesIO(data[len(_MAGIC) :])
    obj = _WeightsUnpickler(stream).load() if weights_only else pickle.Unpickler(stream).load()
    if map_location is not None:
        obj = _map(obj, map_location)
    return obj


def _map(obj: Any, loc: Any) -> Any:
    from .tensor import Tensor  # noqa: PLC0415

    def move(t: Tensor) -> Tensor:
        if callable(loc) and not isinstance(loc, (str, backend.device)):
            r = loc(t, str(t.device))
            return t if r is None else r
        target = loc.get(str(t.device), str(t.device)) if isinstance(loc, dict) else loc
        dev = backend.as_device(target)
        if dev == t.device:
            return t
        t._data = backend.to_device_array(t._data, dev)
        return t

    return _walk(obj, move)


def _walk(obj: Any, fn: Callable) -> Any:
    from .tensor import Tensor  # noqa: PLC0415

    if isinstance(obj, Tensor):
        return fn(obj)
    if isinstance(obj, collections.OrderedDict):
        return collections.OrderedDict((k, _walk(v, fn)) for k, v in obj.items())
    if isinstance(obj, dict):
        return {k: _walk(v, fn) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_walk(v, fn) for v in obj]
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(_walk(v, fn) for v in obj)
    if hasattr(obj, "_parameters") and hasattr(obj, "_apply"):
        return obj._apply(lambda t: fn(t))
    return obj

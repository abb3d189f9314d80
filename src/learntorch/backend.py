"""The one place where NumPy and CuPy meet.

Every array a :class:`~learntorch.Tensor` holds is either a ``numpy.ndarray``
(device ``cpu``) or a ``cupy.ndarray`` (device ``cuda``). Code elsewhere asks
:func:`array_module` which module to call and never imports CuPy itself.
"""

from __future__ import annotations

import builtins
import functools
import re
from typing import Any

import numpy as np


@functools.lru_cache(maxsize=1)
def _cupy() -> Any:
    """CuPy if it imports and sees a GPU, else ``None`` (checked once)."""
    try:
        import cupy  # noqa: PLC0415 - optional, imported lazily on purpose

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
        return cupy
    except Exception:  # ImportError, or a CUDA runtime without a device
        return None


def cupy_module() -> Any:
    """Return the ``cupy`` module, or ``None`` when CuPy or a GPU is missing."""
    return _cupy()


def array_module(*arrays: Any) -> Any:
    """Return ``numpy`` or ``cupy``, whichever holds ``arrays``.

    >>> import numpy as np
    >>> array_module(np.zeros(2)).__name__
    'numpy'
    """
    cp = _cupy()
    if cp is not None:
        for a in arrays:
            if isinstance(a, cp.ndarray):
                return cp
    return np


def is_gpu_array(a: Any) -> bool:
    cp = _cupy()
    return cp is not None and isinstance(a, cp.ndarray)


def to_numpy(a: Any) -> np.ndarray:
    """Copy a CuPy array to the host; NumPy arrays pass through unchanged."""
    if is_gpu_array(a):
        return a.get()
    return a


_NO_CUDA = (
    "Torch not compiled with CUDA enabled\n"
    "hint: learntorch found no GPU it can use (it needs CuPy and an NVIDIA GPU); keep code "
    "device-agnostic with device = 'cuda' if torch.cuda.is_available() else 'cpu'."
)


def to_device_array(a: Any, dev: device) -> Any:
    """Move array ``a`` to ``dev`` (copying only when the device changes)."""
    if dev.type == "cpu":
        return to_numpy(a)
    if dev.type != "cuda":
        raise RuntimeError(f"learntorch has no '{dev.type}' backend\nhint: use 'cpu' or 'cuda'.")
    cp = _cupy()
    if cp is None:
        raise AssertionError(_NO_CUDA)
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(a)


def array_device(a: Any) -> device:
    if is_gpu_array(a):
        return device("cuda", int(a.device.id))
    return _CPU


def device_count() -> int:
    cp = _cupy()
    return 0 if cp is None else int(cp.cuda.runtime.getDeviceCount())


_DEVICE_TYPES = (
    "cpu", "cuda", "ipu", "xpu", "mkldnn", "opengl", "opencl", "ideep", "hip", "ve", "fpga", "maia", "xla",
    "lazy", "vulkan", "mps", "meta", "hpu", "mtia", "privateuseone",
)  # fmt: skip
_DEVICE_RE = re.compile(r"([a-zA-Z_]+)(?::([1-9]\d*|0))?")


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda')``, ``device('cuda:1')``, ``device('cuda', 1)``.

    Equal when type and index are equal (``device('cuda') != device('cuda:0')``, as
    in PyTorch, and a device never equals a string).

    >>> device('cuda:1')
    device(type='cuda', index=1)
    >>> str(device('cpu')), device('cuda', 0).index
    ('cpu', 0)
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str | device | int, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, builtins.int) and not isinstance(type, builtins.bool):
            if device_count() == 0:
                raise RuntimeError(
                    "Cannot access accelerator device when none is available.\n"
                    "hint: a bare number means a GPU index; there is no GPU here, so use 'cpu'."
                )
            self.type, self.index = "cuda", type
            return
        if not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got ({type.__class__.__name__}), but "
                "expected one of:\n * (torch.device device)\n * (str type, int index = -1)"
            )
        if not type:
            raise RuntimeError("Device string must not be empty")
        m = _DEVICE_RE.fullmatch(type)
        if m is None:
            raise RuntimeError(
                f"Invalid device string: '{type}'\nhint: write a device as 'cpu', 'cuda' or 'cuda:0'."
            )
        name, idx = m.group(1), m.group(2)
        if name not in _DEVICE_TYPES:
            raise RuntimeError(
                f"Expected one of {', '.join(_DEVICE_TYPES)} device type at start of device string: {type}\n"
                "hint: learntorch runs on 'cpu' and on 'cuda' (an NVIDIA GPU through CuPy)."
            )
        if idx is not None and index is not None:
            raise RuntimeError(
                f"type (string) must not include an index because index was passed explicitly: {type}"
            )
        if index is not None and index < 0:
            raise RuntimeError("Device index must not be negative")
        self.type = name
        self.index = builtins.int(idx) if idx is not None else index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, device):
            return False
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self) -> Any:
        return (device, (self.type, self.index))


_CPU = device("cpu")


def as_device(d: str | device | int | None) -> device:
    """Normalise a user's device argument to where an array really lives.

    ``'cuda'`` means the current GPU (``cuda:0``) and ``'cpu:0'`` is plain ``cpu``,
    as the ``device`` of a PyTorch tensor shows them.

    >>> as_device('cpu:0'), as_device(None)
    (device(type='cpu'), device(type='cpu'))
    """
    if d is None:
        return _CPU
    if isinstance(d, device) and d.type == "cpu" and d.index is None:
        return _CPU
    if isinstance(d, builtins.int) and not isinstance(d, builtins.bool):
        return device("cuda", d)
    d = device(d)
    if d.type == "cpu":
        return _CPU
    if d.type == "cuda" and d.index is None:
        return device("cuda", 0)
    return d

"""The one place where NumPy and CuPy meet.

Every array a :class:`~learntorch.Tensor` holds is either a ``numpy.ndarray``
(device ``cpu``) or a ``cupy.ndarray`` (device ``cuda``). Code elsewhere asks
:func:`array_module` which module to call and never imports CuPy itself.
"""

from __future__ import annotations

import functools
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


def to_device_array(a: Any, dev: device) -> Any:
    """Move array ``a`` to ``dev`` (copying only when the device changes)."""
    if dev.type == "cpu":
        return to_numpy(a)
    cp = _cupy()
    if cp is None:
        raise AssertionError("Torch not compiled with CUDA enabled")
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(a)


def array_device(a: Any) -> device:
    if is_gpu_array(a):
        return device("cuda", int(a.device.id))
    return _CPU


def device_count() -> int:
    cp = _cupy()
    return 0 if cp is None else int(cp.cuda.runtime.getDeviceCount())


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda')``, ``device('cuda:0')``.

    >>> device('cuda:1')
    device(type='cuda', index=1)
    >>> str(device('cpu'))
    'cpu'
    """

    __slots__ = ("type", "index")

    def __init__(self, type: str | device, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError(
                f"device() received an invalid combination of arguments - got ({type.__class__.__name__})"
            )
        name = type
        if ":" in name:
            name, _, idx = name.partition(":")
            if index is not None or not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if name not in ("cpu", "cuda", "meta"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, "
                "maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of "
                f"device string: {type}"
            )
        self.type = name
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))


_CPU = device("cpu")


def as_device(d: str | device | int | None) -> device:
    """Normalise a user's device argument; ``'cuda'`` means the current GPU (0)."""
    if d is None:
        return _CPU
    if isinstance(d, int):
        return device("cuda", d)
    d = device(d)
    if d.type == "cuda" and d.index is None:
        return device("cuda", 0)
    return d

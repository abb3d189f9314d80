"""``torch.cuda``: GPU queries, answered by CuPy when it and an NVIDIA GPU are present.

Without a GPU the queries answer as a CPU-only PyTorch does: ``is_available()`` is
``False``, ``device_count()`` is 0, memory counters are 0, and what needs a GPU
(``current_device``, ``get_device_name``, ``synchronize``, ``.cuda()``) raises
``AssertionError: Torch not compiled with CUDA enabled``.

>>> import learntorch as torch
>>> device = 'cuda' if torch.cuda.is_available() else 'cpu'
>>> torch.zeros(2, device=device).device.type == device
True
"""

from __future__ import annotations

from typing import Any

from . import backend

__all__ = [
    "is_available", "device_count", "current_device", "set_device", "get_device_name",
    "get_device_properties", "get_device_capability", "synchronize", "manual_seed", "manual_seed_all",
    "empty_cache", "memory_allocated", "max_memory_allocated", "memory_reserved", "is_initialized",
]  # fmt: skip


def is_available() -> bool:
    """True when CuPy is installed and sees at least one GPU.

    >>> isinstance(is_available(), bool)
    True
    """
    return backend.device_count() > 0


def device_count() -> int:
    """How many GPUs CuPy sees (0 without CuPy or without a GPU)."""
    return backend.device_count()


def is_initialized() -> bool:
    """True once a GPU has been used (here: whenever one is available)."""
    return is_available()


def _lazy_check() -> None:
    if not is_available():
        raise AssertionError(backend._NO_CUDA)


def _index(device: Any) -> int:
    if device is None:
        return current_device()
    if isinstance(device, int):
        return device
    return backend.as_device(device).index or 0


def current_device() -> int:
    """The index of the GPU that new CUDA tensors go to."""
    _lazy_check()
    return int(backend.cupy_module().cuda.runtime.getDevice())


def set_device(device: Any) -> None:
    """Make ``device`` the current GPU."""
    _lazy_check()
    backend.cupy_module().cuda.runtime.setDevice(_index(device))


def get_device_properties(device: Any = None) -> Any:
    """CuPy's property dictionary for a GPU (name, totalGlobalMem, major, minor, ...)."""
    _lazy_check()
    return backend.cupy_module().cuda.runtime.getDeviceProperties(_index(device))


def get_device_name(device: Any = None) -> str:
    """The GPU's name, e.g. ``'NVIDIA H100 80GB HBM3'``."""
    name = get_device_properties(device)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def get_device_capability(device: Any = None) -> tuple[int, int]:
    """The GPU's compute capability, e.g. ``(9, 0)`` for an H100."""
    props = get_device_properties(device)
    return int(props["major"]), int(props["minor"])


def synchronize(device: Any = None) -> None:
    """Wait until the GPU has finished all queued work (time GPU code only after this)."""
    _lazy_check()
    backend.cupy_module().cuda.Device(_index(device)).synchronize()


def manual_seed(seed: int) -> None:
    """Seed the GPU generator (a no-op without a GPU, as in PyTorch).

    GPU draws come from CuPy's generator: seeded, they repeat, but they are not
    PyTorch's CUDA (Philox) numbers.
    """
    if is_available():
        backend.cupy_module().random.seed(int(seed) & 0xFFFFFFFF)


manual_seed_all = manual_seed


def empty_cache() -> None:
    """Give cached, unused GPU memory back to the driver."""
    if is_available():
        backend.cupy_module().get_default_memory_pool().free_all_blocks()


def memory_allocated(device: Any = None) -> int:
    """Bytes of GPU memory held by live arrays (0 without a GPU)."""
    if not is_available():
        return 0
    return int(backend.cupy_module().get_default_memory_pool().used_bytes())


def max_memory_allocated(device: Any = None) -> int:
    """The largest ``memory_allocated`` so far that CuPy can report (its pool's total size)."""
    if not is_available():
        return 0
    return int(backend.cupy_module().get_default_memory_pool().total_bytes())


def memory_reserved(device: Any = None) -> int:
    """Bytes of GPU memory the allocator holds, in use or cached (0 without a GPU)."""
    if not is_available():
        return 0
    return int(backend.cupy_module().get_default_memory_pool().total_bytes())

"""``torch.cuda``: GPU queries, answered by CuPy when it and a GPU are present."""

from __future__ import annotations

from . import backend


def is_available() -> bool:
    """True when CuPy is installed and sees at least one GPU.

    >>> isinstance(is_available(), bool)
    True
    """
    return backend.device_count() > 0


def device_count() -> int:
    """How many GPUs CuPy sees (0 without CuPy)."""
    return backend.device_count()


def _lazy_check() -> None:
    if not is_available():
        raise AssertionError(
            "Torch not compiled with CUDA enabled\n"
            "hint: this machine has no GPU learntorch can use (CuPy and an NVIDIA GPU are needed); "
            "keep the code device-agnostic with device = 'cuda' if torch.cuda.is_available() else 'cpu'."
        )


def current_device() -> int:
    _lazy_check()
    return int(backend.cupy_module().cuda.runtime.getDevice())


def get_device_name(device: object = None) -> str:
    """The GPU's name, e.g. ``'NVIDIA H100 80GB HBM3'``."""
    _lazy_check()
    cp = backend.cupy_module()
    idx = backend.as_device(device if device is not None else "cuda").index or 0
    name = cp.cuda.runtime.getDeviceProperties(idx)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def synchronize(device: object = None) -> None:
    if is_available():
        backend.cupy_module().cuda.Device().synchronize()


def manual_seed(seed: int) -> None:
    """Seed the GPU generator (a no-op without a GPU, as in PyTorch)."""
    if is_available():
        backend.cupy_module().random.seed(seed)


manual_seed_all = manual_seed


def empty_cache() -> None:
    if is_available():
        backend.cupy_module().get_default_memory_pool().free_all_blocks()


def memory_allocated(device: object = None) -> int:
    if not is_available():
        return 0
    return int(backend.cupy_module().get_default_memory_pool().used_bytes())

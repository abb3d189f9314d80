"""Making tensors: from data (``tensor``, ``as_tensor``, ``from_numpy``) and by shape."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from . import backend, dtypes
from .dtypes import dtype
from .tensor import Size, Tensor

__all__ = [
    "tensor", "as_tensor", "from_numpy", "empty", "zeros", "ones", "full", "eye", "arange",
    "linspace", "zeros_like", "ones_like", "empty_like", "full_like",
]  # fmt: skip


def _infer_dtype(data: Any) -> dtype:
    """torch.tensor's dtype for nested Python data: bool < int64 < default float."""
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, np.ndarray) or backend.is_gpu_array(data):
        return dtypes.from_numpy_dtype(data.dtype)
    if isinstance(data, np.generic):
        return dtypes.from_numpy_dtype(data.dtype)
    if isinstance(data, (list, tuple)):
        if not data:
            return dtypes.get_default_dtype()
        best = _infer_dtype(data[0])
        for item in data[1:]:
            best = dtypes.promote_types(best, _infer_dtype(item))
        return best
    if isinstance(data, builtins.bool):
        return dtypes.bool
    if isinstance(data, builtins.int):
        return dtypes.int64
    if isinstance(data, builtins.float):
        return dtypes.get_default_dtype()
    raise TypeError(
        f"Could not infer dtype of {type(data).__name__}"
    )


def _to_array(data: Any, dt: dtype) -> np.ndarray:
    if isinstance(data, (list, tuple)):
        data = [backend.to_numpy(d._data) if isinstance(d, Tensor) else d for d in data]
        _check_ragged(data)
    try:
        return np.array(data, dtype=dt.np)
    except ValueError as e:
        raise ValueError(str(e)) from None


def _check_ragged(data: list, dim: int = 1) -> None:
    if not data or not isinstance(data[0], (list, tuple)):
        return
    n = len(data[0])
    for item in data:
        if not isinstance(item, (list, tuple)) or len(item) != n:
            got = len(item) if isinstance(item, (list, tuple)) else 0
            raise ValueError(f"expected sequence of length {n} at dim {dim} (got {got})")
        _check_ragged(list(item), dim + 1)


def tensor(
    data: Any, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, pin_memory: bool = False
) -> Tensor:
    """Copy ``data`` (a number, nested lists, a NumPy array or a tensor) into a new tensor.

    >>> import learntorch as torch
    >>> torch.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> torch.tensor([1.5, 2]).dtype
    torch.float32
    """
    if isinstance(data, Tensor):
        import warnings  # noqa: PLC0415

        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
            "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).",
            UserWarning,
            stacklevel=2,
        )
        arr = backend.to_numpy(data._data).astype((dtype or data.dtype).np, copy=True)
    else:
        dt = dtype or _infer_dtype(data)
        arr = _to_array(backend.to_numpy(data) if backend.is_gpu_array(data) else data, dt)
    dev = backend.as_device(device)
    if dev.type != "cpu":
        arr = backend.to_device_array(arr, dev)
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def as_tensor(data: Any, dtype: dtype | None = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    if isinstance(data, np.ndarray) and (dtype is None or dtype.np == data.dtype) and (device is None or str(device) == "cpu"):
        return from_numpy(data)
    return tensor(data, dtype=dtype, device=device)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``ndarray``: writes to either show in both.

    >>> import numpy as np, learntorch as torch
    >>> a = np.zeros(3); t = torch.from_numpy(a); a[0] = 7
    >>> t
    tensor([7., 0., 0.], dtype=torch.float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    dtypes.from_numpy_dtype(ndarray.dtype)
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a copy "
            "of your array  with array.copy().) "
        )
    return Tensor._make(ndarray)


def _size(size: tuple) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for s in size:
        if isinstance(s, builtins.float) or not hasattr(s, "__index__"):
            raise TypeError(
                f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element of type "
                f"{type(s).__name__} at pos 0"
            )
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(builtins.int(s) for s in size)


def _finish(arr: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    dev = backend.as_device(device)
    if dev.type != "cpu":
        arr = backend.to_device_array(arr, dev)
    t = Tensor._make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _new(fill: Any, size: tuple, dtype: dtype | None, device: Any, requires_grad: bool) -> Tensor:
    dt = dtype or dtypes.get_default_dtype()
    shape = _size(size)
    arr = np.empty(shape, dtype=dt.np) if fill is None else np.full(shape, fill, dtype=dt.np)
    return _finish(arr, device, requires_grad)


def empty(*size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """An uninitialised tensor (its values are whatever the memory held)."""
    return _new(None, size, dtype, device, requires_grad)


def zeros(*size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """A tensor of zeros.

    >>> import learntorch as torch
    >>> torch.zeros(3, 2)
    tensor([[0., 0.],
            [0., 0.],
            [0., 0.]])
    """
    return _new(0, size, dtype, device, requires_grad)


def ones(*size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """A tensor of ones."""
    return _new(1, size, dtype, device, requires_grad)


def full(size: Any, fill_value: Any, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype follows the value, as in PyTorch)."""
    if dtype is None:
        dtype = dtypes.scalar_dtype(fill_value.item() if isinstance(fill_value, Tensor) else fill_value)
    return _new(fill_value, (size,) if not isinstance(size, (tuple, list, Size)) else (tuple(size),), dtype, device, requires_grad)


def eye(n: int, m: int | None = None, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The identity matrix (``n`` × ``m``)."""
    dt = dtype or dtypes.get_default_dtype()
    return _finish(np.eye(n, m if m is not None else n, dtype=dt.np), device, requires_grad)


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    >>> import learntorch as torch
    >>> torch.arange(0, 10, 2)
    tensor([0, 2, 4, 6, 8])
    """
    if end is None:
        start, end = 0, start
    vals = [v.item() if isinstance(v, Tensor) else v for v in (start, end, step)]
    if dtype is None:
        dtype = dtypes.get_default_dtype() if any(isinstance(v, builtins.float) for v in vals) else dtypes.int64
    s, e, st = vals
    if st == 0:
        raise RuntimeError("step must be nonzero")
    if (e - s) / st < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    import math  # noqa: PLC0415

    n = builtins.int(math.ceil((e - s) / st))
    arr = (s + st * np.arange(n, dtype=np.float64)) if dtype.is_floating_point else np.arange(s, e, st)
    return _finish(arr.astype(dtype.np), device, requires_grad)


def linspace(start: Any, end: Any, steps: int, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    dt = dtype or dtypes.get_default_dtype()
    n = builtins.int(steps)
    if n < 0:
        raise RuntimeError("number of steps must be non-negative")
    idx = np.arange(n, dtype=np.float64)
    step = (end - start) / (n - 1) if n > 1 else 0.0
    # PyTorch fills the first half from start and the second half from end
    half = n // 2
    arr = np.where(idx < half, start + step * idx, end - step * (n - 1 - idx))
    return _finish(arr.astype(dt.np), device, requires_grad)


def _like(fn: Any):
    def like(input: Tensor, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
        return fn(*input.shape, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)

    like.__name__ = fn.__name__ + "_like"
    like.__doc__ = f"``{fn.__name__}`` with the shape (and by default dtype and device) of ``input``."
    return like


zeros_like = _like(zeros)
ones_like = _like(ones)
empty_like = _like(empty)


def full_like(input: Tensor, fill_value: Any, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:
    return full(tuple(input.shape), fill_value, dtype=dtype or input.dtype, device=device or input.device, requires_grad=requires_grad)

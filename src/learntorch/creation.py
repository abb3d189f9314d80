"""Making tensors: from data (``tensor``, ``as_tensor``, ``from_numpy``) and by shape."""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np

from . import backend, dtypes
from ._numerics import fma_f32, fma_f64
from .dtypes import dtype
from .tensor import Size, Tensor

__all__ = [
    "tensor", "as_tensor", "from_numpy", "empty", "zeros", "ones", "full", "eye", "arange",
    "linspace", "logspace", "zeros_like", "ones_like", "empty_like", "full_like",
]  # fmt: skip


_INT64_MIN, _UINT64_END = -(2**63), 2**64


def _infer_dtype(data: Any) -> dtype:
    """torch.tensor's dtype for data: promote over nested items (bool < int64 < default float).

    A Tensor, NumPy array or NumPy scalar brings its own dtype.
    """
    if isinstance(data, Tensor):
        return data.dtype
    if isinstance(data, (np.ndarray, np.generic)) or backend.is_gpu_array(data):
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
    if isinstance(data, str):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")


def _shape_of(data: Any) -> list[int]:
    """The shape torch reads off nested sequences: the first item's length at every level."""
    shape = []
    while isinstance(data, (list, tuple)) or (isinstance(data, Tensor) and data.ndim and shape):
        shape.append(len(data))
        if not len(data):
            break
        data = data[0]
    return shape


def _flatten(data: Any, shape: list[int], dim: int, out: list, dt: dtype) -> None:
    """Collect the scalars of nested ``data`` into ``out``, checking it is not ragged."""
    if dim == len(shape):
        out.append(_scalar(data, dt))
        return
    if not isinstance(data, (list, tuple)):
        if isinstance(data, Tensor) and data.numel() != 1:
            _scalar(data, dt)
        if isinstance(data, Tensor) and data.ndim:
            data = data.tolist()
        else:
            raise TypeError("not a sequence")
    if len(data) != shape[dim]:
        raise ValueError(f"expected sequence of length {shape[dim]} at dim {dim} (got {len(data)})")
    for item in data:
        _flatten(item, shape, dim + 1, out, dt)


def _scalar(x: Any, dt: dtype) -> Any:
    """One element of nested data as a Python/NumPy scalar, with torch's errors."""
    if isinstance(x, Tensor):
        if x.numel() != 1:
            if x.dtype.is_floating_point:
                raise ValueError("only one element tensors can be converted to Python scalars")
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return x.item()
    if isinstance(x, (list, tuple)):
        if dt.is_floating_point:
            raise TypeError(f"must be real number, not {type(x).__name__}")
        raise TypeError(f"'{type(x).__name__}' object cannot be interpreted as an integer")
    if isinstance(x, builtins.int) and not isinstance(x, builtins.bool) and not _INT64_MIN <= x < _UINT64_END:
        raise ValueError("Overflow when unpacking long long")
    if (
        isinstance(x, builtins.int)
        and not isinstance(x, builtins.bool)
        and x >= 2**63
        and not dt.is_floating_point
    ):
        raise ValueError("Overflow when unpacking long long")
    return x


def _to_array(data: Any, dt: dtype) -> np.ndarray:
    """Nested Python data (numbers, sequences, 0-d tensors) as a NumPy array of dtype ``dt``."""
    if isinstance(data, np.ndarray):
        return np.array(data, dtype=dt.np)
    shape = _shape_of(data)
    flat: list = []
    _flatten(data, shape, 0, flat, dt)
    if dt.is_floating_point or dt is dtypes.bool:
        arr = np.array(flat, dtype=dt.np)
    else:
        info = np.iinfo(dt.np)
        for v in flat:
            if isinstance(v, builtins.int) and not info.min <= v <= info.max:
                raise RuntimeError(f"value cannot be converted to type {dt.name} without overflow")
        arr = np.array([builtins.int(v) for v in flat], dtype=dt.np) if flat else np.array([], dtype=dt.np)
    return arr.reshape(shape)


def tensor(
    data: Any,
    *,
    dtype: dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    pin_memory: bool = False,
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
    if requires_grad and not arr.dtype.kind == "f":
        raise RuntimeError(
            "Only Tensors of floating point and complex dtype can require gradients\n"
            "hint: write the numbers with a decimal point (1. instead of 1) or pass dtype=torch.float32."
        )
    return _finish(arr, device, requires_grad)


def as_tensor(data: Any, dtype: dtype | None = None, device: Any = None) -> Tensor:
    """Like ``tensor`` but shares memory with a NumPy array or tensor when it can."""
    if isinstance(data, Tensor):
        return data.to(device=device, dtype=dtype) if (dtype or device) else data
    if (
        isinstance(data, np.ndarray)
        and (dtype is None or dtype.np == data.dtype)
        and (device is None or str(device) == "cpu")
    ):
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
    if ndarray.dtype not in dtypes._FROM_NP:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{ndarray.dtype.type.__name__}. The only supported types "
            "are: float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint64, uint32, "
            "uint16, uint8, and bool.\nhint: learntorch has the types float16/32/64, int8/16/32/64, uint8 and "
            "bool; convert first, e.g. arr.astype(np.float32)."
        )
    if any(s < 0 for s in ndarray.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a copy "
            "of your array  with array.copy().) "
        )
    return Tensor._make(ndarray)


def _size(size: tuple, name: str) -> tuple[int, ...]:
    """Sizes given as varargs (``zeros(2, 3)``) or one sequence (``zeros((2, 3))``), checked like torch."""
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    elif len(size) == 1 and not hasattr(size[0], "__index__"):
        raise TypeError(
            f"{name}(): argument 'size' (position 1) must be tuple of ints, not {type(size[0]).__name__}"
        )
    for pos, s in enumerate(size):
        if isinstance(s, builtins.float) or not hasattr(s, "__index__"):
            raise TypeError(
                f"{name}(): argument 'size' failed to unpack the object at pos {pos + 1} with error "
                f'"type must be tuple of ints,but got {type(s).__name__}"'
            )
    size = tuple(builtins.int(s) for s in size)
    for s in size:
        if s < 0:
            if name == "zeros":
                raise RuntimeError("zeros: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return size


def _size_kw(size: tuple, kw: dict, name: str) -> tuple:
    """The size may also come as a keyword, ``zeros(size=(2, 3))``, but then as one sequence."""
    if "size" not in kw:
        return size
    if size:
        raise TypeError(f"{name}() got multiple values for argument 'size'")
    if not isinstance(kw["size"], (tuple, list, Size)):
        raise TypeError(f"{name}(): argument 'size' must be tuple of ints, not {type(kw['size']).__name__}")
    return (kw["size"],)


def _finish(arr: np.ndarray, device: Any, requires_grad: bool) -> Tensor:
    """Wrap ``arr``, move it to ``device`` and switch on ``requires_grad`` (float only)."""
    dev = backend.as_device(device)
    if dev.type != "cpu":
        arr = backend.to_device_array(arr, dev)
    t = Tensor._make(arr)
    if requires_grad:
        if not t.dtype.is_floating_point:
            raise RuntimeError(
                "Only Tensors of floating point and complex dtype can require gradients\n"
                f"hint: this tensor would be {t.dtype}; pass dtype=torch.float32 to differentiate it."
            )
        t._requires_grad = True
    return t


def _new(fill: Any, size: tuple, dtype: dtype | None, device: Any, requires_grad: bool, name: str) -> Tensor:
    dt = dtype or dtypes.get_default_dtype()
    shape = _size(size, name)
    arr = np.empty(shape, dtype=dt.np) if fill is None else np.full(shape, fill, dtype=dt.np)
    return _finish(arr, device, requires_grad)


def empty(*size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False,
          _name: str = "empty", **kw: Any) -> Tensor:  # fmt: skip
    """An uninitialised tensor (its values are whatever the memory held).

    >>> import learntorch as torch
    >>> torch.empty(2, 3).shape
    torch.Size([2, 3])
    >>> torch.empty(size=(1, 4)).shape
    torch.Size([1, 4])
    """
    return _new(None, _size_kw(size, kw, _name), dtype, device, requires_grad, _name)


def zeros(
    *size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **kw: Any
) -> Tensor:
    """A tensor of zeros; the size as numbers or one tuple/list/Size.

    >>> import learntorch as torch
    >>> torch.zeros(3, 2)
    tensor([[0., 0.],
            [0., 0.],
            [0., 0.]])
    """
    return _new(0, _size_kw(size, kw, "zeros"), dtype, device, requires_grad, "zeros")


def ones(
    *size: Any, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False, **kw: Any
) -> Tensor:
    """A tensor of ones.

    >>> import learntorch as torch
    >>> torch.ones((2,), dtype=torch.int64)
    tensor([1, 1])
    """
    return _new(1, _size_kw(size, kw, "ones"), dtype, device, requires_grad, "ones")


def full(size: Any, fill_value: Any, *, dtype: dtype | None = None, device: Any = None,
         requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """A tensor filled with ``fill_value``; its dtype follows the value, as in PyTorch.

    >>> import learntorch as torch
    >>> torch.full((2,), 7), torch.full((2,), 0.5), torch.full((1,), True)
    (tensor([7, 7]), tensor([0.5000, 0.5000]), tensor([True]))
    """
    if not isinstance(size, (tuple, list, Size)):
        raise TypeError(
            f"full(): argument 'size' (position 1) must be tuple of ints, not {type(size).__name__}"
        )
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    if not isinstance(fill_value, (builtins.int, builtins.float, np.number, np.bool_)):
        raise TypeError(
            f"full(): argument 'fill_value' (position 2) must be Number, not {type(fill_value).__name__}"
        )
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _new(fill_value, (tuple(size),), dtype, device, requires_grad, "full")


def eye(n: int, m: int | None = None, *, dtype: dtype | None = None, device: Any = None,
        requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """The ``n`` × ``m`` identity matrix (``m = n`` by default).

    >>> import learntorch as torch
    >>> torch.eye(2, 3)
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    m = n if m is None else m
    for name, v in (("n", n), ("m", m)):
        if v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    dt = dtype or dtypes.get_default_dtype()
    return _finish(np.eye(n, m, dtype=dt.np), device, requires_grad)


def _num(v: Any) -> Any:
    return v.item() if isinstance(v, Tensor) else v


def arange(start: Any, end: Any = None, step: Any = 1, *, dtype: dtype | None = None, device: Any = None,
           requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """Values from ``start`` up to (not including) ``end`` in steps of ``step``.

    The length is ``ceil((end - start) / step)``, computed in double precision; a
    float result is computed in double and rounded, exactly as PyTorch's CPU
    kernel does (blocks of 8 float32 / 4 float64 values grow from a rounded base).

    >>> import learntorch as torch
    >>> torch.arange(0, 10, 2)
    tensor([0, 2, 4, 6, 8])
    >>> torch.arange(0, 1, 0.25)
    tensor([0.0000, 0.2500, 0.5000, 0.7500])
    """
    if end is None:
        start, end = 0, start
    vals = [_num(v) for v in (start, end, step)]
    if dtype is None:
        is_float = any(isinstance(v, (builtins.float, np.floating)) for v in vals)
        dtype = dtypes.get_default_dtype() if is_float else dtypes.int64
    s, e, st = vals
    if not dtype.is_floating_point:
        s, e, st = (builtins.int(v) for v in (s, e, st))
        if st == 0 and builtins.float(vals[2]) != 0:
            raise ValueError("step must be nonzero")
    if not (math.isfinite(s) and math.isfinite(e)):
        raise RuntimeError(f"unsupported range: {_fmt(s)} -> {_fmt(e)}")
    if st == 0:
        raise RuntimeError("step must be nonzero")
    if (st > 0 and e < s) or (st < 0 and e > s):
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    n = builtins.int(math.ceil((e - s) / st)) if dtype.is_floating_point else -((s - e) // st)
    if dtype.is_floating_point:
        arr = _ramp(n, builtins.float(s), builtins.float(st), dtype)
    else:
        arr = (s + st * np.arange(n, dtype=np.int64)).astype(dtype.np)
    return _finish(arr, device, requires_grad)


def _ramp(n: int, start: float, step: float, dt: dtype) -> np.ndarray:
    """``start + step * i`` for ``i < n`` the way PyTorch's vectorised CPU kernel rounds it.

    Whole chunks of two SIMD vectors start each vector at ``base = start + step * i``
    rounded to ``dt`` and add ``k * step`` to it; the rest is computed per element.
    Both use a fused multiply-add in double.
    """

    lanes = 8 if dt is dtypes.float32 else 4 if dt is dtypes.float64 else 16
    i = np.arange(n, dtype=np.float64)
    out = fma_f64(i, step, start).astype(dt.np)
    full = n // (2 * lanes) * (2 * lanes)
    if full:
        base = out[:full:lanes].astype(np.float64)
        k = np.arange(lanes, dtype=np.float64)
        out[:full] = fma_f64(k[None, :], step, base[:, None]).astype(dt.np).reshape(-1)
    return out


def _fmt(x: Any) -> str:
    x = builtins.float(x)
    return str(builtins.int(x)) if x.is_integer() else repr(x).replace("inf", "inf")


def linspace(start: Any, end: Any, steps: int, *, dtype: dtype | None = None, device: Any = None,
             requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive (PyTorch's exact values).

    Like PyTorch, the first half counts up from ``start`` and the second half down
    from ``end`` (``start + i * step`` / ``end - (steps - 1 - i) * step``), in the
    output's precision with fused multiply-adds, so both ends are exact.

    >>> import learntorch as torch
    >>> torch.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    if isinstance(steps, builtins.float) or not hasattr(steps, "__index__"):
        raise TypeError(
            f"linspace() received an invalid combination of arguments - got ({type(start).__name__}, "
            f"{type(end).__name__}, {type(steps).__name__}), but expected one of: (Number start, Number end, int steps)"
        )
    return _finish(_linspace(_num(start), _num(end), builtins.int(steps), dtype), device, requires_grad)


def _linspace(start: Any, end: Any, n: int, dtype: dtype | None) -> np.ndarray:

    dt = dtype or dtypes.get_default_dtype()
    if n < 0:
        raise RuntimeError("number of steps must be non-negative")
    if n == 0:
        return np.empty(0, dtype=dt.np)
    if n == 1:
        return np.full(1, start, dtype=dt.np)
    idx = np.arange(n, dtype=np.float64)
    half = n // 2
    back = -(n - 1 - idx)
    if dt is dtypes.float32 or dt is dtypes.float16:
        s, e = np.float32(dt.np.type(start)), np.float32(dt.np.type(end))
        step = (e - s) / np.float32(n - 1)
        arr = np.where(idx < half, fma_f32(idx, step, s), fma_f32(back, step, e))
    else:  # float64, and integers (step in double, then truncated)
        if dt.is_floating_point:
            s, e = builtins.float(start), builtins.float(end)
        else:
            s, e = builtins.float(builtins.int(start)), builtins.float(builtins.int(end))
        step = (e - s) / (n - 1)
        arr = np.where(idx < half, fma_f64(idx, step, s), fma_f64(back, step, e))
    return arr.astype(dt.np)


def logspace(start: Any, end: Any, steps: int, base: float = 10.0, *, dtype: dtype | None = None,
             device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """``steps`` values from ``base**start`` to ``base**end``, evenly spaced in the exponent.

    >>> import learntorch as torch
    >>> torch.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    dt = dtype or dtypes.get_default_dtype()
    work = dt if dt.is_floating_point else dtypes.float64
    exps = _linspace(_num(start), _num(end), builtins.int(steps), work)
    arr = np.power(work.np.type(base), exps)
    return _finish(arr.astype(dt.np), device, requires_grad)


def _like(fn: Any, name: str) -> Any:
    def like(input: Tensor, *, dtype: dtype | None = None, device: Any = None, requires_grad: bool = False,
             **_: Any) -> Tensor:  # fmt: skip
        return fn(
            *input.shape,
            dtype=dtype or input.dtype,
            device=device or input.device,
            requires_grad=requires_grad,
        )

    like.__name__ = name
    like.__qualname__ = name
    like.__doc__ = f"``{fn.__name__}`` with the shape (and by default the dtype and device) of ``input``."
    return like


zeros_like = _like(zeros, "zeros_like")
ones_like = _like(ones, "ones_like")
empty_like = _like(empty, "empty_like")


def full_like(input: Tensor, fill_value: Any, *, dtype: dtype | None = None, device: Any = None,
              requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """``full`` with the shape, dtype and device of ``input`` (the value is cast to that dtype).

    >>> import learntorch as torch
    >>> torch.full_like(torch.zeros(2, dtype=torch.int64), 2.7)
    tensor([2, 2])
    """
    return full(tuple(input.shape), fill_value, dtype=dtype or input.dtype, device=device or input.device,
                requires_grad=requires_grad)  # fmt: skip

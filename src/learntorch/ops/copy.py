"""Copies and conversions: ``clone``, ``to(dtype/device)``, and the in-place writers ``fill_``, ``zero_``, ``copy_``."""

from __future__ import annotations

from typing import Any

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op
from ..autograd.inplace import _check_inplace, _inplace, _snapshot
from ..errors import not_a_tensor
from ..tensor import Tensor
from ._util import bind, unbroadcast

__all__ = ["clone"]


def _float_input(x: Tensor, fn_name: str) -> Tensor:
    """Integer and bool inputs of float-valued functions compute in the default dtype.

    ``fn_name`` (the public function) names the function in the error for a non-tensor.
    """
    try:
        if x.dtype.is_floating_point:
            return x
    except AttributeError:
        if not isinstance(x, Tensor):
            raise not_a_tensor(fn_name, x) from None
        raise
    return _to_copy(x, dtype=dtypes.get_default_dtype())


class ToCopy(Op):
    """y = x converted to another dtype and/or device;  the gradient converts back"""

    @staticmethod
    def forward(ctx, x, dt, dev):
        ctx.src = (x.dtype, backend.array_device(x))
        y = x
        if dev is not None and dev != backend.array_device(x):
            y = backend.to_device_array(y, dev)
        if dt is not None and y.dtype != dt.np:
            y = y.astype(dt.np)
        if y is x:
            y = x.copy()
        return y

    @staticmethod
    def backward(ctx, grad):
        dt, dev = ctx.src
        return _to_copy(grad, dtype=dtypes.from_numpy_dtype(dt), device=dev), None, None


class Clone(Op):
    """y = a copy of x;  dx = dy"""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def _to_copy(x: Tensor, dtype: dtypes.dtype | None = None, device: Any = None, copy: bool = False) -> Tensor:
    same_dt = dtype is None or dtype.np == x._data.dtype
    same_dev = device is None or backend.as_device(device) == x.device
    if same_dt and same_dev and not copy:
        return x
    return ToCopy.apply(x, dtype, backend.as_device(device) if device is not None else None)


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy with its own memory; gradients flow back to ``input``."""
    return Clone.apply(input)


class Fill(Op):
    """y = x filled with a number;  dx = 0"""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return ctx.xp.full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, None


class Copy(Op):
    """y = src broadcast and converted to x's shape and dtype;  dx = 0, dsrc = dy summed to src's shape"""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        ctx.src_meta = (src.shape, src.dtype, backend.array_device(src))
        out = ctx.xp.empty_like(x)
        out[...] = (
            backend.to_device_array(src, backend.array_device(x))
            if ctx.src_meta[2] != backend.array_device(x)
            else src
        )
        return out

    @staticmethod
    def backward(ctx, grad):
        shape, dt, dev = ctx.src_meta
        gx = grad * 0 if ctx.needs_input_grad[0] else None
        gs = None
        if ctx.needs_input_grad[1]:
            gs = _to_copy(unbroadcast(grad, shape), dtype=dtypes.from_numpy_dtype(dt), device=dev)
        return gx, gs


def _fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to ``value`` in place."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
            )
        if value._requires_grad and grad_mode.is_grad_enabled():
            return _copy_(self, value)
        value = value.item()
    _check_inplace(self)
    if grad_mode.is_grad_enabled() and self._requires_grad:
        return _inplace(self, Fill.apply(_snapshot(self), value))
    self._data[...] = value
    self._bump_version()
    return self


def _zero_(self: Tensor) -> Tensor:
    """Set every element to zero in place."""
    return _fill_(self, 0)


def _copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, converted to this dtype and device) into ``self``'s memory."""
    _check_inplace(self)
    if not isinstance(src, Tensor):
        src = Tensor._make(backend.array_module(self._data).asarray(src, dtype=self._data.dtype))
    shape = tuple(self._data.shape)
    if tuple(src.shape) != shape:
        import numpy as np  # noqa: PLC0415

        try:
            bshape = np.broadcast_shapes(tuple(src.shape), shape)
        except ValueError:
            bshape = None
        if bshape != shape:
            raise RuntimeError(
                f"output with shape {list(shape)} doesn't match the broadcast shape "
                f"{list(bshape) if bshape is not None else list(src.shape)}"
                if bshape is not None
                else f"The size of tensor a ({shape[-1] if shape else 1}) must match the size of tensor b "
                f"({src.shape[-1] if src.ndim else 1}) at non-singleton dimension {max(len(shape), src.ndim) - 1}"
            )
    if grad_mode.is_grad_enabled() and (src._requires_grad or self._requires_grad):
        return _inplace(self, Copy.apply(_snapshot(self), src))
    arr = src._data
    if backend.array_device(arr) != backend.array_device(self._data):
        arr = backend.to_device_array(arr, backend.array_device(self._data))
    self._data[...] = arr
    self._bump_version()
    return self


bind(clone=clone, fill_=_fill_, zero_=_zero_, copy_=_copy_)

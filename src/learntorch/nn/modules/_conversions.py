"""``to()``, ``cuda()``, ``float()``, ...: every parameter, gradient and buffer of a module tree
through one function (``_apply``), keeping the Parameter objects (an optimiser built before
``net.to(device)`` still holds them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ... import backend, dtypes
from ...autograd import grad_mode
from ...tensor import Tensor

if TYPE_CHECKING:
    from .module import Module


def _apply(self, fn: Callable[[Tensor], Tensor], recurse: bool = True) -> Module:
    """Convert every parameter, grad and buffer with ``fn``, keeping the Parameter objects."""
    if recurse:
        for module in self.children():
            module._apply(fn)
    for param in self._parameters.values():
        if param is None:
            continue
        with grad_mode.no_grad():
            new = fn(param)
        if new is not param:
            param._data = new._data
            param._version_box = [0]
        if param._grad is not None:
            with grad_mode.no_grad():
                g = fn(param._grad)
            if g is not param._grad:
                param._grad = Tensor._make(g._data)
    for key, buf in self._buffers.items():
        if buf is not None:
            with grad_mode.no_grad():
                self._buffers[key] = fn(buf)
    return self


def to(self, *args: Any, **kwargs: Any) -> Module:
    """Move and/or cast parameters and buffers in place: ``net.to(device)``, ``net.to(torch.float64)``.

    Only floating-point tensors change dtype; integer buffers only move.
    """
    dev, dt = None, None
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    for a in list(args) + list(kwargs.values()):
        if isinstance(a, dtypes.dtype):
            dt = a
        elif isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, (str, backend.device, int)) and not isinstance(a, bool):
            dev = backend.as_device(a)
    if dt is not None and not dt.is_floating_point:
        raise TypeError(
            f"nn.Module.to only accepts floating point or complex dtypes, but got desired dtype={dt}"
        )

    def convert(t: Tensor) -> Tensor:
        return t.to(dev, dt if t.is_floating_point() else None)

    return self._apply(convert)


def cuda(self, device: Any = None) -> Module:
    """Move every parameter and buffer to the GPU."""
    return self._apply(lambda t: t.cuda(device))


def cpu(self) -> Module:
    """Move every parameter and buffer to the CPU."""
    return self._apply(lambda t: t.cpu())


def type(self, dst_type: Any) -> Module:
    """Cast every parameter and buffer to ``dst_type``."""
    return self._apply(lambda t: t.type(dst_type))


def float(self) -> Module:
    """Cast floating-point parameters and buffers to float32."""
    return self._apply(lambda t: t.float() if t.is_floating_point() else t)


def double(self) -> Module:
    """Cast floating-point parameters and buffers to float64."""
    return self._apply(lambda t: t.double() if t.is_floating_point() else t)


def half(self) -> Module:
    """Cast floating-point parameters and buffers to float16."""
    return self._apply(lambda t: t.half() if t.is_floating_point() else t)


def share_memory(self) -> Module:
    return self

"""Flatten a model's parameters into one vector and back (used by second-order methods)."""

from __future__ import annotations

from typing import Iterable

from ...autograd import grad_mode
from ...tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_device(param: Tensor, old: int | None) -> int:
    dev = -1 if param.is_cpu else (param.device.index or 0)
    if old is not None and dev != old:
        raise TypeError("Found two parameters on different devices, this is currently not supported.")
    return dev


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """All parameters, flattened and concatenated into one 1-D tensor (differentiable).

    >>> from learntorch import nn
    >>> nn.utils.parameters_to_vector(nn.Linear(3, 2).parameters()).shape
    torch.Size([8])
    """
    from ...ops.shape import cat  # noqa: PLC0415

    dev = None
    vec = []
    for p in parameters:
        dev = _check_device(p, dev)
        vec.append(p.reshape(-1))
    return cat(vec)


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (replacing their ``.data``)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    dev = None
    pointer = 0
    with grad_mode.no_grad():
        for p in parameters:
            dev = _check_device(p, dev)
            n = p.numel()
            p.data = Tensor._make(vec._data[pointer : pointer + n].reshape(p.shape))
            pointer += n

"""Small helpers shared by the op families."""

from __future__ import annotations

from typing import Any

from .. import backend, dtypes
from ..tensor import Tensor


def unbroadcast(grad: Tensor, shape: tuple) -> Tensor:
    """Sum ``grad`` down to ``shape``: the backward of implicit broadcasting."""
    if tuple(grad.shape) == tuple(shape):
        return grad
    return grad.sum_to_size(tuple(shape))


def as_array(x: Any, like: Any, dt: dtypes.dtype) -> Any:
    """``x`` (tensor data, array or Python number) as an array of dtype ``dt``."""
    xp = backend.array_module(like)
    if isinstance(x, Tensor):
        x = x._data
    if hasattr(x, "dtype") and x.dtype == dt.np:
        return x
    return xp.asarray(x, dtype=dt.np)


def bind(**methods: Any) -> None:
    """Attach functions to ``Tensor`` as methods (each family file calls this once)."""
    for name, fn in methods.items():
        setattr(Tensor, name, fn)

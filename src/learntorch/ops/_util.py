"""Small helpers shared by the op families."""

from __future__ import annotations

import functools
import inspect
from typing import Any

from .. import backend, dtypes
from ..tensor import Tensor


def unbroadcast(grad: Tensor, shape: tuple) -> Tensor:
    """Sum ``grad`` down to ``shape``: the backward of implicit broadcasting."""
    if grad._data.shape == tuple(shape):
        return grad
    return grad.sum_to_size(tuple(shape))


def broadcast_shapes(*shapes: tuple) -> tuple:
    """The shape that ``shapes`` broadcast to, with PyTorch's error when they do not.

    >>> broadcast_shapes((2, 1), (3,))
    (2, 3)
    >>> broadcast_shapes((3,), (4,))
    Traceback (most recent call last):
    ...
    RuntimeError: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 0
    hint: ...
    """
    out: list[int] = []
    for shape in shapes:
        shape = tuple(shape)
        if len(shape) > len(out):
            out = [1] * (len(shape) - len(out)) + out
        offset = len(out) - len(shape)
        for i in reversed(range(len(shape))):  # torch reports the rightmost mismatch
            s, cur = shape[i], out[offset + i]
            if s == cur or s == 1:
                continue
            if cur == 1:
                out[offset + i] = s
                continue
            raise RuntimeError(
                f"The size of tensor a ({cur}) must match the size of tensor b ({s}) at non-singleton "
                f"dimension {offset + i}\nhint: shapes {list(out)} and {list(shape)} do not broadcast: "
                "aligned from the right, each pair of sizes must be equal or one of them 1 (use "
                "unsqueeze/view to add size-1 dimensions)."
            )
    return tuple(out)


def as_array(x: Any, like: Any, dt: dtypes.dtype) -> Any:
    """``x`` (tensor data, array or Python number) as an array of dtype ``dt``."""
    xp = backend.array_module(like)
    if isinstance(x, Tensor):
        x = x._data
    if hasattr(x, "dtype") and x.dtype == dt.np:
        return x
    return xp.asarray(x, dtype=dt.np)


def numpy_aliases(fn: Any) -> Any:
    """``fn``, also accepting NumPy's ``axis=``/``keepdims=`` for its ``dim=``/``keepdim=``.

    PyTorch's C++-bound functions and methods take these spellings (d2l writes
    ``y_hat.argmax(axis=1)``); functions without a ``dim``/``keepdim`` parameter
    come back unchanged.

    >>> import learntorch as torch
    >>> torch.tensor([[1, 5], [7, 2]]).argmax(axis=1)
    tensor([1, 0])
    """
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return fn
    if ("dim" not in params and "keepdim" not in params) or "axis" in params:
        return fn

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)

    return wrapper


def bind(**methods: Any) -> None:
    """Attach functions to ``Tensor`` as methods (each family file calls this once)."""
    for name, fn in methods.items():
        setattr(Tensor, name, numpy_aliases(fn))


def _zeros(like: Tensor) -> Tensor:
    return Tensor._make(backend.array_module(like._data).zeros_like(like._data))


class _quiet:
    """Silence NumPy's floating-point warnings (torch gives inf/nan without a warning)."""

    def __init__(self, xp: Any) -> None:
        self._ctx = xp.errstate(all="ignore") if hasattr(xp, "errstate") else None

    def __enter__(self) -> None:
        if self._ctx is not None:
            self._ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        if self._ctx is not None:
            self._ctx.__exit__(*exc)

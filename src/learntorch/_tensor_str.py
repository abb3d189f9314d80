"""Printing tensors the way PyTorch does."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import backend, dtypes


def tensor_repr(t: Any) -> str:
    arr = backend.to_numpy(t._data)
    body = _format(arr, t.dtype)
    suffix = []
    if t.device.type != "cpu":
        suffix.append(f"device='{t.device}'")
    if t.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool):
        suffix.append(f"dtype={t.dtype}")
    if t.grad_fn is not None:
        suffix.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t.requires_grad:
        suffix.append("requires_grad=True")
    inner = body + "".join(", " + s for s in suffix)
    return f"tensor({inner})"


def _format(arr: np.ndarray, dt: Any) -> str:
    if arr.dtype.kind == "f":
        s = np.array2string(arr, separator=", ", precision=4, prefix="tensor(")
    else:
        s = np.array2string(arr, separator=", ", prefix="tensor(")
    return s

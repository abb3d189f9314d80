"""Operands of a binary op: one dtype (PyTorch's promotion) and one device before computing."""

from __future__ import annotations

from typing import Any

from .. import backend, dtypes
from ..tensor import Tensor
from ._util import _quiet, broadcast_shapes
from .copy import _to_copy

_NUMBER = (int, float, bool)


# ---------------------------------------------------------------------- promotion helpers
def _prep(a: Any, b: Any, out_dt: dtypes.dtype | None = None) -> tuple[Tensor, Tensor, dtypes.dtype]:
    """Promote ``a`` and ``b`` (tensors or scalars) to one dtype; both come back as tensors."""
    dt = out_dt if out_dt is not None else _fast_result_type(a, b) or dtypes.result_type(a, b)
    ta, tb = _cast(a, dt, b), _cast(b, dt, a)
    sa, sb = ta._data.shape, tb._data.shape
    if sa != sb and sa and sb:
        broadcast_shapes(sa, sb)  # torch's message instead of NumPy's
    return ta, tb, dt


def _fast_result_type(a: Any, b: Any) -> dtypes.dtype | None:
    """The common cases of promotion without the general rule (a per-op cost worth saving):
    two tensors of one dtype, or a tensor and a number of no higher category."""
    if not isinstance(a, Tensor):
        a, b = b, a
        if not isinstance(a, Tensor):
            return None
    dt = a.dtype
    if isinstance(b, Tensor):
        return dt if b._data.dtype == a._data.dtype else None
    if (
        isinstance(b, bool)
        or (isinstance(b, int) and dt._cat >= 1)
        or (isinstance(b, float) and dt._cat == 2)
    ):
        return dt
    return None


def _cast(x: Any, dt: dtypes.dtype, other: Any) -> Tensor:
    """``x`` as a tensor of dtype ``dt`` (a scalar lands on ``other``'s device)."""
    if isinstance(x, Tensor):
        if x._data.dtype == dt.np:
            return x
        return _to_copy(x, dtype=dt)
    if not isinstance(x, _NUMBER) and not hasattr(x, "dtype"):
        raise TypeError(f"expected a Tensor or a number, but got {type(x).__name__}")
    xp = backend.array_module(other._data) if isinstance(other, Tensor) else backend.array_module()
    return Tensor._make(_scalar_array(xp, x, dt.np))


def _scalar_array(xp: Any, x: Any, np_dtype: Any) -> Any:
    """A Python number as a 0-d array; integers wrap around as in torch (uint8 tensor - 3)."""
    if isinstance(x, int) and np_dtype.kind in "iu":
        return xp.asarray(x, dtype=xp.int64).astype(np_dtype)
    with _quiet(xp):
        return xp.asarray(x, dtype=np_dtype)

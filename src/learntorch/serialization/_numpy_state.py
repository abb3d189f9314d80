"""NumPy arrays inside learntorch's older LEARNTORCH1 checkpoints, rebuilt without trusting the file.

Those files pickled each tensor's memory as a NumPy array: ``_reconstruct(ndarray, (0,), b'b')``
makes an empty array, and a BUILD step fills it from ``(version, shape, dtype, fortran, bytes)``.
Here the same steps accept only plain numeric dtypes and a byte string of exactly the
right length; object arrays (which would unpickle arbitrary objects) are refused.

>>> a = reconstruct(NDARRAY, (0,), b"b")
>>> build_array(a, (1, (2,), np.dtype("<f4"), False, np.float32([1, 2]).tobytes()))
>>> a
array([1., 2.], dtype=float32)
"""

from __future__ import annotations

from typing import Any

import numpy as np

_CODES = {"b1", "u1", "i1", "i2", "i4", "i8", "u2", "u4", "u8", "f2", "f4", "f8"}


class _NdarrayMarker:
    """Stands for ``numpy.ndarray`` when a pickle names it (only ``reconstruct`` accepts it)."""

    def __repr__(self) -> str:
        return "numpy.ndarray"


NDARRAY = _NdarrayMarker()


def _refuse(msg: str) -> RuntimeError:
    return RuntimeError(
        msg + "\nhint: this checkpoint is corrupt or was crafted; only numeric arrays can load."
    )


def make_dtype(code: Any, align: Any = False, copy: Any = True) -> np.dtype:
    if type(code) is not str or code not in _CODES:
        raise _refuse(f"numpy.dtype({code!r:.40}) is not a plain numeric dtype")
    return np.dtype(code, align=False, copy=True)


def build_dtype(dt: np.dtype, state: Any) -> None:
    """A dtype's BUILD may only restate what the dtype already is (native byte order, no fields)."""
    if state != dt.__reduce__()[2]:
        raise _refuse(f"numpy dtype state {state!r:.80} does not describe a plain native {dt}")


def reconstruct(cls: Any, shape: Any, typecode: Any) -> np.ndarray:
    """``numpy.core.multiarray._reconstruct``: an empty array that a BUILD step will fill."""
    if cls is not NDARRAY or shape != (0,) or typecode != b"b":
        raise _refuse("numpy _reconstruct may only make an empty ndarray")
    return np.ndarray.__new__(np.ndarray, (0,), np.uint8)


def build_array(arr: np.ndarray, state: Any) -> None:
    if not (isinstance(state, tuple) and len(state) == 5):
        raise _refuse("a numpy array state must be (version, shape, dtype, fortran, data)")
    _version, shape, dt, fortran, raw = state
    if arr.shape != (0,) or arr.dtype != np.uint8:
        raise _refuse("a numpy array can only be filled once")
    if (
        not isinstance(dt, np.dtype)
        or dt.kind not in "biuf"
        or dt.fields is not None
        or dt.subdtype is not None
    ):
        raise _refuse(f"numpy arrays of dtype {dt!r:.40} cannot be loaded")
    if not isinstance(shape, tuple) or len(shape) > 64 or not all(type(n) is int and n >= 0 for n in shape):
        raise _refuse(f"invalid numpy array shape {shape!r:.80}")
    n = 1
    for s in shape:
        n *= s
    if type(raw) is not bytes or len(raw) != n * dt.itemsize or type(fortran) is not bool:
        raise _refuse(f"a numpy array of shape {shape} needs exactly {n * dt.itemsize} bytes of data")
    arr.__setstate__((1, shape, dt, fortran, raw))


def scalar(dt: Any, raw: Any = None) -> Any:
    """``numpy.core.multiarray.scalar``: one number from its bytes."""
    if (
        not isinstance(dt, np.dtype)
        or dt.kind not in "biuf"
        or type(raw) is not bytes
        or len(raw) != dt.itemsize
    ):
        raise _refuse("a numpy scalar must be a numeric dtype and exactly its bytes")
    return np.frombuffer(raw, dtype=dt)[0]


NUMPY_GLOBALS = {
    "numpy.ndarray": NDARRAY,
    "numpy.dtype": make_dtype,
    "numpy.core.multiarray._reconstruct": reconstruct,
    "numpy._core.multiarray._reconstruct": reconstruct,
    "numpy.core.multiarray.scalar": scalar,
    "numpy._core.multiarray.scalar": scalar,
}


def build(inst: Any, state: Any) -> bool:
    """Apply a BUILD step to a NumPy object this module made; False if ``inst`` is not one."""
    if type(inst) is np.ndarray:
        build_array(inst, state)
        return True
    if isinstance(inst, np.dtype):
        build_dtype(inst, state)
        return True
    return False

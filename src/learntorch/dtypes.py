"""Data types, PyTorch's type promotion, and the default floating dtype.

A :class:`dtype` wraps one NumPy dtype and prints like torch's (``torch.float32``).
Promotion follows PyTorch, not NumPy: categories bool < integer < floating, and a
Python scalar or a 0-dim tensor only changes the result when it is of a *higher
category* than the dimensioned tensors (``int_tensor + 2.5`` is float32, the
default dtype; ``float32_tensor * 2.0`` stays float32).
"""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np


class dtype:
    """A tensor element type, e.g. ``learntorch.float32``.

    >>> float32
    torch.float32
    >>> float32.is_floating_point, float32.itemsize
    (True, 4)
    """

    __slots__ = ("name", "np", "is_floating_point", "is_signed", "itemsize", "_cat", "_rank")

    def __init__(self, name: str, np_dtype: Any, cat: int, rank: int) -> None:
        self.name = name
        self.np = np.dtype(np_dtype)
        self._cat = cat  # 0 bool, 1 integer, 2 floating
        self._rank = rank
        self.is_floating_point = cat == 2
        self.is_signed = name not in ("uint8", "bool")
        self.itemsize = self.np.itemsize

    @property
    def is_complex(self) -> bool:
        return False

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self) -> str:  # pickles as the module-level singleton
        return self.name

    def to_real(self) -> dtype:
        return self


bool = dtype("bool", np.bool_, 0, 0)  # noqa: A001 - torch.bool
uint8 = dtype("uint8", np.uint8, 1, 1)
int8 = dtype("int8", np.int8, 1, 2)
int16 = dtype("int16", np.int16, 1, 3)
int32 = dtype("int32", np.int32, 1, 4)
int64 = dtype("int64", np.int64, 1, 5)
float16 = dtype("float16", np.float16, 2, 6)
float32 = dtype("float32", np.float32, 2, 7)
float64 = dtype("float64", np.float64, 2, 8)

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64)
_FROM_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}


def from_numpy_dtype(np_dtype: Any) -> dtype:
    """The learntorch dtype for a NumPy dtype (``TypeError`` for unsupported ones)."""
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(np_dtype)}. The only supported types are: "
            "float64, float32, float16, int64, int32, int16, int8, uint8, and bool."
        ) from None


_SCALAR_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short", "int32": "Int",
                 "int64": "Long", "float16": "Half", "float32": "Float", "float64": "Double", "bfloat16": "BFloat16"}  # fmt: skip


def scalar_type_name(d: dtype) -> str:
    """The name PyTorch's C++ core uses in messages (``Float``, ``Long``, ...).

    >>> scalar_type_name(float32), scalar_type_name(int64)
    ('Float', 'Long')
    """
    return _SCALAR_NAMES.get(d.name, d.name)


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool", "bfloat16": "c10::BFloat16"}  # fmt: skip


def c_type_name(d: dtype) -> str:
    """The C++ type name PyTorch prints in some messages (``float``, ``long int``, ...).

    >>> c_type_name(float32), c_type_name(int64)
    ('float', 'long int')
    """
    return _C_NAMES.get(d.name, d.name)


def legacy_type_name(d: dtype, cuda: bool = False) -> str:
    """The old-style type name ``x.type()`` returns: ``torch.FloatTensor``, ``torch.cuda.LongTensor``.

    >>> legacy_type_name(float32), legacy_type_name(int64, cuda=True)
    ('torch.FloatTensor', 'torch.cuda.LongTensor')
    """
    return ("torch.cuda." if cuda else "torch.") + scalar_type_name(d) + "Tensor"


def by_name(name: str) -> dtype:
    return _BY_NAME[name]


_default = float32


def get_default_dtype() -> dtype:
    """The dtype of ``tensor([1.5])`` and of ``zeros(2)`` (float32 unless changed).

    >>> get_default_dtype()
    torch.float32
    """
    return _default


def set_default_dtype(d: dtype) -> None:
    """Set the default floating dtype (float32 or float64, as torch allows)."""
    global _default
    if not isinstance(d, dtype) or d not in (float16, float32, float64):
        raise TypeError("only floating-point types are supported as the default type")
    _default = d


def promote_types(a: dtype, b: dtype) -> dtype:
    """torch.promote_types: the smallest dtype both ``a`` and ``b`` fit into.

    >>> promote_types(uint8, int8), promote_types(int64, float16)
    (torch.int16, torch.float16)
    """
    if a is b:
        return a
    if a._cat != b._cat:
        return a if a._cat > b._cat else b
    if a._cat == 1 and {a, b} == {uint8, int8}:
        return int16
    if a._cat == 1 and uint8 in (a, b):
        other = b if a is uint8 else a
        return other
    return a if a._rank > b._rank else b


def scalar_dtype(x: Any) -> dtype:
    """The dtype ``tensor(x)`` would have for a Python scalar ``x``."""
    if isinstance(x, (builtins.bool, np.bool_)):
        return bool
    if isinstance(x, (builtins.int, np.integer)):
        return int64
    return _default


def result_type(*operands: Any) -> dtype:
    """torch.result_type over tensors and Python scalars.

    Dimensioned tensors decide, unless a 0-dim tensor or a scalar is of a higher
    category (bool < int < float); then that group decides, and a Python float
    gives the default dtype.
    """
    from .tensor import Tensor  # noqa: PLC0415 - circular at import time

    dim_t: dtype | None = None
    zero_t: dtype | None = None
    scal: dtype | None = None
    for x in operands:
        if isinstance(x, Tensor):
            d = x.dtype
            if x.ndim:
                dim_t = d if dim_t is None else promote_types(dim_t, d)
            else:
                zero_t = d if zero_t is None else promote_types(zero_t, d)
        elif x is not None:
            d = scalar_dtype(x)
            scal = d if scal is None else promote_types(scal, d)
    result = dim_t
    for group in (zero_t, scal):
        if group is None:
            continue
        if result is None:
            result = group
        elif group._cat > result._cat:
            # only a higher category wins; a Python float then means the default dtype
            result = group
    if result is None:
        result = _default
    return result


class LegacyTensorType(type):
    """``torch.FloatTensor`` and friends: old-style names for "a CPU tensor of this dtype".

    Calling one builds a tensor (``torch.FloatTensor([1, 2])``, ``torch.LongTensor(2, 3)``);
    ``isinstance(x, torch.FloatTensor)`` checks the dtype; ``x.type(torch.LongTensor)`` converts.
    """

    dtype: dtype

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        from .tensor import Size, Tensor  # noqa: PLC0415 - tensor.py imports this module

        if kwargs.pop("device", None) not in (None, "cpu"):
            raise TypeError(f"{cls.__name__} is a CPU tensor type; use torch.tensor(..., device=...)")
        if kwargs:
            raise TypeError(f"new() got an unexpected keyword argument '{next(iter(kwargs))}'")
        dt = cls.dtype
        if not args:
            return Tensor._make(np.empty((0,), dtype=dt.np))
        if len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer, Size)):
            src = args[0]
            if isinstance(src, Tensor):
                if src.dtype is not dt:
                    raise TypeError(
                        f"expected {dt} tensor (got {src.dtype} tensor)\n"
                        f"hint: convert with x.to({dt}) instead."
                    )
                return src.detach()
            return Tensor._make(np.array(src, dtype=dt.np))
        shape = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
        return Tensor._make(np.empty(tuple(builtins.int(n) for n in shape), dtype=dt.np))

    def __instancecheck__(cls, obj: Any) -> bool:
        from .tensor import Tensor  # noqa: PLC0415 - tensor.py imports this module

        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and not obj.is_cuda

    def __repr__(cls) -> str:
        return f"<class 'torch.{cls.__name__}'>"


def _legacy_type(name: str, dt: dtype) -> Any:
    return LegacyTensorType(name, (), {"dtype": dt, "__module__": "learntorch.dtypes"})


FloatTensor = _legacy_type("FloatTensor", float32)


DoubleTensor = _legacy_type("DoubleTensor", float64)


HalfTensor = _legacy_type("HalfTensor", float16)


LongTensor = _legacy_type("LongTensor", int64)


IntTensor = _legacy_type("IntTensor", int32)


ShortTensor = _legacy_type("ShortTensor", int16)


CharTensor = _legacy_type("CharTensor", int8)


ByteTensor = _legacy_type("ByteTensor", uint8)


BoolTensor = _legacy_type("BoolTensor", bool)

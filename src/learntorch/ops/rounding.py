"""Rounding: floor, ceil, trunc, round, frac. Their gradient is zero almost everywhere."""

from __future__ import annotations

from .. import dtypes
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor
from ._util import _zeros, bind

__all__ = ["floor", "ceil", "round", "trunc", "frac"]


class Rounding(Op):
    """Base of floor/ceil/round/trunc: piecewise constant, so the gradient is zero."""

    _abstract = True

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad)


class Floor(Rounding):
    """y = ⌊x⌋;  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.floor(x)


class Ceil(Rounding):
    """y = ⌈x⌉;  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.ceil(x)


class Trunc(Rounding):
    """y = x rounded toward 0;  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.trunc(x)


class Round(Rounding):
    """y = x rounded to nearest, ties to even (optionally to ``decimals`` places);  dx = 0"""

    @staticmethod
    def forward(ctx, x, decimals=0):
        return ctx.xp.round(x, decimals)

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad), None


class Frac(Op):
    """y = x - trunc(x);  dx = dy"""

    @staticmethod
    def forward(ctx, x):
        return x - ctx.xp.trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def _rounding(op: type[Op], name: str):
    def fn(input: Tensor) -> Tensor:
        if not input.dtype.is_floating_point:
            return input.clone()  # integers are already whole
        return op.apply(input)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {op.__doc__.split(';')[0].strip()}; the gradient is zero."
    return fn


floor = _rounding(Floor, "floor")


ceil = _rounding(Ceil, "ceil")


trunc = _rounding(Trunc, "trunc")


def round(input: Tensor, *, decimals: int = 0) -> Tensor:  # noqa: A001
    """Round to the nearest integer (halves to even), or to ``decimals`` places.

    >>> import learntorch as torch
    >>> torch.round(torch.tensor([0.5, 1.5, 2.675]))
    tensor([0., 2., 3.])
    """
    if not input.dtype.is_floating_point:
        return input.clone()
    return Round.apply(input, decimals)


def frac(input: Tensor) -> Tensor:
    """The fractional part ``input - trunc(input)`` (sign of the input)."""
    if not input.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"frac_cpu\" not implemented for '{dtypes.scalar_type_name(input.dtype)}'\n"
            "hint: integers have no fractional part; convert with .float() first."
        )
    return Frac.apply(input)


bind(
    floor=floor, ceil=ceil, round=round, trunc=trunc, frac=frac,
    floor_=_make_inplace(floor), ceil_=_make_inplace(ceil), round_=_make_inplace(round),
    trunc_=_make_inplace(trunc), frac_=_make_inplace(frac),
)  # fmt: skip

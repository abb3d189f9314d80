"""Division and its remainders: ``/``, ``//``, ``%``, ``fmod``, with PyTorch's integer rules."""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor
from ._operands import _cast, _prep
from ._util import _quiet, _zeros, bind, unbroadcast

__all__ = ["div", "divide", "true_divide", "floor_divide", "fmod", "remainder"]


def _int_zero_check(xp: Any, b: Any) -> None:
    if b.dtype.kind in "biu" and bool(xp.any(b == 0)):
        raise RuntimeError(
            "ZeroDivisionError\nhint: integer division by zero has no value; check the divisor, or "
            "convert to float first (x.float()) to get inf/nan instead."
        )


class Div(Op):
    """z = a / b;  da = dz / b, db = -dz a / b²"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        with _quiet(ctx.xp):
            return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = unbroadcast(grad / b, ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(-grad * a / (b * b), ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class DivRounded(Op):
    """z = a / b rounded toward -inf ('floor') or toward 0 ('trunc');  gradients are zero"""

    node_name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, mode):
        return _rounded_quotient(ctx.xp, a, b, mode)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx._in_shapes
        return _zeros(grad).sum_to_size(sa), _zeros(grad).sum_to_size(sb), None


class FloorDivide(Op):
    """z = a // b. PyTorch has no derivative for it: backward raises."""

    node_name = "NotImplemented"

    @staticmethod
    def forward(ctx, a, b):
        return _rounded_quotient(ctx.xp, a, b, "floor")

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(
            "derivative for aten::floor_divide is not implemented\n"
            "hint: a // b is piecewise constant; use torch.div(a, b, rounding_mode='floor') if you "
            "need a (zero) gradient, or a / b for a smooth quotient."
        )


def _rounded_quotient(xp: Any, a: Any, b: Any, mode: str) -> Any:
    if a.dtype.kind == "f":
        with _quiet(xp):
            q = xp.floor_divide(a, b) if mode == "floor" else xp.trunc(a / b)
            # like torch, x // 0 is x / 0 (inf or nan)
            return xp.where(b == 0, a / b, q).astype(a.dtype, copy=False)
    _int_zero_check(xp, b)
    q = xp.floor_divide(a, b)
    if mode == "trunc":
        q = q + ((q < 0) & (q * b != a))  # floor rounded down a negative inexact quotient
    return q.astype(a.dtype, copy=False)


class Fmod(Op):
    """z = a - trunc(a / b) b (sign of a);  da = dz, db = -dz trunc(a / b)"""

    node_name = "FmodBackward1"
    _mode = "trunc"

    @staticmethod
    def forward(ctx, a, b):
        _int_zero_check(ctx.xp, b)
        ctx.save_for_backward(a, b)
        with _quiet(ctx.xp):
            return ctx.xp.fmod(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        ga = unbroadcast(grad, ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            gb = unbroadcast(-grad * div(a, b, rounding_mode=cls._mode), ctx._in_shapes[1])
        return ga, gb


class Remainder(Fmod):
    """z = a - floor(a / b) b (sign of b, Python's %);  da = dz, db = -dz floor(a / b)"""

    node_name = "RemainderBackward1"
    _mode = "floor"

    @staticmethod
    def forward(ctx, a, b):
        _int_zero_check(ctx.xp, b)
        ctx.save_for_backward(a, b)
        with _quiet(ctx.xp):
            return ctx.xp.remainder(a, b)


class FmodScalar(Op):
    """z = fmod(x, number);  dx = dz"""

    node_name = "FmodBackward0"

    @staticmethod
    def forward(ctx, x, other):
        _int_zero_check(ctx.xp, ctx.xp.asarray(other))
        with _quiet(ctx.xp):
            return ctx.xp.fmod(x, x.dtype.type(other))

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class RemainderScalar(Op):
    """z = x % number;  dx = dz"""

    node_name = "RemainderBackward0"

    @staticmethod
    def forward(ctx, x, other):
        _int_zero_check(ctx.xp, ctx.xp.asarray(other))
        with _quiet(ctx.xp):
            return ctx.xp.remainder(x, x.dtype.type(other))

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """True division (always floating); ``rounding_mode='floor'`` or ``'trunc'`` rounds.

    >>> import learntorch as torch
    >>> torch.tensor([3, 2, 1]) / torch.tensor([1, 2, 3])
    tensor([3.0000, 1.0000, 0.3333])
    >>> torch.div(torch.tensor([-7, 7]), 2, rounding_mode='trunc')
    tensor([-3,  3])
    """
    if rounding_mode is not None:
        if rounding_mode not in ("floor", "trunc"):
            raise RuntimeError(
                "div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                f"'{rounding_mode}'\nhint: leave rounding_mode out for true division."
            )
        a, b, _ = _prep(input, other)
        return DivRounded.apply(a, b, rounding_mode)
    dt = dtypes.result_type(input, other)
    if not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    a, b, _ = _prep(input, other, dt)
    return Div.apply(a, b)


divide = true_divide = div


def floor_divide(input: Any, other: Any) -> Tensor:
    """``input // other``: the quotient rounded toward minus infinity (no gradient in torch).

    >>> import learntorch as torch
    >>> torch.tensor([7, -7]) // 2
    tensor([ 3, -4])
    """
    a, b, dt = _prep(input, other)
    if isinstance(input, Tensor) and not isinstance(other, Tensor):
        return FloorDivide.apply(a, b._data)  # a number is no graph edge (torch's Scalar overload)
    return FloorDivide.apply(a, b)


def fmod(input: Tensor, other: Any) -> Tensor:
    """C-style remainder: same sign as ``input``.

    >>> import learntorch as torch
    >>> torch.fmod(torch.tensor([-3., 3.]), 2)
    tensor([-1.,  1.])
    """
    if not isinstance(other, Tensor):
        return FmodScalar.apply(_cast(input, dtypes.result_type(input, other), None), other)
    a, b, _ = _prep(input, other)
    return Fmod.apply(a, b)


def remainder(input: Any, other: Any) -> Tensor:
    """Python-style remainder (``%``): same sign as ``other``.

    >>> import learntorch as torch
    >>> torch.tensor([-3., 3.]) % 2
    tensor([1., 1.])
    """
    if isinstance(input, Tensor) and not isinstance(other, Tensor):
        return RemainderScalar.apply(_cast(input, dtypes.result_type(input, other), None), other)
    a, b, _ = _prep(input, other)
    return Remainder.apply(a, b)


bind(
    div=div, divide=div, true_divide=div, floor_divide=floor_divide, fmod=fmod, remainder=remainder,
    div_=_make_inplace(div), divide_=_make_inplace(div), true_divide_=_make_inplace(div),
    floor_divide_=_make_inplace(floor_divide), fmod_=_make_inplace(fmod),
    remainder_=_make_inplace(remainder),
)  # fmt: skip

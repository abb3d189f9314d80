"""Elementwise operations: arithmetic with broadcasting and PyTorch's type promotion,
unary maths, comparisons, logical ops, and dtype/device conversion.

Binary ops promote both operands to ``torch.result_type`` *before* computing, so
NumPy's own promotion never decides a dtype (``int / int`` is float32, a Python
float never turns float32 into float64). Every differentiable op is one ``Op``
class with its forward (on arrays) and backward (on tensors) side by side; the
backward uses tensor operations only, so it can itself be differentiated.
"""

from __future__ import annotations

import math
from typing import Any

from .. import dtypes
from .._numerics import add_alpha
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor
from ._operands import _cast, _prep, _scalar_array
from ._util import _quiet, _zeros, bind, unbroadcast
from .compare import where

__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "neg", "negative", "pow", "square", "lerp"]


# ---------------------------------------------------------------------- arithmetic
class Add(Op):
    """z = a + alpha * b;  da = dz, db = alpha dz (summed over broadcast dims)"""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else add_alpha(a, b, alpha)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx._in_shapes
        ga = unbroadcast(grad, sa) if ctx.needs_input_grad[0] else None
        gb = (
            unbroadcast(grad if ctx.alpha == 1 else grad * ctx.alpha, sb) if ctx.needs_input_grad[1] else None
        )
        return ga, gb, None


class Sub(Op):
    """z = a - alpha * b;  da = dz, db = -alpha dz"""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a - b if alpha == 1 else add_alpha(a, b, -alpha)

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx._in_shapes
        ga = unbroadcast(grad, sa) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(grad * -ctx.alpha, sb) if ctx.needs_input_grad[1] else None
        return ga, gb, None


class Rsub(Op):
    """z = other - alpha * x for a Python number ``other``;  dx = -alpha dz"""

    node_name = "RsubBackward1"

    @staticmethod
    def forward(ctx, x, other, alpha=1):
        ctx.alpha = alpha
        return _scalar_array(ctx.xp, other, x.dtype) - (x if alpha == 1 else x * alpha)

    @staticmethod
    def backward(ctx, grad):
        return grad * -ctx.alpha, None, None


class Mul(Op):
    """z = a * b;  da = dz b, db = dz a"""

    @staticmethod
    def forward(ctx, a, b):
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = unbroadcast(grad * b, ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(grad * a, ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class Neg(Op):
    """y = -x;  dx = -dy"""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Op):
    """z = a ** b (two tensors);  da = dz b a^(b-1), db = dz z log(a)"""

    node_name = "PowBackward1"

    @staticmethod
    def forward(ctx, a, b):
        with _quiet(ctx.xp):
            z = _int_pow(ctx.xp, a, b) if a.dtype.kind in "biu" else ctx.xp.power(a, b)
        ctx.save_for_backward(a, b, z if ctx.needs_input_grad[1] else None)
        return z

    @staticmethod
    def backward(ctx, grad):
        a, b, z = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = unbroadcast(where(b == 0, 0.0, grad * b * a.pow(b - 1)), ctx._in_shapes[0])
        if ctx.needs_input_grad[1]:
            # 0 ** b has derivative 0 in b for b >= 0 (log 0 would give nan)
            gb = unbroadcast(grad * where((a == 0) & (b >= 0), 0.0, z * a.log()), ctx._in_shapes[1])
        return ga, gb


class PowScalar(Op):
    """y = x ** p (p a Python number);  dx = dy p x^(p-1)"""

    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        if p == 2:
            return x * x
        if x.dtype.kind in "biu":
            return _int_pow(ctx.xp, x, ctx.xp.asarray(p, dtype=x.dtype))
        return ctx.xp.power(x, x.dtype.type(p))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return _zeros(grad), None
        if p == 2:
            return grad * (x * 2), None
        return grad * (x.pow(p - 1) * p), None


class PowScalarBase(Op):
    """y = base ** x (base a Python number);  dx = dy y log(base)"""

    node_name = "PowBackward2"

    @staticmethod
    def forward(ctx, base, x):
        ctx.base = base
        if x.dtype.kind in "biu":
            y = _int_pow(ctx.xp, ctx.xp.asarray(base, dtype=x.dtype), x)
        else:
            y = ctx.xp.power(x.dtype.type(base), x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        if ctx.base == 0:
            return None, where(x >= 0, 0.0, grad * y * -math.inf)
        return None, grad * y * math.log(ctx.base)


def _int_pow(xp: Any, a: Any, b: Any) -> Any:
    """Integer power with PyTorch's answer for negative exponents (1, ±1 or 0, never an error)."""
    neg = b < 0
    if not bool(xp.any(neg)):
        return xp.power(a, b)
    pos = xp.power(a, xp.where(neg, 0, b).astype(b.dtype))
    minus_one = xp.where(b % 2 == 0, 1, -1).astype(pos.dtype)
    negv = xp.where(a == 1, 1, xp.where(a == -1, minus_one, 0)).astype(pos.dtype)
    return xp.where(neg, negv, pos)


class Lerp(Op):
    """z = a + w (b - a) with a Python-number weight;  da = dz (1 - w), db = dz w"""

    node_name = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.w = w
        return a + (b - a) * a.dtype.type(w)

    @staticmethod
    def backward(ctx, grad):
        w = ctx.w
        ga = unbroadcast(grad * (1 - w), ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(grad * w, ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb, None


class LerpTensor(Op):
    """z = a + w (b - a) with a tensor weight;  dw = dz (b - a)"""

    node_name = "LerpBackward1"

    @staticmethod
    def forward(ctx, a, b, w):
        ctx.save_for_backward(a, b, w)
        return a + (b - a) * w

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        need, shapes = ctx.needs_input_grad, ctx._in_shapes
        ga = unbroadcast(grad * (1 - w), shapes[0]) if need[0] else None
        gb = unbroadcast(grad * w, shapes[1]) if need[1] else None
        gw = unbroadcast(grad * (b - a), shapes[2]) if need[2] else None
        return ga, gb, gw


# ---------------------------------------------------------------------- public functions
def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other`` with broadcasting.

    >>> import learntorch as torch
    >>> torch.add(torch.tensor([1, 2]), torch.tensor([10, 20]), alpha=2)
    tensor([21, 42])
    >>> (torch.ones(2, dtype=torch.int32) + 1.5).dtype
    torch.float32
    """
    a, b, _ = _prep(input, other)
    return Add.apply(a, b, alpha)


def _bool_sub_check(input: Any, other: Any) -> None:
    a_bool = input.dtype is dtypes.bool if isinstance(input, Tensor) else isinstance(input, bool)
    b_bool = other.dtype is dtypes.bool if isinstance(other, Tensor) else isinstance(other, bool)
    if a_bool and b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead.\nhint: for masks, a & ~b keeps a's True entries that b lacks."
        )
    if a_bool or b_bool:
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead.\n"
            "hint: convert the mask first (mask.int() or mask.float()) if you really want numbers."
        )


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other``.

    >>> import learntorch as torch
    >>> torch.sub(torch.tensor([5., 5.]), torch.tensor([1., 2.]), alpha=2)
    tensor([3., 1.])
    """
    _bool_sub_check(input, other)
    a, b, _ = _prep(input, other)
    return Sub.apply(a, b, alpha)


subtract = sub


def rsub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha * input`` (what ``2 - x`` computes).

    >>> import learntorch as torch
    >>> 1 - torch.tensor([0.25, 1.0])
    tensor([0.7500, 0.0000])
    """
    _bool_sub_check(input, other)
    if isinstance(other, Tensor):
        return sub(other, input, alpha=alpha)
    dt = dtypes.result_type(input, other)
    return Rsub.apply(_cast(input, dt, None), other, alpha)


def mul(input: Any, other: Any) -> Tensor:
    """Elementwise product with broadcasting.

    >>> import learntorch as torch
    >>> torch.tensor([[1], [2]]) * torch.tensor([1, 10, 100])
    tensor([[  1,  10, 100],
            [  2,  20, 200]])
    """
    a, b, _ = _prep(input, other)
    return Mul.apply(a, b)


multiply = mul


def neg(input: Tensor) -> Tensor:
    """``-input``."""
    if input.dtype is dtypes.bool:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead.\n"
            "hint: ~mask flips True and False."
        )
    return Neg.apply(input)


negative = neg


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001
    """``input ** exponent``; either may be a Python number.

    >>> import learntorch as torch
    >>> torch.tensor([1., 2., 3.]) ** 2
    tensor([1., 4., 9.])
    >>> 2 ** torch.tensor([0, 1, 2])
    tensor([1, 2, 4])
    """
    if not isinstance(input, Tensor):
        dt = dtypes.result_type(input, exponent)
        return PowScalarBase.apply(input, _cast(exponent, dt, None))
    if not isinstance(exponent, Tensor):
        dt = dtypes.result_type(input, exponent)
        if not dt.is_floating_point and exponent < 0:
            raise RuntimeError(
                "Integers to negative integer powers are not allowed.\n"
                "hint: the result would not be an integer; use a float tensor (x.float() ** -1)."
            )
        return PowScalar.apply(_cast(input, dt, None), exponent)
    a, b, _ = _prep(input, exponent)
    return Pow.apply(a, b)


def square(input: Tensor) -> Tensor:
    """``input ** 2`` (keeps integer dtypes)."""
    return pow(input, 2)


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``.

    >>> import learntorch as torch
    >>> torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.5)
    tensor([ 5., 15.])
    """
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {dtypes.c_type_name(input.dtype)} for `{name}` but got dtype {dtypes.c_type_name(t.dtype)}\n"
                "hint: lerp needs all tensors in one dtype; convert with .to(x.dtype)."
            )
    if not isinstance(weight, Tensor):
        return Lerp.apply(input, end, weight)
    return LerpTensor.apply(input, end, weight)


bind(
    add=add, sub=sub, subtract=sub, rsub=rsub, mul=mul, multiply=mul, neg=neg, negative=neg, pow=pow,
    square=square, lerp=lerp,
    add_=_make_inplace(add), sub_=_make_inplace(sub), subtract_=_make_inplace(sub),
    mul_=_make_inplace(mul), multiply_=_make_inplace(mul), pow_=_make_inplace(pow),
    square_=_make_inplace(square), neg_=_make_inplace(neg), negative_=_make_inplace(neg),
    lerp_=_make_inplace(lerp),
)  # fmt: skip

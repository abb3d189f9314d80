"""More elementwise maths a course meets: hyperbolic and inverse trig, exp2, logit, atan2, hypot,
copysign, xlogy, nan_to_num.

Each is one ``Op`` (so ``grad_fn`` reads ``SinhBackward0`` as in torch) with its derivative
beside it. Integer and bool inputs compute in the default float dtype, as torch does.

>>> import learntorch as torch
>>> torch.atan2(torch.tensor([1.0, -1.0]), torch.tensor([0.0, 0.0]))
tensor([ 1.5708, -1.5708])
>>> torch.xlogy(torch.tensor([0.0, 2.0]), torch.tensor([0.0, 3.0]))
tensor([0.0000, 2.1972])
"""

from __future__ import annotations

import math

from .. import dtypes
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor
from ._operands import _prep
from ._util import _quiet, bind, unbroadcast
from .compare import where
from .copy import _float_input, _to_copy

__all__ = [
    "sinh",
    "cosh",
    "asin",
    "atan",
    "exp2",
    "logit",
    "atan2",
    "hypot",
    "copysign",
    "xlogy",
    "nan_to_num",
]


class Sinh(Op):
    """y = sinh(x);  dx = dy cosh(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with _quiet(ctx.xp):
            return ctx.xp.sinh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * cosh(x)


class Cosh(Op):
    """y = cosh(x);  dx = dy sinh(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with _quiet(ctx.xp):
            return ctx.xp.cosh(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sinh(x)


class Asin(Op):
    """y = asin(x);  dx = dy / sqrt(1 - x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with _quiet(ctx.xp):
            return ctx.xp.arcsin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (1 - x * x).rsqrt()


class Atan(Op):
    """y = atan(x);  dx = dy / (1 + x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.arctan(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * x + 1)


class Exp2(Op):
    """y = 2**x;  dx = dy y ln 2"""

    @staticmethod
    def forward(ctx, x):
        with _quiet(ctx.xp):
            y = ctx.xp.exp2(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y * math.log(2.0)


class Logit(Op):
    """y = log(x / (1 - x));  dx = dy / (x (1 - x)), nan outside [0, 1] (0 outside [eps, 1 - eps] if clamped)"""

    @staticmethod
    def forward(ctx, x, eps):
        ctx.eps = eps
        ctx.save_for_backward(x)
        xp = ctx.xp
        if eps is not None:
            x = xp.clip(x, eps, 1 - eps)
        with _quiet(xp):
            return xp.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        g = grad / (x * (1 - x))
        if ctx.eps is None:  # torch: nan outside [0, 1], where the forward was nan too
            return where((x < 0) | (x > 1), math.nan, g), None
        return where((x < ctx.eps) | (x > 1 - ctx.eps), 0.0, g), None


class NanToNum(Op):
    """y = x with nan, +inf, -inf replaced;  dx = dy where x was finite, 0 elsewhere"""

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        ctx.finite = ctx.xp.isfinite(x)
        return ctx.xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        return where(Tensor._make(ctx.finite), grad, 0.0), None, None, None


def _float_binary(a, b) -> tuple[Tensor, Tensor]:
    ta, tb, dt = _prep(a, b)
    if not dt.is_floating_point:
        ta, tb = (
            _to_copy(ta, dtype=dtypes.get_default_dtype()),
            _to_copy(tb, dtype=dtypes.get_default_dtype()),
        )
    return ta, tb


class Atan2(Op):
    """z = atan2(a, b);  da = dz b / (a² + b²),  db = -dz a / (a² + b²)  (0 at the origin)"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        if a.dtype == ctx.xp.float32:  # NumPy's float32 atan2 is an ulp off torch's (atan2(1, 1))
            return ctx.xp.arctan2(a.astype(ctx.xp.float64), b).astype(ctx.xp.float32)
        return ctx.xp.arctan2(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        r2 = a * a + b * b
        zero = r2 == 0  # torch: no gradient at the origin (not 0/0)
        ga = (
            unbroadcast(where(zero, 0.0, grad * b / r2), ctx._in_shapes[0])
            if ctx.needs_input_grad[0]
            else None
        )
        gb = (
            unbroadcast(where(zero, 0.0, grad * -a / r2), ctx._in_shapes[1])
            if ctx.needs_input_grad[1]
            else None
        )
        return ga, gb


class Hypot(Op):
    """z = sqrt(a² + b²);  da = dz a / z,  db = dz b / z"""

    @staticmethod
    def forward(ctx, a, b):
        z = ctx.xp.hypot(a, b)
        ctx.save_for_backward(a, b, z)
        return z

    @staticmethod
    def backward(ctx, grad):
        a, b, z = ctx.saved_tensors
        ga = unbroadcast(grad * a / z, ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(grad * b / z, ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class Copysign(Op):
    """z = |a| with the sign of b;  da = dz sign(a) sign(z) (0 at a = 0),  db = 0"""

    @staticmethod
    def forward(ctx, a, b):
        z = ctx.xp.copysign(a, b)
        ctx.save_for_backward(a, z)
        return z

    @staticmethod
    def backward(ctx, grad):
        a, z = ctx.saved_tensors
        ga = (
            unbroadcast(where(a == 0, 0.0, grad * (z / a)), ctx._in_shapes[0])
            if ctx.needs_input_grad[0]
            else None
        )
        gb = unbroadcast(grad * 0, ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class Xlogy(Op):
    """z = a log(b), 0 where a == 0 (unless b is nan);  da = xlogy(dz, b),  db = dz a / b"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        xp = ctx.xp
        with _quiet(xp):
            z = a * xp.log(b)
        return xp.where((a == 0) & ~xp.isnan(b), xp.zeros_like(z), z)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            # torch's rule: xlogy(dz, b), zeroed where a == 0 and b <= 0
            ga = unbroadcast(where((a == 0) & (b <= 0), 0.0, xlogy(grad, b)), ctx._in_shapes[0])
        if ctx.needs_input_grad[1]:
            gb = unbroadcast(grad * a / b, ctx._in_shapes[1])
        return ga, gb


class CopysignScalar(Copysign):
    node_name = "CopysignBackward1"  # torch's name when ``other`` is a Python number


class XlogyScalarSelf(Xlogy):
    node_name = "XlogyBackward1"  # xlogy(number, tensor)


class XlogyScalarOther(Xlogy):
    node_name = "XlogyBackward2"  # xlogy(tensor, number)


def sinh(input: Tensor) -> Tensor:
    """Hyperbolic sine, elementwise."""
    return Sinh.apply(_float_input(input, "sinh"))


def cosh(input: Tensor) -> Tensor:
    """Hyperbolic cosine, elementwise."""
    return Cosh.apply(_float_input(input, "cosh"))


def asin(input: Tensor) -> Tensor:
    """Inverse sine (nan outside [-1, 1])."""
    return Asin.apply(_float_input(input, "asin"))


def atan(input: Tensor) -> Tensor:
    """Inverse tangent, elementwise."""
    return Atan.apply(_float_input(input, "atan"))


def exp2(input: Tensor) -> Tensor:
    """``2 ** input``, elementwise."""
    return Exp2.apply(_float_input(input, "exp2"))


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """``log(p / (1 - p))``, the inverse of sigmoid; ``eps`` clamps ``p`` to ``[eps, 1 - eps]`` first."""
    return Logit.apply(_float_input(input, "logit"), eps)


def nan_to_num(
    input: Tensor, nan: float = 0.0, posinf: float | None = None, neginf: float | None = None
) -> Tensor:
    """Replace nan by ``nan`` and the infinities by the dtype's extremes (or the values given).

    >>> import learntorch as torch
    >>> torch.nan_to_num(torch.tensor([float('nan'), 1.0]))
    tensor([0., 1.])
    """
    if not input.dtype.is_floating_point:
        return input.clone()
    return NanToNum.apply(input, nan, posinf, neginf)


def _tensor_other(name: str, other: object) -> None:
    if not isinstance(other, Tensor):
        raise TypeError(
            f"{name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}\n"
            f"hint: wrap the number: torch.{name}(x, torch.tensor(value))"
        )


def atan2(input: Tensor, other: Tensor) -> Tensor:
    """The angle of the point ``(other, input)``, in ``(-pi, pi]``."""
    _tensor_other("atan2", other)
    return Atan2.apply(*_float_binary(input, other))


def hypot(input: Tensor, other: Tensor) -> Tensor:
    """``sqrt(input² + other²)`` without overflow in the squares."""
    _tensor_other("hypot", other)
    return Hypot.apply(*_float_binary(input, other))


def copysign(input: Tensor, other: Tensor | float) -> Tensor:
    """``|input|`` with the sign of ``other`` (including the sign of a zero)."""
    op = Copysign if isinstance(other, Tensor) else CopysignScalar
    return op.apply(*_float_binary(input, other))


def xlogy(input: Tensor | float, other: Tensor | float) -> Tensor:
    """``input * log(other)``, defined as 0 where ``input`` is 0 (the entropy convention)."""
    op = Xlogy if isinstance(input, Tensor) == isinstance(other, Tensor) else None
    op = op or (XlogyScalarSelf if isinstance(other, Tensor) else XlogyScalarOther)
    return op.apply(*_float_binary(input, other))


bind(
    sinh=sinh, cosh=cosh, asin=asin, arcsin=asin, atan=atan, arctan=atan, exp2=exp2, logit=logit,
    nan_to_num=nan_to_num, atan2=atan2, arctan2=atan2, hypot=hypot, copysign=copysign, xlogy=xlogy,
    sinh_=_make_inplace(sinh), cosh_=_make_inplace(cosh), asin_=_make_inplace(asin),
    atan_=_make_inplace(atan), exp2_=_make_inplace(exp2), logit_=_make_inplace(logit),
    nan_to_num_=_make_inplace(nan_to_num), atan2_=_make_inplace(atan2), hypot_=_make_inplace(hypot),
    copysign_=_make_inplace(copysign), xlogy_=_make_inplace(xlogy),
)  # fmt: skip

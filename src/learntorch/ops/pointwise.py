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

import numpy as np

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op, not_a_tensor
from ..tensor import Tensor
from ._util import bind, broadcast_shapes, unbroadcast

__all__ = [
    "add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide", "floor_divide",
    "neg", "negative", "pow", "exp", "log", "log1p", "expm1", "log2", "log10", "sqrt", "rsqrt", "abs",
    "absolute", "sign", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "floor", "ceil", "round", "trunc",
    "frac", "reciprocal", "square", "clamp", "clip", "clamp_min", "clamp_max", "maximum", "minimum", "fmod", "remainder", "where",
    "lerp", "erf", "softplus", "clone",
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal", "not_equal",
    "logical_not", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor",
    "bitwise_not", "isnan", "isinf", "isfinite", "isclose", "allclose", "equal",
]  # fmt: skip

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


def _float_input(x: Tensor, fn_name: str) -> Tensor:
    """Integer and bool inputs of float-valued functions compute in the default dtype.

    ``fn_name`` (the public function) names the function in the error for a non-tensor.
    """
    try:
        if x.dtype.is_floating_point:
            return x
    except AttributeError:
        if not isinstance(x, Tensor):
            raise not_a_tensor(fn_name, x) from None
        raise
    return _to_copy(x, dtype=dtypes.get_default_dtype())


def _zeros(like: Tensor) -> Tensor:
    return Tensor._make(backend.array_module(like._data).zeros_like(like._data))


def _int_zero_check(xp: Any, b: Any) -> None:
    if b.dtype.kind in "biu" and bool(xp.any(b == 0)):
        raise RuntimeError(
            "ZeroDivisionError\nhint: integer division by zero has no value; check the divisor, or "
            "convert to float first (x.float()) to get inf/nan instead."
        )


# ---------------------------------------------------------------------- arithmetic
def _axpy(a: Any, b: Any, alpha: Any) -> Any:
    """``a + alpha * b`` rounded as torch's CPU kernel does: one fused multiply-add in float32.

    For float32 (and float16, which torch computes in float32 with ``alpha`` first rounded to
    half) the product is exact in float64, so going through float64 rounds the sum once, as an
    fma does. Float64 rounds twice here (torch: once), a difference in the last bit at most.
    """
    if a.dtype.kind == "f" and a.dtype.itemsize <= 4:
        exact = a.astype("float64") + b.astype("float64") * float(np.dtype(a.dtype).type(alpha))
        return exact.astype("float32").astype(a.dtype, copy=False)
    return a + b * alpha


class Add(Op):
    """z = a + alpha * b;  da = dz, db = alpha dz (summed over broadcast dims)"""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else _axpy(a, b, alpha)

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
        return a - b if alpha == 1 else _axpy(a, b, -alpha)

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


# ---------------------------------------------------------------------- unary maths
class Exp(Op):
    """y = exp(x);  dx = dy y"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class Expm1(Op):
    """y = exp(x) - 1 (accurate near 0);  dx = dy (y + 1)"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.expm1(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y + 1)


class Log(Op):
    """y = ln(x);  dx = dy / x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with _quiet(ctx.xp):
            return ctx.xp.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Log1p(Op):
    """y = ln(1 + x) (accurate near 0);  dx = dy / (1 + x)"""

    node_name = "Log1PBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with _quiet(ctx.xp):
            return ctx.xp.log1p(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x + 1)


class Log2(Op):
    """y = log2(x);  dx = dy / (x ln 2)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with _quiet(ctx.xp):
            return ctx.xp.log2(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * math.log(2.0))


class Log10(Op):
    """y = log10(x);  dx = dy / (x ln 10)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with _quiet(ctx.xp):
            return ctx.xp.log10(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / (x * math.log(10.0))


class Sqrt(Op):
    """y = √x;  dx = dy / (2y)"""

    @staticmethod
    def forward(ctx, x):
        with _quiet(ctx.xp):
            y = ctx.xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad / (y * 2)


class Rsqrt(Op):
    """y = 1/√x;  dx = -dy y³ / 2"""

    @staticmethod
    def forward(ctx, x):
        with _quiet(ctx.xp):
            y = (1 / ctx.xp.sqrt(x)).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y.pow(3) * -0.5


class Reciprocal(Op):
    """y = 1/x;  dx = -dy y²"""

    @staticmethod
    def forward(ctx, x):
        with _quiet(ctx.xp):
            y = (1 / x).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return -grad * (y * y)


class Abs(Op):
    """y = |x|;  dx = dy sign(x) (0 at x = 0)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Sign(Op):
    """y = sign(x) ∈ {-1, 0, 1};  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.sign(x)

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad)


class Sin(Op):
    """y = sin(x);  dx = dy cos(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(Op):
    """y = cos(x);  dx = -dy sin(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -x.sin()


class Tan(Op):
    """y = tan(x);  dx = dy (1 + y²)"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tan(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * y + 1)


class Tanh(Op):
    """y = tanh(x);  dx = dy (1 - y²)"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.tanh(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (1 - y * y)


class Sigmoid(Op):
    """y = 1 / (1 + exp(-x));  dx = dy y (1 - y)"""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        e = xp.exp(-xp.abs(x))  # exp of a non-positive number never overflows
        y = xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * (1 - y))


class Relu(Op):
    """y = max(x, 0);  dx = dy where y > 0"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.maximum(x, 0).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y > 0)


class Softplus(Op):
    """y = log(1 + exp(beta x)) / beta (y = x where beta x > threshold);  dx = dy sigmoid(beta x)"""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.args = (beta, threshold)
        bx = x * beta
        # log1p(exp(bx)) = max(bx, 0) + log1p(exp(-|bx|)): stable for large |bx|
        soft = (xp.maximum(bx, 0) + xp.log1p(xp.exp(-xp.abs(bx)))) / beta
        return xp.where(bx > threshold, x, soft).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        beta, threshold = ctx.args
        bx = x * beta
        return where(bx > threshold, grad, grad * bx.sigmoid()), None, None


class Erf(Op):
    """y = erf(x) = 2/√π ∫₀ˣ exp(-t²) dt;  dx = dy 2/√π exp(-x²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return _erf_array(ctx.xp, x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (-(x * x)).exp() * (2 / math.sqrt(math.pi))


# Rational approximations of erf (|x| <= 1) and erfc (1 < |x| < 8, |x| >= 8) from the
# Cephes library (S. Moshier); relative error about 1e-16 in float64.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)  # fmt: skip
_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)  # fmt: skip
_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)  # fmt: skip
_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)  # fmt: skip
_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)  # fmt: skip
_ERFC_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)  # fmt: skip


def _horner(x: Any, coeffs: tuple) -> Any:
    acc = x * 0 + coeffs[0]
    for c in coeffs[1:]:
        acc = acc * x + c
    return acc


def _erf_array(xp: Any, x: Any) -> Any:
    """erf of an array, computed in float64 and returned in ``x``'s dtype."""
    v = x.astype(xp.float64)
    a = xp.abs(v)
    with _quiet(xp):
        z = v * v
        small = v * _horner(z, _ERF_T) / _horner(z, _ERF_U)
        ac = xp.minimum(a, 30.0)  # erfc(30) underflows to 0 anyway; keeps inf out of the ratios
        mid = _horner(ac, _ERFC_P) / _horner(ac, _ERFC_Q)
        far = _horner(ac, _ERFC_R) / _horner(ac, _ERFC_S)
        erfc = xp.exp(-ac * ac) * xp.where(ac < 8.0, mid, far)
        large = xp.sign(v) * (1.0 - erfc)
    return xp.where(a <= 1.0, small, large).astype(x.dtype, copy=False)


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


# ---------------------------------------------------------------------- clamp, max/min, mod
class Clamp(Op):
    """y = min(max(x, lo), hi) with Python-number bounds;  dx = dy where lo <= x <= hi"""

    node_name = "ClampBackward1"

    @staticmethod
    def forward(ctx, x, lo, hi):
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.bounds = (lo, hi)
        y = x
        if lo is not None:
            y = xp.maximum(y, x.dtype.type(lo))
        if hi is not None:
            y = xp.minimum(y, x.dtype.type(hi))
        return y if y is not x else x.copy()

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        inside = None
        if lo is not None:
            inside = x >= lo
        if hi is not None:
            inside = (x <= hi) if inside is None else inside & (x <= hi)
        return grad * inside, None, None


class ClampMin(Clamp):
    """y = max(x, lo);  dx = dy where x >= lo"""

    node_name = "ClampMinBackward0"


class ClampMax(Clamp):
    """y = min(x, hi);  dx = dy where x <= hi"""

    node_name = "ClampMaxBackward0"


class ClampTensor(Op):
    """y = min(max(x, lo), hi) with tensor bounds; ``has`` says which bounds are real

    A missing bound is passed as a placeholder tensor, so the node has PyTorch's three edges.
    """

    node_name = "ClampBackward0"

    @staticmethod
    def forward(ctx, x, lo, hi, has):
        xp = ctx.xp
        has_lo, has_hi = has
        ctx.has = has
        ctx.save_for_backward(x, lo if has_lo else None, hi if has_hi else None)
        y = x
        if has_lo:
            y = xp.maximum(y, lo)
        if has_hi:
            y = xp.minimum(y, hi)
        return y if y is not x else x.copy()

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        need, (sx, slo, shi) = ctx.needs_input_grad, ctx._in_shapes
        gx = glo = ghi = None
        if lo is not None and hi is not None:
            if need[0]:
                gx = where((x >= lo) & (x <= hi), grad, 0.0)
            if need[1]:
                glo = where((x < lo) & (lo < hi), grad, 0.0)
            if need[2]:
                ghi = where((x > hi) | (hi < lo), grad, 0.0)
        elif lo is not None:
            gx = where(x >= lo, grad, 0.0) if need[0] else None
            glo = where(x < lo, grad, 0.0) if need[1] else None
        else:
            gx = where(x <= hi, grad, 0.0) if need[0] else None
            ghi = where(x > hi, grad, 0.0) if need[2] else None
        return (
            unbroadcast(gx, sx) if gx is not None else None,
            unbroadcast(glo, slo) if glo is not None else None,
            unbroadcast(ghi, shi) if ghi is not None else None,
            None,
        )


class Maximum(Op):
    """z = max(a, b) elementwise;  the larger input gets dz, ties split it in half"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.maximum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        half = where(a == b, grad / 2, grad)
        ga = unbroadcast(where(a < b, 0.0, half), ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(where(a > b, 0.0, half), ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class Minimum(Op):
    """z = min(a, b) elementwise;  the smaller input gets dz, ties split it in half"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.minimum(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        half = where(a == b, grad / 2, grad)
        ga = unbroadcast(where(a > b, 0.0, half), ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(where(a < b, 0.0, half), ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


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


class Where(Op):
    """z = cond ? a : b;  da = dz where cond, db = dz elsewhere"""

    @staticmethod
    def forward(ctx, cond, a, b):
        ctx.cond = cond
        return ctx.xp.where(cond, a, b)

    @staticmethod
    def backward(ctx, grad):
        c = Tensor._make(ctx.cond)
        ga = unbroadcast(where(c, grad, 0.0), ctx._in_shapes[0]) if ctx.needs_input_grad[1] else None
        gb = unbroadcast(where(c, 0.0, grad), ctx._in_shapes[1]) if ctx.needs_input_grad[2] else None
        return None, ga, gb


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


class ToCopy(Op):
    """y = x converted to another dtype and/or device;  the gradient converts back"""

    @staticmethod
    def forward(ctx, x, dt, dev):
        ctx.src = (x.dtype, backend.array_device(x))
        y = x
        if dev is not None and dev != backend.array_device(x):
            y = backend.to_device_array(y, dev)
        if dt is not None and y.dtype != dt.np:
            y = y.astype(dt.np)
        if y is x:
            y = x.copy()
        return y

    @staticmethod
    def backward(ctx, grad):
        dt, dev = ctx.src
        return _to_copy(grad, dtype=dtypes.from_numpy_dtype(dt), device=dev), None, None


class Clone(Op):
    """y = a copy of x;  dx = dy"""

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def _to_copy(x: Tensor, dtype: dtypes.dtype | None = None, device: Any = None, copy: bool = False) -> Tensor:
    same_dt = dtype is None or dtype.np == x._data.dtype
    same_dev = device is None or backend.as_device(device) == x.device
    if same_dt and same_dev and not copy:
        return x
    return ToCopy.apply(x, dtype, backend.as_device(device) if device is not None else None)


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


def _float_unary(op: type[Op], name: str):
    def fn(input: Tensor) -> Tensor:
        return op.apply(_float_input(input, name))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"Elementwise {op.__doc__.split(';')[0].strip()}; integer inputs give the default float dtype."
    )
    return fn


exp = _float_unary(Exp, "exp")
expm1 = _float_unary(Expm1, "expm1")
log = _float_unary(Log, "log")
log1p = _float_unary(Log1p, "log1p")
log2 = _float_unary(Log2, "log2")
log10 = _float_unary(Log10, "log10")
sqrt = _float_unary(Sqrt, "sqrt")
rsqrt = _float_unary(Rsqrt, "rsqrt")
reciprocal = _float_unary(Reciprocal, "reciprocal")
sin = _float_unary(Sin, "sin")
cos = _float_unary(Cos, "cos")
tan = _float_unary(Tan, "tan")
tanh = _float_unary(Tanh, "tanh")
sigmoid = _float_unary(Sigmoid, "sigmoid")
erf = _float_unary(Erf, "erf")


def _same_dtype_unary(op: type[Op], name: str):
    def fn(input: Tensor) -> Tensor:
        return op.apply(input)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {op.__doc__.split(';')[0].strip()}; keeps the input's dtype."
    return fn


abs = _same_dtype_unary(Abs, "abs")  # noqa: A001
absolute = abs
sign = _same_dtype_unary(Sign, "sign")


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


def relu(input: Tensor) -> Tensor:
    """``max(input, 0)`` elementwise.

    >>> import learntorch as torch
    >>> torch.relu(torch.tensor([-1.0, 0.5]))
    tensor([0.0000, 0.5000])
    """
    return Relu.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold``.

    >>> import learntorch as torch
    >>> softplus(torch.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.0000])
    """
    return Softplus.apply(_float_input(input, "softplus"), beta, threshold)


def clamp(input: Tensor, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    """Limit every element to ``[min, max]``; bounds may be numbers or tensors.

    The gradient passes where ``min <= x <= max`` (boundaries included, as in torch).

    >>> import learntorch as torch
    >>> torch.tensor([-2., 0.5, 3.]).clamp(0, 1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError(
            "torch.clamp: At least one of 'min' or 'max' must not be None\n"
            "hint: pass min=..., max=... or both."
        )
    given = [v for v in (min, max) if v is not None]
    dt = dtypes.result_type(input, *given)
    scalar_overload = all(not isinstance(v, Tensor) or v.ndim == 0 for v in given)
    if scalar_overload and any(not isinstance(v, Tensor) for v in given):
        lo = min.item() if isinstance(min, Tensor) else min
        hi = max.item() if isinstance(max, Tensor) else max
        return Clamp.apply(_cast(input, dt, None), lo, hi)
    x = _cast(input, dt, None)
    placeholder = Tensor._make(backend.array_module(x._data).zeros((), dtype=dt.np))
    lo = _cast(min, dt, input) if min is not None else placeholder
    hi = _cast(max, dt, input) if max is not None else placeholder
    broadcast_shapes(x._data.shape, lo._data.shape, hi._data.shape)
    return ClampTensor.apply(x, lo, hi, (min is not None, max is not None))


clip = clamp


def maximum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise larger of two tensors (NaN wins); ties split the gradient in half."""
    a, b, _ = _prep(input, other)
    return Maximum.apply(a, b)


def minimum(input: Tensor, other: Tensor) -> Tensor:
    """Elementwise smaller of two tensors (NaN wins); ties split the gradient in half."""
    a, b, _ = _prep(input, other)
    return Minimum.apply(a, b)


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


def where(condition: Tensor, input: Any = None, other: Any = None) -> Any:
    """Pick from ``input`` where ``condition`` is true, else from ``other``.

    With only ``condition``, the indices of its true elements (one tensor per dim).

    >>> import learntorch as torch
    >>> x = torch.tensor([-1., 2.])
    >>> torch.where(x > 0, x, 0.)
    tensor([0., 2.])
    """
    if input is None and other is None:
        xp = backend.array_module(condition._data)
        return tuple(Tensor._make(i.astype(xp.int64)) for i in xp.nonzero(condition._data))
    if condition.dtype is not dtypes.bool:
        raise RuntimeError(
            "where expected condition to be a boolean tensor, but got a tensor with dtype "
            f"{dtypes.scalar_type_name(condition.dtype)}\nhint: build the condition with a comparison (x > 0) "
            "or convert it with .bool()."
        )
    a, b, _ = _prep(input, other)
    cshape = condition._data.shape
    if cshape != a._data.shape or cshape != b._data.shape:
        broadcast_shapes(cshape, a._data.shape, b._data.shape)
    return Where.apply(condition._data, a, b)


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """Linear interpolation ``input + weight * (end - input)``.

    >>> import learntorch as torch
    >>> torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.5)
    tensor([ 5., 15.])
    """
    for name, t in (("end", end), ("weight", weight)):
        if isinstance(t, Tensor) and t.dtype is not input.dtype:
            raise RuntimeError(
                f"expected dtype {_c_name(input.dtype)} for `{name}` but got dtype {_c_name(t.dtype)}\n"
                "hint: lerp needs all tensors in one dtype; convert with .to(x.dtype)."
            )
    if not isinstance(weight, Tensor):
        return Lerp.apply(input, end, weight)
    return LerpTensor.apply(input, end, weight)


def _c_name(dt: dtypes.dtype) -> str:
    """The C++ type name torch uses in some messages (float, double, long, ...)."""
    return {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
            "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
            "bool": "bool"}[dt.name]  # fmt: skip


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy with its own memory; gradients flow back to ``input``."""
    return Clone.apply(input)


# ---------------------------------------------------------------------- comparisons and logic
def _compare(np_name: str, name: str):
    def fn(input: Any, other: Any) -> Tensor:
        a, b, _ = _prep(input, other)
        xp = backend.array_module(a._data)
        return Tensor._make(xp.asarray(getattr(xp, np_name)(a._data, b._data)))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` comparison with broadcasting; returns a bool tensor."
    return fn


eq = _compare("equal", "eq")
ne = not_equal = _compare("not_equal", "ne")
lt = less = _compare("less", "lt")
le = less_equal = _compare("less_equal", "le")
gt = greater = _compare("greater", "gt")
ge = greater_equal = _compare("greater_equal", "ge")


def _logical(np_name: str):
    def fn(input: Tensor, other: Tensor) -> Tensor:
        if not isinstance(other, Tensor):
            raise TypeError(
                f"{np_name}(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}"
            )
        broadcast_shapes(input._data.shape, other._data.shape)
        xp = backend.array_module(input._data)
        return Tensor._make(xp.asarray(getattr(xp, np_name)(input._data, other._data)))

    fn.__name__ = fn.__qualname__ = np_name
    fn.__doc__ = f"Elementwise ``{np_name}`` treating nonzero as True; returns a bool tensor."
    return fn


logical_and = _logical("logical_and")
logical_or = _logical("logical_or")
logical_xor = _logical("logical_xor")


def logical_not(input: Tensor) -> Tensor:
    """Elementwise NOT treating nonzero as True; returns a bool tensor."""
    xp = backend.array_module(input._data)
    return Tensor._make(xp.asarray(xp.logical_not(input._data)))


def _bitwise(np_name: str):
    def fn(input: Any, other: Any) -> Tensor:
        a, b, dt = _prep(input, other)
        if dt.is_floating_point:
            raise NotImplementedError(
                f"\"{np_name}_cpu\" not implemented for '{dtypes.scalar_type_name(dt)}'\n"
                "hint: &, | and ^ work on bool masks and integers; for float conditions compare "
                "first, e.g. (x > 0) & (x < 1)."
            )
        xp = backend.array_module(a._data)
        return Tensor._make(xp.asarray(getattr(xp, np_name)(a._data, b._data)))

    fn.__name__ = fn.__qualname__ = np_name
    fn.__doc__ = f"Elementwise ``{np_name}`` of bool or integer tensors."
    return fn


bitwise_and = _bitwise("bitwise_and")
bitwise_or = _bitwise("bitwise_or")
bitwise_xor = _bitwise("bitwise_xor")


def bitwise_not(input: Tensor) -> Tensor:
    """``~input``: logical NOT for bool tensors, bitwise NOT for integers."""
    if input.dtype.is_floating_point:
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors\n"
            "hint: for a float condition use ~(x > 0), or (x <= 0)."
        )
    xp = backend.array_module(input._data)
    return Tensor._make(xp.asarray(xp.invert(input._data)))


def _predicate(np_name: str):
    def fn(input: Tensor) -> Tensor:
        xp = backend.array_module(input._data)
        return Tensor._make(xp.asarray(getattr(xp, np_name)(input._data)))

    fn.__name__ = fn.__qualname__ = np_name
    fn.__doc__ = f"Elementwise ``{np_name}``; returns a bool tensor."
    return fn


isnan = _predicate("isnan")
isinf = _predicate("isinf")
isfinite = _predicate("isfinite")


def isclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> Tensor:
    """Elementwise ``|input - other| <= atol + rtol * |other|`` (equal infinities count as close).

    >>> import learntorch as torch
    >>> torch.isclose(torch.tensor([1.0, 2.0]), torch.tensor([1.0 + 1e-7, 2.1]))
    tensor([ True, False])
    """
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"{dtypes.scalar_type_name(input.dtype)} did not match {dtypes.scalar_type_name(other.dtype)}\n"
            "hint: compare tensors of one dtype; convert one side with .to(other.dtype)."
        )
    a, b = input._data, other._data
    broadcast_shapes(a.shape, b.shape)
    xp = backend.array_module(a)
    with _quiet(xp):
        close = a == b
        if input.dtype.is_floating_point:
            close = close | (xp.isfinite(a) & xp.isfinite(b) & (xp.abs(a - b) <= atol + rtol * xp.abs(b)))
            if equal_nan:
                close = close | (xp.isnan(a) & xp.isnan(b))
        else:
            diff = xp.abs(a.astype(xp.float64) - b.astype(xp.float64))
            close = close | (diff <= atol + rtol * xp.abs(b.astype(xp.float64)))
    return Tensor._make(xp.asarray(close))


def allclose(
    input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08, equal_nan: bool = False
) -> bool:
    """True when every element pair is close (see :func:`isclose`).

    >>> import learntorch as torch
    >>> torch.allclose(torch.tensor([1.0]), torch.tensor([1.0 + 1e-9]))
    True
    """
    return bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input: Tensor, other: Tensor) -> bool:
    """True when both tensors have the same shape and the same values.

    >>> import learntorch as torch
    >>> torch.equal(torch.tensor([1, 2]), torch.tensor([1., 2.]))
    True
    """
    if input.shape != other.shape:
        return False
    a, b, _ = _prep(input, other)
    return bool((a._data == b._data).all())


# ---------------------------------------------------------------------- in-place machinery
def _inplace(self: Tensor, result: Tensor) -> Tensor:
    """Write ``result`` into ``self``'s memory and make ``self`` carry ``result``'s history."""
    if result.dtype != self.dtype and not _can_cast(result.dtype, self.dtype):
        raise RuntimeError(
            f"result type {dtypes.scalar_type_name(result.dtype)} can't be cast to the desired output type "
            f"{dtypes.scalar_type_name(self.dtype)}\nhint: in-place ops keep the tensor's dtype; use the "
            "out-of-place form (x = x + y) or convert x first (x = x.float())."
        )
    if result.shape != self.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(result.shape)}\n"
            "hint: an in-place op cannot grow its tensor; use the out-of-place form (x = x + y)."
        )
    self._data[...] = result._data
    self._bump_version()
    if result._requires_grad and grad_mode.is_grad_enabled():
        from .shape import _rebase_history  # noqa: PLC0415

        _rebase_history(self, result)
    return self


def _can_cast(src: dtypes.dtype, dst: dtypes.dtype) -> bool:
    return src._cat <= dst._cat


def _check_inplace(self: Tensor, overlap: bool = True) -> None:
    """PyTorch's refusals before an in-place write (leaf that requires grad, overlapping memory).

    ``overlap=False`` for in-place ops that change only the metadata (``transpose_``).
    """
    if overlap and 0 in self._data.strides and self._data.size > 1:
        for size, st in zip(self._data.shape, self._data.strides):
            if st == 0 and size > 1:
                raise RuntimeError(
                    "unsupported operation: more than one element of the written-to tensor refers to a "
                    "single memory location. Please clone() the tensor before performing the operation.\n"
                    "hint: this tensor comes from expand() (stride 0), so several elements share one "
                    "memory cell; write into x.clone() or use repeat() to get real copies."
                )
    if not grad_mode.is_grad_enabled():
        return
    if self._requires_grad and self.grad_fn is None and self._base is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation.\n"
            "hint: wrap the update in `with torch.no_grad():` (as optimizers do), or work on a "
            "copy made with .clone()."
        )
    base = self._base
    if base is not None and base._requires_grad and base.grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation.\n"
            "hint: change the leaf under `with torch.no_grad():`, or clone it first."
        )


def _snapshot(self: Tensor) -> Tensor:
    """A copy of ``self``'s current value carrying its history, for an in-place op to read from.

    The in-place op computes its result from this copy, so whatever the op saves
    for backward keeps the old value after ``self`` is overwritten.
    """
    if not grad_mode.is_grad_enabled():
        return self
    alias = Tensor._make(self._data.copy())
    alias._requires_grad = self._requires_grad
    alias.grad_fn = self.grad_fn
    alias._output_nr = self._output_nr
    alias._grad_accumulator = self._grad_accumulator
    return alias


def _make_inplace(fn: Any, name: str | None = None) -> Any:
    """``x.op_(...)``: compute ``op(x, ...)``, write it into ``x``, and hand ``x`` the history."""

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        _check_inplace(self)
        needs_graph = grad_mode.is_grad_enabled() and (
            self._requires_grad
            or any(isinstance(a, Tensor) and a._requires_grad for a in args)
            or any(isinstance(a, Tensor) and a._requires_grad for a in kwargs.values())
        )
        if not needs_graph:
            with grad_mode.no_grad():
                return _inplace(self, fn(self, *args, **kwargs))
        return _inplace(self, fn(_snapshot(self), *args, **kwargs))

    method.__name__ = method.__qualname__ = name or fn.__name__ + "_"
    method.__doc__ = f"In-place version of :func:`{fn.__name__}`."
    return method


class Fill(Op):
    """y = x filled with a number;  dx = 0"""

    node_name = "FillBackward2"

    @staticmethod
    def forward(ctx, x, value):
        return ctx.xp.full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0, None


class Copy(Op):
    """y = src broadcast and converted to x's shape and dtype;  dx = 0, dsrc = dy summed to src's shape"""

    node_name = "CopyBackwards"

    @staticmethod
    def forward(ctx, x, src):
        ctx.src_meta = (src.shape, src.dtype, backend.array_device(src))
        out = ctx.xp.empty_like(x)
        out[...] = (
            backend.to_device_array(src, backend.array_device(x))
            if ctx.src_meta[2] != backend.array_device(x)
            else src
        )
        return out

    @staticmethod
    def backward(ctx, grad):
        shape, dt, dev = ctx.src_meta
        gx = grad * 0 if ctx.needs_input_grad[0] else None
        gs = None
        if ctx.needs_input_grad[1]:
            gs = _to_copy(unbroadcast(grad, shape), dtype=dtypes.from_numpy_dtype(dt), device=dev)
        return gx, gs


def _fill_(self: Tensor, value: Any) -> Tensor:
    """Set every element to ``value`` in place."""
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with {value.ndim} dimensions."
            )
        if value._requires_grad and grad_mode.is_grad_enabled():
            return _copy_(self, value)
        value = value.item()
    _check_inplace(self)
    if grad_mode.is_grad_enabled() and self._requires_grad:
        return _inplace(self, Fill.apply(_snapshot(self), value))
    self._data[...] = value
    self._bump_version()
    return self


def _zero_(self: Tensor) -> Tensor:
    """Set every element to zero in place."""
    return _fill_(self, 0)


def _copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copy ``src`` (broadcast, converted to this dtype and device) into ``self``'s memory."""
    _check_inplace(self)
    if not isinstance(src, Tensor):
        src = Tensor._make(backend.array_module(self._data).asarray(src, dtype=self._data.dtype))
    shape = tuple(self._data.shape)
    if tuple(src.shape) != shape:
        import numpy as np  # noqa: PLC0415

        try:
            bshape = np.broadcast_shapes(tuple(src.shape), shape)
        except ValueError:
            bshape = None
        if bshape != shape:
            raise RuntimeError(
                f"output with shape {list(shape)} doesn't match the broadcast shape "
                f"{list(bshape) if bshape is not None else list(src.shape)}"
                if bshape is not None
                else f"The size of tensor a ({shape[-1] if shape else 1}) must match the size of tensor b "
                f"({src.shape[-1] if src.ndim else 1}) at non-singleton dimension {max(len(shape), src.ndim) - 1}"
            )
    if grad_mode.is_grad_enabled() and (src._requires_grad or self._requires_grad):
        return _inplace(self, Copy.apply(_snapshot(self), src))
    arr = src._data
    if backend.array_device(arr) != backend.array_device(self._data):
        arr = backend.to_device_array(arr, backend.array_device(self._data))
    self._data[...] = arr
    self._bump_version()
    return self


# ---------------------------------------------------------------------- Tensor methods
def _operand(fn: Any) -> Any:
    """A binary dunder: ``NotImplemented`` for operands that are neither tensors nor numbers."""

    def method(self: Tensor, other: Any) -> Any:
        if not isinstance(other, (Tensor, int, float, bool)) and not hasattr(other, "dtype"):
            return NotImplemented
        return fn(self, other)

    method.__name__ = method.__qualname__ = fn.__name__
    return method


def _rdiv(self: Tensor, other: Any) -> Tensor:
    # torch computes number / x as reciprocal(x) * number (so the graph shows MulBackward0)
    return mul(reciprocal(self), other)


def _rpow(self: Tensor, other: Any) -> Tensor:
    return pow(other, self)


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """``max(input, min)`` elementwise (``clamp`` with only a lower bound)."""
    if isinstance(min, Tensor):
        return clamp(input, min=min)
    return ClampMin.apply(_cast(input, dtypes.result_type(input, min), None), min, None)


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """``min(input, max)`` elementwise (``clamp`` with only an upper bound)."""
    if isinstance(max, Tensor):
        return clamp(input, max=max)
    return ClampMax.apply(_cast(input, dtypes.result_type(input, max), None), None, max)


bind(
    __add__=_operand(add), __radd__=_operand(add), __iadd__=_make_inplace(add, "__iadd__"),
    __sub__=_operand(sub), __rsub__=_operand(rsub), __isub__=_make_inplace(sub, "__isub__"),
    __mul__=_operand(mul), __rmul__=_operand(mul), __imul__=_make_inplace(mul, "__imul__"),
    __truediv__=_operand(div), __rtruediv__=_operand(_rdiv), __itruediv__=_make_inplace(div, "__itruediv__"),
    __floordiv__=_operand(floor_divide), __rfloordiv__=_operand(lambda s, o: floor_divide(o, s)),
    __ifloordiv__=_make_inplace(floor_divide, "__ifloordiv__"),
    __mod__=_operand(remainder), __rmod__=_operand(lambda s, o: remainder(o, s)),
    __imod__=_make_inplace(remainder, "__imod__"),
    __pow__=_operand(pow), __rpow__=_operand(_rpow), __ipow__=_make_inplace(pow, "__ipow__"),
    __neg__=neg, __pos__=lambda s: s, __abs__=abs, __invert__=bitwise_not,
    __eq__=_operand(eq), __ne__=_operand(ne), __lt__=_operand(lt), __le__=_operand(le),
    __gt__=_operand(gt), __ge__=_operand(ge),
    __and__=_operand(bitwise_and), __or__=_operand(bitwise_or), __xor__=_operand(bitwise_xor),
    __rand__=_operand(lambda s, o: bitwise_and(o, s)), __ror__=_operand(lambda s, o: bitwise_or(o, s)),
    __rxor__=_operand(lambda s, o: bitwise_xor(o, s)),
    __iand__=_make_inplace(bitwise_and, "__iand__"), __ior__=_make_inplace(bitwise_or, "__ior__"),
    __ixor__=_make_inplace(bitwise_xor, "__ixor__"),
    add=add, sub=sub, subtract=sub, mul=mul, multiply=mul, div=div, divide=div, true_divide=div,
    floor_divide=floor_divide, neg=neg, negative=neg, pow=pow, square=square, exp=exp, expm1=expm1,
    log=log, log1p=log1p, log2=log2, log10=log10, sqrt=sqrt, rsqrt=rsqrt, reciprocal=reciprocal,
    abs=abs, absolute=abs, sign=sign, sin=sin, cos=cos, tan=tan, tanh=tanh, sigmoid=sigmoid,
    relu=relu, erf=erf, floor=floor, ceil=ceil, round=round, trunc=trunc, frac=frac,
    clamp=clamp, clip=clamp, clamp_min=clamp_min, clamp_max=clamp_max,
    maximum=maximum, minimum=minimum, fmod=fmod, remainder=remainder, lerp=lerp, clone=clone,
    where=lambda s, c, o: where(c, s, o),
    eq=eq, ne=ne, lt=lt, le=le, gt=gt, ge=ge, greater=gt, less=lt, greater_equal=ge, less_equal=le,
    not_equal=ne, logical_not=logical_not, logical_and=logical_and, logical_or=logical_or,
    logical_xor=logical_xor, bitwise_and=bitwise_and, bitwise_or=bitwise_or, bitwise_xor=bitwise_xor,
    bitwise_not=bitwise_not, isnan=isnan, isinf=isinf, isfinite=isfinite, isclose=isclose,
    allclose=allclose, equal=equal,
    add_=_make_inplace(add), sub_=_make_inplace(sub), subtract_=_make_inplace(sub),
    mul_=_make_inplace(mul), multiply_=_make_inplace(mul), div_=_make_inplace(div),
    divide_=_make_inplace(div), true_divide_=_make_inplace(div), floor_divide_=_make_inplace(floor_divide),
    pow_=_make_inplace(pow), square_=_make_inplace(square), neg_=_make_inplace(neg),
    negative_=_make_inplace(neg), exp_=_make_inplace(exp), expm1_=_make_inplace(expm1),
    log_=_make_inplace(log), log1p_=_make_inplace(log1p), log2_=_make_inplace(log2),
    log10_=_make_inplace(log10), sqrt_=_make_inplace(sqrt), rsqrt_=_make_inplace(rsqrt),
    reciprocal_=_make_inplace(reciprocal), abs_=_make_inplace(abs), absolute_=_make_inplace(abs),
    sign_=_make_inplace(sign), sin_=_make_inplace(sin), cos_=_make_inplace(cos), tan_=_make_inplace(tan),
    tanh_=_make_inplace(tanh), sigmoid_=_make_inplace(sigmoid), relu_=_make_inplace(relu),
    erf_=_make_inplace(erf), floor_=_make_inplace(floor), ceil_=_make_inplace(ceil),
    round_=_make_inplace(round), trunc_=_make_inplace(trunc), frac_=_make_inplace(frac),
    clamp_=_make_inplace(clamp), clip_=_make_inplace(clamp, "clip_"),
    clamp_min_=_make_inplace(clamp_min, "clamp_min_"), clamp_max_=_make_inplace(clamp_max, "clamp_max_"),
    fmod_=_make_inplace(fmod), remainder_=_make_inplace(remainder), lerp_=_make_inplace(lerp),
    fill_=_fill_, zero_=_zero_, copy_=_copy_,
)  # fmt: skip

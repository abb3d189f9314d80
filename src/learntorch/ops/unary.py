"""One-input maths: ``Exp`` written out in full as the worked example, the others as a table.

Each row of the table gives an op's name, its formula, its forward on arrays and its
derivative on tensors, side by side, as a class would. Ops that need more (``Sign``
saves nothing, ``Sigmoid`` is written for stability, ``Softplus`` takes arguments) are
written out like ``Exp``.
"""

from __future__ import annotations

import math
from typing import Any

from .._numerics import _erf_array
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor
from ._util import _quiet, _zeros, bind
from .compare import where
from .copy import _float_input

__all__ = [
    "exp",
    "log",
    "log1p",
    "expm1",
    "log2",
    "log10",
    "sqrt",
    "rsqrt",
    "abs",
    "absolute",
    "sign",
    "sin",
    "cos",
    "tan",
    "tanh",
    "sigmoid",
    "relu",
    "reciprocal",
    "erf",
    "softplus",
]


# ---------------------------------------------------------------------- the worked example
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


# ---------------------------------------------------------------------- the rest, as a table
class _Unary(Op):
    """A row of the table below: ``y = f(x)`` on arrays, ``dx = df(dy, saved)`` on tensors.

    ``saves`` says what backward needs (``"x"`` or ``"y"``); ``quiet`` silences NumPy's
    warnings where torch gives inf/nan silently (``log(0)``, ``sqrt(-1)``).
    """

    _abstract = True
    saves = "x"
    quiet = False

    @staticmethod
    def forward(ctx, x):
        row = ctx._forward_cls
        if row.quiet:
            with _quiet(ctx.xp):
                y = row.f(ctx.xp, x)
        else:
            y = row.f(ctx.xp, x)
        ctx.save_for_backward(y if row.saves == "y" else x)
        return y

    @staticmethod
    def backward(ctx, grad):
        (saved,) = ctx.saved_tensors
        return ctx._forward_cls.df(grad, saved)


def _row(
    name: str, formula: str, f: Any, df: Any, saves: str = "x", quiet: bool = False, **ns: Any
) -> type[Op]:
    """A one-input op: its name, the formula (its docstring), forward ``f(xp, x)``, derivative ``df(dy, saved)``."""
    ns.update(
        __doc__=formula, f=staticmethod(f), df=staticmethod(df), saves=saves, quiet=quiet, __module__=__name__
    )
    return type(name, (_Unary,), ns)


_LN2, _LN10 = math.log(2.0), math.log(10.0)

# fmt: off
# name, formula, forward f(xp, x) on arrays, derivative df(dy, saved) on tensors, what backward saves
Expm1 = _row("Expm1", "y = exp(x) - 1 (accurate near 0);  dx = dy (y + 1)", lambda xp, x: xp.expm1(x), lambda g, y: g * (y + 1), "y")
Log = _row("Log", "y = ln(x);  dx = dy / x", lambda xp, x: xp.log(x), lambda g, x: g / x, quiet=True)
Log1p = _row("Log1p", "y = ln(1 + x) (accurate near 0);  dx = dy / (1 + x)", lambda xp, x: xp.log1p(x), lambda g, x: g / (x + 1), quiet=True, node_name="Log1PBackward0")
Log2 = _row("Log2", "y = log2(x);  dx = dy / (x ln 2)", lambda xp, x: xp.log2(x), lambda g, x: g / (x * _LN2), quiet=True)
Log10 = _row("Log10", "y = log10(x);  dx = dy / (x ln 10)", lambda xp, x: xp.log10(x), lambda g, x: g / (x * _LN10), quiet=True)
Sqrt = _row("Sqrt", "y = √x;  dx = dy / (2y)", lambda xp, x: xp.sqrt(x), lambda g, y: g / (y * 2), "y", quiet=True)
Rsqrt = _row("Rsqrt", "y = 1/√x;  dx = -dy y³ / 2", lambda xp, x: (1 / xp.sqrt(x)).astype(x.dtype, copy=False), lambda g, y: g * y.pow(3) * -0.5, "y", quiet=True)
Reciprocal = _row("Reciprocal", "y = 1/x;  dx = -dy y²", lambda xp, x: (1 / x).astype(x.dtype, copy=False), lambda g, y: -g * (y * y), "y", quiet=True)
Abs = _row("Abs", "y = |x|;  dx = dy sign(x) (0 at x = 0)", lambda xp, x: xp.abs(x), lambda g, x: g * x.sign())
Sin = _row("Sin", "y = sin(x);  dx = dy cos(x)", lambda xp, x: xp.sin(x), lambda g, x: g * x.cos())
Cos = _row("Cos", "y = cos(x);  dx = -dy sin(x)", lambda xp, x: xp.cos(x), lambda g, x: g * -x.sin())
Tan = _row("Tan", "y = tan(x);  dx = dy (1 + y²)", lambda xp, x: xp.tan(x), lambda g, y: g * (y * y + 1), "y")
Tanh = _row("Tanh", "y = tanh(x);  dx = dy (1 - y²)", lambda xp, x: xp.tanh(x), lambda g, y: g * (1 - y * y), "y")
# fmt: on


# ---------------------------------------------------------------------- written out: no saved input, or extra arguments
class Sign(Op):
    """y = sign(x) ∈ {-1, 0, 1};  dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.sign(x)

    @staticmethod
    def backward(ctx, grad):
        return _zeros(grad)


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


bind(
    exp=exp, expm1=expm1, log=log, log1p=log1p, log2=log2, log10=log10, sqrt=sqrt, rsqrt=rsqrt,
    reciprocal=reciprocal, abs=abs, absolute=abs, sign=sign, sin=sin, cos=cos, tan=tan, tanh=tanh,
    sigmoid=sigmoid, relu=relu, erf=erf,
    exp_=_make_inplace(exp), expm1_=_make_inplace(expm1), log_=_make_inplace(log),
    log1p_=_make_inplace(log1p), log2_=_make_inplace(log2), log10_=_make_inplace(log10),
    sqrt_=_make_inplace(sqrt), rsqrt_=_make_inplace(rsqrt), reciprocal_=_make_inplace(reciprocal),
    abs_=_make_inplace(abs), absolute_=_make_inplace(abs), sign_=_make_inplace(sign),
    sin_=_make_inplace(sin), cos_=_make_inplace(cos), tan_=_make_inplace(tan), tanh_=_make_inplace(tanh),
    sigmoid_=_make_inplace(sigmoid), relu_=_make_inplace(relu), erf_=_make_inplace(erf),
)  # fmt: skip

"""Activation functions with their own backward: softmax family, GELU, ELU, Softplus, ...

Each ``Op`` computes its forward on raw arrays and writes its backward with tensor
operations, so double backward works. Where a derivative is cheaper on arrays (the exact
GELU's uses ``erf``, the one in ``_numerics.py`` that ``torch.erf`` uses too), a second ``Op``
computes ``grad * f'(x)`` and differentiates itself again.

ReLU, Sigmoid and Tanh live in ``unary.py``; this file holds the rest of what
``nn.functional`` needs. Taught in note 002 (激活函数) and note 004 (ReLU, LeakyReLU, ...).
"""

from __future__ import annotations

import math
from typing import Any

from .._numerics import _erf_array
from ..autograd.function import Op
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .arith import where
from .unary import erf, exp, sigmoid, tanh

__all__ = [
    "softmax", "log_softmax", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "softplus",
    "hardtanh", "prelu", "erf", "logsigmoid",
]  # fmt: skip

_SQRT_2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_K = math.sqrt(2.0 / math.pi)
_C = 0.044715
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


# ---------------------------------------------------------------- softmax family
class Softmax(Op):
    """y = exp(x - max) / Σ exp(x - max) along dim;  dx = y (g - Σ g·y)"""

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        e = xp.exp(x - x.max(axis=dim, keepdims=True))
        y = e / e.sum(axis=dim, keepdims=True)
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        gy = grad * y
        return gy - y * gy.sum(ctx.dim, keepdim=True), None


class LogSoftmax(Op):
    """y = x - max - log Σ exp(x - max) along dim;  dx = g - exp(y) Σ g"""

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        shifted = x - x.max(axis=dim, keepdims=True)
        y = shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
        ctx.dim = dim
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad - exp(y) * grad.sum(ctx.dim, keepdim=True), None


def _softmax_dim(ndim: int) -> int:
    """PyTorch's legacy choice of dim when none is given (with its warning)."""
    import warnings  # noqa: PLC0415

    warnings.warn(
        "Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X "
        "as an argument.",
        UserWarning,
        stacklevel=3,
    )
    return 0 if ndim in (0, 1, 3) else 1


def _scalar_name(dt: Any) -> str:
    """PyTorch's C++ scalar-type name (``Float`` for float32) used in its error messages."""
    names = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int",
             "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}  # fmt: skip
    return names.get(dt.name, dt.name)


def _cast_for(input: Tensor, dtype: Any) -> Tensor:
    if dtype is not None:
        return input.to(dtype)
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"\"softmax_lastdim_kernel_impl\" not implemented for '{_scalar_name(input.dtype)}'"
        )
    return input


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """Softmax along ``dim``: non-negative values that sum to 1.

    >>> import learntorch as torch
    >>> from learntorch.ops.activation import softmax
    >>> softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    if dim is None:
        dim = _softmax_dim(input.ndim)
    x = _cast_for(input, dtype)
    return Softmax.apply(x, _wrap_dim(dim, x.ndim))


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """``log(softmax(x))`` computed stably (what cross-entropy uses).

    >>> import learntorch as torch
    >>> from learntorch.ops.activation import log_softmax
    >>> log_softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([-2.4076, -1.4076, -0.4076])
    """
    if dim is None:
        dim = _softmax_dim(input.ndim)
    x = _cast_for(input, dtype)
    return LogSoftmax.apply(x, _wrap_dim(dim, x.ndim))


# ---------------------------------------------------------------- rectifier family
class LeakyRelu(Op):
    """y = x if x > 0 else slope·x;  dy/dx = 1 or slope"""

    @staticmethod
    def forward(ctx, x, slope):
        ctx.slope = slope
        ctx.save_for_backward(x)
        return ctx.xp.where(x > 0, x, x * slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return where(x > 0, grad, grad * ctx.slope), None


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` for positive inputs, ``negative_slope * x`` otherwise."""
    out = LeakyRelu.apply(input, float(negative_slope))
    return input.copy_(out) if inplace else out


class Elu(Op):
    """y = scale·x if x > 0 else scale·α·(exp(input_scale·x) - 1)"""

    @staticmethod
    def forward(ctx, x, alpha, scale, input_scale):
        xp = ctx.xp
        ctx.args = (alpha, scale, input_scale)
        ctx.save_for_backward(x)
        neg = alpha * (xp.exp(xp.minimum(x, 0) * input_scale) - 1)
        return (xp.where(x > 0, x, neg) * scale).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        alpha, scale, input_scale = ctx.args
        neg = grad * (exp(x * input_scale) * (scale * alpha * input_scale))
        return where(x > 0, grad * scale, neg), None, None, None


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` for positive inputs, ``alpha * (exp(x) - 1)`` otherwise."""
    out = Elu.apply(input, float(alpha), 1.0, 1.0)
    return input.copy_(out) if inplace else out


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(x, alpha)`` with the self-normalising constants (α≈1.6733, scale≈1.0507)."""
    out = Elu.apply(input, _SELU_ALPHA, _SELU_SCALE, 1.0)
    return input.copy_(out) if inplace else out


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    out = Elu.variant("CeluBackward0").apply(input, float(alpha), 1.0, 1.0 / float(alpha))
    return input.copy_(out) if inplace else out


class Hardtanh(Op):
    """y = clamp(x, min, max);  dy/dx = 1 strictly inside (min, max), else 0"""

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.bounds = (lo, hi)
        ctx.save_for_backward(x)
        return ctx.xp.clip(x, lo, hi).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        lo, hi = ctx.bounds
        return where((x > lo) & (x < hi), grad, 0.0), None, None


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """``clamp(x, min_val, max_val)``; ``relu6`` is ``hardtanh(x, 0, 6)``."""
    out = Hardtanh.apply(input, min_val, max_val)
    return input.copy_(out) if inplace else out


class PreluKernel(Op):
    """y = x if x > 0 else w·x, with one slope per channel (dim 1) or one shared slope"""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        wb = _prelu_weight(w, x.ndim)
        return ctx.xp.where(x > 0, x, wb * x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        wb = w.reshape(_prelu_shape(w.numel(), x.ndim))
        gx = where(x > 0, grad, grad * wb) if ctx.needs_input_grad[0] else None
        gw = None
        if ctx.needs_input_grad[1]:
            gw = where(x > 0, 0.0, grad * x)
            gw = gw.sum_to_size(_prelu_shape(w.numel(), x.ndim)).reshape(w.shape)
        return gx, gw


def _prelu_shape(n: int, ndim: int) -> tuple:
    if n == 1 or ndim < 2:
        return (n,) if ndim >= 1 else ()
    return (1, n) + (1,) * (ndim - 2)


def _prelu_weight(w: Any, ndim: int) -> Any:
    if w.size == 1:
        return w.reshape(())
    return w.reshape(_prelu_shape(w.size, ndim))


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """Leaky ReLU whose negative slope ``weight`` is learned (one per channel, or shared)."""
    n = weight.numel()
    if n != 1:
        channels = input.shape[1] if input.ndim >= 2 else input.shape[0] if input.ndim == 1 else 1
        if channels != n:
            raise RuntimeError(
                f"Mismatch of parameter numbers and input channel size. Found parameter numbers = {n} and "
                f"channel size = {channels}.\nhint: PReLU(num_parameters=...) must equal the number of "
                "channels (dim 1 of the input), or be 1 for one shared slope."
            )
    return PreluKernel.apply(input, weight)


# ---------------------------------------------------------------- smooth activations
def _gelu_d2(x: Tensor, approximate: str) -> Tensor:
    if approximate == "tanh":
        u = (x + x * x * x * _C) * _K
        t = tanh(u)
        du = (x * x * (3 * _C) + 1) * _K
        ddu = x * (6 * _C * _K)
        return (1 - t * t) * (du - x * t * du * du + x * ddu * 0.5)
    return exp(x * x * -0.5) * _INV_SQRT_2PI * (2 - x * x)


def _gelu_d1_array(xp: Any, x: Any, approximate: str) -> Any:
    if approximate == "tanh":
        u = _K * (x + _C * x * x * x)
        t = xp.tanh(u)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _K * (1 + 3 * _C * x * x)
    cdf = 0.5 * (1 + _erf_array(xp, x / _SQRT_2))
    return cdf + x * xp.exp(-0.5 * x * x) * _INV_SQRT_2PI


class Gelu(Op):
    """y = x·Φ(x) (exact, Φ the normal CDF) or 0.5·x·(1 + tanh(√(2/π)(x + 0.044715x³)))"""

    @staticmethod
    def forward(ctx, x, approximate):
        xp = ctx.xp
        ctx.approximate = approximate
        ctx.save_for_backward(x)
        if approximate == "tanh":
            y = 0.5 * x * (1 + xp.tanh(_K * (x + _C * x * x * x)))
        else:
            y = 0.5 * x * (1 + _erf_array(xp, x / _SQRT_2))
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return GeluGrad.apply(grad, x, ctx.approximate), None


class GeluGrad(Op):
    """z = g · gelu'(x);  dz/dg = gelu'(x), dz/dx = g · gelu''(x)"""

    node_name = "GeluBackwardBackward0"

    @staticmethod
    def forward(ctx, g, x, approximate):
        ctx.approximate = approximate
        ctx.save_for_backward(g, x)
        return (g * _gelu_d1_array(ctx.xp, x, approximate)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gg):
        g, x = ctx.saved_tensors
        dg = GeluGrad.apply(gg, x, ctx.approximate) if ctx.needs_input_grad[0] else None
        dx = gg * g * _gelu_d2(x, ctx.approximate) if ctx.needs_input_grad[1] else None
        return dg, dx, None


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian Error Linear Unit: ``x * Φ(x)``; ``approximate='tanh'`` uses the tanh formula.

    >>> import learntorch as torch
    >>> from learntorch.ops.activation import gelu
    >>> gelu(torch.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return Gelu.apply(input, approximate)


class Silu(Op):
    """y = x·σ(x);  dy/dx = σ(x)(1 + x(1 - σ(x)))"""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        return (x / (1 + xp.exp(-x))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        s = sigmoid(x)
        return grad * (s * (1 + x * (1 - s)))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (also called swish)."""
    out = Silu.apply(input)
    return input.copy_(out) if inplace else out


def _softplus_array(xp: Any, x: Any, beta: float, threshold: float) -> Any:
    bx = x * beta
    soft = xp.log1p(xp.exp(-xp.abs(bx))) + xp.maximum(bx, 0)
    return xp.where(bx > threshold, x, soft / beta).astype(x.dtype, copy=False)


class Softplus(Op):
    """y = log(1 + exp(βx))/β (x itself where βx > threshold);  dy/dx = σ(βx)"""

    @staticmethod
    def forward(ctx, x, beta, threshold):
        ctx.args = (beta, threshold)
        ctx.save_for_backward(x)
        return _softplus_array(ctx.xp, x, beta, threshold)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        beta, threshold = ctx.args
        bx = x * beta
        return where(bx > threshold, grad, grad * sigmoid(bx)), None, None


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """A smooth ReLU: ``log(1 + exp(beta * x)) / beta``."""
    return Softplus.apply(input, float(beta), float(threshold))


class LogSigmoid(Op):
    """y = log σ(x) = -(log(1 + exp(-|x|)) + max(-x, 0));  dy/dx = σ(-x)"""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        ctx.save_for_backward(x)
        return (-(xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sigmoid(-x)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))``, computed without overflow."""
    return LogSigmoid.apply(input)


class Mish(Op):
    """y = x·tanh(softplus(x));  dy/dx = tanh(sp) + x·σ(x)·(1 - tanh(sp)²)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x * ctx.xp.tanh(_softplus_array(ctx.xp, x, 1.0, 20.0))).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = tanh(Softplus.apply(x, 1.0, 20.0))
        return grad * (t + x * sigmoid(x) * (1 - t * t))


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    out = Mish.apply(input)
    return input.copy_(out) if inplace else out


bind(softmax=softmax, log_softmax=log_softmax)

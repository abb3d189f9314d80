"""Elementwise operations: arithmetic with broadcasting and PyTorch's type promotion,
unary maths, comparisons, and dtype/device conversion.

Binary ops promote both operands to ``torch.result_type`` *before* computing, so
NumPy's own promotion never decides a dtype (``int / int`` is float32, a Python
float never turns float32 into float64).
"""

from __future__ import annotations

from typing import Any

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op
from ..tensor import Tensor
from ._util import bind, unbroadcast

__all__ = [
    "add", "sub", "mul", "div", "true_divide", "neg", "pow", "exp", "log", "sqrt", "abs",
    "sin", "cos", "tanh", "sigmoid", "relu", "clone",
]  # fmt: skip


def _prep(a: Any, b: Any, out_dt: dtypes.dtype | None = None) -> tuple[Any, Any, dtypes.dtype]:
    """Promote ``a`` and ``b`` (tensors or scalars) to their common dtype as tensors/arrays."""
    dt = dtypes.result_type(a, b) if out_dt is None else out_dt
    return _cast(a, dt, b), _cast(b, dt, a), dt


def _cast(x: Any, dt: dtypes.dtype, other: Any) -> Any:
    if isinstance(x, Tensor):
        if x._data.dtype == dt.np:
            return x
        return _to_copy(x, dtype=dt)
    like = other._data if isinstance(other, Tensor) else None
    xp = backend.array_module(like) if like is not None else backend.array_module()
    return Tensor._make(xp.asarray(x, dtype=dt.np))


class Add(Op):
    """z = a + alpha * b"""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.shapes = (a.shape, b.shape)
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + alpha * b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        ga = unbroadcast(grad, sa) if ctx.needs_input_grad[0] else None
        gb = None
        if ctx.needs_input_grad[1]:
            gb = unbroadcast(grad if ctx.alpha == 1 else grad * ctx.alpha, sb)
        return ga, gb


class Sub(Op):
    """z = a - alpha * b"""

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.shapes = (a.shape, b.shape)
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - alpha * b

    @staticmethod
    def backward(ctx, grad):
        sa, sb = ctx.shapes
        ga = unbroadcast(grad, sa) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(-grad if ctx.alpha == 1 else grad * -ctx.alpha, sb) if ctx.needs_input_grad[1] else None
        return ga, gb


class Mul(Op):
    """z = a * b;  dz/da = b, dz/db = a"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = unbroadcast(grad * b, ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(grad * a, ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class Div(Op):
    """z = a / b;  dz/da = 1/b, dz/db = -a/b²"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = unbroadcast(grad / b, ctx._in_shapes[0]) if ctx.needs_input_grad[0] else None
        gb = unbroadcast(-grad * a / (b * b), ctx._in_shapes[1]) if ctx.needs_input_grad[1] else None
        return ga, gb


class Neg(Op):
    """y = -x"""

    @staticmethod
    def forward(ctx, x):
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


class Pow(Op):
    """z = a ** b (both tensors);  dz/da = b a^(b-1), dz/db = a^b log a"""

    @staticmethod
    def forward(ctx, a, b):
        z = ctx.xp.power(a, b)
        ctx.save_for_backward(a, b, z if ctx.needs_input_grad[1] else None)
        return z

    @staticmethod
    def backward(ctx, grad):
        a, b, z = ctx.saved_tensors
        ga = gb = None
        if ctx.needs_input_grad[0]:
            ga = unbroadcast(grad * b * a.pow(b - 1), ctx._in_shapes[0])
        if ctx.needs_input_grad[1]:
            loga = where(a > 0, a, 1).log() if True else a.log()
            gb = unbroadcast(grad * z * where((a == 0) & (b >= 0), 0.0, loga), ctx._in_shapes[1])
        return ga, gb


class PowScalar(Op):
    """y = x ** p (p a Python number);  dy/dx = p x^(p-1)"""

    node_name = "PowBackward0"

    @staticmethod
    def forward(ctx, x, p):
        ctx.save_for_backward(x)
        ctx.p = p
        if p == 2:
            return x * x
        return ctx.xp.power(x, x.dtype.type(p) if x.dtype.kind == "f" else p)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        p = ctx.p
        if p == 0:
            return grad * 0, None
        if p == 2:
            return grad * (x * 2), None
        return grad * (p * x.pow(p - 1)), None


class Exp(Op):
    """y = exp(x);  dy/dx = y"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.exp(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


class Log(Op):
    """y = log(x);  dy/dx = 1/x"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad / x


class Sqrt(Op):
    """y = sqrt(x);  dy/dx = 1/(2y)"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.sqrt(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad / (2 * y)


class Abs(Op):
    """y = |x|;  dy/dx = sign(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.sign()


class Sign(Op):
    """y = sign(x);  dy/dx = 0"""

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.sign(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Sin(Op):
    """y = sin(x);  dy/dx = cos(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.sin(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * x.cos()


class Cos(Op):
    """y = cos(x);  dy/dx = -sin(x)"""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.cos(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * -x.sin()


class Tanh(Op):
    """y = tanh(x);  dy/dx = 1 - y²"""

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
    """y = 1 / (1 + exp(-x));  dy/dx = y (1 - y)"""

    @staticmethod
    def forward(ctx, x):
        xp = ctx.xp
        # split by sign so that exp never overflows
        e = xp.exp(-xp.abs(x))
        y = xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y * (1 - y))


class Relu(Op):
    """y = max(x, 0);  dy/dx = 1 where y > 0"""

    @staticmethod
    def forward(ctx, x):
        y = ctx.xp.maximum(x, 0).astype(x.dtype, copy=False)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * (y > 0)


class Where(Op):
    """z = cond ? a : b"""

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
    """y = a copy of x;  dy/dx = 1"""

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


ToCopy._backward_cls.__name__ = "ToCopyBackward0"


# ---------------------------------------------------------------------- public functions
def add(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other`` with broadcasting.

    >>> import learntorch as torch
    >>> torch.add(torch.tensor([1, 2]), torch.tensor([10, 20]), alpha=2)
    tensor([21, 42])
    """
    a, b, _ = _prep(input, other)
    return Add.apply(a, b, alpha)


def sub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other``."""
    if input.dtype is dtypes.bool if isinstance(input, Tensor) else False:
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or "
            "`logical_xor()` operator instead."
        )
    a, b, _ = _prep(input, other)
    return Sub.apply(a, b, alpha)


def mul(input: Any, other: Any) -> Tensor:
    """Elementwise product with broadcasting."""
    a, b, _ = _prep(input, other)
    return Mul.apply(a, b)


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """True division (always floating); ``rounding_mode='floor'`` or ``'trunc'`` rounds.

    >>> import learntorch as torch
    >>> torch.tensor([3, 2, 1]) / torch.tensor([1, 2, 3])
    tensor([3.0000, 1.0000, 0.3333])
    """
    if rounding_mode is not None:
        return _rounded_div(input, other, rounding_mode)
    dt = dtypes.result_type(input, other)
    if not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    a, b, _ = _prep(input, other, dt)
    return Div.apply(a, b)


true_divide = div


def _rounded_div(a: Any, b: Any, mode: str) -> Tensor:
    if mode not in ("floor", "trunc"):
        raise RuntimeError(
            f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'"
        )
    ta, tb, dt = _prep(a, b)
    xp = backend.array_module(ta._data)
    if dt.is_floating_point:
        q = ta._data / tb._data
        r = xp.floor(q) if mode == "floor" else xp.trunc(q)
    else:
        if xp.any(tb._data == 0):
            raise RuntimeError("ZeroDivisionError")
        r = xp.floor_divide(ta._data, tb._data) if mode == "floor" else xp.trunc(ta._data / tb._data)
    out = Tensor._make(xp.asarray(r, dtype=dt.np))
    return out


def neg(input: Tensor) -> Tensor:
    if input.dtype is dtypes.bool:
        raise RuntimeError(
            "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
            "invert a mask, use the `~` or `logical_not()` operator instead."
        )
    return Neg.apply(input)


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001
    """``input ** exponent``; either may be a Python number."""
    if not isinstance(input, Tensor):
        base, exp_t, _ = _prep(input, exponent)
        return Pow.apply(base, exp_t)
    if not isinstance(exponent, Tensor):
        dt = dtypes.result_type(input, exponent)
        if not dt.is_floating_point and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        return PowScalar.apply(_cast(input, dt, None), exponent)
    a, b, _ = _prep(input, exponent)
    return Pow.apply(a, b)


def _float_unary(op: type[Op]):
    def fn(input: Tensor) -> Tensor:
        if not input.dtype.is_floating_point:
            input = _to_copy(input, dtype=dtypes.get_default_dtype())
        return op.apply(input)

    fn.__name__ = op.__name__.lower()
    fn.__doc__ = f"Elementwise {op.__doc__.split(';')[0].strip()}; integer inputs give the default float dtype."
    return fn


exp = _float_unary(Exp)
log = _float_unary(Log)
sqrt = _float_unary(Sqrt)
sin = _float_unary(Sin)
cos = _float_unary(Cos)
tanh = _float_unary(Tanh)
sigmoid = _float_unary(Sigmoid)


def abs(input: Tensor) -> Tensor:  # noqa: A001
    return Abs.apply(input)


def sign(input: Tensor) -> Tensor:
    return Sign.apply(input)


def relu(input: Tensor) -> Tensor:
    """``max(input, 0)`` elementwise.

    >>> import learntorch as torch
    >>> torch.relu(torch.tensor([-1.0, 0.5]))
    tensor([0.0000, 0.5000])
    """
    return Relu.apply(input)


def where(condition: Tensor, input: Any = None, other: Any = None) -> Tensor:
    """Pick from ``input`` where ``condition`` is true, else from ``other``."""
    a, b, _ = _prep(input, other)
    cond = condition._data if isinstance(condition, Tensor) else condition
    if getattr(cond, "dtype", None) is not None and cond.dtype != bool:
        raise RuntimeError(f"where expected condition to be a boolean tensor, but got a tensor with dtype {condition.dtype}")
    return Where.apply(cond, a, b)


def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy with its own memory; gradients flow back to ``input``."""
    return Clone.apply(input)


# comparisons: never differentiable
def _compare(name: str):
    def fn(input: Any, other: Any) -> Tensor:
        a, b, _ = _prep(input, other)
        xp = backend.array_module(a._data)
        return Tensor._make(xp.asarray(getattr(xp, name)(a._data, b._data)))

    fn.__name__ = name
    return fn


eq = _compare("equal")
ne = _compare("not_equal")
lt = _compare("less")
le = _compare("less_equal")
gt = _compare("greater")
ge = _compare("greater_equal")


def _logical(np_name: str):
    def fn(input: Any, other: Any = None) -> Tensor:
        xp = backend.array_module(input._data)
        if other is None:
            return Tensor._make(xp.asarray(getattr(xp, np_name)(input._data)))
        o = other._data if isinstance(other, Tensor) else other
        return Tensor._make(xp.asarray(getattr(xp, np_name)(input._data, o)))

    return fn


logical_not = _logical("logical_not")
logical_and = _logical("logical_and")
logical_or = _logical("logical_or")
logical_xor = _logical("logical_xor")


def _bitwise(np_name: str, sym: str):
    def fn(input: Any, other: Any) -> Tensor:
        a, b, dt = _prep(input, other)
        if dt.is_floating_point:
            raise RuntimeError(f'"{np_name}_cpu" not implemented for \'{dt.name.capitalize()}\'')
        xp = backend.array_module(a._data)
        return Tensor._make(xp.asarray(getattr(xp, np_name)(a._data, b._data)))

    return fn


bitwise_and = _bitwise("bitwise_and", "&")
bitwise_or = _bitwise("bitwise_or", "|")
bitwise_xor = _bitwise("bitwise_xor", "^")


def _invert(self: Tensor) -> Tensor:
    if self.dtype.is_floating_point:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    xp = backend.array_module(self._data)
    return Tensor._make(xp.asarray(xp.invert(self._data)))


# ---------------------------------------------------------------------- in-place machinery
def _inplace(self: Tensor, result: Tensor) -> Tensor:
    """Write ``result`` into ``self``'s memory and make ``self`` carry ``result``'s history."""
    if result.dtype != self.dtype and not _can_cast(result.dtype, self.dtype):
        raise RuntimeError(
            f"result type {result.dtype.name.capitalize()} can't be cast to the desired output type "
            f"{self.dtype.name.capitalize()}\nhint: in-place ops keep the tensor's dtype; use the "
            "out-of-place form (x = x + y) or convert x first (x = x.float())."
        )
    if result.shape != self.shape:
        raise RuntimeError(
            f"output with shape {list(self.shape)} doesn't match the broadcast shape {list(result.shape)}"
        )
    self._data[...] = result._data
    self._bump_version()
    if result._requires_grad and grad_mode.is_grad_enabled():
        from .shape import _rebase_history  # noqa: PLC0415

        _rebase_history(self, result)
    return self


def _can_cast(src: dtypes.dtype, dst: dtypes.dtype) -> bool:
    return src._cat <= dst._cat


def _check_inplace(self: Tensor) -> None:
    if grad_mode.is_grad_enabled() and self._requires_grad and self.grad_fn is None and self._base is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation.\n"
            "hint: wrap the update in `with torch.no_grad():` (as optimizers do), or work on a "
            "copy made with .clone()."
        )
    if grad_mode.is_grad_enabled() and self._base is not None and self._base._requires_grad and self._base.grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation.\n"
            "hint: change the leaf under `with torch.no_grad():`, or clone it first."
        )


def _snapshot(self: Tensor) -> Tensor:
    """An alias of ``self``'s current value and history, for an in-place op to read from."""
    if not (grad_mode.is_grad_enabled() and (self._requires_grad)):
        return self
    alias = Tensor._make(self._data.copy())
    alias._requires_grad = self._requires_grad
    alias.grad_fn = self.grad_fn
    alias._output_nr = self._output_nr
    alias._grad_accumulator = self._grad_accumulator
    return alias


def _make_inplace(fn):
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        _check_inplace(self)
        needs_graph = grad_mode.is_grad_enabled() and (
            self._requires_grad or any(isinstance(a, Tensor) and a._requires_grad for a in args)
        )
        if not needs_graph:
            with grad_mode.no_grad():
                return _inplace(self, fn(self, *args, **kwargs))
        return _inplace(self, fn(_snapshot(self), *args, **kwargs))

    method.__name__ = fn.__name__ + "_"
    return method


def _fill_(self: Tensor, value: Any) -> Tensor:
    _check_inplace(self)
    v = value._data if isinstance(value, Tensor) else value
    self._data[...] = v
    self._bump_version()
    return self


def _zero_(self: Tensor) -> Tensor:
    return _fill_(self, 0)


def _copy_(self: Tensor, src: Tensor, non_blocking: bool = False) -> Tensor:
    _check_inplace(self)
    from .shape import expand  # noqa: PLC0415

    srcb = src if isinstance(src, Tensor) else Tensor._make(backend.array_module(self._data).asarray(src))
    if srcb.shape != self.shape:
        srcb = expand(srcb, self.shape)
    val = _to_copy(srcb, dtype=self.dtype, device=self.device)
    if not (grad_mode.is_grad_enabled() and (val._requires_grad or self._requires_grad)):
        self._data[...] = val._data
        self._bump_version()
        return self
    return _inplace(self, val if val is not srcb else Clone.apply(val))


# ---------------------------------------------------------------------- Tensor methods
def _rsub(self: Tensor, other: Any) -> Tensor:
    return sub(other if isinstance(other, Tensor) else _cast(other, dtypes.result_type(self, other), self), self)


def _rdiv(self: Tensor, other: Any) -> Tensor:
    dt = dtypes.result_type(self, other)
    return div(_cast(other, dt, self), self)


def _rpow(self: Tensor, other: Any) -> Tensor:
    return pow(other, self)


bind(
    __add__=add, __radd__=lambda s, o: add(s, o), __sub__=sub, __rsub__=_rsub,
    __mul__=mul, __rmul__=lambda s, o: mul(s, o), __truediv__=div, __rtruediv__=_rdiv,
    __neg__=neg, __pos__=lambda s: s, __pow__=pow, __rpow__=_rpow, __abs__=abs,
    __eq__=eq, __ne__=ne, __lt__=lt, __le__=le, __gt__=gt, __ge__=ge,
    __and__=bitwise_and, __or__=bitwise_or, __xor__=bitwise_xor, __invert__=_invert,
    __rand__=lambda s, o: bitwise_and(o, s), __ror__=lambda s, o: bitwise_or(o, s),
    add=add, sub=sub, subtract=sub, mul=mul, multiply=mul, div=div, divide=div, true_divide=div,
    neg=neg, negative=neg, pow=pow, exp=exp, log=log, sqrt=sqrt, abs=abs, absolute=abs,
    sign=sign, sin=sin, cos=cos, tanh=tanh, sigmoid=sigmoid, relu=relu, clone=clone,
    where=lambda s, c, o: where(c, s, o),
    eq=eq, ne=ne, lt=lt, le=le, gt=gt, ge=ge, greater=gt, less=lt,
    logical_not=logical_not, logical_and=logical_and, logical_or=logical_or, logical_xor=logical_xor,
    add_=_make_inplace(add), sub_=_make_inplace(sub), mul_=_make_inplace(mul), div_=_make_inplace(div),
    pow_=_make_inplace(pow), exp_=_make_inplace(exp), relu_=_make_inplace(relu),
    sigmoid_=_make_inplace(sigmoid), tanh_=_make_inplace(tanh), neg_=_make_inplace(neg),
    abs_=_make_inplace(abs), sqrt_=_make_inplace(sqrt), log_=_make_inplace(log),
    __iadd__=_make_inplace(add), __isub__=_make_inplace(sub), __imul__=_make_inplace(mul),
    __itruediv__=_make_inplace(div),
    fill_=_fill_, zero_=_zero_, copy_=_copy_,
)  # fmt: skip

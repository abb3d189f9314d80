"""Comparisons, logic, and choosing between values: ``eq``/``lt``/..., ``&``/``|``, ``isclose``, ``where``, ``clamp``, ``maximum``."""

from __future__ import annotations

from typing import Any

from .. import backend, dtypes
from ..autograd.function import Op
from ..autograd.inplace import _make_inplace
from ..tensor import Tensor
from ._operands import _cast, _prep
from ._util import _quiet, bind, broadcast_shapes, unbroadcast

__all__ = [
    "clamp",
    "clip",
    "clamp_min",
    "clamp_max",
    "maximum",
    "minimum",
    "where",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "greater",
    "less",
    "greater_equal",
    "less_equal",
    "not_equal",
    "logical_not",
    "logical_and",
    "logical_or",
    "logical_xor",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_not",
    "isnan",
    "isinf",
    "isfinite",
    "isclose",
    "allclose",
    "equal",
]


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


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """``max(input, min)`` elementwise (``clamp`` with only a lower bound)."""
    if isinstance(min, Tensor):
        return clamp(input, min=min)
    return Clamp.variant("ClampMinBackward0").apply(
        _cast(input, dtypes.result_type(input, min), None), min, None
    )


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """``min(input, max)`` elementwise (``clamp`` with only an upper bound)."""
    if isinstance(max, Tensor):
        return clamp(input, max=max)
    return Clamp.variant("ClampMaxBackward0").apply(
        _cast(input, dtypes.result_type(input, max), None), None, max
    )


bind(
    clamp=clamp, clip=clamp, clamp_min=clamp_min, clamp_max=clamp_max, maximum=maximum, minimum=minimum,
    where=lambda s, c, o: where(c, s, o),
    eq=eq, ne=ne, lt=lt, le=le, gt=gt, ge=ge, greater=gt, less=lt, greater_equal=ge, less_equal=le,
    not_equal=ne, logical_not=logical_not, logical_and=logical_and, logical_or=logical_or,
    logical_xor=logical_xor, bitwise_and=bitwise_and, bitwise_or=bitwise_or, bitwise_xor=bitwise_xor,
    bitwise_not=bitwise_not, isnan=isnan, isinf=isinf, isfinite=isfinite, isclose=isclose,
    allclose=allclose, equal=equal,
    clamp_=_make_inplace(clamp), clip_=_make_inplace(clamp, "clip_"),
    clamp_min_=_make_inplace(clamp_min, "clamp_min_"), clamp_max_=_make_inplace(clamp_max, "clamp_max_"),
    bitwise_and_=_make_inplace(bitwise_and), bitwise_or_=_make_inplace(bitwise_or),
    bitwise_xor_=_make_inplace(bitwise_xor),
)  # fmt: skip

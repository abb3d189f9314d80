"""Pointwise ops against the torch oracle: values, dtypes, gradients, grad_fn names, errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import learntorch as lt
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck

FLOATS = ["float32", "float64"]


def pair(torch, arr, requires_grad=False):
    """The same data as a learntorch tensor and a torch tensor."""
    a = lt.tensor(arr, requires_grad=requires_grad)
    t = torch.tensor(arr, requires_grad=requires_grad)
    return a, t


def same(ours, theirs, rtol=1e-6, atol=1e-7):
    theirs = theirs.detach()
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=rtol, atol=atol, equal_nan=True)


def first_line(exc: BaseException) -> str:
    return str(exc).split("\n")[0]


def same_error(torch, fn_ours, fn_torch):
    """Both raise the same exception class with the same first line (ours then adds a hint)."""
    with pytest.raises(Exception) as theirs:
        fn_torch()
    with pytest.raises(type(theirs.value), match=re.escape(first_line(theirs.value))) as ours:
        fn_ours()
    assert type(ours.value) is type(theirs.value)
    if len(str(ours.value).split("\n")) > 1:
        assert str(ours.value).split("\n")[-1].startswith("hint: ")


# ---------------------------------------------------------------------- unary ops
# name, input sampler (numpy -> numpy), has double backward in torch
UNARY = [
    ("exp", lambda x: x),
    ("expm1", lambda x: x),
    ("log", lambda x: np.abs(x) + 0.1),
    ("log1p", lambda x: np.abs(x)),
    ("log2", lambda x: np.abs(x) + 0.1),
    ("log10", lambda x: np.abs(x) + 0.1),
    ("sqrt", lambda x: np.abs(x) + 0.1),
    ("rsqrt", lambda x: np.abs(x) + 0.1),
    ("reciprocal", lambda x: np.sign(x) * (np.abs(x) + 0.2)),
    ("abs", lambda x: x),
    ("sign", lambda x: x),
    ("neg", lambda x: x),
    ("sin", lambda x: x),
    ("cos", lambda x: x),
    ("tan", lambda x: np.clip(x, -1.2, 1.2)),
    ("tanh", lambda x: x),
    ("sigmoid", lambda x: x * 3),
    ("relu", lambda x: x),
    ("erf", lambda x: x * 2),
    ("floor", lambda x: x * 3),
    ("ceil", lambda x: x * 3),
    ("round", lambda x: x * 3),
    ("trunc", lambda x: x * 3),
    ("frac", lambda x: x * 3),
    ("square", lambda x: x),
]


@pytest.mark.parametrize("name,sample", UNARY, ids=[u[0] for u in UNARY])
@pytest.mark.parametrize("dt", FLOATS)
def test_unary_values_grads_and_names(torch, name, sample, dt):
    arr = sample(np.random.randn(3, 4)).astype(dt)
    a, t = pair(torch, arr, requires_grad=True)
    ya, yt = getattr(a, name)(), getattr(t, name)()
    same(ya, yt, rtol=2e-6 if dt == "float32" else 1e-12, atol=1e-6 if dt == "float32" else 1e-12)
    assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
    g = np.random.randn(3, 4).astype(dt)
    ya.backward(lt.tensor(g))
    yt.backward(torch.tensor(g))
    same(a.grad, t.grad, rtol=1e-5, atol=1e-6)
    # the functional form and torch.<name> agree
    same(getattr(lt, name)(a.detach()), getattr(torch, name)(t.detach()), rtol=2e-6, atol=1e-6)


SMOOTH = ["exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan",
          "tanh", "sigmoid", "erf", "square", "abs", "relu", "neg", "frac", "floor", "sign"]  # fmt: skip


@pytest.mark.parametrize("name", SMOOTH)
def test_unary_gradcheck_and_gradgradcheck(name):
    sample = dict(UNARY)[name]
    x = lt.tensor(sample(np.random.randn(2, 3)) + 0.05, dtype=lt.float64, requires_grad=True)
    fn = getattr(lt, name)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sigmoid", "tanh", "erf", "reciprocal", "sin"])
@pytest.mark.parametrize("dt", ["int64", "int32", "bool", "uint8"])
def test_float_functions_of_integers_give_float32(torch, name, dt):
    arr = np.array([1, 2, 3]).astype(dt)
    same(getattr(lt, name)(lt.tensor(arr)), getattr(torch, name)(torch.tensor(arr)), rtol=1e-6)


@pytest.mark.parametrize("name", ["abs", "sign", "floor", "ceil", "round", "trunc", "relu", "square", "neg"])
def test_integer_preserving_functions(torch, name):
    arr = np.array([-3, 0, 2, 7])
    same(getattr(lt, name)(lt.tensor(arr)), getattr(torch, name)(torch.tensor(arr)))


def test_erf_matches_torch_closely(torch):
    x = np.linspace(-6, 6, 20001)
    for dt, tol in (("float32", 1e-7), ("float64", 1e-15)):
        ours = lt.erf(lt.tensor(x.astype(dt))).numpy()
        theirs = torch.erf(torch.tensor(x.astype(dt))).numpy()
        assert np.max(np.abs(ours.astype(np.float64) - theirs)) <= tol
    assert math.isnan(lt.erf(lt.tensor(float("nan"))).item())
    assert lt.erf(lt.tensor([-math.inf, math.inf])).tolist() == [-1.0, 1.0]


def test_round_decimals_and_ties(torch):
    arr = np.array([0.5, 1.5, 2.5, -0.5, 1.2345], dtype=np.float32)
    same(lt.round(lt.tensor(arr)), torch.round(torch.tensor(arr)))
    same(lt.round(lt.tensor(arr), decimals=2), torch.round(torch.tensor(arr), decimals=2))


def test_softplus_matches_torch(torch):
    arr = np.array([-30.0, -1.0, 0.0, 1.0, 10.0, 25.0])
    a, t = pair(torch, arr, requires_grad=True)
    for beta, threshold in ((1, 20), (2, 5)):
        ya = lt.ops.unary.softplus(a, beta, threshold)
        yt = torch.nn.functional.softplus(t, beta, threshold)
        same(ya, yt, rtol=1e-12)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
    x = lt.tensor(np.random.randn(4), requires_grad=True)
    assert gradcheck(lambda v: lt.ops.unary.softplus(v, 2.0, 3.0), (x,))
    assert gradgradcheck(lambda v: lt.ops.unary.softplus(v, 2.0, 3.0), (x,))


# ---------------------------------------------------------------------- binary ops
BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "fmod", "remainder", "atan2_free"]
shapes = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


@settings(max_examples=40, deadline=None)
@given(shapes=shapes, op=st.sampled_from(["add", "sub", "mul", "div", "maximum", "minimum", "pow"]),
       dt=st.sampled_from(FLOATS), seed=st.integers(0, 2**16))  # fmt: skip
def test_binary_broadcasting_values_and_grads(shapes, op, dt, seed):
    import torch

    rng = np.random.default_rng(seed)
    sa, sb = shapes.input_shapes
    xa = rng.standard_normal(sa).astype(dt)
    xb = rng.standard_normal(sb).astype(dt)
    if op == "pow":
        xa = np.abs(xa) + 0.5
    if op == "div":
        xb = np.sign(xb) * (np.abs(xb) + 0.5)
    a, ta = pair(torch, xa, requires_grad=True)
    b, tb = pair(torch, xb, requires_grad=True)
    ya, yt = getattr(lt, op)(a, b), getattr(torch, op)(ta, tb)
    same(ya, yt, rtol=1e-5, atol=1e-6)
    assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
    g = rng.standard_normal(yt.shape).astype(dt)
    ya.backward(lt.tensor(g))
    yt.backward(torch.tensor(g))
    same(a.grad, ta.grad, rtol=1e-4, atol=1e-5)
    same(b.grad, tb.grad, rtol=1e-4, atol=1e-5)


DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


@settings(max_examples=60, deadline=None)
@given(da=st.sampled_from(DTYPES), db=st.sampled_from(DTYPES), zero_dim=st.booleans(),
       op=st.sampled_from(["add", "mul", "div", "maximum", "eq", "lt", "remainder", "floor_divide"]))  # fmt: skip
def test_binary_result_dtypes_and_values_over_dtypes(da, db, zero_dim, op):
    import torch

    xa = np.array([1, 2, 3]).astype(da)
    xb = (np.array(2) if zero_dim else np.array([3, 1, 2])).astype(db)
    if op in ("remainder", "floor_divide") and "bool" in (da, db):
        return  # torch refuses some bool remainders; covered by the error tests
    ta, tb = torch.tensor(xa), torch.tensor(xb)
    try:
        expected = getattr(torch, op)(ta, tb)
    except RuntimeError:
        return
    same(getattr(lt, op)(lt.tensor(xa), lt.tensor(xb)), expected, rtol=1e-3)


@pytest.mark.parametrize("scalar", [2, 2.5, True, -3])
@pytest.mark.parametrize("dt", ["float32", "float64", "int64", "int32", "uint8", "float16"])
def test_tensor_scalar_arithmetic_keeps_torch_dtypes(torch, scalar, dt):
    arr = np.array([1, 2, 4]).astype(dt)
    a, t = lt.tensor(arr), torch.tensor(arr)
    cases = [lambda x: x + scalar, lambda x: scalar + x, lambda x: x * scalar, lambda x: scalar * x,
             lambda x: x / scalar, lambda x: scalar / x, lambda x: x - scalar, lambda x: scalar - x,
             lambda x: x ** 2, lambda x: x // 2, lambda x: x % 3, lambda x: x > scalar]  # fmt: skip
    for f in cases:
        try:
            expected = f(t)
        except RuntimeError:  # e.g. x - True: ours must refuse the same way
            same_error(torch, lambda: f(a), lambda: f(t))
            continue
        same(f(a), expected, rtol=1e-3)


def test_scalar_ops_graph_shape_matches_torch(torch):
    xa = lt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    xt = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    exprs = [lambda x: x + 2, lambda x: 2 + x, lambda x: x - 2, lambda x: 2 - x, lambda x: x * 2, lambda x: x / 2,
             lambda x: 2 / x, lambda x: x ** 2, lambda x: x ** 0.5, lambda x: 2 ** x, lambda x: x ** x,
             lambda x: x % 0.3, lambda x: torch_or_lt(x).fmod(x, 0.3), lambda x: x.clamp(0.5, 2.5),
             lambda x: x.clamp(min=x * 0.5), lambda x: x.lerp(x * 2, 0.3), lambda x: x.lerp(x * 2, x),
             lambda x: torch_or_lt(x).div(x, 2, rounding_mode="floor"), lambda x: x // 2, lambda x: -x]  # fmt: skip
    for f in exprs:
        ya, yt = f(xa), f(xt)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
        assert len(ya.grad_fn.next_functions) == len(yt.grad_fn.next_functions)
        same(ya, yt)


def torch_or_lt(x):
    return lt if isinstance(x, lt.Tensor) else __import__("torch")


def test_scalar_gradients_match_torch(torch):
    arr = np.array([0.5, 1.0, 2.0])
    for f in (lambda x: 2 - x, lambda x: 3 / x, lambda x: 2**x, lambda x: x**3, lambda x: x**0, lambda x: x % 0.3,
              lambda x: (x * 2).sub(x, alpha=3), lambda x: x.add(x, alpha=0.5), lambda x: x.square()):  # fmt: skip
        a, t = pair(torch, arr, requires_grad=True)
        f(a).sum().backward()
        f(t).sum().backward()
        same(a.grad, t.grad, rtol=1e-12)


def test_float32_stays_float32_with_python_floats():
    x = lt.ones(3)
    for y in (
        x * 2.5,
        2.5 * x,
        x / 3.0,
        x + 1e300,
        x**0.5,
        1.5**x,
        x.clamp(0.1, 0.2),
        lt.where(x > 0, x, 0.0),
    ):
        assert y.dtype is lt.float32


def test_int_division_and_rounding_modes(torch):
    a = np.array([7, -7, 7, -7, 0])
    b = np.array([2, 2, -2, -2, 3])
    for mode in (None, "floor", "trunc"):
        same(lt.div(lt.tensor(a), lt.tensor(b), rounding_mode=mode),
             torch.div(torch.tensor(a), torch.tensor(b), rounding_mode=mode))  # fmt: skip
        fa, fb = a.astype(np.float32) + 0.5, b.astype(np.float32)
        same(lt.div(lt.tensor(fa), lt.tensor(fb), rounding_mode=mode),
             torch.div(torch.tensor(fa), torch.tensor(fb), rounding_mode=mode))  # fmt: skip
    z = np.array([1.0, -1.0, 0.0], dtype=np.float32)
    same(lt.tensor(z) // 0.0, torch.tensor(z) // 0.0)
    same(lt.floor_divide(lt.tensor(a), 3), torch.floor_divide(torch.tensor(a), 3))


def test_fmod_remainder_signs_and_grads(torch):
    arr = np.array([-3.5, -1.0, 2.25, 5.0])
    other = np.array([2.0, -1.5, 0.5, -3.0])
    for name in ("fmod", "remainder"):
        a, ta = pair(torch, arr, requires_grad=True)
        b, tb = pair(torch, other, requires_grad=True)
        ya, yt = getattr(lt, name)(a, b), getattr(torch, name)(ta, tb)
        same(ya, yt, rtol=1e-12)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
        ya.sum().backward()
        yt.sum().backward()
        same(a.grad, ta.grad)
        same(b.grad, tb.grad)
        same(getattr(lt, name)(lt.tensor([-7, 7]), 3), getattr(torch, name)(torch.tensor([-7, 7]), 3))
    x = lt.tensor(arr + 0.1, requires_grad=True)
    y = lt.tensor(other, requires_grad=True)
    assert gradcheck(lt.fmod, (x, y)) and gradcheck(lt.remainder, (x, y))


def test_integer_powers_as_torch(torch):
    base = np.array([-2, -1, 0, 1, 2, 3])
    exps = np.array([-1, -3, 2, -2, 3, 0])
    same(lt.tensor(base) ** lt.tensor(exps), torch.tensor(base) ** torch.tensor(exps))
    same(lt.tensor(base) ** 3, torch.tensor(base) ** 3)
    same(2 ** lt.tensor([0, 1, 5]), 2 ** torch.tensor([0, 1, 5]))
    same(2.5 ** lt.tensor([0, 1, 5]), 2.5 ** torch.tensor([0, 1, 5]))
    same(lt.tensor([1, 2]) ** 0.5, torch.tensor([1, 2]) ** 0.5)


def test_pow_gradients_with_zero_base(torch):
    base = np.array([0.0, 0.0, 2.0, 1.5])
    exps = np.array([0.0, 2.0, 0.0, -1.0])
    a, ta = pair(torch, base, requires_grad=True)
    b, tb = pair(torch, exps, requires_grad=True)
    (a**b).sum().backward()
    (ta**tb).sum().backward()
    same(a.grad, ta.grad)
    same(b.grad, tb.grad)
    x = lt.tensor(np.abs(np.random.randn(2, 3)) + 0.5, requires_grad=True)
    e = lt.tensor(np.random.randn(3), requires_grad=True)
    assert gradcheck(lt.pow, (x, e)) and gradgradcheck(lt.pow, (x, e))
    assert gradcheck(lambda v: 2.0**v, (e,)) and gradgradcheck(lambda v: v**3.5, (x,))


# ---------------------------------------------------------------------- clamp / max / min / where / lerp
def test_clamp_scalar_bounds_gradient_at_boundary(torch):
    arr = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    for lo, hi in ((0.0, 1.0), (None, 1.0), (0.0, None), (1.0, 0.0)):
        a, t = pair(torch, arr, requires_grad=True)
        ya, yt = a.clamp(lo, hi), t.clamp(lo, hi)
        same(ya, yt)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
        ya.sum().backward()
        yt.sum().backward()
        same(a.grad, t.grad)


def test_clamp_tensor_bounds_and_gradients(torch):
    x = np.array([[-1.0, 0.0, 0.5, 1.0, 2.0], [0.1, 0.3, 0.35, 0.5, 4.0]])
    lo = np.array([0.0, 0.0, 0.6, 0.2, 3.0])
    hi = np.array([[1.0], [0.4]])
    for use_lo, use_hi in ((True, True), (True, False), (False, True)):
        a, ta = pair(torch, x, requires_grad=True)
        l_, tl = pair(torch, lo, requires_grad=True)
        h, th = pair(torch, hi, requires_grad=True)
        ya = lt.clamp(a, l_ if use_lo else None, h if use_hi else None)
        yt = torch.clamp(ta, tl if use_lo else None, th if use_hi else None)
        same(ya, yt)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
        ya.sum().backward()
        yt.sum().backward()
        for ours, theirs, used in ((a, ta, True), (l_, tl, use_lo), (h, th, use_hi)):
            if used:
                same(ours.grad, theirs.grad)
    v = lt.tensor(np.random.randn(3, 2), requires_grad=True)
    m = lt.tensor(np.random.randn(2) - 0.5, requires_grad=True)
    assert gradcheck(lambda a, b: a.clamp(min=b, max=b + 1.0), (v, m))
    same(
        lt.tensor([1, 2, 3]).clamp(lt.tensor([2.0, 2.0, 2.0])),
        torch.tensor([1, 2, 3]).clamp(torch.tensor([2.0] * 3)),
    )
    same(lt.tensor([1, 5]).clamp(0.5), torch.tensor([1, 5]).clamp(0.5))


def test_clip_and_clamp_min_max_aliases(torch):
    arr = np.array([-2.0, 0.3, 4.0], dtype=np.float32)
    a, t = lt.tensor(arr), torch.tensor(arr)
    same(a.clip(0, 1), t.clip(0, 1))
    same(lt.clip(a, max=0.0), torch.clip(t, max=0.0))
    same(a.clamp_min(0.0), t.clamp_min(0.0))
    same(a.clamp_max(0.0), t.clamp_max(0.0))


def test_maximum_minimum_split_ties(torch):
    x = np.array([1.0, 2.0, 3.0, float("nan")])
    y = np.array([1.0, 3.0, 2.0, 0.0])
    for name in ("maximum", "minimum"):
        a, ta = pair(torch, x, requires_grad=True)
        b, tb = pair(torch, y, requires_grad=True)
        getattr(lt, name)(a, b).sum().backward()
        getattr(torch, name)(ta, tb).sum().backward()
        same(getattr(lt, name)(a, b), getattr(torch, name)(ta, tb))
        same(a.grad, ta.grad)
        same(b.grad, tb.grad)
        # torch.max(a, b) with a tensor is maximum
    same(lt.max(lt.tensor(x), lt.tensor(y)), torch.max(torch.tensor(x), torch.tensor(y)))


def test_where_values_dtypes_and_grads(torch):
    cond = np.array([[True, False, True]])
    x = np.array([[1.0], [2.0]])
    y = np.array([5.0, 6.0, 7.0])
    a, ta = pair(torch, x, requires_grad=True)
    b, tb = pair(torch, y, requires_grad=True)
    ya = lt.where(lt.tensor(cond), a, b)
    yt = torch.where(torch.tensor(cond), ta, tb)
    same(ya, yt)
    assert len(ya.grad_fn.next_functions) == len(yt.grad_fn.next_functions)
    ya.sum().backward()
    yt.sum().backward()
    same(a.grad, ta.grad)
    same(b.grad, tb.grad)
    i = np.array([1, -2, 3])
    same(
        lt.where(lt.tensor(i) > 0, lt.tensor(i), 2.5), torch.where(torch.tensor(i) > 0, torch.tensor(i), 2.5)
    )
    same(lt.tensor(i).where(lt.tensor(i) > 0, 0), torch.tensor(i).where(torch.tensor(i) > 0, 0))
    for o, t in zip(
        lt.where(lt.tensor([[0, 1], [1, 0]]) > 0), torch.where(torch.tensor([[0, 1], [1, 0]]) > 0)
    ):
        same(o, t)


def test_lerp(torch):
    s, e, w = np.random.randn(3), np.random.randn(2, 3), np.random.rand(3)
    for weight_tensor in (False, True):
        a, ta = pair(torch, s, requires_grad=True)
        b, tb = pair(torch, e, requires_grad=True)
        wa, wt = pair(torch, w, requires_grad=True) if weight_tensor else (0.3, 0.3)
        ya, yt = lt.lerp(a, b, wa), torch.lerp(ta, tb, wt)
        same(ya, yt)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
        ya.sum().backward()
        yt.sum().backward()
        same(a.grad, ta.grad)
        same(b.grad, tb.grad)
        if weight_tensor:
            same(wa.grad, wt.grad)


# ---------------------------------------------------------------------- comparisons and logic
def test_comparisons_and_logic(torch):
    x = np.array([1.0, float("nan"), 3.0, float("inf")], dtype=np.float32)
    y = np.array([1.0, 2.0, float("nan"), float("inf")], dtype=np.float32)
    a, b, ta, tb = lt.tensor(x), lt.tensor(y), torch.tensor(x), torch.tensor(y)
    for name in (
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
    ):
        same(getattr(lt, name)(a, b), getattr(torch, name)(ta, tb))
    for name in ("isnan", "isinf", "isfinite"):
        same(getattr(lt, name)(a), getattr(torch, name)(ta))
    for name in ("logical_and", "logical_or", "logical_xor"):
        same(getattr(lt, name)(a, b), getattr(torch, name)(ta, tb))
    same(lt.logical_not(a), torch.logical_not(ta))
    m, n = np.array([True, False, True]), np.array([True, True, False])
    for f in (lambda p, q: p & q, lambda p, q: p | q, lambda p, q: p ^ q, lambda p, q: ~p):
        same(f(lt.tensor(m), lt.tensor(n)), f(torch.tensor(m), torch.tensor(n)))
    i, j = np.array([12, 10]), np.array([10, 6])
    for f in (
        lambda p, q: p & q,
        lambda p, q: p | q,
        lambda p, q: p ^ q,
        lambda p, q: ~p,
        lambda p, q: p & 8,
    ):
        same(f(lt.tensor(i), lt.tensor(j)), f(torch.tensor(i), torch.tensor(j)))
    assert (lt.tensor([1.0]) == None) is False  # noqa: E711 - torch returns False, as Python does
    assert (lt.tensor([1.0]) != "a") is True


def test_isclose_allclose_equal(torch):
    x = np.array([1.0, 2.0, float("nan"), float("inf"), 0.0])
    y = np.array([1.0 + 1e-9, 2.001, float("nan"), float("inf"), 1e-9])
    a, b, ta, tb = lt.tensor(x), lt.tensor(y), torch.tensor(x), torch.tensor(y)
    for kw in ({}, {"equal_nan": True}, {"rtol": 1e-2}, {"atol": 1e-3}):
        same(lt.isclose(a, b, **kw), torch.isclose(ta, tb, **kw))
        assert lt.allclose(a, b, **kw) == torch.allclose(ta, tb, **kw)
    same(
        lt.isclose(lt.tensor([1, 5]), lt.tensor([1, 6])),
        torch.isclose(torch.tensor([1, 5]), torch.tensor([1, 6])),
    )
    assert lt.equal(lt.tensor([1, 2]), lt.tensor([1.0, 2.0])) == torch.equal(
        torch.tensor([1, 2]), torch.tensor([1.0, 2.0])
    )
    assert lt.equal(lt.tensor([1, 2]), lt.tensor([1, 2, 3])) is False
    assert lt.equal(lt.tensor([1, 2]), lt.tensor([1, 3])) is False


def test_bool_arithmetic(torch):
    m, n = np.array([True, False, True]), np.array([True, True, False])
    for f in (lambda p, q: p + q, lambda p, q: p * q, lambda p, q: p / q, lambda p, q: p + 1,
              lambda p, q: p * 2.5, lambda p, q: p.sum(), lambda p, q: p**2):  # fmt: skip
        same(f(lt.tensor(m), lt.tensor(n)), f(torch.tensor(m), torch.tensor(n)))


# ---------------------------------------------------------------------- in-place ops
INPLACE = [
    ("add_", (2.0,)), ("sub_", (1.5,)), ("mul_", (3.0,)), ("div_", (2.0,)), ("clamp_", (0.0, 0.5)),
    ("clip_", (0.0, 0.5)), ("pow_", (2,)), ("exp_", ()), ("neg_", ()), ("abs_", ()), ("sigmoid_", ()),
    ("tanh_", ()), ("relu_", ()), ("floor_", ()), ("sqrt_", ()), ("square_", ()), ("fmod_", (0.3,)),
    ("remainder_", (0.3,)), ("clamp_min_", (0.9,)), ("clamp_max_", (0.9,)), ("round_", ()),
]  # fmt: skip


@pytest.mark.parametrize("name,args", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_values_versions_and_grads(torch, name, args):
    arr = np.abs(np.random.randn(4)) + 0.1
    la, ta = pair(torch, arr, requires_grad=True)
    ya, yt = la * 1.0, ta * 1.0
    v0 = ya._version
    ra, rt = getattr(ya, name)(*args), getattr(yt, name)(*args)
    assert ra is ya and rt is yt and ya._version == v0 + 1
    same(ya, yt, rtol=1e-12)
    assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
    ya.sum().backward()
    yt.sum().backward()
    same(la.grad, ta.grad)


def test_inplace_with_tensor_operand_and_dunders(torch):
    arr = np.array([1.0, 2.0, 3.0])
    oa, ot = pair(torch, np.array([0.5, 0.5, 0.5]), requires_grad=True)
    xa, xt = pair(torch, arr)
    xa.mul_(oa)
    xt.mul_(ot)
    same(xa, xt)
    xa.sum().backward()
    xt.sum().backward()
    same(oa.grad, ot.grad)
    a, t = lt.tensor([7, -7]), torch.tensor([7, -7])
    for f in (
        lambda v: v.__iadd__(1),
        lambda v: v.__imul__(2),
        lambda v: v.__ifloordiv__(3),
        lambda v: v.__imod__(5),
    ):
        same(f(a), f(t))


def test_inplace_errors_match_torch(torch):
    same_error(torch, lambda: lt.tensor([1, 2]).add_(1.5), lambda: torch.tensor([1, 2]).add_(1.5))
    same_error(torch, lambda: lt.tensor([True]).add_(1), lambda: torch.tensor([True]).add_(1))
    same_error(
        torch,
        lambda: lt.ones(2, requires_grad=True).add_(1),
        lambda: torch.ones(2, requires_grad=True).add_(1),
    )
    same_error(torch, lambda: lt.ones(3).clamp_(lt.ones(2)), lambda: torch.ones(3).clamp_(torch.ones(2)))
    x = lt.ones(2, requires_grad=True)
    with lt.no_grad():
        x.mul_(3)
    assert x.tolist() == [3.0, 3.0] and x.grad_fn is None


# ---------------------------------------------------------------------- errors
ERRORS = [
    "b - b", "b - 1", "1 - b", "-b", "i ** -1", "f & f", "f | f", "~f", "where(f, f, f)", "ones(3) + ones(4)",
    "ones(2, 3) * ones(4, 3)", "ones(3) == ones(4)", "clamp(f)", "isclose(f, f.double())",
    "allclose(f, f.double())", "i // tensor([0, 1])", "i % tensor([0, 1])",
    "div(i, tensor([0, 1]), rounding_mode='trunc')", "div(f, 2, rounding_mode='bad')", "lerp(f, f.double(), 0.5)",
    "frac(i)", "fmod(i, 0)", "remainder(i, 0)", "logical_and(f, True)",
]  # fmt: skip


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_match_torch(torch, expr):
    def env(mod):
        return {"b": mod.tensor([True, False]), "i": mod.tensor([1, 2]), "f": mod.tensor([1.0, 2.0]),
                "ones": mod.ones, "tensor": mod.tensor, "where": mod.where, "clamp": mod.clamp,
                "isclose": mod.isclose, "allclose": mod.allclose, "div": mod.div, "lerp": mod.lerp,
                "frac": mod.frac, "fmod": mod.fmod, "remainder": mod.remainder, "logical_and": mod.logical_and}  # fmt: skip

    same_error(torch, lambda: eval(expr, env(lt)), lambda: eval(expr, env(torch)))


def test_floor_divide_has_no_derivative(torch):
    x = lt.tensor([1.0, 2.0], requires_grad=True)
    y = x // 2
    assert type(y.grad_fn).__name__ == "NotImplemented"
    xt = torch.tensor([1.0, 2.0], requires_grad=True)
    same_error(torch, lambda: y.sum().backward(), lambda: (xt // 2).sum().backward())

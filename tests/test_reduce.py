"""Reductions against the torch oracle: values, dtypes, dims/keepdim, gradients, names, errors."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck


def same(ours, theirs, rtol=1e-5, atol=1e-6):
    theirs = theirs.detach()
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype), (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=rtol, atol=atol, equal_nan=True)


def same_error(torch, fn_ours, fn_torch):
    with pytest.raises(Exception) as theirs:
        fn_torch()
    first = str(theirs.value).split("\n")[0]
    with pytest.raises(type(theirs.value), match=re.escape(first)):
        fn_ours()


# name, kwargs-builder(dim, keepdim), supports tuple dims
REDUCTIONS = {
    "sum": lambda d, k: {"dim": d, "keepdim": k},
    "mean": lambda d, k: {"dim": d, "keepdim": k},
    "amax": lambda d, k: {"dim": d, "keepdim": k},
    "amin": lambda d, k: {"dim": d, "keepdim": k},
    "var": lambda d, k: {"dim": d, "keepdim": k},
    "std": lambda d, k: {"dim": d, "keepdim": k, "correction": 0},
    "norm": lambda d, k: {"p": 2, "dim": d, "keepdim": k},
    "logsumexp": lambda d, k: {"dim": d, "keepdim": k},
}


@settings(max_examples=50, deadline=None)
@given(name=st.sampled_from(sorted(REDUCTIONS)), ndim=st.integers(1, 3), keepdim=st.booleans(),
       data=st.data(), seed=st.integers(0, 2**16))  # fmt: skip
def test_reductions_over_dims_values_and_grads(name, ndim, keepdim, data, seed):
    import torch

    rng = np.random.default_rng(seed)
    shape = tuple(rng.integers(2, 4, size=ndim))
    dims = data.draw(
        st.lists(st.integers(-ndim, ndim - 1), min_size=1, max_size=ndim, unique_by=lambda d: d % ndim)
    )
    dim = tuple(dims) if len(dims) > 1 else dims[0]
    arr = rng.standard_normal(shape)
    a = lt.tensor(arr, requires_grad=True)
    t = torch.tensor(arr, requires_grad=True)
    kw = REDUCTIONS[name](dim, keepdim)
    ya, yt = getattr(a, name)(**kw), getattr(t, name)(**kw)
    same(ya, yt, rtol=1e-10)
    assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
    g = rng.standard_normal(tuple(yt.shape))
    ya.backward(lt.tensor(g))
    yt.backward(torch.tensor(g))
    same(a.grad, t.grad, rtol=1e-8)


@pytest.mark.parametrize(
    "expr",
    ["x.sum()", "x.sum(0)", "x.mean()", "x.mean(1)", "x.prod()", "x.prod(1)", "x.max()", "x.min()",
     "x.max(0)[0]", "x.min(1, keepdim=True)[0]", "x.amax()", "x.amin(0)", "x.std()", "x.var(0, unbiased=False)",
     "x.norm()", "x.norm(1)", "x.norm(float('inf'))", "x.norm(3, dim=1)", "x.norm(dim=0)", "x.cumsum(1)",
     "x.cumprod(0)", "x.logsumexp(1)", "x.norm(p='fro')", "x.norm(-float('inf'))", "x.std(1, keepdim=True)"],
)  # fmt: skip
def test_named_reductions_match_torch_and_gradcheck(torch, expr):
    arr = np.random.randn(3, 4)
    a = lt.tensor(arr, requires_grad=True)
    t = torch.tensor(arr, requires_grad=True)
    ya, yt = eval(expr, {"x": a}), eval(expr, {"x": t})
    same(ya, yt, rtol=1e-10)
    assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
    ya.sum().backward()
    yt.sum().backward()
    same(a.grad, t.grad, rtol=1e-8)
    x = lt.tensor(arr, requires_grad=True)
    fn = lambda v: eval(expr, {"x": v})  # noqa: E731
    assert gradcheck(fn, (x,))
    if not expr.startswith(("x.max", "x.min", "x.amax", "x.amin")) and "inf" not in expr:
        assert gradgradcheck(fn, (x,))


def test_integer_and_bool_reductions_dtypes(torch):
    for arr in (np.array([[1, 2], [3, 4]], dtype=np.int32), np.array([[True, False], [True, True]])):
        a, t = lt.tensor(arr), torch.tensor(arr)
        for expr in ("x.sum()", "x.sum(0)", "x.prod()", "x.prod(1)", "x.cumsum(0)", "x.all()", "x.any(1)",
                     "x.argmax()", "x.argmin(1)", "x.count_nonzero()", "x.amax(0)", "x.max(1)[1]"):  # fmt: skip
            try:
                expected = eval(expr, {"x": t})
            except RuntimeError:  # argmax of bool: ours must refuse too
                same_error(torch, lambda: eval(expr, {"x": a}), lambda: eval(expr, {"x": t}))  # noqa: B023
                continue
            same(eval(expr, {"x": a}), expected)
    u = np.array([[0, 2], [3, 0]], dtype=np.uint8)
    same(lt.tensor(u).all(1), torch.tensor(u).all(1))
    same(lt.tensor(u).any(), torch.tensor(u).any())
    same(lt.tensor([1, 2]).sum(dtype=lt.float64), torch.tensor([1, 2]).sum(dtype=torch.float64))
    same(lt.tensor([1, 2]).mean(dtype=lt.float32), torch.tensor([1, 2]).mean(dtype=torch.float32))


def test_prod_and_cumprod_gradients_with_zeros(torch):
    for arr in (
        np.array([[2.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 2.0, 3.0]]),
        np.array([[1.5, 0.0, 2.0, 0.0]]),
    ):
        for expr in ("x.prod()", "x.prod(1)", "x.prod(0)", "x.cumprod(1)", "x.cumprod(0)"):
            a = lt.tensor(arr, requires_grad=True)
            t = torch.tensor(arr, requires_grad=True)
            ya, yt = eval(expr, {"x": a}), eval(expr, {"x": t})
            same(ya, yt)
            g = np.random.randn(*yt.shape)
            ya.backward(lt.tensor(g))
            yt.backward(torch.tensor(g))
            same(a.grad, t.grad, rtol=1e-10)


def test_max_min_ties_and_nan(torch):
    arr = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    for expr in (
        "x.max()",
        "x.min()",
        "x.amax(1)",
        "x.amin(0)",
        "x.max(1)[0]",
        "x.min(0)[0]",
        "x.norm(float('inf'))",
    ):
        a = lt.tensor(arr, requires_grad=True)
        t = torch.tensor(arr, requires_grad=True)
        eval(expr, {"x": a}).sum().backward()
        eval(expr, {"x": t}).sum().backward()
        same(a.grad, t.grad)
    n = np.array([[1.0, float("nan"), 0.5], [4.0, 2.0, 3.0]])
    for expr in ("x.max()", "x.max(1)[0]", "x.max(1)[1]", "x.argmax(1)", "x.amax(1)", "x.min(1)[1]"):
        same(eval(expr, {"x": lt.tensor(n)}), eval(expr, {"x": torch.tensor(n)}))


def test_max_with_dim_returns_named_tuple_printed_like_torch(torch):
    arr = np.array([[1.0, 5.0], [7.0, 2.0]], dtype=np.float32)
    r, rt = lt.tensor(arr).max(dim=1), torch.tensor(arr).max(dim=1)
    assert repr(r) == repr(rt) and str(r) == str(rt)
    values, indices = r
    same(values, rt.values)
    same(indices, rt.indices)
    same(r.indices, rt[1])
    rk, rkt = lt.tensor(arr).min(0, keepdim=True), torch.tensor(arr).min(0, keepdim=True)
    assert repr(rk) == repr(rkt)
    z = lt.tensor(3.0).max(0)
    assert repr(z) == repr(torch.tensor(3.0).max(0))


def test_var_std_arguments(torch):
    arr = np.random.randn(4, 5)
    a, t = lt.tensor(arr), torch.tensor(arr)
    for expr in ("x.var()", "x.var(0)", "x.var(1, True)", "x.var(False)", "x.var(unbiased=False)",
                 "x.var(dim=(0, 1), correction=2)", "x.std(0, keepdim=True)", "x.std(correction=0)",
                 "x.std(unbiased=True)"):  # fmt: skip
        same(eval(expr, {"x": a}), eval(expr, {"x": t}), rtol=1e-10)
    one = np.array([1.5])
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        ours = lt.tensor(one).var()
    with pytest.warns(UserWarning):
        same(ours, torch.tensor(one).var())
    v, m = lt.var_mean(a, 0)
    vt, mt = torch.var_mean(t, 0)
    same(v, vt, rtol=1e-10)
    same(m, mt, rtol=1e-10)


def test_logsumexp_is_stable(torch):
    arr = np.array([[1000.0, 1000.0, -math.inf], [-math.inf, -math.inf, -math.inf], [-1e4, 0.0, 1e4]])
    for dt in (np.float32, np.float64):
        a, t = lt.tensor(arr.astype(dt)), torch.tensor(arr.astype(dt))
        same(a.logsumexp(1), t.logsumexp(1))
        same(a.logsumexp((0, 1)), t.logsumexp((0, 1)))
    same(lt.tensor([1, 2]).logsumexp(0), torch.tensor([1, 2]).logsumexp(0))


def test_norm_zero_vector_gradient(torch):
    a = lt.zeros(3, dtype=lt.float64, requires_grad=True)
    t = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    a.norm().backward()
    t.norm().backward()
    same(a.grad, t.grad)


ERRORS = [
    "i.mean()", "i.norm()", "i.std()", "i.var()", "f.sum(dim=(0, 0))", "empty.max()", "empty.argmax()",
    "f.sum(3)", "f.max(dim=(0,))", "f.mean(-3)", "b.argmax()", "x3.norm(dim=(0, 1, 2))",
]  # fmt: skip


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_match_torch(torch, expr):
    def env(mod):
        return {"i": mod.tensor([[1, 2]]), "f": mod.ones(2, 3), "empty": mod.tensor([]),
                "b": mod.tensor([True]), "x3": mod.ones(2, 2, 2)}  # fmt: skip

    same_error(torch, lambda: eval(expr, env(lt)), lambda: eval(expr, env(torch)))

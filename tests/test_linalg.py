"""Matrix products against the torch oracle: every matmul rank rule, grad_fn chains, einsum, errors."""

from __future__ import annotations

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
    np.testing.assert_allclose(ours.detach().numpy(), theirs.numpy(), rtol=rtol, atol=atol)


def chain(node, depth=3):
    """Node names along the first edge, as a student would walk ``next_functions``."""
    names = []
    while node is not None and depth:
        names.append(type(node).__name__)
        node = node.next_functions[0][0] if node.next_functions else None
        depth -= 1
    return names


def same_error(torch, fn_ours, fn_torch):
    with pytest.raises(Exception) as theirs:
        fn_torch()
    first = str(theirs.value).split("\n")[0]
    with pytest.raises(type(theirs.value), match=re.escape(first)) as ours:
        fn_ours()
    assert str(ours.value).split("\n")[-1].startswith("hint: ")


# (shape a, shape b): every rank rule of matmul
MATMUL_SHAPES = [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((5, 2, 3), (3,)),
    ((3,), (5, 3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)), ((5, 1, 2, 3), (4, 3, 2)),
    ((1, 2, 3), (6, 3, 1)), ((2, 1, 2, 3), (3,)), ((3,), (2, 1, 3, 2)),
]  # fmt: skip


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES)
@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True)])
def test_matmul_rank_rules_values_grads_and_graph(torch, sa, sb, grads):
    xa, xb = np.random.randn(*sa).astype(np.float32), np.random.randn(*sb).astype(np.float32)
    a, b = lt.tensor(xa, requires_grad=grads[0]), lt.tensor(xb, requires_grad=grads[1])
    ta, tb = torch.tensor(xa, requires_grad=grads[0]), torch.tensor(xb, requires_grad=grads[1])
    ya, yt = a @ b, ta @ tb
    same(ya, yt, rtol=1e-5, atol=1e-5)
    if (sa, sb) != ((1, 2, 3), (6, 3, 1)) or not grads[0]:  # torch 2.13 squeezes a batch of one here
        assert chain(ya.grad_fn) == chain(yt.grad_fn)
    g = np.asarray(np.random.randn(*yt.shape), dtype=np.float32)
    ya.backward(lt.tensor(g))
    yt.backward(torch.tensor(g))
    for ours, theirs in ((a, ta), (b, tb)):
        if theirs.requires_grad:
            same(ours.grad, theirs.grad, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES[:10])
def test_matmul_gradcheck_and_gradgradcheck(sa, sb):
    a = lt.tensor(np.random.randn(*sa), requires_grad=True)
    b = lt.tensor(np.random.randn(*sb), requires_grad=True)
    assert gradcheck(lt.matmul, (a, b))
    assert gradgradcheck(lt.matmul, (a, b))


@settings(max_examples=25, deadline=None)
@given(batch_a=st.lists(st.sampled_from([1, 2, 3]), max_size=2), batch_b=st.lists(st.sampled_from([1, 2]), max_size=2),
       n=st.integers(1, 3), m=st.integers(1, 3), p=st.integers(1, 3), seed=st.integers(0, 1000))  # fmt: skip
def test_matmul_broadcasting_hypothesis(batch_a, batch_b, n, m, p, seed):
    import torch

    rng = np.random.default_rng(seed)
    xa = rng.standard_normal((*batch_a, n, m))
    xb = rng.standard_normal((*batch_b, m, p))
    try:
        expected = torch.tensor(xa) @ torch.tensor(xb)
    except RuntimeError:
        same_error(torch, lambda: lt.tensor(xa) @ lt.tensor(xb), lambda: torch.tensor(xa) @ torch.tensor(xb))
        return
    same(lt.tensor(xa) @ lt.tensor(xb), expected, rtol=1e-10)


def test_integer_matmul(torch):
    a, b = np.array([[1, 2], [3, 4]]), np.array([5, 6])
    same(lt.tensor(a) @ lt.tensor(a), torch.tensor(a) @ torch.tensor(a))
    same(lt.tensor(a) @ lt.tensor(b), torch.tensor(a) @ torch.tensor(b))
    same(lt.tensor(b) @ lt.tensor(b), torch.tensor(b) @ torch.tensor(b))


def test_named_products(torch):
    A, B = np.random.randn(2, 3), np.random.randn(3, 4)
    v, w = np.random.randn(3), np.random.randn(3)
    Ab, Bb = np.random.randn(4, 2, 3), np.random.randn(4, 3, 5)
    bias = np.random.randn(4)
    cases = [("mm", (A, B)), ("mv", (A, v)), ("dot", (v, w)), ("outer", (v, w)), ("bmm", (Ab, Bb)),
             ("addmm", (bias, A, B)), ("addmm", (np.random.randn(2, 4), A, B)), ("vdot", (v, w))]  # fmt: skip
    for name, arrays in cases:
        ours = [lt.tensor(x, requires_grad=True) for x in arrays]
        theirs = [torch.tensor(x, requires_grad=True) for x in arrays]
        ya, yt = getattr(lt, name)(*ours), getattr(torch, name)(*theirs)
        same(ya, yt, rtol=1e-10)
        assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__
        assert len(ya.grad_fn.next_functions) == len(yt.grad_fn.next_functions)
        ya.sum().backward()
        yt.sum().backward()
        for o, t in zip(ours, theirs):
            same(o.grad, t.grad, rtol=1e-10)
        assert gradcheck(getattr(lt, name), tuple(lt.tensor(x, requires_grad=True) for x in arrays))
        assert gradgradcheck(getattr(lt, name), tuple(lt.tensor(x, requires_grad=True) for x in arrays))
    a, m1, m2 = (lt.tensor(x, requires_grad=True) for x in (bias, A, B))
    ta, tm1, tm2 = (torch.tensor(x, requires_grad=True) for x in (bias, A, B))
    lt.addmm(a, m1, m2, beta=0.5, alpha=2.0).sum().backward()
    torch.addmm(ta, tm1, tm2, beta=0.5, alpha=2.0).sum().backward()
    for o, t in ((a, ta), (m1, tm1), (m2, tm2)):
        same(o.grad, t.grad, rtol=1e-10)


EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("i,i->", [(3,), (3,)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]),
    ("ij->ji", [(2, 3)]), ("i,j->ij", [(2,), (3,)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]),
    ("ij->", [(2, 3)]), ("ij->j", [(2, 3)]), ("...ij,...jk->...ik", [(2, 3, 4), (4, 2)]),
    ("ij,ij,ij->i", [(2, 3), (2, 3), (2, 3)]), ("iij->j", [(3, 3, 2)]), ("ij,jk", [(2, 3), (3, 4)]),
    ("b i d, b j d -> b i j", [(2, 3, 4), (2, 5, 4)]), ("i...->...", [(2, 3, 4)]), ("ik,k", [(2, 3), (3,)]),
    ("bi,bi->b", [(1, 3), (4, 3)]),
]  # fmt: skip


@pytest.mark.parametrize("eq,shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum_values_grads_and_gradcheck(torch, eq, shapes):
    arrays = [np.random.randn(*s) for s in shapes]
    ours = [lt.tensor(x, requires_grad=True) for x in arrays]
    theirs = [torch.tensor(x, requires_grad=True) for x in arrays]
    ya, yt = lt.einsum(eq, *ours), torch.einsum(eq, *theirs)
    same(ya, yt, rtol=1e-10)
    g = np.random.randn(*yt.shape)
    ya.backward(lt.tensor(g))
    yt.backward(torch.tensor(g))
    for o, t in zip(ours, theirs):
        same(o.grad, t.grad, rtol=1e-10)
    fresh = tuple(lt.tensor(x, requires_grad=True) for x in arrays)
    assert gradcheck(lambda *xs: lt.einsum(eq, *xs), fresh)
    assert gradgradcheck(lambda *xs: lt.einsum(eq, *xs), fresh)
    same(
        lt.einsum(eq, [lt.tensor(x) for x in arrays]),
        torch.einsum(eq, [torch.tensor(x) for x in arrays]),
        1e-10,
    )


def test_einsum_contraction_shows_torch_top_node(torch):
    a, b = np.random.randn(2, 3), np.random.randn(3, 4)
    ya = lt.einsum("ij,jk->ik", lt.tensor(a, requires_grad=True), lt.tensor(b))
    yt = torch.einsum("ij,jk->ik", torch.tensor(a, requires_grad=True), torch.tensor(b))
    assert type(ya.grad_fn).__name__ == type(yt.grad_fn).__name__ == "ViewBackward0"


def test_linear_style_addmm_prints_like_torch(torch):
    x, w, b = np.ones((2, 3), np.float32), np.ones((4, 3), np.float32), np.zeros(4, np.float32)
    ya = lt.addmm(lt.tensor(b, requires_grad=True), lt.tensor(x), lt.tensor(w).t())
    yt = torch.addmm(torch.tensor(b, requires_grad=True), torch.tensor(x), torch.tensor(w).t())
    assert repr(ya) == repr(yt)


ERRORS = [
    "r(2, 3) @ r(4, 5)", "r(64, 1024) @ r(1000, 64)", "mm(r(2, 3), r(3, 4).double())", "r(3) @ r(4)",
    "dot(r(3), r(4))", "dot(r(3), r(3).double())", "dot(r(3, 1), r(3))", "r(2, 3) @ r(4)", "mv(r(2, 3), r(4))",
    "r(3) @ r(4, 5)", "r(2, 2, 3) @ r(2, 4, 5)", "r(5, 2, 3) @ r(2, 3, 1)", "tensor(1.) @ r(3)", "r(3) @ tensor(1.)",
    "bmm(r(2, 2, 3), r(3, 3, 5))", "bmm(r(2, 3), r(2, 3, 5))", "bmm(r(2, 2, 3), r(3, 5))", "mm(r(2, 3, 4), r(4, 4))",
    "mm(r(2, 3), r(3))", "mv(r(2, 3, 4), r(4))", "addmm(r(5), r(2, 3), r(3, 4))", "addmm(r(2, 4), r(2, 3), r(4, 4))",
    "r(2, 3).double() @ r(3, 4)", "r(2, 2, 3) @ r(3, 4).double()", "einsum('ij,jk->ik', r(2, 3), r(4, 5))",
    "einsum('ij,jk', r(2, 3))", "einsum('ij->ij', r(2, 3, 4))", "bmm(r(2, 2, 3), r(2, 3, 5).double())",
    "mv(r(2, 3), r(3).double())", "tensor([True]) @ tensor([True])",
]  # fmt: skip


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_match_torch(torch, expr):
    def env(mod):
        return {"r": mod.ones, "tensor": mod.tensor, "mm": mod.mm, "dot": mod.dot, "mv": mod.mv, "bmm": mod.bmm,
                "addmm": mod.addmm, "einsum": mod.einsum}  # fmt: skip

    with pytest.raises(Exception) as theirs:
        eval(expr, env(torch))
    first = str(theirs.value).split("\n")[0]
    with pytest.raises(type(theirs.value), match=re.escape(first)):
        eval(expr, env(lt))

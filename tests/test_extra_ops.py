"""The everyday functions of ops/extra_math.py and ops/extra_compose.py against torch, with gradcheck."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch
from learntorch.autograd import gradcheck, gradgradcheck

UNARY = ["sinh", "cosh", "asin", "atan", "exp2", "logit", "nan_to_num"]
BINARY = ["atan2", "hypot", "copysign", "xlogy"]
SPECIAL = np.array([0.3, -0.7, 0.0, -0.0, 1.0, 2.5, np.nan, np.inf, -np.inf, 0.99])


def same(t, l, tol=0.0):
    a, b = t.detach().numpy(), l.detach().numpy()
    assert str(t.dtype) == str(l.dtype) and tuple(t.shape) == tuple(l.shape)
    np.testing.assert_allclose(b, a, rtol=tol, atol=tol, equal_nan=True)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_unary_values_match_torch(torch, name, dtype):
    x = SPECIAL.astype(dtype) if dtype != "int64" else np.array([-2, 0, 1, 3])
    t, l = getattr(torch, name)(torch.tensor(x)), getattr(learntorch, name)(learntorch.tensor(x))
    same(t, l, 1e-15 if dtype == "float64" else 2.4e-7)  # float32: libm may differ by one ulp
    assert getattr(learntorch.tensor(x), name)().shape == l.shape


@pytest.mark.parametrize("name", UNARY)
def test_unary_grad_fn_and_grad_match_torch(torch, name):
    x = np.array([0.2, -0.4, 0.7, 0.45])
    tx, lx = torch.tensor(x, requires_grad=True), learntorch.tensor(x, requires_grad=True)
    ty, ly = getattr(torch, name)(tx), getattr(learntorch, name)(lx)
    assert type(ty.grad_fn).__name__ == type(ly.grad_fn).__name__
    ty.sum().backward()
    ly.sum().backward()
    same(tx.grad, lx.grad, 1e-15)
    xs = learntorch.tensor(np.array([0.2, 0.45, 0.7]), requires_grad=True)
    assert gradcheck(getattr(learntorch, name), (xs,))
    assert gradgradcheck(getattr(learntorch, name), (xs,))


def test_logit_eps_and_nan_to_num_options(torch):
    x = np.array([0.0, 1e-4, 0.5, 1.0])
    same(torch.logit(torch.tensor(x), eps=1e-3), learntorch.logit(learntorch.tensor(x), eps=1e-3), 1e-15)
    y = np.array([np.nan, np.inf, -np.inf, 2.0], dtype=np.float32)
    kw = dict(nan=1.0, posinf=5.0, neginf=-5.0)
    same(torch.nan_to_num(torch.tensor(y), **kw), learntorch.nan_to_num(learntorch.tensor(y), **kw))
    same(torch.nan_to_num(torch.tensor(y)), learntorch.nan_to_num(learntorch.tensor(y)))


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("other", ["tensor", "scalar", "int"])
def test_binary_values_and_grads_match_torch(torch, name, other):
    a = np.array([[0.5, -1.5, 0.0, 2.0]])
    b = np.array([[1.0], [-0.5], [0.0]])
    make = {
        "tensor": (lambda lib: lib.tensor(b, requires_grad=True)),
        "scalar": (lambda lib: -2.5),
        "int": (lambda lib: lib.tensor(np.array([1, 2, 3, 4]))),
    }[other]
    ta, la = torch.tensor(a, requires_grad=True), learntorch.tensor(a, requires_grad=True)
    tb, lb = make(torch), make(learntorch)
    if other == "scalar" and name in ("atan2", "hypot"):
        with pytest.raises(TypeError) as te:
            getattr(torch, name)(ta, tb)
        with pytest.raises(TypeError, match="must be Tensor, not float") as le:
            getattr(learntorch, name)(la, lb)
        assert str(le.value).split("\n")[0] == str(te.value)
        return
    tz, lz = getattr(torch, name)(ta, tb), getattr(learntorch, name)(la, lb)
    same(tz, lz, 1e-15)
    assert type(tz.grad_fn).__name__ == type(lz.grad_fn).__name__
    w = np.arange(tz.numel(), dtype=np.float64).reshape(tuple(tz.shape))
    (tz * torch.tensor(w)).sum().backward()
    (lz * learntorch.tensor(w)).sum().backward()
    same(ta.grad, la.grad, 1e-15)
    if other == "tensor":
        same(tb.grad, lb.grad, 1e-15)


@pytest.mark.parametrize("name", BINARY)
def test_binary_gradcheck(name):
    a = learntorch.tensor(np.array([0.5, -1.5, 0.3]), requires_grad=True)
    b = learntorch.tensor(np.array([1.2, 0.7, 2.0]), requires_grad=True)
    fn = getattr(learntorch, name)
    assert gradcheck(fn, (a, b))
    assert gradgradcheck(fn, (a, b))


def test_int_binary_promotes_to_float(torch):
    x = np.array([1, 2, 3])
    same(
        torch.atan2(torch.tensor(x), torch.tensor(x)),
        learntorch.atan2(learntorch.tensor(x), learntorch.tensor(x)),
    )


def test_meshgrid_broadcast_diag_match_torch(torch):
    for indexing in ("ij", "xy"):
        tg = torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), torch.tensor(7), indexing=indexing)
        lg = learntorch.meshgrid(
            learntorch.tensor([1, 2]), learntorch.tensor([3, 4, 5]), learntorch.tensor(7), indexing=indexing
        )
        for t, l in zip(tg, lg):
            same(t, l)
            assert tuple(t.stride()) == tuple(l.stride())
    with pytest.raises(RuntimeError, match="same dtype"):
        learntorch.meshgrid(learntorch.tensor([1]), learntorch.tensor([1.0]))
    with pytest.raises(ValueError, match="indexing must be one of"):
        learntorch.meshgrid(learntorch.tensor([1]), indexing="yx")
    assert learntorch.broadcast_shapes((2, 1), (3,), 1) == torch.broadcast_shapes((2, 1), (3,), 1)
    with pytest.raises(RuntimeError, match="Attempting to broadcast a dimension"):
        learntorch.broadcast_shapes((2,), (3,))
    ta, tb = torch.broadcast_tensors(torch.ones(2, 1), torch.zeros(3))
    la, lb = learntorch.broadcast_tensors(learntorch.ones(2, 1), learntorch.zeros(3))
    same(ta, la)
    same(tb, lb)
    v = np.array([1.0, -2.0, 3.0])
    for k in (-1, 0, 2):
        same(torch.diag(torch.tensor(v), k), learntorch.diag(learntorch.tensor(v), k))
    m = np.arange(12.0).reshape(3, 4)
    for k in (-1, 0, 1):
        same(torch.diag(torch.tensor(m), k), learntorch.diag(learntorch.tensor(m), k))
    with pytest.raises(RuntimeError, match="Supports 1D or 2D"):
        learntorch.diag(learntorch.zeros(2, 2, 2))
    assert gradcheck(learntorch.diag, (learntorch.tensor(v, requires_grad=True),))


def test_addcmul_addcdiv_nansum_median_index_add_match_torch(torch):
    a, b, c = (np.random.randn(2, 3) for _ in range(3))
    T, L = (lambda x: torch.tensor(x)), (lambda x: learntorch.tensor(x))
    same(torch.addcmul(T(a), T(b), T(c), value=0.5), learntorch.addcmul(L(a), L(b), L(c), value=0.5), 1e-15)
    same(torch.addcdiv(T(a), T(b), T(c), value=2), learntorch.addcdiv(L(a), L(b), L(c), value=2), 1e-15)
    tx, lx = T(a), L(a)
    tx.addcmul_(T(b), T(c), value=3)
    lx.addcmul_(L(b), L(c), value=3)
    same(tx, lx, 1e-15)
    n = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 4.0]])
    same(torch.nansum(T(n)), learntorch.nansum(L(n)))
    same(torch.nansum(T(n), 1, keepdim=True), learntorch.nansum(L(n), 1, keepdim=True))
    m = np.array([[3.0, 1.0, 2.0, 7.0], [5.0, 4.0, 6.0, 0.0]])
    same(torch.median(T(m)), learntorch.median(L(m)))
    tv, lv = torch.median(T(m), 1, keepdim=True), learntorch.median(L(m), 1, keepdim=True)
    same(tv.values, lv.values)
    same(tv.indices, lv.indices)
    idx = np.array([0, 2, 0])
    same(
        torch.index_add(torch.zeros(3, 2), 0, torch.tensor(idx), torch.ones(3, 2), alpha=2),
        learntorch.index_add(
            learntorch.zeros(3, 2), 0, learntorch.tensor(idx), learntorch.ones(3, 2), alpha=2
        ),
    )
    src = learntorch.tensor(np.random.randn(3, 2), requires_grad=True)
    assert gradcheck(
        lambda s: learntorch.zeros(3, 2, dtype=learntorch.float64).index_add(0, L(idx), s), (src,)
    )
    x = L(np.array([-1.0, 2.0]))
    assert learntorch.relu_(x) is x and x.tolist() == [0.0, 2.0]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_addcmul_is_bit_identical_with_torchs_fma_and_differentiable(torch, dtype):
    rng = np.random.RandomState(3)
    y, a, b = (rng.randn(*s).astype(dtype) for s in [(30, 20), (20,), (30, 1)])
    w = rng.randn(30, 20).astype(dtype)
    out = []
    for lib in (torch, learntorch):
        ty, ta, tb = (lib.tensor(v, requires_grad=True) for v in (y, a, b))
        z = lib.addcmul(ty, ta, tb, value=0.3)
        (z * lib.tensor(w)).sum().backward()
        x = lib.tensor(y)
        x.addcmul_(lib.tensor(a), lib.tensor(b), value=0.3)
        out.append(
            (type(z.grad_fn).__name__, z.detach().numpy(), x.numpy(), ta.grad.numpy(), tb.grad.numpy())
        )
    assert out[0][0] == out[1][0] == "AddcmulBackward0"
    np.testing.assert_array_equal(out[1][1], out[0][1])
    np.testing.assert_array_equal(out[1][2], out[0][2])
    tol = 1e-5 if dtype == "float32" else 1e-13  # gradient sums: summation order
    np.testing.assert_allclose(out[1][3], out[0][3], rtol=tol)
    np.testing.assert_allclose(out[1][4], out[0][4], rtol=tol)
    args = [learntorch.tensor(rng.randn(*s), requires_grad=True) for s in [(3, 2), (2,), (3, 1)]]
    assert gradcheck(lambda p, q, r: learntorch.addcmul(p, q, r, value=0.7), args)
    assert gradgradcheck(lambda p, q, r: learntorch.addcmul(p, q, r, value=0.7), args)


def test_addcmul_promotes_like_torch(torch):
    cases = [(np.float64(3.5), np.int64(1), np.int64(1)), (np.float32([1.5]), np.float64(2.0), np.int64(3))]
    for y, a, b in cases:
        t = torch.addcmul(torch.tensor(y), torch.tensor(a), torch.tensor(b), value=0.5)
        l = learntorch.addcmul(learntorch.tensor(y), learntorch.tensor(a), learntorch.tensor(b), value=0.5)
        same(t, l)

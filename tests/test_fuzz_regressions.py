"""Divergences the differential fuzzer (tests/fuzz) found, each pinned against torch once fixed.

Every case is one expression run with ``torch``/``F`` bound to the real torch and then to
learntorch: both must raise the same exception class with the same first message line (learntorch
adds a ``hint:`` line after it), or both must return equal values, dtypes and gradients.
"""

from __future__ import annotations

import numpy as np
import pytest

import learntorch

SETUP = """
x = torch.tensor([[1, 2], [3, 4]])
b = x > 2
f = torch.tensor([1.0, 3.0])
w = torch.tensor([1.0, 2.0], requires_grad=True)
p = torch.tensor([0.3, 0.6], requires_grad=True)
"""

RAISES = [
    # float-only kernels: torch raises NotImplementedError naming the kernel
    "F.softmax(x, 0)",
    "F.softmax(x, 1)",
    "F.log_softmax(x, 0)",
    "F.log_softmax(b, 1)",
    "F.softmax(torch.tensor(1), 0)",
    "x.softmax(-1)",
    "F.cross_entropy(x, torch.tensor([0, 1]))",
    "F.gelu(x)",
    "F.gelu(b, approximate='tanh')",
    "F.elu(x)",
    "F.selu(x)",
    "F.celu(x)",
    "F.softplus(x)",
    "F.leaky_relu(b)",
    "F.logsigmoid(x)",
    "F.silu(x)",
    "F.mish(x)",
    "F.mse_loss(x, x)",
    "F.mse_loss(b, b)",
    "F.smooth_l1_loss(x, x)",
    "F.huber_loss(x, x)",
    "F.binary_cross_entropy_with_logits(x, f.expand(2, 2))",
    "F.binary_cross_entropy_with_logits(x.float(), x)",
    # the dimension is checked before the dtype
    "F.softmax(x, 5)",
    "F.log_softmax(b, -3)",
    # bool inputs torch refuses
    "F.relu(b)",
    "torch.relu(b)",
    "F.hardtanh(b)",
    "F.relu6(b)",
    # a loss weight that requires grad would silently get no gradient: torch refuses it
    "F.binary_cross_entropy(p, f / 3, weight=w)",
    "F.binary_cross_entropy_with_logits(p, f / 3, weight=w)",
    "F.binary_cross_entropy_with_logits(p, f / 3, pos_weight=w)",
    "F.nll_loss(torch.stack([p, p]), torch.tensor([0, 1]), weight=w)",
    "F.cross_entropy(torch.stack([p, p]), torch.tensor([0, 1]), weight=w)",
    # bool powers and number operands torch refuses
    "b ** b",
    "True ** b",
    "torch.maximum(f, 3)",
    "torch.minimum(3.0, f)",
    "x % 0",
]

AGREE = [
    "F.hardtanh(x)",
    "F.relu6(x)",
    "F.relu(x)",
    "F.mse_loss(x, f.expand(2, 2))",
    "F.softmax(x, 1, dtype=torch.float64)",
    "torch.add(b, b, alpha=2)",
    "torch.add(b, ~b, alpha=0)",
    "torch.add(x, x, alpha=3)",
    "torch.sign(b)",
    "torch.sign(torch.tensor([float('nan'), -0.0, 2.0]))",
    "f % 0",
    "torch.fmod(f, 0)",
    "torch.remainder(f, torch.tensor(0))",
    "b ** True",
    "torch.pow(b, False)",
    "b ** 2",
    "2 ** b",
]


def _run(lib, expr):
    ns = {"torch": lib, "F": lib.nn.functional}
    exec(SETUP, ns)
    try:
        return eval(expr, ns), None
    except Exception as e:
        return None, e


@pytest.mark.parametrize("expr", RAISES)
def test_raises_like_torch(torch, expr):
    _, te = _run(torch, expr)
    _, le = _run(learntorch, expr)
    assert te is not None, "torch accepts it: the case is stale"
    assert le is not None, f"learntorch accepts what torch rejects ({type(te).__name__}: {te})"
    assert type(le).__name__ == type(te).__name__ or isinstance(le, type(te).__mro__[1])
    assert str(le).split("\n")[0] == str(te).split("\n")[0]
    assert "hint:" in str(le)


@pytest.mark.parametrize("expr", AGREE)
def test_agrees_with_torch(torch, expr):
    tv, te = _run(torch, expr)
    lv, le = _run(learntorch, expr)
    assert te is None and le is None, (te, le)
    assert str(tv.dtype) == str(lv.dtype)
    if tv.dtype.is_floating_point:
        np.testing.assert_allclose(lv.numpy(), tv.numpy(), rtol=1e-15, atol=0)  # exp: last bit may differ
    else:
        np.testing.assert_array_equal(lv.numpy(), tv.numpy())


def test_loss_weights_without_grad_still_work_under_no_grad(torch):
    for lib in (torch, learntorch):
        F = lib.nn.functional
        w = lib.tensor([1.0, 2.0], requires_grad=True)
        with lib.no_grad():
            out = F.binary_cross_entropy(lib.tensor([0.3, 0.6]), lib.tensor([0.0, 1.0]), weight=w)
        assert abs(float(out) - 0.6892) < 1e-4  # -(log 0.7 + 2 log 0.6) / 2


@pytest.mark.parametrize("p", [1, 2, 3])
def test_normalize_zero_row_has_torch_gradient(torch, p):
    a = np.array([[0.0, 0.0], [3.0, -4.0]])
    grads = []
    for lib in (torch, learntorch):
        x = lib.tensor(a, requires_grad=True)
        y = lib.nn.functional.normalize(x, p=p, dim=1)
        (y * lib.tensor(np.array([[1.0, 2.0], [0.5, -1.0]]))).sum().backward()
        grads.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(grads[1][0], grads[0][0], rtol=1e-15)
    np.testing.assert_allclose(grads[1][1], grads[0][1], rtol=1e-14)
    x = learntorch.tensor(np.array([[0.3, -0.2], [3.0, -4.0]]), requires_grad=True)
    assert learntorch.autograd.gradcheck(lambda t: learntorch.nn.functional.normalize(t, p=p, dim=1), (x,))


def test_nansum_node_values_and_gradients_match_torch(torch):
    a = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, 3.0]])
    out = []
    for lib in (torch, learntorch):
        x = lib.tensor(a, requires_grad=True)
        y = lib.nansum(x, 1)
        (y * lib.tensor(np.array([1.0, 2.0]))).sum().backward()
        out.append((type(y.grad_fn).__name__, y.detach().numpy(), x.grad.numpy(), lib.nansum(x).item()))
    assert out[0][0] == out[1][0] == "NansumBackward0"
    np.testing.assert_array_equal(out[1][1], out[0][1])
    np.testing.assert_array_equal(out[1][2], out[0][2])
    assert out[0][3] == out[1][3]
    x = learntorch.tensor(np.array([[0.5, 1.5], [2.0, -1.0]]), requires_grad=True)
    assert learntorch.autograd.gradcheck(lambda t: learntorch.nansum(t, (0, 1), keepdim=True), (x,))
    assert learntorch.autograd.gradgradcheck(lambda t: learntorch.nansum(t, 0) ** 2, (x,))


def test_printing_extreme_magnitudes_is_silent_and_matches_torch(torch):
    import warnings

    for a in (np.array([1e308, 1e-300]), np.array([1e307, 1e306]), np.array([3e38, 1e-45], dtype=np.float32)):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert repr(learntorch.tensor(a)) == repr(torch.tensor(a))


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4), (2, 3, 4, 5), (2, 3, 2, 2, 2)])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_cross_entropy_all_ignored_and_k_dim_nodes_match_torch(torch, shape, reduction):
    """An all-padding batch: torch's loss is nan (0/0) but the gradient is zeros, not nan."""
    rng = np.random.RandomState(1)
    a = rng.randn(*shape)
    tshape = (shape[0], *shape[2:])
    for target in (np.zeros(tshape, dtype=np.int64), rng.randint(0, 3, size=tshape)):
        res = []
        for lib in (torch, learntorch):
            x = lib.tensor(a, requires_grad=True)
            y = lib.nn.functional.cross_entropy(x, lib.tensor(target), ignore_index=0, reduction=reduction)
            y.sum().backward()
            res.append((type(y.grad_fn).__name__, y.detach().numpy(), x.grad.numpy()))
        assert res[0][0] == res[1][0]
        np.testing.assert_allclose(res[1][1], res[0][1], rtol=1e-14, equal_nan=True)
        np.testing.assert_allclose(res[1][2], res[0][2], rtol=1e-14)
    x = learntorch.tensor(a, requires_grad=True)
    t = learntorch.tensor(target)
    fn = lambda v: learntorch.nn.functional.cross_entropy(v, t, ignore_index=0, reduction=reduction)
    assert learntorch.autograd.gradcheck(fn, (x,))


def test_float32_tanh_saturates_like_torch_and_gelu_tanh_tail_is_zero(torch):
    u = np.linspace(-12, 12, 4001).astype(np.float32)
    a = torch.tanh(torch.tensor(u)).numpy()
    b = learntorch.tanh(learntorch.tensor(u)).numpy()
    assert np.abs(a - b).max() <= 6e-8  # at most one float32 ulp near 1
    assert np.mean(a == b) > 0.95  # NumPy's own float32 tanh: about 68%
    np.testing.assert_array_equal(b[np.abs(u) > 8.7], np.sign(u[np.abs(u) > 8.7]))
    x = np.array([-10.0, -7.0, -5.5, -5.2], dtype=np.float32)
    grads = []
    for lib in (torch, learntorch):
        t = lib.tensor(x, requires_grad=True)
        lib.nn.functional.gelu(t, approximate="tanh").sum().backward()
        grads.append(t.grad.numpy())
    np.testing.assert_array_equal(grads[1], grads[0])
    assert not grads[1].any()


@pytest.mark.parametrize("fn", ["cumsum", "cumprod"])
@pytest.mark.parametrize("value", [2.5, 0.0, True, 3])
def test_running_ops_on_0d_input_match_torch(torch, fn, value):
    res = []
    for lib in (torch, learntorch):
        grad = isinstance(value, float)
        x = lib.tensor(value, dtype=lib.float64 if grad else None, requires_grad=grad)
        y = getattr(x, fn)(0)
        if grad:
            (y * 3).backward()
        node = type(y.grad_fn).__name__ if y.grad_fn is not None else None
        res.append((str(y.dtype), y.item(), node, tuple(y.shape), x.grad.item() if grad else None))
    assert res[0] == res[1]
    x = learntorch.tensor(1.5, dtype=learntorch.float64, requires_grad=True)
    assert learntorch.autograd.gradcheck(lambda t: getattr(t, fn)(0), (x,))


def test_spread_of_constant_rows_is_exactly_zero_like_torch(torch):
    a = np.full((4, 3, 1), 3e38)
    a[0, 2, 0] = 1.0
    for fn, kw in (("std", dict(dim=-2, correction=0, keepdim=True)), ("var", dict(dim=1)), ("std", {})):
        t = getattr(torch.tensor(a), fn)(**kw).numpy()
        l = getattr(learntorch.tensor(a), fn)(**kw).numpy()
        np.testing.assert_allclose(l, t, rtol=1e-15)
    x = learntorch.tensor(np.array([[0.5, 1.5, -0.3], [2.0, 2.0, 2.0]]), requires_grad=True)
    assert learntorch.autograd.gradcheck(lambda v: v.std(1), (x[:1].detach().requires_grad_(),))
    assert learntorch.std(x, 1)[1].item() == 0.0


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_signed_zeros_of_k1_products_match_torch(torch, dtype):
    """torch's gemm keeps -0.0 in a K = 1 outer product; dot/gemv sums start from +0."""
    rng = np.random.RandomState(0)
    cases = [("mm", (3, 1), (1, 2)), ("mm", (1, 1), (1, 2)), ("mm", (2, 1), (1, 1)), ("dot", (1,), (1,))]
    cases += [("matmul", (1,), (1, 2)), ("mv", (3, 1), (1,))]
    for fn, sa, sb in cases:
        a, b = rng.randn(*sa).astype(dtype), rng.randn(*sb).astype(dtype)
        a.flat[0], b.flat[0] = -0.0, 0.5
        t = getattr(torch, fn)(torch.tensor(a), torch.tensor(b)).numpy()
        l = getattr(learntorch, fn)(learntorch.tensor(a), learntorch.tensor(b)).numpy()
        np.testing.assert_array_equal(np.signbit(l), np.signbit(t), err_msg=f"{fn}{sa}{sb}")
        np.testing.assert_allclose(l, t, rtol=1e-6)

"""Linear layers, activations and misc functional ops: values, gradients, grad_fn names, reprs vs torch."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn as nn
import learntorch.nn.functional as F
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)
X = (RNG.standard_normal((4, 5)) * 2).astype(np.float32)
X[0, 0] = 0.0  # the kink of ReLU-like functions, where the subgradient convention matters


def both(torch, fn_name, *args, x=X, **kwargs):
    """Run F.<fn_name> in both libraries on x; compare output, grad, and grad_fn name."""
    xl = lt.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    yl = getattr(F, fn_name)(xl, *args, **kwargs)
    yt = getattr(torch.nn.functional, fn_name)(xt, *args, **kwargs)
    np.testing.assert_allclose(yl.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert type(yl.grad_fn).__name__ == type(yt.grad_fn).__name__
    w = RNG.standard_normal(yt.shape).astype(np.float32)
    (yl * lt.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(xl.grad.numpy(), xt.grad.numpy(), rtol=1e-4, atol=1e-5)


ACTIVATIONS = [
    ("relu", (), {}),
    ("relu6", (), {}),
    ("leaky_relu", (), {}),
    ("leaky_relu", (0.2,), {}),
    ("elu", (), {}),
    ("elu", (0.5,), {}),
    ("selu", (), {}),
    ("celu", (), {"alpha": 2.0}),
    ("gelu", (), {}),
    ("gelu", (), {"approximate": "tanh"}),
    ("silu", (), {}),
    ("mish", (), {}),
    ("sigmoid", (), {}),
    ("tanh", (), {}),
    ("softplus", (), {}),
    ("softplus", (), {"beta": 2.0, "threshold": 3.0}),
    ("softmax", (), {"dim": 1}),
    ("softmax", (), {"dim": 0}),
    ("log_softmax", (), {"dim": 1}),
    ("log_softmax", (), {"dim": -2}),
    ("softmin", (), {"dim": 1}),
    ("hardtanh", (), {}),
    ("hardtanh", (-0.5, 2.0), {}),
    ("logsigmoid", (), {}),
    ("normalize", (), {}),
    ("normalize", (), {"p": 1, "dim": 0}),
]


@pytest.mark.parametrize("name,args,kwargs", ACTIVATIONS)
def test_activation_vs_torch(torch, name, args, kwargs):
    both(torch, name, *args, **kwargs)


@pytest.mark.parametrize(
    "pad,mode",
    [((1, 2), "constant"), ((1, 1, 2, 0), "constant"), ((-1, 2), "constant"), ((2, 1), "reflect"),
     ((2, 1, 1, 1), "reflect"), ((2, 3), "replicate"), ((1, 1, 2, 2), "replicate"), ((2, 1), "circular"),
     ((1, 2, 1, 0), "circular")],
)  # fmt: skip
def test_pad_vs_torch(torch, pad, mode):
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    if mode != "constant" and len(pad) == 2:
        x = x[0]
    both(torch, "pad", pad, mode=mode, x=x)


def test_pad_value_and_errors(torch):
    both(torch, "pad", (1, 1), value=3.5)
    for lib, f in ((lt, F), (torch, torch.nn.functional)):
        with pytest.raises(RuntimeError, match="Padding length must be divisible by 2"):
            f.pad(lib.ones(2, 3), (1,))
        with pytest.raises(NotImplementedError, match="Unrecognised padding mode foo"):
            f.pad(lib.ones(2, 3), (1, 1), mode="foo")
        with pytest.raises(
            RuntimeError, match="Padding size should be less than the corresponding input dimension"
        ):
            f.pad(lib.ones(1, 2, 3), (3, 3), mode="reflect")


def test_prelu_vs_torch(torch):
    for n in (1, 5):
        x = RNG.standard_normal((3, 5, 2)).astype(np.float32)
        w = (RNG.random(n) * 0.5).astype(np.float32)
        xl, wl = lt.tensor(x, requires_grad=True), lt.tensor(w, requires_grad=True)
        xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
        yl, yt = F.prelu(xl, wl), torch.nn.functional.prelu(xt, wt)
        np.testing.assert_allclose(yl.detach().numpy(), yt.detach().numpy(), rtol=1e-6)
        assert type(yl.grad_fn).__name__ == type(yt.grad_fn).__name__ == "PreluKernelBackward0"
        yl.sum().backward()
        yt.sum().backward()
        np.testing.assert_allclose(xl.grad.numpy(), xt.grad.numpy(), rtol=1e-5)
        np.testing.assert_allclose(wl.grad.numpy(), wt.grad.numpy(), rtol=1e-5)


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: F.gelu(x),
        lambda x: F.gelu(x, approximate="tanh"),
        lambda x: F.softmax(x, 1),
        lambda x: F.log_softmax(x, 0),
        lambda x: F.elu(x, 0.7),
        lambda x: F.selu(x),
        lambda x: F.silu(x),
        lambda x: F.mish(x),
        lambda x: F.softplus(x, 2.0, 1.0),
        lambda x: F.leaky_relu(x, 0.3),
        lambda x: F.hardtanh(x, -0.3, 0.4),
        lambda x: F.pad(x, (2, 1), mode="reflect"),
        lambda x: F.pad(x, (1, 2), mode="circular"),
        lambda x: F.pad(x.unsqueeze(0), (1, 1, 1, 0), mode="replicate"),
        lambda x: F.pad(x, (1, -1)),
        lambda x: F.normalize(x),
    ],
)
def test_gradcheck_float64(fn):
    x = lt.tensor(RNG.standard_normal((3, 4)) + 0.05, dtype=lt.float64, requires_grad=True)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_linear_vs_torch(torch):
    for bias, shape in ((True, (4, 5)), (False, (4, 5)), (True, (2, 3, 5)), (True, (5,))):
        tl = torch.nn.Linear(5, 3, bias=bias)
        ll = nn.Linear(5, 3, bias=bias)
        ll.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in tl.state_dict().items()})
        x = RNG.standard_normal(shape).astype(np.float32)
        xl, xt = lt.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        yl, yt = ll(xl), tl(xt)
        np.testing.assert_allclose(yl.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
        if len(shape) == 2:
            assert type(yl.grad_fn).__name__ == type(yt.grad_fn).__name__
        yl.sum().backward()
        yt.sum().backward()
        np.testing.assert_allclose(xl.grad.numpy(), xt.grad.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ll.weight.grad.numpy(), tl.weight.grad.numpy(), rtol=1e-5, atol=1e-5)
        assert repr(ll) == repr(tl)


def test_linear_grad_fn_is_addmm():
    y = nn.Linear(3, 2)(lt.ones(4, 3))
    assert type(y.grad_fn).__name__ == "AddmmBackward0"


def test_bilinear_vs_torch(torch):
    tb = torch.nn.Bilinear(3, 4, 2)
    lb = nn.Bilinear(3, 4, 2)
    lb.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in tb.state_dict().items()})
    a, b = RNG.standard_normal((5, 3)).astype(np.float32), RNG.standard_normal((5, 4)).astype(np.float32)
    al, bl = lt.tensor(a, requires_grad=True), lt.tensor(b, requires_grad=True)
    at, bt = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    yl, yt = lb(al, bl), tb(at, bt)
    np.testing.assert_allclose(yl.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    yl.sum().backward()
    yt.sum().backward()
    for u, v in ((al, at), (bl, bt), (lb.weight, tb.weight), (lb.bias, tb.bias)):
        np.testing.assert_allclose(u.grad.numpy(), v.grad.numpy(), rtol=1e-5, atol=1e-5)
    assert repr(lb) == repr(tb)
    w = lt.tensor(RNG.standard_normal((2, 3, 4)), dtype=lt.float64, requires_grad=True)
    a64 = lt.tensor(a, dtype=lt.float64, requires_grad=True)
    b64 = lt.tensor(b, dtype=lt.float64, requires_grad=True)
    assert gradcheck(F.bilinear, (a64, b64, w))


def test_layer_reprs_match_torch(torch):
    def layers(nnm):
        return [
            nnm.Flatten(), nnm.Flatten(0, 2), nnm.Unflatten(1, (2, 5)), nnm.Identity(3, x=1), nnm.Linear(3, 4, bias=False),
            nnm.ReLU(), nnm.ReLU(True), nnm.ReLU6(), nnm.ReLU6(True), nnm.LeakyReLU(), nnm.LeakyReLU(0.2, True),
            nnm.ELU(), nnm.ELU(0.5, True), nnm.CELU(), nnm.SELU(), nnm.PReLU(), nnm.PReLU(3), nnm.GELU(),
            nnm.GELU("tanh"), nnm.SiLU(), nnm.Mish(), nnm.Sigmoid(), nnm.Tanh(), nnm.Softplus(), nnm.Softplus(2, 10),
            nnm.Softmax(), nnm.Softmax(dim=1), nnm.LogSoftmax(1), nnm.Softmin(0), nnm.Hardtanh(),
            nnm.Hardtanh(-2.0, 2.0, True), nnm.LogSigmoid(),
        ]  # fmt: skip

    for a, b in zip(layers(nn), layers(torch.nn)):
        assert repr(a) == repr(b)


def test_activation_modules_vs_torch(torch):
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    pairs = [
        (nn.ReLU(), torch.nn.ReLU()),
        (nn.LeakyReLU(0.1), torch.nn.LeakyReLU(0.1)),
        (nn.GELU(), torch.nn.GELU()),
        (nn.Softmax(dim=-1), torch.nn.Softmax(dim=-1)),
        (nn.PReLU(3), torch.nn.PReLU(3)),
        (nn.Flatten(), torch.nn.Flatten()),
        (nn.Unflatten(2, (2, 2)), torch.nn.Unflatten(2, (2, 2))),
    ]
    for a, b in pairs:
        np.testing.assert_allclose(
            a(lt.tensor(x)).detach().numpy(), b(torch.tensor(x)).detach().numpy(), rtol=1e-5
        )


def test_relu_inplace_semantics(torch):
    for lib, nnm in ((lt, nn), (torch, torch.nn)):
        x = lib.tensor([-1.0, 2.0])
        y = nnm.ReLU(inplace=True)(x)
        assert y.data_ptr() == x.data_ptr() and x.tolist() == [0.0, 2.0]
        a = lib.tensor([-1.0, 2.0], requires_grad=True)
        b = a * 1
        c = nnm.ReLU(inplace=True)(b)
        assert c is b
        c.sum().backward()
        assert a.grad.tolist() == [0.0, 1.0]


def test_one_hot_vs_torch(torch):
    t = np.array([[0, 2], [1, 3]])
    np.testing.assert_array_equal(
        F.one_hot(lt.tensor(t)).numpy(), torch.nn.functional.one_hot(torch.tensor(t)).numpy()
    )
    assert F.one_hot(lt.tensor([1]), 4).dtype == lt.int64
    for lib, f in ((lt, F), (torch, torch.nn.functional)):
        with pytest.raises(RuntimeError, match=re.escape("one_hot is only applicable to index tensor")):
            f.one_hot(lib.tensor([1.0]))
        with pytest.raises(RuntimeError, match="Class values must be smaller than num_classes."):
            f.one_hot(lib.tensor([1, 5]), 3)
        with pytest.raises(RuntimeError, match="Class values must be non-negative."):
            f.one_hot(lib.tensor([-1, 1]), 3)


def test_float32_stays_float32():
    x = lt.ones(2, 3)
    for fn in (F.gelu, F.silu, F.elu, F.selu, F.softplus, lambda t: F.softmax(t, 1), F.mish, F.leaky_relu):
        assert fn(x).dtype == lt.float32

"""Losses: values, input/target gradients, grad_fn names and errors vs torch; gradcheck in float64."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn as nn  # also binds Tensor.softmax / log_softmax
import learntorch.nn.functional as F
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck

RNG = np.random.default_rng(0)


def compare(torch, name, inputs, kwargs, grad_idx=(0,), module=None):
    """Call F.<name> (or the module class) in both libraries; compare value, grad_fn and grads."""
    lts = [lt.tensor(a, requires_grad=i in grad_idx) for i, a in enumerate(inputs)]
    ts = [torch.tensor(a, requires_grad=i in grad_idx) for i, a in enumerate(inputs)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if module is not None:
            kw_l = {k: lt.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()}
            yl = getattr(nn, module)(**kw_l)(*lts)
            yt = getattr(torch.nn, module)(**kwargs)(*ts)
        else:
            kw_l = {k: lt.tensor(v.numpy()) if isinstance(v, torch.Tensor) else v for k, v in kwargs.items()}
            yl = getattr(F, name)(*lts, **kw_l)
            yt = getattr(torch.nn.functional, name)(*ts, **kwargs)
    np.testing.assert_allclose(yl.detach().numpy(), yt.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert yl.dtype == lt.float32
    assert type(yl.grad_fn).__name__ == type(yt.grad_fn).__name__
    w = RNG.standard_normal(yt.shape).astype(np.float32)
    (yl * lt.tensor(w)).sum().backward()
    (yt * torch.tensor(w)).sum().backward()
    for i in grad_idx:
        np.testing.assert_allclose(lts[i].grad.numpy(), ts[i].grad.numpy(), rtol=1e-4, atol=1e-6)


X = RNG.standard_normal((6, 4)).astype(np.float32)
Y = RNG.standard_normal((6, 4)).astype(np.float32)
P = RNG.uniform(0.02, 0.98, (6, 4)).astype(np.float32)
T01 = (RNG.random((6, 4)) > 0.5).astype(np.float32)
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "name,kw",
    [("l1_loss", {}), ("mse_loss", {}), ("smooth_l1_loss", {}), ("smooth_l1_loss", {"beta": 0.5}),
     ("smooth_l1_loss", {"beta": 0.0}), ("huber_loss", {}), ("huber_loss", {"delta": 0.3})],
)  # fmt: skip
def test_regression_losses(torch, name, kw, reduction):
    compare(torch, name, [X, Y], {"reduction": reduction, **kw}, grad_idx=(0, 1))


def test_regression_broadcast_warns(torch):
    with pytest.warns(
        UserWarning, match=re.escape("Using a target size (torch.Size([4])) that is different")
    ):
        F.mse_loss(lt.tensor(X), lt.tensor(Y[0]))
    compare(torch, "mse_loss", [X, Y[0]], {}, grad_idx=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce(torch, reduction):
    compare(torch, "binary_cross_entropy", [P, T01], {"reduction": reduction})
    compare(torch, "binary_cross_entropy", [P, P[::-1].copy()], {"reduction": reduction}, grad_idx=(0, 1))
    w = torch.tensor(RNG.random(4).astype(np.float32))
    compare(torch, "binary_cross_entropy", [P, T01], {"reduction": reduction, "weight": w})


def test_bce_clamps_log_at_minus_100(torch):
    x = np.array([0.0, 1.0, 0.5], dtype=np.float32)
    y = np.array([1.0, 0.0, 1.0], dtype=np.float32)
    a = F.binary_cross_entropy(lt.tensor(x), lt.tensor(y), reduction="none")
    b = torch.nn.functional.binary_cross_entropy(torch.tensor(x), torch.tensor(y), reduction="none")
    np.testing.assert_allclose(a.numpy(), b.numpy())
    assert a[0].item() == 100.0


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits(torch, reduction):
    x = X * 5
    compare(torch, "binary_cross_entropy_with_logits", [x, T01], {"reduction": reduction})
    compare(torch, "binary_cross_entropy_with_logits", [x, P], {"reduction": reduction}, grad_idx=(0, 1))
    pw = torch.tensor(RNG.uniform(0.5, 3, 4).astype(np.float32))
    compare(
        torch, "binary_cross_entropy_with_logits", [x, P], {"reduction": reduction, "pos_weight": pw}, (0, 1)
    )
    compare(torch, "", [x, T01], {"reduction": reduction, "pos_weight": pw}, module="BCEWithLogitsLoss")


LOGITS = RNG.standard_normal((5, 4)).astype(np.float32)
LABELS = np.array([0, 3, 1, 2, 3])
WEIGHT = RNG.uniform(0.2, 2.0, 4).astype(np.float32)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ignore", [-100, 3])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_cross_entropy_class_indices(torch, reduction, weighted, ignore, smoothing):
    kw = {"reduction": reduction, "ignore_index": ignore, "label_smoothing": smoothing}
    if weighted:
        kw["weight"] = torch.tensor(WEIGHT)
    compare(torch, "cross_entropy", [LOGITS, LABELS], kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_k_dim_and_probabilities(torch, reduction):
    x = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    t = RNG.integers(0, 3, (2, 4, 5))
    compare(torch, "cross_entropy", [x, t], {"reduction": reduction, "weight": torch.tensor(WEIGHT[:3])})
    probs = RNG.dirichlet(np.ones(4), 5).astype(np.float32)
    compare(torch, "cross_entropy", [LOGITS, probs], {"reduction": reduction}, grad_idx=(0, 1))
    compare(torch, "cross_entropy", [LOGITS, probs], {"reduction": reduction, "label_smoothing": 0.1})
    compare(torch, "cross_entropy", [LOGITS, probs], {"reduction": reduction, "weight": torch.tensor(WEIGHT)})
    compare(torch, "cross_entropy", [LOGITS[0], np.array(2)], {"reduction": reduction})


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_nll_and_modules(torch, reduction):
    logp = np.log(RNG.dirichlet(np.ones(4), 5)).astype(np.float32)
    compare(torch, "nll_loss", [logp, LABELS], {"reduction": reduction, "weight": torch.tensor(WEIGHT)})
    compare(torch, "", [logp, LABELS], {"reduction": reduction, "ignore_index": 0}, module="NLLLoss")
    compare(
        torch,
        "",
        [LOGITS, LABELS],
        {"reduction": reduction, "label_smoothing": 0.1},
        module="CrossEntropyLoss",
    )
    compare(torch, "", [X, Y], {"reduction": reduction}, grad_idx=(0, 1), module="L1Loss")
    compare(torch, "", [X, Y], {"reduction": reduction}, grad_idx=(0, 1), module="MSELoss")
    compare(torch, "", [X, Y], {"reduction": reduction, "beta": 0.5}, grad_idx=(0, 1), module="SmoothL1Loss")
    compare(torch, "", [X, Y], {"reduction": reduction, "delta": 0.5}, grad_idx=(0, 1), module="HuberLoss")
    compare(torch, "", [P, T01], {"reduction": reduction}, module="BCELoss")


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(torch, reduction, log_target):
    logq = np.log(RNG.dirichlet(np.ones(4), 5)).astype(np.float32)
    p = RNG.dirichlet(np.ones(4), 5).astype(np.float32)
    p[0, 0] = 0.0
    target = np.log(p + 1e-3).astype(np.float32) if log_target else p
    compare(
        torch, "kl_div", [logq, target], {"reduction": reduction, "log_target": log_target}, grad_idx=(0,)
    )
    compare(torch, "", [logq, target], {"reduction": reduction, "log_target": log_target}, module="KLDivLoss")


def test_loss_errors_match_torch(torch):
    cases = [
        (lambda lib, f: f.cross_entropy(lib.zeros(3, 4), lib.tensor([0, 1, 5])), IndexError),
        (lambda lib, f: f.cross_entropy(lib.zeros(3, 4), lib.tensor([0, 1, -3])), IndexError),
        (lambda lib, f: f.nll_loss(lib.zeros(3, 4), lib.tensor([0, 1])), ValueError),
        (lambda lib, f: f.nll_loss(lib.zeros(3, 4), lib.tensor([0.0, 1, 2])), RuntimeError),
        (lambda lib, f: f.cross_entropy(lib.zeros(3, 4), lib.zeros(3, 5)), RuntimeError),
        (lambda lib, f: f.binary_cross_entropy(lib.ones(3) * 0.5, lib.ones(3, 1)), ValueError),
        (lambda lib, f: f.binary_cross_entropy(lib.tensor([1.5]), lib.ones(1)), RuntimeError),
        (lambda lib, f: f.binary_cross_entropy_with_logits(lib.ones(3, 4), lib.ones(3)), ValueError),
        (lambda lib, f: f.l1_loss(lib.ones(2), lib.ones(2), reduction="foo"), ValueError),
    ]
    for fn, exc in cases:
        with pytest.raises(exc) as t_err:
            fn(torch, torch.nn.functional)
        first = str(t_err.value).split("\n")[0]
        with pytest.raises(exc, match=re.escape(first)) as l_err:
            fn(lt, F)
        lines = str(l_err.value).split("\n")
        assert lines[0] == first
        assert all(line.startswith("hint: ") for line in lines[1:])


def test_crossentropy_module_hint_names_layer():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.loss = nn.CrossEntropyLoss()

        def forward(self, x, y):
            return self.loss(self.fc(x), y)

    with pytest.raises(IndexError) as ei:
        Net()(lt.ones(2, 4), lt.tensor([0, 7]))
    msg = str(ei.value)
    assert msg.startswith("Target 7 is out of bounds.")
    assert (
        msg.split("\n")[-1]
        == "hint: layer 'loss' = CrossEntropyLoss() got scores for 3 classes; every target must be in 0..2"
    )


@pytest.mark.parametrize(
    "fn",
    [
        lambda x, y: F.mse_loss(x, y),
        lambda x, y: F.smooth_l1_loss(x, y, beta=0.7, reduction="sum"),
        lambda x, y: F.huber_loss(x, y, delta=0.6),
        lambda x, y: F.cross_entropy(x, y.softmax(1), label_smoothing=0.1),
        lambda x, y: F.binary_cross_entropy(x.sigmoid(), y.sigmoid()),
        lambda x, y: F.binary_cross_entropy_with_logits(
            x, y.sigmoid(), pos_weight=lt.full((4,), 2.0, dtype=lt.float64)
        ),
        lambda x, y: F.kl_div(x.log_softmax(1), y.softmax(1), reduction="batchmean"),
    ],
)
def test_gradcheck_losses(fn):
    x = lt.tensor(RNG.standard_normal((3, 4)), dtype=lt.float64, requires_grad=True)
    y = lt.tensor(RNG.standard_normal((3, 4)), dtype=lt.float64, requires_grad=True)
    assert gradcheck(fn, (x, y))
    assert gradgradcheck(fn, (x, y))


@pytest.mark.parametrize("kw", [{}, {"ignore_index": 1, "reduction": "sum"}, {"label_smoothing": 0.3}])
def test_gradcheck_cross_entropy_indices(kw):
    x = lt.tensor(RNG.standard_normal((4, 3)), dtype=lt.float64, requires_grad=True)
    t = lt.tensor([0, 1, 2, 1])
    w = lt.tensor([0.5, 1.0, 2.0], dtype=lt.float64)
    assert gradcheck(lambda a: F.cross_entropy(a, t, weight=w, **kw), (x,))
    assert gradgradcheck(lambda a: F.cross_entropy(a, t, weight=w, **kw), (x,))


def test_notes_loss_examples(torch):
    for lib, nnm in ((lt, nn), (torch, torch.nn)):
        pred, target = lib.tensor([2.5, 3.0, 4.5]), lib.tensor([3.0, 3.0, 5.0])
        vals = [nnm.MSELoss()(pred, target).item(), nnm.L1Loss()(pred, target).item()]
        vals.append(nnm.CrossEntropyLoss()(lib.tensor([[1.2, 0.3, -0.5]]), lib.tensor([0])).item())
        vals.append(nnm.BCELoss()(lib.tensor([0.7, 0.2, 0.9]), lib.tensor([1.0, 0.0, 1.0])).item())
        if lib is lt:
            mine = vals
        else:
            np.testing.assert_allclose(mine, vals, rtol=1e-6)

"""Regressions found by running the code of notes 002-004 with learntorch and with PyTorch side by side."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import learntorch
from learntorch import nn


# ---------------------------------------------------------------- factories take size= (note 002, parameters)
@pytest.mark.parametrize("name", ["rand", "randn", "zeros", "ones", "empty"])
def test_factory_size_keyword(torch, name):
    torch.manual_seed(0)
    learntorch.manual_seed(0)
    ref = getattr(torch, name)(size=(2, 4))
    got = getattr(learntorch, name)(size=(2, 4))
    assert tuple(got.shape) == tuple(ref.shape) == (2, 4)
    if name not in ("empty",):
        assert got.numpy().tolist() == ref.numpy().tolist()


def test_factory_size_keyword_errors(torch):
    for bad in (lambda m: m.zeros(size=2), lambda m: m.zeros(2, size=(2,)), lambda m: m.ones(1, size=[1])):
        with pytest.raises(TypeError) as ref:
            bad(torch)
        with pytest.raises(TypeError, match=re.escape(str(ref.value).splitlines()[0])):
            bad(learntorch)


def test_rand_size_keyword_matches_note_block(torch):
    torch.manual_seed(0)
    learntorch.manual_seed(0)
    a = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    b = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1))
    xa, xb = torch.rand(size=(2, 4)), learntorch.rand(size=(2, 4))
    assert repr(b(xb)) == repr(a(xa))
    assert repr(b[2].state_dict()) == repr(a[2].state_dict())


# ---------------------------------------------------------------- transpose_ and batch_first RNN/GRU (note 002, RNN)
def test_transpose_inplace(torch):
    for m in (torch, learntorch):
        x = m.arange(6.0).reshape(2, 3).requires_grad_()
        y = x * 2
        out = y.transpose_(0, 1)
        assert out is y
        y.sum().backward()
        assert type(y.grad_fn).__name__ == "TransposeBackward1"
        assert (tuple(y.shape), y.stride(), y._version, y.is_contiguous()) == ((3, 2), (1, 3), 1, False)
        assert x.grad.tolist() == [[2.0] * 3] * 2
    ref = torch.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        ref.transpose_(0, 1)
    leaf = learntorch.randn(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=re.escape(str(e.value).splitlines()[0])):
        leaf.transpose_(0, 1)
    with learntorch.no_grad():
        leaf.transpose_(0, 1)
    assert tuple(leaf.shape) == (3, 2) and leaf.is_leaf
    ex = learntorch.zeros(1, 3).expand(2, 3)  # metadata only: no overlap refusal, as in torch
    assert ex.transpose_(0, 1).stride() == torch.zeros(1, 3).expand(2, 3).transpose_(0, 1).stride()


@pytest.mark.parametrize("cls", ["RNN", "GRU", "LSTM"])
def test_batch_first_output_history(torch, cls):
    def describe(m):
        m.manual_seed(0)
        rnn = getattr(m.nn, cls)(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
        out, _ = rnn(m.randn(2, 3, 10))
        return (
            type(out.grad_fn).__name__,
            out._version,
            out._base is None,
            tuple(out.shape),
            repr(out[0, 0, :4]),
        )

    got, ref = describe(learntorch), describe(torch)
    if (
        cls == "LSTM"
    ):  # torch's CPU LSTM runs through oneDNN (MkldnnRnnLayerBackward0); only the top node agrees
        assert got[:4] == ref[:4]
    else:
        assert got == ref


# ---------------------------------------------------------------- DataLoader worker warning (note 002, DataLoader)
def test_dataloader_worker_warning_also_on_iter(monkeypatch):
    """torch warns in DataLoader.__init__ and again when it makes a worker iterator (two warnings)."""
    import learntorch.utils.data.dataloader as dl

    monkeypatch.setattr(dl, "_MultiProcessIter", lambda loader: "workers started")
    ds = learntorch.utils.data.TensorDataset(learntorch.arange(4.0))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        loader = learntorch.utils.data.DataLoader(ds, batch_size=2, num_workers=4096)
        assert len(w) == 1
        assert loader.__iter__() == "workers started"
        assert len(w) == 2
    assert all("This DataLoader will create 4096 worker processes in total." in str(x.message) for x in w)


# ---------------------------------------------------------------- optimizers bit for bit (note 002, six optimizers)
@pytest.mark.parametrize(
    "name, kw",
    [
        ("SGD", dict(lr=0.01)),
        ("SGD", dict(lr=0.01, momentum=0.9)),
        ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1)),
        ("SGD", dict(lr=0.05, momentum=0.5, dampening=0.3, maximize=True)),
        ("Adam", dict(lr=0.001)),
        ("Adam", dict(lr=0.01, weight_decay=0.1, betas=(0.8, 0.99))),
        ("AdamW", dict(lr=0.001)),
    ],
)
def test_optimizer_steps_bit_identical(torch, name, kw):
    """torch's single-tensor loops round each ``add(alpha=)``/``lerp``/``addcmul`` once (fused multiply-add)."""
    rng = np.random.default_rng(0)
    start = rng.standard_normal((5, 7)).astype(np.float32)
    grads = [rng.standard_normal((5, 7)).astype(np.float32) for _ in range(6)]
    out = []
    for m in (torch, learntorch):
        p = m.nn.Parameter(m.from_numpy(start.copy()))
        opt = getattr(m.optim, name)([p], **kw)
        for g in grads:
            p.grad = m.from_numpy(g.copy())
            opt.step()
        out.append(p.detach().numpy().copy())
    np.testing.assert_array_equal(out[1], out[0])


def test_training_loop_losses_identical_with_sgd(torch):
    """The note's training loop shape: a few SGD steps on an elementwise model print torch's exact losses."""

    def run(m):
        m.manual_seed(0)
        w = m.nn.Parameter(m.randn(16, 3))
        x, y = m.randn(16, 3), m.randn(16, 3)
        opt = m.optim.SGD([w], lr=0.1, momentum=0.9)
        losses = []
        for _ in range(5):
            loss = m.nn.MSELoss(reduction="none")(w * x, y)
            opt.zero_grad()
            loss.sum().backward()
            opt.step()
            losses.append(loss[0, 0].item())
        return losses, w.detach().numpy().tobytes()

    assert run(learntorch) == run(torch)


@pytest.mark.parametrize("alpha", [0.1, -2.5, 3])
def test_add_sub_alpha_rounds_once_like_torch(torch, alpha):
    """torch's add/sub with ``alpha`` is a fused multiply-add: float32 results agree to the bit."""
    rng = np.random.default_rng(1)
    a, b = (rng.standard_normal(1003).astype(np.float32) for _ in range(2))
    for op in ("add", "sub"):
        ref = getattr(torch.from_numpy(a), op)(torch.from_numpy(b), alpha=alpha).numpy()
        got = getattr(learntorch.from_numpy(a), op)(learntorch.from_numpy(b), alpha=alpha).numpy()
        np.testing.assert_array_equal(got, ref)
        inplace = learntorch.from_numpy(a.copy())
        getattr(inplace, op + "_")(learntorch.from_numpy(b), alpha=alpha)
        np.testing.assert_array_equal(inplace.numpy(), ref)


@pytest.mark.parametrize(
    "shape, key",
    [
        ((2, 1, 1), (Ellipsis, 1)),
        ((3,), (None, 5)),
        ((2, 3), (None, None, 0, 7)),
        ((2, 3), (True, 0, 5)),
        ((2, 3, 4), (0, Ellipsis, 5)),
        ((2, 3), (0, 3)),
    ],
)
def test_int_index_out_of_bounds_names_key_position(torch, shape, key):
    """torch names the out-of-range int by its position in the key (Ellipsis and None count as one)."""
    with pytest.raises(IndexError) as ref:
        torch.zeros(shape)[key]
    with pytest.raises(IndexError, match=re.escape(str(ref.value).splitlines()[0])):
        learntorch.zeros(shape)[key]
    with pytest.raises(IndexError, match=re.escape(str(ref.value).splitlines()[0])):
        learntorch.zeros(shape)[key] = 1.0

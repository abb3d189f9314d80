"""RNN/LSTM/GRU and their cells against PyTorch 2.13 (weights copied from torch)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt
from learntorch import nn


def _copy(tm, lm):
    lm.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _flat(x):
    return list(x) if isinstance(x, tuple) else [x]


def _compare(torch, tm, lm, x, hx=None):
    tx, lx = torch.tensor(x, requires_grad=True), lt.tensor(x, requires_grad=True)
    targs, largs = [tx], [lx]
    if hx is not None:
        th = tuple(torch.tensor(h, requires_grad=True) for h in hx)
        lh = tuple(lt.tensor(h, requires_grad=True) for h in hx)
        targs.append(th if len(th) > 1 else th[0])
        largs.append(lh if len(lh) > 1 else lh[0])
    tout, tstate = tm(*targs)
    lout, lstate = lm(*largs)
    touts, louts = [tout, *_flat(tstate)], [lout, *_flat(lstate)]
    loss_t = sum((o * torch.tensor(np.cos(np.arange(o.numel())).reshape(o.shape))).sum() for o in touts)
    loss_l = sum((o * lt.tensor(np.cos(np.arange(o.numel())).reshape(tuple(o.shape)))).sum() for o in louts)
    for t, m in zip(touts, louts):
        assert tuple(m.shape) == tuple(t.shape)
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), atol=1e-10)
    loss_t.backward()
    loss_l.backward()
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), atol=1e-10)
    for (n, tp), (ln, lp) in zip(tm.named_parameters(), lm.named_parameters()):
        assert n == ln
        np.testing.assert_allclose(lp.grad.numpy(), tp.grad.numpy(), atol=1e-10, err_msg=n)


CASES = [
    dict(),
    dict(num_layers=2),
    dict(batch_first=True, bidirectional=True),
    dict(num_layers=2, bidirectional=True, bias=False),
]


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("kw", CASES)
def test_recurrent_layers_match_torch(torch, cls, kw):
    tm = getattr(torch.nn, cls)(3, 4, **kw).double()
    lm = getattr(nn, cls)(3, 4, **kw).double()
    _copy(tm, lm)
    assert [n for n, _ in lm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert repr(lm) == repr(tm)
    shape = (2, 5, 3) if kw.get("batch_first") else (5, 2, 3)
    _compare(torch, tm, lm, np.random.standard_normal(shape))


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_initial_state_and_unbatched(torch, cls):
    tm = getattr(torch.nn, cls)(3, 4, num_layers=2, bidirectional=True).double()
    lm = getattr(nn, cls)(3, 4, num_layers=2, bidirectional=True).double()
    _copy(tm, lm)
    hx = [np.random.standard_normal((4, 2, 4)) for _ in range(2 if cls == "LSTM" else 1)]
    _compare(torch, tm, lm, np.random.standard_normal((5, 2, 3)), hx)
    tm.zero_grad()
    lm.zero_grad()
    _compare(torch, tm, lm, np.random.standard_normal((5, 3)))


def test_relu_rnn_and_dropout_eval(torch):
    tm = torch.nn.RNN(3, 4, num_layers=2, nonlinearity="relu", dropout=0.5).double()
    lm = nn.RNN(3, 4, num_layers=2, nonlinearity="relu", dropout=0.5).double()
    _copy(tm, lm)
    assert repr(lm) == repr(tm)
    tm.eval()
    lm.eval()
    _compare(torch, tm, lm, np.random.standard_normal((4, 2, 3)))
    lm.train()
    out, _ = lm(lt.randn(4, 2, 3, dtype=lt.float64))  # training: inter-layer dropout runs
    assert tuple(out.shape) == (4, 2, 4)


def test_default_init_range_and_float32():
    m = nn.LSTM(10, 20, num_layers=2, batch_first=True, dropout=0.2)
    bound = 1 / np.sqrt(20)
    for p in m.parameters():
        assert float(p.abs().max()) <= bound
    out, (h, c) = m(lt.randn(3, 5, 10))
    assert out.dtype == lt.float32 and tuple(h.shape) == (2, 3, 20) and tuple(c.shape) == (2, 3, 20)


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_match_torch(torch, cls):
    tm = getattr(torch.nn, cls)(3, 4).double()
    lm = getattr(nn, cls)(3, 4).double()
    _copy(tm, lm)
    assert repr(lm) == repr(tm)
    x = np.random.standard_normal((2, 3))
    tx, lx = torch.tensor(x, requires_grad=True), lt.tensor(x, requires_grad=True)
    ty, ly = tm(tx), lm(lx)
    touts, louts = _flat(ty), _flat(ly)
    for t, m in zip(touts, louts):
        np.testing.assert_allclose(m.detach().numpy(), t.detach().numpy(), atol=1e-12)
    sum(o.sum() for o in touts).backward()
    sum(o.sum() for o in louts).backward()
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(lm.weight_hh.grad.numpy(), tm.weight_hh.grad.numpy(), atol=1e-12)
    assert repr(nn.RNNCell(3, 4, nonlinearity="relu", bias=False)) == repr(
        torch.nn.RNNCell(3, 4, nonlinearity="relu", bias=False)
    )


def test_note002_examples():
    rnn = nn.RNN(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
    gru = nn.GRU(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
    x = lt.randn(4, 7, 10)
    out, h = rnn(x)
    assert tuple(out.shape) == (4, 7, 20) and tuple(h.shape) == (2, 4, 20)
    out, h = gru(x)
    assert tuple(out.shape) == (4, 7, 20) and tuple(h.shape) == (2, 4, 20)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.nn.RNN(3, 4)(m.randn(5, 2, 6)),
        lambda m: m.nn.RNN(3, 4, 2)(m.randn(5, 2, 3), m.randn(1, 2, 4)),
        lambda m: m.nn.RNN(3, 4, dropout=2),
        lambda m: m.nn.RNN(3, 4, nonlinearity="sigmoid"),
        lambda m: m.nn.RNN(3, 4)(m.randn(5, 2, 3, 1)),
        lambda m: m.nn.RNNCell(3, 4)(m.randn(2, 5)),
    ],
)
def test_errors_match_torch(torch, call):
    with pytest.raises(Exception) as e:
        call(torch)
    msg = str(e.value).split("\n")[0]
    with pytest.raises(type(e.value), match=re.escape(msg)):
        call(lt)


def test_dropout_warning_single_layer():
    with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
        nn.LSTM(3, 4, dropout=0.2)

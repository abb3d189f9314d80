"""BatchNorm/LayerNorm/GroupNorm, Dropout and Embedding against PyTorch 2.13."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn.functional as LF
from learntorch import nn
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck


def _copy(tm, lm):
    lm.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


def _step(torch, tm, lm, x):
    tx, lx = torch.tensor(x, requires_grad=True), lt.tensor(x, requires_grad=True)
    ty, ly = tm(tx), lm(lx)
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy(), atol=1e-10)
    assert type(ly.grad_fn).__name__ == type(ty.grad_fn).__name__
    g = np.random.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    ly.backward(lt.tensor(g))
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), atol=1e-10)
    for (n, tp), (_, lp) in zip(tm.named_parameters(), lm.named_parameters()):
        np.testing.assert_allclose(lp.grad.numpy(), tp.grad.numpy(), atol=1e-10, err_msg=n)
        tp.grad = None
        lp.grad = None


@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 5, 5)),
                                       ("BatchNorm3d", (2, 3, 2, 3, 3))])  # fmt: skip
@pytest.mark.parametrize("kw", [{}, dict(momentum=None), dict(affine=False, momentum=0.3), dict(bias=False),
                                dict(track_running_stats=False)])  # fmt: skip
def test_batchnorm_train_eval_and_running_stats(torch, cls, shape, kw):
    tm = getattr(torch.nn, cls)(3, **kw).double()
    lm = getattr(nn, cls)(3, **kw).double()
    if tm.affine:
        with torch.no_grad():
            tm.weight.uniform_(0.5, 1.5)
            if tm.bias is not None:
                tm.bias.uniform_(-1, 1)
    _copy(tm, lm)
    for _ in range(3):
        _step(torch, tm, lm, np.random.standard_normal(shape) * 2 + 1)
    for name, buf in tm.named_buffers():
        np.testing.assert_allclose(
            dict(lm.named_buffers())[name].numpy(), buf.numpy(), atol=1e-12, err_msg=name
        )
    tm.eval()
    lm.eval()
    _step(torch, tm, lm, np.random.standard_normal(shape))
    assert repr(lm) == repr(tm)
    assert list(lm.state_dict()) == list(tm.state_dict())


def test_batchnorm_buffers_and_repr(torch):
    bn = nn.BatchNorm2d(num_features=3)
    assert (
        repr(bn)
        == "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)"
    )
    assert [n for n, _ in bn.named_buffers()] == ["running_mean", "running_var", "num_batches_tracked"]
    bn(lt.randn(4, 3, 2, 2))
    bn(lt.randn(4, 3, 2, 2))
    assert bn.num_batches_tracked.item() == 2 and bn.num_batches_tracked.dtype == lt.int64


def test_batchnorm_float32(torch):
    x = (np.random.standard_normal((8, 4, 6, 6)) * 3 + 2).astype(np.float32)
    tm, lm = torch.nn.BatchNorm2d(4), nn.BatchNorm2d(4)
    ty, ly = tm(torch.tensor(x)), lm(lt.tensor(x))
    assert ly.dtype == lt.float32
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy(), atol=2e-5)
    np.testing.assert_allclose(lm.running_var.numpy(), tm.running_var.numpy(), rtol=1e-5)


@pytest.mark.parametrize("shape,kw", [((5,), {}), ((4, 5), {}), ((5,), dict(elementwise_affine=False)),
                                      ((5,), dict(bias=False)), ((5,), dict(eps=1e-3))])  # fmt: skip
def test_layernorm(torch, shape, kw):
    tm = torch.nn.LayerNorm(shape, **kw).double()
    lm = nn.LayerNorm(shape, **kw).double()
    if tm.weight is not None:
        with torch.no_grad():
            tm.weight.uniform_(0.5, 1.5)
    _copy(tm, lm)
    _step(torch, tm, lm, np.random.standard_normal((3, 4, 5)) * 2 + 1)
    assert repr(lm) == repr(tm)


@pytest.mark.parametrize("groups,affine", [(1, True), (3, True), (6, False)])
def test_groupnorm(torch, groups, affine):
    tm = torch.nn.GroupNorm(groups, 6, affine=affine).double()
    lm = nn.GroupNorm(groups, 6, affine=affine).double()
    if affine:
        with torch.no_grad():
            tm.weight.uniform_(0.5, 1.5)
            tm.bias.uniform_(-1, 1)
    _copy(tm, lm)
    _step(torch, tm, lm, np.random.standard_normal((2, 6, 3, 4)))
    assert repr(lm) == repr(tm)


def test_norm_gradcheck():
    x = lt.tensor(np.random.standard_normal((3, 2, 2)), requires_grad=True)
    w = lt.tensor(np.random.standard_normal(2), requires_grad=True)
    b = lt.tensor(np.random.standard_normal(2), requires_grad=True)
    assert gradgradcheck(lambda x, w, b: LF.batch_norm(x, None, None, w, b, True), (x, w, b))
    rm, rv = lt.zeros(2, dtype=lt.float64), lt.ones(2, dtype=lt.float64)
    assert gradcheck(lambda x, w, b: LF.batch_norm(x, rm, rv, w, b, False), (x, w, b))
    w2 = lt.tensor(np.random.standard_normal(2), requires_grad=True)
    assert gradgradcheck(lambda x, w: LF.layer_norm(x, (2,), w), (x, w2))
    assert gradgradcheck(lambda x, w, b: LF.group_norm(x, 2, w, b), (x, w, b))


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.nn.functional.batch_norm(m.ones(2, 3, 4), m.zeros(4), m.ones(4), training=False),
        lambda m: m.nn.functional.batch_norm(m.ones(1, 3), None, None, training=True),
        lambda m: m.nn.functional.layer_norm(m.ones(2, 3, 4, 4), (5,)),
        lambda m: m.nn.functional.group_norm(m.ones(2, 3, 4, 4), 2),
        lambda m: m.nn.BatchNorm2d(3)(m.ones(3, 4)),
        lambda m: m.nn.BatchNorm1d(3)(m.ones(3, 4, 5, 6)),
        lambda m: m.nn.GroupNorm(4, 6),
        lambda m: m.nn.functional.dropout(m.ones(2), 1.5),
        lambda m: m.nn.Dropout(-0.1),
        lambda m: m.nn.functional.embedding(m.tensor([7]), m.ones(5, 3)),
        lambda m: m.nn.functional.embedding(m.tensor([1.0]), m.ones(5, 3)),
    ],
)
def test_errors_match_torch(torch, call):
    with pytest.raises(Exception) as e:
        call(torch)
    msg = str(e.value).split("\n")[0]
    with pytest.raises(type(e.value), match=re.escape(msg)):
        call(lt)


def test_dropout_train_eval_and_rng_matches_torch(torch):
    for p in (0.2, 0.5):
        torch.manual_seed(3)
        lt.manual_seed(3)
        t = torch.nn.functional.dropout(torch.ones(50), p)
        m = LF.dropout(lt.ones(50), p)
        np.testing.assert_allclose(m.numpy(), t.numpy())
    torch.manual_seed(1)
    lt.manual_seed(1)
    t = torch.nn.functional.dropout2d(torch.ones(4, 6, 2, 2), 0.5)
    m = LF.dropout2d(lt.ones(4, 6, 2, 2), 0.5)
    np.testing.assert_allclose(m.numpy(), t.numpy())
    d = nn.Dropout(p=0.2)
    assert repr(d) == repr(torch.nn.Dropout(p=0.2)) == "Dropout(p=0.2, inplace=False)"
    x = lt.ones(32, 100, requires_grad=True)
    y = d(x)
    assert type(y.grad_fn).__name__ == "MulBackward0"
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())  # grad = mask / (1 - p)
    d.eval()
    assert d(x) is x
    assert LF.dropout(x, 0.5, training=False) is x
    assert float(LF.dropout(lt.ones(5), 1.0).sum()) == 0.0
    xi = lt.ones(10)
    out = LF.dropout(xi, 0.5, inplace=True)
    assert out is xi and set(xi.tolist()) <= {0.0, 2.0}


def test_dropout_reprs(torch):
    for c in [
        "Dropout()",
        "Dropout(0.3, inplace=True)",
        "Dropout1d(0.1)",
        "Dropout2d(p=0.25)",
        "Dropout3d()",
    ]:
        assert repr(eval("nn." + c)) == repr(eval("torch.nn." + c))


def test_embedding(torch):
    tm = torch.nn.Embedding(6, 3, padding_idx=2).double()
    lm = nn.Embedding(6, 3, padding_idx=2).double()
    assert lm.weight[2].tolist() == [0.0, 0.0, 0.0]
    _copy(tm, lm)
    idx = np.array([[1, 2, 0], [5, 1, 2]])
    ty, ly = tm(torch.tensor(idx)), lm(lt.tensor(idx))
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy())
    assert type(ly.grad_fn).__name__ == "EmbeddingBackward0"
    g = np.random.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    ly.backward(lt.tensor(g))
    np.testing.assert_allclose(lm.weight.grad.numpy(), tm.weight.grad.numpy())
    assert lm.weight.grad[2].tolist() == [0.0, 0.0, 0.0]
    for c in [
        "Embedding(10, 3)",
        "Embedding(10, 3, padding_idx=-1)",
        "Embedding(10, 3, max_norm=1.0, norm_type=1.0)",
    ]:
        assert repr(eval("nn." + c)) == repr(eval("torch.nn." + c))


def test_embedding_from_pretrained_and_max_norm(torch):
    w = np.array([[1.0, 2.3, 3.0], [4.0, 5.1, 6.3]])
    lm = nn.Embedding.from_pretrained(lt.tensor(w))
    tm = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    assert not lm.weight.requires_grad
    np.testing.assert_allclose(lm(lt.tensor([1])).numpy(), tm(torch.tensor([1])).numpy())
    tm2 = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, max_norm=2.0)
    lm2 = nn.Embedding.from_pretrained(lt.tensor(w), freeze=False, max_norm=2.0)
    ty, ly = tm2(torch.tensor([0, 0])), lm2(lt.tensor([0, 0]))
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(lm2.weight.detach().numpy(), tm2.weight.detach().numpy(), rtol=1e-12)


def test_embedding_double_backward():
    w = lt.tensor(np.random.standard_normal((5, 2)), requires_grad=True)
    idx = lt.tensor([[0, 3], [3, 1]])
    assert gradgradcheck(lambda w: LF.embedding(idx, w, padding_idx=1), (w,))

"""scaled_dot_product_attention and MultiheadAttention against PyTorch 2.13."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn.functional as LF
from learntorch import nn


def _pair(torch, *arrays):
    return [torch.tensor(a, requires_grad=True) for a in arrays], [
        lt.tensor(a, requires_grad=True) for a in arrays
    ]


def _grads_match(ts, ls, ty, ly, atol=1e-10):
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy(), atol=atol)
    g = np.random.standard_normal(tuple(ty.shape))
    import torch

    ty.backward(torch.tensor(g))
    ly.backward(lt.tensor(g))
    for t, m in zip(ts, ls):
        np.testing.assert_allclose(m.grad.numpy(), t.grad.numpy(), atol=atol)


@pytest.mark.parametrize(
    "kw",
    [dict(), dict(is_causal=True), dict(scale=0.3), dict(mask="bool"), dict(mask="float")],
)
def test_sdpa_matches_torch(torch, kw):
    q, k, v = (np.random.standard_normal((2, 3, 4, 5)) for _ in range(3))
    ts, ls = _pair(torch, q, k, v)
    kw = dict(kw)
    mask = kw.pop("mask", None)
    tkw, lkw = dict(kw), dict(kw)
    if mask == "bool":
        m = np.random.random((4, 4)) > 0.3
        m[:, 0] = True
        tkw["attn_mask"], lkw["attn_mask"] = torch.tensor(m), lt.tensor(m)
    elif mask == "float":
        m = np.random.standard_normal((4, 4))
        tkw["attn_mask"], lkw["attn_mask"] = torch.tensor(m), lt.tensor(m)
    ty = torch.nn.functional.scaled_dot_product_attention(*ts, **tkw)
    ly = LF.scaled_dot_product_attention(*ls, **lkw)
    _grads_match(ts, ls, ty, ly)


def _copy(tm, lm):
    lm.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


@pytest.mark.parametrize(
    "ctor,call",
    [
        (dict(), dict()),
        (dict(batch_first=True), dict(average_attn_weights=False)),
        (dict(bias=False), dict(need_weights=False)),
        (dict(kdim=3, vdim=5), dict()),
        (dict(add_bias_kv=True, add_zero_attn=True), dict()),
        (dict(), dict(key_padding_mask=True)),
        (dict(batch_first=True), dict(attn_mask="bool", need_weights=False)),
        (dict(), dict(attn_mask="float", key_padding_mask=True)),
    ],
)
def test_multihead_attention_matches_torch(torch, ctor, call):
    tm = torch.nn.MultiheadAttention(8, 2, **ctor).double()
    lm = nn.MultiheadAttention(8, 2, **ctor).double()
    _copy(tm, lm)
    assert [n for n, _ in lm.named_parameters()] == [n for n, _ in tm.named_parameters()]
    assert repr(lm) == repr(tm)
    bf = ctor.get("batch_first", False)
    L, S, N = 4, 6, 3
    q = np.random.standard_normal((N, L, 8) if bf else (L, N, 8))
    k = np.random.standard_normal((N, S, ctor.get("kdim", 8)) if bf else (S, N, ctor.get("kdim", 8)))
    v = np.random.standard_normal((N, S, ctor.get("vdim", 8)) if bf else (S, N, ctor.get("vdim", 8)))
    ts, ls = _pair(torch, q, k, v)
    call = dict(call)
    tkw, lkw = dict(call), dict(call)
    if call.get("key_padding_mask"):
        m = np.zeros((N, S), dtype=bool)
        m[0, -2:] = True
        tkw["key_padding_mask"], lkw["key_padding_mask"] = torch.tensor(m), lt.tensor(m)
    if call.get("attn_mask") == "bool":
        m = np.triu(np.ones((L, S), dtype=bool), 1)
        tkw["attn_mask"], lkw["attn_mask"] = torch.tensor(m), lt.tensor(m)
    elif call.get("attn_mask") == "float":
        m = np.random.standard_normal((L, S))
        tkw["attn_mask"], lkw["attn_mask"] = torch.tensor(m), lt.tensor(m)
    tout, tw = tm(*ts, **tkw)
    lout, lw = lm(*ls, **lkw)
    if tw is None:
        assert lw is None
    else:
        np.testing.assert_allclose(lw.detach().numpy(), tw.detach().numpy(), atol=1e-10)
    _grads_match(ts, ls, tout, lout)
    for (n, tp), (_, lp) in zip(tm.named_parameters(), lm.named_parameters()):
        np.testing.assert_allclose(lp.grad.numpy(), tp.grad.numpy(), atol=1e-10, err_msg=n)


def test_mha_unbatched_and_default_init(torch):
    lm = nn.MultiheadAttention(8, 4)
    assert float(lm.in_proj_bias.abs().sum()) == 0.0 and float(lm.out_proj.bias.abs().sum()) == 0.0
    x = lt.randn(5, 8)
    out, w = lm(x, x, x)
    assert tuple(out.shape) == (5, 8) and tuple(w.shape) == (5, 5)
    np.testing.assert_allclose(w.sum(-1).detach().numpy(), np.ones(5), rtol=1e-5)
    with pytest.raises(AssertionError, match="embed_dim must be divisible by num_heads"):
        nn.MultiheadAttention(8, 3)

"""AttentionExplorer: scores, weights and outputs equal torch's for the same tensors and settings."""

from __future__ import annotations

import math

import numpy as np
import pytest

import learntorch
from learntorch.widgets import AttentionExplorer


def T(torch, t):
    return torch.from_numpy(t.numpy().copy())


@pytest.mark.parametrize("scoring", ["dot", "scaled dot"])
@pytest.mark.parametrize("mask", ["none", "causal", "valid length"])
@pytest.mark.parametrize("temperature", [1.0, 0.25, 4.0])
def test_dot_product_attention_equals_torch(torch, scoring, mask, temperature):
    ex = AttentionExplorer(scoring=scoring, mask=mask, temperature=temperature, valid_len=2, seed=3)
    assert ex.error is None
    q, k, v = T(torch, ex.q), T(torch, ex.k), T(torch, ex.v)
    scale = (1 / math.sqrt(q.shape[1]) if scoring == "scaled dot" else 1.0) / temperature
    allowed = torch.ones(q.shape[0], k.shape[0], dtype=torch.bool)
    if mask == "causal":
        allowed = allowed.tril()
    elif mask == "valid length":
        allowed[:, 2:] = False
    want = torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=scale)
    scores = q @ k.T * scale
    weights = scores.masked_fill(~allowed, float("-inf")).softmax(-1)
    np.testing.assert_allclose(ex.scores, scores.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.weights, weights.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.output, want.numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.output_sdpa, want.numpy(), rtol=1e-5, atol=1e-6)
    assert ex.weights.sum(-1) == pytest.approx(np.ones(ex.weights.shape[0]))


def test_additive_attention_equals_torch(torch):
    ex = AttentionExplorer(scoring="additive", mask="valid length", valid_len=4, hidden=5)
    p = {n: T(torch, t) for n, t in ex.params.items()}
    q, k, v = T(torch, ex.q), T(torch, ex.k), T(torch, ex.v)
    scores = ((q @ p["W_q"]).unsqueeze(1) + (k @ p["W_k"]).unsqueeze(0)).tanh() @ p["w_v"]
    scores[:, 4:] = float("-inf")
    np.testing.assert_allclose(ex.weights, scores.softmax(-1).numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.output, (scores.softmax(-1) @ v).numpy(), rtol=1e-5, atol=1e-6)
    assert ex.output_sdpa is None


def test_students_tensors_with_batch_dimension(torch):
    q = learntorch.randn(2, 3, 5)
    k = learntorch.randn(2, 4, 5)
    v = learntorch.randn(2, 4, 2)
    ex = AttentionExplorer(q, k, v)
    assert ex.own and ex.weights.shape == (3, 4)
    want = torch.nn.functional.scaled_dot_product_attention(T(torch, q), T(torch, k), T(torch, v))
    np.testing.assert_allclose(ex.output, want[0].numpy(), rtol=1e-5, atol=1e-6)


def test_temperature_sharpens_and_flattens():
    sharp = AttentionExplorer(temperature=0.05).weights
    flat = AttentionExplorer(temperature=20.0).weights
    assert sharp.max(-1).min() > 0.9 and flat.max(-1).max() < 0.3


def test_bad_shapes_show_torchs_error_with_hint(torch):
    with pytest.raises(RuntimeError) as want:
        torch.randn(4, 3) @ torch.randn(6, 5).T
    ex = AttentionExplorer(learntorch.randn(4, 3), learntorch.randn(6, 5), learntorch.randn(6, 2))
    assert ex.error.startswith(f"RuntimeError: {want.value}") and "hint:" in ex.error
    ex = AttentionExplorer(temperature=0.0)
    assert ex.error.startswith("ValueError: temperature must be positive") and "hint:" in ex.error
    ex.update(temperature=1.0)
    assert ex.error is None


def test_controls_drive_the_state():
    ex = AttentionExplorer()
    box = ex.widget()
    first, second = box.children[0].children
    scoring, mask, valid, temp = first.children
    queries, keys, d, seed = second.children
    mask.value = "valid length"
    valid.value = 1
    assert ex.weights[:, 0].tolist() == [1.0] * ex.weights.shape[0]
    keys.value = 3
    assert ex.weights.shape[1] == 3 and valid.max == 3
    scoring.value = "additive"
    assert ex.scoring == "additive" and ex.error is None
    old = ex.scores.copy()
    seed.value = 7
    assert not np.array_equal(old, ex.scores)
    temp.value = 2.0
    assert ex.temperature == pytest.approx(2.0, rel=1e-3)
    own = AttentionExplorer(learntorch.randn(2, 4), learntorch.randn(3, 4), learntorch.randn(3, 2))
    assert own.widget().children[0].children[1].children[0].disabled

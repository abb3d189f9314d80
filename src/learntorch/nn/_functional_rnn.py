"""Recurrent cells and multi-head attention, composed from tensor operations.

A recurrent layer is a loop over time of one small cell. The input part of every
gate does not depend on the previous step, so it is computed for all time steps at
once (one matrix product); only ``h @ W_hhᵀ`` stays inside the loop. Gate order
follows PyTorch: LSTM ``i, f, g, o``; GRU ``r, z, n`` with
``n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))``.
"""

from __future__ import annotations

import math
from typing import Any

from .. import backend
from ..ops import shape as _shape  # noqa: F401  (binds stack/chunk/... methods)
from ..tensor import Tensor
from ._functional_activation import softmax
from ._functional_layers import dropout, scaled_dot_product_attention
from ._functional_misc import linear

__all__ = [
    "rnn_tanh_cell",
    "rnn_relu_cell",
    "lstm_cell",
    "gru_cell",
    "run_layer",
    "multi_head_attention_forward",
]


def rnn_tanh_cell(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), with ``gi`` = the input part."""
    return (gi + linear(h, w_hh, b_hh)).tanh()


def rnn_relu_cell(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """h' = relu(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)."""
    return (gi + linear(h, w_hh, b_hh)).relu()


def lstm_cell(
    gi: Tensor, state: tuple[Tensor, Tensor], w_hh: Tensor, b_hh: Tensor | None
) -> tuple[Tensor, Tensor]:
    """i, f, g, o gates; c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')."""
    h, c = state
    i, f, g, o = (gi + linear(h, w_hh, b_hh)).chunk(4, -1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def gru_cell(gi: Tensor, h: Tensor, w_hh: Tensor, b_hh: Tensor | None) -> Tensor:
    """r, z gates; n = tanh(i_n + r ⊙ (W_hn h + b_hn));  h' = (1 − z) ⊙ n + z ⊙ h."""
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = linear(h, w_hh, b_hh).chunk(3, -1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return (1 - z) * n + z * h


_CELLS = {"RNN_TANH": rnn_tanh_cell, "RNN_RELU": rnn_relu_cell, "LSTM": lstm_cell, "GRU": gru_cell}


def run_layer(mode: str, x: Tensor, state: Any, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor | None,
              b_hh: Tensor | None, reverse: bool) -> tuple[Tensor, Any]:  # fmt: skip
    """One direction of one layer over a (L, N, H_in) sequence: returns (outputs (L, N, H), final state)."""
    from .. import stack  # noqa: PLC0415

    cell = _CELLS[mode]
    gi = linear(x, w_ih, b_ih)  # (L, N, G·H): the input part of every gate, all steps at once
    steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
    outs: list[Tensor] = [None] * x.shape[0]  # type: ignore[list-item]
    for t in steps:
        state = cell(gi[t], state, w_hh, b_hh)
        outs[t] = state[0] if mode == "LSTM" else state
    return stack(outs, 0), state


def _canonical_mask(mask: Tensor | None, like: Tensor) -> Tensor | None:
    """A boolean mask (True = do not attend) becomes 0 / −inf in the query's dtype."""
    if mask is None or mask.dtype.is_floating_point:
        return mask
    xp = backend.array_module(like._data)
    dt = like._data.dtype
    return Tensor._make(xp.where(mask._data, -xp.inf, xp.asarray(0, dtype=dt)).astype(dt))


def multi_head_attention_forward(query: Tensor, key: Tensor, value: Tensor, embed_dim_to_check: int, num_heads: int,
                                 in_proj_weight: Tensor | None, in_proj_bias: Tensor | None,
                                 bias_k: Tensor | None, bias_v: Tensor | None, add_zero_attn: bool,
                                 dropout_p: float, out_proj_weight: Tensor, out_proj_bias: Tensor | None,
                                 training: bool = True, key_padding_mask: Tensor | None = None,
                                 need_weights: bool = True, attn_mask: Tensor | None = None,
                                 use_separate_proj_weight: bool = False, q_proj_weight: Tensor | None = None,
                                 k_proj_weight: Tensor | None = None, v_proj_weight: Tensor | None = None,
                                 static_k: Tensor | None = None, static_v: Tensor | None = None,
                                 average_attn_weights: bool = True,
                                 is_causal: bool = False) -> tuple[Tensor, Tensor | None]:  # fmt: skip
    """Multi-head attention on (L, N, E) inputs (PyTorch's sequence-first layout).

    Each head projects queries, keys and values to E/num_heads dimensions, attends
    (softmax(QKᵀ/√d + mask) V), and the heads' outputs are concatenated and
    projected by ``out_proj``. Returns the output and, if ``need_weights``, the
    attention weights (averaged over heads unless ``average_attn_weights=False``).
    """
    from .. import cat, zeros  # noqa: PLC0415

    unbatched = query.ndim == 2
    if unbatched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(
            f"was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}\n"
            "hint: the last dimension of the query must equal embed_dim (with batch_first=False the layout is "
            "(L, N, E))."
        )
    head_dim = embed_dim // num_heads
    if not use_separate_proj_weight:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
    else:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    b_q = b_k = b_v = None
    if in_proj_bias is not None:
        b_q, b_k, b_v = in_proj_bias.chunk(3)
    q = linear(query, w_q, b_q)
    k = linear(key, w_k, b_k)
    v = linear(value, w_v, b_v)

    attn_mask = _canonical_mask(attn_mask, q)
    key_padding_mask = _canonical_mask(key_padding_mask, q)
    if is_causal and attn_mask is None:
        raise RuntimeError(
            "Need attn_mask if specifying the is_causal hint. You may use the Transformer module method "
            "`generate_square_subsequent_mask` to create this mask."
        )
    if attn_mask is not None and attn_mask.ndim == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(
                f"The shape of the 2D attn_mask is {tuple(attn_mask.shape)}, but should be {(tgt_len, src_len)}."
            )
        attn_mask = attn_mask.unsqueeze(0)
    elif attn_mask is not None and tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
        raise RuntimeError(
            f"The shape of the 3D attn_mask is {tuple(attn_mask.shape)}, but should be "
            f"{(bsz * num_heads, tgt_len, src_len)}."
        )
    if bias_k is not None and bias_v is not None:
        k = cat([k, bias_k.repeat(1, bsz, 1)])
        v = cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = cat(
                [attn_mask, zeros((attn_mask.shape[0], attn_mask.shape[1], 1), dtype=attn_mask.dtype)], 2
            )
        if key_padding_mask is not None:
            key_padding_mask = cat([key_padding_mask, zeros((bsz, 1), dtype=key_padding_mask.dtype)], 1)

    # (L, N, E) -> (N·heads, L, head_dim)
    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        k = cat([k, zeros((bsz * num_heads, 1, head_dim), dtype=k.dtype)], 1)
        v = cat([v, zeros((bsz * num_heads, 1, head_dim), dtype=v.dtype)], 1)
        if attn_mask is not None:
            attn_mask = cat(
                [attn_mask, zeros((attn_mask.shape[0], attn_mask.shape[1], 1), dtype=attn_mask.dtype)], 2
            )
        if key_padding_mask is not None:
            key_padding_mask = cat([key_padding_mask, zeros((bsz, 1), dtype=key_padding_mask.dtype)], 1)
    src_len = k.shape[1]
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(
                f"expecting key_padding_mask shape of {(bsz, src_len)}, but got {tuple(key_padding_mask.shape)}"
            )
        kpm = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1)
        kpm = kpm.reshape(bsz * num_heads, 1, src_len)
        attn_mask = kpm if attn_mask is None else attn_mask + kpm
    if not training:
        dropout_p = 0.0

    if need_weights:
        scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = softmax(scores, dim=-1)
        if dropout_p > 0.0:
            weights = dropout(weights, p=dropout_p)
        out = weights @ v  # (N·heads, L, head_dim)
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(dim=1)
        if unbatched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        attn_mask = (
            attn_mask.reshape(bsz, num_heads, -1, src_len)
            if attn_mask.shape[0] != 1
            else attn_mask.unsqueeze(0)
        )
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal=False)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    if unbatched:
        out = out.squeeze(1)
    return out, None

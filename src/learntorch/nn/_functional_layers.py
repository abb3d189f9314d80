"""Compositions for the layer families: dropout and attention.

These need no backward of their own: they are built from tensor operations
(multiply by a random mask, matmul, softmax), so autograd differentiates them, and
their ``grad_fn`` is whatever the last operation was, as in PyTorch
(``F.dropout(x).grad_fn`` is ``MulBackward0`` there too).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import backend, creation
from ..tensor import Tensor
from ._functional_activation import softmax

__all__ = ["dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "scaled_dot_product_attention"]


def _check_p(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(
            f"dropout probability has to be between 0 and 1, but got {p}\n"
            "hint: p is the probability of zeroing an element, e.g. 0.2 or 0.5."
        )


def _dropout_with_mask_shape(input: Tensor, p: float, training: bool, inplace: bool, shape: tuple) -> Tensor:
    """x · mask/(1 − p), mask ~ Bernoulli(1 − p) of ``shape`` (broadcast over the rest)."""
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        zero = creation.zeros((), dtype=input.dtype, device=input.device)
        return input.mul_(zero) if inplace else input * zero
    noise = creation.empty(shape, dtype=input.dtype, device=input.device)
    noise.bernoulli_(1 - p)
    noise.div_(1 - p)
    return input.mul_(noise) if inplace else input * noise


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the others by 1/(1 − p), when ``training``.

    Unlike ``nn.Dropout``, the function cannot see ``model.training``: pass
    ``training=self.training`` yourself (note 001, nn.Module vs nn.functional).

    >>> import learntorch as torch
    >>> x = torch.ones(6)
    >>> dropout(x, 0.5, training=False)
    tensor([1., 1., 1., 1., 1., 1.])
    >>> sorted(set(dropout(x, 0.5).tolist()))
    [0.0, 2.0]
    """
    _check_p(p)
    return _dropout_with_mask_shape(input, p, training, inplace, tuple(input.shape))


def _feature_dropout(input: Tensor, p: float, training: bool, inplace: bool, nd: int, name: str) -> Tensor:
    _check_p(p)
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"{name}: Expected {nd + 1}D or {nd + 2}D input, but received a {input.ndim}D input. Note that {name} "
            f"exists to provide channel-wise dropout on inputs with {nd} spatial dimension"
            f"{'s' if nd > 1 else ''}, a channel dimension, and an optional batch dimension (i.e. "
            f"{nd + 1}D or {nd + 2}D inputs)."
        )
    lead = input.ndim - nd  # (N, C) or (C,)
    shape = tuple(input.shape[:lead]) + (1,) * nd
    return _dropout_with_mask_shape(input, p, training, inplace, shape)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of (N, C, L) or (C, L) with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 1, "dropout1d")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole feature maps of (N, C, H, W) with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 2, "dropout2d")


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole feature volumes of (N, C, D, H, W) with probability ``p``."""
    return _feature_dropout(input, p, training, inplace, 3, "dropout3d")


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout for SELU networks: dropped units take the SELU saturation value, then an affine fix-up."""
    _check_p(p)
    if p == 0 or not training or input.numel() == 0:
        return input
    alpha = 1.7580993408473766
    a = 1.0 / math.sqrt((alpha * alpha * p + 1) * (1 - p))
    keep = creation.empty(tuple(input.shape), dtype=input.dtype, device=input.device).bernoulli_(1 - p)
    b = (keep - 1) * (alpha * a) + alpha * a * p
    return input * (keep * a) + b


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Tensor | None = None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale: float | None = None,
                                 enable_gqa: bool = False) -> Tensor:  # fmt: skip
    """softmax(Q Kᵀ · scale + mask) V: the attention of note 000 §7 (query, key, value).

    Scores compare each query with every key (a dot product, scaled by 1/√d so that
    they do not grow with the dimension); softmax turns each row into weights that
    sum to 1; the output is the weighted sum of the values. A boolean ``attn_mask``
    marks the pairs that *may* attend (False → weight 0); a float mask is added to
    the scores; ``is_causal`` lets position i see only positions ≤ i.

    >>> import learntorch as torch
    >>> q = torch.tensor([[[1., 0.]]])
    >>> k = torch.tensor([[[1., 0.], [0., 1.]]])
    >>> v = torch.tensor([[[10., 0.], [0., 10.]]])
    >>> scaled_dot_product_attention(q, k, v, scale=1000.)   # q matches the first key
    tensor([[[10.,  0.]]])
    """
    xp = backend.array_module(query._data)
    n_q, n_k = query.shape[-2], key.shape[-2]
    scale_factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, dim=-3)
        value = value.repeat_interleave(rep, dim=-3)
    bias: Any = None
    if is_causal:
        if attn_mask is not None:
            raise RuntimeError(
                "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True\n"
                "hint: is_causal builds the lower-triangular mask itself; pass one or the other."
            )
        allowed = np.tril(np.ones((n_q, n_k), dtype=bool))
        bias = Tensor._make(xp.asarray(np.where(allowed, 0.0, -np.inf), dtype=query._data.dtype))
    if attn_mask is not None:
        if attn_mask.dtype.name == "bool":
            m = attn_mask._data
            bias = Tensor._make(
                xp.where(m, xp.asarray(0, dtype=query._data.dtype), -xp.inf).astype(query._data.dtype)
            )
        else:
            bias = attn_mask
    scores = (query @ key.transpose(-2, -1)) * scale_factor
    if bias is not None:
        scores = scores + bias
    weights = softmax(scores, dim=-1)
    if dropout_p > 0.0:
        weights = dropout(weights, dropout_p, training=True)
    return weights @ value

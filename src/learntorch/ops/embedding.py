"""Embedding: a lookup table, ``weight[indices]``, and its scatter-add backward.

The gradient of a lookup adds each incoming row into the row it was read from;
rows looked up several times collect several contributions, and the row at
``padding_idx`` gets none (it stays a fixed "padding" vector).
"""

from __future__ import annotations

from typing import Any

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor

__all__ = ["embedding"]


class Embedding(Op):
    """y = weight[idx];  dweight = rows of dy added at idx (except padding_idx)"""

    @staticmethod
    def forward(ctx, weight, idx, padding_idx):
        ctx.args = (idx, weight.shape[0], padding_idx)
        return backend.array_module(weight).take(weight, idx, axis=0)

    @staticmethod
    def backward(ctx, gy):
        idx, num, padding_idx = ctx.args
        return EmbeddingDenseBackward.apply(gy, idx, num, padding_idx), None, None


class EmbeddingDenseBackward(Op):
    """dweight[i] = Σ dy[j] over the j with idx[j] = i;  its gradient is a lookup again"""

    @staticmethod
    def forward(ctx, gy, idx, num, padding_idx):
        xp = backend.array_module(gy)
        ctx.args = (idx, padding_idx)
        dim = gy.shape[-1]
        flat = idx.reshape(-1)
        g = gy.reshape(-1, dim)
        if padding_idx is not None:
            keep = flat != padding_idx
            flat, g = flat[keep], g[keep]
        out = xp.zeros((num, dim), dtype=gy.dtype)
        xp.add.at(out, flat, g)
        return out

    @staticmethod
    def backward(ctx, gg):
        idx, padding_idx = ctx.args
        out = Embedding.apply(gg, idx, None)
        if padding_idx is not None:
            mask = Tensor._make((idx != padding_idx)[..., None].astype(gg._data.dtype))
            out = out * mask
        return out, None, None, None


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:  # fmt: skip
    """Rows of ``weight`` picked by the integer ``input`` (note 000 §attention, word vectors).

    >>> import learntorch as torch
    >>> w = torch.tensor([[0., 0.], [1., 2.], [3., 4.]])
    >>> embedding(torch.tensor([[1, 2], [2, 0]]), w)
    tensor([[[1., 2.],
             [3., 4.]],
    <BLANKLINE>
            [[3., 4.],
             [0., 0.]]])
    """
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got torch.{_type_name(input)} instead (while checking arguments for embedding)\n"
            "hint: embedding indices must be integers; convert them with .long()."
        )
    idx = input._data
    num = weight.shape[0]
    if idx.size and (int(idx.min()) < -num or int(idx.max()) >= num):
        raise IndexError(
            "index out of range in self\n"
            f"hint: the embedding has {num} rows (num_embeddings={num}) but an index is "
            f"{int(idx.max()) if int(idx.max()) >= num else int(idx.min())}; indices must lie in [0, {num - 1}]."
        )
    if padding_idx is not None and padding_idx < 0:
        padding_idx += num
    if max_norm is not None:
        _renorm_rows(weight, idx, float(max_norm), float(norm_type))
    return Embedding.apply(weight, idx % num if idx.size and int(idx.min()) < 0 else idx, padding_idx)


def _renorm_rows(weight: Tensor, idx: Any, max_norm: float, norm_type: float) -> None:
    """Scale the looked-up rows whose norm exceeds ``max_norm`` down to it, in place (as PyTorch does)."""
    xp = backend.array_module(weight._data)
    rows = xp.unique(idx.reshape(-1))
    w = weight._data
    norms = (xp.abs(w[rows]) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    big = norms > max_norm
    scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
    w[rows[big]] *= scale[:, None]
    weight._version_box[0] += 1


def _type_name(t: Tensor) -> str:
    return {"float32": "FloatTensor", "float64": "DoubleTensor", "int16": "ShortTensor", "int8": "CharTensor",
            "uint8": "ByteTensor", "bool": "BoolTensor", "float16": "HalfTensor"}.get(t.dtype.name, "Tensor")  # fmt: skip

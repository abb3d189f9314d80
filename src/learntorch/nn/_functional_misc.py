"""``nn.functional``: linear, bilinear, pad, one_hot and normalize."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend, dtypes
from ..ops import linalg
from ..ops.arith import where
from ..ops.padding import constant_pad, index_pad
from ..tensor import Tensor

__all__ = ["linear", "bilinear", "pad", "one_hot", "normalize"]


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y = x Wᵀ + b``: the affine map behind ``nn.Linear``.

    For a 2-D input with a bias this is one ``addmm`` (so ``grad_fn`` prints
    ``AddmmBackward0``, as in PyTorch); other shapes use ``matmul`` plus the bias.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.linear(torch.ones(2, 3), torch.ones(4, 3), torch.zeros(4))
    tensor([[3., 3., 3., 3.],
            [3., 3., 3., 3.]])
    """
    wt = weight.t()
    if input.ndim == 2 and bias is not None:
        return linalg.addmm(bias, input, wt)
    if input.ndim == 2:
        return linalg.mm(input, wt)
    if input.ndim > 2:
        lead = input.shape[:-1]
        flat = input.reshape(-1, input.shape[-1])
        out = linalg.addmm(bias, flat, wt) if bias is not None else linalg.mm(flat, wt)
        return out.view(*lead, weight.shape[0])
    out = linalg.matmul(input, wt)
    return out + bias if bias is not None else out


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y_k = x1ᵀ A_k x2 + b_k`` for each output ``k`` (weight ``A`` has shape (out, in1, in2)).

    Built from an outer product and one matrix product, so it needs no backward of its own.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.bilinear(torch.ones(1, 2), torch.ones(1, 3), torch.ones(4, 2, 3)).shape
    torch.Size([1, 4])
    """
    if input1.shape[:-1] != input2.shape[:-1]:
        raise RuntimeError(
            f"bilinear(): input batch dimensions do not match: got {list(input1.shape[:-1])} and "
            f"{list(input2.shape[:-1])}"
        )
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but expected "
            f"{weight.shape[1]}"
        )
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(
            f"bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but expected "
            f"{weight.shape[2]}"
        )
    lead = input1.shape[:-1]
    i, j = input1.shape[-1], input2.shape[-1]
    a = input1.reshape(-1, i).unsqueeze(2)
    b = input2.reshape(-1, j).unsqueeze(1)
    outer = (a * b).reshape(-1, i * j)
    w = weight.reshape(weight.shape[0], i * j)
    out = linear(outer, w, bias)
    return out.view(*lead, weight.shape[0])


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims; ``pad = (left, right, top, bottom, ...)``.

    ``mode``: ``'constant'`` (with ``value``, default 0), ``'reflect'``,
    ``'replicate'`` or ``'circular'``. Conv layers use it for ``padding_mode``.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.pad(torch.tensor([[1., 2., 3.]]), (2, 1), mode='reflect')
    tensor([[3., 2., 1., 2., 3., 2.]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2 != 0:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(
            f"Padding length should be less than or equal to two times the input dimension but got padding "
            f"length {len(pad)} and input of dimension {input.ndim}"
        )
    if mode == "constant":
        return constant_pad(input, pad, 0.0 if value is None else value)
    if mode not in ("reflect", "replicate", "circular"):
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise AssertionError(f'Padding mode "{mode}" doesn\'t take in value argument')
    k = len(pad) // 2
    if input.ndim not in (k + 1, k + 2) or k > 3:
        raise NotImplementedError(
            f"Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now\n"
            f"hint: '{mode}' padding of {k} dim(s) needs a {k + 1}-D (unbatched) or {k + 2}-D (batched) input; "
            f"got {input.ndim}-D."
        )
    for i in range(k):
        d = input.ndim - 1 - i
        before, after = pad[2 * i], pad[2 * i + 1]
        n = input.shape[d]
        if mode == "reflect" and (before >= n or after >= n):
            raise RuntimeError(
                f"Argument #4: Padding size should be less than the corresponding input dimension, but got: "
                f"padding ({before}, {after}) at dimension {d} of input {list(input.shape)}"
            )
        if mode == "circular" and (before > n or after > n):
            raise RuntimeError(
                "Padding value causes wrapping around more than once.\n"
                f"hint: circular padding of dim {d} (size {n}) can add at most {n} on each side."
            )
    return index_pad(input, pad, mode)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices → one-hot rows (int64): ``one_hot(tensor([0, 2]), 3)`` → ``[[1,0,0],[0,0,1]]``.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.one_hot(torch.tensor([0, 2]), 3)
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if tensor.dtype != dtypes.int64:
        raise RuntimeError(
            "one_hot is only applicable to index tensor of type LongTensor.\n"
            "hint: class indices must be int64; use labels.long()."
        )
    xp = backend.array_module(tensor._data)
    a = tensor._data
    if a.size and int(a.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    elif a.size and int(a.max()) >= num_classes:
        raise RuntimeError(
            "Class values must be smaller than num_classes.\n"
            f"hint: the largest label is {int(a.max())}, so num_classes must be at least {int(a.max()) + 1}."
        )
    out = (a[..., None] == xp.arange(num_classes)).astype(np.int64)
    return Tensor._make(out)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Any = None) -> Tensor:
    """``x / max(‖x‖_p, eps)`` along ``dim`` (unit-length rows by default).

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.normalize(torch.tensor([[3.0, 4.0]]))
    tensor([[0.6000, 0.8000]])
    """
    if p == 2:
        norm = (input * input).sum(dim, keepdim=True).sqrt()
    elif p == 1:
        norm = input.abs().sum(dim, keepdim=True)
    else:
        norm = (input.abs() ** p).sum(dim, keepdim=True) ** (1.0 / p)
    denom = where(norm > eps, norm, eps)
    return input / denom.expand_as(input)

"""``nn.functional`` activations: thin wrappers over the primitives in ``ops/``.

The primitives with their own backward live in ``learntorch/ops/activation.py``
(softmax family, GELU, ELU, ...) and ``ops/unary.py`` (ReLU, sigmoid, tanh).
Here they get PyTorch's functional signatures (``inplace=``, ``dim=``, ``dtype=``).
"""

from __future__ import annotations

from typing import Any

from ..ops import unary
from ..ops.activation import (
    celu,
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    selu,
    silu,
    softmax,
    softplus,
)
from ..tensor import Tensor

__all__ = [
    "relu", "relu_", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid",
    "tanh", "softplus", "softmax", "log_softmax", "softmin", "hardtanh", "prelu", "logsigmoid",
]  # fmt: skip


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)``; ``inplace=True`` overwrites ``input`` (and returns it).

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.relu(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return input.relu_() if inplace else unary.relu(input)


def relu_(input: Tensor) -> Tensor:
    """In-place ReLU."""
    return input.relu_()


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)`` (its ``grad_fn`` is ``HardtanhBackward0``, as in PyTorch)."""
    return hardtanh(input, 0.0, 6.0, inplace)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``."""
    return unary.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent."""
    return unary.tanh(input)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype: Any = None) -> Tensor:
    """``softmax(-x)``: small values get large weights."""
    if dtype is not None:
        input = input.to(dtype)
    return softmax(-input, dim)


_ = (celu, elu, gelu, leaky_relu, log_softmax, logsigmoid, mish, prelu, selu, silu, softplus)

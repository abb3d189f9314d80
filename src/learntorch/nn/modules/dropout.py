"""Dropout layers: Dropout, Dropout1d, Dropout2d, Dropout3d.

Taught in note 000 §4, note 001 (nn.Module vs nn.functional: the module knows
``self.training``, the function needs ``training=``) and note 002 (train vs eval).
"""

from __future__ import annotations

from ...tensor import Tensor
from .. import functional as F
from .module import Module

__all__ = ["Dropout", "Dropout1d", "Dropout2d", "Dropout3d"]


class _DropoutNd(Module):
    __constants__ = ["p", "inplace"]

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(
                f"dropout probability has to be between 0 and 1, but got {p}\n"
                "hint: p is the probability of zeroing an element, e.g. nn.Dropout(p=0.2)."
            )
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """In training, zero each element with probability ``p`` and scale the rest by 1/(1 − p);
    in eval mode, the identity.

    The scaling keeps the expected value unchanged, so nothing needs rescaling at test time.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> dropout = nn.Dropout(p=0.2)
    >>> dropout
    Dropout(p=0.2, inplace=False)
    >>> x = torch.ones(1000)
    >>> bool((dropout(x) == 0).sum() > 100)        # about 200 zeros
    True
    >>> dropout.eval()(x).sum()                    # eval: unchanged
    tensor(1000.)
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training, self.inplace)


class Dropout1d(_DropoutNd):
    """Zero whole channels of (N, C, L) with probability ``p`` (the same mask along L)."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout1d(input, self.p, self.training, self.inplace)


class Dropout2d(_DropoutNd):
    """Zero whole channels (feature maps) of (N, C, H, W) with probability ``p``."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout2d(input, self.p, self.training, self.inplace)


class Dropout3d(_DropoutNd):
    """Zero whole channels of (N, C, D, H, W) with probability ``p``."""

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout3d(input, self.p, self.training, self.inplace)

"""Loss layers: the module forms of ``nn.functional``'s losses.

Each stores its options (``reduction``, ``weight``, ``ignore_index``...) and calls the
functional form. Class weights are registered as buffers, as in PyTorch, so they
move with ``.to(device)``. Taught in note 002 (损失函数), note 003 (L1/MSE/CrossEntropy)
and note 004 (CrossEntropyLoss arguments).
"""

from __future__ import annotations

from typing import Any

from ...tensor import Tensor
from .. import functional as F
from .._functional_loss import legacy_reduction
from .module import Module

__all__ = [
    "L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "KLDivLoss",
]  # fmt: skip


class _Loss(Module):
    reduction: str

    def __init__(self, size_average: Any = None, reduce: Any = None, reduction: str = "mean") -> None:
        super().__init__()
        if size_average is not None or reduce is not None:
            self.reduction = legacy_reduction(size_average, reduce)
        else:
            self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.weight: Tensor | None


class L1Loss(_Loss):
    """Mean absolute error ``|x - y|``.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.L1Loss()(torch.tensor([2.5, 3.0, 4.5]), torch.tensor([3.0, 3.0, 5.0]))
    tensor(0.3333)
    """

    __constants__ = ["reduction"]

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """Mean squared error ``(x - y)²``.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.MSELoss()(torch.tensor([2.5, 3.0, 4.5]), torch.tensor([3.0, 3.0, 5.0]))
    tensor(0.1667)
    """

    __constants__ = ["reduction"]

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Squared error below ``beta``, absolute error above it."""

    __constants__ = ["reduction"]

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean", beta: float = 1.0
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Squared error below ``delta``, ``delta``-scaled absolute error above it."""

    __constants__ = ["reduction", "delta"]

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of the target classes, given log-probabilities."""

    __constants__ = ["ignore_index", "reduction"]

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(
            input, target, weight=self.weight, ignore_index=self.ignore_index, reduction=self.reduction
        )


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy between raw scores (logits) and class indices or class probabilities.

    Args:
        weight: a manual rescaling weight per class.
        ignore_index: a target value that contributes nothing (and is not counted in the mean).
        reduction: ``'none'``, ``'mean'`` (default) or ``'sum'``.
        label_smoothing: mix the targets with the uniform distribution by this amount.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.CrossEntropyLoss()(torch.tensor([[1.2, 0.3, -0.5]]), torch.tensor([0]))
    tensor(0.4633)
    """

    __constants__ = ["ignore_index", "reduction", "label_smoothing"]

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        ignore_index: int = -100,
        reduce: Any = None,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(
            input,
            target,
            weight=self.weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
        )

    def _error_hint(
        self, exc: BaseException, input: Any = None, target: Any = None, *a: Any, **k: Any
    ) -> str | None:
        if isinstance(exc, IndexError) and isinstance(input, Tensor) and input.ndim >= 1:
            c = input.shape[1] if input.ndim >= 2 else input.shape[0]
            return f"got scores for {c} classes; every target must be in 0..{c - 1}"
        return None


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities (apply a sigmoid first); logs clamped at -100.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.BCELoss()(torch.tensor([0.7, 0.2, 0.9]), torch.tensor([1., 0., 1.]))
    tensor(0.2284)
    """

    __constants__ = ["reduction"]

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross-entropy in one numerically stable step; ``pos_weight`` scales positives."""

    def __init__(
        self,
        weight: Tensor | None = None,
        size_average: Any = None,
        reduce: Any = None,
        reduction: str = "mean",
        pos_weight: Tensor | None = None,
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)
        self.weight: Tensor | None
        self.pos_weight: Tensor | None

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(
            input, target, self.weight, pos_weight=self.pos_weight, reduction=self.reduction
        )


class KLDivLoss(_Loss):
    """KL divergence with ``input`` as log-probabilities; prefer ``reduction='batchmean'``."""

    __constants__ = ["reduction"]

    def __init__(
        self, size_average: Any = None, reduce: Any = None, reduction: str = "mean", log_target: bool = False
    ) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)

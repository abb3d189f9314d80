"""``nn.functional`` losses: argument checks and compositions around ``ops/loss.py``.

Cross-entropy is ``log_softmax`` followed by ``nll_loss`` (as in PyTorch, so its
``grad_fn`` is ``NllLossBackward0``); L1 and KL divergence are compositions of tensor
ops. Taught in note 002 (损失函数) and note 004 (CrossEntropyLoss arguments).
"""

from __future__ import annotations

import warnings
from typing import Any

from .. import dtypes
from ..ops.activation import _scalar_name, log_softmax
from ..ops.arith import where
from ..ops.loss import (
    bce_logits_raw,
    bce_raw,
    div_scalar,
    huber_raw,
    mse_loss_raw,
    nll_loss_raw,
    smooth_l1_raw,
)
from ..tensor import Tensor

__all__ = [
    "l1_loss", "mse_loss", "smooth_l1_loss", "huber_loss", "cross_entropy", "nll_loss",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div",
]  # fmt: skip


def legacy_reduction(size_average: Any, reduce: Any, emit_warning: bool = True) -> str:
    """Map the deprecated ``size_average`` / ``reduce`` flags to a ``reduction`` string."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = ("mean" if size_average else "sum") if reduce else "none"
    if emit_warning:
        warnings.warn(
            f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
            UserWarning,
            stacklevel=3,
        )
    return ret


def _reduction(reduction: str, size_average: Any = None, reduce: Any = None) -> str:
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _warn_broadcast(input: Tensor, target: Tensor) -> None:
    if target.shape != input.shape:
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
            "same size.",
            UserWarning,
            stacklevel=3,
        )


def _as_tensor_pair(input: Tensor, target: Any) -> tuple[Tensor, Tensor]:
    """Promote input and target to one floating dtype (PyTorch computes losses in it)."""
    dt = dtypes.result_type(input, target)
    if not dt.is_floating_point:
        dt = dtypes.get_default_dtype()
    return (input if input.dtype == dt else input.to(dt)), (target if target.dtype == dt else target.to(dt))


# ---------------------------------------------------------------- regression
def l1_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:  # fmt: skip
    """Mean (or sum) of ``|input - target|``.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.l1_loss(torch.tensor([2.5, 3.0, 4.5]), torch.tensor([3.0, 3.0, 5.0]))
    tensor(0.3333)
    """
    reduction = _reduction(reduction, size_average, reduce)
    _warn_broadcast(input, target)
    loss = (input - target).abs()
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def mse_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
    weight: Tensor | None = None,
) -> Tensor:  # fmt: skip
    """Mean (or sum) of ``(input - target)²``.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.mse_loss(torch.tensor([2.5, 3.0, 4.5]), torch.tensor([3.0, 3.0, 5.0]))
    tensor(0.1667)
    """
    reduction = _reduction(reduction, size_average, reduce)
    _warn_broadcast(input, target)
    x, y = _as_tensor_pair(input, target)
    if weight is not None:
        return _reduce((x - y) ** 2 * weight, reduction)
    return mse_loss_raw(x, y, reduction)


def smooth_l1_loss(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
    beta: float = 1.0,
) -> Tensor:  # fmt: skip
    """Squared error below ``beta``, absolute error above it (scaled to meet smoothly)."""
    reduction = _reduction(reduction, size_average, reduce)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:  # PyTorch falls back to the L1 loss (so grad_fn is MeanBackward0 etc.)
        return l1_loss(input, target, reduction=reduction)
    _warn_broadcast(input, target)
    x, y = _as_tensor_pair(input, target)
    return smooth_l1_raw(x, y, reduction, beta)


def huber_loss(
    input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0, weight: Tensor | None = None
) -> Tensor:
    """Squared error below ``delta``, ``delta``-scaled absolute error above it."""
    reduction = _reduction(reduction)
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    _warn_broadcast(input, target)
    x, y = _as_tensor_pair(input, target)
    if weight is not None:
        return _reduce(huber_raw(x, y, "none", delta) * weight, reduction)
    return huber_raw(x, y, reduction, delta)


# ---------------------------------------------------------------- classification
def _check_nll_shapes(input: Tensor, target: Tensor) -> None:
    if input.ndim < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {input.ndim})")
    if input.ndim == 1:
        if target.ndim != 0:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        return
    if target.ndim == 0 or input.shape[0] != target.shape[0]:
        raise ValueError(
            f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
            f"({target.shape[0] if target.ndim else 1}).\n"
            "hint: the model's output has one row per sample; give one class index per sample."
        )
    if input.ndim == 2 and target.ndim != 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if input.ndim > 2 and (target.ndim != input.ndim - 1 or target.shape[1:] != input.shape[2:]):
        raise RuntimeError(
            f"Expected target size {list(input.shape[:1]) + list(input.shape[2:])}, got {list(target.shape)}"
        )


def _check_targets(target: Tensor, n_classes: int, ignore_index: int) -> None:
    if not (target.dtype == dtypes.int64 or target.dtype == dtypes.uint8):
        raise RuntimeError(
            f"expected target dtype to be Long or Byte, but got {_scalar_name(target.dtype)}\n"
            "hint: class-index targets must be integers (labels.long()); for class probabilities use "
            "a float target with the same shape as the input."
        )
    t = target._data
    bad = ((t < 0) | (t >= n_classes)) & (t != ignore_index)
    if bad.any():
        value = int(t[bad].reshape(-1)[0])
        raise IndexError(
            f"Target {value} is out of bounds.\n"
            f"hint: with {n_classes} classes the labels must lie in 0..{n_classes - 1}; check the "
            "output size of the last layer or the label encoding."
        )


def nll_loss(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    ignore_index: int = -100, reduce: Any = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """Negative log-likelihood of the target classes, given log-probabilities ``input``.

    ``input`` is (C,), (N, C) or (N, C, d1, ...); ``target`` holds class indices.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.nll_loss(torch.tensor([[-1.0, -2.0], [-3.0, -0.5]]), torch.tensor([0, 1]))
    tensor(0.7500)
    """
    reduction = _reduction(reduction, size_average, reduce)
    _check_nll_shapes(input, target)
    n_classes = input.shape[1] if input.ndim >= 2 else input.shape[0]
    _check_targets(target, n_classes, ignore_index)
    if weight is not None and weight.numel() != n_classes:
        raise RuntimeError(
            f"weight tensor should be defined either for all {n_classes} classes or no classes but got "
            f"weight tensor of shape: {list(weight.shape)}"
        )
    w = None if weight is None else weight._data
    return nll_loss_raw(input, target._data.astype("int64", copy=False), w, reduction, ignore_index)


def cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    ignore_index: int = -100, reduce: Any = None, reduction: str = "mean", label_smoothing: float = 0.0,
) -> Tensor:  # fmt: skip
    """Cross-entropy between raw scores ``input`` and ``target`` (class indices or probabilities).

    Equals ``nll_loss(log_softmax(input, 1), target)`` for class indices; also supports
    ``weight`` (per class), ``ignore_index``, ``label_smoothing`` and K-dimensional inputs
    (N, C, d1, ...). A float ``target`` with the input's shape holds class probabilities.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.cross_entropy(torch.tensor([[1.2, 0.3, -0.5]]), torch.tensor([0]))
    tensor(0.4633)
    """
    reduction = _reduction(reduction, size_average, reduce)
    if not 0.0 <= label_smoothing <= 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}")
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    if target.dtype.is_floating_point and target.shape == input.shape:
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing, class_dim)
    logp = log_softmax(input, class_dim)
    nll = nll_loss(logp, target, weight, None, ignore_index, None, reduction)
    if label_smoothing == 0.0:
        return nll
    # the smoothing term: -Σ_c w_c log p_c / C per element, ignoring ignore_index positions
    xp_t = target._data
    valid = Tensor._make((xp_t != ignore_index).astype(logp._data.dtype))
    shape = [1] * logp.ndim
    shape[class_dim] = n_classes
    wl = logp if weight is None else logp * weight.reshape(shape)
    smooth = -wl.sum(class_dim) * valid
    if reduction == "mean":
        if weight is None:
            smooth = smooth.sum() / valid.sum()
        else:
            safe_t = Tensor._make(((xp_t != ignore_index) * xp_t).astype("int64"))
            wt = Tensor._make(weight._data[safe_t._data]) * valid
            smooth = smooth.sum() / wt.sum()
    elif reduction == "sum":
        smooth = smooth.sum()
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(
    input: Tensor,
    target: Tensor,
    weight: Tensor | None,
    reduction: str,
    label_smoothing: float,
    class_dim: int,
) -> Tensor:
    n_classes = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    prod = logp * target
    if weight is not None:
        shape = [1] * logp.ndim
        shape[class_dim] = n_classes
        prod = prod * weight.reshape(shape)
    if reduction == "none":
        return -prod.sum(class_dim)
    total = -prod.sum()
    if reduction == "sum":
        return total
    return div_scalar(total, input.numel() // n_classes if input.ndim > 1 else 1)


def binary_cross_entropy(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    reduce: Any = None, reduction: str = "mean",
) -> Tensor:  # fmt: skip
    """Binary cross-entropy of probabilities ``input`` against 0/1 (or soft) targets.

    Each log is clamped at -100, as PyTorch does, so a probability of exactly 0 or 1
    gives a large but finite loss.

    >>> import learntorch as torch
    >>> import learntorch.nn.functional as F
    >>> F.binary_cross_entropy(torch.tensor([0.7, 0.2, 0.9]), torch.tensor([1., 0., 1.]))
    tensor(0.2284)
    """
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}) is "
            "deprecated. Please ensure they have the same size.\n"
            "hint: squeeze or reshape the model output (e.g. out.squeeze(1)) to match the labels."
        )
    x, y = _as_tensor_pair(input, target)
    if weight is not None and weight.shape != x.shape:
        weight = weight.expand_as(x)
    return bce_raw(x, y, weight, reduction)


def binary_cross_entropy_with_logits(
    input: Tensor, target: Tensor, weight: Tensor | None = None, size_average: Any = None,
    reduce: Any = None, reduction: str = "mean", pos_weight: Tensor | None = None,
) -> Tensor:  # fmt: skip
    """``binary_cross_entropy(sigmoid(input), target)`` computed stably from raw scores.

    ``pos_weight`` scales the positive term (one value per class, broadcast over the last dim).
    """
    reduction = _reduction(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise ValueError(
            f"Target size ({target.shape}) must be the same as input size ({input.shape})\n"
            "hint: one label per output score; reshape the output or the labels."
        )
    x, y = _as_tensor_pair(input, target)
    if weight is not None and weight.shape != x.shape:
        weight = weight.expand_as(x)
    if pos_weight is not None and pos_weight.shape != x.shape:
        pos_weight = pos_weight.expand_as(x)
    return bce_logits_raw(x, y, weight, pos_weight, reduction)


def kl_div(
    input: Tensor, target: Tensor, size_average: Any = None, reduce: Any = None, reduction: str = "mean",
    log_target: bool = False,
) -> Tensor:  # fmt: skip
    """KL divergence ``Σ target · (log target - input)`` with ``input`` given as log-probabilities.

    ``reduction='batchmean'`` divides the sum by the batch size (the mathematical
    definition); ``'mean'`` divides by the number of elements (PyTorch warns about it).
    """
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    elif reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            UserWarning,
            stacklevel=2,
        )
    if reduction not in ("none", "mean", "sum", "batchmean"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    if log_target:
        loss = target.exp() * (target - input)
    else:
        safe = where(target > 0, target, 1.0)
        loss = target * safe.log() - target * input
    if reduction == "batchmean":
        return loss.sum() / input.shape[0] if input.ndim else loss.sum()
    return _reduce(loss, reduction)

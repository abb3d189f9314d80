"""Loss primitives with their own backward: NLL, MSE, smooth L1 / Huber, BCE, BCE with logits.

``nn.functional`` composes cross-entropy, L1 and KL divergence from these and from
ordinary tensor ops (that is also how PyTorch builds them, so ``grad_fn`` names match).
Each backward is written with tensor ops or with a partner ``Op``, so double backward
works. Taught in note 002 (损失函数) and note 004 (L1/MSE/CrossEntropy).
"""

from __future__ import annotations

from typing import Any

from ..autograd.function import Op
from ..tensor import Tensor
from ._util import _quiet, unbroadcast
from .arith import where
from .unary import sigmoid

__all__ = [
    "div_scalar",
    "nll_loss_raw",
    "mse_loss_raw",
    "smooth_l1_raw",
    "huber_raw",
    "bce_raw",
    "bce_logits_raw",
]

_REDUCTIONS = ("none", "mean", "sum")


def _reduce_array(xp: Any, loss: Any, reduction: str) -> Any:
    if reduction == "mean":
        return xp.asarray(loss.mean(), dtype=loss.dtype)
    if reduction == "sum":
        return xp.asarray(loss.sum(), dtype=loss.dtype)
    return loss


def _grad_scale(grad: Tensor, reduction: str, n: int) -> Tensor:
    """The upstream gradient as seen by each element of the unreduced loss."""
    if reduction == "mean":
        return grad / n
    return grad


class DivScalar(Op):
    """y = x / c for a Python number c (PyTorch's scalar overload, node ``DivBackward1``)"""

    node_name = "DivBackward1"

    @staticmethod
    def forward(ctx, x, c):
        ctx.c = c
        return (x / c).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return grad / ctx.c, None


def div_scalar(x: Tensor, c: float) -> Tensor:
    return DivScalar.apply(x, c)


# ---------------------------------------------------------------- negative log likelihood
def _nll_pieces(xp: Any, shape: tuple, target: Any, weight: Any, ignore_index: int, dt: Any) -> tuple:
    """Per-element class weights (0 where ignored) and targets safe to index with."""
    valid = target != ignore_index
    safe_t = xp.where(valid, target, 0)
    n_classes = shape[1] if len(shape) >= 2 else shape[0]
    w = xp.ones(n_classes, dtype=dt) if weight is None else weight.astype(dt, copy=False)
    return valid, safe_t, xp.where(valid, w[safe_t], 0).astype(dt, copy=False)


def _gather_class(xp: Any, x: Any, t: Any) -> Any:
    """x[n, t[n, ...], ...] for (N, C, ...) inputs, or x[t] for a (C,) input."""
    if x.ndim == 1:
        return x[t]
    return xp.take_along_axis(x, xp.expand_dims(t, 1), axis=1).squeeze(1)


def _ordered_sum(xp: Any, rows: Any) -> Any:
    """Left-to-right sum of each row, rounding after every addition (in the array's dtype)."""
    acc = xp.zeros(rows.shape[0], dtype=rows.dtype)
    for j in range(rows.shape[1]):
        acc = acc + rows[:, j]
    return acc


def _cascade_sum(xp: Any, v: Any, levels: int = 8, step: int = 16) -> Any:
    """Sum ``v`` in the order of PyTorch's CPU ``nll_loss`` kernel, so the loss is bit-identical.

    The kernel adds each element to a level-0 partial sum and, at every index that is a
    multiple of ``step``, pushes the partial sum one level up (recursively, 8 levels), then
    adds the levels' leftovers from the bottom. Each level therefore sees chunks
    ``[0], [1..16], [17..32], ...`` of the sums from the level below.
    """
    total = xp.zeros((), dtype=v.dtype)
    for level in range(levels):
        if v.shape[0] == 0:
            break
        if level == levels - 1:
            return total + _ordered_sum(xp, v[None, :])[0]
        k = (v.shape[0] - 1) // step
        rest = v[1 + step * k :]
        if rest.shape[0]:
            total = total + _ordered_sum(xp, rest[None, :])[0]
        v = xp.concatenate([v[:1], _ordered_sum(xp, v[1 : 1 + step * k].reshape(k, step))])
    return total


class NllLoss(Op):
    """loss = -w[t] · x[t] per element, then summed / averaged over the total weight"""

    @staticmethod
    def forward(ctx, x, target, weight, reduction, ignore_index):
        xp = ctx.xp
        valid, safe_t, w = _nll_pieces(xp, x.shape, target, weight, ignore_index, x.dtype)
        picked = -_gather_class(xp, x, safe_t) * w
        total = w.sum()
        ctx.args = (target, weight, reduction, ignore_index, x.shape, total)
        if reduction == "none":
            return picked.astype(x.dtype, copy=False)
        if x.ndim == 2 and ctx._forward_cls is NllLoss and bool(valid.all()):
            # (N, C) input: add up in torch's order (its cascade of partial sums), so that
            # loss.item() prints the same digits as PyTorch's
            s = _cascade_sum(xp, picked.astype(x.dtype, copy=False))
            if reduction == "mean":
                total = xp.asarray(x.shape[0], dtype=x.dtype) if weight is None else _cascade_sum(xp, w)
                ctx.args = (*ctx.args[:5], total)
                s = s / total
            return xp.asarray(s, dtype=x.dtype)
        s = picked.sum()
        if reduction == "mean":
            s = s / total
        return xp.asarray(s, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        target, weight, reduction, ignore_index, shape, total = ctx.args
        return (
            NllLossGrad.apply(grad, target, weight, reduction, ignore_index, shape, total),
            None,
            None,
            None,
            None,
        )


class NllLossGrad(Op):
    """d loss / d x: -w[t]·grad scattered into the target class slots (zeros elsewhere)"""

    node_name = "NllLossBackwardBackward0"

    @staticmethod
    def forward(ctx, g, target, weight, reduction, ignore_index, shape, total):
        xp = ctx.xp
        valid, safe_t, w = _nll_pieces(xp, shape, target, weight, ignore_index, g.dtype)
        ctx.args = (target, weight, reduction, ignore_index)
        scale = -w * g if reduction == "none" else -w * (g / total if reduction == "mean" else g)
        out = xp.zeros(shape, dtype=g.dtype)
        if len(shape) == 1:
            out[safe_t] = scale
        else:
            xp.put_along_axis(
                out, xp.expand_dims(safe_t, 1), xp.expand_dims(scale, 1).astype(g.dtype), axis=1
            )
        return out

    @staticmethod
    def backward(ctx, gg):
        target, weight, reduction, ignore_index = ctx.args
        # the adjoint of "scatter into the target slots" is "gather from them": NLL itself
        return NllLoss.apply(gg, target, weight, reduction, ignore_index), *([None] * 6)


def nll_loss_raw(logp: Tensor, target: Any, weight: Any, reduction: str, ignore_index: int) -> Tensor:
    """NLL on log-probabilities ``logp`` with ``target``/``weight`` given as arrays."""
    op = NllLoss.variant("NllLoss2DBackward0") if logp.ndim == 4 else NllLoss
    return op.apply(logp, target, weight, reduction, ignore_index)


# ---------------------------------------------------------------- regression losses
class _PairLoss(Op):
    """Shared shape of pointwise (input, target) losses: broadcast, then reduce."""

    _abstract = True

    @staticmethod
    def pointwise(ctx: Any, xp: Any, d: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def dloss(ctx: Any, d: Tensor) -> Tensor:
        raise NotImplementedError

    @classmethod
    def forward(cls, ctx, x, y, reduction, param):
        xp = ctx.xp
        ctx.param = param
        ctx.reduction = reduction
        ctx.save_for_backward(x, y)
        d = x - y
        ctx.n = d.size
        return _reduce_array(xp, cls.pointwise(ctx, xp, d).astype(d.dtype, copy=False), reduction)

    @classmethod
    def backward(cls, ctx, grad):
        x, y = ctx.saved_tensors
        g = cls.dloss(ctx, x - y) * _grad_scale(grad, ctx.reduction, ctx.n)
        gx = unbroadcast(g, x.shape) if ctx.needs_input_grad[0] else None
        gy = unbroadcast(-g, y.shape) if ctx.needs_input_grad[1] else None
        return gx, gy, None, None


class MseLoss(_PairLoss):
    """loss = (x - y)²;  d/dx = 2 (x - y)"""

    @staticmethod
    def pointwise(ctx, xp, d):
        return d * d

    @staticmethod
    def dloss(ctx, d):
        return d * 2


class SmoothL1Loss(_PairLoss):
    """loss = 0.5 d²/β if |d| < β else |d| - 0.5β;  d/dx = d/β or sign(d)"""

    @staticmethod
    def pointwise(ctx, xp, d):
        beta = ctx.param
        a = xp.abs(d)
        if beta == 0:
            return a
        return xp.where(a < beta, 0.5 * d * d / beta, a - 0.5 * beta)

    @staticmethod
    def dloss(ctx, d):
        beta = ctx.param
        if beta == 0:
            return d.sign()
        return where(d.abs() < beta, d / beta, d.sign())


class HuberLoss(_PairLoss):
    """loss = 0.5 d² if |d| <= δ else δ(|d| - 0.5δ);  d/dx = d or δ·sign(d)"""

    @staticmethod
    def pointwise(ctx, xp, d):
        delta = ctx.param
        a = xp.abs(d)
        return xp.where(a <= delta, 0.5 * d * d, delta * (a - 0.5 * delta))

    @staticmethod
    def dloss(ctx, d):
        delta = ctx.param
        return where(d.abs() <= delta, d, d.sign() * delta)


def mse_loss_raw(x: Tensor, y: Tensor, reduction: str) -> Tensor:
    return MseLoss.apply(x, y, reduction, None)


def smooth_l1_raw(x: Tensor, y: Tensor, reduction: str, beta: float) -> Tensor:
    return SmoothL1Loss.apply(x, y, reduction, float(beta))


def huber_raw(x: Tensor, y: Tensor, reduction: str, delta: float) -> Tensor:
    return HuberLoss.apply(x, y, reduction, float(delta))


# ---------------------------------------------------------------- binary cross-entropy
class BinaryCrossEntropy(Op):
    """loss = -w (y·log x + (1-y)·log(1-x)), each log clamped at -100 (as PyTorch does)"""

    @staticmethod
    def forward(ctx, x, y, w, reduction):
        xp = ctx.xp
        if ((x < 0) | (x > 1)).any():
            raise RuntimeError(
                "all elements of input should be between 0 and 1\n"
                "hint: BCELoss takes probabilities; apply torch.sigmoid first, or use BCEWithLogitsLoss "
                "on the raw scores."
            )
        with _quiet(xp):
            log_x = xp.maximum(xp.log(x), -100)
            log_1mx = xp.maximum(xp.log1p(-x), -100)
        loss = -(y * log_x + (1 - y) * log_1mx)
        if w is not None:
            loss = loss * w
        ctx.reduction = reduction
        ctx.n = loss.size
        ctx.save_for_backward(x, y, w)
        return _reduce_array(xp, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y, w = ctx.saved_tensors
        g = _grad_scale(grad, ctx.reduction, ctx.n)
        if w is not None:
            g = g * w
        gx = gy = None
        if ctx.needs_input_grad[0]:
            denom = (1 - x) * x
            denom = where(denom > 1e-12, denom, 1e-12)
            gx = unbroadcast(g * (x - y) / denom, x.shape)
        if ctx.needs_input_grad[1]:
            gy = unbroadcast(g * (_clamped_log(1 - x) - _clamped_log(x)), y.shape)
        return gx, gy, None, None


class BinaryCrossEntropyWithLogits(Op):
    """loss = -w [p·y·log σ(x) + (1-y)·log(1-σ(x))];  d/dx = w [σ(x)(p·y + 1 - y) - p·y]"""

    @staticmethod
    def forward(ctx, x, y, w, pos_weight, reduction):
        xp = ctx.xp
        # log(1 + exp(-|x|)) + max(-x, 0) = -log σ(x), computed without overflow
        neg_log_sig = xp.log1p(xp.exp(-xp.abs(x))) + xp.maximum(-x, 0)
        if pos_weight is not None:
            loss = (1 - y) * x + (1 + (pos_weight - 1) * y) * neg_log_sig
        else:
            loss = (1 - y) * x + neg_log_sig
        if w is not None:
            loss = loss * w
        ctx.reduction = reduction
        ctx.n = loss.size
        ctx.save_for_backward(x, y, w, pos_weight)
        return _reduce_array(xp, loss.astype(x.dtype, copy=False), reduction)

    @staticmethod
    def backward(ctx, grad):
        x, y, w, pw = ctx.saved_tensors
        g = _grad_scale(grad, ctx.reduction, ctx.n)
        if w is not None:
            g = g * w
        gx = gy = None
        s = sigmoid(x)
        if ctx.needs_input_grad[0]:
            d = s - y if pw is None else s * (pw * y + 1 - y) - pw * y
            gx = unbroadcast(g * d, x.shape)
        if ctx.needs_input_grad[1]:
            # d/dy = -p·log σ(x) + log(1 - σ(x)) = -p·log σ(x) + log σ(x) - x
            log_sig = -_neg_log_sigmoid(x)
            d = (log_sig - x) - log_sig if pw is None else (log_sig - x) - pw * log_sig
            gy = unbroadcast(g * d, y.shape)
        return gx, gy, None, None, None


def _clamped_log(t: Tensor) -> Tensor:
    """log(t) clamped below at -100 (e^-100 ≈ 3.7e-44), written with differentiable ops."""
    floor = 3.720075976020836e-44
    return where(t > floor, t, floor).log()


def _neg_log_sigmoid(x: Tensor) -> Tensor:
    from .activation import softplus  # noqa: PLC0415

    return softplus(-x)


def bce_raw(x: Tensor, y: Tensor, weight: Tensor | None, reduction: str) -> Tensor:
    return BinaryCrossEntropy.apply(x, y, weight, reduction)


def bce_logits_raw(
    x: Tensor, y: Tensor, weight: Tensor | None, pos_weight: Tensor | None, reduction: str
) -> Tensor:
    return BinaryCrossEntropyWithLogits.apply(x, y, weight, pos_weight, reduction)

"""Normalization: batch norm, layer norm and group norm.

All three compute the same thing over different axes,

    x̂ = (x − mean) / sqrt(var + eps),    y = x̂ · weight + bias,

with the *biased* variance (divide by n). They differ only in which elements
share a mean: batch norm over the batch and spatial positions of one channel,
layer norm over the last few dimensions of one sample, group norm over a group of
channels of one sample.

Their backward is one formula (with ``g = dy · weight``):

    dx = (g − mean(g) − x̂ · mean(g · x̂)) / sqrt(var + eps)

written here with tensor operations on the saved input, so that second
derivatives (``create_graph=True``) come out right too.

Batch norm also keeps *running* statistics for evaluation: in training mode the
op updates ``running_mean``/``running_var`` in place with the batch mean and the
*unbiased* variance (divide by n − 1), weighted by ``momentum``.
"""

from __future__ import annotations

from typing import Any

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor

__all__ = ["batch_norm", "layer_norm", "group_norm"]


def _moments(x: Any, axes: tuple) -> tuple[Any, Any]:
    """Mean and biased variance over ``axes`` (kept as size-1 dims), in x's dtype."""
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = (xc * xc).mean(axis=axes, keepdims=True)
    return mean.astype(x.dtype, copy=False), var.astype(x.dtype, copy=False)


def _normalize_grad(x: Tensor, g: Tensor, axes: tuple, eps: float) -> tuple[Tensor, Tensor]:
    """dx from g = dy·weight for x̂ = normalize(x over axes); also returns x̂. Tensor ops only."""
    mean = x.mean(dim=axes, keepdim=True)
    xc = x - mean
    invstd = ((xc * xc).mean(dim=axes, keepdim=True) + eps) ** -0.5
    xhat = xc * invstd
    gx = invstd * (g - g.mean(dim=axes, keepdim=True) - xhat * (g * xhat).mean(dim=axes, keepdim=True))
    return gx, xhat


def _param_shape(ndim: int, channel_axis: int = 1) -> tuple:
    return tuple(-1 if i == channel_axis else 1 for i in range(ndim))


class NativeBatchNorm(Op):
    """y = (x − μ)/σ · w + b per channel (batch stats when training, running stats otherwise)"""

    @staticmethod
    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, eps):
        axes = (0, *range(2, x.ndim))
        pshape = _param_shape(x.ndim)
        if training:
            mean, var = _moments(x, axes)
            if running_mean is not None:
                n = x.size // x.shape[1]
                running_mean *= 1 - momentum
                running_mean += momentum * mean.reshape(-1)
            if running_var is not None:
                n = x.size // x.shape[1]
                running_var *= 1 - momentum
                running_var += (momentum * n / max(n - 1, 1)) * var.reshape(-1)
        else:
            mean, var = running_mean.reshape(pshape).copy(), running_var.reshape(pshape)
        invstd = 1 / backend.array_module(x).sqrt(var + eps)
        y = (x - mean) * invstd
        if w is not None:
            y = y * w.reshape(pshape)
        if b is not None:
            y = y + b.reshape(pshape)
        ctx.args = (training, eps, axes, pshape, w is not None, b is not None)
        if training:
            ctx.save_for_backward(x, w)
        else:
            ctx.save_for_backward(x, w, mean, invstd)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gy):
        training, eps, axes, pshape, has_w, has_b = ctx.args
        saved = ctx.saved_tensors
        x, w = saved[0], saved[1]
        g = gy * w.reshape(pshape) if has_w else gy
        if training:
            gx, xhat = _normalize_grad(x, g, axes, eps)
        else:
            mean, invstd = saved[2], saved[3]
            xhat = (x - mean) * invstd
            gx = g * invstd
        need = ctx.needs_input_grad
        gw = (gy * xhat).sum(dim=axes) if has_w and need[1] else None
        gb = gy.sum(dim=axes) if has_b and need[2] else None
        return (gx if need[0] else None), gw, gb, None, None, None, None, None


class NativeLayerNorm(Op):
    """y = (x − μ)/σ · w + b, statistics over the last ``k`` dims of each sample"""

    @staticmethod
    def forward(ctx, x, w, b, k, eps):
        axes = tuple(range(x.ndim - k, x.ndim))
        mean, var = _moments(x, axes)
        y = (x - mean) / backend.array_module(x).sqrt(var + eps)
        if w is not None:
            y = y * w
        if b is not None:
            y = y + b
        ctx.args = (axes, eps, w is not None, b is not None)
        ctx.save_for_backward(x, w)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gy):
        axes, eps, has_w, has_b = ctx.args
        x, w = ctx.saved_tensors
        gx, xhat = _normalize_grad(x, gy * w if has_w else gy, axes, eps)
        lead = tuple(range(x.ndim - len(axes)))
        need = ctx.needs_input_grad
        gw = (gy * xhat).sum(dim=lead) if has_w and need[1] else None
        gb = gy.sum(dim=lead) if has_b and need[2] else None
        return (gx if need[0] else None), gw, gb, None, None


class NativeGroupNorm(Op):
    """y = (x − μ)/σ · w + b, statistics over each group of C/G channels of each sample"""

    @staticmethod
    def forward(ctx, x, w, b, groups, eps):
        n = x.shape[0]
        xr = x.reshape(n, groups, -1)
        mean, var = _moments(xr, (2,))
        y = ((xr - mean) / backend.array_module(x).sqrt(var + eps)).reshape(x.shape)
        pshape = _param_shape(x.ndim)
        if w is not None:
            y = y * w.reshape(pshape)
        if b is not None:
            y = y + b.reshape(pshape)
        ctx.args = (groups, eps, pshape, w is not None, b is not None)
        ctx.save_for_backward(x, w)
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gy):
        groups, eps, pshape, has_w, has_b = ctx.args
        x, w = ctx.saved_tensors
        n = x.shape[0]
        g = gy * w.reshape(pshape) if has_w else gy
        gx, xhat = _normalize_grad(x.reshape(n, groups, -1), g.reshape(n, groups, -1), (2,), eps)
        axes = (0, *range(2, x.ndim))
        need = ctx.needs_input_grad
        gw = (gy * xhat.reshape(x.shape)).sum(dim=axes) if has_w and need[1] else None
        gb = gy.sum(dim=axes) if has_b and need[2] else None
        return (gx.reshape(x.shape) if need[0] else None), gw, gb, None, None


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each channel over the batch (and spatial positions) (note 000 §BatchNorm, note 002).

    In training mode the batch statistics are used and the running ones updated in
    place: ``running = (1 − momentum)·running + momentum·batch`` (unbiased variance).
    Otherwise the running statistics are used.

    >>> import learntorch as torch
    >>> x = torch.tensor([[1.], [3.]])
    >>> rm, rv = torch.zeros(1), torch.ones(1)
    >>> batch_norm(x, rm, rv, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    >>> rm, rv
    (tensor([0.2000]), tensor([1.1000]))
    """
    c = input.shape[1] if input.ndim > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var), ("weight", weight),
                    ("bias", bias)):  # fmt: skip
        if t is not None and t.numel() != c:
            raise RuntimeError(
                f"{name} should contain {c} elements not {t.numel()}\n"
                f"hint: BatchNorm's num_features must equal the channel count (dim 1) of its input, here {c}."
            )
    if training:
        size = input.numel() // max(c, 1)
        if size == 1:
            raise ValueError(
                f"Expected more than 1 value per channel when training, got input size {input.shape}\n"
                "hint: batch statistics need at least two values per channel; use a batch larger than 1, or "
                "call model.eval() to use the running statistics."
            )
    elif running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    rm = running_mean._data if running_mean is not None else None
    rv = running_var._data if running_var is not None else None
    y = NativeBatchNorm.apply(input, weight, bias, rm, rv, bool(training), float(momentum or 0.0), float(eps))
    if training:  # the running statistics were changed in place
        for t in (running_mean, running_var):
            if t is not None:
                t._version_box[0] += 1
    return y


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each sample over its last ``len(normalized_shape)`` dimensions (note 002 §LayerNorm).

    >>> import learntorch as torch
    >>> layer_norm(torch.tensor([[1., 2., 3.]]), (3,))
    tensor([[-1.2247,  0.0000,  1.2247]])
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.ndim - k :]) != shape or input.ndim < k:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size{list(input.shape)}\n"
            f"hint: LayerNorm({list(shape)}) normalizes the last {k} dimension(s), which must equal "
            "normalized_shape; pass the trailing size(s) of the input."
        )
    return NativeLayerNorm.apply(input, weight, bias, k, float(eps))


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:  # fmt: skip
    """Normalize each group of ``C/num_groups`` channels of each sample.

    >>> import learntorch as torch
    >>> group_norm(torch.tensor([[1., 3., 5., 9.]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise RuntimeError(
            "Expected number of channels in input to be divisible by num_groups, but got input of shape "
            f"{list(input.shape)} and num_groups={num_groups}\n"
            "hint: choose num_groups so that it divides the number of channels."
        )
    return NativeGroupNorm.apply(input, weight, bias, int(num_groups), float(eps))

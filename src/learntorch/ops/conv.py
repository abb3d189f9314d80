"""Convolution: one strided window view plus one matrix product.

The array work lives in :mod:`.windows` (``_windows``, ``_col2im`` and the three directions
``_conv_forward``, ``_conv_input_grad``, ``_conv_weight_grad``); this file is the op and its arguments.

A transposed convolution (``ConvTranspose2d``) is the input-gradient of a plain
one, so its forward is ``_conv_input_grad`` and its backward is ``_conv_forward``.
Both directions are the single :class:`Convolution` op, whose graph node is
``ConvolutionBackward0`` as in PyTorch. Its backward is written with the same ops,
so second derivatives work.

Padding is kept internally as ``(low, high)`` pairs per spatial dimension, which
lets ``padding='same'`` with an even kernel pad one side more, like PyTorch.
"""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Op
from ..tensor import Tensor
from .windows import _conv_forward, _conv_input_grad, _conv_weight_grad

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "convolution",
]


# --------------------------------------------------------------------------------------
# the ops
# --------------------------------------------------------------------------------------
class Convolution(Op):
    """y = x ⋆ w + b  (or, transposed, y = x ⋆ᵀ w + b);  dx = dy ⋆ᵀ w (resp. dy ⋆ w),  dw = dy · windows(x)"""

    @staticmethod
    def forward(ctx, x, w, b, stride, pads, dilation, transposed, out_size, groups):
        ctx.args = (stride, pads, dilation, transposed, groups)
        ctx.shapes = (x.shape, w.shape, b is not None)
        if transposed:
            y = _conv_input_grad(x, w, out_size, stride, pads, dilation, groups)
        else:
            y = _conv_forward(x, w, stride, pads, dilation, groups)
        if b is not None:
            y += b.reshape((1, -1) + (1,) * (y.ndim - 2))
        ctx.save_for_backward(x, w)
        return y

    @staticmethod
    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        stride, pads, dilation, transposed, groups = ctx.args
        x_shape, w_shape, has_bias = ctx.shapes
        need = ctx.needs_input_grad
        gx = gw = gb = None
        if need[0]:
            if transposed:
                gx = Convolution.apply(gy, w, None, stride, pads, dilation, False, None, groups)
            else:
                gx = Convolution.apply(gy, w, None, stride, pads, dilation, True, tuple(x_shape[2:]), groups)
        if need[1]:
            if transposed:  # roles swap: the plain conv that goes from gy back to x
                gw = ConvolutionWeightGrad.apply(gy, x, tuple(w_shape[2:]), stride, pads, dilation, groups)
            else:
                gw = ConvolutionWeightGrad.apply(x, gy, tuple(w_shape[2:]), stride, pads, dilation, groups)
        if has_bias and need[2]:
            gb = gy.sum(dim=(0, *range(2, gy.ndim)))
        return gx, gw, gb, None, None, None, None, None, None


class ConvolutionWeightGrad(Op):
    """dw = dy · windows(x);  its own gradients are convolutions again (for double backward)"""

    node_name = "ConvolutionBackwardBackward0"

    @staticmethod
    def forward(ctx, x, gy, ksize, stride, pads, dilation, groups):
        ctx.args = (ksize, stride, pads, dilation, groups, tuple(x.shape[2:]))
        ctx.save_for_backward(x, gy)
        return _conv_weight_grad(x, gy, ksize, stride, pads, dilation, groups)

    @staticmethod
    def backward(ctx, ggw):
        x, gy = ctx.saved_tensors
        ksize, stride, pads, dilation, groups, in_size = ctx.args
        gx = ggy = None
        if ctx.needs_input_grad[0]:
            gx = Convolution.apply(gy, ggw, None, stride, pads, dilation, True, in_size, groups)
        if ctx.needs_input_grad[1]:
            ggy = Convolution.apply(x, ggw, None, stride, pads, dilation, False, None, groups)
        return gx, ggy, None, None, None, None, None


# --------------------------------------------------------------------------------------
# argument handling and PyTorch's checks
# --------------------------------------------------------------------------------------
def _ntuple(v: Any, n: int) -> tuple:
    if isinstance(v, (tuple, list)):
        if len(v) == 1 and n > 1:
            return tuple(int(v[0]) for _ in range(n))
        return tuple(int(a) for a in v)
    return (int(v),) * n


def _check_common(name: str, x: Tensor, w: Tensor, b: Tensor | None, nd: int) -> bool:
    """PyTorch's dimension and dtype checks; returns whether ``x`` is unbatched."""
    if x.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to {name}, but got input of size: "
            f"{list(x.shape)}\n"
            f"hint: {name} wants (batch, channels, {_spatial_words(nd)}); add a batch dimension with "
            ".unsqueeze(0), or a channel dimension for a single-channel image."
        )
    if w.ndim != nd + 2:
        raise RuntimeError(
            f"Expected {w.ndim}-dimensional input for {w.ndim}-dimensional weight {list(w.shape)}, but got "
            f"{x.ndim}-dimensional input of size {list(x.shape)} instead\n"
            f"hint: {name} needs a weight of shape (out_channels, in_channels/groups, "
            f"{', '.join(['kernel'] * nd)})."
        )
    if x.dtype != w.dtype:
        raise RuntimeError(
            f"expected scalar type {dtypes.scalar_type_name(x.dtype)} but found "
            f"{dtypes.scalar_type_name(w.dtype)}\n"
            "hint: input and weight must share a dtype; convert the input with .float() (or the model "
            "with .double())."
        )
    if b is not None and b.dtype != x.dtype:
        raise RuntimeError(
            f"Input type ({dtypes.c_type_name(x.dtype)}) and bias type "
            f"({dtypes.c_type_name(b.dtype)}) should be the same\n"
            "hint: convert the input or the bias so both have one dtype."
        )
    return x.ndim == nd + 1


def _spatial_words(nd: int) -> str:
    return {1: "length", 2: "height, width", 3: "depth, height, width"}[nd]


def _channel_error(x: Tensor, w: Tensor, groups: int, transposed: bool, expected: int) -> RuntimeError:
    head = f"Given transposed=1, weight of size {list(w.shape)}" if transposed else (
        f"Given groups={groups}, weight of size {list(w.shape)}")  # fmt: skip
    return RuntimeError(
        f"{head}, expected input{list(x.shape)} to have {expected} channels, but got {x.shape[1]} channels "
        "instead\n"
        f"hint: this layer expects {expected} input channels (in_channels={expected}) but the input has "
        f"{x.shape[1]}; set in_channels to the channel count the previous layer produces (dim 1 of the "
        "input), or fix the input's layout to (N, C, ...)."
    )


def _resolve_padding(padding: Any, nd: int, ks: tuple, stride: tuple, dilation: tuple) -> tuple:
    """``(low, high)`` per dimension, from an int, a tuple, ``'valid'`` or ``'same'``."""
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError(
                    "padding='same' is not supported for strided convolutions\n"
                    "hint: with stride > 1 the output cannot keep the input size; give padding as a number."
                )
            pads = []
            for k, d in zip(ks, dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise RuntimeError(f"Invalid padding string: '{padding}'\nhint: use 'same', 'valid' or a number.")
    return tuple((p, p) for p in _ntuple(padding, nd))


def convolution(input: Tensor, weight: Tensor, bias: Tensor | None, stride: Any, padding: Any,
                dilation: Any, transposed: bool, output_padding: Any, groups: int,
                nd: int | None = None) -> Tensor:  # fmt: skip
    """The one convolution behind ``conv1d/2d/3d`` and ``conv_transpose1d/2d/3d`` (``torch.convolution``)."""
    nd = weight.ndim - 2 if nd is None else nd
    name = f"conv_transpose{nd}d" if transposed else f"conv{nd}d"
    unbatched = _check_common(name, input, weight, bias, nd)
    x = input.unsqueeze(0) if unbatched else input
    ks = tuple(weight.shape[2:])
    stride = _ntuple(stride, nd)
    dilation = _ntuple(dilation, nd)
    pads = _resolve_padding(padding, nd, ks, stride, dilation)
    if weight.shape[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but got weight of "
            f"size [{list(weight.shape)}] instead\n"
            "hint: with groups > 1 the channels split into equal groups; the weight's first size must divide evenly."
        )
    if transposed:
        if x.shape[1] != weight.shape[0]:
            raise _channel_error(x, weight, groups, True, weight.shape[0])
        opad = _ntuple(output_padding, nd)
        if any(op >= s and op >= d for op, s, d in zip(opad, stride, dilation)):
            dims = (
                ["height", "width"]
                if nd == 2
                else ["depth", "height", "width"][-nd:]
                if nd == 3
                else ["width"]
            )
            raise RuntimeError(
                "output padding must be smaller than either stride or dilation, but got "
                + " ".join(f"output_padding_{d}: {v}" for d, v in zip(dims, opad)) + " "
                + " ".join(f"stride_{d}: {v}" for d, v in zip(dims, stride)) + " "
                + " ".join(f"dilation_{d}: {v}" for d, v in zip(dims, dilation))
                + "\nhint: output_padding only adds the few rows a stride > 1 leaves ambiguous; keep it "
                "below the stride."
            )  # fmt: skip
        out = tuple((x.shape[2 + i] - 1) * stride[i] - pads[i][0] - pads[i][1] + dilation[i] * (ks[i] - 1)
                    + opad[i] + 1 for i in range(nd))  # fmt: skip
        if any(o <= 0 for o in out):
            raise RuntimeError(
                f"Given input size per channel: ({' x '.join(str(s) for s in x.shape[2:])}). Calculated output "
                f"size per channel: ({' x '.join(str(s) for s in out)}). Output size is too small\n"
                "hint: reduce padding or use a larger input."
            )
    else:
        if x.shape[1] != weight.shape[1] * groups:
            raise _channel_error(x, weight, groups, False, weight.shape[1] * groups)
        padded = [x.shape[2 + i] + pads[i][0] + pads[i][1] for i in range(nd)]
        eff = [dilation[i] * (ks[i] - 1) + 1 for i in range(nd)]
        if any(p < e for p, e in zip(padded, eff)):
            raise RuntimeError(
                f"Calculated padded input size per channel: ({' x '.join(str(p) for p in padded)}). "
                f"Kernel size: ({' x '.join(str(e) for e in eff)}). Kernel size can't be greater than actual "
                "input size\n"
                "hint: the input has become smaller than the kernel (too many poolings or strides before "
                "this layer?); use a larger input, add padding or a smaller kernel."
            )
        out = None
    y = Convolution.apply(x, weight, bias, stride, pads, dilation, bool(transposed), out, int(groups))
    return y.squeeze(0) if unbatched else y


def _make_conv(nd: int):
    def conv(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1, padding: Any = 0,
             dilation: Any = 1, groups: int = 1) -> Tensor:  # fmt: skip
        return convolution(input, weight, bias, stride, padding, dilation, False, 0, groups, nd)

    conv.__name__ = f"conv{nd}d"
    conv.__doc__ = (
        f"{nd}-D convolution over an input of shape (N, C_in, {_spatial_words(nd)}) (note 002 §nn.Convnd).\n\n"
        f"``weight`` has shape (C_out, C_in/groups, {', '.join('k' + str(i) for i in range(nd))}); each "
        "output is the sum over one window of the input times the filter, plus ``bias``."
    )
    return conv


def _make_conv_transpose(nd: int):
    def conv_transpose(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride: Any = 1,
                       padding: Any = 0, output_padding: Any = 0, groups: int = 1,
                       dilation: Any = 1) -> Tensor:  # fmt: skip
        if isinstance(padding, str):
            raise TypeError(f"conv_transpose{nd}d(): argument 'padding' must be tuple of ints, not str")
        return convolution(input, weight, bias, stride, padding, dilation, True, output_padding, groups, nd)

    conv_transpose.__name__ = f"conv_transpose{nd}d"
    conv_transpose.__doc__ = (
        f"{nd}-D transposed convolution: the gradient of conv{nd}d with respect to its input, used as a "
        "layer that upsamples (note 000 §ConvTranspose2d).\n\n"
        f"``weight`` has shape (C_in, C_out/groups, ...); the output size per dimension is "
        "(in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1."
    )
    return conv_transpose


conv1d = _make_conv(1)
conv2d = _make_conv(2)
conv3d = _make_conv(3)
conv_transpose1d = _make_conv_transpose(1)
conv_transpose2d = _make_conv_transpose(2)
conv_transpose3d = _make_conv_transpose(3)
conv2d.__doc__ += """

>>> import learntorch as torch
>>> x = torch.ones(1, 1, 3, 3)
>>> w = torch.ones(1, 1, 3, 3)
>>> conv2d(x, w, padding=1)      # each output counts the input pixels its window covers
tensor([[[[4., 6., 4.],
          [6., 9., 6.],
          [4., 6., 4.]]]])
"""

"""Convolution: one strided window view plus one matrix product.

The whole family rests on two array helpers:

* :func:`_windows` looks at a padded input ``(N, C, *S)`` as every kernel-sized
  window at once, ``(N, C, *O, *K)``, by choosing new strides (no copy). The
  forward pass is then a single matrix product of those windows with the weight
  ("im2col" + GEMM).
* :func:`_col2im` is the same trick reversed: it adds window-shaped values back
  into an image. It loops over the *kernel positions* only (9 for a 3×3 kernel),
  each step a strided slice-add over the whole batch.

With them, three array functions cover every direction a convolution needs:

=====================  ==================================================
``_conv_forward``      y  = x ⋆ w                     (windows · weight)
``_conv_input_grad``   dx = col2im(dy · weight)        (= transposed conv)
``_conv_weight_grad``  dw = dy · windows(x)
=====================  ==================================================

A transposed convolution (``ConvTranspose2d``) is the input-gradient of a plain
one, so its forward is ``_conv_input_grad`` and its backward is ``_conv_forward``.
Both directions are the single :class:`Convolution` op, whose graph node is
``ConvolutionBackward0`` as in PyTorch. Its backward is written with the same ops,
so second derivatives work.

Padding is kept internally as ``(low, high)`` pairs per spatial dimension, which
lets ``padding='same'`` with an even kernel pad one side more, like PyTorch.
"""

from __future__ import annotations

from typing import Any, Sequence

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
           "convolution", "unfold", "fold"]  # fmt: skip


# --------------------------------------------------------------------------------------
# array helpers (NumPy or CuPy)
# --------------------------------------------------------------------------------------
def _prod(xs: Sequence[int]) -> int:
    p = 1
    for x in xs:
        p *= x
    return p


def _pad_zeros(x: Any, pads: Sequence[tuple[int, int]]) -> Any:
    """Zero-pad the trailing ``len(pads)`` dimensions of ``x`` by ``(low, high)`` each."""
    if not any(lo or hi for lo, hi in pads):
        return x
    xp = backend.array_module(x)
    return xp.pad(x, [(0, 0)] * (x.ndim - len(pads)) + [tuple(p) for p in pads])


def _out_size(size: int, k: int, stride: int, lo: int, hi: int, dilation: int) -> int:
    """Number of windows along one dimension: ⌊(S + lo + hi − d·(k−1) − 1) / s⌋ + 1."""
    return (size + lo + hi - dilation * (k - 1) - 1) // stride + 1


def _windows(xpad: Any, ksize: Sequence[int], stride: Sequence[int], dilation: Sequence[int],
             out: Sequence[int]) -> Any:  # fmt: skip
    """Every window of a padded ``(B..., *S)`` array as a view ``(B..., *O, *K)`` (no copy).

    Moving one output step moves ``stride`` elements in the input; moving one kernel
    step moves ``dilation`` elements. That is the whole of im2col, done by strides.
    """
    xp = backend.array_module(xpad)
    nd = len(ksize)
    lead = xpad.shape[: xpad.ndim - nd]
    st = xpad.strides
    sp = st[xpad.ndim - nd :]
    shape = (*lead, *out, *ksize)
    strides = (
        *st[: xpad.ndim - nd],
        *(s * a for s, a in zip(sp, stride)),
        *(s * d for s, d in zip(sp, dilation)),
    )
    return xp.lib.stride_tricks.as_strided(xpad, shape=shape, strides=strides)


def _col2im(cols: Any, padded: Sequence[int], stride: Sequence[int], dilation: Sequence[int]) -> Any:
    """Add window-shaped values ``(B..., *O, *K)`` back into an image ``(B..., *padded)``.

    The adjoint of :func:`_windows`: a loop over kernel positions, never pixels.
    """
    xp = backend.array_module(cols)
    nd = len(padded)
    ksize = cols.shape[cols.ndim - nd :]
    out = cols.shape[cols.ndim - 2 * nd : cols.ndim - nd]
    lead = cols.shape[: cols.ndim - 2 * nd]
    img = xp.zeros((*lead, *padded), dtype=cols.dtype)
    for k in _ndindex(ksize):
        dst = tuple(slice(k[i] * dilation[i], k[i] * dilation[i] + stride[i] * (out[i] - 1) + 1, stride[i])
                    for i in range(nd))  # fmt: skip
        img[(Ellipsis, *dst)] += cols[(Ellipsis, *k)]
    return img


def _ndindex(shape: Sequence[int]) -> list[tuple[int, ...]]:
    idx: list[tuple[int, ...]] = [()]
    for s in shape:
        idx = [i + (j,) for i in idx for j in range(s)]
    return idx


def _bmm(a: Any, b: Any) -> Any:
    """Per-group matrix products ``a[g] @ b[g]``, each one plain 2-D BLAS call."""
    xp = backend.array_module(a, b)
    if a.shape[0] == 1:
        return xp.matmul(a[0], b[0])[None]
    return xp.stack([xp.matmul(a[i], b[i]) for i in range(a.shape[0])])


def _crop(img: Any, pads: Sequence[tuple[int, int]], size: Sequence[int]) -> Any:
    nd = len(pads)
    sl = tuple(slice(lo, lo + s) for (lo, _), s in zip(pads, size))
    out = img[(Ellipsis, *sl)] if nd else img
    return out


def _conv_forward(x: Any, w: Any, stride: tuple, pads: tuple, dilation: tuple, groups: int) -> Any:
    """y[n, o, *i] = Σ_{c, *k} x_pad[n, c, *(i·s + k·d)] · w[o, c, *k]  (per group)."""
    xp = backend.array_module(x, w)
    nd = w.ndim - 2
    n, c = x.shape[:2]
    oc, cg = w.shape[:2]
    ks = w.shape[2:]
    g = groups
    xpad = _pad_zeros(x, pads)
    out = tuple(_out_size(x.shape[2 + i], ks[i], stride[i], *pads[i], dilation[i]) for i in range(nd))
    win = _windows(xpad, ks, stride, dilation, out)  # (N, C, *O, *K), a view
    win = win.reshape(n, g, cg, *out, *ks)
    # (G, Cg, *K, N, *O): one row per weight of a filter, one column per output pixel
    order = (1, 2, *range(3 + nd, 3 + 2 * nd), 0, *range(3, 3 + nd))
    cols = xp.ascontiguousarray(win.transpose(order)).reshape(g, cg * _prod(ks), n * _prod(out))
    wm = w.reshape(g, oc // g, cg * _prod(ks))
    y = _bmm(wm, cols)  # (G, Og, N·P): the one BLAS call
    y = y.reshape(g, oc // g, n, *out).transpose(2, 0, 1, *range(3, 3 + nd))  # (N, G, Og, *O)
    return xp.ascontiguousarray(y).reshape(n, oc, *out)


def _conv_input_grad(gy: Any, w: Any, in_size: tuple, stride: tuple, pads: tuple, dilation: tuple,
                     groups: int) -> Any:  # fmt: skip
    """dx = col2im(dy · w): the transposed convolution of ``gy`` with ``w``, cropped to ``in_size``."""
    xp = backend.array_module(gy, w)
    nd = w.ndim - 2
    n = gy.shape[0]
    oc, cg = w.shape[:2]
    ks = w.shape[2:]
    g = groups
    og = oc // g
    out = gy.shape[2:]
    gym = gy.reshape(n, g, og, _prod(out)).transpose(1, 2, 0, 3).reshape(g, og, n * _prod(out))
    wm = w.reshape(g, og, cg * _prod(ks))
    cols = _bmm(wm.transpose(0, 2, 1), gym)  # (G, Cg·K, N·P)
    cols = cols.reshape(g, cg, *ks, n, *out)
    cols = cols.transpose(2 + nd, 0, 1, *range(3 + nd, 3 + 2 * nd), *range(2, 2 + nd))  # (N,G,Cg,*O,*K)
    padded = tuple(in_size[i] + pads[i][0] + pads[i][1] for i in range(nd))
    img = _col2im(cols, padded, stride, dilation)  # (N, G, Cg, *padded)
    img = _crop(img, pads, in_size)
    return xp.ascontiguousarray(img).reshape(n, g * cg, *in_size)


def _conv_weight_grad(x: Any, gy: Any, ksize: tuple, stride: tuple, pads: tuple, dilation: tuple,
                      groups: int) -> Any:  # fmt: skip
    """dw[o, c, *k] = Σ_{n, *i} dy[n, o, *i] · x_pad[n, c, *(i·s + k·d)]  (per group)."""
    xp = backend.array_module(x, gy)
    nd = len(ksize)
    n, c = x.shape[:2]
    oc = gy.shape[1]
    g = groups
    cg, og = c // g, oc // g
    out = gy.shape[2:]
    xpad = _pad_zeros(x, pads)
    win = _windows(xpad, ksize, stride, dilation, out).reshape(n, g, cg, *out, *ksize)
    order = (1, 2, *range(3 + nd, 3 + 2 * nd), 0, *range(3, 3 + nd))
    cols = xp.ascontiguousarray(win.transpose(order)).reshape(g, cg * _prod(ksize), n * _prod(out))
    gym = gy.reshape(n, g, og, _prod(out)).transpose(1, 2, 0, 3).reshape(g, og, n * _prod(out))
    gw = _bmm(gym, cols.transpose(0, 2, 1))  # (G, Og, Cg·K)
    return gw.reshape(oc, cg, *ksize)


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


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half", "bfloat16": "c10::BFloat16"}
_TYPE_NAMES = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long", "int32": "Int"}


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
            f"expected scalar type {_TYPE_NAMES.get(x.dtype.name, x.dtype.name)} but found "
            f"{_TYPE_NAMES.get(w.dtype.name, w.dtype.name)}\n"
            "hint: input and weight must share a dtype; convert the input with .float() (or the model "
            "with .double())."
        )
    if b is not None and b.dtype != x.dtype:
        raise RuntimeError(
            f"Input type ({_C_NAMES.get(x.dtype.name, x.dtype.name)}) and bias type "
            f"({_C_NAMES.get(b.dtype.name, b.dtype.name)}) should be the same\n"
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


# --------------------------------------------------------------------------------------
# unfold / fold (im2col / col2im as tensors)
# --------------------------------------------------------------------------------------
class Im2Col(Op):
    """cols[n, c·K + k, l] = x_pad[n, c, window l at offset k];  dx = col2im(dcols)"""

    @staticmethod
    def forward(ctx, x, ks, dilation, pads, stride):
        xp = backend.array_module(x)
        nd = len(ks)
        n, c = x.shape[:2]
        out = tuple(_out_size(x.shape[2 + i], ks[i], stride[i], *pads[i], dilation[i]) for i in range(nd))
        ctx.args = (tuple(x.shape[2:]), ks, dilation, pads, stride, out)
        win = _windows(_pad_zeros(x, pads), ks, stride, dilation, out)  # (N, C, *O, *K)
        order = (0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd))
        return xp.ascontiguousarray(win.transpose(order)).reshape(n, c * _prod(ks), _prod(out))

    @staticmethod
    def backward(ctx, g):
        size, ks, dilation, pads, stride, _ = ctx.args
        return Col2Im.apply(g, size, ks, dilation, pads, stride), None, None, None, None


class Col2Im(Op):
    """x[n, c, pixel] = Σ of the column entries that cover the pixel;  dcols = im2col(dx)"""

    @staticmethod
    def forward(ctx, cols, size, ks, dilation, pads, stride):
        xp = backend.array_module(cols)
        nd = len(ks)
        n = cols.shape[0]
        c = cols.shape[1] // _prod(ks)
        out = tuple(_out_size(size[i], ks[i], stride[i], *pads[i], dilation[i]) for i in range(nd))
        ctx.args = (ks, dilation, pads, stride)
        win = cols.reshape(n, c, *ks, *out)
        order = (0, 1, *range(2 + nd, 2 + 2 * nd), *range(2, 2 + nd))  # -> (N, C, *O, *K)
        padded = tuple(size[i] + pads[i][0] + pads[i][1] for i in range(nd))
        img = _col2im(win.transpose(order), padded, stride, dilation)
        return xp.ascontiguousarray(_crop(img, pads, size))

    @staticmethod
    def backward(ctx, g):
        ks, dilation, pads, stride = ctx.args
        return Im2Col.apply(g, ks, dilation, pads, stride), None, None, None, None, None


def unfold(input: Tensor, kernel_size: Any, dilation: Any = 1, padding: Any = 0, stride: Any = 1) -> Tensor:
    """Every sliding window as a column: (N, C, H, W) → (N, C·kh·kw, L) (im2col).

    >>> import learntorch as torch
    >>> unfold(torch.arange(16.).reshape(1, 1, 4, 4), 2, stride=2)
    tensor([[[ 0.,  2.,  8., 10.],
             [ 1.,  3.,  9., 11.],
             [ 4.,  6., 12., 14.],
             [ 5.,  7., 13., 15.]]])
    """
    if input.ndim not in (3, 4):
        raise NotImplementedError(
            f"Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)"
        )
    unbatched = input.ndim == 3
    x = input.unsqueeze(0) if unbatched else input
    ks = _ntuple(kernel_size, 2)
    pads = tuple((p, p) for p in _ntuple(padding, 2))
    y = Im2Col.apply(x, ks, _ntuple(dilation, 2), pads, _ntuple(stride, 2))
    return y.squeeze(0) if unbatched else y


def fold(input: Tensor, output_size: Any, kernel_size: Any, dilation: Any = 1, padding: Any = 0,
         stride: Any = 1) -> Tensor:  # fmt: skip
    """The adjoint of :func:`unfold`: columns (N, C·kh·kw, L) summed back into (N, C, H, W) (col2im).

    >>> import learntorch as torch
    >>> x = torch.ones(1, 1, 3, 3)
    >>> fold(unfold(x, 2), (3, 3), 2)   # each pixel counted once per window covering it
    tensor([[[[1., 2., 1.],
              [2., 4., 2.],
              [1., 2., 1.]]]])
    """
    if input.ndim not in (2, 3):
        raise NotImplementedError(
            f"Input Error: Only unbatched (2D) or batched (3D) input Tensors are supported (got {input.ndim}D)"
        )
    unbatched = input.ndim == 2
    x = input.unsqueeze(0) if unbatched else input
    ks = _ntuple(kernel_size, 2)
    size = _ntuple(output_size, 2)
    dil, st = _ntuple(dilation, 2), _ntuple(stride, 2)
    pads = tuple((p, p) for p in _ntuple(padding, 2))
    kk = _prod(ks)
    if x.shape[1] % kk:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got "
            f"input.size(1)={x.shape[1]} and kernel_size={ks}"
        )
    blocks = _prod(_out_size(size[i], ks[i], st[i], *pads[i], dil[i]) for i in range(2))
    if x.shape[2] != blocks:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={ks}, dilation={dil}, padding={_ntuple(padding, 2)}, "
            f"stride={st}, expected size of input's dimension 2 to match the calculated number of sliding "
            f"blocks {' * '.join(str(_out_size(size[i], ks[i], st[i], *pads[i], dil[i])) for i in range(2))} = "
            f"{blocks}, but got input.size(2)={x.shape[2]}."
        )
    y = Col2Im.apply(x, size, ks, dil, pads, st)
    return y.squeeze(0) if unbatched else y

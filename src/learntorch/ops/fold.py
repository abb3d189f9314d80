"""unfold / fold: im2col and col2im as tensors (``nn.Unfold``, ``nn.Fold``)."""

from __future__ import annotations

from typing import Any

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor
from .conv import _ntuple
from .windows import _col2im, _crop, _out_size, _pad_zeros, _prod, _windows


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

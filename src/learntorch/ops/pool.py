"""Pooling and resampling: window views plus a reduction.

Max and average pooling look at the padded input through the same strided window
view as convolution (:func:`learntorch.ops.windows._windows`) and reduce over the
kernel axes. Their backward passes go the other way:

* max pooling remembers *where* each maximum came from (``indices``, a flat
  position in each input plane, exactly PyTorch's ``return_indices``) and scatters
  the gradient back to those positions in one ``bincount``;
* average pooling spreads ``dy / divisor`` over each window with
  :func:`learntorch.ops.windows._col2im` (a loop over kernel positions).

Adaptive pooling and interpolation are in :mod:`.resample`, max unpooling in :mod:`.unpool`.

The 1-D forms unsqueeze to 2-D and squeeze back, as PyTorch does (so their
``grad_fn`` is ``SqueezeBackward1`` there too).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor
from .conv import _ntuple
from .windows import _col2im, _crop, _prod, _windows

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d"]


# --------------------------------------------------------------------------------------
# gathering from / scattering into flattened planes (the indices of max pooling)
# --------------------------------------------------------------------------------------
def _scatter_add(src: Any, idx: Any, plane: tuple) -> Any:
    """out[b, idx[b, j]] += src[b, j] for every leading index b (e.g. (n, c)); out is (*lead, *plane)."""
    xp = backend.array_module(src)
    lead = src.shape[: src.ndim - len(plane)]
    b, p = _prod(lead), _prod(plane)
    flat = (xp.arange(b).reshape(b, 1) * p + idx.reshape(b, -1)).ravel()
    out = xp.bincount(flat, weights=src.ravel(), minlength=b * p)
    return out.astype(src.dtype, copy=False).reshape(*lead, *plane)


class PlaneScatter(Op):
    """y[n, c, idx] += x;  dx = dy[n, c, idx]"""

    @staticmethod
    def forward(ctx, src, idx, plane):
        ctx.idx, ctx.plane = idx, plane
        return _scatter_add(src, idx, plane)

    @staticmethod
    def backward(ctx, g):
        return PlaneGather.apply(g, ctx.idx, len(ctx.plane)), None, None


class PlaneGather(Op):
    """y = x[n, c, idx] (flat positions in each plane);  dx = scatter-add of dy"""

    @staticmethod
    def forward(ctx, x, idx, nd):
        xp = backend.array_module(x)
        ctx.idx, ctx.plane = idx, x.shape[x.ndim - nd :]
        b = _prod(x.shape[: x.ndim - nd])
        flat = xp.take_along_axis(x.reshape(b, -1), idx.reshape(b, -1), axis=1)
        return flat.reshape(idx.shape)

    @staticmethod
    def backward(ctx, g):
        return PlaneScatter.apply(g, ctx.idx, ctx.plane), None, None


# --------------------------------------------------------------------------------------
# max pooling
# --------------------------------------------------------------------------------------
def _pool_out(size: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size; in ceil mode the last window must start inside the input."""
    num = size + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _padded_for(size: int, out: int, k: int, s: int, p: int, d: int) -> tuple[int, int]:
    """(low, high) padding so that ``out`` windows fit (ceil mode may need extra on the right)."""
    need = (out - 1) * s + d * (k - 1) + 1
    return p, max(p, need - size - p)


def _max_pool_arrays(x: Any, ks: tuple, st: tuple, pd: tuple, dl: tuple, out: tuple) -> tuple[Any, Any]:
    xp = backend.array_module(x)
    nd = len(ks)
    lead = x.shape[: x.ndim - nd]
    size = x.shape[x.ndim - nd :]
    pads = [_padded_for(size[i], out[i], ks[i], st[i], pd[i], dl[i]) for i in range(nd)]
    low = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xpad = xp.pad(x, [(0, 0)] * len(lead) + pads, constant_values=low) if any(a or b for a, b in pads) else x
    win = _windows(xpad, ks, st, dl, out).reshape(*lead, *out, _prod(ks))  # one copy: the windows
    k = win.argmax(axis=-1)  # first maximum in scan order, like PyTorch
    y = xp.take_along_axis(win, k[..., None], axis=-1)[..., 0]
    # where in the (unpadded) input plane each maximum sits
    flat = xp.zeros(k.shape, dtype=np.int64)
    kk = k
    for i in reversed(range(nd)):
        ki = kk % ks[i]
        kk = kk // ks[i]
        oi = xp.arange(out[i]).reshape((-1,) + (1,) * (nd - 1 - i))
        pos = oi * st[i] - pd[i] + ki * dl[i]
        flat += pos * _prod(size[i + 1 :])
    return y, flat


class MaxPoolWithIndices(Op):
    """y = max over each window, idx = where it was;  dx = dy scattered to idx"""

    @staticmethod
    def forward(ctx, x, ks, st, pd, dl, out):
        y, idx = _max_pool_arrays(x, ks, st, pd, dl, out)
        ctx.idx, ctx.plane = idx, x.shape[x.ndim - len(ks) :]
        ctx.non_differentiable = {1}
        return y, idx

    @staticmethod
    def backward(ctx, gy, _gidx):
        return PlaneScatter.apply(gy, ctx.idx, ctx.plane), None, None, None, None, None


def _pool_args(name: str, x: Tensor, nd: int, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
               ceil_mode: bool) -> tuple:  # fmt: skip
    if x.ndim not in (nd + 1, nd + 2) or x.numel() == 0:
        raise RuntimeError(
            f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input\n"
            f"hint: {name} wants (batch, channels, {'height, width' if nd == 2 else '...'}); add missing "
            "dimensions with .unsqueeze(0)."
        )
    ks = _ntuple(kernel_size, nd)
    st = _ntuple(stride, nd) if stride is not None and stride != [] and stride != () else ks
    pd = _ntuple(padding, nd)
    dl = _ntuple(dilation, nd)
    for k, p, d in zip(ks, pd, dl):
        if p > ((k - 1) * d + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got pad={p}, kernel_size={k} and "
                f"dilation={d}\n"
                "hint: padding may be at most half the (dilated) kernel, or a window could see only padding."
            )
    size = x.shape[-nd:]
    out = tuple(_pool_out(size[i], ks[i], st[i], pd[i], dl[i], ceil_mode) for i in range(nd))
    if any(o <= 0 for o in out):
        lead = x.shape[-nd - 1]
        raise RuntimeError(
            f"Given input size: ({'x'.join(str(s) for s in (lead, *size))}). Calculated output size: "
            f"({'x'.join(str(s) for s in (lead, *out))}). Output size is too small\n"
            "hint: the input is smaller than the pooling window; use a smaller kernel or pool earlier less."
        )
    return ks, st, pd, dl, out


def _max_pool(nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any, dilation: Any,
              ceil_mode: bool, return_indices: bool) -> Any:  # fmt: skip
    ks, st, pd, dl, out = _pool_args(
        f"max_pool{nd}d", input, nd, kernel_size, stride, padding, dilation, ceil_mode
    )
    op = (
        MaxPoolWithIndices.variant("MaxPool2DWithIndicesBackward0")
        if nd == 2
        else MaxPoolWithIndices.variant("MaxPool3DWithIndicesBackward0")
    )
    y, idx = op.apply(input, ks, st, pd, dl, out)
    return (y, idx) if return_indices else y


def max_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:  # fmt: skip
    """The largest value in each window (note 003 §3.3, note 000 §MaxPool2d).

    ``stride`` defaults to ``kernel_size``; with ``ceil_mode=True`` a last, partial
    window is kept. The note's 5×5 example:

    >>> import learntorch as torch
    >>> x = torch.tensor([[1., 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0],
    ...                   [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]).reshape(-1, 1, 5, 5)
    >>> max_pool2d(x, 3, ceil_mode=True)
    tensor([[[[2., 3.],
              [5., 1.]]]])
    >>> max_pool2d(x, 3)
    tensor([[[[2.]]]])
    """
    return _max_pool(2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:  # fmt: skip
    """3-D max pooling over (N, C, D, H, W)."""
    return _max_pool(3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, dilation: Any = 1,
               ceil_mode: bool = False, return_indices: bool = False) -> Any:  # fmt: skip
    """1-D max pooling over (N, C, L): a 2-D pooling of height 1.

    >>> import learntorch as torch
    >>> max_pool1d(torch.tensor([[[1., 3., 2., 5., 4.]]]), 2)
    tensor([[[3., 5.]]])
    """
    if input.ndim not in (2, 3):
        raise RuntimeError(f"max_pool1d() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    x = input.unsqueeze(-2)
    st = None if stride is None or stride == [] or stride == () else (1, *_ntuple(stride, 1))
    r = _max_pool(2, x, (1, *_ntuple(kernel_size, 1)), st, (0, *_ntuple(padding, 1)),
                  (1, *_ntuple(dilation, 1)), ceil_mode, True)  # fmt: skip
    y, idx = r[0].squeeze(-2), r[1].squeeze(-2)
    return (y, idx) if return_indices else y


# --------------------------------------------------------------------------------------
# average pooling
# --------------------------------------------------------------------------------------
def _avg_divisor(xp: Any, size: tuple, ks: tuple, st: tuple, pd: tuple, out: tuple, include_pad: bool,
                 override: int | None, dtype: Any) -> Any:  # fmt: skip
    """How many elements each output averages over, shaped (*out) (PyTorch's rule)."""
    if override:
        return xp.asarray(override, dtype=dtype)
    div = None
    for i in range(len(ks)):
        start = np.arange(out[i]) * st[i] - pd[i]
        end = np.minimum(start + ks[i], size[i] + pd[i])
        n = end - start if include_pad else np.minimum(end, size[i]) - np.maximum(start, 0)
        n = n.reshape((-1,) + (1,) * (len(ks) - 1 - i))
        div = n if div is None else div * n
    return xp.asarray(div, dtype=dtype)


class AvgPool(Op):
    """y = Σ(window) / divisor;  dx = dy / divisor spread back over each window"""

    @staticmethod
    def forward(ctx, x, ks, st, pd, out, include_pad, override):
        xp = backend.array_module(x)
        nd = len(ks)
        size = x.shape[x.ndim - nd :]
        pads = [_padded_for(size[i], out[i], ks[i], st[i], pd[i], 1) for i in range(nd)]
        ctx.args = (size, ks, st, pd, out, include_pad, override)
        xpad = xp.pad(x, [(0, 0)] * (x.ndim - nd) + pads)
        win = _windows(xpad, ks, st, (1,) * nd, out)
        div = _avg_divisor(xp, size, ks, st, pd, out, include_pad, override, x.dtype)
        s = win.sum(axis=tuple(range(x.ndim, x.ndim + nd)))
        return (s / div).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, gy):
        return AvgPoolAdjoint.apply(gy, *ctx.args), None, None, None, None, None, None


class AvgPoolAdjoint(Op):
    """dx = dy / divisor spread over each window (the adjoint of AvgPool);  its adjoint is AvgPool"""

    @staticmethod
    def forward(ctx, gy, size, ks, st, pd, out, include_pad, override):
        xp = backend.array_module(gy)
        nd = len(ks)
        ctx.args = (ks, st, pd, out, include_pad, override)
        div = _avg_divisor(xp, size, ks, st, pd, out, include_pad, override, gy.dtype)
        g = (gy / div).astype(gy.dtype, copy=False)
        cols = xp.broadcast_to(g.reshape(*g.shape, *(1,) * nd), (*g.shape, *ks))
        pads = [_padded_for(size[i], out[i], ks[i], st[i], pd[i], 1) for i in range(nd)]
        padded = tuple(size[i] + pads[i][0] + pads[i][1] for i in range(nd))
        img = _col2im(cols, padded, st, (1,) * nd)
        return xp.ascontiguousarray(_crop(img, pads, size))

    @staticmethod
    def backward(ctx, gg):
        return (AvgPool.apply(gg, *ctx.args), *(None,) * 7)


def _avg_pool(nd: int, input: Tensor, kernel_size: Any, stride: Any, padding: Any, ceil_mode: bool,
              count_include_pad: bool, divisor_override: int | None) -> Tensor:  # fmt: skip
    if input.ndim not in (nd + 1, nd + 2):
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-input.ndim}, {input.ndim - 1}], but got "
            f"{-nd - 1})\nhint: avg_pool{nd}d wants (batch, channels, ...) input."
        )
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    ks, st, pd, _, out = _pool_args(f"avg_pool{nd}d", input, nd, kernel_size, stride, padding, 1, ceil_mode)
    op = AvgPool.variant("AvgPool2DBackward0") if nd == 2 else AvgPool.variant("AvgPool3DBackward0")
    return op.apply(input, ks, st, pd, out, bool(count_include_pad), divisor_override)


def avg_pool2d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """The mean of each window; padded zeros count unless ``count_include_pad=False``.

    >>> import learntorch as torch
    >>> avg_pool2d(torch.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    return _avg_pool(2, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool3d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override: int | None = None) -> Tensor:  # fmt: skip
    """3-D average pooling over (N, C, D, H, W)."""
    return _avg_pool(3, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def avg_pool1d(input: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:  # fmt: skip
    """1-D average pooling over (N, C, L), as a 2-D pooling of height 1."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"avg_pool1d() Expected 2D or 3D input tensor, but got {list(input.shape)}")
    st = None if stride is None or stride == [] or stride == () else (1, *_ntuple(stride, 1))
    y = _avg_pool(2, input.unsqueeze(-2), (1, *_ntuple(kernel_size, 1)), st, (0, *_ntuple(padding, 1)),
                  ceil_mode, count_include_pad, None)  # fmt: skip
    return y.squeeze(-2)

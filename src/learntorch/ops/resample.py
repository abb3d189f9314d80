"""Separable linear resampling: adaptive pooling and interpolate.

Adaptive average pooling and interpolation (nearest, linear, bilinear, trilinear) are
*linear and separable*: along each spatial dimension they multiply by a small
``(out, in)`` matrix. The backward multiplies by its transpose. Adaptive max pooling
takes the maximum over the same variable-size windows and remembers where it came from.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor
from .conv import _ntuple
from .pool import PlaneScatter


# --------------------------------------------------------------------------------------
# separable linear resampling: adaptive average pooling and interpolation
# --------------------------------------------------------------------------------------
def _apply_along(x: Any, mats: tuple) -> Any:
    """Multiply the trailing ``len(mats)`` dimensions of ``x`` by ``mats[i]`` (out_i, in_i), last dim first."""
    xp = backend.array_module(x)
    nd = len(mats)
    for i in reversed(range(nd)):
        ax = x.ndim - nd + i
        x = xp.moveaxis(xp.tensordot(x, mats[i], axes=([ax], [1])), -1, ax)
    return xp.ascontiguousarray(x)


class Resample(Op):
    """y = x ×ᵢ Mᵢ along each spatial dim;  dx = dy ×ᵢ Mᵢᵀ"""

    @staticmethod
    def forward(ctx, x, mats):
        ctx.mats = mats
        return _apply_along(x, mats)

    @staticmethod
    def backward(ctx, gy):
        return ResampleAdjoint.apply(gy, ctx.mats), None


class ResampleAdjoint(Op):
    """dx = dy ×ᵢ Mᵢᵀ (the adjoint of Resample);  its own adjoint is Resample"""

    @staticmethod
    def forward(ctx, gy, mats):
        ctx.mats = mats
        return _apply_along(gy, tuple(m.T for m in mats))

    @staticmethod
    def backward(ctx, g):
        return Resample.apply(g, ctx.mats), None


def _resample_op(name: str) -> type[Op]:
    return type(name, (Resample,), {"node_name": f"{name}Backward0", "__doc__": Resample.__doc__})


_OPS = {name: _resample_op(name) for name in (
    "AdaptiveAvgPool2D", "AdaptiveAvgPool3D", "UpsampleNearest1D", "UpsampleNearest2D", "UpsampleNearest3D",
    "UpsampleLinear1D", "UpsampleBilinear2D", "UpsampleTrilinear3D")}  # fmt: skip


def _adaptive_matrix(xp: Any, n_in: int, n_out: int, dtype: Any) -> Any:
    """Row o averages input[floor(o·in/out) : ceil((o+1)·in/out)]."""
    m = np.zeros((n_out, n_in), dtype=dtype)
    for o in range(n_out):
        s, e = (o * n_in) // n_out, -(-((o + 1) * n_in) // n_out)
        m[o, s:e] = 1 / (e - s)
    return xp.asarray(m)


def _adaptive_size(output_size: Any, in_size: tuple) -> tuple:
    nd = len(in_size)
    out = tuple(output_size) if isinstance(output_size, (tuple, list)) else (output_size,) * nd
    return tuple(in_size[i] if o is None else int(o) for i, o in enumerate(out))


def adaptive_avg_pool2d(input: Tensor, output_size: Any) -> Tensor:
    """Average pooling whose windows adapt so the output is ``output_size`` (note 000 §AdaptiveAvgPool2d).

    >>> import learntorch as torch
    >>> adaptive_avg_pool2d(torch.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
    """
    return _adaptive_avg(2, input, output_size)


def adaptive_avg_pool1d(input: Tensor, output_size: Any) -> Tensor:
    """1-D adaptive average pooling over (N, C, L)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_avg_pool1d(): Expected 2D or 3D tensor, but got {list(input.shape)}")
    return _adaptive_avg(2, input.unsqueeze(-2), (1, *_ntuple(output_size, 1))).squeeze(-2)


def adaptive_avg_pool3d(input: Tensor, output_size: Any) -> Tensor:
    """3-D adaptive average pooling over (N, C, D, H, W)."""
    return _adaptive_avg(3, input, output_size)


def _adaptive_avg(nd: int, input: Tensor, output_size: Any) -> Tensor:
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"adaptive_avg_pool{nd}d(): Expected {nd + 1}D or {nd + 2}D tensor, but got {list(input.shape)}"
        )
    in_size = tuple(input.shape[-nd:])
    out = _adaptive_size(output_size, in_size)
    if all(o == 1 for o in out):  # PyTorch takes a plain mean here (grad_fn MeanBackward1)
        return input.mean(dim=tuple(range(-nd, 0)), keepdim=True)
    xp = backend.array_module(input._data)
    mats = tuple(_adaptive_matrix(xp, in_size[i], out[i], input._data.dtype) for i in range(nd))
    return _OPS[f"AdaptiveAvgPool{nd}D"].apply(input, mats)


class AdaptiveMaxPool2D(Op):
    """y = max over variable-size windows, idx = where;  dx = dy scattered to idx"""

    @staticmethod
    def forward(ctx, x, out):
        xp = backend.array_module(x)
        h, w = x.shape[-2:]
        oh, ow = out
        # max along W for each output column (a loop over output columns, not pixels) ...
        vals, cols = [], []
        for o in range(ow):
            s, e = (o * w) // ow, -(-((o + 1) * w) // ow)
            a = x[..., s:e].argmax(axis=-1)
            vals.append(xp.take_along_axis(x[..., s:e], a[..., None], axis=-1)[..., 0])
            cols.append(a + s)
        v, c = xp.stack(vals, axis=-1), xp.stack(cols, axis=-1)  # (N, C, H, OW)
        # ... then along H for each output row
        ys, idxs = [], []
        for o in range(oh):
            s, e = (o * h) // oh, -(-((o + 1) * h) // oh)
            r = v[..., s:e, :].argmax(axis=-2)
            ys.append(xp.take_along_axis(v[..., s:e, :], r[..., None, :], axis=-2)[..., 0, :])
            col = xp.take_along_axis(c[..., s:e, :], r[..., None, :], axis=-2)[..., 0, :]
            idxs.append((r + s) * w + col)
        y = xp.stack(ys, axis=-2)
        idx = xp.stack(idxs, axis=-2).astype(np.int64)
        ctx.idx, ctx.plane = idx, x.shape[-2:]
        ctx.non_differentiable = {1}
        return y, idx

    @staticmethod
    def backward(ctx, gy, _gidx):
        return PlaneScatter.apply(gy, ctx.idx, ctx.plane), None


def adaptive_max_pool2d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """Max pooling whose windows adapt so the output is ``output_size``.

    >>> import learntorch as torch
    >>> adaptive_max_pool2d(torch.arange(16.).reshape(1, 1, 4, 4), 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    """
    if input.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_max_pool2d(): Expected 3D or 4D tensor, but got: {list(input.shape)}")
    out = _adaptive_size(output_size, tuple(input.shape[-2:]))
    y, idx = AdaptiveMaxPool2D.apply(input, out)
    return (y, idx) if return_indices else y


def adaptive_max_pool1d(input: Tensor, output_size: Any, return_indices: bool = False) -> Any:
    """1-D adaptive max pooling over (N, C, L)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(f"adaptive_max_pool1d(): Expected 2D or 3D tensor, but got: {list(input.shape)}")
    y, idx = adaptive_max_pool2d(input.unsqueeze(-2), (1, *_ntuple(output_size, 1)), True)
    y, idx = y.squeeze(-2), idx.squeeze(-2)
    return (y, idx) if return_indices else y


# --------------------------------------------------------------------------------------
# interpolate
# --------------------------------------------------------------------------------------
def _nearest_matrix(n_in: int, n_out: int, scale: float | None) -> Any:
    """One-hot rows: output o copies input min(⌊o·scale⌋, in−1), computed in float32 like PyTorch."""
    s = np.float32(scale) if scale is not None else np.float32(n_in) / np.float32(n_out)
    src = np.minimum(np.floor(np.arange(n_out, dtype=np.float32) * s).astype(np.int64), n_in - 1)
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), src] = 1
    return m


def _linear_matrix(n_in: int, n_out: int, scale: float | None, align_corners: bool, dt: Any) -> Any:
    """Two weights per row, (1−λ) and λ, on the neighbours of the source coordinate (PyTorch's formula)."""
    f = dt.type
    if align_corners:
        s = f(n_in - 1) / f(n_out - 1) if n_out > 1 else f(0)
        src = s * np.arange(n_out, dtype=dt)
    else:
        s = f(scale) if scale is not None else f(n_in) / f(n_out)
        src = np.maximum(s * (np.arange(n_out, dtype=dt) + f(0.5)) - f(0.5), f(0))
    i0 = src.astype(np.int64)
    i1 = i0 + (i0 < n_in - 1)
    lam = (src - i0).astype(dt)
    m = np.zeros((n_out, n_in), dtype=dt)
    rows = np.arange(n_out)
    m[rows, i0] += f(1) - lam
    m[rows, i1] += lam
    return m


_INTERP_DIMS = {"nearest": None, "linear": 1, "bilinear": 2, "trilinear": 3}


def interpolate(input: Tensor, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                align_corners: bool | None = None, recompute_scale_factor: bool | None = None,
                antialias: bool = False) -> Tensor:  # fmt: skip
    """Resize the spatial dimensions by ``size`` or ``scale_factor`` (nearest, linear, bilinear, trilinear).

    >>> import learntorch as torch
    >>> x = torch.tensor([[[[1., 2.], [3., 4.]]]])
    >>> interpolate(x, scale_factor=2)
    tensor([[[[1., 1., 2., 2.],
              [1., 1., 2., 2.],
              [3., 3., 4., 4.],
              [3., 3., 4., 4.]]]])
    >>> interpolate(x, size=3, mode="bilinear", align_corners=True)
    tensor([[[[1.0000, 1.5000, 2.0000],
              [2.0000, 2.5000, 3.0000],
              [3.0000, 3.5000, 4.0000]]]])
    """
    if mode not in _INTERP_DIMS:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: "
            f"nearest | linear | bilinear | trilinear (got {mode})\n"
            "hint: learntorch implements the nearest, linear, bilinear and trilinear modes."
        )
    nd = input.ndim - 2
    if nd < 1 or nd > 3:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) for the modes: "
            f"nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got {mode})"
        )
    want = _INTERP_DIMS[mode]
    if want is not None and want != nd:
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {want + 2}D input")
    if mode == "nearest" and align_corners is not None:
        raise ValueError(
            "align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | "
            "trilinear"
        )
    if antialias:
        raise ValueError(
            "Anti-alias option is restricted to bilinear and bicubic modes and requires a 4-D tensor as input"
        )
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    in_size = tuple(input.shape[2:])
    scales: tuple = (None,) * nd
    if size is not None:
        out = tuple(int(s) for s in size) if isinstance(size, (tuple, list)) else (int(size),) * nd
        if len(out) != nd:
            raise ValueError(
                f"Input and output must have the same number of spatial dimensions, but got input with spatial "
                f"dimensions of {list(in_size)} and output size of {out}. Please provide input tensor in "
                "(N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format."
            )
    elif scale_factor is not None:
        sf = tuple(float(s) for s in scale_factor) if isinstance(scale_factor, (tuple, list)) else (
            (float(scale_factor),) * nd)  # fmt: skip
        out = tuple(math.floor(in_size[i] * sf[i]) for i in range(nd))
        if not recompute_scale_factor:
            scales = tuple(1.0 / s for s in sf)
    else:
        raise ValueError("either size or scale_factor should be defined")
    xp = backend.array_module(input._data)
    dt = input._data.dtype
    if mode == "nearest":
        mats = tuple(xp.asarray(_nearest_matrix(in_size[i], out[i], scales[i]), dtype=dt) for i in range(nd))
        op = _OPS[f"UpsampleNearest{nd}D"]
    else:
        ac = bool(align_corners)
        mats = tuple(
            xp.asarray(_linear_matrix(in_size[i], out[i], scales[i], ac, np.dtype(dt))) for i in range(nd)
        )
        op = _OPS[{1: "UpsampleLinear1D", 2: "UpsampleBilinear2D", 3: "UpsampleTrilinear3D"}[nd]]
    return op.apply(input, mats)

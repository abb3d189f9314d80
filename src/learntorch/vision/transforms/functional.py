"""Image transforms as plain functions (``torchvision.transforms.functional``).

Every function takes a *tensor image* (``[..., C, H, W]``, float in ``[0, 1]`` or
uint8 in ``[0, 255]``) or a PIL image when Pillow is installed; :func:`to_tensor`
also takes a NumPy ``H x W x C`` array. Geometry (crop, pad, flip, resize) works on
the underlying array and does not record autograd history; :func:`normalize` is
built from tensor ops, so gradients flow through it.

Taught in note 003 §2.1 (ToTensor, Normalize, Resize, RandomCrop) and note 004
(the Resize/CenterCrop/ToTensor/Normalize preprocessing of pretrained models).

>>> import learntorch as torch
>>> from learntorch.vision.transforms import functional as F
>>> img = torch.arange(16.0).reshape(1, 4, 4) / 15
>>> F.center_crop(img, 2).shape
torch.Size([1, 2, 2])
>>> F.normalize(torch.full((3, 1, 1), 0.75), [0.5] * 3, [0.5] * 3).flatten()
tensor([0.5000, 0.5000, 0.5000])
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ... import backend
from ._colour import (
    adjust_brightness,
    adjust_contrast,
    adjust_hue,
    adjust_saturation,
    rgb_to_grayscale,
    to_grayscale,
)
from ._convert import convert_image_dtype, normalize, pil_to_tensor, to_pil_image, to_tensor
from ._image import (
    InterpolationMode,
    _check_image,
    _is_pil,
    _max_value,
    _PILImage,
    _wrap,
    get_dimensions,
    get_image_num_channels,
    get_image_size,
)

__all__ = [
    "InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels", "to_tensor",
    "pil_to_tensor", "to_pil_image", "convert_image_dtype", "normalize", "resize", "crop", "center_crop",
    "pad", "hflip", "vflip", "resized_crop", "rgb_to_grayscale", "to_grayscale", "adjust_brightness",
    "adjust_contrast", "adjust_saturation", "adjust_hue", "five_crop",
]  # fmt: skip


# --------------------------------------------------------------------------- geometry


def _resize_matrix(n_in: int, n_out: int, antialias: bool, xp: Any) -> Any:
    """Weights ``W`` (n_out x n_in) with ``out = W @ in`` for bilinear resampling along one axis.

    Without antialias this is PyTorch's ``interpolate(mode="bilinear", align_corners=False)``;
    with it (when shrinking) the triangle filter is stretched by the scale, as in PyTorch's
    ``antialias=True`` and PIL, so every input pixel contributes.
    """
    scale = n_in / n_out
    w = np.zeros((n_out, n_in), dtype=np.float64)
    rows = np.arange(n_out)
    if antialias and scale > 1.0:
        support = scale
        for i in range(n_out):
            center = scale * (i + 0.5)
            lo = max(int(center - support + 0.5), 0)
            hi = min(int(center + support + 0.5), n_in)
            j = np.arange(lo, hi)
            k = np.clip(1.0 - np.abs((j - center + 0.5) / scale), 0.0, None)
            w[i, lo:hi] = k / k.sum()
        return xp.asarray(w)
    src = np.maximum(scale * (rows + 0.5) - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(np.int64), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    lam = src - i0
    np.add.at(w, (rows, i0), 1.0 - lam)
    np.add.at(w, (rows, i1), lam)
    return xp.asarray(w)


def _nearest_index(n_in: int, n_out: int, exact: bool) -> np.ndarray:
    scale = n_in / n_out
    r = np.arange(n_out)
    idx = np.floor((r + 0.5) * scale) if exact else np.floor(r * scale)
    return np.minimum(idx.astype(np.int64), n_in - 1)


def _output_size(h: int, w: int, size: Any, max_size: int | None) -> tuple[int, int]:
    if isinstance(size, numbers.Number):
        size = [int(size)]
    size = list(size)
    if len(size) == 2:
        if max_size is not None:
            raise ValueError(
                "max_size should only be passed if size specifies the length of the smaller edge, "
                "i.e. size should be an int or a sequence of length 1 in torchscript mode."
            )
        return int(size[0]), int(size[1])
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = int(size[0]), int(size[0] * long / short)
    if max_size is not None:
        if max_size <= new_short:
            raise ValueError(
                f"max_size = {max_size} must be strictly greater than the requested "
                f"size for the smaller edge size = {size}"
            )
        if new_long > max_size:
            new_short, new_long = int(max_size * new_short / new_long), max_size
    return (new_long, new_short) if w <= h else (new_short, new_long)


def resize(
    img: Any,
    size: Any,
    interpolation: InterpolationMode = InterpolationMode.BILINEAR,
    max_size: int | None = None,
    antialias: bool | None = True,
) -> Any:
    """Resize to ``size`` = ``(h, w)``, or match the smaller edge to an int ``size`` keeping the aspect.

    Tensors: bilinear (antialiased when shrinking, as torchvision's default) or nearest;
    uint8 images are rounded back to uint8. PIL images use PIL's own resampling.

    >>> import learntorch as torch
    >>> resize(torch.zeros(3, 40, 60), 20).shape
    torch.Size([3, 20, 30])
    """
    _check_image(img)
    if isinstance(interpolation, int):
        interpolation = {
            0: InterpolationMode.NEAREST,
            2: InterpolationMode.BILINEAR,
            3: InterpolationMode.BICUBIC,
        }[interpolation]
    _, h, w = get_dimensions(img)
    oh, ow = _output_size(h, w, size, max_size)
    if (oh, ow) == (h, w):
        return img
    if _is_pil(img):
        resample = {
            InterpolationMode.NEAREST: _PILImage.NEAREST,
            InterpolationMode.NEAREST_EXACT: _PILImage.NEAREST,
            InterpolationMode.BILINEAR: _PILImage.BILINEAR,
            InterpolationMode.BICUBIC: _PILImage.BICUBIC,
            InterpolationMode.BOX: _PILImage.BOX,
            InterpolationMode.HAMMING: _PILImage.HAMMING,
            InterpolationMode.LANCZOS: _PILImage.LANCZOS,
        }[interpolation]
        return img.resize((ow, oh), resample)
    arr = img._data
    xp = backend.array_module(arr)
    if interpolation in (InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT):
        exact = interpolation == InterpolationMode.NEAREST_EXACT
        rows = xp.asarray(_nearest_index(h, oh, exact))
        cols = xp.asarray(_nearest_index(w, ow, exact))
        return _wrap(arr[..., rows[:, None], cols[None, :]], img)
    if interpolation != InterpolationMode.BILINEAR:
        raise ValueError(
            f"Interpolation mode {interpolation} is not supported for tensors by learntorch\n"
            "hint: use InterpolationMode.BILINEAR or NEAREST for tensors, or resize the PIL image."
        )
    work = np.float64 if arr.dtype == np.float64 else np.float32
    wh = _resize_matrix(h, oh, bool(antialias), xp).astype(work)
    ww = _resize_matrix(w, ow, bool(antialias), xp).astype(work)
    out = wh @ arr.astype(work) @ ww.T
    if not img.dtype.is_floating_point:
        hi = _max_value(img.dtype)
        out = xp.clip(xp.round(out), 0, hi)
    return _wrap(out.astype(arr.dtype), img)


def pad(img: Any, padding: Any, fill: Any = 0, padding_mode: str = "constant") -> Any:
    """Pad the borders: ``padding`` = int (all sides), ``(lr, tb)`` or ``(left, top, right, bottom)``.

    ``padding_mode``: ``constant`` (with ``fill``), ``edge``, ``reflect`` or ``symmetric``.

    >>> import learntorch as torch
    >>> pad(torch.ones(1, 1, 2), (1, 0), padding_mode="constant")
    tensor([[[0., 1., 1., 0.]]])
    """
    _check_image(img)
    if isinstance(padding, numbers.Number):
        padding = [int(padding)]
    padding = [int(p) for p in padding]
    if len(padding) not in (1, 2, 4):
        raise ValueError(
            f"Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple"
        )
    if padding_mode not in ("constant", "edge", "reflect", "symmetric"):
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    if len(padding) == 1:
        left = top = right = bottom = padding[0]
    elif len(padding) == 2:
        left = right = padding[0]
        top = bottom = padding[1]
    else:
        left, top, right, bottom = padding
    if _is_pil(img):
        arr = np.asarray(img)
        widths = [(top, bottom), (left, right)] + ([(0, 0)] if arr.ndim == 3 else [])
        kw = {"constant_values": fill} if padding_mode == "constant" else {}
        out = np.pad(arr, widths, mode=padding_mode, **kw)
        return _PILImage.fromarray(out, mode=img.mode)
    arr = img._data
    xp = backend.array_module(arr)
    if min(left, top, right, bottom) < 0:  # negative padding crops
        h, w = arr.shape[-2:]
        arr = arr[..., max(-top, 0) : h - max(-bottom, 0), max(-left, 0) : w - max(-right, 0)]
        left, top, right, bottom = (max(p, 0) for p in (left, top, right, bottom))
    widths = [(0, 0)] * (arr.ndim - 2) + [(top, bottom), (left, right)]
    if padding_mode == "constant":
        out = xp.pad(arr, widths, mode="constant", constant_values=fill if fill is not None else 0)
    else:
        out = xp.pad(arr, widths, mode=padding_mode)
    return _wrap(out, img)


def crop(img: Any, top: int, left: int, height: int, width: int) -> Any:
    """The ``height x width`` window whose top-left corner is ``(top, left)``; zero-padded outside the image."""
    _check_image(img)
    if _is_pil(img):
        return img.crop((left, top, left + width, top + height))
    h, w = img.shape[-2], img.shape[-1]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        inner = img._data[..., max(top, 0) : min(bottom, h), max(left, 0) : min(right, w)]
        widths = [(0, 0)] * (inner.ndim - 2) + [
            (max(-top, 0), max(bottom - h, 0)),
            (max(-left, 0), max(right - w, 0)),
        ]
        return _wrap(backend.array_module(inner).pad(inner, widths), img)
    return _wrap(img._data[..., top:bottom, left:right], img)


def _pair(size: Any, name: str = "size") -> tuple[int, int]:
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    size = list(size)
    if len(size) == 1:
        return int(size[0]), int(size[0])
    if len(size) != 2:
        raise ValueError(f"Please provide only two dimensions (h, w) for {name}.")
    return int(size[0]), int(size[1])


def center_crop(img: Any, output_size: Any) -> Any:
    """Crop the centre ``output_size`` (int or ``(h, w)``); pads with zeros when the image is smaller."""
    ch, cw = _pair(output_size)
    _, h, w = get_dimensions(img)
    if cw > w or ch > h:
        padding = [
            (cw - w) // 2 if cw > w else 0,
            (ch - h) // 2 if ch > h else 0,
            (cw - w + 1) // 2 if cw > w else 0,
            (ch - h + 1) // 2 if ch > h else 0,
        ]
        img = pad(img, padding, fill=0)
        _, h, w = get_dimensions(img)
        if cw == w and ch == h:
            return img
    top = int(round((h - ch) / 2.0))
    left = int(round((w - cw) / 2.0))
    return crop(img, top, left, ch, cw)


def resized_crop(
    img: Any,
    top: int,
    left: int,
    height: int,
    width: int,
    size: Any,
    interpolation: InterpolationMode = InterpolationMode.BILINEAR,
    antialias: bool | None = True,
) -> Any:
    """:func:`crop` then :func:`resize` (what RandomResizedCrop applies)."""
    return resize(crop(img, top, left, height, width), size, interpolation, antialias=antialias)


def hflip(img: Any) -> Any:
    """Mirror left-right."""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(_PILImage.FLIP_LEFT_RIGHT)
    return _wrap(img._data[..., ::-1].copy(), img)


def vflip(img: Any) -> Any:
    """Mirror top-bottom."""
    _check_image(img)
    if _is_pil(img):
        return img.transpose(_PILImage.FLIP_TOP_BOTTOM)
    return _wrap(img._data[..., ::-1, :].copy(), img)


def five_crop(img: Any, size: Any) -> tuple:
    """The four corner crops and the centre crop."""
    ch, cw = _pair(size)
    _, h, w = get_dimensions(img)
    if ch > h or cw > w:
        raise ValueError(f"Requested crop size {(ch, cw)} is bigger than input size {(h, w)}")
    return (
        crop(img, 0, 0, ch, cw),
        crop(img, 0, w - cw, ch, cw),
        crop(img, h - ch, 0, ch, cw),
        crop(img, h - ch, w - cw, ch, cw),
        center_crop(img, (ch, cw)),
    )

"""Colour transforms: grayscale, brightness, contrast, saturation and hue (ColorJitter's parts)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import backend, dtypes
from ...tensor import Tensor
from ._convert import convert_image_dtype
from ._image import _check_image, _is_pil, _max_value, _PILImage, _wrap

# --------------------------------------------------------------------------- colour


def rgb_to_grayscale(img: Any, num_output_channels: int = 1) -> Any:
    """``0.2989 R + 0.587 G + 0.114 B`` (ITU-R 601-2 luma), repeated to ``num_output_channels``."""
    _check_image(img)
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if _is_pil(img):
        g = img.convert("L")
        return g if num_output_channels == 1 else _PILImage.merge("RGB", [g, g, g])
    arr = img._data
    if arr.shape[-3] == 1:
        gray = arr
    elif arr.shape[-3] == 3:
        r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
        work = arr.dtype if img.dtype.is_floating_point else np.float32
        gray = (0.2989 * r.astype(work) + 0.587 * g.astype(work) + 0.114 * b.astype(work)).astype(arr.dtype)
        gray = gray[..., None, :, :]
    else:
        raise TypeError(f"Input image tensor permitted channel values are [1, 3], but found {arr.shape[-3]}")
    xp = backend.array_module(arr)
    if num_output_channels == 3:
        gray = xp.broadcast_to(gray, (*gray.shape[:-3], 3, *gray.shape[-2:]))
    return _wrap(xp.ascontiguousarray(gray), img)


to_grayscale = rgb_to_grayscale


def _blend(img: Tensor, other: Any, ratio: float) -> Tensor:
    arr = img._data
    work = arr.dtype if img.dtype.is_floating_point else np.float32
    out = ratio * arr.astype(work) + (1.0 - ratio) * other
    xp = backend.array_module(arr)
    return _wrap(xp.clip(out, 0, _max_value(img.dtype)).astype(arr.dtype), img)


def adjust_brightness(img: Any, brightness_factor: float) -> Any:
    """Scale intensities: 0 gives black, 1 the original, 2 twice as bright (clipped)."""
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _check_image(img)
    if _is_pil(img):
        from PIL import ImageEnhance  # noqa: PLC0415

        return ImageEnhance.Brightness(img).enhance(brightness_factor)
    return _blend(img, 0.0, float(brightness_factor))


def adjust_contrast(img: Any, contrast_factor: float) -> Any:
    """Blend with the mean grey level: 0 gives a flat grey image, 1 the original."""
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _check_image(img)
    if _is_pil(img):
        from PIL import ImageEnhance  # noqa: PLC0415

        return ImageEnhance.Contrast(img).enhance(contrast_factor)
    gray = rgb_to_grayscale(img)._data if img.shape[-3] == 3 else img._data
    work = gray.dtype if img.dtype.is_floating_point else np.float32
    mean = gray.astype(work).mean(axis=(-3, -2, -1), keepdims=True)
    return _blend(img, mean, float(contrast_factor))


def adjust_saturation(img: Any, saturation_factor: float) -> Any:
    """Blend with the greyscale image: 0 gives grey, 1 the original, 2 doubles saturation."""
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _check_image(img)
    if _is_pil(img):
        from PIL import ImageEnhance  # noqa: PLC0415

        return ImageEnhance.Color(img).enhance(saturation_factor)
    if img.shape[-3] == 1:
        return img
    gray = rgb_to_grayscale(img)._data
    work = gray.dtype if img.dtype.is_floating_point else np.float32
    return _blend(img, gray.astype(work), float(saturation_factor))


def _rgb_to_hsv(arr: Any, xp: Any) -> Any:
    r, g, b = arr[..., 0, :, :], arr[..., 1, :, :], arr[..., 2, :, :]
    maxc, minc = arr.max(axis=-3), arr.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    s = cr / xp.where(eqc, 1.0, maxc)
    div = xp.where(eqc, 1.0, cr)
    rc, gc, bc = (maxc - r) / div, (maxc - g) / div, (maxc - b) / div
    h = (maxc == r) * (bc - gc)
    h = h + ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    h = h + ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = xp.fmod(h / 6.0 + 1.0, 1.0)
    return h, s, maxc


def _hsv_to_rgb(h: Any, s: Any, v: Any, xp: Any) -> Any:
    i = xp.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(np.int64) % 6
    p = xp.clip(v * (1.0 - s), 0.0, 1.0)
    q = xp.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = xp.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    choices = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]  # sector -> (r, g, b)
    channels = [xp.select([i == k for k in range(6)], [c[ch] for c in choices]) for ch in range(3)]
    return xp.stack(channels, axis=-3)


def adjust_hue(img: Any, hue_factor: float) -> Any:
    """Rotate hues by ``hue_factor`` of a full turn (in [-0.5, 0.5]); 0.5 turns red into cyan.

    >>> import learntorch as torch
    >>> adjust_hue(torch.tensor([[[1.0]], [[0.0]], [[0.0]]]), 0.5).flatten()
    tensor([0., 1., 1.])
    """
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    _check_image(img)
    if _is_pil(img):
        if img.mode in ("L", "1", "I", "F"):
            return img
        h, s, v = img.convert("HSV").split()
        np_h = np.array(h, dtype=np.uint8)
        np_h += np.array(hue_factor * 255).astype(np.uint8)  # wraps around, as a hue should
        h = _PILImage.fromarray(np_h, "L")
        return _PILImage.merge("HSV", (h, s, v)).convert(img.mode)
    if img.shape[-3] == 1:
        return img
    orig = img.dtype
    f = convert_image_dtype(img, dtypes.float32) if not orig.is_floating_point else img
    xp = backend.array_module(f._data)
    h, s, v = _rgb_to_hsv(f._data, xp)
    h = (h + hue_factor) % 1.0
    out = Tensor._make(_hsv_to_rgb(h, s, v, xp).astype(f._data.dtype))
    return convert_image_dtype(out, orig) if orig != out.dtype else out

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
from collections.abc import Sequence
from enum import Enum
from typing import Any

import numpy as np

from ... import backend, dtypes
from ...tensor import Tensor

try:  # Pillow is optional: tensors and NumPy arrays work without it
    from PIL import Image as _PILImage
except ImportError:  # pragma: no cover - exercised only where Pillow is missing
    _PILImage = None

__all__ = [
    "InterpolationMode", "get_dimensions", "get_image_size", "get_image_num_channels", "to_tensor",
    "pil_to_tensor", "to_pil_image", "convert_image_dtype", "normalize", "resize", "crop", "center_crop",
    "pad", "hflip", "vflip", "resized_crop", "rgb_to_grayscale", "to_grayscale", "adjust_brightness",
    "adjust_contrast", "adjust_saturation", "adjust_hue", "five_crop",
]  # fmt: skip


class InterpolationMode(Enum):
    """How :func:`resize` computes new pixels (torchvision's enum, same values)."""

    NEAREST = "nearest"
    NEAREST_EXACT = "nearest-exact"
    BILINEAR = "bilinear"
    BICUBIC = "bicubic"
    BOX = "box"
    HAMMING = "hamming"
    LANCZOS = "lanczos"


def _is_pil(img: Any) -> bool:
    return _PILImage is not None and isinstance(img, _PILImage.Image)


def _check_image(img: Any) -> None:
    if not isinstance(img, Tensor) and not _is_pil(img):
        raise TypeError(
            f"Unexpected type {type(img)}\nhint: pass a tensor image [C, H, W] (e.g. from ToTensor()) "
            "or a PIL image."
        )
    if isinstance(img, Tensor) and img.ndim < 2:
        raise TypeError(
            f"Tensor is not a torch image.\nhint: an image has shape [..., H, W]; got {img.ndim}D."
        )


def _wrap(arr: Any, like: Tensor) -> Tensor:
    return Tensor._make(arr)


def _max_value(dt: dtypes.dtype) -> float:
    if dt.is_floating_point:
        return 1.0
    if dt == dtypes.bool:
        return 1
    return int(np.iinfo(dt.np).max)


def get_dimensions(img: Any) -> list[int]:
    """``[channels, height, width]`` of a tensor or PIL image.

    >>> import learntorch as torch
    >>> get_dimensions(torch.zeros(3, 4, 5))
    [3, 4, 5]
    """
    _check_image(img)
    if isinstance(img, Tensor):
        c = 1 if img.ndim == 2 else int(img.shape[-3])
        return [c, int(img.shape[-2]), int(img.shape[-1])]
    return [len(img.getbands()), img.height, img.width]


def get_image_size(img: Any) -> list[int]:
    """``[width, height]`` (PIL's order, kept by torchvision)."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img: Any) -> int:
    return get_dimensions(img)[0]


# --------------------------------------------------------------------------- conversion


def to_tensor(pic: Any) -> Tensor:
    """PIL image or NumPy ``H x W x C`` array -> float tensor ``C x H x W``; uint8 is scaled to [0, 1].

    >>> import numpy as np
    >>> to_tensor(np.array([[0, 255]], dtype=np.uint8))
    tensor([[[0., 1.]]])
    """
    from ... import get_default_dtype  # noqa: PLC0415

    if isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
        chw = np.ascontiguousarray(arr.transpose(2, 0, 1))
        if chw.dtype == np.uint8:
            return Tensor._make((chw / np.float32(255)).astype(get_default_dtype().np))
        return Tensor._make(chw)
    if not _is_pil(pic):
        raise TypeError(
            f"pic should be PIL Image or ndarray. Got {type(pic)}\n"
            "hint: ToTensor converts PIL images and H x W x C arrays; a tensor is already a tensor."
        )
    t = pil_to_tensor(pic)
    if pic.mode == "1":
        t = Tensor._make(t._data * np.uint8(255))
    if t.dtype == dtypes.uint8:
        return Tensor._make((t._data / np.float32(255)).astype(get_default_dtype().np))
    return t


_PIL_MODE_DTYPE = {"I": np.int32, "I;16": np.int16, "I;16B": np.int16, "F": np.float32}


def pil_to_tensor(pic: Any) -> Tensor:
    """PIL image -> tensor ``C x H x W`` with the image's own dtype (no scaling)."""
    if not _is_pil(pic):
        raise TypeError(f"pic should be PIL Image. Got {type(pic)}")
    arr = np.array(pic, dtype=_PIL_MODE_DTYPE.get(pic.mode, np.uint8), copy=True)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return Tensor._make(np.ascontiguousarray(arr.transpose(2, 0, 1)))


_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}


def to_pil_image(pic: Any, mode: str | None = None) -> Any:
    """Tensor ``C x H x W`` or array ``H x W x C`` -> PIL image; floats are scaled by 255 and truncated."""
    if _PILImage is None:
        raise ImportError("to_pil_image needs Pillow.\nhint: pip install pillow")
    if isinstance(pic, Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = backend.to_numpy(pic._data)
        arr = arr[None] if arr.ndim == 2 else arr
        if pic.dtype.is_floating_point and mode != "F":
            arr = (arr * 255).astype(np.int64).astype(np.uint8)  # torch's .byte(): truncate, wrap
        arr = arr.transpose(1, 2, 0)
    elif isinstance(pic, np.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f"pic should be 2/3 dimensional. Got {pic.ndim} dimensions.")
        arr = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        raise TypeError(f"pic should be Tensor or ndarray. Got {type(pic)}.")
    if arr.shape[2] == 1:
        arr = arr[:, :, 0]
        if mode is None:
            mode = {np.uint8: "L", np.int16: "I;16", np.int32: "I", np.float32: "F"}.get(arr.dtype.type)
        if mode is None:
            raise TypeError(f"Input type {arr.dtype} is not supported")
        return (
            _PILImage.fromarray(np.ascontiguousarray(arr), mode=mode)
            if mode != "L"
            else _PILImage.fromarray(np.ascontiguousarray(arr.astype(np.uint8)))
        )
    if arr.shape[2] not in _MODES:
        raise ValueError(f"pic should not have > 4 channels. Got {arr.shape[2]} channels.")
    img = _PILImage.fromarray(np.ascontiguousarray(arr.astype(np.uint8)))
    return img if mode is None or mode == img.mode else img.convert(mode)


def convert_image_dtype(image: Tensor, dtype: dtypes.dtype = dtypes.float32) -> Tensor:
    """Change dtype and rescale: uint8 255 <-> float 1.0 (torchvision's rule, incl. its ``1 - eps`` trick).

    >>> import learntorch as torch
    >>> convert_image_dtype(torch.tensor([0, 255], dtype=torch.uint8), torch.float32)
    tensor([0., 1.])
    >>> convert_image_dtype(torch.tensor([0.0, 0.5, 1.0]), torch.uint8)
    tensor([  0, 127, 255], dtype=torch.uint8)
    """
    if not isinstance(image, Tensor):
        raise TypeError("Input img should be Tensor Image")
    src = image.dtype
    arr = image._data
    if src == dtype:
        return image
    if src.is_floating_point:
        if dtype.is_floating_point:
            return Tensor._make(arr.astype(dtype.np))
        if (src == dtypes.float32 and dtype in (dtypes.int32, dtypes.int64)) or (
            src == dtypes.float64 and dtype == dtypes.int64
        ):
            raise RuntimeError(f"The cast from {src} to {dtype} cannot be performed safely.")
        eps = 1e-3
        max_val = float(_max_value(dtype))
        return Tensor._make((arr * (max_val + 1.0 - eps)).astype(src.np).astype(dtype.np))
    in_max = int(_max_value(src))
    if dtype.is_floating_point:
        return Tensor._make(arr.astype(dtype.np) / dtype.np.type(in_max))
    out_max = int(_max_value(dtype))
    if in_max > out_max:  # integer to smaller integer: drop low bits
        factor = (in_max + 1) // (out_max + 1)
        return Tensor._make((arr // factor).astype(dtype.np))
    factor = (out_max + 1) // (in_max + 1)
    return Tensor._make(arr.astype(dtype.np) * dtype.np.type(factor))


def normalize(tensor: Tensor, mean: Sequence[float], std: Sequence[float], inplace: bool = False) -> Tensor:
    """``(tensor[c] - mean[c]) / std[c]`` per channel (note 003 §Normalize)."""
    from ...creation import as_tensor  # noqa: PLC0415

    if not isinstance(tensor, Tensor):
        raise TypeError(f"img should be Tensor Image. Got {type(tensor)}")
    if not tensor.dtype.is_floating_point:
        raise TypeError(
            f"Input tensor should be a float tensor. Got {tensor.dtype}.\n"
            "hint: apply ToTensor() (or ConvertImageDtype(torch.float)) before Normalize."
        )
    if tensor.ndim < 3:
        raise ValueError(
            f"Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = {tensor.size()}"
        )
    m = as_tensor(mean, dtype=tensor.dtype)
    s = as_tensor(std, dtype=tensor.dtype)
    if bool((s == 0).any()):
        raise ValueError(
            f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero."
        )
    if m.ndim == 1:
        m = m.view(-1, 1, 1)
    if s.ndim == 1:
        s = s.view(-1, 1, 1)
    if inplace:
        return tensor.sub_(m).div_(s)
    return (tensor - m) / s


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

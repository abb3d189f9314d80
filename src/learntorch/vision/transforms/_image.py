"""What every image function shares: the interpolation modes, image checks and sizes."""

from __future__ import annotations

from enum import Enum
from typing import Any

import numpy as np

from ... import dtypes
from ...tensor import Tensor

try:  # Pillow is optional: tensors and NumPy arrays work without it
    from PIL import Image as _PILImage
except ImportError:  # pragma: no cover - exercised only where Pillow is missing
    _PILImage = None


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

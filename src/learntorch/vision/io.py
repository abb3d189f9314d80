"""Read and write image files as uint8 tensors ``C x H x W`` (needs Pillow)."""

from __future__ import annotations

import os
from enum import Enum

import numpy as np

from ..tensor import Tensor

__all__ = ["ImageReadMode", "read_image", "decode_image", "write_png", "write_jpeg"]


class ImageReadMode(Enum):
    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4


_PIL_MODE = {ImageReadMode.GRAY: "L", ImageReadMode.GRAY_ALPHA: "LA", ImageReadMode.RGB: "RGB",
             ImageReadMode.RGB_ALPHA: "RGBA"}  # fmt: skip


def _pil():  # noqa: ANN202
    try:
        from PIL import Image  # noqa: PLC0415
    except ImportError as err:  # pragma: no cover - exercised only where Pillow is missing
        raise ImportError("learntorch.vision.io needs Pillow.\nhint: pip install pillow") from err
    return Image


def read_image(path: str | os.PathLike, mode: ImageReadMode = ImageReadMode.UNCHANGED) -> Tensor:
    """Decode an image file into a uint8 tensor ``C x H x W``."""
    with _pil().open(path) as img:
        if mode != ImageReadMode.UNCHANGED:
            img = img.convert(_PIL_MODE[mode])
        arr = np.array(img, dtype=np.uint8)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    return Tensor._make(np.ascontiguousarray(arr.transpose(2, 0, 1)))


decode_image = read_image


def _write(input: Tensor, filename: str | os.PathLike, fmt: str, **kw: object) -> None:
    if input.dtype.name != "uint8" or input.ndim != 3:
        raise ValueError("Input tensor must be a uint8 tensor of shape C x H x W")
    arr = input.numpy().transpose(1, 2, 0)
    arr = arr[:, :, 0] if arr.shape[2] == 1 else arr
    _pil().fromarray(np.ascontiguousarray(arr)).save(filename, format=fmt, **kw)


def write_png(input: Tensor, filename: str | os.PathLike, compression_level: int = 6) -> None:
    """Write a uint8 ``C x H x W`` tensor as a PNG file."""
    _write(input, filename, "PNG", compress_level=compression_level)


def write_jpeg(input: Tensor, filename: str | os.PathLike, quality: int = 75) -> None:
    """Write a uint8 ``C x H x W`` tensor as a JPEG file."""
    _write(input, filename, "JPEG", quality=quality)

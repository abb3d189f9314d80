"""Images for TensorBoard: any layout -> an HxWxC uint8 array -> PNG bytes (zlib, no Pillow).

>>> import numpy as np
>>> hwc = to_hwc(np.zeros((1, 2, 3)), "CHW")  # one gray channel becomes RGB
>>> hwc.shape
(2, 3, 3)
>>> make_grid(np.ones((10, 3, 2, 2))).shape  # 8 images a row, 2 rows
(3, 4, 16)
>>> encode_png(np.zeros((2, 3, 3), dtype=np.uint8))[:8]
b'\\x89PNG\\r\\n\\x1a\\n'
"""

from __future__ import annotations

import struct
import zlib

import numpy as np


def make_grid(images: np.ndarray, ncols: int = 8) -> np.ndarray:
    """Tile a batch ``(N, C, H, W)`` (C = 1 or 3) into one ``(3, rows*H, ncols*W)`` image."""
    if images.shape[1] == 1:
        images = np.concatenate([images] * 3, axis=1)
    if images.ndim != 4 or images.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = images.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=images.dtype)
    for i in range(n):
        row, col = divmod(i, ncols)
        canvas[:, row * h : (row + 1) * h, col * w : (col + 1) * w] = images[i]
    return canvas


def to_hwc(array: np.ndarray, dataformats: str) -> np.ndarray:
    """Reorder ``array`` laid out as ``dataformats`` (NCHW, CHW, HWC, HW, WH, ...) to HxWxC."""
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError(
            f"You can not use the same dimension shorthand twice.             input_format: {dataformats}"
        )
    if array.ndim != len(dataformats):
        raise AssertionError(
            "size of input tensor and input format are different.         "
            f"tensor shape: {array.shape}, input_format: {dataformats}"
        )
    fmt = dataformats.upper()
    if len(fmt) == 4:  # a batch: tile it
        nchw = array.transpose([fmt.find(c) for c in "NCHW"])
        return make_grid(nchw).transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = array.transpose([fmt.find(c) for c in "HWC"])
        return np.concatenate([hwc] * 3, axis=2) if hwc.shape[2] == 1 else hwc
    hw = array.transpose([fmt.find(c) for c in "HW"])
    return np.stack([hw] * 3, axis=2)


def to_uint8(hwc: np.ndarray) -> np.ndarray:
    """uint8 images are kept; anything else is read as [0, 1] and scaled by 255 (then clipped)."""
    scale = 1 if hwc.dtype == np.uint8 else 255
    return (hwc.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(hwc: np.ndarray) -> bytes:
    """PNG bytes of an ``(H, W, C)`` uint8 array, C = 1 (gray), 3 (RGB) or 4 (RGBA).

    A PNG is a signature and chunks (length, type, data, CRC-32): IHDR (size, 8 bits, colour
    type), IDAT (zlib of the rows, each row led by its filter byte, 0 = none), IEND.
    """
    h, w, c = hwc.shape
    color_type = {1: 0, 3: 2, 4: 6}[c]
    rows = np.concatenate(
        [np.zeros((h, 1), np.uint8), np.ascontiguousarray(hwc, np.uint8).reshape(h, w * c)], 1
    )
    ihdr = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + _chunk(b"IEND", b"")
    )

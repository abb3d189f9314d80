"""make_grid and save_image: lay a batch of images out as one picture."""

from __future__ import annotations

import math
import os
from typing import IO, Any

import numpy as np

from .. import backend
from ..tensor import Tensor

__all__ = ["make_grid", "save_image"]


def make_grid(
    tensor: Tensor | list[Tensor],
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range: tuple[float, float] | None = None,
    scale_each: bool = False,
    pad_value: float = 0.0,
) -> Tensor:
    """Tile a ``B x C x H x W`` batch (or a list of ``C x H x W``) into a ``3 x H' x W'`` grid.

    ``nrow`` images per row, ``padding`` pixels of ``pad_value`` between them;
    ``normalize=True`` shifts and scales to [0, 1] (by ``value_range`` or min/max).

    >>> import learntorch as torch
    >>> make_grid(torch.ones(4, 1, 2, 2), nrow=2, padding=1).shape
    torch.Size([3, 7, 7])
    """
    if isinstance(tensor, (list, tuple)):
        arr = np.stack([backend.to_numpy(t._data) for t in tensor])
    elif isinstance(tensor, Tensor):
        arr = backend.to_numpy(tensor._data)
    else:
        raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim == 3:  # one C x H x W image
        arr = arr[None]
    if arr.shape[1] == 1:
        arr = np.concatenate([arr, arr, arr], axis=1)
    arr = arr.astype(np.result_type(arr.dtype, np.float32)) if normalize else arr.copy()
    if normalize:

        def norm(a: np.ndarray, lo: float, hi: float) -> np.ndarray:
            return (np.clip(a, lo, hi) - lo) / max(hi - lo, 1e-5)

        if scale_each:
            for i in range(arr.shape[0]):
                lo, hi = value_range or (float(arr[i].min()), float(arr[i].max()))
                arr[i] = norm(arr[i], lo, hi)
        else:
            lo, hi = value_range or (float(arr.min()), float(arr.max()))
            arr = norm(arr, lo, hi)
    if arr.shape[0] == 1:
        return Tensor._make(np.ascontiguousarray(arr[0]))
    n, c, h, w = arr.shape
    xmaps = min(nrow, n)
    ymaps = int(math.ceil(n / xmaps))
    height, width = h + padding, w + padding
    grid = np.full((c, height * ymaps + padding, width * xmaps + padding), pad_value, dtype=arr.dtype)
    for k in range(n):
        y, x = divmod(k, xmaps)
        top, left = y * height + padding, x * width + padding
        grid[:, top : top + h, left : left + w] = arr[k]
    return Tensor._make(grid)


def save_image(tensor: Tensor | list[Tensor], fp: str | os.PathLike | IO[bytes], format: str | None = None,
               **kwargs: Any) -> None:  # fmt: skip
    """:func:`make_grid` then write a PNG/JPEG/... via Pillow (values in [0, 1] are scaled to 0..255)."""
    try:
        from PIL import Image  # noqa: PLC0415
    except ImportError as err:  # pragma: no cover - exercised only where Pillow is missing
        raise ImportError("save_image needs Pillow.\nhint: pip install pillow") from err
    grid = make_grid(tensor, **kwargs)._data
    arr = np.clip(backend.to_numpy(grid) * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
    Image.fromarray(np.ascontiguousarray(arr)).save(fp, format=format)

"""Converting images: PIL or NumPy to tensor and back, dtypes, normalisation (note 003 §2.1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ... import backend, dtypes
from ...tensor import Tensor
from ._image import _is_pil, _max_value, _PILImage

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

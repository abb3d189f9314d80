"""The preprocessing that pretrained classifiers expect (``weights.transforms()``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import dtypes
from ...nn.modules.module import Module
from ...tensor import Tensor
from ..transforms import functional as F
from ..transforms.functional import InterpolationMode

_IMAGENET_MEAN = (0.485, 0.456, 0.406)
_IMAGENET_STD = (0.229, 0.224, 0.225)


class ImageClassification(Module):
    """Resize the smaller edge to ``resize_size``, centre-crop ``crop_size``, scale to [0, 1], normalize.

    >>> import learntorch as torch
    >>> t = ImageClassification(crop_size=4, resize_size=6)
    >>> t(torch.zeros(3, 12, 9, dtype=torch.uint8)).shape
    torch.Size([3, 4, 4])
    """

    def __init__(
        self,
        *,
        crop_size: int,
        resize_size: int = 256,
        mean: Sequence[float] = _IMAGENET_MEAN,
        std: Sequence[float] = _IMAGENET_STD,
        interpolation: InterpolationMode = InterpolationMode.BILINEAR,
        antialias: bool | None = True,
    ) -> None:
        super().__init__()
        self.crop_size, self.resize_size = [crop_size], [resize_size]
        self.mean, self.std = list(mean), list(std)
        self.interpolation, self.antialias = interpolation, antialias

    def forward(self, img: Any) -> Tensor:
        img = F.resize(img, self.resize_size, interpolation=self.interpolation, antialias=self.antialias)
        img = F.center_crop(img, self.crop_size)
        if not isinstance(img, Tensor):
            img = F.pil_to_tensor(img)
        img = F.convert_image_dtype(img, dtypes.float32)
        return F.normalize(img, mean=self.mean, std=self.std)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(\n    crop_size={self.crop_size}\n    resize_size={self.resize_size}\n"
            f"    mean={self.mean}\n    std={self.std}\n    interpolation={self.interpolation}\n)"
        )

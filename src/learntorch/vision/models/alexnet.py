"""AlexNet (Krizhevsky et al., 2012), torchvision's layout and state_dict keys."""

from __future__ import annotations

from functools import partial
from typing import Any

from ... import flatten, nn
from ...tensor import Tensor
from ._api import Weights, WeightsEnum, _load_weights, _ovewrite_named_param, register_model
from ._meta import imagenet_meta
from ._presets import ImageClassification

__all__ = ["AlexNet", "AlexNet_Weights", "alexnet"]


class AlexNet(nn.Module):
    """Five conv layers, adaptive pooling to 6x6, three linear layers with dropout (61.1 M parameters)."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout),
            nn.Linear(256 * 6 * 6, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(flatten(x, 1))


class AlexNet_Weights(WeightsEnum):
    IMAGENET1K_V1 = Weights(
        url="https://download.pytorch.org/models/alexnet-owt-7be5be79.pth",
        transforms=partial(ImageClassification, crop_size=224),
        meta=imagenet_meta(
            61100840,
            56.522,
            79.066,
            (63, 63),
            "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg",
        ),
    )
    DEFAULT = IMAGENET1K_V1


@register_model(weights=AlexNet_Weights)
def alexnet(*, weights: AlexNet_Weights | str | None = None, progress: bool = True, **kwargs: Any) -> AlexNet:
    """AlexNet; ``weights=AlexNet_Weights.IMAGENET1K_V1`` downloads the ImageNet weights."""
    weights = AlexNet_Weights.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load_weights(lambda: AlexNet(**kwargs), weights, progress)

"""The ``hubconf.py`` that ``learntorch.hub`` uses for ``"pytorch/vision"`` (answered offline).

Entrypoints: every registered model builder plus ``get_weight`` and ``get_model_weights``,
as in torchvision's own hubconf.
"""

from __future__ import annotations

from .models import (
    WeightsEnum,
    alexnet,
    get_model_weights,
    lenet,
    resnet18,
    resnet34,
    resnet50,
    resnet101,
    resnet152,
    vgg11,
    vgg11_bn,
    vgg13,
    vgg13_bn,
    vgg16,
    vgg16_bn,
    vgg19,
    vgg19_bn,
)
from .models import get_weight as _get_weight

dependencies: list[str] = []


def get_weight(name: str | None = None, *, weights: str | None = None) -> WeightsEnum:
    """The weights named ``"<Enum>.<MEMBER>"``; also accepts ``weights=`` as torchvision's docs call it."""
    if (name is None) == (weights is None):
        raise TypeError("get_weight() takes the weight name, e.g. 'ResNet50_Weights.IMAGENET1K_V2'")
    return _get_weight(name if name is not None else weights)


__all__ = [
    "alexnet", "get_model_weights", "get_weight", "lenet", "resnet18", "resnet34", "resnet50", "resnet101",
    "resnet152", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
]  # fmt: skip

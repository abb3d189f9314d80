"""VGG 11/13/16/19 (Simonyan & Zisserman, 2014), with and without batch norm; torchvision's keys."""

from __future__ import annotations

from functools import partial
from typing import Any

from ... import flatten, nn
from ...tensor import Tensor
from ._api import Weights, WeightsEnum, _load_weights, _ovewrite_named_param, register_model
from ._meta import imagenet_meta
from ._presets import ImageClassification

__all__ = ["VGG", "make_layers", "cfgs"]

cfgs: dict[str, list[int | str]] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [
        64,
        64,
        "M",
        128,
        128,
        "M",
        256,
        256,
        256,
        256,
        "M",
        512,
        512,
        512,
        512,
        "M",
        512,
        512,
        512,
        512,
        "M",
    ],
}


def make_layers(cfg: list[int | str], batch_norm: bool = False) -> nn.Sequential:
    """3x3 convs (+ BatchNorm) + ReLU for each number in ``cfg``, a 2x2 max pool for each ``"M"``."""
    layers: list[nn.Module] = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, int(v), kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(int(v)))
        layers.append(nn.ReLU(inplace=True))
        in_channels = int(v)
    return nn.Sequential(*layers)


class VGG(nn.Module):
    """``features`` (from :func:`make_layers`), adaptive pooling to 7x7, a 4096-4096 classifier."""

    def __init__(
        self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True, dropout: float = 0.5
    ) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x: Tensor) -> Tensor:
        x = self.avgpool(self.features(x))
        return self.classifier(flatten(x, 1))


_RECIPE = "https://github.com/pytorch/vision/tree/main/references/classification#alexnet-and-vgg"


def _weights(name: str, file: str, num_params: int, acc1: float, acc5: float) -> type[WeightsEnum]:
    w = Weights(
        url=f"https://download.pytorch.org/models/{file}",
        transforms=partial(ImageClassification, crop_size=224),
        meta=imagenet_meta(num_params, acc1, acc5, (32, 32), _RECIPE),
    )
    return WeightsEnum(name, [("IMAGENET1K_V1", w), ("DEFAULT", w)], module=__name__)  # type: ignore[return-value]


VGG11_Weights = _weights("VGG11_Weights", "vgg11-8a719046.pth", 132863336, 69.020, 88.628)
VGG11_BN_Weights = _weights("VGG11_BN_Weights", "vgg11_bn-6002323d.pth", 132868840, 70.370, 89.810)
VGG13_Weights = _weights("VGG13_Weights", "vgg13-19584684.pth", 133047848, 69.928, 89.246)
VGG13_BN_Weights = _weights("VGG13_BN_Weights", "vgg13_bn-abd245e5.pth", 133053736, 71.586, 90.374)
VGG16_Weights = _weights("VGG16_Weights", "vgg16-397923af.pth", 138357544, 71.592, 90.382)
VGG16_BN_Weights = _weights("VGG16_BN_Weights", "vgg16_bn-6c64b313.pth", 138365992, 73.360, 91.516)
VGG19_Weights = _weights("VGG19_Weights", "vgg19-dcbb9e9d.pth", 143667240, 72.376, 90.876)
VGG19_BN_Weights = _weights("VGG19_BN_Weights", "vgg19_bn-c79401a0.pth", 143678248, 74.218, 91.842)


def _vgg(
    cfg: str, batch_norm: bool, enum: type[WeightsEnum], weights: Any, progress: bool, **kwargs: Any
) -> VGG:
    weights = enum.verify(weights)
    if weights is not None:
        kwargs["init_weights"] = False
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load_weights(
        lambda: VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs), weights, progress
    )


def _builder(name: str, cfg: str, bn: bool, enum: type[WeightsEnum]) -> Any:
    def build(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> VGG:
        return _vgg(cfg, bn, enum, weights, progress, **kwargs)

    build.__name__ = build.__qualname__ = name
    build.__module__ = __name__
    build.__doc__ = f"VGG-{name[3:5]}{' with batch norm' if bn else ''}; ``weights={enum.__name__}.DEFAULT`` for ImageNet."
    return register_model(name, weights=enum)(build)


vgg11 = _builder("vgg11", "A", False, VGG11_Weights)
vgg11_bn = _builder("vgg11_bn", "A", True, VGG11_BN_Weights)
vgg13 = _builder("vgg13", "B", False, VGG13_Weights)
vgg13_bn = _builder("vgg13_bn", "B", True, VGG13_BN_Weights)
vgg16 = _builder("vgg16", "D", False, VGG16_Weights)
vgg16_bn = _builder("vgg16_bn", "D", True, VGG16_BN_Weights)
vgg19 = _builder("vgg19", "E", False, VGG19_Weights)
vgg19_bn = _builder("vgg19_bn", "E", True, VGG19_BN_Weights)

__all__ += [
    "VGG11_Weights", "VGG11_BN_Weights", "VGG13_Weights", "VGG13_BN_Weights", "VGG16_Weights", "VGG16_BN_Weights",
    "VGG19_Weights", "VGG19_BN_Weights", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
    "vgg19_bn",
]  # fmt: skip

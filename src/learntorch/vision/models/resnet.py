"""ResNet 18/34/50/101/152 (He et al., 2015) with torchvision's module names and state_dict keys."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ... import flatten, nn
from ...tensor import Tensor
from ._api import Weights, WeightsEnum, _load_weights, _ovewrite_named_param, register_model
from ._meta import _RECIPE_V1, _RECIPE_V2, imagenet_meta
from ._presets import ImageClassification

__all__ = ["ResNet", "BasicBlock", "Bottleneck", "conv3x3", "conv1x1"]


def conv3x3(
    in_planes: int, out_planes: int, stride: int = 1, groups: int = 1, dilation: int = 1
) -> nn.Conv2d:
    return nn.Conv2d(
        in_planes,
        out_planes,
        3,
        stride=stride,
        padding=dilation,
        groups=groups,
        bias=False,
        dilation=dilation,
    )


def conv1x1(in_planes: int, out_planes: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convs; the input is added back (through ``downsample`` when the shape changes)."""

    expansion = 1

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
        dilation: int = 1,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError("BasicBlock only supports groups=1 and base_width=64")
        if dilation > 1:
            raise ValueError("Dilation > 1 not supported in BasicBlock")
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (carries the stride), 1x1 expand by 4; plus the shortcut."""

    expansion = 4

    def __init__(
        self,
        inplanes: int,
        planes: int,
        stride: int = 1,
        downsample: nn.Module | None = None,
        groups: int = 1,
        base_width: int = 64,
        dilation: int = 1,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        norm_layer = norm_layer or nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x: Tensor) -> Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    """Stem (7x7 conv, BN, ReLU, max pool), four stages of blocks, global average pool, ``fc``.

    >>> import learntorch as torch
    >>> m = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=5)
    >>> m(torch.zeros(2, 3, 32, 32)).shape
    torch.Size([2, 5])
    """

    def __init__(
        self,
        block: type[BasicBlock | Bottleneck],
        layers: list[int],
        num_classes: int = 1000,
        zero_init_residual: bool = False,
        groups: int = 1,
        width_per_group: int = 64,
        replace_stride_with_dilation: list[bool] | None = None,
        norm_layer: Callable[..., nn.Module] | None = None,
    ) -> None:
        super().__init__()
        self._norm_layer = norm_layer or nn.BatchNorm2d
        self.inplanes, self.dilation = 64, 1
        replace_stride_with_dilation = replace_stride_with_dilation or [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError(
                "replace_stride_with_dilation should be None "
                f"or a 3-element tuple, got {replace_stride_with_dilation}"
            )
        self.groups, self.base_width = groups, width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = self._norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], 2, replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], 2, replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], 2, replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock):
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(
        self,
        block: type[BasicBlock | Bottleneck],
        planes: int,
        blocks: int,
        stride: int = 1,
        dilate: bool = False,
    ) -> nn.Sequential:
        norm_layer, downsample, previous_dilation = self._norm_layer, None, self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride), norm_layer(planes * block.expansion)
            )
        layers = [
            block(
                self.inplanes,
                planes,
                stride,
                downsample,
                self.groups,
                self.base_width,
                previous_dilation,
                norm_layer,
            )
        ]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(
                block(
                    self.inplanes,
                    planes,
                    groups=self.groups,
                    base_width=self.base_width,
                    dilation=self.dilation,
                    norm_layer=norm_layer,
                )
            )
        return nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(flatten(self.avgpool(x), 1))


def _w(file: str, num_params: int, acc1: float, acc5: float, recipe: str, resize: int = 256) -> Weights:
    return Weights(
        url=f"https://download.pytorch.org/models/{file}",
        transforms=partial(ImageClassification, crop_size=224, resize_size=resize),
        meta=imagenet_meta(num_params, acc1, acc5, (1, 1), recipe),
    )


class ResNet18_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("resnet18-f37072fd.pth", 11689512, 69.758, 89.078, _RECIPE_V1)
    DEFAULT = IMAGENET1K_V1


class ResNet34_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("resnet34-b627a593.pth", 21797672, 73.314, 91.420, _RECIPE_V1)
    DEFAULT = IMAGENET1K_V1


class ResNet50_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("resnet50-0676ba61.pth", 25557032, 76.130, 92.862, _RECIPE_V1)
    IMAGENET1K_V2 = _w("resnet50-11ad3fa6.pth", 25557032, 80.858, 95.434, _RECIPE_V2, resize=232)
    DEFAULT = IMAGENET1K_V2


class ResNet101_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("resnet101-63fe2227.pth", 44549160, 77.374, 93.546, _RECIPE_V1)
    IMAGENET1K_V2 = _w("resnet101-cd907fc2.pth", 44549160, 81.886, 95.780, _RECIPE_V2, resize=232)
    DEFAULT = IMAGENET1K_V2


class ResNet152_Weights(WeightsEnum):
    IMAGENET1K_V1 = _w("resnet152-394f9c45.pth", 60192808, 78.312, 94.046, _RECIPE_V1)
    IMAGENET1K_V2 = _w("resnet152-f82ba261.pth", 60192808, 82.284, 96.002, _RECIPE_V2, resize=232)
    DEFAULT = IMAGENET1K_V2


def _resnet(
    block: type[BasicBlock | Bottleneck],
    layers: list[int],
    enum: type[WeightsEnum],
    weights: Any,
    progress: bool,
    **kwargs: Any,
) -> ResNet:
    weights = enum.verify(weights)
    if weights is not None:
        _ovewrite_named_param(kwargs, "num_classes", len(weights.meta["categories"]))
    return _load_weights(lambda: ResNet(block, layers, **kwargs), weights, progress)


@register_model(weights=ResNet18_Weights)
def resnet18(
    *, weights: ResNet18_Weights | str | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-18 (BasicBlock x [2, 2, 2, 2])."""
    return _resnet(BasicBlock, [2, 2, 2, 2], ResNet18_Weights, weights, progress, **kwargs)


@register_model(weights=ResNet34_Weights)
def resnet34(
    *, weights: ResNet34_Weights | str | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-34 (BasicBlock x [3, 4, 6, 3])."""
    return _resnet(BasicBlock, [3, 4, 6, 3], ResNet34_Weights, weights, progress, **kwargs)


@register_model(weights=ResNet50_Weights)
def resnet50(
    *, weights: ResNet50_Weights | str | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-50 (Bottleneck x [3, 4, 6, 3]); note 004 loads ``ResNet50_Weights.DEFAULT``."""
    return _resnet(Bottleneck, [3, 4, 6, 3], ResNet50_Weights, weights, progress, **kwargs)


@register_model(weights=ResNet101_Weights)
def resnet101(
    *, weights: ResNet101_Weights | str | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-101 (Bottleneck x [3, 4, 23, 3])."""
    return _resnet(Bottleneck, [3, 4, 23, 3], ResNet101_Weights, weights, progress, **kwargs)


@register_model(weights=ResNet152_Weights)
def resnet152(
    *, weights: ResNet152_Weights | str | None = None, progress: bool = True, **kwargs: Any
) -> ResNet:
    """ResNet-152 (Bottleneck x [3, 8, 36, 3])."""
    return _resnet(Bottleneck, [3, 8, 36, 3], ResNet152_Weights, weights, progress, **kwargs)


__all__ += [
    "ResNet18_Weights", "ResNet34_Weights", "ResNet50_Weights", "ResNet101_Weights", "ResNet152_Weights",
    "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
]  # fmt: skip

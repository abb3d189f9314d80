"""LeNet-5 (LeCun et al., 1998) for 1 x 28 x 28 images, the classic first CNN (d2l's layout).

Not part of torchvision; registered as ``lenet`` for the course. No pretrained weights.
"""

from __future__ import annotations

from typing import Any

from ... import nn
from ...tensor import Tensor
from ._api import register_model

__all__ = ["LeNet", "lenet"]


class LeNet(nn.Module):
    """conv(5x5, 6) - sigmoid - avgpool - conv(5x5, 16) - sigmoid - avgpool - 120 - 84 - ``num_classes``.

    >>> import learntorch as torch
    >>> LeNet()(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """

    def __init__(self, num_classes: int = 10, in_channels: int = 1) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2),
            nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5),
            nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120),
            nn.Sigmoid(),
            nn.Linear(120, 84),
            nn.Sigmoid(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.classifier(self.features(x))


@register_model()
def lenet(*, weights: Any = None, progress: bool = True, **kwargs: Any) -> LeNet:
    """LeNet-5 (random init; there are no published weights)."""
    if weights is not None:
        raise ValueError(
            "lenet has no pretrained weights\nhint: train it, e.g. on datasets.MNIST or datasets.Digits."
        )
    return LeNet(**kwargs)

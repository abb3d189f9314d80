"""learntorch.vision: the torchvision of learntorch (``import learntorch.vision as torchvision``).

- :mod:`~learntorch.vision.transforms`: ToTensor, Normalize, Resize, Compose, RandomCrop, ...
- :mod:`~learntorch.vision.datasets`: MNIST, FashionMNIST, CIFAR10/100, ImageFolder, ImageNet, FakeData, Digits
- :mod:`~learntorch.vision.models`: LeNet, AlexNet, VGG, ResNet and the weights registry
- :mod:`~learntorch.vision.utils`: make_grid, save_image

Taught in note 000 §1.2, note 003 §2 and note 004.

>>> import learntorch.vision as torchvision
>>> torchvision.transforms.ToTensor()
ToTensor()
"""

from __future__ import annotations

from . import datasets, io, models, transforms, utils

__version__ = "0.1.0"

__all__ = ["datasets", "io", "models", "transforms", "utils"]

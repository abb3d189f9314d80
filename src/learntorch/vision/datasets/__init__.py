"""Datasets (``torchvision.datasets``): MNIST, FashionMNIST, CIFAR10/100, ImageFolder, ImageNet, FakeData, Digits.

Note 000 §1.2 and note 003 §2.2 load MNIST and CIFAR10 with ``download=True``;
downloads verify checksums and write atomically. :class:`Digits` and
:class:`FakeData` need no network at all.
"""

from __future__ import annotations

from .cifar import CIFAR10, CIFAR100
from .fakedata import Digits, FakeData
from .folder import DatasetFolder, ImageFolder
from .imagenet import ImageNet
from .mnist import MNIST, FashionMNIST
from .vision import StandardTransform, VisionDataset

__all__ = ["VisionDataset", "StandardTransform", "MNIST", "FashionMNIST", "CIFAR10", "CIFAR100",
           "DatasetFolder", "ImageFolder", "ImageNet", "FakeData", "Digits"]  # fmt: skip

"""FakeData (random images, reproducible per index) and Digits (scikit-learn's 8x8 digits, offline)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ... import random as _random
from ...tensor import Tensor
from .vision import VisionDataset, _to_image

__all__ = ["FakeData", "Digits"]

_DIGITS_FILE = os.path.join(os.path.dirname(__file__), "data", "digits.npz")


class FakeData(VisionDataset):
    """Random images: item ``i`` is drawn after ``manual_seed(i + random_offset)``, so it never changes.

    The global random state is saved and restored around each draw (as torchvision does).

    >>> ds = FakeData(size=4, image_size=(3, 8, 8), num_classes=5)
    >>> len(ds), ds[0][1] == ds[0][1]
    (4, True)
    """

    def __init__(
        self,
        size: int = 1000,
        image_size: tuple[int, int, int] = (3, 224, 224),
        num_classes: int = 10,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        random_offset: int = 0,
    ) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size, self.num_classes, self.image_size, self.random_offset = (
            size,
            num_classes,
            image_size,
            random_offset,
        )

    def __getitem__(self, index: int) -> tuple[Any, int]:
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        state = _random.get_rng_state()
        _random.manual_seed(index + self.random_offset)
        img = _random.randn(*self.image_size)
        target = int(_random.randint(0, self.num_classes, size=(1,))[0].item())
        _random.set_rng_state(state)
        img = _to_image(_float_chw_to_uint8_hwc(img))
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return self.size


def _float_chw_to_uint8_hwc(img: Tensor) -> np.ndarray:
    """What ``to_pil_image`` does to a float tensor: ``x * 255`` cast to uint8 (wrapping), channels last."""
    arr = (img.numpy() * 255).astype(np.int64).astype(np.uint8)
    arr = arr.transpose(1, 2, 0)
    return np.ascontiguousarray(arr[:, :, 0] if arr.shape[2] == 1 else arr)


class Digits(VisionDataset):
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes) as an image dataset.

    The data (scikit-learn's ``load_digits``, from the UCI optical digits set, CC BY 4.0)
    ships inside learntorch as a 45 KB file, so it works offline on a plain install: a
    small MNIST for quick experiments. Pixel values 0..16 are scaled to uint8 0..255; images are PIL ``L``
    images (``8 x 8`` uint8 arrays without Pillow). ``train=True`` gives the first
    1437 samples (80 %), ``train=False`` the remaining 360.

    >>> ds = Digits(train=False)
    >>> len(ds), ds.classes[:3]
    (360, ['0', '1', '2'])
    """

    n_train = 1437
    classes = [str(i) for i in range(10)]

    def __init__(
        self,
        root: str | None = None,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        with np.load(_DIGITS_FILE) as bundle:  # scikit-learn's digits, shipped inside learntorch
            raw, target = bundle["images"], bundle["target"]
        images = np.rint(raw * (255.0 / 16.0)).astype(np.uint8)
        part = slice(0, self.n_train) if train else slice(self.n_train, None)
        self.train = train
        self.data = Tensor._make(np.ascontiguousarray(images[part]))
        self.targets = Tensor._make(target[part].astype(np.int64))
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    def __getitem__(self, index: int) -> tuple[Any, int]:
        img = _to_image(self.data._data[index], mode="L")
        target = int(self.targets._data[index])
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self) -> int:
        return len(self.data)

    def extra_repr(self) -> str:
        return f"Split: {'Train' if self.train else 'Test'}"

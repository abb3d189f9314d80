"""MNIST and FashionMNIST: 28x28 grey images in the IDX format (note 000 §1.2).

Files live in ``root/<ClassName>/raw/``: the four ``*-ubyte`` files, downloaded as
``.gz`` from the mirrors, checked against their md5 and unpacked. ``dataset[i]`` is
``(image, label)`` with a PIL ``L`` image (a ``28 x 28`` uint8 array without Pillow).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from ...tensor import Tensor
from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset, _to_image

__all__ = ["MNIST", "FashionMNIST", "read_idx_file"]

_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx_file(path: str) -> np.ndarray:
    """Parse an IDX file: 2 zero bytes, a dtype code, the number of dims, big-endian int32 sizes, data."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_DTYPES:
        raise RuntimeError(f"{path} is not an IDX file (bad magic number).")
    nd = data[3]
    shape = tuple(int(v) for v in np.frombuffer(data, dtype=">i4", count=nd, offset=4))
    dt = np.dtype(_IDX_DTYPES[data[2]])
    arr = np.frombuffer(data, dtype=dt, offset=4 + 4 * nd)
    if arr.size != int(np.prod(shape)):
        raise RuntimeError(f"{path}: header says shape {shape} but the file holds {arr.size} values.")
    return arr.reshape(shape).astype(dt.newbyteorder("="))


class MNIST(VisionDataset):
    """The MNIST handwritten digits: 60000 training and 10000 test images of 28x28 pixels."""

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        ("train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432"),
        ("t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3"),
        ("t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c"),
    ]
    training_file = "training.pt"
    test_file = "test.pt"
    classes = [
        "0 - zero", "1 - one", "2 - two", "3 - three", "4 - four",
        "5 - five", "6 - six", "7 - seven", "8 - eight", "9 - nine",
    ]  # fmt: skip

    def __init__(
        self,
        root: str | os.PathLike,
        train: bool = True,
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        download: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError(
                "Dataset not found. You can use download=True to download it\n"
                f"hint: expected the files {[self._raw_name(n) for n, _ in self.resources]} in "
                f"{self.raw_folder}; without internet, copy them there (or the .gz files)."
            )
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self) -> str:
        return os.path.join(self.root, type(self).__name__, "raw")

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    @staticmethod
    def _raw_name(name: str) -> str:
        return os.path.splitext(name)[0]

    def _check_exists(self) -> bool:
        return all(
            check_integrity(os.path.join(self.raw_folder, self._raw_name(name))) for name, _ in self.resources
        )

    def _load_data(self) -> tuple[Tensor, Tensor]:
        prefix = "train" if self.train else "t10k"
        images = read_idx_file(os.path.join(self.raw_folder, f"{prefix}-images-idx3-ubyte"))
        labels = read_idx_file(os.path.join(self.raw_folder, f"{prefix}-labels-idx1-ubyte"))
        return Tensor._make(images.astype(np.uint8)), Tensor._make(labels.astype(np.int64))

    def download(self) -> None:
        """Fetch each file from the first mirror that answers, verify its md5 and unpack it."""
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(
                        mirror + filename, self.raw_folder, filename=filename, md5=md5
                    )
                    break
                except RuntimeError as err:
                    errors.append(str(err).splitlines()[0])
            else:
                raise RuntimeError(
                    f"Error downloading {filename}:\n" + "\n".join(errors) + "\n"
                    f"hint: without internet, put {filename} (or its unpacked form) in {self.raw_folder}."
                )

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
        return f"Split: {'Train' if self.train is True else 'Test'}"

    @property
    def train_labels(self) -> Tensor:
        return self.targets

    @property
    def test_labels(self) -> Tensor:
        return self.targets

    @property
    def train_data(self) -> Tensor:
        return self.data

    @property
    def test_data(self) -> Tensor:
        return self.data


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST: the same format and sizes as MNIST, ten kinds of clothing."""

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    resources = [
        ("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        ("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
        ("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
        ("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
    ]
    classes = [
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    ]

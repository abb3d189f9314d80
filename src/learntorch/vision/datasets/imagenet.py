"""ImageNet (ILSVRC 2012) from the archives you download by hand (note 004 §数据).

ImageNet cannot be downloaded automatically (it needs a login), so, as torchvision
does, this class expects in ``root``:

- ``ILSVRC2012_devkit_t12.tar.gz``: class names and the validation labels; parsed
  once into ``root/meta.bin``, the tuple ``(wnid_to_classes, val_wnids)`` saved with
  ``torch.save`` as torchvision writes it (needs SciPy to read the devkit's ``meta.mat``),
- ``ILSVRC2012_img_train.tar`` and/or ``ILSVRC2012_img_val.tar``: unpacked once into
  ``root/train/<wnid>/`` and ``root/val/<wnid>/``.

Already-unpacked folders plus ``meta.bin`` are used as they are. Samples are
``(image, class_index)`` as in :class:`ImageFolder`; ``classes[i]`` is a tuple of names.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from typing import Any

from .folder import ImageFolder, default_loader
from .utils import check_integrity, extract_archive

__all__ = ["ImageNet", "parse_devkit_archive", "parse_train_archive", "parse_val_archive"]

ARCHIVE_META = {
    "devkit": ("ILSVRC2012_devkit_t12.tar.gz", "fa75699e90414af021442c21a62c3abf"),
    "train": ("ILSVRC2012_img_train.tar", "1d675b47d978889d74fa0da5fadfb00e"),
    "val": ("ILSVRC2012_img_val.tar", "29b22e2961454d5413ddabcf34fc5622"),
}
META_FILE = "meta.bin"


def _verify_split(split: str) -> str:
    if split not in ("train", "val"):
        raise ValueError(f"Unknown value '{split}' for argument split. Valid values are {{train, val}}.")
    return split


def _check_archive(root: str, key: str, md5: str | None) -> str:
    name, known_md5 = ARCHIVE_META[key]
    path = os.path.join(root, name)
    if not check_integrity(path, known_md5 if md5 is None else md5):
        raise RuntimeError(
            f"The archive {name} is not present in the root directory or is corrupted.\n"
            f"hint: ImageNet needs a login to download; get {name} from image-net.org and put it in {root}."
        )
    return path


def parse_devkit_archive(root: str, file: str | None = None, md5: str | None = None) -> None:
    """Read class names and validation labels from the devkit and save them as ``root/meta.bin``."""
    try:
        import scipy.io as sio  # noqa: PLC0415
    except ImportError as err:  # pragma: no cover - SciPy comes with scikit-learn
        raise ImportError("Parsing the ImageNet devkit needs SciPy.\nhint: pip install scipy") from err
    from ... import save  # noqa: PLC0415

    archive = os.path.join(root, file) if file else _check_archive(root, "devkit", md5)
    if file and md5 is not None and not check_integrity(archive, md5):
        raise RuntimeError(f"The archive {file} is corrupted.")
    with tempfile.TemporaryDirectory() as tmp:
        extract_archive(archive, tmp)
        devkit = os.path.join(tmp, "ILSVRC2012_devkit_t12")
        meta = sio.loadmat(os.path.join(devkit, "data", "meta.mat"), squeeze_me=True)["synsets"]
        leaves = [m for m in meta if int(m["num_children"]) == 0]
        idx_to_wnid = {int(m["ILSVRC2012_ID"]): str(m["WNID"]) for m in leaves}
        wnid_to_classes = {str(m["WNID"]): tuple(str(m["words"]).split(", ")) for m in leaves}
        with open(os.path.join(devkit, "data", "ILSVRC2012_validation_ground_truth.txt")) as f:
            val_wnids = [idx_to_wnid[int(line)] for line in f if line.strip()]
    save((wnid_to_classes, val_wnids), os.path.join(root, META_FILE))  # torchvision's layout: a tuple


def parse_train_archive(root: str, file: str | None = None, md5: str | None = None) -> None:
    """Unpack the train tar (one inner ``<wnid>.tar`` per class) into ``root/train/<wnid>/``."""
    archive = os.path.join(root, file) if file else _check_archive(root, "train", md5)
    folder = os.path.join(root, "train")
    extract_archive(archive, folder)
    for name in sorted(os.listdir(folder)):
        if name.endswith(".tar"):
            inner = os.path.join(folder, name)
            extract_archive(inner, os.path.splitext(inner)[0], remove_finished=True)


def parse_val_archive(root: str, file: str | None = None, md5: str | None = None) -> None:
    """Unpack the val tar and sort its images into ``root/val/<wnid>/`` using the devkit labels."""
    from ... import load  # noqa: PLC0415

    archive = os.path.join(root, file) if file else _check_archive(root, "val", md5)
    val_wnids = load(os.path.join(root, META_FILE))[1]
    folder = os.path.join(root, "val")
    extract_archive(archive, folder)
    images = sorted(
        os.path.join(folder, n) for n in os.listdir(folder) if os.path.isfile(os.path.join(folder, n))
    )
    if len(images) != len(val_wnids):
        raise RuntimeError(f"{len(images)} validation images but {len(val_wnids)} labels in the devkit.")
    for wnid in set(val_wnids):
        os.makedirs(os.path.join(folder, wnid), exist_ok=True)
    for wnid, img in zip(val_wnids, images):
        shutil.move(img, os.path.join(folder, wnid, os.path.basename(img)))


class ImageNet(ImageFolder):
    """ILSVRC 2012 classification: ``split="train"`` (1.28 M images) or ``"val"`` (50 000), 1000 classes."""

    def __init__(
        self,
        root: str | os.PathLike,
        split: str = "train",
        transform: Callable | None = None,
        target_transform: Callable | None = None,
        loader: Callable[[str], Any] = default_loader,
    ) -> None:
        from ... import load  # noqa: PLC0415

        root = os.path.expanduser(os.fspath(root))
        self.split = _verify_split(split)
        if not os.path.isfile(os.path.join(root, META_FILE)):
            parse_devkit_archive(root)
        if not os.path.isdir(os.path.join(root, split)):
            (parse_train_archive if split == "train" else parse_val_archive)(root)
        wnid_to_classes = load(os.path.join(root, META_FILE))[0]
        super().__init__(os.path.join(root, split), transform, target_transform, loader)
        self.root = root
        self.wnids = self.classes
        self.wnid_to_idx = self.class_to_idx
        self.classes = [wnid_to_classes[w] for w in self.wnids]
        self.class_to_idx = {name: i for i, names in enumerate(self.classes) for name in names}

    @property
    def split_folder(self) -> str:
        return os.path.join(self.root, self.split)

    def extra_repr(self) -> str:
        return f"Split: {self.split}"

"""Datasets on small files the tests generate (no network): IDX gz files, CIFAR pickle batches in a tar.gz,
image folders, downloads from file:// URLs with md5 checks."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import pathlib
import pickle
import re
import struct
import tarfile
import time

import numpy as np
import pytest

import learntorch as lt
from learntorch.utils.data import DataLoader
from learntorch.vision import datasets, transforms
from learntorch.vision.datasets import utils as dutils

PIL = pytest.importorskip("PIL.Image")


def md5(path):
    return hashlib.md5(pathlib.Path(path).read_bytes()).hexdigest()


def idx_bytes(arr: np.ndarray) -> bytes:
    return (
        struct.pack(">BBBB", 0, 0, 0x08, arr.ndim) + struct.pack(f">{arr.ndim}i", *arr.shape) + arr.tobytes()
    )


@pytest.fixture
def mnist_mirror(tmp_path):
    rng = np.random.default_rng(0)
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    parts = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": np.array([3, 1, 4, 1, 5], dtype=np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.array([9, 2, 6], dtype=np.uint8),
    }
    resources = []
    for name, arr in parts.items():
        (mirror / name).write_bytes(gzip.compress(idx_bytes(arr)))
        resources.append((name, md5(mirror / name)))
    return mirror, resources, parts


def make_mnist_class(mirror, resources, base=datasets.MNIST):
    return type(base.__name__, (base,), {"mirrors": ["http://127.0.0.1:9/nothing/", mirror.as_uri() + "/"],
                                         "resources": resources})  # fmt: skip


def test_mnist_download_from_mirror_and_load(tmp_path, mnist_mirror):
    mirror, resources, parts = mnist_mirror
    MNIST = make_mnist_class(mirror, resources)
    root = tmp_path / "data"
    tf = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])  # note 000 §1.2
    train = MNIST(str(root), train=True, download=True, transform=tf)
    test = MNIST(str(root), train=False, download=True, transform=tf)
    raw = root / "MNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir() if not p.name.endswith(".gz")) == [
        "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    ]  # fmt: skip
    assert len(train) == 5 and len(test) == 3
    x, y = train[2]
    assert y == 4 and tuple(x.shape) == (1, 28, 28) and x.dtype == lt.float32
    want = parts["train-images-idx3-ubyte.gz"][2] / np.float32(255) * 2 - 1
    np.testing.assert_allclose(x.numpy()[0], want, atol=1e-6)
    assert train.data.dtype == lt.uint8 and train.targets.dtype == lt.int64
    assert train.targets.tolist() == [3, 1, 4, 1, 5]
    raw_img, _ = MNIST(str(root))[0]
    assert isinstance(raw_img, PIL.Image) and raw_img.mode == "L"
    assert repr(train).splitlines()[:4] == [
        "Dataset MNIST", "    Number of datapoints: 5", f"    Root location: {root}", "    Split: Train",
    ]  # fmt: skip
    assert train.class_to_idx["3 - three"] == 3


def test_mnist_missing_and_corrupted(tmp_path, mnist_mirror):
    with pytest.raises(
        RuntimeError, match=re.escape("Dataset not found. You can use download=True to download it")
    ):
        datasets.MNIST(str(tmp_path / "none"))
    mirror, resources, _ = mnist_mirror
    bad = [(n, "0" * 32) for n, _ in resources]
    MNIST = make_mnist_class(mirror, bad)
    with pytest.raises(RuntimeError, match="Error downloading train-images-idx3-ubyte.gz"):
        MNIST(str(tmp_path / "d"), download=True)
    raw = tmp_path / "d" / "MNIST" / "raw"
    assert not [p for p in raw.iterdir() if p.is_file()]  # nothing half-written stays behind


def test_fashion_mnist_uses_its_own_folder(tmp_path, mnist_mirror):
    mirror, resources, _ = mnist_mirror
    Fashion = make_mnist_class(mirror, resources, datasets.FashionMNIST)
    ds = Fashion(str(tmp_path), download=True)
    assert (tmp_path / "FashionMNIST" / "raw" / "train-images-idx3-ubyte").exists()
    assert ds.classes[9] == "Ankle boot" and len(ds) == 5


def _cifar_archive(tmp_path, folder, train_names, test_names, meta_name, meta_key, label_key, n_classes):
    rng = np.random.default_rng(1)
    src = tmp_path / "build" / folder
    src.mkdir(parents=True)
    contents = {}
    for name, n in [(x, 4) for x in train_names] + [(x, 3) for x in test_names]:
        data = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
        labels = rng.integers(0, n_classes, n).tolist()
        (src / name).write_bytes(pickle.dumps({"data": data, label_key: labels}))
        contents[name] = (data, labels)
    (src / meta_name).write_bytes(pickle.dumps({meta_key: [f"class{i}" for i in range(n_classes)]}))
    archive = tmp_path / "server" / "archive.tar.gz"
    archive.parent.mkdir()
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(src, arcname=folder)
    md5s = {name: md5(src / name) for name in contents}
    return archive, md5s, md5(src / meta_name), contents


def test_cifar10_download_extract_and_dataloader(tmp_path):
    train_names = [f"data_batch_{i}" for i in range(1, 6)]
    archive, md5s, meta_md5, contents = _cifar_archive(
        tmp_path,
        "cifar-10-batches-py",
        train_names,
        ["test_batch"],
        "batches.meta",
        "label_names",
        "labels",
        10,
    )
    CIFAR = type("CIFAR10", (datasets.CIFAR10,), {
        "url": archive.as_uri(), "filename": "cifar-10-python.tar.gz", "tgz_md5": md5(archive),
        "train_list": [[n, md5s[n]] for n in train_names], "test_list": [["test_batch", md5s["test_batch"]]],
        "meta": {"filename": "batches.meta", "key": "label_names", "md5": meta_md5},
    })  # fmt: skip
    root = tmp_path / "CIFAR"
    with pytest.raises(RuntimeError, match="Dataset not found or corrupted"):
        CIFAR(str(root), train=False)
    test = CIFAR(str(root), train=False, transform=transforms.ToTensor(), download=True)  # note 003 §2.2
    train = CIFAR(str(root), train=True)
    assert len(train) == 20 and len(test) == 3 and test.classes[0] == "class0"
    data, labels = contents["test_batch"]
    x, y = test[1]
    want = data[1].reshape(3, 32, 32) / np.float32(255)
    np.testing.assert_allclose(x.numpy(), want, atol=1e-7)
    assert y == labels[1]
    assert train.data.shape == (20, 32, 32, 3) and isinstance(train[0][0], PIL.Image)
    imgs, targets = next(iter(DataLoader(test, batch_size=2, shuffle=False)))
    assert tuple(imgs.shape) == (2, 3, 32, 32) and targets.tolist() == labels[:2]


def test_cifar100_fine_labels(tmp_path):
    archive, md5s, meta_md5, contents = _cifar_archive(
        tmp_path, "cifar-100-python", ["train"], ["test"], "meta", "fine_label_names", "fine_labels", 100
    )
    CIFAR = type("CIFAR100", (datasets.CIFAR100,), {
        "url": archive.as_uri(), "tgz_md5": md5(archive), "train_list": [["train", md5s["train"]]],
        "test_list": [["test", md5s["test"]]],
        "meta": {"filename": "meta", "key": "fine_label_names", "md5": meta_md5},
    })  # fmt: skip
    ds = CIFAR(str(tmp_path / "c"), train=True, download=True)
    assert len(ds) == 4 and len(ds.classes) == 100 and ds.targets == contents["train"][1]


def test_image_folder_png_and_npy(tmp_path):
    rng = np.random.default_rng(2)
    for cls in ["cat", "dog"]:
        (tmp_path / cls).mkdir()
    a = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
    PIL.fromarray(a).save(tmp_path / "cat" / "1.png")
    PIL.fromarray(a[:, :, 0]).save(tmp_path / "dog" / "2.png")
    np.save(tmp_path / "dog" / "3.npy", a)
    (tmp_path / "dog" / "notes.txt").write_text("skip me")
    ds = datasets.ImageFolder(str(tmp_path), transform=transforms.ToTensor())
    assert ds.classes == ["cat", "dog"] and ds.targets == [0, 1, 1] and len(ds) == 3
    x, y = ds[0]
    np.testing.assert_allclose(x.numpy(), a.transpose(2, 0, 1) / np.float32(255), atol=1e-7)
    assert tuple(ds[1][0].shape) == (3, 6, 5)  # grey PNG read as RGB
    np.testing.assert_allclose(ds[2][0].numpy(), x.numpy(), atol=1e-7)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(str(tmp_path))


def test_fake_data_matches_torch_draws(torch):
    ds = datasets.FakeData(
        size=3, image_size=(1, 4, 5), num_classes=7, random_offset=10, transform=transforms.ToTensor()
    )
    lt.manual_seed(123)
    before = lt.rand(1).item()
    lt.manual_seed(123)
    x, y = ds[2]
    assert lt.rand(1).item() == before  # the global generator is left untouched
    torch.manual_seed(12)
    img = torch.randn(1, 4, 5)
    target = torch.randint(0, 7, size=(1,), dtype=torch.long)[0].item()
    assert y == target
    want = img.mul(255).byte().float() / 255  # what torchvision's to_pil_image does to a float tensor
    np.testing.assert_allclose(x.numpy(), want.numpy(), atol=1e-7)
    with pytest.raises(IndexError):
        ds[3]


def test_digits_offline():
    from sklearn.datasets import load_digits

    train, test = datasets.Digits(train=True), datasets.Digits(train=False, transform=transforms.ToTensor())
    assert len(train) + len(test) == 1797 and len(test) == 360
    bunch = load_digits()
    x, y = test[0]
    assert y == int(bunch.target[1437]) and tuple(x.shape) == (1, 8, 8)
    np.testing.assert_allclose(x.numpy()[0], np.rint(bunch.images[1437] * 255 / 16) / 255, atol=1e-6)
    assert isinstance(train[0][0], PIL.Image)
    imgs, labels = next(iter(DataLoader(test, batch_size=16)))
    assert tuple(imgs.shape) == (16, 1, 8, 8) and labels.tolist() == bunch.target[1437:1453].tolist()


def test_download_url_md5_atomic_and_fast_failure(tmp_path, monkeypatch):
    src = tmp_path / "src" / "blob.bin"
    src.parent.mkdir()
    src.write_bytes(os.urandom(3000))
    dst = tmp_path / "dst"
    dst.mkdir()
    (dst / "blob.bin.part").write_bytes(b"stale bytes from an interrupted run")
    dutils.download_url(src.as_uri(), str(dst), md5=md5(src))
    assert (dst / "blob.bin").read_bytes() == src.read_bytes() and not (dst / "blob.bin.part").exists()
    dutils.download_url(
        "file:///does/not/matter", str(dst), filename="blob.bin", md5=md5(src)
    )  # cached: no fetch
    with pytest.raises(RuntimeError, match="md5"):
        dutils.download_url(src.as_uri(), str(tmp_path / "d2"), md5="0" * 32)
    assert os.listdir(tmp_path / "d2") == []
    start = time.time()
    with pytest.raises(RuntimeError, match="hint: this machine may have no internet access"):
        dutils.download_url("http://127.0.0.1:9/x.tar.gz", str(tmp_path / "d3"), timeout=2)
    assert time.time() - start < 5


def test_extract_archive_kinds(tmp_path):
    payload = b"x" * 100
    (tmp_path / "f.txt.gz").write_bytes(gzip.compress(payload))
    out = dutils.extract_archive(str(tmp_path / "f.txt.gz"))
    assert pathlib.Path(out).read_bytes() == payload
    buf = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner/a.txt", "hi")
    (tmp_path / "z.zip").write_bytes(buf.getvalue())
    dutils.extract_archive(str(tmp_path / "z.zip"), str(tmp_path / "zz"), remove_finished=True)
    assert (tmp_path / "zz" / "inner" / "a.txt").read_text() == "hi" and not (tmp_path / "z.zip").exists()


def test_download_resumes_an_interrupted_part_over_http(tmp_path):
    import http.server
    import threading

    payload = os.urandom(20000)
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # serves `payload`, honouring "Range: bytes=N-"
            rng = self.headers.get("Range")
            seen.append(rng)
            start = int(rng.split("=")[1].rstrip("-")) if rng else 0
            self.send_response(206 if rng else 200)
            if rng:
                self.send_header("Content-Range", f"bytes {start}-{len(payload) - 1}/{len(payload)}")
            self.send_header("Content-Length", str(len(payload) - start))
            self.end_headers()
            self.wfile.write(payload[start:])

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        (tmp_path / "blob.bin.part").write_bytes(payload[:7000])  # what an interrupted run left
        url = f"http://127.0.0.1:{server.server_port}/blob.bin"
        dutils.download_url(url, str(tmp_path), md5=hashlib.md5(payload).hexdigest())
    finally:
        server.shutdown()
        server.server_close()
    assert seen == ["bytes=7000-"]
    assert (tmp_path / "blob.bin").read_bytes() == payload and not (tmp_path / "blob.bin.part").exists()


def _tar(path, members):
    with tarfile.open(path, "w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def _png(value):
    buf = io.BytesIO()
    PIL.fromarray(np.full((4, 4, 3), value, dtype=np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def test_imagenet_from_devkit_and_archives(tmp_path):
    sio = pytest.importorskip("scipy.io")
    from learntorch.vision.datasets import imagenet

    build = tmp_path / "build" / "ILSVRC2012_devkit_t12" / "data"
    build.mkdir(parents=True)
    dt = [("ILSVRC2012_ID", "O"), ("WNID", "O"), ("words", "O"), ("num_children", "O")]
    synsets = np.array(
        [
            (1, "n01", "tench, Tinca tinca", 0),
            (2, "n02", "goldfish, Carassius auratus", 0),
            (3, "n00", "fish", 2),
        ],
        dtype=dt,
    )
    sio.savemat(build / "meta.mat", {"synsets": synsets})
    (build / "ILSVRC2012_validation_ground_truth.txt").write_text("2\n1\n2\n")
    root = tmp_path / "imagenet"
    root.mkdir()
    with tarfile.open(root / "ILSVRC2012_devkit_t12.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "build" / "ILSVRC2012_devkit_t12", arcname="ILSVRC2012_devkit_t12")
    inner = {}
    for wnid, value in [("n01", 10), ("n02", 20)]:
        _tar(tmp_path / f"{wnid}.tar", {f"{wnid}_1.png": _png(value), f"{wnid}_2.png": _png(value + 1)})
        inner[f"{wnid}.tar"] = (tmp_path / f"{wnid}.tar").read_bytes()
    _tar(root / "ILSVRC2012_img_train.tar", inner)
    _tar(
        root / "ILSVRC2012_img_val.tar", {f"ILSVRC2012_val_0000000{i}.png": _png(100 + i) for i in (1, 2, 3)}
    )
    files = {k: (name, md5(root / name)) for k, (name, _) in imagenet.ARCHIVE_META.items()}
    saved = imagenet.ARCHIVE_META.copy()
    imagenet.ARCHIVE_META.update(files)
    try:
        train = datasets.ImageNet(str(root), split="train", transform=transforms.PILToTensor())
        val = datasets.ImageNet(str(root), split="val")
    finally:
        imagenet.ARCHIVE_META.update(saved)
    assert train.classes == [("tench", "Tinca tinca"), ("goldfish", "Carassius auratus")]
    assert train.class_to_idx["goldfish"] == 1 and train.wnids == ["n01", "n02"]
    assert len(train) == 4 and train.targets == [0, 0, 1, 1]
    x, y = train[2]
    assert y == 1 and int(x[0, 0, 0]) == 20
    assert sorted(os.listdir(root / "val")) == ["n01", "n02"] and val.targets == [0, 1, 1]
    assert val.samples[0][0].endswith("ILSVRC2012_val_00000002.png")
    with pytest.raises(ValueError, match="Unknown value 'test' for argument split"):
        datasets.ImageNet(str(root), split="test")
    with pytest.raises(RuntimeError, match="ILSVRC2012_devkit_t12.tar.gz is not present"):
        datasets.ImageNet(str(tmp_path / "empty"))


def test_imagenet_meta_bin_is_torchvisions_tuple(tmp_path, torch):
    """meta.bin is ``torch.save((wnid_to_classes, val_wnids))`` in torchvision: a folder prepared by
    torchvision loads here, and the devkit parser writes the same tuple (torch reads it back)."""
    root = tmp_path / "imagenet"
    for i, wnid in enumerate(["n01", "n02"]):
        (root / "val" / wnid).mkdir(parents=True)
        (root / "val" / wnid / f"ILSVRC2012_val_0000000{i + 1}.JPEG").write_bytes(_png(10 * i))
    wnid_to_classes = {"n01": ("tench", "Tinca tinca"), "n02": ("goldfish",)}
    torch.save((wnid_to_classes, ["n01", "n02"]), str(root / "meta.bin"))  # as torchvision writes it
    val = datasets.ImageNet(str(root), split="val")
    assert val.classes == [("tench", "Tinca tinca"), ("goldfish",)] and val.targets == [0, 1]
    assert val.class_to_idx == {"tench": 0, "Tinca tinca": 0, "goldfish": 1}

    sio = pytest.importorskip("scipy.io")
    build = tmp_path / "build" / "ILSVRC2012_devkit_t12" / "data"
    build.mkdir(parents=True)
    dt = [("ILSVRC2012_ID", "O"), ("WNID", "O"), ("words", "O"), ("num_children", "O")]
    sio.savemat(
        build / "meta.mat",
        {"synsets": np.array([(1, "n01", "tench", 0), (2, "n02", "goldfish", 0)], dtype=dt)},
    )
    (build / "ILSVRC2012_validation_ground_truth.txt").write_text("2\n1\n")
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    with tarfile.open(fresh / "devkit.tar.gz", "w:gz") as tar:
        tar.add(tmp_path / "build" / "ILSVRC2012_devkit_t12", arcname="ILSVRC2012_devkit_t12")
    from learntorch.vision.datasets import imagenet

    imagenet.parse_devkit_archive(str(fresh), file="devkit.tar.gz")
    meta = torch.load(str(fresh / "meta.bin"), weights_only=True)
    assert meta == ({"n01": ("tench",), "n02": ("goldfish",)}, ["n02", "n01"])

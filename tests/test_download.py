"""The one download function (hub and datasets): progress, resume, checksum, atomic rename, offline error."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from learntorch import _download, hub
from learntorch.vision.datasets import utils as dutils


def test_progress_bar_is_shown(tmp_path, capfd):
    src = tmp_path / "blob.bin"
    src.write_bytes(os.urandom(300_000))
    _download.fetch(src.as_uri(), str(tmp_path / "out.bin"), progress=True)
    err = capfd.readouterr().err
    assert "out.bin" in err and "100%" in err  # tqdm's bar, named after the file
    assert (tmp_path / "out.bin").read_bytes() == src.read_bytes()


def test_offline_error_names_url_path_and_checksum(tmp_path):
    url = "http://127.0.0.1:9/models/resnet18-f37072fd.pth"
    dst = tmp_path / "ckpt" / "resnet18-f37072fd.pth"
    with pytest.raises(RuntimeError) as err:
        _download.fetch(url, str(dst), sha256_prefix="f37072fd", progress=False, timeout=2)
    msg = str(err.value)
    assert msg.startswith(f"Could not download {url}: ")
    assert f"save it as {dst} (its sha256 must start with f37072fd), then run again." in msg
    assert "hint: this machine may have no internet access" in msg
    with pytest.raises(RuntimeError, match="its md5 must be 0123"):
        dutils.download_url(
            "http://127.0.0.1:9/x.gz", str(tmp_path / "d"), md5="0123", timeout=2, progress=False
        )


def test_hub_and_datasets_share_the_function(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(_download, "fetch", lambda url, dst, **kw: calls.append((url, dst, sorted(kw))))
    hub.download_url_to_file("file:///a", str(tmp_path / "a"), hash_prefix="ab", progress=False)
    dutils.download_url("file:///b", str(tmp_path), md5="cd", progress=False)
    assert [c[0] for c in calls] == ["file:///a", "file:///b"]


def test_checksum_mismatch_removes_the_partial_file(tmp_path):
    src = tmp_path / "blob.bin"
    src.write_bytes(b"x" * 1000)
    dst = tmp_path / "out" / "blob.bin"
    with pytest.raises(RuntimeError, match='invalid hash value \\(expected "00"'):
        _download.fetch(src.as_uri(), str(dst), sha256_prefix="00", progress=False)
    assert os.listdir(tmp_path / "out") == []
    good = hashlib.sha256(src.read_bytes()).hexdigest()[:8]
    _download.fetch(src.as_uri(), str(dst), sha256_prefix=good, progress=False)
    assert os.listdir(tmp_path / "out") == ["blob.bin"]


def test_digits_needs_no_scikit_learn():
    code = ("import sys; sys.modules['sklearn'] = None\n"
            "from learntorch.vision.datasets import Digits\n"
            "ds = Digits(train=True); img, y = ds[0]; print(len(ds), y, len(Digits(train=False)))")  # fmt: skip
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=src), timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1437", "0", "360"]

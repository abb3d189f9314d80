"""learntorch.hub against real torch.hub on file:// URLs and local hubconf repositories."""

from __future__ import annotations

import hashlib
import os
import re
import time
import zipfile

import numpy as np
import pytest

import learntorch as lt
from learntorch import hub


@pytest.fixture
def hub_dir(tmp_path):
    hub.set_dir(str(tmp_path / "hub"))
    yield tmp_path / "hub"
    hub._hub_dir = None


def test_get_dir_follows_torch_home(monkeypatch, tmp_path):
    hub._hub_dir = None
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "th"))
    assert hub.get_dir() == str(tmp_path / "th" / "hub")
    monkeypatch.delenv("TORCH_HOME")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hub.get_dir() == str(tmp_path / "xdg" / "torch" / "hub")
    hub.set_dir(str(tmp_path / "mine"))
    try:
        assert hub.get_dir() == str(tmp_path / "mine")
    finally:
        hub._hub_dir = None


def test_download_url_to_file_hash_and_atomicity(torch, tmp_path):
    src = tmp_path / "blob.bin"
    src.write_bytes(os.urandom(5000))
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    hub.download_url_to_file(
        src.as_uri(), str(tmp_path / "out" / "a.bin"), hash_prefix=digest[:8], progress=False
    )
    assert (tmp_path / "out" / "a.bin").read_bytes() == src.read_bytes()
    with pytest.raises(RuntimeError) as ours:
        hub.download_url_to_file(
            src.as_uri(), str(tmp_path / "out" / "b.bin"), hash_prefix="00000000", progress=False
        )
    with pytest.raises(RuntimeError) as theirs:
        torch.hub.download_url_to_file(
            src.as_uri(), str(tmp_path / "t.bin"), hash_prefix="00000000", progress=False
        )
    assert str(ours.value) == str(theirs.value)
    assert sorted(os.listdir(tmp_path / "out")) == ["a.bin"]  # no temporary file left behind


def test_load_state_dict_from_url_caches_and_maps(torch, tmp_path, hub_dir):
    sd = {"w": lt.arange(6.0).reshape(2, 3), "n": lt.tensor(3)}
    lt.save(sd, tmp_path / "model.pth")
    url = (tmp_path / "model.pth").as_uri()
    got = hub.load_state_dict_from_url(url, progress=False, map_location="cpu")
    assert (hub_dir / "checkpoints" / "model.pth").exists()
    np.testing.assert_array_equal(got["w"].numpy(), sd["w"].numpy())
    os.remove(tmp_path / "model.pth")
    again = hub.load_state_dict_from_url(url, progress=False)  # served from the cache, no download
    assert again["n"].item() == 3
    named = hub.load_state_dict_from_url(url.replace("model.pth", "gone.pth"), model_dir=str(hub_dir / "checkpoints"),
                                         file_name="model.pth", progress=False)  # fmt: skip
    assert list(named) == ["w", "n"]


def test_torch_zip_checkpoint_reads_like_torch(torch, tmp_path):
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    obj = {
        "t": base.t(),  # a strided view
        "row": base[1],  # shares the storage with "t"
        "i": torch.tensor([1, 2], dtype=torch.int64),
        "b": torch.tensor([True, False]),
        "h": torch.tensor([0.5], dtype=torch.float16),
        "p": torch.nn.Parameter(torch.ones(2)),
        "meta": {"epoch": 3, "name": "x", "shape": (1, 2)},
    }
    raw = tmp_path / "ckpt.pt"
    torch.save(obj, raw)
    digest = hashlib.sha256(raw.read_bytes()).hexdigest()
    named = tmp_path / f"ckpt-{digest[:10]}.pt"
    os.rename(raw, named)
    ours = hub.load_state_dict_from_url(
        named.as_uri(), model_dir=str(tmp_path / "a"), check_hash=True, progress=False
    )
    ref = torch.hub.load_state_dict_from_url(named.as_uri(), model_dir=str(tmp_path / "b"), check_hash=True,
                                             progress=False, weights_only=True)  # fmt: skip
    for k in ["t", "row", "i", "b", "h"]:
        assert ours[k].dtype.name == str(ref[k].dtype).replace("torch.", "")
        np.testing.assert_array_equal(ours[k].numpy(), ref[k].numpy())
    assert isinstance(ours["p"], lt.nn.Parameter) and ours["p"].requires_grad
    assert ours["meta"] == ref["meta"]


def test_legacy_zip_wrapping_a_checkpoint(tmp_path, hub_dir):
    lt.save({"a": lt.ones(2)}, tmp_path / "inner.pth")
    with zipfile.ZipFile(tmp_path / "packed.zip", "w") as zf:
        zf.write(tmp_path / "inner.pth", "inner.pth")
    got = hub.load_state_dict_from_url((tmp_path / "packed.zip").as_uri(), progress=False)
    assert got["a"].tolist() == [1.0, 1.0]


def test_unreachable_url_fails_fast_with_hint(tmp_path, hub_dir, monkeypatch):
    monkeypatch.setattr(hub, "DOWNLOAD_TIMEOUT", 2.0)
    start = time.time()
    with pytest.raises(RuntimeError, match="hint: this machine may have no internet access"):
        hub.load_state_dict_from_url("http://127.0.0.1:9/models/x-12345678.pth", progress=False)
    assert time.time() - start < 5
    assert not list((hub_dir / "checkpoints").iterdir())


HUBCONF = '''
dependencies = ["numpy"]


def tiny(scale=1.0, **kwargs):
    """A tiny entrypoint that returns its arguments."""
    return {"scale": scale, **kwargs}


def _hidden():
    return None


CONSTANT = 3
'''


def test_local_hubconf_list_help_load(torch, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hubconf.py").write_text(HUBCONF)
    assert hub.list(str(repo)) == ["tiny"]  # torch.hub.list takes only GitHub repos; learntorch also folders
    assert hub.help(str(repo), "tiny") == "A tiny entrypoint that returns its arguments."
    want = torch.hub.load(str(repo), "tiny", 2.0, source="local", extra=1)
    assert hub.load(str(repo), "tiny", 2.0, source="local", extra=1) == want == {"scale": 2.0, "extra": 1}
    with pytest.raises(RuntimeError, match="Cannot find callable nope in hubconf"):
        hub.load(str(repo), "nope", source="local")
    (repo / "hubconf.py").write_text(HUBCONF.replace('["numpy"]', '["numpy", "no_such_pkg_xyz"]'))
    with pytest.raises(RuntimeError, match=re.escape("Missing dependencies: no_such_pkg_xyz")):
        hub.load(str(repo), "tiny", source="local")


def test_unknown_source_message_matches_torch(torch):
    with pytest.raises(ValueError) as theirs:
        torch.hub.load("a/b", "m", source="svn")
    with pytest.raises(ValueError) as ours:
        hub.load("a/b", "m", source="svn")
    assert str(ours.value) == str(theirs.value)


def test_pytorch_vision_is_served_offline():
    assert {"resnet18", "resnet50", "vgg11", "alexnet", "get_weight"} <= set(lt.hub.list("pytorch/vision"))
    assert "ResNet-18" in lt.hub.help("pytorch/vision", "resnet18")
    w = lt.hub.load("pytorch/vision", "get_weight", weights="ResNet50_Weights.IMAGENET1K_V2")  # note 004
    assert repr(w) == "ResNet50_Weights.IMAGENET1K_V2"
    m = lt.hub.load("pytorch/vision:main", "lenet", num_classes=4)
    assert tuple(m(lt.zeros(2, 1, 28, 28)).shape) == (2, 4)


def test_github_repo_without_network_gives_hint(tmp_path, hub_dir, monkeypatch):
    monkeypatch.setattr(hub, "DOWNLOAD_TIMEOUT", 2.0)
    monkeypatch.setattr(hub.urllib.request, "urlopen", _refuse)
    with pytest.raises(RuntimeError, match="source='local'"):
        hub.list("someone/somerepo", verbose=False)


def _refuse(*args, **kwargs):
    raise hub.urllib.error.URLError("no network in this test")

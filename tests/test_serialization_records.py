"""The records inside a zip checkpoint are the bytes torch.save writes: archive folder named after
the file, data.pkl, storages and the content-derived ``.data/serialization_id`` (so saving the same
object twice gives the same file, and a file's sha256 is stable). Also: BatchNorm's state_dict
version 2, old version-1 checkpoints without ``num_batches_tracked``, and hub's "Downloading" line
on stdout. Found while writing course chapter 14."""

from __future__ import annotations

import hashlib
import io
import pickle
import zipfile
from collections import OrderedDict

import pytest

import learntorch as lt
from learntorch.serialization._serialization_id import serialization_id

torch = pytest.importorskip("torch")


def _records(path):
    with zipfile.ZipFile(path) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


CASES = {
    "one": lambda m: {"w": m.ones(3)},
    "mydict": lambda m: {"x": m.arange(4), "y": m.zeros(4)},
    "mixed": lambda m: [m.tensor([1.5, 2.0]), 3, "text", (m.zeros(2, dtype=m.int64),)],
    # C pickle ends a dict of 1000·k keys with an empty batch; 2500 records make the name set rehash
    "thousand_keys": lambda m: {f"p{i}": m.full((1,), float(i)) for i in range(1000)},
    "many_records": lambda m: {f"p{i}": m.full((1,), float(i)) for i in range(2500)},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_records_are_byte_identical_to_torch(case, tmp_path):
    (tmp_path / "t").mkdir()
    (tmp_path / "l").mkdir()
    torch.save(CASES[case](torch), tmp_path / "t" / "model_params.pth")
    lt.save(CASES[case](lt), tmp_path / "l" / "model_params.pth")
    ours = _records(tmp_path / "l" / "model_params.pth")
    theirs = _records(tmp_path / "t" / "model_params.pth")
    assert [name for name, _ in ours] == [name for name, _ in theirs]
    assert ours[0][0] == "model_params/data.pkl"
    assert ours == theirs


def test_state_dict_with_batchnorm_matches_torch_records(tmp_path):
    def build(m):
        m.manual_seed(0)
        return m.nn.Sequential(m.nn.Linear(10, 5), m.nn.BatchNorm1d(5), m.nn.BatchNorm2d(2)).state_dict()

    torch.save(build(torch), tmp_path / "t.pth")
    lt.save(build(lt), tmp_path / "l.pth")
    assert [d for _, d in _records(tmp_path / "l.pth")] == [d for _, d in _records(tmp_path / "t.pth")]
    assert lt.nn.BatchNorm1d(3).state_dict()._metadata[""]["version"] == 2


@pytest.mark.parametrize(
    "name, folder",
    [("model_params.pth", "model_params"), ("mydict", "mydict"), ("a.b.pth", "a.b"), ("x.", "x"),
     ("ünï.pth", "archive")],
)  # fmt: skip
def test_archive_folder_is_named_like_torch(name, folder, tmp_path):
    torch.save({"a": torch.ones(1)}, tmp_path / ("t_" + name))
    lt.save({"a": lt.ones(1)}, tmp_path / name)
    assert _records(tmp_path / name)[0][0] == f"{folder}/data.pkl"
    expected = _records(tmp_path / ("t_" + name))[0][0].replace("t_", "", 1)
    assert expected == f"{folder}/data.pkl"
    buf = io.BytesIO()
    lt.save({"a": lt.ones(1)}, buf)
    assert zipfile.ZipFile(buf).namelist()[0] == "archive/data.pkl"


def test_same_object_same_bytes(tmp_path):
    lt.manual_seed(0)
    sd = lt.nn.Linear(4, 2).state_dict()
    lt.save(sd, tmp_path / "a.pth")
    first = hashlib.sha256((tmp_path / "a.pth").read_bytes()).hexdigest()
    lt.save(sd, tmp_path / "a.pth")
    assert hashlib.sha256((tmp_path / "a.pth").read_bytes()).hexdigest() == first
    assert lt.load(tmp_path / "a.pth").keys() == sd.keys()


def test_serialization_id_parts():
    a = serialization_id(["data.pkl", "version"], [1, 2])
    b = serialization_id(["data.pkl", "version"], [1, 3])
    assert len(a) == 40 and a.isdigit()
    assert a[:20] == b[:20] and a[20:] != b[20:]  # names hash / CRC hash


def _version1_state_dict(m):
    """A BatchNorm state_dict as PyTorch < 0.4.1 saved it: no num_batches_tracked, metadata version 1."""
    sd = m.nn.BatchNorm1d(3).state_dict()
    old = OrderedDict((k, v) for k, v in sd.items() if k != "num_batches_tracked")
    old._metadata = OrderedDict({"": {"version": 1}})
    return old


def test_old_batchnorm_checkpoint_loads_like_torch():
    theirs = torch.nn.BatchNorm1d(3)
    assert str(theirs.load_state_dict(_version1_state_dict(torch))) == "<All keys matched successfully>"
    ours = lt.nn.BatchNorm1d(3)
    ours.num_batches_tracked.add_(5)
    assert str(ours.load_state_dict(_version1_state_dict(lt))) == "<All keys matched successfully>"
    assert ours.num_batches_tracked.item() == theirs.num_batches_tracked.item() == 0
    current = lt.nn.BatchNorm1d(3).state_dict()
    del current["num_batches_tracked"]  # version-2 metadata: the key is really missing
    with pytest.raises(RuntimeError, match='Missing key\\(s\\) in state_dict: "num_batches_tracked"'):
        lt.nn.BatchNorm1d(3).load_state_dict(current)


def test_hub_download_message_goes_to_stdout(tmp_path, capsys):
    lt.save({"w": lt.ones(2)}, tmp_path / "tiny.pth")
    url = (tmp_path / "tiny.pth").as_uri()
    got = lt.hub.load_state_dict_from_url(url, model_dir=str(tmp_path / "cache"), progress=False)
    out = capsys.readouterr()
    assert out.out == f'Downloading: "{url}" to {tmp_path / "cache" / "tiny.pth"}\n'
    assert out.err == ""
    assert pickle.dumps(got["w"].tolist()) == pickle.dumps([1.0, 1.0])

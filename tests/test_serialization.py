"""save/load: round trips, atomic writes, weights_only safety, map_location."""

from __future__ import annotations

import io
import os
import pickle
import re

import numpy as np
import pytest

import learntorch as lt


class _Custom:
    def __init__(self) -> None:
        self.w = lt.ones(2)


def test_round_trip_dict_of_tensors(tmp_path):
    d = {"w": lt.tensor([[1.0, 2.0]]), "b": lt.tensor([3], dtype=lt.int32), "n": 5, "s": "x", "t": (1, 2.5)}
    path = tmp_path / "ckpt.pt"
    lt.save(d, path)
    back = lt.load(path)
    assert set(back) == set(d)
    np.testing.assert_array_equal(back["w"].numpy(), d["w"].numpy())
    assert back["b"].dtype == lt.int32 and back["n"] == 5 and back["s"] == "x" and back["t"] == (1, 2.5)


def test_requires_grad_and_dtype_survive(tmp_path):
    w = lt.tensor([1.0, 2.0], dtype=lt.float64, requires_grad=True)
    lt.save(w, tmp_path / "w.pt")
    back = lt.load(tmp_path / "w.pt")
    assert back.requires_grad and back.dtype == lt.float64 and back.is_leaf


def test_file_objects(tmp_path):
    buf = io.BytesIO()
    lt.save([lt.arange(3)], buf)
    buf.seek(0)
    (t,) = lt.load(buf)
    assert t.tolist() == [0, 1, 2]


def test_save_is_atomic_on_failure(tmp_path):
    path = tmp_path / "keep.pt"
    lt.save({"v": lt.ones(1)}, path)
    with pytest.raises((pickle.PicklingError, AttributeError, TypeError)):
        lt.save({"bad": lambda x: x}, path)  # lambdas cannot be pickled
    assert lt.load(path)["v"].tolist() == [1.0]  # the old checkpoint is intact
    assert [p.name for p in tmp_path.iterdir()] == ["keep.pt"]  # no temporary left behind


def test_weights_only_refuses_custom_classes_like_torch(tmp_path, torch):
    path = tmp_path / "obj.pt"
    lt.save(_Custom(), path)
    with pytest.raises(pickle.UnpicklingError) as info:
        lt.load(path)
    msg = str(info.value)
    assert msg.startswith("Weights only load failed.")
    assert "GLOBAL tests.test_serialization._Custom was not an allowed global" in msg or re.search(
        r"GLOBAL [\w.]*_Custom was not an allowed global", msg
    )
    assert "hint:" in msg.splitlines()[-1]
    obj = lt.load(path, weights_only=False)
    assert obj.w.tolist() == [1.0, 1.0]
    with lt.serialization.safe_globals([_Custom]):
        assert isinstance(lt.load(path), _Custom)


def test_torch_message_prefix_matches(tmp_path, torch):
    p = tmp_path / "t.pt"
    torch.save(_Custom.__new__(_Custom), p)
    with pytest.raises(pickle.UnpicklingError) as tinfo:
        torch.load(p)
    lp = tmp_path / "l.pt"
    lt.save(_Custom.__new__(_Custom), lp)
    with pytest.raises(pickle.UnpicklingError) as linfo:
        lt.load(lp)
    assert str(linfo.value).startswith(str(tinfo.value).rstrip())


def test_map_location_cpu(tmp_path):
    lt.save({"a": lt.zeros(2)}, tmp_path / "a.pt")
    out = lt.load(tmp_path / "a.pt", map_location="cpu")
    assert out["a"].device == lt.device("cpu")
    out = lt.load(tmp_path / "a.pt", map_location=lambda storage, loc: storage)
    assert out["a"].tolist() == [0.0, 0.0]


def test_missing_parent_dir(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory"):
        lt.save({}, os.path.join(tmp_path, "nope", "x.pt"))


def test_not_a_checkpoint(tmp_path):
    p = tmp_path / "junk.pt"
    p.write_bytes(b"hello")
    with pytest.raises(pickle.UnpicklingError):
        lt.load(p)

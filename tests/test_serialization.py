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


# ---------------------------------------------------------------- torch 2.13 load options


def test_pickle_module_rules_match_torch(tmp_path, torch):
    p = tmp_path / "a.pt"
    lt.save({"a": lt.ones(1)}, p)
    for lib in (lt, torch):
        with pytest.raises(
            RuntimeError, match="^Can not safely load weights when explicit pickle_module is specified$"
        ):
            lib.load(p, pickle_module=pickle, weights_only=True)
    assert lt.load(p, pickle_module=pickle)["a"].tolist() == [1.0]  # weights_only defaults to False then
    with pytest.warns(UserWarning, match="pickle_load_args only works if `weights_only=False`"):
        lt.load(p, encoding="latin1")


def test_map_location_forms(tmp_path, torch):
    p = tmp_path / "a.pt"
    lt.save({"a": lt.arange(3.0)}, p)
    for loc in ("cpu", lt.device("cpu"), {"cpu": "cpu"}, lambda s, loc: None, lambda s, loc: s.cpu()):
        assert lt.load(p, map_location=loc)["a"].tolist() == [0.0, 1.0, 2.0]
    seen = []
    lt.load(p, map_location=lambda storage, location: seen.append((storage.size(), location)))
    assert seen == [(3, "cpu")]
    if not lt.cuda.is_available():
        buf = io.BytesIO()
        torch.save({"a": torch.ones(2)}, buf)
        bad = tmp_path / "cuda.pt"
        import zipfile

        with zipfile.ZipFile(buf) as src, zipfile.ZipFile(bad, "w") as dst:
            for n in src.namelist():
                data = src.read(n)
                if n.endswith("data.pkl"):  # as if saved from a GPU
                    data = data.replace(b"X\x03\x00\x00\x00cpu", b"X\x06\x00\x00\x00cuda:0")
                dst.writestr(n, data)
        with pytest.raises(RuntimeError, match="Attempting to deserialize object on a CUDA device"):
            lt.load(bad)
        assert lt.load(bad, map_location="cpu")["a"].tolist() == [1.0, 1.0]


def test_mmap_maps_storages_copy_on_write(tmp_path, torch):
    p = tmp_path / "m.pt"
    torch.save({"w": torch.arange(1000.0), "v": torch.arange(6).reshape(2, 3).t()}, p)
    before = p.read_bytes()
    got = lt.load(p, mmap=True)
    assert got["w"][999].item() == 999.0 and got["v"].tolist() == [[0, 3], [1, 4], [2, 5]]
    got["w"][0] = 42.0  # a private copy: the file is untouched
    assert p.read_bytes() == before
    with pytest.raises(ValueError, match="f must be a file path in order to use the mmap argument"):
        lt.load(io.BytesIO(before), mmap=True)
    legacy = tmp_path / "legacy.pt"
    torch.save({"w": torch.ones(1)}, legacy, _use_new_zipfile_serialization=False)
    with pytest.raises(RuntimeError, match="mmap can only be used with files saved with"):
        lt.load(str(legacy), mmap=True)


def test_safe_globals_api_and_unsafe_scan(tmp_path, torch):
    p = tmp_path / "c.pt"
    lt.save({"obj": _Custom.__new__(_Custom)}, p)
    name = f"{_Custom.__module__}._Custom"
    assert lt.serialization.get_unsafe_globals_in_checkpoint(p) == [name]
    assert torch.serialization.get_unsafe_globals_in_checkpoint(p) == [name]  # torch agrees on our file
    lt.serialization.add_safe_globals([_Custom])
    try:
        assert lt.serialization.get_unsafe_globals_in_checkpoint(p) == []
        assert isinstance(lt.load(p)["obj"], _Custom)
        assert _Custom in lt.serialization.get_safe_globals()
    finally:
        lt.serialization.clear_safe_globals()
    with pytest.raises(pickle.UnpicklingError):
        lt.load(p)
    with lt.serialization.safe_globals([(_Custom, name)]):
        assert isinstance(lt.load(p)["obj"], _Custom)
    assert lt.serialization.get_safe_globals() == []
    with pytest.raises(ValueError, match="Expected input to be a checkpoint returned by torch.save"):
        lt.serialization.get_unsafe_globals_in_checkpoint(io.BytesIO(b"LEARNTORCH1\n"))


def test_older_learntorch1_files_still_load():
    """A file as learntorch wrote it before it switched to PyTorch's format (views share a block)."""
    x = lt.arange(6.0).reshape(2, 3)
    payload = {"sd": lt.nn.Linear(2, 2).state_dict(), "t": x.t(), "row": x[1], "n": 3}
    old = b"LEARNTORCH1\n" + pickle.dumps(payload, protocol=4)
    got = lt.load(io.BytesIO(old))
    assert got["t"].tolist() == x.t().tolist() and got["row"].tolist() == [3.0, 4.0, 5.0] and got["n"] == 3
    assert list(got["sd"]) == ["weight", "bias"]
    got["row"][0] = -1.0
    assert got["t"][0, 1].item() == -1.0


# ---------------------------------------------------------------- atomic saves under SIGKILL

_SAVER = r"""
import sys, learntorch as lt
big = {"w": lt.arange(float(4_000_000))}
lt.save(big, sys.argv[1])
print("saving", flush=True)
while True:
    lt.save(big, sys.argv[1])
"""


@pytest.mark.slow  # three child processes each import learntorch: ~5-15 s on a loaded 2-core box
@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killed_saves_leave_old_or_new_and_no_temporaries(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    target = tmp_path / "ckpt.pt"
    lt.save({"w": lt.ones(2)}, target)
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    env = dict(os.environ, PYTHONPATH=src)
    mid_save = 0
    for i in range(3):
        proc = subprocess.Popen([sys.executable, "-c", _SAVER, str(target)], env=env, stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"saving"
        time.sleep(0.05 + 0.07 * i)  # land the kill at different points of a save
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        w = lt.load(target)["w"]  # always a whole checkpoint: the old one or a new one
        assert w.shape in ((2,), (4_000_000,))
        leftovers = [p.name for p in tmp_path.iterdir() if p.name != "ckpt.pt"]
        assert len(leftovers) <= 1, leftovers  # at most the one temp of the killed save...
        mid_save += len(leftovers)
    assert mid_save >= 1  # the kills did land inside saves (the saver spends nearly all its time saving)
    lt.save({"w": lt.zeros(1)}, target)
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.pt"]  # ...and the next save removes it

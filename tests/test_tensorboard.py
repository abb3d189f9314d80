"""learntorch.utils.tensorboard: the event files must be real ones.

Three independent checks: a small reader written here (TFRecord framing, CRC32C and the
protobuf wire format decoded by hand), TensorBoard's own ``EventAccumulator``, and the files
real ``torch.utils.tensorboard.SummaryWriter`` writes for the same calls.
"""

from __future__ import annotations

import io
import os
import re
import socket
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

import learntorch
from learntorch import nn
from learntorch.utils.tensorboard import SummaryWriter
from learntorch.utils.tensorboard._record import _crc32c_bytewise, crc32c, frame, masked_crc32c

# ------------------------------------------------------------------ an independent reader


def _crc32c_bitwise(data: bytes) -> int:
    """CRC-32C one bit at a time, straight from the definition (no table)."""
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def _masked(crc: int) -> int:
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _records(path: Path) -> list[bytes]:
    raw, pos, out = path.read_bytes(), 0, []
    while pos < len(raw):
        (n,) = struct.unpack_from("<Q", raw, pos)
        (crc_n,) = struct.unpack_from("<I", raw, pos + 8)
        assert crc_n == _masked(_crc32c_bitwise(raw[pos : pos + 8]))
        data = raw[pos + 12 : pos + 12 + n]
        (crc_d,) = struct.unpack_from("<I", raw, pos + 12 + n)
        assert crc_d == _masked(_crc32c_bitwise(data))
        out.append(data)
        pos += 16 + n
    return out


def _fields(msg: bytes) -> dict[int, list]:
    """Decode one protobuf message: field number -> list of raw values (int, bytes, or 4/8 bytes)."""
    out: dict[int, list] = {}
    pos = 0

    def varint() -> int:
        nonlocal pos
        shift = value = 0
        while True:
            b = msg[pos]
            pos += 1
            value |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return value

    while pos < len(msg):
        key = varint()
        field, wire = key >> 3, key & 7
        if wire == 0:
            value = varint()
        elif wire == 1:
            value, pos = msg[pos : pos + 8], pos + 8
        elif wire == 5:
            value, pos = msg[pos : pos + 4], pos + 4
        else:
            assert wire == 2
            n = varint()
            value, pos = msg[pos : pos + n], pos + n
        out.setdefault(field, []).append(value)
    return out


def _event_files(logdir: Path) -> list[Path]:
    return sorted(p for p in Path(logdir).iterdir() if p.name.startswith("events.out.tfevents."))


def _events(logdir: Path) -> list[dict[int, list]]:
    (path,) = _event_files(logdir)
    return [_fields(r) for r in _records(path)]


def _accumulator(logdir: Path):
    ea_mod = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    guidance = {"images": 0, "scalars": 0, "histograms": 0, "tensors": 0}
    ea = ea_mod.EventAccumulator(str(logdir), size_guidance=guidance)
    ea.Reload()
    return ea


def _decode_png(png: bytes) -> np.ndarray:
    """PNG -> array, by hand for our files (filter 0 rows); Pillow decodes torch's."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(png):
        (n,) = struct.unpack_from(">I", png, pos)
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + n]
        assert struct.unpack_from(">I", png, pos + 8 + n)[0] == zlib.crc32(kind + data)
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", data)
        elif kind == b"IDAT":
            idat += data
        pos += 12 + n
    w, h, depth, color, *_ = ihdr
    c = {0: 1, 2: 3, 6: 4}[color]
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + w * c)
    assert (rows[:, 0] == 0).all()
    return rows[:, 1:].reshape(h, w, c)


# ------------------------------------------------------------------ CRC32C and framing


def test_crc32c_known_values():
    # check values from RFC 3720 (iSCSI), appendix B.4
    assert crc32c(b"123456789") == 0xE3069283
    assert crc32c(bytes(32)) == 0x8A9136AA
    assert crc32c(b"\xff" * 32) == 0x62A8AB43
    assert crc32c(bytes(range(32))) == 0x46DD794E
    assert crc32c(b"") == 0


@pytest.mark.parametrize("n", [0, 1, 511, 512, 2047, 2048, 2049, 5000, 70001])
def test_crc32c_long_path_matches_table_and_bits(n):
    data = np.random.default_rng(n).integers(0, 256, n, dtype=np.uint8).tobytes()
    assert crc32c(data) == _crc32c_bytewise(data)
    if n <= 5000:
        assert crc32c(data) == _crc32c_bitwise(data)


def test_frame_layout():
    rec = frame(b"hello")
    assert rec[:8] == struct.pack("<Q", 5)
    assert rec[8:12] == struct.pack("<I", masked_crc32c(struct.pack("<Q", 5)))
    assert rec[12:17] == b"hello"
    assert rec[17:] == struct.pack("<I", _masked(_crc32c_bitwise(b"hello")))


# ------------------------------------------------------------------ files, names, lifetime


def test_file_name_and_first_event(tmp_path):
    w = SummaryWriter(tmp_path / "logs")
    w.close()
    (path,) = _event_files(tmp_path / "logs")
    host = re.escape(socket.gethostname())
    assert re.fullmatch(rf"events\.out\.tfevents\.\d{{10}}\.{host}\.{os.getpid()}\.\d+", path.name)
    (first,) = _events(tmp_path / "logs")
    assert first[3] == [b"brain.Event:2"]  # file_version
    assert abs(struct.unpack("<d", first[1][0])[0] - time.time()) < 60


def test_default_log_dir_like_torch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(comment="_lr0.1")
    w.close()
    logdir = Path(w.get_logdir())
    assert logdir.parent == Path("runs")
    host = re.escape(socket.gethostname())
    assert re.fullmatch(rf"[A-Z][a-z]{{2}}\d\d_\d\d-\d\d-\d\d_{host}_lr0\.1", logdir.name)
    assert len(_event_files(tmp_path / logdir)) == 1


def test_each_writer_its_own_file(tmp_path):
    a, b = SummaryWriter(tmp_path), SummaryWriter(tmp_path, filename_suffix=".x")
    a.close()
    b.close()
    names = [p.name for p in _event_files(tmp_path)]
    assert len(set(names)) == 2 and any(n.endswith(".x") for n in names)


def test_flush_makes_events_visible_before_close(tmp_path):
    w = SummaryWriter(tmp_path, max_queue=1000, flush_secs=1000)
    w.add_scalar("loss", 0.5, 1)
    w.flush()
    assert len(_events(tmp_path)) == 2
    w.close()
    w.close()  # a second close does nothing


def test_flush_secs_flushes_a_stalled_writer(tmp_path):
    w = SummaryWriter(tmp_path, max_queue=1000, flush_secs=0.2)
    w.add_scalar("loss", 0.5, 1)
    deadline = time.time() + 10
    while len(_events(tmp_path)) < 2 and time.time() < deadline:
        time.sleep(0.05)
    assert len(_events(tmp_path)) == 2  # on disk with no further call
    w.close()


def test_context_manager_and_reopen_after_close(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_scalar("a", 1.0, 0)
    assert len(_events(tmp_path)) == 2
    w.add_scalar("a", 2.0, 1)  # like torch: a closed writer opens a new file
    w.close()
    assert len(_event_files(tmp_path)) == 2


def test_events_survive_exit_without_close(tmp_path):
    code = (
        "from learntorch.utils.tensorboard import SummaryWriter\n"
        f"w = SummaryWriter({str(tmp_path)!r}, max_queue=1000, flush_secs=1000)\n"
        "for i in range(5):\n    w.add_scalar('y', i * 1.5, i)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    events = _events(tmp_path)[1:]
    assert [e.get(2, [0])[0] for e in events] == [0, 1, 2, 3, 4]  # step 0 is left out, as proto3 does


# ------------------------------------------------------------------ scalars


def test_scalar_wire_format(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for i in range(3):
            w.add_scalar("y=2x", 2 * i, i)
        w.add_scalar("zero", learntorch.tensor(0.0), 7)
    events = _events(tmp_path)[1:]
    for i, ev in enumerate(events[:3]):
        assert ev.get(2, [0]) == [i]
        (value,) = _fields(ev[5][0])[1]
        value = _fields(value)
        assert value[1] == [b"y=2x"] and struct.unpack("<f", value[2][0])[0] == 2 * i
    value = _fields(_fields(events[3][5][0])[1][0])
    assert value[2] == [struct.pack("<f", 0.0)]  # a oneof member is written even when it is 0


def test_scalars_read_by_tensorboard(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for i in range(100):
            w.add_scalar("y=2x", 2 * i, i)
        w.add_scalar("t", learntorch.tensor([1.25]), 3, walltime=123.5)
    ea = _accumulator(tmp_path)
    assert [(e.step, e.value) for e in ea.Scalars("y=2x")] == [(i, 2.0 * i) for i in range(100)]
    (t,) = ea.Scalars("t")
    assert (t.wall_time, t.step, t.value) == (123.5, 3, 1.25)


def test_add_scalar_rejects_a_tensor(tmp_path, torch):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    with pytest.raises(AssertionError) as expected:
        with TorchWriter(tmp_path / "t") as tw:
            tw.add_scalar("a", torch.ones(3))
    with SummaryWriter(tmp_path / "l") as w:
        with pytest.raises(AssertionError, match=re.escape(str(expected.value))) as got:
            w.add_scalar("a", learntorch.ones(3))
    assert str(got.value).splitlines()[1].startswith("hint: ")


def test_add_scalars_one_run_per_key(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for i in range(3):
            w.add_scalars("run/14h", {"sin": np.sin(i), "cos": np.cos(i)}, i)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["run_14h_cos", "run_14h_sin"]
    ea = _accumulator(tmp_path / "run_14h_sin")
    assert [e.step for e in ea.Scalars("run/14h")] == [0, 1, 2]
    np.testing.assert_allclose([e.value for e in ea.Scalars("run/14h")], np.sin(range(3)), rtol=1e-6)


# ------------------------------------------------------------------ images


def test_image_pixels(tmp_path):
    rng = np.random.default_rng(0)
    chw = rng.random((3, 5, 7)).astype(np.float32)
    hwc = rng.integers(0, 256, (4, 6, 3), dtype=np.uint8)
    with SummaryWriter(tmp_path) as w:
        w.add_image("chw", learntorch.tensor(chw), 1)
        w.add_image("hwc", hwc, 2, dataformats="HWC")
        w.add_image("gray", chw[0] * 2, 3, dataformats="HW")
        w.add_images("batch", learntorch.tensor(rng.random((10, 1, 2, 3)).astype(np.float32)), 4)
    ea = _accumulator(tmp_path)
    expect = {
        "chw": (chw.transpose(1, 2, 0) * 255).astype(np.uint8),
        "hwc": hwc,
        "gray": np.stack([(chw[0] * 2 * 255).clip(0, 255).astype(np.uint8)] * 3, 2),
    }
    for tag, want in expect.items():
        (img,) = ea.Images(tag)
        assert (img.height, img.width) == want.shape[:2]
        np.testing.assert_array_equal(_decode_png(img.encoded_image_string), want)
    (batch,) = ea.Images("batch")
    assert (batch.step, batch.height, batch.width) == (4, 4, 24)  # 8 to a row: 2 rows of 2x3 images


def test_image_bad_dataformats(tmp_path):
    with SummaryWriter(tmp_path) as w:
        with pytest.raises(AssertionError, match="size of input tensor and input format are different"):
            w.add_image("x", np.zeros((3, 4)), dataformats="CHW")
        with pytest.raises(AssertionError, match="You can not use the same dimension shorthand twice"):
            w.add_image("x", np.zeros((3, 4, 5)), dataformats="CCW")


# ------------------------------------------------------------------ histograms and text


def test_histogram_counts(tmp_path):
    values = np.array([0.5, 1.5, 1.5, 2.5, 9.0])
    with SummaryWriter(tmp_path) as w:
        w.add_histogram("h", values, 3, bins=[0, 1, 2, 3, 4])
        w.add_histogram("tf", learntorch.randn(1000), 4)
    ea = _accumulator(tmp_path)
    (h,) = ea.Histograms("h")
    v = h.histogram_value
    assert h.step == 3
    assert (v.min, v.max, v.num, v.sum, v.sum_squares) == (0.5, 9.0, 5, 15.0, float(values @ values))
    assert list(v.bucket_limit) == [0, 1, 2, 3] and list(v.bucket) == [0, 1, 2, 1]
    (tf,) = ea.Histograms("tf")
    assert tf.histogram_value.num == 1000 and sum(tf.histogram_value.bucket) == 1000


def test_text(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_text("lstm", "This is an **lstm** 你好", 10)
    ea = _accumulator(tmp_path)
    (t,) = ea.Tensors("lstm/text_summary")
    assert t.step == 10 and t.tensor_proto.string_val == ["This is an **lstm** 你好".encode()]
    assert ea.SummaryMetadata("lstm/text_summary").plugin_data.plugin_name == "text"


# ------------------------------------------------------------------ graph


class _Network(nn.Module):  # note 5: the CIFAR-10 quick model, written with Sequential
    def __init__(self):
        super().__init__()
        self.model1 = nn.Sequential(
            nn.Conv2d(3, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 32, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(1024, 64),
            nn.Linear(64, 10),
        )

    def forward(self, x):
        return self.model1(x)


def _graph_nodes(logdir):
    ea = _accumulator(logdir)
    assert ea.Tags()["graph"]
    g = ea.Graph()
    return {
        n.name: (n.op, list(n.input), [[d.size for d in s.dim] for s in n.attr["_output_shapes"].list.shape])
        for n in g.node
    }


def test_add_graph_note_model(tmp_path):
    with SummaryWriter(tmp_path) as w:
        w.add_graph(_Network(), learntorch.ones([64, 3, 32, 32]))
    nodes = _graph_nodes(tmp_path)
    seq = "_Network/Sequential[model1]"
    assert nodes["input/x"] == ("IO Node", [], [[64, 3, 32, 32]])
    assert nodes[f"{seq}/Conv2d[0]/weight"] == ("Parameter", [], [[32, 3, 5, 5]])
    assert nodes[f"{seq}/Conv2d[0]/Convolution"] == (
        "Convolution",
        ["input/x", f"{seq}/Conv2d[0]/weight", f"{seq}/Conv2d[0]/bias"],
        [[64, 32, 32, 32]],
    )
    assert nodes[f"{seq}/MaxPool2d[5]/MaxPool2DWithIndices"][2] == [[64, 64, 4, 4]]
    assert nodes[f"{seq}/Flatten[6]/View"][2] == [[64, 1024]]
    assert f"{seq}/Flatten[6]/View" in nodes[f"{seq}/Linear[7]/Addmm"][1]
    assert nodes["output/output.1"] == ("IO Node", [f"{seq}/Linear[8]/Addmm"], [[64, 10]])
    # every edge points at a node that exists
    assert all(i in nodes for _, inputs, _ in nodes.values() for i in inputs)


def test_add_graph_functional_ops_and_reuse(tmp_path):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.act = nn.ReLU()

        def forward(self, x):
            x = self.act(self.fc(x * 2))
            return learntorch.flatten(self.act(self.fc(x)))

    with SummaryWriter(tmp_path) as w:
        w.add_graph(Net(), learntorch.ones(2, 4))
    nodes = _graph_nodes(tmp_path)
    assert nodes["Net/Mul"][1] == ["input/x"]  # an op in forward itself lands in the model's scope
    assert "Net/ReLU[act]/Relu" in nodes and "Net/ReLU[act]/Relu_1" in nodes  # a module used twice
    assert nodes["Net/Linear[fc]/Addmm_1"][1][1] == "Net/ReLU[act]/Relu"
    assert nodes["Net/View"][1] == ["Net/ReLU[act]/Relu_1"]  # torch.flatten, in forward itself
    assert nodes["output/output.1"] == ("IO Node", ["Net/View"], [[8]])


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_add_graph_matches_torch_scopes(tmp_path, torch):
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    class TNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model1 = torch.nn.Sequential(
                torch.nn.Conv2d(3, 4, 3), torch.nn.Flatten(), torch.nn.Linear(144, 2)
            )

        def forward(self, x):
            return self.model1(x)

    class LNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.model1 = nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(144, 2))

        def forward(self, x):
            return self.model1(x)

    with TorchWriter(tmp_path / "t") as tw:
        tw.add_graph(TNet(), torch.ones(2, 3, 8, 8))
    with SummaryWriter(tmp_path / "l") as w:
        w.add_graph(LNet(), learntorch.ones(2, 3, 8, 8))

    def module_scopes(nodes, root):  # the boxes TensorBoard draws for modules
        return {n.rsplit("/", 1)[0].replace(root, "Net") for n in nodes if n.rsplit("/", 1)[0].endswith("]")}

    t, l = _graph_nodes(tmp_path / "t"), _graph_nodes(tmp_path / "l")
    assert (
        module_scopes(t, "TNet")
        == module_scopes(l, "LNet")
        == {
            "Net/Sequential[model1]/Conv2d[0]",
            "Net/Sequential[model1]/Flatten[1]",
            "Net/Sequential[model1]/Linear[2]",
        }
    )
    assert t["input/x"][2] == l["input/x"][2] and t["output/output.1"][2] == l["output/output.1"][2]


# ------------------------------------------------------------------ the same files as torch


def test_same_content_as_torch(tmp_path, torch):
    pytest.importorskip("PIL")
    from PIL import Image
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    rng = np.random.default_rng(1)
    img = rng.random((3, 5, 7)).astype(np.float32) * 1.2 - 0.1  # some values need clipping
    imgs = rng.random((10, 3, 4, 6)).astype(np.float32)
    hwc = rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)
    vals = rng.normal(size=1000)
    for mod, Writer, d in ((learntorch, SummaryWriter, "l"), (torch, TorchWriter, "t")):
        with Writer(tmp_path / d) as w:
            for i in range(5):
                w.add_scalar("y=2x", 2 * i, i)
            w.add_scalar("new", 0.1, 1, new_style=True)
            w.add_scalar("new64", 0.1, 1, new_style=True, double_precision=True)
            w.add_image("img", mod.tensor(img), 3)
            w.add_images("batch", mod.tensor(imgs), 4)
            w.add_image("hwc", hwc, 1, dataformats="HWC")
            w.add_histogram("h", mod.tensor(vals), 5)
            w.add_histogram("h2", vals, 6, bins=10, max_bins=3)
            w.add_histogram("h3", vals, 7, bins="auto")
            w.add_text("note", "hello **world**", 8)
            w.add_scalars("run", {"a": 1.0, "b": 2.0}, 9)
    ours, theirs = _accumulator(tmp_path / "l"), _accumulator(tmp_path / "t")
    assert ours.Tags() == theirs.Tags()
    for tag in ours.Tags()["scalars"]:
        assert [(e.step, e.value) for e in ours.Scalars(tag)] == [
            (e.step, e.value) for e in theirs.Scalars(tag)
        ]
    for tag in ours.Tags()["images"]:
        (a,), (b,) = ours.Images(tag), theirs.Images(tag)
        assert (a.step, a.width, a.height) == (b.step, b.width, b.height)
        pixels_b = np.array(Image.open(io.BytesIO(b.encoded_image_string)))
        np.testing.assert_array_equal(_decode_png(a.encoded_image_string), pixels_b)
    for tag in ours.Tags()["histograms"]:
        (a,), (b,) = ours.Histograms(tag), theirs.Histograms(tag)
        assert a.step == b.step and a.histogram_value == b.histogram_value
    for tag in ours.Tags()["tensors"]:
        (a,), (b,) = ours.Tensors(tag), theirs.Tensors(tag)
        assert a.step == b.step and a.tensor_proto == b.tensor_proto
        assert ours.SummaryMetadata(tag) == theirs.SummaryMetadata(tag)
    for run in ("run_a", "run_b"):
        a, b = _accumulator(tmp_path / "l" / run), _accumulator(tmp_path / "t" / run)
        assert [(e.step, e.value) for e in a.Scalars("run")] == [(e.step, e.value) for e in b.Scalars("run")]


def test_purge_step(tmp_path):
    with SummaryWriter(tmp_path) as w:
        for i in range(10):
            w.add_scalar("loss", float(i), i)
    with SummaryWriter(tmp_path, purge_step=5) as w:  # a resumed run: steps >= 5 are replaced
        for i in range(5, 8):
            w.add_scalar("loss", 100.0 + i, i)
    ea = _accumulator(tmp_path)
    assert [(e.step, e.value) for e in ea.Scalars("loss")] == [(i, float(i)) for i in range(5)] + [
        (i, 100.0 + i) for i in range(5, 8)
    ]


def test_add_graph_integer_input(tmp_path):
    model = nn.Sequential(nn.Embedding(10, 3), nn.Linear(3, 2))
    with SummaryWriter(tmp_path) as w:
        w.add_graph(model, learntorch.tensor([[1, 2, 3]]))
    nodes = _graph_nodes(tmp_path)
    assert nodes["input/input"] == ("IO Node", [], [[1, 3]])
    op, inputs, shape = nodes["Sequential/Embedding[0]/Embedding"]
    assert inputs == ["input/input", "Sequential/Embedding[0]/weight"] and shape == [[1, 3, 3]]


def test_records_byte_identical_to_torch(tmp_path, torch):
    """Same calls, same walltime: every record after the header is the very bytes torch writes."""
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    from learntorch.utils.tensorboard._record import read_records

    for mod, Writer, d in ((learntorch, SummaryWriter, "l"), (torch, TorchWriter, "t")):
        with Writer(tmp_path / d) as w:
            for i in range(3):
                w.add_scalar("y=2x", 2 * i, i, walltime=1000.5 + i)
            w.add_scalar("n", mod.tensor(0.1), 1, walltime=5.0, new_style=True)
            w.add_text("t", "hi", 2, walltime=6.0)
            w.add_histogram("h", mod.arange(10.0), 3, walltime=7.0)
            w.add_histogram_raw("hr", 0, 9, 10, 45, 285, [1, 5, 9], [2, 4, 4], 4, walltime=8.0)
    ours = read_records(_event_files(tmp_path / "l")[0].read_bytes())
    theirs = _records(_event_files(tmp_path / "t")[0])
    assert len(ours) == len(theirs) == 8
    assert ours[1:] == theirs[1:]
    assert _fields(ours[0])[3] == _fields(theirs[0])[3] == [b"brain.Event:2"]

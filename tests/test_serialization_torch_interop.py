"""Checkpoints move both ways with real PyTorch 2.13: save by one, load by the other, with and
without ``weights_only``, for the state dict of every nn layer with state, vision models and
optimizer states. Keys, order, dtypes and values must be identical, and the loaded dict must
go into the other library's module with ``load_state_dict`` (strict)."""

from __future__ import annotations

import io
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import learntorch as lt

# (name, constructor over either library's nn, a forward input shape or None)
MODULES = [
    ("Linear", lambda nn: nn.Linear(4, 3)),
    ("LinearNoBias", lambda nn: nn.Linear(4, 3, bias=False)),
    ("Bilinear", lambda nn: nn.Bilinear(3, 2, 4)),
    ("Conv1d", lambda nn: nn.Conv1d(2, 3, 3)),
    ("Conv2d", lambda nn: nn.Conv2d(2, 3, 3, groups=1, padding=1)),
    ("Conv3d", lambda nn: nn.Conv3d(2, 2, 2)),
    ("ConvTranspose1d", lambda nn: nn.ConvTranspose1d(2, 3, 3)),
    ("ConvTranspose2d", lambda nn: nn.ConvTranspose2d(2, 3, 3, stride=2)),
    ("ConvTranspose3d", lambda nn: nn.ConvTranspose3d(2, 2, 2)),
    ("BatchNorm1d", lambda nn: nn.BatchNorm1d(3)),
    ("BatchNorm2d", lambda nn: nn.BatchNorm2d(3)),
    ("BatchNorm3d", lambda nn: nn.BatchNorm3d(2, affine=False)),
    ("LayerNorm", lambda nn: nn.LayerNorm([3, 4])),
    ("GroupNorm", lambda nn: nn.GroupNorm(2, 4)),
    ("PReLU", lambda nn: nn.PReLU(3)),
    ("Embedding", lambda nn: nn.Embedding(10, 3)),
    ("RNN", lambda nn: nn.RNN(3, 4, num_layers=2)),
    ("LSTM", lambda nn: nn.LSTM(3, 4, bidirectional=True)),
    ("GRU", lambda nn: nn.GRU(3, 4, batch_first=True)),
    ("RNNCell", lambda nn: nn.RNNCell(3, 4)),
    ("LSTMCell", lambda nn: nn.LSTMCell(3, 4)),
    ("GRUCell", lambda nn: nn.GRUCell(3, 4)),
    ("MultiheadAttention", lambda nn: nn.MultiheadAttention(8, 2)),
    ("Sequential", lambda nn: nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.BatchNorm1d(3), nn.Linear(3, 1))),
    ("ModuleDict", lambda nn: nn.ModuleDict({"a": nn.Linear(2, 2), "b": nn.LayerNorm(2)})),
    ("ParameterList", lambda nn: nn.ParameterList([nn.Parameter(lt_or_torch(nn).ones(2)) for _ in range(2)])),
]


def lt_or_torch(nn):
    return lt if nn is lt.nn else __import__("torch")


def _same(ours, theirs, torch, path="") -> None:
    """Deep equality between a learntorch object and a torch object (tensors by dtype and values)."""
    if isinstance(ours, lt.Tensor):
        assert isinstance(theirs, torch.Tensor), path
        assert ours.dtype.name == str(theirs.dtype).replace("torch.", ""), path
        assert tuple(ours.shape) == tuple(theirs.shape), path
        np.testing.assert_array_equal(ours.numpy(), theirs.detach().numpy(), err_msg=path)
        assert ours.requires_grad == theirs.requires_grad, path
        assert isinstance(ours, lt.nn.Parameter) == isinstance(theirs, torch.nn.Parameter), path
    elif isinstance(ours, dict):
        assert isinstance(theirs, dict) and list(ours) == list(theirs), path
        assert isinstance(ours, OrderedDict) == isinstance(theirs, OrderedDict), path
        for k in ours:
            _same(ours[k], theirs[k], torch, f"{path}/{k}")
    elif isinstance(ours, (list, tuple)):
        assert type(ours) is type(theirs) and len(ours) == len(theirs), path
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _same(a, b, torch, f"{path}[{i}]")
    else:
        assert ours == theirs and type(ours) is type(theirs), (path, ours, theirs)


def _lt_to_torch(obj, torch, weights_only):
    buf = io.BytesIO()
    lt.save(obj, buf)
    buf.seek(0)
    return torch.load(buf, weights_only=weights_only)


def _torch_to_lt(obj, torch, weights_only):
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    return lt.load(buf, weights_only=weights_only)


@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("name,make", MODULES, ids=[m[0] for m in MODULES])
def test_module_state_dicts_both_ways(torch, name, make, weights_only):
    ours, theirs = make(lt.nn), make(torch.nn)
    if name.startswith("BatchNorm"):  # make the buffers interesting: a trained-looking state
        ours.running_mean.add_(lt.arange(float(ours.num_features)))
        ours.num_batches_tracked.add_(7)
        theirs.num_batches_tracked.add_(5)
    # learntorch -> torch: keys/values equal and torch's module accepts it
    got = _lt_to_torch(ours.state_dict(), torch, weights_only)
    _same(ours.state_dict(), got, torch)
    theirs_copy = make(torch.nn)
    theirs_copy.load_state_dict(got)
    # torch -> learntorch
    back = _torch_to_lt(theirs.state_dict(), torch, weights_only)
    _same(back, theirs.state_dict(), torch)
    ours.load_state_dict(back)
    _same(ours.state_dict(), theirs.state_dict(), torch)


@pytest.mark.parametrize("weights_only", [True, False])
def test_vision_models_both_ways(torch, weights_only):
    from learntorch.vision import models

    for build in (models.lenet, models.resnet18):
        model = build()
        sd = model.state_dict()
        got = _lt_to_torch(sd, torch, weights_only)
        _same(sd, got, torch)
        perturbed = OrderedDict((k, v + 1 if v.is_floating_point() else v) for k, v in got.items())
        back = _torch_to_lt(perturbed, torch, weights_only)
        _same(back, perturbed, torch)
        model.load_state_dict(back)
        first = next(iter(perturbed))
        np.testing.assert_array_equal(model.state_dict()[first].numpy(), perturbed[first].numpy())


def _train_step(lib, opt_name, model):
    opt = {"SGD": lambda p: lib.optim.SGD(p, lr=0.1, momentum=0.9),
           "Adam": lambda p: lib.optim.Adam(p, lr=1e-2),
           "AdamW": lambda p: lib.optim.AdamW(p, lr=1e-2, weight_decay=0.1)}[opt_name](model.parameters())  # fmt: skip
    for _ in range(2):
        opt.zero_grad()
        model(lib.ones(3, 4)).pow(2).sum().backward()
        opt.step()
    return opt


@pytest.mark.parametrize("weights_only", [True, False])
@pytest.mark.parametrize("opt_name", ["SGD", "Adam", "AdamW"])
def test_optimizer_state_dicts_both_ways(torch, opt_name, weights_only):
    ours = lt.nn.Linear(4, 2)
    theirs = torch.nn.Linear(4, 2)
    theirs.load_state_dict(_lt_to_torch(ours.state_dict(), torch, True))
    ours_opt, theirs_opt = _train_step(lt, opt_name, ours), _train_step(torch, opt_name, theirs)
    got = _lt_to_torch(ours_opt.state_dict(), torch, weights_only)
    _same(ours_opt.state_dict(), got, torch)
    fresh = torch.nn.Linear(4, 2)
    _train_step(torch, opt_name, fresh).load_state_dict(got)
    back = _torch_to_lt(theirs_opt.state_dict(), torch, weights_only)
    _same(back, theirs_opt.state_dict(), torch)
    _train_step(lt, opt_name, lt.nn.Linear(4, 2)).load_state_dict(back)


def test_shared_storage_views_and_dtypes_survive_both_ways(torch):
    base = lt.arange(12.0).reshape(3, 4)
    obj = {"t": base.t(), "row": base[1], "half": lt.tensor([0.5], dtype=lt.float16),
           "i8": lt.tensor([-3], dtype=lt.int8), "u8": lt.tensor([250], dtype=lt.uint8),
           "i16": lt.tensor([7], dtype=lt.int16), "i32": lt.tensor([7], dtype=lt.int32),
           "b": lt.tensor([True, False]), "f64": lt.tensor([1e-300], dtype=lt.float64),
           "scalar": lt.tensor(2.5), "empty": lt.zeros(0, 3), "meta": {"size": base.shape, "dtype": lt.float16,
           "device": lt.device("cpu"), "bytes": b"\x00\xff", "set": {1, 2}, "complex": 1 + 2j}}  # fmt: skip
    got = _lt_to_torch(obj, torch, True)
    assert got["t"].untyped_storage().data_ptr() == got["row"].untyped_storage().data_ptr()
    assert got["t"].stride() == (1, 4) and got["row"].storage_offset() == 4
    assert got["meta"]["size"] == torch.Size([3, 4]) and got["meta"]["dtype"] is torch.float16
    assert got["meta"]["device"] == torch.device("cpu") and got["meta"]["bytes"] == b"\x00\xff"
    back = _torch_to_lt(got, torch, True)
    for k in obj:
        if k != "meta":
            _same(back[k], got[k], torch, k)
    back["row"][0] = 100.0  # views still share memory after the round trip, as in torch
    assert back["t"][0, 1].item() == 100.0
    assert back["meta"]["size"] == lt.Size([3, 4]) and back["meta"]["dtype"] is lt.float16


def test_bfloat16_loads_as_float32_with_a_warning(torch):
    src = torch.tensor([1.5, -2.0, 3.140625], dtype=torch.bfloat16)
    for new_zip in (True, False):
        buf = io.BytesIO()
        torch.save({"w": src}, buf, _use_new_zipfile_serialization=new_zip)
        buf.seek(0)
        with pytest.warns(UserWarning, match="bfloat16 tensors; learntorch has no bfloat16 dtype"):
            got = lt.load(buf)
        assert got["w"].dtype == lt.float32
        np.testing.assert_array_equal(got["w"].numpy(), src.float().numpy())


def test_legacy_format_both_ways(torch):
    base = torch.arange(6.0).reshape(2, 3)
    buf = io.BytesIO()
    torch.save({"t": base.t(), "row": base[1], "p": torch.nn.Parameter(torch.ones(2))}, buf,
               _use_new_zipfile_serialization=False)  # fmt: skip
    buf.seek(0)
    got = lt.load(buf)
    assert got["t"].tolist() == base.t().tolist() and got["row"].tolist() == [3.0, 4.0, 5.0]
    assert isinstance(got["p"], lt.nn.Parameter)
    out = io.BytesIO()
    lt.save({"t": lt.arange(6.0).reshape(2, 3).t()}, out, _use_new_zipfile_serialization=False)
    out.seek(0)
    assert torch.load(out)["t"].tolist() == [[0.0, 3.0], [1.0, 4.0], [2.0, 5.0]]


def test_our_file_layout_matches_torch(torch, tmp_path):
    import zipfile

    lt.save({"w": lt.ones(3)}, tmp_path / "ours.pt")
    torch.save({"w": torch.ones(3)}, tmp_path / "theirs.pt")
    with zipfile.ZipFile(tmp_path / "ours.pt") as zf:
        names = [n.split("/", 1)[1] for n in zf.namelist()]
        raw = (tmp_path / "ours.pt").read_bytes()
        for info in zf.infolist():
            start = (
                info.header_offset
                + 30
                + int.from_bytes(raw[info.header_offset + 26 : info.header_offset + 28], "little")
            )
            start += int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
            assert start % 64 == 0, info.filename
        # the folder inside the zip is named after the file (ours.pt -> ours/), as torch names it
        assert zf.read("ours/byteorder") == b"little" and zf.read("ours/version") == b"3\n"
    with zipfile.ZipFile(tmp_path / "theirs.pt") as zf:
        assert names == [n.split("/", 1)[1] for n in zf.namelist()]


def test_whole_learntorch_model_with_weights_only_false(tmp_path, torch):
    model = lt.nn.Sequential(lt.nn.Linear(2, 3), lt.nn.ReLU())
    lt.save(model, tmp_path / "m.pt")
    back = lt.load(tmp_path / "m.pt", weights_only=False)
    assert isinstance(back, lt.nn.Sequential) and repr(back) == repr(model)
    _same(back.state_dict(), _lt_to_torch(model.state_dict(), torch, True), torch)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL learntorch.nn.modules"):
        lt.load(tmp_path / "m.pt")


def test_whole_torch_model_explains_what_to_do(tmp_path, torch):
    torch.save(torch.nn.Linear(2, 2), tmp_path / "torch_model.pt")
    with pytest.raises(pickle.UnpicklingError) as err:
        lt.load(tmp_path / "torch_model.pt", weights_only=False)
    msg = str(err.value)
    assert "pickled PyTorch object (torch.nn.modules.linear.Linear)" in msg
    assert msg.splitlines()[-1].startswith(
        "hint: in PyTorch, save the weights instead: torch.save(model.state_dict()"
    )
    with pytest.raises(pickle.UnpicklingError) as err:
        lt.load(tmp_path / "torch_model.pt")
    assert "GLOBAL torch.nn.modules.linear.Linear was not an allowed global" in str(err.value)
    assert str(err.value).splitlines()[-1].startswith("hint: in PyTorch, save the weights instead")

"""vision.models: registry API, weight enums, torchvision-compatible state_dict keys, loading weights from
file:// URLs (learntorch and real-PyTorch checkpoints), and a ResNet forward checked against torch."""

from __future__ import annotations

import hashlib
import re
import warnings

import numpy as np
import pytest

import learntorch as lt
from learntorch import hub
from learntorch.vision import models
from learntorch.vision.models.resnet import BasicBlock, ResNet


@pytest.fixture
def fast_init(monkeypatch):
    """Tests about keys and loading, not init: skip the (bit-exact, slow) normal draws."""
    monkeypatch.setattr(lt.nn.init, "kaiming_normal_", lambda t, *a, **k: lt.nn.init.uniform_(t, -0.1, 0.1))


def test_registry_api():
    names = models.list_models()
    for n in ["alexnet", "lenet", "resnet18", "resnet34", "resnet50", "vgg11", "vgg11_bn", "vgg19_bn"]:
        assert n in names
    assert models.list_models(include="resnet*") == [
        "resnet101",
        "resnet152",
        "resnet18",
        "resnet34",
        "resnet50",
    ]
    assert "vgg11" not in models.list_models(exclude=["vgg*"])
    assert models.get_model_builder("resnet18") is models.resnet18
    m = models.get_model("lenet", num_classes=3)
    assert isinstance(m, models.LeNet) and tuple(m(lt.zeros(2, 1, 28, 28)).shape) == (2, 3)
    assert models.get_weight("ResNet50_Weights.IMAGENET1K_V2") is models.ResNet50_Weights.DEFAULT
    assert models.get_model_weights("vgg11") is models.VGG11_Weights
    assert models.get_model_weights(models.resnet34) is models.ResNet34_Weights
    with pytest.raises(ValueError, match="Unknown model"):
        models.get_model_builder("nope")
    with pytest.raises(ValueError, match="no pretrained weights"):
        models.get_model_weights("lenet")


@pytest.mark.parametrize(
    ("enum", "file"),
    [
        (models.ResNet18_Weights.IMAGENET1K_V1, "resnet18-f37072fd.pth"),
        (models.ResNet50_Weights.IMAGENET1K_V1, "resnet50-0676ba61.pth"),
        (models.AlexNet_Weights.IMAGENET1K_V1, "alexnet-owt-7be5be79.pth"),
        (models.VGG16_Weights.IMAGENET1K_V1, "vgg16-397923af.pth"),
    ],
)
def test_weight_enums_are_real(enum, file):
    assert enum.url == f"https://download.pytorch.org/models/{file}"
    assert re.search(r"-([a-f0-9]{8})\.pth$", enum.url)
    assert len(enum.meta["categories"]) == 1000 and enum.meta["categories"][:2] == ["tench", "goldfish"]
    assert enum.meta["num_params"] > 1_000_000
    assert repr(enum.transforms()).splitlines()[1] == "    crop_size=[224]"
    assert type(enum).DEFAULT in type(enum)


def test_weights_verify_and_transforms_repr():
    W = models.ResNet50_Weights
    assert W.verify("IMAGENET1K_V1") is W.IMAGENET1K_V1
    assert W.verify("ResNet50_Weights.IMAGENET1K_V2") is W.IMAGENET1K_V2
    assert W.verify(None) is None
    with pytest.raises(TypeError, match="expected ResNet50_Weights but received ResNet18_Weights"):
        W.verify(models.ResNet18_Weights.DEFAULT)
    assert repr(W.DEFAULT.transforms()) == (
        "ImageClassification(\n    crop_size=[224]\n    resize_size=[232]\n    mean=[0.485, 0.456, 0.406]\n"
        "    std=[0.229, 0.224, 0.225]\n    interpolation=InterpolationMode.BILINEAR\n)"
    )


def test_resnet18_keys_and_param_count(fast_init):
    m = models.resnet18()
    sd = m.state_dict()
    assert len(sd) == 122  # torchvision's resnet18 state_dict has 122 entries
    for k in [
        "conv1.weight",
        "bn1.running_var",
        "bn1.num_batches_tracked",
        "layer1.0.conv2.weight",
        "layer2.0.downsample.0.weight",
        "layer2.0.downsample.1.running_mean",
        "layer4.1.bn2.bias",
        "fc.weight",
    ]:
        assert k in sd, k  # fmt: skip
    assert sum(p.numel() for p in m.parameters()) == models.ResNet18_Weights.DEFAULT.meta["num_params"]
    assert tuple(sd["fc.weight"].shape) == (1000, 512)


def test_alexnet_and_vgg_layout():
    m = models.alexnet()
    keys = list(m.state_dict())
    assert keys[:2] == ["features.0.weight", "features.0.bias"] and keys[-1] == "classifier.6.bias"
    assert sum(p.numel() for p in m.parameters()) == 61100840
    feats = models.vgg.make_layers(models.vgg.cfgs["A"], batch_norm=True)
    fk = list(feats.state_dict())
    assert fk[:6] == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"]
    n_conv = sum(isinstance(x, lt.nn.Conv2d) for x in feats)
    # VGG-11 convs hold 9_220_480 parameters (+ 123_642_856 in the classifier = VGG11_Weights num_params)
    assert n_conv == 8 and sum(p.numel() for p in feats.parameters()) == 9_220_480 + 2 * 2_752


def _reference_resnet_forward(torch, sd, x):
    """A torch.nn.functional re-statement of a [1, 1, 1, 1] BasicBlock ResNet in eval mode."""
    F = torch.nn.functional

    def bn(t, p):
        return F.batch_norm(
            t, sd[p + ".running_mean"], sd[p + ".running_var"], sd[p + ".weight"], sd[p + ".bias"]
        )

    out = F.max_pool2d(F.relu(bn(F.conv2d(x, sd["conv1.weight"], stride=2, padding=3), "bn1")), 3, 2, 1)
    for i, stride in zip(range(1, 5), [1, 2, 2, 2]):
        p = f"layer{i}.0"
        idt = out
        if p + ".downsample.0.weight" in sd:
            idt = bn(F.conv2d(out, sd[p + ".downsample.0.weight"], stride=stride), p + ".downsample.1")
        y = F.relu(bn(F.conv2d(out, sd[p + ".conv1.weight"], stride=stride, padding=1), p + ".bn1"))
        y = bn(F.conv2d(y, sd[p + ".conv2.weight"], padding=1), p + ".bn2")
        out = F.relu(y + idt)
    out = F.adaptive_avg_pool2d(out, 1).flatten(1)
    return F.linear(out, sd["fc.weight"], sd["fc.bias"])


def test_small_resnet_forward_matches_torch(torch):
    lt.manual_seed(0)
    m = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=4)
    for mod in m.modules():  # non-trivial running statistics
        if isinstance(mod, lt.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.1, 0.1)
            mod.running_var.uniform_(0.5, 1.5)
    m.eval()
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    sd = {k: torch.tensor(v.numpy()) for k, v in m.state_dict().items()}
    want = _reference_resnet_forward(torch, sd, torch.tensor(x))
    np.testing.assert_allclose(m(lt.tensor(x)).detach().numpy(), want.numpy(), rtol=1e-4, atol=1e-5)


def _publish(tmp_path, data: bytes, stem: str):
    digest = hashlib.sha256(data).hexdigest()
    path = tmp_path / "server" / f"{stem}-{digest[:8]}.pth"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def test_resnet18_loads_weights_from_url(tmp_path, monkeypatch, fast_init):
    lt.manual_seed(1)
    src = models.resnet18()
    src.eval()
    lt.save(src.state_dict(), tmp_path / "raw.pth")
    path = _publish(tmp_path, (tmp_path / "raw.pth").read_bytes(), "resnet18")
    monkeypatch.setattr(models.ResNet18_Weights.IMAGENET1K_V1.value, "url", path.as_uri())
    hub.set_dir(str(tmp_path / "hub"))
    try:
        m = models.resnet18(weights="DEFAULT", progress=False)
    finally:
        hub._hub_dir = None
    assert (tmp_path / "hub" / "checkpoints" / path.name).exists()
    m.eval()
    x = lt.randn(1, 3, 64, 64)
    np.testing.assert_array_equal(m(x).detach().numpy(), src(x).detach().numpy())


def test_torchvision_style_state_dict_saved_by_torch_loads(torch, tmp_path):
    """A checkpoint written by real torch.save (zip format) loads into the learntorch model, no torch needed."""
    lt.manual_seed(2)
    src = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=3)
    torch.save({k: torch.tensor(v.numpy()) for k, v in src.state_dict().items()}, tmp_path / "raw.pth")
    path = _publish(tmp_path, (tmp_path / "raw.pth").read_bytes(), "tiny")
    sd = hub.load_state_dict_from_url(
        path.as_uri(), model_dir=str(tmp_path / "c"), progress=False, check_hash=True
    )
    assert list(sd) == list(src.state_dict()) and sd["bn1.num_batches_tracked"].dtype == lt.int64
    m = ResNet(BasicBlock, [1, 1, 1, 1], num_classes=3)
    m.load_state_dict(sd)
    src.eval()
    m.eval()
    x = lt.randn(2, 3, 32, 32)
    np.testing.assert_array_equal(m(x).detach().numpy(), src(x).detach().numpy())


def test_weights_with_wrong_hash_and_pretrained_alias(tmp_path, monkeypatch, fast_init):
    lt.save({"x": lt.ones(1)}, tmp_path / "w.pth")
    bad = tmp_path / "server" / "resnet18-deadbeef.pth"
    bad.parent.mkdir()
    bad.write_bytes((tmp_path / "w.pth").read_bytes())
    monkeypatch.setattr(models.ResNet18_Weights.IMAGENET1K_V1.value, "url", bad.as_uri())
    hub.set_dir(str(tmp_path / "hub"))
    try:
        with pytest.raises(RuntimeError, match=re.escape('invalid hash value (expected "deadbeef", got "')):
            models.resnet18(weights="IMAGENET1K_V1", progress=False)
        assert not list((tmp_path / "hub" / "checkpoints").iterdir())
        with (
            warnings.catch_warnings(record=True) as rec,
            pytest.raises(RuntimeError, match="invalid hash value"),
        ):
            warnings.simplefilter("always")
            models.resnet18(pretrained=True, progress=False)
        assert "deprecated" in str(rec[0].message)
    finally:
        hub._hub_dir = None


def test_unreachable_weights_fail_fast_with_hint(tmp_path, monkeypatch):
    monkeypatch.setattr(
        models.AlexNet_Weights.IMAGENET1K_V1.value, "url", "http://127.0.0.1:9/alexnet-00000000.pth"
    )
    monkeypatch.setattr(hub, "DOWNLOAD_TIMEOUT", 2.0)
    hub.set_dir(str(tmp_path))
    try:
        with pytest.raises(RuntimeError, match="hint: this machine may have no internet access"):
            models.AlexNet_Weights.DEFAULT.get_state_dict(progress=False)
    finally:
        hub._hub_dir = None

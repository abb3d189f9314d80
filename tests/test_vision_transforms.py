"""learntorch.vision.transforms against torch-based reference computations (torchvision is not installable
beside torch 2.13, so the references re-state torchvision's documented formulas with real torch calls)."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import learntorch as lt
from learntorch.vision import transforms as T
from learntorch.vision.transforms import functional as F

PIL = pytest.importorskip("PIL.Image")


def img(c=3, h=17, w=23, seed=0):
    return np.random.default_rng(seed).random((c, h, w)).astype(np.float32)


def to_np(t):
    return t.numpy()


# ------------------------------------------------------------------ conversion


def test_to_tensor_numpy_and_pil(torch):
    arr = np.random.default_rng(1).integers(0, 256, (5, 7, 3), dtype=np.uint8)
    ref = torch.from_numpy(arr.transpose(2, 0, 1).copy()).float().div(255)
    out = T.ToTensor()(arr)
    assert out.dtype == lt.float32 and tuple(out.shape) == (3, 5, 7)
    np.testing.assert_allclose(to_np(out), ref.numpy(), atol=1e-7)
    np.testing.assert_allclose(to_np(T.ToTensor()(PIL.fromarray(arr))), ref.numpy(), atol=1e-7)
    gray = arr[:, :, 0]
    assert tuple(T.ToTensor()(PIL.fromarray(gray)).shape) == (1, 5, 7)
    assert tuple(T.ToTensor()(gray).shape) == (1, 5, 7)
    pil = T.PILToTensor()(PIL.fromarray(arr))
    assert pil.dtype == lt.uint8 and np.array_equal(to_np(pil), arr.transpose(2, 0, 1))
    with pytest.raises(TypeError, match="pic should be PIL Image or ndarray"):
        T.ToTensor()(lt.zeros(3, 2, 2))


def test_to_pil_image_roundtrip():
    arr = np.random.default_rng(2).integers(0, 256, (4, 6, 3), dtype=np.uint8)
    t = T.PILToTensor()(PIL.fromarray(arr))
    back = T.ToPILImage()(t)
    assert back.mode == "RGB" and np.array_equal(np.asarray(back), arr)
    f = T.ToPILImage()(lt.tensor([[[0.0, 0.5, 1.0]]]))
    assert f.mode == "L" and np.asarray(f).tolist() == [[0, 127, 255]]


def test_normalize_matches_formula_and_errors(torch):
    x = img()
    mean, std = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]
    ref = (torch.tensor(x) - torch.tensor(mean).view(-1, 1, 1)) / torch.tensor(std).view(-1, 1, 1)
    np.testing.assert_allclose(to_np(T.Normalize(mean, std)(lt.tensor(x))), ref.numpy(), rtol=1e-6, atol=1e-6)
    t = lt.tensor(x)
    T.Normalize(mean, std, inplace=True)(t)
    np.testing.assert_allclose(to_np(t), ref.numpy(), rtol=1e-6, atol=1e-6)
    with pytest.raises(TypeError, match=re.escape("Input tensor should be a float tensor. Got torch.uint8.")):
        T.Normalize([0.5], [0.5])(lt.zeros(1, 2, 2, dtype=lt.uint8))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize([0.5], [0.0])(lt.zeros(1, 2, 2))
    assert repr(T.Normalize((0.5,), (0.5,))) == "Normalize(mean=(0.5,), std=(0.5,))"


def test_normalize_passes_gradients(torch):
    x = lt.rand(3, 2, 2, requires_grad=True)
    T.Normalize([0.5] * 3, [0.25] * 3)(x).sum().backward()
    np.testing.assert_allclose(to_np(x.grad), np.full((3, 2, 2), 4.0))


# ------------------------------------------------------------------ resize


@pytest.mark.parametrize("size", [(8, 11), (30, 40), (17, 9), (5, 50)])
@pytest.mark.parametrize("antialias", [True, False])
def test_resize_bilinear_matches_torch_interpolate(torch, size, antialias):
    x = np.random.default_rng(3).random((2, 3, 17, 23)).astype(np.float32)
    out = T.Resize(size, antialias=antialias)(lt.tensor(x))
    ref = torch.nn.functional.interpolate(
        torch.tensor(x), size=size, mode="bilinear", align_corners=False, antialias=antialias
    )
    assert tuple(out.shape) == tuple(ref.shape)
    np.testing.assert_allclose(to_np(out), ref.numpy(), atol=1e-4)


def test_resize_uint8_and_nearest(torch):
    x = np.random.default_rng(4).integers(0, 256, (3, 20, 30), dtype=np.uint8)
    out = F.resize(lt.tensor(x), [10, 12])
    ref = torch.nn.functional.interpolate(
        torch.tensor(x)[None].float(), size=(10, 12), mode="bilinear", antialias=True, align_corners=False
    )[0]
    assert out.dtype == lt.uint8
    assert np.abs(to_np(out).astype(int) - ref.round().clamp(0, 255).numpy().astype(int)).max() <= 1
    for mode, tmode in [
        (T.InterpolationMode.NEAREST, "nearest"),
        (T.InterpolationMode.NEAREST_EXACT, "nearest-exact"),
    ]:
        got = F.resize(lt.tensor(x), [13, 41], interpolation=mode)
        want = torch.nn.functional.interpolate(torch.tensor(x)[None], size=(13, 41), mode=tmode)[0]
        assert np.array_equal(to_np(got), want.numpy())


def test_resize_smaller_edge_and_max_size():
    assert tuple(T.Resize(512)(lt.zeros(3, 400, 600)).shape) == (3, 512, 768)
    assert tuple(T.Resize(256)(lt.zeros(3, 500, 300)).shape) == (3, 426, 256)
    assert tuple(T.Resize(100, max_size=120)(lt.zeros(1, 50, 100)).shape) == (1, 60, 120)
    x = lt.zeros(1, 4, 4)
    assert T.Resize(4)(x) is x
    assert (
        repr(T.Resize((512, 512)))
        == "Resize(size=(512, 512), interpolation=bilinear, max_size=None, antialias=True)"
    )
    with pytest.raises(ValueError, match="max_size should only be passed"):
        T.Resize((4, 4), max_size=5)(x)


def test_resize_pil_keeps_pil_and_note003_compose():
    im = PIL.fromarray(np.random.default_rng(5).integers(0, 256, (40, 60, 3), dtype=np.uint8))
    r = T.Resize((20, 25))(im)
    assert isinstance(r, PIL.Image) and r.size == (25, 20)
    out = T.Compose([T.Resize(32), T.ToTensor()])(im)  # note 003: Compose([Resize(512), ToTensor()])
    assert tuple(out.shape) == (3, 32, 48) and out.dtype == lt.float32


# ------------------------------------------------------------------ crops and flips


def test_center_crop_values_and_padding():
    x = lt.tensor(img(1, 7, 9))
    np.testing.assert_array_equal(to_np(T.CenterCrop(3)(x)), to_np(x)[:, 2:5, 3:6])
    np.testing.assert_array_equal(to_np(T.CenterCrop((4, 5))(x)), to_np(x)[:, 2:6, 2:7])  # round((7-4)/2)=2
    big = T.CenterCrop((9, 10))(x)
    assert tuple(big.shape) == (1, 9, 10)
    np.testing.assert_array_equal(to_np(big)[:, 1:8, 0:9], to_np(x))
    assert repr(T.CenterCrop(224)) == "CenterCrop(size=(224, 224))"
    im = PIL.fromarray((img(3, 7, 9).transpose(1, 2, 0) * 255).astype(np.uint8))
    assert T.CenterCrop(3)(im).size == (3, 3)


def test_random_crop_draws_like_torchvision(torch):
    x = lt.tensor(img(3, 10, 12))
    for seed in range(4):
        torch.manual_seed(seed)
        i = torch.randint(0, 10 - 4 + 1, size=(1,)).item()
        j = torch.randint(0, 12 - 5 + 1, size=(1,)).item()
        lt.manual_seed(seed)
        out = T.RandomCrop((4, 5))(x)
        np.testing.assert_array_equal(to_np(out), to_np(x)[:, i : i + 4, j : j + 5])


def test_random_crop_padding_and_errors(torch):
    x = lt.tensor(img(1, 4, 4))
    lt.manual_seed(0)
    torch.manual_seed(0)
    i = torch.randint(0, 8 - 6 + 1, size=(1,)).item()
    j = torch.randint(0, 8 - 6 + 1, size=(1,)).item()
    padded = torch.nn.functional.pad(torch.tensor(to_np(x)), (2, 2, 2, 2))
    out = T.RandomCrop(6, padding=2)(x)
    np.testing.assert_array_equal(to_np(out), padded[:, i : i + 6, j : j + 6].numpy())
    assert tuple(T.RandomCrop((6, 7), pad_if_needed=True)(x).shape) == (1, 6, 7)
    with pytest.raises(
        ValueError, match=re.escape("Required crop size (5, 5) is larger than input image size (4, 4)")
    ):
        T.RandomCrop(5)(x)
    assert repr(T.RandomCrop(512)) == "RandomCrop(size=(512, 512), padding=None)"


def test_random_flips_draw_like_torchvision(torch):
    x = lt.tensor(img(1, 3, 4))
    for seed in range(6):
        torch.manual_seed(seed)
        flip = bool(torch.rand(1) < 0.5)
        lt.manual_seed(seed)
        out = to_np(T.RandomHorizontalFlip()(x))
        np.testing.assert_array_equal(out, to_np(x)[:, :, ::-1] if flip else to_np(x))
        lt.manual_seed(seed)
        out = to_np(T.RandomVerticalFlip()(x))
        np.testing.assert_array_equal(out, to_np(x)[:, ::-1, :] if flip else to_np(x))


def _torchvision_rrc_params(torch, height, width, scale, ratio):
    """torchvision's RandomResizedCrop.get_params, written with real torch calls."""
    area = height * width
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        target_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        w = int(round(math.sqrt(target_area * aspect)))
        h = int(round(math.sqrt(target_area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,)).item()
            j = torch.randint(0, width - w + 1, size=(1,)).item()
            return i, j, h, w
    raise AssertionError("fallback not exercised here")


def test_random_resized_crop_matches_reference(torch):
    x = img(3, 32, 40)
    for seed in range(3):
        torch.manual_seed(seed)
        i, j, h, w = _torchvision_rrc_params(torch, 32, 40, (0.08, 1.0), (3 / 4, 4 / 3))
        ref = torch.nn.functional.interpolate(
            torch.tensor(x)[None, :, i : i + h, j : j + w], size=(16, 16), mode="bilinear", antialias=True
        )[0]
        lt.manual_seed(seed)
        assert T.RandomResizedCrop.get_params(lt.tensor(x), (0.08, 1.0), (3 / 4, 4 / 3)) == (i, j, h, w)
        lt.manual_seed(seed)
        out = T.RandomResizedCrop(16)(lt.tensor(x))
        np.testing.assert_allclose(to_np(out), ref.numpy(), atol=1e-4)
    assert repr(T.RandomResizedCrop(8)).startswith(
        "RandomResizedCrop(size=(8, 8), scale=(0.08, 1.0), ratio=(0.75, 1.3333)"
    )


# ------------------------------------------------------------------ colour


def _gray(torch, x):
    return (0.2989 * x[0] + 0.587 * x[1] + 0.114 * x[2]).unsqueeze(0)


def test_color_adjustments_match_formulas(torch):
    x = torch.tensor(img(3, 5, 6))
    lx = lt.tensor(x.numpy())
    np.testing.assert_allclose(to_np(F.adjust_brightness(lx, 1.7)), (1.7 * x).clamp(0, 1).numpy(), atol=1e-6)
    mean = _gray(torch, x).mean()
    want = (0.4 * x + 0.6 * mean).clamp(0, 1)
    np.testing.assert_allclose(to_np(F.adjust_contrast(lx, 0.4)), want.numpy(), atol=1e-6)
    want = (1.5 * x + (1 - 1.5) * _gray(torch, x)).clamp(0, 1)
    np.testing.assert_allclose(to_np(F.adjust_saturation(lx, 1.5)), want.numpy(), atol=1e-6)
    np.testing.assert_allclose(to_np(T.Grayscale()(lx)), _gray(torch, x).numpy(), atol=1e-6)
    assert tuple(T.Grayscale(3)(lx).shape) == (3, 5, 6)
    with pytest.raises(ValueError, match="brightness_factor"):
        F.adjust_brightness(lx, -1)


def test_color_jitter_draws_like_torchvision(torch):
    x = img(3, 5, 6)
    jitter = T.ColorJitter(brightness=0.5, contrast=(0.2, 0.9), saturation=0.3)
    assert (
        repr(jitter)
        == "ColorJitter(brightness=(0.5, 1.5), contrast=(0.2, 0.9), saturation=(0.7, 1.3), hue=None)"
    )
    torch.manual_seed(7)
    order = torch.randperm(4).tolist()
    b = float(torch.empty(1).uniform_(0.5, 1.5))
    c = float(torch.empty(1).uniform_(0.2, 0.9))
    s = float(torch.empty(1).uniform_(0.7, 1.3))
    want = lt.tensor(x)
    for k in order:
        if k == 0:
            want = F.adjust_brightness(want, b)
        elif k == 1:
            want = F.adjust_contrast(want, c)
        elif k == 2:
            want = F.adjust_saturation(want, s)
    lt.manual_seed(7)
    np.testing.assert_allclose(to_np(jitter(lt.tensor(x))), to_np(want), atol=1e-6)
    torch.manual_seed(3)
    order = torch.randperm(4).tolist()
    h = float(torch.empty(1).uniform_(-0.2, 0.2))
    lt.manual_seed(3)
    np.testing.assert_allclose(
        to_np(T.ColorJitter(hue=0.2)(lt.tensor(x))), to_np(F.adjust_hue(lt.tensor(x), h)), atol=1e-6
    )
    assert order  # the permutation is drawn first, as in torchvision


def test_adjust_hue_hand_computed():
    rgb = lt.tensor(np.array([[[1.0, 0.5, 0.2]], [[0.0, 0.5, 0.6]], [[0.0, 0.5, 0.1]]], dtype=np.float32))
    third = F.adjust_hue(rgb, 1 / 3).numpy()
    np.testing.assert_allclose(third[:, 0, 0], [0.0, 1.0, 0.0], atol=1e-6)  # red -> green
    np.testing.assert_allclose(third[:, 0, 1], [0.5, 0.5, 0.5], atol=1e-6)  # grey stays grey
    np.testing.assert_allclose(F.adjust_hue(rgb, 0.0).numpy(), rgb.numpy(), atol=1e-6)
    back = F.adjust_hue(F.adjust_hue(rgb, 0.25), -0.25).numpy()
    np.testing.assert_allclose(back, rgb.numpy(), atol=1e-5)
    u8 = F.adjust_hue(lt.tensor(np.array([[[255]], [[0]], [[0]]], dtype=np.uint8)), 0.5)
    assert u8.dtype == lt.uint8 and u8.numpy().ravel().tolist() == [0, 255, 255]
    im = PIL.fromarray(np.array([[[255, 0, 0]]], dtype=np.uint8))
    got = np.asarray(F.adjust_hue(im, 0.5)).ravel().astype(int)  # PIL keeps hue in 8 bits: 127/255, not 0.5
    assert np.abs(got - [0, 255, 255]).max() <= 4
    with pytest.raises(ValueError, match=re.escape("hue_factor (0.7) is not in [-0.5, 0.5].")):
        F.adjust_hue(rgb, 0.7)


def test_convert_image_dtype_matches_torchvision_rule(torch):
    u = torch.arange(0, 256, dtype=torch.uint8)
    np.testing.assert_allclose(
        to_np(T.ConvertImageDtype(lt.float32)(lt.tensor(u.numpy()))), (u / 255.0).numpy()
    )
    f = torch.linspace(0, 1, 101)
    want = (f * (255 + 1.0 - 1e-3)).to(torch.uint8)
    got = F.convert_image_dtype(lt.tensor(f.numpy()), lt.uint8)
    assert got.dtype == lt.uint8 and np.array_equal(to_np(got), want.numpy())


# ------------------------------------------------------------------ padding, composition


@pytest.mark.parametrize(
    ("mode", "tmode"), [("constant", "constant"), ("edge", "replicate"), ("reflect", "reflect")]
)
def test_pad_modes_match_torch_pad(torch, mode, tmode):
    x = img(2, 4, 5)
    got = T.Pad((1, 2, 3, 1), padding_mode=mode)(lt.tensor(x))  # left, top, right, bottom
    want = torch.nn.functional.pad(torch.tensor(x)[None], (1, 3, 2, 1), mode=tmode)[0]
    np.testing.assert_array_equal(to_np(got), want.numpy())
    sym = F.pad(lt.tensor(x), 2, padding_mode="symmetric")
    np.testing.assert_array_equal(to_np(sym), np.pad(x, ((0, 0), (2, 2), (2, 2)), mode="symmetric"))
    assert tuple(F.pad(lt.tensor(x), [1, 2]).shape) == (2, 8, 7)


def test_compose_lambda_and_random_apply():
    t = T.Compose([T.ToTensor(), T.Lambda(lambda v: v * 2), T.Normalize((0.5,), (0.5,))])
    out = t(np.full((2, 2), 255, dtype=np.uint8))
    np.testing.assert_allclose(to_np(out), np.full((1, 2, 2), 3.0))
    assert repr(t) == "Compose(\n    ToTensor()\n    Lambda()\n    Normalize(mean=(0.5,), std=(0.5,))\n)"
    x = lt.ones(1, 2, 2)
    assert T.RandomApply([T.Lambda(lambda v: v * 0)], p=0.0)(x) is x
    assert len(T.FiveCrop(2)(lt.zeros(1, 4, 4))) == 5


def test_note004_preprocessing_on_pil_image():
    from learntorch.vision.models import ResNet50_Weights

    im = PIL.fromarray(np.random.default_rng(6).integers(0, 256, (300, 400, 3), dtype=np.uint8))
    preprocess = T.Compose(
        [
            T.Resize(256),
            T.CenterCrop(224),
            T.ToTensor(),
            T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
        ]
    )
    x = preprocess(im)
    assert tuple(x.shape) == (3, 224, 224)
    y = ResNet50_Weights.IMAGENET1K_V1.transforms()(im)
    np.testing.assert_allclose(to_np(y), to_np(x), atol=1e-5)  # same pipeline through pil_to_tensor
    z = ResNet50_Weights.IMAGENET1K_V1.transforms()(T.PILToTensor()(im))
    assert tuple(z.shape) == (3, 224, 224)
    assert float(np.abs(to_np(z) - to_np(x)).mean()) < 0.05  # tensor resize vs PIL resize: close, not equal


# ------------------------------------------------------------------ utils and io


def test_make_grid_layout_and_normalize():
    from learntorch.vision.utils import make_grid

    batch = lt.tensor(np.arange(5, dtype=np.float32).reshape(5, 1, 1, 1) * np.ones((5, 1, 2, 3), np.float32))
    grid = make_grid(batch, nrow=3, padding=1, pad_value=-1)
    assert tuple(grid.shape) == (3, 2 * 3 + 1, 3 * 4 + 1)
    g = grid.numpy()
    for k in range(5):
        y, x = divmod(k, 3)
        np.testing.assert_array_equal(
            g[:, 1 + 3 * y : 3 + 3 * y, 1 + 4 * x : 4 + 4 * x], np.full((3, 2, 3), k)
        )
    assert g[0, 0, 0] == -1 and g[0, 4, 9] == -1  # padding and the empty sixth cell
    norm = make_grid(batch, normalize=True, padding=0)
    assert float(norm.min()) == 0.0 and float(norm.max()) == 1.0
    assert tuple(make_grid(lt.zeros(2, 5, 5)).shape) == (
        2,
        5,
        5,
    )  # a single C x H x W image is returned as is


def test_save_image_and_io_roundtrip(tmp_path):
    from learntorch.vision import io as vio
    from learntorch.vision.utils import save_image

    x = lt.tensor(np.random.default_rng(9).random((3, 4, 5)).astype(np.float32))
    save_image(x, tmp_path / "a.png")
    back = vio.read_image(tmp_path / "a.png")
    assert back.dtype == lt.uint8 and tuple(back.shape) == (3, 4, 5)
    np.testing.assert_array_equal(back.numpy(), np.clip(x.numpy() * 255 + 0.5, 0, 255).astype(np.uint8))
    vio.write_png(back, tmp_path / "b.png")
    assert np.array_equal(vio.read_image(tmp_path / "b.png").numpy(), back.numpy())
    gray = vio.read_image(tmp_path / "b.png", vio.ImageReadMode.GRAY)
    assert tuple(gray.shape) == (1, 4, 5)

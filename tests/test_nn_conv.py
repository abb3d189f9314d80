"""Convolution layers and F.conv*/unfold/fold against PyTorch 2.13 (values, gradients, reprs, errors)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn.functional as LF
from learntorch import nn
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck


def _both(*arrays):
    import torch

    return (
        [torch.tensor(a, requires_grad=True) for a in arrays],
        [lt.tensor(a, requires_grad=True) for a in arrays],
    )


def _check(ty, ly, ts, ls, atol=1e-10):
    assert tuple(ty.shape) == tuple(ly.shape)
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy(), atol=atol)
    g = np.random.standard_normal(tuple(ty.shape))
    import torch

    ty.backward(torch.tensor(g, dtype=ty.dtype))
    ly.backward(lt.tensor(g, dtype=ly.dtype))
    for t, x in zip(ts, ls):
        np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), atol=atol)


def _copy_weights(tm, lm):
    lm.load_state_dict({k: lt.tensor(v.detach().numpy()) for k, v in tm.state_dict().items()})


CONV_CASES = [
    # nd, stride, padding, dilation, groups, kernel
    (1, 1, 0, 1, 1, 3),
    (1, 2, 2, 1, 2, 5),
    (2, 1, 1, 1, 1, 3),
    (2, 2, 1, 2, 2, 3),
    (2, (2, 1), (0, 2), (1, 2), 1, (3, 2)),
    (2, 1, "same", 2, 1, 4),
    (2, 1, "valid", 1, 2, 3),
    (3, 2, 1, 1, 1, 3),
    (3, 1, "same", 1, 2, 2),
]


@pytest.mark.parametrize("nd,stride,padding,dilation,groups,k", CONV_CASES)
def test_conv_matches_torch(torch, nd, stride, padding, dilation, groups, k):
    ks = k if isinstance(k, tuple) else (k,) * nd
    x = np.random.standard_normal((2, 4) + (7,) * nd)
    w = np.random.standard_normal((6, 4 // groups) + ks)
    b = np.random.standard_normal(6)
    ts, ls = _both(x, w, b)
    tf = getattr(torch.nn.functional, f"conv{nd}d")
    lf = getattr(LF, f"conv{nd}d")
    ty = tf(*ts, stride=stride, padding=padding, dilation=dilation, groups=groups)
    ly = lf(*ls, stride=stride, padding=padding, dilation=dilation, groups=groups)
    assert type(ly.grad_fn).__name__ == "ConvolutionBackward0"
    _check(ty, ly, ts, ls)


CONVT_CASES = [
    (1, 2, 1, 1, 1, 1, 3),
    (2, 2, 1, 1, 1, 1, 3),
    (2, 3, 2, 2, 2, 2, 3),
    (2, (2, 1), (1, 0), (1, 0), 2, 1, (3, 2)),
    (3, 2, 0, 1, 1, 1, 2),
]


@pytest.mark.parametrize("nd,stride,padding,output_padding,groups,dilation,k", CONVT_CASES)
def test_conv_transpose_matches_torch(torch, nd, stride, padding, output_padding, groups, dilation, k):
    ks = k if isinstance(k, tuple) else (k,) * nd
    x = np.random.standard_normal((2, 4) + (5,) * nd)
    w = np.random.standard_normal((4, 6 // groups) + ks)
    b = np.random.standard_normal(6)
    ts, ls = _both(x, w, b)
    args = (stride, padding, output_padding, groups, dilation)
    ty = getattr(torch.nn.functional, f"conv_transpose{nd}d")(*ts, *args)
    ly = getattr(LF, f"conv_transpose{nd}d")(*ls, *args)
    assert type(ly.grad_fn).__name__ == "ConvolutionBackward0"
    _check(ty, ly, ts, ls)


def test_conv_float32_and_unbatched(torch):
    x = np.random.standard_normal((3, 9, 9)).astype(np.float32)
    w = np.random.standard_normal((5, 3, 3, 3)).astype(np.float32)
    ts, ls = _both(x, w)
    ty = torch.nn.functional.conv2d(*ts, padding=1)
    ly = LF.conv2d(*ls, padding=1)
    assert ly.dtype == lt.float32
    _check(ty, ly, ts, ls, atol=1e-4)


def test_conv_gradcheck_and_double_backward():
    x = lt.tensor(np.random.standard_normal((1, 2, 4, 4)), requires_grad=True)
    w = lt.tensor(np.random.standard_normal((2, 1, 2, 2)), requires_grad=True)
    b = lt.tensor(np.random.standard_normal(2), requires_grad=True)
    assert gradcheck(lambda x, w, b: LF.conv2d(x, w, b, 2, 1, 1, 2), (x, w, b))
    assert gradgradcheck(lambda x, w: LF.conv2d(x, w, None, 1, 1, 2, 2), (x, w))
    assert gradgradcheck(lambda x, w: LF.conv_transpose2d(x, w, None, 2, 1, 1, 2), (x, w))
    x1 = lt.tensor(np.random.standard_normal((1, 2, 6)), requires_grad=True)
    w1 = lt.tensor(np.random.standard_normal((3, 2, 2)), requires_grad=True)
    assert gradcheck(lambda x, w: LF.conv1d(x, w, padding="same", dilation=2), (x1, w1))


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_conv2d_module_padding_modes(torch, mode):
    tm = torch.nn.Conv2d(3, 4, 3, padding=(1, 2), padding_mode=mode).double()
    lm = nn.Conv2d(3, 4, 3, padding=(1, 2), padding_mode=mode).double()
    _copy_weights(tm, lm)
    x = np.random.standard_normal((2, 3, 6, 6))
    ts, ls = _both(x)
    ty, ly = tm(ts[0]), lm(ls[0])
    _check(ty, ly, ts, ls)
    ty2, ly2 = tm(ts[0]), lm(ls[0])
    ty2.sum().backward()
    ly2.sum().backward()
    np.testing.assert_allclose(lm.weight.grad.numpy(), tm.weight.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(lm.bias.grad.numpy(), tm.bias.grad.numpy(), atol=1e-10)
    assert repr(lm) == repr(tm)


def test_reprs_match_torch(torch):
    cases = [
        "Conv2d(1, 6, 5, padding=2)",
        "Conv2d(3, 64, kernel_size=3, stride=1, padding=1)",
        "Conv1d(2, 32, 5, stride=2, padding=2)",
        "Conv3d(1, 16, 3, stride=1, padding=1)",
        "Conv2d(4, 8, (3, 5), stride=(2, 1), dilation=2, groups=2, bias=False, padding_mode='reflect')",
        "Conv2d(4, 8, 3, padding='same')",
        "Conv1d(4, 8, 3, padding='valid')",
        "ConvTranspose2d(32, 64, kernel_size=3, stride=2, padding=1, output_padding=1)",
        "ConvTranspose1d(4, 6, 3, groups=2, dilation=2, bias=False)",
    ]
    for c in cases:
        assert repr(eval("nn." + c)) == repr(eval("torch.nn." + c)), c


def test_default_init_and_parameters(torch):
    m = nn.Conv2d(3, 6, 5)
    assert [n for n, _ in m.named_parameters()] == ["weight", "bias"]
    bound = 1 / np.sqrt(3 * 25)
    assert float(m.weight.abs().max()) <= bound and float(m.bias.abs().max()) <= bound
    assert tuple(nn.ConvTranspose2d(4, 6, 3, groups=2).weight.shape) == (4, 3, 3, 3)
    lt.manual_seed(0)
    torch.manual_seed(0)
    np.testing.assert_array_equal(
        nn.Conv2d(3, 6, 5).weight.detach().numpy(), torch.nn.Conv2d(3, 6, 5).weight.detach().numpy()
    )


def test_note000_conv_transpose_gives_24(torch):
    m = nn.ConvTranspose2d(
        in_channels=32, out_channels=64, kernel_size=3, stride=2, padding=1, output_padding=1
    )
    assert tuple(m(lt.randn(1, 32, 12, 12)).shape) == (1, 64, 24, 24)
    assert tuple(m(lt.randn(1, 32, 12, 12), output_size=[23, 23]).shape) == (1, 64, 23, 23)
    t = torch.nn.ConvTranspose2d(32, 64, 3, stride=2, padding=1, output_padding=1)
    assert tuple(t(torch.randn(1, 32, 12, 12), output_size=[23, 23]).shape) == (1, 64, 23, 23)


def test_note003_cifar10_quick_shapes():
    model = nn.Sequential(
        nn.Conv2d(3, 32, 5, padding=2), nn.MaxPool2d(2), nn.Conv2d(32, 32, 5, padding=2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=2), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1024, 64), nn.Linear(64, 10),
    )  # fmt: skip
    y = model(lt.ones(2, 3, 32, 32))
    assert tuple(y.shape) == (2, 10)
    y.sum().backward()
    assert tuple(model[0].weight.grad.shape) == (32, 3, 5, 5)


def _torch_error(torch, fn):
    with pytest.raises(Exception) as e:
        fn(torch)
    return type(e.value), str(e.value).split("\n")[0]


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.nn.functional.conv2d(m.ones(1, 1, 28, 28), m.ones(6, 3, 5, 5)),
        lambda m: m.nn.functional.conv2d(m.ones(28, 28), m.ones(6, 3, 5, 5)),
        lambda m: m.nn.functional.conv2d(m.ones(1, 3, 2, 2), m.ones(6, 3, 5, 5)),
        lambda m: m.nn.functional.conv2d(m.ones(1, 3, 8, 8, dtype=m.float64), m.ones(6, 3, 5, 5)),
        lambda m: m.nn.functional.conv2d(m.ones(1, 3, 8, 8), m.ones(6, 3, 5, 5), m.ones(6, dtype=m.float64)),
        lambda m: m.nn.functional.conv_transpose2d(m.ones(1, 16, 12, 12), m.ones(32, 64, 3, 3)),
        lambda m: m.nn.functional.conv2d(m.ones(1, 3, 8, 8), m.ones(6, 3, 5, 5), stride=2, padding="same"),
        lambda m: m.nn.functional.conv2d(m.ones(1, 4, 8, 8), m.ones(6, 2, 5, 5), groups=3),
        lambda m: m.nn.functional.conv2d(m.ones(1, 3, 8, 8), m.ones(6, 3, 5, 5), padding="foo"),
        lambda m: m.nn.functional.conv2d(m.ones(1, 4, 8, 8), m.ones(6, 1, 3, 3), groups=4),
        lambda m: m.nn.functional.conv1d(m.ones(1, 3, 8), m.ones(6, 3, 5, 5)),
        lambda m: m.nn.functional.conv_transpose2d(
            m.ones(1, 16, 5, 5), m.ones(16, 4, 3, 3), stride=2, output_padding=2
        ),
        lambda m: m.nn.Conv2d(3, 6, 3, groups=2),
        lambda m: m.nn.Conv2d(3, 6, 3, padding_mode="foo"),
        lambda m: m.nn.Conv2d(3, 6, 3, stride=2, padding="same"),
        lambda m: m.nn.ConvTranspose2d(3, 6, 3, padding_mode="reflect"),
        lambda m: m.nn.functional.fold(m.ones(1, 12, 5), (4, 4), 2),
    ],
)
def test_errors_match_torch(torch, call):
    cls, msg = _torch_error(torch, call)
    with pytest.raises(cls, match=re.escape(msg)) as e:
        call(lt)
    if cls is RuntimeError and "channels" in msg:
        assert "\nhint: " in str(e.value)


def test_channel_error_names_layer():
    model = nn.Sequential(nn.Conv2d(3, 6, 5), nn.ReLU())
    with pytest.raises(RuntimeError, match=re.escape("expected input[1, 1, 28, 28] to have 3 channels")) as e:
        model(lt.ones(1, 1, 28, 28))
    assert "layer '0'" in str(e.value) and "expects 3 input channels" in str(e.value)


def test_unfold_fold_match_torch(torch):
    x = np.random.standard_normal((2, 3, 7, 6))
    ts, ls = _both(x)
    args = dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    ty = torch.nn.functional.unfold(ts[0], **args)
    ly = LF.unfold(ls[0], **args)
    assert type(ly.grad_fn).__name__ == "Im2ColBackward0"
    _check(ty, ly, ts, ls)
    cols = np.random.standard_normal(tuple(ty.shape))
    ts, ls = _both(cols)
    ty = torch.nn.functional.fold(ts[0], (7, 6), **args)
    ly = LF.fold(ls[0], (7, 6), **args)
    assert type(ly.grad_fn).__name__ == "Col2ImBackward0"
    _check(ty, ly, ts, ls)
    assert repr(nn.Unfold(2, padding=1)) == repr(torch.nn.Unfold(2, padding=1))
    assert repr(nn.Fold((4, 5), 2)) == repr(torch.nn.Fold((4, 5), 2))

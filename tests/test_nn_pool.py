"""Pooling, unpooling and interpolation against PyTorch 2.13."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn.functional as LF
from learntorch import nn
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck


def _run(torch, name, args, kwargs, shape, ties=False, name_lt=None):
    x = np.random.standard_normal(shape)
    if ties:
        x = np.round(x * 2)  # repeated values: the first maximum in scan order must win, as in torch
    tx, lx = torch.tensor(x, requires_grad=True), lt.tensor(x, requires_grad=True)
    ty = getattr(torch.nn.functional, name)(tx, *args, **kwargs)
    ly = getattr(LF, name)(lx, *args, **kwargs)
    if isinstance(ty, tuple):
        np.testing.assert_array_equal(ly[1].numpy(), ty[1].numpy())
        assert ly[1].dtype == lt.int64
        ty, ly = ty[0], ly[0]
    assert tuple(ly.shape) == tuple(ty.shape)
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy(), atol=1e-12)
    g = np.random.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    ly.backward(lt.tensor(g))
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy(), atol=1e-12)
    if ty.grad_fn is not None and "Squeeze" not in type(ty.grad_fn).__name__:
        assert type(ly.grad_fn).__name__ == type(ty.grad_fn).__name__


@pytest.mark.parametrize(
    "k,s,p,d,ceil",
    [
        (2, None, 0, 1, False),
        (3, 2, 1, 1, True),
        (3, 2, 1, 2, False),
        (3, 3, 0, 1, True),
        ((2, 3), (1, 2), 1, (2, 1), True),
    ],
)
def test_max_pool(torch, k, s, p, d, ceil):
    _run(
        torch, "max_pool2d", (k, s, p, d), dict(ceil_mode=ceil, return_indices=True), (2, 3, 9, 8), ties=True
    )
    k1 = k if isinstance(k, int) else 3
    s1 = s if not isinstance(s, tuple) else 2
    d1 = d if isinstance(d, int) else 2
    _run(
        torch, "max_pool1d", (k1, s1, p, d1), dict(ceil_mode=ceil, return_indices=True), (2, 3, 9), ties=True
    )


def test_max_pool3d_and_unbatched(torch):
    _run(torch, "max_pool3d", (2,), dict(padding=1, return_indices=True), (2, 2, 5, 4, 6), ties=True)
    _run(torch, "max_pool2d", (3, 2), dict(ceil_mode=True), (3, 7, 7))


@pytest.mark.parametrize("k,s,p,ceil", [(2, None, 0, False), (3, 2, 1, True), ((3, 2), (2, 1), (1, 0), True)])
@pytest.mark.parametrize("cip", [True, False])
def test_avg_pool(torch, k, s, p, ceil, cip):
    _run(torch, "avg_pool2d", (k, s, p, ceil, cip), {}, (2, 3, 9, 8))


def test_avg_pool_other_forms(torch):
    _run(torch, "avg_pool2d", (3, 2, 1, True, False, 5), {}, (2, 3, 9, 8))
    _run(torch, "avg_pool1d", (3, 2, 1, True, False), {}, (2, 3, 9))
    _run(torch, "avg_pool3d", (2,), dict(padding=1), (1, 2, 5, 4, 6))


@pytest.mark.parametrize("out", [(3, 2), 2, 1, (5, 7), (None, 3)])
def test_adaptive_pools(torch, out):
    _run(torch, "adaptive_avg_pool2d", (out,), {}, (2, 3, 9, 8))
    _run(torch, "adaptive_max_pool2d", (out,), dict(return_indices=True), (2, 3, 9, 8), ties=True)


def test_adaptive_1d(torch):
    _run(torch, "adaptive_avg_pool1d", (4,), {}, (2, 3, 9))
    _run(torch, "adaptive_max_pool1d", (4,), dict(return_indices=True), (2, 3, 9))


def test_max_unpool(torch):
    x = np.random.standard_normal((2, 3, 9, 9))
    tx, lx = torch.tensor(x, requires_grad=True), lt.tensor(x, requires_grad=True)
    ty = torch.nn.functional.max_unpool2d(
        *torch.nn.functional.max_pool2d(tx, 2, return_indices=True), 2, output_size=(9, 9)
    )
    ly = LF.max_unpool2d(*LF.max_pool2d(lx, 2, return_indices=True), 2, output_size=(9, 9))
    np.testing.assert_allclose(ly.detach().numpy(), ty.detach().numpy())
    assert type(ly.grad_fn).__name__ == "MaxUnpool2DBackward0"
    ty.sum().backward()
    ly.sum().backward()
    np.testing.assert_allclose(lx.grad.numpy(), tx.grad.numpy())
    pool, unpool = nn.MaxPool2d(2, return_indices=True), nn.MaxUnpool2d(2)
    assert repr(unpool) == repr(torch.nn.MaxUnpool2d(2))
    assert tuple(unpool(*pool(lt.randn(1, 1, 4, 4))).shape) == (1, 1, 4, 4)


@pytest.mark.parametrize(
    "kw",
    [
        dict(scale_factor=2),
        dict(size=(5, 7)),
        dict(scale_factor=1.7),
        dict(scale_factor=(0.5, 3)),
        dict(size=(13, 3), mode="bilinear"),
        dict(size=(13, 3), mode="bilinear", align_corners=True),
        dict(scale_factor=2.5, mode="bilinear"),
        dict(scale_factor=0.6, mode="bilinear", recompute_scale_factor=True),
    ],
)
def test_interpolate(torch, kw):
    _run(torch, "interpolate", (), kw, (2, 3, 6, 5))


def test_interpolate_1d(torch):
    _run(torch, "interpolate", (), dict(scale_factor=1.5, mode="linear"), (2, 3, 6))
    _run(torch, "interpolate", (), dict(size=4), (2, 3, 6))


def test_float32_stays_float32(torch):
    x = np.random.standard_normal((2, 3, 8, 8)).astype(np.float32)
    for name, args in [("max_pool2d", (2,)), ("avg_pool2d", (3, 2, 1)), ("adaptive_avg_pool2d", (3,))]:
        ly = getattr(LF, name)(lt.tensor(x), *args)
        ty = getattr(torch.nn.functional, name)(torch.tensor(x), *args)
        assert ly.dtype == lt.float32
        np.testing.assert_allclose(ly.numpy(), ty.numpy(), rtol=1e-6, atol=1e-6)
    up = LF.interpolate(lt.tensor(x), scale_factor=1.5, mode="bilinear")
    tu = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=1.5, mode="bilinear")
    np.testing.assert_allclose(up.numpy(), tu.numpy(), rtol=1e-6, atol=1e-6)


def test_gradcheck_pools():
    x = lt.tensor(np.random.standard_normal((1, 2, 5, 5)), requires_grad=True)
    assert gradcheck(lambda x: LF.avg_pool2d(x, 3, 2, 1, True, False), (x,))
    assert gradgradcheck(lambda x: LF.max_pool2d(x, 2, 1), (x,))
    assert gradgradcheck(lambda x: LF.avg_pool2d(x, 2), (x,))
    assert gradgradcheck(lambda x: LF.adaptive_avg_pool2d(x, 3), (x,))
    assert gradgradcheck(lambda x: LF.interpolate(x, scale_factor=1.5, mode="bilinear"), (x,))


def test_note003_ceil_mode_example(torch):
    data = [[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]
    x = lt.reshape(lt.tensor(data, dtype=lt.float32), (-1, 1, 5, 5))
    y = nn.MaxPool2d(kernel_size=3, ceil_mode=True)(x)
    assert y.tolist() == [[[[2.0, 3.0], [5.0, 1.0]]]]
    assert nn.MaxPool2d(kernel_size=3, ceil_mode=False)(x).tolist() == [[[[2.0]]]]
    assert str(y) == str(
        torch.nn.MaxPool2d(kernel_size=3, ceil_mode=True)(
            torch.tensor(data, dtype=torch.float32).reshape(-1, 1, 5, 5)
        )
    )


def test_note000_shapes():
    assert tuple(nn.MaxPool2d(kernel_size=2, stride=2)(lt.randn(1, 3, 4, 4)).shape) == (1, 3, 2, 2)
    assert tuple(nn.AdaptiveAvgPool2d(output_size=2)(lt.randn(1, 3, 7, 5)).shape) == (1, 3, 2, 2)


def test_reprs(torch):
    cases = [
        "MaxPool2d(2)", "MaxPool2d(kernel_size=2, stride=2)", "MaxPool2d(3, ceil_mode=True)", "MaxPool1d(3, 2, 1)",
        "MaxPool2d((2, 3), stride=(1, 2), padding=1, dilation=2)", "AvgPool2d(2)", "AvgPool2d(3, 2, 1)", "AvgPool1d(3)",
        "AdaptiveAvgPool2d((1, 1))", "AdaptiveAvgPool2d(2)", "AdaptiveMaxPool2d(3)", "AdaptiveAvgPool1d(4)",
        "Upsample(scale_factor=2, mode='nearest')", "Upsample(size=(4, 5), mode='bilinear')", "MaxUnpool2d(2)",
        "UpsamplingNearest2d(scale_factor=2)", "Unfold(kernel_size=(2, 3))",
    ]  # fmt: skip
    for c in cases:
        assert repr(eval("nn." + c)) == repr(eval("torch.nn." + c)), c


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.nn.functional.max_pool2d(m.ones(1, 1, 2, 2), 3),
        lambda m: m.nn.functional.max_pool2d(m.ones(1, 1, 8, 8), 3, padding=2),
        lambda m: m.nn.functional.max_pool2d(m.ones(8, 8), 3),
        lambda m: m.nn.functional.avg_pool2d(m.ones(1, 1, 2, 2), 3),
        lambda m: m.nn.functional.avg_pool2d(m.ones(1, 1, 8, 8), 3, padding=2),
        lambda m: m.nn.functional.adaptive_avg_pool2d(m.ones(8), 3),
        lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor=2, mode="bilinear"),
        lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), scale_factor=2, align_corners=True),
        lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4)),
        lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=2, scale_factor=2),
    ],
)
def test_errors_match_torch(torch, call):
    with pytest.raises(Exception) as e:
        call(torch)
    msg = str(e.value).split("\n")[0]
    with pytest.raises(type(e.value), match=re.escape(msg)):
        call(lt)

"""CuPy-backed CUDA tensors (skipped on machines without CuPy and an NVIDIA GPU)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt

pytestmark = pytest.mark.gpu


def test_cuda_queries():
    assert lt.cuda.is_available() and lt.cuda.device_count() >= 1
    assert isinstance(lt.cuda.get_device_name(), str) and lt.cuda.get_device_name()
    assert lt.cuda.current_device() == 0
    major, _minor = lt.cuda.get_device_capability()
    assert major >= 3
    lt.cuda.synchronize()


def test_round_trip_and_device_attributes():
    x = lt.arange(6.0).reshape(2, 3)
    y = x.cuda()
    assert y.is_cuda and y.device == lt.device("cuda:0") and y.device.type == "cuda"
    assert "device='cuda:0'" in repr(y)
    z = y.cpu()
    assert z.device == lt.device("cpu")
    np.testing.assert_array_equal(z.numpy(), x.numpy())
    assert x.to("cuda").to("cpu", lt.float64).dtype is lt.float64
    assert lt.zeros(2, 3, device="cuda").is_cuda
    assert lt.tensor([1, 2], device="cuda").device == lt.device("cuda:0")


def test_numpy_on_cuda_tensor_errors():
    with pytest.raises(TypeError, match=re.escape("can't convert cuda:0 device type tensor to numpy")):
        lt.ones(2, device="cuda").numpy()


def test_mixing_devices_raises_torchs_error():
    with pytest.raises(
        RuntimeError, match="Expected all tensors to be on the same device, but found at least two devices"
    ):
        lt.ones(2, device="cuda") + lt.ones(2)


def test_ops_and_backward_on_gpu_match_cpu():
    lt.manual_seed(0)
    a = lt.randn(64, 32, dtype=lt.float64)
    b = lt.randn(32, 16, dtype=lt.float64)
    ac = a.cuda().requires_grad_()
    bc = b.cuda().requires_grad_()
    a.requires_grad_()
    b.requires_grad_()
    for x, y in ((a, b), (ac, bc)):
        ((x @ y).tanh() * 2 + 1).exp().mean().backward()
    np.testing.assert_allclose(ac.grad.cpu().numpy(), a.grad.numpy(), rtol=1e-10)
    np.testing.assert_allclose(bc.grad.cpu().numpy(), b.grad.numpy(), rtol=1e-10)
    assert ac.grad.is_cuda


def test_random_on_gpu_is_seeded_and_sound():
    lt.manual_seed(3)
    a = lt.randn(100_000, device="cuda")
    lt.manual_seed(3)
    b = lt.randn(100_000, device="cuda")
    assert a.is_cuda
    np.testing.assert_array_equal(a.cpu().numpy(), b.cpu().numpy())
    x = a.cpu().numpy()
    assert abs(x.mean()) < 0.02 and abs(x.std() - 1) < 0.02
    u = lt.rand(1000, device="cuda").cpu().numpy()
    assert u.min() >= 0 and u.max() < 1
    r = lt.randint(0, 5, (1000,), device="cuda").cpu().numpy()
    assert r.min() >= 0 and r.max() <= 4
    w = lt.empty(10, 10, device="cuda")
    with lt.no_grad():
        w.uniform_(-1, 1)
        w.normal_(0, 0.1)
        w.bernoulli_(0.5)
    assert w.is_cuda


def test_memory_counters():
    lt.cuda.empty_cache()
    before = lt.cuda.memory_allocated()
    x = lt.zeros(1024, 1024, device="cuda")
    assert lt.cuda.memory_allocated() >= before + x.nbytes
    del x
    lt.cuda.empty_cache()

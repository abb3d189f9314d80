"""torch.device, .to/.cpu/.cuda and torch.cuda on a machine without a GPU, against torch."""

from __future__ import annotations

import pickle
import re

import pytest

import learntorch as lt

no_gpu = pytest.mark.skipif(lt.cuda.is_available(), reason="checks the CPU-only answers")


@pytest.mark.parametrize(
    "spec",
    [("cpu",), ("cuda",), ("cuda:1",), ("cuda", 3), ("cpu", 0), ("mps",), ("meta",), ("cuda:0",)],
)
def test_device_repr_str_index_match_torch(torch, spec):
    a, b = torch.device(*spec), lt.device(*spec)
    assert repr(a) == repr(b) and str(a) == str(b)
    assert (a.type, a.index) == (b.type, b.index)


def test_device_equality_and_hash(torch):
    assert lt.device("cuda:0") == lt.device("cuda", 0)
    assert lt.device("cuda") != lt.device("cuda:0")  # as in torch: no index is not index 0
    assert (lt.device("cpu") == "cpu") is (torch.device("cpu") == "cpu") is False
    assert lt.device("cpu") != lt.device("cpu", 0)
    assert len({lt.device("cpu"), lt.device("cpu"), lt.device("cuda:1"), lt.device("cuda", 1)}) == 2
    assert lt.device(lt.device("cuda:1")) == lt.device("cuda:1")
    assert lt.device(type="cuda", index=2) == lt.device("cuda:2")
    assert pickle.loads(pickle.dumps(lt.device("cuda:1"))) == lt.device("cuda:1")


@pytest.mark.parametrize(
    "args",
    [("gpu",), ("CPU",), ("cuda:-1",), ("cuda:x",), ("cuda:01",), ("cuda:1:2",), (" cpu",), ("",),
     ("cuda:",), ("cuda", -1), ("cuda:1", 1), (None,), (1.5,)],
)  # fmt: skip
def test_device_errors_match_torch(torch, args):
    with pytest.raises(Exception) as want:
        torch.device(*args)
    with pytest.raises(type(want.value), match=re.escape(str(want.value).splitlines()[0])):
        lt.device(*args)


def test_bad_device_string_has_hint():
    with pytest.raises(RuntimeError, match="hint: "):
        lt.device("gpu")


def test_tensor_device_and_to_cpu():
    x = lt.ones(2, 3)
    assert x.device == lt.device("cpu") and not x.is_cuda and x.is_cpu
    assert x.to("cpu") is x and x.cpu() is x
    assert lt.zeros(2, device="cpu:0").device == lt.device("cpu")
    y = x.to("cpu", lt.float64)
    assert y.dtype is lt.float64 and y.device == lt.device("cpu")
    assert x.to(lt.zeros(1, dtype=lt.int32)).dtype is lt.int32


@no_gpu
@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.zeros(2).cuda(),
        lambda T: T.zeros(2).to("cuda"),
        lambda T: T.zeros(2, device="cuda"),
        lambda T: T.tensor([1.0], device="cuda:0"),
        lambda T: T.cuda.get_device_name(),
        lambda T: T.cuda.current_device(),
        lambda T: T.cuda.synchronize(),
        lambda T: T.cuda.get_device_capability(),
        lambda T: T.cuda.get_device_properties(0),
        lambda T: T.device(0),
    ],
)
def test_no_gpu_errors_match_torch(torch, call):
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(type(want.value), match=re.escape(str(want.value).splitlines()[0])) as got:
        call(lt)
    assert "hint: " in str(got.value)


@no_gpu
def test_cuda_queries_without_gpu(torch):
    for name in ("is_available", "device_count", "memory_allocated", "max_memory_allocated",
                 "memory_reserved", "is_initialized"):  # fmt: skip
        assert getattr(lt.cuda, name)() == getattr(torch.cuda, name)()
    assert (
        lt.cuda.empty_cache() is None
        and lt.cuda.manual_seed(1) is None
        and lt.cuda.manual_seed_all(1) is None
    )


def test_device_agnostic_idiom():
    device = "cuda" if lt.cuda.is_available() else "cpu"
    x = lt.randn(3, 4, device=device)
    w = lt.randn(4, 2, device=device, requires_grad=True)
    (x @ w).sum().backward()
    assert w.grad.device == x.device == lt.device(device if device == "cpu" else "cuda:0")

"""Tensor basics against PyTorch: conversion, memory sharing, copying, constructors."""

from __future__ import annotations

import copy
import pickle
import re

import pytest

import learntorch as lt


def same_error(torch, fn):
    with pytest.raises(Exception) as info:
        fn(torch)
    msg = str(info.value).split("\n")[0]
    with pytest.raises(info.type, match=re.escape(msg)):
        fn(lt)


def test_item_tolist(torch):
    for m in (lt, torch):
        assert m.tensor([[2]]).item() == 2 and isinstance(m.tensor([[2]]).item(), int)
        assert m.tensor(2.5, dtype=m.float16).item() == 2.5
        assert m.tensor(True).item() is True
        assert m.tensor([[1.5, 2.0]]).tolist() == [[1.5, 2.0]]
        assert m.tensor(3).tolist() == 3
    same_error(torch, lambda m: m.tensor([1, 2]).item())


def test_python_number_conversions(torch):
    for m in (lt, torch):
        assert float(m.tensor([2.5])) == 2.5
        assert int(m.tensor(3.7)) == 3
        assert [1, 2, 3][m.tensor(1)] == 2
    same_error(torch, lambda m: float(m.tensor([2.5, 1.0])))
    same_error(torch, lambda m: bool(m.tensor([1, 2])))
    same_error(torch, lambda m: bool(m.tensor([])))
    same_error(torch, lambda m: len(m.tensor(1.0)))
    same_error(torch, lambda m: iter(m.tensor(1.0)))


def test_numpy_shares_memory(torch):
    x = lt.ones(3)
    a = x.numpy()
    a[0] = 5
    assert x.tolist() == [5.0, 1.0, 1.0]
    x.add_(1)
    assert a.tolist() == [6.0, 2.0, 2.0]
    same_error(torch, lambda m: m.ones(2, requires_grad=True).numpy())
    assert lt.ones(2, requires_grad=True).numpy(force=True).tolist() == [1.0, 1.0]


def test_detach_shares_memory_and_version(torch):
    res = []
    for m in (lt, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        d = x.detach()
        d.add_(1)
        res.append((x.tolist(), d.requires_grad, d.is_leaf, d._version, x._version, d._base is None))
    assert res[0] == res[1]


def test_data_has_its_own_version(torch):
    res = []
    for m in (lt, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        d = x.data
        d.mul_(3)
        res.append((x.tolist(), x._version, d._version, d.requires_grad, x.requires_grad))
        x.data = m.zeros(3)
        res.append((x.shape, x.requires_grad))
    assert res[:2] == res[2:]


def test_clone_and_requires_grad(torch):
    res = []
    for m in (lt, torch):
        x = m.ones(2, requires_grad=True)
        c = x.clone()
        c2 = m.ones(2).clone()
        w = m.zeros(2).requires_grad_()
        res.append((repr(c), c.is_leaf, c2.requires_grad, repr(w), w.is_leaf))
    assert res[0] == res[1]


def test_len_iter_format(torch):
    res = []
    for m in (lt, torch):
        x = m.tensor([[1.0, 2.0], [3.0, 4.0]])
        res.append((len(x), [t.tolist() for t in x], f"{m.tensor(2.34567):.2f}", format(x), f"{m.tensor(3)}"))
    assert res[0] == res[1]


def test_conversions(torch):
    res = []
    for m in (lt, torch):
        x = m.tensor([1.5, -2.0])
        res.append(
            (
                repr(x.to(m.int32)),
                repr(x.to("cpu", m.float64)),
                repr(x.to(m.zeros(1, dtype=m.int8))),
                repr(x.to(device="cpu", dtype=m.float16)),
                x.to(m.float32) is x,
                x.to(m.float32, copy=True) is x,
                [
                    repr(getattr(x, f)())
                    for f in ("float", "double", "half", "long", "int", "short", "bool", "byte")
                ],
                x.type(),
                repr(x.type(m.int32)),
                repr(x.type("torch.DoubleTensor")),
                m.ones(2, dtype=m.int64).type(),
            )
        )
    assert res[0] == res[1]


def test_new_methods(torch):
    res = []
    for m in (lt, torch):
        base = m.ones(2, dtype=m.int32)
        res.append(
            (
                repr(base.new_zeros(2, 3)),
                repr(base.new_ones((2,))),
                repr(m.ones(2).new_full((2,), 3)),
                repr(m.ones(2, dtype=m.float64).new_tensor([1, 2])),
                tuple(m.ones(2).new_empty(0).shape),
                repr(base.new_zeros(2, dtype=m.float32)),
            )
        )
    assert res[0] == res[1]


def test_metadata(torch):
    res = []
    for m in (lt, torch):
        x = m.ones(2, 3, dtype=m.float64)
        res.append(
            (
                m.is_tensor(x),
                m.is_tensor([1]),
                x.numel(),
                x.dim(),
                x.ndim,
                x.element_size(),
                str(x.shape),
                x.size(1),
            )
        )
    assert res[0] == res[1]


def test_legacy_constructors(torch):
    res = []
    for m in (lt, torch):
        res.append(
            (
                repr(m.Tensor()),
                tuple(m.Tensor(2, 3).shape),
                repr(m.Tensor([1, 2])),
                repr(m.Tensor((2, 3))),
                tuple(m.Tensor(m.Size([2, 3])).shape),
                m.Tensor(2, 3).dtype,
            )
        )
    assert [repr(r) for r in res[0]] == [repr(r) for r in res[1]]


def test_deepcopy(torch):
    res = []
    for m in (lt, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        (x * 2).sum().backward()
        x.note = ["user attr"]
        y = copy.deepcopy(x)
        y.add_(0) if not y.requires_grad else None
        a = m.arange(6.0)
        a2, v2 = copy.deepcopy([a, a[1:3]])
        a2[1] = 50
        res.append(
            (
                repr(y),
                repr(y.grad),
                y.grad is x.grad,
                y.note,
                y.note is x.note,
                y.is_leaf,
                v2.tolist(),
                a.tolist(),
            )
        )
    assert res[0] == res[1]
    with pytest.raises(RuntimeError, match="Only Tensors created explicitly by the user"):
        copy.deepcopy(lt.ones(1, requires_grad=True) * 2)


def test_pickle_roundtrip_keeps_sharing(torch):
    a = lt.arange(6.0).reshape(2, 3)
    t = a.t()
    row = a[1]
    a2, t2, row2 = pickle.loads(pickle.dumps([a, t, row]))
    assert t2.stride() == t.stride() and t2.tolist() == t.tolist()
    a2[1, 0] = 100
    assert row2.tolist() == [100.0, 4.0, 5.0] and t2[0, 1].item() == 100.0
    w = lt.ones(2, requires_grad=True)
    w2 = pickle.loads(pickle.dumps(w))
    assert w2.requires_grad and w2.is_leaf and w2.grad is None
    nl = pickle.loads(pickle.dumps(w * 2))  # torch pickles non-leaves too (as plain leaves)
    assert nl.requires_grad and nl.is_leaf
    for dt in (lt.float16, lt.int8, lt.bool, lt.uint8):
        z = lt.zeros(2, 2, dtype=dt)
        z2 = pickle.loads(pickle.dumps(z))
        assert z2.dtype == dt and z2.tolist() == z.tolist()


def test_save_load_views_share(tmp_path):
    a = lt.arange(4.0)
    path = tmp_path / "x.pt"
    lt.save({"a": a, "v": a[2:]}, path)
    d = lt.load(path)
    d["a"][3] = -1
    assert d["v"].tolist() == [2.0, -1.0]


def test_legacy_tensor_types(torch):
    res = []
    for m in (lt, torch):
        x = m.FloatTensor([1, 2, 3])  # note 002 builds a layer's input this way
        res.append(
            (
                repr(x),
                isinstance(x, m.FloatTensor),
                isinstance(m.ones(2, dtype=m.float64), m.FloatTensor),
                isinstance(x, m.Tensor),
                tuple(m.LongTensor(2, 3).shape),
                repr(m.LongTensor([1.7, 2])),
                repr(m.BoolTensor([1, 0])),
                tuple(m.FloatTensor(m.Size([2])).shape),
                repr(m.FloatTensor()),
                repr(m.ones(2).type(m.LongTensor)),
                repr(m.FloatTensor),
                repr(m.LongTensor.dtype),
                repr(m.DoubleTensor(m.ones(2, dtype=m.float64))),
            )
        )
    assert res[0] == res[1]
    with pytest.raises(TypeError):
        lt.FloatTensor(lt.ones(2, dtype=lt.int64))

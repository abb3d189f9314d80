"""In-place writes through views: memory sharing, version counters, CopySlices gradients
and the errors PyTorch raises, compared with real PyTorch."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck


def name(node):
    return None if node is None else node.name().split("::")[-1]


def run_both(torch, scenario):
    """Run ``scenario(lib)`` with learntorch and torch; compare everything it returns."""
    ours, theirs = scenario(lt), scenario(torch)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if hasattr(b, "detach"):
            np.testing.assert_allclose(np.asarray(a.detach()._data), b.detach().numpy(), rtol=1e-6)
        else:
            assert a == b


def s_view_mul(lib):
    a = lib.tensor([[1.0, 2, 3], [4, 5, 6]], requires_grad=True)
    y = a * 2
    v = y[0]
    v.mul_(3)
    nf = [name(n) for n, _ in y.grad_fn.next_functions]
    (y * y).sum().backward()
    return name(v.grad_fn), name(y.grad_fn), nf, a.grad, y._version, v._version


def s_setitem_into_plain(lib):
    w = lib.tensor(1.5, requires_grad=True)
    x = lib.zeros(3)
    x[0] = w * 2
    x[2] = w
    nf = [name(n) for n, _ in x.grad_fn.next_functions]
    (x * x).sum().backward()
    return repr(x).replace("torch.", ""), w.grad, x._version, nf


def s_base_changed_after_view(lib):
    a = lib.tensor([1.0, 2, 3], requires_grad=True)
    y = a * 1
    v = y[1:]
    y.mul_(2)
    (v * v).sum().backward()
    return name(v.grad_fn), a.grad


def s_column_copy(lib):
    a = lib.tensor([[1.0, 2], [3, 4]], requires_grad=True)
    y = a.clone()
    y[:, 1] = y[:, 0] * 10
    y.sum().backward()
    return a.grad, name(y.grad_fn)


def s_advanced_setitem(lib):
    a = lib.tensor([[1.0, 2], [3, 4]], requires_grad=True)
    y = a * 1
    y[[0, 1], [1, 0]] = lib.tensor([7.0, 8.0])
    (y * y).sum().backward()
    return name(y.grad_fn), a.grad, y._version


def s_transposed_view(lib):
    a = lib.tensor([[1.0, 2], [3, 4]], requires_grad=True)
    y = a * 1
    t = y.t()
    t[0].mul_(5)
    (y * y).sum().backward()
    return a.grad, y._version, t._version


def s_versions(lib):
    x = lib.zeros(2, 3)
    v = x[:, 1]
    v.add_(1)
    x[0] += 2
    x.mul_(1)
    v2 = x.t()[1]
    v2.fill_(3)
    x[x > 2] = 9
    x.index_put_((lib.tensor([0]),), lib.tensor(4.0))
    return x, x._version, v._version, v2._version


def s_diag_and_strided_slice(lib):
    a = lib.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    y = a * 1
    d = y.diagonal()
    d.mul_(2)
    q = y[::2, 1:3]
    q.add_(q.detach())
    (y**2).sum().backward()
    return a.grad


def s_slice_broadcast(lib):
    w = lib.tensor(2.0, requires_grad=True)
    x = lib.zeros(3)
    x[1:] = w
    x.sum().backward()
    return w.grad, name(x.grad_fn.next_functions[1][0])


def s_old_view_regenerated(lib):
    a = lib.tensor([1.0, 2, 3], requires_grad=True)
    y = a * 2
    x = y[0]
    y[0] = 5
    return name(x.grad_fn), x.requires_grad


def s_inplace_on_nonleaf(lib):
    a = lib.tensor([1.0, 2, 3], requires_grad=True)
    y = a * a
    y.add_(1)
    y.mul_(a)
    y.sum().backward()
    return a.grad, name(y.grad_fn), y._version


def s_copy_and_fill(lib):
    w = lib.tensor([1.0, 2, 3], requires_grad=True)
    x = lib.ones(2, 3)
    x.copy_(w)
    nf = [name(n) for n, _ in x.grad_fn.next_functions]
    y = w * 2
    y.fill_(1)
    (x.sum() + y.sum()).backward()
    return name(x.grad_fn), nf, name(y.grad_fn), w.grad


SCENARIOS = [
    s_view_mul, s_setitem_into_plain, s_base_changed_after_view, s_column_copy, s_advanced_setitem,
    s_transposed_view, s_versions, s_diag_and_strided_slice, s_slice_broadcast, s_old_view_regenerated,
    s_inplace_on_nonleaf, s_copy_and_fill,
]  # fmt: skip


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_scenario_matches_torch(torch, scenario):
    run_both(torch, scenario)


def test_write_through_view_seen_by_base(torch):
    for lib in (lt, torch):
        x = lib.arange(12.0).reshape(3, 4)
        x[1][2] = -1  # basic indexing: a view
        x[[0]][0, 0] = -2  # advanced indexing: a copy, the write is lost
        x.view(12)[0] = 7
        x.t()[3, 2] = 8
        x.reshape(4, 3)[1, 1] = 9  # contiguous: reshape is a view
        x.t().reshape(12)[1] = 100  # not contiguous: reshape copies
        x.unsqueeze(0).expand(2, 3, 4)[0, 2, 0] = 11
        x.narrow(1, 1, 2).select(0, 2).fill_(5)
        for p in x.split(2, 1):
            p[0, 0] += 1
        if lib is lt:
            ours = x.tolist()
        else:
            assert ours == x.tolist()


def test_inplace_errors_match_torch(torch):
    def err(lib, f):
        w = lib.tensor([1.0, 2, 3], requires_grad=True)
        with pytest.raises(RuntimeError) as info:
            f(lib, w)
        return str(info.value).splitlines()[0]

    cases = [
        lambda lib, w: w.__setitem__(0, 1.0),
        lambda lib, w: w.__setitem__([0], 1.0),
        lambda lib, w: w.add_(1),
        lambda lib, w: w[1:].mul_(2),
        lambda lib, w: w.zero_(),
        lambda lib, w: w.copy_(lib.zeros(3)),
        lambda lib, w: w.unsqueeze(0).expand(2, 3).detach().add_(1),
    ]
    for f in cases:
        assert err(lt, f) == err(torch, f)


def test_modified_saved_tensor_message(torch):
    def scenarios(lib):
        def out_saved():
            a = lib.tensor([1.0, 2, 3], requires_grad=True)
            y = a.exp()
            y.add_(1)
            y.sum().backward()

        def input_saved():
            a = lib.tensor([1.0, 2, 3], requires_grad=True)
            s = a.sin()
            c = s * s
            s.add_(1)
            c.sum().backward()

        def plain_saved():
            a = lib.tensor([1.0, 2, 3], requires_grad=True)
            b = lib.tensor([1.0, 2, 3])
            c = a * b
            b.add_(1)
            c.sum().backward()

        def view_saved():
            a = lib.tensor([[1.0, 2, 3]], requires_grad=True)
            y = a * 1
            s = y[0]
            c = s * s
            y.mul_(2)
            c.sum().backward()

        return [out_saved, input_saved, plain_saved, view_saved]

    for ours, theirs in zip(scenarios(lt), scenarios(torch)):
        with pytest.raises(RuntimeError) as t_info:
            theirs()
        with pytest.raises(RuntimeError, match=re.escape(str(t_info.value))) as info:
            ours()
        assert str(info.value).splitlines()[-1].startswith("hint: ")


def test_no_grad_inplace_on_leaf_and_version(torch):
    for lib in (lt, torch):
        w = lib.tensor([1.0, 2, 3], requires_grad=True)
        with lib.no_grad():
            w[0] = 5
            w.mul_(2)
            w[1:].add_(1)
        assert w.is_leaf and w.grad_fn is None and w._version == 3
        assert w.tolist() == [10.0, 5.0, 7.0]


def _setitem_fn(x, w):
    y = x * 1
    y[0, 1:] = w * 3
    y[:, 0].mul_(w[0])
    y.t()[2].add_(y[:, 1].detach())
    y[[1, 0], [2, 2]] = w * w
    return y.exp()


def test_gradcheck_through_copyslices():
    x = lt.tensor(np.random.randn(2, 3), dtype=lt.float64, requires_grad=True)
    w = lt.tensor(np.random.randn(2), dtype=lt.float64, requires_grad=True)
    assert gradcheck(_setitem_fn, (x, w))
    assert gradgradcheck(_setitem_fn, (x, w))


def test_setitem_gradients_match_torch(torch):
    xa = np.random.randn(2, 3)
    wa = np.random.randn(2)
    res = []
    for lib in (lt, torch):
        x = lib.tensor(xa, requires_grad=True)
        w = lib.tensor(wa, requires_grad=True)
        _setitem_fn(x, w).sum().backward()
        res.append((x.grad.numpy(), w.grad.numpy()))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-10)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-10)

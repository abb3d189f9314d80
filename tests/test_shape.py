"""Views and copies against real PyTorch: values, shapes, strides, storage offsets,
memory sharing, grad_fn names, gradients and error messages."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd.gradcheck import gradcheck, gradgradcheck

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def pair(torch, arr, requires_grad=False):
    arr = np.asarray(arr)
    a = lt.tensor(arr.copy(), requires_grad=requires_grad)
    b = torch.tensor(arr.copy(), requires_grad=requires_grad)
    return a, b


def same_layout(a, b):
    """Same values, shape, strides, storage offset and contiguity as the torch tensor."""
    assert tuple(a.shape) == tuple(b.shape)
    if b.numel():  # torch's strides for freshly made empty tensors differ from NumPy 2's zeros
        assert a.stride() == b.stride(), (a.stride(), b.stride())
    assert a.storage_offset() == b.storage_offset()
    assert a.is_contiguous() == b.is_contiguous()
    np.testing.assert_array_equal(np.asarray(a.detach()._data), b.detach().numpy())


def grad_name(t):
    return None if t.grad_fn is None else t.grad_fn.name().split("::")[-1]


def torch_msg(torch, fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value).splitlines()[0]


def assert_same_error(torch, ours, theirs):
    cls, msg = torch_msg(torch, theirs)
    with pytest.raises(cls, match=re.escape(msg)) as info:
        ours()
    text = str(info.value)
    if "\n" in text:
        assert text.splitlines()[-1].startswith("hint: ")


shapes = st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple)


# ---------------------------------------------------------------------- note 002 examples
def test_note_view_vs_reshape(torch):
    x = lt.randn(2, 3, 4)
    assert x.is_contiguous()
    y = x.view(6, 4)
    assert y.shape == (6, 4) and y._base is x
    x_t = x.transpose(1, 2)
    assert not x_t.is_contiguous()
    tx = torch.randn(2, 3, 4).transpose(1, 2)
    cls, msg = torch_msg(torch, lambda: tx.view(6, 4))
    with pytest.raises(cls, match=re.escape(msg)) as info:
        x_t.view(6, 4)
    assert "hint:" in str(info.value) and "reshape" in str(info.value).splitlines()[-1]
    y_2 = x_t.reshape(6, 4)
    assert y_2.shape == (6, 4)
    np.testing.assert_array_equal(y_2.numpy(), np.asarray(x_t._data).reshape(6, 4))


def test_note_squeeze_unsqueeze_flatten(torch):
    x = lt.randn(3, 4)
    assert x.unsqueeze(0).shape == (1, 3, 4)
    assert x.unsqueeze(1).shape == (3, 1, 4)
    assert x.unsqueeze(2).shape == (3, 4, 1)
    x = lt.randn(1, 3, 1, 4, 1)
    assert x.squeeze().shape == (3, 4)
    assert x.squeeze(0).shape == (3, 1, 4, 1)
    assert x.squeeze(2).shape == (1, 3, 4, 1)
    x = lt.randn(2, 3, 4)
    assert x.flatten().shape == (24,)
    assert x.flatten(start_dim=1).shape == (2, 12)
    x = lt.arange(24)
    y = lt.unflatten(x, dim=0, sizes=(2, 3, 4))
    assert y.shape == (2, 3, 4)
    same_layout(y, torch.unflatten(torch.arange(24), dim=0, sizes=(2, 3, 4)))


def test_note_transpose_permute_expand_repeat(torch):
    x = lt.randn(2, 3, 4)
    assert x.transpose(1, 2).shape == (2, 4, 3)
    m = lt.randn(3, 4)
    assert m.t().shape == (4, 3)
    assert x.permute(2, 0, 1).shape == (4, 2, 3)
    x = lt.randn(1, 3)
    e = x.expand(4, 3)
    assert e.shape == (4, 3) and e.stride() == (0, 1) and e.data_ptr() == x.data_ptr()
    r = x.repeat(4, 1)
    assert r.shape == (4, 3) and r.data_ptr() != x.data_ptr() and r.is_contiguous()
    np.testing.assert_array_equal(r.numpy(), np.tile(x.numpy(), (4, 1)))


def test_note_stack_cat_and_broadcast(torch):
    a = lt.tensor([1, 2, 3])
    b = lt.tensor([4, 5, 6])
    out = lt.stack([a, b], dim=0)
    assert repr(out.shape) == "torch.Size([2, 3])"
    out = lt.cat([a, b], dim=0)
    assert repr(out.shape) == "torch.Size([6])"
    assert out.tolist() == [1, 2, 3, 4, 5, 6]
    b = lt.tensor([10])
    assert b.repeat(3).tolist() == [10, 10, 10]
    assert (lt.tensor([1, 2, 3]) + b.repeat(3)).tolist() == [11, 12, 13]


def test_note003_reshape_minus_one(torch):
    data = [[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]
    x = lt.reshape(lt.tensor(data, dtype=lt.float32), (-1, 1, 5, 5))
    same_layout(x, torch.reshape(torch.tensor(data, dtype=torch.float32), (-1, 1, 5, 5)))
    out = lt.randn(4, 6, 30, 30)
    info = lt.reshape(out, [-1, 3, 30, 30])
    assert info.shape == (8, 3, 30, 30)
    assert lt.randn(2, 3, 4).flatten().ndim == 1


# ---------------------------------------------------------------------- layouts vs torch
@SETTINGS
@given(shape=shapes, data=st.data())
def test_views_match_torch_layout(torch, shape, data):
    arr = np.random.randn(*shape).astype(np.float32)
    a, b = pair(torch, arr)
    n = len(shape)
    # start from a possibly non-contiguous tensor
    if n >= 2 and data.draw(st.booleans()):
        a, b = a.transpose(0, -1), b.transpose(0, -1)
    d0 = data.draw(st.integers(-n, n - 1))
    d1 = data.draw(st.integers(-n, n - 1))
    perm = data.draw(st.permutations(range(n)))
    same_layout(a.transpose(d0, d1), b.transpose(d0, d1))
    same_layout(a.permute(*perm), b.permute(*perm))
    du = data.draw(st.integers(-n - 1, n))
    same_layout(a.unsqueeze(du), b.unsqueeze(du))
    same_layout(a.unsqueeze(du).squeeze(), b.unsqueeze(du).squeeze())
    same_layout(a.unsqueeze(du).squeeze(du), b.unsqueeze(du).squeeze(du))
    same_layout(a.squeeze(tuple(range(n))), b.squeeze(tuple(range(n))))
    same_layout(a.flatten(), b.flatten())
    same_layout(a.reshape(-1), b.reshape(-1))
    same_layout(a.contiguous(), b.contiguous())
    same_layout(a.movedim(0, -1), b.movedim(0, -1))
    same_layout(a.mT if n >= 2 else a, b.mT if n >= 2 else b)
    sizes = tuple(data.draw(st.sampled_from([s, 1 if s == 1 else s])) for s in a.shape)
    lead = data.draw(st.lists(st.integers(1, 3), max_size=2))
    same_layout(a.unsqueeze(0).expand(1, *sizes), b.unsqueeze(0).expand(1, *sizes))
    ones = lt.ones(*[1] * n)
    tones = torch.ones(*[1] * n)
    same_layout(ones.expand(*lead, *shape), tones.expand(*lead, *shape))
    dim = data.draw(st.integers(-n, n - 1))
    size = a.shape[dim]
    start = data.draw(st.integers(0, size - 1))
    length = data.draw(st.integers(0, size - start))
    same_layout(a.narrow(dim, start, length), b.narrow(dim, start, length))
    idx = data.draw(st.integers(-size, size - 1))
    same_layout(a.select(dim, idx), b.select(dim, idx))
    for pa, pb in zip(a.unbind(dim), b.unbind(dim)):
        same_layout(pa, pb)
    k = data.draw(st.integers(1, 4))
    for pa, pb in zip(a.split(k, dim), b.split(k, dim), strict=True):
        same_layout(pa, pb)
    for pa, pb in zip(a.chunk(k, dim), b.chunk(k, dim), strict=True):
        same_layout(pa, pb)
    if n >= 2:
        off = data.draw(st.integers(-3, 3))
        same_layout(a.diagonal(off), b.diagonal(off))
        same_layout(a.diagonal(off, -1, 0), b.diagonal(off, -1, 0))


@SETTINGS
@given(shape=shapes, data=st.data())
def test_view_and_reshape_match_torch(torch, shape, data):
    arr = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    a, b = pair(torch, arr)
    perm = data.draw(st.permutations(range(len(shape))))
    a, b = a.permute(*perm), b.permute(*perm)
    if data.draw(st.booleans()):
        dim = data.draw(st.integers(0, len(shape) - 1))
        a, b = a.narrow(dim, 0, max(1, a.shape[dim] - 1)), b.narrow(dim, 0, max(1, b.shape[dim] - 1))
    numel = b.numel()
    divisors = [d for d in range(1, numel + 1) if numel % d == 0]
    d1 = data.draw(st.sampled_from(divisors))
    rest = numel // d1
    d2 = data.draw(st.sampled_from([d for d in divisors if rest % d == 0]))
    new = data.draw(st.permutations([d1, d2, rest // d2]))
    try:
        tv = b.view(*new)
    except RuntimeError as e:
        with pytest.raises(RuntimeError, match=re.escape(str(e).splitlines()[0])):
            a.view(*new)
    else:
        av = a.view(*new)
        same_layout(av, tv)
        assert av.data_ptr() == a.data_ptr() + (tv.data_ptr() - b.data_ptr())
    ar, tr = a.reshape(*new), b.reshape(*new)
    same_layout(ar, tr)
    assert (ar._base is not None) == (tr._base is not None)


def test_expand_shares_memory_repeat_copies(torch):
    x = lt.tensor([[1.0], [2.0]])
    e = x.expand(2, 3)
    x[0, 0] = 5.0
    assert e.tolist() == [[5.0, 5.0, 5.0], [2.0, 2.0, 2.0]]
    r = x.repeat(1, 3)
    x[1, 0] = 7.0
    assert r.tolist() == [[5.0, 5.0, 5.0], [2.0, 2.0, 2.0]]
    same_layout(lt.ones(3).expand(2, 3), torch.ones(3).expand(2, 3))
    assert_same_error(torch, lambda: e.add_(1), lambda: torch.ones(2, 1).expand(2, 3).add_(1))


def test_view_dtype(torch):
    arr = np.random.randn(2, 4).astype(np.float32)
    a, b = pair(torch, arr)
    same_layout(a.view(lt.int32), b.view(torch.int32))
    same_layout(a.view(lt.int16), b.view(torch.int16))
    same_layout(a.view(lt.float64), b.view(torch.float64))
    assert_same_error(torch, lambda: a.t().view(lt.int16), lambda: b.t().view(torch.int16))
    assert_same_error(torch, lambda: a[:, :3].view(lt.float64), lambda: b[:, :3].view(torch.float64))


def test_as_strided_and_diagonal(torch):
    a, b = pair(torch, np.arange(12, dtype=np.float32))
    same_layout(a.as_strided((3, 3), (1, 2), 1), b.as_strided((3, 3), (1, 2), 1))
    same_layout(lt.as_strided(a, (2, 2), (4, 1)), torch.as_strided(b, (2, 2), (4, 1)))
    assert_same_error(torch, lambda: a.as_strided((13,), (1,)), lambda: b.as_strided((13,), (1,)))
    a2, b2 = pair(torch, np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    same_layout(a2.diagonal(1, 1, 2), b2.diagonal(1, 1, 2))
    same_layout(a2.diagonal(-1, 2, 0), b2.diagonal(-1, 2, 0))
    d = a2.diagonal()
    d.fill_(-1)
    b2.diagonal().fill_(-1)
    np.testing.assert_array_equal(a2.numpy(), b2.numpy())


# ---------------------------------------------------------------------- copies vs torch
@SETTINGS
@given(shape=shapes, data=st.data())
def test_copies_match_torch(torch, shape, data):
    arr = np.random.randn(*shape).astype(np.float32)
    a, b = pair(torch, arr)
    n = len(shape)
    reps = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n + 1))
    same_layout(a.repeat(*reps), b.repeat(*reps))
    dims = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    same_layout(a.flip(dims), b.flip(dims))
    shift = data.draw(st.integers(-5, 5))
    same_layout(a.roll(shift), b.roll(shift))
    same_layout(a.roll((shift, 1), (0, -1)), b.roll((shift, 1), (0, -1)))
    dim = data.draw(st.integers(-n, n))
    same_layout(lt.stack([a, a * 2], dim), torch.stack([b, b * 2], dim))
    dim = data.draw(st.integers(-n, n - 1))
    same_layout(lt.cat([a, a.narrow(dim, 0, 1)], dim), torch.cat([b, b.narrow(dim, 0, 1)], dim))
    if n >= 2:
        k = data.draw(st.integers(-3, 3))
        same_layout(a.tril(k), b.tril(k))
        same_layout(a.triu(k), b.triu(k))
    r = data.draw(st.integers(0, 3))
    same_layout(a.repeat_interleave(r), b.repeat_interleave(r))
    same_layout(a.repeat_interleave(r, dim=dim), b.repeat_interleave(r, dim=dim))


def test_cat_stack_promote_and_legacy_empty(torch):
    a, b = pair(torch, np.ones((2, 3), np.float32))
    ai, bi = pair(torch, np.ones((1, 3), np.int64))
    assert lt.cat([a, ai]).dtype == lt.float32 and torch.cat([b, bi]).dtype == torch.float32
    assert lt.cat([a, lt.zeros(0)]).shape == torch.cat([b, torch.zeros(0)]).shape
    same_layout(lt.hstack([a, a]), torch.hstack([b, b]))
    same_layout(lt.vstack([a, a]), torch.vstack([b, b]))


def test_shape_errors_match_torch(torch):
    a, b = pair(torch, np.random.randn(2, 3).astype(np.float32))
    cases = [
        (lambda: a.view(4), lambda: b.view(4)),
        (lambda: a.view(-1, -1), lambda: b.view(-1, -1)),
        (lambda: a.view(-1, 4), lambda: b.view(-1, 4)),
        (lambda: a.t().view(6), lambda: b.t().view(6)),
        (lambda: a.repeat(2), lambda: b.repeat(2)),
        (lambda: a.repeat(-1, 1), lambda: b.repeat(-1, 1)),
        (lambda: lt.cat([a, lt.zeros(3, 3)], dim=1), lambda: torch.cat([b, torch.zeros(3, 3)], dim=1)),
        (lambda: lt.cat([a, lt.zeros(3)]), lambda: torch.cat([b, torch.zeros(3)])),
        (lambda: lt.cat([]), lambda: torch.cat([])),
        (lambda: lt.cat([a, a], dim=2), lambda: torch.cat([b, b], dim=2)),
        (lambda: lt.cat([lt.tensor(1.0)]), lambda: torch.cat([torch.tensor(1.0)])),
        (lambda: lt.stack([a, lt.zeros(3, 3)]), lambda: torch.stack([b, torch.zeros(3, 3)])),
        (lambda: lt.stack([]), lambda: torch.stack([])),
        (lambda: a.expand(3, 3), lambda: b.expand(3, 3)),
        (lambda: a.expand(3), lambda: b.expand(3)),
        (lambda: a.squeeze(5), lambda: b.squeeze(5)),
        (lambda: a.unsqueeze(3), lambda: b.unsqueeze(3)),
        (lambda: a.permute(0), lambda: b.permute(0)),
        (lambda: a.permute(0, 0), lambda: b.permute(0, 0)),
        (lambda: a.transpose(0, 2), lambda: b.transpose(0, 2)),
        (lambda: a.narrow(1, 2, 2), lambda: b.narrow(1, 2, 2)),
        (lambda: a.split(0), lambda: b.split(0)),
        (lambda: a.split([1, 2]), lambda: b.split([1, 2])),
        (lambda: a.chunk(0), lambda: b.chunk(0)),
        (lambda: a.flatten(1, 0), lambda: b.flatten(1, 0)),
        (lambda: a.unflatten(1, (2, 2)), lambda: b.unflatten(1, (2, 2))),
        (lambda: a.diagonal(0, 0, 0), lambda: b.diagonal(0, 0, 0)),
        (lambda: lt.zeros(3).mT, lambda: torch.zeros(3).mT),
        (lambda: lt.zeros(2, 2, 2).t(), lambda: torch.zeros(2, 2, 2).t()),
        (lambda: a.select(0, 5), lambda: b.select(0, 5)),
        (lambda: lt.zeros(3).tril(), lambda: torch.zeros(3).tril()),
        (lambda: a.flip(0, 0), lambda: b.flip(0, 0)),
        (lambda: a.repeat_interleave(lt.tensor([1, 2])), lambda: b.repeat_interleave(torch.tensor([1, 2]))),
    ]
    for ours, theirs in cases:
        assert_same_error(torch, ours, theirs)


def test_T_warns_like_torch():
    with pytest.warns(UserWarning, match="The use of `x.T` on tensors of dimension other than 2"):
        assert lt.zeros(2, 3, 4).T.shape == (4, 3, 2)


# ---------------------------------------------------------------------- autograd
def test_grad_fn_names_match_torch(torch):
    arr = np.random.randn(1, 3, 4)
    a, b = pair(torch, arr, requires_grad=True)
    ops = [
        lambda x: x.view(3, 4),
        lambda x: x.reshape(12),
        lambda x: x.transpose(1, 2).reshape(12),
        lambda x: x.transpose(1, 2).contiguous(),
        lambda x: x.squeeze(),
        lambda x: x.squeeze(0),
        lambda x: x.squeeze((0, 1)),
        lambda x: x.unsqueeze(0),
        lambda x: x.flatten(),
        lambda x: x.unflatten(2, (2, 2)),
        lambda x: x.transpose(0, 1),
        lambda x: x.permute(2, 0, 1),
        lambda x: x[0].t(),
        lambda x: x[0].T,
        lambda x: x.mT,
        lambda x: x.expand(2, 3, 4),
        lambda x: x.narrow(1, 0, 2),
        lambda x: x.unbind(1)[1],
        lambda x: x.split(2, 2)[1],
        lambda x: x.split([1, 3], 2)[0],
        lambda x: x.chunk(2, 1)[0],
        lambda x: x.diagonal(0, 1, 2),
        lambda x: x.select(1, 2),
        lambda x: x.as_strided((2,), (1,)),
        lambda x: x.movedim(0, 2),
        lambda x: x.repeat(2, 1, 1),
        lambda x: x.flip(0),
        lambda x: x.roll(1),
        lambda x: x.roll(1, 2),
        lambda x: x.tril(),
        lambda x: x.triu(1),
        lambda x: x.repeat_interleave(2),
        lambda x: x.swapaxes(0, 1),
        lambda x: x.view_as(x),
        lambda x: x.expand_as(x),
    ]
    for op in ops:
        assert grad_name(op(a)) == grad_name(op(b))
    assert grad_name(lt.stack([a, a])) == "StackBackward0"
    assert grad_name(lt.cat([a, a])) == "CatBackward0"
    r = a.transpose(1, 2).reshape(12)
    assert grad_name(r) == "UnsafeViewBackward0" and r.grad_fn.next_functions[0][0].name() == "CloneBackward0"
    assert len(a.unbind(1)[0].grad_fn.next_functions) == 1 and a.unbind(1)[2].output_nr == 2


GRADCHECK_OPS = [
    lambda x: x.view(6, 2),
    lambda x: x.transpose(0, 2).reshape(6, 2),
    lambda x: x.squeeze(),
    lambda x: x.unsqueeze(1),
    lambda x: x.flatten(),
    lambda x: x.permute(2, 0, 1),
    lambda x: x.transpose(0, 1),
    lambda x: x[0].t(),
    lambda x: x.mT,
    lambda x: x.expand(2, 3, 3, 4),
    lambda x: x.narrow(1, 1, 2),
    lambda x: x.select(2, -1),
    lambda x: lt.stack(x.unbind(1), 0),
    lambda x: lt.cat(x.split(3, 2)[::-1], 2),
    lambda x: x.chunk(2, 1)[1],
    lambda x: x.diagonal(1, 1, 2),
    lambda x: x.as_strided((2, 2), (3, 1), 1),
    lambda x: x.repeat(2, 1, 3),
    lambda x: x.flip(0, 2),
    lambda x: x.roll((1, -1), (1, 2)),
    lambda x: x.roll(5),
    lambda x: x.tril(),
    lambda x: x.triu(-1),
    lambda x: x.repeat_interleave(2, dim=1),
    lambda x: x.repeat_interleave(lt.tensor([1, 0, 2]), dim=1),
    lambda x: x.movedim((0, 1), (2, 0)),
    lambda x: x.contiguous(),
    lambda x: x.transpose(1, 2).contiguous(),
]


@pytest.mark.parametrize("i", range(len(GRADCHECK_OPS)))
def test_gradcheck_views_and_copies(i):
    x = lt.tensor(np.random.randn(1, 3, 4), dtype=lt.float64, requires_grad=True)
    op = GRADCHECK_OPS[i]
    assert gradcheck(lambda t: op(t) * 1.0, (x,))
    assert gradgradcheck(lambda t: op(t) * 1.0, (x,))


def test_gradients_match_torch(torch):
    arr = np.random.randn(2, 3, 4)
    a, b = pair(torch, arr, requires_grad=True)
    w = np.random.randn(4, 6, 2)

    def f(lib, x):
        y = x.transpose(0, 2).reshape(4, 6).unsqueeze(-1).expand(4, 6, 2)
        z = lib.cat([y, y.flip(1)], 0)[:4] * lib.tensor(w)
        return (z.sum(-1).repeat(2, 1).tril() ** 2).sum() + x.diagonal(0, 1, 2).sum()

    f(lt, a).backward()
    f(torch, b).backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)

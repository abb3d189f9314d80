"""torch.broadcast_shapes / broadcast_tensors against torch: shapes, views (stride 0), errors, gradients."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch as lt

SHAPES = [
    [(2,), (3, 1), (1, 1, 1)],
    [(3, 1), (1, 4)],
    [3, (2, 1)],
    [(5, 1, 4), (3, 1), ()],
    [(0, 1), (1, 3)],
    [],
]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
def test_broadcast_shapes_matches_torch(torch, shapes):
    got = lt.broadcast_shapes(*shapes)
    assert isinstance(got, lt.Size)
    assert got == torch.broadcast_shapes(*shapes)
    assert repr(got) == repr(torch.broadcast_shapes(*shapes))


@pytest.mark.parametrize("shapes", [[(3, 1), (2, 4)], [(3,), (4,)], [(2, 3), 4]], ids=str)
def test_broadcast_shapes_error_is_torchs_plus_a_hint(torch, shapes):
    with pytest.raises(RuntimeError) as want:
        torch.broadcast_shapes(*shapes)
    with pytest.raises(RuntimeError) as got:
        lt.broadcast_shapes(*shapes)
    first, hint = str(got.value).split("\n")
    assert first == str(want.value)
    assert hint.startswith("hint: ")


def test_broadcast_tensors_are_views_with_torchs_strides_and_gradients(torch):
    a_np = np.arange(3.0).reshape(3, 1)
    b_np = np.arange(4.0) * 10
    a, b = lt.tensor(a_np, requires_grad=True), lt.tensor(b_np, requires_grad=True)
    ta, tb = torch.tensor(a_np, requires_grad=True), torch.tensor(b_np, requires_grad=True)
    got, want = lt.broadcast_tensors(a, b), torch.broadcast_tensors(ta, tb)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.stride() == w.stride()
        np.testing.assert_array_equal(g.detach().numpy(), w.detach().numpy())
    assert got[0].untyped_storage().data_ptr() == a.untyped_storage().data_ptr()  # no copy
    (got[0] * got[1]).sum().backward()
    (want[0] * want[1]).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), ta.grad.numpy())
    np.testing.assert_array_equal(b.grad.numpy(), tb.grad.numpy())


def test_broadcast_tensors_error_is_the_elementwise_one(torch):
    with pytest.raises(RuntimeError) as want:
        torch.broadcast_tensors(torch.ones(3, 1), torch.ones(2, 4))
    with pytest.raises(RuntimeError) as got:
        lt.broadcast_tensors(lt.ones(3, 1), lt.ones(2, 4))
    assert str(got.value).split("\n")[0] == str(want.value)

"""BroadcastExplorer: result shapes, values, stretched dims and errors equal PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
from _widget_controls import controls, message, picture

import learntorch as lt
from learntorch.widgets import BroadcastExplorer
from learntorch.widgets.broadcast import PRESETS, parse_shape

GOOD = [((3, 1), (4,)), ((3,), (1,)), ((2, 3), (3,)), ((4, 3), (4, 1)), ((2, 1, 3), (4, 1)),
        ((8, 1, 6, 1), (7, 1, 5)), ((), (2, 2)), ((5, 1, 4), (1, 3, 1))]  # fmt: skip
BAD = [((2, 3), (2,)), ((2, 1, 3), (2,)), ((4, 3), (3, 4)), ((2, 3, 4), (5, 1, 4))]


@pytest.mark.parametrize("a,b", GOOD)
def test_result_and_stretched_dims_match_torch(torch, a, b):
    ex = BroadcastExplorer(a, b)
    assert ex.error is None
    assert ex.result_shape == tuple(torch.broadcast_shapes(a, b))
    ta = torch.arange(int(np.prod(a))).float().reshape(a)
    tb = torch.arange(int(np.prod(b))).float().reshape(b) * 10
    np.testing.assert_array_equal(ex.result, (ta + tb).numpy())
    for name, t in (("a", ta), ("b", tb)):
        st = t.expand(ex.result_shape).stride()
        assert ex.strides[name] == tuple(st)
        assert ex.stretched[name] == [i for i, s in enumerate(st) if s == 0 and ex.result_shape[i] != 1]


@pytest.mark.parametrize("a,b", BAD)
def test_errors_are_torchs_with_a_hint(torch, a, b):
    ex = BroadcastExplorer(a, b)
    with pytest.raises(RuntimeError) as info:
        torch.zeros(a) + torch.zeros(b)
    assert ex.error.splitlines()[0] == "RuntimeError: " + str(info.value)
    assert "hint:" in ex.error and ex.result_shape is None
    dim = int(str(info.value).rsplit(" ", 1)[1])  # torch names the clashing dimension
    assert ex.clash == dim
    assert ex.png()  # the picture still shows the aligned shapes with the clash marked


def test_tensors_bring_their_values(torch):
    x, y = lt.tensor([[1.0], [2.0]]), lt.tensor([5.0, 6.0, 7.0])
    ex = BroadcastExplorer(x, y)
    assert ex.result_shape == (2, 3)
    assert ex.result.tolist() == (torch.tensor([[1.0], [2.0]]) + torch.tensor([5.0, 6.0, 7.0])).tolist()


def test_parse_shape():
    assert parse_shape(" 2 , 3 ") == (2, 3) and parse_shape("") == () and parse_shape("[4]") == (4,)
    with pytest.raises(ValueError, match="hint: type sizes separated by commas"):
        parse_shape("2, x")
    with pytest.raises(ValueError, match="negative size"):
        parse_shape("2, -1")


def test_controls_change_state_and_picture():
    ex = BroadcastExplorer()
    c = controls(ex)
    before = picture(ex)
    c["shape a"].value = "2, 3"
    assert ex.shape_a == (2, 3) and ex.error is not None and picture(ex) != before
    assert "RuntimeError" in message(ex)
    c["shape b"].value = "1, 3"
    assert ex.result_shape == (2, 3) and message(ex) == ""
    c["try"].value = "[8, 1, 6, 1] and [7, 1, 5]"
    assert ex.result_shape == (8, 7, 6, 5)
    assert c["shape a"].value == "8, 1, 6, 1" and c["shape b"].value == "7, 1, 5"
    c["shape a"].value = "2, x"  # a typo is shown, not raised
    assert ex.error.startswith("ValueError: cannot read a shape from '2, x'") and "hint:" in message(ex)
    assert all(PRESETS[k] for k in PRESETS)


def test_headless_png():
    b = BroadcastExplorer()._repr_mimebundle_()
    assert b["image/png"] and b["text/plain"] == "BroadcastExplorer: [3, 1] and [4] -> [3, 4]"

"""PoolExplorer: outputs, windows and gradients equal learntorch's and PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
from _widget_controls import controls, message, picture

import learntorch as lt
from learntorch.widgets import PoolExplorer
from learntorch.widgets.pool import NOTE_003

SETTINGS = [
    {},
    {"ceil_mode": False},
    {"mode": "avg"},
    {"mode": "avg", "padding": 1, "stride": 2, "count_include_pad": False},
    {"mode": "avg", "padding": 1, "stride": 2, "ceil_mode": True},
    {"kernel_size": 2, "stride": 1, "padding": 1},
    {"kernel_size": 2, "dilation": 2, "stride": 2, "ceil_mode": True},
]


def torch_pool(torch, ex, x):
    F = torch.nn.functional
    if ex.mode == "max":
        return F.max_pool2d(x, ex.kernel_size, ex.stride, ex.padding, ex.dilation, ceil_mode=ex.ceil_mode)
    return F.avg_pool2d(x, ex.kernel_size, ex.stride, ex.padding, ex.ceil_mode, ex.count_include_pad)


@pytest.mark.parametrize("size", [5, 7])
@pytest.mark.parametrize("settings", SETTINGS)
def test_output_gradients_and_formula_match_torch(torch, settings, size):
    ex = PoolExplorer(**settings)
    ex.update(size=size)
    assert ex.error is None
    x = torch.tensor(ex.input[None, None], requires_grad=True)
    y = torch_pool(torch, ex, x)
    np.testing.assert_allclose(ex.output, y[0, 0].detach().numpy(), rtol=1e-6)
    assert ex.formula[-1].endswith(f"= {y.shape[2]}")
    y.sum().backward()
    np.testing.assert_allclose(ex.grad, x.grad[0, 0].numpy(), rtol=1e-6)
    for step in range(ex.output.size):
        ex.update(step=step)
        oy, ox = divmod(step, ex.output.shape[1])
        x2 = torch.tensor(ex.input[None, None], requires_grad=True)
        torch_pool(torch, ex, x2)[0, 0, oy, ox].backward()
        np.testing.assert_allclose(ex.cell_grad, x2.grad[0, 0].numpy(), rtol=1e-6)
        inside = [(r, c) for r, c in ex.window if 0 <= r < size and 0 <= c < size]
        fed = {tuple(i) for i in np.argwhere(ex.cell_grad != 0)}
        assert fed <= set(inside)
        if ex.mode == "max":
            assert ex.value == max(ex.input[r, c] for r, c in inside)
        else:
            assert fed == set(inside)


def test_note_003_example(torch):
    ex = PoolExplorer()
    ref = torch.nn.MaxPool2d(kernel_size=3, ceil_mode=True)(
        torch.tensor(NOTE_003, dtype=torch.float32).reshape(-1, 1, 5, 5)
    )
    assert ex.output.tolist() == ref[0, 0].tolist() == [[2.0, 3.0], [5.0, 1.0]]
    assert ex.formula[1] == "H_out = ⌈(5 + 2·0 − 1·(3 − 1) − 1) / 3⌉ + 1 = 2"
    ex.update(ceil_mode=False, size=6)
    controls(ex)["note 003: 5×5, kernel 3, ceil_mode"].click()
    assert ex.output.tolist() == [[2.0, 3.0], [5.0, 1.0]] and ex.ceil_mode


def test_students_layer_and_input():
    x = lt.arange(36.0).view(1, 1, 6, 6)
    ex = PoolExplorer(lt.nn.AvgPool2d(2, stride=2, padding=1, count_include_pad=False), x)
    assert (ex.mode, ex.kernel_size, ex.stride, ex.padding, ex.count_include_pad) == ("avg", 2, 2, 1, False)
    ref = lt.nn.AvgPool2d(2, stride=2, padding=1, count_include_pad=False)(x)
    np.testing.assert_allclose(ex.output, ref.numpy()[0, 0])


def test_controls_change_state_and_picture():
    ex = PoolExplorer()
    c = controls(ex)
    before = picture(ex)
    c["pool"].value = "avg"
    assert ex.mode == "avg" and picture(ex) != before
    assert c["dilation"].disabled and not c["count_include_pad"].disabled
    c["ceil_mode"].value = False
    assert ex.output.shape == (1, 1) and c["output cell"].max == 0 and c["output cell"].disabled
    c["stride (0=k)"].value = 1
    assert (
        ex.stride == 1
        and ex.output.shape == (3, 3)
        and c["output cell"].max == 8
        and not c["output cell"].disabled
    )
    c["output cell"].value = 8
    assert ex.cell == (2, 2)
    c["input size"].value = 8
    assert ex.input.shape == (8, 8) and ex.output.shape == (6, 6)
    c["stride (0=k)"].value = 0
    assert ex.stride is None


def test_bad_settings_show_torchs_error(torch):
    ex = PoolExplorer()
    c = controls(ex)
    c["padding"].value = 2
    with pytest.raises(RuntimeError) as info:
        torch.nn.functional.max_pool2d(torch.ones(1, 1, 5, 5), 3, padding=2)
    assert ex.error.splitlines()[0] == "RuntimeError: " + str(info.value)
    assert "hint:" in ex.error and "RuntimeError" in message(ex)
    c["padding"].value = 0
    assert ex.error is None and message(ex) == ""
    ex.update(mode="median")
    assert ex.error.startswith("ValueError: unknown pooling mode 'median'\nhint:")


def test_headless_png():
    b = PoolExplorer()._repr_mimebundle_()
    assert b["image/png"] and b["text/plain"].startswith("PoolExplorer: max pool k=3 on [5, 5] -> [2, 2]")

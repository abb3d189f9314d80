"""ConvExplorer: every number it shows equals what learntorch and PyTorch compute."""

from __future__ import annotations

import numpy as np
import pytest
from _widget_controls import controls, message, picture

import learntorch as lt
from learntorch.widgets import ConvExplorer
from learntorch.widgets.conv import parse_kernel, preset_kernel

SETTINGS = [
    {},
    {"padding": 1, "stride": 2},
    {"dilation": 2, "padding": 2, "size": 7},
    {"in_channels": 2, "out_channels": 4, "groups": 2, "kernel_size": 2},
    {"in_channels": 3, "out_channels": 2, "kernel_size": 1, "stride": 3},
    {"transposed": True, "stride": 2, "padding": 1, "output_padding": 1, "size": 5},
    {"transposed": True, "in_channels": 2, "out_channels": 2, "groups": 2, "dilation": 2, "size": 4},
]


def torch_conv(torch, ex):
    x = torch.tensor(ex.input[None])
    w = torch.tensor(ex.weight)
    kw = {"stride": ex.stride, "padding": ex.padding, "dilation": ex.dilation, "groups": ex.groups}
    if ex.transposed:
        return torch.nn.functional.conv_transpose2d(x, w, output_padding=ex.output_padding, **kw)
    return torch.nn.functional.conv2d(x, w, **kw)


@pytest.mark.parametrize("settings", SETTINGS)
def test_output_and_formula_match_torch(torch, settings):
    ex = ConvExplorer(**settings)
    assert ex.error is None
    y = torch_conv(torch, ex)
    assert ex.out_shape == tuple(y.shape)
    np.testing.assert_allclose(ex.output, y[0].numpy(), rtol=1e-6, atol=1e-6)
    assert ex.formula[1].endswith(f"= {y.shape[2]}")


@pytest.mark.parametrize("settings", SETTINGS)
def test_multiply_adds_sum_to_the_cell_and_window_is_what_autograd_reads(torch, settings):
    ex = ConvExplorer(**settings)
    n = ex.out_shape[2] * ex.out_shape[3]
    for step in sorted({0, n // 2, n - 1}):
        for oc in range(ex.out_shape[1]):
            ex.update(step=step, out_channel=oc)
            oy, ox = divmod(step, ex.out_shape[3])
            assert ex.cell == (oc, oy, ox)
            x = torch.tensor(ex.input[None], requires_grad=True)
            # the value: the written-out products add up to torch's output cell
            ref = torch_conv(torch, ex)[0, oc, oy, ox].item()
            assert sum(t.x * t.w for t in ex.terms) == pytest.approx(ref, abs=1e-5)
            assert ex.value == pytest.approx(ref, abs=1e-6)
            # the window: with all-ones weights, autograd says which input cells feed the cell
            ones = torch.ones(ex.weight.shape)
            kw = {"stride": ex.stride, "padding": ex.padding, "dilation": ex.dilation, "groups": ex.groups}
            if ex.transposed:
                y = torch.nn.functional.conv_transpose2d(x, ones, output_padding=ex.output_padding, **kw)
            else:
                y = torch.nn.functional.conv2d(x, ones, **kw)
            y[0, oc, oy, ox].backward()
            fed = {tuple(i) for i in np.argwhere(x.grad[0].numpy() != 0)}
            assert {(t.channel, t.row, t.col) for t in ex.terms if not t.padding} == fed
            for t in ex.terms:
                assert t.w == ex.weight[t.weight_index]
                if t.padding:
                    assert t.x == 0


def test_feature_map_is_conv_of_the_photo(torch):
    ex = ConvExplorer(stride=2, padding=1, preset="blur")
    img = torch.tensor(ex._image[None, None])
    ref = torch.nn.functional.conv2d(
        img, torch.tensor(preset_kernel("blur", 3)[None, None]).float(), stride=2, padding=1
    )
    np.testing.assert_allclose(ex.feature_map, ref[0, 0].numpy(), rtol=1e-5, atol=1e-6)
    assert ex._image.shape == (48, 48) and ex._image_name.startswith("Grace Hopper")


def test_students_layer_and_input_are_used(torch):
    lt.manual_seed(3)
    layer = lt.nn.Conv2d(2, 3, 3, padding=1, stride=2)
    x = lt.randn(1, 2, 6, 6)
    ex = ConvExplorer(layer, x)
    assert (ex.in_channels, ex.out_channels, ex.stride, ex.padding, ex.size) == (2, 3, 2, 1, 6)
    mine = layer(x).detach().numpy()[0]
    np.testing.assert_allclose(ex.output, mine, rtol=1e-6, atol=1e-6)
    tl = torch.nn.Conv2d(2, 3, 3, padding=1, stride=2)
    with torch.no_grad():
        tl.weight.copy_(torch.tensor(layer.weight.detach().numpy()))
        tl.bias.copy_(torch.tensor(layer.bias.detach().numpy()))
    np.testing.assert_allclose(
        ex.output, tl(torch.tensor(x.numpy()))[0].detach().numpy(), rtol=1e-5, atol=1e-5
    )
    assert sum(t.x * t.w for t in ex.terms) + float(layer.bias[0]) == pytest.approx(ex.value, abs=1e-5)


def test_note_000_transpose_12_to_24(torch):
    ex = ConvExplorer()
    ex.widget()
    controls(ex)["note 000: ConvTranspose2d 12→24"].click()
    assert ex.out_shape == (1, 1, 24, 24)
    ref = torch.nn.ConvTranspose2d(1, 1, 3, stride=2, padding=1, output_padding=1)(torch.randn(1, 1, 12, 12))
    assert ex.out_shape[2:] == tuple(ref.shape[2:])
    assert ex.formula[1] == "H_out = (12 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 24"


def test_controls_change_state_and_picture():
    ex = ConvExplorer()
    c = controls(ex)
    before = picture(ex)
    c["stride"].value = 2
    assert ex.stride == 2 and ex.out_shape == (1, 1, 2, 2)
    assert c["output cell"].max == 3
    assert picture(ex) != before
    c["output cell"].value = 3
    assert ex.cell == (0, 1, 1)
    c["preset"].value = "blur"
    assert c["edit"].value == "0.111 0.111 0.111; 0.111 0.111 0.111; 0.111 0.111 0.111"
    c["edit"].value = "0 1 0; 1 -4 1; 0 1 0"
    assert ex.preset == "custom" and ex.kernel[1, 1] == -4 and c["preset"].value == "custom"
    for name in ("padding", "dilation", "input size", "in channels", "groups", "out channels"):
        c[name].value = c[name].value + 1
        assert ex.error is None or "hint:" in ex.error
    c["transposed"].value = True
    assert ex.transposed and ex.layer.__class__.__name__ == "ConvTranspose2d"


def test_bad_settings_show_torchs_error_in_the_widget(torch):
    ex = ConvExplorer(size=5)
    c = controls(ex)
    c["kernel size"].value = 7  # a slider change: no exception escapes the callback
    assert ex.error.startswith(
        "RuntimeError: Calculated padded input size per channel: (5 x 5). Kernel size: (7 x 7)."
    )
    with pytest.raises(RuntimeError) as info:
        torch.nn.functional.conv2d(torch.ones(1, 1, 5, 5), torch.ones(1, 1, 7, 7))
    assert ex.error.splitlines()[0] == "RuntimeError: " + str(info.value).splitlines()[0]
    assert "hint:" in ex.error and "formula: H_out" in ex.error
    assert "RuntimeError" in message(ex)
    c["kernel size"].value = 3
    assert ex.error is None and message(ex) == ""
    ex.update(in_channels=3, groups=2)
    assert ex.error.startswith("ValueError: in_channels must be divisible by groups\nhint: groups splits")
    assert ex.error.endswith("\nformula: " + ex.formula[1])
    with pytest.raises(ValueError, match="in_channels must be divisible by groups"):
        torch.nn.Conv2d(3, 2, 3, groups=2)
    ex.update(groups=1, transposed=True, output_padding=2)
    assert ex.error.startswith("RuntimeError: output padding must be smaller than either stride or dilation")
    c["edit"].value = "1 2; 3"
    assert ex.error.startswith("ValueError: kernel rows differ in length") and "hint:" in ex.error


def test_kernel_parsing_and_presets():
    assert parse_kernel("1, 2; 3 4").tolist() == [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match="hint: write the kernel as numbers"):
        parse_kernel("1 a")
    assert preset_kernel("identity", 5)[2, 2] == 1 and preset_kernel("identity", 5).sum() == 1
    assert preset_kernel("blur", 4).sum() == pytest.approx(1)
    assert preset_kernel("sharpen", 3).sum() == pytest.approx(1)


def test_headless_bundle_has_a_png():
    bundle = ConvExplorer()._repr_mimebundle_()
    assert bundle["image/png"] and "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/plain"].startswith("ConvExplorer: Conv2d on [6, 6] -> [1, 1, 4, 4]")

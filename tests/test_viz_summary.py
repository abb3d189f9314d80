"""viz.summary: layer tree, shapes, parameter counts, mult-adds and memory, against hand counts."""

from __future__ import annotations

import pytest

import learntorch as lt
from learntorch import nn, viz


def _lenet(lib):
    n = lib.nn
    return n.Sequential(
        n.Conv2d(1, 6, kernel_size=5, padding=2), n.Sigmoid(), n.AvgPool2d(kernel_size=2, stride=2),
        n.Conv2d(6, 16, kernel_size=5), n.Sigmoid(), n.AvgPool2d(kernel_size=2, stride=2), n.Flatten(),
        n.Linear(16 * 5 * 5, 120), n.Sigmoid(), n.Linear(120, 84), n.Sigmoid(), n.Linear(84, 10),
    )  # fmt: skip


# hand counts for d2l's LeNet on a 1x1x28x28 input
LENET_PARAMS = 6 * 25 + 6 + 16 * 6 * 25 + 16 + 400 * 120 + 120 + 120 * 84 + 84 + 84 * 10 + 10  # 61,706
LENET_MACS = (156 * 28 * 28) + (2416 * 10 * 10) + 48120 + 10164 + 850  # weights+bias x output positions
LENET_SHAPES = [
    (1, 10), (1, 6, 28, 28), (1, 6, 28, 28), (1, 6, 14, 14), (1, 16, 10, 10), (1, 16, 10, 10),
    (1, 16, 5, 5), (1, 400), (1, 120), (1, 120), (1, 84), (1, 84), (1, 10),
]  # fmt: skip


def _check_lenet(s):
    assert s.total_params == LENET_PARAMS == 61706
    assert s.trainable_params == 61706 and s.non_trainable_params == 0
    assert s.total_mult_adds == LENET_MACS
    assert [r.output_shape for r in s.rows] == LENET_SHAPES
    assert [r.num_params for r in s.rows if r.num_params] == [156, 2416, 48120, 10164, 850]
    # torchinfo: 2 x the outputs of the leaf layers that have parameters (conv, conv, 3 linear)
    assert s.forward_backward_bytes == 2 * 4 * (6 * 28 * 28 + 16 * 10 * 10 + 120 + 84 + 10)
    assert s.params_bytes == 4 * 61706 and s.input_bytes == 4 * 28 * 28
    text = str(s)
    assert "Forward/backward pass size (MB): 0.05" in text
    assert "├─Conv2d: 1-1" in text and "[1, 6, 28, 28]" in text
    assert "Total params: 61,706" in text and "Trainable params: 61,706" in text
    assert "Total mult-adds (K): 423.04" in text
    assert "Params size (MB): 0.25" in text


def test_lenet_numbers_on_torch_model(torch):
    # the summary works on any module with PyTorch's hook API; real torch checks the hand counts
    _check_lenet(viz.summary(_lenet(torch), input_size=(1, 1, 28, 28), verbose=0))


def test_lenet_numbers_on_learntorch():
    if not hasattr(nn, "Conv2d") or not hasattr(nn, "AvgPool2d"):
        pytest.skip("nn.Conv2d / nn.AvgPool2d not available yet")
    _check_lenet(viz.summary(_lenet(lt), input_size=(1, 1, 28, 28), verbose=0))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(x))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 8)
        self.blocks = nn.Sequential(Block(), Block())
        self.out = nn.Linear(8, 3, bias=False)
        self.scale = nn.Parameter(lt.ones(3))
        self.out.weight.requires_grad_(False)

    def forward(self, x):
        return self.out(self.blocks(self.inp(x))) * self.scale


def test_mlp_tree_counts_and_depth():
    s = viz.summary(Net(), input_size=(5, 4))
    assert [(r.name, r.depth, r.index) for r in s.rows] == [
        ("", 0, 1), ("inp", 1, 1), ("blocks", 1, 2), ("blocks.0", 2, 1), ("blocks.0.fc", 3, 1),
        ("blocks.0.act", 3, 2), ("blocks.1", 2, 2), ("blocks.1.fc", 3, 1), ("blocks.1.act", 3, 2), ("out", 1, 3),
    ]  # fmt: skip
    assert s.total_params == (4 * 8 + 8) + 2 * (8 * 8 + 8) + 8 * 3 + 3 == 211
    assert s.trainable_params == 211 - 24 and s.non_trainable_params == 24
    assert s.rows[0].num_params == 3  # the model's own `scale`
    assert s.total_mult_adds == 5 * 40 + 2 * 5 * 72 + 5 * 24
    assert s.rows[4].output_shape == (5, 8) and s.rows[-1].input_shape == (5, 8)
    shallow = viz.summary(
        Net(), input_size=(5, 4), depth=1, col_names=("input_size", "output_size", "num_params")
    )
    text = str(shallow)
    assert "├─Sequential: 1-2" in text and "Block" not in text
    # the cut-off container shows its subtree's parameters
    line = next(ln for ln in text.splitlines() if "Sequential: 1-2" in ln)
    assert line.split()[-1] == "144"
    html = shallow._repr_html_()
    assert (
        "<table" in html
        and "blocks (Sequential)" in html
        and ">Total params</td>" in html
        and ">211<" in html
    )


def test_summary_needs_an_input():
    with pytest.raises(ValueError, match="input_size"):
        viz.summary(Net())


class ReadmeConvNet(nn.Module):
    """The model of torchinfo's README (conv-pool twice, dropout, two linear layers)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.conv2_drop = nn.Dropout2d()
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)

    def forward(self, x):
        x = nn.functional.relu(nn.functional.max_pool2d(self.conv1(x), 2))
        x = nn.functional.relu(nn.functional.max_pool2d(self.conv2_drop(self.conv2(x)), 2))
        x = x.view(-1, 320)
        x = nn.functional.relu(self.fc1(x))
        return nn.functional.log_softmax(self.fc2(x), dim=1)


def test_memory_follows_torchinfo_definition(capsys):
    """torchinfo's README, batch 16: 21,840 params, input 0.05 MB; the
    forward/backward size is 2 x (outputs of conv1, conv2, fc1, fc2) = 908,800 bytes: 0.91 MB in
    torchinfo's current units of 1e6 bytes (the README's older 0.87 is the same bytes in MiB)."""
    s = viz.summary(ReadmeConvNet(), input_size=(16, 1, 28, 28), verbose=1)
    out = capsys.readouterr().out
    assert out.strip() == str(s)  # verbose=1 prints the table, as torchinfo does
    assert s.total_params == 21840 and s.input_bytes == 16 * 784 * 4
    assert s.forward_backward_bytes == 2 * 4 * 16 * (10 * 24 * 24 + 20 * 8 * 8 + 50 + 10) == 908_800
    assert 908_800 / 2**20 == pytest.approx(0.87, abs=0.005)
    # mult-adds as torchinfo's code counts them today: (weight + bias) x batch x output positions
    assert s.total_mult_adds == 260 * 16 * 24 * 24 + 5020 * 16 * 8 * 8 + 16050 * 16 + 510 * 16
    assert "Total mult-adds (M): 7.80" in out and "Forward/backward pass size (MB): 0.91" in out
    assert "Input size (MB): 0.05" in out and "Params size (MB): 0.09" in out
    assert "Estimated Total Size (MB): 1.05" in out
    viz.summary(ReadmeConvNet(), input_size=(16, 1, 28, 28), verbose=0)
    assert capsys.readouterr().out == ""


def test_torchinfo_columns_rows_and_verbose(capsys):
    viz.summary(
        ReadmeConvNet(), input_size=(2, 1, 28, 28), verbose=2,
        col_names=("kernel_size", "output_size", "num_params", "params_percent", "groups"),
        row_settings=("var_names", "depth"),
    )  # fmt: skip
    text = capsys.readouterr().out
    header = text.splitlines()[1].split()
    assert header[:5] == ["Layer", "(type", "(var_name):depth-idx)", "Kernel", "Shape"]
    assert "Param %" in text.splitlines()[1] and "Groups" in text.splitlines()[1]
    conv1 = next(ln for ln in text.splitlines() if "Conv2d (conv1): 1-1" in ln)
    assert conv1.split()[3:] == ["[5,", "5]", "[2,", "10,", "24,", "24]", "260", "1.19%", "1"]
    assert f"{5020 / 21840:.2%}" in text and f"{16050 / 21840:.2%}" in text
    # verbose=2 lists each layer's weights, in torchinfo's order [in, out, k, k]
    weight = next(ln for ln in text.splitlines() if "├─weight" in ln)
    assert weight.split()[2:] == ["[1,", "10,", "5,", "5]", "├─250"]
    assert "[320, 50]" in text and "└─10" in text
    ascii_text = str(
        viz.summary(ReadmeConvNet(), input_size=(1, 1, 28, 28), verbose=0, row_settings=("ascii_only",))
    )
    assert "+ Conv2d" in ascii_text and "├─" not in ascii_text and ": 1-1" not in ascii_text
    with pytest.raises(ValueError, match="'kernel' is not a valid ColumnSettings") as e:
        viz.summary(ReadmeConvNet(), input_size=(1, 1, 28, 28), col_names=("kernel",))
    assert "hint: col_names can be any of" in str(e.value) and "kernel_size" in str(e.value)
    # dtypes and device, as in torchinfo
    emb = nn.Sequential(nn.Embedding(20, 4), nn.Flatten(), nn.Linear(12, 2))
    s2 = viz.summary(emb, input_size=(5, 3), dtypes=[lt.long], device="cpu", verbose=0)
    assert s2.rows[1].output_shape == (5, 3, 4) and s2.input_bytes == 5 * 3 * 8


def test_html_is_styled_and_saved(tmp_path):
    s = viz.summary(ReadmeConvNet(), input_size=(1, 1, 28, 28), verbose=0)
    html = s._repr_html_()
    assert "border-bottom:1px solid" in html and "background:#f5f5f5" in html and "text-align:right" in html
    page = open(s.save(str(tmp_path / "summary.html")), encoding="utf-8").read()
    assert page.startswith("<!doctype html>") and html in page and "conv1 (Conv2d)" in page

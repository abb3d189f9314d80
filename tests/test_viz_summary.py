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
    leaf_out = sum(r.output_bytes for r in s.rows if r.is_leaf)
    assert leaf_out == 4 * sum(
        6 * 28 * 28 * 2 + 6 * 14 * 14 + 16 * 10 * 10 * 2 + 16 * 25 + 400 + 240 + 168 + 10 for _ in [0]
    )
    assert s.forward_backward_bytes == 2 * leaf_out
    assert s.params_bytes == 4 * 61706 and s.input_bytes == 4 * 28 * 28
    text = str(s)
    assert "├─Conv2d: 1-1" in text and "[1, 6, 28, 28]" in text
    assert "Total params: 61,706" in text and "Trainable params: 61,706" in text
    assert "Total mult-adds (K): 423.04" in text
    assert "Params size (MB): 0.25" in text


def test_lenet_numbers_on_torch_model(torch):
    # the summary works on any module with PyTorch's hook API; real torch checks the hand counts
    _check_lenet(viz.summary(_lenet(torch), input_size=(1, 1, 28, 28)))


def test_lenet_numbers_on_learntorch():
    if not hasattr(nn, "Conv2d") or not hasattr(nn, "AvgPool2d"):
        pytest.skip("nn.Conv2d / nn.AvgPool2d not available yet")
    _check_lenet(viz.summary(_lenet(lt), input_size=(1, 1, 28, 28)))


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
    assert "<table" in html and "blocks (Sequential)" in html and "Total params: 211" in html


def test_summary_needs_an_input():
    with pytest.raises(ValueError, match="input_size"):
        viz.summary(Net())

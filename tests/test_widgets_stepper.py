"""BackwardStepper: the steps are the engine's order, and every gradient is torch's."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch
from learntorch import nn
from learntorch.widgets import BackwardStepper


def torch_steps(torch, out):
    """Torch's backward order and gradients, seen through pre-hooks on every node (leaves too)."""
    nodes, stack = [], [out.grad_fn]
    while stack:
        n = stack.pop()
        if n is None or n in nodes:
            continue
        nodes.append(n)
        stack.extend(f for f, _ in n.next_functions)
    log = []
    for n in nodes:
        n.register_prehook(
            lambda g, n=n: log.append((n.name(), [None if t is None else t.numpy().copy() for t in g]))
        )
    out.backward()
    return log


def note_expression(lib):
    x = lib.tensor(2.0, requires_grad=True)
    return x, x**2 + 2 * x + 2


def mlp_loss(lib):
    lib.manual_seed(0)
    w1 = lib.randn(3, 4, requires_grad=True)
    b1 = lib.zeros(4, requires_grad=True)
    w2 = lib.randn(4, 1, requires_grad=True)
    x = lib.from_numpy(np.linspace(-1, 1, 15, dtype=np.float32).reshape(5, 3))
    h = (x @ w1 + b1).relu()
    y = (h @ w2).tanh()
    return [w1, b1, w2], ((y - 0.5) ** 2).mean() + (w1 * w1).sum() * 0.01


@pytest.mark.parametrize("build", [note_expression, mlp_loss])
def test_order_and_gradients_equal_torch(torch, build):
    leaves, out = build(learntorch)
    st = BackwardStepper(out)
    assert st.error is None
    t_leaves, t_out = build(torch)
    for a, b in zip(
        leaves if isinstance(leaves, list) else [leaves],
        t_leaves if isinstance(t_leaves, list) else [t_leaves],
    ):
        b.data.copy_(torch.from_numpy(a.detach().numpy()))
    want = torch_steps(torch, t_out)
    assert [s.node for s in st.steps] == [name for name, _ in want]
    for s, (_, grads) in zip(st.steps, want):
        assert len(s.grad_in) == len(grads)
        for mine, theirs in zip(s.grad_in, grads):
            np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-7)


def test_note_expression_step_by_step():
    x = learntorch.tensor(2.0, requires_grad=True)
    st = BackwardStepper(x**2 + 2 * x + 2, params={"x": x})
    pow_step = next(s for s in st.steps if s.node == "PowBackward0")
    assert pow_step.local == [("x", pytest.approx(4.0))]  # d(x²)/dx at 2
    assert pow_step.grad_out == [("x", pytest.approx(4.0))]
    assert [float(t) for t in pow_step.saved] == [2.0]  # x, saved for the backward of x**2
    leaf = st.steps[-1]
    assert leaf.label == "x" and leaf.grad_before is None and leaf.grad_after == 6.0
    assert sorted((src, float(g)) for src, g in leaf.parts) == [("MulBackward0", 2.0), ("PowBackward0", 4.0)]
    st.update(step=len(st.steps) - 1)
    text = st.describe()
    assert "= sum of 2 paths" in text and "x.grad: None  →  6" in text
    assert x.grad is None  # the stepper leaves the student's tensors as they were
    x2 = (x * 3).sum()
    x2.backward()
    assert x.grad.item() == 3.0  # and the graph is still usable


def test_accumulation_onto_an_existing_grad():
    x = learntorch.tensor([1.0, -1.0], requires_grad=True)
    x.grad = learntorch.tensor([10.0, 10.0])
    st = BackwardStepper((x * x).sum(), params={"x": x})
    leaf = st.steps[-1]
    assert leaf.grad_before.tolist() == [10.0, 10.0] and leaf.grad_after.tolist() == [12.0, 8.0]
    assert x.grad.tolist() == [10.0, 10.0]


def test_small_model_loss_names_parameters():
    learntorch.manual_seed(0)
    m = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    loss = nn.functional.mse_loss(m(learntorch.randn(5, 3)), learntorch.randn(5, 1))
    st = BackwardStepper(loss, params=dict(m.named_parameters()))
    assert st.error is None
    leaves = {s.label: s for s in st.steps if s.node.endswith("AccumulateGrad")}
    assert set(leaves) == {"0.weight", "0.bias", "2.weight", "2.bias"}
    loss.backward()
    for name, p in m.named_parameters():
        np.testing.assert_allclose(leaves[name].grad_after, p.grad.numpy(), rtol=1e-6)


def test_non_scalar_shows_torchs_error_with_hint(torch):
    t = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError) as want:
        (t * 2).backward()
    x = learntorch.ones(3, requires_grad=True)
    st = BackwardStepper(x * 2)
    assert st.error.startswith(f"RuntimeError: {want.value}")
    assert "hint:" in st.error and st.steps == []
    assert st.png() is None or st.png()[:4] == b"\x89PNG"


def test_not_a_tensor_and_no_grad():
    st = BackwardStepper(3.0)
    assert st.error.startswith("TypeError: BackwardStepper needs a tensor, got float") and "hint:" in st.error
    st = BackwardStepper(learntorch.ones(()) * 2)
    assert st.error.startswith("RuntimeError: element 0 of tensors does not require grad")


def test_buttons_and_slider_move_through_the_steps():
    st = BackwardStepper()
    box = st.widget()
    back, fwd, slider = box.children[0].children
    assert slider.max == len(st.steps) - 1 == 4
    fwd.click()
    fwd.click()
    assert st.step == 2 and slider.value == 2
    back.click()
    assert st.step == 1
    slider.value = 4
    assert st.step == 4 and "accumulated into .grad" in st.summary()
    for _ in range(3):
        fwd.click()
    assert st.step == 4  # stays on the last step
    x = learntorch.tensor(1.0, requires_grad=True)
    st.update(output=(x.exp() * x).sin(), params={"x": x})
    assert st.step == 0 and slider.max == len(st.steps) - 1 and st.error is None

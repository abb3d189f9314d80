"""LayerExplorer: shapes, activations, gradients and training steps equal torch's on the same model."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch
from learntorch import nn
from learntorch.widgets import LayerExplorer
from learntorch.widgets.layer import bars


def torch_copy(torch, model):
    """The default model's architecture in torch, with the same weights."""
    t = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.MaxPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(64, 2),
    )
    t.load_state_dict({k: torch.from_numpy(v.numpy().copy()) for k, v in model.state_dict().items()})
    return t


def test_shapes_activations_and_gradients_equal_torch(torch):
    ex = LayerExplorer()
    assert ex.error is None
    x, y = bars()
    tm = torch_copy(torch, ex.model)
    acts = {}
    for name, mod in tm.named_modules():
        mod.register_forward_hook(lambda m, i, o, name=name: acts.__setitem__(name, (tuple(i[0].shape), o)))
    tx, ty = torch.from_numpy(x.numpy()), torch.from_numpy(y.numpy())
    loss = torch.nn.functional.cross_entropy(tm(tx), ty)
    loss.backward()
    assert ex.shapes == {n: (i, tuple(o.shape)) for n, (i, o) in acts.items()}
    for name, (_, out) in acts.items():
        np.testing.assert_allclose(ex.activations[name], out.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert ex.loss == pytest.approx(loss.item(), rel=1e-6)
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(ex.grads[name], p.grad.numpy(), rtol=1e-4, atol=1e-7)


def test_train_n_steps_equals_torch_sgd(torch):
    ex = LayerExplorer()
    tm = torch_copy(torch, ex.model)
    x, y = bars()
    tx, ty = torch.from_numpy(x.numpy()), torch.from_numpy(y.numpy())
    opt = torch.optim.SGD(tm.parameters(), lr=0.1)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(tm(tx), ty)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    losses.append(torch.nn.functional.cross_entropy(tm(tx), ty).item())
    ex.update(trained=5)
    assert ex.error is None and ex.trained == 5
    np.testing.assert_allclose(ex.losses, losses, rtol=1e-5)
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(ex.weights[name], p.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert len(ex._inspector.history) == 5


def test_inspector_warnings_are_shown_after_training():
    learntorch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1))
    x = learntorch.randn(32, 4) * 50  # tanh saturates
    ex = LayerExplorer(model, x, target=learntorch.zeros(32, 1), loss_fn=nn.MSELoss(), layer="1")
    assert ex.warnings == []
    ex.update(trained=3)
    assert any(w.startswith("Saturated Tanh") for w in ex.warnings)
    assert ex.error is None and ex._warn.get_text().startswith("⚠ Saturated Tanh")


def test_own_model_without_target_uses_mean_square_and_any_layer():
    learntorch.manual_seed(1)
    model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Sequential(nn.Linear(5, 2)))
    x = learntorch.randn(6, 3)
    ex = LayerExplorer(model, x, layer="2.0")
    out = model(x)
    assert ex.loss == pytest.approx(out.pow(2).mean().item())
    assert ex.shapes["2.0"] == ((6, 5), (6, 2)) and ex.shapes["2"] == ((6, 5), (6, 2))
    np.testing.assert_allclose(ex.activations["2.0"], out.detach().numpy(), rtol=1e-6)
    ex.update(layer="1")
    assert "no parameters of its own" in ex._panel_text() and ex.png()[:4] == b"\x89PNG"


def test_bad_batch_shows_torchs_error_with_hint(torch):
    with pytest.raises(RuntimeError) as want:
        torch.nn.Linear(64, 2)(torch.zeros(3, 36))
    ex = LayerExplorer()
    ex.update(x=learntorch.randn(3, 1, 6, 6))
    assert ex.error.startswith(f"RuntimeError: {want.value}") and "hint:" in ex.error
    ex.update(x=bars()[0], layer="nope")
    assert ex.error.startswith("KeyError") and "hint: pick one of" in ex.error


def test_tree_and_button_drive_the_state():
    ex = LayerExplorer()
    ex.widget()
    ex._w_tree.value = "4"
    assert ex.layer == "4" and ex._panel_text().splitlines()[6].startswith("▶  4 Linear")
    ex._w_n.value = 2
    button = ex._widget.children[0].children[1].children[0].children[1]
    button.click()
    button.click()
    assert ex.trained == 4 and len(ex.losses) == 5 and ex.error is None

"""ActivationExplorer: curves, autograd derivatives and zone statistics equal PyTorch's."""

from __future__ import annotations

import numpy as np
import pytest
from _widget_controls import controls, message, picture

import learntorch as lt
from learntorch.widgets import ActivationExplorer
from learntorch.widgets.activation import ACTIVATIONS, SATURATED, parameters

CASES = [(name, {}) for name in ACTIVATIONS] + [
    ("LeakyReLU", {"negative_slope": 0.2}),
    ("ELU", {"alpha": 0.5}),
    ("CELU", {"alpha": 2.0}),
    ("Softplus", {"beta": 2.0, "threshold": 3.0}),
    ("Hardtanh", {"min_val": -2.0, "max_val": 0.5}),
    ("GELU", {"approximate": "tanh"}),
    ("PReLU", {"init": 0.1}),
]


def torch_grad(torch, module, values):
    t = torch.tensor(values, requires_grad=True)
    out = module(t)
    out.sum().backward()
    return out.detach().numpy(), t.grad.numpy()


@pytest.mark.parametrize("name,params", CASES)
def test_curve_derivative_and_zones_match_torch(torch, name, params):
    ex = ActivationExplorer(name=name, params=params, x0=-1.5, mean=0.5, std=1.5)
    assert ex.error is None
    module = getattr(torch.nn, name)(**params)
    y, dy = torch_grad(torch, module, ex.x)
    np.testing.assert_allclose(ex.y, y, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ex.dy, dy, rtol=1e-4, atol=2e-6)  # GELU(tanh) far left: 1e-6 vs 0
    pv, pg = torch_grad(torch, module, np.array([-1.5], dtype=np.float32))
    assert ex.probe_value == pytest.approx(float(pv[0]), rel=1e-5, abs=1e-6)
    assert ex.probe_grad == pytest.approx(float(pg[0]), rel=1e-4, abs=1e-6)
    _, sg = torch_grad(torch, module, ex.samples)
    # GELU(tanh): torch's backward underflows to exactly 0 below x ≈ -5.4 where learntorch gives ~1e-6,
    # so torch counts 2 of 4000 samples as dead that learntorch counts as saturated
    tol = 1e-3 if params.get("approximate") == "tanh" else 0
    assert ex.dead_frac == pytest.approx(np.mean(sg == 0), abs=tol)
    # saturated: slope below SATURATED (10%) of its peak over the drawn range, the inspector's definition
    threshold = SATURATED * np.max(np.abs(dy))
    assert ex.saturation_slope == pytest.approx(threshold, rel=1e-4)
    assert ex.saturated_frac == pytest.approx(np.mean((np.abs(sg) < threshold) & (sg != 0)), abs=2e-3)
    for a, b in ex.dead:  # every grid point inside a dead zone has gradient exactly 0
        assert np.all(dy[(ex.x >= a) & (ex.x <= b)] == 0)


def test_note_000_tanh_at_4(torch):
    ex = ActivationExplorer(name="ReLU", x0=1.0)
    ex.widget()
    controls(ex)["note 000: tanh at x = 4"].click()
    assert (ex.name, ex.x0) == ("Tanh", 4.0)
    assert ex.probe_grad == pytest.approx(1 - np.tanh(4.0) ** 2, rel=1e-4)
    assert ex.saturated and ex.saturated[-1][1] == 6.0 and ex.dead == []


def test_students_module():
    ex = ActivationExplorer(lt.nn.LeakyReLU(0.3))
    assert ex.name == "LeakyReLU" and ex.params == {"negative_slope": 0.3}
    assert ex.probe_value == pytest.approx(4.0)
    ex = ActivationExplorer(lt.nn.PReLU(init=0.05), x0=-2.0)
    assert ex.params == {"init": pytest.approx(0.05)} and ex.probe_value == pytest.approx(-0.1)


def test_controls_change_state_and_picture():
    ex = ActivationExplorer()
    c = controls(ex)
    before = picture(ex)
    c["activation"].value = "LeakyReLU"
    assert ex.name == "LeakyReLU" and picture(ex) != before
    c = controls(ex)  # the parameter row was rebuilt for LeakyReLU
    assert "negative_slope" in c
    c["negative_slope"].value = 0.25
    assert ex.params == {"negative_slope": 0.25} and ex.dy[0] == pytest.approx(0.25)
    c["probe x0"].value = -2.0
    assert ex.probe_value == pytest.approx(-0.5)
    c["input mean"].value = 2.0
    assert ex.samples.mean() == pytest.approx(2.0, abs=0.1)
    c["input std"].value = 0.5
    assert ex.samples.std() == pytest.approx(0.5, abs=0.05)
    c["activation"].value = "GELU"
    assert list(parameters("GELU")) == ["approximate"]
    controls(ex)["approximate"].value = "tanh"
    assert ex.params == {"approximate": "tanh"} and repr(ex.module) == "GELU(approximate='tanh')"


def test_bad_input_is_shown_not_raised(torch):
    ex = ActivationExplorer(name="Hardtanh")
    ex.widget()
    ex.update(params={"min_val": 0.5, "max_val": 0.2})
    with pytest.raises(AssertionError) as info:
        torch.nn.Hardtanh(0.5, 0.2)
    assert ex.error.splitlines()[0] == "AssertionError: " + str(info.value)
    assert "hint:" in ex.error and "AssertionError" in message(ex)
    ex.update(name="Softmax")
    assert ex.error.startswith("ValueError: unknown activation 'Softmax'\nhint: choose one of ReLU")


def test_headless_png():
    b = ActivationExplorer()._repr_mimebundle_()
    assert b["image/png"] and b["text/plain"] == "ActivationExplorer: Tanh(): f(4) = 0.9993, f'(4) = 0.001341"


@pytest.mark.parametrize("name", ["Sigmoid", "Tanh"])
def test_saturated_zone_is_the_inspectors(name):
    """The explorer shades exactly where viz.GradientInspector counts inputs as saturated."""
    from learntorch.viz._grad_rules import saturation_point

    ex = ActivationExplorer(name=name)
    x_star = saturation_point(name, SATURATED)
    step = float(ex.x[1] - ex.x[0])
    (left, right) = ex.saturated[0], ex.saturated[-1]
    assert left[1] == pytest.approx(-x_star, abs=step) and right[0] == pytest.approx(x_star, abs=step)

"""GradientInspector: it must diagnose the classic failures of note 000 in tests."""

from __future__ import annotations

import math

import numpy as np
import pytest

import learntorch as lt
from learntorch import nn, viz


def test_vanishing_gradients_in_deep_sigmoid_mlp():
    lt.manual_seed(0)
    layers = []
    for _ in range(10):
        layers += [nn.Linear(16, 16), nn.Sigmoid()]
    net = nn.Sequential(*layers, nn.Linear(16, 1))
    opt = lt.optim.SGD(net.parameters(), lr=0.1)
    insp = viz.GradientInspector(net, opt)
    X, y = lt.randn(64, 16), lt.randn(64, 1)
    for _ in range(3):
        opt.zero_grad()
        nn.functional.mse_loss(net(X), y).backward()
        opt.step()
    assert len(insp.history) == 3
    g = insp.series("grad_norm", "0")
    g_last = insp.series("grad_norm", "20")
    assert all(a < 1e-4 * b for a, b in zip(g, g_last))
    rep = insp.report()
    assert "vanishing" in rep.kinds
    text = str(rep)
    assert "Vanishing gradients: the first layer (0)" in text and "sigmoid" in text
    # the same depth with ReLU and a Kaiming-style init does not vanish
    lt.manual_seed(0)
    relu = nn.Sequential(*[m for _ in range(10) for m in (nn.Linear(16, 16), nn.ReLU())], nn.Linear(16, 1))
    for m in relu.modules():
        if isinstance(m, nn.Linear):
            nn.init.kaiming_normal_(m.weight)
    opt2 = lt.optim.SGD(relu.parameters(), lr=1e-3)
    insp2 = viz.GradientInspector(relu, opt2)
    opt2.zero_grad()
    nn.functional.mse_loss(relu(X), y).backward()
    opt2.step()
    assert "vanishing" not in insp2.report().kinds


def _relu_run(lr, steps=10):
    lt.manual_seed(0)
    net = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3))
    opt = lt.optim.SGD(net.parameters(), lr=lr)
    insp = viz.GradientInspector(net, opt)
    X = lt.randn(128, 10) + 1
    y = (X[:, 0] > 1).long()
    for _ in range(steps):
        opt.zero_grad()
        nn.functional.cross_entropy(net(X), y).backward()
        opt.step()
    return insp


def test_dead_relus_after_too_high_learning_rate():
    ok = _relu_run(lr=0.01)
    assert "dead_relu" not in ok.report().kinds
    assert ok.latest()[1]["1"]["dead"] < 0.2
    bad = _relu_run(lr=5.0)
    rep = bad.report()
    assert "dead_relu" in rep.kinds
    issue = next(i for i in rep.issues if i.kind == "dead_relu")
    assert "output 0 for every sample" in issue.message and "learning rate" in issue.message
    assert max(bad.latest()[1][n]["dead"] for n in ("1", "3")) > 0.5


def test_tanh_at_4_barely_moves():
    """Note 000: f(x) = tanh(x) started at x = 4 has f'(4) = 1 - tanh(4)^2 = 0.0013."""

    class Tanh1(nn.Module):
        def __init__(self):
            super().__init__()
            self.x = nn.Parameter(lt.tensor([4.0]))
            self.act = nn.Tanh()

        def forward(self):
            return self.act(self.x)

    m = Tanh1()
    opt = lt.optim.SGD(m.parameters(), lr=0.1)
    insp = viz.GradientInspector(m, opt)
    for _ in range(20):
        opt.zero_grad()
        m().sum().backward()
        opt.step()
    assert m.x.grad.item() == pytest.approx(0.0013, abs=1e-4)
    assert insp.series("grad_norm", "Tanh1")[0] == pytest.approx(1 - math.tanh(4.0) ** 2, rel=1e-3)
    assert m.x.item() > 3.99  # twenty steps later it has barely moved
    rep = insp.report()
    assert "saturated" in rep.kinds
    assert insp.series("update_ratio", "Tanh1")[-1] < 1e-4  # vs about 1e-3 when learning is healthy
    assert "tanh at x=4 has slope 0.0013" in str(rep)


def test_manual_step_mode_update_ratio_and_remove():
    lin = nn.Linear(3, 2)
    insp = viz.GradientInspector(lin)
    w0 = lin.weight.detach().numpy().copy()
    b0 = lin.bias.detach().numpy().copy()
    lin(lt.ones(4, 3)).sum().backward()
    with lt.no_grad():
        for p in lin.parameters():
            p -= 0.5 * p.grad
    insp.step()
    s = insp.history[-1]["layers"]["Linear"]
    before = np.sqrt((w0**2).sum() + (b0**2).sum())
    delta = 0.5 * np.sqrt(2 * 3 * 16 + 2 * 16)
    assert s["update_ratio"] == pytest.approx(delta / before, rel=1e-5)
    assert s["grad_norm"] == pytest.approx(np.sqrt(6 * 16 + 2 * 16), rel=1e-6)
    insp.remove()
    lin(lt.ones(1, 3))
    assert insp._acts == {}
    with pytest.raises(RuntimeError, match="recorded nothing"):
        viz.GradientInspector(lin).report()


def test_plot_draws_four_panels(tmp_path):
    insp = _relu_run(lr=0.01, steps=3)
    view = insp.plot()
    assert len(view.figure.axes) == 4
    assert [ax.get_title() for ax in view.figure.axes] == [
        "gradient norm per layer", "update / weight per step", "activation std", "dead ReLU fraction",
    ]  # fmt: skip
    assert len(view.figure.axes[0].lines) == 3  # one line per Linear layer
    assert view.png()[:4] == b"\x89PNG"
    assert view.save(str(tmp_path / "g.png")).endswith("g.png")

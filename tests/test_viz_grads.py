"""GradientInspector: its figures are checked on networks whose truth is known by hand,
and its words must follow from those figures by the stated rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

import learntorch as lt
from learntorch import nn, viz
from learntorch.viz._grad_rules import saturation_point


def _consistent(rep):
    """Every finding comes from a rule that fired, every fired rule has a finding."""
    fired = [c for c in rep.checks if c.fired]
    assert len(fired) <= len(rep.issues) or not rep.issues
    text = str(rep)
    if not fired:
        assert rep.issues == [] and "No rule fired" in text
    for c in rep.checks:
        assert f"{c.measured} | {c.threshold} | {'FLAGGED' if c.fired else 'ok'}" in text
    return text


def _dead_net(k, width=8):
    """Linear(3, width) + ReLU where exactly k units output 0 for every input (weight 0, bias -1)
    and the others output 1 (weight 0, bias +1)."""
    net = nn.Sequential(nn.Linear(3, width), nn.ReLU(), nn.Linear(width, 1))
    with lt.no_grad():
        net[0].weight.zero_()
        net[0].bias.fill_(1.0)
        net[0].bias[:k] = -1.0
    return net


@pytest.mark.parametrize("k", [0, 3, 5, 8])
def test_exactly_k_dead_units(k):
    net = _dead_net(k)
    opt = lt.optim.SGD(net.parameters(), lr=0.01)
    insp = viz.GradientInspector(net, opt)
    opt.zero_grad()
    net(lt.randn(16, 3)).sum().backward()
    opt.step()
    dead = insp.latest()[1]["1"]["dead"]
    assert dead == k / 8
    rep = insp.report()
    text = _consistent(rep)
    check = next(c for c in rep.checks if c.rule.startswith("dead ReLU"))
    assert check.measured == f"{k / 8:.1%}" and check.threshold == "> 50.0%"
    assert check.fired == (k / 8 > 0.5)
    assert ("dead_relu" in rep.kinds) == (k / 8 > 0.5)
    if k / 8 > 0.5:
        assert f"Dying ReLUs: {k / 8:.1%} of the units of 1 output 0" in text
    assert "no units are dead" not in text  # the old contradiction: never claim more than was measured


def _sigmoid_chain(depth, w):
    """depth x [Linear(4, 4) with weight w*I and bias -w/2, Sigmoid], then Linear(4, 1) of ones.

    Fed 0.5 everywhere, every sigmoid sees z = 0, where sigmoid' = 1/4; so going back through one
    hidden layer multiplies dL/dz by w * 1/4, and (inputs 0.5 everywhere) the gradient norm of each
    hidden Linear is sqrt(2) |dL/dz|: the ratio of neighbouring hidden layers is exactly w / 4."""
    layers = []
    for _ in range(depth):
        lin = nn.Linear(4, 4)
        with lt.no_grad():
            lin.weight.copy_(w * lt.eye(4))
            lin.bias.fill_(-w / 2)
        layers += [lin, nn.Sigmoid()]
    out = nn.Linear(4, 1)
    with lt.no_grad():
        out.weight.fill_(1.0)
        out.bias.zero_()
    return nn.Sequential(*layers, out)


@pytest.mark.parametrize("w", [1.0, 2.0])
def test_deep_sigmoid_gradient_shrinks_by_w_over_4_per_layer(w):
    depth = 6
    net = _sigmoid_chain(depth, w)
    opt = lt.optim.SGD(net.parameters(), lr=1e-3)
    insp = viz.GradientInspector(net, opt)
    opt.zero_grad()
    net(lt.full((2, 4), 0.5)).sum().backward()
    opt.step()
    ratios = insp.grad_ratios()
    hidden = [str(2 * i) for i in range(depth)]
    for a in hidden[:-1]:
        assert ratios[a] == pytest.approx(w / 4, rel=1e-6)
    assert ratios[hidden[-1]] == pytest.approx(0.5, rel=1e-6)  # |dL/dz| = 4 * 1/4 / 2 vs the output layer
    acts = insp.latest()[1]
    assert all(acts[str(2 * i + 1)]["saturated"] == 0.0 for i in range(depth))  # every z is 0
    first_over_last = (w / 4) ** (depth - 1) * 0.5
    rep = insp.report()
    _consistent(rep)
    check = next(c for c in rep.checks if c.rule.startswith("grad norm first/last"))
    assert check.measured.startswith(f"{first_over_last:.2e}")
    assert ("vanishing" in rep.kinds) == (first_over_last < 1e-3)
    assert "saturated" not in rep.kinds
    if w == 1.0:
        msg = next(i.message for i in rep.issues if i.kind == "vanishing")
        per = first_over_last ** (1 / depth)
        assert f"multiplies it by {per:.3g}" in msg
        assert "not saturated (at most 0.0% of inputs beyond |x| > 3.64)" in msg
        assert "sigmoid'(x) <= 0.25" in msg and "Saturation adds" not in msg


def test_saturation_uses_each_activation_own_derivative(torch):
    # x*: where the slope falls to 10% of its peak, checked with real torch's autograd
    for name, fn, peak in [("Sigmoid", torch.sigmoid, 0.25), ("Tanh", torch.tanh, 1.0)]:
        xs = saturation_point(name, 0.1)
        x = torch.tensor([xs, xs * 0.999, xs * 1.001], dtype=torch.float64, requires_grad=True)
        fn(x).sum().backward()
        slope = x.grad / peak
        assert slope[0].item() == pytest.approx(0.1, rel=1e-9)
        assert slope[1].item() > 0.1 > slope[2].item()

    class Fixed(nn.Module):
        def __init__(self, values, act):
            super().__init__()
            self.x = nn.Parameter(lt.tensor(values))
            self.act = act

        def forward(self):
            return self.act(self.x)

    for values, act, frac in [
        ([-5.0, -3.0, 0.0, 3.7, 10.0], nn.Sigmoid(), 3 / 5),  # |x| > 3.637: -5, 3.7, 10
        ([-2.0, -1.8, 0.5, 1.9], nn.Tanh(), 2 / 4),  # |x| > 1.818: -2, 1.9
        ([-1.5, 0.2, 0.9, 1.01], nn.Hardtanh(), 2 / 4),  # outside [-1, 1] the slope is 0
    ]:
        m = Fixed(values, act)
        insp = viz.GradientInspector(m)
        m().sum().backward()
        insp.step()
        assert insp.latest()[1]["act"]["saturated"] == pytest.approx(frac)


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
    assert insp.series("grad_norm", "Tanh1")[0] == pytest.approx(1 - math.tanh(4.0) ** 2, rel=1e-3)
    assert m.x.item() > 3.99  # twenty steps later it has barely moved
    rep = insp.report()
    text = _consistent(rep)
    assert "saturated" in rep.kinds
    assert insp.series("update_ratio", "Tanh1")[-1] < 1e-4  # vs about 1e-3 when learning is healthy
    assert "100.0% of the inputs of act have |x| > 1.82" in text
    assert "tanh's slope is below 10% of its peak (tanh'(0) = 1)" in text


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
    _consistent(rep)
    assert "dead_relu" in rep.kinds
    issue = next(i for i in rep.issues if i.kind == "dead_relu")
    assert "output 0 for every sample" in issue.message and "learning rate" in issue.message
    assert max(bad.latest()[1][n]["dead"] for n in ("1", "3")) > 0.5


def test_update_ratio_is_lr_times_grad_over_weight():
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
    grad = np.sqrt(6 * 16 + 2 * 16)  # every weight gradient is 4 (four rows of ones), every bias one 4
    assert s["grad_norm"] == pytest.approx(grad, rel=1e-6)
    assert s["update_ratio"] == pytest.approx(0.5 * grad / before, rel=1e-5)
    insp.remove()
    lin(lt.ones(1, 3))
    assert insp._acts == {}
    with pytest.raises(RuntimeError, match="recorded nothing"):
        viz.GradientInspector(lin).report()


def test_plot_draws_four_labelled_panels(tmp_path):
    insp = _relu_run(lr=0.01, steps=3)
    view = insp.plot()
    axes = view.figure.axes
    assert [ax.get_title() for ax in axes] == [
        "gradient norm per layer", "gradient norm by layer (mean of last 5 steps)",
        "update / weight per step", "dead (ReLU) / saturated (sigmoid, tanh) fraction",
    ]  # fmt: skip
    assert len(axes[0].lines) == 3  # one line per Linear layer
    assert all(ax.get_ylabel() for ax in axes)
    assert [t.get_text() for t in axes[3].get_legend().get_texts()] == [
        "1 (ReLU) dead",
        "3 (ReLU) dead",
        "threshold 50%",
    ]
    data, _ = view._repr_mimebundle_()
    assert data["image/png"][:4] == b"\x89PNG" and "<svg" in data["image/svg+xml"]
    assert view.save(str(tmp_path / "g.png")).endswith("g.png")

"""Optimisers against torch 2.13: parameters after every step, state dicts, errors, repr."""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
import pytest

import learntorch as lt

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, maximize=True, weight_decay=0.2)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.9, centered=True, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, initial_accumulator_value=0.1, weight_decay=0.1, eps=1e-8)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.1, maximize=True)),
]


def _pair(torch, name, kw, shapes=((4, 3), (3,)), dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s).astype(dtype) for s in shapes]
    tp = [torch.tensor(a, requires_grad=True) for a in init]
    lp = [lt.tensor(a.copy(), requires_grad=True) for a in init]
    return rng, tp, lp, getattr(torch.optim, name)(tp, **kw), getattr(lt.optim, name)(lp, **kw)


@pytest.mark.parametrize("name,kw", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_steps_equal_torch(torch, name, kw):
    rng, tp, lp, topt, lopt = _pair(torch, name, kw)
    for _ in range(25):
        for t, p in zip(tp, lp):
            g = rng.standard_normal(t.shape).astype(np.float32)
            t.grad, p.grad = torch.tensor(g), lt.tensor(g.copy())
        topt.step()
        lopt.step()
        for t, p in zip(tp, lp):
            np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=2e-6, atol=1e-6)
    # the state has torch's keys, shapes, dtypes and (to float32 precision) values
    tsd, lsd = topt.state_dict(), lopt.state_dict()
    assert lsd["param_groups"] == tsd["param_groups"]
    assert tsd["state"].keys() == lsd["state"].keys()
    for k, tstate in tsd["state"].items():
        assert list(lsd["state"][k]) == list(tstate)
        for key, tv in tstate.items():
            lv = lsd["state"][k][key]
            assert str(lv.dtype) == str(tv.dtype) and tuple(lv.shape) == tuple(tv.shape), key
            np.testing.assert_allclose(lv.numpy(), tv.numpy(), rtol=2e-5, atol=1e-6)


def test_float64_params_stay_float64(torch):
    rng, tp, lp, topt, lopt = _pair(torch, "Adam", dict(lr=0.1), dtype=np.float64)
    for _ in range(5):
        for t, p in zip(tp, lp):
            g = rng.standard_normal(t.shape)
            t.grad, p.grad = torch.tensor(g), lt.tensor(g.copy())
        topt.step()
        lopt.step()
    for t, p in zip(tp, lp):
        assert p.dtype == lt.float64
        np.testing.assert_allclose(p.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    assert lopt.state[lp[0]]["step"].dtype == lt.float32


def test_training_loop_with_backward_and_closure(torch):
    """A least-squares fit driven by autograd; the closure form returns the loss."""
    x = np.linspace(-1, 1, 8, dtype=np.float32)
    y = 3 * x + 0.5

    def run(mod):
        w = mod.zeros(1, requires_grad=True)
        b = mod.zeros(1, requires_grad=True)
        opt = mod.optim.SGD([w, b], lr=0.1, momentum=0.5)
        xs, ys = mod.tensor(x), mod.tensor(y)
        losses = []
        for _ in range(20):

            def closure():
                opt.zero_grad()
                loss = ((xs * w + b - ys) ** 2).mean()
                loss.backward()
                return loss

            losses.append(opt.step(closure).item())
        return losses, w.item(), b.item()

    lres, tres = run(lt), run(torch)
    np.testing.assert_allclose(lres[0], tres[0], rtol=1e-5)
    np.testing.assert_allclose(lres[1:], tres[1:], rtol=1e-5)


def test_param_groups_and_lr_change_like_note_001(torch):
    w, b = lt.zeros(2, requires_grad=True), lt.zeros(1, requires_grad=True)
    opt = lt.optim.SGD([{"params": [w]}, {"params": b, "lr": 0.5}], lr=0.1, momentum=0.9)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert len(opt.param_groups[0]) == len(
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1).param_groups[0]
    )
    opt.param_groups[0]["lr"] *= 0.1
    w.grad, b.grad = lt.ones(2), lt.ones(1)
    v0 = w._version
    opt.step()
    assert w._version > v0
    np.testing.assert_allclose(w.detach().numpy(), [-0.01, -0.01], rtol=1e-6)
    np.testing.assert_allclose(b.detach().numpy(), [-0.5])
    assert opt.state_dict()["param_groups"][1]["params"] == [1]


def test_add_param_group_and_errors(torch):
    w = lt.zeros(2, requires_grad=True)
    opt = lt.optim.SGD([w], lr=0.1)
    v = lt.zeros(3, requires_grad=True)
    opt.add_param_group({"params": v, "lr": 0.01})
    assert opt.param_groups[1]["momentum"] == 0 and opt.param_groups[1]["lr"] == 0.01
    tw = torch.zeros(2, requires_grad=True)
    topt = torch.optim.SGD([tw], lr=0.1)
    for lcall, tcall, exc in [
        (
            lambda: opt.add_param_group({"params": [w]}),
            lambda: topt.add_param_group({"params": [tw]}),
            ValueError,
        ),
        (lambda: lt.optim.SGD(w, lr=0.1), lambda: torch.optim.SGD(tw, lr=0.1), TypeError),
        (lambda: lt.optim.SGD([], lr=0.1), lambda: torch.optim.SGD([], lr=0.1), ValueError),
        (lambda: lt.optim.SGD([w * 2], lr=0.1), lambda: torch.optim.SGD([tw * 2], lr=0.1), ValueError),
        (
            lambda: lt.optim.SGD([{"params": {w}}], lr=0.1),
            lambda: torch.optim.SGD([{"params": {tw}}], lr=0.1),
            TypeError,
        ),
        (lambda: lt.optim.SGD([w], lr=-0.1), lambda: torch.optim.SGD([tw], lr=-0.1), ValueError),
        (lambda: lt.optim.SGD([w], momentum=-1), lambda: torch.optim.SGD([tw], momentum=-1), ValueError),
        (lambda: lt.optim.SGD([w], nesterov=True), lambda: torch.optim.SGD([tw], nesterov=True), ValueError),
        (
            lambda: lt.optim.Adam([w], betas=(1.0, 0.9)),
            lambda: torch.optim.Adam([tw], betas=(1.0, 0.9)),
            ValueError,
        ),
        (lambda: lt.optim.Adam([w], eps=-1), lambda: torch.optim.Adam([tw], eps=-1), ValueError),
        (lambda: lt.optim.RMSprop([w], alpha=-1), lambda: torch.optim.RMSprop([tw], alpha=-1), ValueError),
        (lambda: lt.optim.Adadelta([w], rho=2), lambda: torch.optim.Adadelta([tw], rho=2), ValueError),
        (
            lambda: lt.optim.Adagrad([w], lr_decay=-1),
            lambda: torch.optim.Adagrad([tw], lr_decay=-1),
            ValueError,
        ),
        (lambda: lt.optim.SGD([w, 3], lr=0.1), lambda: torch.optim.SGD([tw, 3], lr=0.1), TypeError),
    ]:
        with pytest.raises(exc) as te:
            tcall()
        with pytest.raises(exc, match=re.escape(str(te.value).splitlines()[0])):
            lcall()
    with pytest.raises(ValueError, match=re.escape("Invalid learning rate: -0.1")):
        lt.optim.SGD([w], lr=-0.1)


def test_duplicate_params_warn(torch):
    w = lt.zeros(2, requires_grad=True)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        lt.optim.SGD([w, w], lr=0.1)


def test_zero_grad(torch):
    w = lt.ones(2, requires_grad=True)
    opt = lt.optim.SGD([w], lr=0.1)
    (w * 3).sum().backward()
    opt.zero_grad(set_to_none=False)
    assert w.grad is not None and w.grad.tolist() == [0.0, 0.0]
    opt.zero_grad()
    assert w.grad is None
    opt.step()  # no gradient: nothing happens, no state
    assert w.tolist() == [1.0, 1.0] and len(opt.state) == 0


@pytest.mark.parametrize(
    "name,kw", [c for c in CASES if c[0] in ("SGD", "Adam", "AdamW", "RMSprop", "Adadelta")][::2]
)
def test_repr_equals_torch(torch, name, kw):
    _, _, _, topt, lopt = _pair(torch, name, kw)
    assert repr(lopt) == repr(topt)


def test_repr_adagrad_and_sgd_default(torch):
    assert repr(lt.optim.Adagrad([lt.zeros(1, requires_grad=True)])) == repr(
        torch.optim.Adagrad([torch.zeros(1, requires_grad=True)])
    )
    assert repr(lt.optim.SGD([lt.zeros(1, requires_grad=True)], lr=0.01)).startswith(
        "SGD (\nParameter Group 0\n    dampening: 0\n"
    )


@pytest.mark.parametrize("name,kw", [CASES[1], CASES[5], CASES[10], CASES[12], CASES[14]])
def test_state_dict_round_trip(torch, name, kw):
    """Train a few steps, save, load into a fresh optimiser on copied params: identical continuation."""
    rng, _, lp, _, lopt = _pair(torch, name, kw)
    grads = [[rng.standard_normal(p.shape).astype(np.float32) for p in lp] for _ in range(6)]

    def apply(opt, params, gs):
        for p, g in zip(params, gs):
            p.grad = lt.tensor(g)
        opt.step()

    for gs in grads[:3]:
        apply(lopt, lp, gs)
    sd = copy.deepcopy(lopt.state_dict())
    lp2 = [lt.tensor(p.detach().numpy().copy(), requires_grad=True) for p in lp]
    lopt2 = getattr(lt.optim, name)(lp2, lr=123.0)
    lopt2.load_state_dict(sd)
    assert lopt2.param_groups[0]["lr"] == lopt.param_groups[0]["lr"]
    assert lopt2.param_groups[0]["params"][0] is lp2[0]
    assert lopt2.state_dict()["param_groups"] == lopt.state_dict()["param_groups"]
    for gs in grads[3:]:
        apply(lopt, lp, gs)
        apply(lopt2, lp2, gs)
    for a, b in zip(lp, lp2):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert float(lopt2.state[lp2[0]]["step"]) == 6 if "step" in lopt2.state[lp2[0]] else True


def test_state_dict_layout_matches_torch_pickle_free(torch):
    """The learntorch state_dict has torch's nesting, with 'step' as a float32 0-d tensor."""
    w = lt.tensor([1.0, 2.0], requires_grad=True)
    opt = lt.optim.Adam([w])
    w.grad = lt.tensor([0.5, 0.5])
    opt.step()
    sd = opt.state_dict()
    assert set(sd) == {"state", "param_groups"}
    st = sd["state"][0]
    assert list(st) == ["step", "exp_avg", "exp_avg_sq"]
    assert isinstance(st["step"], lt.Tensor) and st["step"].shape == () and st["step"].dtype == lt.float32
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    topt = torch.optim.Adam([tw])
    assert list(sd["param_groups"][0]) == list(topt.state_dict()["param_groups"][0])


def test_load_state_dict_errors(torch):
    a = lt.optim.SGD([lt.zeros(1, requires_grad=True)], lr=0.1)
    b = lt.optim.SGD([lt.zeros(1, requires_grad=True), lt.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        a.load_state_dict(b.state_dict())
    b.add_param_group({"params": [lt.zeros(1, requires_grad=True)]})
    with pytest.raises(ValueError, match="different number of parameter groups"):
        a.load_state_dict(b.state_dict())


def test_adagrad_state_exists_from_start(torch):
    w = lt.zeros(2, requires_grad=True)
    opt = lt.optim.Adagrad([w], initial_accumulator_value=0.5)
    tw = torch.zeros(2, requires_grad=True)
    topt = torch.optim.Adagrad([tw], initial_accumulator_value=0.5)
    assert list(opt.state_dict()["state"][0]) == list(topt.state_dict()["state"][0])
    assert opt.state[w]["sum"].tolist() == [0.5, 0.5]


def test_tensor_lr_and_no_graph(torch):
    w = lt.ones(3, requires_grad=True)
    opt = lt.optim.SGD([w], lr=lt.tensor(0.5))
    (w * w).sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
    assert w.grad_fn is None and w.is_leaf
    np.testing.assert_allclose(w.detach().numpy(), [0.0, 0.0, 0.0])

"""Learning-rate schedulers against torch 2.13: lr sequences, state dicts, warnings."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import learntorch as lt


def _opts(torch, opt="SGD", groups=(0.1, 0.03), **kw):
    topt = getattr(torch.optim, opt)(
        [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in groups], **kw
    )
    lopt = getattr(lt.optim, opt)(
        [{"params": [lt.zeros(1, requires_grad=True)], "lr": lr} for lr in groups], **kw
    )
    return topt, lopt


SCHEDULERS = [
    ("StepLR", dict(step_size=7, gamma=0.5)),
    ("MultiStepLR", dict(milestones=[5, 12, 12, 30], gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.001)),
    ("CosineAnnealingLR", dict(T_max=7)),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.9, total_iters=8)),
    ("LinearLR", dict()),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95**e + (e % 3) / 10)),
    ("OneCycleLR", dict(max_lr=[1.0, 0.5], total_steps=40)),
    (
        "OneCycleLR",
        dict(max_lr=0.8, epochs=4, steps_per_epoch=10, anneal_strategy="linear", three_phase=True),
    ),
]


def _close(a, b, rtol=1e-12):
    np.testing.assert_allclose(np.array(a, dtype=float), np.array(b, dtype=float), rtol=rtol, atol=1e-15)


def _run(mod, opt, sched, n, metric=None):
    lrs, moms = [], []
    for epoch in range(n):
        opt.step()
        lrs.append(list(sched.get_last_lr()))
        moms.append([g.get("momentum", g.get("betas")) for g in opt.param_groups])
        if metric is None:
            sched.step()
        else:
            sched.step(metric[epoch])
    lrs.append([g["lr"] for g in opt.param_groups])
    return lrs, moms


@pytest.mark.parametrize("name,kw", SCHEDULERS, ids=[f"{n}-{i}" for i, (n, _) in enumerate(SCHEDULERS)])
def test_lr_sequence_equals_torch(torch, name, kw):
    n = 40 if name == "OneCycleLR" else 45
    topt, lopt = _opts(torch, momentum=0.9)
    tsched = getattr(torch.optim.lr_scheduler, name)(topt, **kw)
    lsched = getattr(lt.optim.lr_scheduler, name)(lopt, **kw)
    tl, tm = _run(torch, topt, tsched, n)
    ll, lm = _run(lt, lopt, lsched, n)
    _close(ll, tl)
    _close(lm, tm)
    assert lsched.last_epoch == tsched.last_epoch
    assert [g.get("initial_lr") for g in lopt.param_groups] == [
        g.get("initial_lr") for g in topt.param_groups
    ]
    tsd, lsd = tsched.state_dict(), lsched.state_dict()
    assert list(lsd) == list(tsd)
    for k in tsd:
        if k not in ("lr_lambdas", "_schedule_phases", "milestones"):
            assert lsd[k] == pytest.approx(tsd[k]), k


def test_onecycle_cycles_adam_betas(torch):
    topt, lopt = _opts(torch, opt="Adam", groups=(0.01,))
    ts = torch.optim.lr_scheduler.OneCycleLR(topt, max_lr=0.1, total_steps=12)
    ls = lt.optim.lr_scheduler.OneCycleLR(lopt, max_lr=0.1, total_steps=12)
    tl, tm = _run(torch, topt, ts, 12)
    ll, lm = _run(lt, lopt, ls, 12)
    _close(ll, tl)
    _close(lm, tm)
    with pytest.raises(ValueError, match="Tried to step 13 times"):
        lopt.step()
        ls.step()


def test_sequential_lr(torch):
    def build(mod, opt):
        s1 = mod.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=5)
        s2 = mod.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=20, eta_min=1e-4)
        s3 = mod.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)
        return mod.optim.lr_scheduler.SequentialLR(opt, [s1, s2, s3], milestones=[5, 25])

    topt, lopt = _opts(torch)
    ts, ls = build(torch, topt), build(lt, lopt)
    tl, _ = _run(torch, topt, ts, 35)
    ll, _ = _run(lt, lopt, ls, 35)
    _close(ll, tl)
    tsd, lsd = ts.state_dict(), ls.state_dict()
    assert list(lsd) == list(tsd)
    assert [list(s) for s in lsd["_schedulers"]] == [list(s) for s in tsd["_schedulers"]]


@pytest.mark.parametrize(
    "kw",
    [dict(patience=2), dict(mode="max", factor=0.5, patience=1, threshold=0.1, threshold_mode="abs", cooldown=2),
     dict(patience=0, min_lr=[0.01, 0.001], factor=0.2)],
)  # fmt: skip
def test_reduce_lr_on_plateau(torch, kw):
    metric = [1.0, 0.9, 0.95, 0.95, 0.91, 0.92, 0.93, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.8, 0.9, 1.0]
    topt, lopt = _opts(torch)
    ts = torch.optim.lr_scheduler.ReduceLROnPlateau(topt, **kw)
    ls = lt.optim.lr_scheduler.ReduceLROnPlateau(lopt, **kw)
    tl, _ = _run(torch, topt, ts, len(metric), metric)
    ll, _ = _run(lt, lopt, ls, len(metric), metric)
    _close(ll, tl)
    assert ls.state_dict() == ts.state_dict()


def test_warning_when_scheduler_steps_first(torch):
    _, lopt = _opts(torch)
    sched = lt.optim.lr_scheduler.StepLR(lopt, step_size=1)
    with pytest.warns(
        UserWarning, match=r"Detected call of `lr_scheduler.step\(\)` before `optimizer.step\(\)`"
    ):
        sched.step()
    # the right order is silent
    _, lopt = _opts(torch)
    sched = lt.optim.lr_scheduler.StepLR(lopt, step_size=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lopt.step()
        sched.step()
        sched.get_last_lr()
    with pytest.warns(UserWarning, match="please use `get_last_lr\\(\\)`"):
        sched.get_lr()


def test_step_with_epoch_uses_closed_form(torch):
    topt, lopt = _opts(torch)
    ts = torch.optim.lr_scheduler.StepLR(topt, step_size=3, gamma=0.5)
    ls = lt.optim.lr_scheduler.StepLR(lopt, step_size=3, gamma=0.5)
    topt.step()
    lopt.step()
    with pytest.warns(UserWarning, match="The epoch parameter in `scheduler.step\\(\\)` was not necessary"):
        ls.step(7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ts.step(7)
    assert ls.get_last_lr() == ts.get_last_lr() == [0.1 * 0.25, 0.03 * 0.25]


def test_state_dict_round_trip_and_resume(torch):
    _, lopt = _opts(torch)
    s = lt.optim.lr_scheduler.CosineAnnealingLR(lopt, T_max=10)
    for _ in range(4):
        lopt.step()
        s.step()
    sd = s.state_dict()
    assert "optimizer" not in sd and sd["last_epoch"] == 4
    _, lopt2 = _opts(torch)
    lopt2.load_state_dict(lopt.state_dict())
    s2 = lt.optim.lr_scheduler.CosineAnnealingLR(lopt2, T_max=10, last_epoch=3)
    s2.load_state_dict(sd)
    for _ in range(3):
        lopt.step()
        s.step()
        lopt2.step()
        s2.step()
    assert s2.get_last_lr() == s.get_last_lr()
    assert s.get_last_lr()[0] == pytest.approx(0.5 * 0.1 * (1 + math.cos(math.pi * 7 / 10)))


def test_lambda_state_dict_saves_callable_objects(torch):
    class Decay:
        def __init__(self):
            self.rate = 0.5

        def __call__(self, epoch):
            return self.rate**epoch

    _, lopt = _opts(torch, groups=(0.1,))
    s = lt.optim.lr_scheduler.LambdaLR(lopt, [Decay()])
    sd = s.state_dict()
    assert sd["lr_lambdas"] == [{"rate": 0.5}]
    sd["lr_lambdas"] = [{"rate": 0.25}]
    s.load_state_dict(sd)
    assert s.lr_lambdas[0].rate == 0.25


def test_errors_match_torch(torch):
    topt, lopt = _opts(torch)
    for name, kw in [
        ("LinearLR", dict(start_factor=0)),
        ("LinearLR", dict(end_factor=2)),
        ("ReduceLROnPlateau", dict(factor=1.0)),
        ("ReduceLROnPlateau", dict(mode="avg")),
        ("OneCycleLR", dict(max_lr=1.0)),
        ("OneCycleLR", dict(max_lr=[1.0], total_steps=5)),
        ("LambdaLR", dict(lr_lambda=[lambda e: 1])),
        ("SequentialLR", dict(schedulers=[], milestones=[])),
    ]:
        with pytest.raises(Exception) as te:
            getattr(torch.optim.lr_scheduler, name)(topt, **kw)
        with pytest.raises(type(te.value)) as le:
            getattr(lt.optim.lr_scheduler, name)(lopt, **kw)
        assert str(le.value).splitlines()[0] == str(te.value).splitlines()[0]
    with pytest.raises(TypeError, match="list is not an Optimizer"):
        lt.optim.lr_scheduler.StepLR([], 3)
    with pytest.raises(KeyError, match="param 'initial_lr' is not specified in param_groups\\[0\\]"):
        lt.optim.lr_scheduler.StepLR(lopt, 3, last_epoch=5)

"""OptimizerExplorer: every trajectory is torch.optim's on the same function and settings."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch
from learntorch.widgets import OptimizerExplorer
from learntorch.widgets.optimizer import LANDSCAPES, OPTIMIZERS

RAVINE = "ravine: 0.1x² + 2y²"
ROSEN = "Rosenbrock: (1−x)² + 100(y−x²)²"


def torch_race(torch, fn, start, name, kwargs, steps, scheduler=None):
    """The same loop written with torch: path and losses."""
    params = [torch.tensor(float(s), requires_grad=True) for s in start]
    opt = getattr(torch.optim, name)(params, **kwargs)
    sched = getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1]) if scheduler else None
    path, losses = [], []
    for i in range(steps + 1):
        opt.zero_grad()
        loss = fn(*params)
        path.append([p.item() for p in params])
        losses.append(loss.item())
        if i == steps:
            break
        loss.backward()
        opt.step()
        if sched is not None:
            sched.step()
    return np.array(path), np.array(losses)


RACERS = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.5, "dampening": 0.3}),
    ("Adagrad", {"lr": 0.3, "lr_decay": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.9, "momentum": 0.5, "centered": True}),
    ("Adadelta", {"lr": 1.0, "rho": 0.8}),
    ("Adam", {"lr": 0.1, "betas": (0.8, 0.99), "amsgrad": True}),
    ("AdamW", {"lr": 0.1, "weight_decay": 0.1}),
]


@pytest.mark.parametrize("name,kwargs", RACERS, ids=lambda v: str(v))
@pytest.mark.parametrize("landscape", [RAVINE, "local minimum 2-D: x·cos(πx) + y²", "saddle: x³"])
def test_trajectory_equals_torch(torch, landscape, name, kwargs):
    ex = OptimizerExplorer(landscape=landscape, racers=[(name, kwargs)], steps=25)
    assert ex.error is None
    land = LANDSCAPES[landscape]
    path, losses = torch_race(torch, land.fn, land.start, name, kwargs, 25)
    run = ex.runs[0]
    np.testing.assert_allclose(run.path, path, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(run.loss, losses, rtol=1e-5, atol=1e-6)


def test_rosenbrock_race_with_scheduler_equals_torch(torch):
    sched = ("StepLR", {"step_size": 5, "gamma": 0.5})
    racers = [("SGD", {"lr": 1e-3, "momentum": 0.9}), ("Adam", {"lr": 0.05})]
    ex = OptimizerExplorer(landscape=ROSEN, racers=racers, steps=30, scheduler=sched)
    assert [r.label for r in ex.runs] == ["SGD(lr=0.001, momentum=0.9)", "Adam(lr=0.05)"]
    for run, (name, kw) in zip(ex.runs, racers):
        path, _ = torch_race(torch, LANDSCAPES[ROSEN].fn, LANDSCAPES[ROSEN].start, name, kw, 30, sched)
        np.testing.assert_allclose(run.path, path, rtol=1e-5, atol=1e-6)
        assert run.lrs[:6].tolist() == pytest.approx([kw["lr"]] * 5 + [kw["lr"] / 2])


def test_default_racers_use_the_lr_slider_and_their_own_arguments():
    ex = OptimizerExplorer()
    labels = [r.label for r in ex.runs]
    on = [(o, a) for _, o, a, default_on in OPTIMIZERS if default_on]
    assert len(labels) == len(on)
    assert labels[1] == "SGD(lr=0.4, momentum=0.9)"  # the ravine's lr 0.4, d2l's value
    ex.update(lr=0.1)
    assert ex.runs[0].label == "SGD(lr=0.1)" and ex.runs[0].lrs[0] == pytest.approx(0.1)


def test_students_own_function_of_two_tensors(torch):
    def f(x, y):
        return (x - 1) ** 2 + 3 * (y + 0.5) ** 2 + x * y

    ex = OptimizerExplorer(fn=f, start=(1.5, 1.0), racers=[("Adam", {"lr": 0.1})], steps=15)
    assert ex.error is None and ex.landscape == "your function"
    path, _ = torch_race(torch, f, (1.5, 1.0), "Adam", {"lr": 0.1}, 15)
    np.testing.assert_allclose(ex.runs[0].path, path, rtol=1e-5, atol=1e-6)
    assert ex.png()[:4] == b"\x89PNG"


def test_function_that_does_not_broadcast_is_drawn_point_by_point():
    ex = OptimizerExplorer(fn=lambda x: learntorch.tensor(x.item() ** 2), start=(1.0,), racers=[], steps=3)
    assert ex.error is None and ex.png() is not None


def test_frame_replays_without_running_again():
    ex = OptimizerExplorer(steps=10)
    runs = ex.runs
    ex.update(frame=3)
    assert ex.runs is runs and ex.frame == 3 and "3 of 10 steps" in ex.summary()
    ex.update(steps=12)
    assert ex.frame == 12 and ex.runs[0].path.shape == (13, 2)


def test_new_landscape_brings_its_start_and_lr():
    ex = OptimizerExplorer()
    ex.update(landscape=ROSEN)
    assert ex.start == (-1.5, 2.0) and ex.lr == 1e-3 and ex.runs[0].path.shape[1] == 2
    ex.update(landscape="vanishing gradient: tanh(x)")
    assert ex.start == (4.0,) and ex.runs[0].path.shape[1] == 1


def test_bad_optimizer_argument_shows_torchs_error(torch):
    with pytest.raises(ValueError) as want:
        torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=-1.0)
    ex = OptimizerExplorer(racers=[("SGD", {"lr": -1.0})])
    assert ex.error.startswith(f"ValueError: {want.value}")
    assert "in the racer SGD(lr=-1.0)" in ex.error
    ex.update(racers=[("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.5, "nesterov": True})])
    assert ex.error.startswith("ValueError: Nesterov momentum requires a momentum and zero dampening")
    assert "hint:" in ex.error


def test_non_scalar_function_shows_torchs_error(torch):
    x = torch.zeros(2, requires_grad=True)
    with pytest.raises(RuntimeError) as want:
        (x * 2).backward()
    ex = OptimizerExplorer(fn=lambda x, y: learntorch.stack([x, y]), racers=[("SGD", {})])
    assert ex.error.startswith(f"RuntimeError: {want.value}") and "hint:" in ex.error


def test_controls_drive_the_state_and_bad_text_is_shown_not_raised():
    ex = OptimizerExplorer(steps=5)
    ex.widget()
    ex._w_land.value = "saddle: x³"
    assert ex.landscape == "saddle: x³" and ex.start == (1.0,) and ex._w_start[0].value == 1.0
    ex._w_start[0].value = 0.5
    assert ex.start == (0.5,) and ex.runs[0].path[0, 0] == 0.5
    opt, on, text = ex._rows[2]  # Nesterov
    on.value = True
    assert ("SGD", {"momentum": 0.9, "nesterov": True}) in ex.racers
    text.value = "momentum=0.9, nesterov=True, lr=0.01"
    assert any(r.label == "SGD(lr=0.01, momentum=0.9, nesterov=True)" for r in ex.runs)
    text.value = "momentum=="
    assert ex.error.startswith("ValueError: cannot read the arguments") and "hint:" in ex.error
    text.value = ""
    assert ex.error is None
    ex._w_sched.value = "ExponentialLR"
    assert ex.scheduler == ("ExponentialLR", {"gamma": 0.95})
    assert ex.runs[0].lrs[1] == pytest.approx(ex.runs[0].lrs[0] * 0.95)
    ex._w_sched_args.value = "gamma="
    assert "cannot read the arguments" in ex.error
    ex._w_frame.value = 2
    assert ex.frame == 2

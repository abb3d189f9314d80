"""Learning-rate schedulers: change ``group['lr']`` of an optimiser epoch by epoch.

A scheduler is created *after* its optimiser (it records ``initial_lr`` in every
parameter group and sets the lr for epoch 0), and ``scheduler.step()`` is called once per
epoch *after* ``optimizer.step()``. Calling them the other way round skips the first value
of the schedule, and PyTorch (and learntorch) warn about it.

Most schedulers are *chainable*: ``get_lr`` computes the next lr from the current
``group['lr']`` (so two schedulers on one optimiser multiply their effects). When an
explicit epoch is passed to ``step(epoch)`` the closed form from ``base_lrs`` is used.

The package: :mod:`.base` (``LRScheduler``), :mod:`.schedules` (StepLR, CosineAnnealingLR, ...),
:mod:`.sequential`, :mod:`.one_cycle`, :mod:`.plateau` (ReduceLROnPlateau).

>>> import learntorch as torch
>>> w = torch.zeros(1, requires_grad=True)
>>> opt = torch.optim.SGD([w], lr=1.0)
>>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for epoch in range(5):
...     opt.step()
...     lrs.append(sched.get_last_lr()[0])
...     sched.step()
>>> lrs
[1.0, 1.0, 0.5, 0.5, 0.25]
"""

from __future__ import annotations

from .base import EPOCH_DEPRECATION_WARNING as EPOCH_DEPRECATION_WARNING
from .base import LRScheduler
from .one_cycle import OneCycleLR
from .plateau import ReduceLROnPlateau
from .schedules import CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, MultiStepLR, StepLR
from .sequential import SequentialLR

__all__ = [
    "LRScheduler",
    "LambdaLR",
    "StepLR",
    "MultiStepLR",
    "ExponentialLR",
    "CosineAnnealingLR",
    "LinearLR",
    "SequentialLR",
    "OneCycleLR",
    "ReduceLROnPlateau",
]

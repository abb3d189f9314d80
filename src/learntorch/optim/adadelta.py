"""Adadelta: steps sized by the ratio of running RMS of past updates to past gradients.

For a parameter :math:`\\theta` with gradient :math:`g` (torch's order)::

    g = g + weight_decay * theta                       if weight_decay != 0
    v = rho * v + (1 - rho) * g * g                     square_avg
    delta = sqrt(u + eps) / sqrt(v + eps) * g           u = acc_delta
    u = rho * u + (1 - rho) * delta * delta
    theta = theta - lr * delta

``lr`` defaults to ``1.0``: the method needs no hand-tuned learning rate.
Taught in note 002 (优化器: ``optim.Adadelta``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._numerics import add_alpha
from ..backend import array_module
from ..tensor import Tensor
from .optimizer import Optimizer, _bump_step, _check, _check_lr, _new_step, _scalar

__all__ = ["Adadelta"]


class Adadelta(Optimizer):
    """Adadelta (Zeiler), like ``torch.optim.Adadelta``.

    Args:
        params: tensors to optimise, or parameter-group dicts.
        lr: scale applied to the update. Default ``1.0``.
        rho: decay of the running averages. Default ``0.9``.
        eps: added inside both square roots. Default ``1e-6``.
        weight_decay: L2 penalty. Default ``0``.
        foreach, capturable, maximize, differentiable: stored like torch's.

    Example:
        >>> import learntorch as torch
        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.Adadelta([w])
        >>> w.grad = torch.tensor([1.0])
        >>> opt.step()
        >>> opt.state[w]['square_avg']
        tensor([0.1000])
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= rho <= 1.0, "rho value", rho, "must be in [0, 1]")
        _check(0.0 <= eps, "epsilon value", eps)
        _check(0.0 <= weight_decay, "weight_decay value", weight_decay)
        defaults = {
            "lr": lr,
            "rho": rho,
            "eps": eps,
            "weight_decay": weight_decay,
            "maximize": maximize,
            "capturable": capturable,
            "foreach": foreach,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adadelta update of every parameter with a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, rho, eps, wd = _scalar(group["lr"]), group["rho"], group["eps"], group["weight_decay"]
            for p, g in self._grads(group):
                xp = array_module(p._data)
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _new_step()
                    state["square_avg"] = Tensor._make(xp.zeros_like(p._data))
                    state["acc_delta"] = Tensor._make(xp.zeros_like(p._data))
                _bump_step(state["step"])
                theta = p._data
                if wd != 0:
                    g = add_alpha(g, theta, wd)
                v, u = state["square_avg"]._data, state["acc_delta"]._data
                v *= rho
                v[...] = add_alpha(v, g, g * (1 - rho))  # torch's addcmul_: one fma
                std = xp.sqrt(v + eps)
                delta = xp.sqrt(u + eps)
                delta /= std
                delta *= g
                u *= rho
                u[...] = add_alpha(u, delta, delta * (1 - rho))
                theta[...] = add_alpha(theta, delta, -lr)
                state["square_avg"]._bump_version()
                state["acc_delta"]._bump_version()
                p._bump_version()
        return loss

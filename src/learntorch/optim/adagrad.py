"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients.

At step :math:`t`, for a parameter :math:`\\theta` with gradient :math:`g` (torch's order)::

    g = g + weight_decay * theta               if weight_decay != 0
    clr = lr / (1 + (t - 1) * lr_decay)
    s = s + g * g                              state 'sum', starts at initial_accumulator_value
    theta = theta - clr * g / (sqrt(s) + eps)

Taught in note 002 (优化器: ``optim.Adagrad``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._numerics import add_alpha
from ..backend import array_module
from ..tensor import Tensor
from .optimizer import Optimizer, _bump_step, _check, _check_lr, _new_step, _scalar

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), like ``torch.optim.Adagrad``.

    Unlike the other optimisers, its state (``step`` and ``sum``) exists from construction.

    Args:
        params: tensors to optimise, or parameter-group dicts.
        lr: learning rate. Default ``1e-2``.
        lr_decay: learning-rate decay per step. Default ``0``.
        weight_decay: L2 penalty. Default ``0``.
        initial_accumulator_value: starting value of the squared-gradient sum. Default ``0``.
        eps: added to the denominator. Default ``1e-10``.
        foreach, maximize, differentiable, fused: stored like torch's.

    Example:
        >>> import learntorch as torch
        >>> w = torch.tensor([1.0, 2.0], requires_grad=True)
        >>> opt = torch.optim.Adagrad([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()        # first step: g / sqrt(g^2) = 1 per coordinate
        >>> w
        tensor([0.9000, 1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= lr_decay, "lr_decay value", lr_decay)
        _check(0.0 <= weight_decay, "weight_decay value", weight_decay)
        _check(0.0 <= initial_accumulator_value, "initial_accumulator_value value", initial_accumulator_value)
        _check(0.0 <= eps, "epsilon value", eps)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
            "fused": fused,
        }
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                xp = array_module(p._data)
                state = self.state[p]
                state["step"] = _new_step()
                state["sum"] = Tensor._make(xp.full_like(p._data, initial_accumulator_value))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adagrad update of every parameter with a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, wd, eps, lr_decay = (
                _scalar(group["lr"]),
                group["weight_decay"],
                group["eps"],
                group["lr_decay"],
            )
            for p, g in self._grads(group):
                xp = array_module(p._data)
                state = self.state[p]
                t = _bump_step(state["step"])
                theta = p._data
                if wd != 0:
                    g = add_alpha(g, theta, wd)
                clr = lr / (1 + (t - 1) * lr_decay)
                s = state["sum"]._data
                s[...] = add_alpha(s, g, g)  # torch's addcmul_(g, g): one fma
                theta += -clr * g / (xp.sqrt(s) + eps)
                state["sum"]._bump_version()
                p._bump_version()
        return loss

"""RMSprop: divide each step by a running root-mean-square of recent gradients.

For a parameter :math:`\\theta` with gradient :math:`g` (torch's order)::

    g = g + weight_decay * theta                       if weight_decay != 0
    v = alpha * v + (1 - alpha) * g * g                 square_avg
    avg = sqrt(v - gbar * gbar) + eps   with gbar = lerp(gbar, g, 1 - alpha)   if centered
    avg = sqrt(v) + eps                                 otherwise
    b = momentum * b + g / avg;  theta = theta - lr * b if momentum > 0
    theta = theta - lr * g / avg                        otherwise

Taught in note 002 (优化器: ``optim.RMSprop``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._numerics import add_alpha
from ..backend import array_module
from ..tensor import Tensor
from .optimizer import Optimizer, _bump_step, _check, _check_lr, _lerp_, _new_step, _scalar

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), like ``torch.optim.RMSprop``.

    Args:
        params: tensors to optimise, or parameter-group dicts.
        lr: learning rate. Default ``1e-2``.
        alpha: smoothing constant of the squared-gradient average. Default ``0.99``.
        eps: added to the denominator. Default ``1e-8``.
        weight_decay: L2 penalty. Default ``0``.
        momentum: momentum factor. Default ``0``.
        centered: normalise by an estimate of the gradient's variance. Default ``False``.
        capturable, foreach, maximize, differentiable: stored like torch's.

    Example:
        >>> import learntorch as torch
        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.RMSprop([w], lr=0.01)
        >>> (w * 3).sum().backward()
        >>> opt.step()        # first step: g / sqrt(0.01 g^2) = 10, so w moves by 10 * lr
        >>> w
        tensor([0.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= eps, "epsilon value", eps)
        _check(0.0 <= momentum, "momentum value", momentum)
        _check(0.0 <= weight_decay, "weight_decay value", weight_decay)
        _check(0.0 <= alpha, "alpha value", alpha)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "capturable": capturable,
            "foreach": foreach,
            "maximize": maximize,
            "differentiable": differentiable,
        }
        super().__init__(params, defaults)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One RMSprop update of every parameter with a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, alpha, eps = _scalar(group["lr"]), group["alpha"], group["eps"]
            wd, momentum = group["weight_decay"], group["momentum"]
            for p, g in self._grads(group):
                xp = array_module(p._data)
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = _new_step()
                    state["square_avg"] = Tensor._make(xp.zeros_like(p._data))
                    if momentum > 0:
                        state["momentum_buffer"] = Tensor._make(xp.zeros_like(p._data))
                    if group["centered"]:
                        state["grad_avg"] = Tensor._make(xp.zeros_like(p._data))
                theta = p._data
                _bump_step(state["step"])
                if wd != 0:
                    g = add_alpha(g, theta, wd)
                v = state["square_avg"]._data
                v *= alpha
                v[...] = add_alpha(v, g, g * (1 - alpha))  # torch's addcmul_: one fma
                if group["centered"]:
                    gbar = state["grad_avg"]._data
                    _lerp_(gbar, g, 1 - alpha)
                    avg = xp.sqrt(add_alpha(v, gbar, -gbar))
                else:
                    avg = xp.sqrt(v)
                avg += eps
                if momentum > 0:
                    buf = state["momentum_buffer"]._data
                    buf *= momentum
                    buf += g / avg
                    theta[...] = add_alpha(theta, buf, -lr)
                else:
                    theta += -lr * g / avg
                for key in ("square_avg", "grad_avg", "momentum_buffer"):
                    if key in state:
                        state[key]._bump_version()
                p._bump_version()
        return loss

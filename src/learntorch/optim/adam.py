"""Adam and AdamW: momentum plus a per-coordinate step size from running squared gradients.

At step :math:`t`, for a parameter :math:`\\theta` with gradient :math:`g` (torch's order)::

    theta = theta * (1 - lr * weight_decay)        AdamW (decoupled weight decay)
    g = g + weight_decay * theta                   Adam (L2 penalty in the gradient)
    m = m + (1 - beta1) * (g - m)                  first moment  (lerp)
    v = beta2 * v + (1 - beta2) * g * g            second moment
    v_max = max(v_max, v); use v_max for v         amsgrad
    denom = sqrt(v) / sqrt(1 - beta2**t) + eps     eps added *after* the bias correction
    theta = theta - lr / (1 - beta1**t) * m / denom

Taught in note 002 (优化器: ``optim.Adam``, ``optim.AdamW``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .._numerics import add_alpha
from ..backend import array_module
from ..tensor import Tensor
from .optimizer import Optimizer, _bump_step, _check, _check_lr, _lerp_, _new_step, _scalar

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam (Kingma & Ba), like ``torch.optim.Adam``.

    Args:
        params: tensors to optimise, or parameter-group dicts.
        lr: learning rate. Default ``1e-3``.
        betas: decay rates of the first and second moment averages. Default ``(0.9, 0.999)``.
        eps: added to the denominator for stability. Default ``1e-8``.
        weight_decay: L2 penalty (added to the gradient; decoupled in :class:`AdamW`). Default ``0``.
        amsgrad: use the running maximum of the second moment. Default ``False``.
        maximize: ascend instead of descend. Default ``False``.
        decoupled_weight_decay: shrink the weights directly (this makes it AdamW).
        foreach, capturable, differentiable, fused: accepted and stored like torch's.

    Example:
        >>> import learntorch as torch
        >>> w = torch.tensor([1.0, -2.0], requires_grad=True)
        >>> opt = torch.optim.Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()        # the first Adam step moves every coordinate by about lr
        >>> w
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        _check_lr(lr)
        _check(0.0 <= eps, "epsilon value", eps)
        _check(0.0 <= betas[0] < 1.0, "beta parameter at index 0", betas[0], "must be in [0, 1)")
        _check(0.0 <= betas[1] < 1.0, "beta parameter at index 1", betas[1], "must be in [0, 1)")
        _check(0.0 <= weight_decay, "weight_decay value", weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "foreach": foreach,
            "capturable": capturable,
            "differentiable": differentiable,
            "fused": fused,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def _state_for(self, p: Tensor, amsgrad: bool) -> dict[str, Any]:
        state = self.state[p]
        if len(state) == 0:
            xp = array_module(p._data)
            state["step"] = _new_step()
            state["exp_avg"] = Tensor._make(xp.zeros_like(p._data))
            state["exp_avg_sq"] = Tensor._make(xp.zeros_like(p._data))
            if amsgrad:
                state["max_exp_avg_sq"] = Tensor._make(xp.zeros_like(p._data))
        return state

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One Adam update of every parameter with a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr, wd, eps = _scalar(group["lr"]), group["weight_decay"], group["eps"]
            beta1, beta2 = (_scalar(b) for b in group["betas"])
            amsgrad = group["amsgrad"]
            for p, g in self._grads(group):
                state = self._state_for(p, amsgrad)
                xp = array_module(p._data)
                theta, m, v = p._data, state["exp_avg"]._data, state["exp_avg_sq"]._data
                t = _bump_step(state["step"])
                if wd != 0:
                    if group["decoupled_weight_decay"]:
                        theta *= 1 - lr * wd
                    else:
                        g = add_alpha(g, theta, wd)
                _lerp_(m, g, 1 - beta1)
                v *= beta2
                v[...] = add_alpha(v, g, g * (1 - beta2))  # addcmul_: one fma of (value * g) and g
                if amsgrad:
                    vmax = state["max_exp_avg_sq"]._data
                    xp.maximum(vmax, v, out=vmax)
                    v = vmax
                step_size = lr / (1 - beta1**t)
                denom = xp.sqrt(v) / (1 - beta2**t) ** 0.5 + eps
                theta += -step_size * m / denom
                for key in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
                    if key in state:
                        state[key]._bump_version()
                p._bump_version()
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), like ``torch.optim.AdamW``.

    The weights shrink by ``lr * weight_decay`` each step before the Adam update, instead
    of the penalty flowing through the moment averages. ``weight_decay`` defaults to ``1e-2``.

    Example:
        >>> import learntorch as torch
        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> opt = torch.optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = torch.tensor([0.0])
        >>> opt.step()          # zero gradient: only the decay acts, w *= 1 - 0.1 * 0.5
        >>> w
        tensor([0.9500], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
        )

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True

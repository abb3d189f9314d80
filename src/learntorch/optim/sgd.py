"""Stochastic gradient descent, with momentum, dampening, Nesterov and weight decay.

For each parameter :math:`\\theta` with gradient :math:`g` (torch's order of operations)::

    g = -g                              if maximize
    g = g + weight_decay * theta        if weight_decay != 0
    b = g (first step)  or  b = momentum * b + (1 - dampening) * g     if momentum != 0
    g = g + momentum * b (nesterov)  or  g = b
    theta = theta - lr * g

Taught in note 000 (二、2 优化算法: ``torch.optim.SGD``) and note 001 (1.4 优化器).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..autograd.grad_mode import no_grad
from ..tensor import Tensor
from .optimizer import Optimizer, _check, _check_lr, _scalar

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent (optionally with momentum), like ``torch.optim.SGD``.

    Args:
        params: tensors to optimise, or parameter-group dicts.
        lr: learning rate. Default ``1e-3``.
        momentum: momentum factor. Default ``0``.
        dampening: dampening applied to the momentum. Default ``0``.
        weight_decay: L2 penalty added to the gradient. Default ``0``.
        nesterov: use Nesterov momentum. Default ``False``.
        maximize: ascend instead of descend. Default ``False``.
        foreach, differentiable, fused: accepted and stored like torch's (one code path here).

    Example:
        >>> import learntorch as torch
        >>> w = torch.tensor([1.0, -1.0], requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.5)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w
        tensor([0., 0.], requires_grad=True)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float | Tensor = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        _check_lr(lr)
        _check(momentum >= 0.0, "momentum value", momentum)
        _check(weight_decay >= 0.0, "weight_decay value", weight_decay)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
            "foreach": foreach,
            "differentiable": differentiable,
            "fused": fused,
        }
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum and zero dampening\n"
                "hint: use e.g. momentum=0.9, dampening=0 with nesterov=True."
            )
        super().__init__(params, defaults)
        if fused and foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One SGD update of every parameter with a gradient: torch's single-tensor SGD, op for op.

        Each ``add`` with ``alpha`` rounds once, like torch's fused multiply-add
        (``_numerics.add_alpha``), so the numbers equal PyTorch's to the last bit.
        """
        loss = self._closure_loss(closure)
        with no_grad():
            for group in self.param_groups:
                lr, wd = _scalar(group["lr"]), group["weight_decay"]
                momentum, dampening = group["momentum"], group["dampening"]
                for p in group["params"]:
                    if p.grad is None:
                        continue
                    g = -p.grad if group["maximize"] else p.grad
                    if wd != 0:
                        g = g.add(p, alpha=wd)
                    if momentum != 0:
                        buf = self.state[p].get("momentum_buffer")
                        if buf is None:
                            buf = self.state[p]["momentum_buffer"] = g.clone().detach()
                        else:
                            buf.mul_(momentum).add_(g, alpha=1 - dampening)
                        g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
                    p.add_(g, alpha=-lr)
        return loss

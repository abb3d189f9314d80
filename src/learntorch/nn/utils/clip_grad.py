"""Gradient clipping: keep one bad batch from throwing the weights far away.

``clip_grad_norm_`` rescales all gradients together so that their combined norm is at
most ``max_norm`` (the direction is kept); ``clip_grad_value_`` clamps each gradient
element to ``[-clip_value, clip_value]``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Iterable

from ... import backend
from ...autograd import grad_mode
from ...tensor import Tensor

__all__ = ["clip_grad_norm_", "clip_grad_norm", "clip_grad_value_"]


def _grads(parameters: Tensor | Iterable[Tensor]) -> list[Tensor]:
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p._grad for p in parameters if p._grad is not None]


def clip_grad_norm_(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
    foreach: Any = None,
) -> Tensor:
    """Scale the gradients in place so their total ``norm_type``-norm is at most ``max_norm``.

    Returns the total norm *before* clipping (a 0-d tensor).

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> p = nn.Parameter(torch.ones(4)); p.grad = torch.full((4,), 3.0)
    >>> nn.utils.clip_grad_norm_([p], max_norm=1.0)
    tensor(6.)
    >>> p.grad
    tensor([0.5000, 0.5000, 0.5000, 0.5000])
    """
    grads = _grads(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not grads:
        from ...creation import tensor  # noqa: PLC0415

        return tensor(0.0)
    xp = backend.array_module(grads[0]._data)
    dt = grads[0]._data.dtype
    if norm_type == math.inf:
        norms = [xp.abs(g._data).max() for g in grads]
        total = max(norms)
    else:
        per = [(xp.abs(g._data.astype(dt)) ** norm_type).sum() ** (1.0 / norm_type) for g in grads]
        total = (xp.asarray(per, dtype=dt) ** norm_type).sum() ** (1.0 / norm_type)
    total = xp.asarray(total, dtype=dt)
    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is non-finite, so it cannot "
            "be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set "
            "`error_if_nonfinite=False`"
        )
    coef = xp.asarray(max_norm, dtype=dt) / (total + xp.asarray(1e-6, dtype=dt))
    coef = xp.minimum(coef, xp.asarray(1.0, dtype=dt))
    with grad_mode.no_grad():
        for g in grads:
            g._data *= coef.astype(g._data.dtype)
            g._bump_version()
    return Tensor._make(total)


def clip_grad_norm(
    parameters: Tensor | Iterable[Tensor],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Deprecated alias of :func:`clip_grad_norm_`."""
    warnings.warn(
        "`torch.nn.utils.clip_grad_norm` is now deprecated in favor of `torch.nn.utils.clip_grad_norm_`.",
        FutureWarning,
        stacklevel=2,
    )
    return clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite)


def clip_grad_value_(parameters: Tensor | Iterable[Tensor], clip_value: float, foreach: Any = None) -> None:
    """Clamp every gradient element to ``[-clip_value, clip_value]`` in place."""
    clip_value = float(clip_value)
    with grad_mode.no_grad():
        for g in _grads(parameters):
            g._data.clip(-clip_value, clip_value, out=g._data)
            g._bump_version()

"""``nn.init``: fill parameters in place with a chosen distribution.

Every function works under ``no_grad`` (initialising is not part of the model's
computation) and draws from learntorch's generator through ``Tensor.uniform_`` /
``Tensor.normal_``, which reproduce PyTorch's CPU generator: after the same
``manual_seed``, ``kaiming_uniform_`` gives the same weights as in PyTorch.

The scale-aware schemes pick the spread from the layer's fan-in / fan-out so that
activations neither blow up nor vanish with depth:

* Xavier/Glorot: ``std = gain * sqrt(2 / (fan_in + fan_out))``
* Kaiming/He: ``std = gain / sqrt(fan)``, ``fan`` = fan_in (default) or fan_out

>>> import learntorch as torch
>>> from learntorch import nn
>>> w = torch.empty(3, 5)
>>> _ = nn.init.constant_(w, 0.3)
>>> w[0]
tensor([0.3000, 0.3000, 0.3000, 0.3000, 0.3000])
>>> nn.init.calculate_gain('relu')
1.4142135623730951

Taught in note 002 (参数初始化: 内置初始化, 自定义初始化).
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from .. import backend
from ..autograd import grad_mode
from ..tensor import Tensor

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_",
    "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_",
]  # fmt: skip


def calculate_gain(nonlinearity: str, param: Any = None) -> float:
    """The recommended scale for a nonlinearity: 1 for linear/sigmoid, 5/3 for tanh, √2 for ReLU, ...

    >>> from learntorch import nn
    >>> nn.init.calculate_gain('leaky_relu', 0.2)
    1.3867504905630728
    """
    linear_fns = [
        "linear",
        "conv1d",
        "conv2d",
        "conv3d",
        "conv_transpose1d",
        "conv_transpose2d",
        "conv_transpose3d",
    ]
    if nonlinearity in linear_fns or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out): inputs and outputs per unit, times the kernel size for conv weights."""
    if tensor.dim() < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive = 1
    for s in tensor.shape[2:]:
        receptive *= s
    return tensor.size(1) * receptive, tensor.size(0) * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of ['fan_in', 'fan_out']")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with values drawn uniformly from ``[a, b)``."""
    with grad_mode.no_grad():
        return tensor.uniform_(a, b, generator=generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with values drawn from ``N(mean, std²)``."""
    with grad_mode.no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    a: float = -2.0,
    b: float = 2.0,
    generator: Any = None,
) -> Tensor:
    """Fill from ``N(mean, std²)`` restricted to ``[a, b]`` (rejection sampling, as PyTorch 2.13 does)."""

    def norm_cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn(
            "mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
            "The distribution of values may be incorrect.",
            stacklevel=2,
        )
    with grad_mode.no_grad():
        p = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
        dt = tensor._data.dtype
        lo, hi = float(np.asarray(a, dtype=dt)), float(np.asarray(b, dtype=dt))
        if p > 0.3:
            tensor.normal_(mean, std, generator=generator)
            result = tensor._data.copy()
            while True:
                mask = (result < lo) | (result > hi)
                if not mask.any():
                    break
                fresh = tensor.new_empty(tensor.shape).normal_(mean, std, generator=generator)._data
                result = np.where(mask, fresh, result)
            tensor._data[...] = result
        else:
            mode = max(a, min(mean, b))
            log_peak = -0.5 * ((mode - mean) / std) ** 2
            buf = tensor.new_empty(tensor.shape)

            def log_pdf(c: Any) -> Any:
                return (((c - mean) / std) ** 2 * -0.5 - log_peak).astype(dt)

            tensor.uniform_(a, b, generator=generator)
            result = tensor._data.copy()
            pending = np.log(buf.uniform_(generator=generator)._data) > log_pdf(result)
            while pending.any():
                cand = tensor.new_empty(tensor.shape).uniform_(a, b, generator=generator)._data
                result = np.where(pending, cand, result)
                accept = np.log(buf.uniform_(generator=generator)._data) > log_pdf(cand)
                pending = np.where(pending, accept, pending)
            tensor._data[...] = result
        tensor._bump_version()
    return tensor


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with the constant ``val``."""
    with grad_mode.no_grad():
        return tensor.fill_(val)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones."""
    return constant_(tensor, 1.0)


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros."""
    return constant_(tensor, 0.0)


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix (ones on the diagonal)."""
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    with grad_mode.no_grad():
        xp = backend.array_module(tensor._data)
        tensor._data[...] = xp.eye(*tensor.shape, dtype=tensor._data.dtype)
        tensor._bump_version()
    return tensor


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a conv weight so the convolution is the identity (keeps as many channels as it can)."""
    dims = tensor.dim()
    if dims not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    sizes = tensor.size()
    if sizes[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per_group = sizes[0] // groups
    min_dim = min(out_per_group, sizes[1])
    with grad_mode.no_grad():
        a = tensor._data
        a[...] = 0
        for g in range(groups):
            for d in range(min_dim):
                centre = tuple(s // 2 for s in sizes[2:])
                a[(g * out_per_group + d, d) + centre] = 1
        tensor._bump_version()
    return tensor


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot uniform: ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Glorot normal: ``N(0, std²)`` with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:
    """He uniform: ``U(-bound, bound)``, ``bound = gain * sqrt(3 / fan)``.

    ``nn.Linear`` and ``nn.Conv*`` initialise their weights with ``a=sqrt(5)``.
    """
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: Any = None,
) -> Tensor:
    """He normal: ``N(0, std²)``, ``std = gain / sqrt(fan)``."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    fan = _calculate_correct_fan(tensor, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return normal_(tensor, 0.0, std, generator)


def orthogonal_(tensor: Tensor, gain: float = 1.0, generator: Any = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix: QR of a Gaussian matrix, signs fixed by diag(R)."""
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    with grad_mode.no_grad():
        flat = tensor.new_empty((rows, cols)).normal_(0, 1, generator=generator)
        xp = backend.array_module(flat._data)
        m = flat._data.T if rows < cols else flat._data
        q, r = xp.linalg.qr(m)
        q = q * xp.sign(xp.diag(r))
        if rows < cols:
            q = q.T
        tensor._data[...] = q.reshape(tensor.shape).astype(tensor._data.dtype, copy=False) * gain
        tensor._bump_version()
    return tensor


def _make_deprecated(new: Any) -> Any:
    name = new.__name__[:-1]

    def deprecated(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            f"`nn.init.{name}` is now deprecated in favor of `nn.init.{new.__name__}`.",
            FutureWarning,
            stacklevel=2,
        )
        return new(*args, **kwargs)

    deprecated.__name__ = name
    return deprecated


uniform = _make_deprecated(uniform_)
normal = _make_deprecated(normal_)
constant = _make_deprecated(constant_)
xavier_uniform = _make_deprecated(xavier_uniform_)
xavier_normal = _make_deprecated(xavier_normal_)
kaiming_uniform = _make_deprecated(kaiming_uniform_)
kaiming_normal = _make_deprecated(kaiming_normal_)
orthogonal = _make_deprecated(orthogonal_)

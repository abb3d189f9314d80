"""Linear layers: Identity, Linear, Bilinear.

Taught in note 001 (nn.Linear), note 002 (线性层, MyLinear) and note 003 (Linear).
"""

from __future__ import annotations

import math
from typing import Any

from ... import creation
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear", "Bilinear"]


class Identity(Module):
    """Returns its input unchanged (a placeholder layer); constructor arguments are ignored.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.Identity(54, unused_argument1=0.1)(torch.ones(2))
    tensor([1., 1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Tensor:
        return input


class Linear(Module):
    r"""A fully connected layer: :math:`y = x W^T + b`.

    Args:
        in_features: size of each input sample (the last dim of the input).
        out_features: size of each output sample.
        bias: whether to learn an additive bias. Default ``True``.

    Shape:
        input ``(*, in_features)`` → output ``(*, out_features)``.

    Attributes:
        weight: ``(out_features, in_features)``, initialised from
            ``U(-1/sqrt(in_features), 1/sqrt(in_features))`` (``kaiming_uniform_`` with ``a=sqrt(5)``).
        bias: ``(out_features,)``, from the same distribution.

    A wrong ``in_features`` raises PyTorch's shape error with a hint naming the layer.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> m = nn.Linear(20, 30)
    >>> m(torch.randn(128, 20)).shape
    torch.Size([128, 30])
    >>> m
    Linear(in_features=20, out_features=30, bias=True)

    Taught in note 001 (nn.Linear) and note 002 (线性层).
    """

    __constants__ = ["in_features", "out_features"]

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, device: Any = None, dtype: Any = None
    ) -> None:
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(creation.empty((out_features, in_features), device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default initialisation (see the class docstring)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
        )

    def _error_hint(self, exc: BaseException, input: Any = None, *args: Any, **kwargs: Any) -> str | None:
        if isinstance(input, Tensor) and input.ndim >= 1 and input.shape[-1] != self.in_features:
            return f"expects {self.in_features} input features but received {input.shape[-1]}"
        return None


class Bilinear(Module):
    r"""A bilinear layer: :math:`y = x_1^T A x_2 + b`.

    Args:
        in1_features, in2_features: sizes of the two inputs' last dims.
        out_features: size of the output.
        bias: whether to learn an additive bias. Default ``True``.

    Weight ``(out_features, in1_features, in2_features)`` and bias are initialised from
    ``U(-1/sqrt(in1_features), 1/sqrt(in1_features))``.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> m = nn.Bilinear(20, 30, 40)
    >>> m(torch.randn(128, 20), torch.randn(128, 30)).shape
    torch.Size([128, 40])
    """

    __constants__ = ["in1_features", "in2_features", "out_features"]

    def __init__(
        self,
        in1_features: int,
        in2_features: int,
        out_features: int,
        bias: bool = True,
        device: Any = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        self.in1_features = in1_features
        self.in2_features = in2_features
        self.out_features = out_features
        self.weight = Parameter(
            creation.empty((out_features, in1_features, in2_features), device=device, dtype=dtype)
        )
        if bias:
            self.bias = Parameter(creation.empty(out_features, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.weight.size(1))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        return F.bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (
            f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
            f"out_features={self.out_features}, bias={self.bias is not None}"
        )

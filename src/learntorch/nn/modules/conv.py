"""Convolution layers: Conv1d/2d/3d and ConvTranspose1d/2d/3d.

Taught in note 000 §3 (Conv2d, ConvTranspose2d), note 002 §nn.Convnd (Conv1d/2d/3d)
and note 003 §3.2 (Conv2d on images, the CIFAR10-quick model). The computation is
:mod:`learntorch.ops.conv`: one strided window view and one matrix product.
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

__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d"]

_PADDING_MODES = {
    "zeros",
    "reflect",
    "replicate",
    "circular",
}  # a set, printed in the same order as PyTorch's


def _ntuple(v: Any, n: int) -> tuple:
    if isinstance(v, (tuple, list)):
        return tuple(v)
    return (v,) * n


class _ConvNd(Module):
    """What every convolution layer shares: arguments, parameters, init and repr."""

    _nd = 2
    __constants__ = ["stride", "padding", "dilation", "groups", "padding_mode", "output_padding",
                     "in_channels", "out_channels", "kernel_size"]  # fmt: skip

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any, padding: Any,
                 dilation: Any, transposed: bool, output_padding: Any, groups: int, bias: bool,
                 padding_mode: str, device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        nd = self._nd
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        kernel_size, stride, dilation = _ntuple(kernel_size, nd), _ntuple(stride, nd), _ntuple(dilation, nd)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {{'valid', 'same'}}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        else:
            padding = _ntuple(padding, nd)
        if padding_mode not in _PADDING_MODES:
            raise ValueError(
                f"padding_mode must be one of {_PADDING_MODES}, but got padding_mode='{padding_mode}'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.transposed = transposed
        self.output_padding = output_padding
        self.groups = groups
        self.padding_mode = padding_mode
        # F.pad wants (last dim left, last dim right, previous dim left, ...)
        if isinstance(padding, str):
            rev = [0, 0] * nd
            if padding == "same":
                for d, k, i in zip(dilation, kernel_size, range(nd - 1, -1, -1)):
                    total = d * (k - 1)
                    rev[2 * i] = total // 2
                    rev[2 * i + 1] = total - total // 2
            self._reversed_padding_repeated_twice = rev
        else:
            self._reversed_padding_repeated_twice = [p for p in reversed(padding) for _ in range(2)]
        if transposed:
            shape = (in_channels, out_channels // groups, *kernel_size)
        else:
            shape = (out_channels, in_channels // groups, *kernel_size)
        self.weight = Parameter(creation.empty(shape, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(creation.empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """PyTorch's default: weight ~ kaiming_uniform_(a=√5), i.e. U(±1/√fan_in); bias ~ U(±1/√fan_in)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            if fan_in != 0:
                bound = 1 / math.sqrt(fan_in)
                init.uniform_(self.bias, -bound, bound)

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s

    def _error_hint(self, exc: BaseException, input: Any = None, *args: Any, **kwargs: Any) -> str | None:
        if not isinstance(input, Tensor) or input.ndim not in (self._nd + 1, self._nd + 2):
            return None
        c = input.shape[1] if input.ndim == self._nd + 2 else input.shape[0]
        if c != self.in_channels:
            return f"expects {self.in_channels} input channels (in_channels) but received {c}"
        return None


def _conv_doc(nd: int) -> str:
    dims = {1: "L", 2: "H, W", 3: "D, H, W"}[nd]
    return f"""Applies a {nd}-D convolution over an input of shape (N, C_in, {dims}).

    Each output channel is a learned filter slid over the input: the sum over one window of the
    input (all ``in_channels/groups`` channels of its group) times the filter, plus a bias.

    Args:
        in_channels, out_channels: channels of the input and of the output.
        kernel_size: size of the filter (int or tuple).
        stride: step between windows. Default 1.
        padding: int, tuple, ``'valid'`` (none) or ``'same'`` (output as large as the input). Default 0.
        dilation: spacing between filter taps. Default 1.
        groups: split channels into independent groups. Default 1.
        bias: learn a bias per output channel. Default ``True``.
        padding_mode: ``'zeros'``, ``'reflect'``, ``'replicate'`` or ``'circular'``.

    Shape: output size per dimension = ⌊(in + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1.

    Weight ``(out_channels, in_channels/groups, *kernel_size)`` and bias start as U(±1/√fan_in)
    with fan_in = in_channels/groups · ∏kernel_size.
    """


class Conv1d(_ConvNd):
    __doc__ = (
        _conv_doc(1)
        + """
    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.Conv1d(2, 32, 5, stride=2, padding=2)(torch.randn(4, 2, 100)).shape   # note 002
    torch.Size([4, 32, 50])
    """
    )
    _nd = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, (0,), groups,
                         bias, padding_mode, device, dtype)  # fmt: skip

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        if self.padding_mode != "zeros":
            x = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return F.conv1d(x, weight, bias, self.stride, 0, self.dilation, self.groups)
        return F.conv1d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv2d(_ConvNd):
    __doc__ = (
        _conv_doc(2)
        + """
    Taught in note 000 §3, note 002 and note 003 §3.2 (a wrong channel count names the layer):

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> conv = nn.Conv2d(in_channels=3, out_channels=64, kernel_size=3, stride=1, padding=1)
    >>> conv
    Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> conv(torch.randn(1, 3, 32, 32)).shape
    torch.Size([1, 64, 32, 32])
    """
    )
    _nd = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, (0, 0), groups,
                         bias, padding_mode, device, dtype)  # fmt: skip

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        if self.padding_mode != "zeros":
            x = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return F.conv2d(x, weight, bias, self.stride, 0, self.dilation, self.groups)
        return F.conv2d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class Conv3d(_ConvNd):
    __doc__ = (
        _conv_doc(3)
        + """
    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.Conv3d(1, 16, 3, stride=1, padding=1)(torch.randn(1, 1, 4, 8, 8)).shape   # note 002
    torch.Size([1, 16, 4, 8, 8])
    """
    )
    _nd = 3

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, False, (0, 0, 0),
                         groups, bias, padding_mode, device, dtype)  # fmt: skip

    def _conv_forward(self, input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
        if self.padding_mode != "zeros":
            x = F.pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
            return F.conv3d(x, weight, bias, self.stride, 0, self.dilation, self.groups)
        return F.conv3d(input, weight, bias, self.stride, self.padding, self.dilation, self.groups)

    def forward(self, input: Tensor) -> Tensor:
        return self._conv_forward(input, self.weight, self.bias)


class _ConvTransposeNd(_ConvNd):
    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any, padding: Any,
                 output_padding: Any, groups: int, bias: bool, dilation: Any, padding_mode: str,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        nd = self._nd
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation, True,
                         _ntuple(output_padding, nd), groups, bias, padding_mode, device, dtype)  # fmt: skip

    def _output_padding(self, input: Tensor, output_size: Any) -> tuple:
        """The output_padding that makes the output ``output_size`` (PyTorch's rule), or the stored one."""
        if output_size is None:
            return self.output_padding
        nd = self._nd
        has_batch = input.ndim == nd + 2
        size = list(output_size)
        if len(size) == nd + 2 or (len(size) == nd + 1 and not has_batch):
            size = size[-nd:]
        if len(size) != nd:
            raise ValueError(
                f"ConvTranspose{nd}D: for {input.ndim}D input, output_size must have {nd} or {nd + 2} elements "
                f"(got {len(output_size)})"
            )
        mins, maxs = [], []
        for d in range(nd):
            dim = input.shape[input.ndim - nd + d]
            lo = (
                (dim - 1) * self.stride[d]
                - 2 * self.padding[d]
                + self.dilation[d] * (self.kernel_size[d] - 1)
                + 1
            )
            mins.append(lo)
            maxs.append(lo + self.stride[d] - 1)
        for d in range(nd):
            if not (mins[d] <= size[d] <= maxs[d]):
                raise ValueError(
                    f"requested an output size of {size}, but valid sizes range from {mins} to {maxs} "
                    f"(for an input of {list(input.shape[2:])})"
                )
        return tuple(size[d] - mins[d] for d in range(nd))

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        fn = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[self._nd]
        op = self._output_padding(input, output_size)
        return fn(input, self.weight, self.bias, self.stride, self.padding, op, self.groups, self.dilation)


def _convt_doc(nd: int) -> str:
    return f"""Applies a {nd}-D transposed convolution: the gradient of Conv{nd}d with respect to its input,
    used as a learnable upsampling.

    Each input pixel stamps a weighted copy of the filter into the output, ``stride`` apart; the
    output size per dimension is (in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1.
    Weight ``(in_channels, out_channels/groups, *kernel_size)``.
    """


class ConvTranspose1d(_ConvTransposeNd):
    __doc__ = _convt_doc(1)
    _nd = 1

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
                         dilation, padding_mode, device, dtype)  # fmt: skip


class ConvTranspose2d(_ConvTransposeNd):
    __doc__ = (
        _convt_doc(2)
        + """
    Note 000's example says 25×25, but the formula (and PyTorch) give 24×24:

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> conv_trans = nn.ConvTranspose2d(32, 64, kernel_size=3, stride=2, padding=1, output_padding=1)
    >>> conv_trans(torch.randn(1, 32, 12, 12)).shape
    torch.Size([1, 64, 24, 24])
    """
    )
    _nd = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
                         dilation, padding_mode, device, dtype)  # fmt: skip


class ConvTranspose3d(_ConvTransposeNd):
    __doc__ = _convt_doc(3)
    _nd = 3

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, groups: int = 1, bias: bool = True, dilation: Any = 1,
                 padding_mode: str = "zeros", device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, output_padding, groups, bias,
                         dilation, padding_mode, device, dtype)  # fmt: skip

"""Normalization layers: BatchNorm1d/2d/3d, LayerNorm, GroupNorm.

Taught in note 000 §5 (BatchNorm2d, train vs eval), note 002 (BatchNorm vs
LayerNorm) and note 004 (the BatchNorm2d signature). The computations are in
:mod:`learntorch.ops.norm`.
"""

from __future__ import annotations

from typing import Any

from ... import creation, dtypes
from ...autograd import grad_mode
from ...tensor import Tensor
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LayerNorm", "GroupNorm"]


class _BatchNorm(Module):
    """Batch normalization: y = (x − mean) / √(var + eps) · weight + bias, per channel.

    In training mode the mean and (biased) variance come from the batch, over every
    dimension but the channel one, and the running estimates are updated:
    ``running = (1 − momentum)·running + momentum·batch`` (the variance unbiased).
    With ``momentum=None`` the running estimates are a plain cumulative average
    (factor 1/num_batches_tracked). In eval mode the running estimates are used.

    Args:
        num_features: the number of channels C.
        eps: added to the variance. Default 1e-5.
        momentum: weight of the new batch in the running estimates. Default 0.1.
        affine: learn ``weight`` (init 1) and ``bias`` (init 0). Default ``True``.
        bias (keyword-only): with ``affine``, also learn ``bias``. Default ``True``.
        track_running_stats: keep ``running_mean``/``running_var``/``num_batches_tracked``
            buffers; without them, batch statistics are used in eval mode too.
    """

    _expected = "4D"
    _version = 2  # version 2 added num_batches_tracked (PyTorch 0.4.1); saved in state_dict()._metadata
    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: Any = None, dtype: Any = None, *,
                 bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(creation.empty(num_features, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(creation.empty(num_features, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, device=device, dtype=dtype))
            self.register_buffer("running_var", creation.ones(num_features, device=device, dtype=dtype))
            self.register_buffer("num_batches_tracked", creation.tensor(0, dtype=dtypes.long, device=device))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def _load_from_state_dict(self, state_dict: dict, prefix: str, local_metadata: dict, strict: bool,
                              missing_keys: list, unexpected_keys: list, error_msgs: list) -> None:  # fmt: skip
        version = local_metadata.get("version")
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            # checkpoints older than version 2 (e.g. torchvision's 2017 ResNet weights) have no counter: count 0
            state_dict[key] = creation.tensor(0, dtype=dtypes.long)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)  # fmt: skip

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            with grad_mode.no_grad():
                self.running_mean.zero_()
                self.running_var.fill_(1)
                self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != int(self._expected[0]):
            raise ValueError(
                f"expected {self._expected} input (got {input.ndim}D input)\n"
                f"hint: {type(self).__name__} takes {self._expected} input; "
                + ("BatchNorm1d is for (N, C) or (N, C, L), BatchNorm2d for (N, C, H, W)."
                   if input.ndim in (2, 3, 4) else "check the input's dimensions.")
            )  # fmt: skip

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            with grad_mode.no_grad():
                self.num_batches_tracked.add_(1)
            factor = 1.0 / float(self.num_batches_tracked.item()) if self.momentum is None else self.momentum
        bn_training = self.training or (self.running_mean is None and self.running_var is None)
        use_stats = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_stats else None, self.running_var if use_stats else None,
                            self.weight, self.bias, bn_training, factor, self.eps)  # fmt: skip

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
                f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}")  # fmt: skip

    def _error_hint(self, exc: BaseException, input: Any = None, *args: Any, **kwargs: Any) -> str | None:
        if isinstance(input, Tensor) and input.ndim >= 2 and input.shape[1] != self.num_features:
            return f"expects {self.num_features} channels (num_features) but received {input.shape[1]}"
        return None


class BatchNorm1d(_BatchNorm):
    __doc__ = (
        (_BatchNorm.__doc__ or "")
        + """
    Shape: (N, C) or (N, C, L). Note 002's ``ModelWithBatchNorm``:

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> bn = nn.BatchNorm1d(256)
    >>> bn(torch.randn(8, 256)).shape
    torch.Size([8, 256])
    """
    )

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(
                f"expected 2D or 3D input (got {input.ndim}D input)\n"
                "hint: BatchNorm1d takes (N, C) or (N, C, L); use BatchNorm2d for images (N, C, H, W)."
            )


class BatchNorm2d(_BatchNorm):
    __doc__ = (
        (_BatchNorm.__doc__ or "")
        + """
    Shape: (N, C, H, W). Note 000 §5:

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> bn = nn.BatchNorm2d(num_features=3)
    >>> bn
    BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    >>> y = bn(torch.randn(4, 3, 5, 5))
    >>> bn.num_batches_tracked
    tensor(1)
    """
    )

    _expected = "4D"


class BatchNorm3d(_BatchNorm):
    __doc__ = (_BatchNorm.__doc__ or "") + "\n    Shape: (N, C, D, H, W).\n"
    _expected = "5D"


class LayerNorm(Module):
    """Normalize each sample over its last dimensions: y = (x − mean)/√(var + eps) · weight + bias.

    Unlike BatchNorm, the statistics come from one sample alone, so train and eval
    behave the same (note 002 §LayerNorm; used in RNNs and Transformers).

    Args:
        normalized_shape: the trailing shape to normalize over (int or tuple).
        eps: added to the variance. Default 1e-5.
        elementwise_affine: learn ``weight`` (init 1) of ``normalized_shape``. Default ``True``.
        bias: also learn ``bias`` (init 0). Default ``True``.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> ln = nn.LayerNorm(256)
    >>> ln
    LayerNorm((256,), eps=1e-05, elementwise_affine=True, bias=True)
    >>> ln(torch.randn(8, 256)).shape
    torch.Size([8, 256])
    """

    __constants__ = ["normalized_shape", "eps", "elementwise_affine"]

    def __init__(self, normalized_shape: Any, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        if isinstance(normalized_shape, int):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(creation.empty(self.normalized_shape, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(creation.empty(self.normalized_shape, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.elementwise_affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.layer_norm(input, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}, "
                f"bias={self.bias is not None}")  # fmt: skip

    def _error_hint(self, exc: BaseException, input: Any = None, *args: Any, **kwargs: Any) -> str | None:
        k = len(self.normalized_shape)
        if isinstance(input, Tensor) and tuple(input.shape[input.ndim - k :]) != self.normalized_shape:
            return (f"normalizes trailing shape {list(self.normalized_shape)} but received input of shape "
                    f"{list(input.shape)}")  # fmt: skip
        return None


class GroupNorm(Module):
    """Normalize each group of ``num_channels/num_groups`` channels of each sample, then scale per channel.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> gn = nn.GroupNorm(3, 6)
    >>> gn
    GroupNorm(3, 6, eps=1e-05, affine=True, bias=True)
    >>> gn(torch.randn(2, 6, 4, 4)).shape
    torch.Size([2, 6, 4, 4])
    """

    __constants__ = ["num_groups", "num_channels", "eps", "affine"]

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device: Any = None, dtype: Any = None, *, bias: bool = True) -> None:  # fmt: skip
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})")
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        if affine:
            self.weight = Parameter(creation.empty(num_channels, device=device, dtype=dtype))
            if bias:
                self.bias = Parameter(creation.empty(num_channels, device=device, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}, bias={self.bias is not None}"

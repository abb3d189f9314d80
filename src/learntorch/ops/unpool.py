"""Max unpooling: the inverse of max pooling, placing each value back at the index it came from."""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor
from .conv import _ntuple
from .pool import PlaneScatter
from .windows import _prod


# --------------------------------------------------------------------------------------
# max unpooling
# --------------------------------------------------------------------------------------
def max_unpool2d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:  # fmt: skip
    """Put each value back where ``max_pool2d(..., return_indices=True)`` found it; zeros elsewhere.

    >>> import learntorch as torch
    >>> x = torch.tensor([[[[1., 2.], [3., 4.]]]])
    >>> y, idx = torch.nn.functional.max_pool2d(x, 2, return_indices=True)
    >>> max_unpool2d(y, idx, 2)
    tensor([[[[0., 0.],
              [0., 4.]]]])
    """
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size: Any, stride: Any = None, padding: Any = 0,
                 output_size: Any = None) -> Tensor:  # fmt: skip
    """1-D max unpooling."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def _max_unpool(nd: int, input: Tensor, indices: Tensor, kernel_size: Any, stride: Any, padding: Any,
                output_size: Any) -> Tensor:  # fmt: skip
    ks = _ntuple(kernel_size, nd)
    st = _ntuple(stride, nd) if stride is not None else ks
    pd = _ntuple(padding, nd)
    in_size = input.shape[-nd:]
    default = tuple((in_size[i] - 1) * st[i] - 2 * pd[i] + ks[i] for i in range(nd))
    if output_size is None:
        out = default
    else:
        out = tuple(output_size)[-nd:]
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError(
            f"Expected shape of indices to be same as that of the input tensor ({list(input.shape)}) but got "
            f"indices tensor with shape: {list(indices.shape)}"
        )
    x, idx = input, indices._data
    if nd == 1:
        x = x.unsqueeze(-2)
        idx = idx[..., None, :]
        out = (1, *out)
    bad = (idx < 0) | (idx >= _prod(out))
    if bad.any():
        i = int(idx[bad].ravel()[0])
        raise RuntimeError(
            f"Found an invalid max index: {i} (output volumes are of size {'x'.join(map(str, out))}"
        )
    y = PlaneScatter.variant("MaxUnpool2DBackward0").apply(x, idx, tuple(out))
    return y.squeeze(-2) if nd == 1 else y

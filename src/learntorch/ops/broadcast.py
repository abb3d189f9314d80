"""Broadcasting made explicit: the shape several tensors broadcast to, and the tensors expanded to it.

Every elementwise op broadcasts implicitly; these two functions let a student ask for
the result shape first, and see that the expanded tensors are views with stride 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..tensor import Size, Tensor
from ._util import broadcast_shapes as _broadcast_pair

__all__ = ["broadcast_shapes", "broadcast_tensors"]


def broadcast_shapes(*shapes: int | Sequence[int]) -> Size:
    """The shape that tensors of ``shapes`` broadcast to (an int counts as a 1-D shape).

    Shapes are aligned from the right; each pair of sizes must be equal, or one of them 1.

    >>> import learntorch as torch
    >>> torch.broadcast_shapes((2,), (3, 1), (1, 1, 1))
    torch.Size([1, 3, 2])
    >>> torch.broadcast_shapes((3, 1), (2, 4))
    Traceback (most recent call last):
    ...
    RuntimeError: Attempting to broadcast a dimension of length 2 at -2! Mismatching argument at index 1 had (2, 4); but expected shape should be broadcastable to [3, 4]
    hint: aligned from the right, each pair of sizes must be equal or one of them 1.
    """
    shapes_ = [(s,) if isinstance(s, int) else s for s in shapes]
    for s in shapes_:
        if not isinstance(s, Sequence):
            raise RuntimeError(
                f"Input shapes should be of type ints, a tuple of ints, or a list of ints, got {s}"
            )
    common = [1] * max((len(s) for s in shapes_), default=0)
    for k, shape in enumerate(shapes_):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == common[i]:
                continue
            if common[i] == 1:
                if shape[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[i] = shape[i]
            if shape[i] != 1 and shape[i] != common[i]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[i]} at {i}! Mismatching argument "
                    f"at index {k} had {shape}; but expected shape should be broadcastable to {common}\n"
                    "hint: aligned from the right, each pair of sizes must be equal or one of them 1."
                )
    return Size(common)


def broadcast_tensors(*tensors: Tensor) -> tuple[Tensor, ...]:
    """Each tensor expanded (a view, no copy) to the shape they all broadcast to.

    >>> import learntorch as torch
    >>> a, b = torch.broadcast_tensors(torch.arange(3).view(3, 1), torch.arange(4))
    >>> a.shape, a.stride(), b.stride()
    (torch.Size([3, 4]), (1, 0), (0, 1))
    """
    shape: tuple[Any, ...] = ()
    for t in tensors:
        shape = _broadcast_pair(shape, tuple(t.shape))
    return tuple(t.expand(shape) for t in tensors)

"""Matrix products."""

from __future__ import annotations

from .. import dtypes
from ..autograd.function import Op
from ..tensor import Tensor
from ._util import bind


class Mm(Op):
    """C = A @ B (2-D);  dA = dC Bᵀ, dB = Aᵀ dC"""

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, b if ctx.needs_input_grad[0] else None)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = grad.mm(b.t()) if ctx.needs_input_grad[0] else None
        gb = a.t().mm(grad) if ctx.needs_input_grad[1] else None
        return ga, gb


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors.

    >>> import learntorch as torch
    >>> torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    if input.ndim != 2 or mat2.ndim != 2:
        bad = input if input.ndim != 2 else mat2
        which = "self" if input.ndim != 2 else "mat2"
        raise RuntimeError(f"{which} must be a matrix")
    if input.shape[1] != mat2.shape[0]:
        raise RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({input.shape[0]}x{input.shape[1]} and "
            f"{mat2.shape[0]}x{mat2.shape[1]})\n"
            f"hint: the inner sizes must agree: {input.shape[1]} columns on the left vs "
            f"{mat2.shape[0]} rows on the right."
        )
    if input.dtype != mat2.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {input.dtype.name} != {mat2.dtype.name}"
            if False
            else f"expected mat1 and mat2 to have the same dtype, but got: {input.dtype.name} != {mat2.dtype.name}"
        )
    return Mm.apply(input, mat2)


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """``input @ other`` with PyTorch's rules for 1-D, 2-D and batched operands."""
    if input.ndim == 2 and other.ndim == 2:
        return mm(input, other)
    raise RuntimeError(f"matmul for {input.ndim}-D and {other.ndim}-D operands is not supported yet")


_ = dtypes
bind(mm=mm, matmul=matmul, __matmul__=matmul, __rmatmul__=lambda s, o: matmul(o, s))

"""Matrix products: ``mm``, ``bmm``, ``mv``, ``dot``, ``outer``, ``addmm``, ``matmul`` (``@``);
``einsum`` is beside it in :mod:`.einsum`.

The primitives (Mm, Bmm, Mv, Dot, Addmm) each call one BLAS routine through
NumPy. ``matmul`` is not a primitive: like PyTorch it reduces every rank combination
to those primitives plus views, so ``grad_fn`` shows the same nodes PyTorch shows
(``MmBackward0`` for 2-D @ 2-D, ``UnsafeViewBackward0`` over ``BmmBackward0`` for
batches, ...). Backward formulas: for C = A B, dA = dC Bᵀ and dB = Aᵀ dC.
"""

from __future__ import annotations

from typing import Any

from .. import dtypes
from ..autograd.function import Op
from ..tensor import Tensor
from ._util import bind, broadcast_shapes, unbroadcast
from .arith import mul
from .view import UnsafeView

__all__ = ["mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "matmul"]


__all__ = ["mm", "bmm", "mv", "dot", "vdot", "outer", "ger", "addmm", "matmul"]


def _same_dtype(a: Tensor, b: Tensor) -> None:
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {dtypes.c_type_name(a.dtype)} != {dtypes.c_type_name(b.dtype)}\n"
            "hint: matrix products do not promote dtypes; convert one side, e.g. b.to(a.dtype) "
            "(often a float64 tensor made from NumPy meets float32 weights: use .float())."
        )


def _not_bool(name: str, a: Tensor) -> None:
    if a.dtype.name == "bool":
        raise NotImplementedError(
            f"\"{name}\" not implemented for 'Bool'\nhint: convert the masks to numbers first, e.g. .float()."
        )


def _shape_error(a: tuple, b: tuple) -> RuntimeError:
    return RuntimeError(
        f"mat1 and mat2 shapes cannot be multiplied ({a[0]}x{a[1]} and {b[0]}x{b[1]})\n"
        f"hint: in A @ B the columns of A must equal the rows of B: {a[1]} vs {b[0]}. In a network, "
        f"a Linear layer expecting {b[0]} input features received {a[1]}; fix in_features or the layer before."
    )


# ---------------------------------------------------------------------- primitives
class Mm(Op):
    """C = A B (2-D);  dA = dC Bᵀ, dB = Aᵀ dC"""

    @staticmethod
    def forward(ctx, a, b):
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
        if a.shape[1] == 1 and a.shape[0] > 1 and b.shape[1] > 1 and a.dtype.kind == "f":
            return a * b  # torch's gemm with K = 1 is an outer product and keeps -0.0 (gemv sums from +0)
        return a @ b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = grad.mm(b.t()) if ctx.needs_input_grad[0] else None
        gb = a.t().mm(grad) if ctx.needs_input_grad[1] else None
        return ga, gb


class Bmm(Op):
    """C[i] = A[i] B[i] (3-D batches);  dA = dC Bᵀ, dB = Aᵀ dC per batch"""

    @staticmethod
    def forward(ctx, a, b):
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
        return ctx.xp.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = grad.bmm(b.transpose(1, 2)) if ctx.needs_input_grad[0] else None
        gb = a.transpose(1, 2).bmm(grad) if ctx.needs_input_grad[1] else None
        return ga, gb


class Mv(Op):
    """y = A v;  dA = dy vᵀ (an outer product), dv = Aᵀ dy"""

    @staticmethod
    def forward(ctx, a, v):
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, v if need[0] else None)
        return a @ v

    @staticmethod
    def backward(ctx, grad):
        a, v = ctx.saved_tensors
        ga = outer(grad, v) if ctx.needs_input_grad[0] else None
        gv = a.t().mv(grad) if ctx.needs_input_grad[1] else None
        return ga, gv


class Dot(Op):
    """s = Σ a_i b_i;  da = ds b, db = ds a"""

    @staticmethod
    def forward(ctx, a, b):
        need = ctx.needs_input_grad
        ctx.save_for_backward(a if need[1] else None, b if need[0] else None)
        return ctx.xp.asarray(ctx.xp.dot(a, b)) + 0  # torch's accumulator starts at +0: -0.0 sums to 0.0

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        ga = grad * b if ctx.needs_input_grad[0] else None
        gb = grad * a if ctx.needs_input_grad[1] else None
        return ga, gb


class Addmm(Op):
    """Y = beta M + alpha A B (what nn.Linear computes);  dM = beta dY, dA = alpha dY Bᵀ, dB = alpha Aᵀ dY"""

    @staticmethod
    def forward(ctx, m, a, b, beta, alpha):
        need = ctx.needs_input_grad
        ctx.scales = (beta, alpha)
        ctx.save_for_backward(a if need[2] else None, b if need[1] else None)
        ab = a @ b
        if alpha != 1:
            ab *= ab.dtype.type(alpha)
        if beta == 0:
            return ab
        ab += m if beta == 1 else m * m.dtype.type(beta)
        return ab

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        beta, alpha = ctx.scales
        need = ctx.needs_input_grad
        g = grad if alpha == 1 else grad * alpha
        gm = unbroadcast(grad if beta == 1 else grad * beta, ctx._in_shapes[0]) if need[0] else None
        ga = g.mm(b.t()) if need[1] else None
        gb = a.t().mm(g) if need[2] else None
        return gm, ga, gb, None, None


class SqueezeDim(Op):
    """y = x without size-1 dim ``dim`` (a view); what matmul uses for 1-D @ 2-D"""

    node_name = "SqueezeBackward4"
    _view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return x.squeeze(dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.unsqueeze(ctx.dim), None


# ---------------------------------------------------------------------- public functions
def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """Matrix product of two 2-D tensors.

    >>> import learntorch as torch
    >>> torch.mm(torch.ones(2, 3), torch.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    if input.ndim != 2:
        raise RuntimeError(
            "self must be a matrix\nhint: mm takes 2-D tensors; use matmul (@) for other ranks."
        )
    if mat2.ndim != 2:
        raise RuntimeError(
            "mat2 must be a matrix\nhint: mm takes 2-D tensors; use matmul (@) or mv for a vector."
        )
    if input.shape[1] != mat2.shape[0]:
        raise _shape_error(input.shape, mat2.shape)
    _same_dtype(input, mat2)
    return Mm.apply(input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product: ``(b, n, m) @ (b, m, p) -> (b, n, p)``, no broadcasting.

    >>> import learntorch as torch
    >>> torch.bmm(torch.ones(5, 2, 3), torch.ones(5, 3, 4)).shape
    torch.Size([5, 2, 4])
    """
    for name, t in (("batch1", input), ("batch2", mat2)):
        if t.ndim != 3:
            raise RuntimeError(
                f"{name} must be a 3D tensor\nhint: bmm takes (batch, n, m); use matmul to broadcast."
            )
    want = [input.shape[0], input.shape[2]]
    if [mat2.shape[0], mat2.shape[1]] != want:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: {want} but got: "
            f"{[mat2.shape[0], mat2.shape[1]]}.\nhint: batch sizes must agree and the columns of each "
            "left matrix must equal the rows of each right matrix."
        )
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected scalar type {dtypes.scalar_type_name(input.dtype)} but found {dtypes.scalar_type_name(mat2.dtype)}\n"
            "hint: convert one side, e.g. b.to(a.dtype)."
        )
    return Bmm.apply(input, mat2)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix-vector product ``(n, m) @ (m,) -> (n,)``.

    >>> import learntorch as torch
    >>> torch.mv(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., 1.]))
    tensor([3., 7.])
    """
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}\n"
            "hint: mv takes a 2-D matrix and a 1-D vector."
        )
    if input.shape[1] != vec.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({input.shape[0]}), mat ({input.shape[0]}x{input.shape[1]}), "
            f"vec ({vec.shape[0]})\nhint: the vector's length must equal the matrix's number of columns."
        )
    if input.dtype is not vec.dtype:
        n = dtypes.scalar_type_name(input.dtype)
        v = dtypes.scalar_type_name(vec.dtype)
        out = dtypes.scalar_type_name(dtypes.promote_types(input.dtype, vec.dtype))
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got {out}, {n}, and {v}\n"
            "hint: convert one side, e.g. v.to(A.dtype)."
        )
    return Mv.apply(input, vec)


def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """Inner product of two 1-D tensors of equal length.

    >>> import learntorch as torch
    >>> torch.dot(torch.tensor([2, 3]), torch.tensor([2, 1]))
    tensor(7)
    """
    if input.ndim != 1 or tensor.ndim != 1:
        raise RuntimeError(
            f"1D tensors expected, but got {input.ndim}D and {tensor.ndim}D tensors\n"
            "hint: dot takes two vectors; use matmul (@) for matrices."
        )
    if input.shape[0] != tensor.shape[0]:
        n, m = input.shape[0], tensor.shape[0]
        raise RuntimeError(
            f"inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number of "
            f"elements, but got {n} and {m} elements respectively\nhint: both vectors need the same length."
        )
    if input.dtype is not tensor.dtype:
        raise RuntimeError(
            "dot : expected both vectors to have same dtype, but found "
            f"{dtypes.scalar_type_name(input.dtype)} and {dtypes.scalar_type_name(tensor.dtype)}\n"
            "hint: convert one side, e.g. b.to(a.dtype)."
        )
    _not_bool("dot", input)
    return Dot.apply(input, tensor)


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """Dot product of two 1-D tensors (complex conjugating the first; learntorch is real-valued)."""
    dot(input, other)  # same checks and messages
    return Dot.variant("VdotBackward0").apply(input, other)


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """Outer product ``(n,) x (m,) -> (n, m)``.

    >>> import learntorch as torch
    >>> torch.outer(torch.tensor([1, 2]), torch.tensor([1, 10]))
    tensor([[ 1, 10],
            [ 2, 20]])
    """
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return mul(input.reshape(-1, 1), vec2)


ger = outer


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``; ``input`` broadcasts (a bias row).

    >>> import learntorch as torch
    >>> x, w, b = torch.ones(2, 3), torch.ones(3, 4), torch.tensor([0., 1., 2., 3.])
    >>> torch.addmm(b, x, w)
    tensor([[3., 4., 5., 6.],
            [3., 4., 5., 6.]])
    """
    if mat1.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {mat1.ndim}-D tensor")
    if mat2.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {mat2.ndim}-D tensor")
    if mat1.shape[1] != mat2.shape[0]:
        raise _shape_error(mat1.shape, mat2.shape)
    _same_dtype(mat1, mat2)
    out_shape = [mat1.shape[0], mat2.shape[1]]
    try:
        if broadcast_shapes(input.shape, out_shape) != tuple(out_shape):
            raise RuntimeError
    except RuntimeError:
        raise RuntimeError(_expand_message(tuple(input.shape), out_shape)) from None
    return Addmm.apply(input, mat1, mat2, beta, alpha)


def _expand_message(shape: tuple, target: list) -> str:
    lead = len(target) - len(shape)
    for i, s in enumerate(shape):
        if s != 1 and s != target[i + lead]:
            return (
                f"The expanded size of the tensor ({target[i + lead]}) must match the existing size ({s}) at "
                f"non-singleton dimension {i + lead}.  Target sizes: {target}.  Tensor sizes: {list(shape)}\n"
                "hint: the bias must have one entry per output column."
            )
    return f"addmm: input of shape {list(shape)} cannot broadcast to {target}"


# ---------------------------------------------------------------------- matmul
def matmul(input: Tensor, other: Tensor) -> Tensor:
    """``input @ other`` with PyTorch's rules for every rank.

    1-D @ 1-D is a dot product, 2-D @ 2-D a matrix product, 1-D operands gain (then
    lose) a dimension, and leading "batch" dimensions broadcast.

    >>> import learntorch as torch
    >>> (torch.ones(3) @ torch.ones(3)).shape, (torch.ones(2, 3) @ torch.ones(3)).shape
    (torch.Size([]), torch.Size([2]))
    >>> (torch.ones(5, 1, 2, 3) @ torch.ones(4, 3, 6)).shape
    torch.Size([5, 4, 2, 6])
    """
    d1, d2 = input.ndim, other.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {d1}D and {d2}D\n"
            "hint: for a number times a tensor use * instead of @."
        )
    if d1 == 1 and d2 == 1:
        return dot(input, other)
    if d1 == 2 and d2 == 1:
        return mv(input, other)
    if d1 == 1 and d2 == 2:
        return SqueezeDim.apply(mm(input.unsqueeze(0), other), 0)
    if d1 == 2 and d2 == 2:
        return mm(input, other)
    if _should_fold(input, other):
        return _folded(input, other)
    return _batched(input, other)


def _should_fold(a: Tensor, b: Tensor) -> bool:
    """PyTorch folds ``(..., n, m) @ (m, p)`` into one mm when that costs no copy (or b needs grad)."""
    a_larger = a.ndim >= b.ndim
    big = a if a_larger else b.mT
    small_dim = b.ndim if a_larger else a.ndim
    if not (big.ndim >= 3 and small_dim <= 2):
        return False
    if (b if a_larger else a).requires_grad:
        return True
    if a.ndim == 2:
        return False
    if big.numel() == 0:
        return True
    shape, st = big.shape, big.stride()
    return all(st[i] == st[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _folded(a: Tensor, b: Tensor) -> Tensor:
    transpose = b.ndim > a.ndim
    t1 = b.mT if transpose else a
    t2 = (a.t() if a.ndim == 2 else a) if transpose else b
    out_shape = tuple(t1.shape[:-1])
    folded = t1.reshape(-1, t1.shape[-1])
    if t2.ndim == 2:
        out_shape += (t2.shape[1],)
        out = UnsafeView.apply(mm(folded, t2), out_shape)
        return out.mT.contiguous() if transpose else out
    return UnsafeView.apply(mv(folded, t2), out_shape)


def _batched(a: Tensor, b: Tensor) -> Tensor:
    d1, d2 = a.ndim, b.ndim
    n = a.shape[-2] if d1 > 1 else 1
    m1 = a.shape[-1]
    m2 = b.shape[-2] if d2 > 1 else b.shape[0]
    p = b.shape[-1] if d2 > 1 else 1
    batch = broadcast_shapes(tuple(a.shape[: max(d1 - 2, 0)]), tuple(b.shape[: max(d2 - 2, 0)]))
    nb = 1
    for s in batch:
        nb *= s
    a3 = a.expand(batch + (n, m1)).reshape(nb, n, m1)
    if d2 == 1:
        b3 = b.expand(batch + (m2,)).reshape(nb, m2).unsqueeze(2)
    else:
        b3 = b.expand(batch + (m2, p)).reshape(nb, m2, p)
    out_shape = batch + ((n,) if d1 > 1 else ()) + ((p,) if d2 > 1 else ())
    prod = bmm(a3, b3)
    return UnsafeView.apply(prod.squeeze(-1) if d2 == 1 else prod, out_shape)


bind(mm=mm, bmm=bmm, mv=mv, dot=dot, vdot=vdot, outer=outer, ger=ger, addmm=addmm, matmul=matmul)

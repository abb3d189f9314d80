"""einsum: sums of products named by letters (``'ij,jk->ik'`` is a matrix product).

The gradient for one operand is another einsum: the output gradient with the other operands, summed
back to that operand's letters.
"""

from __future__ import annotations

from typing import Any

from .. import backend
from ..autograd.function import Op
from ..tensor import Tensor


class Einsum(Op):
    """y = einsum(equation, *xs);  dx_k = einsum of dy with the other operands, back to x_k's indices"""

    @staticmethod
    def forward(ctx, spec, *arrays):
        ins, out = spec
        ctx.spec = spec
        ctx.save_for_backward(*arrays)
        eq = ",".join(ins) + "->" + out
        return ctx.xp.asarray(ctx.xp.einsum(eq, *arrays, optimize=len(arrays) > 2))

    @staticmethod
    def backward(ctx, grad):
        ins, out = ctx.spec
        xs = ctx.saved_tensors
        grads: list[Any] = [None]
        for k in range(len(ins)):
            if not ctx.needs_input_grad[k + 1]:
                grads.append(None)
                continue
            grads.append(_einsum_grad(grad, out, xs, ins, k))
        return tuple(grads)


def _einsum_grad(grad: Tensor, out: str, xs: tuple, ins: list, k: int) -> Tensor:
    """The gradient for operand ``k``: contract ``grad`` with the other operands."""
    sub = ins[k]
    sizes = {c: s for s_, x in zip(ins, xs) for c, s in zip(s_, x.shape)}
    unique = "".join(dict.fromkeys(sub))
    avail = set(out) | {c for j, s in enumerate(ins) if j != k for c in s}
    kept = "".join(c for c in unique if c in avail)
    others = [(s, x) for j, (s, x) in enumerate(zip(ins, xs)) if j != k]
    g = _einsum_apply([out] + [s for s, _ in others], kept, [grad] + [x for _, x in others])
    # letters only this operand had were summed away in forward: their gradient is a broadcast
    if kept != unique:
        for i, c in enumerate(unique):
            if c not in kept:
                g = g.unsqueeze(i)
        g = g.expand(tuple(sizes[c] for c in unique))
    # a repeated letter (a diagonal, 'ii') puts the gradient on that diagonal only: multiply by
    # one identity matrix per extra copy of the letter, each copy renamed to a fresh letter
    if unique != sub:
        xp = backend.array_module(grad._data)
        target = list(sub)
        fresh = iter(_fresh_letters(set(sub), len(sub) - len(unique)))
        spec_ins, eyes = [unique], []
        for c in unique:
            for p in [i for i, s in enumerate(sub) if s == c][1:]:
                target[p] = next(fresh)
                spec_ins.append(c + target[p])
                eyes.append(Tensor._make(xp.eye(sizes[c], dtype=grad._data.dtype)))
        g = _einsum_apply(spec_ins, "".join(target), [g, *eyes])
    return g


def _fresh_letters(used: set, n: int) -> list[str]:
    pool = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    return pool[:n]


def _einsum_apply(ins: list, out: str, operands: list) -> Tensor:
    return Einsum.apply((tuple(ins), out), *operands)


def _parse_einsum(equation: str, shapes: list) -> tuple[list, str]:
    """Explicit subscripts for every operand (ellipses spelled out) and for the output."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    ins = lhs.split(",")
    if len(ins) > len(shapes):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(ins) < len(shapes):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    used = set(eq) - set(".,->")
    ell_rank = 0
    for sub, shape in zip(ins, shapes):
        n_letters = len(sub.replace("...", ""))
        if "..." in sub:
            ell_rank = max(ell_rank, len(shape) - n_letters)
        elif n_letters != len(shape):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({n_letters}) does not match the number "
                f"of dimensions ({len(shape)}) for operand {ins.index(sub)} and no ellipsis was given"
            )
    ell = "".join(_fresh_letters(used, ell_rank))
    explicit = []
    for sub, shape in zip(ins, shapes):
        if "..." in sub:
            k = len(shape) - len(sub.replace("...", ""))
            sub = sub.replace("...", ell[ell_rank - k :])
        explicit.append(sub)
    if arrow:
        out = rhs.replace("...", ell)
    else:
        counts: dict[str, int] = {}
        for c in "".join(explicit):
            counts[c] = counts.get(c, 0) + 1
        out = ell + "".join(sorted(c for c, n in counts.items() if n == 1 and c not in ell))
    return explicit, out


def einsum(equation: str, *operands: Any) -> Tensor:
    """Einstein summation: name every dimension with a letter; letters missing from the output are summed.

    >>> import learntorch as torch
    >>> a, b = torch.ones(2, 3), torch.ones(3, 4)
    >>> torch.einsum('ij,jk->ik', a, b).shape, torch.einsum('ii->i', torch.eye(3))
    (torch.Size([2, 4]), tensor([1., 1., 1.]))
    """
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    ins, out = _parse_einsum(equation, [tuple(t.shape) for t in operands])
    sizes: dict[str, int] = {}
    for k, (sub, t) in enumerate(zip(ins, operands)):
        for c, s in zip(sub, t.shape):
            if c in sizes and s != sizes[c] and 1 not in (s, sizes[c]):
                raise RuntimeError(
                    f"einsum(): subscript {c} has size {s} for operand {k} which does not broadcast with "
                    f"previously seen size {sizes[c]}\nhint: dimensions named by the same letter must match."
                )
            sizes[c] = s if c not in sizes or sizes[c] == 1 else sizes[c]
    # broadcast size-1 dimensions up front (views), so the backward sees full-size operands
    ops = []
    for sub, t in zip(ins, operands):
        full = tuple(sizes[c] for c in sub)
        ops.append(t if tuple(t.shape) == full else t.expand(full))
    result = _einsum_apply(ins, out, ops)
    contracted = any(c not in out for sub in ins for c in sub)
    if len(ops) >= 2 and contracted and result.requires_grad:
        return result.view(tuple(result.shape))  # torch shows ViewBackward0 on top of its bmm path
    return result

"""Ordering: sort, argsort, topk, unique (values and the indices they came from)."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import backend
from ..autograd.function import Op
from ..return_types import make_return_type
from ..tensor import Tensor, _wrap_dim
from ._util import bind
from .gather import _gather_key
from .index import _rowmajor, index_put

# ---------------------------------------------------------------------- sort / topk / unique
_sort_t = make_return_type("sort", ("values", "indices"))
_topk_t = make_return_type("topk", ("values", "indices"))


class _SortLike(Op):
    """values = x picked along ``dim`` at ``indices``;  dx = dvalues put back at indices"""

    _abstract = True

    @staticmethod
    def forward(ctx, x, dim, order):
        xp = ctx.xp
        order = _rowmajor(xp, order)
        vals = _rowmajor(xp, xp.take_along_axis(x, order, axis=dim))
        ctx.args = (x.shape, dim, order)
        ctx.non_differentiable = {1}
        return vals, order

    @staticmethod
    def backward(ctx, grad, _gi=None):
        shape, dim, order = ctx.args
        zeros = Tensor._make(ctx.xp.zeros(shape, dtype=grad._data.dtype))
        key = _gather_key(order, dim, ctx.xp)
        return index_put(zeros, key, grad, False), None, None


def _order(a: Any, dim: int, descending: bool, stable: bool = True) -> Any:
    xp = backend.array_module(a)
    if a.dtype == bool:
        a = a.astype(xp.int8)
    if descending:
        # stable descending order: sort the reversed axis ascending on negated keys
        key = -a.astype(xp.float64) if a.dtype.kind != "f" else -a
        if a.dtype.kind == "f":
            key = xp.where(xp.isnan(a), -xp.inf, key)
        return xp.argsort(key, axis=dim, kind="stable")
    if a.dtype.kind == "f":
        return xp.argsort(a, axis=dim, kind="stable")
    return xp.argsort(a, axis=dim, kind="stable")


def sort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Any:
    """Sorted values along ``dim`` and the indices they came from (``torch.return_types.sort``).

    >>> import learntorch as torch
    >>> torch.tensor([3, 1, 2]).sort()
    torch.return_types.sort(
    values=tensor([1, 2, 3]),
    indices=tensor([1, 2, 0]))
    """
    if input.ndim == 0:
        return _sort_t(
            (input.clone(), Tensor._make(backend.array_module(input._data).zeros((), dtype=np.int64)))
        )
    d = _wrap_dim(dim, input.ndim)
    order = _order(input._data, d, descending).astype(np.int64, copy=False)
    vals, idx = _SortLike.variant("SortBackward0").apply(input, d, order)
    return _sort_t((vals, idx))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim``."""
    return sort(input, dim, descending, stable).indices


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True, sorted: bool = True) -> Any:  # noqa: A002
    """The ``k`` largest (or smallest) values along ``dim`` and their indices.

    >>> import learntorch as torch
    >>> torch.tensor([1.0, 5.0, 3.0]).topk(2)
    torch.return_types.topk(
    values=tensor([5., 3.]),
    indices=tensor([1, 2]))
    """
    d = _wrap_dim(dim, input.ndim) if input.ndim else 0
    size = input._data.shape[d] if input.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    a = input._data if input.ndim else input._data.reshape(1)
    order = _order(a, d, largest).astype(np.int64, copy=False)
    order = order[(slice(None),) * d + (slice(0, k),)]
    x = input if input.ndim else input.reshape(1)
    vals, idx = _SortLike.variant("TopkBackward0").apply(x, d, order)
    if input.ndim == 0:
        vals, idx = vals.reshape(()), idx.reshape(())
    return _topk_t((vals, idx))


def unique(
    input: Tensor,
    sorted: bool = True,
    return_inverse: bool = False,
    return_counts: bool = False,
    dim: int | None = None,  # noqa: A002
) -> Any:
    """The distinct values (sorted), optionally with inverse indices and counts.

    >>> import learntorch as torch
    >>> torch.unique(torch.tensor([3, 1, 1, 2]), return_counts=True)
    (tensor([1, 2, 3]), tensor([2, 1, 1]))
    """
    xp = backend.array_module(input._data)
    a = input._data
    if dim is None:
        vals, inv, counts = xp.unique(a.reshape(-1), return_inverse=True, return_counts=True)
        inv = inv.reshape(a.shape)
    else:
        d = _wrap_dim(dim, input.ndim)
        vals, inv, counts = xp.unique(a, return_inverse=True, return_counts=True, axis=d)
        inv = inv.reshape(-1)
    out = [Tensor._make(_rowmajor(xp, vals))]
    if return_inverse:
        out.append(Tensor._make(_rowmajor(xp, inv.astype(xp.int64))))
    if return_counts:
        out.append(Tensor._make(_rowmajor(xp, counts.astype(xp.int64))))
    return out[0] if len(out) == 1 else tuple(out)


bind(sort=sort, argsort=argsort, topk=topk, unique=unique)

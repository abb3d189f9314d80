"""Shape and view operations.

Views (``view``, ``transpose``, ``permute``, ``expand``, ``squeeze``, ...) return
NumPy views: same memory, new shape and strides, exactly as PyTorch's do, and they
share the base tensor's version counter. Ops marked ``_view = True`` are views.
"""

from __future__ import annotations

from typing import Any, Sequence

from .. import backend
from ..autograd.function import Op
from ..tensor import Size, Tensor, _wrap_dim
from ._util import bind


def _shape_arg(shape: tuple) -> tuple:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer_size(shape: tuple, numel: int) -> tuple:
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = tuple(numel // known if s == -1 else s for s in shape)
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _view_strides(old_shape: tuple, old_strides: tuple, new_shape: tuple) -> tuple | None:
    """Strides for viewing a tensor as ``new_shape`` without copying, or None (PyTorch's rule)."""
    if not old_shape:
        old_shape, old_strides = (1,), (1,)
    numel = 1
    for s in old_shape:
        numel *= s
    if numel == 0:
        # any shape of zero elements is a valid view
        out, st = [], 1
        for s in reversed(new_shape):
            out.append(st)
            st *= max(s, 1)
        return tuple(reversed(out))
    new_strides = [0] * len(new_shape)
    view_d = len(new_shape) - 1
    chunk_base_stride = old_strides[-1]
    tensor_numel = 1
    view_numel = 1
    for tensor_d in range(len(old_shape) - 1, -1, -1):
        tensor_numel *= old_shape[tensor_d]
        if tensor_d == 0 or (
            old_shape[tensor_d - 1] != 1 and old_strides[tensor_d - 1] != tensor_numel * chunk_base_stride
        ):
            while view_d >= 0 and (view_numel < tensor_numel or new_shape[view_d] == 1):
                new_strides[view_d] = view_numel * chunk_base_stride
                view_numel *= new_shape[view_d]
                view_d -= 1
            if view_numel != tensor_numel:
                return None
            if tensor_d > 0:
                chunk_base_stride = old_strides[tensor_d - 1]
                tensor_numel = 1
                view_numel = 1
    if view_d != -1:
        return None
    return tuple(new_strides)


def _strided(arr: Any, shape: tuple, strides_elems: tuple) -> Any:
    xp = backend.array_module(arr)
    it = arr.itemsize
    return xp.lib.stride_tricks.as_strided(arr, shape=shape, strides=tuple(s * it for s in strides_elems))


class View(Op):
    """y = x seen with another shape (no copy);  the gradient is viewed back"""

    _view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        st = _view_strides(x.shape, tuple(s // x.itemsize for s in x.strides), shape)
        if st is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.\n"
                "hint: this tensor is not contiguous in memory (e.g. after transpose/permute/t), so "
                "view cannot reinterpret it without copying; use .reshape(...), which copies when it "
                "must, or call .contiguous() first."
            )
        return _strided(x, shape, st)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


class UnsafeView(Op):
    """y = a reshaped copy of x (what reshape does when a view is impossible)"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


def view(self: Tensor, *shape: Any) -> Tensor:
    """The same memory seen with a new shape; one dimension may be ``-1``.

    >>> import learntorch as torch
    >>> x = torch.arange(6)
    >>> x.view(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    if len(shape) == 1 and hasattr(shape[0], "np"):
        return _view_dtype(self, shape[0])
    shape = _infer_size(_shape_arg(shape), self.numel())
    return View.apply(self, shape)


def _view_dtype(self: Tensor, dt: Any) -> Tensor:
    return Tensor._make_view(self._data.view(dt.np), self)


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """Like ``view`` when the layout allows it, otherwise a copy with the new shape."""
    shape = _infer_size(_shape_arg(shape), self.numel())
    st = _view_strides(self._data.shape, self.stride(), shape)
    if st is not None:
        return View.apply(self, shape)
    return UnsafeView.apply(contiguous(self), shape)


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """Itself if already row-major contiguous, else a contiguous copy."""
    if self.is_contiguous():
        return self
    from .pointwise import Clone  # noqa: PLC0415

    out = Clone.apply(self)
    if not out._data.flags.c_contiguous:
        out._data = backend.array_module(out._data).ascontiguousarray(out._data)
    return out


class Expand(Op):
    """y = x broadcast to a larger shape (stride 0, no copy);  dx = sum of dy over the copies"""

    _view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return backend.array_module(x).broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.sum_to_size(ctx.in_shape), None


def expand(self: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to ``sizes`` without copying (``-1`` keeps a dimension).

    >>> import learntorch as torch
    >>> torch.tensor([[1, 2, 3]]).expand(2, 3).stride()
    (0, 1)
    """
    sizes = _shape_arg(sizes)
    nd = self.ndim
    if len(sizes) < nd:
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(self.shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor ({nd})"
        )
    lead = len(sizes) - nd
    out = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s == -1:
                raise RuntimeError(
                    f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}"
                )
            out.append(s)
            continue
        cur = self.shape[i - lead]
        if s == -1:
            out.append(cur)
        elif cur == 1 or cur == s:
            out.append(s)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(self.shape)}"
            )
    out = tuple(out)
    if out == tuple(self.shape):
        return View.apply(self, out) if False else Expand.apply(self, out)
    return Expand.apply(self, out)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other.shape)


class Transpose(Op):
    """y = x with two dimensions swapped (a view);  dx = dy swapped back"""

    _view = True

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return backend.array_module(x).swapaxes(x, d0, d1)

    @staticmethod
    def backward(ctx, grad):
        d0, d1 = ctx.dims
        return grad.transpose(d0, d1), None, None


def transpose(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions; the result is a view, usually not contiguous."""
    n = self.ndim
    return Transpose.apply(self, _wrap_dim(dim0, n), _wrap_dim(dim1, n))


class T(Op):
    """y = xᵀ for tensors of at most 2 dims"""

    _view = True

    @staticmethod
    def forward(ctx, x):
        return x.T

    @staticmethod
    def backward(ctx, grad):
        return grad.t()


def t(self: Tensor) -> Tensor:
    if self.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {self.ndim}D\n"
            "hint: use .transpose(dim0, dim1) or .permute(...) for tensors with more dimensions."
        )
    return T.apply(self)


class Permute(Op):
    """y = x with its dimensions reordered (a view)"""

    _view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return backend.array_module(x).transpose(x, dims)

    @staticmethod
    def backward(ctx, grad):
        inv = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inv[d] = i
        return grad.permute(*inv), None


def permute(self: Tensor, *dims: Any) -> Tensor:
    dims = _shape_arg(dims)
    n = self.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to len(dims) = {len(dims)}"
        )
    wrapped = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(wrapped)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(self, wrapped)


class Squeeze(Op):
    """y = x without some size-1 dimensions (a view)"""

    _view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        return x.reshape(tuple(s for i, s in enumerate(x.shape) if i not in dims)) if dims else x[...]

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


def squeeze(self: Tensor, dim: Any = None) -> Tensor:
    """Remove size-1 dimensions (all, or those in ``dim``)."""
    n = self.ndim
    if dim is None:
        dims = tuple(i for i, s in enumerate(self.shape) if s == 1)
    else:
        ds = dim if isinstance(dim, (tuple, list)) else (dim,)
        dims = tuple(i for i in (_wrap_dim(d, n) for d in ds) if n and self.shape[i] == 1)
    node = Squeeze.apply(self, dims)
    return node


class Unsqueeze(Op):
    """y = x with a new size-1 dimension (a view)"""

    _view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return backend.array_module(x).expand_dims(x, dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim), None


def unsqueeze(self: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(self, _wrap_dim(dim, self.ndim + 1))


def flatten(self: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one."""
    n = self.ndim
    if n == 0:
        return reshape(self, 1)
    s, e = _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return self
    shape = tuple(self.shape[:s]) + (-1,) + tuple(self.shape[e + 1 :])
    return reshape(self, *shape)


def unflatten(self: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dimension ``dim`` into ``sizes``."""
    n = self.ndim
    d = _wrap_dim(dim, n)
    shape = tuple(self.shape[:d]) + tuple(sizes) + tuple(self.shape[d + 1 :])
    inner = _infer_size(tuple(sizes), self.shape[d])
    shape = tuple(self.shape[:d]) + inner + tuple(self.shape[d + 1 :])
    return view(self, *shape) if _view_strides(self._data.shape, self.stride(), shape) else reshape(self, *shape)


def _rebase_history(self: Tensor, result: Tensor) -> None:
    """After an in-place op, ``self`` now carries ``result``'s graph history."""
    if self._base is not None:
        from .index import _copy_slices  # noqa: PLC0415

        _copy_slices(self, result)
        return
    self._requires_grad = True
    self.grad_fn = result.grad_fn
    self._output_nr = result._output_nr


bind(
    view=view, reshape=reshape, contiguous=contiguous, expand=expand, expand_as=expand_as,
    transpose=transpose, swapaxes=transpose, swapdims=transpose, t=t, permute=permute,
    squeeze=squeeze, unsqueeze=unsqueeze, flatten=flatten, unflatten=unflatten,
    view_as=lambda s, o: view(s, o.shape), reshape_as=lambda s, o: reshape(s, o.shape),
    T=property(lambda s: permute(s, *reversed(range(s.ndim)))),
    mT=property(lambda s: transpose(s, -2, -1)),
)  # fmt: skip

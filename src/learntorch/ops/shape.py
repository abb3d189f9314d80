"""Shape and view operations.

A *view* (``view``, ``transpose``, ``permute``, ``expand``, ``squeeze``, ``x[0]``,
...) is an array view: the same memory seen with a new shape, strides and
storage offset, exactly as PyTorch lays it out, and it shares its base tensor's
version counter. Ops derived from :class:`_ViewOp` are views. *Copies*
(``repeat``, ``cat``, ``stack``, ``flip``, ``roll``, ``tril``/``triu``) get memory
of their own.

Strides are counted in elements (NumPy counts bytes); every view that PyTorch
builds with its own stride rule (``view``, ``unsqueeze``, ``expand``,
``diagonal``, ``as_strided``) is made here with ``as_strided`` from strides
computed the way PyTorch computes them, so ``stride()`` agrees with PyTorch.
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np

from .. import backend, dtypes
from ..autograd import grad_mode
from ..autograd.function import Op, _apply
from ..autograd.inplace import _check_inplace, _track_view
from ..tensor import Size, Tensor, _wrap_dim
from . import layout
from ._util import bind
from .copy import Clone, _to_copy

__all__ = [
    "view", "reshape", "contiguous", "expand", "expand_as", "transpose", "swapaxes", "t", "permute",
    "movedim", "squeeze", "unsqueeze", "flatten", "unflatten", "narrow", "select", "unbind", "split",
    "chunk", "diagonal", "as_strided", "repeat", "stack", "cat", "concat", "concatenate", "hstack",
    "vstack", "flip", "roll", "tril", "triu", "repeat_interleave",
]  # fmt: skip


# ---------------------------------------------------------------------- shape arithmetic
def _shape_arg(shape: tuple) -> tuple:
    """Accept ``f(2, 3)`` and ``f((2, 3))`` alike."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


# ---------------------------------------------------------------------- view bookkeeping
class _ViewOp(Op):
    """An Op whose outputs are views of its first argument.

    Views of a tensor with history are remembered (weakly) by their base, so
    that an in-place change of the base (or of another view) can give them a
    fresh ``grad_fn``, as PyTorch does.
    """

    _abstract = True
    _view = True

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        out = _apply(cls, args, kwargs)
        if grad_mode.is_grad_enabled():
            if isinstance(out, tuple):
                for o in out:
                    _track_view(o)
            else:
                _track_view(out)
        return out


# ---------------------------------------------------------------------- view, reshape
class View(_ViewOp):
    """y = x seen with another shape (no copy);  the gradient is viewed back"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        st = layout.view_strides(x.shape, layout.elem_strides(x), shape)
        if st is None:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.\n"
                "hint: this tensor is not contiguous in memory (e.g. after transpose/permute/t), so "
                "view cannot reinterpret it without copying; use .reshape(...), which copies when it "
                "must, or call .contiguous() first."
            )
        return layout.strided(x, shape, st)

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


class Alias(_ViewOp):
    """y = x, a new tensor object over the same memory (``x[...]``)"""

    @staticmethod
    def forward(ctx, x):
        return x[...]

    @staticmethod
    def backward(ctx, grad):
        return grad


def view(self: Tensor, *shape: Any) -> Tensor:
    """The same memory seen with a new shape; one dimension may be ``-1``.

    ``view(dtype)`` reinterprets the bytes as another dtype instead.

    >>> import learntorch as torch
    >>> x = torch.arange(6)
    >>> x.view(2, 3)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    >>> x.view(2, 3).t().is_contiguous()
    False
    """
    if len(shape) == 1 and isinstance(shape[0], dtypes.dtype):
        return _view_dtype(self, shape[0])
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    return View.apply(self, shape)


def _view_dtype(self: Tensor, dt: dtypes.dtype) -> Tensor:
    """The same bytes read as another dtype (torch's rules for the last dimension)."""
    a = self._data
    new_size = np.dtype(dt.np).itemsize
    old_size = a.itemsize
    if new_size != old_size:
        src, dst = dtypes.scalar_type_name(self.dtype), dtypes.scalar_type_name(dt)
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {src} as {dst} (different element sizes)")
        if self.stride(-1) != 1:
            raise RuntimeError(
                f"self.stride(-1) must be 1 to view {src} as {dst} (different element sizes), but got "
                f"{self.stride(-1)}"
            )
        if new_size > old_size:
            ratio = new_size // old_size
            if a.shape[-1] % ratio:
                raise RuntimeError(
                    f"self.size(-1) must be divisible by {ratio} to view {src} as {dst} (different "
                    f"element sizes), but got {a.shape[-1]}"
                )
            if self.storage_offset() % ratio:
                raise RuntimeError(
                    f"self.storage_offset() must be divisible by {ratio} to view {src} as {dst} "
                    f"(different element sizes), but got {self.storage_offset()}"
                )
            for d in range(a.ndim - 1):
                if self.stride(d) % ratio:
                    raise RuntimeError(
                        f"self.stride({d}) must be divisible by {ratio} to view {src} as {dst} "
                        f"(different element sizes), but got {self.stride(d)}"
                    )
    if a.ndim and a.shape[-1] and new_size != old_size:
        arr = a.view(dt.np)
    else:
        arr = a.view(dt.np) if a.ndim else a.reshape(1).view(dt.np).reshape(())
    out = Tensor._make_view(arr, self)
    return out


def reshape(self: Tensor, *shape: Any) -> Tensor:
    """Like ``view`` when the layout allows it, otherwise a copy with the new shape.

    >>> import learntorch as torch
    >>> x = torch.arange(6).view(2, 3).t()
    >>> x.reshape(6)
    tensor([0, 3, 1, 4, 2, 5])
    """
    shape = layout.infer_size(_shape_arg(shape), self.numel())
    if layout.view_strides(self._data.shape, self.stride(), shape) is not None:
        return View.apply(self, shape)
    return UnsafeView.apply(_clone_contiguous(self), shape)


def _clone_contiguous(self: Tensor) -> Tensor:
    out = Clone.apply(self)
    if not out._data.flags.c_contiguous:
        out._data = backend.array_module(out._data).ascontiguousarray(out._data)
    return out


def contiguous(self: Tensor, memory_format: Any = None) -> Tensor:
    """Itself if already row-major contiguous, else a contiguous copy (``CloneBackward0``)."""
    if self.is_contiguous():
        return self
    return _clone_contiguous(self)


def view_as(self: Tensor, other: Tensor) -> Tensor:
    return view(self, other.shape)


def reshape_as(self: Tensor, other: Tensor) -> Tensor:
    return reshape(self, other.shape)


# ---------------------------------------------------------------------- expand
class Expand(_ViewOp):
    """y = x broadcast to a larger shape (stride 0, no copy);  dx = sum of dy over the copies"""

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        # torch's inferExpandGeometry: a new leading dimension of size 1 gets the stride it
        # would have in a contiguous layout; every stretched dimension gets stride 0
        n = len(shape)
        lead = n - x.ndim
        old_st = layout.elem_strides(x)
        st = [0] * n
        for i in range(n - 1, -1, -1):
            if i >= lead:
                size, stride = x.shape[i - lead], old_st[i - lead]
            else:
                size, stride = 1, shape[i + 1] * st[i + 1] if i + 1 < n else 1
            st[i] = stride if size == shape[i] else 0
        return layout.strided(x, shape, tuple(st))

    @staticmethod
    def backward(ctx, grad):
        return grad.sum_to_size(ctx.in_shape), None


def expand(self: Tensor, *sizes: Any) -> Tensor:
    """Broadcast to ``sizes`` without copying (``-1`` keeps a dimension); stride 0 repeats.

    >>> import learntorch as torch
    >>> torch.tensor([[1, 2, 3]]).expand(2, 3).stride()
    (0, 1)
    """
    sizes = _shape_arg(sizes)
    nd = self.ndim
    if len(sizes) < nd:
        raise RuntimeError(
            f"expand({_type_str(self)}{{{list(self.shape)}}}, size={list(sizes)}): the number of sizes "
            f"provided ({len(sizes)}) must be greater or equal to the number of dimensions in the tensor "
            f"({nd})\nhint: list a size for every existing dimension (use -1 to keep one)."
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
                f"non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: "
                f"{list(self.shape)}\nhint: expand only stretches dimensions of size 1; use repeat to "
                "copy data along other dimensions."
            )
    return Expand.apply(self, tuple(out))


def _type_str(t: Tensor) -> str:
    return dtypes.legacy_type_name(t.dtype, t.is_cuda)


def expand_as(self: Tensor, other: Tensor) -> Tensor:
    return expand(self, other.shape)


# ---------------------------------------------------------------------- transpose & co
class Transpose(_ViewOp):
    """y = x with two dimensions swapped (a view);  dx = dy swapped back"""

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return x.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, grad):
        d0, d1 = ctx.dims
        return grad.transpose(d0, d1), None, None


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions; the result is a view, usually not contiguous.

    >>> import learntorch as torch
    >>> torch.zeros(2, 3, 4).transpose(1, 2).stride()
    (12, 1, 4)
    """
    n = input.ndim
    return Transpose.apply(input, _wrap_dim(dim0, n), _wrap_dim(dim1, n))


swapaxes = transpose


class TransposeInplace(Op):
    """x.transpose_(d0, d1): x itself now has the two dimensions swapped;  dx = dy swapped back"""

    node_name = "TransposeBackward1"

    @staticmethod
    def forward(ctx, x, d0, d1):
        ctx.dims = (d0, d1)
        return x.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, grad):
        d0, d1 = ctx.dims
        return grad.transpose(d0, d1), None, None


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dimensions of ``self`` in place (only its shape and strides change, not the data).

    Unlike :func:`transpose` the result is ``self``, not a view; PyTorch's RNN and GRU use it
    for ``batch_first`` outputs, which is why those print ``TransposeBackward1``.

    >>> import learntorch as torch
    >>> x = torch.zeros(2, 3)
    >>> x.transpose_(0, 1).shape, x.stride(), x._version
    (torch.Size([3, 2]), (1, 3), 1)
    """
    _check_inplace(self, overlap=False)
    n = self.ndim
    d0, d1 = _wrap_dim(dim0, n), _wrap_dim(dim1, n)
    if grad_mode.is_grad_enabled() and self._requires_grad:
        result = TransposeInplace.apply(self, d0, d1)
        self.grad_fn, self._output_nr = result.grad_fn, result._output_nr
        self._data = result._data
    else:
        self._data = self._data.swapaxes(d0, d1)
    self._version_box[0] += 1
    return self


class T(_ViewOp):
    """y = xᵀ for tensors of at most 2 dims"""

    @staticmethod
    def forward(ctx, x):
        return x.T

    @staticmethod
    def backward(ctx, grad):
        return grad.t()


def t(input: Tensor) -> Tensor:
    """Transpose a tensor of at most 2 dimensions (0-D and 1-D come back as they are)."""
    if input.ndim > 2:
        raise RuntimeError(
            f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D\n"
            "hint: use .transpose(dim0, dim1), .mT or .permute(...) for tensors with more dimensions."
        )
    return T.apply(input)


class Permute(_ViewOp):
    """y = x with its dimensions reordered (a view)"""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        inv = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inv[d] = i
        return grad.permute(*inv), None


def permute(input: Tensor, *dims: Any) -> Tensor:
    """Reorder all dimensions: ``y.shape[i] == x.shape[dims[i]]`` (a view).

    >>> import learntorch as torch
    >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    dims = _shape_arg(dims)
    n = input.ndim
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the length "
            f"of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
            f"len(dims) = {len(dims)}\nhint: name every dimension exactly once, e.g. permute(2, 0, 1)."
        )
    wrapped = tuple(_wrap_dim(d, n) for d in dims)
    if len(set(wrapped)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, wrapped)


def _T(self: Tensor) -> Tensor:
    if self.ndim not in (0, 2):
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated "
            "and it will throw an error in a future release. Consider `x.mT` to transpose batches of "
            "matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of a "
            "tensor.",
            UserWarning,
            stacklevel=2,
        )
    return permute(self, *reversed(range(self.ndim)))


def _mT(self: Tensor) -> Tensor:
    if self.ndim < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {self.ndim}-D tensor.\n"
            "hint: mT swaps the last two dimensions; unsqueeze a vector first if you need a matrix."
        )
    return transpose(self, -2, -1)


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """Move dimension(s) ``source`` to position(s) ``destination`` (a permute)."""
    n = input.ndim
    src = [source] if isinstance(source, int) else list(source)
    dst = [destination] if isinstance(destination, int) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({src} dims) should contain the same "
            f"number of dims as destination ({dst} dims)"
        )
    src = [_wrap_dim(d, n) for d in src]
    dst = [_wrap_dim(d, n) for d in dst]
    order: list = [None] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in src)
    order = [o if o is not None else next(rest) for o in order]
    return permute(input, *order)


# ---------------------------------------------------------------------- squeeze / unsqueeze
class Squeeze(_ViewOp):
    """y = x without all its size-1 dimensions (a view)"""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        return x.squeeze(axis=dims) if dims else x[...]

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape), None


class SqueezeDim(Squeeze):
    node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    node_name = "SqueezeBackward2"


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """Remove size-1 dimensions: all of them, or those among ``dim`` (an int or a tuple).

    >>> import learntorch as torch
    >>> torch.zeros(1, 3, 1, 4, 1).squeeze().shape
    torch.Size([3, 4])
    >>> torch.zeros(1, 3, 1, 4, 1).squeeze((0, 1)).shape
    torch.Size([3, 1, 4, 1])
    """
    n = input.ndim
    shape = input._data.shape
    if dim is None:
        return Squeeze.apply(input, tuple(i for i, s in enumerate(shape) if s == 1))
    if isinstance(dim, (tuple, list)):
        wrapped = tuple(_wrap_dim(d, n) for d in dim)
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"dim {wrapped[0]} appears multiple times in the list of dims")
        return SqueezeDims.apply(input, tuple(i for i in sorted(wrapped) if n and shape[i] == 1))
    d = _wrap_dim(dim, n)
    return SqueezeDim.apply(input, (d,) if n and shape[d] == 1 else ())


class Unsqueeze(_ViewOp):
    """y = x with a new size-1 dimension (a view)"""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        shape, st = list(x.shape), list(layout.elem_strides(x))
        new_st = shape[dim] * st[dim] if dim < x.ndim else 1
        shape.insert(dim, 1)
        st.insert(dim, new_st)
        return layout.strided(x, tuple(shape), tuple(st))

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim), None


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dimension at ``dim`` (a view).

    >>> import learntorch as torch
    >>> torch.zeros(3, 4).unsqueeze(1).shape
    torch.Size([3, 1, 4])
    """
    return Unsqueeze.apply(input, _wrap_dim(dim, input.ndim + 1))


# ---------------------------------------------------------------------- flatten / unflatten
def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dimensions ``start_dim..end_dim`` into one (a view when the layout allows).

    >>> import learntorch as torch
    >>> torch.zeros(2, 3, 4).flatten(start_dim=1).shape
    torch.Size([2, 12])
    """
    n = input.ndim
    if n == 0:
        return reshape(input, 1)
    s, e = _wrap_dim(start_dim, n), _wrap_dim(end_dim, n)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    shape = tuple(input.shape[:s]) + (-1,) + tuple(input.shape[e + 1 :])
    return reshape(input, *shape)


def unflatten(input: Tensor, dim: int, sizes: Sequence[int]) -> Tensor:
    """Split dimension ``dim`` into ``sizes`` (one may be -1).

    >>> import learntorch as torch
    >>> torch.unflatten(torch.arange(24), dim=0, sizes=(2, 3, 4)).shape
    torch.Size([2, 3, 4])
    """
    n = input.ndim
    d = _wrap_dim(dim, n)
    sizes = tuple(int(s) for s in sizes)
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if sizes.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    prod = 1
    for s in sizes:
        prod *= s
    if -1 not in sizes and prod != input.shape[d]:
        raise RuntimeError(
            f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
            f"({input.shape[d]}) in the input tensor\nhint: the sizes must multiply to {input.shape[d]}."
        )
    inner = layout.infer_size(sizes, input.shape[d])
    shape = tuple(input.shape[:d]) + inner + tuple(input.shape[d + 1 :])
    return reshape(input, *shape)


# ---------------------------------------------------------------------- select / slice / narrow
class Select(_ViewOp):
    """y = x[..., index, ...] along ``dim`` (a view);  dx = dy placed at ``index``, zeros elsewhere"""

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.args = (x.shape, dim, index)
        return x[(slice(None),) * dim + (index, Ellipsis)]  # the Ellipsis keeps a 0-d result a view

    @staticmethod
    def backward(ctx, grad):
        shape, dim, index = ctx.args
        return _embed(grad, shape, (slice(None),) * dim + (index,), "SelectBackwardBackward0"), None, None


class Slice(_ViewOp):
    """y = x[start:stop:step] along ``dim`` (a view);  dx = dy placed in the slice, zeros elsewhere"""

    @staticmethod
    def forward(ctx, x, dim, start, stop, step):
        ctx.args = (x.shape, (slice(None),) * dim + (slice(start, stop, step),))
        if stop > start:
            return x[ctx.args[1]]
        # an empty slice: NumPy would not move the data pointer, torch's storage_offset does
        shape, st = list(x.shape), list(layout.elem_strides(x))
        shape[dim] = 0
        base = layout.shift(x, start * st[dim]) if x.size and start else x
        st[dim] *= step
        return layout.strided(base, tuple(shape), tuple(st))

    @staticmethod
    def backward(ctx, grad):
        shape, key = ctx.args
        return _embed(grad, shape, key, "SliceBackwardBackward0"), None, None, None, None


class _Embed(Op):
    """out = zeros(shape) with ``out[key] = g``: the backward of a select/slice"""

    _abstract = True

    @staticmethod
    def forward(ctx, g, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        out[key] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return _basic_index(grad, ctx.key), None, None


_EMBEDS: dict = {}


def _embed(g: Tensor, shape: tuple, key: tuple, name: str) -> Tensor:
    cls = _EMBEDS.get(name)
    if cls is None:
        cls = _EMBEDS[name] = type(name.replace("Backward0", ""), (_Embed,), {"node_name": name})
    return cls.apply(g, shape, key)


def _basic_index(x: Tensor, key: tuple) -> Tensor:
    """Apply a tuple of ints and slices one dimension at a time (select/slice views)."""
    dim = 0
    for k in key:
        if isinstance(k, slice):
            if k != slice(None):
                x = _slice(x, dim, k.start, k.stop, k.step or 1)
            dim += 1
        else:
            x = select(x, dim, k)
    return x


def _slice(x: Tensor, dim: int, start: Any, stop: Any, step: int) -> Tensor:
    if step <= 0:
        raise ValueError("step must be greater than zero")
    n = x._data.shape[dim]
    start, stop, _ = slice(start, stop).indices(n)
    stop = max(stop, start)
    return Slice.apply(x, dim, start, stop, step)


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """``input`` indexed at ``index`` along ``dim``; the dimension disappears (a view).

    >>> import learntorch as torch
    >>> torch.arange(6).view(2, 3).select(1, 2)
    tensor([2, 5])
    """
    n = input.ndim
    if n == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _wrap_dim(dim, n)
    size = input._data.shape[d]
    index = int(index)
    if not -size <= index < size:
        raise IndexError(
            f"select(): index {index} out of range for tensor of size {list(input.shape)} at dimension {d}"
        )
    return Select.apply(input, d, index % size)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """Elements ``start .. start+length-1`` along ``dim`` (a view, ``SliceBackward0``).

    >>> import learntorch as torch
    >>> torch.arange(5).narrow(0, 1, 3)
    tensor([1, 2, 3])
    """
    n = input.ndim
    d = _wrap_dim(dim, n)
    size = input._data.shape[d]
    start = int(start)
    if not -size <= start <= size:
        raise IndexError(
            f"start out of range (expected to be in range of [{-size}, {size}], but got {start})"
        )
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(
            f"start ({start}) + length ({length}) exceeds dimension size ({size}).\n"
            f"hint: dimension {d} has {size} elements; start + length must be at most {size}."
        )
    return Slice.apply(input, d, start, start + length, 1)


# ---------------------------------------------------------------------- unbind / split / chunk
class Unbind(_ViewOp):
    """(y_0, ..., y_{n-1}) = the slices of x along ``dim`` (views);  dx = stack(dy)"""

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return tuple(x[(slice(None),) * dim + (i, Ellipsis)] for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return stack(grads, ctx.dim), None


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """All slices along ``dim``, as a tuple of views.

    >>> import learntorch as torch
    >>> torch.arange(4).view(2, 2).unbind(1)
    (tensor([0, 2]), tensor([1, 3]))
    """
    if input.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Unbind.apply(input, _wrap_dim(dim, input.ndim))


class Split(_ViewOp):
    """pieces of x along ``dim`` of ``split_size`` each (views);  dx = cat(dy)"""

    @staticmethod
    def forward(ctx, x, dim, sizes):
        ctx.dim = dim
        out, start = [], 0
        for s in sizes:
            out.append(x[(slice(None),) * dim + (slice(start, start + s),)])
            start += s
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        return cat(grads, ctx.dim), None, None


class SplitWithSizes(Split):
    pass


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Cut into pieces of ``split_size`` (the last may be smaller), or of the listed sizes.

    >>> import learntorch as torch
    >>> [p.tolist() for p in torch.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    >>> [p.tolist() for p in torch.arange(5).split([1, 4])]
    [[0], [1, 2, 3, 4]]
    """
    d = _wrap_dim(dim, tensor.ndim)
    size = tensor._data.shape[d]
    if isinstance(split_size_or_sections, (list, tuple)):
        sizes = tuple(int(s) for s in split_size_or_sections)
        if sum(sizes) != size:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                f"dimension {d}), but got split_sizes={list(sizes)}"
            )
        return SplitWithSizes.apply(tensor, d, sizes)
    step = int(split_size_or_sections)
    if step < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={step}")
    if step == 0:
        if size != 0:
            raise RuntimeError(
                f"split_size can only be 0 if dimension size is 0, but got dimension size of {size}"
            )
        return Split.apply(tensor, d, (0,))
    n = max((size + step - 1) // step, 1)
    sizes = tuple(min(step, size - i * step) for i in range(n))
    return Split.apply(tensor, d, sizes)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of equal size (the last may be smaller, there may be fewer).

    >>> import learntorch as torch
    >>> len(torch.arange(6).chunk(4))
    3
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = _wrap_dim(dim, input.ndim)
    size = input._data.shape[d]
    step = (size + chunks - 1) // chunks
    if step == 0:
        return Split.apply(input, d, (0,) * min(chunks, 1))
    return split(input, step, d)


def _diag_view(a: Any, offset: int, d1: int, d2: int) -> Any:
    shape, st, start = layout.diag_geometry(a.shape, layout.elem_strides(a), offset, d1, d2)
    flat_start = a if start == 0 else layout.strided(a, (1,), (start,))[0:]
    if start:
        flat_start = layout.shift(a, start)
    return layout.strided(flat_start, shape, st)


class Diagonal(_ViewOp):
    """y = the diagonal of x over (dim1, dim2), appended as the last dimension (a view)"""

    @staticmethod
    def forward(ctx, x, offset, d1, d2):
        ctx.args = (x.shape, offset, d1, d2)
        return _diag_view(x, offset, d1, d2)

    @staticmethod
    def backward(ctx, grad):
        shape, offset, d1, d2 = ctx.args
        return DiagonalBackwardOp.apply(grad, shape, offset, d1, d2), None, None, None


class DiagonalBackwardOp(Op):
    """out = zeros(shape) with ``grad`` written on the diagonal"""

    node_name = "DiagonalBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, offset, d1, d2):
        ctx.args = (offset, d1, d2)
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        _diag_view(out, offset, d1, d2)[...] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        offset, d1, d2 = ctx.args
        return diagonal(grad, offset, d1, d2), None, None, None, None


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal (``offset`` above it when positive) as a view.

    >>> import learntorch as torch
    >>> torch.arange(9).view(3, 3).diagonal(1)
    tensor([1, 5])
    """
    n = input.ndim
    d1, d2 = _wrap_dim(dim1, n), _wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, int(offset), d1, d2)


class AsStrided(_ViewOp):
    """y = x's storage read with the given size, stride and offset (a view)"""

    @staticmethod
    def forward(ctx, x, size, stride, offset):
        flat, _ = layout.flat_storage(x)
        need = offset + sum((s - 1) * st for s, st in zip(size, stride)) + 1 if all(size) else 0
        if need > flat.size or offset < 0:
            raise RuntimeError(
                f"setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and "
                f"itemsize {x.itemsize} requiring a storage size of {need * x.itemsize} are out of bounds "
                f"for storage of size {flat.size * x.itemsize}"
            )
        ctx.in_shape = x.shape
        ctx.geom = (size, stride, offset)
        return layout.strided(layout.shift(flat, offset), size, stride)

    @staticmethod
    def backward(ctx, grad):
        idx = Tensor._make(layout.logical_index(_placeholder(ctx), *ctx.geom))
        return _scatter_flat(grad, idx, ctx.in_shape), None, None, None


def _placeholder(ctx: Any) -> Any:
    return ctx._src


def _scatter_flat(grad: Tensor, idx: Tensor, shape: tuple) -> Tensor:
    """zeros(numel(shape)) with grad accumulated at ``idx``, reshaped to ``shape``."""
    from .index import index_put  # noqa: PLC0415

    n = 1
    for s in shape:
        n *= s
    zeros = Tensor._make(backend.array_module(grad._data).zeros(n, dtype=grad._data.dtype))
    return index_put(zeros, (idx,), grad, accumulate=True).view(shape)


def as_strided(
    input: Tensor, size: Sequence[int], stride: Sequence[int], storage_offset: int | None = None
) -> Tensor:
    """A view of ``input``'s memory with any size, stride and storage offset (handle with care).

    >>> import learntorch as torch
    >>> torch.arange(6).as_strided((2, 2), (1, 2), 1)
    tensor([[1, 3],
            [2, 4]])
    """
    size, stride = tuple(int(s) for s in size), tuple(int(s) for s in stride)
    off = input.storage_offset() if storage_offset is None else int(storage_offset)
    out = AsStrided.apply(input, size, stride, off)
    if out.grad_fn is not None:
        # the backward needs the input's layout (not its values): keep a detached alias
        out.grad_fn._src = input._data
    return out


# ---------------------------------------------------------------------- copies: repeat, cat, stack
class Repeat(Op):
    """y = x tiled ``repeats`` times along each dimension (a copy);  dx = sum over the tiles"""

    @staticmethod
    def forward(ctx, x, repeats):
        lead = len(repeats) - x.ndim
        ctx.args = (x.shape, repeats, lead)
        return ctx.xp.tile(x.reshape((1,) * lead + x.shape), repeats)

    @staticmethod
    def backward(ctx, grad):
        shape, repeats, lead = ctx.args
        full = (1,) * lead + tuple(shape)
        split_shape: list = []
        for r, s in zip(repeats, full):
            split_shape += [r, s]
        g = grad.reshape(split_shape).sum(tuple(range(0, 2 * len(full), 2)))
        return g.reshape(shape), None


def repeat(self: Tensor, *sizes: Any) -> Tensor:
    """Copy the data ``sizes[i]`` times along dimension ``i`` (compare ``expand``, which does not copy).

    >>> import learntorch as torch
    >>> torch.tensor([[1, 2, 3]]).repeat(2, 1)
    tensor([[1, 2, 3],
            [1, 2, 3]])
    """
    reps = _shape_arg(sizes)
    if len(reps) < self.ndim:
        raise RuntimeError(
            "Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor\n"
            f"hint: this tensor has {self.ndim} dimensions; give a repeat count for each (1 keeps a dimension)."
        )
    lead = len(reps) - self.ndim
    out_shape = [r * s for r, s in zip(reps, (1,) * lead + tuple(self.shape))]
    for s in out_shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {out_shape}")
    return Repeat.apply(self, reps)


def _promote_all(tensors: Sequence[Tensor]) -> list:
    dt = tensors[0].dtype
    for t_ in tensors[1:]:
        dt = dtypes.promote_types(dt, t_.dtype)
    return [_to_copy(t_, dtype=dt) for t_ in tensors]


class Cat(Op):
    """y = x_0, x_1, ... joined along ``dim``;  dx_i = the matching slice of dy"""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        ctx.sizes = [x.shape[dim] if x.ndim else 0 for x in xs]
        ctx.skipped = [x.ndim == 1 and x.shape[0] == 0 and len(xs) > 1 for x in xs]
        keep = [x for x, sk in zip(xs, ctx.skipped) if not sk] or list(xs)
        return ctx.xp.concatenate(keep, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        out, start = [None], 0
        for size, skipped in zip(ctx.sizes, ctx.skipped):
            if skipped:
                out.append(None)
                continue
            out.append(narrow(grad, ctx.dim, start, size))
            start += size
        return tuple(out)


def cat(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None) -> Tensor:
    """Join tensors along an existing dimension; all other sizes must match.

    >>> import learntorch as torch
    >>> torch.cat([torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])], dim=0)
    tensor([1, 2, 3, 4, 5, 6])
    """
    tensors = list(tensors)
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    for i, t_ in enumerate(tensors):
        if not isinstance(t_, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got {type(t_).__name__}")
        if t_.ndim == 0:
            raise RuntimeError(
                f"zero-dimensional tensor (at position {i}) cannot be concatenated\n"
                "hint: 0-d tensors have no dimension to join along; use torch.stack, or unsqueeze them first."
            )
    real = [t_ for t_ in tensors if not (t_.ndim == 1 and t_.shape[0] == 0)] or tensors[:1]
    ref = real[0]
    d = _wrap_dim(dim, ref.ndim)
    ref_i = tensors.index(ref) if any(r is ref for r in tensors) else 0
    for i, t_ in enumerate(tensors):
        if t_.ndim == 1 and t_.shape[0] == 0:
            continue
        if t_.ndim != ref.ndim:
            raise RuntimeError(
                f"Tensors must have same number of dimensions: got {ref.ndim} and {t_.ndim}\n"
                "hint: cat joins along an existing dimension; unsqueeze/reshape the tensors to the same "
                "number of dimensions (or use torch.stack to add a new one)."
            )
        for k in range(ref.ndim):
            if k != d and t_.shape[k] != ref.shape[k]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size {ref.shape[k]} "
                    f"but got size {t_.shape[k]} for tensor number {i} in the list.\nhint: shapes "
                    f"{list(ref.shape)} (tensor {ref_i}) and {list(t_.shape)} differ outside dimension {d}."
                )
    return Cat.apply(d, *_promote_all(tensors))


concat = cat
concatenate = cat


class Stack(Op):
    """y = x_0, x_1, ... stacked along a new dimension ``dim``;  dx_i = dy.select(dim, i)"""

    @staticmethod
    def forward(ctx, dim, *xs):
        ctx.dim = dim
        return ctx.xp.stack(xs, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return (None,) + tuple(unbind(grad, ctx.dim))


def stack(tensors: Sequence[Tensor], dim: int = 0, *, out: Any = None) -> Tensor:
    """Join equally shaped tensors along a new dimension ``dim``.

    >>> import learntorch as torch
    >>> torch.stack([torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])], dim=0).shape
    torch.Size([2, 3])
    """
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]
    for i, t_ in enumerate(tensors):
        if t_.shape != ref.shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {list(ref.shape)} at entry 0 and "
                f"{list(t_.shape)} at entry {i}\nhint: stack needs identical shapes; use torch.cat to "
                "join along an existing dimension with different sizes."
            )
    d = _wrap_dim(dim, ref.ndim + 1)
    return Stack.apply(d, *_promote_all(tensors))


def hstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dimension 1 (dimension 0 for 1-D tensors)."""
    ts = [t_ if t_.ndim else t_.reshape(1) for t_ in tensors]
    return cat(ts, 0 if ts[0].ndim == 1 else 1)


def vstack(tensors: Sequence[Tensor]) -> Tensor:
    """Join along dimension 0 after making 1-D tensors rows."""
    ts = [t_.reshape(1, -1) if t_.ndim < 2 else t_ for t_ in tensors]
    return cat(ts, 0)


# ---------------------------------------------------------------------- copies: flip, roll, tril
class Flip(Op):
    """y = x reversed along ``dims`` (a copy);  dx = dy flipped back"""

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return ctx.xp.flip(x, dims).copy() if dims else x.copy()

    @staticmethod
    def backward(ctx, grad):
        return flip(grad, ctx.dims), None


def _dims_list(dims: Any, n: int, what: str = "dims") -> tuple:
    ds = (dims,) if isinstance(dims, int) else tuple(dims)
    wrapped = tuple(_wrap_dim(d, n) for d in ds)
    for i, d in enumerate(wrapped):
        if d in wrapped[:i]:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return wrapped


def flip(input: Tensor, *dims: Any) -> Tensor:
    """Reverse the order of elements along ``dims`` (copies, unlike NumPy's flip).

    >>> import learntorch as torch
    >>> torch.arange(4).view(2, 2).flip(0)
    tensor([[2, 3],
            [0, 1]])
    """
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = tuple(dims[0])
    return Flip.apply(input, _dims_list(dims, input.ndim))


class Roll(Op):
    """y = x shifted cyclically by ``shifts`` along ``dims`` (a copy);  dx = dy rolled back"""

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.args = (shifts, dims)
        if dims is None:
            return ctx.xp.roll(x.reshape(-1), shifts[0]).reshape(x.shape)
        return ctx.xp.roll(x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        shifts, dims = ctx.args
        return Roll.apply(grad, tuple(-s for s in shifts), dims), None, None


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements cyclically; without ``dims`` the tensor is rolled as if flattened.

    >>> import learntorch as torch
    >>> torch.arange(4).roll(1)
    tensor([3, 0, 1, 2])
    """
    sh = (shifts,) if isinstance(shifts, int) else tuple(int(s) for s in shifts)
    if dims is None:
        if len(sh) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        return Roll.apply(input, sh, None)
    ds = (dims,) if isinstance(dims, int) else tuple(dims)
    if len(ds) != len(sh):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:{len(ds)}")
    return Roll.apply(input, sh, tuple(_wrap_dim(d, input.ndim) for d in ds))


class Tril(Op):
    """y = x with the elements above the ``diagonal``-th diagonal zeroed"""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return ctx.xp.tril(x, k)

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, ctx.k), None


class Triu(Op):
    """y = x with the elements below the ``diagonal``-th diagonal zeroed"""

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return ctx.xp.triu(x, k)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, ctx.k), None


def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle of the last two dimensions (the rest zeroed).

    >>> import learntorch as torch
    >>> torch.ones(2, 2).tril()
    tensor([[1., 0.],
            [1., 1.]])
    """
    if input.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return Tril.apply(input, int(diagonal))


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle of the last two dimensions (the rest zeroed)."""
    if input.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return Triu.apply(input, int(diagonal))


def repeat_interleave(
    input: Any, repeats: Any = None, dim: int | None = None, *, output_size: int | None = None
) -> Tensor:
    """Repeat each element ``repeats`` times (an int, or one count per element along ``dim``).

    >>> import learntorch as torch
    >>> torch.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    >>> torch.tensor([[1, 2], [3, 4]]).repeat_interleave(torch.tensor([1, 2]), dim=0)
    tensor([[1, 2],
            [3, 4],
            [3, 4]])
    """
    if repeats is None:  # torch.repeat_interleave(counts): indices repeated by counts
        counts = input
        xp = backend.array_module(counts._data)
        return Tensor._make(xp.repeat(xp.arange(counts.shape[0]), counts._data))
    x = input
    if dim is None:
        x = flatten(x)
        dim = 0
    d = _wrap_dim(dim, x.ndim)
    if isinstance(repeats, Tensor) and repeats.numel() != 1:
        size = x.shape[d]
        if repeats.ndim != 1 or repeats.shape[0] != size:
            raise RuntimeError(
                f"repeats must have the same size as input along dim, but got repeats.size(0) = "
                f"{repeats.shape[0] if repeats.ndim else 1} and input.size({d}) = {size}"
            )
        from .index import index_select  # noqa: PLC0415

        xp = backend.array_module(repeats._data)
        idx = Tensor._make(xp.repeat(xp.arange(size), repeats._data))
        return index_select(x, d, idx)
    r = int(repeats)
    if r < 0:
        raise RuntimeError("repeats can not be negative")
    shape = list(x.shape)
    y = unsqueeze(x, d + 1)
    y = expand(y, *shape[: d + 1], r, *shape[d + 1 :])
    shape[d] *= r
    return view(contiguous(y), *shape)


bind(
    view=view, reshape=reshape, contiguous=contiguous, expand=expand, expand_as=expand_as,
    transpose=transpose, transpose_=transpose_, swapaxes=transpose, swapdims=transpose, t=t, permute=permute,
    movedim=movedim, moveaxis=movedim,
    squeeze=squeeze, unsqueeze=unsqueeze, flatten=flatten, unflatten=unflatten,
    view_as=view_as, reshape_as=reshape_as, T=property(_T), mT=property(_mT),
    narrow=narrow, select=select, unbind=unbind, split=split, chunk=chunk, diagonal=diagonal,
    as_strided=as_strided, repeat=repeat, flip=flip, roll=roll, tril=tril, triu=triu,
    repeat_interleave=repeat_interleave,
)  # fmt: skip

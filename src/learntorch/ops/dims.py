"""Views that move, drop or add dimensions: transpose, t, permute, movedim, squeeze, unsqueeze,
flatten, unflatten (flatten and unflatten are views when the layout allows, else copies)."""

from __future__ import annotations

import warnings
from typing import Any, Sequence

from ..autograd import grad_mode
from ..autograd.function import Op
from ..autograd.inplace import _check_inplace
from ..tensor import Tensor, _wrap_dim
from . import layout
from ._util import bind
from .view import _shape_arg, _ViewOp, reshape


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
        return Squeeze.variant("SqueezeBackward2").apply(
            input, tuple(i for i in sorted(wrapped) if n and shape[i] == 1)
        )
    d = _wrap_dim(dim, n)
    return Squeeze.variant("SqueezeBackward1").apply(input, (d,) if n and shape[d] == 1 else ())


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


bind(
    transpose=transpose,
    transpose_=transpose_,
    swapaxes=transpose,
    swapdims=transpose,
    t=t,
    permute=permute,
    movedim=movedim,
    moveaxis=movedim,
    squeeze=squeeze,
    unsqueeze=unsqueeze,
    flatten=flatten,
    unflatten=unflatten,
    T=property(_T),
    mT=property(_mT),
)

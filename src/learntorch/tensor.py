"""The Tensor: an n-dimensional array plus what autograd needs to know about it.

A ``Tensor`` holds

* ``_data``: a NumPy (CPU) or CuPy (CUDA) array. Views are array views, so
  ``x.view(...)``, ``x.t()`` or ``x[0]`` share memory with ``x`` exactly as in
  PyTorch, and ``stride()`` is NumPy's byte strides divided by the item size.
* ``requires_grad``, ``grad``, ``grad_fn`` (the node that made it, or ``None`` for
  a leaf) and ``_output_nr`` (which output of that node it is).
* ``_version_box``: a one-element list shared by a tensor and all its views; every
  in-place change bumps it, so backward can tell a saved tensor was modified.
* ``_base``: the tensor a view was taken from (``None`` if it owns its memory).

The Python operators are below, each one line calling its op (``x * y`` is
``arith.mul(x, y)``). The other operations live in ``learntorch/ops/`` (one family per
file); each family file ends by attaching its methods to this class, so ``x.exp()`` is
``learntorch.ops.unary.exp(x)``. Metadata, memory and conversions (``shape``, ``stride()``,
``to()``, ``numpy()``, ``new_zeros``, pickling) are in the base class, ``_tensor_base.py``.
"""

from __future__ import annotations

import builtins
import weakref
from typing import Any, Callable, Sequence

import numpy as np

from . import backend, dtypes, errors
from ._tensor_base import Size, _TensorBase
from ._tensor_base import _address as _address  # serialization reads these two from here
from ._tensor_base import _storage_root as _storage_root
from ._tensor_base import _wrap_dim as _wrap_dim
from .autograd import grad_mode
from .autograd.grad_mode import _state as _grad_state
from .autograd.hooks import RemovableHandle

__all__ = ["Tensor", "Size"]


class Tensor(_TensorBase):
    """A multi-dimensional array with autograd, shaped like ``torch.Tensor``.

    Build tensors with :func:`learntorch.tensor`, :func:`learntorch.zeros` and
    friends. ``Tensor(2, 3)`` makes an uninitialised float tensor and
    ``Tensor([1, 2])`` a float tensor from data, as in PyTorch.

    >>> import learntorch as torch
    >>> x = torch.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([[2., 4.],
            [6., 8.]])
    """

    __array_priority__ = 1000  # so numpy scalars defer to Tensor's reflected operators

    _data: Any
    grad_fn: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        dev = backend.as_device(kwargs.pop("device", None))
        if kwargs:
            raise TypeError(f"Tensor() got an unexpected keyword argument '{next(iter(kwargs))}'")
        default_np = dtypes.get_default_dtype().np
        if not args:
            arr = np.empty((0,), dtype=default_np)  # Tensor() is an empty 1-D tensor
        elif len(args) == 1 and not isinstance(args[0], (builtins.int, np.integer, Size)):
            src = args[0]
            if isinstance(src, Tensor):
                arr = src._data
            else:
                arr = np.asarray(src, dtype=default_np)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
            arr = np.empty(tuple(builtins.int(s) for s in shape), dtype=default_np)
        if dev.type != "cpu":
            arr = backend.to_device_array(arr, dev)
        self._init(arr)

    # Defaults shared by every tensor; an instance attribute appears only when one changes.
    grad_fn = None
    _output_nr = 0
    _base = None
    _grad = None
    _grad_accumulator = None
    _retains_grad = False
    _leaf_hooks = None
    _post_acc_hooks = None
    _inference = False

    def _init(self, data: Any, requires_grad: bool = False) -> None:
        self._data = data
        self._requires_grad = requires_grad
        self._version_box = [0]
        if _grad_state.inference:
            self._inference = True

    @classmethod
    def _make(cls, data: Any, requires_grad: bool = False) -> Tensor:
        """Wrap an array without copying (the fast path every op uses)."""
        if not isinstance(data, np.ndarray) and not backend.is_gpu_array(data):
            data = np.asarray(data)
        t = object.__new__(cls)
        t._data = data
        t._requires_grad = requires_grad
        t._version_box = [0]
        if _grad_state.inference:
            t._inference = True
        return t

    @classmethod
    def _make_view(cls, data: Any, base: Tensor) -> Tensor:
        """Wrap ``data``, an array view of ``base._data``, as a view tensor of ``base``."""
        t = cls._make(data)
        root = base._base if base._base is not None else base
        t._base = root
        t._version_box = base._version_box
        return t

    # ------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        self._set_requires_grad(
            value, "only Tensors of floating point and complex dtype can require gradients"
        )

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Turn gradient tracking on (or off) for a leaf tensor, in place.

        >>> import learntorch as torch
        >>> w = torch.zeros(2).requires_grad_()
        >>> w
        tensor([0., 0.], requires_grad=True)
        """
        self._set_requires_grad(requires_grad, "only Tensors of floating point dtype can require gradients")
        return self

    def _set_requires_grad(self, requires_grad: bool, int_message: str) -> None:
        if self.grad_fn is not None:
            if not requires_grad:
                raise RuntimeError(
                    "you can only change requires_grad flags of leaf variables. If you want to use a "
                    "computed variable in a subgraph that doesn't require differentiation use "
                    "var_no_grad = var.detach().\n"
                    "hint: this tensor was computed from others (it has a grad_fn); "
                    "use y = y.detach() to get a copy without history."
                )
            return
        if requires_grad and not self.dtype.is_floating_point:
            raise RuntimeError(
                f"{int_message}\n"
                f"hint: this tensor is {self.dtype}; make it float first, e.g. x.float() or "
                "torch.tensor([1., 2.]) with decimal points."
            )
        if requires_grad and self._inference and not _grad_state.inference:
            raise RuntimeError(
                "Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.\n"
                "hint: tensors made under torch.inference_mode() never join a graph; use .clone() "
                "to get a normal tensor, or torch.no_grad() instead of inference_mode()."
            )
        self._requires_grad = bool(requires_grad)

    @property
    def is_leaf(self) -> bool:
        """True for tensors autograd did not compute (their ``grad_fn`` is ``None``)."""
        return self.grad_fn is None

    @property
    def grad(self) -> Tensor | None:
        if self.grad_fn is not None and not self._retains_grad and self._requires_grad:
            import warnings  # noqa: PLC0415

            warnings.warn(errors.NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            mismatch = errors.grad_mismatch(self, value)
            if mismatch is not None:
                raise mismatch
        self._grad = value

    @property
    def _version(self) -> int:
        if self._inference:
            raise RuntimeError("Inference tensors do not track version counter.")
        return self._version_box[0]

    def _bump_version(self) -> None:
        self._version_box[0] += 1

    @property
    def output_nr(self) -> int:
        return self._output_nr

    def is_inference(self) -> bool:
        """True for tensors created under ``torch.inference_mode()``."""
        return self._inference

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if self.grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        self._retains_grad = True
        node = self.grad_fn
        if node._retained is None:
            node._retained = {}
        node._retained[self._output_nr] = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def register_hook(self, hook: Callable[[Tensor], Tensor | None]) -> Any:
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new grad."""
        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient\n"
                "hint: hooks see gradients, and this tensor gets none; set requires_grad=True first."
            )
        node = self.grad_fn
        if node is not None:
            if node._pre_hooks is None:
                node._pre_hooks = {}
            hooks = node._pre_hooks.setdefault(self._output_nr, {})
        else:
            if self._leaf_hooks is None:
                self._leaf_hooks = {}
            hooks = self._leaf_hooks
        handle = RemovableHandle(hooks)
        hooks[handle.id] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> Any:
        """Call ``hook(tensor)`` after a gradient has been added into this leaf's ``.grad``."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = {}
        handle = RemovableHandle(self._post_acc_hooks)
        self._post_acc_hooks[handle.id] = hook
        return handle

    def backward(
        self,
        gradient: Tensor | None = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
        inputs: Sequence[Tensor] | None = None,
    ) -> None:
        """Compute the gradient of this tensor with respect to graph leaves.

        The result accumulates (adds) into each leaf's ``.grad``. A non-scalar
        tensor needs ``gradient``, the vector in the vector-Jacobian product.
        """
        from .autograd.engine import backward  # noqa: PLC0415

        backward(self, gradient, retain_graph=retain_graph, create_graph=create_graph, inputs=inputs)

    @property
    def data(self) -> Tensor:
        """The same memory, detached from the graph, with its *own* version counter.

        Changes made through ``x.data`` are invisible to autograd (that is the
        difference from :meth:`detach`, whose changes autograd notices).

        >>> import learntorch as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> x.data.mul_(3)
        tensor([3., 3.])
        >>> x, x._version
        (tensor([3., 3.], requires_grad=True), 0)
        """
        return Tensor._make(self._data)

    @data.setter
    def data(self, value: Tensor) -> None:
        self._data = value._data

    def detach(self) -> Tensor:
        """A tensor sharing this one's memory with no history: ``requires_grad=False``.

        >>> import learntorch as torch
        >>> x = torch.ones(2, requires_grad=True)
        >>> y = (x * 2).detach()
        >>> y.requires_grad, y.is_leaf
        (False, True)
        """
        t = Tensor._make(self._data)
        t._version_box = self._version_box  # shares memory *and* the version counter
        return t

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._requires_grad = False
        return self

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        from ._tensor_str import tensor_repr  # noqa: PLC0415

        return tensor_repr(self)

    # ---------------------------------------------------------------- Python operators
    # Each operator is one call into its op family: ops/arith.py, division.py, compare.py, unary.py.
    # ``_binary`` answers NotImplemented for operands that are neither tensors nor numbers.
    def __add__(self, other: Any) -> Any:
        return _binary(arith.add, self, other)

    def __radd__(self, other: Any) -> Any:
        return _binary(arith.add, self, other)

    def __sub__(self, other: Any) -> Any:
        return _binary(arith.sub, self, other)

    def __rsub__(self, other: Any) -> Any:
        return _binary(arith.rsub, self, other)

    def __mul__(self, other: Any) -> Any:
        return _binary(arith.mul, self, other)

    def __rmul__(self, other: Any) -> Any:
        return _binary(arith.mul, self, other)

    def __truediv__(self, other: Any) -> Any:
        return _binary(division.div, self, other)

    def __rtruediv__(self, other: Any) -> Any:
        # torch computes number / x as reciprocal(x) * number (the graph shows MulBackward0)
        return _binary(lambda x, n: arith.mul(unary.reciprocal(x), n), self, other)

    def __floordiv__(self, other: Any) -> Any:
        return _binary(division.floor_divide, self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _binary(lambda x, n: division.floor_divide(n, x), self, other)

    def __mod__(self, other: Any) -> Any:
        return _binary(division.remainder, self, other)

    def __rmod__(self, other: Any) -> Any:
        return _binary(lambda x, n: division.remainder(n, x), self, other)

    def __pow__(self, other: Any) -> Any:
        return _binary(arith.pow, self, other)

    def __rpow__(self, other: Any) -> Any:
        return _binary(lambda x, n: arith.pow(n, x), self, other)

    def __matmul__(self, other: Any) -> Tensor:
        return linalg.matmul(self, other)

    def __rmatmul__(self, other: Any) -> Tensor:
        return linalg.matmul(other, self)

    def __getitem__(self, key: Any) -> Tensor:
        return index.getitem(self, key)

    def __setitem__(self, key: Any, value: Any) -> None:
        index.setitem(self, key, value)

    def __neg__(self) -> Tensor:
        return arith.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return unary.abs(self)

    def __invert__(self) -> Tensor:
        return compare.bitwise_not(self)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(compare.eq, self, other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return _binary(compare.ne, self, other)

    def __lt__(self, other: Any) -> Any:
        return _binary(compare.lt, self, other)

    def __le__(self, other: Any) -> Any:
        return _binary(compare.le, self, other)

    def __gt__(self, other: Any) -> Any:
        return _binary(compare.gt, self, other)

    def __ge__(self, other: Any) -> Any:
        return _binary(compare.ge, self, other)

    def __and__(self, other: Any) -> Any:
        return _binary(compare.bitwise_and, self, other)

    def __rand__(self, other: Any) -> Any:
        return _binary(lambda x, n: compare.bitwise_and(n, x), self, other)

    def __or__(self, other: Any) -> Any:
        return _binary(compare.bitwise_or, self, other)

    def __ror__(self, other: Any) -> Any:
        return _binary(lambda x, n: compare.bitwise_or(n, x), self, other)

    def __xor__(self, other: Any) -> Any:
        return _binary(compare.bitwise_xor, self, other)

    def __rxor__(self, other: Any) -> Any:
        return _binary(lambda x, n: compare.bitwise_xor(n, x), self, other)

    # In place (x += y): the op's in-place method, which writes into x and hands x the history.
    def __iadd__(self, other: Any) -> Tensor:
        return self.add_(other)

    def __isub__(self, other: Any) -> Tensor:
        return self.sub_(other)

    def __imul__(self, other: Any) -> Tensor:
        return self.mul_(other)

    def __itruediv__(self, other: Any) -> Tensor:
        return self.div_(other)

    def __ifloordiv__(self, other: Any) -> Tensor:
        return self.floor_divide_(other)

    def __imod__(self, other: Any) -> Tensor:
        return self.remainder_(other)

    def __ipow__(self, other: Any) -> Tensor:
        return self.pow_(other)

    def __iand__(self, other: Any) -> Tensor:
        return self.bitwise_and_(other)

    def __ior__(self, other: Any) -> Tensor:
        return self.bitwise_or_(other)

    def __ixor__(self, other: Any) -> Tensor:
        return self.bitwise_xor_(other)


def _rebuild_tensor(
    array: np.ndarray, requires_grad: bool, dev: str = "cpu", layout: tuple | None = None
) -> Tensor:
    """Unpickle a tensor: ``array`` is its memory block, ``layout`` (offset, shape, strides) its place in it.

    The layout is checked against the block first (a crafted pickle must not reach outside it).
    """
    from .serialization._storage import rebuild_learntorch_tensor  # noqa: PLC0415 - serialization imports tensor

    return rebuild_learntorch_tensor(array, requires_grad, dev, layout)


def is_tensor(obj: Any) -> bool:
    """True if ``obj`` is a learntorch tensor."""
    return isinstance(obj, Tensor)


def no_grad_enabled() -> bool:
    return not grad_mode.is_grad_enabled()


def _binary(fn: Callable, self: Tensor, other: Any) -> Any:
    """``fn(self, other)``, or ``NotImplemented`` (so Python tries the other side) for a foreign operand."""
    if not isinstance(other, (Tensor, int, float, bool)) and not hasattr(other, "dtype"):
        return NotImplemented
    return fn(self, other)


# The op families import Tensor from this module, so they are imported after the class exists.
from .ops import arith, compare, division, index, linalg, unary  # noqa: E402

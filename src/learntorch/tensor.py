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

Operations live in ``learntorch/ops/`` (one family per file); each family file
ends by attaching its methods to this class, so ``x.exp()`` is
``learntorch.ops.pointwise.exp(x)``.
"""

from __future__ import annotations

import builtins
import weakref
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from . import backend, dtypes
from .autograd import grad_mode
from .autograd.grad_mode import _state as _grad_state
from .backend import device
from .dtypes import dtype

__all__ = ["Tensor", "Size"]


class Size(tuple):
    """The shape of a tensor: a tuple that prints as ``torch.Size([2, 3])``.

    >>> Size([2, 3])
    torch.Size([2, 3])
    >>> Size([2, 3]).numel()
    6
    """

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(s) for s in self)}])"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item: Any) -> Any:
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other: Any) -> Size:
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: Any) -> Size:
        return Size(tuple(other) + tuple(self))


class Tensor:
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

    # ------------------------------------------------------------------ metadata
    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        """The shape as a :class:`Size`, or one dimension's length.

        >>> import learntorch as torch
        >>> torch.zeros(2, 3).size(), torch.zeros(2, 3).size(-1)
        (torch.Size([2, 3]), 3)
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self.ndim)]

    @property
    def dtype(self) -> dtype:
        return dtypes._FROM_NP[self._data.dtype]

    @property
    def device(self) -> device:
        return backend.array_device(self._data)

    @property
    def is_cuda(self) -> bool:
        return backend.is_gpu_array(self._data)

    @property
    def is_cpu(self) -> bool:
        return not backend.is_gpu_array(self._data)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return builtins.int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return builtins.int(self._data.nbytes)

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return False

    @property
    def layout(self) -> str:
        return "torch.strided"

    def stride(self, dim: int | None = None) -> Any:
        """Steps, in elements, between neighbours along each dimension.

        >>> import learntorch as torch
        >>> x = torch.zeros(2, 3)
        >>> x.stride(), x.t().stride()
        ((3, 1), (1, 3))
        """
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        if dim is None:
            return st
        return st[_wrap_dim(dim, self.ndim)]

    def storage_offset(self) -> int:
        """Where this tensor's first element sits in its storage, in elements."""
        root = _storage_root(self._data)
        return (_address(self._data) - _address(root)) // self._data.itemsize

    def data_ptr(self) -> int:
        return _address(self._data)

    def untyped_storage(self) -> _Storage:
        return _Storage(_storage_root(self._data))

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """True when the elements lie in row-major order without gaps (PyTorch's rule)."""
        if self._data.size == 0:
            return True
        expected = 1
        for size, st in zip(reversed(self._data.shape), reversed(self.stride())):
            if size != 1:
                if st != expected:
                    return False
                expected *= size
        return True

    def is_set_to(self, other: Tensor) -> bool:
        return (
            self.data_ptr() == other.data_ptr()
            and self.shape == other.shape
            and self.stride() == other.stride()
        )

    def _is_view(self) -> bool:
        return self._base is not None

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

            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
                ".grad attribute won't be populated during autograd.backward(). If you indeed want "
                "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
                "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
                "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
                "information.",
                UserWarning,
                stacklevel=2,
            )
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"assigned grad expected to be a Tensor or None but got grad of type {type(value).__name__}"
                )
            if value.device != self.device:
                raise RuntimeError(
                    "attempting to assign a gradient located on device with index '"
                    f"{value.device.index or 0}' to a tensor located on device with index "
                    f"'{self.device.index or 0}'. Please ensure that the gradient and the tensor are "
                    "on the same device"
                )
            if value.shape != self.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value.shape)}' to a tensor of size "
                    f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the same size"
                )
            if value.dtype != self.dtype:
                raise RuntimeError(
                    f"attempting to assign a gradient with dtype '{dtypes.c_type_name(value.dtype)}' to a tensor "
                    f"with grad_dtype '{dtypes.scalar_type_name(self.dtype)}'. The gradient must match the tensor's "
                    "grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
                    "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with "
                    "caution. Diverging the dtypes of a tensor and its gradient may break downstream "
                    "systems that assume they match."
                )
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
        from .autograd.function import _RemovableHandle  # noqa: PLC0415

        if not self._requires_grad:
            raise RuntimeError(
                "cannot register a hook on a tensor that doesn't require gradient\n"
                "hint: hooks see gradients, and this tensor gets none; set requires_grad=True first."
            )
        node = self.grad_fn
        if node is not None:
            if node._pre_hooks is None:
                node._pre_hooks = {}
            hooks = node._pre_hooks.setdefault(self._output_nr, [])
        else:
            if self._leaf_hooks is None:
                self._leaf_hooks = []
            hooks = self._leaf_hooks
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    def register_post_accumulate_grad_hook(self, hook: Callable[[Tensor], None]) -> Any:
        """Call ``hook(tensor)`` after a gradient has been added into this leaf's ``.grad``."""
        from .autograd.function import _RemovableHandle  # noqa: PLC0415

        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf tensors")
        if self._post_acc_hooks is None:
            self._post_acc_hooks = []
        self._post_acc_hooks.append(hook)
        return _RemovableHandle(self._post_acc_hooks, hook)

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

    # ------------------------------------------------------------------ conversion
    def item(self) -> Any:
        """The single value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar\n"
                "hint: .item() needs exactly one element; reduce first (e.g. .sum() or .mean()) "
                "or index one element."
            )
        return backend.to_numpy(self._data).reshape(()).item()

    def tolist(self) -> Any:
        """Nested Python lists of Python numbers."""
        return backend.to_numpy(self._data).tolist()

    def numpy(self, *, force: bool = False) -> np.ndarray:
        """The NumPy array behind this CPU tensor (shared memory: writes show in both)."""
        if force:
            return np.array(backend.to_numpy(self._data))
        if self._requires_grad:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.\n"
                "hint: .detach() leaves the graph; the array then shares memory with the tensor."
            )
        if self.is_cuda:
            raise TypeError(
                "can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                "tensor to host memory first.\nhint: call .cpu() before .numpy()."
            )
        return self._data

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        a = backend.to_numpy(self._data)
        return a.astype(dtype) if dtype is not None else a

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if self._data.size != 1:
            many = "more than one value" if self._data.size else "no values"
            raise RuntimeError(
                f"Boolean value of Tensor with {many} is ambiguous\n"
                "hint: use .any() or .all() to combine the values, or torch.equal(a, b) to compare tensors."
            )
        return builtins.bool(backend.to_numpy(self._data).reshape(()).item())

    def _scalar(self) -> Any:
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return backend.to_numpy(self._data).reshape(()).item()

    def __float__(self) -> float:
        return builtins.float(self._scalar())

    def __int__(self) -> int:
        return builtins.int(self._scalar())

    def __index__(self) -> int:
        if self.dtype.is_floating_point or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return builtins.int(self.item())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def __hash__(self) -> int:
        return id(self)

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

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

    def __reduce_ex__(self, protocol: int) -> Any:
        # Like PyTorch, pickle the whole memory block plus where this tensor sits in it, so
        # tensors that shared memory (views) share it again after loading.
        arr = self._data
        root = _storage_root(arr) if isinstance(arr, np.ndarray) else None
        if (
            root is None
            or type(root) is not np.ndarray
            or root.dtype != arr.dtype
            or not (root.flags.c_contiguous or root.flags.f_contiguous)
        ):
            return (_rebuild_tensor, (backend.to_numpy(arr), self._requires_grad, str(self.device)))
        offset = (_address(arr) - _address(root)) // arr.itemsize
        layout = (offset, arr.shape, arr.strides)
        return (_rebuild_tensor, (root, self._requires_grad, "cpu", layout))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
                "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
                "because of a torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        if id(self) in memo:
            return memo[id(self)]
        import copy  # noqa: PLC0415

        new = type(self).__new__(type(self))
        Tensor._init(new, _deepcopy_array(self._data, memo), self._requires_grad)
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            if not key.startswith("_"):  # attributes a user attached, e.g. t.name = ...
                new.__dict__[key] = copy.deepcopy(value, memo)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        return new

    # ------------------------------------------------------------------ devices & dtypes
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """Convert dtype and/or move device: ``x.to('cuda')``, ``x.to(torch.float64)``."""
        dev, dt = None, None
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        for a in list(args) + list(kwargs.values()):
            if isinstance(a, dtype):
                dt = a
            elif isinstance(a, Tensor):
                dev, dt = a.device, a.dtype
            elif isinstance(a, (str, device, builtins.int)) and a is not None:
                dev = backend.as_device(a)
        from .ops.copy import _to_copy  # noqa: PLC0415

        return _to_copy(self, dtype=dt, device=dev, copy=copy)

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self, device: Any = None, non_blocking: bool = False) -> Tensor:
        from . import cuda as _cuda  # noqa: PLC0415

        _cuda._lazy_check()
        return self.to(backend.as_device(device if device is not None else "cuda"))

    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return dtypes.legacy_type_name(self.dtype, self.is_cuda)
        if isinstance(dtype, dtypes.LegacyTensorType):
            dtype = dtype.dtype
        if isinstance(dtype, str):
            names = {
                "torch.FloatTensor": dtypes.float32,
                "torch.DoubleTensor": dtypes.float64,
                "torch.LongTensor": dtypes.int64,
                "torch.IntTensor": dtypes.int32,
                "torch.BoolTensor": dtypes.bool,
                "torch.ByteTensor": dtypes.uint8,
                "torch.HalfTensor": dtypes.float16,
            }
            dtype = names[dtype]
        return self.to(dtype)

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    def half(self) -> Tensor:
        return self.to(dtypes.float16)

    def long(self) -> Tensor:
        return self.to(dtypes.int64)

    def int(self) -> Tensor:
        return self.to(dtypes.int32)

    def short(self) -> Tensor:
        return self.to(dtypes.int16)

    def char(self) -> Tensor:
        return self.to(dtypes.int8)

    def byte(self) -> Tensor:
        return self.to(dtypes.uint8)

    def bool(self) -> Tensor:
        return self.to(dtypes.bool)

    def type_as(self, other: Tensor) -> Tensor:
        return self.to(other.dtype)

    def pin_memory(self) -> Tensor:
        return self

    def is_pinned(self) -> bool:
        return False

    def share_memory_(self) -> Tensor:
        return self

    def is_shared(self) -> bool:
        return False

    def new_tensor(self, data: Any, dtype: dtype | None = None, **kw: Any) -> Tensor:
        from .creation import tensor  # noqa: PLC0415

        return tensor(data, dtype=dtype or self.dtype, device=kw.get("device", self.device))

    def new_zeros(self, *size: Any, dtype: dtype | None = None, device: Any = None, **kw: Any) -> Tensor:
        from .creation import zeros  # noqa: PLC0415

        return zeros(*size, dtype=dtype or self.dtype, device=device or self.device, **kw)

    def new_ones(self, *size: Any, dtype: dtype | None = None, device: Any = None, **kw: Any) -> Tensor:
        from .creation import ones  # noqa: PLC0415

        return ones(*size, dtype=dtype or self.dtype, device=device or self.device, **kw)

    def new_empty(self, *size: Any, dtype: dtype | None = None, device: Any = None, **kw: Any) -> Tensor:
        from .creation import empty  # noqa: PLC0415

        return empty(*size, dtype=dtype or self.dtype, device=device or self.device, **kw)

    def new_full(
        self, size: Any, fill_value: Any, dtype: dtype | None = None, device: Any = None, **kw: Any
    ) -> Tensor:
        from .creation import full  # noqa: PLC0415

        return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device, **kw)


class _Storage:
    """The memory block behind a tensor (what ``untyped_storage()`` returns)."""

    def __init__(self, root: Any) -> None:
        self._root = root

    def data_ptr(self) -> int:
        return _address(self._root)

    def nbytes(self) -> int:
        return builtins.int(self._root.nbytes)

    def size(self) -> int:
        return builtins.int(self._root.nbytes)

    def __len__(self) -> int:
        return builtins.int(self._root.nbytes)


def _address(a: Any) -> int:
    if isinstance(a, np.ndarray):
        return a.__array_interface__["data"][0]
    return builtins.int(a.data.ptr)


def _storage_root(a: Any) -> Any:
    """The array that owns the memory ``a`` looks into."""
    while True:
        b = getattr(a, "base", None)
        if b is not None and not hasattr(b, "shape"):
            b = getattr(b, "base", None)  # as_strided's DummyArray wrapper: look through it
        if b is None or not hasattr(b, "shape"):
            return a
        a = b


def _wrap_dim(dim: int, ndim: int) -> int:
    """Turn a possibly negative ``dim`` into an index, with torch's IndexError."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})\n"
            f"hint: this tensor has {ndim} dimension(s); valid dims are {-n}..{n - 1}."
        )
    return dim % n


def _place(root: np.ndarray, offset: int, shape: tuple, strides: tuple) -> np.ndarray:
    """The view of memory block ``root`` that starts ``offset`` elements in, with this shape and strides."""
    flat = root.ravel(order="K")  # a view: the owner of a memory block is contiguous
    return np.lib.stride_tricks.as_strided(flat[offset:], shape=shape, strides=strides)


def _deepcopy_array(arr: Any, memo: dict) -> Any:
    """Copy ``arr``; arrays that shared a memory block share the copied block (via ``memo``)."""
    root = _storage_root(arr) if isinstance(arr, np.ndarray) else None
    if (
        root is None
        or type(root) is not np.ndarray
        or root.dtype != arr.dtype
        or not (root.flags.c_contiguous or root.flags.f_contiguous)
    ):
        return arr.copy()
    key = ("learntorch-storage", id(root))
    if key not in memo:
        memo[key] = root.copy(order="K")
        memo.setdefault(id(memo), []).append(root)  # keep root alive so its id stays unique
    offset = (_address(arr) - _address(root)) // arr.itemsize
    return _place(memo[key], offset, arr.shape, arr.strides)


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

"""``_TensorBase``: the array side of a tensor (metadata, memory, conversions), as PyTorch's C++
``TensorBase`` is to ``torch.Tensor``.

:class:`learntorch.Tensor` (in ``tensor.py``) derives from it and adds what a student reads
first: the autograd state (``requires_grad``, ``grad``, ``grad_fn``, ``_version``) and the
Python operators. Here are shape, dtype, device, strides and storage, conversions to Python
and NumPy values, ``to()``/``float()``/... and ``new_*``.
"""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from . import backend, dtypes
from .backend import device
from .dtypes import dtype

if TYPE_CHECKING:
    from .tensor import Tensor


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


class _TensorBase:
    """Metadata, memory and conversions of :class:`learntorch.Tensor` (see tensor.py)."""

    _data: Any

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

    def __format__(self, spec: str) -> str:
        if self.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

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
            elif isinstance(a, _TensorBase):
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

    def __reduce_ex__(self, protocol: int) -> Any:
        # Like PyTorch, pickle the whole memory block plus where this tensor sits in it, so
        # tensors that shared memory (views) share it again after loading.
        from .tensor import _rebuild_tensor  # noqa: PLC0415 (pickles name learntorch.tensor._rebuild_tensor)

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

        from .tensor import Tensor  # noqa: PLC0415

        new = type(self).__new__(type(self))
        Tensor._init(new, _deepcopy_array(self._data, memo), self._requires_grad)
        memo[id(self)] = new
        for key, value in self.__dict__.items():
            if not key.startswith("_"):  # attributes a user attached, e.g. t.name = ...
                new.__dict__[key] = copy.deepcopy(value, memo)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        return new


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


def _wrap_dim(dim: int, ndim: int) -> int:
    """Turn a possibly negative ``dim`` into an index, with torch's IndexError."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})\n"
            f"hint: this tensor has {ndim} dimension(s); valid dims are {-n}..{n - 1}."
        )
    return dim % n

"""Filling a tensor in place with random numbers: uniform_, normal_, random_, bernoulli_, exponential_."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import backend, dtypes
from ..ops._util import bind
from ..tensor import Tensor
from ._mt19937 import _int_range, _normal, _random_full, _uniform, _uniform01
from .generator import Generator, _gen


# ---------------------------------------------------------------------- writing into tensors
def _memory_order_view(a: np.ndarray) -> np.ndarray:
    """A view of ``a`` whose C order is ``a``'s memory order (how torch's kernels walk it)."""
    if a.flags.c_contiguous:
        return a
    perm = sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]))
    return a.transpose(perm)


def _contiguous(t: Tensor) -> bool:
    return t.is_contiguous()


def _fill(t: Tensor, values: np.ndarray) -> Tensor:
    """Write ``values`` (flat, in memory order) into ``t`` in place and bump its version."""
    from ..ops.copy import _check_inplace  # noqa: PLC0415

    _check_inplace(t)
    if backend.is_gpu_array(t._data):
        t._data[...] = backend.to_device_array(values.reshape(t._data.shape), t.device)
    else:
        view = _memory_order_view(t._data)
        view[...] = values.reshape(view.shape)
    t._bump_version()
    return t


def _cupy_fill(t: Tensor, kind: str, *args: float) -> Tensor:
    """Fill a CUDA tensor from CuPy's generator (PyTorch's Philox stream is not reproduced)."""
    cp = backend.cupy_module()
    shape, dt = t._data.shape, t._data.dtype
    if kind == "uniform":
        v = cp.random.uniform(args[0], args[1], shape)
    elif kind == "normal":
        v = cp.random.normal(args[0], args[1], shape)
    elif kind == "int":
        v = cp.random.randint(builtins.int(args[0]), builtins.int(args[1]), shape, dtype=np.int64)
    elif kind == "bernoulli":
        v = cp.random.random(shape) < args[0]
    else:  # exponential
        v = cp.random.exponential(1.0 / args[0], shape)
    t._data[...] = v.astype(dt)
    t._bump_version()
    return t


def _float_only(t: Tensor, kernel: str) -> None:
    if not t.dtype.is_floating_point:
        raise NotImplementedError(
            f"\"{kernel}\" not implemented for '{_scalar_type_name(t.dtype)}'\n"
            "hint: this draws real numbers; make the tensor float (dtype=torch.float32) or use randint/random_."
        )


def _scalar_type_name(dt: dtypes.dtype) -> str:
    return {"float16": "Half", "float32": "Float", "float64": "Double", "int64": "Long", "int32": "Int",
            "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool"}[dt.name]  # fmt: skip


def _uniform_(self: Tensor, a: float = 0, b: float = 1, *, generator: Generator | None = None) -> Tensor:
    """Fill with uniform numbers from [a, b), in place (``torch.Tensor.uniform_``)."""
    _float_only(self, "check_uniform_bounds")
    a, b = builtins.float(a), builtins.float(b)
    if a > b:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={_fmt(a)} > to={_fmt(b)}"
        )
    if self.is_cuda:
        return _cupy_fill(self, "uniform", a, b)
    return _fill(self, _uniform(_gen(generator), self.numel(), self.dtype, a, b))


def _normal_(self: Tensor, mean: float = 0, std: float = 1, *, generator: Generator | None = None) -> Tensor:
    """Fill with normal numbers N(mean, std²), in place (``torch.Tensor.normal_``)."""
    _float_only(self, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(builtins.float(std))}")
    if self.is_cuda:
        return _cupy_fill(self, "normal", mean, std)
    vals = _normal(
        _gen(generator),
        self.numel(),
        self.dtype,
        builtins.float(mean),
        builtins.float(std),
        _contiguous(self),
    )
    return _fill(self, vals)


def _random_(
    self: Tensor, from_: int = 0, to: int | None = None, *, generator: Generator | None = None
) -> Tensor:
    """Fill with integers from [from, to) (``random_()``, ``random_(to)``, ``random_(from, to)``)."""
    if to is None and from_ != 0:
        from_, to = 0, from_
    if self.is_cuda:
        hi = to if to is not None else (2**24 if self.dtype.is_floating_point else 2**31)
        return _cupy_fill(self, "int", from_, hi)
    g = _gen(generator)
    if to is None:
        return _fill(self, _random_full(g, self.numel(), self.dtype))
    if from_ >= to:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}")
    return _fill(self, _int_range(g, self.numel(), builtins.int(from_), builtins.int(to), self.dtype))


def _bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Generator | None = None) -> Tensor:
    """Fill with 1 (probability ``p``) or 0, in place; ``p`` a number or a tensor of probabilities."""
    g = _gen(generator)
    n = self.numel()
    if isinstance(p, Tensor):
        probs = np.broadcast_to(backend.to_numpy(p._data), self.shape)
        probs = _memory_order_view(
            np.ascontiguousarray(probs) if not self._data.flags.c_contiguous else probs
        )
        pdt = dtypes.float64 if p.dtype is dtypes.float64 else dtypes.float32
        vals = _uniform01(g, n, pdt) < probs.reshape(-1)
        return _fill(self, vals.astype(self.dtype.np))
    p = builtins.float(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    if self.is_cuda:
        return _cupy_fill(self, "bernoulli", p)
    return _fill(self, (_uniform01(g, n, dtypes.float64) < p).astype(self.dtype.np))


def _exponential_(self: Tensor, lambd: float = 1.0, *, generator: Generator | None = None) -> Tensor:
    """Fill with exponential numbers of rate ``lambd``: ``-log1p(-u) / lambd``."""
    _float_only(self, "exponential_cpu")
    if not lambd > 0:
        raise RuntimeError(
            f"exponential_ expects lambda > 0.0, but found lambda={_fmt(builtins.float(lambd))}"
        )
    if self.is_cuda:
        return _cupy_fill(self, "exponential", lambd)
    u = _uniform01(_gen(generator), self.numel(), dtypes.float64)
    return _fill(self, (-1.0 / lambd * np.log1p(-u)).astype(self.dtype.np))


def _fmt(x: float) -> str:
    """A number the way torch's C++ error messages print it (``1`` not ``1.0``)."""
    return repr(builtins.int(x)) if builtins.float(x).is_integer() else repr(x)


bind(
    uniform_=_uniform_, normal_=_normal_, random_=_random_, bernoulli_=_bernoulli_, exponential_=_exponential_
)

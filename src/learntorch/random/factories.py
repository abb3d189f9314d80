"""New random tensors: rand, randn, randint, randperm, normal, bernoulli, multinomial, *_like."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from .. import backend, dtypes
from ..ops._util import bind
from ..tensor import Size, Tensor
from ._mt19937 import _uniform01
from .fill import _bernoulli_, _normal_, _random_, _scalar_type_name, _uniform_
from .generator import Generator, _gen


# ---------------------------------------------------------------------- factories
def _make(size: tuple, dtype: dtypes.dtype | None, device: Any, name: str) -> Tensor:
    from ..creation import empty  # noqa: PLC0415

    return empty(*size, dtype=dtype, device=device, _name=name)


def _size_kw(size: tuple, kw: dict, name: str) -> tuple:
    from ..creation import _size_kw as size_kw  # noqa: PLC0415

    return size_kw(size, kw, name)


def _finish(t: Tensor, requires_grad: bool) -> Tensor:
    # a factory's fill is not an in-place change the user made: torch's result is at version 0
    t._version_box[0] = 0
    if requires_grad:
        t.requires_grad_(True)
    return t


def rand(
    *size: Any,
    generator: Generator | None = None,
    dtype: dtypes.dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    **kw: Any,
) -> Tensor:
    """Uniform numbers from [0, 1), the same ones PyTorch draws for the same seed.

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.rand(3, dtype=torch.float64)
    tensor([0.9701, 0.7078, 0.4594], dtype=torch.float64)
    """
    t = _make(_size_kw(size, kw, "rand"), dtype, device, "rand")
    return _finish(_uniform_(t, 0, 1, generator=generator), requires_grad)


def randn(
    *size: Any,
    generator: Generator | None = None,
    dtype: dtypes.dtype | None = None,
    device: Any = None,
    requires_grad: bool = False,
    **kw: Any,
) -> Tensor:
    """Standard normal numbers N(0, 1), the same ones PyTorch draws for the same seed.

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.randn(2, 3)
    tensor([[ 1.5410, -0.2934, -2.1788],
            [ 0.5684, -1.0845, -1.3986]])
    """
    t = _make(_size_kw(size, kw, "randn"), dtype, device, "randn")
    return _finish(_normal_(t, 0, 1, generator=generator), requires_grad)


def randint(*args: Any, generator: Generator | None = None, dtype: dtypes.dtype | None = None,
            device: Any = None, requires_grad: bool = False, **kw: Any) -> Tensor:  # fmt: skip
    """Integers from [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.randint(3, 10, (2, 4))
    tensor([[7, 6, 3, 5],
            [4, 5, 9, 6]])
    """
    if "size" in kw:
        args = (*args, kw.pop("size"))
    if "high" in kw:
        args = (*args[:-1], kw.pop("high"), args[-1]) if args else (kw.pop("high"),)
    if "low" in kw:
        args = (kw.pop("low"), *args)
    if len(args) == 2:
        low, high, size = 0, args[0], args[1]
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError(
            "randint() received an invalid combination of arguments - expected (int low, int high, tuple of ints size)"
        )
    size = (size,) if not isinstance(size, (tuple, list, Size)) else tuple(size)
    t = _make(size, dtype or dtypes.int64, device, "randint")
    low, high = builtins.int(low), builtins.int(high)
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    return _finish(_random_(t, low, high, generator=generator), requires_grad)


def randperm(n: int, *, generator: Generator | None = None, dtype: dtypes.dtype | None = None,
             device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """A random permutation of ``0 .. n-1`` (Fisher-Yates, as PyTorch shuffles).

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.randperm(6)
    tensor([2, 5, 3, 0, 1, 4])
    """
    n = builtins.int(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    dt = dtype or dtypes.int64
    g = _gen(generator)
    if n < 2**32 // 20:
        perm = list(range(n))
        if n > 1:
            span = np.arange(n, 1, -1, dtype=np.uint64)
            targets = (g._raw32(n - 1) % span).astype(np.int64) + np.arange(n - 1)
            for i, j in enumerate(targets.tolist()):
                perm[i], perm[j] = perm[j], perm[i]
        arr = np.asarray(perm, dtype=dt.np)
    else:  # torch's "inside-out" variant with 64-bit words, for huge n
        arr = np.empty(n, dtype=np.int64)
        z = (g._raw64(n) % np.arange(1, n + 1, dtype=np.uint64)).astype(np.int64)
        for i in range(n):
            arr[i] = arr[z[i]]
            arr[z[i]] = i
        arr = arr.astype(dt.np)
    from ..creation import _finish as finish_array  # noqa: PLC0415

    return finish_array(arr, device, requires_grad)


def normal(mean: Any, std: Any = 1.0, size: Any = None, *, generator: Generator | None = None,
           dtype: dtypes.dtype | None = None, device: Any = None, requires_grad: bool = False, **_: Any) -> Tensor:  # fmt: skip
    """Normal numbers with the given mean(s) and standard deviation(s).

    ``normal(mean, std, size)`` with numbers, or tensors of means and/or stds
    (one draw per element, computed as PyTorch does: ``N(0, 1) * std + mean``).

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.normal(2.0, 3.0, size=(3,))
    tensor([ 6.6230,  1.1197, -4.5364])
    """
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got (float, float), "
                            "but expected (float mean, float std, tuple of ints size)")  # fmt: skip
        size = (size,) if not isinstance(size, (tuple, list, Size)) else tuple(size)
        t = _make(size, dtype, device, "normal")
        return _finish(_normal_(t, mean, std, generator=generator), requires_grad)
    from ..creation import empty  # noqa: PLC0415

    if mt and st:
        if std.numel() and builtins.bool((std < 0).any()):
            raise RuntimeError("normal expects all elements of std >= 0.0")
        shape = np.broadcast_shapes(tuple(mean.shape), tuple(std.shape))
        out = empty(*shape, dtype=dtypes.result_type(mean, std), device=mean.device)
        _normal_(out, 0, 1, generator=generator)
        return out.mul_(std).add_(mean)
    if mt:
        out = empty(*mean.shape, dtype=mean.dtype, device=mean.device)
        _normal_(out, 0, std, generator=generator)
        return out.add_(mean)
    if builtins.bool((std < 0).any()):
        raise RuntimeError("normal expects all elements of std >= 0.0")
    out = empty(*std.shape, dtype=std.dtype, device=std.device)
    _normal_(out, 0, 1, generator=generator)
    return out.mul_(std).add_(mean)


def bernoulli(input: Tensor, p: float | None = None, *, generator: Generator | None = None) -> Tensor:
    """0/1 draws: element i is 1 with probability ``input[i]`` (or ``p`` for every element).

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.bernoulli(torch.tensor([0.1, 0.9, 0.5]))
    tensor([0., 1., 1.])
    """
    from ..creation import empty_like  # noqa: PLC0415

    out = empty_like(input)
    if p is None:
        if not input.dtype.is_floating_point:
            raise RuntimeError(
                f"\"bernoulli_tensor_cpu_p_\" not implemented for '{_scalar_type_name(input.dtype)}'"
            )
        return _bernoulli_(out, input, generator=generator)
    return _bernoulli_(out, p, generator=generator)


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:  # fmt: skip
    """Draw category indices with probabilities proportional to the rows of ``input``.

    Without replacement PyTorch races exponential clocks (``argmax p / Exp(1)``);
    with replacement it binary-searches the cumulative distribution.

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.multinomial(torch.tensor([0.1, 0.2, 0.7]), 5, replacement=True)
    tensor([2, 2, 2, 2, 2])
    """
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{_scalar_type_name(input.dtype)}")  # fmt: skip
    n_cat = input.shape[-1]
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > n_cat:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    g = _gen(generator)
    p = backend.to_numpy(input.detach()._data)
    rows = p.reshape(-1, n_cat)
    if not np.all(np.isfinite(rows)) or (rows < 0).any():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if (rows.sum(axis=1) == 0).any():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement or num_samples == 1:
        u = _uniform01(g, rows.size, dtypes.float64)
        q = (-np.log1p(-u)).astype(rows.dtype).reshape(rows.shape)
        score = rows / q
        if num_samples == 1:
            idx = np.argmax(score, axis=1)[:, None]
        else:
            idx = np.argsort(-score, axis=1, kind="stable")[:, :num_samples]
    else:
        idx = np.empty((rows.shape[0], num_samples), dtype=np.int64)
        for r, row in enumerate(rows):
            cum = np.cumsum(row, dtype=row.dtype)
            cum = cum / cum[-1]
            cum[-1] = 1
            u = _uniform01(g, num_samples, dtypes.float64)
            idx[r] = np.searchsorted(cum.astype(np.float64), u, side="left")
    out = idx.astype(np.int64).reshape(*input.shape[:-1], num_samples)
    return Tensor._make(backend.to_device_array(out, input.device) if input.is_cuda else out)


def _like(fn: Any, name: str) -> Any:
    def like(input: Tensor, *args: Any, dtype: dtypes.dtype | None = None, device: Any = None,
             requires_grad: bool = False, generator: Generator | None = None, **_: Any) -> Tensor:  # fmt: skip
        kw = {"dtype": dtype or input.dtype, "device": device or input.device, "requires_grad": requires_grad}
        if fn is randint:
            return randint(*args, tuple(input.shape), generator=generator, **kw)
        return fn(*input.shape, generator=generator, **kw)

    like.__name__ = name
    like.__doc__ = f"``{fn.__name__}`` with the shape (and by default the dtype and device) of ``input``."
    return like


rand_like = _like(rand, "rand_like")
randn_like = _like(randn, "randn_like")
randint_like = _like(randint, "randint_like")

bind(
    bernoulli=lambda self, p=None, *, generator=None: bernoulli(self, p, generator=generator),
    multinomial=multinomial,
)

"""Random numbers that equal PyTorch's, bit for bit, for the same seed.

PyTorch's CPU generator is a Mersenne Twister (mt19937) seeded with the classic
``init_genrand(seed & 0xffffffff)``; NumPy's ``MT19937`` bit generator is the same
engine, so learntorch keeps one and asks it for raw 32-bit words in bulk
(``random_raw(n)``). What remains is to turn words into numbers exactly as
PyTorch's CPU kernels do (all checked against torch 2.13):

* ``rand``/``uniform_``: float32 (and float16) take the low 24 bits of one word,
  ``u = (w & 0xffffff) * 2**-24``; float64 the low 53 bits of a 64-bit word made of
  two draws, the *first* being the high half. Then ``u * (to - from) + from`` as
  one fused multiply-add, and a result that rounds up to ``to`` becomes ``from``.
* ``randn``/``normal_`` on a contiguous tensor of 16 or more elements: fill it with
  uniforms, then Box-Muller on blocks of 16 (``u1 = 1 - d[j]``, ``u2 = d[j + 8]`` for
  ``j < 8``: ``d[j] = r cos θ``, ``d[j + 8] = r sin θ``); if the size is not a multiple
  of 16, 16 *fresh* uniforms recompute the last 16 values. float32 uses an AVX2
  kernel built on the cephes polynomials of ``avx_mathfun.h``, reproduced here in
  float32 arithmetic (:func:`_log_ps`, :func:`_sincos_ps`). float16 runs the
  float32 kernel and rounds (drawing uniforms for the full blocks only).
* fewer than 16 elements (or a non-contiguous tensor): a scalar Box-Muller on
  53-bit uniforms, computed in double, that caches the unused second value in the
  generator for the next call (``torch.randn(3)`` twice = ``torch.randn(6)``).
* ``randint``/``random_(from, to)``: ``w % (to - from) + from``, with a 64-bit word
  when the range needs 32 bits or more (int64/float/double only).
* ``randperm(n)``: Fisher-Yates, ``swap(i, i + w % (n - i))`` for ``i < n - 1``.
* ``bernoulli_(p)``, ``bernoulli(probs)``: ``u < p`` with a 53-bit uniform (24-bit for
  float32 probabilities); ``exponential_``: ``-log1p(-u) / lambda``; ``multinomial``:
  an inverse-CDF binary search with replacement, exponential races without.

Known limits: PyTorch picks its float32 normal kernel by CPU: on a CPU with
AVX-512 it uses a scalar ``std::log``/``std::cos`` loop instead of the AVX2 one
reproduced here, so there ``randn`` of 16+ float32 values may differ in the last
bit. FMA is emulated with error-free transforms, exact except in ties too rare
to meet in practice.
CUDA tensors draw from CuPy's generator (torch's Philox stream is not reproduced).

>>> import learntorch as torch
>>> _ = torch.manual_seed(0)
>>> torch.rand(2, 2)
tensor([[0.4963, 0.7682],
        [0.0885, 0.1320]])
"""

from __future__ import annotations

import builtins
import contextlib
import math
import os
import struct
from typing import Any, Iterator

import numpy as np

from . import backend, dtypes
from .ops._util import bind
from .tensor import Size, Tensor

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "fork_rng", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
    "multinomial", "rand_like", "randn_like", "randint_like",
]  # fmt: skip

_N = 624  # words of mt19937 state
_DEFAULT_SEED = 67280421310721  # the seed of a fresh torch.Generator()
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState) in PyTorch
_U64 = np.uint64


def _check_seed(seed: Any) -> int:
    """torch's seed rules: any int in [-2**63, 2**64); negatives wrap to uint64."""
    seed = builtins.int(seed)
    if not -(2**63) <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


class Generator:
    """A random number generator with its own state, like ``torch.Generator``.

    >>> import learntorch as torch
    >>> g = torch.Generator().manual_seed(42)
    >>> torch.rand(3, generator=g)
    tensor([0.8823, 0.9150, 0.3829])
    >>> g.initial_seed()
    42
    """

    def __init__(self, device: Any = "cpu") -> None:
        self.device = backend.device(device) if not isinstance(device, backend.device) else device
        self._mt = np.random.MT19937(0)
        self.manual_seed(_DEFAULT_SEED)

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"

    # ------------------------------------------------------------------ seeding
    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns the generator itself."""
        seed = _check_seed(seed)
        key = np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]
        self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N}}
        self._seed = seed
        self._fresh = True  # seeded, not yet twisted: torch stores next=0 here
        self._next_double: float | None = None  # the cached second Box-Muller value
        self._next_float: float | None = None
        if self.device.type == "cuda" and backend.cupy_module() is not None:
            backend.cupy_module().random.seed(seed & 0xFFFFFFFF)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed used."""
        s = builtins.int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed the stream was last started from."""
        return self._seed

    # ------------------------------------------------------------------ state
    def get_state(self) -> Tensor:
        """The full state as a uint8 tensor, byte-compatible with ``torch.Generator.get_state()``.

        >>> import learntorch as torch
        >>> torch.Generator().get_state().shape
        torch.Size([5056])
        """
        st = self._mt.state["state"]
        pos = builtins.int(st["pos"])
        nxt = 0 if self._fresh else pos
        left = 1 if pos >= _N else _N + 1 - pos
        nd = self._next_double
        nf = self._next_float
        head = struct.pack("<QiiQ", self._seed, left, 1, nxt)
        words = np.asarray(st["key"], dtype="<u8").tobytes()
        tail = struct.pack(
            "<dddi4xf?3x",
            0.0,
            0.0 if nd is None else nd,
            0.0,
            nd is not None,
            0.0 if nf is None else nf,
            nf is not None,
        )
        buf = np.frombuffer(head + words + tail, dtype=np.uint8).copy()
        return Tensor._make(buf)

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from :meth:`get_state` (or from real PyTorch's ``get_rng_state()``)."""
        if not isinstance(new_state, Tensor) or new_state.dtype is not dtypes.uint8:
            got = (
                new_state.dtype.name.capitalize()
                if isinstance(new_state, Tensor)
                else type(new_state).__name__
            )
            raise TypeError(f"expected a torch.ByteTensor, but got {got}")
        raw = backend.to_numpy(new_state._data).tobytes()
        if len(raw) != _STATE_BYTES:
            raise RuntimeError("Expected either a THGeneratorState of size 5048 or a CPUGeneratorImplState of size 5056 "
                               f"but found the input RNG state size to be {len(raw)}")  # fmt: skip
        seed, left, _seeded, nxt = struct.unpack_from("<QiiQ", raw, 0)
        key = np.frombuffer(raw, dtype="<u8", count=_N, offset=24).astype(np.uint32)
        _x, y, _rho, y_valid, f, f_valid = struct.unpack_from("<dddi4xf?3x", raw, 24 + 8 * _N)
        pos = _N if left <= 1 else _N + 1 - left
        self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._seed = seed
        self._fresh = left == 1 and nxt == 0
        self._next_double = y if y_valid else None
        self._next_float = f if f_valid else None
        return self

    # ------------------------------------------------------------------ raw words
    def _raw32(self, n: int) -> np.ndarray:
        """``n`` raw 32-bit words (held in uint64), like n calls of ``generator->random()``."""
        if n:
            self._fresh = False
        return self._mt.random_raw(n)

    def _raw64(self, n: int) -> np.ndarray:
        """``n`` 64-bit words, each two 32-bit draws with the first as the high half."""
        w = self._raw32(2 * n)
        return (w[0::2] << _U64(32)) | w[1::2]


default_generator = Generator()
default_generator.seed()


def _gen(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


# ---------------------------------------------------------------------- module-level seeding
def manual_seed(seed: int) -> Generator:
    """Seed the default generator (and the GPU's); returns ``default_generator``.

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(1)
    >>> torch.randint(0, 10, (5,))
    tensor([5, 9, 4, 8, 3])
    """
    seed = _check_seed(seed)
    from . import cuda  # noqa: PLC0415

    cuda.manual_seed_all(seed)
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from OS entropy and return that seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last started from."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state (a uint8 tensor of 5056 bytes, as in PyTorch)."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, **_: Any) -> Iterator[None]:
    """Run a block of code and then put the default generator back as it was."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# ---------------------------------------------------------------------- words -> numbers
_DIGITS = {dtypes.float16: 11, dtypes.float32: 24, dtypes.float64: 53}  # random_(): [0, 2**digits]


def _uniform01(g: Generator, n: int, dt: dtypes.dtype) -> np.ndarray:
    """``n`` uniforms in [0, 1): float64 from 53-bit words, float32 (and float16) from 24 bits."""
    if dt is dtypes.float64:
        return (g._raw64(n) & _U64((1 << 53) - 1)).astype(np.float64) * 2.0**-53
    return (g._raw32(n) & _U64((1 << 24) - 1)).astype(np.float32) * np.float32(2.0**-24)


def _uniform(g: Generator, n: int, dt: dtypes.dtype, low: float, high: float) -> np.ndarray:
    x = _uniform01(g, n, dt)
    if dt is dtypes.float64:
        lo, hi = np.float64(low), np.float64(high)
        v = _f64_fma(x, hi - lo, lo)
    else:
        lo, hi = np.float32(dt.np.type(low)), np.float32(dt.np.type(high))
        v = _f32_fma(x, hi - lo, lo).astype(dt.np)
    # a value that rounds up to ``to`` is folded back to ``from``: the range stays [from, to)
    return np.where(v >= dt.np.type(hi), dt.np.type(lo), v)


def _two_prod(a: np.ndarray, b: Any) -> tuple[np.ndarray, np.ndarray]:
    """``a * b = p + e`` exactly (Dekker's product with Veltkamp splitting)."""

    def split(x: Any) -> tuple[Any, Any]:
        c = 134217729.0 * x  # 2**27 + 1
        hi = c - (c - x)
        return hi, x - hi

    p = a * b
    ah, al = split(a)
    bh, bl = split(np.float64(b))
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _f64_fma(a: np.ndarray, b: Any, c: Any) -> np.ndarray:
    """float64 ``a * b + c`` with a single rounding, as an FMA instruction computes it.

    Error-free transforms (exact product, exact sum) then one final addition: this
    agrees with a true FMA except in vanishingly rare double-rounding ties.
    """
    a = np.asarray(a, dtype=np.float64)
    p, e = _two_prod(a, b)
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)  # p + c = s + t exactly
    return s + (t + e)


def _f32_fma(a: np.ndarray, b: Any, c: Any) -> np.ndarray:
    """float32 ``a * b + c`` rounded once, as an FMA instruction does (via exact float64)."""
    return (a.astype(np.float64) * np.float64(b) + np.asarray(c, dtype=np.float64)).astype(np.float32)


def _log_ps(x: np.ndarray) -> np.ndarray:
    """Natural log in float32, the cephes polynomial of ``avx_mathfun.h`` (``log256_ps``)."""
    f = np.float32
    x = np.maximum(x, f(1.17549435e-38))
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(f) + f(1)
    x = ((bits & ~0x7F800000) | f(0.5).view(np.int32)).view(f)  # mantissa in [0.5, 1)
    small = x < f(0.707106781186547524)
    x = (x - f(1)) + np.where(small, x, f(0))
    e = e - np.where(small, f(1), f(0))
    z = x * x
    y = np.full_like(x, f(7.0376836292e-2))
    for p in (-1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
              -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1):  # fmt: skip
        y = _f32_fma(y, x, f(p))
    y = _f32_fma(y * x, z, e * f(-2.12194440e-4))
    y = y - z * f(0.5)
    return _f32_fma(e, f(0.693359375), x + y)


def _sincos_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos in float32, cephes polynomials of ``avx_mathfun.h`` (``sincos256_ps``)."""
    f = np.float32
    sign_sin = x < 0
    x = np.abs(x)
    j = (x * f(1.27323954473516)).astype(np.int32)  # 4/pi: which octant
    j = (j + 1) & ~1
    y = j.astype(f)
    sign_sin = sign_sin ^ ((j & 4) != 0)
    use_sin_poly = (j & 2) == 0
    sign_cos = ((j - 2) & 4) == 0
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):  # x - y*pi/4 in 3 steps
        x = _f32_fma(y, f(dp), x)
    z = x * x
    c = np.full_like(x, f(2.443315711809948e-5))
    c = _f32_fma(c, z, f(-1.388731625493765e-3))
    c = _f32_fma(c, z, f(4.166664568298827e-2))
    c = _f32_fma(c * z, z, -(z * f(0.5))) + f(1)
    s = np.full_like(x, f(-1.9515295891e-4))
    s = _f32_fma(s, z, f(8.3321608736e-3))
    s = _f32_fma(s, z, f(-1.6666654611e-1))
    s = _f32_fma(s * z, x, x)
    sin = np.where(use_sin_poly, s, c)
    cos = np.where(use_sin_poly, c, s)
    return np.where(sign_sin, -sin, sin), np.where(sign_cos, -cos, cos)


def _box_muller16(d: np.ndarray, dt: dtypes.dtype, mean: float, std: float) -> np.ndarray:
    """Turn rows of 16 uniforms into rows of 16 normals (torch's ``normal_fill_16``).

    The compiler fuses ``x * std + mean`` into one FMA instruction; so do we.
    """
    u1, u2 = 1 - d[:, :8], d[:, 8:]
    if dt is dtypes.float32:
        f = np.float32
        r = np.sqrt(f(-2) * _log_ps(u1))
        s, c = _sincos_ps(f(2 * math.pi) * u2)
        return np.concatenate([_f32_fma(r * c, f(std), f(mean)), _f32_fma(r * s, f(std), f(mean))], axis=1)
    r = np.sqrt(-2 * np.log(u1))
    th = 2 * math.pi * u2
    return np.concatenate([_f64_fma(r * np.cos(th), std, mean), _f64_fma(r * np.sin(th), std, mean)], axis=1)


def _normal_scalar(g: Generator, n: int) -> np.ndarray:
    """``n`` standard normals (float64) from torch's scalar Box-Muller, with its one-value cache."""
    out = np.empty(n, dtype=np.float64)
    start = 0
    if n and g._next_double is not None:
        out[0] = g._next_double
        g._next_double = None
        start = 1
    m = n - start
    if m:
        pairs = (m + 1) // 2
        u = _uniform01(g, 2 * pairs, dtypes.float64).reshape(pairs, 2)
        r = np.sqrt(-2.0 * np.log1p(-u[:, 1]))
        th = 2.0 * math.pi * u[:, 0]
        both = np.stack([r * np.cos(th), r * np.sin(th)], axis=1).reshape(-1)
        out[start:] = both[:m]
        if m % 2:
            g._next_double = builtins.float(both[m])
    return out


def _normal(
    g: Generator, n: int, dt: dtypes.dtype, mean: float, std: float, contiguous: bool = True
) -> np.ndarray:
    if n >= 16 and contiguous:
        full = n // 16 * 16
        # float16 runs the float32 kernel, drawing uniforms only for the full blocks
        math_dt = dtypes.float32 if dt is dtypes.float16 else dt
        d = _uniform01(g, full if dt is dtypes.float16 else n, math_dt)
        out = np.empty(n, dtype=math_dt.np)
        out[:full] = _box_muller16(d[:full].reshape(-1, 16), math_dt, mean, std).reshape(-1)
        if n % 16:  # torch recomputes the last 16 values from 16 fresh uniforms
            tail = _uniform01(g, 16, math_dt)
            out[n - 16 :] = _box_muller16(tail.reshape(1, 16), math_dt, mean, std).reshape(-1)
        return out.astype(dt.np, copy=False)
    return _f64_fma(_normal_scalar(g, n), std, mean).astype(dt.np)


def _int_range(g: Generator, n: int, low: int, high: int, dt: dtypes.dtype) -> np.ndarray:
    """torch's ``uniform_int_from_to``: ``w % (high - low) + low``."""
    rng = high - low
    wide = dt in (dtypes.int64, dtypes.float32, dtypes.float64) and rng >= 2**32
    w = g._raw64(n) if wide else g._raw32(n)
    v = (
        (w % _U64(rng)).astype(np.int64) + np.int64(low)
        if rng < 2**63
        else (w % _U64(rng) + _U64(low % 2**64)).view(np.int64)
    )
    return v.astype(dt.np)


def _random_full(g: Generator, n: int, dt: dtypes.dtype) -> np.ndarray:
    """``random_()`` with no bounds: [0, 2**mantissa] for floats, [0, max] for integers."""
    if dt is dtypes.bool:
        return (g._raw32(n) & _U64(1)).astype(np.bool_)
    if dt.is_floating_point:
        w = g._raw64(n) if dt is dtypes.float64 else g._raw32(n)
        return (w % _U64((1 << _DIGITS[dt]) + 1)).astype(dt.np)
    top = builtins.int(np.iinfo(dt.np).max) + 1
    w = g._raw64(n) if dt is dtypes.int64 else g._raw32(n)
    return (w % _U64(top)).astype(dt.np)


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
    from .ops.copy import _check_inplace  # noqa: PLC0415

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


# ---------------------------------------------------------------------- factories
def _make(size: tuple, dtype: dtypes.dtype | None, device: Any, name: str) -> Tensor:
    from .creation import empty  # noqa: PLC0415

    return empty(*size, dtype=dtype, device=device, _name=name)


def _size_kw(size: tuple, kw: dict, name: str) -> tuple:
    from .creation import _size_kw as size_kw  # noqa: PLC0415

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
    from .creation import _finish as finish_array  # noqa: PLC0415

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
    from .creation import empty  # noqa: PLC0415

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
    from .creation import empty_like  # noqa: PLC0415

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

bind(uniform_=_uniform_, normal_=_normal_, random_=_random_, bernoulli_=_bernoulli_,
     exponential_=_exponential_, bernoulli=lambda self, p=None, *, generator=None: bernoulli(self, p, generator=generator),
     multinomial=multinomial)  # fmt: skip

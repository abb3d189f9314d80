"""PyTorch's CPU generator, reproduced: how its kernels turn mt19937 words into numbers.

Uniform bits, the Box-Muller normal on blocks of 16 with the float32 cephes polynomials of
``avx_mathfun.h`` (:func:`_log_ps`, :func:`_sincos_ps`), the scalar normal, integer ranges.
A student can skip this file: it exists so that ``torch.manual_seed(0); torch.randn(3)`` gives
PyTorch's numbers to the last bit. See :mod:`learntorch.random` for the rules it follows.
"""

from __future__ import annotations

import builtins
import math

import numpy as np

from .. import dtypes
from .._numerics import fma_f32, fma_f64
from .generator import _U64, Generator

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
        v = fma_f64(x, hi - lo, lo)
    else:
        lo, hi = np.float32(dt.np.type(low)), np.float32(dt.np.type(high))
        v = fma_f32(x, hi - lo, lo).astype(dt.np)
    # a value that rounds up to ``to`` is folded back to ``from``: the range stays [from, to)
    return np.where(v >= dt.np.type(hi), dt.np.type(lo), v)


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
        y = fma_f32(y, x, f(p))
    y = fma_f32(y * x, z, e * f(-2.12194440e-4))
    y = y - z * f(0.5)
    return fma_f32(e, f(0.693359375), x + y)


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
        x = fma_f32(y, f(dp), x)
    z = x * x
    c = np.full_like(x, f(2.443315711809948e-5))
    c = fma_f32(c, z, f(-1.388731625493765e-3))
    c = fma_f32(c, z, f(4.166664568298827e-2))
    c = fma_f32(c * z, z, -(z * f(0.5))) + f(1)
    s = np.full_like(x, f(-1.9515295891e-4))
    s = fma_f32(s, z, f(8.3321608736e-3))
    s = fma_f32(s, z, f(-1.6666654611e-1))
    s = fma_f32(s * z, x, x)
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
        return np.concatenate([fma_f32(r * c, f(std), f(mean)), fma_f32(r * s, f(std), f(mean))], axis=1)
    r = np.sqrt(-2 * np.log(u1))
    th = 2 * math.pi * u2
    return np.concatenate([fma_f64(r * np.cos(th), std, mean), fma_f64(r * np.sin(th), std, mean)], axis=1)


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
    return fma_f64(_normal_scalar(g, n), std, mean).astype(dt.np)


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

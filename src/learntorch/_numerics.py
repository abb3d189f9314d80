"""Everything that exists only to be bit-identical with PyTorch.

A student reading the engine can skip this file: each routine here computes what a
one-line NumPy expression would, but rounds the way PyTorch's CPU kernels do, so
results agree to the last bit. The names say what they reproduce."""

from __future__ import annotations

from typing import Any

import numpy as np

from .ops._util import _quiet

# Rational approximations of erf (|x| <= 1) and erfc (1 < |x| < 8, |x| >= 8) from the
# Cephes library (S. Moshier); relative error about 1e-16 in float64.
_ERF_T = (9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3,
          7.00332514112805075473e3, 5.55923013010394962768e4)  # fmt: skip


_ERF_U = (1.0, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3,
          2.26290000613890934246e4, 4.92673942608635921086e4)  # fmt: skip


_ERFC_P = (2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0,
           4.86371970985681366614e1, 1.96520832956077098242e2, 5.26445194995477358631e2,
           9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2)  # fmt: skip


_ERFC_Q = (1.0, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2,
           9.75708501743205489753e2, 1.82390916687909736289e3, 2.24633760818710981792e3,
           1.65666309194161350182e3, 5.57535340817727675546e2)  # fmt: skip


_ERFC_R = (5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0,
           6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0)  # fmt: skip


_ERFC_S = (1.0, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1,
           1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0)  # fmt: skip


def _horner(x: Any, coeffs: tuple) -> Any:
    acc = x * 0 + coeffs[0]
    for c in coeffs[1:]:
        acc = acc * x + c
    return acc


def _erf_array(xp: Any, x: Any) -> Any:
    """erf of an array, computed in float64 and returned in ``x``'s dtype."""
    v = x.astype(xp.float64)
    a = xp.abs(v)
    with _quiet(xp):
        z = v * v
        small = v * _horner(z, _ERF_T) / _horner(z, _ERF_U)
        ac = xp.minimum(a, 30.0)  # erfc(30) underflows to 0 anyway; keeps inf out of the ratios
        mid = _horner(ac, _ERFC_P) / _horner(ac, _ERFC_Q)
        far = _horner(ac, _ERFC_R) / _horner(ac, _ERFC_S)
        erfc = xp.exp(-ac * ac) * xp.where(ac < 8.0, mid, far)
        large = xp.sign(v) * (1.0 - erfc)
    return xp.where(a <= 1.0, small, large).astype(x.dtype, copy=False)


# ---------------------------------------------------------------------- fused multiply-add
def add_alpha(y: Any, x: Any, alpha: Any) -> Any:
    """``y + alpha * x`` rounded as torch's CPU ``y.add(x, alpha=alpha)`` rounds it: one fused multiply-add.

    For float32 (and float16, which torch computes in float32 with ``alpha`` first rounded to
    half) the product is exact in float64, so going through float64 rounds the sum once, as an
    fma does. Float64 rounds twice here (torch: once), a difference in the last bit at most.
    ``alpha`` may be an array (torch's ``addcmul_`` is ``y + (value * t1) * t2``, one fma).

    >>> y = np.float32([1.0]); x = np.float32([3e-8])
    >>> add_alpha(y, x, 1.0) == np.float32(1.0) + np.float32(3e-8)
    array([ True])
    """
    if y.dtype.kind == "f" and y.dtype.itemsize <= 4:
        a64 = np.float64(y.dtype.type(alpha)) if np.ndim(alpha) == 0 else alpha.astype(np.float64)
        exact = y.astype(np.float64) + a64 * x.astype(np.float64)
        return exact.astype(np.float32).astype(y.dtype, copy=False)
    return y + alpha * x


def two_prod(a: np.ndarray, b: Any) -> tuple[np.ndarray, np.ndarray]:
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


def fma_f64(a: np.ndarray, b: Any, c: Any) -> np.ndarray:
    """float64 ``a * b + c`` with a single rounding, as an FMA instruction computes it.

    Error-free transforms (exact product, exact sum) then one final addition: this
    agrees with a true FMA except in vanishingly rare double-rounding ties.
    """
    a = np.asarray(a, dtype=np.float64)
    p, e = two_prod(a, b)
    s = p + c
    bb = s - p
    t = (p - (s - bb)) + (c - bb)  # p + c = s + t exactly
    return s + (t + e)


def fma_f32(a: np.ndarray, b: Any, c: Any) -> np.ndarray:
    """float32 ``a * b + c`` rounded once, as an FMA instruction does (via exact float64)."""
    return (a.astype(np.float64) * np.float64(b) + np.asarray(c, dtype=np.float64)).astype(np.float32)

"""Convolution as array functions (NumPy or CuPy): one strided window view plus one matrix product.

* :func:`_windows` looks at a padded input ``(N, C, *S)`` as every kernel-sized
  window at once, ``(N, C, *O, *K)``, by choosing new strides (no copy). The
  forward pass is then a single matrix product of those windows with the weight
  ("im2col" + GEMM).
* :func:`_col2im` is the same trick reversed: it adds window-shaped values back
  into an image. It loops over the *kernel positions* only (9 for a 3×3 kernel),
  each step a strided slice-add over the whole batch.

With them, three array functions cover every direction a convolution needs:

=====================  ==================================================
``_conv_forward``      y  = x ⋆ w                     (windows · weight)
``_conv_input_grad``   dx = col2im(dy · weight)        (= transposed conv)
``_conv_weight_grad``  dw = dy · windows(x)
=====================  ==================================================

Pooling uses the same window view (:mod:`.pool`).
"""

from __future__ import annotations

from typing import Any, Sequence

from .. import backend


# --------------------------------------------------------------------------------------
# array helpers (NumPy or CuPy)
# --------------------------------------------------------------------------------------
def _prod(xs: Sequence[int]) -> int:
    p = 1
    for x in xs:
        p *= x
    return p


def _pad_zeros(x: Any, pads: Sequence[tuple[int, int]]) -> Any:
    """Zero-pad the trailing ``len(pads)`` dimensions of ``x`` by ``(low, high)`` each."""
    if not any(lo or hi for lo, hi in pads):
        return x
    xp = backend.array_module(x)
    return xp.pad(x, [(0, 0)] * (x.ndim - len(pads)) + [tuple(p) for p in pads])


def _out_size(size: int, k: int, stride: int, lo: int, hi: int, dilation: int) -> int:
    """Number of windows along one dimension: ⌊(S + lo + hi − d·(k−1) − 1) / s⌋ + 1."""
    return (size + lo + hi - dilation * (k - 1) - 1) // stride + 1


def _windows(xpad: Any, ksize: Sequence[int], stride: Sequence[int], dilation: Sequence[int],
             out: Sequence[int]) -> Any:  # fmt: skip
    """Every window of a padded ``(B..., *S)`` array as a view ``(B..., *O, *K)`` (no copy).

    Moving one output step moves ``stride`` elements in the input; moving one kernel
    step moves ``dilation`` elements. That is the whole of im2col, done by strides.
    """
    xp = backend.array_module(xpad)
    nd = len(ksize)
    lead = xpad.shape[: xpad.ndim - nd]
    st = xpad.strides
    sp = st[xpad.ndim - nd :]
    shape = (*lead, *out, *ksize)
    strides = (
        *st[: xpad.ndim - nd],
        *(s * a for s, a in zip(sp, stride)),
        *(s * d for s, d in zip(sp, dilation)),
    )
    return xp.lib.stride_tricks.as_strided(xpad, shape=shape, strides=strides)


def _col2im(cols: Any, padded: Sequence[int], stride: Sequence[int], dilation: Sequence[int]) -> Any:
    """Add window-shaped values ``(B..., *O, *K)`` back into an image ``(B..., *padded)``.

    The adjoint of :func:`_windows`: a loop over kernel positions, never pixels.
    """
    xp = backend.array_module(cols)
    nd = len(padded)
    ksize = cols.shape[cols.ndim - nd :]
    out = cols.shape[cols.ndim - 2 * nd : cols.ndim - nd]
    lead = cols.shape[: cols.ndim - 2 * nd]
    img = xp.zeros((*lead, *padded), dtype=cols.dtype)
    for k in _ndindex(ksize):
        dst = tuple(slice(k[i] * dilation[i], k[i] * dilation[i] + stride[i] * (out[i] - 1) + 1, stride[i])
                    for i in range(nd))  # fmt: skip
        img[(Ellipsis, *dst)] += cols[(Ellipsis, *k)]
    return img


def _ndindex(shape: Sequence[int]) -> list[tuple[int, ...]]:
    idx: list[tuple[int, ...]] = [()]
    for s in shape:
        idx = [i + (j,) for i in idx for j in range(s)]
    return idx


def _bmm(a: Any, b: Any) -> Any:
    """Per-group matrix products ``a[g] @ b[g]``, each one plain 2-D BLAS call."""
    xp = backend.array_module(a, b)
    if a.shape[0] == 1:
        return xp.matmul(a[0], b[0])[None]
    return xp.stack([xp.matmul(a[i], b[i]) for i in range(a.shape[0])])


def _crop(img: Any, pads: Sequence[tuple[int, int]], size: Sequence[int]) -> Any:
    nd = len(pads)
    sl = tuple(slice(lo, lo + s) for (lo, _), s in zip(pads, size))
    out = img[(Ellipsis, *sl)] if nd else img
    return out


def _conv_forward(x: Any, w: Any, stride: tuple, pads: tuple, dilation: tuple, groups: int) -> Any:
    """y[n, o, *i] = Σ_{c, *k} x_pad[n, c, *(i·s + k·d)] · w[o, c, *k]  (per group)."""
    xp = backend.array_module(x, w)
    nd = w.ndim - 2
    n, c = x.shape[:2]
    oc, cg = w.shape[:2]
    ks = w.shape[2:]
    g = groups
    xpad = _pad_zeros(x, pads)
    out = tuple(_out_size(x.shape[2 + i], ks[i], stride[i], *pads[i], dilation[i]) for i in range(nd))
    win = _windows(xpad, ks, stride, dilation, out)  # (N, C, *O, *K), a view
    win = win.reshape(n, g, cg, *out, *ks)
    # (G, Cg, *K, N, *O): one row per weight of a filter, one column per output pixel
    order = (1, 2, *range(3 + nd, 3 + 2 * nd), 0, *range(3, 3 + nd))
    cols = xp.ascontiguousarray(win.transpose(order)).reshape(g, cg * _prod(ks), n * _prod(out))
    wm = w.reshape(g, oc // g, cg * _prod(ks))
    y = _bmm(wm, cols)  # (G, Og, N·P): the one BLAS call
    y = y.reshape(g, oc // g, n, *out).transpose(2, 0, 1, *range(3, 3 + nd))  # (N, G, Og, *O)
    return xp.ascontiguousarray(y).reshape(n, oc, *out)


def _conv_input_grad(gy: Any, w: Any, in_size: tuple, stride: tuple, pads: tuple, dilation: tuple,
                     groups: int) -> Any:  # fmt: skip
    """dx = col2im(dy · w): the transposed convolution of ``gy`` with ``w``, cropped to ``in_size``."""
    xp = backend.array_module(gy, w)
    nd = w.ndim - 2
    n = gy.shape[0]
    oc, cg = w.shape[:2]
    ks = w.shape[2:]
    g = groups
    og = oc // g
    out = gy.shape[2:]
    gym = gy.reshape(n, g, og, _prod(out)).transpose(1, 2, 0, 3).reshape(g, og, n * _prod(out))
    wm = w.reshape(g, og, cg * _prod(ks))
    cols = _bmm(wm.transpose(0, 2, 1), gym)  # (G, Cg·K, N·P)
    cols = cols.reshape(g, cg, *ks, n, *out)
    cols = cols.transpose(2 + nd, 0, 1, *range(3 + nd, 3 + 2 * nd), *range(2, 2 + nd))  # (N,G,Cg,*O,*K)
    padded = tuple(in_size[i] + pads[i][0] + pads[i][1] for i in range(nd))
    img = _col2im(cols, padded, stride, dilation)  # (N, G, Cg, *padded)
    img = _crop(img, pads, in_size)
    return xp.ascontiguousarray(img).reshape(n, g * cg, *in_size)


def _conv_weight_grad(x: Any, gy: Any, ksize: tuple, stride: tuple, pads: tuple, dilation: tuple,
                      groups: int) -> Any:  # fmt: skip
    """dw[o, c, *k] = Σ_{n, *i} dy[n, o, *i] · x_pad[n, c, *(i·s + k·d)]  (per group)."""
    xp = backend.array_module(x, gy)
    nd = len(ksize)
    n, c = x.shape[:2]
    oc = gy.shape[1]
    g = groups
    cg, og = c // g, oc // g
    out = gy.shape[2:]
    xpad = _pad_zeros(x, pads)
    win = _windows(xpad, ksize, stride, dilation, out).reshape(n, g, cg, *out, *ksize)
    order = (1, 2, *range(3 + nd, 3 + 2 * nd), 0, *range(3, 3 + nd))
    cols = xp.ascontiguousarray(win.transpose(order)).reshape(g, cg * _prod(ksize), n * _prod(out))
    gym = gy.reshape(n, g, og, _prod(out)).transpose(1, 2, 0, 3).reshape(g, og, n * _prod(out))
    gw = _bmm(gym, cols.transpose(0, 2, 1))  # (G, Og, Cg·K)
    return gw.reshape(oc, cg, *ksize)

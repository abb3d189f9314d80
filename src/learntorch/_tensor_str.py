"""Printing tensors exactly the way PyTorch does.

The rules (PyTorch's ``torch/_tensor_str.py``, reimplemented on NumPy):

* One *formatter* decides the look of every element of a tensor, from the
  nonzero finite values only:

  - integers print as they are, right-aligned to the widest one;
  - floats whose values are all whole numbers print as ``1.`` / ``-3.``
    ("int mode");
  - floats switch to scientific notation (``1.0000e-05``) when the largest
    magnitude is over 1000 times the smallest, above ``1e8``, or below ``1e-4``;
  - otherwise floats print fixed-point with ``precision`` (4) decimals.

* Tensors with more than ``threshold`` (1000) elements are summarised: each
  dimension shows ``edgeitems`` (3) entries at each end around ``...``.
* Rows wrap to stay within ``linewidth`` (80) characters; nested dimensions
  add one space of indent per level and one blank line per extra dimension.
* Suffixes: ``device='cuda:0'``, ``dtype=torch.int32`` (omitted for the
  default float dtype, int64 and bool), ``grad_fn=<AddBackward0>`` or
  ``requires_grad=True``; empty tensors show ``size=(0, 3)`` when not 1-D.

>>> import learntorch as torch
>>> torch.tensor([1.0, 2.5, -3.0])
tensor([ 1.0000,  2.5000, -3.0000])
>>> torch.tensor([1e-5, 1.0])
tensor([1.0000e-05, 1.0000e+00])
>>> torch.tensor([[1, 2], [30, 4]], dtype=torch.int32)
tensor([[ 1,  2],
        [30,  4]], dtype=torch.int32)
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterator

import numpy as np

from . import backend, dtypes

__all__ = ["set_printoptions", "get_printoptions", "printoptions", "tensor_repr"]


@dataclasses.dataclass
class _PrintOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Change how tensors print (``torch.set_printoptions``).

    ``profile`` is ``"default"``, ``"short"`` or ``"full"``; the other
    arguments then override it. ``sci_mode=None`` (the default, reset on every
    call, as in PyTorch) lets each tensor choose scientific notation itself.

    >>> import learntorch as torch
    >>> torch.set_printoptions(precision=2)
    >>> torch.tensor([1.12345])
    tensor([1.12])
    >>> torch.set_printoptions(threshold=5)
    >>> torch.arange(10)
    tensor([0, 1, 2,  ..., 7, 8, 9])
    >>> torch.set_printoptions(profile="default")
    >>> torch.tensor([1.12345])
    tensor([1.1235])
    """
    if profile is not None:
        for key, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, key, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """The current print options as a dict that ``set_printoptions(**d)`` accepts.

    >>> import learntorch as torch
    >>> torch.get_printoptions()["precision"]
    4
    """
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Temporarily change the print options inside a ``with`` block.

    >>> import learntorch as torch
    >>> with torch.printoptions(precision=1):
    ...     print(torch.tensor([0.123]))
    tensor([0.1])
    """
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---------------------------------------------------------------------- one element


class _Formatter:
    """Decides, once per tensor, how every element of it is written."""

    def __init__(self, arr: np.ndarray) -> None:
        self.floating = arr.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = arr.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        mags = np.abs(vals).astype(np.float64)
        lo, hi = float(mags.min()), float(mags.max())  # Python floats: overflow is inf, silently
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = bool(hi > 1000.0 * lo or hi > 1.0e8 or lo < 1.0e-4)
        else:
            self.sci_mode = PRINT_OPTS.sci_mode
        prec = PRINT_OPTS.precision
        values = vals.tolist()
        if self.sci_mode:
            widths = (len(f"{v:.{prec}e}") for v in values)
        elif self.int_mode:
            widths = (len(f"{v:.0f}") + 1 for v in values)  # +1 for the trailing "."
        else:
            widths = (len(f"{v:.{prec}f}") for v in values)
        self.max_width = max(self.max_width, max(widths))

    def format(self, value: Any) -> str:
        if self.floating:
            prec = PRINT_OPTS.precision
            if self.sci_mode:
                s = f"{value:{self.max_width}.{prec}e}"
            elif self.int_mode:
                s = f"{value:.0f}"
                if math.isfinite(value):
                    s += "."
            else:
                s = f"{value:.{prec}f}"
        else:
            s = f"{value}"
        return s.rjust(self.max_width)


# ---------------------------------------------------------------------- the body


def _summarized(arr: np.ndarray) -> np.ndarray:
    """Only the elements a summarised print shows (what the formatter should see)."""
    e = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if arr.ndim == 1:
        if arr.shape[0] > 2 * e:
            return np.concatenate((arr[:e], arr[-e:]))  # NB: arr[-0:] is all of arr, as in torch
        return arr
    if not e:
        return np.empty((0,) * arr.ndim, dtype=arr.dtype)
    rows = (
        list(range(e)) + list(range(arr.shape[0] - e, arr.shape[0]))
        if arr.shape[0] > 2 * e
        else range(arr.shape[0])
    )
    return np.stack([_summarized(arr[i]) for i in rows])


def _vector_str(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    e = PRINT_OPTS.edgeitems
    element_length = fmt.max_width + 2
    per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))
    if summarize and not e:
        items = ["..."]
    elif summarize and arr.shape[0] > 2 * e:
        items = (
            [fmt.format(v) for v in arr[:e].tolist()] + [" ..."] + [fmt.format(v) for v in arr[-e:].tolist()]
        )
    else:
        items = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _body(arr: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector_str(arr, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * e:
        parts = [_body(arr[i], indent + 1, summarize, fmt) for i in range(e)]
        parts.append("...")
        parts += [_body(arr[i], indent + 1, summarize, fmt) for i in range(n - e, n)]
    else:
        parts = [_body(arr[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def array_str(arr: np.ndarray, indent: int) -> str:
    """The bracketed body of a tensor's print, e.g. ``[1., 2.]`` (no prefix or suffixes)."""
    if arr.size == 0:
        return "[]"
    summarize = arr.size > PRINT_OPTS.threshold
    fmt = _Formatter(_summarized(arr) if summarize else arr)
    return _body(arr, indent, summarize, fmt)


def _add_suffixes(text: str, suffixes: list[str], indent: int) -> str:
    out = [text]
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            out.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            out.append(", " + suffix)
            last_line_len += len(suffix) + 2
    out.append(")")
    return "".join(out)


def tensor_repr(t: Any) -> str:
    """``repr(t)``: ``tensor(...)`` with PyTorch's suffixes."""
    cls = type(t)
    plain = cls.__name__ in ("Tensor", "Parameter") and cls.__module__.startswith("learntorch")
    prefix = "tensor(" if plain else f"{cls.__name__}("
    indent = len(prefix)
    arr = backend.to_numpy(t._data)
    dev = t.device
    suffixes = []
    if dev.type != "cpu" or (dev.index not in (None, 0)):
        suffixes.append(f"device='{dev}'")
    dt = t.dtype
    default = dtypes.get_default_dtype()
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append(f"size={tuple(arr.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(arr.shape)}")
        if dt not in (default, dtypes.int64, dtypes.bool):
            suffixes.append(f"dtype={dt}")
        body = array_str(arr, indent)
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t.grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)

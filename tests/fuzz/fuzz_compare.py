"""How one torch result is compared with one learntorch result, and how differences are named.

Every difference gets a category (the report counts programs by category):

- ``exc-class``: both raise, different exception classes (mapped to the nearest builtin class,
  so torch's ``_LinAlgError`` counts as ``RuntimeError``).
- ``accepts``: torch raises, learntorch returns a value.  ``raises``: the reverse;
  ``missing-api`` when learntorch's error is an ``AttributeError`` about a missing name.
- ``dtype``, ``shape``, ``contiguous``, ``requires_grad``, ``grad_fn`` (the node's class name).
- ``stride``; ``stride-size1`` when strides differ only on dimensions of size 1 (which never
  change what ``view`` accepts) and ``stride-empty`` on tensors with no elements.
- ``nonfinite``: the NaN / +inf / -inf pattern differs (always exact).
- ``value``: finite values differ by more than the float tolerance below.
- ``sum-order``: a 0-d result beyond that tolerance but within 1e-5 (float32) / 1e-12 (float64)
  relative: a reduction whose terms cancel, summed in another order (reported, kept apart).
- ``print``: values are bit-identical but ``repr`` differs (``-0.`` vs ``0.``, grad_fn names).
- ``warning``: learntorch emits a warning category torch does not (NumPy's RuntimeWarning).
- ``grad``, ``grad-none``: the leaves' gradients after the final backward.

Float tolerance: a difference of at most ``ULPS`` units in the last place, or at most ``ULPS``
machine epsilons of the tensor's largest magnitude (an element that came out small by cancellation
inside a sum or product of large terms carries the rounding of those terms, not its own). Such last-bit differences are a
known class: float32 sums in a different order (torch's pairwise/vectorised reductions) and
vectorised libm ``exp``/``erf``/``tanh`` differ from NumPy's in the last bit. They are counted
(``last-bit``), never failed.
"""

from __future__ import annotations

import builtins

import numpy as np

ULPS = 8
GRAD_ULPS = 64
LOOSE = 1e-5  # relative and absolute, after an earlier last-bit difference; see Pair.compare_all


def exc_class(e: BaseException) -> str:
    """The nearest builtin exception class: what a student's ``except`` clause would see."""
    for cls in type(e).__mro__:
        if getattr(builtins, cls.__name__, None) is cls:
            return cls.__name__
    return type(e).__name__


def compare_errors(te: BaseException | None, le: BaseException | None) -> list[tuple[str, str]]:
    if te is None and le is None:
        return []
    if te is not None and le is not None:
        if exc_class(te) != exc_class(le):
            return [("exc-class", f"torch {exc_class(te)}: {te} | learntorch {exc_class(le)}: {le}")]
        return []
    if le is None:
        return [("accepts", f"torch {exc_class(te)}: {str(te)[:200]}")]
    if isinstance(le, AttributeError) and "has no attribute" in str(le):
        return [("missing-api", str(le))]
    return [("raises", f"learntorch {exc_class(le)}: {str(le)[:300]}")]


def _arrays(tt, lt) -> tuple[np.ndarray, np.ndarray]:
    a = tt.detach().numpy()
    b = np.asarray(lt.detach().numpy())
    return a, b


def compare_values(a: np.ndarray, b: np.ndarray, ulps: int, loose: bool = False) -> tuple[str | None, bool]:
    """(category or None, bit_identical) for two same-shape same-dtype arrays."""
    a = np.ascontiguousarray(a)
    b = np.ascontiguousarray(b)
    if a.tobytes() == b.tobytes():
        return None, True
    if a.dtype.kind != "f":
        return "value", False
    for pred in (np.isnan, np.isposinf, np.isneginf):
        if not np.array_equal(pred(a), pred(b)):
            return "nonfinite", False
    fin = np.isfinite(a)
    x, y = a[fin].astype(np.float64), b[fin].astype(np.float64)
    diff = np.abs(x - y)
    eps = float(np.finfo(a.dtype).eps)
    with np.errstate(all="ignore"):  # spacing of float32's largest values overflows to inf: fine
        spacing = np.spacing(np.maximum(np.abs(a[fin]), np.abs(b[fin]))).astype(np.float64)
    scale = max(float(np.abs(x).max()), 1.0) if x.size else 1.0
    ok = (diff <= ulps * spacing) | (diff <= ulps * eps * scale)
    if loose:
        ok |= diff <= LOOSE * (1 + np.maximum(np.abs(x), np.abs(y)))
    return (None if ok.all() else "value"), False


def strides_category(shape: tuple[int, ...], ts: tuple[int, ...], ls: tuple[int, ...]) -> str | None:
    if ts == ls:
        return None
    if 0 in shape:
        return "stride-empty"
    if len(ts) == len(ls) and all(s == 1 or p == q for s, p, q in zip(shape, ts, ls)):
        return "stride-size1"
    return "stride"


def _close(x: float, y: float, dtype: np.dtype) -> bool:
    """A scalar within 1e-5 (float32) / 1e-12 (float64) relative: what a cancelling sum's order
    can move (the exact bound needs the terms, which the comparison does not see)."""
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    return abs(x - y) <= rtol * max(abs(x), abs(y))


def _node_name(t) -> str | None:
    """``type(t.grad_fn).__name__``; reading grad_fn itself can raise (a multi-output view
    modified in place), and then the exception class is what is compared."""
    try:
        fn = t.grad_fn
    except Exception as e:
        return f"<raises {exc_class(e)}>"
    return None if fn is None else type(fn).__name__


def compare_tensor(tt, lt, stats: dict, ulps: int = ULPS, loose: bool = False) -> list[tuple[str, str]]:
    """All differences between a torch tensor and a learntorch one (empty list: faithful)."""
    if type(lt).__name__ != "Tensor":
        return [("type", f"learntorch returned {type(lt).__name__}")]
    out: list[tuple[str, str]] = []
    shape = tuple(tt.shape)
    if str(tt.dtype) != str(lt.dtype):
        out.append(("dtype", f"torch {tt.dtype} learntorch {lt.dtype}"))
    if shape != tuple(lt.shape):
        return [*out, ("shape", f"torch {shape} learntorch {tuple(lt.shape)}")]
    cat = strides_category(shape, tuple(tt.stride()), tuple(lt.stride()))
    if cat:
        out.append((cat, f"shape {shape}: torch {tt.stride()} learntorch {lt.stride()}"))
    if tt.is_contiguous() != lt.is_contiguous():
        out.append(("contiguous", f"torch {tt.is_contiguous()} learntorch {lt.is_contiguous()}"))
    if tt.requires_grad != lt.requires_grad:
        out.append(("requires_grad", f"torch {tt.requires_grad} learntorch {lt.requires_grad}"))
    tname, lname = _node_name(tt), _node_name(lt)
    if tname != lname:
        out.append(("grad_fn", f"torch {tname} learntorch {lname}"))
    if out and out[0][0] == "dtype":
        return out
    a, b = _arrays(tt, lt)
    cat, same = compare_values(a, b, ulps, loose)
    if cat == "value" and a.ndim == 0 and _close(float(a), float(b), a.dtype):
        cat = "sum-order"
    if cat:
        out.append((cat, f"torch {a!r} learntorch {b!r}"))
    elif not same:
        stats["last-bit"] = stats.get("last-bit", 0) + 1
    else:
        stats["bit-identical"] = stats.get("bit-identical", 0) + 1
        if not out and not (tname or "").startswith("<raises"):
            tr, lr = repr(tt), repr(lt)
            if tr != lr:
                out.append(("print", f"torch {tr} | learntorch {lr}"))
    return out


def compare_warnings(tw: list[str], lw: list[str]) -> list[tuple[str, str]]:
    extra = sorted(set(lw) - set(tw))
    return [("warning", f"learntorch warns {extra}")] if extra else []

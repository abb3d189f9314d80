"""Self-checking exercises for the course notebooks.

A chapter ends with small exercises; each has a cell where the student writes an
answer and a ``check(...)`` call that says whether it is right, and if not, what
to look at. Teachers building their own chapters use the same helper.

>>> check("broadcast shape", (2, 3) == (2, 3), hint="compare trailing dimensions")
✔ broadcast shape: correct
>>> check("wrong on purpose", 1 == 2, hint="1 is not 2")
Traceback (most recent call last):
...
AssertionError: ✘ wrong on purpose: not yet. hint: 1 is not 2
"""

from __future__ import annotations

from typing import Any

__all__ = ["check", "check_close"]


def check(name: str, condition: Any, hint: str = "") -> None:
    """Print a tick when ``condition`` holds; otherwise raise AssertionError with ``hint``."""
    if bool(condition):
        print(f"✔ {name}: correct")
        return
    raise AssertionError(f"✘ {name}: not yet. hint: {hint}" if hint else f"✘ {name}: not yet.")


def check_close(name: str, got: Any, expected: Any, tol: float = 1e-4, hint: str = "") -> None:
    """``check`` that two numbers, tensors or arrays agree within ``tol``.

    >>> import learntorch as torch
    >>> check_close("sum", torch.tensor([1.0, 2.0]).sum(), 3.0)
    ✔ sum: correct
    """
    import numpy as np  # noqa: PLC0415

    g = np.asarray(got.detach().numpy() if hasattr(got, "detach") else got, dtype=float)
    e = np.asarray(expected.detach().numpy() if hasattr(expected, "detach") else expected, dtype=float)
    same_shape = g.shape == e.shape or g.size == e.size == 1
    ok = same_shape and bool(
        np.allclose(g.reshape(e.shape) if g.size == e.size else g, e, atol=tol, rtol=tol)
    )
    detail = f" (got {g.tolist()}, expected {e.tolist()})"
    check(name, ok, (hint + detail) if hint else detail.strip(" ()"))

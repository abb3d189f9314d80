"""Self-checking exercises: ``check`` and ``check_close``.

An exercise cell in a chapter holds a blank, written ``...`` (Python's Ellipsis),
and the cell after it calls a check on the student's answer. A check never raises,
so "Run All" keeps going past an unsolved exercise; it prints one line that says
what is wrong and returns a ``Verdict`` (true when the answer is right), which a
notebook does not echo when the check is the last line of a cell.

>>> ok = check("broadcast shape", (2, 3), lambda a: a == (2, 3), hint="compare trailing dimensions")
✔ broadcast shape: correct
>>> bool(ok)
True
>>> check("broadcast shape", ..., lambda a: a == (2, 3))
✎ broadcast shape: not yet. Replace the ... in the cell above with your answer, then run both cells.
<Verdict: not yet>
>>> _ = check("wrong on purpose", 1, lambda a: a == 2, hint="1 is not 2")
✘ wrong on purpose: not yet. hint: 1 is not 2

Teachers building their own chapters use the same helpers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["check", "check_close", "is_blank", "Verdict"]

_BLANK = "Replace the ... in the cell above with your answer, then run both cells."


class Verdict:
    """The outcome of a check: true when the answer is right. Shows nothing when a cell ends with it."""

    __slots__ = ("ok",)

    def __init__(self, ok: bool) -> None:
        self.ok = bool(ok)

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        return "<Verdict: correct>" if self.ok else "<Verdict: not yet>"

    def _ipython_display_(self) -> None:
        """The check already printed its line; a notebook shows nothing more."""


def is_blank(answer: Any) -> bool:
    """True when ``answer`` is (or still contains) the ``...`` blank of an exercise.

    A function or class whose code still holds a ``...`` counts as blank too.

    >>> is_blank(...), is_blank((1, ...)), is_blank({"lr": ...}), is_blank(0.1)
    (True, True, True, False)
    >>> def forward(x):
    ...     return ...
    >>> is_blank(forward), is_blank(abs)
    (True, False)
    """
    if answer is Ellipsis:
        return True
    code = getattr(answer, "__code__", None)
    if code is not None:
        return Ellipsis in code.co_consts
    if isinstance(answer, type):
        return any(is_blank(v) for v in vars(answer).values() if callable(v))
    if isinstance(answer, (tuple, list)):
        return any(is_blank(a) for a in answer)
    if isinstance(answer, dict):
        return any(is_blank(a) for a in answer.values())
    return False


def _report(name: str, ok: bool, hint: str) -> Verdict:
    if ok:
        print(f"✔ {name}: correct")
    else:
        print(f"✘ {name}: not yet. hint: {hint}" if hint else f"✘ {name}: not yet.")
    return Verdict(ok)


def check(name: str, answer: Any, test: Callable[[Any], Any] | None = None, hint: str = "") -> Verdict:
    """Print whether ``answer`` passes ``test`` (a function of the answer); return the verdict.

    With no ``test``, ``answer`` itself is the condition. A blank answer (``...``) says
    "not yet" and asks for the blank to be filled; an answer whose test raises reports
    the error instead of stopping the notebook.
    """
    if is_blank(answer):
        print(f"✎ {name}: not yet. {_BLANK}")
        return Verdict(False)
    try:
        ok = bool(test(answer)) if test is not None else bool(answer)
    except Exception as err:  # noqa: BLE001 - a student's answer may raise anything
        if "ellipsis" in str(err).lower():
            print(f"✎ {name}: not yet. A ... is still left in your code: replace it, then run both cells.")
        else:
            print(f"✘ {name}: not yet. Checking your answer raised {type(err).__name__}: {err}")
        return Verdict(False)
    return _report(name, ok, hint)


def _as_array(x: Any) -> Any:
    import numpy as np  # noqa: PLC0415 - keeps `import learntorch` light

    if hasattr(x, "detach"):
        x = x.detach()
        x = x.cpu() if hasattr(x, "cpu") else x
        x = x.numpy()
    return np.asarray(x, dtype=float)


def check_close(name: str, answer: Any, expected: Any, tol: float = 1e-4, hint: str = "") -> Verdict:
    """``check`` that a number, tensor or array equals ``expected`` within ``tol``.

    The message says what differs: the shape first, then the largest difference.

    >>> import learntorch as torch
    >>> _ = check_close("sum", torch.tensor([1.0, 2.0]).sum(), 3.0)
    ✔ sum: correct
    >>> _ = check_close("ones", torch.ones(2), torch.ones(3))
    ✘ ones: not yet. hint: your answer has shape (2,), expected (3,)
    """
    if is_blank(answer):
        print(f"✎ {name}: not yet. {_BLANK}")
        return Verdict(False)
    import numpy as np  # noqa: PLC0415

    try:
        got = _as_array(answer)
    except Exception as err:  # noqa: BLE001
        print(f"✘ {name}: not yet. Your answer is not a number or tensor ({type(err).__name__}: {err})")
        return Verdict(False)
    want = _as_array(expected)
    if got.shape != want.shape and not (got.size == want.size == 1):
        detail = f"your answer has shape {got.shape}, expected {want.shape}"
        return _report(name, False, f"{hint} ({detail})" if hint else detail)
    got = got.reshape(want.shape)
    if np.allclose(got, want, atol=tol, rtol=tol, equal_nan=True):
        return _report(name, True, hint)
    diff = float(np.nanmax(np.abs(got - want))) if got.size else 0.0
    detail = (
        f"largest difference {diff:.4g}; got {got.tolist()}"
        if got.size <= 8
        else f"largest difference {diff:.4g}"
    )
    return _report(name, False, f"{hint} ({detail})" if hint else detail)

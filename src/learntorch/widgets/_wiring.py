"""Small helpers the optimizer, stepper, layer and attention explorers share.

* :func:`bind` connects a control to one state attribute: a change calls
  ``explorer.update(name=value)``; a value that cannot be converted (a typo in a
  text box) is shown as an error inside the explorer, never raised.
* :func:`quietly` lets an explorer move its own controls (a slider's range after a
  new landscape) without those changes calling ``update`` again.
* :func:`parse_kwargs` reads ``"lr=0.1, betas=(0.9, 0.99)"`` as keyword arguments,
  with Python's literal syntax, so a student types an optimiser's real arguments.
* :func:`fmt` writes a tensor's values short enough for a label.

>>> parse_kwargs("lr=0.1, betas=(0.9, 0.99), nesterov=True")
{'lr': 0.1, 'betas': (0.9, 0.99), 'nesterov': True}
>>> parse_kwargs("")
{}
>>> fmt(np.array(6.0)), fmt(np.array([1.0, -2.5])), fmt(np.zeros((3, 4)))
('6', '[1, -2.5]', '[3×4] mean 0 |max| 0')
"""

from __future__ import annotations

import ast
import contextlib
from typing import Any, Callable, Iterator

import numpy as np

__all__ = ["bind", "quietly", "parse_kwargs", "fmt", "figure"]


def parse_kwargs(text: str) -> dict[str, Any]:
    """Keyword arguments from text such as ``"lr=0.1, momentum=0.9"`` (Python literals only)."""
    text = text.strip()
    if not text:
        return {}
    try:
        call = ast.parse(f"f({text})", mode="eval").body
        if not isinstance(call, ast.Call) or call.args:
            raise SyntaxError("positional argument")
        return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords if kw.arg is not None}
    except (SyntaxError, ValueError) as err:
        raise ValueError(
            f"cannot read the arguments {text!r} ({err.__class__.__name__})\n"
            "hint: write them as in Python, name=value separated by commas, e.g. lr=0.1, momentum=0.9"
        ) from None


@contextlib.contextmanager
def quietly(explorer: Any) -> Iterator[None]:
    """Inside this block, control changes do not call ``explorer.update``."""
    old = getattr(explorer, "_quiet", False)
    explorer._quiet = True
    try:
        yield
    finally:
        explorer._quiet = old


def bind(explorer: Any, control: Any, name: str, convert: Callable[[Any], Any] | None = None) -> Any:
    """Make ``control`` set ``explorer.<name>`` (through ``convert``) and redraw; returns the control."""

    def changed(change: dict) -> None:
        if getattr(explorer, "_quiet", False):
            return
        try:
            value = change["new"] if convert is None else convert(change["new"])
        except Exception as err:  # noqa: BLE001 - a bad typed value is shown in the widget
            explorer.error = f"{type(err).__name__}: {err}"
            explorer._show_message()
            return
        explorer.update(**{name: value})

    control.observe(changed, names="value")
    return control


def fmt(a: Any, digits: int = 4) -> str:
    """A tensor's (or array's) values in a few characters: all of them when few, else a summary."""
    if a is None:
        return "None"
    a = np.asarray(getattr(a, "_data", a))
    if a.size <= 6:
        flat = [f"{float(v):.{digits}g}" for v in a.reshape(-1)]
        return flat[0] if a.ndim == 0 else "[" + ", ".join(flat) + "]"
    shape = "×".join(str(s) for s in a.shape)
    with np.errstate(all="ignore"):
        return f"[{shape}] mean {float(a.mean()):.3g} |max| {float(np.abs(a).max()):.3g}"


def figure(width: float, height: float) -> Any:
    """A matplotlib Figure outside pyplot (no global state; the explorer keeps and reuses it)."""
    from matplotlib.figure import Figure  # noqa: PLC0415

    return Figure(figsize=(width, height), dpi=80)

"""BroadcastExplorer: two shapes aligned from the right, stretched dimensions, result or error.

The result (and its shape) is ``a + b`` computed by the engine on tensors of those
shapes; which dimensions are stretched is read from the engine too: after
``a.expand(result.shape)`` a stretched (or added) dimension has stride 0. When the
shapes cannot broadcast the error is torch's, with its hint, and the picture marks the
pair of sizes that clash.

>>> from learntorch.widgets import BroadcastExplorer
>>> ex = BroadcastExplorer((3, 1), (4,))
>>> ex.result_shape, ex.stretched
((3, 4), {'a': [1], 'b': [0]})
>>> ex.update(shape_a=(2, 3), shape_b=(2,))
>>> print(ex.error.splitlines()[0])
RuntimeError: The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 1
>>> ex.clash
1
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from ._base import Explorer
from ._canvas import GREEN, GREY, RED, Canvas

__all__ = ["BroadcastExplorer", "parse_shape", "PRESETS"]

ORANGE = (240, 140, 46)
PRESETS = {
    "[2, 3] and [3]": ((2, 3), (3,)),
    "[3] and [1] (note 002: a + b)": ((3,), (1,)),
    "[3, 1] and [4]": ((3, 1), (4,)),
    "[4, 3] and [4, 1]": ((4, 3), (4, 1)),
    "[2, 1, 3] and [4, 1]": ((2, 1, 3), (4, 1)),
    "[8, 1, 6, 1] and [7, 1, 5]": ((8, 1, 6, 1), (7, 1, 5)),
    "[2, 3] and [2] (fails)": ((2, 3), (2,)),
}


def parse_shape(text: str) -> tuple[int, ...]:
    """``"2, 3"``, ``"(2, 3)"``, ``"[2 3]"`` or ``"torch.Size([2, 3])"`` → ``(2, 3)``; ``""`` is a scalar.

    >>> parse_shape("(8, 1, 6)"), parse_shape("[]"), parse_shape("torch.Size([2, 3])")
    ((8, 1, 6), (), (2, 3))
    """
    body = re.sub(r"^\s*(torch\.)?Size\(|\)\s*$", "", text.strip())
    nums = [p for p in re.split(r"[\s,()\[\]]+", body) if p]
    try:
        shape = tuple(int(p) for p in nums)
    except ValueError:
        raise ValueError(
            f"cannot read a shape from {text!r}\nhint: type sizes separated by commas, e.g. 2, 3, 1"
        ) from None
    if any(s < 0 for s in shape):
        raise ValueError(f"negative size in {shape}\nhint: sizes are 0 or more")
    return shape


def _shape_of(obj: Any) -> tuple[int, ...]:
    if isinstance(obj, str):
        return parse_shape(obj)
    if hasattr(obj, "shape"):
        return tuple(int(s) for s in obj.shape)
    return tuple(int(s) for s in obj)


class BroadcastExplorer(Explorer):
    """Broadcast explorer on two shapes, or on two tensors (their shapes and values).

    State: ``shape_a``, ``shape_b``. Results: ``result_shape`` (None on error),
    ``stretched`` (per operand, the result dims it is stretched or padded along),
    ``clash`` (the result dim that cannot broadcast, counted from the left of the longer
    shape, else None), ``result`` (values of ``a + b``).
    """

    title = "BroadcastExplorer"
    draw_on_error = True

    def __init__(self, a: Any = (3, 1), b: Any = (4,)) -> None:
        self._values = {
            n: (t.detach().numpy() if hasattr(t, "detach") else None) for n, t in (("a", a), ("b", b))
        }
        self.shape_a, self.shape_b = _shape_of(a), _shape_of(b)
        self.result_shape: tuple[int, ...] | None = None
        self.stretched: dict[str, list[int]] = {"a": [], "b": []}
        self.clash: int | None = None
        self.result = self.a = self.b = np.zeros(0)
        self.strides: dict[str, tuple[int, ...]] = {}
        self._controls: dict[str, Any] = {}
        super().__init__()

    # -- computation -------------------------------------------------------------------
    def _operand(self, name: str, shape: tuple[int, ...], scale: float) -> Any:
        from .. import arange, tensor  # noqa: PLC0415

        given = self._values[name]
        if given is not None and tuple(given.shape) == shape:
            return tensor(given)
        return arange(math.prod(shape)).float().reshape(shape) * scale

    def compute(self) -> None:
        self.result_shape, self.clash, self.stretched, self.strides = None, None, {"a": [], "b": []}, {}
        a = self._operand("a", self.shape_a, 1.0)
        b = self._operand("b", self.shape_b, 10.0)
        self.a, self.b = a.numpy(), b.numpy()
        n = max(len(self.shape_a), len(self.shape_b))
        try:
            out = a + b
        except RuntimeError:
            pa = (1,) * (n - len(self.shape_a)) + self.shape_a
            pb = (1,) * (n - len(self.shape_b)) + self.shape_b
            self.clash = next(i for i in range(n - 1, -1, -1) if pa[i] != pb[i] and 1 not in (pa[i], pb[i]))
            raise
        self.result, self.result_shape = out.numpy(), tuple(out.shape)
        for name, t in (("a", a), ("b", b)):
            st = tuple(t.expand(self.result_shape).stride())
            self.strides[name] = st
            self.stretched[name] = [i for i, s in enumerate(st) if s == 0 and self.result_shape[i] != 1]

    # -- picture -----------------------------------------------------------------------
    def render(self) -> bytes:
        n = max(len(self.shape_a), len(self.shape_b), 1)
        box, x0 = 62, 150
        grids = (
            self.result_shape is not None and len(self.result_shape) >= 1 and max(self.result_shape[-2:]) <= 8
        )
        height = 214
        if grids:
            r = self.result_shape[-2] if len(self.result_shape) > 1 else 1
            height += 50 + round(r * min(30, 150 / max(self.result_shape[-2:])))
        cv = Canvas(max(860, x0 + n * (box + 8) + 260), height)
        cv.text(10, 6, "aligned from the right; each pair must be equal or contain a 1", 12, bold=True)
        rows = (("a", self.shape_a), ("b", self.shape_b), ("a + b", self.result_shape))
        for r, (name, shape) in enumerate(rows):
            y = 34 + r * 56
            cv.text(10, y + 18, name, 14, bold=True)
            if shape is None:
                cv.text(x0, y + 18, "error: cannot broadcast (see below)", 13, RED)
                continue
            cv.text(60, y + 22, f"{list(shape)}", 11, (90, 90, 90))
            for i in range(n):
                k = i - (n - len(shape))
                x = x0 + i * (box + 8)
                if k < 0:  # a dimension this operand lacks: treated as size 1
                    cv.rect((x, y, x + box, y + 40), outline=GREY, width=2)
                    cv.text(x + box / 2, y + 20, "(1)", 14, (160, 160, 160), anchor="mm")
                    more = (
                        f" → {self.result_shape[i]}"
                        if self.result_shape and self.result_shape[i] != 1
                        else ""
                    )
                    cv.text(x + box / 2, y + 48, "added" + more, 10, ORANGE, anchor="mm")
                    continue
                color, label = GREEN, ""
                if r < 2 and i in self.stretched["ab"[r]]:
                    color, label = ORANGE, f"1 → {self.result_shape[i]}"
                if self.clash == i:
                    color, label = RED, "clash"
                cv.rect((x, y, x + box, y + 40), fill=(*color, 50), outline=color, width=2)
                cv.text(x + box / 2, y + 20, str(shape[k]), 15, anchor="mm", bold=True)
                if label:
                    cv.text(x + box / 2, y + 48, label, 10, color, anchor="mm")
        tx = x0 + n * (box + 8) + 20
        lines = ["green: sizes equal", "orange: a 1 stretched to match,", "  or a missing dim added",
                 "red: sizes differ and neither is 1"]  # fmt: skip
        if self.strides:
            lines += ["", "after expand(result shape):", f"a.stride() {self.strides['a']}",
                      f"b.stride() {self.strides['b']}", "stride 0 = stretched, no copy"]  # fmt: skip
        cv.lines(tx, 34, lines, 11)
        if grids:
            self._draw_grids(cv, 214)
        return cv.png()

    def _draw_grids(self, cv: Canvas, y: int) -> None:
        """The last two dims of a and b stretched to the result, and a + b (first index elsewhere)."""
        shape = self.result_shape
        lead = (0,) * max(len(shape) - 2, 0)
        cv.text(10, y, "values: a = arange, b = 10·arange; stretched copies are faded"
                + (f" (showing index {list(lead)} of the leading dims)" if lead else ""), 12, bold=True)  # fmt: skip
        cell = float(min(30, 150 / max(shape[-2:] if len(shape) > 1 else (shape[0], 1))))
        x = 10.0
        for name, vals in (("a", self.a), ("b", self.b), ("a + b", self.result)):
            if name == "a + b":
                shown, faded = vals[lead] if lead else vals, None
            else:
                full = np.broadcast_to(vals, shape)
                shown = full[lead] if lead else full
                strd = self.strides[name][-2:] if len(shape) > 1 else self.strides[name]
                idx = np.indices(np.atleast_2d(shown).shape)
                faded = np.zeros(np.atleast_2d(shown).shape, dtype=bool)
                for d, s in enumerate(strd[-2:] if len(shape) > 1 else (1, strd[0])):
                    if s == 0:
                        faded |= idx[d] > 0
            shown2 = np.atleast_2d(shown)
            g = cv.grid(
                x, y + 22, shown2, cell=cell, title=name, cmap="Purples" if name == "a + b" else "Blues"
            )
            if faded is not None and faded.any():
                for r, c in zip(*np.nonzero(faded)):
                    cv.rect(g.box(int(r), int(c)), fill=(255, 255, 255, 150))
            x += shown2.shape[1] * cell + 40

    def summary(self) -> str:
        res = list(self.result_shape) if self.result_shape is not None else "error"
        return f"BroadcastExplorer: {list(self.shape_a)} and {list(self.shape_b)} -> {res}"

    # -- controls ----------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        style = {"description_width": "60px"}
        ta = self.bind(w.Text(value=", ".join(map(str, self.shape_a)), description="shape a", continuous_update=False,
                              style=style, layout=w.Layout(width="220px")), "shape_a", parse_shape)  # fmt: skip
        tb = self.bind(w.Text(value=", ".join(map(str, self.shape_b)), description="shape b", continuous_update=False,
                              style=style, layout=w.Layout(width="220px")), "shape_b", parse_shape)  # fmt: skip
        preset = w.Dropdown(options=["(presets)", *PRESETS], value="(presets)", description="try",
                            style={"description_width": "30px"}, layout=w.Layout(width="300px"))  # fmt: skip
        preset.observe(self._preset, names="value")
        self._controls = {"shape_a": ta, "shape_b": tb}
        return [w.HBox([ta, tb, preset])]

    def _preset(self, change: Any) -> None:
        if self._syncing or change["new"] not in PRESETS:
            return
        a, b = PRESETS[change["new"]]
        self.update(shape_a=a, shape_b=b)

    def sync_controls(self) -> None:
        for name, ctl in self._controls.items():
            ctl.value = ", ".join(map(str, getattr(self, name)))

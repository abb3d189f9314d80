"""PoolExplorer: max/avg pooling, ``ceil_mode``, which cells feed an output, where gradients go.

The output is ``F.max_pool2d`` / ``F.avg_pool2d`` on the input; where the gradient goes
is ``x.grad`` after a real backward (of the whole output, and of the highlighted output
cell alone). The default input is note 003's 5x5 example with ``MaxPool2d(3, ceil_mode=True)``.

>>> from learntorch.widgets import PoolExplorer
>>> ex = PoolExplorer()
>>> ex.output.tolist()
[[2.0, 3.0], [5.0, 1.0]]
>>> ex.update(ceil_mode=False)
>>> ex.output.tolist(), ex.formula[1]
([[2.0]], 'H_out = ⌊(5 + 2·0 − 1·(3 − 1) − 1) / 3⌋ + 1 = 1')
>>> ex.update(padding=2)
>>> print(ex.error.splitlines()[0])
RuntimeError: pad should be at most half of effective kernel size, but got pad=2, kernel_size=3 and dilation=1
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._base import Explorer
from ._canvas import BLUE, GREEN, RED, Canvas, fmt

__all__ = ["PoolExplorer", "NOTE_003"]

#: note 003's input for ``nn.MaxPool2d(kernel_size=3, ceil_mode=True)``
NOTE_003 = [[1, 2, 0, 3, 1], [0, 1, 2, 3, 1], [1, 2, 1, 0, 0], [5, 2, 3, 1, 1], [2, 1, 0, 1, 1]]


class PoolExplorer(Explorer):
    """Pooling explorer on the student's ``layer`` (``nn.MaxPool2d``/``nn.AvgPool2d``) and ``input``.

    State: ``mode`` ("max"/"avg"), ``kernel_size``, ``stride`` (None: the kernel size),
    ``padding``, ``dilation`` (max only), ``ceil_mode``, ``count_include_pad`` (avg only),
    ``size`` (a random input of that size replaces the given one when changed), ``step``
    (which output cell). Results: ``output``, ``formula``, ``window`` (input cells of the
    highlighted output), ``grad`` (``x.grad`` after ``y.sum().backward()``), ``cell_grad``
    (after backward of the highlighted cell alone).
    """

    title = "PoolExplorer"
    draw_on_error = True

    def __init__(
        self,
        layer: Any = None,
        input: Any = None,
        *,
        mode: str = "max",
        kernel_size: int = 3,
        stride: int | None = None,
        padding: int = 0,
        dilation: int = 1,
        ceil_mode: bool = True,
        count_include_pad: bool = True,
    ) -> None:
        if layer is not None:
            from ..nn import AvgPool2d  # noqa: PLC0415

            def first(v: Any) -> Any:
                return v[0] if isinstance(v, (tuple, list)) else v

            mode = "avg" if isinstance(layer, AvgPool2d) else "max"
            kernel_size, stride, padding = first(layer.kernel_size), first(layer.stride), first(layer.padding)
            dilation = first(getattr(layer, "dilation", 1))
            ceil_mode = layer.ceil_mode
            count_include_pad = getattr(layer, "count_include_pad", True)
        if input is None:
            arr = np.array(NOTE_003, dtype=np.float32)
        else:
            arr = np.asarray(input.detach().numpy() if hasattr(input, "detach") else input, dtype=np.float32)
            arr = arr.reshape(arr.shape[-2:]) if arr.size == arr.shape[-1] * arr.shape[-2] else arr.reshape(
                -1, *arr.shape[-2:])[0]  # fmt: skip
        self._given = arr
        self.mode, self.kernel_size, self.stride, self.padding = mode, kernel_size, stride, padding
        self.dilation, self.ceil_mode, self.count_include_pad = dilation, ceil_mode, count_include_pad
        self.size, self.step = arr.shape[0], 0
        self.input = arr
        self.output = self.grad = self.cell_grad = np.zeros((0, 0))
        self.formula: list[str] = []
        self.window: list[tuple[int, int]] = []
        self.cell: tuple[int, int] = (0, 0)
        self.value: float | None = None
        self._controls: dict[str, Any] = {}
        super().__init__()

    def note_003(self) -> None:
        """Note 003's example: the 5x5 input under ``MaxPool2d(kernel_size=3, ceil_mode=True)``."""
        self._given = np.array(NOTE_003, dtype=np.float32)
        self.update(
            mode="max", kernel_size=3, stride=None, padding=0, dilation=1, ceil_mode=True, size=5, step=0
        )

    # -- computation -------------------------------------------------------------------
    def _stride(self) -> int:
        return self.stride if self.stride else self.kernel_size

    def _formula(self, h: int) -> list[str]:
        k, s, p = self.kernel_size, self._stride(), self.padding
        d = self.dilation if self.mode == "max" else 1
        num = h + 2 * p - d * (k - 1) - 1
        if self.ceil_mode:
            out = -(-num // s) + 1
            lines = ["H_out = ⌈(H + 2·p − d·(k − 1) − 1) / s⌉ + 1",
                     f"H_out = ⌈({h} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌉ + 1 = {out}"]  # fmt: skip
            if (out - 1) * s >= h + p:
                lines.append(f"last window would start in the right padding: {out} − 1 = {out - 1}")
            return lines
        return ["H_out = ⌊(H + 2·p − d·(k − 1) − 1) / s⌋ + 1",
                f"H_out = ⌊({h} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = {num // s + 1}"]  # fmt: skip

    def _pool(self, x: Any) -> Any:
        from ..nn import functional as F  # noqa: PLC0415

        if self.mode == "max":
            return F.max_pool2d(
                x, self.kernel_size, self.stride, self.padding, self.dilation, ceil_mode=self.ceil_mode
            )
        if self.mode == "avg":
            return F.avg_pool2d(x, self.kernel_size, self.stride, self.padding, ceil_mode=self.ceil_mode,
                                count_include_pad=self.count_include_pad)  # fmt: skip
        raise ValueError(f"unknown pooling mode {self.mode!r}\nhint: mode is 'max' or 'avg'")

    def compute(self) -> None:
        from .. import tensor  # noqa: PLC0415

        if self._given.shape[0] != self.size:
            rng = np.random.default_rng(self.size)
            self._given = rng.integers(0, 10, (self.size, self.size)).astype(np.float32)
        self.input = self._given
        self.value, self.output = None, np.zeros((0, 0))
        self.formula = self._formula(self.input.shape[0])
        x = tensor(self.input[None, None]).requires_grad_()
        y = self._pool(x)
        y.sum().backward()
        self.output, self.grad = y.detach().numpy()[0, 0], x.grad.numpy()[0, 0]
        oh, ow = self.output.shape
        self.step = min(max(self.step, 0), oh * ow - 1)
        oy, ox = divmod(self.step, ow)
        self.cell, self.value = (oy, ox), float(self.output[oy, ox])
        x2 = tensor(self.input[None, None]).requires_grad_()
        self._pool(x2)[0, 0, oy, ox].backward()
        self.cell_grad = x2.grad.numpy()[0, 0]
        k, s, p = self.kernel_size, self._stride(), self.padding
        d = self.dilation if self.mode == "max" else 1
        self.window = [(oy * s - p + ky * d, ox * s - p + kx * d) for ky in range(k) for kx in range(k)]

    # -- picture -----------------------------------------------------------------------
    def render(self) -> bytes:
        if self.value is None:  # impossible settings: show them, the formula and torch's error
            import textwrap  # noqa: PLC0415

            opts = (
                f"dilation={self.dilation}"
                if self.mode == "max"
                else f"count_include_pad={self.count_include_pad}"
            )
            lines = [f"{self.mode}_pool2d(kernel_size={self.kernel_size}, stride={self.stride}, "
                     f"padding={self.padding}, {opts}, ceil_mode={self.ceil_mode})",
                     f"on a {self.input.shape[0]}×{self.input.shape[1]} input (output cell {self.step})", "",
                     *self.formula, ""]  # fmt: skip
            for line in (self.error or "").splitlines():
                lines += textwrap.wrap(line, 110) or [""]
            cv = Canvas(860, 40 + len(lines) * 17)
            cv.text(10, 8, "these settings do not make a pooling:", 13, RED, bold=True)
            cv.lines(10, 34, lines, 12)
            return cv.png()
        h, w = self.input.shape
        p = self.padding
        hi_r = max(h - 1 + p, max(r for r, _ in self.window))
        hi_c = max(w - 1 + p, max(c for _, c in self.window))
        rows, cols = hi_r + p + 1, hi_c + p + 1
        vals = np.full((rows, cols), np.nan)
        grey = np.zeros((rows, cols), dtype=bool)
        grey[: h + 2 * p, : w + 2 * p] = True
        grey[p : p + h, p : p + w] = False
        vals[p : p + h, p : p + w] = self.input
        if self.mode == "avg":
            vals[grey] = 0.0
        else:
            vals[grey] = -np.inf
        cell = float(min(34, 260 / max(rows, cols)))
        oc = float(min(34, 150 / max(self.output.shape)))
        gc = float(min(34, 230 / max(h, w)))
        y0 = 8 + 18 + max(rows * cell, h * gc, self.output.shape[0] * oc) + 14
        text = self._text()
        cv = Canvas(860, round(y0 + len(text) * 11 * 1.35 + 8))
        g = cv.grid(
            10, 8, vals, cell=cell, grey=grey, title=f"input {h}×{w}" + (f" + padding {p}" if p else "")
        )
        inside = [(r + p, c + p) for r, c in self.window if r + p < rows and c + p < cols]
        cv.mark(g, inside, BLUE, fill=60)
        fed = [(r + p, c + p) for r, c in zip(*np.nonzero(self.cell_grad))]
        cv.mark(g, fed, RED, fill=90)
        oy, ox = self.cell
        g2 = cv.grid(310, 8, self.output, cell=oc, cmap="Oranges",
                     title=f"output {self.output.shape[0]}×{self.output.shape[1]}")  # fmt: skip
        cv.mark(g2, [(oy, ox)], RED)
        g3 = cv.grid(500, 8, self.grad, cell=gc, cmap="Greens", vmin=0,
                     title="x.grad after y.sum().backward()")  # fmt: skip
        cv.mark(g3, list(zip(*np.nonzero(self.cell_grad))), GREEN, fill=40)
        cv.lines(10, y0, text, 11)
        return cv.png()

    def _text(self) -> list[str]:
        oy, ox = self.cell
        fed = [
            float(self.input[r, c])
            for r, c in self.window
            if 0 <= r < self.input.shape[0] and 0 <= c < self.input.shape[1]
        ]
        lines = [*self.formula, f"engine: x [1, 1, {self.input.shape[0]}, {self.input.shape[1]}] → "
                 f"y [1, 1, {self.output.shape[0]}, {self.output.shape[1]}]", ""]  # fmt: skip
        nums = ", ".join(fmt(v) for v in fed)
        if self.mode == "max":
            lines.append(f"y[{oy}, {ox}] = max({nums}) = {fmt(self.value)}   (blue: window, red: the max)")
            lines.append("backward: each output's gradient goes only to its max; a cell that is the max")
            lines.append("of several windows collects several (green numbers); the rest get 0.")
        else:
            share = float(self.cell_grad.max()) if self.cell_grad.size else 0.0
            div = round(1 / share) if share else 0
            lines.append(f"y[{oy}, {ox}] = ({' + '.join(fmt(v) for v in fed)}) / {div} = {fmt(self.value)}")
            inc = "counts padding" if self.count_include_pad else "counts only real cells"
            lines.append(f"divisor {div}: count_include_pad={self.count_include_pad} {inc}")
            lines.append(f"backward: every cell of the window gets 1/{div} of the gradient (red).")
        if any(r >= self.input.shape[0] + self.padding or c >= self.input.shape[1] + self.padding
               for r, c in self.window):  # fmt: skip
            lines.append("ceil_mode: this window hangs over the edge; it pools the cells it has.")
        return lines

    def summary(self) -> str:
        return f"PoolExplorer: {self.mode} pool k={self.kernel_size} on {list(self.input.shape)} -> {list(self.output.shape)}"

    # -- controls ----------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        def slider(name: str, lo: int, hi: int, desc: str) -> Any:
            s = w.IntSlider(value=getattr(self, name) or 0, min=lo, max=hi, description=desc,
                            continuous_update=False, layout=w.Layout(width="235px"),
                            style={"description_width": "80px"})  # fmt: skip
            self._controls[name] = s
            return s

        mode = self.bind(w.ToggleButtons(options=["max", "avg"], value=self.mode, description="pool",
                                         style={"button_width": "60px"}), "mode")  # fmt: skip
        self._controls["mode"] = mode
        k, p, d = (
            slider("kernel_size", 1, 5, "kernel"),
            slider("padding", 0, 2, "padding"),
            slider("dilation", 1, 3, "dilation"),
        )
        for ctl, name in ((k, "kernel_size"), (p, "padding"), (d, "dilation")):
            self.bind(ctl, name)
        st = self.bind(slider("stride", 0, 5, "stride (0=k)"), "stride", lambda v: v or None)
        size = self.bind(slider("size", 3, 10, "input size"), "size")
        step = self.bind(slider("step", 0, 3, "output cell"), "step")
        play = w.Play(value=0, min=0, max=3, interval=800, layout=w.Layout(width="120px"))
        w.jslink((play, "value"), (step, "value"))
        ceil = self.bind(w.Checkbox(value=self.ceil_mode, description="ceil_mode", indent=False,
                                    layout=w.Layout(width="110px")), "ceil_mode")  # fmt: skip
        cip = self.bind(w.Checkbox(value=self.count_include_pad, description="count_include_pad", indent=False,
                                   layout=w.Layout(width="170px")), "count_include_pad")  # fmt: skip
        button = w.Button(description="note 003: 5×5, kernel 3, ceil_mode", layout=w.Layout(width="270px"))
        button.on_click(lambda _: self.note_003())
        self._controls.update(ceil_mode=ceil, count_include_pad=cip, play=play, size=size, stride=st)
        self.sync_controls()
        return [w.HBox([mode, step, play, button]), w.HBox([k, st, p, d]), w.HBox([size, ceil, cip])]

    def sync_controls(self) -> None:
        c = self._controls
        if not c:
            return
        if self.value is not None:  # an error leaves the ranges as they were
            c["step"].max = c["play"].max = max(self.output.size - 1, 0)
            c["step"].disabled = self.output.size <= 1
        for name, ctl in c.items():
            if name != "play":
                ctl.value = getattr(self, name) or 0
        c["dilation"].disabled = self.mode != "max"
        c["count_include_pad"].disabled = self.mode != "avg"

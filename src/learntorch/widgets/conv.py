"""ConvExplorer: a convolution's sizes, its sliding window, and feature maps of a photo.

Every number comes from the engine: the output is ``nn.Conv2d`` / ``nn.ConvTranspose2d``
(``F.conv2d`` / ``F.conv_transpose2d``) run on the input, and the feature maps are
``F.conv2d`` of a real photograph with the editable kernel. The multiply-adds written
out for the highlighted output cell are the input values and weights that cell reads;
they add up to the engine's output (the tests check this against PyTorch).

>>> from learntorch.widgets import ConvExplorer
>>> ex = ConvExplorer(size=5, kernel_size=3, padding=1, stride=2)
>>> ex.out_shape, ex.formula[1]
((1, 1, 3, 3), 'H_out = ⌊(5 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 3')
>>> ex.update(transposed=True, size=12, stride=2, padding=1, output_padding=1)
>>> ex.out_shape  # note 000 says 25; PyTorch says 24
(1, 1, 24, 24)
>>> ex.update(kernel_size=9, transposed=False, padding=0, size=5)
>>> print(ex.error.splitlines()[0])
RuntimeError: Calculated padded input size per channel: (5 x 5). Kernel size: (9 x 9). Kernel size can't be greater than actual input size
"""

from __future__ import annotations

import textwrap
from typing import Any, NamedTuple

import numpy as np

from ._base import Explorer
from ._canvas import RED, Canvas, fmt
from ._image import sample_image

__all__ = ["ConvExplorer", "preset_kernel", "parse_kernel"]

PRESETS = ("edge", "blur", "sharpen", "identity", "custom")


def preset_kernel(name: str, k: int) -> np.ndarray:
    """A ``k`` x ``k`` kernel: ``edge`` (centre minus neighbours), ``blur``, ``sharpen``, ``identity``.

    >>> preset_kernel("edge", 3)
    array([[-1., -1., -1.],
           [-1.,  8., -1.],
           [-1., -1., -1.]])
    """
    ident = np.zeros((k, k))
    ident[k // 2, k // 2] = 1.0
    blur = np.full((k, k), 1.0 / (k * k))
    table = {
        "identity": ident,
        "blur": blur,
        "edge": k * k * ident - np.ones((k, k)),
        "sharpen": 2 * ident - blur,
    }
    if name not in table:
        raise ValueError(f"unknown kernel preset {name!r}\nhint: choose one of {', '.join(PRESETS[:-1])}")
    return table[name]


def parse_kernel(text: str) -> np.ndarray:
    """Rows separated by ``;``, numbers by spaces or commas: ``"0 -1 0; -1 5 -1; 0 -1 0"``.

    >>> parse_kernel("1 0; 0 -1")
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    try:
        rows = [[float(v) for v in row.replace(",", " ").split()] for row in text.split(";") if row.strip()]
    except ValueError as err:
        raise ValueError(f"{err}\nhint: write the kernel as numbers, rows separated by ';'") from None
    if not rows or len({len(r) for r in rows}) != 1 or not rows[0]:
        raise ValueError("kernel rows differ in length\nhint: every row needs the same count of numbers")
    return np.array(rows, dtype=np.float64)


class Term(NamedTuple):
    """One multiply-add of an output cell: input value (channel, row, col) times weight."""

    channel: int
    row: int
    col: int
    x: float
    weight_index: tuple[int, int, int, int]
    w: float
    padding: bool  # the window sits on padding here: x is 0


class ConvExplorer(Explorer):
    """Convolution explorer: sizes, the sliding window with its multiply-adds, feature maps.

    ``layer`` (an ``nn.Conv2d`` / ``nn.ConvTranspose2d``) and ``input`` (``(H, W)``,
    ``(C, H, W)`` or ``(1, C, H, W)``) are the student's own; their weights and values are
    used while the settings fit them. ``image`` replaces the photo of the feature maps.
    State: the settings below, ``step`` (which output cell), ``out_channel``, ``preset``,
    ``kernel``; results: ``out_shape``, ``formula``, ``output``, ``value``, ``terms``,
    ``feature_map``.
    """

    title = "ConvExplorer"
    draw_on_error = True

    def __init__(
        self,
        layer: Any = None,
        input: Any = None,
        *,
        in_channels: int = 1,
        out_channels: int = 1,
        kernel_size: int = 3,
        stride: int = 1,
        padding: int = 0,
        dilation: int = 1,
        groups: int = 1,
        transposed: bool = False,
        output_padding: int = 0,
        size: int = 6,
        preset: str = "edge",
        image: Any = None,
    ) -> None:
        self._given_weight: np.ndarray | None = None
        self.bias: np.ndarray | None = None
        if layer is not None:
            from ..nn import ConvTranspose2d  # noqa: PLC0415

            transposed = isinstance(layer, ConvTranspose2d)
            in_channels, out_channels, groups = layer.in_channels, layer.out_channels, layer.groups
            kernel_size, stride = layer.kernel_size[0], layer.stride[0]
            padding, dilation = layer.padding[0], layer.dilation[0]
            output_padding = layer.output_padding[0] if transposed else 0
            self._given_weight = layer.weight.detach().numpy().copy()
            self.bias = None if layer.bias is None else layer.bias.detach().numpy().copy()
        self._given_input: np.ndarray | None = None
        if input is not None:
            arr = np.asarray(input.detach().numpy() if hasattr(input, "detach") else input, dtype=np.float32)
            arr = arr.reshape((1,) * (3 - min(arr.ndim, 3)) + arr.shape[-3:]) if arr.ndim <= 3 else arr[0]
            self._given_input = arr
            in_channels, size = arr.shape[0], arr.shape[1]
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride, self.padding, self.dilation = kernel_size, stride, padding, dilation
        self.transposed, self.output_padding, self.size = transposed, output_padding, size
        self.step, self.out_channel = 0, 0
        self.preset = preset
        self.kernel = preset_kernel(preset, kernel_size) if preset != "custom" else preset_kernel("edge", 3)
        if image is not None:
            img = np.asarray(image.detach().numpy() if hasattr(image, "detach") else image, dtype=np.float32)
            self._image, self._image_name = (img.mean(axis=0) if img.ndim == 3 else img), "your image"
        else:
            self._image, self._image_name = sample_image(48)
        self.out_shape: tuple[int, ...] | None = None
        self.formula: list[str] = []
        self.output = self.input = self.weight = self.feature_map = np.zeros((0,))
        self.value: float | None = None
        self.cell: tuple[int, int, int] = (0, 0, 0)
        self.terms: list[Term] = []
        self.layer: Any = None
        self._controls: dict[str, Any] = {}
        super().__init__()

    # -- computation -------------------------------------------------------------------
    def _formula(self) -> list[str]:
        k, s, p, d, h = self.kernel_size, self.stride, self.padding, self.dilation, self.input_hw()[0]
        if self.transposed:
            op = self.output_padding
            out = (h - 1) * s - 2 * p + d * (k - 1) + op + 1
            return [
                "H_out = (H − 1)·s − 2·p + d·(k − 1) + output_padding + 1",
                f"H_out = ({h} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {out}",
            ]
        num = h + 2 * p - d * (k - 1) - 1
        out = num // s + 1 if s > 0 else "?"
        return [
            "H_out = ⌊(H + 2·p − d·(k − 1) − 1) / s⌋ + 1",
            f"H_out = ⌊({h} + 2·{p} − {d}·({k} − 1) − 1) / {s}⌋ + 1 = {out}",
        ]

    def input_hw(self) -> tuple[int, int]:
        """Height and width of the input the explorer convolves."""
        gi = self._given_input
        if gi is not None and gi.shape[0] == self.in_channels and gi.shape[1] == self.size:
            return gi.shape[1], gi.shape[2]
        return self.size, self.size

    def _make_input(self) -> np.ndarray:
        gi = self._given_input
        if gi is not None and gi.shape[0] == self.in_channels and gi.shape[1] == self.size:
            return gi
        rng = np.random.default_rng(self.size * 31 + self.in_channels)
        return rng.integers(0, 4, (self.in_channels, self.size, self.size)).astype(np.float32)

    def _make_weight(self, shape: tuple[int, ...]) -> np.ndarray:
        gw = self._given_weight
        if gw is not None and gw.shape == shape:
            return gw
        rng = np.random.default_rng(sum(shape) * 7 + len(shape))
        return rng.integers(-1, 2, shape).astype(np.float32)

    def compute(self) -> None:
        from .. import no_grad, tensor  # noqa: PLC0415
        from ..nn import Conv2d, ConvTranspose2d  # noqa: PLC0415
        from ..nn import functional as F  # noqa: PLC0415

        self.out_shape, self.value, self.terms = None, None, []
        self.formula = self._formula()
        if self.preset != "custom":
            self.kernel = preset_kernel(self.preset, self.kernel_size)
        self.feature_map = None
        kern = tensor(self.kernel[None, None].astype(np.float32))
        img = tensor(self._image[None, None])
        try:
            if self.transposed:
                fm = F.conv_transpose2d(img, kern, stride=self.stride, padding=self.padding,
                                        output_padding=self.output_padding, dilation=self.dilation)  # fmt: skip
            else:
                fm = F.conv2d(img, kern, stride=self.stride, padding=self.padding, dilation=self.dilation)
            self.feature_map = fm.numpy()[0, 0]
        except (RuntimeError, ValueError):
            pass  # the layer below raises the same complaint, which is what the explorer shows
        try:
            kw: dict[str, Any] = {"stride": self.stride, "padding": self.padding, "dilation": self.dilation}
            kw["groups"], kw["bias"] = self.groups, self.bias is not None
            if self.transposed:
                layer = ConvTranspose2d(self.in_channels, self.out_channels, self.kernel_size,
                                        output_padding=self.output_padding, **kw)  # fmt: skip
            else:
                layer = Conv2d(self.in_channels, self.out_channels, self.kernel_size, **kw)
            with no_grad():
                layer.weight.copy_(tensor(self._make_weight(tuple(layer.weight.shape))))
                if (
                    layer.bias is not None
                    and self.bias is not None
                    and self.bias.shape == tuple(layer.bias.shape)
                ):
                    layer.bias.copy_(tensor(self.bias))
                elif layer.bias is not None:
                    layer.bias.zero_()
                x = self._make_input()
                y = layer(tensor(x[None]))
        except (RuntimeError, ValueError) as err:
            if len(err.args) == 1 and isinstance(err.args[0], str):
                msg = err.args[0]
                if "hint:" not in msg and "divisible by groups" in msg:
                    msg += (
                        "\nhint: groups splits the channels into equal groups; choose groups that divides "
                        "both in_channels and out_channels"
                    )
                err.args = (f"{msg}\nformula: {self.formula[1]}",)
            raise
        self.layer, self.input = layer, x
        self.weight = layer.weight.detach().numpy()
        self.output, self.out_shape = y.numpy()[0], tuple(y.shape)
        oc = min(max(self.out_channel, 0), self.out_shape[1] - 1)
        hw = self.out_shape[2] * self.out_shape[3]
        self.step = min(max(self.step, 0), hw - 1)
        oy, ox = divmod(self.step, self.out_shape[3])
        self.out_channel, self.cell = oc, (oc, oy, ox)
        self.value = float(self.output[oc, oy, ox])
        self.terms = self._terms(oc, oy, ox)

    def _terms(self, oc: int, oy: int, ox: int) -> list[Term]:
        """The multiply-adds that make output cell ``(oc, oy, ox)``, in the weight's order."""
        k, s, p, d = self.kernel_size, self.stride, self.padding, self.dilation
        x, w = self.input, self.weight
        h, wd = x.shape[1:]
        in_per, out_per = self.in_channels // self.groups, self.out_channels // self.groups
        g = oc // out_per
        terms = []
        for ci in range(in_per):
            c = g * in_per + ci
            if not self.transposed:
                for ky in range(k):
                    for kx in range(k):
                        iy, ix = oy * s - p + ky * d, ox * s - p + kx * d
                        inside = 0 <= iy < h and 0 <= ix < wd
                        xv = float(x[c, iy, ix]) if inside else 0.0
                        widx = (oc, ci, ky, kx)
                        terms.append(Term(c, iy, ix, xv, widx, float(w[widx]), not inside))
                continue
            for iy in range(h):
                for ky in range(k):
                    if iy * s - p + ky * d != oy:
                        continue
                    for ix in range(wd):
                        for kx in range(k):
                            if ix * s - p + kx * d == ox:
                                widx = (c, oc % out_per, ky, kx)
                                terms.append(
                                    Term(c, iy, ix, float(x[c, iy, ix]), widx, float(w[widx]), False)
                                )
        return terms

    # -- picture -----------------------------------------------------------------------
    def render(self) -> bytes:
        cv = Canvas(880, 760)
        if self.out_shape is None:  # the settings are impossible: show them, the formula and the error
            bottom = self._draw_error(cv)
        else:
            bottom = self._draw_input(cv)
            oc, oy, ox = self.cell
            out = self.output[oc]
            cell = _cell(out.shape, 190, 260)
            g = cv.grid(360, 8, out, cell=cell, cmap="Oranges",
                        title=f"output y[0, {oc}]  {out.shape[0]}×{out.shape[1]}")  # fmt: skip
            cv.mark(g, [(oy, ox)])
            bottom = max(bottom, g.y + g.rows * g.cell, self._draw_text(cv))
        top = round(max(bottom, 150) + 26)
        cv.text(
            10,
            top,
            f"{self._image_name.split(' (')[0]} {self._image.shape[0]}×{self._image.shape[1]}",
            12,
            bold=True,
        )
        img = self._image
        cv.image(10, top + 20, img, 200, round(200 * img.shape[0] / img.shape[1]))
        lim = float(np.abs(self.kernel).max()) or 1.0
        kc = _cell(self.kernel.shape, 150, 150)
        cv.grid(230, top, self.kernel, cell=kc, cmap="RdBu_r", vmin=-lim, vmax=lim,
                title=f"kernel ({self.preset})", numbers=kc >= 17)  # fmt: skip
        fm = self.feature_map
        if fm is not None:
            side = 200 / max(fm.shape)
            cv.text(400, top, f"feature map {fm.shape[0]}×{fm.shape[1]}", 12, bold=True)
            cv.image(400, top + 20, fm, round(fm.shape[1] * side), round(fm.shape[0] * side))
        else:
            cv.text(400, top, "feature map: none (see the error)", 12, RED, bold=True)
        op = "F.conv_transpose2d" if self.transposed else "F.conv2d"
        rng = f"values {fm.min():.2f} … {fm.max():.2f}" if fm is not None else ""
        cv.lines(620, top + 20, [f"{op}(image, kernel,", f"  stride={self.stride}, padding={self.padding},",
                                 f"  dilation={self.dilation})", rng, "",
                                 "edge lights up outlines,", "blur averages neighbours,",
                                 "sharpen boosts detail,", "identity copies the image."], 11)  # fmt: skip
        cv.crop(top + 228)
        return cv.png()

    def _draw_error(self, cv: Canvas) -> float:
        kind = "ConvTranspose2d" if self.transposed else "Conv2d"
        op = f", output_padding={self.output_padding}" if self.transposed else ""
        lines = [f"{kind}({self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
                 f"stride={self.stride}, padding={self.padding}, dilation={self.dilation}, groups={self.groups}{op})",
                 f"on an input of {self.in_channels} × {self.size} × {self.size}   "
                 f"(output cell {self.step}, out channel {self.out_channel})", "", *self.formula, ""]  # fmt: skip
        cv.text(10, 8, "these settings do not make a convolution:", 13, RED, bold=True)
        y = cv.lines(10, 34, lines, 12)
        for line in (self.error or "").splitlines():
            y = cv.lines(10, y, textwrap.wrap(line, 110) or [""], 12, RED)
        return y

    def _draw_input(self, cv: Canvas) -> float:
        """The input channels the highlighted output reads, padded, with the window marked."""
        x, p = self.input, (0 if self.transposed else self.padding)
        chans = sorted({t.channel for t in self.terms}) or [0]
        shown = chans[:3]
        h, w = x.shape[1:]
        blocks, greys = [], []
        for j, c in enumerate(shown):
            blk = np.zeros((h + 2 * p, w + 2 * p))
            blk[p : p + h, p : p + w] = x[c]
            grey = np.ones_like(blk, dtype=bool)
            grey[p : p + h, p : p + w] = False
            if j:
                blocks.append(np.full((h + 2 * p, 1), np.nan))
                greys.append(np.zeros((h + 2 * p, 1), dtype=bool))
            blocks.append(blk)
            greys.append(grey)
        vals = np.concatenate(blocks, axis=1)
        label = ", ".join(str(c) for c in shown) + (" …" if len(chans) > 3 else "")
        pad = f", padding {p} grey" if p else ""
        g = cv.grid(10, 8, vals, cell=_cell(vals.shape, 330, 260), grey=np.concatenate(greys, axis=1),
                    title=f"input x[0, {label}]  {h}×{w}{pad}")  # fmt: skip
        cells = [(t.row + p, t.col + p + shown.index(t.channel) * (w + 2 * p + 1))
                 for t in self.terms if t.channel in shown]  # fmt: skip
        cv.mark(g, cells)
        return g.y + g.rows * g.cell

    def _draw_text(self, cv: Canvas) -> float:
        oc, oy, ox = self.cell
        lines = textwrap.wrap(repr(self.layer), 46, subsequent_indent="  ") + [""]
        for f in self.formula:
            lines += textwrap.wrap(f, 46, subsequent_indent="       ")
        lines.append(f"engine: x {[1, *self.input.shape]} → y {list(self.out_shape)}")
        if self.transposed and self.input.shape[1] == 12 and self.out_shape[2] == 24:
            lines.append("note 000 says 25; PyTorch gives 24")
        lines += ["", f"y[0, {oc}, {oy}, {ox}] ="]
        parts = [f"{fmt(t.x)}·{fmt(t.w) if t.w >= 0 else '(' + fmt(t.w) + ')'}" for t in self.terms]
        line = " "
        for part in parts[:16]:
            if len(line) + len(part) > 40:
                lines.append(line + " +")
                line = " "
            line += (" + " if line.strip() else " ") + part
        if parts:
            lines.append(line)
        if len(parts) > 16:
            lines.append(f"   + … ({len(parts) - 16} more)")
        if not parts:
            lines.append("  (no input cell reaches this output)")
        if self.layer.bias is not None:
            lines.append(f"   + bias {fmt(float(self.layer.bias[oc]))}")
        lines.append(f"   = {fmt(self.value)}   ({len(parts)} multiply-adds)")
        return cv.lines(565, 8, lines, 11)

    def summary(self) -> str:
        kind = "ConvTranspose2d" if self.transposed else "Conv2d"
        shape = list(self.out_shape) if self.out_shape else "error"
        return f"ConvExplorer: {kind} on {list(self.input_hw())} -> {shape}"

    # -- controls ----------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        def slider(name: str, lo: int, hi: int, desc: str) -> Any:
            s = w.IntSlider(value=getattr(self, name), min=lo, max=hi, description=desc,
                            continuous_update=False, layout=w.Layout(width="235px"),
                            style={"description_width": "85px"})  # fmt: skip
            self._controls[name] = self.bind(s, name)
            return s

        row1 = [slider("in_channels", 1, 4, "in channels"), slider("out_channels", 1, 4, "out channels"),
                slider("groups", 1, 4, "groups"), slider("size", 3, 16, "input size")]  # fmt: skip
        row2 = [slider("kernel_size", 1, 7, "kernel size"), slider("stride", 1, 4, "stride"),
                slider("padding", 0, 4, "padding"), slider("dilation", 1, 3, "dilation")]  # fmt: skip
        trans = self.bind(w.Checkbox(value=self.transposed, description="transposed", indent=False,
                                     layout=w.Layout(width="110px")), "transposed")  # fmt: skip
        self._controls["transposed"] = trans
        row3 = [
            trans,
            slider("output_padding", 0, 3, "output pad"),
            slider("out_channel", 0, 3, "out channel"),
        ]
        step = slider("step", 0, 100, "output cell")
        play = w.Play(value=0, min=0, max=100, interval=700, layout=w.Layout(width="120px"))
        w.jslink((play, "value"), (step, "value"))
        self._controls["play"] = play
        row3 += [step, play]
        preset = self.bind(w.Dropdown(options=PRESETS, value=self.preset, description="preset",
                                      layout=w.Layout(width="200px"), style={"description_width": "50px"}),
                           "preset")  # fmt: skip
        text = w.Text(value=_kernel_text(self.kernel), description="edit", continuous_update=False,
                      layout=w.Layout(width="330px"), style={"description_width": "40px"})  # fmt: skip
        text.observe(self._kernel_typed, names="value")
        button = w.Button(description="note 000: ConvTranspose2d 12→24", layout=w.Layout(width="260px"))
        button.on_click(lambda _: self.note_000())
        self._controls.update(preset=preset, kernel=text)
        self.sync_controls()
        return [w.HBox(row1), w.HBox(row2), w.HBox(row3), w.HBox([preset, text, button])]

    def _kernel_typed(self, change: Any) -> None:
        if self._syncing:
            return
        try:
            kernel = parse_kernel(change["new"])
        except ValueError as err:
            self.error = f"ValueError: {err}"
            self._show_message()
            return
        self.update(preset="custom", kernel=kernel)

    def note_000(self) -> None:
        """Note 000's ConvTranspose2d example: 12×12, kernel 3, stride 2, padding 1, output_padding 1."""
        self.update(transposed=True, size=12, kernel_size=3, stride=2, padding=1, output_padding=1,
                    dilation=1, groups=1, in_channels=1, out_channels=1, step=0)  # fmt: skip

    def sync_controls(self) -> None:
        c = self._controls
        if not c:
            return
        if self.out_shape is not None:
            n = self.out_shape[2] * self.out_shape[3]
            c["step"].max = c["play"].max = max(n - 1, 0)
            c["step"].disabled = n <= 1
            c["out_channel"].max = max(self.out_shape[1] - 1, 0)
        c["output_padding"].disabled = not self.transposed
        c["out_channel"].disabled = self.out_channels == 1
        for name, ctl in c.items():
            if name not in ("play", "kernel"):
                ctl.value = getattr(self, name)
        c["kernel"].value = _kernel_text(self.kernel)


def _cell(shape: tuple[int, ...], width: float, height: float) -> float:
    """Cell size (pixels) that fits a grid of ``shape`` into ``width`` x ``height``."""
    return float(max(3.0, min(30.0, width / shape[1], height / shape[0])))


def _kernel_text(k: np.ndarray) -> str:
    return "; ".join(" ".join(fmt(float(v)) for v in row) for row in k)

"""A small raster canvas for the grid explorers (conv, pool, broadcast, view).

Matplotlib spends about a millisecond per text label, and a 9x9 grid with its numbers
has over a hundred; redrawing that on every slider move would miss the 150 ms budget
on a 2-core machine. So grids are drawn straight into a Pillow image (Pillow comes with
matplotlib) with matplotlib's own DejaVu fonts and colour maps, and sent as PNG.

>>> c = Canvas(120, 60)
>>> g = c.grid(4, 4, [[1, 2], [3, 4]], cell=24, title="x")
>>> c.mark(g, [(1, 1)])
>>> c.png()[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
True
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Canvas", "Geometry", "fmt", "new_figure"]

RED = (228, 87, 46)
BLUE = (76, 139, 245)
GREEN = (58, 164, 91)
GREY = (208, 208, 208)
INK = (34, 34, 34)


def fmt(v: float) -> str:
    """A number as a cell label: integers without a point, others to 3 significant digits.

    >>> fmt(3.0), fmt(-0.5), fmt(0.123456), fmt(float("-inf"))
    ('3', '-0.5', '0.123', '-∞')
    """
    v = float(v)
    if np.isnan(v):
        return ""
    if np.isinf(v):
        return "∞" if v > 0 else "-∞"
    if v.is_integer() and abs(v) < 1e5:
        return str(int(v))
    return f"{v:.3g}"


def new_figure(width: float, height: float, dpi: int = 80) -> Any:
    """A pyplot-free matplotlib Figure (Agg canvas), for explorers that plot curves."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


@functools.lru_cache(maxsize=32)
def _font(size: int, mono: bool = False, bold: bool = False) -> Any:
    import matplotlib  # noqa: PLC0415
    from PIL import ImageFont  # noqa: PLC0415

    name = "DejaVuSans" + ("Mono" if mono else "") + ("-Bold" if bold else "") + ".ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)


def colors(values: np.ndarray, cmap: str, vmin: float, vmax: float) -> np.ndarray:
    """``values`` through a matplotlib colour map, as uint8 RGB (NaN → white)."""
    import matplotlib  # noqa: PLC0415

    span = vmax - vmin if vmax > vmin else 1.0
    norm = np.clip((np.asarray(values, dtype=np.float64) - vmin) / span, 0, 1)
    rgb = (matplotlib.colormaps[cmap](np.nan_to_num(norm))[..., :3] * 255).astype(np.uint8)
    rgb[~np.isfinite(np.asarray(values, dtype=np.float64))] = 255
    return rgb


@dataclass
class Geometry:
    """Where a grid was drawn: top-left corner and cell size in pixels."""

    x: float
    y: float
    cell: float
    rows: int
    cols: int

    def box(self, r: int, c: int, inset: float = 0) -> tuple[float, float, float, float]:
        x0, y0 = self.x + c * self.cell, self.y + r * self.cell
        return (x0 + inset, y0 + inset, x0 + self.cell - inset, y0 + self.cell - inset)


class Canvas:
    """A white RGB image (RGBA drawing blends) with grid, text and rectangle primitives; ``png()`` encodes it."""

    def __init__(self, width: int, height: int) -> None:
        from PIL import Image, ImageDraw  # noqa: PLC0415

        self.width, self.height = int(width), int(height)
        self.img = Image.new("RGB", (self.width, self.height), (255, 255, 255))
        self.draw = ImageDraw.Draw(self.img, "RGBA")

    def text(self, x: float, y: float, s: str, size: int = 12, color: Any = INK, *,
             anchor: str = "la", mono: bool = False, bold: bool = False) -> None:  # fmt: skip
        """Text at ``(x, y)``; ``anchor`` as in Pillow (``la`` left-top-ish, ``mm`` centre)."""
        self.draw.text((x, y), s, fill=color, font=_font(size, mono, bold), anchor=anchor)

    def lines(self, x: float, y: float, lines: Iterable[str], size: int = 11, color: Any = INK,
              *, mono: bool = True, step: float | None = None) -> float:  # fmt: skip
        """Lines of text from ``(x, y)`` down; returns the y below the last."""
        step = step or size * 1.35
        for line in lines:
            if line:
                self.text(x, y, line, size, color, mono=mono)
            y += step
        return y

    def rect(self, box: tuple[float, float, float, float], fill: Any = None, outline: Any = None,
             width: int = 1) -> None:  # fmt: skip
        self.draw.rectangle(box, fill=fill, outline=outline, width=width)

    def grid(self, x: float, y: float, values: Any, *, cell: float = 24, cmap: str = "Blues",
             vmin: float | None = None, vmax: float | None = None, numbers: bool | None = None,
             grey: np.ndarray | None = None, title: str = "", size: int | None = None) -> Geometry:  # fmt: skip
        """A 2-D array as coloured cells (numbers when they fit); ``grey`` masks padding."""
        vals = np.asarray(values, dtype=np.float64)
        if vals.ndim == 1:
            vals = vals[None]
        fin = vals[np.isfinite(vals)]
        lo = float(fin.min()) if vmin is None and fin.size else (0.0 if vmin is None else vmin)
        hi = float(fin.max()) if vmax is None and fin.size else (1.0 if vmax is None else vmax)
        span = (hi - lo) or 1.0
        rgb = colors(vals, cmap, lo - 0.1 * span, hi + 0.7 * span)
        if grey is not None:
            rgb[grey] = GREY
        rows, cols = vals.shape
        if title:
            self.text(x, y, title, 12, bold=True)
            y += 18
        geom = Geometry(x, y, cell, rows, cols)
        from PIL import Image  # noqa: PLC0415

        block = Image.fromarray(rgb).resize(
            (max(1, round(cols * cell)), max(1, round(rows * cell))), Image.NEAREST
        )
        self.img.paste(block, (round(x), round(y)))
        if cell >= 6:
            for r in range(rows + 1):
                self.draw.line([(x, y + r * cell), (x + cols * cell, y + r * cell)], fill="white", width=1)
            for c in range(cols + 1):
                self.draw.line([(x + c * cell, y), (x + c * cell, y + rows * cell)], fill="white", width=1)
        if numbers if numbers is not None else cell >= 17:
            for r in range(rows):
                for c in range(cols):
                    if np.isnan(vals[r, c]) and (grey is None or not grey[r, c]):
                        continue
                    label = fmt(vals[r, c])
                    if len(label) > 4:
                        label = f"{float(vals[r, c]):.2g}"
                    fs = int(min(12, cell * 0.48, 1.75 * cell / max(len(label), 1)))
                    self.text(x + (c + 0.5) * cell, y + (r + 0.5) * cell, label, fs, anchor="mm")
        return geom

    def mark(self, geom: Geometry, cells: Iterable[tuple[int, int]], color: Any = RED, *,
             fill: int = 80, width: int = 2) -> None:  # fmt: skip
        """Fill lightly and outline the given ``(row, col)`` cells of a drawn grid."""
        for r, c in cells:
            self.draw.rectangle(geom.box(r, c), fill=(*color, fill))
            self.draw.rectangle(geom.box(r, c, 1), outline=(*color, 255), width=width)

    def image(self, x: float, y: float, arr: np.ndarray, width: int, height: int, cmap: str = "gray",
              vmin: float | None = None, vmax: float | None = None) -> None:  # fmt: skip
        """A 2-D array as a picture scaled to ``width`` x ``height`` (nearest pixels)."""
        from PIL import Image  # noqa: PLC0415

        a = np.asarray(arr, dtype=np.float64)
        lo = float(a.min()) if vmin is None else vmin
        hi = float(a.max()) if vmax is None else vmax
        block = Image.fromarray(colors(a, cmap, lo, hi)).resize(
            (max(1, width), max(1, height)), Image.NEAREST
        )
        self.img.paste(block, (round(x), round(y)))

    def crop(self, height: float) -> None:
        """Cut the canvas to ``height`` pixels (after drawing into a tall one)."""
        self.height = int(min(self.height, max(1, height)))
        self.img = self.img.crop((0, 0, self.width, self.height))

    def png(self) -> bytes:
        buf = io.BytesIO()
        self.img.save(buf, format="png", compress_level=1)
        return buf.getvalue()


@dataclass
class Frame:
    """A plotting area of a canvas: pixel box and the data limits it shows."""

    x: float
    y: float
    w: float
    h: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def px(self, xs: Any) -> np.ndarray:
        x0, x1 = self.xlim
        return self.x + (np.asarray(xs, dtype=np.float64) - x0) / ((x1 - x0) or 1.0) * self.w

    def py(self, ys: Any) -> np.ndarray:
        y0, y1 = self.ylim
        return self.y + self.h - (np.asarray(ys, dtype=np.float64) - y0) / ((y1 - y0) or 1.0) * self.h


def _ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    return [float(t) for t in MaxNLocator(n).tick_values(lo, hi) if lo - 1e-9 <= t <= hi + 1e-9]


def frame(cv: Canvas, x: float, y: float, w: float, h: float, xlim: tuple[float, float],
          ylim: tuple[float, float], *, title: str = "", yticks: bool = True) -> Frame:  # fmt: skip
    """Draw axes (box, ticks, zero lines) on ``cv`` and return the frame to plot in."""
    f = Frame(x, y, w, h, xlim, ylim)
    if title:
        cv.text(x, y - 17, title, 12, bold=True)
    cv.rect((x, y, x + w, y + h), outline=(170, 170, 170))
    for t in _ticks(*xlim):
        px = float(f.px(t))
        cv.draw.line([(px, y + h), (px, y + h + 4)], fill=(120, 120, 120))
        cv.text(px, y + h + 6, fmt(t), 10, (90, 90, 90), anchor="mt")
    if yticks:
        for t in _ticks(*ylim):
            py = float(f.py(t))
            cv.draw.line([(x - 4, py), (x, py)], fill=(120, 120, 120))
            cv.text(x - 6, py, fmt(t), 10, (90, 90, 90), anchor="rm")
    if xlim[0] < 0 < xlim[1]:
        cv.draw.line([(float(f.px(0)), y), (float(f.px(0)), y + h)], fill=(200, 200, 200))
    if ylim[0] < 0 < ylim[1]:
        cv.draw.line([(x, float(f.py(0))), (x + w, float(f.py(0)))], fill=(200, 200, 200))
    return f


def curve(cv: Canvas, f: Frame, xs: Any, ys: Any, color: Any, width: int = 2, dashed: bool = False) -> None:
    """A line through the points, clipped to the frame; ``dashed`` draws every other stretch."""
    px = np.clip(f.px(xs), f.x, f.x + f.w)
    py = np.clip(f.py(ys), f.y, f.y + f.h)
    pts = list(zip(px.tolist(), py.tolist()))
    if not dashed:
        cv.draw.line(pts, fill=color, width=width, joint="curve")
        return
    for i in range(0, len(pts) - 1, 12):
        cv.draw.line(pts[i : i + 7], fill=color, width=width)


def bars(cv: Canvas, f: Frame, counts: Any, edges: Any, color: Any) -> None:
    """A histogram: one bar per bin."""
    x = f.px(edges)
    base = float(f.py(0))
    for c, x0, x1 in zip(np.asarray(counts).tolist(), x[:-1].tolist(), x[1:].tolist()):
        if c:
            cv.draw.rectangle((x0, float(f.py(c)), max(x0, x1 - 1), base), fill=color)

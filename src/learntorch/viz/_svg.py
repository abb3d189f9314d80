"""A tiny SVG writer: boxes, text, lines and arrows, nothing else, and the same drawing as PNG.

The pictures of :mod:`learntorch.viz` are plain SVG written by hand, so they show
in JupyterLab, VS Code and exported HTML without Graphviz or a browser plug-in.
Every element is also kept as data, so :meth:`Svg.png` can draw the very same
picture with matplotlib: JupyterLab refuses to show SVG from a notebook it does
not trust (a freshly downloaded one), and then shows the PNG instead.

Text is monospace (DejaVu Sans Mono, which browsers and matplotlib both have), so
its width is known in advance: :func:`text_width` is what layouts use to make
boxes wide enough.

>>> s = Svg(40, 20)
>>> s.rect(0, 0, 40, 20, fill="#eee")
>>> s.text(20, 14, "a<b")
>>> print(s.render())  # doctest: +ELLIPSIS
<svg xmlns=... width="40" height="20" viewBox="0 0 40 20" ...>
<rect x="0" y="0" width="40" height="20" fill="#eee" .../>
<text x="20" y="14" ...>a&lt;b</text>
</svg>
>>> s.png()[:4]
b'\\x89PNG'
>>> round(text_width("abcd", 10), 2)  # 4 characters of 0.602 em
24.08
"""

from __future__ import annotations

import io
from html import escape
from typing import Any, Sequence

__all__ = ["Svg", "esc", "heat_color", "text_width", "FONT", "CHAR_EM"]

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
CHAR_EM = 0.602  # advance width of one DejaVu Sans Mono character, in units of the font size
CHAR_W = CHAR_EM * 11  # one character at font-size 11, in px


def text_width(s: object, size: float) -> float:
    """Width in px of ``s`` set in the monospace font at ``size`` px."""
    return len(str(s)) * CHAR_EM * size


def esc(s: object) -> str:
    """Escape text for SVG/HTML/XML."""
    return escape(str(s), quote=True)


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


def heat_color(v: float) -> str:
    """A colour for ``v`` in [0, 1]: white (0) through orange to dark red (1)."""
    v = min(max(float(v), 0.0), 1.0)
    r = 255 - int(75 * v)
    g = 255 - int(215 * v)
    b = 255 - int(235 * v)
    return f"#{r:02x}{g:02x}{b:02x}"


class Svg:
    """Collects SVG elements; renders them as one ``<svg>`` string or as PNG bytes."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.parts: list[str] = []
        self.items: list[tuple[str, dict[str, Any]]] = []  # the same elements as data, for png()

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        fill: str = "none",
        stroke: str = "none",
        rx: float = 0,
        dash: bool = False,
        title: str | None = None,
    ) -> None:
        extra = ' stroke-dasharray="4 3"' if dash else ""
        body = f"<title>{esc(title)}</title>" if title else ""
        tag = f"<rect x={_q(x)} y={_q(y)} width={_q(w)} height={_q(h)} fill={_q(fill)} stroke={_q(stroke)}"
        tag += f" rx={_q(rx)}{extra}"
        self.parts.append(tag + (f">{body}</rect>" if body else "/>"))
        self.items.append(("rect", dict(x=x, y=y, w=w, h=h, fill=fill, stroke=stroke, rx=rx, dash=dash)))

    def text(
        self,
        x: float,
        y: float,
        s: object,
        size: float = 12,
        anchor: str = "middle",
        weight: str = "normal",
        fill: str = "#222",
    ) -> None:
        """Text with its baseline at ``y``; ``anchor`` is start, middle or end."""
        self.parts.append(
            f"<text x={_q(x)} y={_q(y)} font-family={_q(FONT)} font-size={_q(size)} "
            f"text-anchor={_q(anchor)} font-weight={_q(weight)} fill={_q(fill)}>{esc(s)}</text>"
        )
        self.items.append(
            ("text", dict(x=x, y=y, s=str(s), size=size, anchor=anchor, weight=weight, fill=fill))
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#555", width: float = 1
    ) -> None:
        self.parts.append(
            f"<line x1={_q(x1)} y1={_q(y1)} x2={_q(x2)} y2={_q(y2)} stroke={_q(stroke)} "
            f"stroke-width={_q(width)}/>"
        )
        self.items.append(("line", dict(pts=[(x1, y1), (x2, y2)], stroke=stroke, width=width, arrow=False)))

    def polyline(self, pts: Sequence[tuple[float, float]], stroke: str = "#555", arrow: bool = True) -> None:
        d = " ".join(f"{_num(float(x))},{_num(float(y))}" for x, y in pts)
        end = ' marker-end="url(#lt-arrow)"' if arrow else ""
        self.parts.append(f'<polyline points="{d}" fill="none" stroke={_q(stroke)} stroke-width="1.2"{end}/>')
        self.items.append(("line", dict(pts=list(pts), stroke=stroke, width=1.2, arrow=arrow)))

    def render(self) -> str:
        w, h = _num(float(self.width)), _num(float(self.height))
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
            'style="background:#fff">'
        )
        uses_arrow = any("lt-arrow" in p for p in self.parts)
        defs = (
            '<defs><marker id="lt-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
            'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/>'
            "</marker></defs>"
            if uses_arrow
            else None
        )
        lines = [head] + ([defs] if defs else []) + self.parts + ["</svg>"]
        return "\n".join(lines)

    def png(self, scale: float = 2.0) -> bytes:
        """The same picture drawn by matplotlib, ``scale`` pixels per SVG pixel."""
        from matplotlib.figure import Figure  # noqa: PLC0415
        from matplotlib.patches import FancyBboxPatch, Polygon, Rectangle  # noqa: PLC0415

        dpi = 100.0  # one SVG px = one figure pixel at this dpi; font sizes: px * 72 / dpi points
        fig = Figure(figsize=(self.width / dpi, self.height / dpi), dpi=dpi)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_xlim(0, self.width)
        ax.set_ylim(self.height, 0)
        ax.set_axis_off()
        for kind, d in self.items:
            if kind == "rect":
                fc = "none" if d["fill"] == "none" else d["fill"]
                ec = "none" if d["stroke"] == "none" else d["stroke"]
                ls = (0, (4, 3)) if d["dash"] else "-"
                if d["rx"]:
                    box = f"round,pad=0,rounding_size={d['rx']}"
                    patch: Any = FancyBboxPatch(
                        (d["x"], d["y"]), d["w"], d["h"], boxstyle=box, fc=fc, ec=ec, ls=ls, lw=0.8
                    )
                else:
                    patch = Rectangle((d["x"], d["y"]), d["w"], d["h"], fc=fc, ec=ec, ls=ls, lw=0.8)
                ax.add_patch(patch)
            elif kind == "text":
                ha = {"start": "left", "middle": "center", "end": "right"}[d["anchor"]]
                ax.text(
                    d["x"], d["y"], d["s"], fontsize=d["size"] * 72 / dpi, ha=ha, va="baseline",
                    family="DejaVu Sans Mono", weight=d["weight"], color=d["fill"],
                )  # fmt: skip
            else:
                xs, ys = zip(*d["pts"])
                ax.plot(xs, ys, color=d["stroke"], lw=d["width"] * 0.8, solid_capstyle="butt")
                if d["arrow"] and len(d["pts"]) >= 2:
                    ax.add_patch(Polygon(_arrow_head(d["pts"][-2], d["pts"][-1]), fc="#555", ec="none"))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi * scale)
        return buf.getvalue()


def _arrow_head(
    a: tuple[float, float], b: tuple[float, float], size: float = 8.4
) -> list[tuple[float, float]]:
    """The triangle of SVG's arrow marker, tip at ``b``, pointing along ``a -> b``."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    n = (dx * dx + dy * dy) ** 0.5 or 1.0
    ux, uy = dx / n, dy / n
    bx, by = b[0] - ux * size, b[1] - uy * size
    return [b, (bx - uy * size / 2, by + ux * size / 2), (bx + uy * size / 2, by - ux * size / 2)]


def _q(v: object) -> str:
    if isinstance(v, float):
        return f'"{_num(v)}"'
    return f'"{esc(v)}"'

"""A tiny SVG writer: boxes, text, lines and arrows, nothing else.

The pictures of :mod:`learntorch.viz` are plain SVG written by hand, so they show
in JupyterLab, VS Code and exported HTML without Graphviz or a browser plug-in.

>>> s = Svg(40, 20)
>>> s.rect(0, 0, 40, 20, fill="#eee")
>>> s.text(20, 14, "a<b")
>>> print(s.render())  # doctest: +ELLIPSIS
<svg xmlns=... width="40" height="20" viewBox="0 0 40 20" ...>
<rect x="0" y="0" width="40" height="20" fill="#eee" .../>
<text x="20" y="14" ...>a&lt;b</text>
</svg>
"""

from __future__ import annotations

from html import escape
from typing import Sequence

__all__ = ["Svg", "esc", "heat_color", "FONT"]

FONT = "DejaVu Sans Mono, Menlo, Consolas, monospace"
CHAR_W = 6.6  # width of one character at font-size 11 (monospace), in px


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
    """Collects SVG elements and renders them as one ``<svg>`` string."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.parts: list[str] = []

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

    def text(
        self,
        x: float,
        y: float,
        s: object,
        size: float = 11,
        anchor: str = "middle",
        weight: str = "normal",
        fill: str = "#222",
    ) -> None:
        self.parts.append(
            f"<text x={_q(x)} y={_q(y)} font-family={_q(FONT)} font-size={_q(size)} "
            f"text-anchor={_q(anchor)} font-weight={_q(weight)} fill={_q(fill)}>{esc(s)}</text>"
        )

    def line(
        self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#555", width: float = 1
    ) -> None:
        self.parts.append(
            f"<line x1={_q(x1)} y1={_q(y1)} x2={_q(x2)} y2={_q(y2)} stroke={_q(stroke)} "
            f"stroke-width={_q(width)}/>"
        )

    def polyline(self, pts: Sequence[tuple[float, float]], stroke: str = "#555", arrow: bool = True) -> None:
        d = " ".join(f"{_num(float(x))},{_num(float(y))}" for x, y in pts)
        end = ' marker-end="url(#lt-arrow)"' if arrow else ""
        self.parts.append(f'<polyline points="{d}" fill="none" stroke={_q(stroke)} stroke-width="1.2"{end}/>')

    def raw(self, s: str) -> None:
        self.parts.append(s)

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


def _q(v: object) -> str:
    if isinstance(v, float):
        return f'"{_num(v)}"'
    return f'"{esc(v)}"'

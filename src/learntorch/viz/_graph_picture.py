"""The picture of an autograd graph: boxes, arrows and a legend that explains them.

:func:`learntorch.viz.graph` builds a :class:`Graph`; this file draws it (SVG and
PNG through :mod:`._svg`, Graphviz and Mermaid as text) and prints it as a tree.
The legend under the drawing lists only what the drawing uses:

* box colours: parameter/leaf (blue), op = a backward node (grey), output (green),
  module = one layer's ops folded together (yellow, dashed);
* ``-> [5, 8]``: the shape of the tensor an op produced; ``[]`` is a scalar (0 dims);
* ``saved 0: input [5, 8] v0``: a tensor the op keeps for backward and the version
  counter it had when saved (each in-place change adds 1; ``now v1: modified!``
  means backward will refuse);
* the heat strip: ``|grad|`` of a parameter cut into 16 runs of its flattened
  values, each cell the run's mean, scaled so the largest is dark red.

>>> import learntorch as torch
>>> from learntorch import viz
>>> x = torch.tensor(2.0, requires_grad=True)
>>> g = viz.graph(x * x, params={"x": x})
>>> [row[0] for row in g.legend()]
['op', 'leaf', 'output', 'arrow', 'shape', 'saved']
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from ._layout import layered_layout
from ._picture import Picture
from ._svg import Svg, esc, heat_color, text_width

__all__ = ["GNode", "Graph", "COLORS"]

HEAT_CELLS = 16
COLORS = {"op": "#ececec", "leaf": "#cfe3ff", "module": "#fff1c1", "output": "#c9efb4", "input": "#f3f3f3"}
TITLE, BODY, LEGEND = 13.0, 12.0, 12.0  # font sizes (px)
LINE_H = 16.0
PAD = 10.0
KIND_WORDS = {
    "op": "op: a backward node (torch's name), what backward() runs",
    "leaf": "parameter / leaf tensor: backward() writes its .grad",
    "output": "output: the tensor you passed (usually the loss)",
    "module": "module: the ops of one layer folded together",
}


@dataclass
class GNode:
    """One box of the picture."""

    id: str
    kind: str  # "op" | "leaf" | "output" | "module"
    title: str
    lines: list[str] = field(default_factory=list)
    tensors: list[Any] = field(default_factory=list)  # leaves whose grads are shown
    module: str | None = None  # the module that made it (when traced)
    members: list[str] = field(default_factory=list)  # op names inside a module box


def _shape(s: Iterable[int]) -> str:
    return "[" + ", ".join(str(int(v)) for v in s) + "]"


def _dtype_name(t: Any) -> str:
    return str(t.dtype).replace("torch.", "")


def _to_numpy(t: Any) -> np.ndarray:
    return np.asarray(t.detach().cpu().numpy())


def _heat(values: list[np.ndarray], cells: int = HEAT_CELLS) -> list[float]:
    flat = np.concatenate([np.abs(v.astype(np.float64).ravel()) for v in values]) if values else np.zeros(0)
    if flat.size == 0:
        return []
    chunks = np.array_split(flat, min(cells, flat.size))
    means = np.array([c.mean() for c in chunks])
    top = means.max()
    return list(means / top) if top > 0 else [0.0] * len(means)


class Graph(Picture):
    """A drawn autograd graph. Shows itself as SVG (PNG when the notebook is untrusted).

    Useful methods: :meth:`svg`, :meth:`png`, :meth:`to_dot`, :meth:`to_mermaid`,
    :meth:`save`, :meth:`legend`, and :meth:`names` / :meth:`edges_named` (for
    checking what is in it).
    """

    def __init__(self, nodes: dict[str, GNode], edges: list[tuple[str, str]], out_desc: str) -> None:
        self.nodes = nodes
        self.edges = edges
        self.out_desc = out_desc

    # -- content -----------------------------------------------------------------------
    def names(self) -> list[str]:
        """The title of every box, in walk order (output first)."""
        return [n.title for n in self.nodes.values()]

    def edges_named(self) -> list[tuple[str, str]]:
        """Every edge as ``(from title, to title)``, sorted; arrows point from input to use."""
        return sorted((self.nodes[a].title, self.nodes[b].title) for a, b in self.edges)

    def find(self, title: str) -> GNode:
        """The first box with this title (KeyError if none)."""
        for n in self.nodes.values():
            if n.title == title:
                return n
        raise KeyError(title)

    def grad_info(self, n: GNode) -> tuple[str | None, list[float]]:
        """(text, heat strip) describing the current gradient of a leaf or module box."""
        grads = [t.grad for t in n.tensors if getattr(t, "grad", None) is not None]
        if not grads:
            return None, []
        arrs = [_to_numpy(g) for g in grads]
        norm = float(np.sqrt(sum(float((a.astype(np.float64) ** 2).sum()) for a in arrs)))
        return f"grad norm {norm:.3g}", _heat(arrs)

    def lines_of(self, n: GNode) -> list[str]:
        lines = list(n.lines)
        text, _ = self.grad_info(n)
        if text:
            lines.append(text)
        return lines

    def legend(self) -> list[tuple[str, str, str]]:
        """``(key, sample, meaning)`` for every notation the drawing uses."""
        kinds = {n.kind for n in self.nodes.values()}
        lines = [ln for n in self.nodes.values() for ln in self.lines_of(n)]
        rows = [(k, "", KIND_WORDS[k]) for k in ("op", "leaf", "output", "module") if k in kinds]
        if self.edges:
            rows.append(
                ("arrow", "", "arrow: data flows forward (input -> use); backward() walks it in reverse")
            )
        if any(ln.startswith("-> ") for ln in lines):
            rows.append(
                ("shape", "-> [5, 8]", "shape of the tensor this op produced; [] = a scalar (0 dims)")
            )
        if any(ln.startswith("saved") for ln in lines):
            rows.append(
                ("saved", "saved 0: input [5, 8] v0",
                 "a tensor kept for backward; vN = its version counter when saved (+1 per in-place change)")
            )  # fmt: skip
        if any("modified!" in ln for ln in lines):
            rows.append(
                ("modified", "v0, now v1: modified!", "changed in place after saving: backward() will fail")
            )
        if any("freed by backward" in ln for ln in lines):
            rows.append(("freed", "saved: freed by backward()", "backward() already ran and released it"))
        if any(ln.startswith("grad norm") for ln in lines):
            rows.append(("grad", "grad norm 0.123", "L2 norm of the parameter's .grad after backward()"))
        if any(self.grad_info(n)[1] for n in self.nodes.values()):
            rows.append(
                ("heat", "", "|grad| in 16 runs of the flattened values; each cell the run's mean, "
                 "white = 0, dark red = the largest run")
            )  # fmt: skip
        return rows

    # -- text forms ----------------------------------------------------------------------
    def to_text(self, max_lines: int = 80) -> str:
        """An indented tree, output at the top, inputs below (what ``print`` shows)."""
        children: dict[str, list[str]] = {k: [] for k in self.nodes}
        for a, b in self.edges:
            children[b].append(a)
        roots = [k for k, n in self.nodes.items() if n.kind == "output"] or list(self.nodes)[:1]
        out = [f"Graph: {len(self.nodes)} nodes, {len(self.edges)} edges (output {self.out_desc})"]
        seen: set[str] = set()

        def label(k: str) -> str:
            n = self.nodes[k]
            if n.kind == "leaf":
                sub = n.lines[0] if n.lines else ""
                extra = "" if n.title == "AccumulateGrad" else " (AccumulateGrad)"
                s = f"{n.title}{extra} {sub}"
            elif n.kind == "op":
                shp = next((ln[3:] for ln in n.lines if ln.startswith("-> ")), None)
                s = n.title + (f"  -> {shp}" if shp else "")
            else:
                s = f"{n.title} {n.lines[0]}" if n.lines else n.title
            text, _ = self.grad_info(n)
            return s + (f"  ({text})" if text else "")

        stack: list[tuple[str, str, str]] = [(r, "", "") for r in reversed(roots)]
        while stack and len(out) < max_lines:
            k, first, rest = stack.pop()
            again = k in seen and bool(children[k])
            out.append(first + label(k) + ("  (shown above)" if again else ""))
            if again:
                continue
            seen.add(k)
            kids = children[k]
            for i in range(len(kids) - 1, -1, -1):
                last = i == len(kids) - 1
                stack.append((kids[i], rest + ("└─ " if last else "├─ "), rest + ("   " if last else "│  ")))
        if stack:
            out.append("...")
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.to_text()

    def to_dot(self) -> str:
        """Graphviz source (HTML-like labels; ``dot -Tsvg`` draws it)."""
        lines = [
            "digraph autograd {",
            '  graph [rankdir=TB, nodesep=0.25, ranksep=0.45, fontname="Helvetica"];',
            '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.08,0.04"];',
            '  edge [color="#555555", arrowsize=0.7];',
        ]
        for k, n in self.nodes.items():
            _, heat = self.grad_info(n)
            span = max(1, len(heat))
            rows = [f'<TR><TD COLSPAN="{span}"><B>{esc(n.title)}</B></TD></TR>']
            for ln in self.lines_of(n):
                rows.append(f'<TR><TD COLSPAN="{span}"><FONT POINT-SIZE="9">{esc(ln)}</FONT></TD></TR>')
            if heat:
                cells = "".join(
                    f'<TD BGCOLOR="{heat_color(v)}" WIDTH="7" HEIGHT="7" FIXEDSIZE="TRUE"></TD>' for v in heat
                )
                rows.append(f"<TR>{cells}</TR>")
            label = '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">' + "".join(rows)
            label += "</TABLE>>"
            shape = ', shape="box3d"' if n.kind == "module" else ""
            lines.append(f'  {k} [label={label}, fillcolor="{COLORS[n.kind]}"{shape}];')
        for a, b in self.edges:
            lines.append(f"  {a} -> {b};")
        lines.append("}")
        return "\n".join(lines)

    def to_mermaid(self) -> str:
        """Mermaid ``flowchart`` source (GitHub and JupyterLab render it)."""
        lines = ["flowchart TB"]
        for k, n in self.nodes.items():
            text = "<br/>".join([f"<b>{n.title}</b>", *self.lines_of(n)]).replace('"', "#quot;")
            lines.append(f'  {k}["{text}"]:::{n.kind}')
        for a, b in self.edges:
            lines.append(f"  {a} --> {b}")
        for kind, color in COLORS.items():
            lines.append(f"  classDef {kind} fill:{color},stroke:#666")
        return "\n".join(lines)

    # -- pictures ------------------------------------------------------------------------
    def svg(self, engine: str = "builtin") -> str:
        """The picture as an SVG string.

        ``engine``: ``"builtin"`` (learntorch's layered layout, with the legend; the
        default), ``"dot"`` (Graphviz, must be installed; no legend) or ``"auto"``
        (dot when found on PATH).
        """
        if engine not in ("auto", "dot", "builtin"):
            raise ValueError(f"engine must be 'auto', 'dot' or 'builtin', not {engine!r}")
        dot = shutil.which("dot")
        if engine == "dot" and dot is None:
            raise RuntimeError(
                "Graphviz's `dot` program was not found on PATH\n"
                "hint: install graphviz (apt-get install graphviz) or use engine='builtin'."
            )
        if engine != "builtin" and dot is not None:
            try:
                res = subprocess.run(
                    [dot, "-Tsvg"], input=self.to_dot().encode(), capture_output=True, timeout=60, check=True
                )
                text = res.stdout.decode()
                return text[text.index("<svg") :]
            except (subprocess.SubprocessError, OSError, ValueError):
                if engine == "dot":
                    raise
        return self.drawing().render()

    def _box_size(self, n: GNode) -> tuple[float, float]:
        lines = self.lines_of(n)
        _, heat = self.grad_info(n)
        w = max([text_width(n.title, TITLE)] + [text_width(s, BODY) for s in lines] + [len(heat) * 8.0])
        h = 8 + LINE_H + LINE_H * len(lines) + (14 if heat else 0) + 4
        return w + 2 * PAD, h

    def drawing(self) -> Svg:
        """The boxes and arrows laid out by :mod:`._layout`, with the legend underneath."""
        keys = list(self.nodes)
        sizes = {k: self._box_size(self.nodes[k]) for k in keys}
        lay = layered_layout(keys, list(dict.fromkeys(self.edges)), sizes)
        rows = self.legend()
        wrapped = [(k, sample, _wrap(text, 58)) for k, sample, text in rows]
        sample_w = max([text_width(s, LEGEND) for _, s, _ in wrapped] + [16 * 7.0]) + 12
        legend_w = 12 + sample_w + max(text_width(ln, LEGEND) for _, _, t in wrapped for ln in t) + 12
        legend_h = 28 + sum(LINE_H * len(t) + 4 for _, _, t in wrapped) + 6
        s = Svg(max(lay.width, legend_w), lay.height + legend_h)
        for _, _, pts in lay.edges:
            s.polyline(pts)
        for k in keys:
            self._draw_box(s, self.nodes[k], lay.pos[k], sizes[k])
        self._draw_legend(s, wrapped, 12.0, lay.height + 4, sample_w)
        return s

    def _draw_box(self, s: Svg, n: GNode, centre: tuple[float, float], size: tuple[float, float]) -> None:
        (cx, cy), (w, h) = centre, size
        x0, y0 = cx - w / 2, cy - h / 2
        s.rect(x0, y0, w, h, fill=COLORS[n.kind], stroke="#777", rx=5, dash=n.kind == "module", title=n.title)
        s.text(cx, y0 + 8 + 12, n.title, size=TITLE, weight="bold")
        lines = self.lines_of(n)
        for i, ln in enumerate(lines):
            s.text(cx, y0 + 8 + 12 + LINE_H * (i + 1), ln, size=BODY, fill="#333")
        _, heat = self.grad_info(n)
        if heat:
            hx = cx - 4 * len(heat)
            hy = y0 + 8 + LINE_H * (len(lines) + 1) + 3
            for i, v in enumerate(heat):
                s.rect(hx + 8 * i, hy, 8, 8, fill=heat_color(v), stroke="#bbb")

    def _draw_legend(
        self, s: Svg, rows: list[tuple[str, str, list[str]]], x: float, y: float, sample_w: float
    ) -> None:
        s.line(x, y + 4, s.width - x, y + 4, stroke="#ccc")
        s.text(x, y + 22, "How to read this picture", size=LEGEND, anchor="start", weight="bold")
        y += 28
        for key, sample, text in rows:
            mid = y + LINE_H / 2
            if key in COLORS:
                s.rect(x, mid - 7, 40, 14, fill=COLORS[key], stroke="#777", rx=3, dash=key == "module")
            elif key == "arrow":
                s.polyline([(x, mid), (x + 40, mid)])
            elif key == "heat":
                for i in range(HEAT_CELLS):
                    s.rect(x + 7 * i, mid - 5, 7, 9, fill=heat_color(i / (HEAT_CELLS - 1)), stroke="#bbb")
            else:
                s.text(x, mid + 4, sample, size=LEGEND, anchor="start", fill="#333")
            for i, ln in enumerate(text):
                s.text(x + sample_w, mid + 4 + LINE_H * i, ln, size=LEGEND, anchor="start", fill="#222")
            y += LINE_H * len(text) + 4

    def save(self, path: str | Path, engine: str = "builtin") -> Path:
        """Write ``.svg``, ``.png``, ``.html``, ``.dot``/``.gv``, ``.mmd`` or ``.txt`` (chosen by suffix)."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".svg":
            p.write_text(self.svg(engine), encoding="utf-8")
        elif suffix in (".png", ".html", ".htm"):
            return super().save(p)
        elif suffix in (".dot", ".gv"):
            p.write_text(self.to_dot(), encoding="utf-8")
        elif suffix in (".mmd", ".mermaid"):
            p.write_text(self.to_mermaid(), encoding="utf-8")
        elif suffix == ".txt":
            p.write_text(self.to_text(max_lines=10_000), encoding="utf-8")
        else:
            raise ValueError(
                f"don't know how to save a graph as {suffix!r}; use .svg, .png, .html, .dot, .mmd or .txt"
            )
        return p


def _wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap."""
    out: list[str] = []
    for word in text.split():
        if out and len(out[-1]) + 1 + len(word) <= width:
            out[-1] += " " + word
        else:
            out.append(word)
    return out or [""]

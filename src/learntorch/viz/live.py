"""d2l's small training helpers: ``Animator``, ``Timer``, ``Accumulator``.

Same signatures as in *Dive into Deep Learning* (note 000 §8), with one change in
how the Animator shows itself:

* in a live notebook (JupyterLab, VS Code) it shows ONE picture and updates it in
  place through an IPython display handle (no ``clear_output``, which confuses
  notebook tests and flickers);
* headless (a script, CI, or ``LEARNTORCH_HEADLESS=1``) it draws nothing while
  training; :meth:`Animator.show` displays (or :meth:`Animator.save` writes) the
  final figure once.

>>> t = Timer(); t.stop() >= 0
True
>>> acc = Accumulator(2)
>>> acc.add(3, 1); acc.add(5, 1)
>>> acc[0] / acc[1]
4.0
>>> anim = Animator(xlabel="epoch", legend=["loss"], headless=True)
>>> for epoch in range(3):
...     anim.add(epoch + 1, 1.0 / (epoch + 1))
>>> anim.Y
[[1.0, 0.5, 0.3333333333333333]]
"""

from __future__ import annotations

import io
import os
import time
from typing import Any, Sequence

import numpy as np

__all__ = ["Animator", "Timer", "Accumulator", "FigureView", "is_headless", "figure_png", "figure_svg"]


def is_headless() -> bool:
    """True when no live notebook can show pictures (scripts, CI, ``LEARNTORCH_HEADLESS=1``)."""
    flag = os.environ.get("LEARNTORCH_HEADLESS", "").strip().lower()
    if flag in ("1", "true", "yes", "on"):
        return True
    if flag in ("0", "false", "no", "off"):
        return False
    try:
        from IPython import get_ipython  # noqa: PLC0415
    except ImportError:
        return True
    ip = get_ipython()
    return ip is None or not hasattr(ip, "kernel")


class Timer:
    """Record several running times (d2l's Timer).

    >>> t = Timer()
    >>> t.stop() >= 0 and len(t.times) == 1
    True
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start the timer."""
        self.tik = time.perf_counter()

    def stop(self) -> float:
        """Stop the timer and record the time in a list."""
        self.times.append(time.perf_counter() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        """The average time."""
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        """The total time."""
        return sum(self.times)

    def cumsum(self) -> list[float]:
        """The accumulated times."""
        return np.array(self.times).cumsum().tolist()


class Accumulator:
    """Sum ``n`` running totals (d2l's Accumulator).

    >>> m = Accumulator(3)
    >>> m.add(1, 2.5, 3); m.add(1, 0.5, 3)
    >>> m[0], m[1], m[2]
    (2.0, 3.0, 6.0)
    >>> m.reset(); m[0]
    0.0
    """

    def __init__(self, n: int) -> None:
        self.data = [0.0] * n

    def add(self, *args: Any) -> None:
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self) -> None:
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


_SVG_RC = {"svg.hashsalt": "learntorch", "svg.fonttype": "path"}  # the same figure gives the same SVG


def figure_svg(fig: Any) -> str:
    """A matplotlib figure as SVG text, deterministic (fixed ids, no date)."""
    import matplotlib  # noqa: PLC0415

    buf = io.StringIO()
    with matplotlib.rc_context(_SVG_RC):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def figure_png(fig: Any, dpi: int = 100) -> bytes:
    """A matplotlib figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def _bundle(fig: Any, text: str, svg: bool = True) -> tuple[dict, dict]:
    """SVG (when ``svg``), a PNG fallback for untrusted notebooks, and the text form."""
    w, h = (int(round(v * 96)) for v in fig.get_size_inches())  # the size the SVG shows at (96 px per inch)
    data: dict[str, Any] = {"image/png": figure_png(fig, dpi=int(fig.dpi * 2)), "text/plain": text}
    if svg:
        data["image/svg+xml"] = figure_svg(fig)
    return data, {"image/png": {"width": w, "height": h}}


class _Shown:
    """What one display shows: a snapshot of a figure in every form, plus a stable text."""

    def __init__(self, fig: Any, text: str, svg: bool) -> None:
        self.data, self.meta = _bundle(fig, text, svg)
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        return self.data, self.meta

    def _repr_png_(self) -> bytes:
        return self.data["image/png"]

    def __repr__(self) -> str:
        return self.text


class FigureView:
    """A matplotlib Figure that shows itself in notebooks (SVG, PNG fallback; no pyplot needed)."""

    def __init__(self, figure: Any, text: str = "<figure>") -> None:
        self.figure = figure
        self.fig = figure
        self.text = text

    def png(self, dpi: int = 100) -> bytes:
        return figure_png(self.figure, dpi)

    def svg(self) -> str:
        return figure_svg(self.figure)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        return _bundle(self.figure, self.text)

    def save(self, path: str) -> str:
        """Write PNG, SVG or PDF (by suffix); returns the path."""
        import matplotlib  # noqa: PLC0415

        with matplotlib.rc_context(_SVG_RC):
            self.figure.savefig(path, dpi=120)
        return str(path)

    def __repr__(self) -> str:
        return self.text


def _per_panel(value: Any, i: int, pair: bool = False) -> Any:
    """``value`` for panel ``i``: one setting for all panels, or a list with one per panel."""
    if value is None or isinstance(value, str):
        return value
    seq = list(value)
    if pair:  # xlim/ylim: (lo, hi) for all, or [(lo, hi), ...] per panel
        per = any(isinstance(v, (list, tuple)) for v in seq)
        return (seq[i] if i < len(seq) else None) if per else seq
    return seq[i] if i < len(seq) else None


class Animator:
    """Plot data points as they arrive (d2l's Animator), one display updated in place.

    ``fig``, ``axes``, ``X``, ``Y``, ``fmts`` are d2l's attributes (``axes`` is a flat
    list, one per panel). With several panels (``nrows * ncols > 1``), line ``i``
    goes to panel ``panels[i]`` (default: ``i % number of panels``); ``xlabel``,
    ``ylabel``, ``xlim``, ``ylim``, ``xscale``, ``yscale`` are one setting for all
    panels or a list with one per panel.

    In a notebook the picture is SVG with a PNG fallback (``display="png"`` sends
    only PNG, lighter for long runs); headless nothing is drawn until :meth:`show`
    or :meth:`save`.

    >>> a = Animator(legend=["loss", "acc"], ncols=2, ylabel=["loss", "accuracy"], headless=True)
    >>> a.add(1, (0.9, 0.5)); a.add(2, (0.4, 0.8))
    >>> [len(ax.get_lines()) for ax in a.figure().axes], a.axes[1].get_ylabel()
    ([1, 1], 'accuracy')
    """

    def __init__(
        self,
        xlabel: Any = None,
        ylabel: Any = None,
        legend: Sequence[str] | None = None,
        xlim: Any = None,
        ylim: Any = None,
        xscale: Any = "linear",
        yscale: Any = "linear",
        fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
        nrows: int = 1,
        ncols: int = 1,
        figsize: tuple[float, float] = (3.5, 2.5),
        headless: bool | None = None,
        panels: Sequence[int] | None = None,
        display: str = "svg",
    ) -> None:
        from matplotlib.figure import Figure  # noqa: PLC0415

        self.xlabel, self.ylabel = xlabel, ylabel
        self.legend = list(legend) if legend else []
        self.xlim, self.ylim = xlim, ylim
        self.xscale, self.yscale = xscale, yscale
        self.fmts = tuple(fmts)
        self.nrows, self.ncols, self.figsize = nrows, ncols, figsize
        self.panels = list(panels) if panels is not None else None
        if display not in ("svg", "png"):
            raise ValueError(f"display must be 'svg' or 'png', not {display!r}")
        self.display = display
        self.headless = is_headless() if headless is None else headless
        self.X: list[list[float]] | None = None
        self.Y: list[list[float]] | None = None
        self.fig = Figure(figsize=figsize, layout="tight")
        self.axes = list(self.fig.subplots(nrows, ncols, squeeze=False).ravel())
        self._handle: Any = None

    def panel_of(self, line: int) -> int:
        """Which panel line ``line`` is drawn in."""
        if self.panels is not None and line < len(self.panels):
            return int(self.panels[line])
        return line % len(self.axes)

    # -- data ----------------------------------------------------------------------------
    def add(self, x: Any, y: Any) -> None:
        """Add one point to each line: ``y`` is a number or a list (``None`` skips a line)."""
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if self.X is None or self.Y is None:
            self.X = [[] for _ in range(n)]
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(float(a))
                self.Y[i].append(float(b))
        if not self.headless:
            self._update_display()

    # -- drawing -------------------------------------------------------------------------
    def figure(self) -> Any:
        """Draw the current data on :attr:`fig` and return it (not registered with pyplot)."""
        self._draw()
        return self.fig

    def _draw(self) -> None:
        for p, ax in enumerate(self.axes):
            ax.cla()
            labels = []
            for i, (xs, ys) in enumerate(zip(self.X or [], self.Y or [])):
                if self.panel_of(i) != p:
                    continue
                label = self.legend[i] if i < len(self.legend) else None
                ax.plot(xs, ys, self.fmts[i % len(self.fmts)], label=label)
                labels += [label] if label else []
            ax.set_xlabel(_per_panel(self.xlabel, p) or "")
            ax.set_ylabel(_per_panel(self.ylabel, p) or "")
            ax.set_xscale(_per_panel(self.xscale, p) or "linear")
            ax.set_yscale(_per_panel(self.yscale, p) or "linear")
            xlim, ylim = _per_panel(self.xlim, p, pair=True), _per_panel(self.ylim, p, pair=True)
            if xlim and xlim[0] != xlim[1]:
                ax.set_xlim(xlim)
            if ylim:
                ax.set_ylim(ylim)
            if labels:
                ax.legend()
            ax.grid(True)

    def png(self, dpi: int = 100) -> bytes:
        """The current figure as PNG bytes."""
        return figure_png(self.figure(), dpi)

    def svg(self) -> str:
        """The current figure as SVG text."""
        return figure_svg(self.figure())

    def _text(self) -> str:
        names = self.legend or [f"line {i}" for i in range(len(self.X or []))]
        return f"<Animator: {', '.join(names)}>"

    def _snapshot(self) -> _Shown:
        return _Shown(self.figure(), self._text(), svg=self.display == "svg")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        return self._snapshot()._repr_mimebundle_()

    def _update_display(self) -> None:
        from IPython.display import display  # noqa: PLC0415

        pic = self._snapshot()
        if self._handle is None:
            self._handle = display(pic, display_id=True)
        else:
            self._handle.update(pic)

    def show(self) -> None:
        """Show the final figure once: in a notebook as one picture, in a script with pyplot if interactive.

        Live notebooks already show the figure, so this does nothing there.
        """
        if not self.headless:
            if self._handle is None:
                self._update_display()
            return
        try:
            from IPython import get_ipython  # noqa: PLC0415

            ip = get_ipython()
        except ImportError:
            ip = None
        if ip is not None and hasattr(ip, "kernel"):
            from IPython.display import display  # noqa: PLC0415

            display(self._snapshot())
            return
        import matplotlib  # noqa: PLC0415

        if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo", "template"):
            import matplotlib.pyplot as plt  # noqa: PLC0415

            plt.figure(figsize=self.figsize)
            plt.imshow(_png_array(self.png()))
            plt.axis("off")
            plt.show()

    def save(self, path: str) -> str:
        """Write the current figure (PNG, SVG or PDF, by suffix); returns the path."""
        return FigureView(self.figure()).save(path)


def _png_array(data: bytes) -> Any:
    import matplotlib.image as mpimg  # noqa: PLC0415

    return mpimg.imread(io.BytesIO(data), format="png")

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

__all__ = ["Animator", "Timer", "Accumulator", "FigureView", "is_headless"]


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


class _PNG:
    """A picture for IPython's display: PNG bytes plus a stable text form."""

    def __init__(self, data: bytes, text: str) -> None:
        self.data = data
        self.text = text

    def _repr_png_(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return self.text


class FigureView:
    """A matplotlib Figure that shows itself as PNG in notebooks (no pyplot needed)."""

    def __init__(self, figure: Any, text: str = "<figure>") -> None:
        self.figure = figure
        self.text = text

    def png(self, dpi: int = 100) -> bytes:
        buf = io.BytesIO()
        self.figure.savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def _repr_png_(self) -> bytes:
        return self.png()

    def save(self, path: str) -> str:
        """Write PNG, SVG or PDF (by suffix); returns the path."""
        self.figure.savefig(path, dpi=120)
        return str(path)

    def __repr__(self) -> str:
        return self.text


class Animator:
    """Plot data points as they arrive (d2l's Animator), one display updated in place.

    Args:
        xlabel, ylabel, legend, xlim, ylim, xscale, yscale, fmts, nrows, ncols,
        figsize: as in d2l (``fmts`` are matplotlib line formats, one per line).
        headless: force (True) or forbid (False) headless mode; default: detect.
    """

    def __init__(
        self,
        xlabel: str | None = None,
        ylabel: str | None = None,
        legend: Sequence[str] | None = None,
        xlim: Sequence[float] | None = None,
        ylim: Sequence[float] | None = None,
        xscale: str = "linear",
        yscale: str = "linear",
        fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
        nrows: int = 1,
        ncols: int = 1,
        figsize: tuple[float, float] = (3.5, 2.5),
        headless: bool | None = None,
    ) -> None:
        self.xlabel, self.ylabel = xlabel, ylabel
        self.legend = list(legend) if legend else []
        self.xlim, self.ylim = xlim, ylim
        self.xscale, self.yscale = xscale, yscale
        self.fmts = tuple(fmts)
        self.nrows, self.ncols, self.figsize = nrows, ncols, figsize
        self.headless = is_headless() if headless is None else headless
        self.X: list[list[float]] | None = None
        self.Y: list[list[float]] | None = None
        self._handle: Any = None
        self._fig: Any = None

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
        """Draw the current data on a fresh matplotlib Figure (not registered with pyplot)."""
        from matplotlib.figure import Figure  # noqa: PLC0415

        fig = Figure(figsize=self.figsize, layout="tight")
        self._draw(fig)
        self._fig = fig
        return fig

    def _draw(self, fig: Any) -> None:
        axes = fig.subplots(self.nrows, self.ncols, squeeze=False).ravel()
        ax = axes[0]
        for i, (xs, ys) in enumerate(zip(self.X or [], self.Y or [])):
            fmt = self.fmts[i % len(self.fmts)]
            label = self.legend[i] if i < len(self.legend) else None
            ax.plot(xs, ys, fmt, label=label)
        ax.set_xlabel(self.xlabel or "")
        ax.set_ylabel(self.ylabel or "")
        ax.set_xscale(self.xscale)
        ax.set_yscale(self.yscale)
        if self.xlim and self.xlim[0] != self.xlim[1]:
            ax.set_xlim(self.xlim)
        if self.ylim:
            ax.set_ylim(self.ylim)
        if self.legend:
            ax.legend(self.legend[: len(self.X or [])] or self.legend)
        ax.grid(True)

    @property
    def axes(self) -> Any:
        """The axes of the last drawn figure (drawn now if none yet)."""
        fig = self._fig if self._fig is not None else self.figure()
        return fig.axes

    def png(self, dpi: int = 100) -> bytes:
        """The current figure as PNG bytes."""
        buf = io.BytesIO()
        self.figure().savefig(buf, format="png", dpi=dpi)
        return buf.getvalue()

    def _text(self) -> str:
        names = self.legend or [f"line {i}" for i in range(len(self.X or []))]
        return f"<Animator: {', '.join(names)}>"

    def _update_display(self) -> None:
        from IPython.display import display  # noqa: PLC0415

        pic = _PNG(self.png(), self._text())
        if self._handle is None:
            self._handle = display(pic, display_id=True)
        else:
            self._handle.update(pic)

    def show(self) -> None:
        """Show the final figure once: in a notebook as one image, in a script with pyplot if interactive.

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

            display(_PNG(self.png(), self._text()))
            return
        import matplotlib  # noqa: PLC0415

        if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "ps", "cairo", "template"):
            import matplotlib.pyplot as plt  # noqa: PLC0415

            self._draw(plt.figure(figsize=self.figsize, layout="tight"))
            plt.show()

    def save(self, path: str) -> str:
        """Write the current figure (PNG, SVG or PDF, by suffix); returns the path."""
        self.figure().savefig(path, dpi=120)
        return str(path)

    def _repr_png_(self) -> bytes:
        return self.png()

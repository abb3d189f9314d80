"""What every explorer shares: state, a picture drawn from it, controls that change it.

An explorer is a small class. Its state is plain attributes (the tests read them);
``render()`` draws that state as a matplotlib figure, an SVG string or PNG bytes, computed with
learntorch itself; ``controls()`` returns the ipywidgets that change the state. The
base class wires the controls to ``update``, redraws the picture in place (by setting
the value of one Image/HTML widget, so nothing flickers), and shows an error, torch's
message plus a hint, inside the explorer instead of raising out of a callback.

Displayed in a notebook, an explorer sends the live widget together with a PNG of
its current picture, so a saved or headless notebook (nbval, an untrusted notebook
opened before running) still shows a picture of the initial state.
"""

from __future__ import annotations

import abc
import base64
import html
import io
from typing import Any

__all__ = ["Explorer", "figure_png", "svg_png"]


def figure_png(fig: Any, dpi: int = 80, tight: bool = True) -> bytes:
    """PNG bytes of a matplotlib figure; a pyplot figure is closed afterwards.

    ``tight=False`` saves the figure as laid out (one draw instead of two: faster, for
    explorers that place their axes themselves and redraw the same figure).
    """
    import matplotlib.pyplot as plt  # noqa: PLC0415

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight" if tight else None)
    plt.close(fig)
    return buf.getvalue()


def svg_png(svg: str) -> bytes | None:
    """A PNG of an SVG string when a converter is at hand (cairosvg), else None."""
    try:
        import cairosvg  # type: ignore[import-not-found]  # noqa: PLC0415
    except ImportError:
        return None
    return cairosvg.svg2png(bytestring=svg.encode())


class Explorer(abc.ABC):
    """Base class of the explorers in :mod:`learntorch.widgets`.

    Subclasses set their state in ``__init__`` and then call ``super().__init__()``;
    they implement ``render()`` and ``controls()`` and may override ``summary()``.
    ``update(**state)`` changes state and redraws; it is what the controls call and
    what tests call. ``error`` holds the text of the last error shown (or ``None``).
    """

    title: str = "explorer"
    #: save the PNG with ``bbox_inches="tight"`` (an extra draw); explorers that lay out
    #: their own figure set this to False for faster redraws
    tight_png: bool = True
    #: redraw even when ``compute`` raised (the picture can show what failed, e.g. the
    #: dimension pair that cannot broadcast); ``render`` must then cope with partial results
    draw_on_error: bool = False

    def __init__(self) -> None:
        self.error: str | None = None
        self._widget: Any = None
        self._picture: Any = None
        self._message: Any = None
        self._png: bytes | None = None
        self._svg: str | None = None
        self._syncing = False
        self._compute_safely()

    # -- to implement -------------------------------------------------------------
    def compute(self) -> None:  # noqa: B027 - optional: explorers that draw straight from state skip it
        """Recompute everything ``render`` draws from the state (may raise torch's errors)."""

    @abc.abstractmethod
    def render(self) -> Any:
        """The picture of the current state: a matplotlib Figure, an SVG string or PNG bytes."""

    def controls(self) -> list[Any]:
        """The ipywidgets that change the state (each calls ``self.update``)."""
        return []

    def sync_controls(self) -> None:  # noqa: B027 - optional hook
        """Bring the controls in line with the state after an update (a slider's range...).

        Called by ``update`` after the redraw; changes made here to control values do not
        call ``update`` again (see ``bind``).
        """

    def summary(self) -> str:
        """A line or two of text describing the current state (the text form)."""
        return self.title

    # -- machinery ------------------------------------------------------------------
    def _compute_safely(self, draw: bool = False) -> bool:
        try:
            self.compute()
            if draw:
                self._draw()
        except Exception as err:  # noqa: BLE001 - any error a student's setting causes is shown
            self.error = f"{type(err).__name__}: {err}"
            if draw and self.draw_on_error:
                try:
                    self._draw()
                except Exception:  # noqa: BLE001 - the message already says what went wrong
                    pass
            return False
        self.error = None
        return True

    def update(self, **state: Any) -> None:
        """Set state attributes, recompute and redraw; an error is shown, not raised."""
        for name, value in state.items():
            if not hasattr(self, name):
                raise AttributeError(f"{type(self).__name__} has no setting {name!r}")
            setattr(self, name, value)
        self._compute_safely(draw=True)
        self._show_message()
        if self._widget is not None and not self._syncing:
            self._syncing = True
            try:
                self.sync_controls()
            except Exception as err:  # noqa: BLE001 - a control out of sync must not break the callback
                self.error = (self.error or "") + f"\n(controls: {type(err).__name__}: {err})"
                self._show_message()
            finally:
                self._syncing = False

    def bind(self, control: Any, name: str, convert: Any = None) -> Any:
        """Make ``control`` set state ``name`` (through ``convert`` if given) and redraw.

        Changes made while the controls are being synced (``sync_controls``) are ignored,
        so syncing never loops. Returns the control.
        """

        def changed(change: Any) -> None:
            if self._syncing:
                return
            try:
                value = change["new"] if convert is None else convert(change["new"])
            except Exception as err:  # noqa: BLE001 - a bad typed value is shown, not raised
                self.error = f"{type(err).__name__}: {err}"
                self._show_message()
                return
            self.update(**{name: value})

        control.observe(changed, names="value")
        return control

    def _draw(self) -> None:
        picture = self.render()
        if isinstance(picture, (bytes, bytearray)):  # already a PNG (a raster explorer)
            self._svg, self._png = None, bytes(picture)
            if self._picture is not None:
                self._picture.value = self._png
        elif isinstance(picture, str):
            self._svg, self._png = picture, None
            if self._picture is not None:
                self._picture.value = picture
        else:
            self._svg, self._png = None, figure_png(picture, tight=self.tight_png)
            if self._picture is not None:
                self._picture.value = self._png

    def _first_draw(self) -> None:
        """Draw the initial picture (also in an error state when ``draw_on_error``)."""
        if self.error is None:
            self._draw()
        elif self.draw_on_error:
            try:
                self._draw()
            except Exception:  # noqa: BLE001 - the message says what went wrong
                pass

    def _show_message(self) -> None:
        if self._message is None:
            return
        if self.error:
            text = html.escape(self.error).replace("\n", "<br>")
            self._message.value = (
                '<div style="color:#b00020;background:#fdecea;border-left:4px solid #b00020;'
                f'padding:6px 10px;font-family:monospace;white-space:pre-wrap">{text}</div>'
            )
        else:
            self._message.value = ""

    def widget(self) -> Any:
        """The explorer as one ipywidgets box: controls, picture, message line."""
        if self._widget is None:
            import ipywidgets as w  # noqa: PLC0415

            if self._png is None and self._svg is None:
                self._first_draw()
            if self._svg is not None:
                self._picture = w.HTML(self._svg)
            else:
                self._picture = w.Image(value=self._png or b"", format="png")
            self._message = w.HTML()
            self._show_message()
            self._widget = w.VBox([*self.controls(), self._picture, self._message])
        return self._widget

    def png(self) -> bytes | None:
        """PNG bytes of the current picture (None for an SVG picture without a converter)."""
        if self._png is None and self._svg is None:
            self._first_draw()
        return self._png if self._png is not None else (svg_png(self._svg) if self._svg else None)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {})
        png = self.png()
        if png:
            bundle["image/png"] = base64.b64encode(png).decode()
        elif self._svg:
            bundle["image/svg+xml"] = self._svg
        bundle["text/plain"] = self.summary() + (f"\n{self.error}" if self.error else "")
        return bundle

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.summary()}>"

"""How every picture of :mod:`learntorch.viz` shows itself and saves itself.

A notebook output may carry one picture in several forms; the front end picks the
best one it may show. JupyterLab shows SVG only from notebooks it trusts, so a
course notebook opened for the first time would show nothing. Each picture
therefore offers three forms:

* ``image/svg+xml``: crisp, used where the notebook is trusted (or just ran);
* ``image/png``: the same drawing made by matplotlib, used by untrusted notebooks;
* ``text/plain``: the text form, for terminals and ``print``.

No ``text/html`` with SVG inside: JupyterLab would prefer it and then strip the
SVG out of it when untrusted.

>>> from learntorch.viz._svg import Svg
>>> class Dot(Picture):
...     def drawing(self):
...         s = Svg(20, 20)
...         s.rect(5, 5, 10, 10, fill="#c00")
...         return s
...     def __repr__(self):
...         return "<a red dot>"
>>> data, meta = Dot()._repr_mimebundle_()
>>> sorted(data), meta["image/png"]["width"]
(['image/png', 'image/svg+xml', 'text/plain'], 20)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ._svg import Svg

__all__ = ["Picture"]


class Picture:
    """Mixin: subclasses implement :meth:`drawing` (an :class:`Svg`) and ``__repr__``."""

    def drawing(self) -> Svg:
        raise NotImplementedError

    def svg(self) -> str:
        """The picture as an SVG string."""
        return self.drawing().render()

    def png(self, scale: float = 2.0) -> bytes:
        """The picture as PNG bytes (``scale`` pixels per SVG pixel)."""
        return self.drawing().png(scale)

    def html(self) -> str:
        """A standalone HTML page showing the picture (for ``save('x.html')``)."""
        return (
            "<!doctype html><meta charset='utf-8'><title>learntorch</title>"
            f"<body style='margin:12px'>{self.svg()}</body>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        d = self.drawing()
        data = {"image/svg+xml": d.render(), "image/png": d.png(2.0), "text/plain": repr(self)}
        meta = {"image/png": {"width": int(round(d.width)), "height": int(round(d.height))}}
        return data, meta

    def save(self, path: str | Path) -> Path:
        """Write ``.svg``, ``.png``, ``.html`` or anything else as the text form (chosen by suffix)."""
        p = Path(path)
        suffix = p.suffix.lower()
        if suffix == ".png":
            p.write_bytes(self.png())
        elif suffix == ".svg":
            p.write_text(self.svg(), encoding="utf-8")
        elif suffix in (".html", ".htm"):
            p.write_text(self.html(), encoding="utf-8")
        else:
            p.write_text(repr(self) + "\n", encoding="utf-8")
        return p

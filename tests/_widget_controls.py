"""Find an explorer's controls by their description (shared by the widget tests)."""

from __future__ import annotations

from typing import Any


def controls(explorer: Any) -> dict[str, Any]:
    """``{description: widget}`` for every control in the explorer's widget tree."""
    found: dict[str, Any] = {}

    def walk(w: Any) -> None:
        for child in getattr(w, "children", ()):
            walk(child)
        desc = getattr(w, "description", None)
        if desc and desc not in found:
            found[desc] = w

    walk(explorer.widget())
    return found


def picture(explorer: Any) -> bytes:
    """The bytes the picture widget shows now."""
    return bytes(explorer._picture.value)


def message(explorer: Any) -> str:
    """The text of the explorer's message line (empty when all is well)."""
    return explorer._message.value

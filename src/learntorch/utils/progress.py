"""A progress bar for long loops: ``progress(iterable, desc=..., total=...)``.

A thin layer over tqdm (``tqdm.auto`` picks the notebook widget in Jupyter and a text
bar in a terminal). ``disable=True`` (or the environment variable
``LEARNTORCH_NO_PROGRESS=1``, handy in CI and doctests) gives the plain iterable back,
so a training helper can always wrap its loop.

>>> from learntorch.utils.progress import progress
>>> total = 0
>>> for x in progress(range(5), desc="epoch", disable=True):
...     total += x
>>> total
10
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, TypeVar

__all__ = ["progress"]

T = TypeVar("T")


def _disabled_by_env() -> bool:
    return os.environ.get("LEARNTORCH_NO_PROGRESS", "").lower() in ("1", "true", "yes")


def progress(
    iterable: Iterable[T],
    desc: str | None = None,
    total: int | None = None,
    *,
    disable: bool = False,
    leave: bool = True,
    unit: str = "it",
    **tqdm_kwargs: Any,
) -> Iterable[T]:
    """Wrap ``iterable`` in a tqdm bar (notebook or terminal), or return it as is when disabled.

    Args:
        iterable: what to loop over (a DataLoader, a range, ...).
        desc: text in front of the bar.
        total: number of items when ``len(iterable)`` is not available.
        disable: skip the bar entirely.
        leave: keep the finished bar on screen.
        unit: name of one item (``'batch'``, ``'epoch'``).
        **tqdm_kwargs: passed on to tqdm (e.g. ``position``, ``file``).

    The returned bar has tqdm's ``set_postfix(loss=...)`` for live numbers.
    """
    if disable or _disabled_by_env():
        return iterable
    from tqdm.auto import tqdm  # noqa: PLC0415 - optional UI dependency, loaded on use

    return tqdm(iterable, desc=desc, total=total, leave=leave, unit=unit, **tqdm_kwargs)

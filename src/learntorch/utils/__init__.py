"""``learntorch.utils``: data loading (``utils.data``) and a progress-bar helper (``utils.progress``)."""

from . import data

__all__ = ["data"]

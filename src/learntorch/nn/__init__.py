"""``torch.nn``: modules, layers, losses, init and functional."""

from . import functional, modules
from .modules import *  # noqa: F403 - the layer classes, listed in modules/__init__.py
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["functional", "modules", "Parameter", "Buffer", *_modules_all]

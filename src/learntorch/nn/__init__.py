"""``torch.nn``: modules, layers, losses, init and functional."""

from . import functional, init, modules, utils
from .modules import *  # noqa: F403 - the layer classes, listed in modules/__init__.py
from .modules import __all__ as _modules_all
from .parameter import Buffer, Parameter

__all__ = ["functional", "init", "modules", "utils", "Parameter", "Buffer", *_modules_all]

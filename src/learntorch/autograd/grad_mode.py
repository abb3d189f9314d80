"""Switching graph recording on and off: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

Each works as a context manager and as a decorator, like torch's.
"""

from __future__ import annotations

import functools
import threading
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_state = threading.local()


def is_grad_enabled() -> bool:
    """True when new operations are recorded for autograd.

    >>> is_grad_enabled()
    True
    """
    return getattr(_state, "enabled", True)


def _set(mode: bool) -> None:
    _state.enabled = mode


def is_inference_mode_enabled() -> bool:
    return getattr(_state, "inference", False)


class _DecoratorContext:
    """A context manager that can also decorate a function (torch's pattern)."""

    def __call__(self, func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def clone(self) -> _DecoratorContext:
        return self.__class__()


class no_grad(_DecoratorContext):
    """Do not record operations: results have ``requires_grad=False``.

    >>> import learntorch as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __enter__(self) -> None:
        self._prev = is_grad_enabled()
        _set(False)

    def __exit__(self, *exc: object) -> None:
        _set(self._prev)


class enable_grad(_DecoratorContext):
    """Record operations again inside a ``no_grad`` block."""

    def __enter__(self) -> None:
        self._prev = is_grad_enabled()
        _set(True)

    def __exit__(self, *exc: object) -> None:
        _set(self._prev)


class set_grad_enabled(_DecoratorContext):
    """``set_grad_enabled(False)`` is ``no_grad()``; usable as a function call too.

    >>> import learntorch as torch
    >>> _ = torch.set_grad_enabled(False); torch.is_grad_enabled()
    False
    >>> _ = torch.set_grad_enabled(True); torch.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self.mode = bool(mode)
        self._prev = is_grad_enabled()
        _set(self.mode)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _set(self._prev)

    def clone(self) -> set_grad_enabled:
        # used as a decorator: re-apply the mode for every call
        _set(self._prev)
        obj = self.__class__.__new__(self.__class__)
        obj.mode = self.mode
        return _Entering(obj)  # type: ignore[return-value]


class _Entering:
    def __init__(self, ctx: set_grad_enabled) -> None:
        self.ctx = ctx

    def __enter__(self) -> None:
        self.ctx._prev = is_grad_enabled()
        _set(self.ctx.mode)

    def __exit__(self, *exc: object) -> None:
        _set(self.ctx._prev)


class inference_mode(_DecoratorContext):
    """Like ``no_grad``, and tensors made inside are marked as inference tensors."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        self._prev = (is_grad_enabled(), is_inference_mode_enabled())
        if self.mode:
            _set(False)
            _state.inference = True

    def __exit__(self, *exc: object) -> None:
        _set(self._prev[0])
        _state.inference = self._prev[1]

    def clone(self) -> inference_mode:
        return self.__class__(self.mode)

"""Switching graph recording on and off: ``no_grad``, ``enable_grad``,
``set_grad_enabled`` and ``inference_mode``.

Each works as a context manager and as a decorator, like PyTorch's, and the
state is per thread (a DataLoader thread does not switch off your model's
gradients). ``no_grad`` and ``enable_grad`` also decorate without parentheses.

>>> import learntorch as torch
>>> x = torch.ones(2, requires_grad=True)
>>> with torch.no_grad():
...     print((x * 2).requires_grad)
False
>>> @torch.no_grad
... def double(t):
...     return t * 2
>>> double(x).requires_grad
False
"""

from __future__ import annotations

import functools
import inspect
import threading
from typing import Any, Callable, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "is_inference_mode_enabled",
]


class _State(threading.local):
    """Per-thread switches; class attributes are the defaults every new thread starts with."""

    enabled = True
    inference = False


_state = _State()


def is_grad_enabled() -> bool:
    """True when new operations are recorded for autograd.

    >>> is_grad_enabled()
    True
    """
    return _state.enabled


def _set(mode: bool) -> None:
    _state.enabled = mode


def is_inference_mode_enabled() -> bool:
    """True inside ``with torch.inference_mode():``."""
    return _state.inference


class _DecoratorContext:
    """A context manager that can also decorate a function (PyTorch's pattern).

    Every call of the decorated function runs inside a fresh copy (``clone``) of
    the context, so the decorator can be reused and nested. Generator functions
    run each step inside the context.
    """

    def __call__(self, func: F) -> F:
        make = self.clone
        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
                gen = func(*args, **kwargs)
                value = None
                while True:
                    try:
                        with make():
                            item = gen.send(value)
                    except StopIteration as stop:
                        return stop.value
                    value = yield item

            return gen_wrapper  # type: ignore[return-value]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with make():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    def clone(self) -> _DecoratorContext:
        return self.__class__()


class _NoParamDecoratorContext(_DecoratorContext):
    """Also usable as a bare decorator: ``@torch.no_grad`` as well as ``@torch.no_grad()``."""

    def __new__(cls, orig_func: Callable | None = None) -> Any:
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecoratorContext):
    """Do not record operations: results have ``requires_grad=False``.

    >>> import learntorch as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __enter__(self) -> None:
        self.prev = _state.enabled
        _state.enabled = False

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev


class enable_grad(_NoParamDecoratorContext):
    """Record operations again, e.g. inside a ``no_grad`` block.

    >>> import learntorch as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.no_grad():
    ...     with torch.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    def __enter__(self) -> None:
        self.prev = _state.enabled
        _state.enabled = True

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev


class set_grad_enabled(_DecoratorContext):
    """Turn recording on or off: as a plain call, a ``with`` block or a decorator.

    As in PyTorch the mode takes effect as soon as the object is created, so a
    bare call ``torch.set_grad_enabled(False)`` switches it for good, while
    ``with torch.set_grad_enabled(False):`` restores the previous mode on exit.
    Used as a decorator it leaves the mode outside the function untouched.

    >>> import learntorch as torch
    >>> _ = torch.set_grad_enabled(False); torch.is_grad_enabled()
    False
    >>> _ = torch.set_grad_enabled(True); torch.is_grad_enabled()
    True
    >>> with torch.set_grad_enabled(False):
    ...     torch.is_grad_enabled()
    False
    >>> torch.is_grad_enabled()
    True
    """

    def __init__(self, mode: bool) -> None:
        self.prev = _state.enabled
        self.mode = bool(mode)
        _state.enabled = self.mode

    def __call__(self, func: F) -> F:
        _state.enabled = self.prev  # decorating must not change the mode outside the function
        return super().__call__(func)

    def __enter__(self) -> None:
        _state.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _state.enabled = self.prev

    def clone(self) -> set_grad_enabled:
        return self.__class__(self.mode)

    def __repr__(self) -> str:
        return f"torch.autograd.grad_mode.set_grad_enabled(mode={self.mode})"

    __str__ = __repr__


class inference_mode(_DecoratorContext):
    """Like ``no_grad``, and tensors made inside are *inference tensors*.

    Inference tensors never join a graph later (``x.is_inference()`` tells).
    ``inference_mode(False)`` switches it off again and turns recording on.

    >>> import learntorch as torch
    >>> x = torch.ones(2, requires_grad=True)
    >>> with torch.inference_mode():
    ...     y = x * 2
    >>> y.requires_grad, y.is_inference(), x.is_inference()
    (False, True, False)
    """

    def __new__(cls, mode: Any = True) -> Any:
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)  # bare decorator: @torch.inference_mode

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        self.prev = (_state.enabled, _state.inference)
        _state.enabled = not self.mode
        _state.inference = self.mode

    def __exit__(self, *exc: object) -> None:
        _state.enabled, _state.inference = self.prev

    def clone(self) -> inference_mode:
        return self.__class__(self.mode)

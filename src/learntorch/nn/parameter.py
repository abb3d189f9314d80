"""``nn.Parameter`` and ``nn.Buffer``: tensors that a Module registers when assigned.

A :class:`Parameter` is a leaf tensor with ``requires_grad=True`` by default; assigning
one as a Module attribute (``self.w = nn.Parameter(...)``) adds it to
``module.parameters()``, which is what an optimizer updates. A :class:`Buffer` is
state that is saved in the ``state_dict`` but not trained (BatchNorm's running mean).

>>> import learntorch as torch
>>> from learntorch import nn
>>> p = nn.Parameter(torch.ones(2))
>>> p
Parameter containing:
tensor([1., 1.], requires_grad=True)
>>> isinstance(p, torch.Tensor), p.is_leaf
(True, True)
"""

from __future__ import annotations

from typing import Any

from ..tensor import Tensor

__all__ = ["Parameter", "Buffer"]


class Parameter(Tensor):
    """A tensor that is a module parameter (``requires_grad=True`` unless told otherwise).

    ``Parameter(data)`` shares memory with ``data`` (no copy) and is always a leaf, even
    when ``data`` came out of a computation or was made under ``no_grad``.

    Args:
        data: the values; ``None`` gives an empty tensor.
        requires_grad: whether the optimizer should get gradients for it. Default ``True``.

    Taught in note 002 (参数管理, 自定义层).
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            from ..creation import empty  # noqa: PLC0415

            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(
                f"Parameter.__new__ expected a Tensor as data, got {type(data).__name__}\n"
                "hint: wrap the values first, e.g. nn.Parameter(torch.tensor(values))."
            )
        p = cls._make(data._data)
        p._version_box = data._version_box
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # everything happens in __new__ (Tensor.__init__ must not run again)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol: int) -> Any:
        return (_rebuild_parameter, (Tensor._make(self._data), self._requires_grad))

    def __deepcopy__(self, memo: dict) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(Tensor._make(self._data.copy()), self._requires_grad)
        memo[id(self)] = result
        return result


def _rebuild_parameter(data: Tensor, requires_grad: bool) -> Parameter:
    return Parameter(data, requires_grad)


class _BufferMeta(type):
    """``isinstance(t, Buffer)`` is true for tensors made by ``Buffer(...)`` (as in PyTorch)."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, Tensor) and getattr(instance, "_is_buffer", False)


class Buffer(metaclass=_BufferMeta):
    """Marks a tensor as a module buffer: ``self.running_mean = nn.Buffer(torch.zeros(3))``.

    Like PyTorch, ``Buffer(t)`` returns a plain :class:`Tensor` (a detached alias of ``t``)
    flagged so that assigning it to a Module registers it as a buffer.

    Args:
        data: the values; ``None`` gives an empty tensor.
        persistent: whether it goes into the ``state_dict``. Default ``True``.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> b = nn.Buffer(torch.zeros(2), persistent=False)
    >>> type(b).__name__, isinstance(b, nn.Buffer), b.persistent
    ('Tensor', True, False)
    """

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Tensor:  # type: ignore[misc]
        if data is None:
            from ..creation import empty  # noqa: PLC0415

            data = empty(0)
        t = data.detach()
        t._requires_grad = data.requires_grad
        t.persistent = persistent
        t._is_buffer = True
        return t

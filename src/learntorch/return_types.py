"""Named result tuples such as ``torch.return_types.max(values=..., indices=...)``.

Functions like ``max(dim=...)``, ``min``, ``sort``, ``topk`` or ``median`` return
a tuple whose fields also have names. It unpacks like a tuple
(``values, indices = x.max(1)``) and prints the way PyTorch prints it.

>>> import learntorch as torch
>>> MaxResult = make_return_type("max", ("values", "indices"))
>>> r = MaxResult((torch.tensor([5.0, 3.0]), torch.tensor([1, 0])))
>>> r
torch.return_types.max(
values=tensor([5., 3.]),
indices=tensor([1, 0]))
>>> r.indices
tensor([1, 0])
>>> values, indices = r
"""

from __future__ import annotations

from typing import Any, Sequence

__all__ = ["make_return_type"]

_registry: dict[str, type] = {}


class _ReturnType(tuple):
    """Base of every named result tuple; subclasses set ``_fields``."""

    _fields: tuple[str, ...] = ()
    n_fields = 0
    n_sequence_fields = 0
    n_unnamed_fields = 0

    def __new__(cls, values: Sequence[Any] = ()) -> _ReturnType:
        values = tuple(values)
        if len(values) != len(cls._fields):
            raise TypeError(
                f"torch.return_types.{cls.__name__}() takes a {len(cls._fields)}-sequence "
                f"({len(values)}-sequence given)"
            )
        return super().__new__(cls, values)

    def __repr__(self) -> str:
        body = ",\n".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        return (_rebuild, (type(self).__name__, self._fields, tuple(self)))


def _rebuild(name: str, fields: tuple[str, ...], values: tuple) -> _ReturnType:
    return make_return_type(name, fields)(values)


def _field(i: int) -> property:
    return property(lambda self: tuple.__getitem__(self, i))


def make_return_type(name: str, fields: Sequence[str]) -> type:
    """The named-tuple class ``torch.return_types.<name>`` with the given field names.

    The same (name, fields) always gives the same class, so results compare
    and pickle consistently.
    """
    fields = tuple(fields)
    cls = _registry.get(name)
    if cls is not None and cls._fields == fields:
        return cls
    ns: dict[str, Any] = {f: _field(i) for i, f in enumerate(fields)}
    ns.update(
        _fields=fields,
        n_fields=len(fields),
        n_sequence_fields=len(fields),
        __module__="torch.return_types",
        __qualname__=name,
        __slots__=(),
    )
    cls = type(name, (_ReturnType,), ns)
    _registry[name] = cls
    return cls

"""Turning a list of samples into a batch: ``default_collate`` and ``default_convert``.

``default_collate`` stacks along a new first dimension and keeps the structure of a
sample, with torch's exact output types: tensors and NumPy arrays are stacked, Python
``float`` becomes a ``float64`` tensor and ``int`` an ``int64`` one, strings are passed through (as torch does),
a tuple sample gives a *list* of batches, dicts and namedtuples keep their type.

>>> from learntorch.utils.data import default_collate
>>> default_collate([(1, 2.0, "a"), (3, 4.0, "b")])
[tensor([1, 3]), tensor([2., 4.], dtype=torch.float64), ('a', 'b')]
>>> default_collate([{"x": 1}, {"x": 2}])
{'x': tensor([1, 2])}
"""

from __future__ import annotations

import collections.abc
import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np

from ...backend import array_module
from ...dtypes import float64
from ...tensor import Tensor

__all__ = ["default_collate", "default_convert", "collate", "default_collate_fn_map"]

_STRING_OR_OBJECT = re.compile("[SaUO]")  # NumPy dtype codes that cannot become tensors
_ERR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _as_tensor(data: Any, **kw: Any) -> Tensor:
    from ...creation import as_tensor  # noqa: PLC0415

    return as_tensor(data, **kw)


def _new_tensor(data: Any, **kw: Any) -> Tensor:
    from ...creation import tensor  # noqa: PLC0415

    return tensor(data, **kw)


def default_convert(data: Any) -> Any:
    """Turn NumPy arrays and scalars (also inside dicts, lists, tuples) into tensors; no batching.

    The DataLoader uses it as ``collate_fn`` when auto-batching is off (``batch_size=None``).
    """
    kind = type(data)
    if isinstance(data, Tensor):
        return data
    if kind.__module__ == "numpy" and kind.__name__ not in ("str_", "string_"):
        if kind.__name__ == "ndarray" and _STRING_OR_OBJECT.search(data.dtype.str) is not None:
            return data
        return _as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        converted = {key: default_convert(data[key]) for key in data}
        return _same_mapping(data, converted)
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return kind(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return _same_sequence(data, [default_convert(d) for d in data])
    return data


def _same_mapping(like: Any, values: dict) -> Any:
    """A mapping of ``like``'s type holding ``values`` (a plain dict if the type refuses)."""
    try:
        if isinstance(like, collections.abc.MutableMapping):
            clone = copy.copy(like)
            clone.update(values)
            return clone
        return type(like)(values)
    except TypeError:
        return values


def _same_sequence(like: Any, values: list) -> Any:
    try:
        if isinstance(like, collections.abc.MutableSequence):
            clone = copy.copy(like)
            for i, v in enumerate(values):
                clone[i] = v
            return clone
        return type(like)(values)
    except TypeError:
        return values


def collate(batch: Any, *, collate_fn_map: dict[Any, Callable] | None = None) -> Any:
    """Collate ``batch`` recursively; ``collate_fn_map`` maps element types to leaf collators."""
    elem = batch[0]
    kind = type(elem)
    if collate_fn_map is not None:
        if kind in collate_fn_map:
            return collate_fn_map[kind](batch, collate_fn_map=collate_fn_map)
        for leaf_type, fn in collate_fn_map.items():
            if isinstance(elem, leaf_type):
                return fn(batch, collate_fn_map=collate_fn_map)
    if isinstance(elem, collections.abc.Mapping):
        values = {key: collate([d[key] for d in batch], collate_fn_map=collate_fn_map) for key in elem}
        return _same_mapping(elem, values)
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return kind(*(collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError(
                "each element in list of batch should be of equal size\n"
                "hint: samples must have the same structure; pass a collate_fn to batch ragged samples."
            )
        columns = [collate(s, collate_fn_map=collate_fn_map) for s in zip(*batch)]
        return columns if isinstance(elem, tuple) else _same_sequence(elem, columns)
    raise TypeError(
        _ERR.format(kind) + "\nhint: convert each sample to tensors/arrays (e.g. a ToTensor transform)."
    )


def collate_tensor_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    """Stack tensors on a new dim 0 (a plain array stack unless a sample tracks gradients or sizes differ)."""
    if any(t.requires_grad or t.shape != batch[0].shape for t in batch):  # stack raises torch's size error
        from ...ops.shape import stack  # noqa: PLC0415

        return stack(batch, 0)
    xp = array_module(batch[0]._data)
    return Tensor._make(xp.stack([t._data for t in batch]))


def collate_numpy_array_fn(batch: list, *, collate_fn_map: dict | None = None) -> Any:
    if _STRING_OR_OBJECT.search(batch[0].dtype.str) is not None:
        raise TypeError(_ERR.format(batch[0].dtype))
    return collate([_as_tensor(b) for b in batch], collate_fn_map=collate_fn_map)


def collate_numpy_scalar_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return _as_tensor(np.asarray(batch))


def collate_float_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return _new_tensor(batch, dtype=float64)


def collate_int_fn(batch: list, *, collate_fn_map: dict | None = None) -> Tensor:
    return _new_tensor(batch)


def collate_str_fn(batch: list, *, collate_fn_map: dict | None = None) -> list:
    return batch


default_collate_fn_map: dict[Any, Callable] = {
    Tensor: collate_tensor_fn,
    np.ndarray: collate_numpy_array_fn,
    (np.bool_, np.number, np.object_): collate_numpy_scalar_fn,
    float: collate_float_fn,
    int: collate_int_fn,
    str: collate_str_fn,
    bytes: collate_str_fn,
}


def default_collate(batch: list) -> Any:
    """Stack a list of samples into a batch, keeping each sample's structure (torch's rules)."""
    return collate(batch, collate_fn_map=default_collate_fn_map)

"""What a node saved for backward, and the version check that guards it.

Every tensor shares a version counter (``_version_box``) with its views, and each in-place
write bumps it. ``ctx.save_for_backward(x)`` stores a :class:`_Saved`: the tensor (or, for an
output, only its data) plus the version it had then. ``ctx.saved_tensors`` unpacks it and
refuses, with PyTorch's message, a tensor changed in place since: backward would compute
with the wrong value. The rest of in-place meets autograd is in :mod:`.inplace`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .. import backend, errors

if TYPE_CHECKING:
    from .function import Node


class _Saved:
    """A saved tensor plus the version it had when saved (PyTorch's SavedVariable)."""

    __slots__ = ("tensor", "data", "version_box", "version", "is_output", "output_nr", "requires_grad")

    def __init__(self, tensor: Any, data: Any, is_output: bool, output_nr: int = 0) -> None:
        self.is_output = is_output
        self.output_nr = output_nr
        # an output is kept as data only (keeping the tensor would be a cycle)
        self.tensor = None if is_output else tensor
        self.data = data
        self.version_box = tensor._version_box
        self.version = tensor._version_box[0]
        self.requires_grad = tensor._requires_grad

    def unpack(self, node: Node) -> Any:
        from ..tensor import Tensor  # noqa: PLC0415

        if self.version_box[0] != self.version:
            # torch names the node without its "Backward0" suffix, and says nothing for a leaf
            if self.is_output:
                desc = f", which is output {self.output_nr} of {_short_name(node)},"
            else:
                t = self.tensor
                desc = (
                    f", which is output {t._output_nr} of {_short_name(t.grad_fn)},"
                    if t.grad_fn is not None
                    else ""
                )
            shape = "[" + ", ".join(str(s) for s in self.data.shape) + "]"
            from ..dtypes import from_numpy_dtype, legacy_type_name  # noqa: PLC0415

            tname = legacy_type_name(from_numpy_dtype(self.data.dtype), backend.is_gpu_array(self.data))
            raise errors.saved_tensor_modified(f"{tname} {shape}", desc, self.version_box[0], self.version)
        if self.is_output:
            t = Tensor._make(self.data)
            if self.requires_grad:
                t._requires_grad = True
                t.grad_fn = node
                t._output_nr = self.output_nr
            t._version_box = self.version_box
            return t
        return self.tensor


def _short_name(node: Any) -> str:
    name = type(node).__name__
    return re.sub(r"Backward\d*$", "", name) or name


def _check_inplace_leaf(t: Any) -> None:
    if t.grad_fn is None and t._requires_grad:
        raise errors.leaf_modified_inplace("has been")


_TENSOR: list = []


def _tensor_cls() -> type:
    """``learntorch.Tensor`` (imported on first use: tensor.py imports this module)."""
    if not _TENSOR:
        from ..tensor import Tensor  # noqa: PLC0415

        _TENSOR.append(Tensor)
    return _TENSOR[0]


def _pack_saved(ctx: Node, args: tuple, results: list) -> None:
    """Turn what ``save_for_backward`` got into version-checked :class:`_Saved` entries.

    A saved input or output is recognised by identity (the tensor itself, or in an
    :class:`Op` its array). An output is stored as data only: holding the output
    tensor would make a cycle node -> tensor -> grad_fn (the node).
    """
    Tensor = _tensor_cls()
    saved = []
    for item in ctx._to_save:
        match = None
        if item is None:
            saved.append(None)
            continue
        if isinstance(item, Tensor):
            for i, r in enumerate(results):
                if r is item:
                    match = _Saved(r, r._data, is_output=True, output_nr=i)
                    break
            else:
                for a in args:
                    if a is item:
                        match = _Saved(a, a._data, is_output=False)
                        break
        else:
            for a in args:
                if isinstance(a, Tensor) and a._data is item:
                    match = _Saved(a, item, is_output=False)
                    break
            else:
                for i, r in enumerate(results):
                    if isinstance(r, Tensor) and r._data is item:
                        match = _Saved(r, item, is_output=True, output_nr=i)
                        break
        if match is None:
            # an intermediate (a mask, an index array, a tensor made inside forward)
            match = item if isinstance(item, Tensor) else Tensor._make(item)
        saved.append(match)
    ctx._to_save = ()
    ctx._saved = tuple(saved)
    ctx._had_saved = True

"""Graph nodes and the ``Function`` API.

Calling ``SomeFunction.apply(*inputs)`` runs ``forward`` and, when any input
requires grad and grad mode is on, records a *node* in the graph. As in PyTorch,
the node *is* the ``ctx`` that ``forward`` and ``backward`` receive: an instance of
a class named after the function (``Exp`` gets ``ExpBackward0``; a user's
``MyFn`` gets ``MyFnBackward``), so ``y.grad_fn`` prints ``<ExpBackward0 ...>``
and ``y.grad_fn.next_functions`` walks the graph.

Two flavours share the machinery:

* :class:`Function`: PyTorch's public API. ``forward`` gets tensors (with grad
  recording off) and returns tensors.
* :class:`Op`: learntorch's primitives. ``forward`` gets raw arrays (NumPy or
  CuPy, via ``ctx.xp``) and returns arrays, which keeps the forward pass lean.

In both, ``backward`` receives and returns *tensors*, built from ordinary tensor
operations, so ``create_graph=True`` records the backward pass itself and higher
derivatives come for free.

The graph holds no reference cycles: a node keeps its input tensors' nodes
(``next_functions``) and what was saved for backward, never its own output.
"""

from __future__ import annotations

import itertools
import re
import weakref
from typing import Any, Callable

from .. import backend
from . import grad_mode

__all__ = ["Function", "Op", "Node", "AccumulateGrad", "once_differentiable"]

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


_seq_counter = itertools.count()


class Node:
    """A backward node (``grad_fn``). Subclasses are made per Function."""

    _forward_cls: Any = None
    _materialize_grads = True
    _in_shapes: tuple | None = None
    _tensor_pos: tuple = ()

    def __init__(self) -> None:
        self._seq = next(_seq_counter)
        self.next_functions: tuple[tuple[Node | None, int], ...] = ()
        self._saved: tuple[Any, ...] | None = None
        self._had_saved = False
        self._pre_hooks: dict[int, list[Callable]] = {}  # output_nr -> tensor hooks
        self._retained: dict[int, weakref.ref] = {}  # output_nr -> tensor with retain_grad()
        self._hooks: list[Callable] = []  # node hooks: fn(grad_inputs, grad_outputs)
        self._prehooks: list[Callable] = []  # node pre-hooks: fn(grad_outputs)
        self._num_outputs = 1
        self._out_meta: list[tuple[tuple[int, ...], Any, Any]] = []  # (shape, dtype, device)
        self.needs_input_grad: tuple[bool, ...] = ()
        self.non_differentiable: set[int] = set()
        self.dirty: tuple[Any, ...] = ()

    # -- PyTorch's introspection surface ---------------------------------------------
    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def __lt__(self, other: Node) -> bool:  # heap tie-break
        return self._seq < other._seq

    def register_hook(self, fn: Callable) -> Any:
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward."""
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn: Callable) -> Any:
        """``fn(grad_outputs)`` runs before this node's backward; may return new grads."""
        self._prehooks.append(fn)
        return _RemovableHandle(self._prehooks, fn)

    @property
    def metadata(self) -> dict:
        if not hasattr(self, "_metadata"):
            self._metadata: dict = {}
        return self._metadata

    # -- ctx API -----------------------------------------------------------------------
    @property
    def xp(self) -> Any:
        """The array module (numpy or cupy) of this node's inputs."""
        return self._xp

    def save_for_backward(self, *values: Any) -> None:
        """Keep tensors (or, in an :class:`Op`, arrays) for ``backward``."""
        self._to_save = values

    def mark_non_differentiable(self, *outputs: Any) -> None:
        self._non_diff_outputs = outputs

    def mark_dirty(self, *tensors: Any) -> None:
        self.dirty = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self._materialize_grads = bool(value)

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """What ``save_for_backward`` kept, as tensors, checked against in-place changes."""
        if self._saved is None:
            if self._had_saved:
                raise RuntimeError(_FREED_MSG)
            return ()
        out = []
        for item in self._saved:
            out.append(item.unpack(self) if isinstance(item, _Saved) else item)
        return tuple(out)

    def _free_saved(self) -> None:
        if self._saved is not None:
            self._saved = None

    # -- running backward --------------------------------------------------------------
    def _apply_backward(self, grads: list[Any]) -> tuple[Any, ...]:
        cls = self._forward_cls
        if self._materialize_grads:
            from ..tensor import Tensor  # noqa: PLC0415

            for i, g in enumerate(grads):
                if g is None and i < len(self._out_meta):
                    shape, dt, dev = self._out_meta[i]
                    xp = backend.array_module() if dev is None else self._xp
                    grads[i] = Tensor._make(xp.zeros(shape, dtype=dt))
        result = cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        pos = self._tensor_pos
        n_args = len(self.needs_input_grad)
        if len(result) == n_args:
            if len(pos) != n_args:
                result = tuple(result[i] for i in pos)
        elif len(result) > n_args and all(r is None for r in result[n_args:]):
            result = tuple(result[i] for i in pos)
        elif len(result) != len(pos):
            raise RuntimeError(
                f"function {type(self).__name__} returned an incorrect number of gradients "
                f"(expected {n_args}, got {len(result)})"
            )
        return result


class AccumulateGrad(Node):
    """The node that adds an incoming gradient into a leaf tensor's ``.grad``."""

    def __init__(self, variable: Any) -> None:
        super().__init__()
        self.variable = variable


class _RemovableHandle:
    """What ``register_hook`` returns: ``handle.remove()`` takes the hook off."""

    def __init__(self, container: list, fn: Callable) -> None:
        self._container = container
        self._fn = fn

    def remove(self) -> None:
        if self._fn in self._container:
            self._container.remove(self._fn)


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
        self.requires_grad = tensor.requires_grad

    def unpack(self, node: Node) -> Any:
        from ..tensor import Tensor  # noqa: PLC0415

        if self.version_box[0] != self.version:
            # torch names the node without its "Backward0" suffix, and says nothing for a leaf
            if self.is_output:
                desc = f", which is output {self.output_nr} of {_short_name(node)},"
            else:
                t = self.tensor
                desc = f", which is output {t._output_nr} of {_short_name(t.grad_fn)}," if t.grad_fn is not None else ""
            shape = "[" + ", ".join(str(s) for s in self.data.shape) + "]"
            from ..dtypes import from_numpy_dtype  # noqa: PLC0415

            tname = _legacy_type_name(from_numpy_dtype(self.data.dtype), backend.is_gpu_array(self.data))
            raise RuntimeError(
                "one of the variables needed for gradient computation has been modified by an "
                f"inplace operation: [{tname} {shape}]{desc} is at version "
                f"{self.version_box[0]}; expected version {self.version} instead. Hint: enable anomaly "
                "detection to find the operation that failed to compute its gradient, with "
                "torch.autograd.set_detect_anomaly(True, check_nan=False).\n"
                "hint: backward needs the value this tensor had when it was used; an in-place op "
                "(a method ending in '_', or x[...] = ...) changed it afterwards. Use the "
                "out-of-place form (e.g. x = x + 1 instead of x += 1) or .clone() before changing it."
            )
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


def _legacy_type_name(dt: Any, cuda: bool) -> str:
    names = {
        "float32": "FloatTensor",
        "float64": "DoubleTensor",
        "float16": "HalfTensor",
        "int64": "LongTensor",
        "int32": "IntTensor",
        "int16": "ShortTensor",
        "int8": "CharTensor",
        "uint8": "ByteTensor",
        "bool": "BoolTensor",
    }
    return ("torch.cuda." if cuda else "torch.") + names[dt.name]


def _accumulate_node(t: Any) -> AccumulateGrad:
    """The (cached, weakly held) AccumulateGrad node of leaf tensor ``t``."""
    ref = t._grad_accumulator
    node = ref() if ref is not None else None
    if node is None:
        node = AccumulateGrad(t)
        t._grad_accumulator = weakref.ref(node)
    return node


def edge_of(t: Any) -> tuple[Node | None, int]:
    """The (node, output_nr) pair that a gradient for tensor ``t`` flows into."""
    if not t._requires_grad:
        return (None, 0)
    if t.grad_fn is not None:
        return (t.grad_fn, t._output_nr)
    return (_accumulate_node(t), 0)


class _FunctionMeta(type):
    """Gives every Function subclass its own backward-node class."""

    def __init__(cls, name: str, bases: tuple, ns: dict) -> None:
        super().__init__(name, bases, ns)
        if ns.get("_abstract"):
            return
        suffix = "Backward0" if getattr(cls, "_is_op", False) else "Backward"
        node_name = ns.get("node_name") or f"{name}{suffix}"
        cls._backward_cls = type(node_name, (Node,), {"_forward_cls": cls, "__module__": cls.__module__})


class Function(metaclass=_FunctionMeta):
    """Define a differentiable operation by writing its forward and backward.

    ``forward(ctx, *args)`` computes the result from tensors; ``backward(ctx,
    *grad_outputs)`` returns one gradient per forward input (``None`` for inputs
    that need none). Call it with ``MyFn.apply(...)``, never ``MyFn()(...)``.

    >>> import learntorch as torch
    >>> class Square(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return 2 * x * grad
    >>> x = torch.tensor([3.0], requires_grad=True)
    >>> y = Square.apply(x)
    >>> y
    tensor([9.], grad_fn=<SquareBackward>)
    >>> y.backward(); x.grad
    tensor([6.])
    """

    _abstract = True
    _is_op = False
    _backward_cls: type[Node]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function."
        )

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function "
            "to use it with backward mode AD."
        )

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        return _apply(cls, args, kwargs)


class Op(Function):
    """A learntorch primitive: ``forward`` works on raw arrays, ``backward`` on tensors."""

    _abstract = True
    _is_op = True


def once_differentiable(fn: Callable) -> Callable:
    """Mark a custom backward as not itself differentiable (runs it without recording)."""

    def wrapper(ctx: Any, *args: Any) -> Any:
        with grad_mode.no_grad():
            return fn(ctx, *args)

    return wrapper


def _apply(cls: type[Function], args: tuple, kwargs: dict) -> Any:
    from ..tensor import Tensor  # noqa: PLC0415

    is_op = cls._is_op
    tensors = [a for a in args if isinstance(a, Tensor)]
    record = grad_mode.is_grad_enabled() and any(t._requires_grad for t in tensors)
    ctx = cls._backward_cls()
    ctx._xp = backend.array_module(*[t._data for t in tensors])
    if tensors:
        _check_same_device(tensors, cls)
    ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
    ctx._to_save = ()
    if is_op:
        raw = [a._data if isinstance(a, Tensor) else a for a in args]
        out = cls.forward(ctx, *raw, **kwargs)
    else:
        with grad_mode.no_grad():
            out = cls.forward(ctx, *args, **kwargs)
    is_tuple = isinstance(out, tuple)
    outs = out if is_tuple else (out,)

    results = []
    dirty_ids = {id(t) for t in ctx.dirty}
    non_diff = {id(o) for o in getattr(ctx, "_non_diff_outputs", ())}
    view_of = args[0] if is_op and getattr(cls, "_view", False) else None
    for o in outs:
        if is_op:
            if o is None:
                results.append(None)
            elif view_of is not None:
                results.append(Tensor._make_view(o, view_of))
            else:
                results.append(Tensor._make(o))
        elif isinstance(o, Tensor):
            if id(o) in dirty_ids:
                results.append(o)
            elif any(o is t for t in tensors):
                results.append(o.view_as(o))  # an input returned as is: a new alias
            else:
                results.append(o)
        else:
            results.append(o)

    if record:
        ctx._tensor_pos = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        ctx.next_functions = tuple(edge_of(args[i]) for i in ctx._tensor_pos)
        ctx._in_shapes = tuple(args[i]._data.shape for i in ctx._tensor_pos)
        ctx._num_outputs = len(results)
        meta = []
        for i, r in enumerate(results):
            if not isinstance(r, Tensor):
                meta.append(((), None, None))
                continue
            meta.append((r._data.shape, r._data.dtype, r.device))
            if id(r) in non_diff or (is_op and i in ctx.non_differentiable) or not r.dtype.is_floating_point:
                continue
            if id(r) in dirty_ids:
                _check_inplace_leaf(r)
                r._version_box[0] += 0  # version already bumped by the in-place op
            r._requires_grad = True
            r.grad_fn = ctx
            r._output_nr = i
        ctx._out_meta = meta
        _pack_saved(ctx, args, results)
    else:
        ctx._to_save = ()
    if not is_op and not record:
        # outputs of a custom Function outside recording are plain tensors
        pass
    return tuple(results) if is_tuple else results[0]


def _pack_saved(ctx: Node, args: tuple, results: list) -> None:
    from ..tensor import Tensor  # noqa: PLC0415

    to_save = ctx._to_save
    ctx._to_save = ()
    if not to_save:
        return
    saved = []
    for item in to_save:
        if item is None:
            saved.append(None)
            continue
        match = None
        for a in args:
            if isinstance(a, Tensor) and (a is item or a._data is item):
                match = _Saved(a, a._data, is_output=False)
                break
        if match is None:
            for i, r in enumerate(results):
                if isinstance(r, Tensor) and (r is item or r._data is item):
                    match = _Saved(r, r._data, is_output=True, output_nr=i)
                    break
        if match is None:
            # an intermediate (a mask, an index array, a tensor made inside forward)
            match = item if isinstance(item, Tensor) else Tensor._make(item)
        saved.append(match)
    ctx._saved = tuple(saved)
    ctx._had_saved = True


def _check_same_device(tensors: list, cls: type) -> None:
    dev = tensors[0].device
    for t in tensors[1:]:
        if t.device != dev and t.ndim != 0:
            raise RuntimeError(
                "Expected all tensors to be on the same device, but found at least two devices, "
                f"{t.device} and {dev}!\n"
                "hint: move every tensor (and the model) to one device with .to(device) first."
            )


def _check_inplace_leaf(t: Any) -> None:
    if t.grad_fn is None and t._requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation.\n"
            "hint: wrap the update in `with torch.no_grad():` (as optimizers do), or work on a "
            "copy made with .clone()."
        )

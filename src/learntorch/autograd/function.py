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
import weakref
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Callable

import numpy as np

from .. import backend, errors
from . import grad_mode
from .grad_mode import _state as _grad_state
from .hooks import RemovableHandle
from .saved import _TENSOR, _check_inplace_leaf, _pack_saved, _Saved, _tensor_cls

__all__ = ["Function", "Op", "Node", "AccumulateGrad", "once_differentiable"]

_seq_counter = itertools.count()
_NO_HOOKS: Mapping = MappingProxyType({})  # shared, read-only: a node's hooks dict is made on first use


class Node:
    """A backward node (``grad_fn``). Subclasses are made per Function.

    Most state lives in class-level defaults, so building a node (once per
    recorded op) only sets what that op changes.
    """

    _forward_cls: Any = None
    _materialize_grads = True
    _in_shapes: tuple | None = None  # shapes of the Tensor arguments
    _in_dtypes: tuple | None = None  # their numpy dtypes (gradients are cast to these)
    _tensor_pos: tuple | None = None  # positions of the Tensor arguments (None: all arguments are)
    next_functions: tuple = ()  # one (node, output_nr) edge per Tensor argument
    needs_input_grad: tuple = ()  # one flag per positional argument
    non_differentiable: Any = frozenset()  # output indices that never get a grad_fn (Op)
    dirty: tuple = ()  # tensors a custom Function modified in place (mark_dirty)
    _saved: tuple | None = None  # what save_for_backward kept, packed
    _had_saved = False  # True once something was saved (so freeing it is noticed)
    _to_save: tuple = ()
    _non_diff_outputs: tuple = ()
    _num_outputs = 1
    _out_meta: tuple = ()  # (shape, numpy dtype) per output, for zero-filling missing grads
    _pre_hooks: dict | None = None  # output_nr -> tensor hooks (register_hook on a non-leaf)
    _retained: dict | None = None  # output_nr -> weakref of a tensor that called retain_grad()
    _hooks: Mapping = _NO_HOOKS  # node hooks by handle id: fn(grad_inputs, grad_outputs)
    _prehooks: Mapping = _NO_HOOKS  # node pre-hooks by handle id: fn(grad_outputs)
    _xp: Any = np

    def __init__(self) -> None:
        self._seq = next(_seq_counter)

    # -- PyTorch's introspection surface ---------------------------------------------
    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        # PyTorch shows a custom Function's node with the module its class lives in
        cls = self._forward_cls
        where = "torch.autograd.function." if cls is not None and not cls._is_op else ""
        return f"<{where}{type(self).__name__} object at {hex(id(self))}>"

    def __lt__(self, other: Node) -> bool:  # heap tie-break
        return self._seq < other._seq

    def register_hook(self, fn: Callable) -> Any:
        """``fn(grad_inputs, grad_outputs)`` runs after this node's backward; may return new grad_inputs."""
        if not self._hooks:
            self._hooks = {}
        handle = RemovableHandle(self._hooks)
        self._hooks[handle.id] = fn
        return handle

    def register_prehook(self, fn: Callable) -> Any:
        """``fn(grad_outputs)`` runs before this node's backward; may return new grad_outputs."""
        if not self._prehooks:
            self._prehooks = {}
        handle = RemovableHandle(self._prehooks)
        self._prehooks[handle.id] = fn
        return handle

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
                raise errors.graph_freed()
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
        if self._materialize_grads and any(g is None for g in grads):  # (not `None in`: that calls ==)
            from ..tensor import Tensor  # noqa: PLC0415

            for i, g in enumerate(grads):
                if g is None and i < len(self._out_meta) and self._out_meta[i][1] is not None:
                    shape, dt = self._out_meta[i]
                    grads[i] = Tensor._make(self._xp.zeros(shape, dtype=dt))
        result = cls.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        pos = self._tensor_pos  # None: every argument is a tensor
        n_args = len(self.needs_input_grad)
        n_tensors = n_args if pos is None else len(pos)
        if len(result) == n_args:
            if pos is not None and n_tensors != n_args:
                result = tuple(result[i] for i in pos)
        elif len(result) > n_args and all(r is None for r in result[n_args:]):
            result = tuple(result[i] for i in (pos if pos is not None else range(n_args)))
        elif len(result) != n_tensors:
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

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"


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
        # PyTorch's newer style: forward(*args) without ctx, plus setup_context(ctx, inputs, output)
        cls._has_setup_context = any(
            "setup_context" in vars(c) for c in cls.__mro__[:-1] if not c.__dict__.get("_abstract")
        )


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

    PyTorch's newer style, with ``forward`` free of ``ctx`` and a separate
    ``setup_context(ctx, inputs, output)``, works as well:

    >>> class Cube(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(x):
    ...         return x ** 3
    ...     @staticmethod
    ...     def setup_context(ctx, inputs, output):
    ...         ctx.save_for_backward(inputs[0])
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return 3 * x**2 * grad
    >>> x = torch.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).backward(); x.grad
    tensor([12.])
    """

    _abstract = True
    _is_op = False
    _view = False  # an Op whose output is a view of its first argument sets this
    _backward_cls: type[Node]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(
            "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
            "autograd function with static forward method. (Example: "
            "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)\n"
            f"hint: call {type(self).__name__}.apply(...) on the class instead of creating an instance."
        )

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

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

    @classmethod
    def variant(cls, node_name: str) -> type[Op]:
        """This op under another graph-node name, chosen where the overload is.

        PyTorch names one formula differently per overload (``x.sum()`` gives ``SumBackward0``,
        ``x.sum(0)`` gives ``SumBackward1``): ``Sum.variant("SumBackward1").apply(...)``.
        """
        table = cls.__dict__.get("_variants")
        if table is None:
            table = cls._variants = {}
        op = table.get(node_name)
        if op is None:
            ns = {"node_name": node_name, "__module__": cls.__module__, "__doc__": cls.__doc__}
            op = table[node_name] = type(cls.__name__, (cls,), ns)
        return op

    _abstract = True
    _is_op = True


def once_differentiable(fn: Callable) -> Callable:
    """Mark a custom backward as not itself differentiable (runs it without recording)."""

    def wrapper(ctx: Any, *args: Any) -> Any:
        with grad_mode.no_grad():
            return fn(ctx, *args)

    return wrapper


def _is_tensor(x: Any) -> bool:
    return isinstance(x, _TENSOR[0] if _TENSOR else _tensor_cls())


def _snake(name: str) -> str:
    """``LeakyRelu`` -> ``leaky_relu``: an op class's name as the function PyTorch reports."""
    return "".join("_" + c.lower() if c.isupper() and i else c.lower() for i, c in enumerate(name))


def _apply(cls: type[Function], args: tuple, kwargs: dict) -> Any:
    """Run ``cls.forward`` and, when gradients are wanted, record a node for it.

    This runs once for every operation on tensors, so it is written to be cheap:
    one pass over the arguments, device checks only when some input is not a
    NumPy array, and nothing graph-related unless some input requires grad and
    grad mode is on.
    """
    Tensor = _TENSOR[0] if _TENSOR else _tensor_cls()
    tensors = []
    raw = []  # what an Op's forward receives: arrays in place of tensors
    flags = []  # requires_grad per argument
    wants_grad = False
    off_cpu = False
    for a in args:
        if isinstance(a, Tensor):
            tensors.append(a)
            raw.append(a._data)
            flags.append(a._requires_grad)
            if a._requires_grad:
                wants_grad = True
            if type(a._data) is not np.ndarray:
                off_cpu = True
        else:
            raw.append(a)
            flags.append(False)
    record = wants_grad and _grad_state.enabled
    ctx = cls._backward_cls()
    if off_cpu:
        ctx._xp = backend.array_module(*[t._data for t in tensors])
        _check_same_device(tensors, cls)
    ctx.needs_input_grad = tuple(flags) if record else _no_grads(len(args))

    if cls._is_op:
        try:
            out = cls.forward(ctx, *raw, **kwargs)
        except (TypeError, AttributeError):
            first = args[0] if args else None
            if tensors or not args or (isinstance(first, (list, tuple)) and any(map(_is_tensor, first))):
                raise
            raise errors.not_a_tensor(_snake(cls.__name__), args[0]) from None
        if type(out) is not tuple:  # the common case: one array out
            result = Tensor._make_view(out, args[0]) if cls._view else Tensor._make(out)
            if record:
                _record(ctx, args, tensors, (result,), Tensor)
            return result
        if cls._view:
            results = tuple(None if o is None else Tensor._make_view(o, args[0]) for o in out)
        else:
            results = tuple(None if o is None else Tensor._make(o) for o in out)
    else:
        with grad_mode.no_grad():
            if cls._has_setup_context:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        results = tuple(_wrap_function_output(o, ctx, tensors, Tensor) for o in outs)
        if not isinstance(out, tuple):
            if record:
                _record(ctx, args, tensors, results, Tensor)
            return results[0]
    if record:
        _record(ctx, args, tensors, results, Tensor)
    return results


_NO_GRADS: dict[int, tuple] = {}


def _no_grads(n: int) -> tuple:
    """``(False,) * n``, cached (it is needed for every op run without recording)."""
    t = _NO_GRADS.get(n)
    if t is None:
        t = _NO_GRADS[n] = (False,) * n
    return t


def _wrap_function_output(o: Any, ctx: Node, tensors: list, Tensor: type) -> Any:
    """An output of a custom Function's forward, as the tensor the caller receives."""
    if not isinstance(o, Tensor) or any(o is d for d in ctx.dirty):
        return o
    if any(o is t for t in tensors):
        return o.view_as(o)  # an input returned unchanged: the caller gets a new alias of it
    return o


def _record(ctx: Node, args: tuple, tensors: list, results: tuple, Tensor: type) -> None:
    """Connect ``ctx`` to the graph: edges to the inputs, ``grad_fn`` on the outputs, saved values."""
    if len(tensors) != len(args):
        ctx._tensor_pos = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
    edges = []
    shapes = []
    for t in tensors:
        shapes.append(t._data.shape)
        fn = t.grad_fn
        if fn is not None:
            edges.append((fn, t._output_nr))
        elif t._requires_grad:
            edges.append((_accumulate_node(t), 0))
        else:
            edges.append(_NO_EDGE)
    ctx.next_functions = tuple(edges)
    ctx._in_shapes = tuple(shapes)
    is_op = ctx._forward_cls._is_op
    if not is_op:
        ctx._in_dtypes = tuple(t._data.dtype for t in tensors)  # a user's backward may return other dtypes
    if len(results) == 1 and is_op:  # the common case, kept short
        r = results[0]
        data = r._data
        ctx._out_meta = ((data.shape, data.dtype),)
        if data.dtype.kind == "f" and not ctx.non_differentiable:
            r._requires_grad = True
            r.grad_fn = ctx
    else:
        _record_outputs(ctx, results, Tensor)
    if ctx._to_save:
        _pack_saved(ctx, args, results)


_NO_EDGE = (None, 0)


def _record_outputs(ctx: Node, results: tuple, Tensor: type) -> None:
    """Give each differentiable output its ``grad_fn``, honouring mark_dirty / mark_non_differentiable."""
    ctx._num_outputs = len(results)
    skip = ctx.non_differentiable
    non_diff_ids = {id(o) for o in ctx._non_diff_outputs}
    dirty_ids = {id(t) for t in ctx.dirty}
    meta = []
    for i, r in enumerate(results):
        if not isinstance(r, Tensor):
            meta.append(((), None))
            continue
        data = r._data
        meta.append((data.shape, data.dtype))
        if i in skip or data.dtype.kind != "f" or id(r) in non_diff_ids:
            continue
        if id(r) in dirty_ids:
            _check_inplace_leaf(r)
            r._version_box[0] += 1  # PyTorch counts marking dirty as a modification
        r._requires_grad = True
        r.grad_fn = ctx
        r._output_nr = i
    ctx._out_meta = tuple(meta)


def _check_same_device(tensors: list, cls: type) -> None:
    dev = tensors[0].device
    for t in tensors[1:]:
        if t.device != dev and t.ndim != 0:
            raise errors.devices_differ(t.device, dev)

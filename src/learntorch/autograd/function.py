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

import numpy as np

from .. import backend
from . import grad_mode
from .grad_mode import _state as _grad_state

__all__ = ["Function", "Op", "Node", "AccumulateGrad", "once_differentiable"]

_FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


_seq_counter = itertools.count()


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
    _hooks: list | tuple = ()  # node hooks: fn(grad_inputs, grad_outputs)
    _prehooks: list | tuple = ()  # node pre-hooks: fn(grad_outputs)
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
            self._hooks = []
        self._hooks.append(fn)
        return _RemovableHandle(self._hooks, fn)

    def register_prehook(self, fn: Callable) -> Any:
        """``fn(grad_outputs)`` runs before this node's backward; may return new grad_outputs."""
        if not self._prehooks:
            self._prehooks = []
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

    _abstract = True
    _is_op = True


def once_differentiable(fn: Callable) -> Callable:
    """Mark a custom backward as not itself differentiable (runs it without recording)."""

    def wrapper(ctx: Any, *args: Any) -> Any:
        with grad_mode.no_grad():
            return fn(ctx, *args)

    return wrapper


def not_a_tensor(fn_name: str, value: Any) -> TypeError:
    """PyTorch's error for a non-tensor where a function wants its ``input`` tensor.

    >>> raise not_a_tensor("relu", print)
    Traceback (most recent call last):
    ...
    TypeError: relu(): argument 'input' (position 1) must be Tensor, not builtin_function_or_method
    hint: ...
    """
    t = type(value)
    static = not t.__flags__ & (1 << 9)  # C types print as tp_name ("numpy.ndarray"), classes by name
    type_name = f"{t.__module__}.{t.__qualname__}" if static and t.__module__ != "builtins" else t.__name__
    return TypeError(
        f"{fn_name}(): argument 'input' (position 1) must be Tensor, not {type_name}\n"
        f"hint: got {value!r:.60}; make a tensor first, e.g. torch.tensor(...) or torch.randn(...), "
        "and check the variable holds what you think (`input` alone is Python's built-in function)."
    )


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
            raise not_a_tensor(_snake(cls.__name__), args[0]) from None
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
            "a leaf Variable that requires grad has been used in an in-place operation.\n"
            "hint: wrap the update in `with torch.no_grad():` (as optimizers do), or work on a "
            "copy made with .clone()."
        )

"""The backward pass: walk the graph from the outputs back to the leaves.

1. Count, for every node reachable from the roots, how many edges point into it.
2. Run a node once every gradient flowing into it has arrived, newest node first
   (as PyTorch does), summing gradients that meet at the same node (a tensor used
   twice, or the two sides of a diamond).
3. At an ``AccumulateGrad`` node, add the gradient into the leaf's ``.grad``, or,
   for :func:`grad`, hand it back instead of touching ``.grad``.

Unless ``retain_graph=True``, every node frees what it saved once it has run, so
a second backward through the same graph raises PyTorch's error (only for nodes
that did save something: ``(x + x).sum()`` can be run backward twice).

>>> import learntorch as torch
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> y = x * x          # x is used twice: both gradients add up
>>> y.sum().backward()
>>> x.grad
tensor([2., 4.])
"""

from __future__ import annotations

import heapq
import sys
from typing import Any, Sequence

from .. import backend
from . import grad_mode
from .function import AccumulateGrad, Node, edge_of
from .saved import _TENSOR, _tensor_cls

__all__ = ["backward", "grad"]


def _as_tuple(x: Any) -> tuple:
    if x is None:
        return ()
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def _make_grads(outputs: tuple, grad_outputs: tuple, create_graph: bool) -> list:
    """The gradient each output starts with: the one given, or 1 for a scalar."""
    Tensor = _tensor_cls()
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            f"Mismatch in number of grad_outputs: got {len(grad_outputs)} but expected {len(outputs)}"
        )
    grads = []
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out._data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs\n"
                    f"hint: this output has shape {tuple(out.shape)}; reduce it to one number first "
                    "(e.g. y.sum().backward()) or pass gradient=torch.ones_like(y)."
                )
            g = Tensor._make(backend.array_module(out._data).ones(out._data.shape, dtype=out._data.dtype))
        else:
            if not isinstance(g, Tensor):
                raise TypeError(f"gradients can be either Tensors or None, but got {type(g).__name__}")
            if g._data.shape != out._data.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {out.shape}.\n"
                    "hint: the gradient you pass is dL/d(output), so it must have the output's shape."
                )
            if not create_graph and (g.grad_fn is not None or g._requires_grad):
                g = g.detach()
            if g._data.dtype != out._data.dtype:
                g = g.to(out.dtype)
        grads.append(g)
    return grads


def _check_outputs(outputs: tuple) -> None:
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn\n"
                "hint: nothing in this result was computed from a tensor with requires_grad=True "
                "(or it was computed under torch.no_grad()); set requires_grad=True on the inputs "
                "you want gradients for."
            )


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    grad_variables: Any = None,
    inputs: Sequence[Any] | None = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (``torch.autograd.backward``).

    ``inputs`` limits the accumulation to those tensors (they may be non-leaves:
    then their ``.grad`` is filled too).

    >>> import learntorch as torch
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> torch.autograd.backward([(x * x).sum(), (3 * x).sum()])
    >>> x.grad
    tensor([5., 7.])
    """
    outputs = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grad_outputs = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    input_map = None
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
        input_map = {}
        for t in inputs:
            if not t._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            if t.grad_fn is not None:
                t.retain_grad()  # as PyTorch does: a non-leaf input gets its .grad like retain_grad()
            input_map[edge_of(t)] = t
    _check_outputs(outputs)
    grads = _make_grads(outputs, grad_outputs, create_graph)
    _run(outputs, grads, retain_graph, create_graph, capture=None, inputs=input_map)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    only_inputs: bool = True,
    allow_unused: bool | None = None,
    is_grads_batched: bool = False,
    materialize_grads: bool = False,
) -> tuple:
    """Return d(outputs)/d(inputs) without touching any ``.grad`` (``torch.autograd.grad``).

    With ``create_graph=True`` the result is itself part of a graph, so it can be
    differentiated again (higher derivatives).

    >>> import learntorch as torch
    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> (dy,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    >>> dy
    tensor(27., grad_fn=<MulBackward0>)
    >>> torch.autograd.grad(dy, x)
    (tensor(18.),)
    """
    Tensor = _tensor_cls()
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if materialize_grads and allow_unused is False:
        raise ValueError(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False."
        )
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for t in ins:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs must be tensors, got {type(t).__name__}")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    _check_outputs(outs)
    g_outs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outs)
    grads = _make_grads(outs, g_outs, create_graph)
    capture = {edge_of(t): None for t in ins}
    _run(outs, grads, retain_graph, create_graph, capture=capture, inputs=None)
    result = []
    for i, t in enumerate(ins):
        g = capture[edge_of(t)]
        if g is None:
            if materialize_grads:
                g = Tensor._make(backend.array_module(t._data).zeros(t._data.shape, dtype=t._data.dtype))
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {i} appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior.\n"
                    "hint: the output does not depend on this input (check the computation, or pass "
                    "allow_unused=True to get None for it)."
                )
        result.append(g)
    return tuple(result)


# ---------------------------------------------------------------------- the walk


def _collect(roots: list[Node]) -> tuple[dict[Node, int], dict[Node, list[Node]]]:
    """For every node reachable from ``roots``: how many edges point into it, and from whom."""
    deps: dict[Node, int] = {}
    parents: dict[Node, list[Node]] = {}
    seen = set(roots)
    stack = list(seen)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            parents.setdefault(nxt, []).append(node)
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, parents


def _needed(targets: Any, parents: dict[Node, list[Node]]) -> set:
    """Nodes from which a target can be reached: only those need to run."""
    needed = {node for node, _ in targets}
    stack = list(needed)
    while stack:
        for p in parents.get(stack.pop(), ()):
            if p not in needed:
                needed.add(p)
                stack.append(p)
    return needed


def _run(
    outputs: tuple,
    grads: list,
    retain_graph: bool,
    create_graph: bool,
    capture: dict | None,
    inputs: dict | None,
) -> None:
    """Run the backward pass.

    ``capture`` (for :func:`grad`) maps edges to the gradient found there and
    writes no ``.grad``; ``inputs`` (for ``backward(inputs=...)``) maps edges to
    the only tensors whose ``.grad`` is filled. Both ``None``: every leaf.
    """
    buffers: dict[Node, list] = {}
    roots = []
    for out, g in zip(outputs, grads):
        node, nr = edge_of(out)
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._num_outputs
            roots.append(node)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    deps, parents = _collect(roots)
    targets = capture if capture is not None else inputs
    needed = _needed(targets, parents) if targets is not None else None

    ready = [(-node._seq, node) for node in roots if node not in deps]
    heapq.heapify(ready)
    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            node = heapq.heappop(ready)[1]
            buf = buffers.pop(node, None)
            if buf is None or (needed is not None and node not in needed):
                _release(node, deps, ready)
                continue
            if type(node) is AccumulateGrad:
                _leaf(node, buf, create_graph, capture, inputs)
                continue
            if capture is not None:
                _capture(node, buf, capture)  # before the hooks: grad() returns what arrived here
            if node._pre_hooks or node._retained or node._prehooks:
                buf = _call_pre_hooks(node, buf)
            if needed is not None and not any(nxt in needed for nxt, _ in node.next_functions):
                _release(node, deps, ready)  # a target non-leaf with nothing wanted beyond it
                continue
            grads_in = _call_backward(node, buf)
            if node._hooks:
                grads_in = _call_post_hooks(node, grads_in, buf)
            if not retain_graph and node._saved is not None:
                node._saved = None  # free saved values (a second backward then raises)
            for (nxt, nr), g in zip(node.next_functions, grads_in):
                if nxt is None:
                    continue
                if g is not None:
                    b = buffers.get(nxt)
                    if b is None:
                        b = buffers[nxt] = [None] * nxt._num_outputs
                    b[nr] = g if b[nr] is None else b[nr] + g
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    heapq.heappush(ready, (-nxt._seq, nxt))
            buf = grads_in = g = None  # hold no gradient the next node may want to keep without a copy


def _release(node: Node, deps: dict, ready: list) -> None:
    """Skip ``node``: its successors stop waiting for it."""
    for nxt, _ in node.next_functions:
        if nxt is None:
            continue
        deps[nxt] -= 1
        if deps[nxt] == 0:
            heapq.heappush(ready, (-nxt._seq, nxt))


def _call_backward(node: Node, buf: list) -> tuple:
    for g in buf:
        if g is not None:
            break
    else:
        return (None,) * len(node.next_functions)  # nothing flowed in: nothing flows out
    return _validate(node, node._apply_backward(buf))


def _call_pre_hooks(node: Node, buf: list) -> list:
    """Tensor hooks, then retain_grad, then the node's pre-hooks (PyTorch's order)."""
    if node._pre_hooks:
        for nr, hooks in node._pre_hooks.items():
            if buf[nr] is None:
                continue
            for h in list(hooks.values()):
                r = h(buf[nr])
                if r is not None:
                    buf[nr] = r
    if node._retained:
        for nr, ref in node._retained.items():
            t = ref()
            if t is not None and buf[nr] is not None:
                g = buf[nr] if grad_mode.is_grad_enabled() else buf[nr].detach()
                t._grad = g.clone() if t._grad is None else t._grad + g
    for h in list(node._prehooks.values()):
        r = h(tuple(buf))
        if r is not None:
            buf = list(r)
    return buf


def _call_post_hooks(node: Node, grads_in: tuple, buf: list) -> tuple:
    for h in list(node._hooks.values()):
        r = h(grads_in, tuple(buf))
        if r is not None:
            r = _as_tuple(r)
            if len(r) != len(grads_in):
                raise RuntimeError(
                    f"hook '{getattr(h, '__name__', h)}' has returned an incorrect number of values "
                    f"(got {len(r)}, but expected {len(grads_in)})"
                )
            grads_in = r
    return grads_in


def _capture(node: Node, buf: list, capture: dict) -> None:
    """At a non-leaf node: hand the arriving gradients to ``grad()``."""
    for nr, g in enumerate(buf):
        if g is not None and (node, nr) in capture:
            capture[(node, nr)] = g


def _leaf(
    node: AccumulateGrad, buf: list, create_graph: bool, capture: dict | None, inputs: dict | None
) -> None:
    g = buf[0]
    buf[0] = None  # drop our reference, so _add_to_grad can tell whether anyone else holds g
    if g is None or (inputs is not None and (node, 0) not in inputs):
        return
    var = node.variable
    if var._leaf_hooks:  # tensor hooks registered on the leaf run first and may replace g
        for h in list(var._leaf_hooks.values()):
            r = h(g)
            if r is not None:
                g = r
    if capture is not None:
        capture[(node, 0)] = g
        return
    _add_to_grad(var, g, create_graph)
    hooks = var._post_acc_hooks
    if hooks:
        for h in list(hooks.values()):
            h(var)


def _add_to_grad(var: Any, g: Any, create_graph: bool) -> None:
    """``var.grad += g`` the way PyTorch does it.

    The first gradient is stored as is when nothing else can see it (as PyTorch
    "steals" a fresh buffer) and copied otherwise, so ``.grad`` never shares
    memory with another tensor (``(a + b)`` hands the same gradient to ``a`` and
    ``b``: each must get its own). Later gradients are added in place unless a
    graph is being built (``create_graph=True``).
    """
    if g._data.dtype != var._data.dtype:
        g = g.to(var.dtype)
    old = var._grad
    if old is None:
        # references to g when no one else holds it: _leaf's variable, ours, getrefcount's argument
        private = sys.getrefcount(g) <= 3 and _owns_memory(g._data)
        if create_graph:
            var._grad = g if private else g.clone()
        elif private and g.grad_fn is None and not g._requires_grad:
            var._grad = g
        else:
            var._grad = _tensor_cls()._make(g._data.copy())
    elif create_graph or old._requires_grad:
        var._grad = old + g
    else:
        old._data += g._data
        old._version_box[0] += 1


def _owns_memory(data: Any) -> bool:
    """True when array ``data`` owns writeable memory that no other array or tensor refers to.

    (CPython reference counts: the tensor's attribute, our argument and getrefcount's own
    argument make 3; a view of ``data`` or another tensor wrapping it would add one.)
    """
    return (
        getattr(data, "base", True) is None
        and getattr(data.flags, "writeable", True)
        and sys.getrefcount(data) <= 3
    )


def _validate(node: Node, grads_in: tuple) -> tuple:
    """Check each gradient against its input's shape (reducing broadcast grads) and dtype."""
    Tensor = _TENSOR[0]
    shapes = node._in_shapes
    dtypes_ = node._in_dtypes
    out = []
    n_edges = len(node.next_functions)
    if len(grads_in) < n_edges:
        grads_in = tuple(grads_in) + (None,) * (n_edges - len(grads_in))
    for i, ((nxt, _), g) in enumerate(zip(node.next_functions, grads_in)):
        if g is None or nxt is None:
            out.append(None)
            continue
        if not isinstance(g, Tensor):
            g = Tensor._make(g)
        if shapes is not None:
            expect = shapes[i]
            if g._data.shape != expect:
                g = _fit_shape(node, i, g, expect)
            if dtypes_ is not None and g._data.dtype != dtypes_[i]:
                from ..dtypes import from_numpy_dtype  # noqa: PLC0415

                g = g.to(from_numpy_dtype(dtypes_[i]))
        out.append(g)
    return tuple(out)


def _fit_shape(node: Node, i: int, g: Any, expect: tuple) -> Any:
    if g._data.size == 1 and len(expect) == 0:
        return g.reshape(())
    if _expandable(expect, g._data.shape):
        from ..ops._util import unbroadcast  # noqa: PLC0415

        return unbroadcast(g, expect)
    raise RuntimeError(
        f"Function {type(node).__name__} returned an invalid gradient at index {i} - got "
        f"{list(g._data.shape)} but expected shape compatible with {list(expect)}\n"
        "hint: backward must return one gradient per input, each with that input's shape."
    )


def _expandable(shape: tuple, target: tuple) -> bool:
    """True when ``shape`` broadcasts to ``target``."""
    if len(shape) > len(target):
        return False
    for s, t in zip(reversed(shape), reversed(target)):
        if s != t and s != 1:
            return False
    return True

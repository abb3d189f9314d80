"""The backward pass: walk the graph from the output back to the leaves.

1. Count, for every node reachable from the roots, how many edges point into it.
2. Run nodes whose every incoming gradient has arrived, newest node first (as
   PyTorch does), summing gradients that meet at the same node.
3. At an ``AccumulateGrad`` node, add the gradient into the leaf's ``.grad``
   (or, for :func:`grad`, hand it back instead of touching ``.grad``).

Unless ``retain_graph=True``, every node frees what it saved once it has run, so
a second backward through the same graph raises PyTorch's error.
"""

from __future__ import annotations

import heapq
from typing import Any, Sequence

from . import grad_mode
from .function import AccumulateGrad, Node, edge_of

__all__ = ["backward", "grad"]


def _as_tuple(x: Any) -> tuple:
    if x is None:
        return ()
    if isinstance(x, (list, tuple)):
        return tuple(x)
    return (x,)


def _make_grads(outputs: tuple, grad_outputs: tuple, create_graph: bool) -> list:
    from ..tensor import Tensor  # noqa: PLC0415

    grads = []
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(
            "grad can be implicitly created only for scalar outputs"
            if not grad_outputs
            else f"Mismatch in number of grad_outputs: got {len(grad_outputs)} but expected {len(outputs)}"
        )
    for i, (out, g) in enumerate(zip(outputs, grad_outputs)):
        if g is None:
            if out.numel() != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs\n"
                    f"hint: this output has shape {tuple(out.shape)}; reduce it to one number first "
                    "(e.g. y.sum().backward()) or pass gradient=torch.ones_like(y)."
                )
            if not out.dtype.is_floating_point:
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {out.dtype}"
                )
            g = Tensor._make(_ones_like(out))
        else:
            if not isinstance(g, Tensor):
                raise TypeError(
                    f"gradients can be either Tensors or None, but got {type(g).__name__}"
                )
            if g.shape != out.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and "
                    f"output[{i}] has a shape of {out.shape}."
                )
            if not create_graph:
                g = g.detach()
        grads.append(g)
    return grads


def _ones_like(t: Any) -> Any:
    from .. import backend  # noqa: PLC0415

    return backend.array_module(t._data).ones(t._data.shape, dtype=t._data.dtype)


def backward(
    tensors: Any,
    grad_tensors: Any = None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    inputs: Sequence[Any] | None = None,
) -> None:
    """Accumulate d(tensors)/d(leaf) into every leaf's ``.grad`` (``torch.autograd.backward``)."""
    outputs = _as_tuple(tensors)
    grad_outputs = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    for i, out in enumerate(outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn\n"
                "hint: nothing in this result was computed from a tensor with requires_grad=True "
                "(or it was computed under torch.no_grad()); set requires_grad=True on the inputs "
                "you want gradients for."
            )
    grads = _make_grads(outputs, grad_outputs, create_graph)
    input_set = None
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        input_set = {edge_of(t) for t in inputs}
    _run(outputs, grads, retain_graph, create_graph, capture=None, accumulate_only=input_set)


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

    >>> import learntorch as torch
    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> (dy,) = torch.autograd.grad(x ** 3, x, create_graph=True)
    >>> dy
    tensor(27., grad_fn=<MulBackward0>)
    >>> torch.autograd.grad(dy, x)
    (tensor(18.),)
    """
    from ..tensor import Tensor  # noqa: PLC0415

    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    for i, out in enumerate(outs):
        if not out.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn"
            )
    for t in ins:
        if not isinstance(t, Tensor):
            raise TypeError(f"grad(): inputs must be tensors, got {type(t).__name__}")
        if not t.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    g_outs = _as_tuple(grad_outputs) if grad_outputs is not None else (None,) * len(outs)
    grads = _make_grads(outs, g_outs, create_graph)
    capture = {edge_of(t): None for t in ins}
    _run(outs, grads, retain_graph, create_graph, capture=capture, accumulate_only=set())
    result = []
    for t in ins:
        g = capture[edge_of(t)]
        if g is None:
            if materialize_grads:
                from ..creation import zeros_like  # noqa: PLC0415

                g = zeros_like(t)
            elif not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        result.append(g)
    return tuple(result)


def _collect(roots: list[Node]) -> tuple[dict[Node, int], list[Node]]:
    """Dependency counts of every node reachable from ``roots``."""
    deps: dict[Node, int] = {}
    seen = set()
    stack = list(roots)
    order = []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        order.append(node)
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                stack.append(nxt)
    return deps, order


def _needed(order: list[Node], targets: set) -> set:
    """Nodes from which some target edge's node can be reached (others are skipped)."""
    target_nodes = {n for n, _ in targets}
    needed: set = set()
    # order is a DFS preorder; iterate to a fixed point (graphs are small)
    changed = True
    while changed:
        changed = False
        for node in order:
            if node in needed:
                continue
            if node in target_nodes or any(n in needed for n, _ in node.next_functions if n is not None):
                needed.add(node)
                changed = True
    return needed


def _run(
    outputs: tuple,
    grads: list,
    retain_graph: bool,
    create_graph: bool,
    capture: dict | None,
    accumulate_only: set | None,
) -> None:
    buffers: dict[Node, list] = {}
    roots = []
    for out, g in zip(outputs, grads):
        node, nr = edge_of(out)
        if node is None:
            continue
        buf = buffers.setdefault(node, [None] * _n_outputs(node))
        buf[nr] = g if buf[nr] is None else buf[nr] + g
        roots.append(node)
    deps, order = _collect(roots)
    needed = None
    if capture is not None:
        needed = _needed(order, set(capture))
    elif accumulate_only is not None:
        needed = _needed(order, accumulate_only)

    ready: list = []
    pushed = set()
    for node in roots:
        if deps.get(node, 0) == 0 and node not in pushed:
            heapq.heappush(ready, (-node._seq, node))
            pushed.add(node)

    with grad_mode.set_grad_enabled(create_graph):
        while ready:
            _, node = heapq.heappop(ready)
            buf = buffers.pop(node, None) or [None] * _n_outputs(node)
            if needed is not None and node not in needed:
                _release(node, deps, buffers, ready, pushed, retain_graph)
                continue
            buf = _call_pre_hooks(node, buf)
            if capture is not None:
                for nr, g in enumerate(buf):
                    if (node, nr) in capture and g is not None:
                        capture[(node, nr)] = g
            if isinstance(node, AccumulateGrad):
                if capture is None and (accumulate_only is None or (node, 0) in accumulate_only):
                    _accumulate(node, buf[0], create_graph)
                continue
            if capture is not None and all((node, nr) in capture for nr in range(len(buf))) and not any(
                n is not None for n, _ in node.next_functions if n in needed
            ):
                _release(node, deps, buffers, ready, pushed, retain_graph)
                continue
            if all(g is None for g in buf):
                grads_in: tuple = (None,) * len(node.next_functions)
            else:
                grads_in = node._apply_backward(list(buf))
                grads_in = _validate(node, grads_in)
            for hook in node._hooks:
                hook(grads_in, tuple(buf))
            if not retain_graph:
                node._free_saved()
            for (nxt, nr), g in zip(node.next_functions, grads_in):
                if nxt is None:
                    continue
                if g is not None:
                    b = buffers.setdefault(nxt, [None] * _n_outputs(nxt))
                    b[nr] = g if b[nr] is None else b[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0 and nxt not in pushed:
                    heapq.heappush(ready, (-nxt._seq, nxt))
                    pushed.add(nxt)


def _release(node: Node, deps: dict, buffers: dict, ready: list, pushed: set, retain_graph: bool) -> None:
    for nxt, _ in node.next_functions:
        if nxt is None:
            continue
        deps[nxt] -= 1
        if deps[nxt] == 0 and nxt not in pushed:
            heapq.heappush(ready, (-nxt._seq, nxt))
            pushed.add(nxt)


def _n_outputs(node: Node) -> int:
    return 1 if isinstance(node, AccumulateGrad) else node._num_outputs


def _call_pre_hooks(node: Node, buf: list) -> list:
    if isinstance(node, AccumulateGrad):
        hooks = node.variable._leaf_hooks
        if hooks and buf[0] is not None:
            for h in list(hooks):
                r = h(buf[0])
                if r is not None:
                    buf[0] = r
        return buf
    for nr, hooks in node._pre_hooks.items():
        if buf[nr] is None:
            continue
        for h in list(hooks):
            r = h(buf[nr])
            if r is not None:
                buf[nr] = r
    for h in node._prehooks:
        r = h(tuple(buf))
        if r is not None:
            buf = list(r)
    for nr, ref in node._retained.items():
        t = ref()
        if t is not None and buf[nr] is not None:
            g = buf[nr] if grad_mode.is_grad_enabled() else buf[nr].detach()
            t._grad = g.clone() if t._grad is None else t._grad + g
    return buf


def _validate(node: Node, grads_in: tuple) -> tuple:
    from ..tensor import Tensor  # noqa: PLC0415

    out = []
    for i, ((nxt, _), g) in enumerate(zip(node.next_functions, grads_in)):
        if g is None or nxt is None:
            out.append(g if nxt is not None else None)
            continue
        if not isinstance(g, Tensor):
            g = Tensor._make(g)
        expect = node._in_shapes[i] if getattr(node, "_in_shapes", None) else None
        if expect is not None and tuple(g.shape) != tuple(expect):
            if g.numel() == 1 and len(expect) == 0:
                g = g.reshape(())
            else:
                from ..tensor import Size  # noqa: PLC0415

                raise RuntimeError(
                    f"Function {type(node).__name__} returned an invalid gradient at index {i} - got "
                    f"{list(g.shape)} but expected shape compatible with {list(Size(expect))}"
                )
        out.append(g)
    return tuple(out)


def _accumulate(node: AccumulateGrad, g: Any, create_graph: bool) -> None:
    if g is None:
        return
    var = node.variable
    if not create_graph:
        g = g.detach()
    if var._grad is None:
        var._grad = g.clone() if not create_graph else g
        if var._grad.dtype != var.dtype:
            var._grad = var._grad.to(var.dtype)
    elif create_graph or var._grad.requires_grad:
        var._grad = var._grad + g
    else:
        var._grad._data += g._data
        var._grad._bump_version()

"""``add_graph``: run the model once and turn what happened into a TensorFlow ``GraphDef``.

Real PyTorch traces the model with TorchScript. learntorch needs no tracer: the autograd graph
*is* a record of every differentiable op, and forward hooks say which module each op ran in.

1. Inputs that hold floats are replaced by leaf copies with ``requires_grad=True``, so that even
   ops applied to the input before the first parameter are recorded.
2. Every module gets a forward pre-hook (remembering the ``grad_fn`` of its inputs) and a
   forward hook: when a module finishes, it walks back from its outputs' ``grad_fn`` and claims
   every node not yet claimed, stopping at its inputs. Inner modules finish first, so each op
   lands in the innermost module that ran it; ops written in a ``forward`` itself (``torch.flatten``,
   ``F.relu``) land in that module.
3. Each op becomes a node named ``<scope>/<Op>`` where the scope mirrors the module tree as
   torch spells it (``Net/Sequential[model1]/Conv2d[0]``); TensorBoard folds every scope into a
   box you can open. Parameters become ``<scope>/weight`` nodes, inputs and outputs ``IO Node`` s.
   Edge shapes come from the shapes each backward node recorded for its inputs.
"""

from __future__ import annotations

import inspect
from typing import Any

from . import _proto

_DEVICE = "/device:CPU:0"


def _tensors(obj: Any) -> list:
    """The tensors inside (nested tuples / lists / dicts of) ``obj``."""
    from learntorch.tensor import Tensor

    if isinstance(obj, Tensor):
        return [obj]
    if isinstance(obj, (tuple, list)):
        return [t for o in obj for t in _tensors(o)]
    if isinstance(obj, dict):
        return [t for o in obj.values() for t in _tensors(o)]
    return []


def _op_name(node: Any) -> str:
    name = node.name().rsplit("::", 1)[-1]
    for suffix in ("Backward0", "Backward1", "Backward"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _scopes(model: Any) -> dict[int, str]:
    """id(module) -> its scope name, torch style: ``Net/Sequential[model1]/Conv2d[0]``."""
    scopes: dict[int, str] = {}

    def visit(module: Any, scope: str) -> None:
        if id(module) in scopes:
            return
        scopes[id(module)] = scope
        for attr, child in module._modules.items():
            if child is not None:
                visit(child, f"{scope}/{type(child).__name__}[{attr}]")

    visit(model, type(model).__name__)
    return scopes


def _argument_names(model: Any, n: int) -> list[str]:
    """The names of ``forward``'s first ``n`` parameters (``input/x`` as torch shows it)."""
    try:
        params = list(inspect.signature(getattr(model, "forward", model)).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return [names[i] if i < len(names) else f"input.{i}" for i in range(n)]


def trace_graph(model: Any, input_to_model: Any = None) -> tuple[bytes, list[tuple[str, str, list[str]]]]:
    """Run ``model`` once; return the encoded ``GraphDef`` and the nodes as (name, op, inputs)."""
    import learntorch
    from learntorch.nn import Module

    if input_to_model is None:
        args: tuple = ()
    elif isinstance(input_to_model, (tuple, list)):
        args = tuple(input_to_model)
    else:
        args = (input_to_model,)
    leaf_names: dict[int, str] = {}  # id(leaf tensor) -> node name (inputs and parameters)
    nodes: list[tuple[str, str, list[str], list[tuple[int, ...]], str]] = []  # name, op, inputs, shapes, attr
    traced_args = []
    arg_names = _argument_names(model, len(args))
    for a, arg_name in zip(args, arg_names):
        if isinstance(a, learntorch.Tensor):
            if a.is_floating_point() or a.is_complex():
                a = a.detach().requires_grad_(True)
            leaf_names[id(a)] = f"input/{arg_name}"
            nodes.append((f"input/{arg_name}", "IO Node", [], [tuple(a.shape)], f"dtype: {a.dtype}"))
        traced_args.append(a)

    is_module = isinstance(model, Module)
    scopes = _scopes(model) if is_module else {}
    root_scope = type(model).__name__ if is_module else getattr(model, "__name__", "model")
    if is_module:
        for mod_name, module in model.named_modules():
            scope = scopes[id(module)]
            for p_name, p in module.named_parameters(recurse=False):
                if id(p) not in leaf_names:
                    leaf_names[id(p)] = f"{scope}/{p_name}"
                    full = f"{mod_name}.{p_name}" if mod_name else p_name
                    nodes.append(
                        (f"{scope}/{p_name}", "Parameter", [], [tuple(p.shape)], f"parameter: {full}")
                    )

    claimed: dict[int, tuple[Any, str, str]] = {}  # id(grad_fn) -> (grad_fn, scope, module description)
    # inputs autograd cannot see (integer token ids): id(grad_fn) -> names of the input nodes
    untracked: dict[int, list[str]] = {}
    attached: set[str] = set()
    boundaries: list[tuple[set[int], list[tuple[str, tuple[int, ...]]]]] = []

    def claim(outputs: Any, scope: str, what: str, stop: set[int], plain: list | None = None) -> None:
        todo = [t.grad_fn for t in _tensors(outputs) if t.grad_fn is not None]
        seen: set[int] = set()
        new: list = []
        while todo:  # walk through nodes inner modules claimed: ops of ours may lie behind them
            node = todo.pop()
            if node is None or id(node) in seen or id(node) in stop or hasattr(node, "variable"):
                continue
            seen.add(id(node))
            if id(node) not in claimed:
                claimed[id(node)] = (node, scope, what)
                new.append(node)
            todo.extend(nxt for nxt, _ in node.next_functions)
        # a module input without grad (token ids) feeds the first op of this call that has a
        # grad-less argument of its shape, else simply the first op of this call
        new.sort(key=lambda n: n._seq)
        for name, shape in plain or ():
            if name in attached:  # an inner module already took it
                continue
            fed = [
                n
                for n in new
                if any(e[0] is None and s == shape for e, s in zip(n.next_functions, n._in_shapes))
            ]
            if fed or new:
                untracked.setdefault(id((fed or new)[0]), []).append(name)
                attached.add(name)

    def pre_hook(module: Any, inputs: Any) -> None:
        tensors = _tensors(inputs)
        stop = {id(t.grad_fn) for t in tensors if t.grad_fn is not None}
        plain = [
            (leaf_names[id(t)], tuple(t.shape))
            for t in tensors
            if not t.requires_grad and id(t) in leaf_names
        ]
        boundaries.append((stop, plain))

    def post_hook(module: Any, inputs: Any, output: Any) -> None:
        stop, plain = boundaries.pop()
        what = module._get_name() if module._modules else repr(module)
        claim(output, scopes.get(id(module), root_scope), what, stop, plain)

    handles = []
    if is_module:
        for module in model.modules():
            handles.append(module.register_forward_pre_hook(pre_hook))
            handles.append(module.register_forward_hook(post_hook))
    try:
        with learntorch.enable_grad():
            out = model(*traced_args)
    finally:
        for h in handles:
            h.remove()
    outputs = _tensors(out)
    claim(outputs, root_scope, root_scope, set())  # ops of a plain function, or outside every hook

    # shape of each op's output: what its consumers recorded for that input
    shapes: dict[int, tuple[int, ...]] = {}
    for t in outputs:
        if t.grad_fn is not None:
            shapes.setdefault(id(t.grad_fn), tuple(t.shape))
    for node, _, _ in claimed.values():
        for (nxt, nr), shape in zip(node.next_functions, node._in_shapes or ()):
            if nxt is not None and nr == 0:
                shapes.setdefault(id(nxt), tuple(shape))

    # name the ops in the order they ran (backward nodes carry a creation sequence number)
    names: dict[int, str] = {}
    used: dict[str, int] = {}
    ordered = sorted(claimed.values(), key=lambda c: c[0]._seq)
    for node, scope, _ in ordered:
        base = f"{scope}/{_op_name(node)}"
        k = used.get(base, 0)
        used[base] = k + 1
        names[id(node)] = base if k == 0 else f"{base}_{k}"

    def source(nxt: Any) -> str | None:
        if nxt is None:
            return None
        if hasattr(nxt, "variable"):
            return leaf_names.get(id(nxt.variable))
        return names.get(id(nxt))

    for node, _, what in ordered:
        inputs = untracked.get(id(node), []) + [source(nxt) for nxt, _ in node.next_functions]
        inputs = [s for s in inputs if s is not None]
        shape = shapes.get(id(node))
        attr = f"grad_fn: {node.name()}  in: {what}"
        nodes.append((names[id(node)], _op_name(node), inputs, [shape] if shape is not None else [], attr))
    for i, t in enumerate(outputs):
        src = source(t.grad_fn) if t.grad_fn is not None else leaf_names.get(id(t))
        nodes.append(
            (f"output/output.{i + 1}", "IO Node", [src] if src else [], [tuple(t.shape)], f"dtype: {t.dtype}")
        )

    encoded = [
        _proto.node_def(
            name,
            op,
            inputs,
            _DEVICE,
            {"_output_shapes": _proto.attr_shapes(shp), "attr": _proto.attr_string(attr)},
        )
        for name, op, inputs, shp, attr in nodes
    ]
    return _proto.graph_def(encoded), [(n, op, inp) for n, op, inp, _, _ in nodes]

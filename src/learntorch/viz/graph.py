"""Draw the backward graph of a tensor: what ``loss.backward()`` will walk.

``viz.graph(y, params)`` follows ``y.grad_fn`` and every ``next_functions`` edge
back to the leaves, exactly the structure PyTorch builds:

* **op nodes** carry PyTorch's names (``AddmmBackward0``, ``ReluBackward0`` ...),
  the shape of the tensor that op produced, and the tensors it saved for backward
  (shape, and the version counter they had, so an in-place change shows up);
* **leaf nodes** are the ``AccumulateGrad`` nodes of leaves, named by parameter
  name (``fc1.weight``) with shape and dtype; after ``backward()`` they also show
  the gradient's norm and a heat strip of ``|grad|`` (a picture is drawn when it
  is shown, so build it before ``backward()`` and look at it after);
* the **output** is the tensor you passed in.

Arrows follow the forward computation (input to output, top to bottom); the
backward pass walks them in reverse, which is what ``next_functions`` lists.

Pictures are SVG with a PNG twin (JupyterLab shows only the PNG of an untrusted
notebook), drawn by learntorch's own layered layout with a legend underneath
that explains every notation used (see :mod:`._graph_picture`);
``g.save("graph.png")`` / ``.svg`` / ``.html`` write them, ``svg(engine="dot")``
asks Graphviz instead, and ``to_dot()`` and ``to_mermaid()`` give text forms. Traced with :func:`trace` (or :func:`graph_of`), large graphs
collapse to one box per layer; ``expand=["layer1"]`` opens a box, and
``collapse=False`` shows every op.

>>> import learntorch as torch
>>> from learntorch import viz
>>> w = torch.ones(3, 2, requires_grad=True)
>>> x = torch.ones(4, 3)
>>> y = (x @ w).relu().sum()
>>> g = viz.graph(y, params={"w": w})
>>> print(g)
Graph: 5 nodes, 4 edges (output [])
output [] float32
└─ SumBackward0  -> []
   └─ ReluBackward0  -> [4, 2]
      └─ MmBackward0  -> [4, 2]
         └─ w (AccumulateGrad) [3, 2] float32
>>> g.edges_named()
[('MmBackward0', 'ReluBackward0'), ('ReluBackward0', 'SumBackward0'), ('SumBackward0', 'output'), ('w', 'MmBackward0')]
>>> "<svg" in g.svg(engine="builtin")
True
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Sequence

import numpy as np

from ._graph_picture import GNode, Graph, _dtype_name, _shape

__all__ = ["Graph", "graph", "graph_of", "trace", "ModuleTrace"]

AUTO_COLLAPSE_NODES = 40


# ---------------------------------------------------------------------------- tracing
class ModuleTrace:
    """Records which graph nodes each module's forward created.

    Autograd nodes get increasing serial numbers as they are made, so a forward
    pre-hook and a forward hook on every module bracket the nodes of its call.
    Use as a context manager around the forward pass, then pass it to
    :func:`graph`:

    >>> import learntorch as torch
    >>> from learntorch import nn, viz  # doctest: +SKIP
    >>> net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))  # doctest: +SKIP
    >>> with viz.trace(net) as tr:  # doctest: +SKIP
    ...     y = net(torch.randn(3, 4)).sum()
    >>> viz.graph(y, trace=tr, collapse=True)  # one box per layer  # doctest: +SKIP
    """

    def __init__(self, model: Any) -> None:
        self.model = model
        self.calls: list[tuple[str, str, int, int, tuple]] = []  # (name, type, start, end, out shape)
        self._handles: list[Any] = []
        self._open: dict[int, list[int]] = {}

    def _stamp(self) -> int:
        from ..autograd import function  # noqa: PLC0415

        return next(function._seq_counter)

    def __enter__(self) -> ModuleTrace:
        for name, mod in self.model.named_modules():
            if not name:
                continue
            self._handles.append(mod.register_forward_pre_hook(self._pre(name)))
            self._handles.append(mod.register_forward_hook(self._post(name)))
        return self

    def _pre(self, name: str) -> Any:
        def hook(mod: Any, inputs: Any) -> None:
            self._open.setdefault(id(mod), []).append(self._stamp())

        return hook

    def _post(self, name: str) -> Any:
        def hook(mod: Any, inputs: Any, output: Any) -> None:
            start = self._open[id(mod)].pop()
            shape = tuple(output.shape) if hasattr(output, "shape") else ()
            self.calls.append((name, type(mod).__name__, start, self._stamp(), shape))

        return hook

    def __exit__(self, *exc: Any) -> None:
        for h in self._handles:
            h.remove()
        self._handles = []

    def module_of(self, seq: int) -> str | None:
        """The innermost module whose forward created the node with serial ``seq``."""
        best = None
        for name, _, s, e, _ in self.calls:
            if s < seq < e and (best is None or e - s < best[1]):
                best = (name, e - s)
        return best[0] if best else None

    def types(self) -> dict[str, str]:
        return {name: typ for name, typ, *_ in self.calls}

    def out_shapes(self) -> dict[str, tuple]:
        return {name: shp for name, _, _, _, shp in self.calls}


def trace(model: Any) -> ModuleTrace:
    """Context manager recording which module made which graph node (see :class:`ModuleTrace`)."""
    return ModuleTrace(model)


# ---------------------------------------------------------------------------- the graph
def _saved_lines(node: Any) -> list[str]:
    """Describe what a node saved for backward (learntorch's ``_saved`` or torch's ``_saved_*``)."""
    out = []
    saved = getattr(node, "_saved", None)
    if saved is not None and isinstance(saved, tuple):
        for i, item in enumerate(saved):
            if item is None:
                continue
            data = getattr(item, "data", None)
            if hasattr(item, "version_box") and data is not None:  # a _Saved entry
                ver = item.version
                now = item.version_box[0]
                tag = f"v{ver}" if now == ver else f"v{ver}, now v{now}: modified!"
                what = "output" if item.is_output else "input"
                out.append(f"saved {i}: {what} {_shape(data.shape)} {tag}")
            elif hasattr(item, "shape"):
                out.append(f"saved {i}: {_shape(item.shape)}")
    elif getattr(node, "_had_saved", False):
        out.append("saved: freed by backward()")
    elif saved is None and not hasattr(node, "_had_saved"):
        for attr in sorted(a for a in dir(node) if a.startswith("_saved_")):
            try:
                val = getattr(node, attr)
            except RuntimeError:
                out.append(f"{attr[7:]}: freed by backward()")
                continue
            if hasattr(val, "shape") and hasattr(val, "dtype"):
                out.append(f"{attr[7:]}: {_shape(val.shape)}")
    return out


def _out_shape(node: Any) -> str | None:
    meta = getattr(node, "_out_meta", None)
    if meta:
        return ", ".join(_shape(m[0]) for m in meta)
    return None


def _is_leaf_node(node: Any) -> bool:
    return hasattr(node, "variable") and type(node).__name__ == "AccumulateGrad"


# ---------------------------------------------------------------------------- building
def graph(
    y: Any,
    params: dict[str, Any] | None = None,
    *,
    trace: ModuleTrace | None = None,
    collapse: bool | str = "auto",
    expand: Sequence[str] = (),
    show_saved: bool = True,
) -> Graph:
    """The backward graph of tensor ``y`` (or a list of tensors) as a :class:`Graph`.

    Args:
        y: the tensor(s) whose graph to draw, usually the loss.
        params: names for leaves, e.g. ``dict(model.named_parameters())``.
        trace: a :class:`ModuleTrace` of the forward pass; enables collapsing by module.
        collapse: ``True`` draws one box per top-level module, ``False`` every op,
            ``"auto"`` collapses when traced and the graph has more than 40 nodes.
        expand: module names to open when collapsed (``["layer1"]`` shows the blocks
            of ``layer1``; ``["layer1.0"]`` goes one level deeper).
        show_saved: list the tensors each op saved for backward.
    """
    outs = list(y) if isinstance(y, (list, tuple)) else [y]
    names = {id(t): n for n, t in (params or {}).items()}
    if trace is not None and not names:
        names = {id(t): n for n, t in trace.model.named_parameters()}
    nodes: dict[str, GNode] = {}
    edges: list[tuple[str, str]] = []
    key_of: dict[int, str] = {}
    module_of: dict[str, str | None] = {}
    keep: list[Any] = []  # keep walked nodes alive until done (ids must stay unique)

    def visit(fn: Any) -> str:
        k = key_of.get(id(fn))
        if k is not None:
            return k
        k = f"n{len(key_of)}"
        key_of[id(fn)] = k
        keep.append(fn)
        if _is_leaf_node(fn):
            v = fn.variable
            pname = names.get(id(v))
            title = pname if pname is not None else "AccumulateGrad"
            nodes[k] = GNode(k, "leaf", title, [f"{_shape(v.shape)} {_dtype_name(v)}"], [v])
            if pname is not None and "." in pname:
                module_of[k] = pname.rsplit(".", 1)[0]
            else:
                module_of[k] = None
        else:
            lines = []
            shp = _out_shape(fn)
            if shp is not None:
                lines.append(f"-> {shp}")
            if show_saved:
                lines.extend(_saved_lines(fn))
            nodes[k] = GNode(k, "op", fn.name() if hasattr(fn, "name") else type(fn).__name__, lines)
            seq = getattr(fn, "_seq", None)
            module_of[k] = trace.module_of(seq) if trace is not None and seq is not None else None
        return k

    todo: list[Any] = []
    descs = []
    for i, t in enumerate(outs):
        ok = f"out{i}"
        title = "output" if len(outs) == 1 else f"output {i}"
        descs.append(_shape(t.shape))
        nodes[ok] = GNode(ok, "output", title, [f"{_shape(t.shape)} {_dtype_name(t)}"])
        module_of[ok] = None
        fn = t.grad_fn
        if fn is None and getattr(t, "requires_grad", False):
            fn = _leaf_accumulator(t)
        if fn is not None:
            edges.append((visit(fn), ok))
            todo.append(fn)
    seen: set[int] = set()
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        k = key_of[id(fn)]
        for nxt, _ in getattr(fn, "next_functions", ()) or ():
            if nxt is None:
                continue
            edges.append((visit(nxt), k))
            todo.append(nxt)
    for k, n in nodes.items():
        n.module = module_of.get(k)
    g = Graph(nodes, edges, ", ".join(descs))
    do_collapse = collapse is True or (
        collapse == "auto" and trace is not None and len(nodes) > AUTO_COLLAPSE_NODES
    )
    if do_collapse:
        if trace is None:
            raise ValueError(
                "collapse=True needs to know which module made which node\n"
                "hint: run the forward pass inside `with viz.trace(model) as tr:` and pass trace=tr, "
                "or use viz.graph_of(model, x)."
            )
        g = _collapse(g, trace, set(expand))
    return g


def _leaf_accumulator(t: Any) -> Any:
    from ..autograd.function import _accumulate_node  # noqa: PLC0415

    try:
        return _accumulate_node(t)
    except AttributeError:
        return None


def _unit(module: str | None, expand: set[str], leaf_modules: set[str]) -> str | None:
    """The box a node of ``module`` is drawn in (None = drawn as itself)."""
    if module is None:
        return None
    parts = module.split(".")
    unit = parts[0]
    i = 1
    while unit in expand:
        if i >= len(parts):
            return None if unit in leaf_modules or unit == module else unit
        unit = unit + "." + parts[i]
        i += 1
    return unit


def _collapse(g: Graph, tr: ModuleTrace, expand: set[str]) -> Graph:
    types = tr.types()
    shapes = tr.out_shapes()
    names = set(types)
    leaf_modules = {n for n in names if not any(m.startswith(n + ".") for m in names)}
    rep: dict[str, str] = {}
    boxes: dict[str, GNode] = {}
    nodes: dict[str, GNode] = {}
    for k, n in g.nodes.items():
        unit = _unit(n.module, expand, leaf_modules)
        if unit is None:
            nodes[k] = n
            rep[k] = k
            continue
        bk = "m_" + unit.replace(".", "_")
        box = boxes.get(unit)
        if box is None:
            typ = types.get(unit, "Module")
            lines = [f"-> {_shape(shapes[unit])}"] if unit in shapes else []
            box = GNode(bk, "module", f"{unit} ({typ})", lines, module=unit)
            boxes[unit] = box
            nodes[bk] = box
        if n.kind == "leaf":
            box.tensors.extend(n.tensors)
        else:
            box.members.append(n.title)
        rep[k] = bk
    for box in boxes.values():
        if box.members:
            counts = Counter(box.members)
            top = ", ".join(f"{name} x{c}" if c > 1 else name for name, c in counts.most_common(3))
            more = "" if len(counts) <= 3 else ", ..."
            box.lines.append(f"{len(box.members)} ops: {top}{more}")
        if box.tensors:
            total = sum(int(np.prod(t.shape)) for t in box.tensors)
            box.lines.append(f"{len(box.tensors)} params, {total:,} values")
    edges = []
    for a, b in g.edges:
        ra, rb = rep[a], rep[b]
        if ra != rb and (ra, rb) not in edges:
            edges.append((ra, rb))
    return Graph(nodes, edges, g.out_desc)


def graph_of(
    model: Any,
    *inputs: Any,
    loss_fn: Any = None,
    target: Any = None,
    collapse: bool | str = "auto",
    expand: Sequence[str] = (),
    show_saved: bool = True,
) -> Graph:
    """Run ``model(*inputs)`` (then ``loss_fn(out, target)`` if given) traced, and draw its graph.

    Leaves are named by ``model.named_parameters()`` and nodes are grouped by the
    module that made them, so ``collapse``/``expand`` work (see :func:`graph`).
    """
    with trace(model) as tr:
        out = model(*inputs)
    if loss_fn is not None:
        out = loss_fn(out, target)
    return graph(
        out,
        dict(model.named_parameters()),
        trace=tr,
        collapse=collapse,
        expand=expand,
        show_saved=show_saved,
    )

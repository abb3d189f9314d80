"""``BackwardStepper``: watch ``backward()`` run, one graph node at a time.

Give it any scalar tensor (note 002's ``y = x**2 + 2*x + 2``, or a small model's
loss). It runs the real backward pass once, with hooks on the real engine: a
pre-hook (``Node.register_prehook``) and a hook (``Node.register_hook``) on every
node, and ``register_hook`` / ``register_post_accumulate_grad_hook`` on every leaf.
What the hooks see, in the order the engine calls them, becomes the steps:

* the gradient flowing in (and which nodes it came from: gradients that meet add up);
* the local derivative: the node's own backward applied to a gradient of ones,
  which for an elementwise op is ∂out/∂in itself;
* what flows out to each input, and the tensors the node saved for backward;
* at a leaf, ``.grad`` before and after the accumulation.

The forward/back buttons and the slider move through the steps. The backward
runs with ``retain_graph=True`` and the leaves' ``.grad`` are put back as they
were, so the student's tensors are left as they were given.

>>> import learntorch as torch
>>> from learntorch.widgets import BackwardStepper
>>> x = torch.tensor(2.0, requires_grad=True)
>>> st = BackwardStepper(x**2 + 2*x + 2, params={"x": x})
>>> [s.label for s in st.steps]
['AddBackward0', 'AddBackward0 #2', 'MulBackward0', 'PowBackward0', 'x']
>>> st.steps[-1].grad_after, x.grad is None
(6.0, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._base import Explorer
from ._wiring import bind, figure, fmt, quietly

__all__ = ["BackwardStepper", "Step"]

COLORS = {"pending": "#eeeeee", "done": "#c9efb4", "now": "#ffb347", "leaf": "#cfe3ff"}


def _np(t: Any) -> np.ndarray | None:
    return None if t is None else np.array(t.detach().numpy(), copy=True)


def _edge_fmt(g: np.ndarray | None) -> str:
    """A gradient short enough for an arrow: its value, or its shape and norm."""
    if g is None:
        return ""
    if g.size <= 2:
        return " " + fmt(g, 3)
    return f" ‖{'×'.join(map(str, g.shape))}‖={float(np.linalg.norm(g)):.3g}"


@dataclass
class Step:
    """What one node did when the engine ran it."""

    label: str  # the node's name (a leaf: its name in ``params``)
    node: str  # the engine's name for it: "MulBackward0", "torch::autograd::AccumulateGrad"
    grad_in: list  # the gradient arriving for each output of the node (summed over the paths)
    parts: list = field(default_factory=list)  # (from label, gradient) before they were summed
    local: list = field(default_factory=list)  # (input label, backward of ones) per input
    grad_out: list = field(default_factory=list)  # (input label, gradient sent) per input
    saved: list = field(default_factory=list)  # the tensors saved for backward
    grad_before: Any = None  # leaves: .grad before this accumulation (None: no grad yet)
    grad_after: Any = None  # leaves: .grad after it


class BackwardStepper(Explorer):
    """Step through ``output.backward()`` node by node, in the engine's own order.

    Args:
        output: a scalar tensor (default: note 002's ``y = x**2 + 2*x + 2`` at ``x = 2``).
        params: names for the leaves, e.g. ``dict(model.named_parameters())``.
        step: the step shown first.

    State read by tests: ``steps`` (one :class:`Step` per node run), ``step``.
    """

    title = "backward, step by step"
    tight_png = False

    def __init__(self, output: Any = None, params: dict[str, Any] | None = None, step: int = 0) -> None:
        if output is None:
            import learntorch as torch  # noqa: PLC0415

            x = torch.tensor(2.0, requires_grad=True)
            output, params = x**2 + 2 * x + 2, {"x": x}
        self.output = output
        self.params = dict(params or {})
        self.step = step
        self.steps: list[Step] = []
        self._traced: Any = None
        self._fig: Any = None
        super().__init__()

    # -- running the engine with hooks ------------------------------------------------------
    def compute(self) -> None:
        if self._traced is not self.output:
            self.steps = []
            self._traced = None
            self.steps, self._nodes, self._edges = self._trace(self.output)
            self._traced = self.output
            self._layout = None
        self.step = max(0, min(int(self.step), len(self.steps) - 1))

    def _trace(self, out: Any) -> tuple[list[Step], dict, list]:
        from learntorch import Tensor  # noqa: PLC0415
        from learntorch.autograd import engine  # noqa: PLC0415
        from learntorch.autograd.function import AccumulateGrad  # noqa: PLC0415

        if not isinstance(out, Tensor):
            raise TypeError(
                f"BackwardStepper needs a tensor, got {type(out).__name__}\n"
                "hint: pass the result of a computation on tensors with requires_grad=True, e.g. "
                "y = x**2 + 2*x + 2."
            )
        names = {id(t): n for n, t in self.params.items()}
        nodes: dict[Any, str] = {}  # node -> label, in the order found
        edges: list[tuple[Any, Any]] = []  # (input node, node that used it): the forward direction
        counts: dict[str, int] = {}
        stack = [out.grad_fn] if out.grad_fn is not None else []
        leaf_no = 0
        while stack:
            n = stack.pop(0)
            if n in nodes:
                continue
            if type(n) is AccumulateGrad:
                label = names.get(id(n.variable), f"leaf {leaf_no}")
                leaf_no += 1
            else:
                label = n.name()
            counts[label] = counts.get(label, 0) + 1
            nodes[n] = label if counts[label] == 1 else f"{label} #{counts[label]}"
            for nxt, _ in n.next_functions:
                if nxt is not None:
                    edges.append((nxt, n))
                    stack.append(nxt)
        steps: list[Step] = []
        arrived: dict[Any, list] = {n: [] for n in nodes}
        handles: list[Any] = []
        leaves: dict[Any, Any] = {}

        def pre(node: Any) -> Any:
            def hook(grad_outputs: tuple) -> None:
                s = Step(nodes[node], node.name(), [_np(g) for g in grad_outputs], parts=arrived[node])
                s.saved = [_np(t) if isinstance(t, Tensor) else t for t in node.saved_tensors]
                s.local = self._local(node, nodes, engine)
                steps.append(s)

            return hook

        def post(node: Any) -> Any:
            def hook(grad_inputs: tuple, grad_outputs: tuple) -> None:
                s = steps[-1]
                for (nxt, _), g in zip(node.next_functions, grad_inputs):
                    if nxt is not None:
                        s.grad_out.append((nodes[nxt], _np(g)))
                        if g is not None:
                            arrived[nxt].append((nodes[node], _np(g)))

            return hook

        def leaf_in(node: Any) -> Any:
            def hook(grad: Any) -> None:
                var = node.variable
                before = None if var.grad is None else _np(var.grad)
                steps.append(
                    Step(nodes[node], node.name(), [_np(grad)], parts=arrived[node], grad_before=before)
                )
                leaves[node] = steps[-1]

            return hook

        def leaf_after(node: Any) -> Any:
            def hook(var: Any) -> None:
                leaves[node].grad_after = _np(var.grad)

            return hook

        saved_grads = {}
        try:
            for n in nodes:
                if type(n) is AccumulateGrad:
                    var = n.variable
                    saved_grads[n] = None if var.grad is None else var.grad.clone()
                    handles.append(var.register_hook(leaf_in(n)))
                    handles.append(var.register_post_accumulate_grad_hook(leaf_after(n)))
                else:
                    handles.append(n.register_prehook(pre(n)))
                    handles.append(n.register_hook(post(n)))
            out.backward(retain_graph=True)
        finally:
            for h in handles:
                h.remove()
            for n, g in saved_grads.items():
                n.variable.grad = g
        for s in steps:  # a scalar leaf's grad reads better as a number
            if s.grad_after is not None and s.grad_after.ndim == 0:
                s.grad_after = float(s.grad_after)
        return steps, nodes, [(nodes[a], nodes[b]) for a, b in edges]

    @staticmethod
    def _local(node: Any, nodes: dict, engine: Any) -> list:
        """The node's own backward applied to ones: ∂out/∂in for an elementwise op."""
        from learntorch import Tensor  # noqa: PLC0415

        try:
            ones = [Tensor._make(node.xp.ones(shape, dtype=dt)) for shape, dt in node._out_meta]
            res = engine._validate(node, node._apply_backward(ones))
        except Exception:  # noqa: BLE001 - a custom Function may not allow it: then it is not shown
            return []
        return [(nodes[nxt], _np(g)) for (nxt, _), g in zip(node.next_functions, res) if nxt is not None]

    # -- text and picture -------------------------------------------------------------------------
    def describe(self, i: int | None = None) -> str:
        """The text of step ``i`` (default: the current step), as the picture shows it."""
        s = self.steps[self.step if i is None else i]
        lines = [f"step {self.steps.index(s) + 1} of {len(self.steps)}:  {s.label}"]
        if s.label != s.node:
            lines[0] += f"  ({s.node})"
        g_in = " , ".join(fmt(g) for g in s.grad_in) if len(s.grad_in) > 1 else fmt(s.grad_in[0])
        lines.append(f"gradient in   dL/d(output) = {g_in}")
        if len(s.parts) > 1:
            lines += [f"   = sum of {len(s.parts)} paths:"] + [
                f"     {fmt(g)}  from {src}" for src, g in s.parts
            ]
        elif s.parts:
            lines.append(f"     (from {s.parts[0][0]})")
        else:
            lines.append("     (the start: d(output)/d(output) = 1)")
        if s.node.endswith("AccumulateGrad"):
            before = "None" if s.grad_before is None else fmt(s.grad_before)
            lines += ["accumulated into .grad:", f"   {s.label}.grad: {before}  →  {fmt(s.grad_after)}"]
            return "\n".join(lines)
        if s.local:
            lines.append("local derivative (backward of ones):")
            lines += [f"   ∂out/∂{dst}: {fmt(g)}" for dst, g in s.local]
        lines.append("gradient out (what backward returns):")
        lines += [f"   → {dst}: {fmt(g)}" for dst, g in s.grad_out] or [
            "   (nothing: no input needs a gradient)"
        ]
        if s.saved:
            lines.append("saved for backward:")
            lines += [f"   [{k}] {fmt(t) if isinstance(t, np.ndarray) else repr(t)}"
                      for k, t in enumerate(s.saved) if t is not None]  # fmt: skip
        return "\n".join(lines)

    def summary(self) -> str:
        return self.describe() if self.steps else self.title

    def render(self) -> Any:
        from learntorch.viz._layout import layered_layout  # noqa: PLC0415
        from learntorch.viz._svg import CHAR_W  # noqa: PLC0415

        if self._fig is None:
            self._fig = figure(11.0, 4.8)
        fig = self._fig
        if self._layout is None:
            labels = list(self._nodes.values())
            sizes = {n: (CHAR_W * len(n) + 18, 26.0) for n in labels}
            self._layout = layered_layout(labels, self._edges, sizes)
            fig.clear()
            self._gax = fig.add_axes((0.0, 0.0, 0.52, 0.93))
            self._tax = fig.add_axes((0.53, 0.0, 0.47, 0.93))
            for ax in (self._gax, self._tax):
                ax.set_axis_off()
            lay = self._layout
            self._gax.set_xlim(0, max(lay.width, 1))
            self._gax.set_ylim(max(lay.height, 1), 0)
            self._boxes, self._edge_text = {}, {}
            for a, b, pts in lay.edges:
                xs, ys = zip(*pts)
                self._gax.annotate("", xy=pts[-1], xytext=pts[-2],
                                   arrowprops={"arrowstyle": "-|>", "color": "#888", "lw": 0.8})  # fmt: skip
                self._gax.plot(xs[:-1], ys[:-1], color="#888", lw=0.8)
                near = (0.7 * xs[0] + 0.3 * xs[1], 0.7 * ys[0] + 0.3 * ys[1])  # by the input: dL/d(input)
                self._edge_text[(a, b)] = self._gax.text(*near, "", fontsize=8, color="#b00020", ha="left",
                                                         va="center", family="monospace")  # fmt: skip
            for n, (x, y) in lay.pos.items():
                w, h = lay.size[n]
                self._boxes[n] = self._gax.text(
                    x, y, n, ha="center", va="center", fontsize=9, family="monospace",
                    bbox={"boxstyle": "round,pad=0.3", "fc": COLORS["pending"], "ec": "#555"},
                )  # fmt: skip
            self._text = self._tax.text(0.0, 1.0, "", va="top", ha="left", family="monospace", fontsize=10,
                                        transform=self._tax.transAxes)  # fmt: skip
            fig.text(0.01, 0.97, "forward: arrows point down; backward runs up, gradients in red",
                     fontsize=8, color="#555")  # fmt: skip
        done = {s.label: s for s in self.steps[: self.step + 1]}
        leaves = {s.label for s in self.steps if s.node.endswith("AccumulateGrad")}
        for n, box in self._boxes.items():
            state = "now" if n == self.steps[self.step].label else "done" if n in done else "pending"
            fc = COLORS["leaf"] if state == "pending" and n in leaves else COLORS[state]
            box.get_bbox_patch().set_facecolor(fc)
        for (a, b), t in self._edge_text.items():  # edge a -> b carries dL/da once b has run
            sent = dict(done[b].grad_out).get(a) if b in done else None
            t.set_text(_edge_fmt(sent))
        self._text.set_text(self.describe())
        return fig

    # -- controls ----------------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        last = max(len(self.steps) - 1, 0)
        self._w_step = bind(self, w.IntSlider(value=self.step, min=0, max=last, description="step"), "step")
        back = w.Button(description="◀ back", layout=w.Layout(width="90px"))
        fwd = w.Button(description="forward ▶", layout=w.Layout(width="90px"))
        back.on_click(lambda _: self.update(step=max(self.step - 1, 0)))
        fwd.on_click(lambda _: self.update(step=min(self.step + 1, len(self.steps) - 1)))
        return [w.HBox([back, fwd, self._w_step])]

    def update(self, **state: Any) -> None:
        """As :meth:`Explorer.update`; the slider follows the step (and a new output's length)."""
        if "output" in state:
            state.setdefault("step", 0)
        super().update(**state)
        slider = getattr(self, "_w_step", None)
        if slider is not None:
            with quietly(self):
                slider.max = max(len(self.steps) - 1, 0)
                slider.value = self.step

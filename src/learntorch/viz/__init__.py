"""``learntorch.viz``: instruments that draw what PyTorch hides.

Everything here is optional for the core (nothing in ``learntorch`` imports it)
and imports matplotlib only when a plot is actually drawn. Every picture is an
object that shows itself in JupyterLab / VS Code / exported HTML (SVG or PNG,
no system programs needed: SVG with a PNG twin, because JupyterLab shows only the
PNG of a notebook it does not trust yet), explains its notation in a legend, and
prints as readable text in a terminal.

The autograd graph
    ``viz.graph(loss, params=dict(model.named_parameters()))`` draws the backward
    graph: PyTorch's node names (``AddmmBackward0``...), parameters by name with
    shape and dtype, tensors saved for backward, and, once ``loss.backward()``
    ran, each parameter's gradient norm and a heat strip. Build it before
    ``backward()`` (saved tensors are freed by it) and show it after.
    ``viz.graph_of(model, x, loss_fn=..., target=...)`` traces the modules too, so
    big models collapse to one box per layer (``expand=["layer1"]`` opens one,
    ``collapse=False`` shows every op). ``g.to_dot()``, ``g.to_mermaid()``,
    ``g.save("graph.svg")`` / ``"graph.png"``; ``print(g)`` gives an indented tree.

Model summary
    ``viz.summary(model, input_size=(1, 1, 28, 28))``: torchinfo-style table of
    layers, output shapes, kernel sizes, parameter counts and shares, mult-adds
    and memory by torchinfo's definitions (``col_names``, ``depth``, ``verbose``,
    ``row_settings``, ``dtypes``, ``device`` as in torchinfo).

Gradient inspector
    ``insp = viz.GradientInspector(model, optimizer)`` records, at every
    ``optimizer.step()``, per-layer gradient and weight norms, update/weight
    ratios, layer-to-layer gradient ratios, dead-ReLU and saturated fractions;
    ``insp.report()`` prints those figures, the rules applied to them with their
    thresholds, and what follows in words; ``insp.plot()`` draws the history.

Views and memory
    ``viz.memory(x, x.t(), x.reshape(6))``: storage cells, shape, strides,
    offset, and which tensors share memory (view vs copy, stride-0 expand).

Training helpers (d2l, note 000 §8)
    ``Animator``, ``Timer``, ``Accumulator``, ``accuracy``,
    ``evaluate_accuracy`` (= ``evaluate_accuracy_gpu``), ``try_gpu``,
    ``train_ch6(net, train_iter, test_iter, num_epochs, lr, device)`` and the
    general ``train(net, train_iter, test_iter, num_epochs, loss=..., optimizer=...,
    progress=True, inspector=..., save=...)``, both returning a ``History``
    (per-epoch numbers plus ``.figure``). The Animator has d2l's ``fig``, ``axes``,
    ``X``, ``Y`` and draws any number of panels; in a notebook it updates one
    picture in place; headless (scripts, CI, ``LEARNTORCH_HEADLESS=1``) it draws
    one final figure.

>>> import learntorch as torch
>>> from learntorch import viz
>>> x = torch.tensor([4.0], requires_grad=True)
>>> y = x.tanh()
>>> g = viz.graph(y, params={"x": x})
>>> y.backward()
>>> g.names()
['output', 'TanhBackward0', 'x']
>>> round(x.grad.item(), 4)  # tanh at x=4 barely moves: 1 - tanh(4)**2
0.0013
"""

from .grads import GradientInspector, Issue, Report
from .graph import Graph, ModuleTrace, graph, graph_of, trace
from .live import Accumulator, Animator, FigureView, Timer, is_headless
from .memory import MemoryPicture, memory
from .summary import LayerRow, ModelSummary, summary
from .train import History, accuracy, evaluate_accuracy, evaluate_accuracy_gpu, train, train_ch6, try_gpu

__all__ = [
    "Graph", "ModuleTrace", "graph", "graph_of", "trace",
    "MemoryPicture", "memory",
    "summary", "ModelSummary", "LayerRow",
    "GradientInspector", "Report", "Issue", "FigureView",
    "Animator", "Timer", "Accumulator", "is_headless",
    "History", "accuracy", "evaluate_accuracy", "evaluate_accuracy_gpu", "try_gpu", "train_ch6", "train",
]  # fmt: skip

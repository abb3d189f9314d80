"""viz.graph: content of the autograd picture (names, params, shapes, edges), both renderers."""

from __future__ import annotations

import re
import shutil
from collections import Counter

import numpy as np
import pytest

import learntorch as lt
from learntorch import nn, viz


def _mlp(lib):
    lib.manual_seed(0)
    return lib.nn.Sequential(lib.nn.Linear(5, 4), lib.nn.ReLU(), lib.nn.Linear(4, 3))


def _copy_weights(src, dst):
    for (_, p), (_, q) in zip(src.named_parameters(), dst.named_parameters()):
        with lt.no_grad():
            p.copy_(lt.tensor(q.detach().numpy())) if hasattr(p, "copy_") else None
            p._data[...] = q.detach().numpy()


def test_mlp_graph_matches_torch_structure(torch):
    net = _mlp(lt)
    tnet = _mlp(torch)
    x = np.random.rand(2, 5).astype(np.float32)
    y = net(lt.tensor(x)).sum()
    ty = tnet(torch.tensor(x)).sum()
    g = viz.graph(y, dict(net.named_parameters()))
    tg = viz.graph(ty, dict(tnet.named_parameters()))
    # same nodes (PyTorch names, parameter names) and the same edges as real PyTorch
    assert Counter(g.names()) == Counter(tg.names())
    assert g.edges_named() == tg.edges_named()
    assert ("0.weight", "TBackward0") in g.edges_named()
    assert ("2.bias", "AddmmBackward0") in g.edges_named()
    assert ("TBackward0", "AddmmBackward0") in g.edges_named()
    # leaf boxes carry shape and dtype
    assert g.find("0.weight").lines[0] == "[4, 5] float32"
    assert g.find("2.bias").lines[0] == "[3] float32"
    assert "-> [2, 3]" in g.find("AddmmBackward0").lines


def test_grads_and_heat_after_backward():
    w = lt.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    x = lt.tensor([[1.0, 2.0]])
    y = (x @ w).sum()
    g = viz.graph(y, {"w": w})
    assert g.grad_info(g.find("w")) == (None, [])
    y.backward()
    text, heat = g.grad_info(g.find("w"))
    assert text == f"grad norm {np.sqrt(1 + 4 + 1 + 4):.3g}"
    assert len(heat) == 4 and max(heat) == 1.0
    svg = g.svg(engine="builtin")
    assert "grad norm 3.16" in svg


def test_saved_tensors_and_versions():
    a = lt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = a * 2
    c = b.exp()  # ExpBackward0 saves its output
    d = (c * b).sum()  # MulBackward0 saves both inputs
    g = viz.graph(d, {"a": a})
    mul = g.find("MulBackward0")
    assert any(re.match(r"saved \d: input \[3\] v0", ln) for ln in mul.lines)
    assert "saved 0: output [3] v0" in g.find("ExpBackward0").lines
    d.backward()
    g2 = viz.graph(d, {"a": a})
    assert "saved: freed by backward()" in g2.find("ExpBackward0").lines


def test_text_tree_and_mermaid_and_dot_sources():
    w = lt.ones(3, 2, requires_grad=True)
    y = (lt.ones(4, 3) @ w).relu().sum()
    g = viz.graph(y, {"w": w})
    text = repr(g)
    assert text.splitlines()[1] == "output [] float32"
    assert "└─ w (AccumulateGrad) [3, 2] float32" in text
    mm = g.to_mermaid()
    assert mm.startswith("flowchart TB")
    assert "ReluBackward0" in mm and "-->" in mm
    dot = g.to_dot()
    assert dot.startswith("digraph") and "<B>MmBackward0</B>" in dot
    assert dot.count("->") == len(g.edges)


def test_builtin_svg_contains_every_box_and_edge(tmp_path):
    net = _mlp(lt)
    y = net(lt.ones(2, 5)).sum()
    g = viz.graph(y, dict(net.named_parameters()))
    svg = g.svg(engine="builtin")
    assert svg.startswith("<svg")
    for name in ("AddmmBackward0", "ReluBackward0", "TBackward0", "0.weight", "2.bias", "SumBackward0"):
        assert f">{name}</text>" in svg
    assert svg.count("<polyline") == len(set(g.edges)) + 1  # + the arrow in the legend
    p = g.save(tmp_path / "g.svg", engine="builtin")
    assert p.read_text().startswith("<svg")
    assert g.save(tmp_path / "g.mmd").read_text().startswith("flowchart")
    assert g.save(tmp_path / "graph.png").read_bytes()[:4] == b"\x89PNG"  # used to raise ValueError
    assert "<svg" in g.save(tmp_path / "g.html").read_text()
    data, meta = g._repr_mimebundle_()
    assert set(data) == {"image/svg+xml", "image/png", "text/plain"}  # PNG: untrusted notebooks show it
    assert data["text/plain"] == g.to_text() and meta["image/png"]["width"] > 0
    with pytest.raises(ValueError, match="use .svg, .png, .html"):
        g.save(tmp_path / "g.jpg")


def test_legend_explains_every_notation_used():
    x = lt.tensor([1.0, 2.0], requires_grad=True)
    w = lt.ones(2, requires_grad=True)
    y = (x * w).sum()
    g = viz.graph(y, {"x": x, "w": w})
    keys = [k for k, _, _ in g.legend()]
    assert keys == ["op", "leaf", "output", "arrow", "shape", "saved"]
    text = " ".join(t for _, _, t in g.legend())
    assert "[] = a scalar (0 dims)" in text and "version counter when saved" in text
    y.backward()  # now gradients show: grad norm and heat strip join the legend
    keys = [k for k, _, _ in g.legend()]
    assert keys[-2:] == ["grad", "heat"]
    svg = g.svg()
    assert ">How to read this picture</text>" in svg and ">-&gt; [5, 8]</text>" in svg
    assert "white = 0, dark red = the" in svg and f'fill="{viz._svg.heat_color(1.0)}"' in svg
    # an in-place change after saving is flagged in the box and explained in the legend
    a = lt.ones(3, requires_grad=True)
    b = a * 2
    c = b.exp()  # ExpBackward0 saves its output
    c.mul_(1)
    g2 = viz.graph(c.sum(), {"a": a})
    assert "modified" in [k for k, _, _ in g2.legend()]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_dot_svg_when_graphviz_present():
    net = _mlp(lt)
    y = net(lt.ones(2, 5)).sum()
    g = viz.graph(y, dict(net.named_parameters()))
    svg = g.svg(engine="dot")
    assert svg.startswith("<svg")
    for name in ("AddmmBackward0", "0.weight", "2.bias"):
        assert name in svg
    assert svg.count('class="edge"') == len(g.edges)


def test_collapse_by_module_and_expand():
    lt.manual_seed(0)
    block = lambda: nn.Sequential(nn.Linear(6, 6), nn.ReLU(), nn.Linear(6, 6), nn.ReLU())  # noqa: E731
    net = nn.Sequential(block(), block(), block(), nn.Linear(6, 2))
    x = lt.ones(3, 6)
    g_full = viz.graph_of(net, x, collapse=False)
    assert g_full.names().count("AddmmBackward0") == 7
    g = viz.graph_of(net, x, collapse=True)
    titles = set(g.names())
    assert {"0 (Sequential)", "1 (Sequential)", "2 (Sequential)", "3 (Linear)", "output"} <= titles
    assert "AddmmBackward0" not in titles
    box = g.find("0 (Sequential)")
    assert "-> [3, 6]" in box.lines
    assert any(
        ln.startswith("6 ops: ") and "AddmmBackward0 x2" in ln and "ReluBackward0 x2" in ln
        for ln in box.lines
    )
    assert "4 params, 84 values" in box.lines
    assert ("0 (Sequential)", "1 (Sequential)") in g.edges_named()
    assert ("3 (Linear)", "output") in g.edges_named()
    # open one block: its layers become boxes, the others stay closed
    g2 = viz.graph_of(net, x, collapse=True, expand=["1"])
    t2 = set(g2.names())
    assert {"1.0 (Linear)", "1.1 (ReLU)", "1.2 (Linear)", "0 (Sequential)"} <= t2
    assert "1 (Sequential)" not in t2
    # open a leaf module: its ops show
    g3 = viz.graph_of(net, x, collapse=True, expand=["3"])
    assert "AddmmBackward0" in g3.names() and "3.weight" in g3.names()
    assert "<svg" in g.svg(engine="builtin")


def test_collapse_needs_trace():
    w = lt.ones(2, requires_grad=True)
    with pytest.raises(ValueError, match="collapse=True needs"):
        viz.graph((w * 2).sum(), collapse=True)


def test_long_chain_layout_is_readable():
    x = lt.ones(3, requires_grad=True)
    y = x
    for _ in range(60):
        y = y.tanh() * 1.01 + x
    g = viz.graph(y.sum(), {"x": x})
    svg = g.svg(engine="builtin")
    # every op drawn, boxes inside the canvas
    assert svg.count(">TanhBackward0</text>") == 60
    w, h = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())
    assert h > w and h < 181 * 110  # 180 ops in a chain, one row each (boxes of 2-4 text lines)

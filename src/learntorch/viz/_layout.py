"""A small layered ("Sugiyama") layout for directed acyclic graphs.

Used to draw autograd graphs when Graphviz's ``dot`` is not installed. The four
classic steps, each kept simple:

1. **Layering**: every node gets a layer = the length of the longest path from it
   to a sink (the graph's output), so the output sits at the bottom and each
   input sits directly above the first node that uses it.
2. **Dummy nodes**: an edge that spans several layers is split into a chain of
   invisible points, one per layer, so it can bend around boxes.
3. **Ordering**: nodes in a layer are sorted by the barycentre (mean position) of
   their neighbours in the layer above, then below, sweeping a few times; this
   removes most edge crossings.
4. **Coordinates**: boxes are packed left to right, then pulled towards their
   neighbours' mean x while keeping a minimum gap; edges become polylines
   through their dummy points.

>>> lay = layered_layout(["a", "b", "c"], [("a", "c"), ("b", "c")], {n: (40, 20) for n in "abc"})
>>> lay.pos["c"][1] > lay.pos["a"][1] == lay.pos["b"][1]
True
>>> len(lay.edges)
2
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Layout", "layered_layout"]

H_GAP = 24.0
V_GAP = 46.0
MARGIN = 12.0


@dataclass
class Layout:
    """Centre position of each node, each edge's points, and the canvas size."""

    pos: dict[str, tuple[float, float]]
    size: dict[str, tuple[float, float]]
    edges: list[tuple[str, str, list[tuple[float, float]]]] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0


def _layers(nodes: list[str], edges: list[tuple[str, str]]) -> dict[str, int]:
    """Longest path to a sink: sinks get 0, their predecessors 1, ..."""
    succ: dict[str, list[str]] = {n: [] for n in nodes}
    for a, b in edges:
        succ[a].append(b)
    depth: dict[str, int] = {}
    # iterative DFS post-order (graphs can be deep: no recursion)
    for start in nodes:
        if start in depth:
            continue
        stack = [(start, iter(succ[start]))]
        on_path = {start}
        while stack:
            n, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                on_path.discard(n)
                depth[n] = max((depth[s] + 1 for s in succ[n] if s in depth), default=0)
            elif nxt not in depth and nxt not in on_path:
                on_path.add(nxt)
                stack.append((nxt, iter(succ[nxt])))
    top = max(depth.values(), default=0)
    return {n: top - d for n, d in depth.items()}  # 0 = top row


def layered_layout(
    nodes: list[str], edges: list[tuple[str, str]], sizes: dict[str, tuple[float, float]], sweeps: int = 8
) -> Layout:
    """Place ``nodes`` (ids) with box ``sizes`` so that every edge ``(a, b)`` points down."""
    edges = [(a, b) for a, b in edges if a != b]
    layer = _layers(nodes, edges)
    # -- dummy nodes for long edges ---------------------------------------------------
    chains: list[tuple[str, str, list[str]]] = []
    all_nodes = list(nodes)
    lay = dict(layer)
    seg_edges: list[tuple[str, str]] = []
    k = 0
    for a, b in edges:
        la, lb = lay[a], lay[b]
        if lb <= la:  # cannot happen in a DAG with our layering; draw straight
            chains.append((a, b, []))
            continue
        path = []
        prev = a
        for level in range(la + 1, lb):
            d = f"\0d{k}"
            k += 1
            lay[d] = level
            all_nodes.append(d)
            path.append(d)
            seg_edges.append((prev, d))
            prev = d
        seg_edges.append((prev, b))
        chains.append((a, b, path))
    nlayers = max(lay.values(), default=0) + 1
    rows: list[list[str]] = [[] for _ in range(nlayers)]
    for n in all_nodes:
        rows[lay[n]].append(n)
    up: dict[str, list[str]] = {n: [] for n in all_nodes}
    down: dict[str, list[str]] = {n: [] for n in all_nodes}
    for a, b in seg_edges:
        down[a].append(b)
        up[b].append(a)
    # -- ordering by barycentres ------------------------------------------------------
    order = {n: i for row in rows for i, n in enumerate(row)}
    for sweep in range(sweeps):
        rng = range(1, nlayers) if sweep % 2 == 0 else range(nlayers - 2, -1, -1)
        for li in rng:
            row = rows[li]
            nb = up if sweep % 2 == 0 else down

            def key(n: str, nb: dict = nb) -> float:
                ps = nb[n]
                return sum(order[p] for p in ps) / len(ps) if ps else order[n]

            row.sort(key=key)
            for i, n in enumerate(row):
                order[n] = i
    # -- coordinates --------------------------------------------------------------------
    size = {n: sizes.get(n, (0.0, 0.0)) for n in all_nodes}
    x: dict[str, float] = {}
    for row in rows:
        cur = 0.0
        for n in row:
            w = size[n][0]
            x[n] = cur + w / 2
            cur += w + H_GAP

    def pack(row: list[str]) -> None:
        # enforce minimum gaps, left to right then right to left, keeping the mean
        for i in range(1, len(row)):
            a, b = row[i - 1], row[i]
            need = (size[a][0] + size[b][0]) / 2 + H_GAP
            if x[b] - x[a] < need:
                x[b] = x[a] + need
        for i in range(len(row) - 2, -1, -1):
            a, b = row[i], row[i + 1]
            need = (size[a][0] + size[b][0]) / 2 + H_GAP
            if x[b] - x[a] < need:
                x[a] = x[b] - need

    for it in range(12):
        rng = list(range(nlayers)) if it % 2 == 0 else list(range(nlayers - 1, -1, -1))
        for li in rng:
            row = rows[li]
            for n in row:
                ns = up[n] + down[n]
                if ns:
                    x[n] = 0.5 * x[n] + 0.5 * sum(x[m] for m in ns) / len(ns)
            pack(row)
    minx = min((x[n] - size[n][0] / 2 for n in all_nodes), default=0.0)
    for n in all_nodes:
        x[n] += MARGIN - minx
    # rows' heights
    heights = [max((size[n][1] for n in row), default=0.0) for row in rows]
    y_top = []
    cur = MARGIN
    for h in heights:
        y_top.append(cur)
        cur += h + V_GAP
    height = cur - V_GAP + MARGIN
    y = {n: y_top[lay[n]] + heights[lay[n]] / 2 for n in all_nodes}
    width = max((x[n] + size[n][0] / 2 for n in all_nodes), default=0.0) + MARGIN
    out = Layout(pos={n: (x[n], y[n]) for n in nodes}, size={n: size[n] for n in nodes})
    out.width, out.height = width, max(height, 2 * MARGIN)
    for a, b, path in chains:
        ax, ay = x[a], y[a] + size[a][1] / 2
        bx, by = x[b], y[b] - size[b][1] / 2
        pts = [(ax, ay)] + [(x[d], y[d]) for d in path] + [(bx, by)]
        out.edges.append((a, b, pts))
    return out

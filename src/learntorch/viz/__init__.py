"""learntorch.viz: instruments that draw what PyTorch hides."""

from .graph import Graph, ModuleTrace, graph, graph_of, trace

__all__ = ["Graph", "ModuleTrace", "graph", "graph_of", "trace"]

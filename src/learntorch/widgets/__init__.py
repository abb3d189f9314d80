"""Explorers: ipywidgets on the student's own tensors, layers and models.

Each explorer displays itself (make it the last line of a cell) and runs on the real
engine. Imported lazily, never by the core: ``import learntorch`` does not import
ipywidgets.

==================  ==============================================================
``ConvExplorer``     convolution: output size, sliding window, feature maps
``PoolExplorer``     max/avg pooling, ceil_mode, where the gradient goes
``ActivationExplorer``  any activation, its derivative, dead and saturated zones
``OptimizerExplorer``   optimisers raced on loss landscapes
``BackwardStepper``  backward, one node at a time, through the real engine
``LayerExplorer``    any model's layers: shapes, weights, activations, gradients
``BroadcastExplorer``  two shapes aligned and stretched, or torch's error
``ViewExplorer``     a chain of views: storage, strides and sharing
``AttentionExplorer``  queries, keys, values: scores, weights, weighted sum
==================  ==============================================================
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Explorer": "_base",
    "ConvExplorer": "conv",
    "PoolExplorer": "pool",
    "ActivationExplorer": "activation",
    "OptimizerExplorer": "optimizer",
    "BackwardStepper": "stepper",
    "LayerExplorer": "layer",
    "BroadcastExplorer": "broadcast",
    "ViewExplorer": "view",
    "AttentionExplorer": "attention",
}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module 'learntorch.widgets' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)

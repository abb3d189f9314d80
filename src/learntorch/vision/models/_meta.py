"""Shared metadata: the 1000 ImageNet-1K class names (index = output unit of the classifiers)."""

from __future__ import annotations

import json
import os

with open(os.path.join(os.path.dirname(__file__), "imagenet_categories.json"), encoding="utf-8") as _f:
    _IMAGENET_CATEGORIES: list[str] = json.load(_f)

_RECIPE_V1 = "https://github.com/pytorch/vision/tree/main/references/classification#resnet"
_RECIPE_V2 = "https://github.com/pytorch/vision/issues/3995#issuecomment-1013906621"


def imagenet_meta(num_params: int, acc1: float, acc5: float, min_size: tuple[int, int], recipe: str) -> dict:
    return {
        "num_params": num_params,
        "min_size": min_size,
        "categories": _IMAGENET_CATEGORIES,
        "recipe": recipe,
        "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}},
    }

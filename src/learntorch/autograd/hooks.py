"""``RemovableHandle``: what every ``register_*hook`` returns (tensor, graph node and module hooks).

Hooks live in dicts keyed by the handle's id, so ``handle.remove()`` takes exactly that hook off,
and ``with t.register_hook(f): ...`` removes it on exit (PyTorch's ``torch.utils.hooks``).
"""

from __future__ import annotations

import itertools
from typing import Any


class RemovableHandle:
    """What ``register_*_hook`` returns: ``handle.remove()`` unregisters the hook.

    Also a context manager: ``with m.register_forward_hook(f): ...`` removes it on exit.
    """

    _next_id = itertools.count()

    def __init__(self, hooks_dict: dict, *, extra_dict: Any = None) -> None:
        self.hooks_dict_ref = hooks_dict
        self.id = next(RemovableHandle._next_id)
        if extra_dict is None:
            extra_dict = []
        elif isinstance(extra_dict, dict):
            extra_dict = [extra_dict]
        self.extra_dict_ref = list(extra_dict)

    def remove(self) -> None:
        self.hooks_dict_ref.pop(self.id, None)
        for d in self.extra_dict_ref:
            d.pop(self.id, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.remove()

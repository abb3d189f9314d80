"""``Optimizer``: the base class every optimiser in ``learntorch.optim`` builds on.

An optimiser holds *parameter groups* (``optimizer.param_groups``, a list of dicts: the
tensors under ``'params'`` plus every hyper-parameter, so ``param_groups[0]['lr'] *= 0.1``
changes the learning rate of a running optimiser, as note 001 does) and *per-parameter
state* (``optimizer.state[p]``: momentum buffers, running averages, a step counter).

``step()`` reads each parameter's ``.grad`` and updates the parameter **in place**
(its ``_version`` goes up, like every in-place op), never recording a graph.
``state_dict()`` saves both in PyTorch's layout, with parameters replaced by integer ids:

>>> import learntorch as torch
>>> w = torch.tensor([1.0, 2.0], requires_grad=True)
>>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
>>> (w * w).sum().backward()
>>> opt.step()
>>> w
tensor([0.8000, 1.6000], requires_grad=True)
>>> opt.state_dict()['state']
{0: {'momentum_buffer': tensor([2., 4.])}}
>>> opt.state_dict()['param_groups'][0]['params']
[0]
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable
from copy import deepcopy
from itertools import chain
from typing import Any

import numpy as np

from .._numerics import add_alpha
from ..autograd.grad_mode import enable_grad
from ..nn.modules.module import _typename
from ..tensor import Tensor

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a hyper-parameter that has no default (printed like torch's)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _scalar(x: Any) -> Any:
    """A hyper-parameter as a Python number (torch accepts 1-element tensors for lr)."""
    return x.item() if isinstance(x, Tensor) else x


def _new_step() -> Tensor:
    """The ``'step'`` counter torch keeps per parameter: a float32 0-d CPU tensor."""
    return Tensor._make(np.zeros((), dtype=np.float32))


def _bump_step(step: Tensor) -> float:
    """``step += 1`` in place; returns the new count as a Python float."""
    step._data += 1
    step._bump_version()
    return float(step._data)


def _lerp_(a: Any, end: Any, weight: float) -> None:
    """``a.lerp_(end, weight)`` the way torch's CPU kernel rounds (two formulas by weight)."""
    if weight < 0.5:
        a[...] = add_alpha(a, end - a, weight)
    else:
        a[...] = add_alpha(end, end - a, -(1 - np.float32(weight)) if a.dtype == np.float32 else weight - 1)


class Optimizer:
    """Base class: parameter groups, per-parameter state, ``zero_grad`` and state dicts.

    Args:
        params: an iterable of tensors, or of dicts (parameter groups), each with a
            ``'params'`` entry and any hyper-parameters that differ from ``defaults``.
        defaults: the hyper-parameters of this optimiser, filled into each group.

    Subclasses implement :meth:`step`. Taught in note 001 (1.4 优化器, 1.5 动态修改学习率).
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, "
                "but got " + _typename(params) + "\nhint: pass model.parameters() or a list such as [w, b]."
            )
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError(
                "optimizer got an empty parameter list\n"
                "hint: the model has no parameters, or the generator model.parameters() was already used up."
            )
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # ---------------------------------------------------------------- groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a parameter group; missing hyper-parameters come from ``defaults``.

        Useful when fine-tuning: unfreeze a layer and add its parameters with their own lr.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                "optimizer parameters need to be organized in ordered collections, but the ordering of "
                "tensors in sets will change between runs. Please use a list instead."
            )
        else:
            params = list(params)
        names = [p[0] for p in params if isinstance(p, tuple)]
        params = [p[1] if isinstance(p, tuple) else p for p in params]
        param_group["params"] = params
        if names:
            if len(names) != len(params):
                raise ValueError(
                    "all optimizer params should be with/without names. Some param names are missing"
                )
            param_group["param_names"] = names
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(
                    "optimizer can only optimize Tensors, but one of the params is " + _typename(p)
                )
            if not self.defaults.get("differentiable", None) and not (p.is_leaf or p.retains_grad):
                raise ValueError(
                    "can't optimize a non-leaf Tensor\n"
                    "hint: optimise the leaf you created (e.g. w = torch.randn(3, requires_grad=True)), "
                    "not a result computed from it."
                )
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(
                    f"parameter group didn't specify a value of required optimization parameter {name}"
                )
            param_group.setdefault(name, default)
        if len(params) != len({id(p) for p in params}):
            warnings.warn(
                "optimizer contains a parameter group with duplicate parameters; in future, this will "
                "cause an error; see github.com/pytorch/pytorch/issues/40967 for more information",
                stacklevel=3,
            )
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError(
                    "all optimizer param groups should be with/without names. "
                    f"cannot add param group {which} to the optimizer"
                )
        if not seen.isdisjoint(id(p) for p in params):
            raise ValueError(
                "some parameters appear in more than one parameter group\n"
                "hint: each tensor may belong to one group only; split the parameters without overlap."
            )
        self.param_groups.append(param_group)

    # ---------------------------------------------------------------- gradients
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients: ``p.grad = None`` (default) or fill them with zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    g = p.grad
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g.requires_grad_(False)
                    g._data[...] = 0
                    g._bump_version()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a ``.grad``; returns ``closure()``'s loss if given."""
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    def _closure_loss(self, closure: Callable[[], Any] | None) -> Any:
        if closure is None:
            return None
        with enable_grad():
            return closure()

    @staticmethod
    def _grads(group: dict[str, Any]) -> list[tuple[Tensor, Any]]:
        """(param, grad array) for the params of ``group`` that have a gradient."""
        out = []
        for p in group["params"]:
            if p.grad is not None:
                g = p.grad._data
                out.append((p, -g if group.get("maximize") else g))
        return out

    # ---------------------------------------------------------------- state dicts
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {id: {...}}, 'param_groups': [{..., 'params': [ids]}]}`` like torch."""
        ids: dict[int, int] = {}
        start = 0
        packed_groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                ids.setdefault(id(p), i)
            packed["params"] = [ids[id(p)] for p in group["params"]]
            start += len(packed["params"])
            packed_groups.append(packed)
        state = {(ids[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": packed_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a :meth:`state_dict`; state tensors are cast to each parameter's dtype."""
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError(
                "loaded state dict contains a parameter group that doesn't match the size of optimizer's group"
            )
        id_map = dict(
            zip(
                chain.from_iterable(g["params"] for g in saved_groups),
                chain.from_iterable(g["params"] for g in groups),
            )
        )

        def cast(param: Tensor, value: Any, key: Any = None) -> Any:
            if isinstance(value, Tensor):
                if key == "step":
                    return value
                if param.is_floating_point():
                    return value.to(dtype=param.dtype, device=param.device)
                return value.to(device=param.device)
            if isinstance(value, dict):
                return {k: cast(param, v, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v) for v in value)
            return value

        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v)
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            saved["params"] = group["params"]
            if "param_names" in group and "param_names" not in saved:
                saved["param_names"] = group["param_names"]
            new_groups.append(saved)
        self.__setstate__({"state": state, "param_groups": new_groups})

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.defaults.setdefault("differentiable", False)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"


def _check_lr(lr: Any) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}\nhint: the learning rate must be >= 0 (e.g. 0.01).")


def _check(ok: bool, what: str, value: Any, rule: str = "must be >= 0") -> None:
    """torch's ``Invalid <what>: <value>`` ValueError for hyper-parameters out of range."""
    if not ok:
        raise ValueError(f"Invalid {what}: {value}\nhint: {what.split()[0]} {rule}.")

"""``state_dict`` and ``load_state_dict``: a module tree's parameters and persistent buffers as an
ordered dict of dotted names (``'features.0.weight'``), and back.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, namedtuple
from typing import TYPE_CHECKING, Any, Mapping

from ...autograd import grad_mode
from ...tensor import Tensor
from ..parameter import Parameter
from . import _hooks

if TYPE_CHECKING:
    from .module import Module


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find and did not expect."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
    for name, param in self._parameters.items():
        if param is not None:
            destination[prefix + name] = param if keep_vars else param.detach()
    for name, buf in self._buffers.items():
        if buf is not None and name not in self._non_persistent_buffers_set:
            destination[prefix + name] = buf if keep_vars else buf.detach()


def state_dict(self, *args: Any, destination: Any = None, prefix: str = "", keep_vars: bool = False) -> Any:
    """An ``OrderedDict`` of every parameter and persistent buffer, keyed by qualified name.

    Values are detached tensors sharing memory with the model (``keep_vars=True``
    keeps the Parameters themselves).

    >>> from learntorch import nn
    >>> list(nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 1)).state_dict())
    ['0.weight', '0.bias', '2.weight', '2.bias']
    """
    if args:  # the legacy positional form state_dict(destination, prefix, keep_vars)
        destination = args[0]
        if len(args) > 1:
            prefix = args[1]
        if len(args) > 2:
            keep_vars = args[2]
    if destination is None:
        destination = OrderedDict()
        destination._metadata = OrderedDict()  # type: ignore[attr-defined]
    meta = getattr(destination, "_metadata", None)
    if meta is not None:
        meta[prefix[:-1]] = {"version": self._version}
    self._save_to_state_dict(destination, prefix, keep_vars)
    for name, module in self._modules.items():
        if module is not None:
            module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
    return destination


def _load_from_state_dict(
    self,
    state_dict: Mapping[str, Any],
    prefix: str,
    local_metadata: dict,
    strict: bool,
    missing_keys: list[str],
    unexpected_keys: list[str],
    error_msgs: list[str],
) -> None:
    persistent = {k: v for k, v in self._buffers.items() if k not in self._non_persistent_buffers_set}
    local_state = {
        k: v for k, v in itertools.chain(self._parameters.items(), persistent.items()) if v is not None
    }
    for name, param in local_state.items():
        key = prefix + name
        if key not in state_dict:
            if strict:
                missing_keys.append(key)
            continue
        input_param = state_dict[key]
        if not isinstance(input_param, Tensor):
            error_msgs.append(
                f'While copying the parameter named "{key}", expected torch.Tensor or Tensor-like '
                f"object from checkpoint but received {type(input_param)}"
            )
            continue
        if param.ndim == 0 and input_param.ndim == 1 and input_param.shape[0] == 1:
            input_param = input_param[0]
        if input_param.shape != param.shape:
            error_msgs.append(
                f"size mismatch for {key}: copying a param with shape {input_param.shape} from "
                f"checkpoint, the shape in current model is {param.shape}."
            )
            continue
        try:
            with grad_mode.no_grad():
                if local_metadata.get("assign_to_params_buffers", False):
                    if isinstance(param, Parameter) and not isinstance(input_param, Parameter):
                        input_param = Parameter(input_param, requires_grad=param.requires_grad)
                    setattr(self, name, input_param)
                else:
                    param.copy_(input_param)
        except Exception as ex:  # reported together with the other problems
            error_msgs.append(
                f'While copying the parameter named "{key}", whose dimensions in the model are '
                f"{param.size()} and whose dimensions in the checkpoint are {input_param.size()}, "
                f"an exception occurred : {ex.args}."
            )
    if strict:
        for key in state_dict:
            if key.startswith(prefix) and key != prefix + "_extra_state":
                input_name = key[len(prefix) :].split(".", 1)
                if len(input_name) > 1:
                    if input_name[0] not in self._modules:
                        unexpected_keys.append(key)
                elif input_name[0] not in local_state:
                    unexpected_keys.append(key)


def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True, assign: bool = False) -> Any:
    """Copy values from ``state_dict`` into this model's parameters and buffers, in place.

    With ``strict=True`` the keys must match ``self.state_dict()`` exactly, else a
    RuntimeError lists the missing and unexpected keys; with ``strict=False`` those
    lists are returned instead. Shapes must always match.

    >>> from learntorch import nn
    >>> a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    >>> b.load_state_dict(a.state_dict())
    <All keys matched successfully>
    >>> bool((a.weight == b.weight).all())
    True
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
    missing_keys: list[str] = []
    unexpected_keys: list[str] = []
    error_msgs: list[str] = []
    metadata = getattr(state_dict, "_metadata", None)
    state_dict = OrderedDict(state_dict)

    def load(module: Module, local_state: dict, prefix: str = "") -> None:
        local_metadata = {} if metadata is None else dict(metadata.get(prefix[:-1], {}))
        if assign:
            local_metadata["assign_to_params_buffers"] = True
        module._load_from_state_dict(
            local_state, prefix, local_metadata, True, missing_keys, unexpected_keys, error_msgs
        )
        for name, child in module._modules.items():
            if child is not None:
                child_prefix = prefix + name + "."
                child_state = {k: v for k, v in local_state.items() if k.startswith(child_prefix)}
                load(child, child_state, child_prefix)

    load(self, state_dict)
    if strict:
        if unexpected_keys:
            error_msgs.insert(
                0,
                "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected_keys)),
            )
        if missing_keys:
            error_msgs.insert(
                0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing_keys))
            )
    if error_msgs:
        raise RuntimeError(
            "Error(s) in loading state_dict for {}:\n\t{}".format(
                type(self).__name__, "\n\t".join(error_msgs)
            )
        )
    return _IncompatibleKeys(missing_keys, unexpected_keys)


def __getstate__(self) -> dict:
    return self.__dict__.copy()


def __setstate__(self, state: dict) -> None:
    self.__dict__.update(state)
    for key, empty in _hooks.empty_hooks().items():  # a module pickled before a hook kind existed
        self.__dict__.setdefault(key, empty)
    self.__dict__.setdefault("_non_persistent_buffers_set", set())


def get_parameter(self, target: str) -> Parameter:
    """The parameter at dotted path ``target``, e.g. ``'0.weight'``."""
    module_path, _, param_name = target.rpartition(".")
    mod = self.get_submodule(module_path)
    if not hasattr(mod, param_name):
        raise AttributeError(mod._get_name() + " has no attribute `" + param_name + "`")
    param = getattr(mod, param_name)
    if not isinstance(param, Parameter):
        raise AttributeError("`" + param_name + "` is not an nn.Parameter")
    return param


def get_buffer(self, target: str) -> Tensor:
    """The buffer at dotted path ``target``."""
    module_path, _, buffer_name = target.rpartition(".")
    mod = self.get_submodule(module_path)
    if not hasattr(mod, buffer_name):
        raise AttributeError(mod._get_name() + " has no attribute `" + buffer_name + "`")
    buf = getattr(mod, buffer_name)
    if buffer_name not in mod._buffers:
        raise AttributeError("`" + buffer_name + "` is not a buffer")
    return buf

"""Module hooks: functions that run before/after ``forward`` and around its backward.

``register_*_hook`` returns a :class:`RemovableHandle`; ``_call_with_hooks`` is what ``module(x)``
runs: forward pre-hooks, ``forward``, forward hooks, and (for full backward hooks) a
``BackwardHookFunction`` node on the inputs and outputs so the hooks see their gradients.
When ``forward`` fails, :func:`_annotate_error` adds a ``hint:`` naming the layer.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Callable

from ...autograd import grad_mode
from ...autograd.function import Function
from ...autograd.hooks import RemovableHandle
from ...tensor import Tensor

if TYPE_CHECKING:
    from .module import Module


def empty_hooks() -> dict:
    """The hook registries every Module starts with (all empty), in PyTorch's order."""
    return {
        "_backward_pre_hooks": OrderedDict(),
        "_backward_hooks": OrderedDict(),
        "_is_full_backward_hook": None,
        "_forward_hooks": OrderedDict(),
        "_forward_hooks_with_kwargs": OrderedDict(),
        "_forward_hooks_always_called": OrderedDict(),
        "_forward_pre_hooks": OrderedDict(),
        "_forward_pre_hooks_with_kwargs": OrderedDict(),
        "_state_dict_hooks": OrderedDict(),
        "_state_dict_pre_hooks": OrderedDict(),
        "_load_state_dict_pre_hooks": OrderedDict(),
        "_load_state_dict_post_hooks": OrderedDict(),
    }


# ------------------------------------------------------------------ errors that teach
def _short_repr(module: Module) -> str:
    """A one-line description of a module: its repr for a leaf layer, else its class name."""
    return repr(module) if not module._modules else module._get_name()


def _annotate_error(module: Module, exc: BaseException, args: tuple, kwargs: dict) -> None:
    """Append (or refresh) a ``hint:`` line naming the layer that raised ``exc``.

    The innermost module whose ``_error_hint`` recognises the failure records itself on
    the exception; every enclosing module's ``__call__`` then rewrites the hint with the
    layer's qualified name relative to itself, so the outermost call (usually the whole
    model) leaves ``layer 'features.3'``-style names.
    """
    if not exc.args or not isinstance(exc.args[0], str):
        return
    info = getattr(exc, "_learntorch_layer", None)
    if info is None:
        try:
            detail = module._error_hint(exc, *args, **kwargs)
        except Exception:  # a hint must never hide the real error
            detail = None
        if not detail:
            return
        base = "\n".join(line for line in exc.args[0].split("\n") if not line.startswith("hint:"))
        info = (module, detail, base)
        try:
            exc._learntorch_layer = info  # type: ignore[attr-defined]
        except AttributeError:
            return
    failing, detail, base = info
    name = None
    for qual, m in module.named_modules(remove_duplicate=False):
        if m is failing:
            name = qual
            break
    if name is None:
        return
    where = f"layer '{name}' = {_short_repr(failing)}" if name else _short_repr(failing)
    exc.args = (f"{base}\nhint: {where} {detail}",) + tuple(exc.args[1:])


# ------------------------------------------------------------------ full backward hooks
class BackwardHookFunction(Function):
    """Identity on tensors whose backward lets a module's backward hooks see (and change) grads.

    ``apply(callback, *tensors)``: the outputs alias the inputs; in backward the incoming
    gradients go through ``callback(grads) -> grads``. Its node prints as
    ``BackwardHookFunctionBackward``, as in PyTorch.
    """

    @staticmethod
    def forward(ctx: Any, callback: Callable, *tensors: Tensor) -> tuple[Tensor, ...]:
        ctx.callback = callback
        ctx.set_materialize_grads(False)
        outs = tuple(t.view_as(t) for t in tensors)
        ctx.mark_non_differentiable(*[o for o, t in zip(outs, tensors) if not t.requires_grad])
        return outs

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> tuple[Any, ...]:
        return tuple(ctx.callback(grads))


class _BackwardHook:
    """Runs a module's full backward (pre-)hooks: wraps inputs and outputs in identities."""

    def __init__(self, module: Module, hooks: list, pre_hooks: list) -> None:
        self.module = module
        self.hooks = hooks
        self.pre_hooks = pre_hooks
        self.grad_outputs: tuple | None = None
        self.n_inputs = 0
        self.input_index: list[int] | None = None
        self.n_outputs = 0
        self.output_index: list[int] | None = None

    @staticmethod
    def _wrap(values: tuple, callback: Callable) -> tuple[tuple, list[int] | None]:
        index = [i for i, v in enumerate(values) if isinstance(v, Tensor)]
        tensors = [values[i] for i in index]
        if not (grad_mode.is_grad_enabled() and any(t.requires_grad for t in tensors)):
            return values, None
        new = BackwardHookFunction.apply(callback, *tensors)
        out = list(values)
        for i, t in zip(index, new):
            out[i] = t
        return tuple(out), index

    @staticmethod
    def _pack(index: list[int], values: tuple, size: int) -> tuple:
        res: list[Any] = [None] * size
        for i, v in zip(index, values):
            res[i] = v
        return tuple(res)

    def setup_input(self, args: tuple) -> tuple:
        self.n_inputs = len(args)
        args, self.input_index = self._wrap(args, self._on_input_grads)
        return args

    def setup_output(self, result: Any) -> Any:
        is_tuple = isinstance(result, tuple)
        values = result if is_tuple else (result,)
        self.n_outputs = len(values)
        values, self.output_index = self._wrap(values, self._on_output_grads)
        return values if is_tuple else values[0]

    def _on_output_grads(self, grads: tuple) -> tuple:
        self.grad_outputs = self._pack(self.output_index or [], grads, self.n_outputs)
        for hook in self.pre_hooks:
            new = hook(self.module, self.grad_outputs)
            if new is None:
                continue
            if len(new) != len(self.grad_outputs):
                raise RuntimeError(
                    "Backward pre hook returned an invalid number of grad_output, "
                    f"got {len(new)}, but expected {len(self.grad_outputs)}"
                )
            self.grad_outputs = tuple(new)
        local = self.grad_outputs
        if self.input_index is None:  # no input needs a gradient: fire the hooks now
            none_inputs = (None,) * self.n_inputs
            for hook in self.hooks:
                res = hook(self.module, none_inputs, self.grad_outputs)
                if res is not None and not all(r is None for r in res):
                    raise RuntimeError(
                        "Backward hook for Modules where no input requires gradient should always "
                        "return None or None for all gradients."
                    )
            self.grad_outputs = None
        return tuple(local[i] for i in (self.output_index or []))

    def _on_input_grads(self, grads: tuple) -> tuple:
        if self.grad_outputs is None:
            return grads
        res = self._pack(self.input_index or [], grads, self.n_inputs)
        for hook in self.hooks:
            out = hook(self.module, res, self.grad_outputs)
            if out is None:
                continue
            if len(out) != len(res):
                raise RuntimeError(
                    "Backward hook returned an invalid number of grad_input, "
                    f"got {len(out)}, but expected {len(res)}"
                )
            res = tuple(out)
        self.grad_outputs = None
        return tuple(res[i] for i in (self.input_index or []))


def register_forward_pre_hook(
    self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False
) -> RemovableHandle:
    """``hook(module, args)`` runs before ``forward``; it may return new args.

    With ``with_kwargs=True`` it is ``hook(module, args, kwargs) -> None | (args, kwargs)``.
    """
    handle = RemovableHandle(self._forward_pre_hooks, extra_dict=self._forward_pre_hooks_with_kwargs)
    self._forward_pre_hooks[handle.id] = hook
    if with_kwargs:
        self._forward_pre_hooks_with_kwargs[handle.id] = True
    if prepend:
        self._forward_pre_hooks.move_to_end(handle.id, last=False)
    return handle


def register_forward_hook(
    self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False, always_call: bool = False
) -> RemovableHandle:
    """``hook(module, args, output)`` runs after ``forward``; it may return a new output.

    The activation inspectors of ``learntorch.viz`` are built on this hook.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> seen = []
    >>> net = nn.Sequential(nn.Linear(4, 3), nn.ReLU())
    >>> h = net[0].register_forward_hook(lambda m, args, out: seen.append(tuple(out.shape)))
    >>> _ = net(torch.ones(2, 4)); h.remove(); _ = net(torch.ones(2, 4))
    >>> seen
    [(2, 3)]
    """
    handle = RemovableHandle(
        self._forward_hooks,
        extra_dict=[self._forward_hooks_with_kwargs, self._forward_hooks_always_called],
    )
    self._forward_hooks[handle.id] = hook
    if with_kwargs:
        self._forward_hooks_with_kwargs[handle.id] = True
    if always_call:
        self._forward_hooks_always_called[handle.id] = True
    if prepend:
        self._forward_hooks.move_to_end(handle.id, last=False)
    return handle


def register_full_backward_pre_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
    """``hook(module, grad_output) -> None | new grad_output`` runs when the output grads arrive."""
    handle = RemovableHandle(self._backward_pre_hooks)
    self._backward_pre_hooks[handle.id] = hook
    if prepend:
        self._backward_pre_hooks.move_to_end(handle.id, last=False)
    return handle


def register_full_backward_hook(self, hook: Callable, prepend: bool = False) -> RemovableHandle:
    """``hook(module, grad_input, grad_output) -> None | new grad_input`` runs in backward.

    ``grad_input`` holds the gradients with respect to the module's positional
    inputs (``None`` for non-tensors or inputs that need no gradient), ``grad_output``
    those with respect to its outputs.
    """
    if self._is_full_backward_hook is False:
        raise RuntimeError(
            "Cannot use both regular backward hooks and full backward hooks on a single Module. "
            "Please use only one of them."
        )
    self._is_full_backward_hook = True
    handle = RemovableHandle(self._backward_hooks)
    self._backward_hooks[handle.id] = hook
    if prepend:
        self._backward_hooks.move_to_end(handle.id, last=False)
    return handle


def _call_with_hooks(self, args: tuple, kwargs: dict) -> Any:
    called_always: set[int] = set()
    result = None
    try:
        for hook_id, hook in list(self._forward_pre_hooks.items()):
            if hook_id in self._forward_pre_hooks_with_kwargs:
                out = hook(self, args, kwargs)
                if out is not None:
                    if isinstance(out, tuple) and len(out) == 2:
                        args, kwargs = out
                    else:
                        raise RuntimeError(
                            f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {out}."
                        )
            else:
                out = hook(self, args)
                if out is not None:
                    args = out if isinstance(out, tuple) else (out,)
        bw_hook = None
        if self._backward_hooks or self._backward_pre_hooks:
            bw_hook = _BackwardHook(
                self, list(self._backward_hooks.values()), list(self._backward_pre_hooks.values())
            )
            args = bw_hook.setup_input(args)
        try:
            result = self.forward(*args, **kwargs)
        except Exception as exc:
            _annotate_error(self, exc, args, kwargs)
            raise
        for hook_id, hook in list(self._forward_hooks.items()):
            if hook_id in self._forward_hooks_always_called:
                called_always.add(hook_id)
            if hook_id in self._forward_hooks_with_kwargs:
                out = hook(self, args, kwargs, result)
            else:
                out = hook(self, args, result)
            if out is not None:
                result = out
        if bw_hook is not None:
            result = bw_hook.setup_output(result)
        return result
    except Exception:
        for hook_id, hook in self._forward_hooks.items():
            if hook_id in self._forward_hooks_always_called and hook_id not in called_always:
                try:
                    if hook_id in self._forward_hooks_with_kwargs:
                        hook(self, args, kwargs, result)
                    else:
                        hook(self, args, result)
                except Exception as e:  # the original error is the one to report
                    import warnings  # noqa: PLC0415

                    warnings.warn(
                        "module forward hook with ``always_call=True`` raised an exception that was "
                        f"silenced as another error was raised in forward: {e}",
                        stacklevel=2,
                    )
        raise

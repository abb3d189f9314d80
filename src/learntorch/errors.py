"""Error messages: PyTorch's text, then learntorch's ``hint:`` line, in one place a teacher can edit.

Each function returns the exception to raise; the first line is exactly PyTorch's (tests
compare it with torch), the ``hint:`` line is what learntorch adds for a student. The
catalogue starts with the autograd core (what ``Function.apply``, ``saved_tensors`` and
in-place writes refuse); other modules still build their messages where they raise them.

>>> raise devices_differ("cuda:0", "cpu")
Traceback (most recent call last):
...
RuntimeError: Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!
hint: move every tensor (and the model) to one device with .to(device) first.
"""

from __future__ import annotations

from typing import Any

from . import dtypes


def not_a_tensor(fn_name: str, value: Any) -> TypeError:
    """PyTorch's error for a non-tensor where a function wants its ``input`` tensor.

    >>> raise not_a_tensor("relu", print)
    Traceback (most recent call last):
    ...
    TypeError: relu(): argument 'input' (position 1) must be Tensor, not builtin_function_or_method
    hint: ...
    """
    t = type(value)
    static = not t.__flags__ & (1 << 9)  # C types print as tp_name ("numpy.ndarray"), classes by name
    type_name = f"{t.__module__}.{t.__qualname__}" if static and t.__module__ != "builtins" else t.__name__
    return TypeError(
        f"{fn_name}(): argument 'input' (position 1) must be Tensor, not {type_name}\n"
        f"hint: got {value!r:.60}; make a tensor first, e.g. torch.tensor(...) or torch.randn(...), "
        "and check the variable holds what you think (`input` alone is Python's built-in function)."
    )


def devices_differ(device: Any, first: Any) -> RuntimeError:
    """Two inputs of one op on different devices."""
    return RuntimeError(
        "Expected all tensors to be on the same device, but found at least two devices, "
        f"{device} and {first}!\n"
        "hint: move every tensor (and the model) to one device with .to(device) first."
    )


def graph_freed() -> RuntimeError:
    """A second backward through a graph whose saved values were freed by the first."""
    return RuntimeError(
        "Trying to backward through the graph a second time (or directly access saved tensors after "
        "they have already been freed). Saved intermediate values of the graph are freed when you call "
        ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
        "graph a second time or if you need to access saved tensors after calling backward."
    )


def saved_tensor_modified(tensor_desc: str, where: str, version: int, expected: int) -> RuntimeError:
    """Backward needs a saved tensor that an in-place op changed after it was saved.

    ``tensor_desc`` is ``"FloatTensor [3]"``; ``where`` is ``", which is output 0 of ExpBackward0,"`` or "".
    """
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: [{tensor_desc}]{where} is at version "
        f"{version}; expected version {expected} instead. Hint: enable anomaly "
        "detection to find the operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).\n"
        "hint: backward needs the value this tensor had when it was used; an in-place op "
        "(a method ending in '_', or x[...] = ...) changed it afterwards. Use the "
        "out-of-place form (e.g. x = x + 1 instead of x += 1) or .clone() before changing it."
    )


def leaf_modified_inplace(tense: str = "is being") -> RuntimeError:
    """An in-place op on a leaf that requires grad (``tense``: torch says "is being" before the
    write, "has been" when a custom Function's ``mark_dirty`` reports it afterwards)."""
    return RuntimeError(
        f"a leaf Variable that requires grad {tense} used in an in-place operation.\n"
        "hint: wrap the update in `with torch.no_grad():` (as optimizers do), or work on a "
        "copy made with .clone()."
    )


def view_of_leaf_modified_inplace() -> RuntimeError:
    """An in-place op on a view of a leaf that requires grad."""
    return RuntimeError(
        "a view of a leaf Variable that requires grad is being used in an in-place operation.\n"
        "hint: change the leaf under `with torch.no_grad():`, or clone it first."
    )


NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its "
    ".grad attribute won't be populated during autograd.backward(). If you indeed want "
    "the .grad field to be populated for a non-leaf Tensor, use .retain_grad() on the "
    "non-leaf Tensor. If you access the non-leaf Tensor by mistake, make sure you access "
    "the leaf Tensor instead. See github.com/pytorch/pytorch/pull/30531 for more "
    "information."
)


def grad_mismatch(tensor: Any, grad: Any) -> RuntimeError | None:
    """Why ``tensor.grad = grad`` is refused (device, size or dtype differ), or ``None``."""
    if grad.device != tensor.device:
        return RuntimeError(
            "attempting to assign a gradient located on device with index '"
            f"{grad.device.index or 0}' to a tensor located on device with index "
            f"'{tensor.device.index or 0}'. Please ensure that the gradient and the tensor are "
            "on the same device"
        )
    if grad.shape != tensor.shape:
        return RuntimeError(
            f"attempting to assign a gradient of size '{list(grad.shape)}' to a tensor of size "
            f"'{list(tensor.shape)}'. Please ensure that the gradient and the tensor are the same size"
        )
    if grad.dtype != tensor.dtype:
        return RuntimeError(
            f"attempting to assign a gradient with dtype '{dtypes.c_type_name(grad.dtype)}' to a tensor "
            f"with grad_dtype '{dtypes.scalar_type_name(tensor.dtype)}'. The gradient must match the tensor's "
            "grad_dtype (defaults to the tensor's dtype). You can set the tensor's grad_dtype "
            "attribute with a specific dtype, or None to allow any dtype. Set grad_dtype with "
            "caution. Diverging the dtypes of a tensor and its gradient may break downstream "
            "systems that assume they match."
        )
    return None

"""Numerical checks of analytical gradients (``torch.autograd.gradcheck``).

``gradcheck`` compares the Jacobian autograd computes with central finite
differences; ``gradgradcheck`` does the same for the gradient of the gradient.
Use float64 inputs: float32 rounding swamps the finite differences.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from .. import backend
from .engine import grad as autograd_grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical Jacobians differ."""


def _as_tuple(x: Any) -> tuple:
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _numerical_jacobian(fn: Callable, inputs: tuple, i: int, eps: float) -> list[np.ndarray]:
    """d(each output)/d(inputs[i]) by central differences, one column per input element."""
    x = inputs[i]
    data = x._data
    cols: list[list[np.ndarray]] = []
    # the input's memory is perturbed in place, element by element in row-major order (any layout,
    # views included), without a version bump: fn may itself need grad mode
    for idx in np.ndindex(*data.shape):
        orig = data[idx].item()
        data[idx] = orig + eps
        plus = [backend.to_numpy(o._data).astype(np.float64).ravel() for o in _outputs(fn(*inputs))]
        data[idx] = orig - eps
        minus = [backend.to_numpy(o._data).astype(np.float64).ravel() for o in _outputs(fn(*inputs))]
        data[idx] = orig
        cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(cols[0]) if cols else len(_outputs(fn(*inputs)))
    return [np.stack([c[j] for c in cols], axis=1) if cols else np.zeros((0, 0)) for j in range(n_out)]


def _outputs(out: Any) -> list:
    from ..tensor import Tensor  # noqa: PLC0415

    return [o for o in _as_tuple(out) if isinstance(o, Tensor) and o.dtype.is_floating_point]


def _analytical_jacobian(fn: Callable, inputs: tuple, diff_idx: list[int]) -> list[list[np.ndarray]]:
    """jac[j][i]: d(output j)/d(input i), one row per output element, via vector-Jacobian products."""
    from ..creation import zeros_like  # noqa: PLC0415

    outs = _outputs(fn(*inputs))
    result = []
    for o in outs:
        per_input = [np.zeros((o.numel(), inputs[i].numel())) for i in diff_idx]
        for r in range(o.numel()):
            go = zeros_like(o)
            go._data.reshape(-1)[r] = 1
            if not o.requires_grad:
                continue
            grads = autograd_grad(o, [inputs[i] for i in diff_idx], go, retain_graph=True, allow_unused=True)
            for col, g in enumerate(grads):
                if g is not None:
                    per_input[col][r] = backend.to_numpy(g._data).astype(np.float64).ravel()
        result.append(per_input)
    return result


def gradcheck(
    func: Callable,
    inputs: Any,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **_: Any,
) -> bool:
    """Check ``func``'s gradients against finite differences.

    >>> import learntorch as torch
    >>> x = torch.randn(3, dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(lambda t: (t * t).sin(), (x,))
    True
    """
    from ..tensor import Tensor  # noqa: PLC0415

    inputs = _as_tuple(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    for i in diff_idx:
        if inputs[i].dtype.name != "float64":
            import warnings  # noqa: PLC0415

            warnings.warn(
                f"Input #{i} requires gradient and is not a double precision floating point. "
                "This check will likely fail if all the inputs are not of double precision floating point. ",
                UserWarning,
                stacklevel=2,
            )
    analytical = _analytical_jacobian(func, inputs, diff_idx)
    for col, i in enumerate(diff_idx):
        numerical = _numerical_jacobian(func, inputs, i, eps)
        for j, num in enumerate(numerical):
            ana = analytical[j][col]
            if not np.allclose(ana, num, atol=atol, rtol=rtol):
                if not raise_exception:
                    return False
                raise GradcheckError(
                    f"Jacobian mismatch for output {j} with respect to input {i},\n"
                    f"numerical:{num}\nanalytical:{ana}\n"
                )
    return True


def gradgradcheck(
    func: Callable,
    inputs: Any,
    grad_outputs: Sequence[Any] | None = None,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    **_: Any,
) -> bool:
    """Check second derivatives: gradcheck of (inputs, grad_outputs) -> d(func)/d(inputs)."""
    from ..creation import tensor as make_tensor  # noqa: PLC0415
    from ..tensor import Tensor  # noqa: PLC0415

    inputs = _as_tuple(inputs)
    outs = _outputs(func(*inputs))
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [
            make_tensor(rng.standard_normal(tuple(o.shape)), dtype=o.dtype, requires_grad=True) for o in outs
        ]
    grad_outputs = list(grad_outputs)
    n_in = len(inputs)
    diff_idx = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]

    def first_grads(*args: Any) -> tuple:
        ins, gos = args[:n_in], args[n_in:]
        out = _outputs(func(*ins))
        gs = autograd_grad(out, [ins[i] for i in diff_idx], list(gos), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(
        first_grads,
        tuple(inputs) + tuple(grad_outputs),
        eps=eps,
        atol=atol,
        rtol=rtol,
        raise_exception=raise_exception,
    )

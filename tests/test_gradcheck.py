"""gradcheck / gradgradcheck catch wrong derivatives and accept right ones, as torch's do."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch as lt
from learntorch.autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck


class GoodCube(lt.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 3 * x * x


class BadCube(GoodCube):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * 2 * x * x  # wrong factor


class FirstOrderOnly(GoodCube):
    """Right first derivative, but computed from raw data: no graph for the second derivative."""

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * lt.tensor(3 * x.detach().numpy() ** 2)


def x64(*shape):
    return lt.tensor(np.random.randn(*shape), dtype=lt.float64, requires_grad=True)


def test_accepts_correct_and_rejects_wrong_gradients():
    assert gradcheck(GoodCube.apply, (x64(3),))
    with pytest.raises(GradcheckError, match="Jacobian mismatch for output 0 with respect to input 0"):
        gradcheck(BadCube.apply, (x64(3),))
    assert gradcheck(BadCube.apply, (x64(3),), raise_exception=False) is False
    assert issubclass(GradcheckError, RuntimeError)


def test_gradgradcheck_sees_second_derivatives():
    assert gradgradcheck(GoodCube.apply, (x64(2, 2),))
    assert gradcheck(FirstOrderOnly.apply, (x64(3),))
    assert gradgradcheck(FirstOrderOnly.apply, (x64(3),), raise_exception=False) is False


def test_several_inputs_outputs_and_non_tensor_arguments():
    a, b = x64(2, 3), x64(3)
    assert gradcheck(lambda p, q, k: (p * q * k, (p + q).sum()), (a, b, 2.0))
    c = lt.tensor(np.random.randn(3))  # does not require grad: not checked
    assert gradcheck(lambda p, q: p * q, (a, c))


def test_non_contiguous_inputs():
    base = x64(3, 4)
    t = base.detach().t()
    t.requires_grad_(True)
    assert not t.is_contiguous()
    assert gradcheck(lambda v: (v * v).sum(0), (t,))


def test_warns_for_single_precision():
    x = lt.tensor(np.random.randn(3).astype(np.float32), requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision"):
        gradcheck(lambda v: v * 2, (x,), atol=1e-2, rtol=1e-2, eps=1e-3)


def test_matches_torch_verdicts(torch):
    """Same function, same verdict as torch.autograd.gradcheck."""
    arr = np.random.randn(4)
    ours = gradcheck(lambda v: v.sin() * v, (lt.tensor(arr, requires_grad=True),))
    theirs = torch.autograd.gradcheck(lambda v: v.sin() * v, (torch.tensor(arr, requires_grad=True),))
    assert ours is theirs is True

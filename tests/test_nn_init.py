"""nn.init vs torch: gains, fans, errors, and (seeded) bit-identical draws from the shared generator."""

from __future__ import annotations

import math

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn as nn


@pytest.mark.parametrize(
    "nl,param", [("linear", None), ("conv2d", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                 ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None)],
)  # fmt: skip
def test_calculate_gain(torch, nl, param):
    assert nn.init.calculate_gain(nl, param) == torch.nn.init.calculate_gain(nl, param)


def test_fans_and_errors(torch):
    for shape in [(3, 5), (8, 4, 3, 3), (2, 6, 5)]:
        assert nn.init._calculate_fan_in_and_fan_out(
            lt.empty(*shape)
        ) == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    for lib, init in ((lt, nn.init), (torch, torch.nn.init)):
        with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
            init.xavier_uniform_(lib.empty(3))
        with pytest.raises(ValueError, match="Unsupported nonlinearity foo"):
            init.calculate_gain("foo")
        with pytest.raises(ValueError, match="Mode fan_foo not supported"):
            init.kaiming_normal_(lib.empty(2, 2), mode="fan_foo")
        with pytest.raises(ValueError, match="Only tensors with 2 dimensions are supported"):
            init.eye_(lib.empty(2, 2, 2))


SEEDED = [
    ("uniform_", (-10, 10), {}),
    ("normal_", (), {"mean": 0, "std": 0.01}),
    ("xavier_uniform_", (), {}),
    ("xavier_normal_", (), {"gain": 2.0}),
    ("kaiming_uniform_", (), {"a": math.sqrt(5)}),
    ("kaiming_uniform_", (), {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", (), {}),
    ("trunc_normal_", (), {"std": 0.02}),
    ("trunc_normal_", (), {"mean": 0.0, "std": 1.0, "a": -0.5, "b": 0.5}),
    ("orthogonal_", (), {}),
]


@pytest.mark.parametrize("shape", [(8, 4), (3, 20), (16, 3, 3, 3)])
@pytest.mark.parametrize("name,args,kwargs", SEEDED)
def test_seeded_init_equals_torch(torch, name, args, kwargs, shape):
    """SEEDED EQUALITY: same manual_seed on both sides gives the same weights (shared mt19937 stream)."""
    torch.manual_seed(3)
    t = getattr(torch.nn.init, name)(torch.empty(*shape), *args, **kwargs)
    lt.manual_seed(3)
    x = lt.empty(*shape)
    out = getattr(nn.init, name)(x, *args, **kwargs)
    assert out is x
    tol = 1e-5 if name == "orthogonal_" else 0  # QR via LAPACK on both sides, last-bit differences allowed
    np.testing.assert_allclose(x.numpy(), t.numpy(), rtol=tol, atol=tol)


def test_constant_eye_dirac(torch):
    for name, shape, args in [("constant_", (2, 3), (42.0,)), ("ones_", (2, 3), ()), ("zeros_", (2,), ()),
                              ("eye_", (3, 5), ()), ("dirac_", (4, 2, 3, 3), ()), ("dirac_", (4, 2, 3), (2,))]:  # fmt: skip
        t = getattr(torch.nn.init, name)(torch.empty(*shape), *args)
        x = getattr(nn.init, name)(lt.empty(*shape), *args)
        np.testing.assert_array_equal(x.numpy(), t.numpy())


def test_init_under_no_grad_keeps_parameter_leaf():
    lin = nn.Linear(4, 3)
    w = lin.weight
    nn.init.normal_(lin.weight, 0, 0.01)
    nn.init.zeros_(lin.bias)
    assert lin.weight is w and w.is_leaf and w.grad_fn is None and w.requires_grad
    assert float(lin.bias.abs().sum()) == 0.0


def test_default_layer_init_equals_torch(torch):
    """SEEDED EQUALITY: nn.Linear / nn.Bilinear / nn.PReLU default initialisation after the same seed."""
    torch.manual_seed(0)
    tl = [torch.nn.Linear(20, 256), torch.nn.Linear(256, 10), torch.nn.Bilinear(3, 4, 2), torch.nn.PReLU(3)]
    lt.manual_seed(0)
    ll = [nn.Linear(20, 256), nn.Linear(256, 10), nn.Bilinear(3, 4, 2), nn.PReLU(3)]
    for a, b in zip(ll, tl):
        for (n, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
            np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy(), err_msg=n)

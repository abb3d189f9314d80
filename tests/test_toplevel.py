"""`torch.<fn>` aliases of functional ops behave like torch's top-level functions."""

from __future__ import annotations

import numpy as np
import pytest

import learntorch as lt

CASES = [
    ("conv1d", lambda m, x: m.conv1d(x(1, 2, 7), x(3, 2, 3), None, 2)),
    ("conv2d", lambda m, x: m.conv2d(x(1, 2, 5, 5), x(3, 2, 3, 3), x(3), 1, 1)),
    ("conv3d", lambda m, x: m.conv3d(x(1, 1, 4, 4, 4), x(2, 1, 2, 2, 2))),
    ("conv_transpose1d", lambda m, x: m.conv_transpose1d(x(1, 2, 5), x(2, 3, 3), None, 2)),
    ("conv_transpose2d", lambda m, x: m.conv_transpose2d(x(1, 2, 4, 4), x(2, 3, 3, 3), None, 2, 1, 1)),
    ("max_pool1d", lambda m, x: m.max_pool1d(x(1, 2, 9), 3, 2)),
    ("max_pool2d", lambda m, x: m.max_pool2d(x(1, 1, 5, 5), 2, 2, 0, 1, True)),
    ("avg_pool1d", lambda m, x: m.avg_pool1d(x(1, 2, 9), 3)),
    ("adaptive_avg_pool1d", lambda m, x: m.adaptive_avg_pool1d(x(1, 2, 9), 4)),
    ("layer_norm", lambda m, x: m.layer_norm(x(2, 5), (5,), x(5), x(5), 1e-5)),
    ("group_norm", lambda m, x: m.group_norm(x(2, 4, 3), 2, x(4), x(4), 1e-5)),
    ("dropout", lambda m, x: m.dropout(x(3, 4), 0.5, False)),
    ("softmax", lambda m, x: m.softmax(x(3, 4), 1)),
    ("log_softmax", lambda m, x: m.log_softmax(x(3, 4), 0)),
]


@pytest.mark.parametrize("name,call", CASES, ids=[c[0] for c in CASES])
def test_alias_matches_torch(torch, name, call):
    rng = np.random.default_rng(0)
    arrays: list[np.ndarray] = []

    def maker(lib):
        it = iter(arrays)

        def x(*shape):
            try:
                a = next(it)
            except StopIteration:
                a = rng.standard_normal(shape)
                arrays.append(a)
            return lib.tensor(a.copy(), dtype=lib.float64)

        return x

    got = call(lt, maker(lt))
    want = call(torch, maker(torch))
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-10, atol=1e-12)

"""Printing: repr/str of tensors must equal PyTorch's, character for character."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import learntorch as lt

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def both(torch, arr: np.ndarray, **kw):
    """The same data as a learntorch tensor and a torch tensor."""
    ldt = kw.pop("dtype", None)
    t = torch.tensor(arr, dtype=getattr(torch, ldt) if ldt else None, **kw)
    l_ = lt.tensor(arr, dtype=getattr(lt, ldt) if ldt else None, **kw)
    return l_, t


@pytest.fixture(autouse=True)
def _restore_printoptions(torch):
    yield
    lt.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")


def _sample(rng: np.random.Generator, shape: tuple, scale: float, dtype: str, specials: bool) -> np.ndarray:
    a = rng.standard_normal(shape) * scale
    if dtype == "bool":
        return a > 0
    if dtype in ("float32", "float64", "float16"):
        if specials and a.size:
            flat = a.reshape(-1)
            picks = rng.integers(0, flat.size, size=min(3, flat.size))
            for i, v in zip(picks, [np.nan, np.inf, -0.0]):
                flat[i] = v
        if dtype == "float16":
            a = np.clip(a, -6e4, 6e4)
        return a.astype(dtype)
    info = np.iinfo(dtype)
    return np.clip(np.round(a), info.min, info.max).astype(dtype)


shapes = st.one_of(
    st.just(()),
    st.lists(st.integers(0, 6), min_size=1, max_size=4).map(tuple),
    st.sampled_from([(40,), (100,), (3, 30), (1001,), (40, 30), (2, 3, 200), (11, 11, 11)]),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    shape=shapes,
    scale=st.sampled_from([1.0, 1e-6, 1e-3, 0.5, 10.0, 999.0, 1e4, 1e9, 1e20]),
    dtype=st.sampled_from(DTYPES),
    integral=st.booleans(),
    specials=st.booleans(),
    seed=st.integers(0, 2**31 - 1),
)
def test_repr_matches_torch(torch, shape, scale, dtype, integral, specials, seed):
    rng = np.random.default_rng(seed)
    a = _sample(rng, shape, scale, dtype, specials)
    if integral and a.dtype.kind == "f":
        a = np.round(a)
    l_, t = both(torch, a)
    assert repr(l_) == repr(t)
    assert str(l_) == str(t)


@pytest.mark.parametrize(
    "values",
    [
        [0.0, -0.0, 1.0],
        [-0.0],
        [np.nan, np.inf, -np.inf],
        [np.nan, 1.5],
        [1e-5, 1.0],
        [1e8, 1.0],
        [1.5e8],
        [123456.0, 1.0],
        [0.0001, 0.001],
        [1000.0, 1.0],
        [1001.0, 1.0],
        [1.0, 2.0, 3.0],
        [-1.0, 20.0, 300.0],
        [0.1, 0.25, -0.125],
    ],
)
def test_float_formatting_rules(torch, values):
    for dt in ("float32", "float64", "float16"):
        l_, t = both(torch, np.array(values), dtype=dt)
        assert repr(l_) == repr(t)


def test_scalars_and_empty(torch):
    for arr in [np.float32(3.5), np.int64(7), np.bool_(True), np.float64(-0.0), np.float32(np.nan)]:
        l_, t = both(torch, np.array(arr))
        assert repr(l_) == repr(t)
    for shape in [(0,), (0, 3), (2, 0, 1), (0, 0)]:
        for dt in DTYPES:
            l_, t = both(torch, np.zeros(shape, dtype=dt))
            assert repr(l_) == repr(t), (shape, dt)


def test_autograd_suffixes(torch):
    lx = lt.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    tx = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert repr(lx) == repr(tx)
    assert repr(lx * 2) == repr(tx * 2)
    assert repr((lx * 2).sum()) == repr((tx * 2).sum())
    assert repr(lx.double() + 1) == repr(tx.double() + 1)
    # a long line pushes the suffix onto its own line
    lw = lt.tensor(np.linspace(-1, 1, 12), dtype=lt.float64, requires_grad=True)
    tw = torch.tensor(np.linspace(-1, 1, 12), dtype=torch.float64, requires_grad=True)
    assert repr(lw) == repr(tw)
    assert repr(lw * 3) == repr(tw * 3)


def test_linewidth_wrapping_and_nesting(torch):
    a = np.arange(60, dtype=np.float32).reshape(3, 20) / 7
    l_, t = both(torch, a)
    assert repr(l_) == repr(t)
    l_, t = both(torch, np.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5))
    assert repr(l_) == repr(t)


@pytest.mark.parametrize(
    "opts",
    [
        dict(precision=2),
        dict(precision=8),
        dict(threshold=5),
        dict(threshold=5, edgeitems=1),
        dict(edgeitems=0, threshold=3),
        dict(linewidth=30),
        dict(sci_mode=True),
        dict(sci_mode=False),
        dict(profile="short"),
        dict(profile="full"),
    ],
)
def test_set_printoptions(torch, opts):
    lt.set_printoptions(**opts)
    torch.set_printoptions(**opts)
    assert lt.get_printoptions() == torch._tensor_str.get_printoptions()
    rng = np.random.default_rng(1)
    for arr in [
        rng.standard_normal((4, 9)) * 100,
        np.arange(12),
        rng.standard_normal(2000),
        np.array([1e-7, 3.0]),
    ]:
        l_, t = both(torch, arr.astype(np.float32) if arr.dtype.kind == "f" else arr)
        assert repr(l_) == repr(t), opts


def test_printoptions_context_restores():
    with lt.printoptions(precision=1):
        assert repr(lt.tensor([0.123])) == "tensor([0.1])"
    assert repr(lt.tensor([0.123])) == "tensor([0.1230])"


def test_float64_default_dtype_shows_float32(torch):
    old = lt.get_default_dtype()
    try:
        lt.set_default_dtype(lt.float64)
        torch.set_default_dtype(torch.float64)
        for dt in ("float32", "float64", "int64"):
            l_, t = both(torch, np.array([1.5, 2.0]), dtype=dt)
            assert repr(l_) == repr(t)
        l_, t = both(torch, np.zeros((0,)), dtype="float32")
        assert repr(l_) == repr(t)
    finally:
        lt.set_default_dtype(old)
        torch.set_default_dtype(torch.float32)


def test_format_and_str(torch):
    l_, t = both(torch, np.array(2.345678, dtype=np.float32))
    assert f"{l_:.2f}" == f"{t:.2f}"
    assert f"{l_}" == f"{t}"
    l_, t = both(torch, np.array([1.0, 2.0], dtype=np.float32))
    assert f"{l_}" == f"{t}"
    assert str([l_]) == str([t])


def test_return_types_print_like_torch(torch):
    from learntorch.return_types import make_return_type

    tv = torch.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True).max(1)
    cls = make_return_type("max", ("values", "indices"))
    lv = cls((lt.tensor([5.0, 3.0], requires_grad=True) * 1, lt.tensor([1, 0])))
    # learntorch's grad_fn here is MulBackward0, torch's MaxBackward0: compare the no-grad form
    lv2 = cls((lv.values.detach(), lv.indices))
    assert repr(lv2) == repr(type(tv)((tv.values.detach(), tv.indices)))
    assert str(lv2) == str(type(tv)((tv.values.detach(), tv.indices)))
    values, indices = lv2
    assert lv2.values is values and lv2[1] is indices
    assert make_return_type("max", ("values", "indices")) is cls
    import pickle

    back = pickle.loads(pickle.dumps(lv2))
    assert type(back) is cls and back.indices.tolist() == [1, 0]
    with pytest.raises(TypeError):
        cls((1, 2, 3))

"""Type promotion against torch: every dtype pair, tensor / 0-dim tensor / Python scalar operands."""

from __future__ import annotations

import itertools

import pytest

import learntorch as lt

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]


def make(mod, name, kind):
    return mod.ones(2 if kind == "t" else (), dtype=getattr(mod, name))


def test_promote_types_all_pairs(torch):
    for a, b in itertools.product(NAMES, NAMES):
        assert repr(lt.promote_types(getattr(lt, a), getattr(lt, b))) == str(
            torch.promote_types(getattr(torch, a), getattr(torch, b))
        ), (a, b)


@pytest.mark.parametrize("kinds", ["tt", "tz", "zt", "zz"])
def test_result_type_tensors_and_zero_dim(torch, kinds):
    for a, b in itertools.product(NAMES, NAMES):
        ours = lt.result_type(make(lt, a, kinds[0]), make(lt, b, kinds[1]))
        assert repr(ours) == str(torch.result_type(make(torch, a, kinds[0]), make(torch, b, kinds[1]))), (
            a,
            b,
        )


@pytest.mark.parametrize("scalar", [True, 2, -3, 2.5, 1e300])
def test_result_type_with_python_scalars(torch, scalar):
    for a, kind in itertools.product(NAMES, "tz"):
        ours = lt.result_type(make(lt, a, kind), scalar)
        assert repr(ours) == str(torch.result_type(make(torch, a, kind), scalar)), (a, kind, scalar)


def test_default_dtype_decides_python_floats(torch):
    try:
        lt.set_default_dtype(lt.float64)
        torch.set_default_dtype(torch.float64)
        assert (
            repr((lt.tensor([1, 2]) + 2.5).dtype)
            == str((torch.tensor([1, 2]) + 2.5).dtype)
            == "torch.float64"
        )
        assert (lt.tensor([1, 2]) / lt.tensor([2, 2])).dtype is lt.float64
        assert (lt.ones(2, dtype=lt.float32) * 2.5).dtype is lt.float32
    finally:
        lt.set_default_dtype(lt.float32)
        torch.set_default_dtype(torch.float32)
    with pytest.raises(TypeError):
        lt.set_default_dtype(lt.int64)


def test_headline_rules():
    assert (lt.tensor([1, 2]) / lt.tensor([2, 4])).dtype is lt.float32
    assert (lt.tensor([1, 2]) + 1.5).dtype is lt.float32
    assert (lt.ones(2) * 2.0).dtype is lt.float32
    assert (lt.tensor([True]) + lt.tensor([True])).dtype is lt.bool
    assert (lt.tensor([True]) + 1).dtype is lt.int64
    assert (lt.ones(2, dtype=lt.uint8) + lt.ones(2, dtype=lt.int8)).dtype is lt.int16
    assert (lt.ones(2, dtype=lt.int32) + lt.tensor(5)).dtype is lt.int32  # 0-dim of the same category
    assert (lt.ones(2, dtype=lt.int32) + lt.tensor(5.0)).dtype is lt.float32  # 0-dim of a higher one


def test_scalar_type_names():
    assert [lt.dtypes.scalar_type_name(getattr(lt, n)) for n in NAMES] == [
        "Bool", "Byte", "Char", "Short", "Int", "Long", "Half", "Float", "Double",
    ]  # fmt: skip

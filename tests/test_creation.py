"""Creation functions against torch: values, dtypes, shapes and errors."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import learntorch as lt


def same(a, b) -> None:
    """Equal dtype and shape; values bit-identical, except one ulp for floats made by pow/exp
    (logspace), whose last bit depends on the CPU's libm/SIMD kernels in NumPy and torch alike."""
    assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    x, y = a.detach().numpy(), np.asarray(b.detach().numpy())
    if np.issubdtype(x.dtype, np.floating) and x.dtype != np.float16:
        np.testing.assert_array_max_ulp(x, y, maxulp=1)
    else:
        np.testing.assert_array_equal(y, x)


CASES = {
    "bool_int": lambda T: T.tensor([True, 1]),
    "int_float": lambda T: T.tensor([1, 2.0]),
    "bool_float": lambda T: T.tensor([[True, 1.5]]),
    "empty": lambda T: T.tensor([]),
    "empty_nested": lambda T: T.tensor([[]]),
    "np_scalar_f32": lambda T: T.tensor([np.float32(1.5), 2]),
    "np_scalar_f64": lambda T: T.tensor(np.float64(1.5)),
    "np_scalar_i32": lambda T: T.tensor([np.int32(3)]),
    "np_array": lambda T: T.tensor(np.arange(6, dtype=np.int16).reshape(2, 3)),
    "tuple_dtype": lambda T: T.tensor(((1, 2), (3, 4)), dtype=T.float64),
    "zero_dim_tensors": lambda T: T.tensor([T.tensor(1.0), T.tensor(2.0)]),
    "big_int_as_float": lambda T: T.tensor([2**63, 1.0]),
    "min_int64": lambda T: T.tensor([-(2**63)]),
    "small_uint8": lambda T: T.tensor([255, 0], dtype=T.uint8),
    "float_to_int": lambda T: T.tensor([1.7, -1.7], dtype=T.int32),
    "scalar": lambda T: T.tensor(3),
    "requires_grad": lambda T: T.tensor([1.0, 2.0], requires_grad=True),
    "full_int": lambda T: T.full((2, 3), 1),
    "full_bool": lambda T: T.full((2,), True),
    "full_float": lambda T: T.full([2], 1.5),
    "full_dtype": lambda T: T.full((2,), 7, dtype=T.float64),
    "full_tensor_value": lambda T: T.full((2,), T.tensor(3.0)),
    "zeros_size": lambda T: T.zeros(T.Size([2, 3])),
    "zeros_list": lambda T: T.zeros([2, 3], dtype=T.int32),
    "zeros_scalar": lambda T: T.zeros(()),
    "ones_tuple": lambda T: T.ones((2, 3)),
    "eye": lambda T: T.eye(3),
    "eye_rect": lambda T: T.eye(2, 4, dtype=T.int64),
    "arange": lambda T: T.arange(5),
    "arange2": lambda T: T.arange(1, 4),
    "arange_tenths": lambda T: T.arange(0, 1, 0.1),
    "arange_half": lambda T: T.arange(1, 2.5, 0.5),
    "arange_int_step": lambda T: T.arange(0, 10, 3),
    "arange_negative": lambda T: T.arange(10, 0, -3),
    "arange_f64": lambda T: T.arange(-1, 1, 0.3, dtype=T.float64),
    "arange_float_start": lambda T: T.arange(0.5, 10),
    "arange_long": lambda T: T.arange(-3.7, 9.2, 0.37),
    "arange_f64_long": lambda T: T.arange(0.1, 100.3, 0.7, dtype=T.float64),
    "arange_int_dtype_float_args": lambda T: T.arange(0.5, 5.7, 1.5, dtype=T.int64),
    "arange_float_end": lambda T: T.arange(0, 10.0),
    "arange_tensor_args": lambda T: T.arange(T.tensor(4)),
    "linspace": lambda T: T.linspace(0, 1, 5),
    "linspace_odd": lambda T: T.linspace(-3.3, 7.1, 17),
    "linspace_one": lambda T: T.linspace(0, 1, 1),
    "linspace_zero": lambda T: T.linspace(0, 1, 0),
    "linspace_f64": lambda T: T.linspace(-1, 1, 101, dtype=T.float64),
    "linspace_int": lambda T: T.linspace(0, 10, 7, dtype=T.int64),
    "linspace_many": lambda T: T.linspace(0.1, 0.9, 1000),
    "linspace_down": lambda T: T.linspace(3, -2.2, 12),
    "logspace": lambda T: T.logspace(0, 2, 5),
    "logspace_base": lambda T: T.logspace(-1, 1, 7, base=2),
    "logspace_f64": lambda T: T.logspace(0, 3, 4, dtype=T.float64),
    "zeros_like": lambda T: T.zeros_like(T.ones(2, 3, dtype=T.int32)),
    "ones_like_dtype": lambda T: T.ones_like(T.ones(2), dtype=T.float64),
    "full_like_cast": lambda T: T.full_like(T.ones(2, dtype=T.int64), 2.7),
    "full_like_float": lambda T: T.full_like(T.ones(2), 3),
    "as_tensor_list": lambda T: T.as_tensor([1, 2], dtype=T.float32),
    "as_tensor_np": lambda T: T.as_tensor(np.ones(2)),
    "device_cpu": lambda T: T.zeros(2, device="cpu"),
    "device_obj": lambda T: T.tensor([1], device=T.device("cpu")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_values_dtypes_shapes_match_torch(torch, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a, b = CASES[name](torch), CASES[name](lt)
    same(a, b)
    assert a.requires_grad == b.requires_grad


ERRORS = {
    "ragged": lambda T: T.tensor([[1, 2], [3]]),
    "ragged_deep": lambda T: T.tensor([[[1], [2]], [[3], [4, 5]]]),
    "not_a_sequence": lambda T: T.tensor([[1, 2], 3.0]),
    "list_in_scalar_slot": lambda T: T.tensor([1, [2]], dtype=T.float32),
    "str": lambda T: T.tensor("a"),
    "none": lambda T: T.tensor(None),
    "tensors_in_list": lambda T: T.tensor([T.tensor([1.0, 2]), T.tensor([3.0, 4])]),
    "overflow": lambda T: T.tensor(2**64),
    "overflow_uint8": lambda T: T.tensor([300], dtype=T.uint8),
    "overflow_int8": lambda T: T.tensor([-129], dtype=T.int8),
    "int_requires_grad": lambda T: T.tensor([1, 2], requires_grad=True),
    "zeros_negative": lambda T: T.zeros(2, -1),
    "ones_negative": lambda T: T.ones(2, -1),
    "empty_negative": lambda T: T.empty(2, -1),
    "ones_float_size": lambda T: T.ones(2.5),
    "zeros_float_in_size": lambda T: T.zeros(2, 2.5),
    "full_int_size": lambda T: T.full(3, 2.0),
    "full_str_value": lambda T: T.full((2,), "a"),
    "eye_negative": lambda T: T.eye(-1),
    "eye_negative_m": lambda T: T.eye(2, -1),
    "arange_zero_step": lambda T: T.arange(0, 5, 0),
    "arange_sign": lambda T: T.arange(5, 0, 1),
    "arange_int_zero_step": lambda T: T.arange(0, 1, 0.1, dtype=T.int64),
    "arange_nan": lambda T: T.arange(float("nan")),
    "arange_inf": lambda T: T.arange(float("inf")),
    "linspace_negative": lambda T: T.linspace(0, 1, -1),
    "linspace_float_steps": lambda T: T.linspace(0, 1, 2.5),
    "from_numpy_list": lambda T: T.from_numpy([1, 2]),
    "from_numpy_str": lambda T: T.from_numpy(np.array(["a"])),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(torch, name):
    with pytest.raises(Exception) as want:
        ERRORS[name](torch)
    with pytest.raises(type(want.value), match=re.escape(str(want.value).splitlines()[0])):
        ERRORS[name](lt)


def test_from_numpy_shares_memory():
    a = np.zeros((2, 3), dtype=np.float32)
    t = lt.from_numpy(a)
    a[0, 1] = 5
    assert t[0, 1].item() == 5
    t.numpy()[1, 2] = 7
    assert a[1, 2] == 7
    assert lt.as_tensor(a).data_ptr() == t.data_ptr()


def test_tensor_copies_and_warns_on_tensor_input():
    a = np.ones(3)
    t = lt.tensor(a)
    a[0] = 9
    assert t[0].item() == 1
    with pytest.warns(UserWarning, match="To copy construct from a tensor"):
        u = lt.tensor(t)
    assert u.data_ptr() != t.data_ptr()


def test_default_dtype_followed():
    lt.set_default_dtype(lt.float64)
    try:
        assert lt.tensor([1.5]).dtype is lt.float64
        assert lt.zeros(2).dtype is lt.float64
        assert lt.arange(0, 1, 0.5).dtype is lt.float64
        assert lt.full((1,), 2.5).dtype is lt.float64
        assert lt.tensor([1]).dtype is lt.int64
    finally:
        lt.set_default_dtype(lt.float32)


def test_factories_require_grad():
    for t in (lt.zeros(2, requires_grad=True), lt.ones(2, requires_grad=True), lt.rand(2, requires_grad=True),
              lt.randn(2, requires_grad=True), lt.full((2,), 1.0, requires_grad=True),
              lt.linspace(0, 1, 3, requires_grad=True), lt.arange(3.0, requires_grad=True)):  # fmt: skip
        assert t.requires_grad and t.is_leaf

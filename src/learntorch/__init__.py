"""learntorch: PyTorch you can see through.

The PyTorch API on NumPy (CuPy on a GPU), small enough to read, with
instruments that draw what PyTorch hides. ``import learntorch as torch`` runs
the course's PyTorch code.

>>> import learntorch as torch
>>> x = torch.tensor(2.0, requires_grad=True)
>>> y = x**2 + 2*x + 2
>>> y.backward()
>>> x.grad
tensor(6.)
"""

from __future__ import annotations

__version__ = "0.1.0"

from . import autograd, cuda, dtypes, ops, serialization
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .backend import device
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    result_type,
    set_default_dtype,
    short,
    uint8,
)
from .ops.linalg import (
    addmm,
    bmm,
    dot,
    einsum,
    ger,
    matmul,
    mm,
    mv,
    outer,
    vdot,
)
from .ops.pointwise import (
    abs,
    absolute,
    add,
    allclose,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    ceil,
    clamp,
    clip,
    clone,
    cos,
    div,
    divide,
    eq,
    equal,
    erf,
    exp,
    expm1,
    floor,
    floor_divide,
    fmod,
    frac,
    ge,
    greater,
    greater_equal,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    lerp,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    maximum,
    minimum,
    mul,
    multiply,
    ne,
    neg,
    negative,
    not_equal,
    pow,
    reciprocal,
    relu,
    remainder,
    round,
    rsqrt,
    rsub,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    sub,
    subtract,
    tan,
    tanh,
    true_divide,
    trunc,
    where,
)
from .ops.reduce import (
    all,
    amax,
    amin,
    any,
    argmax,
    argmin,
    count_nonzero,
    cumprod,
    cumsum,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    std,
    std_mean,
    sum,
    var,
    var_mean,
)
from .ops.shape import flatten, permute, reshape, squeeze, t, transpose, unflatten, unsqueeze
from .serialization import load, save
from .tensor import Size, Tensor, is_tensor

from . import optim  # noqa: E402 - optimisers build on the core above

float = float  # noqa: PLW0127 - torch.float is float32 (re-exported on purpose)

__all__ = [
    "optim",
    "save", "load", "serialization",
    "Size", "Tensor", "autograd", "cuda", "device", "dtype", "dtypes", "is_tensor",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
    "tensor", "as_tensor", "from_numpy", "empty", "zeros", "ones", "full", "eye", "arange",
    "linspace", "zeros_like", "ones_like", "empty_like", "full_like",
    "bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
    "half", "float", "double", "short", "int", "long", "get_default_dtype", "set_default_dtype",
    "promote_types", "result_type",
    "abs", "absolute", "add", "allclose", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor",
    "ceil", "clamp", "clip", "clone", "cos", "div", "divide", "eq", "equal", "erf", "exp", "expm1",
    "floor", "floor_divide", "fmod", "frac", "ge", "greater", "greater_equal", "gt", "isclose",
    "isfinite", "isinf", "isnan", "le", "lerp", "less", "less_equal", "log", "log1p", "log2", "log10",
    "logical_and", "logical_not", "logical_or", "logical_xor", "lt", "maximum", "minimum", "mul",
    "multiply", "ne", "neg", "negative", "not_equal", "pow", "reciprocal", "relu", "remainder", "round",
    "rsqrt", "rsub", "sigmoid", "sign", "sin", "sqrt", "square", "sub", "subtract", "tan", "tanh",
    "true_divide", "trunc", "where",
    "all", "amax", "amin", "any", "argmax", "argmin", "count_nonzero", "cumprod", "cumsum", "logsumexp",
    "max", "mean", "min", "norm", "prod", "std", "std_mean", "sum", "var", "var_mean",
    "addmm", "bmm", "dot", "einsum", "ger", "matmul", "mm", "mv", "outer", "vdot",
    "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose", "permute", "t",
]  # fmt: skip

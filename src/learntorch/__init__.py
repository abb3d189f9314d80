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

from math import e as e  # torch re-exports these (d2l: torch.pi)
from math import inf as inf
from math import nan as nan
from math import pi as pi

# Tensor first: defining it imports the op families (ops/), which attach their methods to it.
from .tensor import Tensor  # isort: skip

from . import autograd, cuda, dtypes, nn, ops, optim, random, return_types, serialization, utils
from ._tensor_str import get_printoptions, printoptions, set_printoptions
from .autograd import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
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
    logspace,
    ones,
    ones_like,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
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
from .ops.arith import add, lerp, mul, multiply, neg, negative, pow, rsub, square, sub, subtract, where
from .ops.broadcast import broadcast_shapes, broadcast_tensors
from .ops.compare import (
    allclose,
    bitwise_and,
    bitwise_not,
    bitwise_or,
    bitwise_xor,
    clamp,
    clip,
    eq,
    equal,
    ge,
    greater,
    greater_equal,
    gt,
    isclose,
    isfinite,
    isinf,
    isnan,
    le,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    lt,
    maximum,
    minimum,
    ne,
    not_equal,
)
from .ops.copy import clone
from .ops.division import div, divide, floor_divide, fmod, remainder, true_divide
from .ops.einsum import einsum
from .ops.extrema import amax, amin, argmax, argmin, max, min
from .ops.gather import gather, index_select, scatter, scatter_add, take_along_dim
from .ops.index import index_put
from .ops.linalg import addmm, bmm, dot, ger, matmul, mm, mv, outer, vdot
from .ops.mask import argwhere, masked_fill, masked_select, nonzero
from .ops.reduce import all, any, count_nonzero, logsumexp, mean, norm, prod, sum
from .ops.rounding import ceil, floor, frac, round, trunc
from .ops.scan import cumprod, cumsum
from .ops.shape import (
    as_strided,
    cat,
    chunk,
    concat,
    concatenate,
    diagonal,
    flatten,
    flip,
    hstack,
    movedim,
    narrow,
    permute,
    repeat_interleave,
    reshape,
    roll,
    select,
    split,
    squeeze,
    stack,
    swapaxes,
    t,
    transpose,
    tril,
    triu,
    unbind,
    unflatten,
    unsqueeze,
    vstack,
)
from .ops.sort import argsort, sort, topk, unique
from .ops.unary import (
    abs,
    absolute,
    cos,
    erf,
    exp,
    expm1,
    log,
    log1p,
    log2,
    log10,
    reciprocal,
    relu,
    rsqrt,
    sigmoid,
    sign,
    sin,
    sqrt,
    tan,
    tanh,
)
from .ops.variance import std, std_mean, var, var_mean
from .random import (
    Generator,
    bernoulli,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    set_rng_state,
)
from .serialization import load, save
from .tensor import Size, is_tensor

float = float  # noqa: PLW0127 - torch.float is float32 (re-exported on purpose)

__all__ = [
    "nn", "optim", "utils",
    "save", "load", "serialization",
    "nn", "ops", "optim", "utils", "course",
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "max_pool1d", "max_pool2d",
    "avg_pool1d", "adaptive_avg_pool1d", "layer_norm", "group_norm", "dropout", "softmax", "log_softmax",
    "random", "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "rand", "randn", "randint", "randperm", "normal", "bernoulli", "multinomial",
    "rand_like", "randn_like", "randint_like",
    "Size", "Tensor", "autograd", "cuda", "device", "dtype", "dtypes", "is_tensor",
    "FloatTensor", "DoubleTensor", "HalfTensor", "LongTensor", "IntTensor", "ShortTensor", "CharTensor",
    "ByteTensor", "BoolTensor",
    "return_types", "set_printoptions", "get_printoptions", "printoptions", "is_inference_mode_enabled",
    "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "inference_mode",
    "tensor", "as_tensor", "from_numpy", "empty", "zeros", "ones", "full", "eye", "arange",
    "linspace", "logspace", "zeros_like", "ones_like", "empty_like", "full_like",
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
    "broadcast_shapes", "broadcast_tensors",
    "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "transpose", "permute", "t",
    "as_strided", "cat", "concat", "concatenate", "chunk", "diagonal", "flip", "hstack", "vstack",
    "movedim", "narrow", "repeat_interleave", "roll", "select", "split", "stack", "swapaxes", "tril",
    "triu", "unbind", "argsort", "argwhere", "gather", "index_put", "index_select", "masked_fill",
    "masked_select", "nonzero", "scatter", "scatter_add", "sort", "take_along_dim", "topk", "unique",
]  # fmt: skip

# torch.* aliases of functional ops that PyTorch also exposes at the top level (same argument order)
from . import course  # noqa: E402
from .nn.functional import (  # noqa: E402
    adaptive_avg_pool1d,
    avg_pool1d,
    conv1d,
    conv2d,
    conv3d,
    conv_transpose1d,
    conv_transpose2d,
    dropout,
    group_norm,
    layer_norm,
    log_softmax,
    max_pool1d,
    max_pool2d,
    softmax,
)


def _accept_numpy_names() -> None:
    """Let ``torch.sum(x, axis=0)`` work as in PyTorch (``axis``/``keepdims`` for ``dim``/``keepdim``)."""
    import inspect

    from .ops._util import numpy_aliases

    g = globals()
    for name in __all__:
        if inspect.isfunction(g.get(name)):
            g[name] = numpy_aliases(g[name])


_accept_numpy_names()
del _accept_numpy_names


def __getattr__(name: str) -> object:
    """Import ``learntorch.vision`` and ``learntorch.hub`` on first use (keeps ``import learntorch`` fast)."""
    if name in ("vision", "hub"):
        import importlib  # noqa: PLC0415

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'learntorch' has no attribute '{name}'")

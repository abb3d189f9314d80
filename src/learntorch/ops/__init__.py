"""Primitive operations, one idea a file; importing this package binds Tensor methods.

- pointwise: arith (+ - * **), division (/ // %), unary (exp, log, sin, ...), rounding,
  compare (== < & where clamp), copy (clone, to, fill_, copy_)
- reductions: reduce (sum mean prod norm logsumexp all any), extrema, variance, scan
- shapes: shape gathers view, dims, slicing, strided, join, rearrange; layout holds the stride arithmetic
- indexing: index (x[key]), gather (gather/scatter), mask, sort
- linalg (mm, matmul), einsum; conv, pool, norm, loss and activation serve ``torch.nn.functional``
"""

from . import (  # noqa: F401
    arith,
    compare,
    copy,
    division,
    extrema,
    gather,
    index,
    linalg,
    mask,
    reduce,
    rounding,
    scan,
    shape,
    sort,
    unary,
    variance,
)

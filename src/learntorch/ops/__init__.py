"""Primitive operations, one idea a file; importing this package binds Tensor methods.

arith (+ - * **), division (/ // %), unary (exp, log, sin, ...), rounding, compare (== < & where clamp),
copy (clone, to, fill_, copy_), reduce, shape (view dims slicing strided join rearrange),
index (x[key]), gather, mask, sort, linalg; conv, pool, norm, loss and
activation serve ``torch.nn.functional``.
"""

from . import (  # noqa: F401
    arith,
    compare,
    copy,
    division,
    gather,
    index,
    linalg,
    mask,
    reduce,
    rounding,
    shape,
    sort,
    unary,
)  # fmt: skip

"""Primitive operations, one idea a file; importing this package binds Tensor methods.

arith (+ - * **), division (/ // %), unary (exp, log, sin, ...), rounding, compare (== < & where clamp),
copy (clone, to, fill_, copy_), reduce, shape, index, linalg; conv, pool, norm, loss and
activation serve ``torch.nn.functional``.
"""

from . import arith, compare, copy, division, index, linalg, reduce, rounding, shape, unary  # noqa: F401

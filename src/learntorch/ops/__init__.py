"""Primitive operations, one family a file; importing this package binds Tensor methods."""

from . import index, linalg, pointwise, reduce, shape  # noqa: F401  (order: shape first is not needed)

"""The shape family, one idea a file; this module gathers their public names.

- :mod:`.view`: view, reshape, contiguous, expand (the same memory re-read; strides from :mod:`.layout`)
- :mod:`.dims`: transpose, t, permute, movedim, squeeze, unsqueeze, flatten, unflatten
- :mod:`.slicing`: select, narrow, slices, unbind, split, chunk
- :mod:`.strided`: diagonal, as_strided
- :mod:`.join`: repeat, cat, stack, hstack, vstack (copies)
- :mod:`.rearrange`: flip, roll, tril, triu, repeat_interleave (copies)

Views share their base tensor's memory and version counter; copies get memory of their own.
"""

from __future__ import annotations

from .dims import flatten, movedim, permute, squeeze, swapaxes, t, transpose, unflatten, unsqueeze
from .join import cat, concat, concatenate, hstack, repeat, stack, vstack
from .rearrange import flip, repeat_interleave, roll, tril, triu
from .slicing import chunk, narrow, select, split, unbind
from .strided import as_strided, diagonal
from .view import contiguous, expand, expand_as, reshape, view

__all__ = [
    "view", "reshape", "contiguous", "expand", "expand_as", "transpose", "swapaxes", "t", "permute",
    "movedim", "squeeze", "unsqueeze", "flatten", "unflatten", "narrow", "select", "unbind", "split",
    "chunk", "diagonal", "as_strided", "repeat", "stack", "cat", "concat", "concatenate", "hstack",
    "vstack", "flip", "roll", "tril", "triu", "repeat_interleave",
]  # fmt: skip

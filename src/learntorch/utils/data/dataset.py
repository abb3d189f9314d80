"""Datasets: what a ``DataLoader`` reads samples from.

A *map-style* dataset (:class:`Dataset`) answers ``dataset[i]`` and usually ``len(dataset)``;
an *iterable-style* one (:class:`IterableDataset`) is a stream you iterate over. Note 004
(Dataset: 映射式 / 可迭代式) explains the difference; note 000 builds one from tensors
(:class:`TensorDataset`) and one from a CSV file and a folder of images.

>>> import learntorch as torch
>>> from learntorch.utils.data import TensorDataset, random_split
>>> ds = TensorDataset(torch.arange(10.0), torch.arange(10))
>>> len(ds), ds[3]
(10, (tensor(3.), tensor(3)))
>>> train, val = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(0))
>>> len(train), len(val)
(8, 2)
"""

from __future__ import annotations

import bisect
import itertools
import math
import warnings
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Generic, TypeVar

from ...tensor import Tensor

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "ConcatDataset",
    "ChainDataset",
    "Subset",
    "random_split",
]

T_co = TypeVar("T_co", covariant=True)


class Dataset(Generic[T_co]):
    """A map-style dataset: subclass it and define ``__getitem__`` (and ``__len__``).

    ``a + b`` concatenates two datasets into a :class:`ConcatDataset`.
    """

    def __getitem__(self, index: Any) -> T_co:
        raise NotImplementedError("Subclasses of Dataset should implement __getitem__.")

    def __add__(self, other: Dataset[T_co]) -> ConcatDataset[T_co]:
        return ConcatDataset([self, other])


class IterableDataset(Dataset[T_co]):
    """A stream of samples: subclass it and define ``__iter__``.

    With several DataLoader workers every worker iterates its own copy; split the work
    with :func:`~learntorch.utils.data.get_worker_info` to avoid duplicates (note 004).
    """

    def __iter__(self) -> Iterator[T_co]:
        raise NotImplementedError("Subclasses of IterableDataset should implement __iter__.")

    def __add__(self, other: Dataset[T_co]) -> ChainDataset:  # type: ignore[override]
        return ChainDataset([self, other])


class TensorDataset(Dataset[tuple]):
    """Samples are rows: ``dataset[i] == (t[i] for t in tensors)``; all first sizes must match.

    >>> import learntorch as torch
    >>> TensorDataset(torch.zeros(3, 2), torch.zeros(4))
    Traceback (most recent call last):
        ...
    AssertionError: Size mismatch between tensors
    hint: every tensor needs the same first dimension (one row per sample); got sizes [3, 4]
    """

    def __init__(self, *tensors: Tensor) -> None:
        if any(tensors[0].size(0) != t.size(0) for t in tensors):
            sizes = [t.size(0) for t in tensors]
            raise AssertionError(
                "Size mismatch between tensors\n"
                f"hint: every tensor needs the same first dimension (one row per sample); got sizes {sizes}"
            )
        self.tensors = tensors

    def __getitem__(self, index: Any) -> tuple:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].size(0)


class ConcatDataset(Dataset[T_co]):
    """Several map-style datasets one after another."""

    @staticmethod
    def cumsum(sequence: Iterable[Any]) -> list[int]:
        return list(itertools.accumulate(len(d) for d in sequence))

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = list(datasets)
        if len(self.datasets) == 0:
            raise AssertionError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise AssertionError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = self.cumsum(self.datasets)

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int) -> T_co:
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        which = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[which - 1] if which > 0 else 0
        return self.datasets[which][idx - start]


class ChainDataset(IterableDataset):
    """Several iterable datasets chained into one stream."""

    def __init__(self, datasets: Iterable[Dataset]) -> None:
        self.datasets = datasets

    def __iter__(self) -> Iterator[Any]:
        for d in self.datasets:
            if not isinstance(d, IterableDataset):
                raise AssertionError("ChainDataset only supports IterableDataset")
            yield from d

    def __len__(self) -> int:
        return sum(len(d) for d in self.datasets)  # type: ignore[arg-type]


class Subset(Dataset[T_co]):
    """The samples of ``dataset`` at ``indices`` (in that order)."""

    def __init__(self, dataset: Dataset[T_co], indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx: Any) -> Any:
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __getitems__(self, indices: list[int]) -> list:
        if callable(getattr(self.dataset, "__getitems__", None)):
            return self.dataset.__getitems__([self.indices[i] for i in indices])  # type: ignore[attr-defined]
        return [self.dataset[self.indices[i]] for i in indices]

    def __len__(self) -> int:
        return len(self.indices)


def random_split(dataset: Dataset, lengths: Sequence[int | float], generator: Any = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping subsets of the given lengths.

    ``lengths`` may be fractions summing to 1: each split gets ``floor(n * frac)`` items
    and the remainder is dealt out one by one from the first split on (torch's rule).
    The permutation is ``torch.randperm(n, generator=generator)``, so the same seed gives
    the same split as PyTorch.
    """
    n = len(dataset)  # type: ignore[arg-type]
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1:
        sizes = []
        for i, frac in enumerate(lengths):
            if frac < 0 or frac > 1:
                raise ValueError(f"Fraction at index {i} is not between 0 and 1")
            sizes.append(math.floor(n * frac))
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
        for i, length in enumerate(lengths):
            if length == 0:
                warnings.warn(
                    f"Length of split at index {i} is 0. This might result in an empty dataset.", stacklevel=2
                )
    if sum(lengths) != n:
        raise ValueError(
            "Sum of input lengths does not equal the length of the input dataset!\n"
            f"hint: the dataset has {n} samples but the lengths add up to {sum(lengths)}."
        )
    from ... import random as _random  # noqa: PLC0415 - the core's RNG, bit-identical to torch's

    order = _random.randperm(int(sum(lengths)), generator=generator).tolist()
    bounds = list(itertools.accumulate(int(x) for x in lengths))
    return [Subset(dataset, order[end - int(size) : end]) for end, size in zip(bounds, lengths)]

"""``DataLoader``: batches from a dataset, in the main process or in worker processes.

The pieces, in the order a batch is made (note 004, DataLoader):

1. a *sampler* yields indices (``shuffle=True`` means a :class:`RandomSampler`);
2. a :class:`BatchSampler` groups them into lists of ``batch_size``
   (``batch_size=None`` turns auto-batching off: one sample at a time);
3. a *fetcher* reads ``dataset[i]`` for each index (or pulls from an IterableDataset);
4. ``collate_fn`` (default: :func:`default_collate`) stacks the samples into a batch.

With ``num_workers > 0`` steps 3-4 run in worker processes; the main process hands out
index lists (``prefetch_factor`` per worker ahead) and puts the batches back in order.
Step 3 is in :mod:`.fetch`, the loops that make batches in :mod:`._iterators`.

>>> import learntorch as torch
>>> from learntorch.utils.data import DataLoader, TensorDataset
>>> ds = TensorDataset(torch.arange(5.0), torch.arange(5))
>>> for x, y in DataLoader(ds, batch_size=2):
...     print(x, y)
tensor([0., 1.]) tensor([0, 1])
tensor([2., 3.]) tensor([2, 3])
tensor([4.]) tensor([4])
"""

from __future__ import annotations

import math
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from . import _worker
from ._iterators import _BaseIter, _MultiProcessIter, _SingleProcessIter
from .collate import default_collate, default_convert
from .dataset import Dataset, IterableDataset
from .fetch import ITERABLE, MAP, _InfiniteConstantSampler
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader", "get_worker_info"]


get_worker_info = _worker.get_worker_info


class DataLoader:
    """Iterate over a dataset in (shuffled) batches, optionally with worker processes.

    Args:
        dataset: a map-style :class:`Dataset` (or anything with ``__getitem__``/``__len__``)
            or an :class:`IterableDataset`.
        batch_size: samples per batch; ``None`` disables auto-batching. Default ``1``.
        shuffle: reshuffle every epoch (a :class:`RandomSampler`). Default ``False``.
        sampler: the index order (excludes ``shuffle``).
        batch_sampler: yields whole index lists (excludes batch_size, shuffle, sampler, drop_last).
        num_workers: worker processes; ``0`` loads in the main process. Default ``0``.
        collate_fn: merges a list of samples into a batch. Default :func:`default_collate`.
        pin_memory: page-locked batches for fast GPU copies (no effect without a GPU).
        drop_last: drop the last incomplete batch. Default ``False``.
        timeout: seconds to wait for a batch from the workers (``0``: forever); then RuntimeError.
        worker_init_fn: called as ``worker_init_fn(worker_id)`` in each worker after seeding.
        multiprocessing_context: ``'fork'``, ``'spawn'``, ``'forkserver'`` or a context object.
        generator: the RNG for the shuffle and for the workers' base seed.
        prefetch_factor: batches each worker prepares ahead (default 2 with workers).
        persistent_workers: keep the workers alive between epochs.
        pin_memory_device: accepted for compatibility (deprecated in torch).
        in_order: deliver batches in sampler order even if a worker is slow. Default ``True``.

    Taught in note 000 (DataLoader), note 003 (2.2.2), note 004 (DataLoader in full).
    """

    _initialized = False

    def __init__(
        self,
        dataset: Dataset | Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Sampler | Iterable | None = None,
        batch_sampler: Sampler | Iterable | None = None,
        num_workers: int = 0,
        collate_fn: Callable[[list], Any] | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable[[int], None] | None = None,
        multiprocessing_context: Any = None,
        generator: Any = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if num_workers < 0:
            raise ValueError(
                "num_workers option should be non-negative; use num_workers=0 to disable multiprocessing."
            )
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError(
                "prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 to "
                "enable multiprocessing, otherwise set prefetch_factor to None."
            )
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = ITERABLE
            if shuffle not in {False, None}:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None:
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified sampler option, but got sampler={sampler}"
                )
            if batch_sampler is not None:
                raise ValueError(
                    "DataLoader with IterableDataset: expected unspecified batch_sampler option, but got "
                    f"batch_sampler={batch_sampler}"
                )
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = MAP
        if sampler is not None and shuffle:
            raise ValueError(
                "sampler option is mutually exclusive with shuffle\n"
                "hint: a sampler already fixes the order; drop shuffle=True (use RandomSampler to shuffle)."
            )
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError(
                    "batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last\n"
                    "hint: the batch_sampler decides batches and order; leave the other four at their defaults."
                )
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError(
                "batch_size=None option disables auto-batching and is mutually exclusive with drop_last"
            )
        if sampler is None:
            if self._dataset_kind == ITERABLE:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self._IterableDataset_len_called: int | None = None
        self._iterator: _BaseIter | None = None
        self._initialized = True
        self.check_worker_number_rationality()

    @property
    def multiprocessing_context(self) -> Any:
        return self._multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, ctx: Any) -> None:
        if ctx is not None:
            if self.num_workers == 0:
                raise ValueError(
                    "multiprocessing_context can only be used with multi-process loading (num_workers > 0), "
                    f"but got num_workers={self.num_workers}"
                )
            if isinstance(ctx, str):
                methods = multiprocessing.get_all_start_methods()
                if ctx not in methods:
                    raise ValueError(
                        "multiprocessing_context option should specify a valid start method in "
                        f"{methods!r}, but got multiprocessing_context={ctx!r}"
                    )
                ctx = multiprocessing.get_context(ctx)
            if not isinstance(ctx, multiprocessing.context.BaseContext):
                raise TypeError(
                    "multiprocessing_context option should be a valid context object or a string specifying "
                    f"the start method, but got multiprocessing_context={ctx}"
                )
        object.__setattr__(self, "_multiprocessing_context", ctx)

    def __setattr__(self, attr: str, val: Any) -> None:
        frozen = ("batch_size", "batch_sampler", "sampler", "drop_last", "dataset", "persistent_workers")
        if self._initialized and attr in frozen:
            raise ValueError(f"{attr} attribute should not be set after {type(self).__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self) -> Any:
        return self.batch_sampler if self._auto_collation else self.sampler

    def __iter__(self) -> _BaseIter:
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self.check_worker_number_rationality()  # torch checks again for each new worker iterator
                self._iterator = _MultiProcessIter(self)
            else:
                self._iterator._reset(self)
            return self._iterator
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessIter(self)

    def __len__(self) -> int:
        """Number of batches per epoch (for an IterableDataset: computed from its ``len``)."""
        if self._dataset_kind == ITERABLE:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else math.ceil(length / self.batch_size)
            return length
        return len(self._index_sampler)

    def check_worker_number_rationality(self) -> None:
        """Warn (like torch) when asking for more workers than this machine has CPUs."""
        if not self.num_workers:
            return
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        if cpus is None or self.num_workers > cpus:
            suggest = (
                f"Our suggested max number of worker in current system is {cpus}"
                f"{'' if hasattr(os, 'sched_getaffinity') else ' (`cpuset` is not taken into account)'}, "
                "which is smaller than what this DataLoader is going to create."
            )
            warnings.warn(
                f"This DataLoader will create {self.num_workers} worker processes in total. {suggest} Please be "
                "aware that excessive worker creation might get DataLoader running slow or even freeze, lower "
                "the worker number to avoid potential slowness/freeze if necessary.",
                stacklevel=3,
            )

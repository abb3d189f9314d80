"""What runs inside a DataLoader worker process (imports learntorch and NumPy, never torch).

Each worker gets its own queue of ``(task_id, indices)`` and puts ``(task_id, batch)``
on a shared result queue. It seeds Python's ``random``, learntorch's RNG and NumPy's
global RNG from ``base_seed + worker_id`` (NumPy via ``SeedSequence``, exactly as torch
derives it), sets :func:`get_worker_info`, and calls ``worker_init_fn(worker_id)``.
An exception is sent back with its formatted traceback instead of killing the loader.
"""

from __future__ import annotations

import os
import queue
import random
import sys
import traceback
from dataclasses import dataclass
from typing import Any

import numpy as np

POLL_INTERVAL = 1.0  # seconds between checks that the main process is still alive


@dataclass
class WorkerInfo:
    """Returned by :func:`get_worker_info` inside a worker: which worker this is, and its copy of the dataset."""

    id: int
    num_workers: int
    seed: int
    dataset: Any

    def __repr__(self) -> str:
        return f"WorkerInfo(id={self.id}, num_workers={self.num_workers}, seed={self.seed}, dataset={self.dataset!r})"


_worker_info: WorkerInfo | None = None


def get_worker_info() -> WorkerInfo | None:
    """Inside a DataLoader worker: its :class:`WorkerInfo`; in the main process: ``None``.

    Use it in an ``IterableDataset.__iter__`` to give each worker its own share (note 004).

    >>> from learntorch.utils.data import get_worker_info
    >>> get_worker_info() is None
    True
    """
    return _worker_info


class ExceptionWrapper:
    """An exception caught in a worker, carried to the main process with its traceback text."""

    def __init__(self, exc: BaseException, where: str) -> None:
        self.exc_type = type(exc)
        self.msg = (
            f"Caught {self.exc_type.__name__} {where}.\nOriginal {''.join(traceback.format_exception(exc))}"
        )
        self.where = where

    def reraise(self) -> None:
        msg = self.msg
        if self.exc_type is KeyError:  # KeyError would quote the whole text
            msg = KeyErrorMessage(msg)
        try:
            exc = self.exc_type(msg)
        except Exception:  # exception types whose constructor needs other arguments
            raise RuntimeError(msg) from None
        raise exc


class KeyErrorMessage(str):
    """Makes ``str(KeyError(msg))`` print ``msg`` as is (torch's trick)."""

    def __repr__(self) -> str:
        return self


@dataclass
class IterableExhausted:
    """Sent by a worker whose IterableDataset copy ran out."""

    worker_id: int


class ResumeIteration:
    """Sent to persistent workers at the start of a new epoch."""


def _seed_everything(seed: int, base_seed: int, worker_id: int) -> None:
    random.seed(seed)
    from ... import random as lt_random  # noqa: PLC0415

    lt_random.manual_seed(seed)
    words = [worker_id, base_seed & 0xFFFFFFFF, base_seed >> 32, 0]
    np.random.seed(np.random.SeedSequence(words).generate_state(4))


def worker_loop(
    dataset_kind: str,
    dataset: Any,
    index_queue: Any,
    data_queue: Any,
    auto_collation: bool,
    collate_fn: Any,
    drop_last: bool,
    base_seed: int,
    init_fn: Any,
    worker_id: int,
    num_workers: int,
    parent_pid: int,
) -> None:
    """The body of one worker process."""
    from .fetch import make_fetcher  # noqa: PLC0415

    global _worker_info
    try:
        seed = base_seed + worker_id
        _seed_everything(seed, base_seed, worker_id)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        init_error = None
        try:
            if init_fn is not None:
                init_fn(worker_id)
            fetcher = make_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
        except Exception as exc:
            init_error = ExceptionWrapper(exc, f"in DataLoader worker process {worker_id}")
        exhausted = False
        while True:
            try:
                task = index_queue.get(timeout=POLL_INTERVAL)
            except queue.Empty:
                if os.getppid() != parent_pid:  # the main process is gone: stop quietly
                    return
                continue
            if task is None:
                # An exhausted IterableDataset copy: the main process still reads, so exit normally
                # and let the queue's feeder thread finish writing (leaving mid-write would keep the
                # queue's lock held and block the other workers forever). A full shutdown: the main
                # process stops reading, so do not wait for unread results to drain.
                if not exhausted:
                    data_queue.cancel_join_thread()
                return
            if isinstance(task, ResumeIteration):
                exhausted = False
                fetcher = make_fetcher(dataset_kind, dataset, auto_collation, collate_fn, drop_last)
                data_queue.put((task, None))
                continue
            task_id, index = task
            if init_error is not None:
                data, init_error = init_error, None
            elif exhausted:
                data = IterableExhausted(worker_id)
            else:
                try:
                    data = fetcher.fetch(index)
                except StopIteration:
                    exhausted = True
                    data = IterableExhausted(worker_id)
                except Exception as exc:
                    data = ExceptionWrapper(exc, f"in DataLoader worker process {worker_id}")
            data_queue.put((task_id, data))
    except KeyboardInterrupt:
        pass
    finally:
        sys.stdout.flush()

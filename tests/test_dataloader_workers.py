"""DataLoader with worker processes: order, seeding, IterableDataset splitting, errors, timeout, shutdown.

The datasets live at module level so that 'spawn' workers can unpickle them; this module
never imports torch at top level (the oracle comes from the ``torch`` fixture).
"""

from __future__ import annotations

import math
import os
import random
import sys
import time

import numpy as np
import pytest

import learntorch as lt
from learntorch.utils import data as D


class Rows(D.Dataset):
    def __init__(self, n=20):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return lt.tensor([float(i), 2.0 * i]), i


class RandomDraws(D.Dataset):
    """Returns what each worker's RNGs produce: Python, NumPy, and the framework's own."""

    def __init__(self, mod_name):
        self.mod_name = mod_name

    def __len__(self):
        return 4

    def __getitem__(self, i):
        mod = sys.modules[self.mod_name]
        info = mod.utils.data.get_worker_info()
        return {
            "worker": info.id,
            "seed": info.seed,
            "py": random.random(),
            "np": float(np.random.rand()),
            "fw": float(mod.rand(1).item()),
        }


class RangeStream(D.IterableDataset):
    """Note 004's pattern: each worker takes its own slice of [start, end)."""

    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = D.get_worker_info()
        if info is None:
            lo, hi = self.start, self.end
        else:
            per = int(math.ceil((self.end - self.start) / float(info.num_workers)))
            lo = self.start + info.id * per
            hi = min(lo + per, self.end)
        return iter(range(lo, hi))


class Failing(D.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError(f"bad sample {i}")
        return i


class Slow(D.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        time.sleep(1.5 if i == 2 else 0)
        return i


class Dies(D.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 1:
            os._exit(3)
        return i


class WhereAmI(D.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return os.getpid(), "torch" in sys.modules, D.get_worker_info().id


def _record_init(worker_id):
    info = D.get_worker_info()
    assert info.id == worker_id
    os.environ["LT_INIT"] = f"{worker_id}/{info.num_workers}"


class InitEnv(D.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return os.environ.get("LT_INIT", "")


def _values(batches):
    return [(x.tolist(), y.tolist()) for x, y in batches]


def test_order_equals_single_process_and_torch(torch):
    lt.manual_seed(1)
    single = _values(D.DataLoader(Rows(), batch_size=3, shuffle=True))
    lt.manual_seed(1)
    multi = _values(D.DataLoader(Rows(), batch_size=3, shuffle=True, num_workers=2))
    assert multi == single
    torch.manual_seed(1)
    tds = torch.utils.data.TensorDataset(
        torch.tensor([[float(i), 2.0 * i] for i in range(20)]), torch.arange(20)
    )
    theirs = [
        (x.tolist(), y.tolist()) for x, y in torch.utils.data.DataLoader(tds, batch_size=3, shuffle=True)
    ]
    assert multi == theirs


def test_worker_seeding_equals_torch(torch):
    def run(mod):
        mod.manual_seed(123)
        loader = mod.utils.data.DataLoader(RandomDraws(mod.__name__), batch_size=None, num_workers=2)
        return list(loader)

    ours, theirs = run(lt), run(torch)
    for a, b in zip(ours, theirs):
        assert {k: (v.item() if hasattr(v, "item") else v) for k, v in a.items()} == pytest.approx(
            {k: (v.item() if hasattr(v, "item") else v) for k, v in b.items()}
        )
    assert [d["worker"] for d in ours] == [0, 1, 0, 1]
    assert ours[1]["seed"] == ours[0]["seed"] + 1


def test_iterable_dataset_split_across_workers(torch):
    ours = [b.tolist() for b in D.DataLoader(RangeStream(3, 13), batch_size=2, num_workers=2)]

    class TRange(torch.utils.data.IterableDataset):
        def __iter__(self):
            info = torch.utils.data.get_worker_info()
            per = int(math.ceil(10 / float(info.num_workers)))
            lo = 3 + info.id * per
            return iter(range(lo, min(lo + per, 13)))

    theirs = [b.tolist() for b in torch.utils.data.DataLoader(TRange(), batch_size=2, num_workers=2)]
    assert ours == theirs
    assert sorted(sum(ours, [])) == list(range(3, 13))
    assert list(D.DataLoader(RangeStream(0, 3), batch_size=None)) == [0, 1, 2]


class _FakeQueue:
    """Hands out prepared tasks; records what a worker puts and whether it cancelled the join."""

    def __init__(self, tasks=()):
        self.tasks, self.items, self.cancelled = list(tasks), [], False

    def get(self, timeout=None):
        return self.tasks.pop(0)

    def put(self, item):
        self.items.append(item)

    def cancel_join_thread(self):
        self.cancelled = True


@pytest.mark.parametrize("exhausted", [True, False])
def test_exhausted_worker_flushes_its_results_before_exiting(exhausted, monkeypatch):
    """An exhausted IterableDataset worker leaves while the others still send: it must not cancel the
    data queue's join (leaving mid-write keeps the queue's lock held and hung about 1 run in 10);
    a full shutdown (main stopped reading) still cancels it."""
    from learntorch.utils.data import _worker

    monkeypatch.setattr(_worker, "_worker_info", None)  # restored after the test: we run in-process
    monkeypatch.setattr(_worker, "_seed_everything", lambda *args: None)  # leave the test's RNGs alone
    tasks = [(0, None), (1, None), None] if exhausted else [None]
    index_q, data_q = _FakeQueue(tasks), _FakeQueue()
    _worker.worker_loop(
        "iterable",
        RangeStream(0, 0),
        index_q,
        data_q,
        False,
        D.default_convert,
        False,
        0,
        None,
        0,
        2,
        os.getppid(),
    )
    assert data_q.cancelled is not exhausted
    if exhausted:
        assert [type(d).__name__ for _, d in data_q.items] == ["IterableExhausted", "IterableExhausted"]


def test_iterable_split_across_workers_never_hangs():
    for _ in range(30):  # before the fix, about 1 run in 10 hung here
        loader = D.DataLoader(RangeStream(3, 7), num_workers=2, timeout=20)
        assert [t.item() for t in loader] == [3, 5, 4, 6]


def test_worker_init_fn_and_worker_info():
    loader = D.DataLoader(InitEnv(), batch_size=None, num_workers=2, worker_init_fn=_record_init)
    assert list(loader) == ["0/2", "1/2", "0/2", "1/2"]
    assert D.get_worker_info() is None


def test_failing_worker_reraises_with_traceback():
    loader = D.DataLoader(Failing(), batch_size=2, num_workers=2)
    it = iter(loader)
    assert next(it).tolist() == [0, 1]
    assert next(it).tolist() == [2, 3]
    with pytest.raises(ValueError) as err:
        next(it)
    text = str(err.value)
    assert "Caught ValueError in DataLoader worker process 0." in text
    assert "Original Traceback (most recent call last):" in text
    assert "bad sample 5" in text and "__getitem__" in text
    assert all(not w.is_alive() for w in it._workers)


def test_timeout_raises():
    loader = D.DataLoader(Slow(), batch_size=None, num_workers=1, timeout=0.5)
    it = iter(loader)
    assert [next(it), next(it)] == [0, 1]
    with pytest.raises(RuntimeError, match=r"DataLoader timed out after 0\.5 seconds"):
        next(it)


def test_dead_worker_is_reported_not_hung():
    loader = D.DataLoader(Dies(), batch_size=None, num_workers=1)
    with pytest.raises(RuntimeError, match=r"DataLoader worker \(pid\(s\) \d+\) exited unexpectedly"):
        list(loader)


def test_persistent_workers_and_prefetch():
    loader = D.DataLoader(
        WhereAmI(), batch_size=None, num_workers=2, persistent_workers=True, prefetch_factor=1
    )
    first = list(loader)
    second = list(loader)
    assert {p for p, _, _ in first} == {p for p, _, _ in second}
    assert [w for _, _, w in first] == [0, 1, 0, 1]
    stream = D.DataLoader(RangeStream(0, 6), batch_size=2, num_workers=2, persistent_workers=True)
    assert [b.tolist() for b in stream] == [b.tolist() for b in stream] == [[0, 1], [3, 4], [2], [5]]
    loader._iterator._shutdown_workers()
    stream._iterator._shutdown_workers()


def test_out_of_order_delivery_returns_everything():
    loader = D.DataLoader(Slow(), batch_size=None, num_workers=2, in_order=False)
    got = list(loader)
    assert sorted(got) == [0, 1, 2, 3] and got[-1] == 2


def test_spawn_workers_never_import_torch():
    loader = D.DataLoader(WhereAmI(), batch_size=2, num_workers=2, multiprocessing_context="spawn")
    batches = list(loader)
    pids, has_torch, _ = batches[0]
    assert has_torch.tolist() == [False, False] and os.getpid() not in pids.tolist()
    assert len(batches) == 2

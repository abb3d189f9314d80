"""utils.data in the main process against torch 2.13: datasets, samplers, collate, DataLoader."""

from __future__ import annotations

import collections
import os
import re
import warnings

import numpy as np
import pytest

import learntorch as lt
from learntorch.utils import data as D
from learntorch.utils.progress import progress

Point = collections.namedtuple("Point", ["x", "y"])


def same(a, b, torch):
    """Recursive equality of a learntorch result and a torch result: types, dtypes, values."""
    if isinstance(b, torch.Tensor):
        assert isinstance(a, lt.Tensor), type(a)
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    elif isinstance(b, dict):
        assert type(a) is type(b) and list(a) == list(b)
        for k in b:
            same(a[k], b[k], torch)
    elif isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), (type(a), type(b))
        for x, y in zip(a, b):
            same(x, y, torch)
    else:
        assert a == b


def _both(torch, fn):
    """fn(mod) for learntorch and torch, after seeding both alike."""
    lt.manual_seed(0)
    torch.manual_seed(0)
    return fn(lt), fn(torch)


# ------------------------------------------------------------------ datasets
def test_tensor_dataset_and_size_mismatch(torch):
    X, y = lt.arange(12.0).reshape(6, 2), lt.arange(6)
    ds = D.TensorDataset(X, y)
    assert len(ds) == 6
    same(ds[2], torch.utils.data.TensorDataset(torch.arange(12.0).reshape(6, 2), torch.arange(6))[2], torch)
    with pytest.raises(AssertionError) as te:
        torch.utils.data.TensorDataset(torch.zeros(3), torch.zeros(4))
    with pytest.raises(AssertionError, match=re.escape(str(te.value))):
        D.TensorDataset(lt.zeros(3), lt.zeros(4))


class Squares(D.Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if not 0 <= i < self.n:
            raise IndexError(i)
        return i * i


def test_concat_subset_add():
    cat = Squares(3) + Squares(2)
    assert isinstance(cat, D.ConcatDataset) and len(cat) == 5
    assert [cat[i] for i in range(5)] == [0, 1, 4, 0, 1] and cat[-1] == 1
    assert cat.cumulative_sizes == [3, 5]
    with pytest.raises(ValueError, match="absolute value of index should not exceed dataset length"):
        cat[-6]
    sub = D.Subset(Squares(10), [9, 3, 1])
    assert len(sub) == 3 and [sub[i] for i in range(3)] == [81, 9, 1] and sub.__getitems__([0, 2]) == [81, 1]
    with pytest.raises(AssertionError, match="datasets should not be an empty iterable"):
        D.ConcatDataset([])


@pytest.mark.parametrize("lengths", [[3, 7], [0.3, 0.3, 0.4], [0.33, 0.33, 0.34], [0.5, 0.5]])
def test_random_split_equals_torch(torch, lengths):
    def split(mod):
        parts = mod.utils.data.random_split(range(10), lengths, generator=mod.Generator().manual_seed(42))
        return [list(p.indices) for p in parts]

    assert split(lt) == split(torch)
    # with the global generator
    n = 10 if isinstance(lengths[0], int) else 11
    ours, theirs = _both(
        torch, lambda m: [list(p.indices) for p in m.utils.data.random_split(range(n), lengths)]
    )
    assert ours == theirs


def test_random_split_errors_and_warning(torch):
    with pytest.raises(
        ValueError, match="Sum of input lengths does not equal the length of the input dataset!"
    ):
        D.random_split(range(5), [2, 2])
    with pytest.warns(UserWarning, match="Length of split at index 1 is 0"):
        D.random_split(range(2), [1.0, 0.0])
    with pytest.raises(ValueError, match="Fraction at index 0 is not between 0 and 1"):
        D.random_split(range(2), [-0.5, 1.5])


# ------------------------------------------------------------------ collate
COLLATE_CASES = {
    "ints": lambda m: [1, 2, 3],
    "floats": lambda m: [1.5, 2.0],
    "bools": lambda m: [True, False],
    "strings": lambda m: ["a", "b"],
    "tensors": lambda m: [m.ones(2, 3), m.zeros(2, 3)],
    "int tensors": lambda m: [m.tensor(1), m.tensor(2)],
    "numpy": lambda m: [np.ones((2,), np.float32), np.zeros((2,), np.float32)],
    "numpy int64": lambda m: [np.arange(3), np.arange(3)],
    "numpy scalars": lambda m: [np.float64(1.5), np.float64(2.5)],
    "numpy float32 scalars": lambda m: [np.float32(1.5), np.float32(2.5)],
    "tuples": lambda m: [(m.ones(2), 1, "x"), (m.zeros(2), 2, "y")],
    "lists": lambda m: [[1, 2.0], [3, 4.0]],
    "dicts": lambda m: [{"img": m.ones(2), "label": 0}, {"img": m.zeros(2), "label": 1}],
    "namedtuples": lambda m: [Point(1, m.ones(1)), Point(2, m.zeros(1))],
    "nested": lambda m: [
        {"a": [(1, 2.0)], "b": {"c": np.ones(1)}},
        {"a": [(3, 4.0)], "b": {"c": np.zeros(1)}},
    ],
}


@pytest.mark.parametrize("case", list(COLLATE_CASES))
def test_default_collate_equals_torch(torch, case):
    from torch.utils.data import default_collate as tcollate

    make = COLLATE_CASES[case]
    same(D.default_collate(make(lt)), tcollate(make(torch)), torch)


def test_default_convert_equals_torch(torch):
    from torch.utils.data import default_convert as tconvert

    def sample(m):
        return {"x": np.arange(3), "y": (np.float32(2), "s", [np.ones(2)]), "z": Point(np.int64(1), 2.0)}

    same(D.default_convert(sample(lt)), tconvert(sample(torch)), torch)


def test_collate_errors(torch):
    from torch.utils.data import default_collate as tcollate

    for batch in ([object(), object()], [np.array(["a"]), np.array(["b"])]):
        with pytest.raises(TypeError) as te:
            tcollate(batch)
        with pytest.raises(TypeError, match=re.escape(str(te.value))):
            D.default_collate(batch)
    with pytest.raises(RuntimeError, match="each element in list of batch should be of equal size"):
        D.default_collate([[1, 2], [1]])
    for batch in ([lt.ones(2), lt.ones(3)], [np.ones(2), np.ones(3)]):  # samples of different lengths
        tbatch = [torch.as_tensor(np.asarray(b)) for b in batch]
        with pytest.raises(RuntimeError) as te:
            tcollate(tbatch)
        with pytest.raises(RuntimeError, match=re.escape(str(te.value))):
            D.default_collate(batch)


def test_collate_keeps_graph_for_grad_tensors():
    a = lt.ones(2, requires_grad=True)
    batch = D.default_collate([a, a * 2])
    assert batch.requires_grad and batch.grad_fn is not None


# ------------------------------------------------------------------ samplers
def test_sequential_and_batch_sampler(torch):
    assert list(D.SequentialSampler(range(4))) == [0, 1, 2, 3]
    for drop in (False, True):
        b = D.BatchSampler(D.SequentialSampler(range(10)), 4, drop)
        tb = torch.utils.data.BatchSampler(torch.utils.data.SequentialSampler(range(10)), 4, drop)
        assert list(b) == list(tb) and len(b) == len(tb)
    with pytest.raises(
        ValueError, match="batch_size should be a positive integer value, but got batch_size=0"
    ):
        D.BatchSampler(range(3), 0, False)
    with pytest.raises(ValueError, match="drop_last should be a boolean value, but got drop_last=1"):
        D.BatchSampler(range(3), 2, 1)


@pytest.mark.parametrize(
    "kw", [dict(), dict(replacement=True), dict(num_samples=25), dict(replacement=True, num_samples=70)]
)
def test_random_sampler_equals_torch(torch, kw):
    ours, theirs = _both(
        torch, lambda m: [list(m.utils.data.RandomSampler(range(10), **kw)) for _ in range(2)]
    )
    assert ours == theirs
    g_ours = list(D.RandomSampler(range(10), generator=lt.Generator().manual_seed(3), **kw))
    g_theirs = list(
        torch.utils.data.RandomSampler(range(10), generator=torch.Generator().manual_seed(3), **kw)
    )
    assert g_ours == g_theirs
    assert len(D.RandomSampler(range(10), **kw)) == kw.get("num_samples", 10)


def test_random_sampler_errors():
    with pytest.raises(
        ValueError, match="num_samples should be a positive integer value, but got num_samples=0"
    ):
        D.RandomSampler(range(3), num_samples=0)
    with pytest.raises(TypeError, match="replacement should be a boolean value, but got replacement=1"):
        D.RandomSampler(range(3), replacement=1)


def test_subset_and_weighted_samplers_equal_torch(torch):
    ours, theirs = _both(torch, lambda m: list(m.utils.data.SubsetRandomSampler([5, 7, 9, 11])))
    assert ours == theirs
    w = [0.1, 0.5, 2.0, 0.0, 1.0]
    ours, theirs = _both(torch, lambda m: list(m.utils.data.WeightedRandomSampler(w, 12)))
    assert ours == theirs
    ours, theirs = _both(torch, lambda m: list(m.utils.data.WeightedRandomSampler(w, 3, replacement=False)))
    assert ours == theirs
    with pytest.raises(
        ValueError, match="weights should be a 1d sequence but given weights have shape \\(1, 2\\)"
    ):
        D.WeightedRandomSampler([[1.0, 2.0]], 2)


# ------------------------------------------------------------------ DataLoader
def _tensor_ds(m, n=23):
    return m.utils.data.TensorDataset(m.arange(n * 2.0).reshape(n, 2), m.arange(n))


@pytest.mark.parametrize(
    "kw",
    [
        dict(batch_size=5),
        dict(batch_size=5, drop_last=True),
        dict(batch_size=4, shuffle=True),
        dict(batch_size=None),
        dict(batch_size=None, shuffle=True),
        dict(batch_size=6, shuffle=True, drop_last=True),
    ],
)
def test_dataloader_batches_equal_torch(torch, kw):
    def epochs(m):
        loader = m.utils.data.DataLoader(_tensor_ds(m), **kw)
        return [list(loader) for _ in range(2)], len(loader)

    (ours, n1), (theirs, n2) = _both(torch, epochs)
    assert n1 == n2 == len(ours[0])
    same(ours, theirs, torch)


def test_dataloader_generator_sampler_and_batch_sampler(torch):
    def run(m):
        ds = _tensor_ds(m, 10)
        g = m.Generator().manual_seed(7)
        a = list(m.utils.data.DataLoader(ds, batch_size=3, shuffle=True, generator=g))
        b = list(m.utils.data.DataLoader(ds, batch_size=4, sampler=[9, 0, 3, 3, 1]))
        bs = m.utils.data.BatchSampler(m.utils.data.RandomSampler(ds), 4, False)
        c = list(m.utils.data.DataLoader(ds, batch_sampler=bs))
        d = list(m.utils.data.DataLoader(ds, batch_size=2, collate_fn=lambda batch: [len(batch)]))
        return a, b, c, d

    ours, theirs = _both(torch, run)
    same(ours, theirs, torch)


class Stream(D.IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        return iter(range(self.start, self.end))

    def __len__(self):
        return self.end - self.start


class TStream:  # the same stream for torch (built lazily so this module never imports torch)
    @staticmethod
    def make(torch, start, end):
        class S(torch.utils.data.IterableDataset):
            def __iter__(self):
                return iter(range(start, end))

            def __len__(self):
                return end - start

        return S()


@pytest.mark.parametrize(
    "kw", [dict(batch_size=4), dict(batch_size=4, drop_last=True), dict(batch_size=None)]
)
def test_iterable_dataset_single_process(torch, kw):
    ours = list(D.DataLoader(Stream(0, 10), **kw))
    theirs = list(torch.utils.data.DataLoader(TStream.make(torch, 0, 10), **kw))
    same(ours, theirs, torch)
    assert len(D.DataLoader(Stream(0, 10), **kw)) == len(
        torch.utils.data.DataLoader(TStream.make(torch, 0, 10), **kw)
    )


def test_dataloader_option_errors_equal_torch(torch):
    lds, tds = _tensor_ds(lt), _tensor_ds(torch)
    cases = [
        dict(batch_size=2, batch_sampler=[[0, 1]]),
        dict(shuffle=True, batch_sampler=[[0, 1]]),
        dict(sampler=[0, 1], shuffle=True),
        dict(batch_size=None, drop_last=True),
        dict(num_workers=-1),
        dict(timeout=-1),
        dict(prefetch_factor=2),
        dict(persistent_workers=True),
        dict(multiprocessing_context="fork"),
        dict(num_workers=1, multiprocessing_context="nonsense"),
    ]
    for kw in cases:
        with pytest.raises(ValueError) as te:
            torch.utils.data.DataLoader(tds, **kw)
        with pytest.raises(ValueError, match=re.escape(str(te.value).splitlines()[0])):
            D.DataLoader(lds, **kw)
    for kw in [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])]:
        with pytest.raises(ValueError) as te:
            torch.utils.data.DataLoader(TStream.make(torch, 0, 3), **kw)
        msg = str(te.value).split(", but got")[0]
        with pytest.raises(ValueError, match=re.escape(msg)):
            D.DataLoader(Stream(0, 3), **kw)
    loader = D.DataLoader(lds)
    with pytest.raises(
        ValueError, match="batch_size attribute should not be set after DataLoader is initialized"
    ):
        loader.batch_size = 3


def test_pin_memory_without_gpu_warns_and_is_noop(torch):
    if lt.cuda.is_available():
        pytest.skip("has a GPU")
    with pytest.warns(UserWarning, match="'pin_memory' argument is set as true but no accelerator is found"):
        batches = list(D.DataLoader(_tensor_ds(lt, 4), batch_size=2, pin_memory=True))
    assert len(batches) == 2


def test_len_warning_for_iterable_that_overruns():
    class Liar(D.IterableDataset):
        def __iter__(self):
            return iter(range(5))

        def __len__(self):
            return 3

    loader = D.DataLoader(Liar(), batch_size=None)
    assert len(loader) == 3
    with pytest.warns(UserWarning, match="Length of IterableDataset .* was reported to be 3"):
        list(loader)


# ------------------------------------------------------------------ the notes' examples
def test_note_000_tensor_dataset_loop(torch):
    def note(torch):
        X = torch.randn(100, 10)
        y = torch.randint(0, 2, (100,))
        ds = torch.utils.data.TensorDataset(X, y)
        loader = torch.utils.data.DataLoader(ds, batch_size=10, shuffle=True)
        out = []
        for batch_idx, (data, target) in enumerate(loader):
            out.append((batch_idx, data, target))
        return out

    ours, theirs = _both(torch, note)
    assert len(ours) == 10
    same(ours, theirs, torch)


class _MiniPandas:
    """pd.read_csv + .iloc for the note's dataset when pandas is not installed."""

    class _Frame:
        def __init__(self, rows):
            self.rows = rows
            self.iloc = self

        def __len__(self):
            return len(self.rows)

        def __getitem__(self, key):
            r, c = key
            value = self.rows[r][c]
            return int(value) if value.lstrip("-").isdigit() else value

    def read_csv(self, path):
        import csv

        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        return self._Frame(rows[1:])


NOTE_000_DATASET = '''
class MyCustomDataset(Dataset):
    def __init__(self, csv_file, root_dir, transform=None):
        """
        csv_file (string): 文件路径，包括标签和图像信息。
        root_dir (string): 图像所在的目录。
        transform (callable, optional): 可选的图片转换(自定义或PyTorch中的)操作来增强数据。
        """
        self.annotations = pd.read_csv(csv_file)
        self.root_dir = root_dir
        self.transform = transform

    def __len__(self):
        return len(self.annotations)

    def __getitem__(self, index):
        img_path = os.path.join(self.root_dir, self.annotations.iloc[index, 0])
        image = Image.open(img_path)
        label = self.annotations.iloc[index, 1]

        if self.transform:
            image = self.transform(image)

        return (image, label)
'''


def test_note_000_csv_and_images_dataset(torch, tmp_path):
    Image = pytest.importorskip("PIL.Image")
    try:
        import pandas as pd
    except ImportError:
        pd = _MiniPandas()
    rng = np.random.default_rng(0)
    rows = ["file,label"]
    for i in range(5):
        Image.fromarray(rng.integers(0, 256, (4, 3, 3), dtype=np.uint8)).save(tmp_path / f"img{i}.png")
        rows.append(f"img{i}.png,{i % 2}")
    (tmp_path / "labels.csv").write_text("\n".join(rows) + "\n")

    def to_tensor(mod):  # a minimal ToTensor: HWC uint8 -> CHW float in [0, 1]
        return lambda img: mod.tensor(np.asarray(img, dtype=np.float32) / 255).permute(2, 0, 1)

    def run(mod):
        ns = {"Dataset": mod.utils.data.Dataset, "pd": pd, "Image": Image, "os": os, "torch": mod}
        exec(NOTE_000_DATASET, ns)
        MyCustomDataset, DataLoader = ns["MyCustomDataset"], mod.utils.data.DataLoader
        csv_file, root_dir = str(tmp_path / "labels.csv"), str(tmp_path)
        custom_dataset = MyCustomDataset(csv_file, root_dir, transform=to_tensor(mod))
        dataloader = DataLoader(custom_dataset, batch_size=2, shuffle=True)
        seen = []
        for inputs, labels in dataloader:
            seen.append((inputs, labels))
        # without a transform the samples are PIL images, which default_collate refuses (in torch too)
        raw = DataLoader(MyCustomDataset(csv_file, root_dir), batch_size=2)
        with pytest.raises(TypeError, match="default_collate: batch must contain tensors"):
            next(iter(raw))
        return seen

    ours, theirs = _both(torch, run)
    assert [tuple(x.shape) for x, _ in ours] == [(2, 3, 4, 3), (2, 3, 4, 3), (1, 3, 4, 3)]
    same(ours, theirs, torch)


def test_note_002_custom_dataset_training_loop(torch):
    def run(torch):
        class CustomDataset(torch.utils.data.Dataset):
            def __init__(self, data, labels):
                self.data = data
                self.labels = labels

            def __len__(self):
                return len(self.data)

            def __getitem__(self, idx):
                return self.data[idx], self.labels[idx]

        data, labels = torch.randn(64, 3), torch.randn(64, 1)
        w = torch.zeros(3, 1, requires_grad=True)
        optimizer = torch.optim.Adam([w], lr=0.01)
        dataloader = torch.utils.data.DataLoader(CustomDataset(data, labels), batch_size=32, shuffle=True)
        for _epoch in range(5):
            for _batch_idx, (x_batch, y_batch) in enumerate(dataloader):
                optimizer.zero_grad()
                loss = ((x_batch @ w - y_batch) ** 2).mean()
                loss.backward()
                optimizer.step()
        return w.detach()

    ours, theirs = _both(torch, run)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


def test_note_004_samplers():
    sampler = D.RandomSampler(range(6), replacement=True, num_samples=4)
    assert len(list(sampler)) == 4 and all(0 <= i < 6 for i in sampler)
    assert list(D.BatchSampler(D.SequentialSampler(range(5)), batch_size=2, drop_last=True)) == [
        [0, 1],
        [2, 3],
    ]


# ------------------------------------------------------------------ progress
def test_progress_helper(capsys, monkeypatch):
    import io

    buf = io.StringIO()
    assert list(progress(range(3), desc="epoch", file=buf)) == [0, 1, 2]
    assert "epoch" in buf.getvalue() and "3/3" in buf.getvalue()
    r = range(3)
    assert progress(r, disable=True) is r
    monkeypatch.setenv("LEARNTORCH_NO_PROGRESS", "1")
    assert progress(r) is r
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert list(progress(iter([1, 2]), total=2, disable=True)) == [1, 2]

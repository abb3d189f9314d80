"""``learntorch.utils.data``: datasets, samplers and the DataLoader, shaped like ``torch.utils.data``.

>>> import learntorch as torch
>>> from learntorch.utils.data import DataLoader, TensorDataset
>>> X, y = torch.zeros(100, 10), torch.zeros(100, dtype=torch.int64)
>>> loader = DataLoader(TensorDataset(X, y), batch_size=10, shuffle=True)
>>> len(loader)
10
>>> data, target = next(iter(loader))
>>> data.shape, target.shape
(torch.Size([10, 10]), torch.Size([10]))
"""

from ._worker import WorkerInfo, get_worker_info
from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import (
    ChainDataset,
    ConcatDataset,
    Dataset,
    IterableDataset,
    Subset,
    TensorDataset,
    random_split,
)
from .sampler import (
    BatchSampler,
    RandomSampler,
    Sampler,
    SequentialSampler,
    SubsetRandomSampler,
    WeightedRandomSampler,
)

__all__ = [
    "Dataset",
    "IterableDataset",
    "TensorDataset",
    "ConcatDataset",
    "ChainDataset",
    "Subset",
    "random_split",
    "Sampler",
    "SequentialSampler",
    "RandomSampler",
    "SubsetRandomSampler",
    "WeightedRandomSampler",
    "BatchSampler",
    "DataLoader",
    "get_worker_info",
    "WorkerInfo",
    "default_collate",
    "default_convert",
]

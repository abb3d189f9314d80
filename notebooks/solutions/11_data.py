"""Solutions of chapter 11 · Datasets and DataLoaders."""

# %% exercise:1
class Squares(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return i, i * i

# %% exercise:2
def pad_collate(batch):
    lengths = torch.tensor([len(seq) for seq, _ in batch])
    padded = torch.zeros(len(batch), int(lengths.max()), dtype=torch.int64)
    for k, (seq, _) in enumerate(batch):
        padded[k, : len(seq)] = seq
    labels = torch.tensor([label for _, label in batch])
    return padded, lengths, labels

# %% exercise:3
class EveryOther(IterableDataset):
    def __init__(self, start, end):
        self.start, self.end = start, end

    def __iter__(self):
        info = get_worker_info()
        if info is None:
            return iter(range(self.start, self.end))
        return iter(range(self.start + info.id, self.end, info.num_workers))

"""DataLoader throughput (samples/s), learntorch next to torch, with 0 and 2 workers.

Run: ``.venv/bin/python benchmarks/bench_data.py``. The dataset mimics a small image
dataset: each sample is a 3x32x32 float32 image made by some NumPy work plus an int label.
"""

from __future__ import annotations

import sys
import time

import numpy as np


def make_dataset(mod, n):
    base = mod.utils.data.Dataset

    class Images(base):
        def __len__(self):
            return n

        def __getitem__(self, i):
            img = np.full((3, 32, 32), i % 255, dtype=np.float32) / 255.0
            return mod.from_numpy(img), i % 10

    return Images()


def throughput(mod, workers, n=4096, batch_size=64, repeats=2):
    ds = make_dataset(mod, n)
    loader = mod.utils.data.DataLoader(ds, batch_size=batch_size, shuffle=True, num_workers=workers)
    best = 0.0
    for _ in range(repeats):
        t0 = time.perf_counter()
        count = sum(x.shape[0] for x, _ in loader)
        best = max(best, count / (time.perf_counter() - t0))
    return best


def main() -> None:
    import learntorch

    mods = [("learntorch", learntorch)]
    try:
        import torch

        torch.set_num_threads(1)
        mods.append(("torch", torch))
    except ImportError:
        print("torch not installed: learntorch only", file=sys.stderr)
    print(f"{'library':<12}{'workers':>8}{'samples/s':>14}")
    for name, mod in mods:
        for workers in (0, 2):
            print(f"{name:<12}{workers:>8}{throughput(mod, workers):>14,.0f}")


if __name__ == "__main__":
    main()

"""Time one training step of small nets in learntorch vs PyTorch on CPU; report ratio and peak memory.

* MLP: 784-256-10, batch 256, cross-entropy, plain SGD update.
* LeNet-5: (1, 28, 28) input, batch 64 (needs nn.Conv2d / nn.MaxPool2d; skipped if absent).

Peak memory is tracemalloc's peak of Python-visible allocations during the steps (NumPy
arrays are tracked; PyTorch's C++ allocator is not, so torch's column shows only its
Python-side overhead) plus the process max RSS from ``resource``.

Run: ``.venv/bin/python benchmarks/bench_nn.py [--steps N] [--threads T]``
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np


def mlp(nn):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


def lenet(nn):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10),
    )  # fmt: skip


def step_fn(lib, model, x, y, lr=0.1):
    loss_fn = lib.nn.CrossEntropyLoss()
    params = list(model.parameters())

    def step():
        loss = loss_fn(model(x), y)
        for p in params:
            p.grad = None
        loss.backward()
        with lib.no_grad():
            for p in params:
                p -= lr * p.grad
        return loss

    return step


def measure(step, steps: int) -> tuple[float, float]:
    step()  # warm-up
    tracemalloc.start()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    dt = (time.perf_counter() - t0) / steps
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return dt, peak / 2**20


def run(name: str, build, shape, batch: int, steps: int) -> None:
    import torch  # noqa: PLC0415 - the oracle, only for the comparison

    import learntorch as lt  # noqa: PLC0415
    import learntorch.nn  # noqa: F401, PLC0415

    rng = np.random.default_rng(0)
    xs = rng.standard_normal((batch, *shape)).astype(np.float32)
    ys = rng.integers(0, 10, batch)
    results = {}
    for lib in (lt, torch):
        lib.manual_seed(0)
        try:
            model = build(lib.nn)
        except AttributeError as e:
            print(f"{name}: skipped ({e})")
            return
        step = step_fn(lib, model, lib.tensor(xs), lib.tensor(ys))
        results[lib.__name__] = measure(step, steps)
    (tl, ml), (tt, mt) = results["learntorch"], results["torch"]
    print(
        f"{name:8s} learntorch {tl * 1e3:8.2f} ms/step  torch {tt * 1e3:8.2f} ms/step  ratio {tl / tt:5.2f}x  "
        f"peak traced MiB: learntorch {ml:7.2f}  torch {mt:6.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument(
        "--threads", type=int, default=1, help="torch intra-op threads (numpy's BLAS: set OMP_NUM_THREADS)"
    )
    args = ap.parse_args()
    import torch  # noqa: PLC0415

    torch.set_num_threads(args.threads)
    run("MLP", mlp, (1, 28, 28), 256, args.steps)
    run("LeNet-5", lenet, (1, 28, 28), 64, args.steps)
    print(f"process max RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

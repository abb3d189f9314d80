"""Core speed, learntorch vs torch on CPU (a script, not a test).

Two workloads, each forward + backward:

* chain: an elementwise-and-reduction chain on 1M float32 elements,
  ``((x * w + b).tanh() * x).exp().mean() + (x - w).pow(2).sum()``;
* matmul: ``(A @ B).sum()`` for 1024x1024 float32 matrices;
* small: the same chain on 100 elements, which measures the fixed cost per op.

Run:  python benchmarks/bench_core.py [--repeat N]
"""

from __future__ import annotations

import argparse
import time
from typing import Any, Callable

import numpy as np


def chain(lib: Any, x: Any, w: Any, b: Any) -> Any:
    return ((x * w + b).tanh() * x).exp().mean() + (x - w).pow(2).sum()


def matmul(lib: Any, a: Any, b: Any) -> Any:
    return (a @ b).sum()


def make_inputs(lib: Any, arrays: list[np.ndarray]) -> list[Any]:
    return [lib.tensor(a, requires_grad=True) for a in arrays]


def best_time(step: Callable[[], None], repeat: int) -> float:
    step()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return min(times)


def run(repeat: int) -> list[tuple[str, float, float]]:
    import learntorch

    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None

    rng = np.random.default_rng(0)
    n = 1_000_000
    chain_arrays = [rng.standard_normal(n, dtype=np.float32) * 0.1 for _ in range(3)]
    small_arrays = [rng.standard_normal(100, dtype=np.float32) * 0.1 for _ in range(3)]
    mat_arrays = [rng.standard_normal((1024, 1024), dtype=np.float32) for _ in range(2)]
    workloads = [
        ("chain fwd+bwd, 1M elements", chain, chain_arrays, repeat),
        ("matmul fwd+bwd, 1024x1024", matmul, mat_arrays, repeat),
        ("chain fwd+bwd, 100 elements", chain, small_arrays, repeat * 20),
    ]
    rows = []
    for name, fn, arrays, reps in workloads:
        timings = []
        for lib in (learntorch, torch):
            if lib is None:
                timings.append(float("nan"))
                continue
            inputs = make_inputs(lib, arrays)

            def step(lib: Any = lib, inputs: list = inputs, fn: Callable = fn) -> None:
                for t in inputs:
                    t.grad = None
                fn(lib, *inputs).backward()

            timings.append(best_time(step, reps))
        rows.append((name, timings[0], timings[1]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = run(args.repeat)
    print(f"{'workload':32s} {'learntorch':>12s} {'torch':>12s} {'ratio':>8s}")
    for name, ours, theirs in rows:
        print(f"{name:32s} {ours * 1e3:10.2f}ms {theirs * 1e3:10.2f}ms {ours / theirs:7.1f}x")
    print("(best of N runs; torch limited to 1 thread; ratio = learntorch / torch)")


if __name__ == "__main__":
    main()

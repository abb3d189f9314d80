"""learntorch on CuPy against torch on CUDA: a 4096² matmul and an elementwise chain, with backward.

Run on a machine with an NVIDIA GPU, CuPy and (for the ratio) a CUDA build of torch:

    python benchmarks/bench_gpu.py [--repeat 20]

Each case is timed after warm-up with the GPU synchronised before the clock is read;
the table reports the median time per step and the ratio learntorch / torch.
Without a GPU it says so and exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any, Callable

import learntorch as lt


def _timeit(step: Callable[[], Any], sync: Callable[[], None], repeat: int) -> float:
    for _ in range(3):
        step()
    sync()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        step()
        sync()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _cases(T: Any, device: str) -> dict[str, Callable[[], Any]]:
    T.manual_seed(0)
    a = T.randn(4096, 4096, device=device)
    b = T.randn(4096, 4096, device=device)
    ag = a.clone().requires_grad_(True)
    x = T.randn(4_000_000, device=device)
    xg = x.clone().requires_grad_(True)

    def matmul() -> Any:
        return a @ b

    def matmul_backward() -> Any:
        ag.grad = None
        (ag @ b).sum().backward()

    def chain() -> Any:
        return ((x * 2 + 1).tanh() * x.sigmoid()).exp().sum()

    def chain_backward() -> Any:
        xg.grad = None
        ((xg * 2 + 1).tanh() * xg.sigmoid()).exp().sum().backward()

    return {
        "matmul 4096² (fp32)": matmul,
        "matmul 4096² + backward": matmul_backward,
        "elementwise chain 4M": chain,
        "elementwise chain 4M + backward": chain_backward,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if not lt.cuda.is_available():
        print("no GPU visible to learntorch (CuPy + NVIDIA GPU needed); nothing to time")
        return
    print(f"device: {lt.cuda.get_device_name()}")
    ours = {k: _timeit(f, lt.cuda.synchronize, args.repeat) for k, f in _cases(lt, "cuda").items()}
    theirs: dict[str, float] = {}
    try:
        import torch  # noqa: PLC0415 - optional oracle

        if torch.cuda.is_available():
            theirs = {
                k: _timeit(f, torch.cuda.synchronize, args.repeat) for k, f in _cases(torch, "cuda").items()
            }
    except ImportError:
        pass
    print(f"{'case':34s} {'learntorch ms':>14s} {'torch ms':>10s} {'ratio':>7s}")
    for k, t in ours.items():
        if k in theirs:
            print(f"{k:34s} {t * 1e3:14.3f} {theirs[k] * 1e3:10.3f} {t / theirs[k]:7.2f}")
        else:
            print(f"{k:34s} {t * 1e3:14.3f} {'-':>10s} {'-':>7s}")


if __name__ == "__main__":
    main()

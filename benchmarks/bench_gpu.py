"""learntorch on CuPy against torch on CUDA: matmul, an elementwise chain, an MLP and a ResNet-18 training step.

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


def _resnet18(T: Any) -> Any:
    """ResNet-18 (torchvision's layout, 10 classes) written with the shared nn API, so both libraries build it."""
    nn = T.nn

    class Block(nn.Module):
        def __init__(self, cin: int, cout: int, stride: int) -> None:
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.down = (
                nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
                if stride != 1 or cin != cout
                else nn.Identity()
            )

        def forward(self, x: Any) -> Any:
            y = self.bn1(self.conv1(x)).relu()
            return (self.bn2(self.conv2(y)) + self.down(x)).relu()

    layers: list[Any] = [
        nn.Conv2d(3, 64, 7, 2, 3, bias=False),
        nn.BatchNorm2d(64),
        nn.ReLU(),
        nn.MaxPool2d(3, 2, 1),
    ]
    cin = 64
    for cout, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
        layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
        cin = cout
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 10)]
    return nn.Sequential(*layers)


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

    mlp = T.nn.Sequential(T.nn.Flatten(), T.nn.Linear(784, 256), T.nn.ReLU(), T.nn.Linear(256, 10)).to(device)
    mlp_opt = T.optim.SGD(mlp.parameters(), lr=0.1)
    xb = T.randn(256, 1, 28, 28, device=device)
    yb = T.randint(0, 10, (256,), device=device)

    def mlp_step() -> Any:
        mlp_opt.zero_grad()
        T.nn.functional.cross_entropy(mlp(xb), yb).backward()
        mlp_opt.step()

    resnet = _resnet18(T).to(device)
    res_opt = T.optim.SGD(resnet.parameters(), lr=0.01, momentum=0.9)
    xr = T.randn(32, 3, 64, 64, device=device)
    yr = T.randint(0, 10, (32,), device=device)

    def resnet_step() -> Any:
        res_opt.zero_grad()
        T.nn.functional.cross_entropy(resnet(xr), yr).backward()
        res_opt.step()

    return {
        "MLP 784-256-10 step, batch 256": mlp_step,
        "ResNet-18 step, batch 32, 64×64": resnet_step,
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

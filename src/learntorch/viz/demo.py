"""``learntorch demo``: train a small CNN headless and write pictures of it.

No notebook and no download: the data are scikit-learn's bundled 8x8 handwritten
digits (1,797 images; without scikit-learn, learntorch makes look-alike digits
itself). A two-block CNN trains for a few epochs with a progress bar; then the
output folder gets

* ``curves.png``: train loss, train accuracy and test accuracy per epoch (saved by
  ``train(..., save=)``, which also returns the numbers);
* ``graph.svg`` / ``graph.png``: the autograd graph of the loss of one batch, with
  gradients and a legend explaining the notation;
* ``summary.txt`` / ``summary.html``: the layer table (shapes, kernel sizes,
  parameters and their share, mult-adds, torchinfo's memory estimate), the HTML styled;
* ``gradients.txt`` / ``gradients.png``: the gradient inspector's figures, the rules
  it applied with their thresholds, its findings, and its history.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["run_demo", "load_digits"]


def load_digits(seed: int = 0) -> tuple[np.ndarray, np.ndarray, str]:
    """Images ``(N, 1, 8, 8)`` float32 in [0, 1], labels int64, and where they came from."""
    try:
        from sklearn.datasets import load_digits as sk_digits  # noqa: PLC0415

        d = sk_digits()
        X = (d.images / 16.0).astype(np.float32)[:, None]
        return X, d.target.astype(np.int64), "scikit-learn's bundled 8x8 digits"
    except ImportError:
        return (
            *_synthetic_digits(seed),
            "synthetic 8x8 digits made by learntorch (scikit-learn not installed)",
        )


def _synthetic_digits(seed: int, n: int = 1800) -> tuple[np.ndarray, np.ndarray]:
    """Ten fixed stroke patterns, shifted by a pixel and blurred with noise."""
    rng = np.random.default_rng(seed)
    protos = np.zeros((10, 10, 10), np.float32)
    for k in range(10):
        for _ in range(3):  # three random strokes per class
            r0, c0 = rng.integers(1, 9, size=2)
            dr, dc = rng.integers(-1, 2, size=2)
            for s in range(6):
                r, c = r0 + dr * s, c0 + dc * s
                if 0 <= r < 10 and 0 <= c < 10:
                    protos[k, r, c] = 1.0
    y = rng.integers(0, 10, size=n)
    shifts = rng.integers(0, 3, size=(n, 2))
    X = np.stack([protos[k, a : a + 8, b : b + 8] for k, (a, b) in zip(y, shifts)])
    X = np.clip(X + rng.normal(0, 0.15, X.shape), 0, 1).astype(np.float32)
    return X[:, None], y.astype(np.int64)


def build_model() -> Any:
    """The demo CNN: conv-relu-pool twice, then one linear layer (8x8 in, 10 classes out)."""
    from .. import nn  # noqa: PLC0415

    return nn.Sequential(
        nn.Conv2d(1, 8, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, kernel_size=3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 2 * 2, 10),
    )


def run_demo(
    out: str | Path = "learntorch-demo",
    epochs: int = 3,
    batch_size: int = 64,
    lr: float = 0.1,
    seed: int = 0,
    progress: bool = True,
) -> dict[str, Path]:
    """Train the demo CNN on 8x8 digits and write curves, graph, summary and gradient report to ``out``.

    Returns ``{"curves": path, "graph": ..., "graph_png": ..., "summary": ..., "summary_html": ...,
    "gradients": ..., "gradients_png": ...}`` and prints the paths.
    """
    import learntorch as torch  # noqa: PLC0415

    from .. import nn  # noqa: PLC0415
    from ..utils.data import DataLoader, TensorDataset  # noqa: PLC0415
    from .grads import GradientInspector  # noqa: PLC0415
    from .graph import graph_of  # noqa: PLC0415
    from .live import Animator  # noqa: PLC0415
    from .summary import summary  # noqa: PLC0415
    from .train import train  # noqa: PLC0415

    start = time.perf_counter()
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(seed)
    X, y, source = load_digits(seed)
    order = np.random.default_rng(seed).permutation(len(X))
    n_test = len(X) // 6
    test_idx, train_idx = order[:n_test], order[n_test:]
    Xt, yt = torch.from_numpy(X[train_idx].copy()), torch.from_numpy(y[train_idx].copy())
    Xv, yv = torch.from_numpy(X[test_idx].copy()), torch.from_numpy(y[test_idx].copy())
    train_iter = DataLoader(TensorDataset(Xt, yt), batch_size=batch_size, shuffle=True)
    test_iter = DataLoader(TensorDataset(Xv, yv), batch_size=256)
    print(f"data: {source}: {len(train_idx)} training and {len(test_idx)} test images of 8x8 pixels")

    net = build_model()
    loss = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    inspector = GradientInspector(net, optimizer)
    animator = Animator(
        xlabel="epoch", xlim=[1, epochs], legend=["train loss", "train acc", "test acc"], headless=True
    )
    history = train(
        net,
        train_iter,
        test_iter,
        epochs,
        loss=loss,
        optimizer=optimizer,
        progress=progress,
        inspector=inspector,
        animator=animator,
        save=str(folder / "curves.png"),
    )
    inspector.remove()

    paths: dict[str, Path] = {"curves": folder / "curves.png"}
    print(history)
    # the graph of one batch's loss, drawn after backward so the gradients show
    g = graph_of(net, Xv[:8], loss_fn=loss, target=yv[:8], collapse=False)
    net.zero_grad()
    loss(net(Xv[:8]), yv[:8]).backward()
    paths["graph"] = g.save(folder / "graph.svg")
    paths["graph_png"] = g.save(folder / "graph.png")
    s = summary(
        net, input_size=(batch_size, 1, 8, 8), verbose=0,
        col_names=("kernel_size", "output_size", "num_params", "params_percent", "mult_adds"),
    )  # fmt: skip
    paths["summary"] = Path(s.save(str(folder / "summary.txt")))
    paths["summary_html"] = Path(s.save(str(folder / "summary.html")))
    report = inspector.report()
    paths["gradients"] = folder / "gradients.txt"
    paths["gradients"].write_text(str(report) + "\n", encoding="utf-8")
    paths["gradients_png"] = Path(inspector.plot().save(str(folder / "gradients.png")))
    print(f"done in {time.perf_counter() - start:.1f} s; wrote:")
    for key, p in paths.items():
        print(f"  {key:<13} {p}")
    return paths

"""Redraw time per control change of OptimizerExplorer, BackwardStepper, LayerExplorer, AttentionExplorer.

One "control change" is what a slider, dropdown or button does: ``explorer.update(...)``,
which recomputes with learntorch and re-encodes the PNG the widget shows. Each change is
timed at default sizes (the explorer displayed, as in a notebook) and the median and
max over the repeats are printed, wall-clock and CPU (``time.process_time``; on a shared
machine the wall time also counts waiting for a core). Target: < 150 ms per change.

A new landscape (OptimizerExplorer) and "train 10 steps" (LayerExplorer) are listed
apart: they do more than redraw (a new contour grid; ten training steps).

Run: ``.venv/bin/python benchmarks/bench_widgets_b.py [--repeats N]``
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import matplotlib

matplotlib.use("Agg")


def cases() -> list[tuple[str, Any, list[dict]]]:
    from learntorch.widgets import AttentionExplorer, BackwardStepper, LayerExplorer, OptimizerExplorer

    return [
        ("OptimizerExplorer lr", OptimizerExplorer, [{"lr": 0.3}, {"lr": 0.2}]),
        ("OptimizerExplorer steps", OptimizerExplorer, [{"steps": 30}, {"steps": 40}]),
        ("OptimizerExplorer frame (replay)", OptimizerExplorer, [{"frame": 10}, {"frame": 20}]),
        (
            "OptimizerExplorer landscape (new grid)",
            OptimizerExplorer,
            [{"landscape": "Rosenbrock: (1−x)² + 100(y−x²)²"}, {"landscape": "ravine: 0.1x² + 2y²"}],
        ),
        ("BackwardStepper step", BackwardStepper, [{"step": 3}, {"step": 1}]),
        ("LayerExplorer layer", LayerExplorer, [{"layer": "4"}, {"layer": "0"}]),
        ("LayerExplorer train 10 steps", LayerExplorer, [{"trained": None}]),
        ("AttentionExplorer temperature", AttentionExplorer, [{"temperature": 0.5}, {"temperature": 2.0}]),
        ("AttentionExplorer scoring", AttentionExplorer, [{"scoring": "additive"}, {"scoring": "dot"}]),
        ("AttentionExplorer mask", AttentionExplorer, [{"mask": "causal"}, {"mask": "none"}]),
    ]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    print(f"{'control change':<40}{'wall median':>12}{'wall max':>10}{'cpu median':>12}")
    for name, cls, changes in cases():
        ex = cls()
        ex.widget()  # displayed: the redraw also sets the Image widget's value
        walls, cpus = [], []
        for _ in range(args.repeats):
            for change in changes:
                if change.get("trained", 0) is None:
                    change = {"trained": ex.trained + 10}
                w0, c0 = time.perf_counter(), time.process_time()
                ex.update(**change)
                walls.append(time.perf_counter() - w0)
                cpus.append(time.process_time() - c0)
                assert ex.error is None, ex.error
        print(
            f"{name:<40}{statistics.median(walls) * 1e3:>10.0f}ms{max(walls) * 1e3:>8.0f}ms"
            f"{statistics.median(cpus) * 1e3:>10.0f}ms"
        )


if __name__ == "__main__":
    main()

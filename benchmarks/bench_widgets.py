"""Time a control change -> redraw for each explorer at its default size (target: < 150 ms).

A "redraw" is what a slider move costs in the kernel: ``update(**change)`` recomputes
the state on the engine, renders the picture and sets it on the live Image widget (the
widget is built first, as in a notebook). Each change is applied alternately with its
opposite so every call really redraws. Reports median and 90th percentile per explorer.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/bench_widgets.py [--repeat N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

# explorer name -> (constructor, [(change, back)])
CASES = {
    "ConvExplorer": ("ConvExplorer", [({"step": 5}, {"step": 6}), ({"stride": 2}, {"stride": 1}),
                                      ({"padding": 1}, {"padding": 0}), ({"preset": "blur"}, {"preset": "edge"})]),
    "PoolExplorer": ("PoolExplorer", [({"step": 1}, {"step": 2}), ({"mode": "avg"}, {"mode": "max"}),
                                      ({"ceil_mode": False}, {"ceil_mode": True})]),
    "ActivationExplorer": ("ActivationExplorer", [({"x0": 1.0}, {"x0": 4.0}), ({"name": "ReLU"}, {"name": "Tanh"}),
                                                  ({"mean": 1.0}, {"mean": 0.0})]),
    "BroadcastExplorer": ("BroadcastExplorer", [({"shape_a": (2, 1, 3)}, {"shape_a": (3, 1)}),
                                                ({"shape_b": (2,)}, {"shape_b": (4,)})]),
    "ViewExplorer": ("ViewExplorer", [({"chain": "arange(12).view(3, 4).t().reshape(12)"},
                                       {"chain": "arange(12).view(3, 4).t()"})]),
}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=10, help="redraws per change and direction")
    args = ap.parse_args()
    from learntorch import widgets

    print(
        f"{'explorer':<20} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}  (load avg {os.getloadavg()[0]:.1f})"
    )
    worst = 0.0
    for name, (cls, changes) in CASES.items():
        ex = getattr(widgets, cls)()
        ex.widget()
        for change, back in changes:  # warm-up: first imports, caches
            ex.update(**change)
            ex.update(**back)
        times = []
        for _ in range(args.repeat):
            for change, back in changes:
                for c in (change, back):
                    t0 = time.perf_counter()
                    ex.update(**c)
                    times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p90 = times[int(0.9 * (len(times) - 1))]
        med = statistics.median(times)
        worst = max(worst, med)
        print(f"{name:<20} {med:>10.1f} {p90:>8.1f} {times[-1]:>8.1f}")
    print(f"slowest median: {worst:.1f} ms (target < 150 ms)")


if __name__ == "__main__":
    main()

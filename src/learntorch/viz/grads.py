"""``GradientInspector``: watch gradients, weights and activations layer by layer.

Training can fail silently: the loss creeps down while early layers learn
nothing (vanishing gradients), or jumps to ``nan`` (exploding gradients), or
half the ReLUs stop firing for good (dying ReLUs, note 000 §3.6). The inspector
records, at every optimiser step and for every layer that has parameters:

* ``grad_norm``: the L2 norm of the layer's parameter gradients;
* ``weight_norm``: the L2 norm of its parameters after the step;
* ``update_ratio``: ``|change of the parameters| / |parameters before|`` for the
  step (about 1e-3 is healthy; much larger means a learning rate too high, much
  smaller means the layer barely moves);

and, through forward hooks on every leaf module, the mean and std of its output,
for ``ReLU`` modules the fraction of *dead* units (units that output 0 for every
sample of the batch), and for ``Tanh``/``Sigmoid`` the fraction *saturated*
(where the derivative is below 0.02: ``tanh`` at ``x = 4`` has slope 0.0013).

Use it by wrapping the optimiser, or call :meth:`GradientInspector.step` after
each ``optimizer.step()``:

>>> import learntorch as torch
>>> from learntorch import nn, viz  # doctest: +SKIP
>>> insp = viz.GradientInspector(model, optimizer)  # doctest: +SKIP
>>> ...train...                                   # doctest: +SKIP
>>> print(insp.report())                          # doctest: +SKIP
>>> insp.plot()                                   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .live import FigureView

__all__ = ["GradientInspector", "Report", "Issue"]

RELU_TYPES = ("ReLU", "ReLU6")
SQUASH_TYPES = ("Tanh", "Sigmoid", "Hardtanh", "Softsign")


def _np(t: Any) -> np.ndarray:
    d = getattr(t, "_data", None)
    if d is None:  # a real torch tensor
        return t.detach().cpu().numpy()
    return d if isinstance(d, np.ndarray) else d.get()


@dataclass
class Issue:
    """One finding of :meth:`GradientInspector.report`."""

    kind: str  # "vanishing" | "exploding" | "dead_relu" | "saturated" | "lr_high" | "lr_low" | "nan"
    layer: str
    message: str


@dataclass
class Report:
    """The findings in words plus a per-layer table; ``str(report)`` prints both."""

    table: str
    issues: list[Issue] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {i.kind for i in self.issues}

    def __str__(self) -> str:
        if self.issues:
            words = "\n".join(f"- {i.message}" for i in self.issues)
        else:
            words = "No problems found: gradients reach every layer at similar scales and no units are dead."
        return f"{self.table}\n\n{words}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        from html import escape  # noqa: PLC0415

        return f"<pre>{escape(str(self))}</pre>"


class GradientInspector:
    """Record gradient/weight/activation statistics per layer and step (see module docs).

    Args:
        model: the ``nn.Module`` to watch.
        optimizer: if given, its ``step`` is wrapped so recording happens by itself.
        activations: record output statistics of leaf modules through forward hooks.
    """

    def __init__(self, model: Any, optimizer: Any = None, activations: bool = True) -> None:
        self.model = model
        self.layers: dict[str, list[tuple[str, Any]]] = {}
        for name, mod in model.named_modules():
            own = [(pn, p) for pn, p in mod.named_parameters(recurse=False) if p.requires_grad]
            if own:
                self.layers[name or type(mod).__name__] = own
        self.history: list[dict[str, dict[str, dict[str, float]]]] = []
        self._acts: dict[str, dict[str, float]] = {}
        self.act_types: dict[str, str] = {}
        self._handles: list[Any] = []
        if activations:
            for name, mod in model.named_modules():
                if name and next(iter(mod.children()), None) is None:
                    self.act_types[name] = type(mod).__name__
                    self._handles.append(mod.register_forward_hook(self._act_hook(name)))
        self._before = self._snapshot()
        self.optimizer = optimizer
        self.wraps_optimizer = False
        if optimizer is not None:
            self._wrap(optimizer)

    # -- recording -----------------------------------------------------------------------
    def _snapshot(self) -> dict[str, list[np.ndarray]]:
        return {k: [_np(p).copy() for _, p in ps] for k, ps in self.layers.items()}

    def _act_hook(self, name: str) -> Any:
        typ = self.act_types[name]

        def hook(mod: Any, inputs: Any, output: Any) -> None:
            if not getattr(self.model, "training", True) or not hasattr(output, "shape"):
                return
            a = _np(output)
            if a.dtype.kind != "f" or a.size == 0:
                return
            with np.errstate(all="ignore"):
                self._acts[name] = self._stats(a, typ)

        return hook

    @staticmethod
    def _stats(a: np.ndarray, typ: str) -> dict[str, float]:
        stats = {"mean": float(a.mean()), "std": float(a.std())}
        if typ in RELU_TYPES and a.ndim >= 1:
            units = a.reshape(a.shape[0], -1) if a.ndim > 1 else a.reshape(1, -1)
            stats["dead"] = float((units == 0).all(axis=0).mean())
        if typ in SQUASH_TYPES:
            if typ == "Sigmoid":
                slope = a * (1 - a)
                stats["saturated"] = float((slope < 0.02 / 4).mean())
            elif typ == "Tanh":
                stats["saturated"] = float((1 - a * a < 0.02).mean())
            else:
                stats["saturated"] = float((np.abs(a) >= 0.99).mean())
        return stats

    def _wrap(self, optimizer: Any) -> None:
        original = optimizer.step

        def step(*args: Any, **kwargs: Any) -> Any:
            out = original(*args, **kwargs)
            self.step()
            return out

        optimizer.step = step
        self._original_step = original
        self.wraps_optimizer = True

    def step(self) -> None:
        """Record one step: call after ``optimizer.step()`` (done for you if you passed the optimiser)."""
        with np.errstate(all="ignore"):
            self._record()

    def _record(self) -> None:
        layers: dict[str, dict[str, float]] = {}
        after = self._snapshot()
        for name, ps in self.layers.items():
            g2 = 0.0
            has_grad = False
            for _, p in ps:
                if p.grad is not None:
                    has_grad = True
                    g = _np(p.grad).astype(np.float64)
                    g2 += float((g * g).sum())
            w_after = after[name]
            w_before = self._before.get(name, w_after)
            wn = float(np.sqrt(sum(float((w.astype(np.float64) ** 2).sum()) for w in w_after)))
            bn = float(np.sqrt(sum(float((w.astype(np.float64) ** 2).sum()) for w in w_before)))
            dn = float(
                np.sqrt(
                    sum(float(((a.astype(np.float64) - b) ** 2).sum()) for a, b in zip(w_after, w_before))
                )
            )
            layers[name] = {
                "grad_norm": float(np.sqrt(g2)) if has_grad else float("nan"),
                "weight_norm": wn,
                "update_ratio": dn / bn if bn > 0 else float("nan"),
            }
        self._before = after
        self.history.append({"layers": layers, "acts": dict(self._acts)})
        self._acts = {}

    def remove(self) -> None:
        """Take the hooks off the model (and unwrap the optimiser)."""
        for h in self._handles:
            h.remove()
        self._handles = []
        if self.wraps_optimizer:
            self.optimizer.step = self._original_step
            self.wraps_optimizer = False

    # -- reading -------------------------------------------------------------------------
    def series(self, metric: str, layer: str) -> list[float]:
        """One metric of one layer (or activation module) over the recorded steps."""
        out = []
        for h in self.history:
            d = h["layers"].get(layer) or h["acts"].get(layer) or {}
            out.append(d.get(metric, float("nan")))
        return out

    def latest(self, last: int = 5) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
        """Mean of each statistic over the last ``last`` steps: (layers, activations)."""
        if not self.history:
            raise RuntimeError(
                "the inspector has recorded nothing yet\n"
                "hint: call inspector.step() after optimizer.step(), or pass the optimizer to "
                "GradientInspector(model, optimizer)."
            )
        recent = self.history[-last:]

        def avg(key: str) -> dict[str, dict[str, float]]:
            out: dict[str, dict[str, float]] = {}
            for h in recent:
                for name, stats in h[key].items():
                    for k, v in stats.items():
                        out.setdefault(name, {}).setdefault(k, []).append(v)  # type: ignore[arg-type]
            return {n: {k: float(np.mean(v)) for k, v in s.items()} for n, s in out.items()}

        return avg("layers"), avg("acts")

    def report(
        self,
        last: int = 5,
        vanish_ratio: float = 1e-3,
        explode_norm: float = 1e3,
        dead_threshold: float = 0.5,
        lr_high: float = 0.1,
        lr_low: float = 1e-5,
    ) -> Report:
        """What looks wrong, in words, from the last ``last`` steps (see the module docs)."""
        layers, acts = self.latest(last)
        names = [n for n in self.layers if n in layers]
        issues: list[Issue] = []
        rows = [f"{'layer':<22}{'grad norm':>12}{'weight norm':>13}{'update/weight':>15}"]
        for n in names:
            s = layers[n]
            rows.append(f"{n:<22}{s['grad_norm']:>12.3e}{s['weight_norm']:>13.3e}{s['update_ratio']:>15.3e}")
        if acts:
            rows.append("")
            rows.append(f"{'activation':<22}{'mean':>12}{'std':>13}{'dead/saturated':>15}")
            for n, s in acts.items():
                extra = s.get("dead", s.get("saturated"))
                tail = f"{extra:>15.1%}" if extra is not None else f"{'':>15}"
                rows.append(
                    f"{n + ' (' + self.act_types.get(n, '?') + ')':<22}{s['mean']:>12.3e}{s['std']:>13.3e}{tail}"
                )
        grads = [layers[n]["grad_norm"] for n in names]
        bad = [n for n, g in zip(names, grads) if not np.isfinite(g) and not np.isnan(g)]
        nan = [n for n, g in zip(names, grads) if np.isnan(g) and self._has_grad(n)]
        if nan or bad:
            issues.append(
                Issue(
                    "nan",
                    (nan + bad)[0],
                    f"Gradients of {', '.join(nan + bad)} are nan/inf: the loss blew up. Lower the learning "
                    "rate, clip gradients (nn.utils.clip_grad_norm_), or check for log(0) / division by 0.",
                )
            )
        finite = [(n, g) for n, g in zip(names, grads) if np.isfinite(g)]
        if len(finite) >= 2:
            (n0, g0), (n1, g1) = finite[0], finite[-1]
            if g1 > 0 and g0 / g1 < vanish_ratio:
                issues.append(
                    Issue(
                        "vanishing",
                        n0,
                        f"Vanishing gradients: the first layer ({n0}) gets a gradient of norm {g0:.2e}, "
                        f"{g1 / max(g0, 1e-300):.1e} times smaller than the last layer ({n1}, {g1:.2e}). "
                        "Early layers barely learn. Use ReLU instead of sigmoid/tanh, a fitting init "
                        "(Kaiming/Xavier), BatchNorm, or residual connections.",
                    )
                )
            elif g0 > 0 and g0 / max(g1, 1e-300) > 1 / vanish_ratio:
                issues.append(
                    Issue(
                        "exploding",
                        n0,
                        f"Exploding gradients: the first layer ({n0}, norm {g0:.2e}) gets a gradient "
                        f"{g0 / max(g1, 1e-300):.1e} times larger than the last layer ({n1}, {g1:.2e}). "
                        "Use a smaller init, normalisation layers, or gradient clipping.",
                    )
                )
        big = [(n, g) for n, g in finite if g > explode_norm]
        if big and "exploding" not in {i.kind for i in issues}:
            n, g = max(big, key=lambda t: t[1])
            issues.append(
                Issue(
                    "exploding",
                    n,
                    f"Exploding gradients: {n} has a gradient of norm {g:.2e}. Lower the learning rate, "
                    "clip gradients (nn.utils.clip_grad_norm_), or normalise the inputs.",
                )
            )
        for n, s in acts.items():
            dead = s.get("dead")
            if dead is not None and dead > dead_threshold:
                issues.append(
                    Issue(
                        "dead_relu",
                        n,
                        f"Dying ReLUs: {dead:.0%} of the units of {n} output 0 for every sample in the batch; "
                        "they pass no gradient, so they stay dead. This usually follows a learning rate "
                        "that is too high; lower it, or use LeakyReLU / a Kaiming init.",
                    )
                )
            sat = s.get("saturated")
            if sat is not None and sat > dead_threshold:
                issues.append(
                    Issue(
                        "saturated",
                        n,
                        f"Saturated {self.act_types.get(n, '')}: {sat:.0%} of the outputs of {n} sit where "
                        "the curve is flat (slope below 0.02; tanh at x=4 has slope 0.0013), so almost no "
                        "gradient flows back. Scale the inputs down or use ReLU.",
                    )
                )
        ratios = [(n, layers[n]["update_ratio"]) for n in names if np.isfinite(layers[n]["update_ratio"])]
        if ratios:
            med = float(np.median([r for _, r in ratios]))
            if med > lr_high:
                n, r = max(ratios, key=lambda t: t[1])
                issues.append(
                    Issue(
                        "lr_high",
                        n,
                        f"Learning rate too high: each step changes the weights by {med:.1e} of their size "
                        f"(median over layers; {n}: {r:.1e}); about 1e-3 is healthy.",
                    )
                )
            elif med < lr_low:
                n, r = min(ratios, key=lambda t: t[1])
                issues.append(
                    Issue(
                        "lr_low",
                        n,
                        f"Weights barely move: each step changes them by {med:.1e} of their size (median "
                        f"over layers; {n}: {r:.1e}); about 1e-3 is healthy. Raise the learning rate, or "
                        "look for vanishing gradients / saturated activations.",
                    )
                )
        return Report("\n".join(rows), issues)

    def _has_grad(self, layer: str) -> bool:
        return any(p.grad is not None for _, p in self.layers[layer])

    # -- plotting ------------------------------------------------------------------------
    def plot(self, figsize: tuple[float, float] = (10, 6.5)) -> FigureView:
        """Four panels over the steps: gradient norms, update/weight ratios, activation std, dead/saturated."""
        from matplotlib.figure import Figure  # noqa: PLC0415

        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(2, 2)
        steps = list(range(1, len(self.history) + 1))
        panels = [
            (axes[0, 0], "grad_norm", list(self.layers), "gradient norm per layer", "log"),
            (axes[0, 1], "update_ratio", list(self.layers), "update / weight per step", "log"),
            (axes[1, 0], "std", list(self.act_types), "activation std", "linear"),
            (
                axes[1, 1],
                "dead",
                [n for n, t in self.act_types.items() if t in RELU_TYPES],
                "dead ReLU fraction",
                "linear",
            ),
        ]
        for ax, metric, names, title, scale in panels:
            drawn = 0
            for n in names:
                ys = self.series(metric, n)
                if any(np.isfinite(y) for y in ys):
                    ax.plot(steps, ys, label=n)
                    drawn += 1
            if metric == "dead" and drawn == 0:
                sq = [n for n, t in self.act_types.items() if t in SQUASH_TYPES]
                for n in sq:
                    ax.plot(steps, self.series("saturated", n), label=n)
                    drawn += 1
                title = "saturated fraction" if drawn else title
            if metric == "update_ratio":
                ax.axhline(1e-3, color="#999", ls="--", lw=0.8)
            ax.set_title(title, fontsize=10)
            ax.set_xlabel("step")
            if drawn and scale == "log":
                ax.set_yscale("log")
            if 0 < drawn <= 12:
                ax.legend(fontsize=7, ncol=2)
            ax.grid(True, alpha=0.3)
        return FigureView(
            fig, f"<GradientInspector plot: {len(self.history)} steps, {len(self.layers)} layers>"
        )

    def __repr__(self) -> str:
        return f"GradientInspector({len(self.layers)} layers, {len(self.act_types)} activations, {len(self.history)} steps)"

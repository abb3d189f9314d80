"""``GradientInspector``: watch gradients, weights and activations layer by layer.

Training can fail silently: the loss creeps down while early layers learn
nothing (vanishing gradients), or jumps to ``nan`` (exploding gradients), or
half the ReLUs stop firing for good (dying ReLUs, note 000 §3.6). The inspector
records, at every optimiser step and for every layer that has parameters:

* ``grad_norm``: the L2 norm of the layer's parameter gradients;
* ``weight_norm``: the L2 norm of its parameters after the step;
* ``update_ratio``: ``|change of the parameters| / |parameters before|`` for the
  step (about 1e-3 is healthy);

and, through forward hooks on every leaf module, the mean and std of its output,
for ``ReLU`` modules the fraction of *dead* units, and for ``Sigmoid``/``Tanh``/
``Softsign``/``Hardtanh`` the fraction of *saturated* inputs (``|x|`` beyond the
point where the activation's own derivative falls under 10% of its peak). The
report turns these figures into words by the rules of :mod:`._grad_rules`, each
printed with its threshold.

Use it by wrapping the optimiser, or call :meth:`GradientInspector.step` after
each ``optimizer.step()``:

>>> import learntorch as torch
>>> from learntorch import nn, viz
>>> torch.manual_seed(0)  # doctest: +ELLIPSIS
<...>
>>> net = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
>>> opt = torch.optim.SGD(net.parameters(), lr=0.1)
>>> insp = viz.GradientInspector(net, opt)
>>> net(torch.randn(4, 2)).sum().backward(); opt.step()
>>> len(insp.history), sorted(insp.history[0]["layers"])
(1, ['0', '2'])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._grad_rules import RELU_TYPES, SQUASH_TYPES, Check, Issue, Report, judge, saturation_point
from .live import FigureView

__all__ = ["GradientInspector", "Report", "Issue", "Check"]


def _np(t: Any) -> np.ndarray:
    """A host copy-or-view of a tensor's values (learntorch or torch: the same public calls)."""
    return np.asarray(t.detach().cpu().numpy())


class GradientInspector:
    """Record gradient/weight/activation statistics per layer and step (see module docs).

    Args:
        model: the ``nn.Module`` to watch.
        optimizer: if given, its ``step`` is wrapped so recording happens by itself.
        activations: record activation statistics of leaf modules through forward hooks.
        saturation_fraction: an input is saturated where the activation's slope is
            below this fraction of its peak (default 10%).
    """

    def __init__(
        self, model: Any, optimizer: Any = None, activations: bool = True, saturation_fraction: float = 0.1
    ) -> None:
        self.model = model
        self.saturation_fraction = saturation_fraction
        self.layers: dict[str, list[tuple[str, Any]]] = {}
        for name, mod in model.named_modules():
            own = [(pn, p) for pn, p in mod.named_parameters(recurse=False) if p.requires_grad]
            if own:
                self.layers[name or type(mod).__name__] = own
        self.history: list[dict[str, dict[str, dict[str, float]]]] = []
        self._acts: dict[str, dict[str, float]] = {}
        self.act_types: dict[str, str] = {}
        self.x_star: dict[str, float] = {}  # saturation point |x| > x* of each squashing module
        self._handles: list[Any] = []
        if activations:
            for name, mod in model.named_modules():
                if name and next(iter(mod.children()), None) is None:
                    typ = type(mod).__name__
                    self.act_types[name] = typ
                    if typ in SQUASH_TYPES:
                        self.x_star[name] = saturation_point(typ, saturation_fraction, mod)
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
            x = inputs[0] if isinstance(inputs, tuple) and inputs and hasattr(inputs[0], "shape") else None
            with np.errstate(all="ignore"):
                self._acts[name] = self._stats(a, typ, None if x is None else _np(x), self.x_star.get(name))

        return hook

    @staticmethod
    def _stats(a: np.ndarray, typ: str, x: np.ndarray | None, x_star: float | None) -> dict[str, float]:
        """Output mean/std; dead fraction (ReLU); saturated fraction of the inputs (squashing)."""
        stats = {"mean": float(a.mean()), "std": float(a.std())}
        if typ in RELU_TYPES and a.ndim >= 1:
            units = a.reshape(a.shape[0], -1) if a.ndim > 1 else a.reshape(1, -1)
            stats["dead"] = float((units == 0).all(axis=0).mean())
        if typ in SQUASH_TYPES and x is not None and x_star is not None:
            stats["saturated"] = float((np.abs(x) > x_star).mean())
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
            grads = [_np(p.grad).astype(np.float64) for _, p in ps if p.grad is not None]
            w_after = [w.astype(np.float64) for w in after[name]]
            w_before = [w.astype(np.float64) for w in self._before.get(name, after[name])]
            bn = float(np.sqrt(sum(float((w**2).sum()) for w in w_before)))
            dn = float(np.sqrt(sum(float(((a - b) ** 2).sum()) for a, b in zip(w_after, w_before))))
            layers[name] = {
                "grad_norm": float(np.sqrt(sum(float((g * g).sum()) for g in grads)))
                if grads
                else float("nan"),
                "weight_norm": float(np.sqrt(sum(float((w**2).sum()) for w in w_after))),
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
            out: dict[str, dict[str, list[float]]] = {}
            for h in recent:
                for name, stats in h[key].items():
                    for k, v in stats.items():
                        out.setdefault(name, {}).setdefault(k, []).append(v)
            return {n: {k: float(np.mean(v)) for k, v in s.items()} for n, s in out.items()}

        return avg("layers"), avg("acts")

    def grad_ratios(self, last: int = 5) -> dict[str, float]:
        """Gradient norm of each layer divided by that of the next layer (towards the output)."""
        layers, _ = self.latest(last)
        names = [n for n in self.layers if n in layers]
        return {a: layers[a]["grad_norm"] / layers[b]["grad_norm"] for a, b in zip(names, names[1:])}

    def report(
        self,
        last: int = 5,
        vanish_ratio: float = 1e-3,
        explode_norm: float = 1e3,
        dead_threshold: float = 0.5,
        saturated_threshold: float = 0.5,
        lr_high: float = 0.1,
        lr_low: float = 1e-5,
    ) -> Report:
        """The figures of the last ``last`` steps, the rules applied to them, and the findings."""
        layers, acts = self.latest(last)
        names = [n for n in self.layers if n in layers]
        ratios = self.grad_ratios(last)
        rows = [f"{'layer':<16}{'grad norm':>11}{'/ next':>10}{'weight norm':>13}{'update/weight':>15}"]
        for n in names:
            s = layers[n]
            r = f"{ratios[n]:>10.3g}" if n in ratios else f"{'':>10}"
            rows.append(
                f"{n:<16}{s['grad_norm']:>11.3e}{r}{s['weight_norm']:>13.3e}{s['update_ratio']:>15.3e}"
            )
        if acts:
            rows += [
                "",
                f"{'activation':<22}{'mean':>10}{'std':>10}{'dead':>8}{'saturated':>11}  saturated means",
            ]
            for n, s in acts.items():
                typ = self.act_types.get(n, "?")
                dead = f"{s['dead']:>8.1%}" if "dead" in s else f"{'--':>8}"
                sat = f"{s['saturated']:>11.1%}" if "saturated" in s else f"{'--':>11}"
                means = f"  |x| > {self.x_star[n]:.3g}" if n in self.x_star else ""
                rows.append(
                    f"{n + ' (' + typ + ')':<22}{s['mean']:>10.3g}{s['std']:>10.3g}{dead}{sat}{means}"
                )
            if self.x_star:
                rows.append(
                    f"(saturated: the activation's slope there is below {self.saturation_fraction:.0%} of its peak; "
                    "dead: the unit outputs 0 for every sample of the batch)"
                )
        checks, issues = judge(
            names, layers, acts, self.act_types, self.x_star, {n: self._has_grad(n) for n in names},
            vanish_ratio=vanish_ratio, explode_norm=explode_norm, dead_threshold=dead_threshold,
            saturated_threshold=saturated_threshold, saturation_fraction=self.saturation_fraction,
            lr_high=lr_high, lr_low=lr_low,
        )  # fmt: skip
        return Report("\n".join(rows), issues, checks)

    def _has_grad(self, layer: str) -> bool:
        return any(p.grad is not None for _, p in self.layers[layer])

    # -- plotting ------------------------------------------------------------------------
    def plot(self, figsize: tuple[float, float] = (11, 7), last: int = 5) -> FigureView:
        """Four panels: gradient norm per layer over steps, gradient norm by depth, update/weight, dead/saturated."""
        from matplotlib.figure import Figure  # noqa: PLC0415

        fig = Figure(figsize=figsize, layout="constrained")
        axes = fig.subplots(2, 2)
        steps = list(range(1, len(self.history) + 1))
        many = len(self.layers) > 8
        ax = axes[0, 0]
        for n in self.layers:
            ax.plot(steps, self.series("grad_norm", n), label=None if many else n)
        ax.set(title="gradient norm per layer", xlabel="step", ylabel="|grad| (log)", yscale="log")
        if not many and self.layers:
            ax.legend(fontsize=8, ncol=2, title="layer", title_fontsize=8)
        # by depth: the vanishing-gradient picture
        ax = axes[0, 1]
        if self.history:
            layers, _ = self.latest(last)
            names = [n for n in self.layers if n in layers]
            ax.bar(range(len(names)), [layers[n]["grad_norm"] for n in names], color="#4c8bf5")
            ax.set_xticks(range(len(names)), names, rotation=45 if len(names) > 6 else 0, fontsize=8)
            ratios = self.grad_ratios(last)
            if ratios:
                vals = [r for r in ratios.values() if np.isfinite(r) and r > 0]
                per = float(np.exp(np.mean(np.log(vals)))) if vals else float("nan")
                ax.text(0.02, 0.96, f"mean ratio to next layer: x{per:.3g}", transform=ax.transAxes, va="top",
                        fontsize=9)  # fmt: skip
        ax.set(title=f"gradient norm by layer (mean of last {last} steps)", xlabel="layer (input -> output)",
               ylabel="|grad| (log)", yscale="log")  # fmt: skip
        ax = axes[1, 0]
        for n in self.layers:
            ax.plot(steps, self.series("update_ratio", n), label=None if many else n)
        ax.axhspan(1e-4, 1e-2, color="#3aa45b", alpha=0.12, label="healthy: about 1e-3")
        ax.set(title="update / weight per step", xlabel="step", ylabel="|Δw| / |w| (log)", yscale="log")
        ax.legend(fontsize=8, ncol=2)
        ax = axes[1, 1]
        for n, t in self.act_types.items():
            if t in RELU_TYPES:
                ax.plot(steps, self.series("dead", n), label=f"{n} ({t}) dead")
            elif n in self.x_star:
                ax.plot(
                    steps, self.series("saturated", n), ls="--", label=f"{n} ({t}) |x|>{self.x_star[n]:.3g}"
                )
        ax.axhline(0.5, color="#d9534f", lw=0.8, ls=":", label="threshold 50%")
        ax.set(title="dead (ReLU) / saturated (sigmoid, tanh) fraction", xlabel="step", ylabel="fraction",
               ylim=(-0.03, 1.03))  # fmt: skip
        ax.legend(fontsize=7, ncol=2 if len(self.act_types) > 6 else 1)
        for a in axes.ravel():
            a.grid(True, alpha=0.3)
        return FigureView(
            fig, f"<GradientInspector plot: {len(self.history)} steps, {len(self.layers)} layers>"
        )

    def __repr__(self) -> str:
        return (
            f"GradientInspector({len(self.layers)} layers, {len(self.act_types)} activations, "
            f"{len(self.history)} steps)"
        )

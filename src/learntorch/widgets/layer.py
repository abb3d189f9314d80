"""``LayerExplorer``: any model's layers on a sample batch, before and while it trains.

Give it your ``nn.Module`` and a batch (and a target and loss, if you have them).
It runs the real forward pass with forward hooks on every module and one real
backward, and shows, for the layer picked in the module tree:

* its input and output shapes (the tree lists every module's output shape);
* its weights as a heatmap (a convolution's kernels side by side) and the histogram
  of weights and gradients;
* its activations on the batch (feature maps for a convolution, first sample);
* the gradient statistics of its parameters after the backward.

"train N steps" runs the ordinary loop (``zero_grad``, forward, loss, ``backward``,
``step``) on the batch, with :class:`learntorch.viz.GradientInspector` watching; its
warnings (vanishing or exploding gradients, dead ReLUs, a learning rate too high)
are shown under the loss curve.

>>> from learntorch.widgets import LayerExplorer
>>> ex = LayerExplorer(layer="0")                 # the default model: a tiny CNN on bars
>>> ex.shapes["0"]
((16, 1, 8, 8), (16, 4, 8, 8))
>>> ex.update(trained=5); len(ex.losses), ex.error
(6, None)
"""

from __future__ import annotations

import textwrap
from typing import Any

import numpy as np

from ._base import Explorer
from ._wiring import bind, figure, quietly

__all__ = ["LayerExplorer", "bars"]


def bars(n: int = 16, size: int = 8, seed: int = 0) -> tuple[Any, Any]:
    """A batch of ``n`` noisy images with one horizontal (class 0) or vertical (class 1) bar."""
    import learntorch as torch  # noqa: PLC0415

    rng = np.random.default_rng(seed)
    x = rng.normal(0, 0.1, (n, 1, size, size)).astype(np.float32)
    y = np.arange(n) % 2
    for i in range(n):
        k = rng.integers(1, size - 1)
        if y[i] == 0:
            x[i, 0, k, :] += 1.0
        else:
            x[i, 0, :, k] += 1.0
    return torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))


def _default_model() -> Any:
    import learntorch as torch  # noqa: PLC0415
    from learntorch import nn  # noqa: PLC0415

    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 2)
    )


def _arr(t: Any) -> np.ndarray:
    return np.array(t.detach().numpy(), copy=True)


class LayerExplorer(Explorer):
    """Explore the layers of your model on a sample batch.

    Args:
        model: any ``nn.Module`` (default: a small CNN, built under ``manual_seed(0)``).
        x: a sample batch for it (default: 16 images of bars, :func:`bars`).
        target: targets for the loss (default with the default model: the bars' classes).
        loss_fn: ``loss_fn(output, target)``, or ``loss_fn(output)`` without a target.
            Default: ``CrossEntropyLoss`` with a target, else ``output.pow(2).mean()``.
        optimizer: used by "train N steps" (default: ``SGD(model.parameters(), lr=0.1)``).
        layer: the qualified name of the layer shown ("" is the whole model).

    State read by tests: ``shapes`` (name -> (input shape, output shape)), ``activations``,
    ``weights``, ``grads`` (qualified parameter name -> array), ``loss``, ``losses``,
    ``warnings`` (the inspector's findings after training), ``trained``.
    """

    title = "layers"
    tight_png = False

    def __init__(
        self,
        model: Any = None,
        x: Any = None,
        target: Any = None,
        loss_fn: Any = None,
        optimizer: Any = None,
        layer: str | None = None,
    ) -> None:
        if model is None:
            model = _default_model()
            if x is None:
                x, target = bars()
        if x is None:
            raise TypeError(
                "LayerExplorer needs a sample batch x for your model\nhint: LayerExplorer(model, x)"
            )
        self.model, self.x, self.target, self.loss_fn = model, x, target, loss_fn
        self.optimizer = optimizer
        names = [n for n, _ in model.named_modules()]
        self.layer = layer if layer is not None else (names[1] if len(names) > 1 else "")
        self.trained = 0
        self.losses: list[float] = []
        self.warnings: list[str] = []
        self.shapes: dict[str, tuple] = {}
        self.activations: dict[str, np.ndarray] = {}
        self.weights: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.loss = float("nan")
        self._done = 0
        self._inspector: Any = None
        self._probed: Any = None
        self._fig: Any = None
        super().__init__()

    # -- the real forward, backward and training steps ------------------------------------------
    def _loss(self, out: Any) -> Any:
        from learntorch import nn  # noqa: PLC0415

        if self.loss_fn is not None:
            return self.loss_fn(out) if self.target is None else self.loss_fn(out, self.target)
        if self.target is not None:
            return nn.functional.cross_entropy(out, self.target)
        return out.pow(2).mean()

    def compute(self) -> None:
        modules = dict(self.model.named_modules())
        if self.layer not in modules:
            raise KeyError(
                f"the model has no module {self.layer!r}\nhint: pick one of {', '.join(map(repr, modules))}"
            )
        if int(self.trained) > self._done:
            self._train(int(self.trained) - self._done)
        key = (id(self.model), id(self.x), id(self.target), self._done)
        if key != self._probed:
            self._probe(modules)
            self._probed = key

    def _probe(self, modules: dict[str, Any]) -> None:
        shapes: dict[str, tuple] = {}
        acts: dict[str, np.ndarray] = {}

        def hook(name: str) -> Any:
            def record(mod: Any, inputs: tuple, output: Any) -> None:
                first = inputs[0] if inputs and hasattr(inputs[0], "shape") else None
                out = output if hasattr(output, "shape") else None
                shapes[name] = (
                    tuple(first.shape) if first is not None else None,
                    tuple(out.shape) if out is not None else None,
                )
                if out is not None:
                    acts[name] = _arr(out)

            return record

        handles = [m.register_forward_hook(hook(n)) for n, m in modules.items()]
        try:
            out = self.model(self.x)
        finally:
            for h in handles:
                h.remove()
        loss = self._loss(out)
        self.model.zero_grad()
        loss.backward()
        self.loss = float(loss.item())
        if len(self.losses) == self._done:  # losses[k]: the loss after k training steps
            self.losses.append(self.loss)
        self.shapes, self.activations = shapes, acts
        params = dict(self.model.named_parameters())
        self.weights = {n: _arr(p) for n, p in params.items()}
        self.grads = {n: _arr(p.grad) for n, p in params.items() if p.grad is not None}

    def _train(self, steps: int) -> None:
        import learntorch as torch  # noqa: PLC0415
        from learntorch import viz  # noqa: PLC0415

        if self.optimizer is None:
            self.optimizer = torch.optim.SGD(self.model.parameters(), lr=0.1)
        if self._inspector is None:
            self._inspector = viz.GradientInspector(self.model, self.optimizer)
        self.model.train()
        for _ in range(steps):
            self.optimizer.zero_grad()
            loss = self._loss(self.model(self.x))
            loss.backward()
            self.optimizer.step()
            if len(self.losses) == self._done:
                self.losses.append(float(loss.item()))
            self._done += 1
        report = self._inspector.report()
        self.warnings = [i.message for i in report.issues]

    def summary(self) -> str:
        inp, out = self.shapes.get(self.layer, (None, None))
        return (
            f"{self.layer or 'model'}: {inp} -> {out}; loss {self.loss:.4g} after {self._done} training steps"
        )

    # -- picture ---------------------------------------------------------------------------------
    def _tree(self) -> list[str]:
        lines = []
        for name, mod in self.model.named_modules():
            depth = 0 if not name else name.count(".") + 1
            mark = "▶" if name == self.layer else " "
            out = self.shapes.get(name, (None, None))[1]
            shape = "×".join(map(str, out)) if out else "-"
            label = (name.rsplit(".", 1)[-1] + " " if name else "") + type(mod).__name__
            lines.append(f"{mark}{'  ' * depth}{label:<{22 - 2 * depth}} {shape}")
        return lines

    def _panel_text(self) -> str:
        inp, out = self.shapes.get(self.layer, (None, None))
        lines = ["module tree (output shapes)", *self._tree(), ""]
        lines.append(f"{self.layer or 'model'}: in {inp}  out {out}")
        own = [n for n in self.weights if n.rsplit(".", 1)[0] == self.layer or (not self.layer and n)]
        if self.layer:
            own = [n for n in self.weights if n.rsplit(".", 1)[0] == self.layer]
        for n in own[:4]:
            g = self.grads.get(n)
            lines.append(f" {n.rsplit('.', 1)[-1]} {list(self.weights[n].shape)}")
            if g is not None:
                lines.append(f"   grad norm {np.linalg.norm(g):.3g} mean {g.mean():.2g} std {g.std():.2g}")
        if not own:
            lines.append(" no parameters of its own")
        return "\n".join(lines)

    def render(self) -> Any:
        if self._fig is None:  # built once; a redraw changes the artists' data only
            fig = self._fig = figure(12.0, 5.2)
            grid = fig.add_gridspec(2, 3, width_ratios=[1.15, 1, 1], left=0.01, right=0.98, bottom=0.08,
                                    top=0.93, wspace=0.25, hspace=0.45)  # fmt: skip
            tax = fig.add_subplot(grid[:, 0])
            self._wax, self._hax = fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
            self._aax, self._lax = fig.add_subplot(grid[0, 2]), fig.add_subplot(grid[1, 2])
            for ax in (tax, self._wax, self._aax):
                ax.set_axis_off()
            self._text = tax.text(0, 1, "", va="top", family="monospace", fontsize=9, transform=tax.transAxes)
            nothing = np.zeros((1, 1))
            self._wim = self._wax.imshow(nothing, cmap="RdBu_r", interpolation="nearest")
            self._aim = self._aax.imshow(nothing, cmap="viridis", interpolation="nearest")
            self._hw = self._hax.stairs([0], [0, 1], fill=True, color="#1f77b4", alpha=0.6, label="weight")
            self._hg = self._hax.stairs([0], [0, 1], fill=True, color="#d62728", alpha=0.5, label="grad")
            self._hax.set_title("histogram: weights and gradients", fontsize=9)
            (self._lline,) = self._lax.plot([], [], color="#444", marker="o", ms=2)
            self._lax.set_xlabel("step", fontsize=8)
            self._lax.grid(True, alpha=0.3)
            for ax in (self._hax, self._lax):
                ax.tick_params(labelsize=7)
            self._warn = self._lax.text(0.0, -0.3, "", transform=self._lax.transAxes, va="top", fontsize=7,
                                        color="#b00020")  # fmt: skip
        self._text.set_text(self._panel_text())
        self._draw_weights()
        self._draw_activation()
        self._draw_training()
        return self._fig

    @staticmethod
    def _show(ax: Any, im: Any, img: np.ndarray | None, aspect: str, **clim: Any) -> None:
        im.set_visible(img is not None)
        if img is None:
            return
        im.set_data(img)
        im.set_extent((-0.5, img.shape[1] - 0.5, img.shape[0] - 0.5, -0.5))
        im.set_clim(**clim)
        ax.set_xlim(-0.5, img.shape[1] - 0.5)
        ax.set_ylim(img.shape[0] - 0.5, -0.5)
        ax.set_aspect(aspect)

    def _own_weight(self) -> tuple[str | None, np.ndarray | None]:
        for n, w in self.weights.items():
            if n.rsplit(".", 1)[0] == self.layer and w.ndim >= 2:
                return n, w
        for n, w in self.weights.items():
            if n.rsplit(".", 1)[0] == self.layer:
                return n, w
        return None, None

    def _draw_weights(self) -> None:
        name, w = self._own_weight()
        self._hw.set_visible(w is not None)
        self._hg.set_visible(False)
        if w is None:
            self._show(self._wax, self._wim, None, "auto")
            self._wax.set_title(f"{self.layer or 'model'}: no weights of its own", fontsize=9)
            self._hax.legend().set_visible(False)
            return
        if w.ndim == 4:  # conv kernels (out, in, kh, kw): one kernel per tile, outputs across
            o, i, kh, kw = w.shape
            img = np.full((i * (kh + 1) - 1, o * (kw + 1) - 1), np.nan)
            for a in range(o):
                for b in range(i):
                    img[b * (kh + 1) : b * (kh + 1) + kh, a * (kw + 1) : a * (kw + 1) + kw] = w[a, b]
            title = f"{name}: {o} kernels {kh}×{kw} (outputs across)"
        else:
            img = w.reshape(w.shape[0], -1) if w.ndim > 1 else w.reshape(1, -1)
            title = f"{name} {list(w.shape)}: rows = outputs"
        lim = float(np.nanmax(np.abs(img))) or 1.0
        self._show(self._wax, self._wim, img, "equal" if w.ndim == 4 else "auto", vmin=-lim, vmax=lim)
        self._wax.set_title(title, fontsize=9)
        counts, edges = np.histogram(w.reshape(-1), bins=30)
        self._hw.set_data(counts, edges)
        g = self.grads.get(name)
        if g is not None:
            scale = (np.abs(w).max() / np.abs(g).max()) if np.abs(g).max() > 0 else 1.0
            counts, edges = np.histogram(g.reshape(-1) * scale, bins=30)
            self._hg.set_data(counts, edges)
            self._hg.set_visible(True)
            self._hg.set_label(f"grad × {scale:.2g}")
        self._hax.relim()
        self._hax.autoscale_view()
        self._hax.legend(handles=[h for h in (self._hw, self._hg) if h.get_visible()], fontsize=7)

    def _draw_activation(self) -> None:
        a = self.activations.get(self.layer)
        if a is None:
            self._show(self._aax, self._aim, None, "auto")
            return
        if a.ndim == 4:  # feature maps of the first sample
            c, h, wd = a.shape[1:]
            c = min(c, 8)
            img = np.full((h, c * (wd + 1) - 1), np.nan)
            for k in range(c):
                img[:, k * (wd + 1) : k * (wd + 1) + wd] = a[0, k]
            title = f"feature maps, sample 0 ({c} of {a.shape[1]} channels)"
        else:
            img = a.reshape(a.shape[0], -1) if a.ndim > 1 else a.reshape(1, -1)
            title = f"activations {list(a.shape)} (rows: samples)"
        finite = img[np.isfinite(img)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        self._show(self._aax, self._aim, img, "equal" if a.ndim == 4 else "auto", vmin=lo, vmax=hi)
        self._aax.set_title(title, fontsize=9)

    def _draw_training(self) -> None:
        self._lline.set_data(range(len(self.losses)), self.losses)
        self._lax.relim()
        self._lax.autoscale_view()
        self._lax.set_xlim(0, max(len(self.losses) - 1, 1))
        self._lax.set_title(f"loss {self.loss:.4g} after {self._done} training steps", fontsize=9)
        self._warn.set_text("\n".join(textwrap.fill("⚠ " + m, 70) for m in self.warnings[:2]))

    # -- controls --------------------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        options = []
        for name, mod in self.model.named_modules():
            depth = 0 if not name else name.count(".") + 1
            options.append(
                (
                    "\u2003" * depth + (name.rsplit(".", 1)[-1] + ": " if name else "") + type(mod).__name__,
                    name,
                )
            )
        tree = bind(self, w.Select(options=options, value=self.layer, rows=min(len(options), 8),
                                   description="layer"), "layer")  # fmt: skip
        self._w_n = w.BoundedIntText(
            value=10, min=1, max=1000, description="N", layout=w.Layout(width="150px")
        )
        button = w.Button(description="train N steps", button_style="primary")
        button.on_click(lambda _: self.update(trained=self._done + self._w_n.value))
        self._w_tree = tree
        return [w.HBox([tree, w.VBox([w.HBox([self._w_n, button])])])]

    def update(self, **state: Any) -> None:
        """As :meth:`Explorer.update`; ``trained=k`` trains until k steps are done."""
        super().update(**state)
        if getattr(self, "_w_tree", None) is not None:
            with quietly(self):
                self._w_tree.value = self.layer
        self.trained = self._done

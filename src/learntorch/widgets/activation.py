"""ActivationExplorer: any elementwise activation of ``nn``, its derivative, dead and saturated zones.

The curve is the module applied to a grid of inputs; the derivative is autograd's
(``y.sum().backward()`` then ``x.grad``), as is the gradient each sample of the input
distribution receives. Where the derivative is exactly 0 the unit is *dead* there
(ReLU below 0); where it is below 10% of its peak it is *saturated* (tanh and sigmoid far
from 0: note 000's tanh at x = 4 passes on 0.0013 of the gradient). That is the definition
``viz.GradientInspector`` uses, so the two instruments agree.

>>> from learntorch.widgets import ActivationExplorer
>>> ex = ActivationExplorer()  # tanh, probed at x = 4
>>> round(ex.probe_value, 4), round(ex.probe_grad, 5)
(0.9993, 0.00134)
>>> ex.update(name="LeakyReLU", params={"negative_slope": 0.1}, x0=-2.0)
>>> round(ex.probe_value, 6), round(ex.probe_grad, 6)
(-0.2, 0.1)
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from ._base import Explorer

__all__ = ["ActivationExplorer", "ACTIVATIONS", "SATURATED"]

#: the elementwise activations of ``nn`` (Softmax, LogSoftmax and Softmin work along a dim)
ACTIVATIONS = ("ReLU", "ReLU6", "LeakyReLU", "PReLU", "ELU", "CELU", "SELU", "GELU", "SiLU", "Mish",
               "Sigmoid", "Tanh", "Hardtanh", "Softplus", "LogSigmoid")  # fmt: skip
#: |f'(x)| below this fraction of its peak (but not 0) counts as saturated, as in viz.GradientInspector
SATURATED = 0.1
#: slider ranges of the constructor arguments that take numbers
RANGES = {"negative_slope": (-0.5, 1.0), "alpha": (0.1, 3.0), "beta": (0.1, 5.0), "threshold": (0.5, 20.0),
          "min_val": (-3.0, 0.0), "max_val": (0.0, 3.0), "init": (-0.5, 1.0)}  # fmt: skip
X_RANGE = (-6.0, 6.0)


def parameters(name: str) -> dict[str, Any]:
    """The settable arguments of activation ``name`` with their defaults.

    >>> parameters("Hardtanh"), parameters("GELU"), parameters("Tanh")
    ({'min_val': -1.0, 'max_val': 1.0}, {'approximate': 'none'}, {})
    """
    from .. import nn  # noqa: PLC0415

    sig = inspect.signature(getattr(nn, name).__init__)
    return {k: p.default for k, p in sig.parameters.items() if k in RANGES or k == "approximate"}


def _zones(x: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """Intervals of ``x`` where ``mask`` holds."""
    out, start = [], None
    for i, m in enumerate(mask):
        if m and start is None:
            start = i
        if not m and start is not None:
            out.append((float(x[start]), float(x[i - 1])))
            start = None
    if start is not None:
        out.append((float(x[start]), float(x[-1])))
    return out


class ActivationExplorer(Explorer):
    """Activation explorer; pass an activation module (``nn.LeakyReLU(0.2)``) or a ``name``.

    State: ``name``, ``params`` (constructor arguments), ``x0`` (probe point), ``mean``
    and ``std`` of the normal input distribution. Results: ``x``, ``y``, ``dy`` (grid),
    ``probe_value``/``probe_grad``, ``dead``/``saturated`` (x intervals), ``dead_frac`` and
    ``saturated_frac`` (share of the input samples), ``samples``/``outputs``.
    """

    title = "ActivationExplorer"

    def __init__(self, module: Any = None, *, name: str = "Tanh", params: dict[str, Any] | None = None,
                 x0: float = 4.0, mean: float = 0.0, std: float = 2.0, n: int = 4000) -> None:  # fmt: skip
        if module is not None:
            name = type(module).__name__
            params = {k: getattr(module, k) for k in parameters(name) if hasattr(module, k)}
            if name == "PReLU":
                params["init"] = float(module.weight.detach().numpy().ravel()[0])
        self.name, self.params = name, dict(params or {})
        self.x0, self.mean, self.std = x0, mean, std
        self._z = np.random.default_rng(0).standard_normal(n).astype(np.float32)
        self.x = np.linspace(*X_RANGE, 481, dtype=np.float32)
        self.y = self.dy = self.samples = self.outputs = self.sample_grads = np.zeros(0)
        self.probe_value = self.probe_grad = 0.0
        self.dead: list[tuple[float, float]] = []
        self.saturated: list[tuple[float, float]] = []
        self.dead_frac = self.saturated_frac = 0.0
        self.module: Any = None
        self._controls: dict[str, Any] = {}
        super().__init__()

    def tanh_at_4(self) -> None:
        """Note 000's vanishing gradient: tanh at x = 4."""
        self.update(name="Tanh", params={}, x0=4.0)

    # -- computation -------------------------------------------------------------------
    def _grad(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from .. import tensor  # noqa: PLC0415

        t = tensor(values).requires_grad_()
        out = self.module(t)
        out.sum().backward()
        return out.detach().numpy(), t.grad.numpy()

    def compute(self) -> None:
        from .. import nn  # noqa: PLC0415

        if self.name not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {self.name!r}\nhint: choose one of {', '.join(ACTIVATIONS)}"
            )
        known = parameters(self.name)
        self.params = {k: v for k, v in self.params.items() if k in known}
        try:
            self.module = getattr(nn, self.name)(**self.params)
            self.y, self.dy = self._grad(self.x)
        except (AssertionError, ValueError, RuntimeError) as err:
            msg = str(err)
            if "hint:" not in msg:
                msg += f"\nhint: nn.{self.name} does not accept {self.params}; move the slider back"
                if self.name == "Hardtanh":
                    msg += " (min_val must stay below max_val)"
            err.args = (msg,)
            raise
        pv, pg = self._grad(np.array([self.x0], dtype=np.float32))
        self.probe_value, self.probe_grad = float(pv[0]), float(pg[0])
        self.dead = _zones(self.x, self.dy == 0)
        self.saturation_slope = SATURATED * float(np.max(np.abs(self.dy))) if self.dy.size else 0.0
        self.saturated = _zones(self.x, (np.abs(self.dy) < self.saturation_slope) & (self.dy != 0))
        self.samples = (self.mean + self.std * self._z).astype(np.float32)
        self.outputs, self.sample_grads = self._grad(self.samples)
        self.dead_frac = float(np.mean(self.sample_grads == 0))
        self.saturated_frac = float(
            np.mean((np.abs(self.sample_grads) < self.saturation_slope) & (self.sample_grads != 0))
        )

    # -- picture -----------------------------------------------------------------------
    def render(self) -> bytes:
        from ._canvas import BLUE, Canvas, bars, curve, fmt, frame  # noqa: PLC0415

        cv = Canvas(900, 330)
        cv.text(10, 6, f"{self.module!r}", 13, bold=True)
        cv.text(
            10,
            26,
            f"red: dead (f' = 0)   orange: saturated (0 < |f'| < {SATURATED:.0%} of its peak = {self.saturation_slope:.3g})",
            11,
            (90, 90, 90),
        )
        lo = float(min(self.y.min(), self.dy.min(), -0.2))
        hi = float(max(min(self.y.max(), 6.5), self.dy.max(), 1.1))
        pad = 0.08 * (hi - lo)
        f = frame(cv, 50, 60, 420, 230, X_RANGE, (lo - pad, hi + pad))
        for x0, x1 in self.dead:
            cv.rect((float(f.px(x0)), f.y + 1, float(f.px(x1)), f.y + f.h - 1), fill=(217, 83, 79, 45))
        for x0, x1 in self.saturated:
            cv.rect((float(f.px(x0)), f.y + 1, float(f.px(x1)), f.y + f.h - 1), fill=(240, 173, 78, 60))
        curve(cv, f, self.x, self.y, BLUE, 2)
        curve(cv, f, self.x, self.dy, (240, 140, 46), 2, dashed=True)
        for val, col in ((self.probe_value, BLUE), (self.probe_grad, (240, 140, 46))):
            if f.ylim[0] <= val <= f.ylim[1] and X_RANGE[0] <= self.x0 <= X_RANGE[1]:
                px, py = float(f.px(self.x0)), float(f.py(val))
                cv.draw.ellipse((px - 4, py - 4, px + 4, py + 4), fill=col, outline=(34, 34, 34))
        cv.draw.line([(58, 68), (78, 68)], fill=BLUE, width=2)
        cv.text(82, 68, "f(x)", 11, anchor="lm")
        cv.draw.line([(58, 84), (66, 84)], fill=(240, 140, 46), width=2)
        cv.draw.line([(70, 84), (78, 84)], fill=(240, 140, 46), width=2)
        cv.text(82, 84, "f'(x) by autograd", 11, anchor="lm")
        cv.rect(
            (f.x + f.w - 150, f.y + f.h - 56, f.x + f.w - 2, f.y + f.h - 2),
            fill=(255, 255, 255, 225),
            outline=(200, 200, 200),
        )
        cv.lines(f.x + f.w - 144, f.y + f.h - 52, [f"x0     = {fmt(self.x0)}", f"f(x0)  = {self.probe_value:.4g}",
                            f"f'(x0) = {self.probe_grad:.4g}"], 11)  # fmt: skip
        for i, (vals, title, col) in enumerate(((self.samples, f"input x ~ N({fmt(self.mean)}, {fmt(self.std)}²)", (170, 170, 170)),
                                                 (self.outputs, "output f(x)", BLUE))):  # fmt: skip
            a, b = float(vals.min()), float(vals.max())
            if b - a < 1e-6:
                a, b = a - 0.5, b + 0.5
            counts, edges = np.histogram(vals, bins=40, range=(a, b))
            h = frame(
                cv, 510 + i * 200, 60, 180, 230, (a, b), (0, counts.max() * 1.1), title=title, yticks=False
            )
            bars(cv, h, counts, edges, col)
        cv.text(710, 312, f"dead {self.dead_frac:.0%}, saturated {self.saturated_frac:.0%} of inputs", 11)
        return cv.png()

    def summary(self) -> str:
        return (f"ActivationExplorer: {self.module!r}: f({self.x0:g}) = {self.probe_value:.4g}, "
                f"f'({self.x0:g}) = {self.probe_grad:.4g}")  # fmt: skip

    # -- controls ----------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        style = {"description_width": "80px"}
        name = self.bind(w.Dropdown(options=ACTIVATIONS, value=self.name, description="activation",
                                    style=style, layout=w.Layout(width="220px")), "name")  # fmt: skip

        def fslider(attr: str, lo: float, hi: float, desc: str) -> Any:
            return self.bind(w.FloatSlider(value=getattr(self, attr), min=lo, max=hi, step=0.1, description=desc,
                                           continuous_update=False, style=style,
                                           layout=w.Layout(width="270px")), attr)  # fmt: skip

        x0, mean, std = (
            fslider("x0", -6, 6, "probe x0"),
            fslider("mean", -4, 4, "input mean"),
            fslider("std", 0.1, 4, "input std"),
        )
        button = w.Button(description="note 000: tanh at x = 4", layout=w.Layout(width="200px"))
        button.on_click(lambda _: self.tanh_at_4())
        self._params_box = w.HBox()
        self._controls = {"name": name, "x0": x0, "mean": mean, "std": std}
        self._param_controls()
        return [w.HBox([name, x0, button]), w.HBox([mean, std]), self._params_box]

    def _param_controls(self) -> None:
        """One control per constructor argument of the chosen activation."""
        import ipywidgets as w  # noqa: PLC0415

        kids = []
        for arg, default in parameters(self.name).items():
            value = self.params.get(arg, default)
            if arg == "approximate":
                ctl = w.Dropdown(options=["none", "tanh"], value=value, description=arg,
                                 style={"description_width": "90px"}, layout=w.Layout(width="220px"))  # fmt: skip
            else:
                lo, hi = RANGES[arg]
                ctl = w.FloatSlider(value=value, min=lo, max=hi, step=0.01, description=arg, continuous_update=False,
                                    style={"description_width": "100px"}, layout=w.Layout(width="300px"))  # fmt: skip
            ctl.observe(lambda ch, arg=arg: None if self._syncing else self.update(params={**self.params, arg: ch["new"]}),
                        names="value")  # fmt: skip
            kids.append(ctl)
        self._params_box.children = kids or [w.HTML("<i>no parameters</i>")]

    def sync_controls(self) -> None:
        for attr, ctl in self._controls.items():
            ctl.value = getattr(self, attr)
        box = getattr(self, "_params_box", None)
        if box is not None:
            names = list(parameters(self.name))
            shown = [getattr(c, "description", None) for c in box.children]
            if shown != names and not (not names and len(box.children) == 1):
                self._param_controls()
            for c in box.children:
                if getattr(c, "description", None) in self.params:
                    c.value = self.params[c.description]

"""``OptimizerExplorer``: optimisers raced on loss landscapes (note 000 §2).

The landscapes of note 000 §2 (a local minimum, the saddle of x³, the flat tail of
tanh at x = 4) in 1-D, and in 2-D a local minimum, the saddle x² − y², a ravine and
Rosenbrock's banana valley, or the student's own function of one or two tensors.
Every racer is a real optimiser of :mod:`learntorch.optim` built with the arguments
the student types (``momentum=0.9, nesterov=True``), stepped with a real
``backward()`` and, if chosen, a real learning-rate scheduler. The trajectories are
drawn on the landscape and the losses raced side by side; a frame slider (or the
play button) replays the race step by step.

>>> from learntorch.widgets import OptimizerExplorer
>>> ex = OptimizerExplorer(landscape="ravine: 0.1x² + 2y²", racers=[("SGD", {"lr": 0.4})], steps=20)
>>> ex.runs[0].label, ex.runs[0].path.shape
('SGD(lr=0.4)', (21, 2))
>>> round(float(ex.runs[0].loss[0]), 3), round(float(ex.runs[0].loss[-1]), 3)  # d2l's eta=0.4 on the ravine
(10.5, 0.089)
>>> ex.update(racers=[("SGD", {"lr": -1.0})]); print(ex.error.splitlines()[0])
ValueError: Invalid learning rate: -1.0
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ._base import Explorer
from ._wiring import bind, figure, parse_kwargs, quietly

__all__ = ["OptimizerExplorer", "Landscape", "LANDSCAPES", "OPTIMIZERS", "SCHEDULERS", "race"]


@dataclass(frozen=True)
class Landscape:
    """A loss function of one or two tensors, the box it is drawn in, and a start."""

    fn: Callable[..., Any]
    dim: int
    box: tuple[tuple[float, float], ...]
    start: tuple[float, ...]
    lr: float = 0.1


PI = math.pi
LANDSCAPES: dict[str, Landscape] = {
    "local minimum: x·cos(πx)": Landscape(lambda x: x * (PI * x).cos(), 1, ((-1.0, 2.0),), (-1.0,), 0.05),
    "saddle: x³": Landscape(lambda x: x**3, 1, ((-1.0, 1.2),), (1.0,), 0.1),
    "vanishing gradient: tanh(x)": Landscape(lambda x: x.tanh(), 1, ((-5.0, 5.0),), (4.0,), 1.0),
    "local minimum 2-D: x·cos(πx) + y²": Landscape(
        lambda x, y: x * (PI * x).cos() + y**2, 2, ((-1.2, 2.0), (-1.5, 1.5)), (-1.0, 1.2), 0.05
    ),
    "saddle 2-D: x² − y²": Landscape(lambda x, y: x**2 - y**2, 2, ((-1.5, 1.5), (-1.5, 1.5)), (1.2, 0.02)),
    "ravine: 0.1x² + 2y²": Landscape(
        lambda x, y: 0.1 * x**2 + 2 * y**2, 2, ((-5.5, 1.5), (-2.5, 2.5)), (-5.0, -2.0), 0.4
    ),
    "Rosenbrock: (1−x)² + 100(y−x²)²": Landscape(
        lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2, 2, ((-2.0, 2.0), (-1.0, 3.0)), (-1.5, 2.0), 1e-3
    ),
}
YOURS = "your function"

#: the racers offered, in order: (label, optimiser, arguments typed by default, on by default)
OPTIMIZERS: list[tuple[str, str, str, bool]] = [
    ("SGD", "SGD", "", True),
    ("momentum", "SGD", "momentum=0.9", True),
    ("Nesterov", "SGD", "momentum=0.9, nesterov=True", False),
    ("Adagrad", "Adagrad", "", False),
    ("RMSprop", "RMSprop", "", True),
    ("Adadelta", "Adadelta", "lr=1.0", False),
    ("Adam", "Adam", "", True),
    ("AdamW", "AdamW", "weight_decay=0.01", False),
]
#: learning-rate schedulers offered, with arguments that fit a race of about 50 steps
SCHEDULERS: dict[str, str] = {
    "StepLR": "step_size=15, gamma=0.5",
    "MultiStepLR": "milestones=[20, 40], gamma=0.3",
    "ExponentialLR": "gamma=0.95",
    "CosineAnnealingLR": "T_max=50",
    "LinearLR": "start_factor=1.0, end_factor=0.1, total_iters=50",
    "OneCycleLR": "max_lr=0.5, total_steps=200",
    "ReduceLROnPlateau": "factor=0.5, patience=3",
}
COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]


@dataclass
class Run:
    """One racer's race: where it went, the loss on the way, the lr at each step."""

    label: str
    path: np.ndarray  # (steps + 1, dim): the start, then the point after every step
    loss: np.ndarray  # (steps + 1,): the loss at each of those points
    lrs: np.ndarray  # (steps,): the learning rate each step used


def _label(name: str, kwargs: dict) -> str:
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def race(
    fn: Callable[..., Any],
    start: tuple[float, ...],
    name: str,
    kwargs: dict,
    steps: int,
    scheduler: tuple[str, dict] | None = None,
) -> Run:
    """Run optimiser ``name(**kwargs)`` for ``steps`` steps on ``fn`` from ``start``: the real loop.

    Each step is ``zero_grad(); loss = fn(*params); loss.backward(); step()`` (then the
    scheduler's ``step()``) on one 0-d float32 tensor per coordinate, as in torch.
    """
    import learntorch as torch  # noqa: PLC0415

    params = [torch.tensor(float(s), requires_grad=True) for s in start]
    opt = getattr(torch.optim, name)(params, **kwargs)
    sched = None
    if scheduler is not None:
        sched = getattr(torch.optim.lr_scheduler, scheduler[0])(opt, **scheduler[1])
    path = np.empty((steps + 1, len(params)))
    losses = np.empty(steps + 1)
    lrs = np.empty(steps)
    for i in range(steps + 1):
        opt.zero_grad()
        loss = fn(*params)
        path[i] = [p.item() for p in params]
        losses[i] = loss.item() if loss.numel() == 1 else np.nan
        if i == steps:
            break
        loss.backward()
        lrs[i] = float(opt.param_groups[0]["lr"])
        opt.step()
        if sched is not None:
            sched.step(loss.item()) if scheduler[0] == "ReduceLROnPlateau" else sched.step()
    return Run(_label(name, kwargs), path, losses, lrs)


def _plain_log_ticks(ax: Any) -> None:
    """Log-axis tick labels as plain text (``1e-03``): matplotlib's default is mathtext, 10x slower."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator  # noqa: PLC0415

    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0), numticks=8))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{v:.0e}".replace("e+0", "e").replace("e-0", "e-"))
    )


class OptimizerExplorer(Explorer):
    """Race optimisers of :mod:`learntorch.optim` on a loss landscape.

    Args:
        fn: your own loss, a function of one or two 0-d tensors returning a 0-d tensor
            (``lambda x, y: (x - 1) ** 2 + 3 * y ** 2``); overrides ``landscape``.
        landscape: one of :data:`LANDSCAPES` (ignored when ``fn`` is given).
        start: where every racer starts (default: the landscape's own start).
        box: for ``fn``, the region drawn: ``((xmin, xmax), (ymin, ymax))``.
        racers: ``[(optimizer name, kwargs), ...]``; a racer without ``lr`` uses ``lr``.
        lr: the learning rate of racers that do not set one (default: the landscape's).
        steps: steps per racer.
        scheduler: ``(name, kwargs)`` of a scheduler in ``lr_scheduler``, or None.

    State read by tests: ``runs`` (one :class:`Run` per racer), ``frame``.
    """

    title = "optimisers on a loss landscape"
    tight_png = False

    def __init__(
        self,
        fn: Callable[..., Any] | None = None,
        landscape: str = "ravine: 0.1x² + 2y²",
        start: tuple[float, ...] | None = None,
        box: tuple[tuple[float, float], ...] | None = None,
        racers: list[tuple[str, dict]] | None = None,
        lr: float | None = None,
        steps: int = 40,
        scheduler: tuple[str, dict] | None = None,
    ) -> None:
        if fn is not None:
            dim = len(inspect.signature(fn).parameters)
            box = box or ((-2.0, 2.0),) * dim
            start = start or tuple(lo + 0.2 * (hi - lo) for lo, hi in box)
            self._own: Landscape | None = Landscape(fn, dim, tuple(box), tuple(start), lr or 0.1)
            landscape = YOURS
        else:
            self._own = None
        self.landscape = landscape
        land = self._land()
        self.start = tuple(start) if start is not None else land.start
        self.lr = lr if lr is not None else land.lr
        self.steps = steps
        self.racers = (
            racers if racers is not None else [(o, parse_kwargs(a)) for _, o, a, on in OPTIMIZERS if on]
        )
        self.scheduler = scheduler
        self.frame = steps
        self.runs: list[Run] = []
        self._grid_key: Any = None
        self._runs_key: Any = None
        self._fig: Any = None
        super().__init__()

    # -- state ------------------------------------------------------------------------------
    def _land(self) -> Landscape:
        if self.landscape == YOURS and self._own is not None:
            return self._own
        if self.landscape not in LANDSCAPES:
            raise KeyError(
                f"no landscape {self.landscape!r}\nhint: choose one of {', '.join(LANDSCAPES)} "
                "or pass your own function as fn="
            )
        return LANDSCAPES[self.landscape]

    def update(self, **state: Any) -> None:
        """As :meth:`Explorer.update`; a new landscape brings its own start and lr unless given."""
        if "landscape" in state and state["landscape"] in LANDSCAPES:
            land = LANDSCAPES[state["landscape"]]
            state.setdefault("start", land.start)
            state.setdefault("lr", land.lr)
        if "steps" in state:
            state.setdefault("frame", state["steps"])
        super().update(**state)
        self._sync()

    def compute(self) -> None:
        land = self._land()
        if len(self.start) != land.dim:
            raise ValueError(
                f"start {self.start} has {len(self.start)} coordinates but the function takes {land.dim}\n"
                "hint: give one starting value per argument of the function."
            )
        key = (self.landscape, id(land.fn), tuple(self.start), self.lr, int(self.steps),
               repr(self.racers), repr(self.scheduler))  # fmt: skip
        if key == self._runs_key:  # only the frame changed: nothing to run again
            self.frame = min(int(self.frame), int(self.steps))
            return
        self._runs_key = None
        runs = []
        for name, kwargs in self.racers:
            kw = {"lr": self.lr, **kwargs}
            try:
                with np.errstate(over="ignore", invalid="ignore"):  # a racer may diverge: that is shown
                    runs.append(race(land.fn, self.start, name, kw, int(self.steps), self.scheduler))
            except Exception as err:
                raise type(err)(f"{err}\n(in the racer {_label(name, kw)})") from None
        self.runs, self._runs_key = runs, key
        self.frame = min(int(self.frame), int(self.steps))

    def summary(self) -> str:
        parts = [f"{r.label}: loss {r.loss[0]:.4g} → {r.loss[self.frame]:.4g}" for r in self.runs]
        return f"{self.landscape}, {self.frame} of {self.steps} steps\n" + "\n".join(parts)

    # -- picture --------------------------------------------------------------------------------
    def _grid(self, land: Landscape) -> tuple[np.ndarray, ...]:
        """The landscape evaluated by learntorch on a grid (one call when the function broadcasts)."""
        import learntorch as torch  # noqa: PLC0415

        n = 90 if land.dim == 2 else 300
        axes = [np.linspace(lo, hi, n, dtype=np.float32) for lo, hi in land.box]
        mesh = np.meshgrid(*axes) if land.dim == 2 else axes
        with torch.no_grad():
            try:
                z = land.fn(*[torch.from_numpy(m) for m in mesh]).numpy()
                if z.shape != mesh[0].shape:
                    raise ValueError
            except Exception:  # noqa: BLE001 - a function that does not broadcast: point by point
                pts = zip(*[m.reshape(-1) for m in mesh])
                z = np.array([land.fn(*[torch.tensor(float(v)) for v in p]).item() for p in pts])
                z = z.reshape(mesh[0].shape)
        return (*mesh, z)

    def render(self) -> Any:
        land = self._land()
        if self._fig is None:
            self._fig = figure(10.5, 4.2)
            self._fig.subplots_adjust(left=0.06, right=0.99, bottom=0.12, top=0.9, wspace=0.22)
        fig = self._fig
        key = (self.landscape, id(land.fn))
        if key != self._grid_key:
            fig.clear()
            self._ax, self._race_ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.15, 1]})
            self._draw_landscape(self._ax, land)
            self._grid_key = key
            self._dynamic: list[Any] = []
        for artist in self._dynamic:
            artist.remove()
        self._dynamic = []
        self._draw_runs(land)
        return fig

    def _draw_landscape(self, ax: Any, land: Landscape) -> None:
        grid = self._grid(land)
        self._zrange = float(np.nanmin(grid[-1])), float(np.nanmax(grid[-1]))
        if land.dim == 2:
            x, y, z = grid
            levels = np.quantile(z[np.isfinite(z)], np.linspace(0, 1, 16) ** 2)
            ax.contourf(x, y, z, levels=np.unique(levels), cmap="Greys_r", alpha=0.55)
            ax.contour(x, y, z, levels=np.unique(levels), colors="#666", linewidths=0.4)
            ax.set_xlabel("x")
            ax.set_ylabel("y")
        else:
            x, z = grid
            ax.plot(x, z, color="#444", lw=1.5)
            ax.set_xlabel("x")
            ax.set_ylabel("f(x)")
        ax.set_xlim(*land.box[0])
        ax.set_ylim(*(land.box[1] if land.dim == 2 else self._padded(self._zrange)))
        ax.set_title(self.landscape, fontsize=10)
        self._race_ax.set_xlabel("step")
        self._race_ax.set_ylabel("loss")
        self._race_ax.grid(True, alpha=0.3)

    @staticmethod
    def _padded(r: tuple[float, float]) -> tuple[float, float]:
        pad = 0.08 * (r[1] - r[0] or 1.0)
        return r[0] - pad, r[1] + pad

    def _draw_runs(self, land: Landscape) -> None:
        ax, rax = self._ax, self._race_ax
        f = self.frame
        out = self._dynamic  # what the next redraw removes
        for i, run in enumerate(self.runs):
            c = COLORS[i % len(COLORS)]
            p = run.path[: f + 1]
            xs, ys = (p[:, 0], p[:, 1]) if land.dim == 2 else (p[:, 0], run.loss[: f + 1])
            out += ax.plot(xs, ys, "-o", color=c, ms=2.5, lw=1.2, label=run.label)
            out += ax.plot(xs[-1:], ys[-1:], "o", color=c, ms=7, mec="k")
            out += rax.plot(np.arange(f + 1), run.loss[: f + 1], color=c, lw=1.5, label=run.label)
        start = self.start if land.dim == 2 else (self.start[0], self.runs[0].loss[0] if self.runs else 0)
        out += ax.plot(*start, "*", color="gold", ms=13, mec="k", zorder=5)
        rax.set_xlim(0, max(int(self.steps), 1))
        losses = np.concatenate([r.loss for r in self.runs]) if self.runs else np.zeros(1)
        lo, hi = self._zrange
        finite = losses[np.isfinite(losses)]
        if lo >= 0 and finite.size and finite.min() > 0:  # a landscape above 0: a log scale shows the race
            rax.set_yscale("log")
            _plain_log_ticks(rax)
            top = min(
                finite.max(), max(hi, losses[0] if np.isfinite(losses[0]) else hi)
            )  # diverging: off the top
            rax.set_ylim(max(finite.min(), hi * 1e-9) * 0.5, max(top, 1e-12) * 2)
        else:
            rax.set_yscale("linear")
            rax.set_ylim(*self._padded((max(lo, finite.min(initial=lo)), min(hi, finite.max(initial=hi)))))
        title = f"the race: loss per step ({f} of {self.steps})"
        if self.scheduler:
            title += f", {self.scheduler[0]}"
        rax.set_title(title, fontsize=10)
        if self.runs:
            rax.legend(fontsize=8, loc="upper right")  # replaces the previous legend

    # -- controls ----------------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        names = list(LANDSCAPES) + ([YOURS] if self._own is not None else [])
        self._w_land = bind(self, w.Dropdown(options=names, value=self.landscape, description="landscape"),
                            "landscape")  # fmt: skip
        self._w_lr = bind(self, w.FloatLogSlider(value=self.lr, base=10, min=-4, max=1, step=0.1,
                                                 description="lr", readout_format=".4g"), "lr")  # fmt: skip
        self._w_steps = bind(
            self, w.IntSlider(value=self.steps, min=1, max=200, description="steps"), "steps"
        )
        self._w_start = [
            w.FloatSlider(value=0.0, min=-1.0, max=1.0, step=0.01, description=f"start {c}") for c in "xy"
        ]
        for s in self._w_start:
            s.observe(self._start_changed, names="value")
        self._w_frame = bind(self, w.IntSlider(value=self.frame, min=0, max=self.steps, description="frame"),
                             "frame")  # fmt: skip
        self._w_play = w.Play(value=self.frame, min=0, max=self.steps, interval=250, description="replay")
        w.jslink((self._w_play, "value"), (self._w_frame, "value"))
        self._rows = []
        chosen = {(n, repr(k)) for n, k in self.racers}
        for label, opt, args, _ in OPTIMIZERS:
            on = w.Checkbox(value=(opt, repr(parse_kwargs(args))) in chosen, description=label, indent=False,
                            layout=w.Layout(width="110px"))  # fmt: skip
            text = w.Text(value=args, placeholder="arguments, e.g. lr=0.1", continuous_update=False,
                          layout=w.Layout(width="250px"))  # fmt: skip
            on.observe(self._racers_changed, names="value")
            text.observe(self._racers_changed, names="value")
            self._rows.append((opt, on, text))
        self._w_sched = w.Dropdown(options=["none", *SCHEDULERS], value="none", description="scheduler")
        self._w_sched_args = w.Text(value="", continuous_update=False, layout=w.Layout(width="330px"))
        self._w_sched.observe(self._sched_changed, names="value")
        self._w_sched_args.observe(self._sched_changed, names="value")
        self._sync()
        rows = [w.HBox([on, w.Label(f"{opt}("), text, w.Label(")")]) for opt, on, text in self._rows]
        left = w.VBox([self._w_land, self._w_lr, self._w_steps, *self._w_start,
                       w.HBox([self._w_play, self._w_frame]), w.HBox([self._w_sched, self._w_sched_args])])  # fmt: skip
        return [w.HBox([left, w.VBox(rows)])]

    def _sync(self) -> None:
        """Controls follow the state (after a new landscape or a call to update)."""
        if getattr(self, "_w_land", None) is None:
            return
        land = self._land()
        with quietly(self):
            self._w_land.value = self.landscape
            self._w_lr.value = self.lr
            self._w_steps.value = self.steps
            for i, s in enumerate(self._w_start):
                s.layout.display = None if i < land.dim else "none"
                if i < land.dim:
                    s.min, s.max = -1e9, 1e9
                    s.min, s.max = land.box[i]
                    s.value = self.start[i] if i < len(self.start) else s.value
            for s in (self._w_frame, self._w_play):
                s.max = self.steps
                s.value = self.frame

    def _start_changed(self, change: dict) -> None:
        if getattr(self, "_quiet", False):
            return
        dim = self._land().dim
        self.update(start=tuple(s.value for s in self._w_start[:dim]))

    def _racers_changed(self, change: dict) -> None:
        try:
            racers = [(opt, parse_kwargs(text.value)) for opt, on, text in self._rows if on.value]
        except ValueError as err:
            self.error = f"ValueError: {err}"
            self._show_message()
            return
        self.update(racers=racers)

    def _sched_changed(self, change: dict) -> None:
        if getattr(self, "_quiet", False):
            return
        name = self._w_sched.value
        if change["owner"] is self._w_sched:
            with quietly(self):
                self._w_sched_args.value = SCHEDULERS.get(name, "")
        if name == "none":
            self.update(scheduler=None)
            return
        try:
            kwargs = parse_kwargs(self._w_sched_args.value)
        except ValueError as err:
            self.error = f"ValueError: {err}"
            self._show_message()
            return
        self.update(scheduler=(name, kwargs))

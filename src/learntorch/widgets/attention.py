"""``AttentionExplorer``: queries, keys and values; scores, weights, weighted sum (note 000 §7).

Every query is compared with every key (the *scoring function*: a dot product, a
dot product scaled by 1/√d, or d2l's additive attention ``w_vᵀ tanh(W_q q + W_k k)``),
divided by a temperature, masked (nothing, causal, or only the first ``valid_len``
keys), and turned into weights by softmax; the output is the weights' sum of the
values. All of it is computed by learntorch ops, and for dot-product scoring the
output also by ``F.scaled_dot_product_attention`` (``output_sdpa``), the function a
transformer calls.

>>> import learntorch as torch
>>> from learntorch.widgets import AttentionExplorer
>>> ex = AttentionExplorer(n_queries=2, n_keys=3, mask="causal")
>>> ex.weights.round(3)[0].tolist()    # the first query sees only the first key
[1.0, 0.0, 0.0]
>>> bool(abs(ex.output - ex.output_sdpa).max() < 1e-6)
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ._base import Explorer
from ._wiring import bind, figure, quietly

__all__ = ["AttentionExplorer", "SCORINGS", "MASKS"]

SCORINGS = ("dot", "scaled dot", "additive")
MASKS = ("none", "causal", "valid length")


class AttentionExplorer(Explorer):
    """Attention weights and the weighted sum for your own (or random) queries, keys and values.

    Args:
        queries, keys, values: your tensors, shapes ``(n_q, d)``, ``(n_k, d)``, ``(n_k, d_v)``
            (leading batch dimensions: the first element is shown). Default: random.
        scoring: ``"dot"``, ``"scaled dot"`` or ``"additive"``.
        mask: ``"none"``, ``"causal"`` (query i sees keys 0..i) or ``"valid length"``.
        valid_len: keys a query may see with ``mask="valid length"``.
        temperature: scores are divided by it before softmax (small: sharp, large: uniform).
        n_queries, n_keys, d, d_v, seed: the random tensors' sizes and seed.
        hidden: the hidden size of additive attention.

    State read by tests: ``scores``, ``weights``, ``output``, ``output_sdpa`` (NumPy arrays),
    ``q``, ``k``, ``v`` (the tensors used), ``params`` (additive attention's W_q, W_k, w_v).
    """

    title = "attention"
    tight_png = False

    def __init__(
        self,
        queries: Any = None,
        keys: Any = None,
        values: Any = None,
        scoring: str = "scaled dot",
        mask: str = "none",
        valid_len: int | None = None,
        temperature: float = 1.0,
        n_queries: int = 4,
        n_keys: int = 6,
        d: int = 4,
        d_v: int = 3,
        seed: int = 0,
        hidden: int = 8,
    ) -> None:
        self.queries, self.keys, self.values = queries, keys, values
        self.scoring, self.mask, self.temperature = scoring, mask, temperature
        self.n_queries, self.n_keys, self.d, self.d_v, self.seed, self.hidden = (
            n_queries,
            n_keys,
            d,
            d_v,
            seed,
            hidden,
        )
        self.valid_len = valid_len if valid_len is not None else max(1, n_keys // 2)
        self.scores = self.weights = self.output = self.allowed = np.zeros((0, 0))
        self.output_sdpa: np.ndarray | None = None
        self.params: dict[str, Any] = {}
        self._fig: Any = None
        super().__init__()

    @property
    def own(self) -> bool:
        """True when the student gave the tensors (the size sliders are then off)."""
        return self.queries is not None or self.keys is not None or self.values is not None

    def _tensors(self) -> tuple[Any, Any, Any]:
        import learntorch as torch  # noqa: PLC0415

        g = torch.Generator().manual_seed(int(self.seed))
        q = torch.randn(self.n_queries, self.d, generator=g)
        k = torch.randn(self.n_keys, self.d, generator=g)
        v = torch.randn(self.n_keys, self.d_v, generator=g)
        given = [t if t is not None else r for t, r in zip((self.queries, self.keys, self.values), (q, k, v))]
        out = []
        for name, t in zip(("queries", "keys", "values"), given):
            if not isinstance(t, torch.Tensor):
                t = torch.as_tensor(t, dtype=torch.float32)
            while t.ndim > 2:
                t = t[0]
            if t.ndim != 2:
                raise RuntimeError(
                    f"{name} must be 2-D (one row per position), got shape {tuple(t.shape)}\n"
                    "hint: a single vector is one position: use t.unsqueeze(0)."
                )
            out.append(t.detach().float())
        return out[0], out[1], out[2]

    def compute(self) -> None:
        import learntorch as torch  # noqa: PLC0415
        import learntorch.nn.functional as F  # noqa: PLC0415

        if self.scoring not in SCORINGS or self.mask not in MASKS:
            raise ValueError(
                f"unknown scoring {self.scoring!r} or mask {self.mask!r}\n"
                f"hint: scoring is one of {SCORINGS}; mask is one of {MASKS}."
            )
        if not self.temperature > 0:
            raise ValueError(
                f"temperature must be positive, got {self.temperature}\n"
                "hint: scores are divided by the temperature; use e.g. 0.1 (sharp) to 10 (flat)."
            )
        q, k, v = self._tensors()
        n_q, n_k = q.shape[0], k.shape[0]
        with torch.no_grad():
            if self.scoring == "additive":
                g = torch.Generator().manual_seed(int(self.seed) + 1)
                h = int(self.hidden)
                w_q = torch.randn(q.shape[1], h, generator=g) / math.sqrt(q.shape[1])
                w_k = torch.randn(k.shape[1], h, generator=g) / math.sqrt(k.shape[1])
                w_v = torch.randn(h, generator=g) / math.sqrt(h)
                self.params = {"W_q": w_q, "W_k": w_k, "w_v": w_v}
                features = ((q @ w_q).unsqueeze(1) + (k @ w_k).unsqueeze(0)).tanh()
                scores = features @ w_v
            else:
                self.params = {}
                scores = q @ k.T  # raises torch's error when d differs
                if self.scoring == "scaled dot":
                    scores = scores / math.sqrt(q.shape[1])
            scores = scores / self.temperature
            allowed = torch.ones(n_q, n_k, dtype=torch.bool)
            if self.mask == "causal":
                allowed = allowed.tril()
            elif self.mask == "valid length":
                allowed = (torch.arange(n_k) < int(self.valid_len)).expand(n_q, n_k)
            weights = scores.masked_fill(~allowed, float("-inf")).softmax(dim=-1)
            output = weights @ v
            sdpa = None
            if self.scoring != "additive":
                scale = (
                    1 / math.sqrt(q.shape[1]) if self.scoring == "scaled dot" else 1.0
                ) / self.temperature
                sdpa = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=scale)
        self.q, self.k, self.v = q, k, v
        self.scores, self.weights, self.output = scores.numpy(), weights.numpy(), output.numpy()
        self.allowed = allowed.numpy()
        self.output_sdpa = None if sdpa is None else sdpa.numpy()

    def summary(self) -> str:
        return (
            f"attention: {self.scoring} scores, mask {self.mask}, temperature {self.temperature:g}; "
            f"{self.weights.shape[0]} queries × {self.weights.shape[1]} keys"
        )

    # -- picture -------------------------------------------------------------------------------
    def render(self) -> Any:
        if self._fig is None:
            self._fig = figure(11.0, 3.6)
        fig = self._fig
        shown = np.where(self.allowed, self.scores, np.nan)
        panels = [
            (shown, f"scores ({self.scoring})\n÷ temperature {self.temperature:.3g}", "RdBu_r", "keys →"),
            (self.weights, "weights = softmax(row)\n(each row sums to 1)", "Oranges", "keys →"),
            (self.v.numpy(), "values V", "RdBu_r", "features →"),
            (self.output, "output = weights @ V", "RdBu_r", "features →"),
        ]
        key = tuple(p[0].shape for p in panels)
        if key != getattr(self, "_shapes", None):  # new sizes: lay the panels out again
            self._shapes = key
            fig.clear()
            axes = fig.subplots(
                1, 4, gridspec_kw={"width_ratios": [self.n_k, self.n_k, self.d_out, self.d_out]}
            )
            fig.subplots_adjust(left=0.05, right=0.99, bottom=0.1, top=0.76, wspace=0.35)
            self._panels = []
            for ax, (data, _, cmap, xlabel), ylabel in zip(
                axes, panels, ("queries ↓", "queries ↓", "keys ↓", "queries ↓")
            ):
                im = ax.imshow(data, cmap=cmap, aspect="auto")
                ax.set_xlabel(xlabel, fontsize=8)
                ax.set_ylabel(ylabel, fontsize=8)
                ax.set_xticks([])
                ax.set_yticks([])
                texts = {}
                if data.size <= 100 and ylabel.startswith("queries"):  # numbers on scores, weights and output
                    for i, j in np.ndindex(*data.shape):
                        texts[i, j] = ax.text(j, i, "", ha="center", va="center", fontsize=7)
                self._panels.append((ax, im, texts))
            self._title = fig.suptitle("", fontsize=10)
        for (ax, im, texts), (data, title, cmap, _) in zip(self._panels, panels):
            finite = data[np.isfinite(data)]
            lim = float(np.abs(finite).max()) if finite.size else 1.0
            im.set_data(data)
            im.set_clim(*((0.0, 1.0) if cmap == "Oranges" else (-lim, lim)))
            ax.set_title(title, fontsize=9)
            top = 1.0 if cmap == "Oranges" else lim
            for (i, j), t in texts.items():
                val = data[i, j]
                t.set_text(f"{val:.2f}" if np.isfinite(val) else "−∞")  # masked: -inf before softmax
                dark = np.isfinite(val) and abs(val) > 0.6 * top
                t.set_color("#777" if not np.isfinite(val) else "w" if dark else "k")
        valid = f", valid_len={self.valid_len}" if self.mask == "valid length" else ""
        self._title.set_text(
            f"attention of {self.weights.shape[0]} queries over {self.weights.shape[1]} keys "
            f"(mask: {self.mask}{valid})"
        )
        return fig

    @property
    def n_k(self) -> int:
        return max(self.weights.shape[1], 1)

    @property
    def d_out(self) -> int:
        return max(self.output.shape[1], 1)

    # -- controls ----------------------------------------------------------------------------
    def controls(self) -> list[Any]:
        import ipywidgets as w  # noqa: PLC0415

        def slider(name: str, lo: int, hi: int, label: str) -> Any:
            s = w.IntSlider(value=getattr(self, name), min=lo, max=hi, description=label, disabled=self.own)
            return bind(self, s, name)

        self._w_valid = bind(
            self,
            w.IntSlider(
                value=self.valid_len,
                min=1,
                max=max(self.n_k, 1),
                description="valid_len",
                disabled=self.mask != "valid length",
            ),
            "valid_len",
        )
        first = [
            bind(self, w.Dropdown(options=SCORINGS, value=self.scoring, description="scoring"), "scoring"),
            bind(self, w.Dropdown(options=MASKS, value=self.mask, description="mask"), "mask"),
            self._w_valid,
            bind(
                self,
                w.FloatLogSlider(
                    value=self.temperature,
                    base=10,
                    min=-1.5,
                    max=1.3,
                    step=0.05,
                    description="temperature",
                    readout_format=".3g",
                ),  # fmt: skip
                "temperature",
            ),
        ]
        second = [
            slider("n_queries", 1, 10, "queries"),
            slider("n_keys", 1, 10, "keys"),
            slider("d", 1, 16, "d (q, k)"),
            slider("seed", 0, 99, "seed"),
        ]
        return [w.HBox([w.VBox(first), w.VBox(second)])]

    def update(self, **state: Any) -> None:
        """As :meth:`Explorer.update`; the valid_len slider follows the number of keys."""
        super().update(**state)
        if getattr(self, "_w_valid", None) is not None:
            with quietly(self):
                self._w_valid.max = max(self.n_k, 1)
                self._w_valid.disabled = self.mask != "valid length"

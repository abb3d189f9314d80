"""The rules of :class:`~learntorch.viz.GradientInspector`: numbers in, words out.

Every sentence of a report is produced by one rule from the figures printed
above it, and every rule states its threshold, so a student can check the words
against the numbers:

* **dead units** (ReLU, ReLU6): a unit (one output feature, or one channel x pixel
  of a convolution) is *dead* in a batch when it outputs 0 for every sample; it
  then passes no gradient. A layer is flagged when its dead fraction is above
  ``dead_threshold`` (50%).
* **saturation** (Sigmoid, Tanh, Softsign, Hardtanh): an input ``x`` is *saturated*
  when the activation's derivative there is below ``saturation_fraction`` (10%) of
  its peak, i.e. ``|x| > x*`` with ``x*`` worked out from the activation's own
  derivative (:func:`saturation_point`). A layer is flagged above
  ``saturated_threshold`` (50%).
* **vanishing / exploding**: the gradient norm of the first layer with parameters
  divided by that of the last; flagged below ``vanish_ratio`` (1e-3) or above its
  inverse, or when any norm is above ``explode_norm`` (1e3). The report also
  gives the ratio between each layer and the next, and their geometric mean (the
  factor by which the gradient shrinks or grows per layer).
* **learning rate**: the update/weight ratio ``|w_after - w_before| / |w_before|``;
  about 1e-3 is healthy; the median over layers is flagged above ``lr_high`` (0.1)
  or below ``lr_low`` (1e-5).
* **nan**: any gradient norm that is nan or inf.

>>> round(saturation_point("Sigmoid", 0.1), 3), round(saturation_point("Tanh", 0.1), 3)
(3.637, 1.818)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Issue", "Report", "Check", "saturation_point", "judge", "RELU_TYPES", "SQUASH_TYPES", "PEAK"]

RELU_TYPES = ("ReLU", "ReLU6")
SQUASH_TYPES = ("Sigmoid", "Tanh", "Softsign", "Hardtanh")
PEAK = {
    "Sigmoid": "sigmoid'(0) = 0.25",
    "Tanh": "tanh'(0) = 1",
    "Softsign": "softsign'(0) = 1",
    "Hardtanh": "1",
}


def saturation_point(kind: str, fraction: float, module: Any = None) -> float:
    """``x*``: beyond ``|x| > x*`` the derivative of ``kind`` is below ``fraction`` of its peak.

    sigmoid'(x) / sigmoid'(0) = 1 / cosh(x/2)^2, tanh'(x) / tanh'(0) = 1 / cosh(x)^2,
    softsign'(x) / softsign'(0) = 1 / (1 + |x|)^2; hardtanh's slope drops from 1 to 0 at
    ``max_val`` (1 unless the module says otherwise).
    """
    if kind == "Sigmoid":
        return 2 * math.acosh(1 / math.sqrt(fraction))
    if kind == "Tanh":
        return math.acosh(1 / math.sqrt(fraction))
    if kind == "Softsign":
        return 1 / math.sqrt(fraction) - 1
    if kind == "Hardtanh":
        return float(getattr(module, "max_val", 1.0))
    raise ValueError(f"no saturation rule for {kind}")


@dataclass
class Issue:
    """One finding of :meth:`GradientInspector.report`."""

    kind: str  # "vanishing" | "exploding" | "dead_relu" | "saturated" | "lr_high" | "lr_low" | "nan"
    layer: str
    message: str


@dataclass
class Check:
    """One rule applied: what was measured, the threshold, and whether it fired."""

    rule: str
    measured: str
    threshold: str
    fired: bool


@dataclass
class Report:
    """The figures (a table), the rules applied (checks) and the findings in words."""

    table: str
    issues: list[Issue] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)

    @property
    def kinds(self) -> set[str]:
        return {i.kind for i in self.issues}

    def __str__(self) -> str:
        lines = [self.table, "", "Rules (measured | threshold | verdict):"]
        w = max((len(c.rule) for c in self.checks), default=0)
        for c in self.checks:
            verdict = "FLAGGED" if c.fired else "ok"
            lines.append(f"  {c.rule:<{w}}  {c.measured} | {c.threshold} | {verdict}")
        lines.append("")
        if self.issues:
            lines += [f"- {i.message}" for i in self.issues]
        else:
            lines.append("No rule fired: every measured figure is within its threshold above.")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        from html import escape  # noqa: PLC0415

        return f'<pre style="font-size:13px">{escape(str(self))}</pre>'


def _pct(v: float) -> str:
    return f"{v:.1%}"


def judge(
    names: list[str],
    layers: dict[str, dict[str, float]],
    acts: dict[str, dict[str, float]],
    act_types: dict[str, str],
    x_star: dict[str, float],
    has_grad: dict[str, bool],
    *,
    vanish_ratio: float,
    explode_norm: float,
    dead_threshold: float,
    saturated_threshold: float,
    saturation_fraction: float,
    lr_high: float,
    lr_low: float,
) -> tuple[list[Check], list[Issue]]:
    """Apply the rules of the module docs to the averaged figures."""
    checks: list[Check] = []
    issues: list[Issue] = []
    grads = {n: layers[n]["grad_norm"] for n in names}
    # -- nan ------------------------------------------------------------------------------
    bad = [n for n in names if has_grad[n] and not np.isfinite(grads[n])]
    checks.append(Check("nan/inf gradients", f"{len(bad)} layers", "0 layers", bool(bad)))
    if bad:
        issues.append(
            Issue(
                "nan", bad[0],
                f"Gradients of {', '.join(bad)} are nan/inf: the loss blew up. Lower the learning rate, clip "
                "gradients (nn.utils.clip_grad_norm_), or check for log(0) / division by 0.",
            )
        )  # fmt: skip
    # -- vanishing / exploding ----------------------------------------------------------------
    finite = [(n, g) for n, g in grads.items() if np.isfinite(g)]
    sat = {n: s["saturated"] for n, s in acts.items() if "saturated" in s}
    if len(finite) >= 2:
        (n0, g0), (n1, g1) = finite[0], finite[-1]
        ratio = g0 / g1 if g1 > 0 else float("inf")
        per = per_layer_factor(g0, g1, len(finite))
        vanish, explode = ratio < vanish_ratio, ratio > 1 / vanish_ratio
        checks.append(
            Check(
                f"grad norm first/last ({n0}/{n1})", f"{ratio:.2e} (x{per:.3g} per layer)",
                f"< {vanish_ratio:g} vanishing, > {1 / vanish_ratio:g} exploding", vanish or explode,
            )
        )  # fmt: skip
        if vanish:
            issues.append(Issue("vanishing", n0, _vanishing_words(n0, g0, n1, g1, per, sat, act_types, x_star,
                                                                  saturated_threshold)))  # fmt: skip
        elif explode:
            issues.append(
                Issue(
                    "exploding", n0,
                    f"Exploding gradients: the first layer ({n0}, norm {g0:.2e}) gets a gradient {ratio:.1e} "
                    f"times larger than the last layer ({n1}, {g1:.2e}), x{per:.3g} per layer. Use a smaller "
                    "init, normalisation layers, or gradient clipping.",
                )
            )  # fmt: skip
    big = max(finite, key=lambda t: t[1], default=None)
    if big is not None:
        fired = big[1] > explode_norm
        checks.append(Check(f"largest grad norm ({big[0]})", f"{big[1]:.2e}", f"> {explode_norm:g}", fired))
        if fired and "exploding" not in {i.kind for i in issues}:
            issues.append(
                Issue(
                    "exploding", big[0],
                    f"Exploding gradients: {big[0]} has a gradient of norm {big[1]:.2e} (> {explode_norm:g}). "
                    "Lower the learning rate, clip gradients (nn.utils.clip_grad_norm_), or normalise the inputs.",
                )
            )  # fmt: skip
    # -- dead units -------------------------------------------------------------------------
    dead = {n: s["dead"] for n, s in acts.items() if "dead" in s}
    if dead:
        worst = max(dead, key=lambda n: dead[n])
        checks.append(
            Check(
                f"dead ReLU units (worst: {worst})", _pct(dead[worst]), f"> {_pct(dead_threshold)}",
                dead[worst] > dead_threshold,
            )
        )  # fmt: skip
    for n, d in dead.items():
        if d > dead_threshold:
            issues.append(
                Issue(
                    "dead_relu", n,
                    f"Dying ReLUs: {_pct(d)} of the units of {n} output 0 for every sample in the batch "
                    f"(threshold {_pct(dead_threshold)}); they pass no gradient, so they stay dead. This usually "
                    "follows a learning rate that is too high; lower it, or use LeakyReLU / a Kaiming init.",
                )
            )  # fmt: skip
    # -- saturation --------------------------------------------------------------------------
    if sat:
        worst = max(sat, key=lambda n: sat[n])
        checks.append(
            Check(
                f"saturated inputs (worst: {worst}, |x| > {x_star[worst]:.3g})", _pct(sat[worst]),
                f"> {_pct(saturated_threshold)}", sat[worst] > saturated_threshold,
            )
        )  # fmt: skip
    for n, s in sat.items():
        if s > saturated_threshold:
            kind = act_types.get(n, "")
            issues.append(
                Issue(
                    "saturated", n,
                    f"Saturated {kind}: {_pct(s)} of the inputs of {n} have |x| > {x_star[n]:.3g}, where "
                    f"{kind.lower()}'s slope is below {saturation_fraction:.0%} of its peak ({PEAK.get(kind, '')}); "
                    "there almost no gradient flows back (tanh at x=4 has slope 0.0013). Scale the inputs "
                    "down, use a smaller init, or use ReLU.",
                )
            )  # fmt: skip
    # -- learning rate --------------------------------------------------------------------------
    ratios = [(n, layers[n]["update_ratio"]) for n in names if np.isfinite(layers[n]["update_ratio"])]
    if ratios:
        med = float(np.median([r for _, r in ratios]))
        high, low = med > lr_high, med < lr_low
        checks.append(
            Check("update/weight (median)", f"{med:.2e}", f"> {lr_high:g} too high, < {lr_low:g} too low",
                  high or low)
        )  # fmt: skip
        if high:
            n, r = max(ratios, key=lambda t: t[1])
            issues.append(
                Issue(
                    "lr_high", n,
                    f"Learning rate too high: each step changes the weights by {med:.1e} of their size "
                    f"(median over layers, > {lr_high:g}; {n}: {r:.1e}); about 1e-3 is healthy.",
                )
            )  # fmt: skip
        elif low:
            n, r = min(ratios, key=lambda t: t[1])
            issues.append(
                Issue(
                    "lr_low", n,
                    f"Weights barely move: each step changes them by {med:.1e} of their size (median over "
                    f"layers, < {lr_low:g}; {n}: {r:.1e}); about 1e-3 is healthy. Raise the learning rate, or "
                    "look for vanishing gradients / saturated activations.",
                )
            )  # fmt: skip
    return checks, issues


def per_layer_factor(g_first: float, g_last: float, n_layers: int) -> float:
    """Geometric mean of the layer-to-layer gradient-norm ratios: (g_first / g_last) ** (1 / (n - 1))."""
    if n_layers < 2 or g_last <= 0 or g_first <= 0:
        return float("nan")
    return float((g_first / g_last) ** (1.0 / (n_layers - 1)))


def _vanishing_words(
    n0: str, g0: float, n1: str, g1: float, per: float, sat: dict[str, float], act_types: dict[str, str],
    x_star: dict[str, float], saturated_threshold: float,
) -> str:  # fmt: skip
    words = (
        f"Vanishing gradients: the first layer ({n0}) gets a gradient of norm {g0:.2e}, "
        f"{g1 / max(g0, 1e-300):.1e} times smaller than the last layer ({n1}, {g1:.2e}); on average each "
        f"layer multiplies it by {per:.3g} on the way back. Early layers barely learn."
    )
    squash = {act_types[n] for n in sat}
    if sat:
        worst = max(sat, key=lambda n: sat[n])
        if sat[worst] > saturated_threshold:
            words += (
                f" Saturation adds to it: {sat[worst]:.1%} of the inputs of {worst} are beyond "
                f"|x| > {x_star[worst]:.3g}."
            )
        else:
            kinds = ", ".join(sorted(k.lower() for k in squash))
            words += (
                f" The {kinds} layers are not saturated (at most {sat[worst]:.1%} of inputs beyond "
                f"|x| > {x_star[worst]:.3g}), so the shrinking comes from the slopes themselves"
                + (": sigmoid'(x) <= 0.25 everywhere, so every sigmoid layer scales the gradient by at most "
                   "0.25 times the size of the weights after it." if "Sigmoid" in squash else ".")
            )  # fmt: skip
    words += " Use ReLU instead of sigmoid/tanh, a fitting init (Kaiming/Xavier), BatchNorm, or residual connections."
    return words

"""Run one generated program on torch and on learntorch, comparing after every line.

``run_program(draw)`` builds the leaves, then proposes, executes and compares up to
``max_lines`` lines; the first line where the two libraries disagree ends the program (what
follows would only echo that difference). If all lines agree, the backward of a weighted sum
of every float tensor that requires grad runs on both, and the leaves' gradients are compared.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import torch
from fuzz_compare import GRAD_ULPS, compare_errors, compare_tensor, compare_warnings, exc_class
from fuzz_draw import Draw
from fuzz_gen import Generator

import learntorch

LIBS = {
    "torch": {"torch": torch, "F": torch.nn.functional},
    "learntorch": {"torch": learntorch, "F": learntorch.nn.functional},
}
VAR = re.compile(r"v\d+$")


@dataclass
class Outcome:
    """What one program did: its text, the differences found, and counters."""

    text: str = ""
    divergences: list[tuple[str, str]] = field(default_factory=list)
    lines: int = 0
    stats: dict = field(default_factory=dict)

    @property
    def categories(self) -> list[str]:
        return sorted({c for c, _ in self.divergences})


def _exec(line: str, ns: dict) -> tuple[BaseException | None, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(line, ns)
            err = None
        except Exception as e:  # the oracle comparison is about which exception, so catch all
            err = e
    return err, [w.category.__name__ for w in caught]


def program_text(g: Generator, upto: int | None = None) -> str:
    head = [
        "import numpy as np",
        "from numpy import nan, inf",
        "import torch  # or: import learntorch as torch",
    ]
    head.append("import torch.nn.functional as F")
    for name, arr in g.consts.items():
        head.append(f"{name} = np.array({arr.tolist()!r}, dtype={str(arr.dtype)!r})")
    return "\n".join(head + g.lines[:upto])


class Pair:
    """The two namespaces a program runs in, kept in step."""

    def __init__(self) -> None:
        self.ns = {k: dict(v) for k, v in LIBS.items()}

    def sync_consts(self, consts: dict) -> None:
        for ns in self.ns.values():
            for k, v in consts.items():
                if k not in ns:
                    ns[k] = v.copy()

    def run(self, line: str, consts: dict) -> list[tuple[str, str]]:
        self.sync_consts(consts)
        te, tw = _exec(line, self.ns["torch"])
        le, lw = _exec(line, self.ns["learntorch"])
        out = compare_errors(te, le)
        self.both_raised = exc_class(te) if te is not None and le is not None else None
        if te is not None or le is not None:
            target = line.split(" = ", 1)[0]
            for ns in self.ns.values():
                if VAR.match(target) and "[" not in target:
                    ns.pop(target, None)
            return out
        return out + compare_warnings(tw, lw)

    def env(self) -> dict:
        return {k: v for k, v in self.ns["torch"].items() if VAR.match(k) and isinstance(v, torch.Tensor)}

    def compare_all(self, stats: dict) -> list[tuple[str, str]]:
        """Compare every variable. After a tolerated last-bit difference, later values may carry
        it amplified (a float32 ulp fed into float64 math), so the program goes on comparing at
        a float32-level tolerance (``fuzz_compare.LOOSE``)."""
        out = []
        for k, tv in self.env().items():
            lv = self.ns["learntorch"].get(k)
            loose = bool(stats.get("last-bit"))
            out += [(c, f"{k}: {m}") for c, m in compare_tensor(tv, lv, stats, loose=loose)]
        return out


def _final_backward(g: Generator, pair: Pair, out: Outcome) -> None:
    env = pair.env()
    grads = [k for k, v in env.items() if v.requires_grad and v.dtype.is_floating_point]
    if not grads:
        return
    terms = []
    for k in grads[-3:]:
        w = g.const(tuple(env[k].shape), "float64", special=False)
        terms.append(f"({k} * torch.tensor({w}).to({k}.dtype)).sum()")
    g.lines.append("loss = " + " + ".join(terms))
    g.lines.append("loss.backward()")
    for line in g.lines[-2:]:
        errs = pair.run(line, g.consts)
        if errs:
            out.divergences += [(f"backward-{c}", m) for c, m in errs]
            return
        if pair.both_raised:  # what a failed backward left in .grad is unspecified: stop here
            return
    # a float32 term's sum may round differently (summation order), then join float64 terms
    loose = bool(out.stats.get("last-bit")) or any(env[k].dtype == torch.float32 for k in grads[-3:])
    tl, ll = pair.ns["torch"]["loss"], pair.ns["learntorch"]["loss"]
    errs = compare_tensor(tl, ll, out.stats, loose=loose)
    if [c for c, _ in errs] == ["value"] and _within_sum_bound(tl, ll, env, grads[-3:], g):
        errs = []  # a sum that cancels: summation order moves it by ulps of the terms, not of the result
        out.stats["last-bit"] = out.stats.get("last-bit", 0) + 1
    out.divergences += [(c, f"loss: {m}") for c, m in errs]
    for k, tv in env.items():
        if not tv.is_leaf or not tv.requires_grad:
            continue
        tg, lg = tv.grad, pair.ns["learntorch"][k].grad
        if (tg is None) != (lg is None):
            out.divergences.append(("grad-none", f"{k}.grad: torch {tg} learntorch {lg}"))
        elif tg is not None:
            errs = compare_tensor(tg, lg, out.stats, GRAD_ULPS, bool(out.stats.get("last-bit")))
            out.divergences += [
                ("grad" if c in ("value", "nonfinite") else f"grad-{c}", f"{k}.grad: {m}") for c, m in errs
            ]


def _within_sum_bound(tl, ll, env: dict, names: list, g: Generator) -> bool:
    """|torch - learntorch| within ``GRAD_ULPS`` epsilons of Σ|terms| (the classic bound on how much
    the order of a floating-point sum can move it)."""
    consts = [c for c in g.consts if c.startswith("C")][-len(names) :]
    scale = sum(
        float((env[k].detach().abs().double() * torch.tensor(g.consts[c]).abs()).sum())
        for k, c in zip(names, consts)
    )
    eps = float(torch.finfo(tl.dtype).eps)
    return abs(float(tl.detach()) - float(ll.item())) <= GRAD_ULPS * eps * max(scale, 1.0)


def run_program(d: Draw, max_lines: int = 6) -> Outcome:
    """Generate and run one program; ``Outcome.divergences`` is empty when the two agree."""
    g = Generator(d)
    pair = Pair()
    out = Outcome()
    g.leaves()
    for line in g.lines:
        errs = pair.run(line, g.consts)
        if errs:
            out.divergences += errs
            out.text = program_text(g)
            return out
    for _ in range(max_lines):
        line = g.line(pair.env())
        if line is None:
            continue
        g.lines.append(line)
        out.lines += 1
        errs = pair.run(line, g.consts)
        if pair.both_raised:  # keep the printed program runnable: the line stays as a comment
            g.lines[-1] = f"# both raise {pair.both_raised}: {line}"
        if not errs:
            errs = pair.compare_all(out.stats)
        if errs:
            out.divergences += errs
            out.text = program_text(g)
            return out
    _final_backward(g, pair, out)
    out.text = program_text(g)
    return out


def summarize(outcomes: list[Outcome]) -> dict:
    """Programs per category (a program with two categories counts in both) and totals."""
    by: dict[str, int] = {}
    stats: dict[str, int] = {}
    for o in outcomes:
        for c in o.categories:
            by[c] = by.get(c, 0) + 1
        for k, v in o.stats.items():
            stats[k] = stats.get(k, 0) + v
    lines = sum(o.lines for o in outcomes)
    diverged = sum(1 for o in outcomes if o.divergences)
    return {"programs": len(outcomes), "lines": lines, "diverged": diverged, "by_category": by, **stats}

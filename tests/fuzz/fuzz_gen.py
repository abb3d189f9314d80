"""The program generator: one line of torch code at a time, chosen with the shapes seen so far.

A program is plain Python text over three names: ``torch``, ``F`` (``torch.nn.functional``) and
constants ``C0, C1, ...`` (numpy arrays). The runner executes each line twice, once with the
real torch bound to those names and once with learntorch, so the text printed on a failure *is*
the reproduction. Lines assign ``v0, v1, ...``; the generator looks at the torch-side values
already computed to pick operands that usually fit (and sometimes, on purpose, do not).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from fuzz_draw import Draw

FLOATS = ("float32", "float64")
DTYPES = ("float32", "float32", "float64", "float64", "int64", "bool")
SCALARS = ("2", "-1", "0.5", "-1.5", "0", "True", "3", "1e30", "float('nan')")

UNARY = (
    "abs neg exp log sqrt sin cos tanh sigmoid relu floor ceil round trunc sign square reciprocal "
    "rsqrt log1p expm1 log2 exp2 sinh cosh asin atan erf frac"
).split()
ACTIVATIONS = (
    "F.relu(a)",
    "F.gelu(a)",
    "F.gelu(a, approximate='tanh')",
    "F.elu(a)",
    "F.elu(a, alpha=0.5)",
    "F.softplus(a)",
    "F.softplus(a, beta=2.0, threshold=5.0)",
    "F.leaky_relu(a, 0.1)",
    "F.hardtanh(a)",
    "F.hardtanh(a, -0.5, 0.5)",
    "F.relu6(a)",
    "F.silu(a)",
    "F.logsigmoid(a)",
    "F.tanh(a)",
    "a.clamp(-1, 1)",
    "a.clamp(min=0)",
    "a.clamp(max=0.5)",
    "a.pow(2)",
    "a.pow(0.5)",
    "a.pow(3)",
    "torch.nan_to_num(a)",
    "torch.logit(a)",
)
BINARY_FN = (
    "add sub mul div maximum minimum pow remainder fmod atan2 hypot copysign xlogy eq lt ge ne".split()
)
BINARY_OP = ("+", "-", "*", "/", "**", "//", "%", "<", ">=", "==")
REDUCE = (
    "sum mean prod amax amin std var logsumexp max min argmax argmin cumsum cumprod all any nansum".split()
)
INPLACE = (
    "add_(b)",
    "mul_(b)",
    "sub_(b, alpha=2)",
    "div_(b)",
    "clamp_(-1, 1)",
    "relu_()",
    "zero_()",
    "fill_(1.5)",
    "exp_()",
    "sigmoid_()",
    "neg_()",
    "copy_(b)",
    "pow_(2)",
    "addcmul_(b, b, value=0.5)",
)


class Generator:
    """Holds the constants and lines of one program and proposes the next line."""

    def __init__(self, d: Draw) -> None:
        self.d = d
        self.consts: dict[str, np.ndarray] = {}
        self.lines: list[str] = []
        self.nvars = 0

    # -- helpers -------------------------------------------------------------------------
    def const(self, shape: tuple[int, ...], dtype: str, special: bool = True) -> str:
        name = f"C{len(self.consts)}"
        self.consts[name] = self.d.array(shape, dtype, special)
        return name

    def tensor(self, shape: tuple[int, ...], dtype: str) -> str:
        return f"torch.tensor({self.const(shape, dtype)})"

    def newvar(self) -> str:
        name = f"v{self.nvars}"
        self.nvars += 1
        return name

    def shape(self, nd: int | None = None) -> tuple[int, ...]:
        d = self.d
        nd = d.choice((0, 1, 1, 2, 2, 2, 3)) if nd is None else nd
        return tuple(
            d.choice((0, 1, 2, 3, 3, 4)) if d.coin(0.1) else d.choice((1, 2, 3, 4)) for _ in range(nd)
        )

    def dim(self, nd: int, none_ok: bool = True) -> str:
        d = self.d
        if none_ok and d.coin(0.2):
            return "None"
        if nd == 0:
            return d.choice(("0", "-1", "1"))
        if d.coin(0.15) and nd > 1:
            a, b = d.integer(-nd, nd - 1), d.integer(-nd, nd - 1)
            return f"({a}, {b})" if a % nd != b % nd else f"({a},)"
        return str(d.integer(-nd - (1 if d.coin(0.05) else 0), nd - 1))

    # -- leaves --------------------------------------------------------------------------
    def leaves(self) -> None:
        """One to three leaves whose shapes broadcast together (a base shape, trimmed or 1-ed)."""
        d = self.d
        base = self.shape()
        for _ in range(d.integer(1, 3)):
            shape = list(base[d.integer(0, len(base)) :] if d.coin(0.3) else base)
            shape = [1 if d.coin(0.2) else s for s in shape]
            dtype = d.choice(DTYPES)
            grad = dtype in FLOATS and d.coin(0.6)
            flag = ", requires_grad=True" if grad else ""
            self.lines.append(f"{self.newvar()} = torch.tensor({self.const(tuple(shape), dtype)}{flag})")

    # -- one line ------------------------------------------------------------------------
    def line(self, env: dict) -> str | None:
        """Propose the next line given the torch-side values ``env`` (name -> tensor)."""
        if not env:
            return None
        d = self.d
        name = d.choice(sorted(env))
        family = d.choice(FAMILIES)
        expr = family(self, name, env[name], env)
        if expr is None:
            return None
        if expr.startswith("!"):  # a statement that mutates an existing variable
            return expr[1:]
        return f"{self.newvar()} = {expr}"

    def operand(self, a, env: dict) -> str:
        """A second operand: another variable, a 0-d tensor, a Python scalar, or a fitting constant."""
        d = self.d
        kind = d.choice(("var", "var", "zero_d", "scalar", "const"))
        if kind == "var":
            return d.choice(sorted(env))
        if kind == "zero_d":
            return self.tensor((), d.choice(DTYPES))
        if kind == "scalar":
            return d.choice(SCALARS)
        shape = tuple(1 if d.coin(0.3) else s for s in a.shape)
        return self.tensor(shape[d.integer(0, len(shape)) :], d.choice(DTYPES))


def unary(g: Generator, n: str, a, env) -> str:
    fn = g.d.choice(UNARY)
    return f"torch.{fn}({n})" if g.d.coin() else f"{n}.{fn}()"


def activation(g: Generator, n: str, a, env) -> str:
    template = g.d.choice(ACTIVATIONS)
    if template.startswith("a."):
        return n + template[1:]
    return template.replace("(a", f"({n}", 1)


def binary(g: Generator, n: str, a, env) -> str:
    d = g.d
    b = g.operand(a, env)
    if d.coin():
        op = d.choice(BINARY_OP)
        return f"{n} {op} {b}" if d.coin(0.8) else f"{b} {op} {n}"
    fn = d.choice(BINARY_FN)
    extra = ""
    if fn in ("add", "sub") and d.coin(0.3):
        extra = f", alpha={d.choice(('2', '0.5', 'True'))}"
    if fn == "div" and d.coin(0.3):
        extra = f", rounding_mode={d.choice(('None', repr('floor'), repr('trunc')))}"
    return f"torch.{fn}({n}, {b}{extra})"


def where(g: Generator, n: str, a, env) -> str:
    b = g.operand(a, env)
    return f"torch.where({n} > 0, {n}, {b})"


def reduce(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    fn = d.choice(REDUCE)
    nd = a.dim()
    if fn in ("cumsum", "cumprod"):
        return f"{n}.{fn}({g.dim(nd, none_ok=False)})"
    if fn in ("max", "min") and d.coin(0.6):
        part = d.choice(("[0]", "[1]", ".values", ".indices"))
        return f"{n}.{fn}({g.dim(nd, none_ok=False)}, keepdim={d.coin()}){part}"
    if fn in ("max", "min", "all", "any"):
        return f"{n}.{fn}()"
    dim = g.dim(nd)
    if fn in ("argmax", "argmin"):
        dim = dim if not dim.startswith("(") else "0"
    keep = f", keepdim={d.coin()}"
    if fn in ("std", "var"):
        corr = d.choice(("", ", correction=0", ", unbiased=False", ", correction=2"))
        if "unbiased" in corr and dim == "None":
            return f"{n}.{fn}(unbiased=False)"
        return f"{n}.{fn}(dim={dim}{corr}{keep})"
    if fn == "logsumexp" and dim == "None":
        dim = "0"
    if fn in ("prod",) and dim.startswith("("):
        dim = "0"
    if dim == "None" and fn not in ("logsumexp",):
        return f"{n}.{fn}()" if d.coin(0.7) else f"torch.{fn}({n})"
    return f"{n}.{fn}({dim}{keep})"


def shape_op(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    nd, shape = a.dim(), tuple(a.shape)
    kind = d.choice(
        "reshape view t transpose permute unsqueeze squeeze flatten expand contiguous clone narrow flip "
        "repeat chunk mT movedim to".split()
    )
    if kind in ("reshape", "view"):
        new = list(shape)
        d.choice((lambda: new.reverse(), lambda: None))()
        if d.coin(0.3):
            new = [int(np.prod(shape, dtype=np.int64))]
        if new and d.coin(0.3):
            new[d.integer(0, len(new) - 1)] = -1
        if d.coin(0.2):
            new.insert(0, 1)
        return f"{n}.{kind}({tuple(new)})" if d.coin(0.8) else f"torch.reshape({n}, {tuple(new)})"
    if kind == "t":
        return f"{n}.t()"
    if kind == "mT":
        return f"{n}.mT"
    if kind == "transpose":
        return f"{n}.transpose({g.dim(nd, False)}, {g.dim(nd, False)})"
    if kind == "permute":
        perm = list(range(nd))
        for i in range(nd - 1, 0, -1):
            j = d.integer(0, i)
            perm[i], perm[j] = perm[j], perm[i]
        return f"{n}.permute({tuple(perm)})"
    if kind == "unsqueeze":
        return f"{n}.unsqueeze({d.integer(-nd - 1, nd)})"
    if kind == "squeeze":
        return f"{n}.squeeze()" if d.coin(0.3) else f"{n}.squeeze({g.dim(nd, False)})"
    if kind == "flatten":
        return f"{n}.flatten()" if d.coin(0.4) else f"{n}.flatten({g.dim(nd, False)})"
    if kind == "expand":
        new = tuple(d.choice((2, 3)) if s == 1 else (-1 if d.coin(0.3) else s) for s in shape)
        if d.coin(0.3):
            new = (2, *new)
        return f"{n}.expand{new}" if len(new) > 1 else f"{n}.expand({new[0] if new else ''})"
    if kind in ("contiguous", "clone"):
        return f"{n}.{kind}()"
    if kind == "narrow":
        if nd == 0:
            return None
        k = d.integer(0, nd - 1)
        start = d.integer(0, shape[k])
        return f"{n}.narrow({k}, {start}, {d.integer(0, max(shape[k] - start, 0))})"
    if kind == "flip":
        return f"{n}.flip({g.dim(nd, False)})"
    if kind == "repeat":
        reps = tuple(d.choice((1, 2)) for _ in range(nd + d.integer(0, 1)))
        return f"{n}.repeat{reps}" if len(reps) > 1 else f"{n}.repeat({reps[0] if reps else ''})"
    if kind == "chunk":
        return f"{n}.chunk({d.integer(1, 3)}, {g.dim(nd, False)})[0]"
    if kind == "movedim":
        return f"{n}.movedim({g.dim(nd, False)}, {g.dim(nd, False)})"
    return f"{n}.to(torch.{d.choice(DTYPES)})"


def index(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    nd, shape = a.dim(), tuple(a.shape)
    kind = d.choice(("int", "slice", "slice2", "none", "ellipsis", "list", "tensor", "mask", "mask_self"))
    size0 = shape[0] if nd else 1
    if kind == "int":
        return f"{n}[{d.integer(-size0 - 1, size0)}]"
    if kind == "slice":
        return f"{n}[{d.integer(-3, 3)}:{d.integer(-3, 4)}:{d.choice((1, 1, 2, 3))}]"
    if kind == "slice2":
        return f"{n}[:, {d.integer(0, 2)}::{d.choice((1, 2))}]"
    if kind == "none":
        return f"{n}[None]" if d.coin() else f"{n}[..., None]"
    if kind == "ellipsis":
        return f"{n}[..., {d.integer(-2, 1)}]"
    if kind == "list":
        idx = [d.integer(-size0, max(size0 - 1, 0)) for _ in range(d.integer(0, 3))]
        return f"{n}[{idx}]" if d.coin() else f"{n}[:, {idx}]"
    if kind == "tensor":
        c = g.const((d.integer(0, 3),), "int64")
        g.consts[c] = np.clip(g.consts[c], -size0, max(size0 - 1, 0))
        return f"{n}[torch.tensor({c})]"
    if kind == "mask_self":
        return f"{n}[{n} > 0]"
    return f"{n}[{g.tensor(shape[: d.integer(0, nd)], 'bool')}]"


def matmul(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    shape, dt = tuple(a.shape), str(a.dtype).split(".")[-1]
    inner = shape[-1] if shape else d.integer(0, 3)
    if d.coin(0.1):
        inner += 1  # a mismatch: the error class and message
    k = d.choice((0, 1, 2, 3)) if d.coin(0.1) else d.choice((1, 2, 3))
    kind = d.choice(("matmul", "mm", "at", "linear", "linear_nob", "bmm", "vec"))
    if kind == "linear" or kind == "linear_nob":
        bias = "" if kind == "linear_nob" else f", {g.tensor((k,), dt)}"
        return f"F.linear({n}, {g.tensor((k, inner), dt)}{bias})"
    if kind == "vec":
        return f"torch.matmul({n}, {g.tensor((inner,), dt)})"
    if kind == "bmm":
        b0 = shape[0] if len(shape) == 3 else 2
        return f"torch.bmm({n}, {g.tensor((b0, inner, k), dt)})"
    other = g.tensor((inner, k), dt)
    if kind == "at":
        return f"{n} @ {other}" if d.coin(0.8) else f"{other}.mT @ {n}.mT"
    return f"torch.{kind}({n}, {other})"


def softmax(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    nd = a.dim()
    dim = g.dim(nd, none_ok=False)
    kind = d.choice(("softmax", "log_softmax", "t_softmax", "m_softmax", "normalize", "logsumexp"))
    if kind == "normalize":
        return f"F.normalize({n}, p={d.choice((1, 2, 2.0))}, dim={dim})"
    if kind == "t_softmax":
        return f"torch.softmax({n}, {dim})"
    if kind == "m_softmax":
        return f"{n}.log_softmax({dim})"
    if kind == "logsumexp":
        return f"torch.logsumexp({n}, {dim})"
    return f"F.{kind}({n}, dim={dim})"


def loss(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    shape, dt = tuple(a.shape), str(a.dtype).split(".")[-1]
    red = f", reduction={d.choice(('mean', 'sum', 'none', 'mean'))!r}"
    kind = d.choice(("mse", "l1", "smooth", "huber", "bce", "bcel", "ce", "nll", "kl", "ce_prob"))
    if kind in ("mse", "l1"):
        return f"F.{kind}_loss({n}, {g.tensor(shape, dt)}{red})"
    if kind == "smooth":
        return f"F.smooth_l1_loss({n}, {g.tensor(shape, dt)}, beta={d.choice((1.0, 0.5, 0.0))}{red})"
    if kind == "huber":
        return f"F.huber_loss({n}, {g.tensor(shape, dt)}, delta={d.choice((1.0, 0.5))}{red})"
    prob = g.const(shape, dt if dt in FLOATS else "float32", special=False)
    g.consts[prob] = 1.0 / (1.0 + np.exp(-g.consts[prob]))
    if kind == "bce":
        w = f", weight={g.tensor(shape, dt)}" if d.coin(0.3) else ""
        return f"F.binary_cross_entropy({n}.sigmoid(), torch.tensor({prob}){w}{red})"
    if kind == "bcel":
        pw = f", pos_weight={g.tensor(shape[-1:], dt)}" if d.coin(0.3) else ""
        return f"F.binary_cross_entropy_with_logits({n}, torch.tensor({prob}){pw}{red})"
    if kind == "kl":
        lt = ", log_target=True" if d.coin(0.3) else ""
        return f"F.kl_div({n}.log_softmax(-1), torch.tensor({prob}){lt}{red})"
    nclass = shape[1] if len(shape) > 1 else (shape[0] if shape else 1)
    tshape = (shape[0],) + shape[2:] if len(shape) > 1 else ()
    tgt = g.const(tshape, "int64")
    g.consts[tgt] = np.abs(g.consts[tgt]) % max(nclass, 1)
    opts = red
    if d.coin(0.3):
        opts += f", ignore_index={d.choice((0, -100, 1))}"
    if d.coin(0.3):
        opts += f", weight={g.tensor((nclass,), dt)}"
    if kind == "ce_prob":
        return f"F.cross_entropy({n}, {n}.detach().softmax({1 if len(shape) > 1 else 0}){red})"
    if kind == "ce" and d.coin(0.3):
        opts += f", label_smoothing={d.choice((0.1, 0.5))}"
    inp = n if kind == "ce" else f"{n}.log_softmax({1 if len(shape) > 1 else 0})"
    fn = "cross_entropy" if kind == "ce" else "nll_loss"
    return f"F.{fn}({inp}, torch.tensor({tgt}){opts})"


def inplace(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    b = g.operand(a, env)
    if d.coin(0.3):
        nd = a.dim()
        idx = d.choice(("0", "1:", "..., 0", ":, ::2", "None")) if nd else "..."
        return f"!{n}[{idx}] = {b}"
    op = d.choice(INPLACE).replace("(b", f"({b}").replace(", b,", f", {b},")
    return f"{n}.{op}"


def join(g: Generator, n: str, a, env) -> str | None:
    d = g.d
    others = [m for m in sorted(env) if tuple(env[m].shape) == tuple(a.shape) or d.coin(0.1)]
    parts = [n] + [d.choice(others) for _ in range(d.integer(0, 2))]
    if d.coin(0.2):
        parts.append(f"{n}.t()" if a.dim() == 2 else n)
    nd = a.dim()
    fn = d.choice(("cat", "stack", "cat"))
    dim = d.integer(-nd - (1 if fn == "stack" else 0), max(nd - 1, 0) + (1 if fn == "stack" else 0))
    return f"torch.{fn}([{', '.join(parts)}], {dim})"


FAMILIES: tuple[Callable, ...] = (
    unary,
    activation,
    binary,
    binary,
    where,
    reduce,
    reduce,
    shape_op,
    shape_op,
    index,
    matmul,
    softmax,
    loss,
    inplace,
    join,
)

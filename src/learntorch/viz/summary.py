"""``viz.summary``: a torchinfo-style table of a model.

Runs one forward pass with hooks on every module and reports, per module call:
the layer tree, output shape, parameter count and mult-adds; then totals and a
memory estimate. Conventions (same as torchinfo, so numbers can be compared):

* **Param #** is a module's own parameters (``--`` for a container that only
  holds other modules); totals count every distinct parameter once.
* **Mult-adds** of a ``Linear`` are ``(weight.numel() + bias.numel())`` times the
  number of rows it is applied to (``prod(out.shape[:-1])``); of a ``Conv``, each
  parameter's size times ``N x H_out x W_out`` (the channel sum is in the weight);
  other layers with weights (BatchNorm ...) count ``batch x params``.
* **Memory** (torchinfo's definitions): input size = the bytes of the inputs;
  forward/backward pass size = 2 x the bytes of the output of every leaf layer
  *that has parameters* (the output, and its gradient in backward; activations of
  ReLU, pooling and friends are not counted, as in torchinfo); params size = the
  bytes of all parameters; estimated total = their sum.
* ``col_names``: ``input_size``, ``output_size``, ``num_params``, ``params_percent``
  (a layer's share of all parameters), ``kernel_size``, ``groups``, ``mult_adds``,
  ``trainable``. ``row_settings``: ``depth`` (``: 1-2`` after each name),
  ``var_names`` (the attribute name), ``ascii_only``. ``verbose``: 0 prints
  nothing, 1 prints the table, 2 also lists each layer's weights; by default 0
  in a notebook (the returned summary shows itself) and 1 in a script.

>>> import learntorch as torch
>>> from learntorch import nn
>>> class TwoLayer(nn.Module):
...     def __init__(self):
...         super().__init__()
...         self.w1 = nn.Parameter(torch.zeros(4, 3))
...     def forward(self, x):
...         return x @ self.w1
>>> s = summary(TwoLayer(), input_size=(2, 4), verbose=0)
>>> s.total_params, s.trainable_params, s.rows[0].output_shape
(12, 12, (2, 3))
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from html import escape
from math import prod
from typing import Any, Sequence

__all__ = ["ModelSummary", "LayerRow", "summary"]

WIDTH = 96
COLUMNS = (
    "input_size", "output_size", "num_params", "params_percent", "kernel_size", "groups", "mult_adds", "trainable",
)  # fmt: skip
ROW_SETTINGS = ("depth", "var_names", "ascii_only", "hide_recursive_layers")


@dataclass
class LayerRow:
    """One module call in the summary."""

    name: str  # qualified name ("" for the model itself)
    type: str
    depth: int
    index: int  # 1-based position among its parent's calls
    input_shape: tuple | None
    output_shape: tuple | None
    num_params: int  # own parameters
    trainable: int
    mult_adds: int
    is_leaf: bool
    output_bytes: int
    kernel_size: Any = None
    groups: Any = None
    weights: list[tuple[str, tuple[int, ...], int]] | None = None  # (name, shape, count) of own params


def _shapes(x: Any) -> Any:
    if hasattr(x, "shape"):
        return tuple(int(s) for s in x.shape)
    if isinstance(x, (list, tuple)) and x:
        inner = [_shapes(v) for v in x]
        return inner[0] if len(inner) == 1 else tuple(inner)
    return None


def _nbytes(x: Any) -> int:
    if hasattr(x, "shape") and hasattr(x, "element_size"):
        return int(prod(x.shape)) * int(x.element_size())
    if isinstance(x, (list, tuple)):
        return sum(_nbytes(v) for v in x)
    return 0


def _mult_adds(module: Any, out_shape: Any) -> int:
    if not isinstance(out_shape, tuple) or not out_shape or not isinstance(out_shape[0], int):
        return 0
    cls = type(module).__name__
    total = 0
    for pname, p in module.named_parameters(recurse=False):
        n = int(p.numel())
        if cls == "Linear" or cls == "LazyLinear" or cls == "Bilinear":
            total += n * prod(out_shape[:-1])
        elif "Conv" in cls and pname in ("weight", "bias"):
            total += n * prod((out_shape[0],) + out_shape[2:])
        elif "weight" in pname or "bias" in pname:
            total += n * (prod(out_shape[:2]) if cls in ("RNN", "LSTM", "GRU") else out_shape[0])
    return int(total)


class ModelSummary:
    """What :func:`summary` returns: prints as a table, shows as HTML in notebooks."""

    def __init__(
        self,
        model: Any,
        rows: list[LayerRow],
        input_bytes: int,
        depth: int,
        col_names: Sequence[str],
        row_settings: Sequence[str] = ("depth",),
        verbose: int = 0,
    ) -> None:
        self.model_name = type(model).__name__
        self.rows = rows
        self.depth = depth
        self.col_names = tuple(col_names)
        self.row_settings = tuple(row_settings)
        self.verbose = verbose
        params = {id(p): p for p in model.parameters()}.values()
        self.total_params = int(sum(p.numel() for p in params))
        self.trainable_params = int(sum(p.numel() for p in params if p.requires_grad))
        self.non_trainable_params = self.total_params - self.trainable_params
        self.total_mult_adds = int(sum(r.mult_adds for r in rows))
        self.input_bytes = int(input_bytes)
        # torchinfo: x2 (output and its gradient) for leaf layers that have parameters
        self.forward_backward_bytes = int(2 * sum(r.output_bytes for r in rows if r.is_leaf and r.num_params))
        self.params_bytes = int(sum(int(p.numel()) * int(p.element_size()) for p in params))
        self.total_bytes = self.input_bytes + self.forward_backward_bytes + self.params_bytes

    # -- table ---------------------------------------------------------------------------
    def _visible(self) -> list[LayerRow]:
        return [r for r in self.rows if r.depth <= self.depth]

    def _name(self, r: LayerRow) -> str:
        name = r.type
        if "var_names" in self.row_settings and r.name:
            name += f" ({r.name})"
        if "depth" in self.row_settings and r.depth > 0:
            name += f": {r.depth}-{r.index}"
        return name

    def _prefix(self, depth: int) -> str:
        ascii_only = "ascii_only" in self.row_settings
        if depth == 0:
            return ""
        return ("|    " if ascii_only else "│    ") * (depth - 1) + ("+ " if ascii_only else "├─")

    def _cells(self, r: LayerRow, rows: list[LayerRow]) -> list[str]:
        title = self._prefix(r.depth) + self._name(r)
        cut_here = r.depth == self.depth and not r.is_leaf
        cells = [title]
        for c in self.col_names:
            if c == "input_size":
                cells.append(_fmt_shape(r.input_shape))
            elif c == "output_size":
                cells.append(_fmt_shape(r.output_shape))
            elif c == "num_params":
                n = r.num_params
                if cut_here:
                    n = sum(x.num_params for x in self._subtree(r))
                cells.append(f"{n:,}" if n else "--")
            elif c == "trainable":
                cells.append(
                    "--" if not r.num_params else ("True" if r.trainable == r.num_params else "Partial")
                )
            elif c == "params_percent":
                n = sum(x.num_params for x in self._subtree(r)) if cut_here else r.num_params
                cells.append(f"{n / self.total_params:.2%}" if n and self.total_params else "--")
            elif c == "kernel_size":
                cells.append(str(list(r.kernel_size)) if r.kernel_size is not None else "--")
            elif c == "groups":
                cells.append(str(r.groups) if r.groups is not None else "--")
            elif c == "mult_adds":
                m = r.mult_adds
                if cut_here:
                    m = sum(x.mult_adds for x in self._subtree(r))
                cells.append(f"{m:,}" if m else "--")
            else:
                raise ValueError(f"unknown column {c!r}")
        return cells

    def _subtree(self, r: LayerRow) -> list[LayerRow]:
        i = self.rows.index(r)
        out = [r]
        for x in self.rows[i + 1 :]:
            if x.depth <= r.depth:
                break
            out.append(x)
        return out

    _HEADERS = {
        "kernel_size": "Kernel Shape",
        "groups": "Groups",
        "params_percent": "Param %",
        "input_size": "Input Shape",
        "output_size": "Output Shape",
        "num_params": "Param #",
        "mult_adds": "Mult-Adds",
        "trainable": "Trainable",
    }

    def totals(self) -> list[str]:
        return [
            f"Total params: {self.total_params:,}",
            f"Trainable params: {self.trainable_params:,}",
            f"Non-trainable params: {self.non_trainable_params:,}",
            f"Total mult-adds ({_unit(self.total_mult_adds)[1]}): {_unit(self.total_mult_adds)[0]}",
        ]

    def memory_lines(self) -> list[str]:
        return [
            f"Input size (MB): {self.input_bytes / 1e6:.2f}",
            f"Forward/backward pass size (MB): {self.forward_backward_bytes / 1e6:.2f}",
            f"Params size (MB): {self.params_bytes / 1e6:.2f}",
            f"Estimated Total Size (MB): {self.total_bytes / 1e6:.2f}",
        ]

    def __str__(self) -> str:
        rows = self._visible()
        extra = (" (var_name)" if "var_names" in self.row_settings else "") + (
            ":depth-idx" if "depth" in self.row_settings else ""
        )
        header = [f"Layer (type{extra})"] + [self._HEADERS[c] for c in self.col_names]
        body = []
        for r in rows:
            body.append(self._cells(r, rows))
            if self.verbose == 2 and r.weights:
                for i, (pname, shape, count) in enumerate(r.weights):
                    last = i == len(r.weights) - 1
                    cells = [self._prefix(r.depth + 1) + pname]
                    for c in self.col_names:
                        cells.append(
                            str(list(shape)) if c == "kernel_size" else
                            ("└─" if last else "├─") + f"{count:,}" if c == "num_params" else ""
                        )  # fmt: skip
                    body.append(cells)
        w0 = max(len(header[0]), *(len(b[0]) for b in body)) + 3
        ws = [max(len(header[i]), *(len(b[i]) for b in body)) + 3 for i in range(1, len(header))]
        width = max(WIDTH, w0 + sum(ws))

        def line(cells: list[str]) -> str:
            return (cells[0].ljust(w0) + "".join(c.ljust(w) for c, w in zip(cells[1:], ws))).rstrip()

        sep = "=" * width
        out = [sep, line(header), sep]
        out += [line(b) for b in body]
        out += [sep, *self.totals(), sep, *self.memory_lines(), sep]
        return "\n".join(out)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        """The table styled like JupyterLab's own tables (inline styles, so they survive sanitising)."""
        rows = self._visible()
        th = "padding:6px 10px;border-bottom:1px solid #616161;font-weight:bold;text-align:{}"
        heads = ["Layer"] + [self._HEADERS[c] for c in self.col_names]
        head = "".join(
            f'<th style="{th.format("left" if i == 0 else "right")}">{escape(h)}</th>'
            for i, h in enumerate(heads)
        )
        trs = []
        for k, r in enumerate(rows):
            cells = self._cells(r, rows)
            name = f"{r.name} ({r.type})" if r.name else r.type
            bg = "#f5f5f5" if k % 2 == 0 else "#ffffff"
            pad = f"padding:4px 10px 4px {10 + 18 * r.depth}px;text-align:left;white-space:nowrap"
            tds = f'<td style="{pad}">{escape(name)}</td>' + "".join(
                f'<td style="padding:4px 10px;text-align:right;white-space:nowrap">{escape(c)}</td>'
                for c in cells[1:]
            )
            trs.append(f'<tr style="background:{bg}">{tds}</tr>')
        foot = "".join(
            f'<tr><td style="padding:2px 10px;text-align:left">{escape(k)}</td>'
            f'<td style="padding:2px 10px;text-align:right">{escape(v)}</td></tr>'
            for k, v in (line.rsplit(": ", 1) for line in self.totals() + self.memory_lines())
        )
        table = "border-collapse:collapse;border:none;font-size:13px;margin:4px 0"
        return (
            f'<div class="lt-summary" style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;'
            f'color:#212121">'
            f'<table style="{table}"><thead><tr>{head}</tr></thead><tbody>{"".join(trs)}</tbody></table>'
            f'<table style="{table};margin-top:8px"><tbody>{foot}</tbody></table>'
            '<div style="font-size:12px;color:#616161;margin-top:4px">Memory as torchinfo counts it: '
            "forward/backward = 2 x the outputs of the layers with parameters.</div></div>"
        )

    def html(self) -> str:
        """A standalone HTML page with the styled table."""
        return (
            "<!doctype html><meta charset='utf-8'>"
            f"<title>{escape(self.model_name)} summary</title>"
            f"<body style='margin:16px;background:#fff'>{self._repr_html_()}</body>"
        )

    def save(self, path: str) -> str:
        """Write the table as text, or as a styled HTML page when ``path`` ends in ``.html``."""
        text = self.html() if str(path).endswith((".html", ".htm")) else str(self) + "\n"
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return str(path)


def _unit(n: int) -> tuple[str, str]:
    if n >= 1e9:
        return f"{n / 1e9:.2f}", "G"
    if n >= 1e6:
        return f"{n / 1e6:.2f}", "M"
    return f"{n / 1e3:.2f}", "K" if n else "M"


def _fmt_shape(s: Any) -> str:
    if s is None:
        return "--"
    if isinstance(s, tuple) and s and isinstance(s[0], tuple):
        return ", ".join(_fmt_shape(x) for x in s)
    return "[" + ", ".join(str(v) for v in s) + "]"


def _lib_of(model: Any) -> Any:
    """The tensor library (learntorch or torch) the model's parameters come from."""
    for p in model.parameters():
        root = type(p).__module__.split(".")[0]
        return sys.modules.get(root) or __import__(root)
    import learntorch  # noqa: PLC0415

    return learntorch


def summary(
    model: Any,
    input_size: Sequence[int] | Sequence[Sequence[int]] | None = None,
    input_data: Any = None,
    dtypes: Sequence[Any] | None = None,
    depth: int = 3,
    col_names: Sequence[str] = ("output_size", "num_params", "mult_adds"),
    device: Any = None,
    row_settings: Sequence[str] = ("depth",),
    verbose: int | None = None,
) -> ModelSummary:
    """Summarise ``model`` by running one forward pass on zeros of ``input_size`` (or ``input_data``).

    Args:
        input_size: one shape including the batch dimension, e.g. ``(1, 1, 28, 28)``,
            or a list of shapes for a model with several inputs.
        input_data: the input tensor(s) themselves, instead of ``input_size``.
        dtypes: dtypes of the generated inputs (default: float32).
        depth: how deep the layer tree is shown (deeper modules are summed into their parent).
        col_names: any of ``"input_size"``, ``"output_size"``, ``"num_params"``,
            ``"params_percent"``, ``"kernel_size"``, ``"groups"``, ``"mult_adds"``, ``"trainable"``.
        device: where to put generated inputs (default: the model's device).
        row_settings: any of ``"depth"``, ``"var_names"``, ``"ascii_only"``.
        verbose: 0 quiet, 1 print the table, 2 print it with each layer's weights;
            default 0 in a notebook and 1 in a script (as torchinfo).
    """
    bad = [c for c in col_names if c not in COLUMNS]
    if bad:
        raise ValueError(
            f"{bad[0]!r} is not a valid ColumnSettings\nhint: col_names can be any of {', '.join(COLUMNS)}."
        )
    bad = [r for r in row_settings if r not in ROW_SETTINGS]
    if bad:
        raise ValueError(
            f"{bad[0]!r} is not a valid RowSettings\nhint: row_settings can be any of {', '.join(ROW_SETTINGS)}."
        )
    if verbose is None:
        verbose = 0 if _in_notebook() else 1
    lib = _lib_of(model)
    if input_data is None:
        if input_size is None:
            raise ValueError("summary() needs input_size=(batch, ...) or input_data=tensor")
        sizes = list(input_size) if isinstance(input_size[0], (list, tuple)) else [input_size]
        dts = list(dtypes) if dtypes else [lib.float32] * len(sizes)
        if device is None:
            first = next(iter(model.parameters()), None)
            device = first.device if first is not None else "cpu"
        inputs = [lib.zeros(tuple(s), dtype=dt, device=device) for s, dt in zip(sizes, dts)]
    else:
        inputs = list(input_data) if isinstance(input_data, (list, tuple)) else [input_data]
    rows: list[LayerRow] = []
    stack: list[tuple[LayerRow, list[int]]] = []
    handles = []
    counters: list[int] = [0]
    names = {id(m): n for n, m in model.named_modules()}

    def pre(mod: Any, args: Any) -> None:
        parent_count = stack[-1][1] if stack else counters
        parent_count[0] += 1
        own = list(mod.parameters(recurse=False))
        is_leaf = next(iter(mod.children()), None) is None
        row = LayerRow(
            name=names.get(id(mod), "?"),
            type=type(mod).__name__,
            depth=len(stack),
            index=parent_count[0],
            input_shape=_shapes(args),
            output_shape=None,
            num_params=int(sum(p.numel() for p in own)),
            trainable=int(sum(p.numel() for p in own if p.requires_grad)),
            mult_adds=0,
            is_leaf=is_leaf,
            output_bytes=0,
            kernel_size=_as_tuple(getattr(mod, "kernel_size", None)),
            groups=getattr(mod, "groups", None),
            weights=[(n, tuple(int(v) for v in _kernel_order(n, p.shape)), int(p.numel()))
                     for n, p in mod.named_parameters(recurse=False)],
        )  # fmt: skip
        rows.append(row)
        stack.append((row, [0]))

    def post(mod: Any, args: Any, output: Any) -> None:
        row, _ = stack.pop()
        row.output_shape = _shapes(output)
        row.output_bytes = _nbytes(output)
        row.mult_adds = _mult_adds(mod, row.output_shape)

    for _, mod in model.named_modules():
        handles.append(mod.register_forward_pre_hook(pre))
        handles.append(mod.register_forward_hook(post))
    was_training = model.training
    try:
        model.eval()
        with lib.no_grad():
            model(*inputs)
    finally:
        for h in handles:
            h.remove()
        model.train(was_training)
    input_bytes = sum(_nbytes(x) for x in inputs)
    result = ModelSummary(model, rows, input_bytes, depth, col_names, row_settings, verbose)
    if verbose:
        print(result)
    return result


def _in_notebook() -> bool:
    if hasattr(sys, "ps1"):
        return True
    ip = sys.modules.get("IPython")
    return ip is not None and ip.get_ipython() is not None


def _as_tuple(k: Any) -> tuple | None:
    if k is None:
        return None
    return tuple(k) if isinstance(k, (tuple, list)) else (k,)


def _kernel_order(name: str, shape: Any) -> list[int]:
    """torchinfo shows a weight as [in, out, k...]: the first two dimensions swapped."""
    dims = list(shape)
    if name == "weight" and len(dims) > 1:
        dims[0], dims[1] = dims[1], dims[0]
    return dims

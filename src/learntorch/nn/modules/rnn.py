"""Recurrent layers: RNN, LSTM, GRU and their single-step cells.

Taught in note 002 §nn.RNN (RNN/LSTM/GRU with num_layers, batch_first, dropout).
The step functions are in :mod:`learntorch.nn._functional_rnn`; here are the
parameters (PyTorch's names ``weight_ih_l0``, ``weight_hh_l0``, ``bias_ih_l0``,
``bias_hh_l0``, plus ``_reverse`` for the backward direction), the stacking of
layers and directions, and the shapes.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from ... import creation
from ...tensor import Tensor
from .. import _functional_rnn as R
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


class RNNBase(Module):
    """What RNN, LSTM and GRU share: per-layer, per-direction weights and the loop over layers."""

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                     "bidirectional", "proj_size"]  # fmt: skip

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False, proj_size: int = 0,
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError(
                "dropout should be a number in range [0, 1] representing the probability of an element being zeroed"
            )
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects "
                f"num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}",
                stacklevel=2,
            )
        if not isinstance(hidden_size, int) or hidden_size <= 0:
            raise ValueError("hidden_size must be an integer greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size != 0:
            raise ValueError("proj_size is not supported by learntorch's LSTM (use proj_size=0)")
        gate_size = _GATES[mode] * hidden_size
        num_dir = 2 if bidirectional else 1
        self._flat_weights_names: list[str] = []
        for layer in range(num_layers):
            for direction in range(num_dir):
                in_size = input_size if layer == 0 else hidden_size * num_dir
                sfx = "_reverse" if direction == 1 else ""
                names = [f"weight_ih_l{layer}{sfx}", f"weight_hh_l{layer}{sfx}"]
                shapes = [(gate_size, in_size), (gate_size, hidden_size)]
                if bias:
                    names += [f"bias_ih_l{layer}{sfx}", f"bias_hh_l{layer}{sfx}"]
                    shapes += [(gate_size,), (gate_size,)]
                for name, shape in zip(names, shapes):
                    setattr(self, name, Parameter(creation.empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
        self.reset_parameters()

    @property
    def _flat_weights(self) -> list[Tensor]:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list[list[Parameter]]:
        per = 4 if self.bias else 2
        w = self._flat_weights
        return [w[i : i + per] for i in range(0, len(w), per)]

    def reset_parameters(self) -> None:
        """Every weight and bias ~ U(−1/√hidden_size, 1/√hidden_size), PyTorch's default."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    def _check_input(self, input: Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 2D or 3D, got {input.ndim}D tensor instead\n"
                "hint: the input is (L, N, H_in), or (N, L, H_in) with batch_first=True, or (L, H_in) unbatched."
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input.size(-1) must be equal to input_size. Expected {self.input_size}, got {input.shape[-1]}\n"
                f"hint: {type(self).__name__}(input_size={self.input_size}, ...) needs {self.input_size} features per "
                "time step in the last dimension of the input."
            )

    def _check_hidden(self, hx: Tensor, expected: tuple, what: str = "Expected hidden size") -> None:
        if tuple(hx.shape) != expected:
            raise RuntimeError(
                f"{what} {expected}, got {list(hx.shape)}\n"
                "hint: the initial state is (num_layers · num_directions, batch, hidden_size)."
            )

    def forward(self, input: Tensor, hx: Any = None) -> tuple[Tensor, Any]:
        self._check_input(input)
        unbatched = input.ndim == 2
        x = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first else input)
        num_dir = 2 if self.bidirectional else 1
        n = x.shape[1]
        shape = (self.num_layers * num_dir, n, self.hidden_size)
        is_lstm = self.mode == "LSTM"
        if hx is None:
            h0 = creation.zeros(shape, dtype=input.dtype, device=input.device)
            states: Any = (
                (h0, creation.zeros(shape, dtype=input.dtype, device=input.device)) if is_lstm else h0
            )
        else:
            if unbatched:
                hx = tuple(h.unsqueeze(1) for h in hx) if is_lstm else hx.unsqueeze(1)
            if is_lstm:
                self._check_hidden(hx[0], shape)
                self._check_hidden(hx[1], shape, "Expected hidden[1] size")
            else:
                self._check_hidden(hx, shape)
            states = hx
        h_n, c_n = [], []
        w = self._flat_weights
        per = 4 if self.bias else 2
        for layer in range(self.num_layers):
            outs = []
            for d in range(num_dir):
                k = layer * num_dir + d
                ws = w[k * per : (k + 1) * per]
                w_ih, w_hh = ws[0], ws[1]
                b_ih, b_hh = (ws[2], ws[3]) if self.bias else (None, None)
                state = (states[0][k], states[1][k]) if is_lstm else states[k]
                out, state = R.run_layer(self.mode, x, state, w_ih, w_hh, b_ih, b_hh, reverse=d == 1)
                outs.append(out)
                if is_lstm:
                    h_n.append(state[0])
                    c_n.append(state[1])
                else:
                    h_n.append(state)
            from ... import cat, stack  # noqa: PLC0415

            x = cat(outs, -1) if num_dir == 2 else outs[0]
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout, training=True)
        hn: Any = stack(h_n, 0)
        if is_lstm:
            hn = (hn, stack(c_n, 0))
        if unbatched:
            output = x.squeeze(1)
        elif self.batch_first and not is_lstm:  # PyTorch's RNN/GRU swap their fresh output in place
            output = x.transpose_(0, 1)
        else:
            output = x.transpose(0, 1) if self.batch_first else x
        if unbatched:
            hn = (hn[0].squeeze(1), hn[1].squeeze(1)) if is_lstm else hn.squeeze(1)
        return output, hn


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh) (or relu), layer after layer.

    Args:
        input_size, hidden_size: features of x_t and of h_t.
        num_layers: stacked layers (each one's outputs feed the next). Default 1.
        nonlinearity: ``'tanh'`` or ``'relu'``. bias: learn b_ih, b_hh. Default ``True``.
        batch_first: input/output as (N, L, H) instead of (L, N, H).
        dropout: dropout on the outputs of every layer but the last (training only).
        bidirectional: also run right-to-left; outputs concatenate both directions.

    Returns ``(output, h_n)``: output (L, N, D·H) holds the last layer's h_t for every t;
    h_n (D·num_layers, N, H) the final state of every layer and direction.

    Note 002's example:

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> rnn = nn.RNN(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
    >>> out, h_n = rnn(torch.randn(3, 5, 10))
    >>> out.shape, h_n.shape
    (torch.Size([3, 5, 20]), torch.Size([2, 3, 20]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, *args, **kwargs)


class LSTM(RNNBase):
    """Long short-term memory: gates i, f, g, o decide what the cell state c keeps, adds and shows.

    i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…);
    c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c'). ``weight_ih_l0`` stacks [W_ii | W_if | W_ig | W_io].

    Returns ``(output, (h_n, c_n))``. Note 002's example:

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> lstm = nn.LSTM(input_size=10, hidden_size=20, num_layers=2, batch_first=True, dropout=0.2)
    >>> out, (h_n, c_n) = lstm(torch.randn(3, 5, 10))
    >>> out.shape, h_n.shape, c_n.shape
    (torch.Size([3, 5, 20]), torch.Size([2, 3, 20]), torch.Size([2, 3, 20]))
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("LSTM", *args, **kwargs)


class GRU(RNNBase):
    """Gated recurrent unit: gates r (reset) and z (update).

    r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…), n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));
    h' = (1 − z) ⊙ n + z ⊙ h.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> gru = nn.GRU(input_size=10, hidden_size=20, num_layers=2, batch_first=True)
    >>> gru
    GRU(10, 20, num_layers=2, batch_first=True)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)


class RNNCellBase(Module):
    """One time step: parameters ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``."""

    __constants__ = ["input_size", "hidden_size", "bias"]
    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        g = num_chunks * hidden_size
        self.weight_ih = Parameter(creation.empty((g, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(creation.empty((g, hidden_size), device=device, dtype=dtype))
        if bias:
            self.bias_ih = Parameter(creation.empty(g, device=device, dtype=dtype))
            self.bias_hh = Parameter(creation.empty(g, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += f", nonlinearity={self.nonlinearity}"
        return s

    def _prepare(self, input: Tensor, hx: Any, n_states: int) -> tuple[Tensor, Any, bool]:
        if input.ndim not in (1, 2):
            raise ValueError(
                f"{type(self).__name__}: Expected input to be 1D or 2D, got {input.ndim}D instead"
            )
        if input.shape[-1] != self.input_size:
            raise RuntimeError(
                f"input has inconsistent input_size: got {input.shape[-1]} expected {self.input_size}\n"
                f"hint: {type(self).__name__}(input_size={self.input_size}, ...) needs {self.input_size} features."
            )
        unbatched = input.ndim == 1
        x = input.unsqueeze(0) if unbatched else input
        if hx is None:
            z = creation.zeros((x.shape[0], self.hidden_size), dtype=input.dtype, device=input.device)
            hx = (z, z) if n_states == 2 else z
        elif unbatched:
            hx = tuple(h.unsqueeze(0) for h in hx) if n_states == 2 else hx.unsqueeze(0)
        return x, hx, unbatched

    def forward(self, input: Tensor, hx: Any = None) -> Any:
        n_states = 2 if self._mode == "LSTM" else 1
        x, hx, unbatched = self._prepare(input, hx, n_states)
        gi = F.linear(x, self.weight_ih, self.bias_ih)
        out = R._CELLS[self._mode](gi, hx, self.weight_hh, self.bias_hh)
        if unbatched:
            out = tuple(o.squeeze(0) for o in out) if n_states == 2 else out.squeeze(0)
        return out


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh) (or relu) for one step.

    >>> import learntorch as torch
    >>> from learntorch import nn
    >>> nn.RNNCell(10, 20)(torch.randn(3, 10)).shape
    torch.Size([3, 20])
    """

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, nonlinearity: str = "tanh",
                 device: Any = None, dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        if nonlinearity not in ("tanh", "relu"):
            raise RuntimeError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


class LSTMCell(RNNCellBase):
    """One LSTM step: returns ``(h', c')``."""

    _mode = "LSTM"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)


class GRUCell(RNNCellBase):
    """One GRU step: returns h'."""

    _mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device: Any = None,
                 dtype: Any = None) -> None:  # fmt: skip
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

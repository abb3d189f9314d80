"""``torch.Generator`` and the module-level seeding functions (manual_seed, seed, get_rng_state, fork_rng).

A Generator holds NumPy's MT19937 bit generator (the same engine as PyTorch's CPU generator), the seed,
and the cached second value of the scalar Box-Muller; its state bytes are laid out as PyTorch's.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import struct
from typing import Any, Iterator

import numpy as np

from .. import backend, dtypes
from ..tensor import Tensor

_N = 624  # words of mt19937 state
_DEFAULT_SEED = 67280421310721  # the seed of a fresh torch.Generator()
_STATE_BYTES = 5056  # sizeof(CPUGeneratorImplState) in PyTorch
_U64 = np.uint64


def _check_seed(seed: Any) -> int:
    """torch's seed rules: any int in [-2**63, 2**64); negatives wrap to uint64."""
    seed = builtins.int(seed)
    if not -(2**63) <= seed < 2**64:
        raise ValueError("Overflow when unpacking long long")
    return seed % 2**64


class Generator:
    """A random number generator with its own state, like ``torch.Generator``.

    >>> import learntorch as torch
    >>> g = torch.Generator().manual_seed(42)
    >>> torch.rand(3, generator=g)
    tensor([0.8823, 0.9150, 0.3829])
    >>> g.initial_seed()
    42
    """

    def __init__(self, device: Any = "cpu") -> None:
        self.device = backend.device(device) if not isinstance(device, backend.device) else device
        self._mt = np.random.MT19937(0)
        self.manual_seed(_DEFAULT_SEED)

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {hex(id(self))}>"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        # IPython prints torch's C object without the word "object" (a notebook's `torch.manual_seed(0)`)
        p.text(f"<torch._C.Generator at {hex(id(self))}>")

    # ------------------------------------------------------------------ seeding
    def manual_seed(self, seed: int) -> Generator:
        """Restart the stream from ``seed``; returns the generator itself."""
        seed = _check_seed(seed)
        key = np.random.RandomState(seed & 0xFFFFFFFF).get_state()[1]
        self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _N}}
        self._seed = seed
        self._fresh = True  # seeded, not yet twisted: torch stores next=0 here
        self._next_double: float | None = None  # the cached second Box-Muller value
        self._next_float: float | None = None
        if self.device.type == "cuda" and backend.cupy_module() is not None:
            backend.cupy_module().random.seed(seed & 0xFFFFFFFF)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed used."""
        s = builtins.int.from_bytes(os.urandom(8), "little")
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        """The seed the stream was last started from."""
        return self._seed

    # ------------------------------------------------------------------ state
    def get_state(self) -> Tensor:
        """The full state as a uint8 tensor, byte-compatible with ``torch.Generator.get_state()``.

        >>> import learntorch as torch
        >>> torch.Generator().get_state().shape
        torch.Size([5056])
        """
        st = self._mt.state["state"]
        pos = builtins.int(st["pos"])
        nxt = 0 if self._fresh else pos
        left = 1 if pos >= _N else _N + 1 - pos
        nd = self._next_double
        nf = self._next_float
        head = struct.pack("<QiiQ", self._seed, left, 1, nxt)
        words = np.asarray(st["key"], dtype="<u8").tobytes()
        tail = struct.pack(
            "<dddi4xf?3x",
            0.0,
            0.0 if nd is None else nd,
            0.0,
            nd is not None,
            0.0 if nf is None else nf,
            nf is not None,
        )
        buf = np.frombuffer(head + words + tail, dtype=np.uint8).copy()
        return Tensor._make(buf)

    def set_state(self, new_state: Tensor) -> Generator:
        """Restore a state from :meth:`get_state` (or from real PyTorch's ``get_rng_state()``)."""
        if not isinstance(new_state, Tensor) or new_state.dtype is not dtypes.uint8:
            got = (
                new_state.dtype.name.capitalize()
                if isinstance(new_state, Tensor)
                else type(new_state).__name__
            )
            raise TypeError(f"expected a torch.ByteTensor, but got {got}")
        raw = backend.to_numpy(new_state._data).tobytes()
        if len(raw) != _STATE_BYTES:
            raise RuntimeError("Expected either a THGeneratorState of size 5048 or a CPUGeneratorImplState of size 5056 "
                               f"but found the input RNG state size to be {len(raw)}")  # fmt: skip
        seed, left, _seeded, nxt = struct.unpack_from("<QiiQ", raw, 0)
        key = np.frombuffer(raw, dtype="<u8", count=_N, offset=24).astype(np.uint32)
        _x, y, _rho, y_valid, f, f_valid = struct.unpack_from("<dddi4xf?3x", raw, 24 + 8 * _N)
        pos = _N if left <= 1 else _N + 1 - left
        self._mt.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": pos}}
        self._seed = seed
        self._fresh = left == 1 and nxt == 0
        self._next_double = y if y_valid else None
        self._next_float = f if f_valid else None
        return self

    # ------------------------------------------------------------------ raw words
    def _raw32(self, n: int) -> np.ndarray:
        """``n`` raw 32-bit words (held in uint64), like n calls of ``generator->random()``."""
        if n:
            self._fresh = False
        return self._mt.random_raw(n)

    def _raw64(self, n: int) -> np.ndarray:
        """``n`` 64-bit words, each two 32-bit draws with the first as the high half."""
        w = self._raw32(2 * n)
        return (w[0::2] << _U64(32)) | w[1::2]


default_generator = Generator()
default_generator.seed()


def _gen(generator: Generator | None) -> Generator:
    return default_generator if generator is None else generator


# ---------------------------------------------------------------------- module-level seeding
def manual_seed(seed: int) -> Generator:
    """Seed the default generator (and the GPU's); returns ``default_generator``.

    >>> import learntorch as torch
    >>> _ = torch.manual_seed(1)
    >>> torch.randint(0, 10, (5,))
    tensor([5, 9, 4, 8, 3])
    """
    seed = _check_seed(seed)
    from .. import cuda  # noqa: PLC0415

    cuda.manual_seed_all(seed)
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from OS entropy and return that seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last started from."""
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    """The default generator's state (a uint8 tensor of 5056 bytes, as in PyTorch)."""
    return default_generator.get_state()


def set_rng_state(new_state: Tensor) -> None:
    """Restore the default generator's state from :func:`get_rng_state`."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices: Any = None, enabled: bool = True, **_: Any) -> Iterator[None]:
    """Run a block of code and then put the default generator back as it was."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)

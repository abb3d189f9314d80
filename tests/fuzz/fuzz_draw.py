"""Where the fuzzer's random choices come from: a seeded ``random.Random`` or a Hypothesis ``data``.

The program generator only ever asks a ``Draw`` for a choice, an integer, a coin flip or an
array of values. Two sources answer: ``SeedDraw`` (plain seeded PRNG, fast: the slow profile
runs tens of thousands of programs with it) and ``HypothesisDraw`` (every answer is a
Hypothesis draw, so a failing program shrinks to a short one in the normal suite).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np

# Values a float leaf may hold besides normal draws: signed zeros, the non-finite trio, the
# points where activations/losses switch branches, and one near float32's overflow.
SPECIAL_FLOATS = (0.0, -0.0, float("nan"), float("inf"), float("-inf"), 1.0, -1.0, 0.5, -2.0, 3e38)


class Draw:
    """The interface: choice, integer (inclusive bounds), coin, and arrays from a numpy PRNG."""

    def choice(self, seq: Sequence[Any]) -> Any:
        raise NotImplementedError

    def integer(self, lo: int, hi: int) -> int:
        raise NotImplementedError

    def coin(self, p: float = 0.5) -> bool:
        return self.integer(0, 99) < int(p * 100)

    def rng(self) -> np.random.RandomState:
        """A numpy PRNG seeded from one draw: the bulk values of one array."""
        return np.random.RandomState(self.integer(0, 2**31 - 1))

    def array(self, shape: tuple[int, ...], dtype: str, special: bool = True) -> np.ndarray:
        """Values of one constant or leaf: small normals, small ints, or bools (with specials)."""
        r = self.rng()
        if dtype == "bool":
            return np.asarray(r.rand(*shape) < 0.5)
        if dtype == "int64":
            return np.asarray(r.randint(-4, 5, size=shape), dtype=np.int64)
        a = np.asarray(r.randn(*shape) * 2.0, dtype=dtype)
        if special and a.size and self.coin(0.25):
            flat = a.reshape(-1)
            for _ in range(self.integer(1, 2)):
                flat[r.randint(a.size)] = SPECIAL_FLOATS[r.randint(len(SPECIAL_FLOATS))]
        return a


class SeedDraw(Draw):
    """Answers from ``random.Random(seed)``: one seed, one program, reproducible."""

    def __init__(self, seed: int) -> None:
        self._r = random.Random(seed)

    def choice(self, seq: Sequence[Any]) -> Any:
        return seq[self._r.randrange(len(seq))]

    def integer(self, lo: int, hi: int) -> int:
        return self._r.randint(lo, hi)


class HypothesisDraw(Draw):
    """Answers from a Hypothesis ``st.data()`` object, so failures shrink."""

    def __init__(self, data: Any) -> None:
        from hypothesis import strategies as st

        self._data = data
        self._st = st

    def choice(self, seq: Sequence[Any]) -> Any:
        return self._data.draw(self._st.sampled_from(list(seq)))

    def integer(self, lo: int, hi: int) -> int:
        return self._data.draw(self._st.integers(lo, hi))

"""Random numbers that equal PyTorch's, bit for bit, for the same seed.

PyTorch's CPU generator is a Mersenne Twister (mt19937) seeded with the classic
``init_genrand(seed & 0xffffffff)``; NumPy's ``MT19937`` bit generator is the same
engine, so learntorch keeps one and asks it for raw 32-bit words in bulk
(``random_raw(n)``). What remains is to turn words into numbers exactly as
PyTorch's CPU kernels do (all checked against torch 2.13):

* ``rand``/``uniform_``: float32 (and float16) take the low 24 bits of one word,
  ``u = (w & 0xffffff) * 2**-24``; float64 the low 53 bits of a 64-bit word made of
  two draws, the *first* being the high half. Then ``u * (to - from) + from`` as
  one fused multiply-add, and a result that rounds up to ``to`` becomes ``from``.
* ``randn``/``normal_`` on a contiguous tensor of 16 or more elements: fill it with
  uniforms, then Box-Muller on blocks of 16 (``u1 = 1 - d[j]``, ``u2 = d[j + 8]`` for
  ``j < 8``: ``d[j] = r cos θ``, ``d[j + 8] = r sin θ``); if the size is not a multiple
  of 16, 16 *fresh* uniforms recompute the last 16 values. float32 uses an AVX2
  kernel built on the cephes polynomials of ``avx_mathfun.h``, reproduced here in
  float32 arithmetic (:func:`_log_ps`, :func:`_sincos_ps`). float16 runs the
  float32 kernel and rounds (drawing uniforms for the full blocks only).
* fewer than 16 elements (or a non-contiguous tensor): a scalar Box-Muller on
  53-bit uniforms, computed in double, that caches the unused second value in the
  generator for the next call (``torch.randn(3)`` twice = ``torch.randn(6)``).
* ``randint``/``random_(from, to)``: ``w % (to - from) + from``, with a 64-bit word
  when the range needs 32 bits or more (int64/float/double only).
* ``randperm(n)``: Fisher-Yates, ``swap(i, i + w % (n - i))`` for ``i < n - 1``.
* ``bernoulli_(p)``, ``bernoulli(probs)``: ``u < p`` with a 53-bit uniform (24-bit for
  float32 probabilities); ``exponential_``: ``-log1p(-u) / lambda``; ``multinomial``:
  an inverse-CDF binary search with replacement, exponential races without.

Known limits: PyTorch picks its float32 normal kernel by CPU: on a CPU with
AVX-512 it uses a scalar ``std::log``/``std::cos`` loop instead of the AVX2 one
reproduced here, so there ``randn`` of 16+ float32 values may differ in the last
bit. FMA is emulated with error-free transforms, exact except in ties too rare
to meet in practice.
CUDA tensors draw from CuPy's generator (torch's Philox stream is not reproduced).

The package: :mod:`.generator` (``Generator``, seeding), :mod:`.factories` (``rand``, ``randn``,
...), :mod:`.fill` (``uniform_``, ``normal_``, ...) and :mod:`._mt19937`, the port of the CPU kernels
above, which a reader can skip.

>>> import learntorch as torch
>>> _ = torch.manual_seed(0)
>>> torch.rand(2, 2)
tensor([[0.4963, 0.7682],
        [0.0885, 0.1320]])
"""

from __future__ import annotations

from .factories import (
    bernoulli,
    multinomial,
    normal,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
)
from .generator import (
    Generator,
    default_generator,
    fork_rng,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)

__all__ = [
    "Generator", "default_generator", "manual_seed", "seed", "initial_seed", "get_rng_state",
    "set_rng_state", "fork_rng", "rand", "randn", "randint", "randperm", "normal", "bernoulli",
    "multinomial", "rand_like", "randn_like", "randint_like",
]  # fmt: skip

"""Seeded random streams must equal PyTorch's bit for bit (torch 2.13 on CPU is the oracle)."""

from __future__ import annotations

import re

import numpy as np
import pytest

import learntorch as lt

SIZES = [1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 1000]


def same(a, b) -> None:
    """Equal dtype and shape; integers equal, floats within one unit in the last place.

    The integer streams (mt19937 words, randint, randperm) are bit-identical. Float draws pass
    through log/cos/sin (Box-Muller, exponential, ...), whose last bit depends on which libm or
    SIMD kernel the CPU selects, in NumPy and in torch alike: one ulp is allowed there.
    """
    assert str(a.dtype) == str(b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    x, y = a.detach().numpy(), np.asarray(b.detach().numpy())
    if np.issubdtype(x.dtype, np.floating):
        np.testing.assert_array_max_ulp(x, y, maxulp=1)
    else:
        np.testing.assert_array_equal(y, x)


def both(torch, seed, fn):
    torch.manual_seed(seed)
    lt.manual_seed(seed)
    return fn(torch), fn(lt)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_rand_randn_match_torch(torch, n, dtype):
    for fn in (
        lambda T: T.rand(n, dtype=getattr(T, dtype)),
        lambda T: T.randn(n, dtype=getattr(T, dtype)),
        lambda T: T.randn(2, n, dtype=getattr(T, dtype)),
    ):
        same(*both(torch, n, fn))


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 + 5, 2**63, -1])
def test_seeds(torch, seed):
    a, b = both(torch, seed, lambda T: T.rand(5))
    same(a, b)
    assert lt.initial_seed() == torch.initial_seed()


def test_seed_errors(torch):
    for bad in (2**64, -(2**63) - 1):
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            torch.manual_seed(bad)
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            lt.manual_seed(bad)


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.empty(50).uniform_(-0.3, 0.7),
        lambda T: T.empty(50, dtype=T.float64).uniform_(-2, 5),
        lambda T: T.empty(1000).uniform_(1e6, 1e6 + 1),  # values rounding up to `to` fold to `from`
        lambda T: T.empty(40, 30).normal_(0.5, 0.02),
        lambda T: T.empty(41, dtype=T.float64).normal_(-1, 3),
        lambda T: T.empty(7).normal_(2, 0.1),
        lambda T: T.empty(10, 7).t().normal_(),  # non-contiguous: scalar path, memory order
        lambda T: T.empty(10, 7).t().uniform_(),
        lambda T: T.normal(2.0, 3.0, size=(5, 7)),
        lambda T: T.normal(T.arange(20.0), T.ones(20) * 0.5),
        lambda T: T.normal(T.arange(20.0), 2.0),
        lambda T: T.normal(1.0, T.arange(20.0)),
        lambda T: T.randn_like(T.zeros(3, 4, dtype=T.float64)),
        lambda T: T.rand_like(T.zeros(20)),
        lambda T: T.randn(T.Size([2, 3])),
        lambda T: T.randn((4, 5)),
    ],
)
def test_float_draws_match_torch(torch, call):
    same(*both(torch, 3, call))


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.randint(-5, 100, (7, 9)),
        lambda T: T.randint(10, (3,)),
        lambda T: T.randint(low=2, high=10, size=(6,)),
        lambda T: T.randint(0, 2**40, (50,)),  # wide range: 64-bit words
        lambda T: T.randint(0, 100, (50,), dtype=T.int32),
        lambda T: T.randint(0, 10, (5,), dtype=T.float32),
        lambda T: T.randint_like(T.zeros(3), 10),
        lambda T: T.randint_like(T.zeros(3, dtype=T.int32), 3, 10),
        lambda T: T.empty(100, dtype=T.int64).random_(),
        lambda T: T.empty(100).random_(),
        lambda T: T.empty(100, dtype=T.float64).random_(),
        lambda T: T.empty(100, dtype=T.uint8).random_(),
        lambda T: T.empty(100, dtype=T.int8).random_(),
        lambda T: T.empty(100, dtype=T.bool).random_(),
        lambda T: T.empty(100, dtype=T.int32).random_(10),
        lambda T: T.empty(100).random_(3, 10),
    ],
)
def test_integer_draws_match_torch(torch, call):
    same(*both(torch, 5, call))


@pytest.mark.parametrize("n", [0, 1, 2, 5, 16, 100, 60000])
def test_randperm_matches_torch(torch, n):
    same(*both(torch, 7, lambda T: T.randperm(n)))
    same(*both(torch, 8, lambda T: T.randperm(n, dtype=T.float32)))


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.empty(300).bernoulli_(0.3),
        lambda T: T.empty(300, dtype=T.int64).bernoulli_(0.9),
        lambda T: T.empty(300, dtype=T.bool).bernoulli_(),
        lambda T: T.bernoulli(T.linspace(0, 1, 100)),
        lambda T: T.bernoulli(T.linspace(0, 1, 100, dtype=T.float64)),
        lambda T: T.bernoulli(T.full((20,), 0.5), p=0.25),
        lambda T: T.empty(10).bernoulli_(T.linspace(0, 1, 10)),
        lambda T: T.empty(1000).exponential_(2.5),
        lambda T: T.empty(100, dtype=T.float64).exponential_(),
        lambda T: T.multinomial(T.tensor([[0.1, 0.2, 0.7, 0.3], [1.0, 2.0, 3.0, 0.0]]), 50, replacement=True),
        lambda T: T.multinomial(T.tensor([[0.1, 0.2, 0.7, 0.3], [1.0, 2.0, 3.0, 0.0]]), 3),
        lambda T: T.multinomial(T.tensor([0.1, 0.2, 0.7, 0.3]), 1),
        lambda T: T.tensor([0.1, 0.2, 0.7]).multinomial(2),
    ],
)
def test_other_distributions_match_torch(torch, call):
    same(*both(torch, 11, call))


def test_normal_cache_carries_between_calls(torch):
    """The scalar Box-Muller keeps its second value: randn(3) twice continues one stream."""

    def seq(T):
        a = T.randn(3)
        b = T.randn(5, dtype=T.float64)
        c = T.randn(16)
        d = T.randn(1)
        return a, b, c, d

    for x, y in zip(*both(torch, 0, seq)):
        same(x, y)


def test_generators_are_independent(torch):
    g1, g2 = torch.Generator().manual_seed(1), lt.Generator().manual_seed(1)
    torch.manual_seed(99)
    lt.manual_seed(99)
    same(torch.rand(4, generator=g1), lt.rand(4, generator=g2))
    same(torch.randn(20, generator=g1), lt.randn(20, generator=g2))
    same(torch.randperm(9, generator=g1), lt.randperm(9, generator=g2))
    same(torch.rand(3), lt.rand(3))  # the default generator was not touched
    assert lt.Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert lt.Generator().device == lt.device("cpu")
    same(torch.rand(3, generator=torch.Generator()), lt.rand(3, generator=lt.Generator()))


def test_state_is_byte_compatible_with_torch(torch):
    torch.manual_seed(5)
    lt.manual_seed(5)
    assert lt.get_rng_state().dtype == lt.uint8
    np.testing.assert_array_equal(lt.get_rng_state().numpy(), torch.get_rng_state().numpy())
    torch.rand(7), torch.randn(3)
    lt.rand(7), lt.randn(3)  # mid-stream, with a cached normal
    np.testing.assert_array_equal(lt.get_rng_state().numpy(), torch.get_rng_state().numpy())
    # a state saved by torch restores learntorch to the same place
    lt.set_rng_state(lt.tensor(torch.get_rng_state().numpy()))
    same(torch.randn(5), lt.randn(5))
    # and round-trips through learntorch
    s = lt.get_rng_state()
    a = lt.rand(10)
    lt.set_rng_state(s)
    np.testing.assert_array_equal(a.numpy(), lt.rand(10).numpy())
    g = lt.Generator().manual_seed(3)
    st = g.get_state()
    x = lt.randn(4, generator=g)
    np.testing.assert_array_equal(x.numpy(), lt.randn(4, generator=g.set_state(st)).numpy())


def test_state_errors(torch):
    with pytest.raises(RuntimeError, match=re.escape("found the input RNG state size to be 3")):
        torch.Generator().set_state(torch.zeros(3, dtype=torch.uint8))
    with pytest.raises(RuntimeError, match=re.escape("found the input RNG state size to be 3")):
        lt.Generator().set_state(lt.zeros(3, dtype=lt.uint8))
    with pytest.raises(TypeError):
        lt.Generator().set_state(lt.zeros(3))


def test_seed_and_fork_rng():
    s = lt.seed()
    assert lt.initial_seed() == s
    a = lt.rand(3)
    lt.manual_seed(s)
    np.testing.assert_array_equal(lt.rand(3).numpy(), a.numpy())
    before = lt.get_rng_state()
    with lt.random.fork_rng():
        lt.rand(100)
    np.testing.assert_array_equal(lt.get_rng_state().numpy(), before.numpy())


@pytest.mark.parametrize(
    "call",
    [
        lambda T: T.rand(2, dtype=T.int64),
        lambda T: T.randn(2, dtype=T.int64),
        lambda T: T.randint(5, 5, (2,)),
        lambda T: T.empty(3).uniform_(2, 1),
        lambda T: T.empty(3).normal_(0, -1),
        lambda T: T.randperm(-1),
        lambda T: T.rand(2, -1),
        lambda T: T.empty(3).bernoulli_(1.5),
        lambda T: T.empty(3).exponential_(-1),
        lambda T: T.multinomial(T.tensor([1.0, 2.0]), 3),
        lambda T: T.multinomial(T.tensor([1.0, -2.0]), 1),
        lambda T: T.multinomial(T.tensor([0.0, 0.0]), 1),
        lambda T: T.ones(2, requires_grad=True).uniform_(),
    ],
)
def test_errors_match_torch(torch, call):
    with pytest.raises(Exception) as want:
        call(torch)
    with pytest.raises(type(want.value), match=re.escape(str(want.value).splitlines()[0])):
        call(lt)


def test_inplace_random_bumps_version_and_works_under_no_grad():
    w = lt.empty(3, 4, requires_grad=True)
    v = w._version
    with lt.no_grad():
        w.uniform_(-1, 1)
        w.normal_()
    assert w._version == v + 2 and w.requires_grad and w.is_leaf


def test_large_draw_is_vectorised_and_statistically_sound():
    lt.manual_seed(0)
    x = lt.randn(1_000_000).numpy()
    assert abs(x.mean()) < 5e-3 and abs(x.std() - 1) < 5e-3
    u = lt.rand(1_000_000).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 2e-3


def test_factories_start_at_version_zero(torch):
    for name, args in [("rand", (3,)), ("randn", (3,)), ("randint", (0, 5, (3,))), ("randperm", (4,))]:
        assert getattr(lt, name)(*args)._version == getattr(torch, name)(*args)._version == 0, name
    assert lt.normal(0.0, 1.0, size=(3,))._version == torch.normal(0.0, 1.0, size=(3,))._version


def test_generator_shows_like_torch_in_ipython(torch):
    pretty = pytest.importorskip("IPython.lib.pretty")
    mask = lambda s: re.sub(r"0x[0-9a-f]+", "0xADDR", s)  # noqa: E731
    assert mask(repr(lt.manual_seed(0))) == mask(repr(torch.manual_seed(0)))
    assert mask(pretty.pretty(lt.manual_seed(0))) == mask(pretty.pretty(torch.manual_seed(0)))

"""Differential fuzzing: random programs run on torch and on learntorch must agree line by line.

Two profiles over the same generator (fuzz_gen.py) and runner (fuzz_run.py):

- fast (normal suite): Hypothesis draws ``FAST_EXAMPLES`` programs, derandomized so CI is
  repeatable; a failure shrinks to a short program printed as runnable torch code.
- slow (``pytest -m slow tests/fuzz``): ``SLOW_PROGRAMS`` seeded programs (plain PRNG, no
  shrinking, about 20 ms each); prints the figure (programs, lines, divergences by category)
  and writes it to ``$FUZZ_REPORT`` when set.

A divergence fails the test unless its category is listed in ``OPEN`` below, the one place
where known, not-yet-fixed differences are written down with the reason.
"""

from __future__ import annotations

import json
import os

import pytest
from fuzz_draw import HypothesisDraw, SeedDraw
from fuzz_run import Outcome, run_program, summarize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FAST_EXAMPLES = 150
SLOW_PROGRAMS = 20_000

# Known, still-open divergence categories, each with what the fuzzer showed (issue 13 has counts).
# Not listed, hence enforced: value, type, dtype, print, missing-api (for the ops the generator uses).
OPEN: dict[str, str] = {
    "sum-order": "0-d results of cancelling sums (weighted BCE/mse with reduction='sum') differ by "
    "summation order beyond a few ulps of the result (3 in 20,000 programs)",
    "accepts": "learntorch accepts what torch rejects: bool matmul/mm/addmv, int/bool to trunc/abs kernels, "
    "movedim with a tuple and an int, expand() without sizes, cat(tensor), reshape(x, -1)",
    "raises": "learntorch rejects what torch accepts: mT on 0-d, indexing with a 0-d bool/int tensor, "
    "setitem index forms (list assignment index out of range)",
    "exc-class": "validation order and classes: class-probability targets of int dtype (IndexError vs "
    "RuntimeError), vector_norm of int (IndexError vs RuntimeError), in-place dtype errors",
    "warning": "NumPy RuntimeWarning on overflow/invalid in ops not wrapped in _quiet (torch is silent)",
    "backward-warning": "the same NumPy RuntimeWarning during backward",
    "stride-empty": "0-size tensors report all-zero strides (torch: contiguous strides)",
    "stride-size1": "strides on size-1 dims differ (contiguous() copies where torch returns self)",
    "grad-stride-size1": "the same, for gradients",
    "stride": "cat of transposed inputs is C-contiguous (torch follows the inputs' layout)",
    "contiguous": "follows from 'stride' (cat of transposed inputs)",
    "shape": "indexing with a 0-d bool tensor drops the new dim (torch: x[tensor(False)] has shape (0, ...))",
    "grad_fn": "node names: F.linear on 1-D input (torch ViewBackward0), AsStridedBackward0 on multi-output views",
    "nonfinite": "signed zero from a K=1 matmul feeding floor division (+inf vs -inf); prod/normalize "
    "gradients at inf inputs",
    "grad": "NaN through selection ops (torch multiplies by a mask: amin/amax/max pass NaN to every "
    "element), prod/var backward at degenerate inputs (zeros, one element with correction=2)",
    "grad-none": "leaf grads after a backward that raised midway differ (ordering)",
    "requires_grad": "setitem of a grad-requiring value into a plain tensor (torch: result requires grad)",
    "backward-accepts": "in-place version check misses some saved outputs (Pow, Tanh, Relu results)",
    "backward-raises": "backward raises where torch does not",
    "backward-exc-class": "backward raises a different class",
}


def _check(o: Outcome) -> None:
    new = [(c, m) for c, m in o.divergences if c not in OPEN]
    if new:
        detail = "\n".join(f"  {c}: {m[:400]}" for c, m in new)
        pytest.fail(f"torch and learntorch diverge:\n{detail}\nprogram:\n{o.text}", pytrace=False)


@settings(
    max_examples=FAST_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_fast_profile(data) -> None:
    _check(run_program(HypothesisDraw(data)))


def test_harness_catches_a_divergence(monkeypatch) -> None:
    """The comparison can fail: break learntorch's exp and the fuzzer must notice."""
    import learntorch

    real = learntorch.exp
    monkeypatch.setattr(learntorch, "exp", lambda x: real(x) + 1)
    seen = set()
    for seed in range(400):
        seen.update(run_program(SeedDraw(seed)).categories)
        if "value" in seen:
            break
    assert "value" in seen


@pytest.mark.slow
def test_slow_profile(request) -> None:
    if "slow" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the slow fuzz profile runs only with -m slow")
    outcomes = [run_program(SeedDraw(seed)) for seed in range(SLOW_PROGRAMS)]
    figure = summarize(outcomes)
    print(json.dumps(figure, indent=1))
    if os.environ.get("FUZZ_REPORT"):
        with open(os.environ["FUZZ_REPORT"], "w") as fh:
            json.dump(figure, fh, indent=1)
    assert figure["programs"] >= 20_000
    for o in outcomes:
        _check(o)

"""Autograd against PyTorch: values, gradients, graph structure, hooks, modes and errors."""

from __future__ import annotations

import gc
import re
import warnings
import weakref

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import learntorch as lt
from learntorch.autograd import gradcheck, gradgradcheck


def walk(fn) -> str:
    """The graph below ``fn`` as nested type names: ``MulBackward0(AccumulateGrad(),None)``."""
    if fn is None:
        return "None"
    kids = ",".join(f"{walk(n)}:{i}" for n, i in fn.next_functions)
    return f"{type(fn).__name__}({kids})"


def first_line(exc: BaseException) -> str:
    return str(exc).split("\n")[0]


def torch_error(torch, fn):
    with pytest.raises(Exception) as info:
        fn(torch)
    return info.type, first_line(info.value)


def same_error(torch, fn):
    """``fn(lt)`` raises the class and first message line that ``fn(torch)`` raises."""
    cls, msg = torch_error(torch, fn)
    with pytest.raises(cls, match=re.escape(msg)):
        fn(lt)


# ---------------------------------------------------------------------- note 002


def test_note_002_polynomial():
    x = lt.tensor(2.0, requires_grad=True)
    y = x**2 + 2 * x + 2
    y.backward()
    assert repr(x.grad) == "tensor(6.)"


def test_note_002_no_grad_example(torch):
    x = lt.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    assert y.requires_grad
    y.sum().backward()  # the note's `y.backward()` needs a scalar: see the next test
    with lt.no_grad():
        z = x * 2
        assert not z.requires_grad

    def call(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        with m.no_grad():
            z = x * 2
        z.backward()

    same_error(torch, call)


def test_note_002_nonscalar_backward_raises(torch):
    def call(m):
        x = m.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x * 2).backward()

    same_error(torch, call)


# ---------------------------------------------------------------------- graph structure


GRAPHS = [
    lambda m, x, w, b: x**2 + 2 * x + 2,
    lambda m, x, w, b: (w @ x + b).relu().sum(),
    lambda m, x, w, b: (x + 2) * (x - 1) / 3,
    lambda m, x, w, b: x.exp().log().mean(),
    lambda m, x, w, b: (x * x).sum() + x.sum(),
    lambda m, x, w, b: -x,
    lambda m, x, w, b: x.view(2, 2),
    lambda m, x, w, b: (w * 2).t().sum(0),
    lambda m, x, w, b: m.tanh(x).sigmoid() * x,
    lambda m, x, w, b: (x - x).abs(),
    lambda m, x, w, b: x.double().float(),
]


@pytest.mark.parametrize("expr", GRAPHS)
def test_next_functions_match_torch(torch, expr):
    def build(m):
        x = m.tensor([1.0, -2.0, 3.0, 0.5], requires_grad=True)
        w = m.tensor(np.arange(12.0).reshape(3, 4) / 10, dtype=m.float32, requires_grad=True)
        b = m.tensor([0.1, -0.2, 0.3], requires_grad=True)
        return expr(m, x, w, b)

    lo, to = build(lt), build(torch)
    assert walk(lo.grad_fn) == walk(to.grad_fn)
    assert repr(lo) == repr(to)


def test_node_introspection(torch):
    for m in (lt, torch):
        x = m.ones(2, requires_grad=True)
        y = x * 2
        acc = y.grad_fn.next_functions[0][0]
        assert acc.variable is x
        assert y.grad_fn.name() == "MulBackward0"
        assert acc.name() == "torch::autograd::AccumulateGrad"
        assert x.grad_fn is None and x.is_leaf and not y.is_leaf
        assert repr(y.grad_fn).startswith("<MulBackward0 object at 0x")


# ---------------------------------------------------------------------- gradients vs torch

UNARY = ["exp", "tanh", "sigmoid", "relu", "neg", "square", "sin", "abs"]
BINARY = ["add", "sub", "mul", "div_safe"]


def _apply_expr(m, program, x, y):
    vals = [x, y]
    for kind, name, i, j in program:
        a, b = vals[i % len(vals)], vals[j % len(vals)]
        if kind == "u":
            out = a * a if name == "square" else getattr(a, name)()
        elif name == "div_safe":
            out = a / (b * b + 1)
        else:
            out = getattr(a, name)(b)
        vals.append(out)
    return vals[-1].sum() + vals[-2].mean()


step = st.one_of(
    st.tuples(st.just("u"), st.sampled_from(UNARY), st.integers(0, 20), st.integers(0, 20)),
    st.tuples(st.just("b"), st.sampled_from(BINARY), st.integers(0, 20), st.integers(0, 20)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(program=st.lists(step, min_size=1, max_size=8), seed=st.integers(0, 2**31 - 1), bshape=st.booleans())
def test_composite_gradients_match_torch(torch, program, seed, bshape):
    rng = np.random.default_rng(seed)
    xa = rng.standard_normal((3, 4))
    ya = rng.standard_normal((4,) if bshape else (3, 4))  # broadcasting when bshape
    results = []
    for m in (lt, torch):
        x = m.tensor(xa, requires_grad=True)
        y = m.tensor(ya, requires_grad=True)
        out = _apply_expr(m, program, x, y)
        out.backward()
        results.append((out.item(), _np(x.grad), _np(y.grad)))
    (lv, lgx, lgy), (tv, tgx, tgy) = results
    np.testing.assert_allclose(lv, tv, rtol=1e-10, atol=1e-12)
    for lg, tg in ((lgx, tgx), (lgy, tgy)):
        assert (lg is None) == (tg is None)
        if lg is not None:
            np.testing.assert_allclose(lg, tg, rtol=1e-9, atol=1e-12)


def _np(g):
    return None if g is None else g.numpy().copy()


def test_gradcheck_composites():
    x = lt.tensor(np.random.rand(3, 2), dtype=lt.float64, requires_grad=True)
    w = lt.tensor(np.random.rand(2, 4), dtype=lt.float64, requires_grad=True)
    assert gradcheck(lambda a, b: ((a @ b).tanh() * a.sum()).exp(), (x, w))
    assert gradgradcheck(lambda a, b: (a @ b).sigmoid() * (a * a).sum(), (x, w))


def test_diamond_and_reuse(torch):
    res = []
    for m in (lt, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * x
        z = y + y
        w = z * y
        w.sum().backward()
        res.append(x.grad.tolist())
    assert res[0] == res[1] == [8.0, 64.0]


def test_accumulation_in_place_like_torch():
    x = lt.ones(2, requires_grad=True)
    (x * 1).sum().backward()
    g = x.grad
    (x * 3).sum().backward()
    assert g is x.grad and x.grad.tolist() == [4.0, 4.0]


def test_grad_never_aliases_another_tensor():
    a = lt.ones(2, requires_grad=True)
    b = lt.ones(2, requires_grad=True)
    (a + b).sum().backward()
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]
    c = lt.ones(3, requires_grad=True)
    g = lt.ones(3)
    c.backward(g)  # a leaf's own backward: .grad must not be the caller's tensor
    c.grad.mul_(5)
    assert g.tolist() == [1.0, 1.0, 1.0]
    d = lt.ones(2, requires_grad=True)
    e = d * 2
    e.backward(lt.full((2,), 3.0), inputs=[e])  # not a leaf
    assert e.grad.tolist() == [3.0, 3.0]


def test_saved_tensors_freed_after_backward():
    x = lt.ones(1000, requires_grad=True)
    y = x.exp()
    node = y.grad_fn
    data = node._saved[0].data  # exp saves its output's array
    ref = weakref.ref(data)
    del data
    out = y.sum()
    del y
    out.backward()
    gc.collect()
    assert node._saved is None and ref() is None


def test_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = lt.ones(3, requires_grad=True)
        y = ((x * 2).exp() + x).sum()
        node_ref = weakref.ref(y.grad_fn)
        del y
        assert node_ref() is None  # freed by reference counting alone
    finally:
        gc.enable()


# ---------------------------------------------------------------------- retain_graph


def test_second_backward_error_only_when_something_was_saved(torch):
    def twice_saved(m):
        x = m.ones(2, requires_grad=True)
        y = (x * x).sum()
        y.backward()
        y.backward()

    same_error(torch, twice_saved)

    for m in (lt, torch):
        x = m.ones(2, requires_grad=True)
        y = (x + x).sum()
        y.backward()
        y.backward()  # nothing saved: allowed
        assert x.grad.tolist() == [4.0, 4.0]


def test_retain_graph(torch):
    for m in (lt, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        assert x.grad.tolist() == [4.0, 8.0]

    def saved_after_free(m):
        x = m.ones(2, requires_grad=True)
        y = x.exp()
        y.sum().backward()
        m.autograd.grad(y.sum(), x)

    same_error(torch, saved_after_free)


# ---------------------------------------------------------------------- autograd.grad


def test_grad_higher_order(torch):
    out = []
    for m in (lt, torch):
        x = m.tensor(3.0, requires_grad=True)
        y = x**3
        (g,) = m.autograd.grad(y, x, create_graph=True)
        (g2,) = m.autograd.grad(g, x, create_graph=True)
        (g3,) = m.autograd.grad(g2, x)
        out.append((repr(g), repr(g2), repr(g3), x.grad))
    assert out[0] == out[1]


def test_grad_options(torch):
    for m in (lt, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        z = m.tensor([1.0], requires_grad=True)
        w = x * 3
        gw, gx = m.autograd.grad((w * w).sum(), [w, x])
        assert gw.tolist() == [6.0, 12.0] and gx.tolist() == [18.0, 36.0]
        assert m.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)[1] is None
        assert m.autograd.grad((x * 2).sum(), [x, z], materialize_grads=True)[1].tolist() == [0.0]
        (g,) = m.autograd.grad(x * 2, x, grad_outputs=m.tensor([1.0, 10.0]))
        assert g.tolist() == [2.0, 20.0]
        assert x.grad is None  # grad() never touches .grad

    def unused(m):
        x = m.tensor(3.0, requires_grad=True)
        z = m.tensor(1.0, requires_grad=True)
        m.autograd.grad(x * 2, [x, z])

    same_error(torch, unused)
    same_error(torch, lambda m: m.autograd.grad((m.ones(2, requires_grad=True) * 2).sum(), [m.ones(2)]))


def test_backward_inputs_and_functional_backward(torch):
    for m in (lt, torch):
        x = m.tensor([1.0, 2.0], requires_grad=True)
        b = m.tensor([1.0, 1.0], requires_grad=True)
        y = x * b * 3
        y.backward(m.ones(2), inputs=[x])
        assert x.grad.tolist() == [3.0, 3.0] and b.grad is None
        x.grad = None
        m.autograd.backward([(x * x).sum(), (3 * x).sum()])
        assert x.grad.tolist() == [5.0, 7.0]

    def empty_inputs(m):
        x = m.ones(2, requires_grad=True)
        (x * 2).sum().backward(inputs=[])

    same_error(torch, empty_inputs)


def test_gradient_argument_shape_error(torch):
    def bad_shape(m):
        x = m.ones(2, requires_grad=True)
        (x * 2).backward(m.ones(3))

    same_error(torch, bad_shape)


# ---------------------------------------------------------------------- hooks


def test_tensor_hooks(torch):
    res = []
    for m in (lt, torch):
        seen = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.register_hook(lambda g: g * 5)
        y.retain_grad()
        y.register_hook(lambda g: g * 7)  # retain_grad still sees the grad after every hook
        x.register_hook(lambda g: seen.append(g.tolist()))
        h = x.register_hook(lambda g: g * 100)
        h.remove()
        y.sum().backward()
        res.append((x.grad.tolist(), y.grad.tolist(), seen))
    assert res[0] == res[1]


def test_node_hooks(torch):
    res = []
    for m in (lt, torch):
        log = []
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        y.grad_fn.register_prehook(lambda go: (go[0] * 3,))
        y.grad_fn.register_hook(lambda gi, go: log.append((gi[0].tolist(), go[0].tolist())))
        y.sum().backward()
        res.append((x.grad.tolist(), log))
    assert res[0] == res[1]

    for m in (lt, torch):
        x = m.ones(2, requires_grad=True)
        y = x * 2
        y.grad_fn.register_hook(lambda gi, go: (gi[0] * 100, None))
        y.sum().backward()
        assert x.grad.tolist() == [200.0, 200.0]


def test_post_accumulate_grad_hook(torch):
    for m in (lt, torch):
        seen = []
        x = m.ones(2, requires_grad=True)
        x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.tolist()))
        (x * 2).sum().backward()
        assert seen == [[2.0, 2.0]]


def test_hook_on_tensor_without_grad(torch):
    same_error(torch, lambda m: m.ones(2).register_hook(lambda g: g))


def test_nonleaf_grad_warns_like_torch(torch):
    msgs = []
    for m in (lt, torch):
        y = m.ones(2, requires_grad=True) * 2
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert y.grad is None
        msgs.append([str(x.message).split(" (Triggered internally")[0] for x in w])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 1


# ---------------------------------------------------------------------- grad modes


def test_grad_mode_context_and_decorators(torch):
    res = []
    for m in (lt, torch):
        x = m.ones(1, requires_grad=True)

        @m.no_grad()
        def f(t):
            return t * 2

        @m.no_grad
        def f2(t):
            return t * 2

        @m.enable_grad()
        def g(t):
            return t * 2

        with m.no_grad():
            inner = g(x).requires_grad
            with m.enable_grad():
                nested = m.is_grad_enabled()
        res.append((f(x).requires_grad, f2(x).requires_grad, inner, nested, m.is_grad_enabled()))
    assert res[0] == res[1] == [(False, False, True, True, True)][0]


def test_set_grad_enabled_semantics(torch):
    res = []
    for m in (lt, torch):
        x = m.ones(1, requires_grad=True)
        m.set_grad_enabled(False)
        a = (x * 2).requires_grad
        m.set_grad_enabled(True)
        with m.set_grad_enabled(False):
            b = (x * 2).requires_grad
        c = m.is_grad_enabled()

        @m.set_grad_enabled(False)
        def f():
            return m.is_grad_enabled()

        d = m.is_grad_enabled()  # decorating does not change the mode outside
        res.append((a, b, c, f(), d, m.is_grad_enabled()))
    assert res[0] == res[1]


def test_grad_mode_decorates_generators(torch):
    for m in (lt, torch):

        @m.no_grad()
        def gen():
            yield m.is_grad_enabled()
            yield m.is_grad_enabled()

        assert list(gen()) == [False, False] and m.is_grad_enabled()


def test_inference_mode(torch):
    res = []
    for m in (lt, torch):
        x = m.ones(2, requires_grad=True)
        with m.inference_mode():
            y = x * 2
            inside = (m.is_grad_enabled(), m.is_inference_mode_enabled())
            with m.inference_mode(False):
                off = (m.is_grad_enabled(), m.is_inference_mode_enabled())

        @m.inference_mode
        def f():
            return m.is_grad_enabled()

        res.append((y.requires_grad, y.is_inference(), x.is_inference(), inside, off, f(), repr(y)))
    assert res[0] == res[1]
    same_error(torch, lambda m: _inference_tensor(m)._version)
    same_error(torch, lambda m: _inference_tensor(m).requires_grad_())


def _inference_tensor(m):
    with m.inference_mode():
        return m.ones(2)


# ---------------------------------------------------------------------- custom Function


def _functions(m):
    class MyFn(m.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            ctx.save_for_backward(x)
            ctx.k = k
            return x * k

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            assert ctx.needs_input_grad == (True, False)
            return g * ctx.k + 0 * x, None

    class Bad(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    class Dirty(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            x.mul_(2)
            ctx.mark_dirty(x)
            return x

        @staticmethod
        def backward(ctx, g):
            return g * 2

    class Split(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.set_materialize_grads(False)
            idx = m.zeros(1, dtype=m.int64)
            ctx.mark_non_differentiable(idx)
            return x * 2, x * 3, idx

        @staticmethod
        def backward(ctx, g1, g2, g3):
            ctx.got = (g1 is None, g2 is None, g3 is None)
            return g1 * 2

    class Once(m.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x**2

        @staticmethod
        @m.autograd.function.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    return MyFn, Bad, Dirty, Split, Once


def test_custom_function(torch):
    res = []
    for m in (lt, torch):
        MyFn, _, Dirty, Split, Once = _functions(m)
        x = m.tensor([1.0, 2.0], requires_grad=True)
        y = MyFn.apply(x, 3.0)
        y.sum().backward()
        a = x.clone()
        d = Dirty.apply(a)
        d.sum().backward()
        s1, _s2, idx = Split.apply(x)
        s1.sum().backward()
        (go,) = m.autograd.grad(Once.apply(x).sum(), x, create_graph=True)
        with m.no_grad():
            plain = MyFn.apply(x, 2.0)
        res.append(
            (
                repr(y),
                len(y.grad_fn.next_functions),
                x.grad.tolist(),
                d is a,
                a._version,
                s1.grad_fn.got,
                idx.requires_grad,
                go.tolist(),
                go.requires_grad,
                plain.grad_fn,
            )
        )
    assert res[0] == res[1]


def test_custom_function_errors(torch):
    same_error(torch, lambda m: _functions(m)[1].apply(m.ones(2, requires_grad=True)).sum().backward())
    same_error(torch, lambda m: _functions(m)[2].apply(m.ones(2, requires_grad=True)))
    same_error(torch, lambda m: _functions(m)[0]()(m.ones(1)))


# ---------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.ones(2).sum().backward(),
        lambda m: m.tensor(1.0).backward(),
        lambda m: m.ones(2, requires_grad=True).numpy(),
        lambda m: m.ones(2, dtype=m.int64).requires_grad_(),
        lambda m: setattr(m.ones(2, dtype=m.int64), "requires_grad", True),
        lambda m: setattr(m.ones(2, requires_grad=True) * 2, "requires_grad", False),
        lambda m: m.ones(2, requires_grad=True).add_(1),
        lambda m: setattr(m.ones(2, requires_grad=True), "grad", m.ones(3)),
        lambda m: setattr(m.ones(2, requires_grad=True), "grad", m.ones(2, dtype=m.float64)),
        lambda m: m.ones(2).retain_grad(),
    ],
)
def test_errors_match_torch(torch, call):
    same_error(torch, call)


def test_inplace_on_saved_tensor_error(torch):
    def saved_input(m):
        x = m.ones(2, requires_grad=True)
        y = x.sin()
        z = y * y
        y.mul_(2)
        z.sum().backward()

    def saved_output(m):
        x = m.ones(2, requires_grad=True)
        y = x.exp()
        y.view(2).mul_(2)
        y.sum().backward()

    same_error(torch, saved_input)
    same_error(torch, saved_output)


def test_requires_grad_changes_on_non_leaf_allowed_true(torch):
    for m in (lt, torch):
        y = m.ones(2, requires_grad=True) * 2
        y.requires_grad_(True)
        assert y.requires_grad


def test_setup_context_style_function(torch):
    res = []
    for m in (lt, torch):

        class Cube(m.autograd.Function):
            @staticmethod
            def forward(x):
                return x**3

            @staticmethod
            def setup_context(ctx, inputs, output):
                ctx.save_for_backward(inputs[0])

            @staticmethod
            def backward(ctx, grad):
                (x,) = ctx.saved_tensors
                return 3 * x**2 * grad

        x = m.tensor([2.0, -1.0], requires_grad=True)
        y = Cube.apply(x)
        y.sum().backward()
        res.append((repr(y), x.grad.tolist()))
    assert res[0] == res[1]


def test_hooks_with_grad_and_inputs(torch):
    res = []
    for m in (lt, torch):
        x = m.ones(2, requires_grad=True)
        x.register_hook(lambda g: g * 10)
        leaf = m.autograd.grad((x * 2).sum(), x)[0].tolist()  # a leaf's hooks apply to what grad() returns
        y = x * 3
        y.retain_grad()
        m.autograd.grad((y * y).sum(), x)
        z = x * 3
        z.register_hook(lambda g: g + 1)
        gz, gx = m.autograd.grad((z * 1).sum(), [z, x])  # a non-leaf's: only downstream
        a = m.ones(2, requires_grad=True)
        b = a * 2
        b.register_hook(lambda g: g * 10)
        (b * b).sum().backward(inputs=[b])
        res.append((leaf, y.grad.tolist(), gz.tolist(), gx.tolist(), b.grad.tolist(), b.retains_grad, a.grad))
    assert res[0] == res[1]

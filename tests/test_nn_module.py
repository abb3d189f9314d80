"""nn.Module, Parameter, containers: registration, names, state_dict, hooks, reprs, errors vs torch."""

from __future__ import annotations

import copy
import pickle
import re
from collections import OrderedDict

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn as nn
import learntorch.nn.functional as F


def build(lib, torch_mod):
    """Build the same model in learntorch (lib=lt) or torch, via their own nn."""
    return lib


def copy_weights(lt_model, t_model):
    """Copy torch's parameters and buffers into the learntorch model (by state_dict key)."""
    sd = {k: lt.tensor(v.detach().numpy()) for k, v in t_model.state_dict().items()}
    lt_model.load_state_dict(sd)


def make_notes_models(nnmod, lib):
    """The custom modules of note 002, written once for either library."""

    class NeuralNet(nnmod.Module):
        def __init__(self):
            super().__init__()
            self.linear = nnmod.Linear(3, 3)

        def forward(self, x):
            return self.linear(x)

    class MLP(nnmod.Module):
        def __init__(self):
            super().__init__()
            self.hidden = nnmod.Linear(20, 256)
            self.out = nnmod.Linear(256, 10)

        def forward(self, x):
            return self.out(nnmod.functional.relu(self.hidden(x)))

    class MySequential(nnmod.Module):
        def __init__(self, *args):
            super().__init__()
            for idx, block in enumerate(args):
                self._modules[str(idx)] = block

        def forward(self, x):
            for block in self._modules.values():
                x = block(x)
            return x

    class FixedHiddenMLP(nnmod.Module):
        def __init__(self):
            super().__init__()
            self.rand_weight = lib.ones((20, 20)) * 0.05
            self.linear = nnmod.Linear(20, 20)

        def forward(self, x):
            x = self.linear(x)
            x = nnmod.functional.relu(lib.mm(x, self.rand_weight) + 1)
            x = self.linear(x)
            while x.abs().sum() > 1:
                x /= 2
            return x.sum()

    class NestMLP(nnmod.Module):
        def __init__(self):
            super().__init__()
            self.net = nnmod.Sequential(
                nnmod.Linear(20, 64), nnmod.ReLU(), nnmod.Linear(64, 32), nnmod.ReLU()
            )
            self.linear = nnmod.Linear(32, 16)

        def forward(self, x):
            return self.linear(self.net(x))

    def block1():
        return nnmod.Sequential(nnmod.Linear(4, 8), nnmod.ReLU(), nnmod.Linear(8, 4), nnmod.ReLU())

    def block2():
        net = nnmod.Sequential()
        for i in range(4):
            net.add_module(f"block{i}", block1())
        return net

    shared = nnmod.Linear(8, 8)
    return {
        "neuralnet": (NeuralNet(), (2, 3)),
        "mlp": (MLP(), (2, 20)),
        "mysequential": (MySequential(nnmod.Linear(20, 256), nnmod.ReLU(), nnmod.Linear(256, 10)), (2, 20)),
        "chimera": (nnmod.Sequential(NestMLP(), nnmod.Linear(16, 20), FixedHiddenMLP()), (2, 20)),
        "rgnet": (nnmod.Sequential(block2(), nnmod.Linear(4, 1)), (2, 4)),
        "tied": (
            nnmod.Sequential(
                nnmod.Linear(4, 8),
                nnmod.ReLU(),
                shared,
                nnmod.ReLU(),
                shared,
                nnmod.ReLU(),
                nnmod.Linear(8, 1),
            ),
            (2, 4),
        ),
        "ordered": (
            nnmod.Sequential(
                OrderedDict(
                    [("conv1", nnmod.Linear(5, 7)), ("relu1", nnmod.ReLU()), ("fc", nnmod.Linear(7, 2))]
                )
            ),
            (3, 5),
        ),
    }


@pytest.mark.parametrize("name", ["neuralnet", "mlp", "mysequential", "chimera", "rgnet", "tied", "ordered"])
def test_notes_models_match_torch(torch, name):
    lt_model, shape = make_notes_models(nn, lt)[name]
    t_model, _ = make_notes_models(torch.nn, torch)[name]
    assert repr(lt_model) == repr(t_model)
    assert list(lt_model.state_dict()) == list(t_model.state_dict())
    lt_np = [(n, tuple(p.shape)) for n, p in lt_model.named_parameters()]
    t_np = [(n, tuple(p.shape)) for n, p in t_model.named_parameters()]
    assert lt_np == t_np
    assert [n for n, _ in lt_model.named_modules()] == [n for n, _ in t_model.named_modules()]
    assert [n for n, _ in lt_model.named_children()] == [n for n, _ in t_model.named_children()]
    copy_weights(lt_model, t_model)
    x = np.random.default_rng(1).standard_normal(shape).astype(np.float32)
    y_lt = lt_model(lt.tensor(x))
    y_t = t_model(torch.tensor(x))
    np.testing.assert_allclose(y_lt.detach().numpy(), y_t.detach().numpy(), rtol=1e-5, atol=1e-6)
    y_lt.sum().backward()
    y_t.sum().backward()
    for (n, p), (_, q) in zip(lt_model.named_parameters(), t_model.named_parameters()):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-4, atol=1e-5, err_msg=n)


def test_parameter_tying_listed_once_and_shared():
    shared = nn.Linear(8, 8)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 1))
    assert len(list(net.parameters())) == 6
    assert len(list(net.named_parameters(remove_duplicate=False))) == 8
    net[2].weight.data[0, 0] = 100
    assert net[4].weight.data[0, 0].item() == 100
    net(lt.ones(2, 4)).sum().backward()
    assert net[2].weight.grad is net[4].weight.grad


def test_parameter_repr_and_identity(torch):
    p = nn.Parameter(lt.tensor([1.0, 2.0]))
    q = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    assert repr(p) == repr(q)
    assert p.is_leaf and p.requires_grad
    assert not nn.Parameter(lt.ones(2), requires_grad=False).requires_grad
    with lt.no_grad():
        assert nn.Parameter(lt.ones(1)).requires_grad
    x = lt.ones(3)
    p2 = nn.Parameter(x)
    p2.data[0] = 5.0
    assert x[0].item() == 5.0  # shares memory


def test_buffer_and_registration():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("mean", lt.zeros(3))
            self.register_buffer("tmp", lt.ones(1), persistent=False)
            self.b = nn.Buffer(lt.ones(2))
            self.nb = nn.Buffer(lt.ones(2), persistent=False)
            self.w = nn.Parameter(lt.ones(2))
            self.plain = lt.ones(2)

    m = M()
    assert list(m.state_dict()) == ["w", "mean", "b"]
    assert [n for n, _ in m.named_buffers()] == ["mean", "tmp", "b", "nb"]
    assert [n for n, _ in m.named_parameters()] == ["w"]
    assert "plain" in m.__dict__ and "plain" not in m._buffers
    del m.w
    assert "w" not in m._parameters
    m.mean = lt.full((3,), 2.0)  # assigning a tensor to a buffer name keeps it a buffer
    assert m._buffers["mean"][0].item() == 2.0


def test_module_error_messages_match_torch(torch):
    for lib, nnm in ((lt, nn), (torch, torch.nn)):

        class Early(nnm.Module):
            def __init__(self):
                self.fc = nnm.Linear(2, 2)

        with pytest.raises(
            AttributeError, match=re.escape("cannot assign module before Module.__init__() call")
        ):
            Early()

        class EarlyP(nnm.Module):
            def __init__(self):
                self.w = nnm.Parameter(lib.ones(1))

        with pytest.raises(
            AttributeError, match=re.escape("cannot assign parameters before Module.__init__() call")
        ):
            EarlyP()

        lin = nnm.Linear(2, 2)
        with pytest.raises(
            TypeError, match=re.escape("cannot assign 'torch.FloatTensor' as parameter 'weight'")
        ):
            lin.weight = lib.ones(2, 2)
        with pytest.raises(AttributeError, match=re.escape("'Linear' object has no attribute 'foo'")):
            _ = lin.foo
        with pytest.raises(KeyError, match="attribute 'weight' already exists"):
            lin.register_buffer("weight", lib.ones(1))
        with pytest.raises(AttributeError, match=re.escape("Linear has no attribute `nope`")):
            nnm.Sequential(lin).get_submodule("0.nope")
        with pytest.raises(IndexError, match="index 3 is out of range"):
            nnm.Sequential(lin)[3]


def test_load_state_dict_strict_and_errors(torch):
    for lib, nnm in ((lt, nn), (torch, torch.nn)):
        net = nnm.Sequential(nnm.Linear(4, 8), nnm.ReLU(), nnm.Linear(8, 1))
        sd = net.state_dict()
        assert repr(net.load_state_dict(sd)) == "<All keys matched successfully>"
        sd2 = OrderedDict(sd)
        del sd2["2.bias"]
        sd2["extra"] = lib.ones(1)
        with pytest.raises(RuntimeError) as ei:
            net.load_state_dict(sd2)
        msg = str(ei.value)
        assert msg == (
            'Error(s) in loading state_dict for Sequential:\n\tMissing key(s) in state_dict: "2.bias". \n\t'
            'Unexpected key(s) in state_dict: "extra". '
        )
        res = net.load_state_dict(sd2, strict=False)
        assert repr(res) == "_IncompatibleKeys(missing_keys=['2.bias'], unexpected_keys=['extra'])"
        sd3 = OrderedDict(sd)
        sd3["0.weight"] = lib.ones(3, 3)
        with pytest.raises(RuntimeError) as ei:
            net.load_state_dict(sd3)
        assert (
            "size mismatch for 0.weight: copying a param with shape torch.Size([3, 3]) from checkpoint, "
            "the shape in current model is torch.Size([8, 4])." in str(ei.value)
        )


def test_load_state_dict_copies_in_place():
    a, b = nn.Linear(3, 2), nn.Linear(3, 2)
    w = b.weight
    b.load_state_dict(a.state_dict())
    assert b.weight is w
    np.testing.assert_array_equal(b.weight.detach().numpy(), a.weight.detach().numpy())
    assert b.weight.data_ptr() != a.weight.data_ptr()
    sd = a.state_dict(keep_vars=True)
    assert sd["weight"] is a.weight
    assert not a.state_dict()["weight"].requires_grad


def test_train_eval_apply_zero_grad_requires_grad():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU()))
    net.eval()
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train(1)
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential", "Sequential"]
    net(lt.ones(1, 2)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert float(net[0].weight.grad.abs().sum()) == 0.0
    net.zero_grad()
    assert net[0].weight.grad is None
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_to_double_keeps_parameter_identity():
    m = nn.Linear(3, 2)
    w = m.weight
    m.register_buffer("count", lt.tensor(3))
    m.double()
    assert m.weight is w and isinstance(w, nn.Parameter) and w.dtype == lt.float64
    assert m.count.dtype == lt.int64
    m.to(lt.float32)
    assert m.weight.dtype == lt.float32 and m.weight is w
    m.to("cpu")
    with pytest.raises(TypeError, match="nn.Module.to only accepts floating point"):
        m.to(lt.int64)


def test_pickle_and_deepcopy_whole_model():
    net = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
    for clone in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert repr(clone) == repr(net)
        assert isinstance(clone[0].weight, nn.Parameter)
        x = lt.ones(2, 4)
        np.testing.assert_array_equal(clone(x).detach().numpy(), net(x).detach().numpy())
        assert clone[0].weight.data_ptr() != net[0].weight.data_ptr()


def test_sequential_container_ops(torch):
    for nnm in (nn, torch.nn):
        s = nnm.Sequential(nnm.Linear(1, 2), nnm.ReLU(), nnm.Linear(2, 3))
        assert isinstance(s[1:], nnm.Sequential) and len(s[1:]) == 2
        assert repr(s[-1]) == "Linear(in_features=2, out_features=3, bias=True)"
        s.append(nnm.Tanh())
        s.insert(0, nnm.Identity())
        del s[1]
        r1 = repr(s)
        t = s + nnm.Sequential(nnm.Sigmoid())
        assert len(t) == 5
        if nnm is nn:
            lt_repr = (r1, repr(t), [type(m).__name__ for m in s])
        else:
            assert lt_repr == (r1, repr(t), [type(m).__name__ for m in s])


def test_container_reprs_match_torch(torch):
    def build(nnm, lib):
        ml = nnm.ModuleList([nnm.Linear(10, 10) for _ in range(3)] + [nnm.ReLU()])
        md = nnm.ModuleDict({"conv": nnm.Linear(2, 2), "act": nnm.ReLU()})
        md.update([("lrelu", nnm.LeakyReLU()), ("prelu", nnm.PReLU())])
        pl = nnm.ParameterList([nnm.Parameter(lib.zeros(2, 3)), lib.ones(4)])
        pd = nnm.ParameterDict({"a": nnm.Parameter(lib.zeros(2, 3)), "b": lib.ones(4, dtype=lib.float64)})

        class Holder(nnm.Module):
            def __init__(self):
                super().__init__()
                self.ml, self.md, self.pl, self.pd = ml, md, pl, pd

        h = Holder()
        return h, [n for n, _ in h.named_parameters()]

    (a, an), (b, bn) = build(nn, lt), build(torch.nn, torch)
    assert repr(a) == repr(b)
    assert an == bn


def test_forward_hooks_and_pre_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append(out.shape) or out + 1)
    y = lin(lt.ones(3, 2))
    np.testing.assert_allclose(
        y.detach().numpy(), (lin.bias + 1).detach().numpy()[None].repeat(3, 0), rtol=1e-6
    )
    assert calls == [lt.Size([3, 2])]
    h1.remove()
    h2.remove()
    with lin.register_forward_hook(lambda m, a, k, o: calls.append(k), with_kwargs=True):
        lin(lt.ones(1, 2))
    assert calls[-1] == {}
    assert not lin._forward_hooks


def test_full_backward_hooks_match_torch(torch):
    def run(nnm, lib):
        lin = nnm.Linear(3, 2)
        with lib.no_grad():
            lin.weight.copy_(lib.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0]]))
            lin.bias.zero_()
        rec = []
        lin.register_full_backward_pre_hook(lambda m, go: rec.append(("pre", go[0].numpy().copy())))

        def hook(m, gi, go):
            rec.append(("post", gi[0].numpy().copy(), go[0].numpy().copy()))
            return (gi[0] * 2,)

        lin.register_full_backward_hook(hook)
        x = lib.tensor([[1.0, -1.0, 0.5]], requires_grad=True)
        y = lin(x)
        name = type(y.grad_fn).__name__
        (y * lib.tensor([[1.0, 3.0]])).sum().backward()
        return rec, x.grad.numpy(), lin.weight.grad.numpy(), name

    a, b = run(nn, lt), run(torch.nn, torch)
    assert a[3] == b[3] == "BackwardHookFunctionBackward"
    for ra, rb in zip(a[0], b[0]):
        assert ra[0] == rb[0]
        for u, v in zip(ra[1:], rb[1:]):
            np.testing.assert_allclose(u, v)
    np.testing.assert_allclose(a[1], b[1])
    np.testing.assert_allclose(a[2], b[2])


def test_shape_error_hint_names_layer(torch):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(nn.Flatten(), nn.Linear(1000, 64), nn.ReLU())
            self.fc2 = nn.Linear(64, 10)

        def forward(self, x):
            return self.fc2(self.features(x))

    x = np.zeros((64, 1024), dtype=np.float32)
    with pytest.raises(RuntimeError) as t_err:
        torch.nn.Linear(1000, 64)(torch.tensor(x))
    with pytest.raises(RuntimeError) as ei:
        Net()(lt.tensor(x))
    lines = str(ei.value).split("\n")
    assert (
        lines[0]
        == str(t_err.value).split("\n")[0]
        == "mat1 and mat2 shapes cannot be multiplied (64x1024 and 1000x64)"
    )
    assert lines[-1] == (
        "hint: layer 'features.1' = Linear(in_features=1000, out_features=64, bias=True) expects 1000 input "
        "features but received 1024"
    )
    assert sum(line.startswith("hint:") for line in lines) == 1
    with pytest.raises(RuntimeError, match="hint: Linear\\(in_features=3"):
        nn.Linear(3, 2)(lt.ones(2, 5))


def test_misc_module_api(torch):
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    assert net.get_parameter("0.bias") is net[0].bias
    assert net.get_submodule("1") is net[1]
    assert "0" not in dir(net) and "forward" in dir(net)
    with pytest.raises(
        NotImplementedError, match=re.escape('Module [Module] is missing the required "forward" function')
    ):
        nn.Module()(1)
    assert repr(nn.Module()) == repr(torch.nn.Module()) == "Module()"
    p = list(net.parameters(recurse=False))
    assert p == []
    assert [n for n, _ in net.named_parameters(prefix="model")] == ["model.0.weight", "model.0.bias"]
    d = F.linear(lt.ones(1, 2), net[0].weight)
    assert d.shape == lt.Size([1, 3])

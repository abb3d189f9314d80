"""The code of notes 000 ("pytorch基础") and 001 ("pytorch 工具箱") on learntorch, against PyTorch.

Each example runs twice, once with real torch and once with learntorch, from the same seed,
and what it prints (reprs, shapes, values) must be identical.
"""

from __future__ import annotations

import re

import pytest

import learntorch
import learntorch.nn.functional
import learntorch.utils.data


def _both(torch, example):
    """``example(torch_module)`` with real torch and with learntorch, seeded alike."""
    out = []
    for mod in (torch, learntorch):
        mod.manual_seed(0)
        out.append(example(mod))
    return out


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0]


# ------------------------------------------------------------------ numpy spellings (d2l's accuracy())
def test_argmax_axis_keyword_as_in_d2l_accuracy(torch):
    def ex(t):
        y_hat = t.randn(6, 4)
        y = t.randint(0, 4, (6,))
        pred = y_hat.argmax(axis=1)
        cmp = pred.type(y.dtype) == y
        return repr(pred), float(cmp.type(y.dtype).sum())

    a, b = _both(torch, ex)
    assert a == b


def test_axis_and_keepdims_aliases_methods_and_functions(torch):
    def ex(t):
        x = t.randn(3, 4)
        return [
            repr(x.sum(axis=0)),
            repr(t.sum(x, axis=1, keepdims=True)),
            repr(x.mean(axis=(0, 1))),
            repr(t.cat([x, x], axis=0).shape),
            repr(x.max(axis=1).indices),
            repr(t.softmax(x, axis=0)),
            repr(x.argmax(1, keepdims=True)),
        ]

    a, b = _both(torch, ex)
    assert a == b


def test_dim_still_works_and_wrappers_keep_names():
    x = learntorch.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert learntorch.sum.__name__ == "sum"
    assert learntorch.Tensor.argmax.__name__ == "argmax"
    assert x.sum(dim=0).tolist() == [4.0, 6.0]


# ------------------------------------------------------------------ constants (optimisation section plots)
def test_math_constants(torch):
    for name in ("pi", "e", "inf", "nan"):
        assert repr(getattr(learntorch, name)) == repr(getattr(torch, name))


def test_cos_pi_curve_matches(torch):
    def ex(t):
        x = t.arange(-1.0, 2.0, 0.5)
        return repr(x * t.cos(t.pi * x))

    a, b = _both(torch, ex)
    assert a == b


# ------------------------------------------------------------------ `relu(input)` with no tensor named input
@pytest.mark.parametrize("fn", ["relu", "sigmoid", "tanh", "exp"])
@pytest.mark.parametrize("value", [print, None, [1.0, 2.0], 3])
def test_non_tensor_input_raises_torchs_type_error(torch, fn, value):
    with pytest.raises(TypeError) as want:
        getattr(torch, fn)(value)
    with pytest.raises(TypeError, match=re.escape(_first_line(want.value))) as got:
        getattr(learntorch, fn)(value)
    assert "\nhint: " in str(got.value)


def test_relu_module_on_builtin_input(torch):
    # note 000 §3.6: `output = relu(input)` where `input` is still Python's built-in
    with pytest.raises(TypeError) as want:
        torch.nn.ReLU()(input)
    with pytest.raises(TypeError, match=re.escape(_first_line(want.value))):
        learntorch.nn.ReLU()(input)
    with pytest.raises(TypeError, match=re.escape(_first_line(want.value))):
        learntorch.nn.functional.relu(input)


# ------------------------------------------------------------------ the notes' examples end to end
def test_note000_dataset_and_loader(torch):
    def ex(t):
        X = t.randn(100, 10)
        y = t.randint(0, 2, (100,))
        ds = t.utils.data.TensorDataset(X, y)
        loader = t.utils.data.DataLoader(ds, batch_size=10, shuffle=True)
        seen = [repr(target) for _, (data, target) in enumerate(loader)]
        return len(ds), repr(ds[0]), len(loader), seen

    torch.utils.data  # noqa: B018 - make sure the submodule is imported
    a, b = _both(torch, ex)
    assert a == b


def test_note000_layers_shapes_and_values(torch):
    def ex(t):
        nn = t.nn
        model = nn.Sequential(
            nn.Conv2d(3, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(64 * 8 * 8, 10),
        )
        out = model(t.randn(2, 3, 32, 32))
        conv_trans = nn.ConvTranspose2d(32, 64, 3, stride=2, padding=1, output_padding=1)
        bn = nn.BatchNorm2d(3)
        bn(t.randn(2, 3, 4, 4))
        return [
            repr(model),
            repr(out.shape),
            repr(nn.AdaptiveAvgPool2d(2)(t.randn(1, 3, 4, 4)).shape),
            repr(conv_trans(t.randn(1, 32, 12, 12)).size()),  # 24x24, not the note's 25x25
            repr(bn.running_mean),
            repr(bn.num_batches_tracked),
        ]

    a, b = _both(torch, ex)
    assert a == b


def test_note000_parameters_state_dict_and_save(torch, tmp_path):
    def ex(t):
        nn = t.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.layer = nn.Linear(5, 3)

            def forward(self, x):
                return self.layer(x)

        model = Net()
        path = tmp_path / f"{t.__name__}.pth"
        t.save(model.state_dict(), path)
        res = model.load_state_dict(t.load(path))
        sd = model.state_dict()
        return [
            [(n, repr(p.data.shape)) for n, p in model.named_parameters()],
            repr(model.layer.weight.data),
            repr(sd["layer.bias"]),
            repr(res),
        ]

    a, b = _both(torch, ex)
    assert a == b


def test_note001_train_steps_and_param_groups(torch):
    def ex(t):
        nn = t.nn
        model = nn.Sequential(nn.Linear(8, 6), nn.ReLU(True), nn.Linear(6, 3))
        optimizer = t.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        criterion = nn.CrossEntropyLoss()
        img, label = t.randn(4, 8), t.tensor([1, 0, 2, 1])
        losses = []
        for epoch in range(6):
            if epoch % 5 == 0:
                optimizer.param_groups[0]["lr"] *= 0.1
            out = model(img)
            loss = criterion(out, label)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(f"{loss.item():.6f}")
        return losses, repr(optimizer), len(optimizer.param_groups[0])

    a, b = _both(torch, ex)
    assert a == b


# ------------------------------------------------------------------ loss.item() digits (note 001's training loop)
@pytest.mark.parametrize("n", [1, 5, 17, 100, 257, 1000])
@pytest.mark.parametrize("kw", [{}, {"reduction": "sum"}, {"weight": True}])
def test_nll_loss_sums_in_torchs_order(torch, n, kw):
    torch.manual_seed(n)
    logp = torch.log_softmax(torch.randn(n, 7), 1)
    y = torch.randint(0, 7, (n,))
    w = torch.rand(7)
    want = torch.nn.functional.nll_loss(logp, y, **({"weight": w} if kw.get("weight") else kw))
    lw = learntorch.tensor(w.numpy())
    got = learntorch.nn.functional.nll_loss(
        learntorch.tensor(logp.numpy()),
        learntorch.tensor(y.numpy()),
        **({"weight": lw} if kw.get("weight") else kw),
    )
    assert got.item() == want.item()  # bit-identical, not just close

"""Every op family on CuPy arrays: the same program on cuda and on cpu gives the same values and gradients.

Each case builds its inputs on the CPU (seeded), runs once on CPU tensors and once on copies
moved to the GPU, and compares the outputs and the gradients of every input (float64, so the
comparison is tight). Skipped without CuPy and an NVIDIA GPU.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import learntorch as lt
import learntorch.nn.functional as F
from learntorch import nn

pytestmark = pytest.mark.gpu

D = lt.float64


def _inputs(shapes: list[tuple[int, ...]], positive: bool) -> list[Any]:
    lt.manual_seed(0)
    out = []
    for s in shapes:
        t = lt.rand(*s, dtype=D) + 0.5 if positive else lt.randn(*s, dtype=D)
        out.append(t)
    return out


# name -> (function of tensors, input shapes, positive inputs only)
CASES: dict[str, tuple[Callable[..., Any], list[tuple[int, ...]], bool]] = {
    "add_broadcast": (lambda a, b: a + b, [(3, 4), (4,)], False),
    "sub_mul_div": (lambda a, b: (a - b) * a / (b.abs() + 1), [(3, 4), (3, 4)], False),
    "pow": (lambda a: a**2.5, [(5,)], True),
    "pow_tensor": (lambda a, b: a**b, [(5,), (5,)], True),
    "exp_log": (lambda a: a.exp() + a.log(), [(4, 3)], True),
    "sqrt_rsqrt": (lambda a: a.sqrt() + a.rsqrt(), [(6,)], True),
    "trig": (lambda a: a.sin() + a.cos() + a.tan() * 0.1, [(6,)], False),
    "tanh_sigmoid": (lambda a: a.tanh() * a.sigmoid(), [(2, 5)], False),
    "erf": (lambda a: lt.erf(a), [(7,)], False),
    "clamp": (lambda a: a.clamp(-0.5, 0.5), [(10,)], False),
    "abs_sign": (lambda a: a.abs() * 2 + a.sign(), [(8,)], False),
    "where": (lambda a, b: lt.where(a > 0, a, b), [(3, 3), (3, 3)], False),
    "maximum_minimum": (lambda a, b: lt.maximum(a, b) + lt.minimum(a, b) * 2, [(4,), (4,)], False),
    "sum_mean_dims": (lambda a: a.sum(1).mean() + a.mean(0, keepdim=True).sum(), [(3, 4, 2)], False),
    "var_std": (lambda a: a.var(1) + a.std(0).sum(), [(5, 4)], False),
    "max_min_dim": (lambda a: a.max(1).values + a.min(0).values.sum(), [(4, 5)], False),
    "amax_argmax": (lambda a: a.amax(0) * 1 + a.argmax(1).to(D).sum(), [(4, 5)], False),
    "prod_cumsum": (lambda a: a.prod(1) + a.cumsum(0).sum(), [(3, 4)], True),
    "logsumexp": (lambda a: lt.logsumexp(a, 1), [(3, 6)], False),
    "norm": (lambda a: a.norm() + a.norm(p=1, dim=0).sum(), [(3, 4)], False),
    "matmul": (lambda a, b: a @ b, [(5, 3), (3, 4)], False),
    "bmm": (lambda a, b: lt.bmm(a, b), [(2, 3, 4), (2, 4, 5)], False),
    "matmul_batched_broadcast": (lambda a, b: a @ b, [(2, 1, 3, 4), (5, 4, 2)], False),
    "einsum": (lambda a, b: lt.einsum("bij,bjk->bik", a, b), [(2, 3, 4), (2, 4, 2)], False),
    "outer_dot": (lambda a, b: lt.outer(a, b).sum() + lt.dot(a, a), [(4,), (3,)], False),
    "view_permute_reshape": (
        lambda a: a.permute(2, 0, 1).reshape(4, -1).t().contiguous().view(-1),
        [(2, 3, 4)],
        False,
    ),
    "expand_repeat": (lambda a: a.expand(3, 4, 2) * a.repeat(3, 1, 1), [(1, 4, 2)], False),
    "cat_stack_split": (
        lambda a, b: lt.cat([a, b], 0).sum(0) + lt.stack([a, b]).mean(0).sum(0) + a.split(1, 0)[1].sum(0),
        [(2, 3), (2, 3)],
        False,
    ),
    "squeeze_unsqueeze_flatten": (lambda a: a.unsqueeze(0).squeeze(0).flatten(1), [(2, 1, 3)], False),
    "index_slice": (lambda a: a[1:, ::2] * 2 + a[0, 1], [(3, 5)], False),
    "index_advanced": (lambda a: a[lt.tensor([2, 0, 2]).to(a.device)], [(4, 3)], False),
    "masked_fill": (lambda a: a.masked_fill(a > 0.3, 0.0), [(3, 4)], False),
    "gather_scatter": (
        lambda a: (
            a.gather(1, lt.tensor([[0, 1], [2, 0]]).to(a.device))
            + lt.zeros(2, 3, dtype=D, device=a.device).scatter(
                1, lt.tensor([[0, 1], [2, 0]]).to(a.device), 1.0
            )[:, :2]
        ),
        [(2, 3)],
        False,
    ),
    "index_select_put": (lambda a: a.index_select(0, lt.tensor([1, 1, 0]).to(a.device)), [(3, 2)], False),
    "tril_triu_diag": (lambda a: a.tril() + a.triu(1) + lt.diagonal(a).sum(), [(4, 4)], False),
    "sort_topk": (lambda a: a.sort(1).values + a.topk(2, 1).values.sum(), [(3, 5)], False),
    "softmax_logsoftmax": (lambda a: F.softmax(a, 1) + F.log_softmax(a, 0), [(3, 4)], False),
    "relu_family": (
        lambda a: (
            F.relu(a)
            + F.leaky_relu(a, 0.1)
            + F.elu(a)
            + F.gelu(a)
            + F.silu(a)
            + F.softplus(a)
            + F.hardtanh(a)
        ),
        [(12,)],
        False,
    ),
    "linear": (lambda x, w, b: F.linear(x, w, b), [(4, 3), (5, 3), (5,)], False),
    "conv1d": (lambda x, w: F.conv1d(x, w, padding=1, stride=2), [(2, 3, 9), (4, 3, 3)], False),
    "conv2d": (lambda x, w, b: F.conv2d(x, w, b, padding=1), [(2, 3, 6, 6), (4, 3, 3, 3), (4,)], False),
    "conv2d_groups_dilation": (
        lambda x, w: F.conv2d(x, w, groups=2, dilation=2),
        [(1, 4, 7, 7), (4, 2, 2, 2)],
        False,
    ),
    "conv3d": (lambda x, w: F.conv3d(x, w), [(1, 2, 4, 4, 4), (3, 2, 2, 2, 2)], False),
    "conv_transpose2d": (
        lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, output_padding=1),
        [(1, 2, 4, 4), (2, 3, 3, 3)],
        False,
    ),
    "max_pool2d": (lambda x: F.max_pool2d(x, 2, ceil_mode=True), [(1, 2, 5, 5)], False),
    "avg_pool2d": (lambda x: F.avg_pool2d(x, 3, stride=2, padding=1), [(1, 2, 6, 6)], False),
    "adaptive_avg_pool2d": (lambda x: F.adaptive_avg_pool2d(x, (2, 3)), [(2, 3, 5, 7)], False),
    "interpolate": (lambda x: F.interpolate(x, scale_factor=2, mode="bilinear"), [(1, 2, 3, 3)], False),
    "batch_norm_train": (
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        [(4, 3, 2, 2), (3,), (3,)],
        False,
    ),
    "layer_norm": (lambda x, w, b: F.layer_norm(x, (4,), w, b), [(3, 4), (4,), (4,)], False),
    "group_norm": (lambda x: F.group_norm(x, 2), [(2, 4, 3)], False),
    "embedding": (lambda w: F.embedding(lt.tensor([[0, 2, 0], [1, 1, 3]]).to(w.device), w), [(4, 3)], False),
    "cross_entropy": (
        lambda x: F.cross_entropy(x, lt.tensor([0, 2, 1]).to(x.device), label_smoothing=0.1),
        [(3, 4)],
        False,
    ),
    "nll_weight_ignore": (
        lambda x, w: F.nll_loss(
            F.log_softmax(x, 1), lt.tensor([0, 2, 1, 0]).to(x.device), weight=w.detach().abs(), ignore_index=1
        ),
        [(4, 3), (3,)],
        False,
    ),
    "mse_l1_smoothl1": (
        lambda a, b: F.mse_loss(a, b) + F.l1_loss(a, b) + F.smooth_l1_loss(a, b),
        [(5,), (5,)],
        False,
    ),
    "bce_with_logits": (
        lambda a, b: F.binary_cross_entropy_with_logits(a, b.sigmoid().detach()),
        [(6,), (6,)],
        False,
    ),
    "bce": (lambda a, b: F.binary_cross_entropy(a.sigmoid(), b.sigmoid().detach()), [(6,), (6,)], False),
    "kl_div": (
        lambda a, b: F.kl_div(F.log_softmax(a, 1), F.softmax(b, 1).detach(), reduction="batchmean"),
        [(2, 3), (2, 3)],
        False,
    ),
    "sdpa": (
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, is_causal=True),
        [(1, 2, 3, 4)] * 3,
        False,
    ),
    "normalize_pad": (lambda a: F.pad(F.normalize(a, dim=1), (1, 2)), [(3, 4)], False),
    "unfold_fold": (lambda x: F.fold(F.unfold(x, 2), (4, 4), 2), [(1, 2, 4, 4)], False),
}


def _run(fn: Callable[..., Any], xs: list[Any]) -> tuple[Any, list[Any]]:
    leaves = [x.clone().requires_grad_() for x in xs]
    y = fn(*leaves)
    out = y.detach()
    if y.requires_grad:
        lt.manual_seed(1)
        weights = (
            lt.randn(*y.shape, dtype=y.dtype).to(y.device)
            if y.dim()
            else lt.tensor(1.0, dtype=y.dtype).to(y.device)
        )
        (y * weights).sum().backward()
    return out, [leaf.grad for leaf in leaves]


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_on_gpu_matches_cpu(name: str) -> None:
    fn, shapes, positive = CASES[name]
    xs = _inputs(shapes, positive)
    cpu_out, cpu_grads = _run(fn, xs)
    gpu_out, gpu_grads = _run(fn, [x.cuda() for x in xs])
    assert gpu_out.is_cuda, f"{name}: result left the GPU"
    assert gpu_out.shape == cpu_out.shape and gpu_out.dtype == cpu_out.dtype
    np.testing.assert_allclose(gpu_out.cpu().numpy(), cpu_out.numpy(), rtol=1e-9, atol=1e-12)
    for i, (gg, cg) in enumerate(zip(gpu_grads, cpu_grads)):
        assert (gg is None) == (cg is None), f"{name}: grad of input {i} is None on one device only"
        if cg is not None:
            assert gg.is_cuda, f"{name}: grad of input {i} is not on the GPU"
            np.testing.assert_allclose(gg.cpu().numpy(), cg.numpy(), rtol=1e-9, atol=1e-12)


def _module_step(device: str, make: Callable[[], Any], x_shape: tuple[int, ...]) -> tuple[Any, list[Any]]:
    lt.manual_seed(0)
    model = make().to(device)
    # SGD, not Adam: Adam turns the rounding noise of a mathematically zero gradient (a conv bias
    # before BatchNorm, the key bias of attention) into a full step of ±lr on either device.
    opt = lt.optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
    lt.manual_seed(1)
    x = lt.randn(*x_shape).to(device)
    for _ in range(2):
        opt.zero_grad()
        out = model(x)
        out = out[0] if isinstance(out, tuple) else out
        out.square().mean().backward()
        opt.step()
    return out.detach().cpu(), [p.detach().cpu() for p in model.parameters()]


MODULES: dict[str, tuple[Callable[[], Any], tuple[int, ...]]] = {
    "mlp": (lambda: nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Dropout(0.0), nn.Linear(16, 3)), (4, 8)),
    "cnn": (
        lambda: nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.BatchNorm2d(4),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16, 2),
        ),
        (2, 1, 4, 4),
    ),
    "lstm": (lambda: nn.LSTM(3, 5, num_layers=2, batch_first=True), (2, 4, 3)),
    "gru": (lambda: nn.GRU(3, 4), (5, 2, 3)),
    "rnn": (lambda: nn.RNN(3, 4, nonlinearity="relu"), (5, 2, 3)),
    "mha": (lambda: nn.MultiheadAttention(8, 2, batch_first=True), (2, 3, 8)),
    "embedding_bag": (lambda: nn.Sequential(nn.Linear(6, 6), nn.LayerNorm(6), nn.GELU()), (3, 6)),
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_training_steps_match_cpu(name: str) -> None:
    make, shape = MODULES[name]
    if name == "mha":

        class SelfAttention(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.mha = nn.MultiheadAttention(8, 2, batch_first=True)

            def forward(self, x: Any) -> Any:
                return self.mha(x, x, x)[0]

        make = SelfAttention
    cpu_out, cpu_params = _module_step("cpu", make, shape)
    gpu_out, gpu_params = _module_step("cuda", make, shape)
    np.testing.assert_allclose(gpu_out.numpy(), cpu_out.numpy(), rtol=1e-4, atol=1e-5)
    for g, c in zip(gpu_params, cpu_params):
        np.testing.assert_allclose(g.numpy(), c.numpy(), rtol=1e-4, atol=1e-5)


def test_optimisers_on_gpu_match_cpu() -> None:
    for make in (
        lambda p: lt.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        lambda p: lt.optim.Adam(p, lr=0.01),
        lambda p: lt.optim.AdamW(p, lr=0.01),
        lambda p: lt.optim.RMSprop(p, lr=0.01),
        lambda p: lt.optim.Adagrad(p, lr=0.1),
        lambda p: lt.optim.Adadelta(p),
    ):
        results = []
        for device in ("cpu", "cuda"):
            lt.manual_seed(0)
            w = lt.randn(5, dtype=D).to(device).requires_grad_()
            opt = make([w])
            for _ in range(3):
                opt.zero_grad()
                (w**2).sum().backward()
                opt.step()
            results.append(w.detach().cpu().numpy())
        np.testing.assert_allclose(results[1], results[0], rtol=1e-10)


def test_state_dict_moves_between_devices(tmp_path) -> None:
    model = nn.Linear(3, 2).cuda()
    path = tmp_path / "m.pt"
    lt.save(model.state_dict(), path)
    sd = lt.load(path, map_location="cpu")
    assert all(not v.is_cuda for v in sd.values())
    sd_gpu = lt.load(path, map_location="cuda")
    assert all(v.is_cuda for v in sd_gpu.values())
    cpu_model = nn.Linear(3, 2)
    cpu_model.load_state_dict(sd)
    np.testing.assert_array_equal(cpu_model.weight.detach().numpy(), model.weight.detach().cpu().numpy())


def test_dataloader_pin_memory_and_to_cuda() -> None:
    ds = lt.utils.data.TensorDataset(lt.arange(10.0).view(5, 2), lt.arange(5))
    for xb, yb in lt.utils.data.DataLoader(ds, batch_size=2, pin_memory=True):
        xb, yb = xb.to("cuda", non_blocking=True), yb.cuda()
        assert xb.is_cuda and yb.is_cuda

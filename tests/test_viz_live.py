"""Animator / Timer / Accumulator, the d2l training helpers, and the headless demo."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest

import learntorch as lt
from learntorch import nn, viz
from learntorch.utils.data import DataLoader, TensorDataset


def test_timer_and_accumulator():
    t = viz.Timer()
    time.sleep(0.01)
    first = t.stop()
    t.start()
    t.stop()
    assert first >= 0.009 and len(t.times) == 2
    assert t.sum() == pytest.approx(sum(t.times)) and t.avg() == pytest.approx(t.sum() / 2)
    assert t.cumsum() == pytest.approx([t.times[0], t.sum()])
    m = viz.Accumulator(3)
    m.add(lt.tensor(2.5), 1, 3)
    m.add(0.5, 2, 3)
    assert (m[0], m[1], m[2]) == (3.0, 3.0, 6.0)
    m.reset()
    assert m.data == [0.0, 0.0, 0.0]


def test_animator_headless_draws_only_at_the_end(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: calls.append((a, k)))
    anim = viz.Animator(
        xlabel="epoch", xlim=[1, 3], legend=["train loss", "train acc", "test acc"], headless=True
    )
    for epoch in range(3):
        anim.add(epoch + 0.5, (1.0 / (epoch + 1), 0.5 + 0.1 * epoch, None))
        anim.add(epoch + 1, (None, None, 0.6 + 0.1 * epoch))
    assert calls == []  # nothing shown while training
    assert anim.X == [[0.5, 1.5, 2.5], [0.5, 1.5, 2.5], [1.0, 2.0, 3.0]]
    fig = anim.figure()
    ax = fig.axes[0]
    assert [ln.get_label() for ln in ax.get_lines()] == ["train loss", "train acc", "test acc"]
    assert ax.get_xlabel() == "epoch" and tuple(ax.get_xlim()) == (1.0, 3.0)
    assert list(ax.get_lines()[2].get_ydata()) == pytest.approx([0.6, 0.7, 0.8])
    p = anim.save(str(tmp_path / "curves.png"))
    assert open(p, "rb").read(4) == b"\x89PNG"


def test_animator_live_updates_one_display_handle(monkeypatch):
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def fake_display(obj, display_id=False):
        shown.append(("display", obj))
        assert display_id is True
        return Handle()

    monkeypatch.setattr("IPython.display.display", fake_display)
    monkeypatch.setattr("IPython.display.clear_output", lambda *a, **k: pytest.fail("clear_output used"))
    anim = viz.Animator(legend=["loss"], headless=False)
    for i in range(4):
        anim.add(i, 1.0 / (i + 1))
    assert [kind for kind, _ in shown] == ["display", "update", "update", "update"]
    pic = shown[-1][1]
    data, meta = pic._repr_mimebundle_()
    # SVG as d2l draws it, PNG for an untrusted notebook (JupyterLab will not show its SVG), text
    assert data["image/svg+xml"].startswith("<svg") and data["image/png"][:4] == b"\x89PNG"
    assert data["text/plain"] == repr(pic) == "<Animator: loss>"
    assert meta["image/png"] == {"width": 336, "height": 240}  # shown as large as the SVG (96 px per inch)
    assert "text/html" not in data  # JupyterLab would prefer it and strip the SVG when untrusted
    anim.show()  # already on screen: nothing more
    assert len(shown) == 4
    png_only = viz.Animator(headless=True, display="png")
    png_only.add(1, 1.0)
    assert "image/svg+xml" not in png_only._repr_mimebundle_()[0]


def test_animator_has_d2l_attributes_and_draws_every_panel():
    anim = viz.Animator(
        xlabel="epoch", ylabel=["loss", "accuracy"], legend=["train loss", "train acc", "test acc"],
        ncols=2, panels=[0, 1, 1], ylim=[None, (0, 1)], headless=True, figsize=(7, 2.5),
    )  # fmt: skip
    assert anim.fig is anim.axes[0].figure and len(anim.axes) == 2
    for epoch in range(1, 4):
        anim.add(epoch, (1.0 / epoch, 0.5 + 0.1 * epoch, 0.45 + 0.1 * epoch))
    assert anim.X == [[1.0, 2.0, 3.0]] * 3 and anim.Y[0] == pytest.approx([1.0, 0.5, 1 / 3])
    anim.figure()
    left, right = anim.axes
    assert [ln.get_label() for ln in left.get_lines()] == ["train loss"]
    assert [ln.get_label() for ln in right.get_lines()] == ["train acc", "test acc"]
    assert (left.get_ylabel(), right.get_ylabel()) == ("loss", "accuracy")
    assert tuple(right.get_ylim()) == (0.0, 1.0)
    # default: line i in panel i % panels, so nothing is left undrawn
    four = viz.Animator(nrows=2, ncols=2, headless=True)
    four.add(0, (1, 2, 3, 4, 5))
    four.figure()
    assert [len(ax.get_lines()) for ax in four.axes] == [2, 1, 1, 1]
    again = viz.Animator(nrows=2, ncols=2, headless=True)
    again.add(0, (1, 2, 3, 4, 5))
    assert four.svg() == again.svg()  # deterministic SVG (stable ids, no date): fine for stored notebooks


def test_headless_detection(monkeypatch):
    monkeypatch.setenv("LEARNTORCH_HEADLESS", "1")
    assert viz.is_headless()
    monkeypatch.setenv("LEARNTORCH_HEADLESS", "0")
    assert not viz.is_headless()
    monkeypatch.delenv("LEARNTORCH_HEADLESS")
    assert viz.is_headless()  # pytest is no IPython kernel


def test_accuracy_matches_d2l_definition(torch):
    logits = np.random.randn(20, 5).astype(np.float32)
    labels = np.random.randint(0, 5, size=20)
    expected = float((logits.argmax(1) == labels).sum())
    assert viz.accuracy(lt.tensor(logits), lt.tensor(labels)) == expected
    assert viz.accuracy(torch.tensor(logits), torch.tensor(labels)) == expected
    assert viz.accuracy(lt.tensor([1, 0, 2]), lt.tensor([1, 1, 2])) == 2.0


def _blobs(n=240, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, size=n)
    centers = np.array([[2.0, 0.0], [-2.0, 0.0], [0.0, 2.5]])
    X = (centers[y] + rng.normal(0, 0.5, size=(n, 2))).astype(np.float32)
    ds = TensorDataset(lt.from_numpy(X[:, None, :]), lt.from_numpy(y.astype(np.int64)))
    return DataLoader(ds, batch_size=24, shuffle=True), DataLoader(ds, batch_size=80)


def test_train_ch6_prints_like_d2l(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("LEARNTORCH_HEADLESS", "1")
    lt.manual_seed(0)
    train_iter, test_iter = _blobs()
    net = nn.Sequential(nn.Flatten(), nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    hist = viz.train_ch6(net, train_iter, test_iter, num_epochs=3, lr=0.5, device=viz.try_gpu(99),
                         save=str(tmp_path / "curves.svg"))  # fmt: skip
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "training on: cpu"
    m = re.fullmatch(r"loss: (\d\.\d{3}), train acc: (\d\.\d{3}), test acc: (\d\.\d{3})", out[1])
    assert m and float(m.group(3)) > 0.9
    assert re.fullmatch(r"\d+\.\d examples/sec on cpu", out[2])
    assert viz.evaluate_accuracy(net, test_iter) == pytest.approx(float(m.group(3)), abs=1e-3)
    # headless, it still hands back what a script can save or plot
    assert set(hist) == {"train_loss", "train_acc", "test_acc"} and len(hist["test_acc"]) == 3
    assert f"{hist['train_loss'][-1]:.3f}" == m.group(1) and f"{hist['test_acc'][-1]:.3f}" == m.group(3)
    assert (tmp_path / "curves.svg").read_text().count("<svg") == 1
    ax = hist.figure.figure.axes[0]
    assert [ln.get_label() for ln in ax.get_lines()] == ["train loss", "train acc", "test acc"]
    assert list(ax.get_lines()[2].get_ydata()) == pytest.approx(hist["test_acc"])
    assert hist.save(str(tmp_path / "again.png")) and (tmp_path / "again.png").read_bytes()[:4] == b"\x89PNG"


def test_train_general_with_inspector_and_progress(capsys, monkeypatch):
    monkeypatch.setenv("LEARNTORCH_HEADLESS", "1")
    lt.manual_seed(0)
    train_iter, test_iter = _blobs()
    net = nn.Sequential(nn.Flatten(), nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 3))
    opt = lt.optim.Adam(net.parameters(), lr=0.05)
    insp = viz.GradientInspector(net)
    hist = viz.train(
        net,
        train_iter,
        test_iter,
        2,
        loss=nn.CrossEntropyLoss(),
        optimizer=opt,
        inspector=insp,
        animator=False,
    )
    assert len(insp.history) == 2 * len(train_iter)  # one record per optimizer step
    assert len(hist["train_loss"]) == 2 and hist["test_acc"][-1] > 0.9
    assert hist.figure is None  # animator=False: no curves drawn
    with pytest.raises(ValueError, match="save= needs the curves"):
        viz.train(net, train_iter, test_iter, 1, animator=False, save="x.png", progress=False)
    err = capsys.readouterr().err
    assert "20/20" in err  # the tqdm bar went to stderr


def test_demo_writes_its_files(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LEARNTORCH_HEADLESS", "1")
    from learntorch.viz.demo import run_demo

    t0 = time.perf_counter()
    paths = run_demo(tmp_path / "out", epochs=1, progress=False)
    assert time.perf_counter() - t0 < 60
    out = capsys.readouterr().out
    for key in ("curves", "graph", "graph_png", "summary", "summary_html", "gradients", "gradients_png"):
        assert paths[key].exists() and str(paths[key]) in out
    assert paths["curves"].read_bytes()[:4] == b"\x89PNG"
    svg = paths["graph"].read_text()
    assert svg.lstrip().startswith("<svg") and "ConvolutionBackward0" in svg and "0.weight" in svg
    assert ">How to read this picture</text>" in svg and paths["graph_png"].read_bytes()[:4] == b"\x89PNG"
    summary = paths["summary"].read_text()
    assert "Total params: 1,898" in summary and "Kernel Shape" in summary and "Param %" in summary
    assert "<!doctype html>" in paths["summary_html"].read_text()
    report = paths["gradients"].read_text()
    assert "grad norm" in report and "Rules (measured | threshold | verdict):" in report
    assert "History(1 epochs:" in out
    assert re.search(r"test acc: 0\.\d{3}", out)

"""d2l-style training helpers: ``accuracy``, ``evaluate_accuracy``, ``train_ch6``, ``train``.

``train_ch6`` is the training function of note 000 §8, line for line: Xavier
initialisation of ``Linear``/``Conv2d`` weights, SGD, cross-entropy, an
:class:`~learntorch.viz.live.Animator` with train loss / train acc / test acc, and
the two summary lines it prints. :func:`train` is the same loop generalised:
any loss and optimiser, a tqdm progress bar, and an optional
:class:`~learntorch.viz.grads.GradientInspector`.

Both return a :class:`History`: the per-epoch numbers (a ``dict`` of lists, so
``history["test_acc"][-1]`` works) plus ``history.figure``, the curves as a
picture; ``save="curves.png"`` writes that picture (useful headless, where
nothing is shown while training).

These functions work on learntorch (and, unchanged, on real PyTorch models, since
they only use the shared API).
"""

from __future__ import annotations

import sys
from typing import Any, Callable

from .live import Accumulator, Animator, FigureView, Timer, is_headless

__all__ = [
    "History",
    "accuracy",
    "evaluate_accuracy",
    "evaluate_accuracy_gpu",
    "try_gpu",
    "train_ch6",
    "train",
]


class History(dict):
    """What :func:`train` and :func:`train_ch6` return: ``{"train_loss": [...], "train_acc": [...],
    "test_acc": [...]}`` per epoch, plus ``figure`` (a :class:`FigureView` of the curves, or None).

    >>> h = History(train_loss=[0.9, 0.5], train_acc=[0.6, 0.8], test_acc=[0.7, 0.75])
    >>> h
    History(2 epochs: train_loss 0.900 -> 0.500, train_acc 0.600 -> 0.800, test_acc 0.700 -> 0.750)
    >>> h["test_acc"][-1]
    0.75
    """

    figure: FigureView | None = None

    def save(self, path: str) -> str:
        """Write the curves (PNG, SVG or PDF by suffix); returns the path."""
        if self.figure is None:
            raise ValueError(
                "this history has no figure\nhint: train with animator=True (the default) to draw the curves."
            )
        return self.figure.save(path)

    def __repr__(self) -> str:
        n = max((len(v) for v in self.values()), default=0)
        parts = [f"{k} {v[0]:.3f} -> {v[-1]:.3f}" for k, v in self.items() if v]
        return f"History({n} epochs: {', '.join(parts)})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


def _torch() -> Any:
    import learntorch  # noqa: PLC0415

    return learntorch


def try_gpu(i: int = 0) -> Any:
    """``cuda:i`` if that GPU exists, else ``cpu`` (d2l's ``try_gpu``).

    >>> str(try_gpu(99))
    'cpu'
    """
    torch = _torch()
    if torch.cuda.device_count() >= i + 1:
        return torch.device(f"cuda:{i}")
    return torch.device("cpu")


def accuracy(y_hat: Any, y: Any) -> float:
    """The number of correct predictions (d2l): argmax of each row of ``y_hat`` vs ``y``.

    >>> import learntorch as torch
    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), torch.tensor([1, 1, 1]))
    2.0
    """
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net: Any, data_iter: Any, device: Any = None) -> float:
    """Accuracy of ``net`` over ``data_iter``, on ``device`` (default: the model's device).

    This is d2l's ``evaluate_accuracy_gpu``: it works on any device.
    """
    torch = _torch()
    if hasattr(net, "eval"):
        net.eval()
        if not device:
            params = list(net.parameters()) if hasattr(net, "parameters") else []
            device = params[0].device if params else None
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            if device is not None:
                X = [x.to(device) for x in X] if isinstance(X, list) else X.to(device)
                y = y.to(device)
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


evaluate_accuracy_gpu = evaluate_accuracy


def _xavier_init(m: Any) -> None:
    nn = _torch().nn
    if type(m) in (getattr(nn, "Linear", None), getattr(nn, "Conv2d", None)):
        nn.init.xavier_uniform_(m.weight)


def train_ch6(
    net: Any,
    train_iter: Any,
    test_iter: Any,
    num_epochs: int,
    lr: float,
    device: Any,
    save: str | None = None,
) -> History:
    """Train a model on a GPU or CPU (note 000 §8, d2l's ``train_ch6``).

    Returns the :class:`History` (d2l returns nothing); ``save="curves.png"`` also writes the figure.
    """
    torch = _torch()
    nn = torch.nn
    net.apply(_xavier_init)
    print("training on:", device)
    net.to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    animator = Animator(xlabel="epoch", xlim=[1, num_epochs], legend=["train loss", "train acc", "test acc"])
    timer, num_batches = Timer(), len(train_iter)
    history = History(train_loss=[], train_acc=[], test_acc=[])
    for epoch in range(num_epochs):
        # sum of training loss, sum of training accuracy, no. of examples
        metric = Accumulator(3)
        net.train()
        for i, (X, y) in enumerate(train_iter):
            timer.start()
            optimizer.zero_grad()
            X, y = X.to(device), y.to(device)
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            with torch.no_grad():
                metric.add(l * X.shape[0], accuracy(y_hat, y), X.shape[0])
            timer.stop()
            train_l = metric[0] / metric[2]
            train_acc = metric[1] / metric[2]
            if (i + 1) % max(num_batches // 5, 1) == 0 or i == num_batches - 1:
                animator.add(epoch + (i + 1) / num_batches, (train_l, train_acc, None))
        test_acc = evaluate_accuracy_gpu(net, test_iter)
        animator.add(epoch + 1, (None, None, test_acc))
        for key, value in (("train_loss", train_l), ("train_acc", train_acc), ("test_acc", test_acc)):
            history[key].append(value)
    animator.show()
    print(f"loss: {train_l:.3f}, train acc: {train_acc:.3f}, test acc: {test_acc:.3f}")
    print(f"{metric[2] * num_epochs / timer.sum():.1f} examples/sec on {str(device)}")
    history.figure = FigureView(animator.figure(), "<training curves: train loss, train acc, test acc>")
    if save:
        history.save(save)
    return history


def train(
    net: Any,
    train_iter: Any,
    test_iter: Any | None,
    num_epochs: int,
    loss: Callable | None = None,
    optimizer: Any = None,
    lr: float = 0.1,
    device: Any = None,
    progress: bool = True,
    inspector: Any = None,
    animator: Animator | bool | None = True,
    init: Callable | None = None,
    verbose: bool = True,
    save: str | None = None,
) -> History:
    """``train_ch6`` generalised; returns the :class:`History` (per-epoch numbers and the figure).

    Args:
        loss: default ``nn.CrossEntropyLoss()``.
        optimizer: default ``optim.SGD(net.parameters(), lr=lr)``.
        device: default: where the model's parameters are.
        progress: show a tqdm progress bar over batches.
        inspector: a :class:`~learntorch.viz.GradientInspector`; its ``step()`` is
            called after every ``optimizer.step()`` (unless it wraps the optimiser).
        animator: ``True`` (a new Animator), ``False``/``None`` (none) or your own.
        init: a function for ``net.apply`` (e.g. Xavier), default: keep the model's init.
        verbose: print the final line and the speed as ``train_ch6`` does.
        save: write the curves to this file (PNG, SVG or PDF) at the end.
    """
    torch = _torch()
    if init is not None:
        net.apply(init)
    if device is None:
        params = list(net.parameters())
        device = params[0].device if params else torch.device("cpu")
    net.to(device)
    loss = loss if loss is not None else torch.nn.CrossEntropyLoss()
    optimizer = optimizer if optimizer is not None else torch.optim.SGD(net.parameters(), lr=lr)
    if animator is True:
        legend = ["train loss", "train acc"] + (["test acc"] if test_iter is not None else [])
        animator = Animator(xlabel="epoch", xlim=[1, num_epochs], legend=legend)
    anim = animator or None
    if save and anim is None:
        raise ValueError(
            "save= needs the curves, but animator=False\nhint: keep animator=True (the default)."
        )
    history = History(train_loss=[], train_acc=[], test_acc=[])
    timer, num_batches = Timer(), len(train_iter)
    bar = _progress(num_epochs * num_batches) if progress else None
    train_l = train_acc = test_acc = float("nan")
    metric = Accumulator(3)
    try:
        for epoch in range(num_epochs):
            metric = Accumulator(3)
            net.train()
            for i, (X, y) in enumerate(train_iter):
                timer.start()
                optimizer.zero_grad()
                X, y = X.to(device), y.to(device)
                y_hat = net(X)
                l = loss(y_hat, y)
                l.backward()
                optimizer.step()
                if inspector is not None and not getattr(inspector, "wraps_optimizer", False):
                    inspector.step()
                with torch.no_grad():
                    metric.add(l * X.shape[0], accuracy(y_hat, y), X.shape[0])
                timer.stop()
                train_l, train_acc = metric[0] / metric[2], metric[1] / metric[2]
                if bar is not None:
                    bar.set_postfix_str(
                        f"epoch {epoch + 1} loss {train_l:.3f} acc {train_acc:.3f}", refresh=False
                    )
                    bar.update(1)
                if anim is not None and ((i + 1) % max(num_batches // 5, 1) == 0 or i == num_batches - 1):
                    anim.add(
                        epoch + (i + 1) / num_batches, (train_l, train_acc, None)[: len(anim.legend) or 3]
                    )
            history["train_loss"].append(train_l)
            history["train_acc"].append(train_acc)
            if test_iter is not None:
                test_acc = evaluate_accuracy(net, test_iter)
                history["test_acc"].append(test_acc)
                if anim is not None:
                    anim.add(epoch + 1, (None, None, test_acc))
    finally:
        if bar is not None:
            bar.close()
    if anim is not None:
        anim.show()
    if verbose:
        print(f"loss: {train_l:.3f}, train acc: {train_acc:.3f}, test acc: {test_acc:.3f}")
        print(f"{metric[2] * num_epochs / max(timer.sum(), 1e-9):.1f} examples/sec on {str(device)}")
    if anim is not None:
        history.figure = FigureView(anim.figure(), f"<training curves: {', '.join(anim.legend)}>")
        if save:
            history.save(save)
    return history


def _progress(total: int) -> Any:
    if is_headless():
        from tqdm import tqdm  # noqa: PLC0415

        return tqdm(total=total, file=sys.stderr, unit="batch", dynamic_ncols=True, leave=True)
    from tqdm.auto import tqdm as auto_tqdm  # noqa: PLC0415

    return auto_tqdm(total=total, unit="batch", leave=True)

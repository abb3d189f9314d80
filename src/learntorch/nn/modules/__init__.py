"""The layer classes of ``torch.nn``."""

__all__: list[str] = []

# --- section A: Module, containers, linear, activation, loss, flatten (nn-modules work) ---
from .module import Module, RemovableHandle  # noqa: E402

__all__ += ["Module", "RemovableHandle"]

# --- section B: conv, pooling, normalization, dropout, sparse, rnn, attention (nn-layers work) ---

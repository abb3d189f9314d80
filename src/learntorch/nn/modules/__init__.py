"""The layer classes of ``torch.nn``."""

# --- section A: Module, containers, linear, activation, loss, flatten (nn-modules work) ---

# --- section B: conv, pooling, normalization, dropout, sparse, rnn, attention (nn-layers work) ---

__all__: list[str] = []

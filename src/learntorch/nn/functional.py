"""``torch.nn.functional``: the stateless forms of the layers and losses.

The implementations live next to their family (``learntorch/ops/`` for primitives
with their own backward, ``nn/_functional_*.py`` for compositions); this module
re-exports them under PyTorch's names.
"""

# --- section A: activations, linear, losses, misc (owned by the nn-modules work) ---

# --- section B: conv, pool, norm, dropout, embedding, rnn, attention, interpolation (nn-layers work) ---

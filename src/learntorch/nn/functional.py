"""``torch.nn.functional``: the stateless forms of the layers and losses.

The implementations live next to their family (``learntorch/ops/`` for primitives
with their own backward, ``nn/_functional_*.py`` for compositions); this module
re-exports them under PyTorch's names.
"""

__all__: list[str] = []

# --- section A: activations, linear, losses, misc (owned by the nn-modules work) ---
from ._functional_activation import (  # noqa: E402
    celu,
    elu,
    gelu,
    hardtanh,
    leaky_relu,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    relu_,
    selu,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    tanh,
)
from ._functional_loss import (  # noqa: E402
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    huber_loss,
    kl_div,
    l1_loss,
    mse_loss,
    nll_loss,
    smooth_l1_loss,
)
from ._functional_misc import bilinear, linear, normalize, one_hot, pad  # noqa: E402

__all__ += [
    "celu", "elu", "gelu", "hardtanh", "leaky_relu", "log_softmax", "logsigmoid", "mish", "prelu", "relu",
    "relu6", "relu_", "selu", "sigmoid", "silu", "softmax", "softmin", "softplus", "tanh",
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy", "huber_loss", "kl_div",
    "l1_loss", "mse_loss", "nll_loss", "smooth_l1_loss",
    "bilinear", "linear", "normalize", "one_hot", "pad",
]  # fmt: skip

# --- section B: conv, pool, norm, dropout, embedding, rnn, attention, interpolation (nn-layers work) ---

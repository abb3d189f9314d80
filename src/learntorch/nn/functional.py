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
from ..ops.conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d  # noqa: E402
from ..ops.embedding import embedding  # noqa: E402
from ..ops.fold import fold, unfold  # noqa: E402
from ..ops.norm import batch_norm, group_norm, layer_norm  # noqa: E402
from ..ops.pool import (  # noqa: E402
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool2d,
    max_pool3d,
)
from ..ops.resample import (  # noqa: E402
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    interpolate,
)
from ..ops.unpool import max_unpool1d, max_unpool2d  # noqa: E402
from ._functional_layers import (  # noqa: E402
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    scaled_dot_product_attention,
)
from ._functional_rnn import multi_head_attention_forward  # noqa: E402


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):  # noqa: ANN001, ANN201
    """Deprecated alias of :func:`interpolate` (kept because older code calls it)."""
    return interpolate(input, size, scale_factor, mode, align_corners)


__all__ += [
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d", "unfold", "fold",
    "max_pool1d", "max_pool2d", "max_pool3d", "avg_pool1d", "avg_pool2d", "avg_pool3d", "adaptive_avg_pool1d",
    "adaptive_avg_pool2d", "adaptive_avg_pool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "max_unpool1d",
    "max_unpool2d", "interpolate", "upsample", "batch_norm", "layer_norm", "group_norm", "embedding",
    "dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "scaled_dot_product_attention",
    "multi_head_attention_forward",
]  # fmt: skip

"""The layer classes of ``torch.nn``."""

__all__: list[str] = []

# --- section A: Module, containers, linear, activation, loss, flatten (nn-modules work) ---
from .activation import (  # noqa: E402
    CELU,
    ELU,
    GELU,
    SELU,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    SiLU,
    Softmax,
    Softmin,
    Softplus,
    Tanh,
)
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential  # noqa: E402
from .flatten import Flatten, Unflatten  # noqa: E402
from .linear import Bilinear, Identity, Linear  # noqa: E402
from .loss import (  # noqa: E402
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    KLDivLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from .module import Module, RemovableHandle  # noqa: E402

__all__ += [
    "Module", "RemovableHandle", "Sequential", "ModuleList", "ModuleDict", "ParameterList", "ParameterDict",
    "Identity", "Linear", "Bilinear", "Flatten", "Unflatten",
    "ReLU", "ReLU6", "LeakyReLU", "ELU", "CELU", "SELU", "PReLU", "GELU", "SiLU", "Mish", "Sigmoid", "Tanh",
    "Softplus", "Softmax", "LogSoftmax", "Softmin", "Hardtanh", "LogSigmoid",
    "L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "KLDivLoss",
]  # fmt: skip

# --- section B: conv, pooling, normalization, dropout, sparse, rnn, attention (nn-layers work) ---

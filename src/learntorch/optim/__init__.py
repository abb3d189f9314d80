"""``learntorch.optim``: optimisers and learning-rate schedulers, shaped like ``torch.optim``.

>>> import learntorch as torch
>>> import learntorch.optim as optim
>>> w = torch.tensor([1.0], requires_grad=True)
>>> optimizer = optim.SGD([w], lr=0.1, momentum=0.9)
>>> optimizer.param_groups[0]['lr'] *= 0.1     # note 001: change lr while training
>>> optimizer.param_groups[0]['lr']
0.010000000000000002
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "lr_scheduler"]

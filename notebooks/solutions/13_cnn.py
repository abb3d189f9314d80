"""Solutions of chapter 13 · Convolutional networks end to end."""

# %% exercise:1
bright_above = torch.tensor([[[[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]]]])

# %% exercise:2
import math


def pooled_size(n, kernel_size, stride, ceil_mode):
    steps = (n - kernel_size) / stride
    out = (math.ceil(steps) if ceil_mode else math.floor(steps)) + 1
    if ceil_mode and (out - 1) * stride >= n:   # the last window would start outside the input
        out -= 1
    return out

# %% exercise:3
quick_relu = nn.Sequential(
    nn.Conv2d(3, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(1024, 64), nn.ReLU(), nn.Linear(64, 10),
)

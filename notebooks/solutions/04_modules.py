"""Solutions of chapter 04 · Modules and containers."""

# %% exercise:1
class TwoLayerNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 8)
        self.out = nn.Linear(8, 2)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))


_ = torch.manual_seed(1)
two = TwoLayerNet()

# %% exercise:2
blocks = [nn.Linear(8, 8) for _ in range(3)]
holder = nn.ModuleList(blocks)

# %% exercise:3
named = nn.Sequential(OrderedDict([("fc1", nn.Linear(4, 8)), ("act", nn.ReLU()), ("fc2", nn.Linear(8, 2))]))

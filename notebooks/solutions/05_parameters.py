"""Solutions of chapter 05 · Parameters."""

# %% exercise:1
n_params = sum(p.numel() for p in rgnet.parameters())

# %% exercise:2
net2 = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))

def init_ones(m):
    if type(m) == nn.Linear:
        nn.init.ones_(m.weight)
        nn.init.zeros_(m.bias)

_ = net2.apply(init_ones)

# %% exercise:3
answer = (6, 8)  # Linear(4, 8): 2, shared: 2 (listed once), Linear(8, 1): 2; state_dict names shared twice

# %% exercise:4
class Scale(nn.Module):
    def __init__(self, features):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(features))

    def forward(self, x):
        return x * self.scale

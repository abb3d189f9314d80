"""Solutions of 02_broadcasting_views.ipynb, one block per exercise (learntorch.course.solve puts them in)."""

# %% exercise:1
answer = (2, 3)

# %% exercise:2
answer = torch.arange(3).expand(4, 3)

# %% exercise:3
img = torch.arange(24).view(2, 3, 4)
answer = img.permute(2, 0, 1).reshape(4, 6)

# %% exercise:4
M = torch.tensor([[1.0, 10.0, 100.0], [3.0, 30.0, 300.0], [8.0, 80.0, 800.0]])
answer = M - M.mean(dim=0)

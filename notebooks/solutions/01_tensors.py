"""Solutions of 01_tensors.ipynb, one block per exercise (learntorch.course.solve puts them in)."""

# %% exercise:1
x1 = torch.tensor([1.0, 2.0, 3.0])
answer = x1.mul_(2)

# %% exercise:2
images = torch.arange(8 * 3 * 4 * 4).reshape(8, 3, 4, 4)
answer = images.flatten(start_dim=1)

# %% exercise:3
hwc = torch.arange(4 * 5 * 3).reshape(4, 5, 3)
answer = hwc.permute(2, 0, 1).unsqueeze(0)

# %% exercise:4
p, q, r = torch.zeros(2, 4), torch.ones(2, 4), torch.full((2, 4), 2.0)
answer = torch.stack([p, q, r])

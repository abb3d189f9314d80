"""Solutions of chapter 17 · Attention."""

# %% exercise:1
def attention(Q, K, V):
    scores = Q @ K.transpose(-2, -1) / Q.shape[-1] ** 0.5
    return F.softmax(scores, dim=-1) @ V

# %% exercise:2
lengths = torch.tensor([3, 1])
padding_mask = torch.arange(4)[None, :] >= lengths[:, None]

# %% exercise:3
ones = torch.ones(4, 4, dtype=torch.bool)
window_mask = torch.tril(ones) & torch.triu(ones, diagonal=-1)

# Solutions for notebooks/07_activations_norm_dropout.ipynb (one block per exercise cell).

# %% exercise:1
x = torch.tensor([-2.0, -1.0, 0.5, 3.0])
elu_grad = torch.where(x > 0, torch.ones_like(x), x.exp())

# %% exercise:2
class FixedDropout(nn.Module):
    def forward(self, x):
        return F.dropout(x, p=0.5, training=self.training)

# %% exercise:3
def layer_norm(x, eps=1e-5):
    mean = x.mean(dim=-1, keepdim=True)
    var = x.var(dim=-1, unbiased=False, keepdim=True)
    return (x - mean) / (var + eps).sqrt()

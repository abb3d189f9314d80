"""Solutions of chapter 03 · Autograd."""

# %% exercise:1
x = torch.tensor(math.pi / 3, requires_grad=True)
torch.sin(x).backward()
answer = x.grad

# %% exercise:2
prediction = [4.0, 5.0, 6.0]  # ds/da_i = b_i

# %% exercise:3
x = torch.tensor(2.0, requires_grad=True)
y = x**2 + 2*x + 2
leaf_node = y.grad_fn.next_functions[0][0].next_functions[0][0].next_functions[0][0]

"""Solutions of chapter 16 · Recurrent networks."""

# %% exercise:1
shapes = ((7, 4, 16), (6, 4, 8))

# %% exercise:2
x1, h0 = torch.randn(2, 4), torch.randn(2, 6)
h1 = torch.tanh(x1 @ cell.weight_ih.T + cell.bias_ih + h0 @ cell.weight_hh.T + cell.bias_hh)

# %% exercise:3
hx, cx = torch.randn(2, 6), torch.randn(2, 6)
gates = x1 @ lstm_cell.weight_ih.T + lstm_cell.bias_ih + hx @ lstm_cell.weight_hh.T + lstm_cell.bias_hh
i, f, g, o = gates.chunk(4, dim=1)  # four (2, 6) blocks
c1 = torch.sigmoid(f) * cx + torch.sigmoid(i) * torch.tanh(g)
h1_lstm = torch.sigmoid(o) * torch.tanh(c1)

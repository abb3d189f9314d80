"""Solutions to the exercises of 09_optimisation.ipynb (each block replaces the cell tagged with its name)."""

# %% exercise:1
lr = 10**2  # 100 steps of lr·f'(x): the step grows as x leaves the flat region

# %% exercise:2
optimizer2 = optim.SGD(
    [{"params": net[0].parameters(), "lr": 0.1}, {"params": net[2].parameters(), "lr": 0.01}],
    momentum=0.9,
)

# %% exercise:3
schedule = (10, 0.1)  # 0.1 → 0.01 at epoch 10 → 0.001 at epoch 20

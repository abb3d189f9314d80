# Solutions for notebooks/06_layers.ipynb (one block per exercise cell).

# %% exercise:1
def conv_out(size, kernel_size, stride=1, padding=0, dilation=1):
    return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1

# %% exercise:2
h = conv_out(28, 5)  # 24
h = conv_out(h, 2, stride=2)  # 12
h = conv_out(h, 5)  # 8
h = conv_out(h, 2, stride=2)  # 4
n_features = 16 * h * h  # 256

# %% exercise:3
up25 = nn.ConvTranspose2d(32, 64, kernel_size=3, stride=2, padding=0, output_padding=0)

"""Solutions of chapter 12 · Vision data and TensorBoard."""

# %% exercise:1
preprocess = transforms.Compose([
    transforms.Resize(256),
    transforms.CenterCrop(224),
    transforms.ToTensor(),
    transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
])

# %% exercise:2
def log_losses(writer, losses):
    for step, loss in enumerate(losses):
        writer.add_scalar("train/loss", loss, step)

# %% exercise:3
loader32 = DataLoader(test_data, batch_size=32, drop_last=True)

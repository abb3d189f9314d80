"""Solutions of chapter 14 · Saving, pretrained models and hub."""

# %% exercise:1
net = nn.Sequential(nn.Linear(4, 2))
torch.save({"epoch": 5, "model": net.state_dict()}, "ckpt.pth")
restored = nn.Sequential(nn.Linear(4, 2))
restored.load_state_dict(torch.load("ckpt.pth")["model"])

# %% exercise:2
n_params = sum(p.numel() for p in model.parameters())

# %% exercise:3
publish_name = "model_weights-" + hashlib.sha256(open("model_weights.pth", "rb").read()).hexdigest()[:8] + ".pth"

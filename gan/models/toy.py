"""Small MLP generator and discriminator for 2D points (the playground)."""
from __future__ import annotations

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from . import HUB_CARD_TEMPLATE

ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": lambda: nn.LeakyReLU(0.2), "tanh": nn.Tanh, "elu": nn.ELU}


def mlp(d_in: int, d_out: int, hidden: int, depth: int, activation: str) -> nn.Sequential:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {sorted(ACTIVATIONS)}")
    layers: list[nn.Module] = []
    d = d_in
    for _ in range(depth):
        layers += [nn.Linear(d, hidden), ACTIVATIONS[activation]()]
        d = hidden
    layers.append(nn.Linear(d, d_out))
    return nn.Sequential(*layers)


class ToyGenerator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "toy"],
                   model_card_template=HUB_CARD_TEMPLATE):
    """z (B, latent_dim) -> points (B, 2)."""

    def __init__(self, latent_dim: int = 2, hidden: int = 128, depth: int = 3, activation: str = "relu",
                 noise: str = "gaussian"):
        super().__init__()
        if noise not in ("gaussian", "uniform"):
            raise ValueError(f"noise must be 'gaussian' or 'uniform', got {noise!r}")
        self.latent_dim, self.noise = latent_dim, noise
        self.net = mlp(latent_dim, 2, hidden, depth, activation)

    def sample_z(self, n: int, generator: torch.Generator | None = None, device=None) -> torch.Tensor:
        if self.noise == "uniform":
            return torch.rand(n, self.latent_dim, generator=generator, device=device) * 2 - 1
        return torch.randn(n, self.latent_dim, generator=generator, device=device)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class ToyDiscriminator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "toy"],
                       model_card_template=HUB_CARD_TEMPLATE):
    """points (B, 2) -> logit (B,)."""

    def __init__(self, hidden: int = 128, depth: int = 3, activation: str = "leaky_relu"):
        super().__init__()
        self.net = mlp(2, 1, hidden, depth, activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)

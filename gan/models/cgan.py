"""Class-conditional DCGAN for 28/32/64 px images.

G: the label embedding is concatenated to z before the first projection. D: a projection
discriminator (Miyato & Koyama 2018) with spectral norm, plus an optional auxiliary classifier head
(AC-GAN, Odena et al. 2017) that makes class fidelity come early in training on a CPU budget.
"""
from __future__ import annotations

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from . import HUB_CARD_TEMPLATE
from .dcgan import _layout, flat_features, maybe_sn, upsampler


class CondGenerator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "cgan", "conditional"],
                    model_card_template=HUB_CARD_TEMPLATE):
    """(z (B, latent_dim), y (B,)) -> image (B, channels, image_size, image_size) in [-1, 1]."""

    def __init__(self, latent_dim: int = 64, n_classes: int = 10, channels: int = 1, image_size: int = 28,
                 width: int = 64, embed_dim: int = 32):
        super().__init__()
        start, n_up = _layout(image_size)
        self.latent_dim, self.n_classes, self.channels, self.image_size = latent_dim, n_classes, channels, image_size
        c = width * 2 ** (n_up - 1)
        self.start, self.c0 = start, c
        self.embed = nn.Embedding(n_classes, embed_dim)
        self.project = nn.Sequential(nn.Linear(latent_dim + embed_dim, c * start * start, bias=False),
                                     nn.BatchNorm1d(c * start * start), nn.ReLU(inplace=True))
        self.net = upsampler(c, n_up, channels)

    def forward(self, z: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        h = torch.cat([z.flatten(1), self.embed(y)], dim=1)  # (B, latent + embed)
        h = self.project(h).view(-1, self.c0, self.start, self.start)  # (B, C0, s, s)
        return self.net(h)


class CondDiscriminator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "cgan", "conditional"],
                        model_card_template=HUB_CARD_TEMPLATE):
    """(x, y) -> logit (B,). With ``aux_classifier`` also ``classify(x)`` -> class logits (B, n_classes)."""

    def __init__(self, n_classes: int = 10, channels: int = 1, image_size: int = 28, width: int = 64,
                 spectral_norm: bool = True, aux_classifier: bool = True):
        super().__init__()
        start, n_down = _layout(image_size)
        self.n_classes = n_classes
        layers: list[nn.Module] = [maybe_sn(nn.Conv2d(channels, width, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2, inplace=True)]
        c = width
        for _ in range(n_down - 1):
            layers += [maybe_sn(nn.Conv2d(c, c * 2, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2, inplace=True)]
            c *= 2
        self.features = nn.Sequential(*layers)
        feat = c * start * start
        self.head = maybe_sn(nn.Linear(feat, 1), spectral_norm)
        self.embed = maybe_sn(nn.Embedding(n_classes, feat), spectral_norm)
        self.aux = nn.Linear(feat, n_classes) if aux_classifier else None
        self._last_features: torch.Tensor | None = None

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        f = flat_features(self.features(x))  # (B, F)
        self._last_features = f
        return self.head(f).squeeze(1) + (self.embed(y) * f).sum(1)  # (B,)

    def classify_last(self) -> torch.Tensor | None:
        """Auxiliary class logits for the batch seen by the last ``forward`` (None without the head)."""
        if self.aux is None or self._last_features is None:
            return None
        return self.aux(self._last_features)

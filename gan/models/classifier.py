"""A small MNIST classifier used by the quality metrics (class accuracy, entropy, Frechet distance).

Trained by this project on the first 8,000 of the offline 10,000 MNIST images; the last 2,000 are
held out (see :mod:`gan.metrics.classifier`). Its 128-d penultimate activations are the features
compared by the Frechet distance.
"""
from __future__ import annotations

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from . import HUB_CARD_TEMPLATE


class MNISTClassifier(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["classifier", "mnist"],
                      model_card_template=HUB_CARD_TEMPLATE):
    """image (B, channels, 28, 28) in [-1, 1] -> class logits (B, n_classes)."""

    def __init__(self, n_classes: int = 10, channels: int = 1, width: int = 32, feature_dim: int = 128,
                 dropout: float = 0.3):
        super().__init__()
        self.n_classes, self.channels, self.feature_dim = n_classes, channels, feature_dim
        w = width

        def block(c_in: int, c_out: int) -> list[nn.Module]:
            return [nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(inplace=True)]

        self.conv = nn.Sequential(
            *block(channels, w), nn.MaxPool2d(2),  # (B, w, 14, 14)
            *block(w, 2 * w), *block(2 * w, 2 * w), nn.MaxPool2d(2),  # (B, 2w, 7, 7)
        )
        self.embed = nn.Sequential(nn.Flatten(), nn.Linear(2 * w * 7 * 7, feature_dim), nn.ReLU(inplace=True))
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(feature_dim, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate activations (B, feature_dim)."""
        return self.embed(self.conv(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.drop(self.features(x)))  # (B, n_classes)

    def features_and_logits(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        f = self.features(x)
        return f, self.head(f)

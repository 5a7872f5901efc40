"""The two networks of the offline style method (:mod:`gan.style.offline`), and their downsampling.

Not generators, never saved or loaded, so not in the registry of :mod:`gan.models`:

* :class:`RandomFeatures`: fixed, seeded random filters whose feature maps give texture statistics;
* :class:`PatchDiscriminator`: a small PatchGAN trained during the optimisation;
* :func:`blur_down`: the anti-aliased halving both use instead of strided convolutions.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


_BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0


def blur_down(x: torch.Tensor) -> torch.Tensor:
    """Binomial 5x5 blur then stride 2 (each channel separately): (B, C, H, W) -> (B, C, H/2, W/2)."""
    c = x.shape[1]
    k = (_BINOMIAL[:, None] * _BINOMIAL[None, :]).to(x).expand(c, 1, 5, 5)
    return F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), k, stride=2, groups=c)

class RandomFeatures(nn.Module):
    """A fixed convolutional network with seeded random weights; returns the feature map of each layer.

    Never trained: its random filters give texture statistics (Gram matrices) without downloading
    anything. Layers halve the resolution from the second on: full, 1/2, 1/4, 1/8.
    """

    def __init__(self, seed: int = 1234, widths: tuple[int, ...] = (32, 64, 128, 128)):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        convs, c = [], 3
        for w in widths:
            conv = nn.Conv2d(c, w, 3, 1, 1, padding_mode="reflect")
            with torch.no_grad():
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=g) * math.sqrt(2.0 / (c * 9)))
                conv.bias.zero_()
            convs.append(conv)
            c = w
        self.convs = nn.ModuleList(convs)
        self.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        feats = []
        for i, conv in enumerate(self.convs):
            if i > 0:
                x = blur_down(x)  # anti-aliased halving: no stride aliasing, no grid artefacts
            x = F.relu(conv(x))
            feats.append(x)  # (B, C_i, H_i, W_i)
        return feats

class PatchDiscriminator(nn.Module):
    """A small PatchGAN: image (B, 3, H, W) -> a map of real/fake logits, one per ~40 px patch.

    Downsampling is blur-then-subsample rather than strided convolution: the gradients it sends
    back to the image are then free of the checkerboard pattern strided convs are known for.
    """

    def __init__(self, width: int = 32):
        super().__init__()
        self.convs = nn.ModuleList([
            nn.Conv2d(3, width, 3, 1, 1), nn.Conv2d(width, width * 2, 3, 1, 1),
            nn.Conv2d(width * 2, width * 4, 3, 1, 1),
        ])
        self.head = nn.Conv2d(width * 4, 1, 3, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.convs:
            x = blur_down(F.leaky_relu(conv(x), 0.2))
        return self.head(x)  # (B, 1, H/8, W/8)

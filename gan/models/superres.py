"""The super-resolution networks of the Super-resolution page (``gan.superres``): a small CNN that turns
a low-resolution MNIST digit (7x7 or 14x14) into a 28x28 one, and the patch discriminator that the
adversarial variant (the SRGAN idea, Ledig et al. 2017) trains against.

The generator predicts a correction to the bicubic upsampling of its input (output = bicubic(x) + net(x)),
computes at the low resolution and grows the image with sub-pixel convolutions (PixelShuffle), so a
training step stays cheap on a CPU. Not registered in ``gan.models.MODELS``: these are not z -> image
generators; ``gan.superres`` saves and loads them (safetensors, strict).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

SCALES = (2, 4)  # 14x14 -> 28x28 and 7x7 -> 28x28


def bicubic_up(lr: torch.Tensor, scale: int) -> torch.Tensor:
    """Bicubic upsampling by ``scale`` (images in [-1, 1], clamped back into that range)."""
    return F.interpolate(lr, scale_factor=scale, mode="bicubic", align_corners=False).clamp(-1, 1)


class SRGenerator(nn.Module):
    """low-res image (B, 1, 28/scale, 28/scale) in [-1, 1] -> (B, 1, 28, 28) in [-1, 1]."""

    def __init__(self, scale: int = 4, width: int = 32):
        super().__init__()
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {SCALES}, not {scale}")
        if width < 8 or width % 4:
            raise ValueError(f"width must be a multiple of 4, at least 8 (got {width})")
        self.scale, self.width = scale, width
        layers: list[nn.Module] = [nn.Conv2d(1, width, 3, padding=1), nn.ReLU(),
                                   nn.Conv2d(width, width, 3, padding=1), nn.ReLU(),
                                   nn.Conv2d(width, width, 3, padding=1), nn.ReLU()]
        c = width
        for _ in range(int(math.log2(scale))):  # each stage: twice the side, half the channels
            layers += [nn.Conv2d(c, 4 * (c // 2), 3, padding=1), nn.PixelShuffle(2), nn.ReLU()]
            c //= 2
        layers.append(nn.Conv2d(c, 1, 3, padding=1))
        self.body = nn.Sequential(*layers)

    def forward(self, lr: torch.Tensor) -> torch.Tensor:
        out = bicubic_up(lr, self.scale) + self.body(lr)  # (B, 1, 28, 28)
        return out if self.training else out.clamp(-1, 1)


class SRDiscriminator(nn.Module):
    """A patch discriminator with spectral norm: image (B, 1, 28, 28) -> logits (B, 1, 7, 7), one per
    overlapping patch ("does this patch look like a real digit's?"). Not conditioned on the input."""

    def __init__(self, width: int = 16):
        super().__init__()
        if width < 1:
            raise ValueError(f"width must be at least 1 (got {width})")
        self.width = width
        sn = nn.utils.parametrizations.spectral_norm
        self.net = nn.Sequential(
            sn(nn.Conv2d(1, width, 4, 2, 1)), nn.LeakyReLU(0.2),  # (B, w, 14, 14)
            sn(nn.Conv2d(width, 2 * width, 4, 2, 1)), nn.LeakyReLU(0.2),  # (B, 2w, 7, 7)
            sn(nn.Conv2d(2 * width, 1, 3, 1, 1)),  # (B, 1, 7, 7)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)

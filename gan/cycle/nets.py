"""The four networks of a CycleGAN (Zhu et al., 2017) and the one module that holds them.

G: X -> Y and F: Y -> X translate; D_X and D_Y tell real from translated in each domain. For 2D points
they are small MLPs; for 28x28 digits a small encoder / residual blocks / decoder (the paper's ResNet generator,
shrunk) and a PatchGAN critic that scores 7x7 overlapping patches. :class:`CycleGAN` keeps all four under one
``config.json`` (typed keyword arguments) and one ``model.safetensors`` (keys ``G.``, ``F.``, ``D_X.``, ``D_Y.``).
"""
from __future__ import annotations

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from ..models import HUB_CARD_TEMPLATE
from ..models.toy import mlp

KINDS = ("points", "images")


class PointTranslator(nn.Module):
    """(B, 2) -> (B, 2): an MLP."""

    def __init__(self, width: int, depth: int):
        super().__init__()
        self.net = mlp(2, 2, width, depth, "leaky_relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class PointCritic(nn.Module):
    """(B, 2) -> (B,) scores (least squares: 1 real, 0 translated)."""

    def __init__(self, width: int, depth: int):
        super().__init__()
        self.net = mlp(2, 1, width, depth, "leaky_relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


class ResBlock(nn.Module):
    def __init__(self, ch: int):
        super().__init__()
        self.block = nn.Sequential(nn.Conv2d(ch, ch, 3, padding=1, padding_mode="reflect"), nn.InstanceNorm2d(ch),
                                   nn.ReLU(True), nn.Conv2d(ch, ch, 3, padding=1, padding_mode="reflect"),
                                   nn.InstanceNorm2d(ch))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.block(x)


class ImageTranslator(nn.Module):
    """(B, 1, 28, 28) in [-1, 1] -> the same: conv, down to 14x14, ``depth`` residual blocks, up, conv, tanh."""

    def __init__(self, width: int, depth: int):
        super().__init__()
        c = width
        self.net = nn.Sequential(
            nn.Conv2d(1, c, 5, padding=2, padding_mode="reflect"), nn.InstanceNorm2d(c), nn.ReLU(True),
            nn.Conv2d(c, 2 * c, 3, stride=2, padding=1), nn.InstanceNorm2d(2 * c), nn.ReLU(True),  # (B, 2c, 14, 14)
            *[ResBlock(2 * c) for _ in range(depth)],
            nn.ConvTranspose2d(2 * c, c, 3, stride=2, padding=1, output_padding=1), nn.InstanceNorm2d(c),
            nn.ReLU(True),  # (B, c, 28, 28)
            nn.Conv2d(c, 1, 5, padding=2, padding_mode="reflect"), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)


class PatchCritic(nn.Module):
    """(B, 1, 28, 28) -> (B, 7, 7): one least-squares score per overlapping patch (PatchGAN)."""

    def __init__(self, width: int):
        super().__init__()
        c = width
        self.net = nn.Sequential(
            nn.Conv2d(1, c, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True),  # (B, c, 14, 14)
            nn.Conv2d(c, 2 * c, 4, stride=2, padding=1), nn.InstanceNorm2d(2 * c), nn.LeakyReLU(0.2, True),  # 7x7
            nn.Conv2d(2 * c, 1, 3, padding=1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


class CycleGAN(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "cyclegan"],
               model_card_template=HUB_CARD_TEMPLATE):
    """G: X -> Y, F: Y -> X, D_X, D_Y for ``kind`` "points" (MLPs ``width`` wide, ``depth`` hidden layers) or
    "images" (``width`` base channels, ``depth`` residual blocks)."""

    def __init__(self, kind: str = "points", width: int = 64, depth: int = 3):
        super().__init__()
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
        self.kind, self.width, self.depth = kind, width, depth
        if kind == "points":
            self.G, self.F = PointTranslator(width, depth), PointTranslator(width, depth)
            self.D_X, self.D_Y = PointCritic(width, depth), PointCritic(width, depth)
        else:
            self.G, self.F = ImageTranslator(width, depth), ImageTranslator(width, depth)
            self.D_X, self.D_Y = PatchCritic(width), PatchCritic(width)

    def generators(self) -> list[nn.Parameter]:
        return [*self.G.parameters(), *self.F.parameters()]

    def critics(self) -> list[nn.Parameter]:
        return [*self.D_X.parameters(), *self.D_Y.parameters()]

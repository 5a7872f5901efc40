"""AnimeGANv2 generator in the layout of the public PyTorch port (``akhaliq/AnimeGANv2-pytorch``).

Photo (B, 3, H, W) in [-1, 1] -> stylised image of the same size in [-1, 1]. Attribute names
(``block_a`` ... ``block_e``, ``out_layer``, ``layers`` inside inverted residual blocks) and the
position of every conv/norm inside its ``nn.Sequential`` follow the port, so its weights load strictly.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from . import HUB_CARD_TEMPLATE


class ConvNormLReLU(nn.Sequential):
    """[pad, Conv2d, GroupNorm(1 group), LeakyReLU(0.2)] -> keys ``1.weight``, ``2.weight``, ``2.bias``."""

    def __init__(self, in_ch: int, out_ch: int, kernel_size: int = 3, stride: int = 1,
                 padding: int | tuple[int, int, int, int] = 1, pad_mode: str = "reflect",
                 groups: int = 1, bias: bool = False):
        pads = {"zero": nn.ZeroPad2d, "same": nn.ReplicationPad2d, "reflect": nn.ReflectionPad2d}
        if pad_mode not in pads:
            raise ValueError(f"pad_mode must be one of {sorted(pads)}")
        super().__init__(
            pads[pad_mode](padding),
            nn.Conv2d(in_ch, out_ch, kernel_size, stride, 0, groups=groups, bias=bias),
            nn.GroupNorm(1, out_ch, affine=True),
            nn.LeakyReLU(0.2, inplace=True),
        )


class InvertedResBlock(nn.Module):
    """1x1 expand -> 3x3 depthwise -> 1x1 project (+ x when shapes agree)."""

    def __init__(self, in_ch: int, out_ch: int, expansion: int = 2):
        super().__init__()
        self.use_res = in_ch == out_ch
        mid = int(round(in_ch * expansion))
        self.layers = nn.Sequential(
            ConvNormLReLU(in_ch, mid, kernel_size=1, padding=0),
            ConvNormLReLU(mid, mid, groups=mid, bias=True),
            nn.Conv2d(mid, out_ch, 1, bias=False),
            nn.GroupNorm(1, out_ch, affine=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.layers(x)
        return x + out if self.use_res else out


class AnimeGANv2Generator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "animegan"],
                          model_card_template=HUB_CARD_TEMPLATE):
    """RGB in [-1, 1] (B, 3, H, W) -> (B, 3, H, W) in [-1, 1]; 2,143,552 parameters with the defaults."""

    def __init__(self, in_channels: int = 3, out_channels: int = 3, align_corners: bool = True):
        super().__init__()
        self.align_corners = align_corners
        self.block_a = nn.Sequential(
            ConvNormLReLU(in_channels, 32, kernel_size=7, padding=3),
            ConvNormLReLU(32, 64, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(64, 64),
        )
        self.block_b = nn.Sequential(
            ConvNormLReLU(64, 128, stride=2, padding=(0, 1, 0, 1)),
            ConvNormLReLU(128, 128),
        )
        self.block_c = nn.Sequential(
            ConvNormLReLU(128, 128),
            InvertedResBlock(128, 256, 2),
            InvertedResBlock(256, 256, 2),
            InvertedResBlock(256, 256, 2),
            InvertedResBlock(256, 256, 2),
            ConvNormLReLU(256, 128),
        )
        self.block_d = nn.Sequential(ConvNormLReLU(128, 128), ConvNormLReLU(128, 128))
        self.block_e = nn.Sequential(
            ConvNormLReLU(128, 64),
            ConvNormLReLU(64, 64),
            ConvNormLReLU(64, 32, kernel_size=7, padding=3),
        )
        self.out_layer = nn.Sequential(nn.Conv2d(32, out_channels, 1, bias=False), nn.Tanh())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.block_a(x)                     # (B, 64, H/2, W/2)
        half = out.shape[-2:]
        out = self.block_c(self.block_b(out))     # (B, 128, H/4, W/4)
        out = F.interpolate(out, size=half, mode="bilinear", align_corners=self.align_corners)
        out = self.block_d(out)                   # (B, 128, H/2, W/2)
        out = F.interpolate(out, size=x.shape[-2:], mode="bilinear", align_corners=self.align_corners)
        out = self.block_e(out)                   # (B, 32, H, W)
        return self.out_layer(out)                # (B, 3, H, W)

"""CycleGAN ``resnet_9blocks`` generator (Zhu et al. 2017): photo (B, 3, H, W) -> image of the same size.

The module layout (an ``nn.Sequential`` called ``model`` whose indices name the keys, residual blocks
holding a ``conv_block``) matches the public CycleGAN checkpoints key for key, so their weights load
strictly. InstanceNorm has no parameters and no running statistics; old files that carry
``running_mean``/``running_var``/``num_batches_tracked`` for those layers must have them dropped first
(:func:`drop_instancenorm_buffers`).
"""
from __future__ import annotations

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn

from . import HUB_CARD_TEMPLATE

LEGACY_NORM_SUFFIXES = ("running_mean", "running_var", "num_batches_tracked")


def drop_instancenorm_buffers(state: dict[str, torch.Tensor], model: nn.Module) -> dict[str, torch.Tensor]:
    """Remove running-stat entries that ``model`` does not have (legacy InstanceNorm buffers)."""
    expected = set(model.state_dict())
    return {k: v for k, v in state.items()
            if k in expected or k.rsplit(".", 1)[-1] not in LEGACY_NORM_SUFFIXES}


class ResnetBlock(nn.Module):
    """x -> x + conv_block(x), with reflection padding; channels unchanged."""

    def __init__(self, dim: int, dropout: bool = False):
        super().__init__()
        layers: list[nn.Module] = [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim), nn.ReLU(True)]
        if dropout:
            layers.append(nn.Dropout(0.5))
        layers += [nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3), nn.InstanceNorm2d(dim)]
        self.conv_block = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "cyclegan"],
                      model_card_template=HUB_CARD_TEMPLATE):
    """RGB in [-1, 1] (B, in_channels, H, W), H and W divisible by 4 -> (B, out_channels, H, W) in [-1, 1].

    Defaults give the published ``resnet_9blocks`` layout (11,378,179 parameters).
    """

    def __init__(self, in_channels: int = 3, out_channels: int = 3, ngf: int = 64, n_blocks: int = 9,
                 dropout: bool = False):
        super().__init__()
        if n_blocks < 0 or ngf < 1:
            raise ValueError("n_blocks must be >= 0 and ngf >= 1")
        self.in_channels, self.out_channels = in_channels, out_channels
        layers: list[nn.Module] = [nn.ReflectionPad2d(3), nn.Conv2d(in_channels, ngf, 7), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        c = ngf
        for _ in range(2):  # two stride-2 downsamplings
            layers += [nn.Conv2d(c, c * 2, 3, 2, 1), nn.InstanceNorm2d(c * 2), nn.ReLU(True)]
            c *= 2
        layers += [ResnetBlock(c, dropout) for _ in range(n_blocks)]
        for _ in range(2):  # two stride-2 upsamplings
            layers += [nn.ConvTranspose2d(c, c // 2, 3, 2, 1, output_padding=1), nn.InstanceNorm2d(c // 2), nn.ReLU(True)]
            c //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(c, out_channels, 7), nn.Tanh()]
        self.model = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = x.shape[-2:]
        ph, pw = (-h) % 4, (-w) % 4
        if ph or pw:  # pad to a multiple of 4 so the two downsamplings invert exactly, crop after
            x = nn.functional.pad(x, (0, pw, 0, ph), mode="reflect")
        return self.model(x)[..., :h, :w]  # (B, out_channels, H, W)

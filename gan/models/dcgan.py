"""DCGAN (Radford et al. 2015) for 28x28, 32x32 and 64x64 images with 1 or 3 channels.

With ``n_codes > 0`` the pair is an InfoGAN (Chen et al. 2016): the last ``n_codes`` entries of z
become a categorical code, the index of their largest entry as a one-hot vector (the argmax of
i.i.d. Gaussians is uniform over the categories, so plain ``randn`` noise stays the right prior and
the generator stays an unconditional z -> image model). The discriminator gets a head Q that guesses
the code back from an image; maximising that guess's accuracy (a lower bound on the mutual
information between code and image) makes G give each code a distinct look. No labels are used:
on MNIST the codes come to stand for digits on their own.

Also holds the HugGAN-community DCGAN generator layout (``huggan/dcgan-mnist``) so its public
weights load strictly.
"""
from __future__ import annotations

import torch
from huggingface_hub import PyTorchModelHubMixin
from torch import nn
from torch.nn.utils import spectral_norm as _sn

from . import HUB_CARD_TEMPLATE

SIZES = {28: (7, 2), 32: (4, 3), 64: (4, 4)}  # image_size -> (start resolution, number of 2x upsamplings)


def _layout(image_size: int) -> tuple[int, int]:
    if image_size not in SIZES:
        raise ValueError(f"image_size must be one of {sorted(SIZES)}, got {image_size}")
    return SIZES[image_size]


def maybe_sn(layer: nn.Module, on: bool) -> nn.Module:
    return _sn(layer) if on else layer


class _GradInLayout(torch.autograd.Function):
    """Identity whose backward hands on the gradient in the memory layout of the forward tensor."""

    @staticmethod
    def forward(ctx, x: torch.Tensor) -> torch.Tensor:
        ctx.channels_last = x.dim() == 4 and not x.is_contiguous() and x.is_contiguous(memory_format=torch.channels_last)
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        return grad.contiguous(memory_format=torch.channels_last) if ctx.channels_last else grad


def flat_features(features: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, C*H*W), as ``flatten(1)``. With channels-last features (the Trainer's layout on the
    CPU) flattening copies them into the usual order, and its gradient comes back in that order: the layers
    below would then get a gradient whose layout differs from their output's, and PyTorch's elementwise and
    convolution backward kernels are much slower on mixed layouts. The gradient is put back into the features'
    layout first (one copy)."""
    return (_GradInLayout.apply(features) if features.requires_grad else features).flatten(1)


def upsampler(c: int, n_up: int, channels: int) -> nn.Sequential:
    """(B, c, s, s) -> (B, channels, s * 2**n_up, s * 2**n_up) in [-1, 1]: halve channels, double size."""
    layers: list[nn.Module] = []
    for _ in range(n_up - 1):
        layers += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c // 2), nn.ReLU(inplace=True)]
        c //= 2
    layers += [nn.ConvTranspose2d(c, channels, 4, 2, 1), nn.Tanh()]
    return nn.Sequential(*layers)


class DCGANGenerator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "dcgan"],
                     model_card_template=HUB_CARD_TEMPLATE):
    """z (B, latent_dim) -> image (B, channels, image_size, image_size) in [-1, 1]."""

    def __init__(self, latent_dim: int = 100, channels: int = 1, image_size: int = 28, width: int = 64,
                 n_codes: int = 0, code_dim: int = 0):
        super().__init__()
        start, n_up = _layout(image_size)
        if not 0 <= n_codes < latent_dim:
            raise ValueError(f"n_codes must be between 0 and latent_dim - 1 ({latent_dim - 1}), got {n_codes}")
        self.latent_dim, self.channels, self.image_size, self.n_codes = latent_dim, channels, image_size, n_codes
        c = width * 2 ** (n_up - 1)
        self.start, self.c0 = start, c
        # the code enters as a one-hot vector, or with code_dim > 0 as a learned embedding (as cgan's labels do)
        self.code_embed = nn.Embedding(n_codes, code_dim) if n_codes and code_dim else None
        n_in = latent_dim - n_codes + (code_dim if self.code_embed is not None else n_codes)
        self.project = nn.Sequential(nn.Linear(n_in, c * start * start, bias=False),
                                     nn.BatchNorm1d(c * start * start), nn.ReLU(inplace=True))
        self.net = upsampler(c, n_up, channels)

    def code(self, z: torch.Tensor) -> torch.Tensor | None:
        """The categorical code (B,) that z carries (InfoGAN), or None without codes."""
        return z.flatten(1)[:, self.latent_dim - self.n_codes:].argmax(1) if self.n_codes else None

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        z = z.flatten(1)  # (B, latent_dim)
        if self.n_codes:  # the last n_codes entries -> one-hot of their argmax (or its embedding)
            code = self.code(z)
            c = self.code_embed(code) if self.code_embed is not None else nn.functional.one_hot(code, self.n_codes).to(z.dtype)
            z = torch.cat([z[:, :self.latent_dim - self.n_codes], c], 1)  # (B, noise + code)
        h = self.project(z).view(-1, self.c0, self.start, self.start)  # (B, C0, s, s)
        return self.net(h)


class DCGANDiscriminator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "dcgan"],
                         model_card_template=HUB_CARD_TEMPLATE):
    """image (B, C, H, W) -> one logit per image (B,)."""

    def __init__(self, channels: int = 1, image_size: int = 28, width: int = 64, spectral_norm: bool = False,
                 n_codes: int = 0):
        super().__init__()
        start, n_down = _layout(image_size)
        layers: list[nn.Module] = [maybe_sn(nn.Conv2d(channels, width, 4, 2, 1), spectral_norm), nn.LeakyReLU(0.2, inplace=True)]
        c = width
        for _ in range(n_down - 1):
            layers.append(maybe_sn(nn.Conv2d(c, c * 2, 4, 2, 1), spectral_norm))
            if not spectral_norm:
                layers.append(nn.BatchNorm2d(c * 2))
            layers.append(nn.LeakyReLU(0.2, inplace=True))
            c *= 2
        self.features = nn.Sequential(*layers)
        self.head = maybe_sn(nn.Linear(c * start * start, 1), spectral_norm)
        # InfoGAN's Q: guesses G's categorical code from D's features (no spectral norm: it is a classifier)
        self.q = nn.Linear(c * start * start, n_codes) if n_codes else None
        self._last_features: torch.Tensor | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        f = flat_features(self.features(x))  # (B, F)
        self._last_features = f
        return self.head(f).squeeze(1)  # (B,)

    def classify_last(self) -> torch.Tensor | None:
        """Q's code logits (B, n_codes) for the batch seen by the last ``forward`` (None without codes)."""
        if self.q is None or self._last_features is None:
            return None
        return self.q(self._last_features)


class HugGANDCGANGenerator(nn.Module, PyTorchModelHubMixin, library_name="gan-studio", tags=["gan", "dcgan"],
                           model_card_template=HUB_CARD_TEMPLATE):
    """The generator layout of ``huggan/dcgan-mnist``: z (B, 100, 1, 1) -> (B, 3, 64, 64)."""

    def __init__(self, num_channels: int = 3, latent_dim: int = 100, hidden_size: int = 64):
        super().__init__()
        self.latent_dim, self.channels, self.image_size = latent_dim, num_channels, 64
        h = hidden_size
        self.model = nn.Sequential(
            nn.ConvTranspose2d(latent_dim, h * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(h * 8), nn.ReLU(True),
            nn.ConvTranspose2d(h * 8, h * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(h * 4), nn.ReLU(True),
            nn.ConvTranspose2d(h * 4, h * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(h * 2), nn.ReLU(True),
            nn.ConvTranspose2d(h * 2, h, 4, 2, 1, bias=False), nn.BatchNorm2d(h), nn.ReLU(True),
            nn.ConvTranspose2d(h, num_channels, 4, 2, 1, bias=False), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.model(z.view(z.shape[0], -1, 1, 1))  # (B, 3, 64, 64)

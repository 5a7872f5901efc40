"""GAN losses as pure functions on discriminator logits (numerically stable).

A logit ``l`` stands for D = sigmoid(l), so log D = -softplus(-l) and log(1 - D) = -softplus(l).

Names:
- ``ns``      the original GAN losses (Goodfellow et al., 2014): L_D = -[E log D(x) + E log(1 - D(G(z)))], L_G = -E log D(G(z))
- ``minimax`` same L_D, the original saturating L_G = E log(1 - D(G(z)))
- ``lsgan``   least squares (Mao et al. 2017) on the raw output
- ``hinge``   hinge loss (Lim & Ye 2017; Miyato et al. 2018)
- ``wgan-gp`` Wasserstein critic loss; add :func:`gradient_penalty` to L_D (Gulrajani et al. 2017)
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

LOSSES = ("ns", "minimax", "lsgan", "hinge", "wgan-gp")


def check_loss(name: str) -> str:
    if name not in LOSSES:
        raise ValueError(f"unknown loss {name!r}; valid losses: {', '.join(LOSSES)}")
    return name


def d_loss(name: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Discriminator (critic) loss from the logits on real and generated samples."""
    check_loss(name)
    if name in ("ns", "minimax"):
        # formula: L_D = -[E log D(x) + E log(1 - D(G(z)))]
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    if name == "lsgan":
        return 0.5 * ((real_logits - 1) ** 2).mean() + 0.5 * (fake_logits ** 2).mean()
    if name == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    return fake_logits.mean() - real_logits.mean()  # wgan-gp: add gradient_penalty separately


def g_loss(name: str, fake_logits: torch.Tensor) -> torch.Tensor:
    """Generator loss from the discriminator's logits on generated samples."""
    check_loss(name)
    if name == "ns":
        # formula: L_G = -E log D(G(z))
        return F.softplus(-fake_logits).mean()
    if name == "minimax":
        # formula: L_G minimax = E log(1 - D(G(z)))
        return -F.softplus(fake_logits).mean()
    if name == "lsgan":
        return 0.5 * ((fake_logits - 1) ** 2).mean()
    return -fake_logits.mean()  # hinge and wgan-gp


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, *cond, weight: float = 10.0,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """weight * E[(||grad_x critic(x_hat)||_2 - 1)^2] at random points between real and fake."""
    alpha_shape = (real.shape[0],) + (1,) * (real.dim() - 1)
    alpha = torch.rand(alpha_shape, device=real.device, dtype=real.dtype, generator=generator)
    x_hat = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    out = critic(x_hat, *cond)
    (grad,) = torch.autograd.grad(out.sum(), x_hat, create_graph=True)
    # formula: GP = lambda * E (||grad D(x_hat)|| - 1)^2
    return weight * ((grad.flatten(1).norm(2, dim=1) - 1) ** 2).mean()


def prob(logits: torch.Tensor) -> torch.Tensor:
    """D's output read as a probability (for display: sigmoid of the logit)."""
    return torch.sigmoid(logits)

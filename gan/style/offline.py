"""The offline style-transfer method: adversarial, trained in the session, no downloaded weights.

:func:`stylize_iter`:

* the output image starts as the content photo with the style's colour statistics (mean and
  covariance of RGB matched, :func:`colour_transfer`);
* it is optimised directly (pixels are the parameters) under three losses:
  - **adversarial**: a small PatchGAN discriminator, trained at the same time, learns to tell patches
    of the style image from patches of the output; the output is pushed to fool it;
  - **style**: Gram matrices (:func:`gram`) of a fixed, seeded *random-weight* convolutional network,
    matched to the style image's (random filters capture texture statistics well enough, and need no
    download);
  - **content**: the same random network's deeper features and the blurred luminance, held to the
    content photo so the scene stays recognisable;
* coarse to fine: half the size first, then the full size.

:func:`stylize_iter` yields :class:`StyleEvent`s with the current image every few steps, so a page
can show a live preview and a progress bar, and a CLI can print progress. The two networks are in
:mod:`gan.models.style_nets`.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Iterator

import torch
import torch.nn.functional as F
from PIL import Image

from ..device import pick_device
from ..images import pil_to_tensor, resize_to, tensor_to_pil
from ..models.style_nets import PatchDiscriminator, RandomFeatures, blur_down


def colour_transfer(content: torch.Tensor, style: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    """Match the mean and covariance of RGB values of ``content`` (1, 3, H, W) to ``style``'s."""
    c = content.flatten(2)[0]  # (3, N)
    s = style.flatten(2)[0]
    mc, ms = c.mean(1, keepdim=True), s.mean(1, keepdim=True)
    eye = eps * torch.eye(3, dtype=c.dtype, device=c.device)
    cov_c = torch.cov(c) + eye
    cov_s = torch.cov(s) + eye

    def msqrt(m: torch.Tensor, power: float) -> torch.Tensor:
        vals, vecs = torch.linalg.eigh(m)
        return vecs @ torch.diag(vals.clamp_min(eps) ** power) @ vecs.T

    out = msqrt(cov_s, 0.5) @ msqrt(cov_c, -0.5) @ (c - mc) + ms
    return out.view_as(content).clamp(-1, 1)

def gram(f: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, C, C): the centred Gram (covariance) of channels over positions.

    Centring removes the large shared mean of ReLU features, which would otherwise dominate a
    plain Gram matrix of a random network and hide the texture differences.
    """
    b, c, h, w = f.shape
    flat = f.reshape(b, c, h * w)
    flat = flat - flat.mean(2, keepdim=True)
    return flat @ flat.transpose(1, 2) / (h * w)

@dataclass
class StyleConfig:
    """Settings of the offline adversarial method (all plain values, so they print and serialise)."""
    size: int = 256  # longest side of the result, pixels
    steps: int = 200  # optimisation steps in total (split between the coarse and the fine stage)
    style_weight: float = 3.0  # Gram loss of the random network
    adv_weight: float = 0.5  # "fool the patch discriminator" loss
    content_weight: float = 1.0  # feature + blurred-luminance loss against the content photo
    smooth_weight: float = 0.05  # total variation: discourages pixel noise
    lr: float = 0.02  # Adam step size on pixels in [-1, 1]
    d_lr: float = 2e-4
    seed: int = 0
    coarse: bool = True  # run a first stage at half the size
    coarse_fraction: float = 0.6  # share of the steps spent at half size
    preview_every: int = 10
    device: str = "auto"  # "auto", "cpu" or "cuda"

    def validate(self) -> None:
        if not 32 <= self.size <= 1024:
            raise ValueError("size must be between 32 and 1024 pixels")
        if not 1 <= self.steps <= 5000:
            raise ValueError("steps must be between 1 and 5000")
        for name in ("style_weight", "adv_weight", "content_weight"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"{name} must be a non-negative number")


@dataclass(frozen=True)
class StyleEvent:
    step: int  # steps done so far, 1-based
    total: int
    stage: int  # 0 = coarse, 1 = fine
    size: tuple[int, int]  # (W, H) of the image being optimised
    losses: dict[str, float] = field(default_factory=dict)
    image: torch.Tensor | None = None  # (1, 3, H, W) in [-1, 1], CPU, at previews and at the end
    done: bool = False
    seconds: float = 0.0

    @property
    def progress(self) -> float:
        return self.step / max(self.total, 1)

    @property
    def status(self) -> str:  # the job layer's word for where a run stands
        return "done" if self.done else "running"

    @property
    def finished(self) -> bool:
        return self.done


def _blur_lum(x: torch.Tensor) -> torch.Tensor:
    lum = (x * torch.tensor([0.299, 0.587, 0.114], device=x.device).view(1, 3, 1, 1)).sum(1, keepdim=True)
    return blur_down(blur_down(lum))  # (1, 1, H/4, W/4), smooth weights, so no blocky gradients


def _stage_sizes(cfg: StyleConfig) -> list[tuple[int, int]]:
    """[(size, steps), ...] for the coarse-to-fine schedule."""
    if cfg.coarse and cfg.size >= 64 and cfg.steps >= 4:
        first = max(1, int(round(cfg.steps * cfg.coarse_fraction)))
        return [(cfg.size // 2, first), (cfg.size, cfg.steps - first)]
    return [(cfg.size, cfg.steps)]


def stylize_iter(content: Image.Image, style: Image.Image, cfg: StyleConfig | None = None) -> Iterator[StyleEvent]:
    """Optimise an image that keeps ``content``'s layout and takes ``style``'s colours and texture.

    Yields a :class:`StyleEvent` every step (with ``image`` every ``cfg.preview_every`` steps and at
    stage ends); the last one has ``done=True`` and the final image.
    """
    cfg = cfg or StyleConfig()
    cfg.validate()
    device = pick_device(cfg.device)
    torch.manual_seed(cfg.seed)
    gen = torch.Generator(device="cpu").manual_seed(cfg.seed)
    net = RandomFeatures(seed=1234 + cfg.seed).to(device)
    disc = PatchDiscriminator().to(device)
    d_opt = torch.optim.Adam(disc.parameters(), lr=cfg.d_lr, betas=(0.5, 0.99))
    stages = _stage_sizes(cfg)
    total = sum(n for _, n in stages)
    t0 = time.perf_counter()
    step = 0
    x: torch.Tensor | None = None
    for stage, (size, n_steps) in enumerate(stages):
        c_img = resize_to(content, size)
        s_img = resize_to(style, size)
        c = pil_to_tensor(c_img).to(device)  # (1, 3, H, W)
        s = pil_to_tensor(s_img).to(device)  # (1, 3, Hs, Ws)
        with torch.no_grad():
            s_feats = net(s)
            s_grams = [gram(f) for f in s_feats]
            s_means = [f.mean((2, 3)) for f in s_feats]  # (1, C_i)
            c_feats = net(c)
            c_deep = c_feats[2]
            c_lum = _blur_lum(c)
        if x is None:
            start = colour_transfer(c, s)
        else:
            start = F.interpolate(x.detach(), size=c.shape[-2:], mode="bicubic", align_corners=False).clamp(-1, 1)
        x = start.clone().requires_grad_(True)
        opt = torch.optim.Adam([x], lr=cfg.lr)
        s_flips = torch.cat([s, s.flip(-1), s.flip(-2), s.flip(-1).flip(-2)])  # (4, 3, Hs, Ws) real patches
        for i in range(n_steps):
            # --- discriminator: style patches are real, output patches are fake (hinge loss)
            d_loss = torch.zeros((), device=device)
            if cfg.adv_weight > 0:
                real = s_flips[torch.randint(0, 4, (1,), generator=gen).item()].unsqueeze(0)
                d_loss = F.relu(1 - disc(real)).mean() + F.relu(1 + disc(x.detach())).mean()
                d_opt.zero_grad(set_to_none=True)
                d_loss.backward()
                d_opt.step()
            # --- image: fool D, match style Grams, keep content features and blurred luminance
            feats = net(x)
            style_loss = sum(((gram(f) - g) ** 2).sum() / (g ** 2).sum() + ((f.mean((2, 3)) - m) ** 2).sum() / (m ** 2).sum()
                             for f, g, m in zip(feats, s_grams, s_means)) / len(feats)
            content_loss = ((feats[2] - c_deep) ** 2).mean() / (c_deep ** 2).mean() \
                + ((_blur_lum(x) - c_lum) ** 2).mean() / 0.05
            tv_loss = (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., :, 1:] - x[..., :, :-1]).abs().mean()
            adv_loss = -disc(x).mean() if cfg.adv_weight > 0 else torch.zeros((), device=device)
            loss = cfg.style_weight * style_loss + cfg.content_weight * content_loss + cfg.adv_weight * adv_loss \
                + cfg.smooth_weight * tv_loss
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                x.clamp_(-1, 1)
            step += 1
            last = i == n_steps - 1
            show = last or step % max(1, cfg.preview_every) == 0
            losses = {}
            if show:
                losses = {"style": float(style_loss.detach()), "content": float(content_loss.detach()),
                          "adversarial": float(adv_loss.detach()), "discriminator": float(d_loss.detach())}
            done = last and stage == len(stages) - 1
            yield StyleEvent(step, total, stage, (x.shape[-1], x.shape[-2]), losses,
                             x.detach().cpu().clone() if show else None, done, time.perf_counter() - t0)


def stylize(content: Image.Image, style: Image.Image, cfg: StyleConfig | None = None) -> Image.Image:
    """Run :func:`stylize_iter` to the end and return the result as an RGB image."""
    final = None
    for ev in stylize_iter(content, style, cfg):
        if ev.done:
            final = ev.image
    assert final is not None
    return tensor_to_pil(final)

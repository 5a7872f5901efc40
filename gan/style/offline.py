"""Offline style transfer, no downloaded weights: two methods behind one :func:`stylize_iter`.

* ``method="patch"`` (the default, on the page and in the CLI): texture synthesis by nearest style
  patches, coarse to fine, with content fusion and colour transfer (:mod:`gan.style.patches`, after
  Elad & Milanfar 2017). The nearest-patch distance plays the discriminator; its map comes with each
  preview as :attr:`StyleEvent.critic`. Chosen over the adversarial method by its results on the
  calibration set (``bench/style_calibration.py``, ``docs/style-contact-sheet.png``).
* ``method="adversarial"``: the earlier method, described below.

The adversarial method:

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
from dataclasses import dataclass, field, replace
from typing import Iterator

import torch
import torch.nn.functional as F
from PIL import Image

from ..device import pick_device
import numpy as np

from ..images import pil_to_tensor, resize_to, tensor_to_pil
from ..models.style_nets import PatchDiscriminator, RandomFeatures, blur_down
from .patches import colour_transfer, synthesize_iter

METHODS = ("patch", "adversarial")
DEFAULT_STEPS = {"patch": 12, "adversarial": 200}
MIN_SIDE = 32  # thinner results (a 4000 x 8 sliver) are computed on a canvas padded to this, then cropped

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
    """Settings of the offline methods (all plain values, so they print and serialise)."""
    size: int = 512  # longest side of the result, pixels
    steps: int | None = None  # iterations in total; None: the method's default (DEFAULT_STEPS)
    method: str = "patch"  # "patch" (texture synthesis) or "adversarial"
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

    def __post_init__(self) -> None:
        if self.steps is None:
            self.steps = DEFAULT_STEPS.get(self.method, DEFAULT_STEPS["patch"])

    def validate(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; valid: {', '.join(METHODS)}")
        if not 32 <= self.size <= 1024:
            raise ValueError("size must be between 32 and 1024 pixels")
        if not isinstance(self.steps, int) or not 1 <= self.steps <= 5000:
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
    critic: torch.Tensor | None = None  # patch method: (1, 1, h, w) nearest-style-patch distances

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
    """An image that keeps ``content``'s layout and takes ``style``'s colours and texture, by ``cfg.method``.

    Yields a :class:`StyleEvent` every step (with ``image`` every ``cfg.preview_every`` steps and at
    stage ends); the last one has ``done=True`` and the final image, ``cfg.size`` px on its longest
    side. A result thinner than :data:`MIN_SIDE` px is computed on an edge-padded canvas and cropped.
    """
    cfg = cfg or StyleConfig()
    cfg.validate()
    w, h = resize_to(content, cfg.size).size
    box = None
    if min(w, h) < MIN_SIDE:
        content, box = _pad_canvas(resize_to(content, cfg.size), MIN_SIDE)
    events = _patch_iter(content, style, cfg) if cfg.method == "patch" else _adversarial_iter(content, style, cfg)
    for ev in events:
        if box is not None and ev.image is not None:
            ev = replace(ev, image=_crop(ev.image, box, (w, h)), size=(w, h))
        elif box is not None:
            ev = replace(ev, size=(w, h))
        yield ev


def _pad_canvas(img: Image.Image, side: int) -> tuple[Image.Image, tuple[float, float, float, float]]:
    """Edge-pad ``img`` to at least ``side`` px each way, centred; the box it occupies, as fractions."""
    a = np.asarray(img)
    ph, pw = max(0, side - a.shape[0]), max(0, side - a.shape[1])
    a = np.pad(a, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)), mode="edge")
    H, W = a.shape[:2]
    return Image.fromarray(a), (pw // 2 / W, ph // 2 / H, (pw // 2 + img.width) / W, (ph // 2 + img.height) / H)


def _crop(x: torch.Tensor, box: tuple[float, float, float, float], final: tuple[int, int]) -> torch.Tensor:
    """The ``box`` (fractions) of ``x`` (1, 3, H, W), resized to the final (W, H) when it is the final size."""
    H, W = x.shape[-2:]
    l, t = int(round(box[0] * W)), int(round(box[1] * H))
    r, b = max(l + 1, int(round(box[2] * W))), max(t + 1, int(round(box[3] * H)))
    out = x[..., t:b, l:r]
    if out.shape[-1] != final[0] or out.shape[-2] != final[1]:
        out = F.interpolate(out, size=(final[1], final[0]), mode="bilinear", align_corners=False)
    return out


def _patch_iter(content: Image.Image, style: Image.Image, cfg: StyleConfig) -> Iterator[StyleEvent]:
    device = pick_device(cfg.device)
    with torch.inference_mode():
        for ev in synthesize_iter(content, style, cfg.size, cfg.steps, cfg.content_weight, cfg.seed, device,
                                  cfg.preview_every):
            losses = {"critic": ev["critic"]} if ev["image"] is not None else {}
            yield StyleEvent(ev["step"], ev["total"], ev["stage"], ev["size"], losses, ev["image"], ev["done"],
                             ev["seconds"], ev["critic_map"])


def critic_picture(critic: torch.Tensor, size: tuple[int, int]) -> Image.Image:
    """The critic's map (1, 1, h, w) as a gray picture of ``size`` (W, H): bright = far from every style patch."""
    m = critic.float()
    m = (m - m.amin()) / (m.amax() - m.amin()).clamp_min(1e-6)
    up = F.interpolate(m, size=(size[1], size[0]), mode="nearest")[0, 0]  # (H, W)
    return Image.fromarray((up.numpy() * 255).round().astype(np.uint8), "L")


def _adversarial_iter(content: Image.Image, style: Image.Image, cfg: StyleConfig) -> Iterator[StyleEvent]:
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

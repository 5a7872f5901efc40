"""Style transfer: an adversarial patch method trained in the session, and pretrained Hub generators.

Offline method (no downloaded weights), :func:`stylize_iter`:

* the output image starts as the content photo with the style's colour statistics (mean and
  covariance of RGB matched, :func:`colour_transfer`);
* it is optimised directly (pixels are the parameters) under three losses:
  - **adversarial**: a small PatchGAN discriminator, trained at the same time, learns to tell patches
    of the style image from patches of the output; the output is pushed to fool it;
  - **style**: Gram matrices of a fixed, seeded *random-weight* convolutional network, matched to
    the style image's (random filters capture texture statistics well enough, and need no download);
  - **content**: the same random network's deeper features and the blurred luminance, held to the
    content photo so the scene stays recognisable;
* coarse to fine: half the size first, then the full size.

:func:`stylize_iter` yields :class:`StyleEvent`s with the current image every few steps, so a page
can show a live preview and a progress bar, and a CLI can print progress.

Pretrained generators: CycleGAN ``resnet_9blocks`` and AnimeGANv2 weights from the Hub
(:data:`HUB_STYLES`) or a local file, loaded weights-only and strictly (:func:`load_style_model`).
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw
from torch import nn

from .device import pick_device
from .images import ImageError, decode_image, encode_png, pil_to_tensor, resize_to, tensor_to_pil

# ============================================================================ preset images

def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _palette_image(idx: np.ndarray, palette: np.ndarray) -> Image.Image:
    return Image.fromarray(palette[idx % len(palette)].astype(np.uint8), "RGB")


def _waves(size: int, seed: int) -> Image.Image:
    """Bold, colourful interference bands (op-art)."""
    r = _rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    phase = np.sin(2 * np.pi * (3 * x + 0.6 * np.sin(2 * np.pi * 2 * y))) + np.sin(2 * np.pi * (4 * y + 0.5 * np.sin(2 * np.pi * 3 * x)))
    bands = ((phase + 2) / 4 * 10).astype(int)  # (H, W) band index
    palette = np.array([[230, 57, 70], [241, 250, 238], [168, 218, 220], [69, 123, 157], [29, 53, 87],
                        [255, 183, 3], [251, 133, 0]])
    return _palette_image(bands + int(r.integers(0, 7)), palette)


def _mosaic(size: int, seed: int) -> Image.Image:
    """Stained glass: Voronoi cells in saturated colours with dark lead lines."""
    r = _rng(seed)
    n = 60
    pts = r.uniform(0, size, (n, 2)).astype(np.float32)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    d = (x[..., None] - pts[:, 0]) ** 2 + (y[..., None] - pts[:, 1]) ** 2  # (H, W, n)
    order = np.argsort(d, axis=-1)[..., :2]
    nearest = np.take_along_axis(d, order, -1)
    edge = np.sqrt(nearest[..., 1]) - np.sqrt(nearest[..., 0]) < max(2.0, size / 128)
    palette = np.array([[200, 30, 45], [30, 90, 200], [240, 190, 40], [40, 150, 80], [120, 40, 160],
                        [250, 120, 30], [20, 160, 180]])
    colours = palette[r.integers(0, len(palette), n)]
    img = colours[order[..., 0]].astype(np.float32)
    img *= (0.85 + 0.15 * r.random((n,)))[order[..., 0]][..., None]
    img[edge] = (25, 20, 20)
    return Image.fromarray(img.clip(0, 255).astype(np.uint8), "RGB")


def _brush(size: int, seed: int) -> Image.Image:
    """Impressionist dabs: many short, thick strokes following a swirling flow field."""
    r = _rng(seed)
    img = Image.new("RGB", (size, size), (30, 40, 80))
    draw = ImageDraw.Draw(img)
    palette = np.array([[25, 50, 120], [60, 100, 180], [240, 200, 60], [250, 240, 200], [40, 70, 150],
                        [200, 160, 40], [90, 140, 200]])
    width = max(2, size // 40)
    length = size / 18
    for _ in range(int(2.2 * (size / width) ** 2)):
        px, py = r.uniform(0, size, 2)
        angle = math.sin(3 * px / size * math.pi) * 1.5 + math.cos(2 * py / size * math.pi) + r.normal(0, 0.15)
        dx, dy = math.cos(angle) * length / 2, math.sin(angle) * length / 2
        c = palette[r.integers(0, len(palette))] + r.integers(-20, 21, 3)
        draw.line([(px - dx, py - dy), (px + dx, py + dy)], fill=tuple(int(v) for v in c.clip(0, 255)), width=width)
    return img


def _dots(size: int, seed: int) -> Image.Image:
    """Pop-art halftone: dots on a hexagonal grid whose radius follows a smooth field."""
    r = _rng(seed)
    img = Image.new("RGB", (size, size), (255, 236, 160))
    draw = ImageDraw.Draw(img)
    step = max(6, size // 24)
    colours = [(230, 30, 90), (20, 120, 200)]
    fx, fy = r.uniform(1, 3, 2)
    for row, yy in enumerate(np.arange(0, size + step, step * 0.866)):
        for xx in np.arange((row % 2) * step / 2, size + step, step):
            v = 0.5 + 0.5 * math.sin(fx * xx / size * 2 * math.pi) * math.cos(fy * yy / size * 2 * math.pi)
            rad = step * (0.15 + 0.35 * v)
            draw.ellipse([xx - rad, yy - rad, xx + rad, yy + rad], fill=colours[row % 2])
    return img


def _marble(size: int, seed: int) -> Image.Image:
    """Veined marble from sine bands displaced by multi-octave value noise."""
    r = _rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    turb = np.zeros((size, size), np.float32)
    for octave in range(5):
        cells = 4 * 2 ** octave
        grid = torch.from_numpy(r.random((1, 1, cells + 1, cells + 1)).astype(np.float32))
        up = F.interpolate(grid, size=(size, size), mode="bicubic", align_corners=True)[0, 0].numpy()
        turb += up / 2 ** octave
    v = 0.5 + 0.5 * np.sin(2 * np.pi * (2 * x + 1.5 * y + 2.5 * turb))  # (H, W)
    v = v ** 0.5
    dark, light = np.array([20, 40, 60], np.float32), np.array([235, 225, 205], np.float32)
    gold = np.array([200, 150, 60], np.float32)
    img = dark + (light - dark) * v[..., None]
    img = np.where((np.abs(v - 0.15) < 0.05)[..., None], gold, img)
    return Image.fromarray(img.clip(0, 255).astype(np.uint8), "RGB")


def _skimage(name: str) -> Image.Image:
    from skimage import data
    a = getattr(data, name)()
    return Image.fromarray(a).convert("RGB")


@dataclass(frozen=True)
class PresetImage:
    name: str
    label: str
    kind: str  # "procedural" or "scikit-image"
    source: str


STYLE_PRESETS: dict[str, PresetImage] = {p.name: p for p in [
    PresetImage("mosaic", "Stained-glass mosaic", "procedural", "made by gan.style (Voronoi cells)"),
    PresetImage("waves", "Op-art waves", "procedural", "made by gan.style (interfering sine bands)"),
    PresetImage("brush", "Impressionist brush strokes", "procedural", "made by gan.style (flow-field strokes)"),
    PresetImage("dots", "Pop-art halftone", "procedural", "made by gan.style (dot grid)"),
    PresetImage("marble", "Marble", "procedural", "made by gan.style (turbulent sine)"),
    PresetImage("immunohistochemistry", "Stained tissue (scikit-image)", "scikit-image",
                "skimage.data.immunohistochemistry (public domain)"),
    PresetImage("hubble_deep_field", "Hubble deep field (scikit-image)", "scikit-image",
                "skimage.data.hubble_deep_field (NASA, public domain)"),
]}

CONTENT_SAMPLES: dict[str, PresetImage] = {p.name: p for p in [
    PresetImage("astronaut", "Astronaut (scikit-image)", "scikit-image", "skimage.data.astronaut (NASA, public domain)"),
    PresetImage("chelsea", "Cat (scikit-image)", "scikit-image", "skimage.data.chelsea (CC0)"),
    PresetImage("coffee", "Coffee (scikit-image)", "scikit-image", "skimage.data.coffee (CC0)"),
    PresetImage("rocket", "Rocket (scikit-image)", "scikit-image", "skimage.data.rocket (public domain)"),
]}

_PROCEDURAL = {"mosaic": _mosaic, "waves": _waves, "brush": _brush, "dots": _dots, "marble": _marble}


def preset_image(name: str, size: int = 256, seed: int = 0) -> Image.Image:
    """A style preset or content sample by name, as an RGB image (procedural ones are ``size`` square)."""
    if name in _PROCEDURAL:
        return _PROCEDURAL[name](size, seed)
    if name in STYLE_PRESETS or name in CONTENT_SAMPLES:
        return _skimage(name)
    raise ValueError(f"unknown preset image {name!r}; valid: {', '.join([*STYLE_PRESETS, *CONTENT_SAMPLES])}")


# ============================================================================ metrics

def sliced_wasserstein(a: np.ndarray, b: np.ndarray, n_proj: int = 64, n_quantiles: int = 256, seed: int = 0) -> float:
    """Sliced 1-Wasserstein distance between two pixel clouds (N, C) and (M, C), values in [0, 1]."""
    a = np.asarray(a, np.float64).reshape(-1, a.shape[-1])
    b = np.asarray(b, np.float64).reshape(-1, b.shape[-1])
    r = _rng(seed)
    dirs = r.normal(size=(n_proj, a.shape[1]))
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    q = (np.arange(n_quantiles) + 0.5) / n_quantiles
    qa = np.quantile(a @ dirs.T, q, axis=0)  # (n_quantiles, n_proj)
    qb = np.quantile(b @ dirs.T, q, axis=0)
    return float(np.abs(qa - qb).mean())


def _luminance(img: Image.Image | np.ndarray) -> np.ndarray:
    a = np.asarray(img, np.float64) / 255.0
    return a if a.ndim == 2 else a[..., :3] @ np.array([0.299, 0.587, 0.114])


def gabor_gram(img: Image.Image | np.ndarray, frequencies: tuple[float, ...] = (0.08, 0.16, 0.32),
               n_orient: int = 4) -> np.ndarray:
    """Gram matrix (K, K) of the magnitudes of a Gabor filter bank on the luminance (K = bands)."""
    from scipy.signal import fftconvolve
    from skimage.filters import gabor_kernel
    lum = _luminance(img)
    lum = lum - lum.mean()
    feats = []
    for f in frequencies:
        for k in range(n_orient):
            kern = gabor_kernel(f, theta=np.pi * k / n_orient)
            re = fftconvolve(lum, kern.real, mode="valid")
            im = fftconvolve(lum, kern.imag, mode="valid")
            feats.append(np.sqrt(re ** 2 + im ** 2).ravel())
    n = min(len(v) for v in feats)
    fm = np.stack([v[:n] for v in feats])  # (K, N)
    return fm @ fm.T / n


def gabor_distance(a: Image.Image | np.ndarray, b: Image.Image | np.ndarray) -> float:
    """Relative Frobenius distance between Gabor-bank Gram matrices: ||G_a - G_b|| / ||G_b||."""
    ga, gb = gabor_gram(a), gabor_gram(b)
    return float(np.linalg.norm(ga - gb) / max(np.linalg.norm(gb), 1e-12))


def blurred_ssim(a: Image.Image | np.ndarray, b: Image.Image | np.ndarray, sigma: float = 2.0) -> float:
    """SSIM of the Gaussian-blurred luminance of two images of the same size (structure, not texture)."""
    from scipy.ndimage import gaussian_filter
    from skimage.metrics import structural_similarity
    la, lb = gaussian_filter(_luminance(a), sigma), gaussian_filter(_luminance(b), sigma)
    return float(structural_similarity(la, lb, data_range=1.0))


# ============================================================================ adversarial style transfer

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


class RandomFeatures(nn.Module):
    """A fixed convolutional network with seeded random weights; returns the feature map of each layer.

    Never trained: its random filters give texture statistics (Gram matrices) without downloading
    anything. Layers halve the resolution from the second on: full, 1/2, 1/4, 1/8.
    """

    def __init__(self, seed: int = 1234, widths: tuple[int, ...] = (32, 64, 128, 128)):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        convs, c = [], 3
        for i, w in enumerate(widths):
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


_BINOMIAL = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0]) / 16.0


def blur_down(x: torch.Tensor) -> torch.Tensor:
    """Binomial 5x5 blur then stride 2 (each channel separately): (B, C, H, W) -> (B, C, H/2, W/2)."""
    c = x.shape[1]
    k = (_BINOMIAL[:, None] * _BINOMIAL[None, :]).to(x).expand(c, 1, 5, 5)
    return F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), k, stride=2, groups=c)


def gram(f: torch.Tensor) -> torch.Tensor:
    """(B, C, H, W) -> (B, C, C): the centred Gram (covariance) of channels over positions.

    Centring removes the large shared mean of ReLU features, which would otherwise dominate a
    plain Gram matrix of a random network and hide the texture differences.
    """
    b, c, h, w = f.shape
    flat = f.reshape(b, c, h * w)
    flat = flat - flat.mean(2, keepdim=True)
    return flat @ flat.transpose(1, 2) / (h * w)


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


# ============================================================================ pretrained generators

@dataclass(frozen=True)
class HubStyle:
    """Where a published photo -> image generator lives, and what it does. Configuration, not code:
    repo ids and file names may move, and a missing file gives a plain message."""
    name: str
    family: str  # "cyclegan" or "animegan"
    repo_id: str
    repo_type: str  # "model" or "space"
    filename: str
    direction: str
    license: str
    source: str
    size: int = 256  # the size it was trained at (longest side used by default)


_CYCLEGAN_SPACE = "davidpiscasio/unpaired-img2img"
_CYCLEGAN_LICENSE = "BSD (CycleGAN code, Zhu et al. 2017); painting styles trained on public-domain paintings"


def _cyclegan(name: str, direction: str) -> HubStyle:
    return HubStyle(name, "cyclegan", _CYCLEGAN_SPACE, "space", f"checkpoints/{name}_pretrained/latest_net_G.pth",
                    direction, _CYCLEGAN_LICENSE,
                    f"https://huggingface.co/spaces/{_CYCLEGAN_SPACE} (copy of the official CycleGAN {name} weights)")


HUB_STYLES: dict[str, HubStyle] = {h.name: h for h in [
    _cyclegan("style_monet", "photo -> Monet painting"),
    _cyclegan("style_vangogh", "photo -> Van Gogh painting"),
    _cyclegan("horse2zebra", "horse -> zebra"),
    _cyclegan("zebra2horse", "zebra -> horse"),
    _cyclegan("apple2orange", "apple -> orange"),
    _cyclegan("orange2apple", "orange -> apple"),
    HubStyle("animegan_face_paint_v2", "animegan", "akhaliq/AnimeGANv2-pytorch", "model", "face_paint_512_v2_0.pt",
             "photo (faces work best) -> anime portrait", "MIT (AnimeGANv2 PyTorch port)",
             "https://huggingface.co/akhaliq/AnimeGANv2-pytorch", 512),
]}

WEIGHT_SUFFIXES = (".pth", ".pt", ".bin", ".safetensors")


@dataclass
class StyleModel:
    model: nn.Module
    family: str
    name: str
    direction: str
    license: str
    source: str
    size: int = 256


def detect_family(state: dict[str, torch.Tensor]) -> str:
    """Which generator layout a state dict belongs to, from its keys."""
    if "block_a.0.1.weight" in state and "out_layer.0.weight" in state:
        return "animegan"
    if "model.1.weight" in state and any(".conv_block." in k for k in state):
        return "cyclegan"
    from .hub import CheckpointError
    raise CheckpointError("these weights are neither a CycleGAN resnet generator nor an AnimeGANv2 generator "
                          f"(first keys: {', '.join(list(state)[:3])})")


def build_for_state(family: str, state: dict[str, torch.Tensor]) -> nn.Module:
    """An un-initialised generator of ``family`` shaped like ``state`` (CycleGAN width/depth inferred)."""
    if family == "animegan":
        from .models.animegan import AnimeGANv2Generator
        return AnimeGANv2Generator()
    from .models.cyclegan import ResnetGenerator
    first = state["model.1.weight"]  # (ngf, in_channels, 7, 7)
    blocks = {k.split(".")[1] for k in state if ".conv_block." in k}
    last = next((v for k, v in state.items() if k.startswith("model.") and v.dim() == 4 and v.shape[-1] == 7
                 and k != "model.1.weight"), None)
    out_ch = int(last.shape[0]) if last is not None else 3
    return ResnetGenerator(in_channels=int(first.shape[1]), out_channels=out_ch, ngf=int(first.shape[0]),
                           n_blocks=len(blocks))


def load_style_weights(path: str | Path, what: str, family: str | None = None) -> tuple[nn.Module, str]:
    """Weights-only read, legacy InstanceNorm buffers dropped, strict load. Returns (model, family)."""
    from .hub import load_state_dict_file, strict_load
    from .models.cyclegan import drop_instancenorm_buffers
    state = load_state_dict_file(path)
    state = {k.removeprefix("module."): v for k, v in state.items()}
    found = detect_family(state)
    if family and found != family:
        from .hub import CheckpointError
        raise CheckpointError(f"{what} hold a {found} generator, not the expected {family} one")
    family = found
    model = build_for_state(family, state)
    state = drop_instancenorm_buffers(state, model)
    return strict_load(model, state, what).eval(), family


def parse_hub_path(text: str) -> tuple[str, str, str] | None:
    """``spaces/owner/name/path/file.pth`` or ``owner/name/path/file.pth`` -> (repo_id, filename, repo_type)."""
    parts = text.strip().strip("/").split("/")
    repo_type = "model"
    if parts and parts[0] in ("spaces", "models"):
        repo_type = "space" if parts[0] == "spaces" else "model"
        parts = parts[1:]
    if len(parts) < 3 or not parts[-1].endswith(WEIGHT_SUFFIXES) or any(p in ("", ".", "..") for p in parts):
        return None
    return "/".join(parts[:2]), "/".join(parts[2:]), repo_type


def load_style_model(source: str) -> StyleModel:
    """A pretrained generator from a preset name (:data:`HUB_STYLES`), a local weights file, or
    ``[spaces/]owner/name/path/to/file.pth`` on the Hub. Raises ``HubError`` (offline, not found) or
    ``CheckpointError`` (unreadable, unsafe, wrong layout) with a plain message."""
    from .hub import CheckpointError, hub_download
    text = str(source).strip()
    if text in HUB_STYLES:
        h = HUB_STYLES[text]
        path = hub_download(h.repo_id, h.filename, h.repo_type)
        model, family = load_style_weights(path, f"{h.name} weights", h.family)
        return StyleModel(model, family, h.name, h.direction, h.license, h.source, h.size)
    path = Path(text).expanduser()
    if path.is_file():
        model, family = load_style_weights(path, f"{path.name}")
        return StyleModel(model, family, path.stem, "photo -> the style it was trained on (local file)",
                          "as given by whoever trained it", str(path))
    hub = parse_hub_path(text)
    if hub:
        repo_id, filename, repo_type = hub
        p = hub_download(repo_id, filename, repo_type)
        model, family = load_style_weights(p, filename)
        kind = "spaces/" if repo_type == "space" else ""
        return StyleModel(model, family, Path(filename).stem, "photo -> the style it was trained on",
                          "see the repository's model card", f"https://huggingface.co/{kind}{repo_id}")
    raise CheckpointError(f"{text!r} is not a known style model ({', '.join(HUB_STYLES)}), a local "
                          f"{'/'.join(WEIGHT_SUFFIXES)} file, or a Hub path like spaces/owner/name/path/file.pth")


def apply_style_model(model: nn.Module, img: Image.Image, size: int = 256, device: str = "auto") -> Image.Image:
    """Run a photo -> image generator on ``img`` resized so its longest side is ``size``."""
    dev = pick_device(device)
    x = pil_to_tensor(resize_to(img.convert("RGB"), size)).to(dev)  # (1, 3, H, W) in [-1, 1]
    model = model.to(dev).eval()
    with torch.inference_mode():
        y = model(x)
    return tensor_to_pil(y)


# ============================================================================ command line

def add_stylize_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``stylize`` to a ``python -m gan`` sub-command parser."""
    p = subparsers.add_parser(
        "stylize", help="style transfer on a photo (offline adversarial method, or a pretrained generator)",
        description="Offline: python -m gan stylize photo.jpg --style mosaic --out out.png. "
                    f"Pretrained: --model one of {', '.join(HUB_STYLES)}, a local .pth/.safetensors file, "
                    "or spaces/owner/name/path/file.pth. Style presets: " + ", ".join(STYLE_PRESETS))
    p.add_argument("content", help="the photo to restyle (JPEG, PNG or WebP)")
    p.add_argument("--style", default=None, help="a style image file or a preset name (default: mosaic)")
    p.add_argument("--out", required=True, help="where to write the result (PNG)")
    p.add_argument("--size", type=int, default=256, help="longest side of the result in pixels (default 256)")
    p.add_argument("--steps", type=int, default=200, help="optimisation steps of the offline method (default 200)")
    p.add_argument("--model", default=None, help="use a pretrained generator instead of the offline method")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--style-weight", type=float, default=StyleConfig.style_weight)
    p.add_argument("--adv-weight", type=float, default=StyleConfig.adv_weight)
    p.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    p.set_defaults(func=stylize_main)
    return p


def _read_image_arg(text: str, what: str) -> Image.Image:
    path = Path(text).expanduser()
    if not path.is_file():
        raise ImageError(f"{what} file not found: {text}")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ImageError(f"cannot read {what} file {text}: {e.strerror or e}") from None
    try:
        return decode_image(data)
    except ImageError as e:
        raise ImageError(f"{what} {path.name}: {e}") from None


def stylize_main(args: argparse.Namespace) -> int:
    """``python -m gan stylize``: 0 on success, 2 on bad input, 1 when a model cannot be fetched."""
    from .hub import CheckpointError, HubError
    err = sys.stderr
    size = int(getattr(args, "size", None) if getattr(args, "size", None) is not None else 256)
    steps = int(getattr(args, "steps", None) if getattr(args, "steps", None) is not None else 200)
    try:
        StyleConfig(size=size, steps=steps).validate()  # before anything is allocated at that size
        content = _read_image_arg(args.content, "content")
        model_src = getattr(args, "model", None)
        if model_src:
            try:
                sm = load_style_model(model_src)
            except HubError as e:
                print(f"error: {e}. The offline method needs no download: drop --model and give --style.", file=err)
                return 1
            print(f"{sm.name}: {sm.direction} | license: {sm.license} | source: {sm.source}")
            result = apply_style_model(sm.model, content, size, getattr(args, "device", "auto"))
        else:
            style_arg = getattr(args, "style", None) or "mosaic"
            if style_arg in STYLE_PRESETS and not Path(style_arg).is_file():
                style = preset_image(style_arg, size=max(size, 256), seed=int(getattr(args, "seed", 0) or 0))
            else:
                style = _read_image_arg(style_arg, "style")
            cfg = StyleConfig(size=size, steps=steps, seed=int(getattr(args, "seed", 0) or 0),
                              style_weight=float(getattr(args, "style_weight", StyleConfig.style_weight)),
                              adv_weight=float(getattr(args, "adv_weight", StyleConfig.adv_weight)),
                              device=getattr(args, "device", "auto"), preview_every=max(1, steps // 10))
            cfg.validate()
            final = None
            for ev in stylize_iter(content, style, cfg):
                if ev.losses:
                    print(f"step {ev.step}/{ev.total} {ev.size[0]}x{ev.size[1]} " +
                          " ".join(f"{k} {v:.3f}" for k, v in ev.losses.items()) + f" ({ev.seconds:.1f}s)")
                if ev.done:
                    final = ev.image
            result = tensor_to_pil(final)
    except (ImageError, CheckpointError, ValueError) as e:
        print(f"error: {e}", file=err)
        return 2
    out = Path(args.out).expanduser()
    try:
        out.write_bytes(encode_png(result))
    except OSError as e:
        print(f"error: cannot write {out}: {e.strerror or e}", file=err)
        return 2
    print(f"wrote {out} ({result.size[0]}x{result.size[1]})")
    return 0

"""The patch method of offline style transfer: style transfer as texture synthesis.

After Elad & Milanfar, "Style Transfer via Texture Synthesis" (IEEE TIP 2017), written for this
project from the paper's description:

* the output starts as the content photo with the style's colours (:func:`colour_transfer`) plus
  noise, at a quarter of the final size;
* at each scale (1/4, 1/2, 1) and each patch size (large to small), a few iterations of:
  1. **patch matching**: every overlapping patch of the output is replaced by its nearest patch of
     the style image (nearest in a PCA space of the style's patches);
  2. **robust aggregation**: the overlapping replacements are averaged, each weighted by
     ``distance ** (r - 2)`` (iteratively reweighted least squares for an L_r fit, r = 0.8), so one
     badly matched patch does not blur its neighbours, and by a raised-cosine window, so patch edges
     leave no seams; the patch grid moves by a random offset every iteration;
  3. **content fusion**: the result is pulled toward the colour-transferred content, more where the
     content has edges, so the scene stays recognisable;
  4. **colour transfer** back to the style's colour statistics;
* the output is upsampled to the next scale and the loop goes on.

The nearest-patch distance plays the discriminator: for every output patch it says how far that
patch is from anything the style image contains (a non-parametric critic, like a discriminator that
memorised the real data). Its per-patch map comes with each preview (:attr:`StyleEvent.critic`),
and its mean is reported as the ``critic`` loss; every iteration moves the output to patches the
critic accepts.
"""
from __future__ import annotations

import math
import time
from typing import Iterator

import torch
import torch.nn.functional as F
from PIL import Image

from ..images import pil_to_tensor, resize_to

R_ROBUST = 0.8  # the L_r norm of the aggregation (Elad & Milanfar use 0.8)
PCA_DIMS = 24  # nearest-neighbour search in this many principal components of the style's patches
MAX_STYLE_PATCHES = 10_000  # the search's database: a fixed, seeded subset of the style's patches
CHUNK = 4096  # output patches per distance block (memory: CHUNK x MAX_STYLE_PATCHES floats)


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


def schedule(size: int, steps: int) -> list[tuple[int, int, int]]:
    """The (longest side, patch size, iterations) of each level, coarse to fine, ``steps`` in total.

    Three scales (fewer for small images); at each but the finest, a large patch size for the strokes'
    shape then a small one for their detail; at the finest, the small one only. The patch sizes are fractions of the scale's size, so a result at
    1024 px has the same brush strokes, relative to the picture, as one at 256 px.
    """
    scales = [s for s in (size // 4, size // 2, size) if s >= 32] or [size]
    levels = []
    for i, s in enumerate(scales):
        big = max(5, int(round(s / 10)) | 1)
        small = max(5, int(round(s / 20)) | 1)
        if i == len(scales) - 1 and len(scales) > 1:
            levels.append((s, small))  # the finest scale only refines detail: large patches there are slow
        else:
            levels += [(s, big), (s, small)] if big != small else [(s, big)]
    if steps < len(levels):  # too few steps for every level: keep the finest ones, so the result has its size
        levels = levels[len(levels) - steps:]
    per = [steps // len(levels)] * len(levels)
    for k in range(steps - sum(per)):  # the remainder goes to the coarse levels, where steps are cheap
        per[k % len(levels)] += 1
    return [(s, p, n) for (s, p), n in zip(levels, per) if n > 0]


def _stride(p: int) -> int:
    return max(2, p // 3)


def _pad_to_grid(x: torch.Tensor, p: int, stride: int) -> tuple[torch.Tensor, tuple[int, int]]:
    """Pad bottom/right (replicate) so patches of size ``p`` at ``stride`` cover every pixel."""
    h, w = x.shape[-2:]
    hh = p if h < p else h + (-(h - p)) % stride
    ww = p if w < p else w + (-(w - p)) % stride
    if (hh, ww) != (h, w):
        x = F.pad(x, (0, ww - w, 0, hh - h), mode="replicate")
    return x, (h, w)


class PatchBank:
    """The style image's patches of one size: full patches, their PCA projection, and the projector."""

    def __init__(self, style: torch.Tensor, p: int, gen: torch.Generator):
        views = [v for v in (style, style.flip(-1)) if min(v.shape[-2:]) >= p]  # mirrored: more stroke directions
        hs, ws = style.shape[-2:]
        positions = len(views) * max(1, hs - p + 1) * max(1, ws - p + 1)
        stride = max(1, int(math.ceil(math.sqrt(positions / MAX_STYLE_PATCHES))))  # about MAX patches, evenly spread
        full = torch.cat([F.unfold(v, p, stride=stride)[0].T for v in views])  # (M, 3pp)
        if full.shape[0] > MAX_STYLE_PATCHES:
            keep = torch.randperm(full.shape[0], generator=gen)[:MAX_STYLE_PATCHES].to(full.device)
            full = full[keep]
        self.full = full
        self.mean = full.mean(0, keepdim=True)
        centred = full - self.mean
        k = min(PCA_DIMS, centred.shape[1], centred.shape[0])
        torch.manual_seed(int(torch.randint(0, 2**31 - 1, (1,), generator=gen)))  # pca_lowrank's sketch
        _, _, v = torch.pca_lowrank(centred, q=k, center=False, niter=2)
        self.basis = v[:, :k]  # (D, k) principal directions
        self.proj = centred @ self.basis  # (M, k)
        self.sq = (self.proj ** 2).sum(1)  # (M,)

    def nearest(self, q: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Patches (N, D) -> (the nearest style patches (N, D), the distances in PCA space (N,))."""
        qp = (q - self.mean) @ self.basis  # (N, k)
        idx, dist = [], []
        for a in range(0, qp.shape[0], CHUNK):
            block = qp[a:a + CHUNK]
            d2 = (block ** 2).sum(1, keepdim=True) - 2 * block @ self.proj.T + self.sq[None]  # (n, M)
            v, i = d2.min(1)
            idx.append(i)
            dist.append(v.clamp_min(0).sqrt())
        i = torch.cat(idx)
        return self.full[i], torch.cat(dist)


def _window(p: int) -> torch.Tensor:
    """(3 * p * p,) weights of one patch's pixels in the aggregation: a raised cosine, never zero."""
    t = torch.linspace(0, 1, p + 2)[1:-1]
    w1 = 0.15 + 0.85 * torch.sin(torch.pi * t) ** 2  # (p,)
    return (w1[:, None] * w1[None, :]).flatten().repeat(3)  # channel-major, like F.unfold


def _edge_weight(c: torch.Tensor) -> torch.Tensor:
    """(1, 3, H, W) -> (1, 1, H, W) in [0, 1]: where the content has edges (blurred gradient size)."""
    lum = c.mean(1, keepdim=True)
    gx = F.pad(lum[..., :, 1:] - lum[..., :, :-1], (0, 1, 0, 0))
    gy = F.pad(lum[..., 1:, :] - lum[..., :-1, :], (0, 0, 0, 1))
    g = (gx ** 2 + gy ** 2).sqrt()
    k = max(3, (min(c.shape[-2:]) // 40) | 1)
    g = F.avg_pool2d(F.pad(g, (k // 2,) * 4, mode="replicate"), k, stride=1)
    return (g / g.amax().clamp_min(1e-6)).clamp(0, 1) ** 0.5


def synthesize_iter(content: Image.Image, style: Image.Image, size: int, steps: int,
                    content_weight: float, seed: int, device: torch.device,
                    preview_every: int) -> Iterator[dict]:
    """Run the schedule; yields one dict per iteration (``step``, ``total``, ``stage``, ``size``,
    ``critic``: the mean nearest-patch distance, ``image``/``critic_map`` at previews, ``done``)."""
    gen = torch.Generator(device="cpu").manual_seed(seed)
    levels = schedule(size, steps)
    total = sum(n for _, _, n in levels)
    t0 = time.perf_counter()
    step = 0
    x = None
    for li, (s, p, n_iter) in enumerate(levels):
        c = pil_to_tensor(resize_to(content, s)).to(device)  # (1, 3, H, W)
        st = pil_to_tensor(resize_to(style, s)).to(device)  # (1, 3, Hs, Ws)
        p = min(p, max(3, min(st.shape[-2:]) - 1) | 1)  # the style must hold at least a few patches
        c_col = colour_transfer(c, st)
        w_map = content_weight * (0.15 + 0.85 * _edge_weight(c))  # (1, 1, H, W)
        if x is None:
            noise = torch.randn(c.shape, generator=gen).to(device) * 0.2
            x = (c_col + noise).clamp(-1, 1)
        elif x.shape[-2:] != c.shape[-2:]:
            x = F.interpolate(x, size=c.shape[-2:], mode="bilinear", align_corners=False).clamp(-1, 1)
        bank = PatchBank(st, p, gen)
        stride = _stride(p)
        win = _window(p).to(device)
        for it in range(n_iter):
            # the patch grid moves by a random offset each iteration, so its seams never pile up in one place
            oy, ox = (int(v) for v in torch.randint(0, stride, (2,), generator=gen))
            h, w = x.shape[-2:]
            xp, _ = _pad_to_grid(F.pad(x, (ox, 0, oy, 0), mode="replicate"), p, stride)
            q = F.unfold(xp, p, stride=stride)[0].T  # (N, 3pp)
            z, dist = bank.nearest(q)
            wts = (((q - z) ** 2).sum(1) + 1e-4) ** ((R_ROBUST - 2) / 2)  # (N,) IRLS weights
            wts = wts / wts.max()
            pw = wts[:, None] * win  # (N, 3pp): each patch fades toward its edges, so no seams show
            num = F.fold((z * pw).T[None], xp.shape[-2:], p, stride=stride)
            den = F.fold(pw.T[None], xp.shape[-2:], p, stride=stride)
            agg = (num / den.clamp_min(1e-8))[..., oy:oy + h, ox:ox + w]  # (1, 3, H, W)
            x = (agg + w_map * c_col) / (1 + w_map)
            x = colour_transfer(x, st)
            step += 1
            last_level = li == len(levels) - 1
            done = last_level and it == n_iter - 1
            show = done or it == n_iter - 1 or step % max(1, preview_every) == 0
            ev = {"step": step, "total": total, "stage": li, "size": (x.shape[-1], x.shape[-2]),
                  "critic": float(dist.mean()), "done": done, "seconds": time.perf_counter() - t0,
                  "image": None, "critic_map": None}
            if show:
                ev["image"] = x.detach().cpu().clone()
                gh, gw = (xp.shape[-2] - p) // stride + 1, (xp.shape[-1] - p) // stride + 1
                ev["critic_map"] = dist.view(1, 1, gh, gw).cpu()
            yield ev

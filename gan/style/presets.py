"""The built-in images of the style page: procedural style presets, drawn here from a seed (no files),
and a few public-domain scikit-image pictures as style presets and content samples.

:func:`preset_image` returns any of them by name as an RGB image; :data:`STYLE_PRESETS` and
:data:`CONTENT_SAMPLES` describe them (label and source, for the page's captions).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw


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
    source: str


STYLE_PRESETS: dict[str, PresetImage] = {p.name: p for p in [
    PresetImage("mosaic", "Stained-glass mosaic", "made by gan.style (Voronoi cells)"),
    PresetImage("waves", "Op-art waves", "made by gan.style (interfering sine bands)"),
    PresetImage("brush", "Impressionist brush strokes", "made by gan.style (flow-field strokes)"),
    PresetImage("dots", "Pop-art halftone", "made by gan.style (dot grid)"),
    PresetImage("marble", "Marble", "made by gan.style (turbulent sine)"),
    PresetImage("immunohistochemistry", "Stained tissue (scikit-image)",
                "skimage.data.immunohistochemistry (public domain)"),
    PresetImage("hubble_deep_field", "Hubble deep field (scikit-image)",
                "skimage.data.hubble_deep_field (NASA, public domain)"),
]}

CONTENT_SAMPLES: dict[str, PresetImage] = {p.name: p for p in [
    PresetImage("astronaut", "Astronaut (scikit-image)", "skimage.data.astronaut (NASA, public domain)"),
    PresetImage("chelsea", "Cat (scikit-image)", "skimage.data.chelsea (CC0)"),
    PresetImage("coffee", "Coffee (scikit-image)", "skimage.data.coffee (CC0)"),
    PresetImage("rocket", "Rocket (scikit-image)", "skimage.data.rocket (public domain)"),
]}

_PROCEDURAL = {"mosaic": _mosaic, "waves": _waves, "brush": _brush, "dots": _dots, "marble": _marble}


def preset_image(name: str, size: int = 256, seed: int = 0) -> Image.Image:
    """A style preset or content sample by name, as an RGB image (procedural ones are ``size`` square)."""
    if name in _PROCEDURAL:
        return _PROCEDURAL[name](size, seed)
    if name in STYLE_PRESETS or name in CONTENT_SAMPLES:
        return _skimage(name)
    raise ValueError(f"unknown preset image {name!r}; valid: {', '.join([*STYLE_PRESETS, *CONTENT_SAMPLES])}")

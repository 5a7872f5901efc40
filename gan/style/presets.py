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


def _pointillism(size: int, seed: int) -> Image.Image:
    """Pointillism: dense small round dabs of pure colours over a pale ground, sized to the image."""
    r = _rng(seed)
    img = Image.new("RGB", (size, size), (238, 232, 210))
    draw = ImageDraw.Draw(img)
    palette = np.array([[220, 60, 50], [250, 200, 40], [60, 140, 70], [40, 90, 180], [240, 140, 170],
                        [120, 190, 220], [250, 240, 220]])
    rad = max(1.5, size / 110)
    y, x = r.uniform(0, size, (2, int(1.6 * (size / rad) ** 2)))
    field = 0.5 + 0.5 * np.sin(2 * np.pi * x / size * 1.5) * np.cos(2 * np.pi * y / size)  # (N,) large-scale hue
    for xx, yy, f in zip(x, y, field):
        k = int(f * 3.99) + int(r.integers(0, 4))
        c = palette[k % len(palette)]
        draw.ellipse([xx - rad, yy - rad, xx + rad, yy + rad], fill=tuple(int(v) for v in c))
    return img


def _watercolour(size: int, seed: int) -> Image.Image:
    """Watercolour-like: soft, overlapping translucent washes with darker pooled edges on paper."""
    r = _rng(seed)
    paper = np.array([246, 242, 230], np.float32)
    img = np.ones((size, size, 3), np.float32) * paper
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    palette = np.array([[70, 130, 180], [200, 90, 110], [240, 180, 80], [110, 170, 120], [150, 110, 190]],
                       np.float32)
    for _ in range(18):
        cx, cy = r.uniform(0, size, 2)
        rad = r.uniform(0.12, 0.3) * size
        ang = np.arctan2(y - cy, x - cx)
        wobble = 1 + 0.18 * np.sin(3 * ang + r.uniform(0, 6)) + 0.08 * np.sin(7 * ang + r.uniform(0, 6))
        d = np.sqrt((x - cx) ** 2 + (y - cy) ** 2) / (rad * wobble)  # (H, W), 1 at the blob's edge
        inside = np.clip((1 - d) * 6, 0, 1)
        alpha = inside * (0.25 + 0.35 * np.exp(-((1 - d) * 8) ** 2))  # darker rim where pigment pools
        c = palette[r.integers(0, len(palette))]
        img = img * (1 - alpha[..., None]) + (img * c / 255.0) * alpha[..., None]
    grain = r.normal(0, 3, (size, size, 1)).astype(np.float32)
    return Image.fromarray((img + grain).clip(0, 255).astype(np.uint8), "RGB")


def _ink(size: int, seed: int) -> Image.Image:
    """Ink: black calligraphic strokes of varying width and hatching on off-white paper."""
    r = _rng(seed)
    img = Image.new("RGB", (size, size), (240, 234, 218))
    draw = ImageDraw.Draw(img)
    for _ in range(int(size / 5)):
        x0, y0 = r.uniform(-0.1, 1.1, 2) * size
        ang = r.uniform(0, np.pi)
        n = int(r.integers(3, 7))
        w = max(1, int(r.uniform(0.004, 0.02) * size))
        pts = []
        for _k in range(n):
            pts.append((x0, y0))
            ang += r.normal(0, 0.4)
            x0, y0 = x0 + math.cos(ang) * size / 16, y0 + math.sin(ang) * size / 16
        shade = int(r.integers(10, 60))
        draw.line(pts, fill=(shade, shade, shade + 5), width=w, joint="curve")
    return img


def _shapes(size: int, seed: int) -> Image.Image:
    """Flat colour shapes (a test card for style transfer): a sky, a sun, hills and a house."""
    h = size * 3 // 4
    img = Image.new("RGB", (size, h), (120, 180, 235))
    d = ImageDraw.Draw(img)
    d.rectangle([0, h * 0.62, size, h], fill=(70, 150, 60))
    d.ellipse([size * 0.72, h * 0.08, size * 0.9, h * 0.32], fill=(250, 210, 40))
    d.rectangle([size * 0.18, h * 0.42, size * 0.46, h * 0.78], fill=(200, 60, 50))
    d.polygon([(size * 0.14, h * 0.44), (size * 0.32, h * 0.22), (size * 0.5, h * 0.44)], fill=(90, 50, 40))
    d.rectangle([size * 0.28, h * 0.6, size * 0.35, h * 0.78], fill=(60, 40, 30))
    d.ellipse([size * 0.55, h * 0.55, size * 0.85, h * 0.9], fill=(30, 90, 40))
    return img


def _landscape(size: int, seed: int) -> Image.Image:
    """A drawn landscape: graded sky, sun, layered mountains, a lake with reflections and a shore."""
    r = _rng(seed)
    h = size * 2 // 3
    y, x = np.mgrid[0:h, 0:size].astype(np.float32)
    sky = np.stack([150 + 80 * y / h, 180 + 40 * y / h, 240 - 30 * y / h], -1)
    img = sky.copy()
    sun = (x - 0.7 * size) ** 2 + (y - 0.2 * h) ** 2 < (0.06 * size) ** 2
    img[sun] = (255, 235, 170)
    xs = np.arange(size, dtype=np.float32) / size
    for k, (base, col) in enumerate([(0.45, (110, 120, 150)), (0.55, (70, 95, 90)), (0.62, (45, 70, 50))]):
        ridge = base + 0.08 * np.sin(2 * np.pi * (xs * (2 + k) + r.uniform(0, 1))) \
            + 0.03 * np.sin(2 * np.pi * xs * (9 + 3 * k) + r.uniform(0, 6))
        img[y / h > ridge[None, :]] = col
    lake = y > 0.72 * h
    mirror = img[(2 * int(0.72 * h) - y[lake].astype(int)).clip(0, h - 1), x[lake].astype(int)]
    img[lake] = 0.6 * mirror + 0.4 * np.array([60, 90, 130])
    img[y > 0.9 * h] = (150, 130, 90)
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
    PresetImage("pointillism", "Pointillism", "made by gan.style (dabs of pure colour)"),
    PresetImage("watercolour", "Watercolour washes", "made by gan.style (translucent blobs)"),
    PresetImage("ink", "Ink strokes", "made by gan.style (calligraphic lines)"),
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
    PresetImage("landscape", "Landscape (drawn)", "made by gan.style (mountains and a lake)"),
    PresetImage("text", "Printed text (scikit-image)", "skimage.data.text (public domain)"),
    PresetImage("shapes", "Flat colour shapes", "made by gan.style (a test card)"),
]}

_PROCEDURAL = {"mosaic": _mosaic, "waves": _waves, "brush": _brush, "dots": _dots, "marble": _marble,
               "pointillism": _pointillism, "watercolour": _watercolour, "ink": _ink, "shapes": _shapes,
               "landscape": _landscape}


def preset_image(name: str, size: int = 256, seed: int = 0) -> Image.Image:
    """A style preset or content sample by name, as an RGB image (procedural styles are ``size`` square)."""
    if name in _PROCEDURAL:
        return _PROCEDURAL[name](size, seed)
    if name in STYLE_PRESETS or name in CONTENT_SAMPLES:
        return _skimage(name)
    raise ValueError(f"unknown preset image {name!r}; valid: {', '.join([*STYLE_PRESETS, *CONTENT_SAMPLES])}")

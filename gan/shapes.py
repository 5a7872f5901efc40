"""A procedural image set in the class-per-folder layout: red circles, green squares, blue triangles.

Each picture is one shape of its class at a random place and size, in a slightly varied colour, on a
light background of a random grey. The tests and ``bench/own_images.py`` train on it, and the "Your
images" page offers it as an example zip, so a visitor sees the layout a dataset zip should have.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

CLASSES = ("circle", "square", "triangle")  # sorted, as the folder loader orders classes
COLOURS = {"circle": (220, 30, 30), "square": (30, 170, 40), "triangle": (40, 60, 220)}
SUPERSAMPLE = 4  # drawn this many times larger, then reduced: smooth edges


def draw_shape(kind: str, size: int, rng: np.random.Generator) -> Image.Image:
    """One ``size`` x ``size`` RGB picture of ``kind`` (a name from :data:`CLASSES`)."""
    if kind not in COLOURS:
        raise ValueError(f"unknown shape {kind!r}; valid: {', '.join(CLASSES)}")
    s = size * SUPERSAMPLE
    bg = int(rng.integers(200, 256))
    img = Image.new("RGB", (s, s), (bg, bg, bg))
    d = ImageDraw.Draw(img)
    side = rng.uniform(0.3, 0.6) * s  # the shape's extent
    x0 = rng.uniform(0.05 * s, 0.95 * s - side)
    y0 = rng.uniform(0.05 * s, 0.95 * s - side)
    colour = tuple(int(np.clip(c + rng.integers(-25, 26), 0, 255)) for c in COLOURS[kind])
    box = (x0, y0, x0 + side, y0 + side)
    if kind == "circle":
        d.ellipse(box, fill=colour)
    elif kind == "square":
        d.rectangle(box, fill=colour)
    else:
        d.polygon([(x0 + side / 2, y0), (x0, y0 + side), (x0 + side, y0 + side)], fill=colour)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def shape_images(n_per_class: int = 100, size: int = 32, seed: int = 0) -> dict[str, list[Image.Image]]:
    """``n_per_class`` pictures of each class, the same for the same seed."""
    rng = np.random.default_rng(seed)
    return {kind: [draw_shape(kind, size, rng) for _ in range(n_per_class)] for kind in CLASSES}


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def write_shapes(dest: str | Path, n_per_class: int = 100, size: int = 32, seed: int = 0) -> Path:
    """Write the set as ``dest/<class>/<i>.png``; returns ``dest``."""
    dest = Path(dest)
    for kind, images in shape_images(n_per_class, size, seed).items():
        (dest / kind).mkdir(parents=True, exist_ok=True)
        for i, img in enumerate(images):
            (dest / kind / f"{i:04d}.png").write_bytes(_png(img))
    return dest


def shapes_zip(n_per_class: int = 100, size: int = 32, seed: int = 0, top: str = "shapes") -> bytes:
    """The set as zip bytes: ``top/<class>/<i>.png`` (``top`` "" for class folders at the zip's top level)."""
    buf = io.BytesIO()
    prefix = f"{top}/" if top else ""
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for kind, images in shape_images(n_per_class, size, seed).items():
            for i, img in enumerate(images):
                zf.writestr(f"{prefix}{kind}/{i:04d}.png", _png(img))
    return buf.getvalue()

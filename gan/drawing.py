"""A person's drawing or photo of a digit made to look like an MNIST image (28x28, light ink on black).

MNIST's digits were size-normalised to fit a 20x20 box (keeping their aspect ratio, anti-aliased) and then
placed in the 28x28 field so that their centre of mass sits at its centre. :func:`mnist_like` does the same
to any grayscale picture of one digit; :func:`decode_drawing` reads the PNG that the drawing area sends.
"""
from __future__ import annotations

import base64
import binascii

import numpy as np
from PIL import Image

from .images import ImageError, decode_image

SIZE = 28  # MNIST's field
BOX = 20  # the longest side of the digit's bounding box in MNIST
CENTRE = 14.0  # where MNIST's centres of mass sit (row, column; pixel indices 0..27): measured 13.99, 14.01
INK = 0.1  # a pixel counts as ink above this fraction of the brightest pixel (for the bounding box)
MAX_DRAWING_BYTES = 2 * 2**20  # a drawing area's PNG is a few kB; refuse anything much larger
PNG_PREFIX = "data:image/png;base64,"


def decode_drawing(data_url: str) -> np.ndarray:
    """The drawing area's ``data:image/png;base64,...`` string -> grayscale uint8 (H, W).

    The bytes go through :func:`gan.images.decode_image` (size and format checks); anything else is an
    :class:`ImageError` that says what was wrong.
    """
    if not isinstance(data_url, str) or not data_url.startswith(PNG_PREFIX):
        raise ImageError("the drawing is not a PNG image")
    body = data_url[len(PNG_PREFIX):]
    if len(body) > MAX_DRAWING_BYTES * 4 // 3 + 4:
        raise ImageError("the drawing is too large")
    try:
        raw = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise ImageError("the drawing could not be read (bad base64)") from None
    return np.asarray(decode_image(raw, max_side=1024, max_bytes=MAX_DRAWING_BYTES, mode="L", formats=("PNG",)))


def light_on_dark(gray: np.ndarray) -> np.ndarray:
    """MNIST's polarity: a picture with a light background (mean above mid-grey) is inverted."""
    a = np.asarray(gray, dtype=np.uint8)
    return 255 - a if a.mean() > 127 else a


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    """(row, column) of the brightness-weighted mean pixel index; the field's middle for a blank image."""
    a = np.asarray(image, dtype=np.float64)
    total = a.sum()
    if total <= 0:
        return (a.shape[0] - 1) / 2, (a.shape[1] - 1) / 2
    rows, cols = np.indices(a.shape)
    return float((a * rows).sum() / total), float((a * cols).sum() / total)


def mnist_like(gray: np.ndarray) -> np.ndarray:
    """A light-on-dark grayscale digit (H, W) uint8 -> (28, 28) uint8 as MNIST's were made.

    The digit's bounding box (pixels above ``INK`` of the brightest) is scaled so its longest side is 20
    pixels (area averaging when shrinking, so strokes stay anti-aliased), then pasted into a black 28x28
    field with its centre of mass at (14, 14), to the nearest pixel. A blank picture gives a black field.
    """
    a = np.asarray(gray, dtype=np.float32)
    if a.ndim != 2 or a.size == 0:
        raise ValueError(f"expected a grayscale (H, W) image, got shape {a.shape}")
    out = np.zeros((SIZE, SIZE), np.float32)
    top = float(a.max())
    if top <= 0:
        return out.astype(np.uint8)
    rows = np.flatnonzero((a > INK * top).any(1))
    cols = np.flatnonzero((a > INK * top).any(0))
    crop = a[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # (h, w)
    h, w = crop.shape
    scale = BOX / max(h, w)
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    method = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    small = np.asarray(Image.fromarray(crop, mode="F").resize((new_w, new_h), method), dtype=np.float32)
    small = np.clip(small, 0, 255)
    cy, cx = centre_of_mass(small)
    r0, c0 = round(CENTRE - cy), round(CENTRE - cx)  # where small's top-left corner goes
    # paste with clipping (a lopsided digit's box may stick out of the field)
    sr, sc = max(0, -r0), max(0, -c0)
    dr, dc = max(0, r0), max(0, c0)
    hh, ww = min(new_h - sr, SIZE - dr), min(new_w - sc, SIZE - dc)
    out[dr:dr + hh, dc:dc + ww] = small[sr:sr + hh, sc:sc + ww]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)

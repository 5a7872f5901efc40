"""Digits as a person draws them on the Generate page's drawing area: pen strokes of the pad's width on a
280x280 white pad (dark ink), as PNG data URLs like the ones the pad sends."""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image, ImageDraw

SIDE, LINE = 280, 20  # ui.drawing_pad's SIDE and LINE

# strokes in pad pixels: each digit a list of polylines
STROKES = {
    0: [[(140 + 55 * np.sin(t), 140 - 85 * np.cos(t)) for t in np.linspace(0, 2 * np.pi, 40)]],
    1: [[(120, 80), (150, 50), (150, 230)]],
    2: [[(90, 100), (110, 65), (150, 55), (185, 75), (190, 110), (165, 150), (90, 225), (200, 225)]],
    3: [[(90, 70), (150, 55), (185, 85), (170, 125), (130, 135)], [(130, 135), (180, 150), (190, 195),
                                                                  (150, 225), (90, 215)]],
    4: [[(165, 225), (165, 55), (85, 170), (205, 170)]],
    7: [[(85, 60), (195, 60), (130, 230)]],
}


def pad_image(digit: int) -> np.ndarray:
    """The pad (uint8 (280, 280), ink 0 on 255) with ``digit`` drawn as round-capped strokes."""
    img = Image.new("L", (SIDE, SIDE), 255)
    d = ImageDraw.Draw(img)
    for line in STROKES[digit]:
        pts = [(float(x), float(y)) for x, y in line]
        d.line(pts, fill=0, width=LINE, joint="curve")
        for x, y in (pts[0], pts[-1]):
            d.ellipse((x - LINE / 2, y - LINE / 2, x + LINE / 2, y + LINE / 2), fill=0)
    return np.asarray(img)


def data_url(a: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(a).convert("RGBA").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()

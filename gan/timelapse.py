"""Sample-grid time-lapses: animated GIF and PNG bytes from uint8 image arrays (Pillow, in memory)."""
from __future__ import annotations

import io

import numpy as np
from PIL import Image

MAX_FRAMES = 400


def to_pil(array: np.ndarray, scale: int = 1) -> Image.Image:
    """uint8 (H, W) gray or (H, W, 3) colour -> PIL image, enlarged ``scale`` times with hard pixel edges."""
    a = np.asarray(array)
    if a.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {a.dtype}")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim == 2:
        img = Image.fromarray(a, "L")
    elif a.ndim == 3 and a.shape[2] == 3:
        img = Image.fromarray(a, "RGB")
    else:
        raise ValueError(f"expected (H, W) or (H, W, 3) pixels, got shape {a.shape}")
    if scale != 1:
        if not 1 <= scale <= 16:
            raise ValueError("scale must be between 1 and 16")
        img = img.resize((img.width * scale, img.height * scale), Image.NEAREST)
    return img


def png_bytes(array: np.ndarray, scale: int = 1) -> bytes:
    """PNG file bytes of one uint8 image (for download buttons)."""
    buf = io.BytesIO()
    to_pil(array, scale).save(buf, format="PNG")
    return buf.getvalue()


def gif_bytes(frames: list[np.ndarray], duration_ms: int = 250, scale: int = 1, loop: int = 0,
              hold_last_ms: int | None = 1000) -> bytes:
    """An animated GIF of ``frames`` (uint8 arrays of one size), ``duration_ms`` per frame, looping
    forever (``loop=0``). The last frame is held ``hold_last_ms`` so the end result can be seen."""
    if not frames:
        raise ValueError("a GIF needs at least one frame")
    if len(frames) > MAX_FRAMES:
        raise ValueError(f"at most {MAX_FRAMES} frames")
    if not 10 <= duration_ms <= 10_000:
        raise ValueError("duration_ms must be between 10 and 10000")
    shape = np.asarray(frames[0]).shape
    if any(np.asarray(f).shape != shape for f in frames):
        raise ValueError("all frames must have the same size")
    images = [to_pil(f, scale) for f in frames]
    durations = [duration_ms] * len(images)
    if hold_last_ms and len(images) > 1:
        durations[-1] = max(duration_ms, hold_last_ms)
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=loop,
                   optimize=False, disposal=1)
    return buf.getvalue()

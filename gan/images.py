"""Safe decoding and normalising of untrusted image bytes, plus the pixel conversions of the app.

The conversions here are the only copies in the project: :func:`to_uint8` turns model pixels in
[-1, 1] into 8-bit ones (every grid, picture, PNG and ``.npy`` goes through it), :func:`make_grid`
tiles a batch into one picture (torchvision's ``make_grid``), :func:`images_uint8` gives a batch as
channels-last arrays, and :func:`pil_to_tensor` / :func:`tensor_to_pil` go between PIL and tensors.

Everything happens in memory: bytes in, ``PIL.Image`` out, nothing is written to disk. Every failure
is an :class:`ImageError` whose message can be shown to the person who uploaded the file.

Decompression bombs are refused with Pillow's own guard (``Image.open`` raises
``DecompressionBombError`` above twice ``Image.MAX_IMAGE_PIXELS``) plus an explicit per-call pixel
limit checked from the header before any pixel is decoded. No global Pillow or ``warnings`` setting is
changed (those are process-wide and Streamlit serves every session from threads of one process); a
``DecompressionBombWarning`` that a caller's warning filter turned into an exception is caught too.
The one process-wide addition is pillow-heif's HEIF opener (registered once, on first use, so phone
photos in HEIC/HEIF open like any other format); animated GIF/WebP give their first frame.
"""
from __future__ import annotations

import io
import math

import numpy as np
import torch
from PIL import GifImagePlugin, Image, ImageOps, UnidentifiedImageError, WebPImagePlugin

from .hosted import upload_limit

_PLUGINS = (GifImagePlugin, WebPImagePlugin)  # registered with Pillow by being imported

ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")  # JPEG includes MPO (phone photos with a depth map)
DEFAULT_MAX_SIDE = 1024  # downscale anything larger than this (longest side, pixels) before work
DEFAULT_MAX_PIXELS = 50_000_000  # refuse images whose header declares more pixels than this


class ImageError(ValueError):
    """An upload that cannot be used as an image; the message says why, for a person."""


_HEIF_READY = False


def _heif_opener() -> None:
    """Teach Pillow to open HEIC/HEIF (pillow-heif) once per process; without the package HEIF is refused."""
    global _HEIF_READY
    if _HEIF_READY:
        return
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()
    _HEIF_READY = True


def format_names(formats: tuple[str, ...] = ALLOWED_FORMATS) -> str:
    """The formats as people name them: "JPEG, PNG, WebP, GIF, HEIC (HEIF)" (no slash: messages carry none)."""
    names = {"WEBP": "WebP", "HEIF": "HEIC (HEIF)"}
    return ", ".join(names.get(f, f) for f in formats)


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"


def decode_image(data: bytes, max_side: int | None = DEFAULT_MAX_SIDE, max_bytes: int | None = None,
                 mode: str = "RGB", max_pixels: int = DEFAULT_MAX_PIXELS,
                 formats: tuple[str, ...] = ALLOWED_FORMATS) -> Image.Image:
    """Decode untrusted image bytes into an upright 8-bit ``mode`` ("RGB" or "L") image.

    EXIF orientation is applied; RGBA/LA/transparent palettes are composited on white; grayscale,
    palette, CMYK and 16-bit/float images are converted; the result is downscaled so its longest side
    is at most ``max_side`` (``None`` keeps the size). Only the first frame of an animation is used.
    """
    if mode not in ("RGB", "L"):
        raise ValueError(f"mode must be 'RGB' or 'L', got {mode!r}")
    if data is None or len(data) == 0:
        raise ImageError("the file is empty (0 bytes)")
    max_bytes = upload_limit("file") if max_bytes is None else max_bytes  # GAN_UPLOAD_MB, set in gan.hosted
    if len(data) > max_bytes:
        raise ImageError(f"the file is {_mb(len(data))}, over the {_mb(max_bytes)} limit")
    names = format_names(formats)
    if "HEIF" in formats:
        _heif_opener()
    try:
        img = Image.open(io.BytesIO(bytes(data)), formats=list(formats))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError("the image declares far too many pixels (a decompression bomb?) and was refused") from None
    except UnidentifiedImageError:
        raise ImageError(f"the file is not an image in a supported format ({names})") from None
    except (OSError, ValueError, SyntaxError, EOFError) as e:
        raise ImageError(f"the image could not be read ({_reason(e)})") from None
    try:
        w, h = img.size
        if w < 1 or h < 1:
            raise ImageError("the image has no pixels")
        if w * h > max_pixels:
            raise ImageError(f"the image is {w}x{h} = {w * h / 1e6:.0f} megapixels, over the "
                             f"{max_pixels / 1e6:.0f} megapixel limit")
        if max_side and img.format == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when the image is much larger than needed.
            img.draft(img.mode if img.mode in ("RGB", "L") else None, (max_side, max_side))
        img.load()
    except ImageError:
        img.close()
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        img.close()
        raise ImageError("the image declares far too many pixels (a decompression bomb?) and was refused") from None
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as e:
        img.close()
        msg = str(e).lower()
        if "truncated" in msg or "broken" in msg or isinstance(e, EOFError):
            raise ImageError("the image file is truncated or damaged (only part of it arrived?)") from None
        raise ImageError(f"the image could not be decoded ({_reason(e)})") from None
    try:
        img = _upright(img)
        img = _to_8bit(img)
        img = _flatten(img, mode)
        if max_side and max(img.size) > max_side:
            img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    except (OSError, ValueError) as e:
        raise ImageError(f"the image could not be converted ({_reason(e)})") from None
    return img


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:120]


def _upright(img: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag; a malformed EXIF block is ignored rather than fatal."""
    try:
        out = ImageOps.exif_transpose(img)
    except (OSError, ValueError, TypeError, KeyError, SyntaxError):
        return img
    return out if out is not None else img


def _to_8bit(img: Image.Image) -> Image.Image:
    """16-bit and float single-channel modes -> "L" (scaled, not clipped)."""
    if img.mode in ("I;16", "I;16L", "I;16B", "I;16N", "I"):
        a = np.asarray(img).astype(np.float64)
        top = a.max() if a.size else 0.0
        if a.min() < 0 or top > 65535:
            lo = a.min()
            a = (a - lo) / max(top - lo, 1e-12) * 255.0
        elif top > 255:
            a = a / 257.0
        return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), "L")
    if img.mode == "F":
        a = np.nan_to_num(np.asarray(img, dtype=np.float64))
        if a.size and a.min() >= 0 and a.max() <= 1.0:
            a = a * 255.0
        return Image.fromarray(np.clip(np.rint(a), 0, 255).astype(np.uint8), "L")
    return img


def _flatten(img: Image.Image, mode: str) -> Image.Image:
    """Any Pillow mode -> ``mode``, compositing transparency on white."""
    if img.mode == "P":
        img = img.convert("RGBA" if "transparency" in img.info else "RGB")
    elif img.mode == "PA":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba).convert("RGB")
    if img.mode == "1":
        img = img.convert("L")
    if img.mode != mode:
        img = img.convert(mode)  # CMYK, YCbCr, LAB, HSV, L <-> RGB
    return img


# ----------------------------------------------------------------------------- conversions

def to_uint8(x: torch.Tensor) -> torch.Tensor:
    """Pixels in [-1, 1] -> uint8 pixels in [0, 255], elementwise (any shape; a CPU tensor comes back).

    ``floor((x + 1) * 127.5 + 0.5)`` in float32 after clamping to [-1, 1]: -1 -> 0, 0 -> 128, 1 -> 255,
    and ``k / 127.5 - 1`` -> ``k`` for every 8-bit ``k``. For every float32 in [-1, 1] this is byte for
    byte torchvision's ``normalize=True, value_range=(-1, 1)`` followed by ``* 255 + 0.5`` (checked
    exhaustively); ``round()`` (half to even) differs by one level on 708 of them, none an 8-bit value.
    """
    return ((x.detach().float().cpu().clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8)


def images_uint8(images: torch.Tensor) -> np.ndarray:
    """(B, C, H, W) in [-1, 1] -> uint8 (B, H, W) for gray or (B, H, W, 3) for colour."""
    arr = to_uint8(images).permute(0, 2, 3, 1).numpy()  # (B, H, W, C)
    return arr[..., 0] if arr.shape[-1] == 1 else arr


def make_grid(images: torch.Tensor, nrow: int | None = None, pad: int = 2) -> np.ndarray:
    """(B, C, H, W) in [-1, 1] -> one uint8 picture: (H', W') for gray or (H', W', 3) for colour.

    torchvision's ``make_grid`` tiles the batch ``nrow`` images to a row (default: about square) with
    ``pad`` white pixels around each image; a batch of one comes back without padding.
    """
    import torchvision.utils as vutils
    nrow = nrow or max(1, int(math.ceil(math.sqrt(images.shape[0]))))
    grid = vutils.make_grid(images.detach().float().cpu().clamp(-1, 1), nrow=nrow, padding=pad,
                            pad_value=1.0)  # (3, H', W') in [-1, 1]; gray is repeated to 3 channels
    arr = to_uint8(grid).permute(1, 2, 0).numpy()  # (H', W', 3)
    return arr[..., 0] if images.shape[1] == 1 else arr


def pil_to_tensor(img: Image.Image) -> torch.Tensor:
    """PIL image -> float tensor (1, C, H, W) in [-1, 1] (C = 3 for RGB, 1 for L)."""
    a = np.asarray(img.convert("RGB") if img.mode not in ("RGB", "L") else img, dtype=np.float32)
    if a.ndim == 2:
        a = a[:, :, None]
    t = torch.from_numpy(a.copy()).permute(2, 0, 1).unsqueeze(0)  # (1, C, H, W)
    return t / 127.5 - 1.0


def tensor_to_pil(t: torch.Tensor) -> Image.Image:
    """Tensor (C, H, W) or (1, C, H, W) in [-1, 1] -> 8-bit PIL image (RGB or L)."""
    t = t.detach().float().cpu()
    if t.dim() == 4:
        if t.shape[0] != 1:
            raise ValueError(f"expected one image, got a batch of {t.shape[0]}")
        t = t[0]
    if t.dim() != 3 or t.shape[0] not in (1, 3):
        raise ValueError(f"expected (C, H, W) with C in (1, 3), got {tuple(t.shape)}")
    a = to_uint8(t).permute(1, 2, 0).numpy()  # (H, W, C)
    return Image.fromarray(a[:, :, 0], "L") if a.shape[2] == 1 else Image.fromarray(a, "RGB")


def encode_png(img: Image.Image) -> bytes:
    """PNG bytes of ``img`` (for download buttons); metadata is not carried over."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return buf.getvalue()


def resize_to(img: Image.Image, size: int, multiple: int = 4) -> Image.Image:
    """Resize so the longest side is ``size`` (both sides rounded to ``multiple``), keeping the aspect."""
    if size < multiple:
        raise ValueError(f"size must be at least {multiple}")
    w, h = img.size
    scale = size / max(w, h)
    nw = max(multiple, int(round(w * scale / multiple)) * multiple)
    nh = max(multiple, int(round(h * scale / multiple)) * multiple)
    if (nw, nh) == (w, h):
        return img.copy()
    return img.resize((nw, nh), Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BICUBIC)

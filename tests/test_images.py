"""gan.images.decode_image on good and hostile uploads, and the tensor/PNG helpers."""
from __future__ import annotations

import io
import struct
import tempfile
import warnings
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

from gan.images import (ImageError, decode_image, encode_png, images_uint8, make_grid, pil_to_tensor, resize_to,
                        tensor_to_pil, to_uint8)


def _save(img: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt, **kw)
    return buf.getvalue()


def _gradient(w: int = 64, h: int = 48) -> Image.Image:
    x = np.linspace(0, 255, w, dtype=np.float32)[None, :].repeat(h, 0)
    y = np.linspace(0, 255, h, dtype=np.float32)[:, None].repeat(w, 1)
    return Image.fromarray(np.stack([x, y, 255 - x], -1).astype(np.uint8), "RGB")


def _png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (the classic decompression bomb shape)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# ----------------------------------------------------------------------------- accepted formats

@pytest.mark.parametrize("fmt,kw", [("JPEG", {"quality": 95}), ("PNG", {}), ("WEBP", {"lossless": True})])
def test_formats_decode_to_rgb(fmt, kw):
    img = decode_image(_save(_gradient(), fmt, **kw))
    assert img.mode == "RGB" and img.size == (64, 48)
    ref = np.asarray(_gradient(), dtype=float)
    assert np.abs(np.asarray(img, dtype=float) - ref).mean() < 4


def test_mode_l_for_other_pages():
    img = decode_image(_save(_gradient(), "PNG"), mode="L")
    assert img.mode == "L" and img.size == (64, 48)
    with pytest.raises(ValueError):
        decode_image(_save(_gradient(), "PNG"), mode="CMYK")


def test_exif_orientation_applied():
    img = _gradient(64, 32)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view"
    out = decode_image(_save(img, "JPEG", exif=exif.tobytes(), quality=95))
    assert out.size == (32, 64)
    expected = np.asarray(img.transpose(Image.Transpose.ROTATE_270), dtype=float)
    assert np.abs(np.asarray(out, dtype=float) - expected).mean() < 5


def test_rgba_composited_on_white():
    rgba = Image.new("RGBA", (10, 10), (255, 0, 0, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 5, 10))
    out = np.asarray(decode_image(_save(rgba, "PNG")))
    assert tuple(out[5, 8]) == (255, 255, 255)  # transparent -> white, not black or red
    assert tuple(out[5, 2]) == (0, 0, 255)


def test_grayscale_la_palette_cmyk():
    gray = _gradient().convert("L")
    assert decode_image(_save(gray, "PNG")).mode == "RGB"
    assert decode_image(_save(gray.convert("LA"), "PNG")).mode == "RGB"
    pal = _gradient().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    assert decode_image(_save(pal, "PNG")).mode == "RGB"
    pal_t = Image.new("P", (8, 8), 0)
    pal_t.putpalette([255, 0, 0, 0, 255, 0] + [0] * 762)
    pal_t.info["transparency"] = 0
    out = np.asarray(decode_image(_save(pal_t, "PNG", transparency=0)))
    assert tuple(out[0, 0]) == (255, 255, 255)
    cmyk = _save(_gradient().convert("CMYK"), "JPEG", quality=95)
    out = decode_image(cmyk)
    assert out.mode == "RGB"
    assert np.abs(np.asarray(out, dtype=float) - np.asarray(_gradient(), dtype=float)).mean() < 12


def test_16bit_png_scaled_not_clipped():
    a = np.linspace(0, 65535, 32 * 32).reshape(32, 32).astype(np.uint16)
    data = _save(Image.fromarray(a), "PNG")
    assert Image.open(io.BytesIO(data)).mode.startswith("I")
    out = np.asarray(decode_image(data, mode="L"))
    assert out.min() == 0 and out.max() == 255 and 100 < out.mean() < 155


def test_large_image_downscaled():
    big = _gradient(3000, 1500)
    for fmt in ("JPEG", "PNG"):
        out = decode_image(_save(big, fmt), max_side=256)
        assert max(out.size) == 256 and out.size == (256, 128)


# ----------------------------------------------------------------------------- hostile uploads

def test_zero_byte_file():
    with pytest.raises(ImageError, match="empty"):
        decode_image(b"")


def test_text_renamed_jpg():
    with pytest.raises(ImageError, match="not an image"):
        decode_image(b"Dear diary, this is not a JPEG at all.\n" * 20)


def test_unsupported_format_named():
    with pytest.raises(ImageError, match="JPEG, PNG, WebP"):
        decode_image(_save(_gradient(), "BMP"))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_truncated_file(fmt):
    data = _save(_gradient(200, 200), fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    with pytest.raises(ImageError):
        decode_image(data[: len(data) // 2])


def test_decompression_bomb_refused_and_global_state_untouched():
    before_pixels, before_filters = Image.MAX_IMAGE_PIXELS, list(warnings.filters)
    with pytest.raises(ImageError, match="pixels"):
        decode_image(_png_declaring(100_000, 100_000))  # Pillow's own DecompressionBombError
    with pytest.raises(ImageError, match="megapixel"):
        decode_image(_png_declaring(8_000, 8_000))  # our per-call limit, before decoding
    with pytest.raises(ImageError, match="megapixel"):
        decode_image(_save(_gradient(64, 64), "PNG"), max_pixels=1000)
    assert Image.MAX_IMAGE_PIXELS == before_pixels and warnings.filters == before_filters


def test_bomb_warning_as_error_is_a_clear_message():
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with pytest.raises(ImageError, match="pixels"):
            decode_image(_png_declaring(10_000, 10_000), max_pixels=10**9)


def test_too_many_bytes():
    with pytest.raises(ImageError, match="limit"):
        decode_image(_save(_gradient(), "PNG"), max_bytes=100)


def test_app_keeps_working_after_bad_uploads():
    for bad in (b"", b"\xff\xd8\xff\xe0garbage", _png_declaring(100_000, 100_000)):
        with pytest.raises(ImageError):
            decode_image(bad)
    assert decode_image(_save(_gradient(), "PNG")).size == (64, 48)


def test_nothing_written_to_disk(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def refuse(*a, **k):
        raise AssertionError("decode_image tried to create a temporary file")
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    decode_image(_save(_gradient(2000, 100), "JPEG"), max_side=128)
    decode_image(_save(_gradient(), "WEBP"))
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- helpers

def test_tensor_roundtrip_and_png():
    img = _gradient()
    t = pil_to_tensor(img)
    assert t.shape == (1, 3, 48, 64) and t.min() >= -1 and t.max() <= 1
    back = tensor_to_pil(t)
    assert np.array_equal(np.asarray(back), np.asarray(img))
    png = encode_png(back)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(png))), np.asarray(img))
    assert tensor_to_pil(torch.zeros(1, 48, 64)).mode == "L"


def _old_grid(images: torch.Tensor, nrow: int | None = None, pad: int = 2) -> np.ndarray:
    """gan.train.make_grid as it was before the pixel helpers moved to gan.images (the reference)."""
    import math

    import torchvision.utils as vutils
    nrow = nrow or max(1, int(math.ceil(math.sqrt(images.shape[0]))))
    grid = vutils.make_grid(images.detach().float().cpu().clamp(-1, 1), nrow=nrow, padding=pad,
                            normalize=True, value_range=(-1, 1), pad_value=1.0)
    arr = (grid * 255 + 0.5).clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
    return arr[..., 0] if images.shape[1] == 1 else arr


def test_to_uint8_is_the_old_conversions_byte_for_byte():
    k = torch.arange(256, dtype=torch.uint8)
    on_grid = k.float().div(127.5).sub(1.0)  # what gan.data makes of 8-bit pixels
    assert torch.equal(to_uint8(on_grid), k)
    assert torch.equal(to_uint8(torch.tensor([-5.0, -1.0, 0.0, 1.0, 7.0])), torch.tensor([0, 0, 128, 255, 255], dtype=torch.uint8))
    x = torch.cat([torch.rand(200_000) * 2.2 - 1.1, on_grid + 1e-7, on_grid - 1e-7])
    old_sampling = ((x.clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8)  # gan.sampling.to_uint8
    old_grid = (((x.clamp(-1, 1) + 1) / 2) * 255 + 0.5).clamp(0, 255).to(torch.uint8)  # gan.train.make_grid
    assert torch.equal(to_uint8(x), old_sampling) and torch.equal(to_uint8(x), old_grid)


@pytest.mark.parametrize("shape, nrow", [((5, 1, 28, 28), None), ((12, 1, 28, 28), 10), ((1, 1, 28, 28), None),
                                         ((6, 3, 32, 32), 4), ((1, 3, 16, 16), None)])
def test_make_grid_is_the_old_grid_byte_for_byte(shape, nrow):
    torch.manual_seed(0)
    images = torch.randn(shape).tanh() * 1.05  # a little outside [-1, 1] too
    new, old = make_grid(images, nrow=nrow), _old_grid(images, nrow=nrow)
    assert new.dtype == np.uint8 and new.shape == old.shape and np.array_equal(new, old)
    from gan.train import make_grid as train_grid
    assert np.array_equal(train_grid(images, nrow=nrow), old)
    batch = images_uint8(images)
    assert batch.shape == ((shape[0], *shape[2:]) if shape[1] == 1 else (shape[0], *shape[2:], 3))
    if shape[0] == 1:  # one image: no padding, the same pixels as the batch conversion
        assert np.array_equal(new, batch[0])


def test_resize_to_multiple_of_4():
    out = resize_to(_gradient(300, 201), 128)
    assert max(out.size) == 128 and out.size[0] % 4 == 0 and out.size[1] % 4 == 0


def test_heic_from_a_phone():
    import pillow_heif
    buf = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (40, 30), (200, 30, 30))).save(buf, format="HEIF")
    img = decode_image(buf.getvalue())
    assert img.size == (40, 30) and img.mode == "RGB"
    assert abs(int(img.getpixel((20, 15))[0]) - 200) < 12  # lossy, but the colour survives


def test_animated_gif_gives_its_first_frame():
    frames = [Image.new("RGB", (30, 20), c) for c in ((255, 0, 0), (0, 0, 255), (0, 255, 0))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=80, loop=0)
    img = decode_image(buf.getvalue())
    assert img.size == (30, 20) and img.mode == "RGB" and img.getpixel((5, 5)) == (255, 0, 0)


def test_sliver_and_single_pixel_decode():
    assert decode_image(_save(Image.new("RGB", (4000, 8), (1, 2, 3)), "PNG")).size == (1024, 2)
    assert decode_image(_save(Image.new("RGB", (1, 1), (1, 2, 3)), "PNG")).size == (1, 1)

"""gan.drawing: a person's drawing or photo of a digit made MNIST-like (28x28, 20-pixel box, centred by mass)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from drawn_digits import STROKES, data_url, pad_image
from gan.drawing import BOX, CENTRE, centre_of_mass, decode_drawing, light_on_dark, mnist_like
from gan.images import ImageError


def box_side(a: np.ndarray) -> int:
    ink = a > 0
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    return max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1)


def test_blank_gives_a_black_field():
    assert not mnist_like(np.zeros((280, 280), np.uint8)).any()
    assert mnist_like(np.zeros((5, 7), np.uint8)).shape == (28, 28)


@pytest.mark.parametrize("corner", [(0, 0), (200, 190)])
def test_a_small_stroke_anywhere_is_scaled_to_the_box_and_centred_by_mass(corner):
    a = np.zeros((280, 280), np.uint8)
    r, c = corner
    a[r:r + 60, c:c + 12] = 255  # a short vertical bar near a corner
    a[r + 50:r + 60, c:c + 40] = 255  # with a foot: the mass is not in the box's middle
    out = mnist_like(a)
    assert out.shape == (28, 28) and out.dtype == np.uint8
    assert box_side(out) == BOX  # the longest side is 20 pixels, as in MNIST
    cy, cx = centre_of_mass(out)
    assert abs(cy - CENTRE) <= 0.5 and abs(cx - CENTRE) <= 0.5  # to the nearest pixel


def test_real_digits_drawn_ten_times_larger_come_back_as_they_were():
    """An MNIST digit blown up to the pad's 280x280 and brought back is the same digit in the same place."""
    from PIL import Image
    from gan.metrics.classifier import mnist_split
    x = ((mnist_split().held_images[:50, 0] + 1) * 127.5).round().to(torch.uint8).numpy()
    errors = []
    for a in x:
        big = np.asarray(Image.fromarray(a).resize((280, 280), Image.Resampling.NEAREST))
        back = mnist_like(big).astype(float)
        errors.append(np.abs(back - a).mean() / 255)
        assert np.corrcoef(back.ravel(), a.astype(float).ravel())[0, 1] > 0.8
    assert np.mean(errors) < 0.05


def test_polarity():
    paper = np.full((10, 10), 250, np.uint8)
    paper[2:8, 4:6] = 10
    assert light_on_dark(paper)[0, 0] == 5 and light_on_dark(paper)[3, 4] == 245
    assert light_on_dark(255 - paper)[0, 0] == 5  # already light on dark: kept


def test_the_pads_png_decodes_to_its_pixels():
    a = pad_image(7)
    assert np.array_equal(decode_drawing(data_url(a)), a)


@pytest.mark.parametrize("bad", ["", "hello", "data:image/png;base64,!!!", "data:image/png;base64,AAAA",
                                 "data:image/jpeg;base64,AAAA", None])
def test_bad_drawings_are_refused_with_a_message(bad):
    with pytest.raises(ImageError):
        decode_drawing(bad)


def test_drawn_digits_are_read_by_the_bundled_classifier():
    """The strokes of tests/drawn_digits.py are digits: the bundled classifier reads each as itself."""
    from gan.metrics.classifier import classify_images
    imgs = np.stack([mnist_like(light_on_dark(pad_image(k))) for k in STROKES])
    probs = classify_images(torch.from_numpy(imgs / 127.5 - 1).float()[:, None])
    assert probs.argmax(1).tolist() == list(STROKES)

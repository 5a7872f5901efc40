"""No English in the Chinese UI of the home, principles and playground pages (idle state): every word of
Latin letters on the rendered page must be a name, unit or symbol from ALLOWED."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict

from tests.pagetest import run_page

ROOT = Path(__file__).resolve().parent.parent
# names (models, papers' authors, optimisers, activation functions), units and symbols only
ALLOWED = {
    "GAN", "DCGAN", "cGAN", "CycleGAN", "BigGAN", "StyleGAN", "SAGAN", "WGAN", "WGAN-GP", "VEEGAN", "Unrolled",
    "VAE", "FID", "JS", "JSD", "TTUR", "CPU", "GPU", "ImageNet", "MNIST", "Hub", "Goodfellow", "Gulrajani", "Heusel",
    "Wasserstein", "Adam", "SGD", "RMSprop", "ReLU", "LeakyReLU", "ELU", "tanh", "ln", "log", "logit",
    "pix",  # pix2pix
    "Studio", "cgan-mnist",  # the app's and a bundled model's names
    "data",  # the symbol p_data
    "gan",  # the project's module names beside the code (gan.losses)
}
TEXT_FIELDS = {"body", "label", "options", "help", "text", "caption", "placeholder", "formattedValue", "value",
               "title", "defaultValue"}


def _strings(d, key=None):
    if isinstance(d, dict):
        for k, v in d.items():
            yield from _strings(v, k)
    elif isinstance(d, list):
        for v in d:
            yield from _strings(v, key)
    elif isinstance(d, str) and key in TEXT_FIELDS:
        yield d


def _walk(node):
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "DESCRIPTOR"):
        yield from _strings(MessageToDict(proto))
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _walk(child)


def english_words(at) -> set[str]:
    words = set()
    for s in _walk(at._tree):
        s = re.sub(r"\$\$.*?\$\$|\$[^$]*\$", " ", s, flags=re.S)  # formulas
        s = re.sub(r"https?://\S+|`[^`]*`|:material/\w+:", " ", s)  # links, code, icons
        s = re.sub(r"<defs>.*?</defs>", " ", s, flags=re.S)  # drawing definitions
        s = re.sub(r"<[^>]*?(?:aria-label=\"([^\"]*)\")?[^>]*>", lambda m: f" {m.group(1) or ''} ", s)  # tags, but
        # not what a screen reader says
        words.update(re.findall(r"[A-Za-z][A-Za-z'\-]+", s))
    return words


def test_allowed_list_is_short():
    assert len(ALLOWED) <= 40


@pytest.mark.parametrize("page", ["0_home.py", "1_principles.py", "2_playground.py"])
def test_chinese_page_has_no_english_words(page):
    at = run_page(str(ROOT / "app_pages" / page), timeout=120, app_lang="zh")
    stray = english_words(at) - ALLOWED
    assert not stray, sorted(stray)

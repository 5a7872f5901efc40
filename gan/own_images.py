"""Runs on your own pictures: the presets and the training config the "Your images" page, the command line
and ``bench/own_images.py`` share.

A set with class folders trains the conditional DCGAN (``cgan``: pick the class), one without trains the
unconditional ``dcgan``; both start from the Train page's recipe (:data:`gan.train.RECIPE`). No Streamlit.
"""
from __future__ import annotations

from dataclasses import dataclass

from .folders import DEFAULT_SIZE, PREFIX, SMALL_SET, SMALL_SET_AUGMENT, sample_layout
from .train import TrainConfig, recipe_config


@dataclass(frozen=True)
class Preset:
    name: str
    seconds: int
    image_size: int
    augment: str


# "a few hundred pictures": the setting bench/own_images.py measures on 300 pictures of three classes
PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("few-hundred", 120, DEFAULT_SIZE, SMALL_SET_AUGMENT),
    Preset("few-thousand", 300, DEFAULT_SIZE, "translation"),
    Preset("quick-look", 60, 28, SMALL_SET_AUGMENT),
)}


def preset_for(n_images: int) -> str:
    """The preset a set of ``n_images`` pictures starts with."""
    return "few-hundred" if n_images < SMALL_SET else "few-thousand"


def model_for(labelled: bool) -> str:
    return "cgan" if labelled else "dcgan"


def run_config(folder: str, n_classes: int, labelled: bool, *, seconds: float | None = None,
               steps: int | None = None, image_size: int = DEFAULT_SIZE, augment: str = "", seed: int = 0,
               **changes) -> TrainConfig:
    """The config of a run on ``folder``: the recipe, the time budget (or steps), the size and DiffAugment."""
    model = model_for(labelled)
    if model == "cgan":
        n_samples, _ = sample_layout(n_classes)
    else:
        n_samples = 36
    return recipe_config(model, PREFIX + str(folder), image_size=image_size, augment=augment, seed=seed,
                         seconds=float(seconds) if seconds else None, steps=steps or 10_000_000,
                         n_samples=n_samples, **changes)

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
    seconds: int  # the time budget
    augment: str  # the DiffAugment policy


# "a few hundred pictures" is the setting bench/own_images.py measures (300 pictures of three classes);
# DiffAugment as gan.folders.defaults gives it: on below SMALL_SET pictures
PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("few-hundred", 120, SMALL_SET_AUGMENT),
    Preset("few-thousand", 300, ""),
    Preset("quick-look", 60, SMALL_SET_AUGMENT),
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


def class_samples(loaded, class_names: list[str], per_class: int = 8, seed: int = 0):
    """(class name, a uint8 strip of ``per_class`` new samples) per class of a generator trained on your
    pictures, the same noise in every row (only the class changes); one row of ``2 * per_class`` samples
    named "" for an unconditional one."""
    from .images import make_grid
    from .sampling import generate
    if not loaded.conditional:
        return [("", make_grid(generate(loaded, 2 * per_class, seed=seed), nrow=2 * per_class))]
    names = list(class_names) or [str(i) for i in range(loaded.n_classes)]
    return [(name, make_grid(generate(loaded, per_class, seed=seed, label=c), nrow=per_class))
            for c, name in enumerate(names[:loaded.n_classes])]

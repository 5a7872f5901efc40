"""Registry of model families: name -> generator / discriminator classes.

Classes are imported on first use, so a family's file is only loaded when it is needed.
``style_nets.py`` (the offline style method's fixed feature network and patch discriminator) is not
registered: those are not generators and are never saved or loaded.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass

from torch import nn

# The model card that the mixin's save_pretrained / push_to_hub write (every model class passes it
# as ``model_card_template``): the card given as ``model_card_kwargs={"card": ...}`` (gan.hub.push gives
# the checkpoint's own), else a short default under the mixin's metadata (library, tags).
HUB_CARD_TEMPLATE = """{% if card %}{{ card }}{% else %}---
{{ card_data }}
---

A generator from GAN Studio, saved with huggingface_hub's PyTorchModelHubMixin. Load it with
`gan.hub.load_generator("<folder or repo id>")`, or sample from it with
`python -m gan sample <folder or repo id> --n 64 --out grid.png`.
{% endif %}"""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    generator: str  # "module:Class"
    discriminator: str | None
    kind: str  # "image" (z -> image), "toy" (z -> 2D point) or "image2image" (photo -> photo)
    conditional: bool
    description: str


MODELS: dict[str, ModelSpec] = {s.name: s for s in [
    ModelSpec("dcgan", "gan.models.dcgan:DCGANGenerator", "gan.models.dcgan:DCGANDiscriminator", "image", False,
              "DCGAN, unconditional, 28/32/64 px"),
    ModelSpec("cgan", "gan.models.cgan:CondGenerator", "gan.models.cgan:CondDiscriminator", "image", True,
              "Class-conditional DCGAN with a projection discriminator"),
    ModelSpec("toy", "gan.models.toy:ToyGenerator", "gan.models.toy:ToyDiscriminator", "toy", False,
              "MLP GAN for 2D points"),
    ModelSpec("huggan-dcgan", "gan.models.dcgan:HugGANDCGANGenerator", None, "image", False,
              "The layout of huggan/dcgan-mnist (64 px RGB)"),
    ModelSpec("cyclegan", "gan.models.cyclegan:ResnetGenerator", None, "image2image", False,
              "CycleGAN resnet_9blocks generator"),
    ModelSpec("animegan", "gan.models.animegan:AnimeGANv2Generator", None, "image2image", False,
              "AnimeGANv2 generator (PyTorch port layout)"),
    ModelSpec("classifier", "gan.models.classifier:MNISTClassifier", None, "classifier", False,
              "Small MNIST CNN classifier used by the quality metrics"),
]}


def spec(name: str) -> ModelSpec:
    if name not in MODELS:
        raise ValueError(f"unknown model {name!r}; valid names: {', '.join(MODELS)}")
    return MODELS[name]


def _load(path: str) -> type[nn.Module]:
    module, cls = path.split(":")
    return getattr(importlib.import_module(module), cls)


def generator_class(name: str) -> type[nn.Module]:
    return _load(spec(name).generator)


def discriminator_class(name: str) -> type[nn.Module]:
    s = spec(name)
    if s.discriminator is None:
        raise ValueError(f"model {name!r} has no discriminator in this project")
    return _load(s.discriminator)


def build(name: str, **kwargs) -> nn.Module:
    """Build a generator by family name with its keyword arguments."""
    return generator_class(name)(**kwargs)


def model_config(model: nn.Module) -> dict:
    """The constructor kwargs a model was built with: the config.json that the mixin's public
    ``save_pretrained`` writes (saved to a temporary folder, weights included: for tests and tools)."""
    import json
    import tempfile
    from pathlib import Path
    with tempfile.TemporaryDirectory() as tmp:
        model.save_pretrained(tmp)
        return json.loads((Path(tmp) / "config.json").read_text())


def family_of(model: nn.Module) -> str:
    cls = f"{type(model).__module__}:{type(model).__name__}"
    for s in MODELS.values():
        if cls == s.generator or cls == s.discriminator:
            return s.name
    raise ValueError(f"{type(model).__name__} is not a registered model")

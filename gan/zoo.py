"""The model zoo: every generator the app knows, bundled and on the Hub, with what it is and needs.

Bundled entries are read from ``checkpoints/<name>/`` (config.json, the weight file's size, the
license in the model card's front matter); Hub entries come from ``gan.hub.KNOWN_HUB``. Nothing is
downloaded here. ``source`` is the string ``gan.hub.load_generator`` takes.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import hub
from .models import MODELS

ARCHITECTURE = {
    "dcgan": "DCGAN (transposed convolutions + batch norm)",
    "cgan": "Conditional DCGAN (label embedding; projection discriminator)",
    "huggan-dcgan": "DCGAN, 4×4 → 64×64, 5 transposed convolutions (HugGAN layout)",
    "toy": "MLP for 2D points",
    "cyclegan": "CycleGAN ResNet-9 generator",
    "animegan": "AnimeGANv2 generator",
}
ARCHITECTURE_ZH = {  # the same, for the Chinese UI
    "dcgan": "DCGAN（转置卷积 + 批归一化）",
    "cgan": "条件 DCGAN（标签嵌入；投影判别器）",
    "huggan-dcgan": "DCGAN，4×4 → 64×64，5 个转置卷积（HugGAN 的结构）",
    "toy": "二维点的 MLP",
    "cyclegan": "CycleGAN ResNet-9 生成器",
    "animegan": "AnimeGANv2 生成器",
}
DATASET_NAMES = {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}
DATA_ZH = {"MNIST (as 64 px RGB)": "MNIST（64×64 像素的 RGB 图像）", "unknown": "未知"}  # data texts in Chinese
LICENSE_NAMES = {"mit": "MIT", "apache-2.0": "Apache-2.0", "bsd-3-clause": "BSD-3-Clause"}  # Hub tags -> SPDX names


@dataclass(frozen=True)
class ZooEntry:
    name: str
    source: str  # what gan.hub.load_generator takes
    origin: str  # "bundled" or "hub"
    family: str
    architecture: str
    data: str
    size_mb: float | None
    params: int | None
    license: str
    conditional: bool
    needs_network: bool
    available: bool  # usable right now (bundled: always; hub: when not offline)


def _license(card: str) -> str:
    """The ``license:`` value from a model card's YAML front matter, or "unknown"."""
    m = re.match(r"^---\s*\n(.*?)\n---", card, re.S)
    if m:
        for line in m.group(1).splitlines():
            if line.strip().startswith("license:"):
                return line.split(":", 1)[1].strip() or "unknown"
    return "unknown"


def _params_from_safetensors(path: Path) -> int | None:
    """Parameter count from a safetensors header (no tensors are read)."""
    try:
        with path.open("rb") as f:
            n = int.from_bytes(f.read(8), "little")
            if not 0 < n < 10_000_000:
                return None
            header = json.loads(f.read(n))
    except (OSError, ValueError):
        return None
    total = 0
    for key, info in header.items():
        if key == "__metadata__" or not isinstance(info, dict):
            continue
        if "running_" in key or "num_batches_tracked" in key:
            continue
        count = 1
        for d in info.get("shape", []):
            count *= int(d)
        total += count
    return total


def bundled_entry(folder: Path) -> ZooEntry | None:
    """A zoo row for one bundled checkpoint folder (None when its config cannot be read)."""
    try:
        config = json.loads((folder / "config.json").read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict):
        return None
    family = str(config.get("model_type", "?"))
    train = config.get("gan_studio", {}).get("train_config", {}) if isinstance(config.get("gan_studio"), dict) else {}
    dataset = DATASET_NAMES.get(train.get("dataset", ""), train.get("dataset") or "unknown")
    weights = folder / "model.safetensors"
    card = (folder / "README.md").read_text(errors="replace") if (folder / "README.md").is_file() else ""
    size = weights.stat().st_size / 2**20 if weights.is_file() else None
    return ZooEntry(name=folder.name, source=folder.name, origin="bundled", family=family,
                    architecture=ARCHITECTURE.get(family, family), data=dataset,
                    size_mb=round(size, 2) if size is not None else None,
                    params=_params_from_safetensors(weights), license=_license(card),
                    conditional=family in MODELS and MODELS[family].conditional,
                    needs_network=False, available=True)


def catalog(bundled_dir: str | Path | None = None) -> list[ZooEntry]:
    """Bundled generators (sorted by name), then the known Hub generators."""
    d = Path(bundled_dir) if bundled_dir is not None else hub.BUNDLED_DIR
    entries: list[ZooEntry] = []
    if d.is_dir():
        for folder in sorted(p for p in d.iterdir() if p.is_dir()):
            if (folder / "config.json").is_file() and (folder / "model.safetensors").is_file():
                family = _family(folder)
                if family in MODELS and MODELS[family].kind == "image":
                    e = bundled_entry(folder)
                    if e is not None:
                        entries.append(e)
    offline = hub.hub_offline()
    for repo_id, info in hub.KNOWN_HUB.items():
        family = info["family"]
        if MODELS.get(family) is None or MODELS[family].kind != "image":
            continue
        entries.append(ZooEntry(name=repo_id, source=repo_id, origin="hub", family=family,
                                architecture=ARCHITECTURE.get(family, family), data=info.get("data", "unknown"),
                                size_mb=info.get("size_mb"), params=info.get("params"),
                                license=info.get("license", "unknown"), conditional=MODELS[family].conditional,
                                needs_network=True, available=not offline))
    return entries


def _family(folder: Path) -> str:
    try:
        return str(json.loads((folder / "config.json").read_text()).get("model_type", ""))
    except (OSError, ValueError, AttributeError):
        return ""

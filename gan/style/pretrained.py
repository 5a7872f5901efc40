"""Pretrained photo -> image generators for style transfer: CycleGAN ``resnet_9blocks`` and AnimeGANv2.

:data:`HUB_STYLES` says where published weights live on the Hub; :func:`load_style_model` loads one
of them, a local weights file or any ``[spaces/]owner/name/path/file.pth``, weights-only and strictly
(the layout is found from the state dict's keys, :func:`detect_family`); :func:`apply_style_model`
runs it on a photo.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from PIL import Image
from torch import nn

from ..device import pick_device
from ..images import pil_to_tensor, resize_to, tensor_to_pil


@dataclass(frozen=True)
class HubStyle:
    """Where a published photo -> image generator lives, and what it does. Configuration, not code:
    repo ids and file names may move, and a missing file gives a plain message."""
    name: str
    family: str  # "cyclegan" or "animegan"
    repo_id: str
    repo_type: str  # "model" or "space"
    filename: str
    direction: str
    license: str
    source: str
    size: int = 256  # the size it was trained at (longest side used by default)
    # whether the repo id and file name were checked against a public source other than this project
    # (a README or code that names them); the Hub itself cannot be reached from the build machines
    verified: bool = False


_CYCLEGAN_SPACE = "davidpiscasio/unpaired-img2img"
_CYCLEGAN_LICENSE = "BSD (CycleGAN code, Zhu et al. 2017); painting styles trained on public-domain paintings"


def _cyclegan(name: str, direction: str) -> HubStyle:
    return HubStyle(name, "cyclegan", _CYCLEGAN_SPACE, "space", f"checkpoints/{name}_pretrained/latest_net_G.pth",
                    direction, _CYCLEGAN_LICENSE,
                    f"https://huggingface.co/spaces/{_CYCLEGAN_SPACE} (copy of the official CycleGAN {name} weights)")


HUB_STYLES: dict[str, HubStyle] = {h.name: h for h in [
    _cyclegan("style_monet", "photo -> Monet painting"),
    _cyclegan("style_vangogh", "photo -> Van Gogh painting"),
    _cyclegan("horse2zebra", "horse -> zebra"),
    _cyclegan("zebra2horse", "zebra -> horse"),
    _cyclegan("apple2orange", "apple -> orange"),
    _cyclegan("orange2apple", "orange -> apple"),
    HubStyle("animegan_face_paint_v2", "animegan", "akhaliq/AnimeGANv2-pytorch", "model", "face_paint_512_v2_0.pt",
             "photo (faces work best) -> anime portrait", "MIT (AnimeGANv2 PyTorch port)",
             "https://huggingface.co/akhaliq/AnimeGANv2-pytorch", 512,
             verified=True),  # a public README names face_paint_512_v2_0.pt at huggingface.co/akhaliq/AnimeGANv2-pytorch
]}

WEIGHT_SUFFIXES = (".pth", ".pt", ".bin", ".safetensors")


@dataclass
class StyleModel:
    model: nn.Module
    family: str
    name: str
    direction: str
    license: str
    source: str


def detect_family(state: dict[str, torch.Tensor]) -> str:
    """Which generator layout a state dict belongs to, from its keys."""
    if "block_a.0.1.weight" in state and "out_layer.0.weight" in state:
        return "animegan"
    if "model.1.weight" in state and any(".conv_block." in k for k in state):
        return "cyclegan"
    from ..hub import CheckpointError
    raise CheckpointError("these weights are neither a CycleGAN resnet generator nor an AnimeGANv2 generator "
                          f"(first keys: {', '.join(list(state)[:3])})")


def build_for_state(family: str, state: dict[str, torch.Tensor]) -> nn.Module:
    """An un-initialised generator of ``family`` shaped like ``state`` (CycleGAN width/depth inferred)."""
    if family == "animegan":
        from ..models.animegan import AnimeGANv2Generator
        return AnimeGANv2Generator()
    from ..models.cyclegan import ResnetGenerator
    first = state["model.1.weight"]  # (ngf, in_channels, 7, 7)
    blocks = {k.split(".")[1] for k in state if ".conv_block." in k}
    last = next((v for k, v in state.items() if k.startswith("model.") and v.dim() == 4 and v.shape[-1] == 7
                 and k != "model.1.weight"), None)
    out_ch = int(last.shape[0]) if last is not None else 3
    return ResnetGenerator(in_channels=int(first.shape[1]), out_channels=out_ch, ngf=int(first.shape[0]),
                           n_blocks=len(blocks))


def load_style_weights(path: str | Path, what: str, family: str | None = None) -> tuple[nn.Module, str]:
    """Weights-only read, legacy InstanceNorm buffers dropped, strict load. Returns (model, family)."""
    from ..hub import load_state_dict_file, strict_load
    from ..models.cyclegan import drop_instancenorm_buffers
    state = load_state_dict_file(path)
    state = {k.removeprefix("module."): v for k, v in state.items()}
    found = detect_family(state)
    if family and found != family:
        from ..hub import CheckpointError
        raise CheckpointError(f"{what} hold a {found} generator, not the expected {family} one")
    family = found
    model = build_for_state(family, state)
    state = drop_instancenorm_buffers(state, model)
    return strict_load(model, state, what).eval(), family


def parse_hub_path(text: str) -> tuple[str, str, str] | None:
    """``spaces/owner/name/path/file.pth`` or ``owner/name/path/file.pth`` -> (repo_id, filename, repo_type)."""
    parts = text.strip().strip("/").split("/")
    repo_type = "model"
    if parts and parts[0] in ("spaces", "models"):
        repo_type = "space" if parts[0] == "spaces" else "model"
        parts = parts[1:]
    if len(parts) < 3 or not parts[-1].endswith(WEIGHT_SUFFIXES) or any(p in ("", ".", "..") for p in parts):
        return None
    return "/".join(parts[:2]), "/".join(parts[2:]), repo_type


def load_style_model(source: str) -> StyleModel:
    """A pretrained generator from a preset name (:data:`HUB_STYLES`), a local weights file, or
    ``[spaces/]owner/name/path/to/file.pth`` on the Hub. Raises ``HubError`` (offline, not found) or
    ``CheckpointError`` (unreadable, unsafe, wrong layout) with a plain message."""
    from ..hub import CheckpointError, hub_download
    text = str(source).strip()
    if text in HUB_STYLES:
        h = HUB_STYLES[text]
        path = hub_download(h.repo_id, h.filename, h.repo_type)
        model, family = load_style_weights(path, f"{h.name} weights", h.family)
        return StyleModel(model, family, h.name, h.direction, h.license, h.source)
    path = Path(text).expanduser()
    if path.is_file():
        model, family = load_style_weights(path, f"{path.name}")
        return StyleModel(model, family, path.stem, "photo -> the style it was trained on (local file)",
                          "as given by whoever trained it", str(path))
    hub = parse_hub_path(text)
    if hub:
        repo_id, filename, repo_type = hub
        p = hub_download(repo_id, filename, repo_type)
        model, family = load_style_weights(p, filename)
        kind = "spaces/" if repo_type == "space" else ""
        return StyleModel(model, family, Path(filename).stem, "photo -> the style it was trained on",
                          "see the repository's model card", f"https://huggingface.co/{kind}{repo_id}")
    raise CheckpointError(f"{text!r} is not a known style model ({', '.join(HUB_STYLES)}), a local "
                          f"{'/'.join(WEIGHT_SUFFIXES)} file, or a Hub path like spaces/owner/name/path/file.pth")


def apply_style_model(model: nn.Module, img: Image.Image, size: int = 256, device: str = "auto") -> Image.Image:
    """Run a photo -> image generator on ``img`` resized so its longest side is ``size``."""
    dev = pick_device(device)
    x = pil_to_tensor(resize_to(img.convert("RGB"), size)).to(dev)  # (1, 3, H, W) in [-1, 1]
    model = model.to(dev).eval()
    with torch.inference_mode():
        y = model(x)
    return tensor_to_pil(y)

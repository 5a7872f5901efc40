"""The bundled checkpoints: strict loading, small and safe files, model cards, and a quick quality check."""
import json

import pytest
import torch

from gan import hub
from gan.hub import CheckpointError, load_state_dict_file, strict_load
from gan.metrics import classifier
from gan.metrics.evaluate import evaluate

GENERATORS = ["cgan-mnist", "dcgan-mnist"]
ALL = GENERATORS + [classifier.CLASSIFIER_NAME]
QUICK_N = 300  # a few hundred samples keep this fast; the cards report n = 2,000
# At n = 300 the real-vs-real floor is larger (the Frechet distance is biased upwards at small n), so
# ratios to the floor are smaller than at n = 2,000; these bounds are set for n = 300.


def test_bundled_names_and_total_size():
    assert set(GENERATORS) <= set(hub.bundled_names())
    assert classifier.CLASSIFIER_NAME not in hub.bundled_names()  # not offered as a generator
    files = [f for f in hub.BUNDLED_DIR.rglob("*") if f.is_file()]
    total = sum(f.stat().st_size for name in ALL for f in (hub.BUNDLED_DIR / name).iterdir())
    assert total < 25 * 2**20
    assert not [f for f in files if f.suffix in (".pt", ".pth", ".bin", ".pkl", ".ckpt")]


@pytest.mark.parametrize("name", ALL)
def test_folder_layout_and_card(name):
    folder = hub.BUNDLED_DIR / name
    assert {"config.json", "model.safetensors", "README.md"} <= {f.name for f in folder.iterdir()}
    card = (folder / "README.md").read_text()
    for section in ("## Data", "## Reproduce", "## Metrics", "## Limitations", "## License"):
        assert section in card, f"{name} card lacks {section}"
    assert "wall time" in card.lower()


@pytest.mark.parametrize("name", ALL)
def test_loads_strictly(name):
    loaded = hub.load_folder(hub.BUNDLED_DIR / name)
    state = load_state_dict_file(hub.BUNDLED_DIR / name / "model.safetensors")
    assert set(state) == set(loaded.model.state_dict())
    broken = dict(state)
    broken.pop(next(iter(broken)))
    with pytest.raises(CheckpointError, match="missing"):
        strict_load(type(loaded.model)(**{k: v for k, v in loaded.config.items()
                                          if k not in ("model_type", "gan_studio", "discriminator")}), broken)


@pytest.mark.parametrize("name", ALL)
def test_bundled_layout_loads_and_matches_a_resave(name, tmp_path):
    """The bundled folders were written before saving went through the mixin's save_pretrained and are
    not rewritten: config.json with model_type first and the kwargs in signature order. They load as
    they are, and a re-save through save_pretrained writes the same config and the same weights."""
    folder = hub.BUNDLED_DIR / name
    cfg = json.loads((folder / "config.json").read_text())
    assert next(iter(cfg)) == "model_type"
    loaded = hub.load_folder(folder)
    again = hub.save_generator(loaded.model, tmp_path / name, extra=cfg.get("gan_studio"),
                               discriminator=loaded.discriminator)
    assert json.loads((again / "config.json").read_text()) == cfg
    old, new = (load_state_dict_file(f / "model.safetensors") for f in (folder, again))
    assert old.keys() == new.keys() and all(torch.equal(old[k], new[k]) for k in old)
    reloaded = hub.load_folder(again)
    x = torch.randn(4, loaded.latent_dim) if loaded.family != "classifier" else torch.rand(4, 1, 28, 28) * 2 - 1
    args = (x, torch.arange(4)) if loaded.conditional else (x,)
    with torch.no_grad():
        assert torch.equal(reloaded.model(*args), loaded.model(*args))


@pytest.mark.parametrize("name", GENERATORS)
def test_trained_on_the_training_split_only(name):
    cfg = json.loads((hub.BUNDLED_DIR / name / "config.json").read_text())
    info = cfg["gan_studio"]
    assert info["train_config"]["dataset"] == "mnist"
    assert info["train_data_images"] == classifier.TRAIN_SPLIT
    assert not list((hub.BUNDLED_DIR / name).glob("training_state*"))


def test_cgan_quick_quality():
    res = evaluate(hub.load_generator("cgan-mnist"), n=QUICK_N, seed=1)
    assert res["class_accuracy"] >= 0.97
    assert res["class_entropy"] >= 0.97
    assert res["frechet_ratio"] <= 1.5


def test_dcgan_quick_quality():
    res = evaluate(hub.load_generator("dcgan-mnist"), n=QUICK_N, seed=1)
    assert res["class_entropy"] >= 0.95
    assert res["frechet_ratio"] <= 2.5


def test_cards_hold_the_measured_metrics():
    for name in GENERATORS:
        cfg = json.loads((hub.BUNDLED_DIR / name / "config.json").read_text())
        m = cfg["gan_studio"]["metrics"]
        assert m["n"] == 2000
        card = (hub.BUNDLED_DIR / name / "README.md").read_text()
        assert f"{m['frechet']:.3f}" in card and f"{m['frechet_floor']:.3f}" in card
    cgan = json.loads((hub.BUNDLED_DIR / "cgan-mnist" / "config.json").read_text())["gan_studio"]["metrics"]
    assert cgan["class_accuracy"] >= 0.97 and cgan["frechet_ratio"] <= 2.0
    dcgan = json.loads((hub.BUNDLED_DIR / "dcgan-mnist" / "config.json").read_text())["gan_studio"]["metrics"]
    assert dcgan["class_entropy"] >= 0.98 and dcgan["frechet_ratio"] <= 2.0  # the targets, n = 2,000
    assert "Targets not met" not in (hub.BUNDLED_DIR / "dcgan-mnist" / "README.md").read_text()


def test_dcgan_codes_became_digits_without_labels():
    """dcgan-mnist is an InfoGAN: never shown a label, most of its 10 codes came to stand for one digit."""
    from gan.sampling import code_grid, n_codes
    loaded = hub.load_generator("dcgan-mnist")
    assert n_codes(loaded) == 10
    assert loaded.config["gan_studio"]["train_config"]["model"] == "dcgan"  # an unconditional family: no labels
    pred = classifier.classify_images(code_grid(loaded, list(range(10)), 60, seed=1)).argmax(1).view(60, 10)
    majority = [torch.bincount(pred[:, c], minlength=10).max().item() / 60 for c in range(10)]
    digits = {int(torch.bincount(pred[:, c], minlength=10).argmax()) for c in range(10)}
    assert sum(majority) / 10 >= 0.7 and len(digits) >= 8, (majority, digits)


def test_bundled_sampling_is_fast_and_deterministic():
    import time

    from gan.sampling import generate
    loaded = hub.load_generator("cgan-mnist")
    t = time.perf_counter()
    a = generate(loaded, 64, seed=3)
    assert time.perf_counter() - t < 1.0
    assert torch.equal(a, generate(loaded, 64, seed=3))
    assert a.shape == (64, 1, 28, 28) and a.min() >= -1 and a.max() <= 1

"""The Generate page through AppTest: bundled, session and Hub generators; grids; conditional order;
latent walks; asking the discriminator; bad checkpoints."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from pagetest import run_page

from gan import hub
from gan.models import build, discriminator_class

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "4_generate.py")


def label_brightness_cgan():
    """A cgan whose every pixel grows with the label (and ignores z), so a grid's column order is visible."""
    torch.manual_seed(0)
    g = build("cgan", latent_dim=4, n_classes=10, width=4, embed_dim=4).eval()
    with torch.no_grad():
        for name, p in g.named_parameters():
            p.zero_()
        g.embed.weight.copy_(torch.arange(10).float()[:, None].expand(10, 4) / 10)
        g.project[0].weight[:, 4:] = 0.25
        g.project[1].weight.fill_(1.0)
        g.net[0].weight.fill_(0.05)
        g.net[1].weight.fill_(1.0)
        g.net[3].weight.fill_(0.05)
        g.net[3].bias.fill_(-0.3)
    return g


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    d = tmp_path / "checkpoints"
    torch.manual_seed(0)
    hub.save_generator(label_brightness_cgan(), d / "cgan-tiny")
    hub.save_generator(build("dcgan", latent_dim=8, width=8).eval(), d / "dcgan-tiny")
    monkeypatch.setattr(hub, "BUNDLED_DIR", d)
    return d


def page(**state) -> AppTest:
    return run_page(PAGE, **state)


def png(media, url) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(media[url])))


def test_bundled_generator_makes_a_grid(bundled, media):
    at = page()
    assert at.radio(key="gen_source_kind").value == "bundled"
    assert at.selectbox(key="gen_bundled").options[0].startswith("cgan-tiny")
    at.selectbox(key="gen_bundled").set_value("dcgan-tiny").run()
    assert not at.exception and not at.error
    at.slider(key="gen_n").set_value(16).run()
    first = at.image[0]
    assert "16 samples, seed 0" in first.captions[0]
    grid = png(media, first.value[0])
    assert grid.shape == (4 * 28 + 5 * 2, 4 * 28 + 5 * 2)  # 4 x 4 grid with 2 px padding
    assert grid.std() > 0
    assert at.download_button(key="gen_grid_png")
    at.number_input(key="gen_seed").set_value(5).run()
    assert not np.array_equal(png(media, at.image[0].value[0]), grid)  # the seed changes the samples


def test_conditional_grid_has_the_requested_digits_in_order(bundled, media):
    at = page()
    at.multiselect(key="gen_digits").set_value([3, 1, 4]).run()
    at.slider(key="gen_rows").set_value(2).run()
    assert not at.exception
    assert at.session_state["gen_class_labels"] == [3, 1, 4, 3, 1, 4]
    img = next(i for i in at.image if i.captions[0].startswith("Columns: 3, 1, 4"))
    grid = png(media, img.value[0]).astype(float)
    assert grid.shape == (2 * 30 + 2, 3 * 30 + 2)
    cells = [[grid[2 + r * 30: 30 + r * 30, 2 + c * 30: 30 + c * 30].mean() for c in range(3)] for r in range(2)]
    for row in cells:  # brightness grows with the label: 3 -> middle, 1 -> darkest, 4 -> brightest
        assert row[1] < row[0] < row[2]
    # z is fixed along a row: this generator ignores z, so both rows are the same
    assert np.allclose(cells[0], cells[1], atol=0.5)


def test_unconditional_generator_explains_the_digits_tab(bundled):
    at = page(gen_bundled="dcgan-tiny")
    assert any("unconditional" in i.value for i in at.info)


def test_infogan_generator_shows_its_codes_in_columns(bundled, media):
    torch.manual_seed(0)
    info = build("dcgan", latent_dim=12, width=8, n_codes=4).eval()
    with torch.no_grad():  # make the code decide the brightness: the one-hot enters project[0] last
        info.project[0].weight[:, 8:] = torch.arange(4).float() * 0.5
        info.project[0].weight[:, :8] = 0.0
    hub.save_generator(info, bundled / "infogan-tiny")
    at = page(gen_bundled="infogan-tiny")
    at.slider(key="gen_code_rows").set_value(2).run()
    assert not at.exception and not any("unconditional" in i.value for i in at.info)  # it has codes to show
    assert any("never saw a label" in m.value for m in at.markdown)
    img = next(i for i in at.image if i.captions[0].startswith("Columns: codes 0–3"))
    grid = png(media, img.value[0]).astype(float)
    assert grid.shape == (2 * 30 + 2, 4 * 30 + 2)
    cells = np.array([[grid[2 + r * 30: 30 + r * 30, 2 + c * 30: 30 + c * 30].mean() for c in range(4)]
                      for r in range(2)])
    assert (np.diff(cells, axis=1) != 0).any(1).all()  # the columns differ: the code changes the image


def test_code_grid_sets_the_argmax_and_keeps_the_noise():
    from gan import sampling
    from gan.hub import LoadedGenerator
    g = build("dcgan", latent_dim=12, width=8, n_codes=4).eval()
    seen = []
    g.register_forward_pre_hook(lambda m, a: seen.append(a[0].clone()))
    loaded = LoadedGenerator(model=g, family="dcgan", config={}, source="x", origin="local")
    out = sampling.code_grid(loaded, [2, 0, 3], rows=2, seed=5)
    z = seen[-1]
    assert out.shape == (6, 1, 28, 28)
    assert g.code(z).tolist() == [2, 0, 3, 2, 0, 3]
    assert torch.equal(z[0, :8], z[2, :8]) and not torch.equal(z[0, :8], z[3, :8])  # same noise along a row
    with pytest.raises(ValueError, match="between 0 and 3"):
        sampling.code_grid(loaded, [4], rows=1)
    with pytest.raises(ValueError, match="no InfoGAN codes"):
        sampling.code_grid(LoadedGenerator(model=build("dcgan", latent_dim=8, width=8), family="dcgan", config={},
                                           source="x", origin="local"), [0], rows=1)


def test_latent_walk_animates(bundled, media):
    at = page(gen_bundled="dcgan-tiny")
    at.slider(key="gen_walk_frames").set_value(6).run()
    gif = next(i for i in at.image if "Seed 1 → seed 2" in i.captions[0])
    im = Image.open(io.BytesIO(media[gif.value[0]]))
    assert im.format == "GIF" and im.n_frames == 6
    at.slider(key="gen_z0_1").set_value(2.5).run()
    assert not at.exception


def session_checkpoint(tmp_path) -> Path:
    torch.manual_seed(0)
    g = build("cgan", latent_dim=8, width=8)
    d = discriminator_class("cgan")(width=8)
    return hub.save_generator(g.eval(), tmp_path / "run", discriminator=d.eval())


def own_run(folder: Path, step: int = 1, running: bool = False) -> dict:
    """Session state of a visitor who owns a training job whose worker wrote ``folder``."""
    import secrets
    from gan.jobs import REGISTRY, Job, JobSpec
    owner = secrets.token_urlsafe(18)
    job = Job(JobSpec("train", {"steps": 10}, tag="train"), owner, "thread")
    job.checkpoint, job.ended = (str(folder), step), not running
    REGISTRY._jobs[job.id] = job
    return {"jobs_owner": owner}


def test_session_run_and_ask_the_discriminator(tmp_path, media):
    folder = session_checkpoint(tmp_path)
    at = page(gen_source_kind="session", gen_ask_what="generated", **own_run(folder))
    assert not at.error
    assert any("your run" in c.value for c in at.caption)
    assert 0 <= at.session_state["gen_ask_score"] <= 1  # a generated sample, scored by D
    assert any(m.label.startswith("D(x, y) for y = ") for m in at.metric)
    at.radio(key="gen_ask_what").set_value("real").run()
    assert 0 <= at.session_state["gen_ask_score"] <= 1
    at.radio(key="gen_ask_what").set_value("upload").run()
    digit = np.full((56, 56), 255, np.uint8)
    digit[10:46, 25:31] = 0  # a dark "1" on white paper
    buf = io.BytesIO()
    Image.fromarray(digit).save(buf, format="PNG")
    at.file_uploader(key="gen_ask_upload").upload("one.png", buf.getvalue(), "image/png").run()
    assert not at.exception and not at.error
    seen = next(i for i in at.image if i.captions[0].startswith("What D sees"))
    assert png(media, seen.value[0]).mean() < 127  # inverted to MNIST's light-on-dark
    at.file_uploader(key="gen_ask_upload").upload("bad.png", b"not an image", "image/png").run()
    assert any("could not be used" in e.value for e in at.error)


def test_no_session_run_yet():
    at = page(gen_source_kind="session")
    assert any("No run of yours yet" in i.value for i in at.info)


def test_corrupted_checkpoint_gives_a_clear_message(tmp_path):
    folder = session_checkpoint(tmp_path)
    (folder / "model.safetensors").write_bytes(b"\x00" * 100)
    at = page(gen_source_kind="session", **own_run(folder))
    assert not at.exception
    err = " ".join(e.value for e in at.error)
    assert "This checkpoint cannot be used" in err and "model.safetensors" in err


def test_local_folder_with_a_bad_config(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "config.json").write_text("{not json")
    at = page(gen_source_kind="hub", gen_hub_id=str(folder))
    assert any("config.json is not valid JSON" in e.value for e in at.error)


def test_generator_from_a_fake_hub(fake_hub, tmp_path, media):
    torch.manual_seed(0)
    folder = hub.save_generator(build("dcgan", latent_dim=8, width=8).eval(), tmp_path / "ckpt")
    fake_hub.add("someone/tiny-dcgan", {p.name: p.read_bytes() for p in folder.iterdir()})
    at = page(gen_source_kind="hub", gen_hub_id="someone/tiny-dcgan")
    assert not at.error, [e.value for e in at.error]
    assert any("someone/tiny-dcgan" in c.value and "Hub" in c.value for c in at.caption)
    assert png(media, at.image[0].value[0]).std() > 0


def test_hub_offline_says_so(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = page(gen_source_kind="hub", gen_hub_id="huggan/dcgan-mnist")
    assert any("offline" in e.value for e in at.error)

"""Asking the discriminator: the bundled discriminators (trained against the frozen generators), the verdict on
an image (gan.sampling.verdict, gan.plots.verdict), and the Generate page's tab through AppTest, in English and
Chinese, with the drawing area's value set as the browser sends it. Also: page 4 in Chinese has no English."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from drawn_digits import STROKES, data_url, pad_image
from pagetest import run_page

from gan import hub, sampling
from gan.drawing import light_on_dark, mnist_like
from gan.frozen_d import d_scores
from gan.hub import CheckpointError, load_state_dict_file, strict_load
from gan.metrics.classifier import mnist_split
from tests.test_zh_ui import ALLOWED, english_words

GENERATORS = ["cgan-mnist", "dcgan-mnist"]
PAGE = str(hub.PROJECT_ROOT / "app_pages" / "4_generate.py")
# names, units and file formats on the Generate page (beside tests/test_zh_ui.py's list)
PAGE_NAMES = {"dcgan", "cgan", "dcgan-mnist", "huggan", "InfoGAN", "PNG", "JPEG", "WebP", "zip", "ID", "MB"}
# how much higher real digits score than uniform noise and a blank page, on average (at least): the dcgan's
# D has never seen a blank page and barely calls it less real (0.583 against 0.627, its model card says)
MARGINS = {"cgan-mnist": {"noise": 0.5, "blank": 0.2}, "dcgan-mnist": {"noise": 0.5, "blank": 0.03}}


@pytest.fixture(scope="module")
def bundled():
    return {name: hub.load_bundled(name) for name in GENERATORS}


def d_of(loaded, images: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
    """D's scores as the page reads them: D(x), or D(x, y) with y the given labels."""
    return d_scores(loaded.discriminator, images, labels if loaded.conditional else None)


# ----------------------------------------------------------------------------- the bundled discriminators

@pytest.mark.parametrize("name", GENERATORS)
def test_bundled_discriminator_loads_strictly_and_is_small(name, bundled):
    folder = hub.BUNDLED_DIR / name
    loaded = bundled[name]
    assert loaded.discriminator is not None
    state = load_state_dict_file(folder / hub.DISCRIMINATOR_FILE)
    assert set(state) == set(loaded.discriminator.state_dict())
    broken = dict(state)
    broken.pop(next(iter(broken)))
    with pytest.raises(CheckpointError, match="missing"):
        strict_load(type(loaded.discriminator)(**json.loads((folder / "config.json").read_text())["discriminator"]),
                    broken)
    assert (folder / hub.DISCRIMINATOR_FILE).stat().st_size < 600 * 1024
    info = loaded.config["gan_studio"]["discriminator"]
    assert info["trained"] == "against the frozen generator" and info["real_images"] == 8000
    card = (folder / "README.md").read_text()
    assert "## Discriminator" in card and "frozen" in card


def test_bundled_discriminators_together_are_under_one_and_a_half_megabytes():
    assert sum((hub.BUNDLED_DIR / n / hub.DISCRIMINATOR_FILE).stat().st_size for n in GENERATORS) <= 1.5 * 2**20


@pytest.mark.parametrize("name", GENERATORS)
def test_d_scores_real_digits_above_noise_and_blank_pages(name, bundled):
    """On the 2,000 held-out digits D never trained on, against uniform noise and a blank (black) page."""
    loaded = bundled[name]
    split = mnist_split()
    real = d_of(loaded, split.held_images, split.held_labels).mean()
    g = torch.Generator().manual_seed(123)
    labels = torch.randint(10, (500,), generator=g)
    noise = d_of(loaded, torch.rand(500, 1, 28, 28, generator=g) * 2 - 1, labels).mean()
    blank = d_of(loaded, -torch.ones(500, 1, 28, 28), labels).mean()
    assert real > noise + MARGINS[name]["noise"], (float(real), float(noise))
    assert real > blank + MARGINS[name]["blank"], (float(real), float(blank))


@pytest.mark.parametrize("name", GENERATORS)
def test_recorded_quantiles_place_held_out_digits(name, bundled):
    """The page's "higher than p% of the real digits it never trained on" uses quantiles recorded at training:
    recomputed on the held-out digits, the shares are spread evenly (mean 1/2, a quarter below 1/4)."""
    loaded = bundled[name]
    split = mnist_split()
    scores = d_of(loaded, split.held_images, split.held_labels).numpy()
    shares = np.array([sampling.real_share_below(loaded, float(s)) for s in scores])
    assert abs(shares.mean() - 0.5) < 0.03
    assert abs((shares < 0.25).mean() - 0.25) < 0.05


def test_a_digit_the_classifier_reads_at_once_can_get_a_low_d(bundled):
    """The page's sentence: among the drawn digits that the classifier reads at least 90% sure, some score below
    the median real digit, for each bundled D."""
    for loaded in bundled.values():
        low = []
        for k in STROKES:
            v = sampling.verdict(loaded, mnist_like(light_on_dark(pad_image(k))))
            if v.digit == k and float(v.probs.max()) >= 0.9 and v.real_share_below < 0.5:
                low.append(k)
        assert low, loaded.source


def test_conditional_d_prefers_the_true_label(bundled):
    """D(x, y) per label says something: on held-out digits the true label gets the highest D(x, y) most often."""
    loaded = bundled["cgan-mnist"]
    split = mnist_split()
    x, y = split.held_images[:500], split.held_labels[:500]
    every = torch.stack([d_of(loaded, x, torch.full((len(x),), k)) for k in range(10)], 1)
    assert (every.argmax(1) == y).float().mean() > 0.8  # 89.7% on all 2,000 (the model card)


def test_verdict_figure_has_axis_titles_and_both_bars():
    from gan.plots.verdict import verdict_figure
    fig = verdict_figure(np.eye(10)[3], np.linspace(0, 1, 10), text={"digit": "digit y", "value": "p or D"})
    assert fig.layout.xaxis.title.text == "digit y" and fig.layout.yaxis.title.text == "p or D"
    assert [len(t.y) for t in fig.data] == [10, 10]
    assert len(verdict_figure(np.eye(10)[3]).data) == 1
    with pytest.raises(ValueError):
        verdict_figure(np.eye(10)[3], np.ones(3))


# ----------------------------------------------------------------------------- the page

def drawn(digit: int) -> dict:
    """Session state as after the visitor drew ``digit`` on the pad."""
    return {"gen_ask_pad": {"png": data_url(pad_image(digit))}}


def test_drawing_gets_d_and_the_classifier_in_english(bundled):
    at = run_page(PAGE, timeout=120, **drawn(7))
    info = bundled["cgan-mnist"].config["gan_studio"]["discriminator"]
    note = next(c.value for c in at.caption if "trained afterwards against the frozen generator" in c.value)
    assert f"{info['steps']:,} steps" in note and "real: 8,000 MNIST digits" in note
    assert f"{info['untrained_share']:.0%} of them from untrained generators" in note
    assert "real digits with a wrong label" in note  # the cgan's D (mismatch_weight > 0)
    d = next(m for m in at.metric if m.label.startswith("D(x, y) for y = 7"))
    reads = next(m for m in at.metric if m.label == "The classifier reads")
    assert reads.value == "7" and 0 <= float(d.value) <= 1
    assert abs(float(d.value) - at.session_state["gen_ask_score"]) < 1e-3
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["xaxis"]["title"]["text"] == "digit y"
    assert chart["layout"]["yaxis"]["title"]["text"] == "probability or D"
    assert [len(t["y"]) for t in chart["data"]] == [10, 10]  # the classifier and D(x, y) for each label
    text = " ".join(m.value for m in at.markdown)
    assert "The classifier reads a **7**" in text and "of the real MNIST digits it never trained on" in text
    assert "not whether it is a good digit" in text


def test_unconditional_d_and_blank_and_bad_drawings():
    at = run_page(PAGE, timeout=120, gen_bundled="dcgan-mnist")
    assert any("Draw a digit above" in c.value for c in at.caption)  # nothing drawn: no verdict yet
    assert not at.metric
    at.session_state["gen_ask_pad"] = {"png": data_url(pad_image(4))}
    at.run()
    assert [m.label for m in at.metric] == ["D(x)", "The classifier reads"]
    assert at.metric[1].value == "4"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["yaxis"]["title"]["text"] == "probability" and len(chart["data"]) == 1  # no D per label
    at.session_state["gen_ask_pad"] = {"png": "data:image/png;base64,bm90IGEgcG5n"}
    at.run()
    assert not at.exception and any("The drawing could not be used" in e.value for e in at.error)


def test_an_uploaded_photo_is_made_mnist_like(media):
    import io
    from PIL import Image
    from gan.drawing import centre_of_mass
    paper = np.full((400, 300), 240, np.uint8)
    paper[40:120, 30:60] = 20  # a dark, off-centre "1" on light paper
    buf = io.BytesIO()
    Image.fromarray(paper).save(buf, format="PNG")
    at = run_page(PAGE, timeout=120, gen_ask_what="upload")
    at.file_uploader(key="gen_ask_upload").upload("one.png", buf.getvalue(), "image/png").run()
    assert not at.exception and not at.error
    seen = next(i for i in at.image if i.captions[0].startswith("What D sees (28×28)"))
    a = np.asarray(Image.open(io.BytesIO(media[seen.value[0]])).convert("L").resize((28, 28), Image.Resampling.BOX))
    cy, cx = centre_of_mass(a)
    assert abs(cy - 14) < 1 and abs(cx - 14) < 1 and a.mean() < 127  # centred, light on dark


def test_chinese_verdict(bundled):
    at = run_page(PAGE, timeout=120, app_lang="zh", **drawn(7))
    assert any(m.label.startswith("D(x, y)，y = 7") for m in at.metric)
    assert next(m for m in at.metric if m.label == "分类器读出").value == "7"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert chart["layout"]["xaxis"]["title"]["text"] == "数字 y"
    assert any("针对冻结的生成器重新训练" in c.value for c in at.caption)
    assert any("而不是这个数字写得好不好" in m.value for m in at.markdown)


@pytest.mark.parametrize("state", [
    drawn(3),
    {"gen_bundled": "dcgan-mnist", "gen_ask_what": "real"},
    {"gen_bundled": "dcgan-mnist", "gen_ask_what": "upload"},
    {"gen_source_kind": "session"},
    {"gen_source_kind": "hub"},
    {"gen_source_kind": "upload"},
], ids=["cgan-drawing", "dcgan-real", "dcgan-upload", "session", "hub", "upload"])
def test_generate_page_in_chinese_has_no_english_words(state):
    at = run_page(PAGE, timeout=120, app_lang="zh", **state)
    stray = english_words(at) - ALLOWED - PAGE_NAMES
    assert not stray, sorted(stray)


# ----------------------------------------------------------------------------- the command line

def test_cli_ask(tmp_path, capsys):
    import json as _json
    from PIL import Image
    from gan.cli import main
    png = tmp_path / "three.png"
    Image.fromarray(pad_image(3)).save(png)  # dark ink on white paper, as drawn
    assert main(["ask", "cgan-mnist", str(png)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("D(x, y=3) = ") and "the classifier reads 3" in out
    assert main(["ask", "dcgan-mnist", str(png), "--json"]) == 0
    res = _json.loads(capsys.readouterr().out)
    assert res["digit"] == 3 and 0 <= res["d"] <= 1 and 0 <= res["real_share_below"] <= 1
    (tmp_path / "bad.png").write_text("not an image")
    assert main(["ask", "dcgan-mnist", str(tmp_path / "bad.png")]) == 2
    assert main(["ask", "dcgan-mnist", str(tmp_path / "missing.png")]) == 2
    assert "no such image" in capsys.readouterr().err


# ----------------------------------------------------------------------------- training a D against a frozen G

@pytest.mark.parametrize("family", ["cgan", "dcgan"])
def test_train_against_a_frozen_generator_and_bundle_it(family, tmp_path):
    from gan.frozen_d import FrozenDConfig, save_discriminator, train_against_frozen
    from gan.models import build
    torch.manual_seed(0)
    kwargs = {"latent_dim": 8, "width": 8} | ({"embed_dim": 4} if family == "cgan" else {"n_codes": 3, "code_dim": 2})
    folder = hub.save_generator(build(family, **kwargs).eval(), tmp_path / "g")
    before = (folder / "model.safetensors").read_bytes()
    loaded = hub.load_folder(folder)
    g_state = {k: v.clone() for k, v in loaded.model.state_dict().items()}
    split = mnist_split()
    cfg = FrozenDConfig(steps=3, batch_size=8, width=8, untrained_share=0.25, untrained_pool=2,
                        mismatch_weight=0.5 if family == "cgan" else 0.0)
    D, run = train_against_frozen(loaded, split.train_images[:64], split.train_labels[:64], cfg)
    assert all(torch.equal(v, loaded.model.state_dict()[k]) for k, v in g_state.items())  # G stayed frozen
    save_discriminator(D, folder, {"trained": "against the frozen generator", **run})
    assert (folder / "model.safetensors").read_bytes() == before
    again = hub.load_folder(folder)  # strict, as every checkpoint
    assert again.discriminator is not None and again.config["gan_studio"]["discriminator"]["trained"]
    x = split.held_images[:4]
    y = torch.arange(4) if family == "cgan" else None
    with torch.no_grad():
        assert torch.allclose(d_scores(again.discriminator, x, y), d_scores(D, x, y))

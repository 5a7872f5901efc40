"""Hostile input, table-driven, across the app's upload surfaces and the CLI.

Every case must end in a clear message (no exception box, no "something went wrong"), leave the page
or the CLI usable (a good input right after works), and write nothing (no partial files). The
pickle-with-code, wrong-shape and one-line CLI basics of tests/test_hub.py and tests/test_cli.py are
not repeated; here the same kinds of input arrive through the pages, plus a decoder fuzz.
"""
from __future__ import annotations

import io
import os
import pickle
import random
import struct
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import save
import streamlit.config
from streamlit.testing.v1 import AppTest

from gan import hub
from gan.cli import main as cli
from gan.images import DEFAULT_MAX_SIDE, ImageError, decode_image
from gan.models import build, discriminator_class

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "app_pages"
PLAIN_ERROR = "Something went wrong"
MARKER = Path("/tmp/gan_studio_hostile_pwned")
# Tests see the real exception text (the app's config redacts it for visitors).
streamlit.config.set_option("client.showErrorDetails", "full")


# ------------------------------------------------------------------------------------------ inputs

def _img(mode="RGB", size=(40, 30), fmt="PNG", **save_kw) -> bytes:
    rng = np.random.default_rng(0)
    if mode == "I;16":
        im = Image.fromarray(rng.integers(0, 65535, size[::-1], dtype=np.uint16))
    else:
        im = Image.fromarray(rng.integers(0, 255, (*size[::-1], 3), dtype=np.uint8)).convert(mode)
    buf = io.BytesIO()
    im.save(buf, fmt, **save_kw)
    return buf.getvalue()


def _png_header_bomb(w=100_000, h=100_000) -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def _animated_webp() -> bytes:
    frames = [Image.new("RGB", (24, 24), c) for c in ("red", "blue", "green")]
    buf = io.BytesIO()
    frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=50)
    return buf.getvalue()


def _bad_exif_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 99  # orientation out of range
    return _img(fmt="JPEG", exif=exif.tobytes())


# name, bytes, expected: "ok" or a phrase of the message the visitor must see
IMAGE_CASES = [
    ("empty.png", b"", "empty"),
    ("notes.jpg", b"these are my holiday notes\n" * 40, "not an image"),
    ("page.png", b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>", "not an image"),
    ("vector.png", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', "not an image"),
    ("gif-inside.png", _img(fmt="GIF"), "ok"),  # GIF is a supported format (its first frame), whatever the name
    ("bitmap.png", _img(fmt="BMP"), "not an image"),
    ("tiff.jpg", _img(fmt="TIFF"), "not an image"),
    ("cut.png", _img(size=(200, 150))[:900], "truncated"),
    ("cut.jpg", _img(size=(200, 150), fmt="JPEG")[:700], "truncated"),
    ("bomb.png", _png_header_bomb(), "pixels"),
    ("huge.png", _img() + b"\0" * (21 * 2**20), "at most 20 MB"),  # GAN_UPLOAD_MB's default
    ("png-named.jpg", _img(), "ok"),
    ("one-pixel.png", _img(size=(1, 1)), "ok"),
    ("sixteen-bit.png", _img("I;16"), "ok"),
    ("cmyk.jpg", _img("CMYK", fmt="JPEG"), "ok"),
    ("alpha.png", _img("RGBA"), "ok"),
    ("palette.png", _img("P"), "ok"),
    ("sliver.png", _img(size=(3000, 2)), "ok"),
    ("anim.webp", _animated_webp(), "ok"),
    ("bad-exif.jpg", _bad_exif_jpeg(), "ok"),
]
GOOD_IMAGE = ("good.png", _img(size=(64, 48)))


def _tree(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")} if path.exists() else set()


def _problems(at: AppTest) -> list[str]:
    out = [f"exception: {e.value}" for e in at.exception]
    out += [f"plain error: {e.value}" for e in at.error if PLAIN_ERROR in e.value]
    return out


def _messages(at: AppTest) -> str:
    return " | ".join([e.value for e in at.error] + [w.value for w in at.warning])


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not _problems(at), _problems(at)
    return at


# ------------------------------------------------------------------------------------------ surfaces

def tiny_generator_folder(root: Path) -> Path:
    torch.manual_seed(0)
    g = build("cgan", latent_dim=8, width=8, embed_dim=4).eval()
    return hub.save_generator(g, root / "tiny-cgan", discriminator=discriminator_class("cgan")(width=8).eval())


class Surface:
    """One place of the app where a visitor hands over a file: how to reach it, upload, and judge."""

    def __init__(self, page: str, key: str, state: dict, error_prefix: str, ok_state: str | None):
        self.page, self.key, self.state, self.error_prefix, self.ok_state = page, key, state, error_prefix, ok_state

    def open(self) -> AppTest:
        at = AppTest.from_file(str(PAGES / self.page), default_timeout=90)
        for k, v in self.state.items():
            at.session_state[k] = v
        return _run(at)

    def upload(self, at: AppTest, name: str, data: bytes) -> AppTest:
        at.file_uploader(key=self.key).upload(name, data, "application/octet-stream")
        return _run(at)

    def accepted(self, at: AppTest) -> bool:
        return not any(self.error_prefix in e.value for e in at.error) and (
            self.ok_state is None or self.ok_state in at.session_state)


@pytest.fixture(scope="module")
def generator_folder(tmp_path_factory):
    return tiny_generator_folder(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def surfaces(generator_folder):
    return {
        "style content": Surface("6_style_transfer.py", "style_content_upload", {"style_content_src": "upload"},
                                 "This file cannot be used", None),
        "style image": Surface("6_style_transfer.py", "style_style_upload", {"style_style_src": "upload"},
                               "This file cannot be used", None),
        "ask the discriminator": Surface("4_generate.py", "gen_ask_upload",
                                         {"gen_source_kind": "hub", "gen_hub_id": str(generator_folder),
                                          "gen_ask_what": "upload"},
                                         "That image could not be used", "gen_ask_score"),
    }


@pytest.fixture(scope="module")
def opened(surfaces):
    """One AppTest per surface, reused across the cases (each case uploads over the previous one)."""
    return {name: s.open() for name, s in surfaces.items()}


@pytest.mark.parametrize("surface", ["style content", "style image", "ask the discriminator"])
@pytest.mark.parametrize("name, data, expected", IMAGE_CASES, ids=[c[0] for c in IMAGE_CASES])
def test_image_uploads(surface, name, data, expected, surfaces, opened, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    s, at = surfaces[surface], opened[surface]
    if s.ok_state and s.ok_state in at.session_state:
        del at.session_state[s.ok_state]
    s.upload(at, name, data)
    if expected == "ok":
        assert s.accepted(at), f"{name} was refused on {surface}: {_messages(at)}"
    else:
        errors = [e.value for e in at.error if s.error_prefix in e.value]
        assert errors, f"{name} on {surface}: no message ({_messages(at)})"
        assert expected in errors[0], errors[0]
        assert "Traceback" not in errors[0] and "/" not in errors[0].split(":", 1)[1]  # no server paths
        # still usable: a good photo right after is taken
        s.upload(at, *GOOD_IMAGE)
        assert s.accepted(at), _messages(at)
    assert not any(tmp_path.iterdir())  # nothing written


# ------------------------------------------------------------------------------------------ decoder fuzz

def _mutants(n: int, seed: int = 1234):
    rng = random.Random(seed)
    seeds = [_img(size=(48, 40)), _img(size=(48, 40), fmt="JPEG"), _img(size=(48, 40), fmt="WEBP"),
             _img("RGBA", size=(32, 32)), _img("P", size=(32, 32))]
    for i in range(n):
        b = bytearray(rng.choice(seeds))
        how = i % 5
        if how == 0:  # bit flips
            for _ in range(rng.randint(1, 12)):
                j = rng.randrange(len(b))
                b[j] ^= 1 << rng.randrange(8)
        elif how == 1:  # truncation
            b = b[: rng.randrange(1, len(b))]
        elif how == 2:  # random bytes spliced in
            j = rng.randrange(len(b))
            b[j:j] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))
        elif how == 3:  # header fields (sizes, chunk lengths) overwritten with extremes
            j = rng.randrange(8, min(len(b), 64))
            b[j:j + 4] = rng.choice([b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x7f\xff\xff\xff"])
        else:  # a block duplicated
            j = rng.randrange(len(b))
            k = min(len(b), j + rng.randint(1, 256))
            b[k:k] = b[j:k]
        yield bytes(b)


def test_decoder_fuzz_a_few_hundred_mutants(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outcomes = {"ok": 0, "refused": 0}
    t0 = time.perf_counter()
    for i, data in enumerate(_mutants(400)):
        t = time.perf_counter()
        try:
            img = decode_image(data)
        except ImageError as e:
            assert str(e) and len(str(e)) < 300, (i, str(e))
            outcomes["refused"] += 1
        else:  # anything accepted is a usable RGB image within the size limit
            assert img.mode == "RGB" and 1 <= min(img.size) and max(img.size) <= DEFAULT_MAX_SIDE, (i, img)
            np.asarray(img)
            outcomes["ok"] += 1
        assert time.perf_counter() - t < 5, f"mutant {i} took {time.perf_counter() - t:.1f} s"
    assert outcomes["refused"] > 50 and outcomes["ok"] > 20, outcomes  # the mutants really vary
    assert time.perf_counter() - t0 < 60
    assert not any(tmp_path.iterdir())


def test_mutants_through_the_style_page(surfaces, opened):
    s, at = surfaces["style content"], opened["style content"]
    for i, data in enumerate(list(_mutants(400, seed=99))[:: 50]):
        s.upload(at, f"mutant{i}.png", data)  # _run: no exception box, no unexpected error
    s.upload(at, *GOOD_IMAGE)
    assert s.accepted(at)


# ------------------------------------------------------------------------------------------ points CSV

CSV_CASES = [
    ("empty.csv", b"", "could not be used"),
    ("latin1.csv", "x,y\n1,2\né,3\n".encode("latin-1"), "could not be used"),
    ("words.csv", b"x,y\n1,2\nfoo,bar\n", "could not be used"),
    ("one-column.csv", b"1\n2\n3\n", "could not be used"),
    ("nan.csv", b"1,2\nnan,3\n", "could not be used"),
    ("inf.csv", b"1,2\ninf,3\n", "could not be used"),
    ("huge.csv", b"1,2\n" * 1_400_000, "could not be used"),
    ("over-limit.csv", b"1,2\n" * (21 * 2**18), "may be at most 20 MB"),  # GAN_UPLOAD_MB's default
    ("binary.csv", bytes(range(256)) * 40, "could not be used"),
    ("single.csv", b"x,y\n0.5,0.5\n", "at least 2 points"),
    ("overflow.csv", b"1e300,1e300\n-1e300,2\n3,4\n", "could not be used"),
    ("semicolons.csv", b"x;y\n0;1\n1;0\n-1;0\n", "ok"),
]


@pytest.fixture(scope="module")
def playground():
    at = AppTest.from_file(str(PAGES / "2_playground.py"), default_timeout=90)
    at.session_state["playground_dataset"] = "custom"
    return _run(at)


@pytest.mark.parametrize("name, data, expected", CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_points_csv_uploads(name, data, expected, playground):
    at = playground
    at.file_uploader(key="playground_csv").upload(name, data, "text/csv")
    _run(at)
    if expected == "ok":
        assert not [e for e in at.error if "could not be used" in e.value], _messages(at)
    else:
        assert expected in _messages(at), _messages(at)
    # still usable: a good file right after is taken and the play controls are there
    at.file_uploader(key="playground_csv").upload("good.csv", b"x,y\n0,1\n1,0\n-1,0\n0,-1\n", "text/csv")
    _run(at)
    assert not [e for e in at.error if "could not be used" in e.value], _messages(at)
    assert at.button(key="playground_play") is not None


# ------------------------------------------------------------------------------------------ checkpoints

class Boom:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


def _folder_with(root: Path, name: str, good: Path, weights: dict[str, bytes] | None = None,
                 config: bytes | None = None) -> Path:
    d = root / name
    d.mkdir()
    (d / "config.json").write_bytes(config if config is not None else (good / "config.json").read_bytes())
    for fname, data in (weights or {}).items():
        (d / fname).write_bytes(data)
    return d


def _checkpoint_cases(root: Path, good: Path) -> list[tuple[str, str, str]]:
    state = hub.load_state_dict_file(good / "model.safetensors")
    wrong = dict(state)
    first = next(k for k, v in state.items() if v.ndim >= 2)
    wrong[first] = torch.zeros(*(s + 1 for s in state[first].shape))
    evil = io.BytesIO()
    torch.save({"weight": torch.zeros(2), "evil": Boom()}, evil)
    return [
        ("pickle with code posing as weights", str(_folder_with(root, "evil", good, {"pytorch_model.bin": evil.getvalue()})),
         "cannot be used"),
        ("raw pickle as .bin", str(_folder_with(root, "raw", good, {"pytorch_model.bin": pickle.dumps(Boom())})),
         "cannot be used"),
        ("safetensors with wrong shapes", str(_folder_with(root, "shapes", good, {"model.safetensors": save(
            {k: v.contiguous() for k, v in wrong.items()})})), "wrong shape"),
        ("garbage safetensors", str(_folder_with(root, "garbage", good, {"model.safetensors": b"\x08" * 64})),
         "cannot be used"),
        ("malformed config.json", str(_folder_with(root, "config", good, {"model.safetensors": (
            good / "model.safetensors").read_bytes()}, config=b'{"architecture": ')), "cannot be used"),
        ("folder without weights", str(_folder_with(root, "empty", good)), "cannot be used"),
        ("unknown Hub id (offline)", "nobody-here/no-such-model", "Hub"),
        ("malformed Hub id", "https://example.com/x y", "cannot be used"),
        ("path-like id", "../../etc/passwd", "cannot be used"),
        ("very long id", "a" * 5000, "cannot be used"),
        ("a bundled model that is not a generator", "mnist-classifier", "cannot be used"),
    ]


CHECKPOINT_IDS = ["pickle with code posing as weights", "raw pickle as .bin", "safetensors with wrong shapes",
                  "garbage safetensors", "malformed config.json", "folder without weights",
                  "unknown Hub id (offline)", "malformed Hub id", "path-like id", "very long id",
                  "a bundled model that is not a generator"]
KNOWN_BUGS: dict[str, str] = {}  # cases that named real bugs; all fixed (see git log)


@pytest.fixture(scope="module")
def checkpoint_cases(tmp_path_factory, generator_folder):
    root = tmp_path_factory.mktemp("checkpoints")
    return dict((n, (src, exp)) for n, src, exp in _checkpoint_cases(root, generator_folder)), root


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[c]))
                                  if c in KNOWN_BUGS else c for c in CHECKPOINT_IDS])
def test_checkpoints_and_hub_ids_on_the_generate_page(case, checkpoint_cases, generator_folder, tmp_path,
                                                      monkeypatch):
    cases, root = checkpoint_cases
    source, expected = cases[case]
    monkeypatch.chdir(tmp_path)
    MARKER.unlink(missing_ok=True)
    before = _tree(root)
    at = AppTest.from_file(str(PAGES / "4_generate.py"), default_timeout=90)
    at.session_state["gen_source_kind"] = "hub"
    at.session_state["gen_hub_id"] = source
    at.run()
    assert not _problems(at), _problems(at)
    errors = " | ".join(e.value for e in at.error)
    assert expected in errors, errors
    assert not at.tabs, "a broken source must not offer the generator's tabs"
    assert not MARKER.exists(), "the pickle's code ran"
    assert _tree(root) == before and not any(tmp_path.iterdir())  # nothing written or left behind
    # still usable: a good folder in the same session loads
    at.text_input(key="gen_hub_id").set_value(str(generator_folder))
    _run(at)
    assert not at.error and len(at.tabs) == 4


def test_unknown_hub_id_on_a_reachable_hub_leaves_no_partial_download(fake_hub, generator_folder, tmp_path):
    import huggingface_hub.constants as hf_constants
    fake_hub.add("someone/half-a-model", {"config.json": (generator_folder / "config.json").read_bytes()})
    for source, expected in (("nobody/nothing", "Hub"), ("someone/half-a-model", "")):
        at = AppTest.from_file(str(PAGES / "4_generate.py"), default_timeout=90)
        at.session_state["gen_source_kind"] = "hub"
        at.session_state["gen_hub_id"] = source
        _run(at)
        assert at.error and expected in at.error[0].value, _messages(at)
    cache = Path(hf_constants.HF_HUB_CACHE)
    assert not [p for p in cache.rglob("*") if p.name.endswith(".incomplete")]


# ------------------------------------------------------------------------------------------ training

def test_learning_rate_that_makes_losses_nan_via_cli(tmp_path):
    out = tmp_path / "run"
    code = cli(["train", "--model", "cgan", "--dataset", "mnist", "--steps", "30", "--batch-size", "8", "--width", "4",
                "--latent-dim", "4", "--lr-d", "1e30", "--lr-g", "1e30", "--out", str(out), "--quiet"])
    assert code == 1  # failed run: says so, keeps the last good weights
    state = hub.load_state_dict_file(out / "model.safetensors")
    assert all(torch.isfinite(v).all() for v in state.values())
    assert not [p for p in out.iterdir() if p.name.endswith((".part", ".tmp"))]
    # the CLI is still usable on the saved folder
    assert cli(["sample", str(out), "--n", "10", "--out", str(tmp_path / "s.npy")]) == 0


def test_learning_rate_that_makes_losses_nan_via_trainer_events():
    from gan.train import TrainConfig, Trainer
    tr = Trainer(TrainConfig(model="cgan", dataset="mnist", steps=40, batch_size=8, width=4, latent_dim=4,
                             lr_d=1e30, lr_g=1e30, log_every=1, device="cpu", data_limit=256))
    events = list(tr.run())
    assert events[-1].status == "failed" and "learning rate" in events[-1].message.lower()


# ------------------------------------------------------------------------------------------ CLI widgets

CLI_CASES = [
    (["train", "--model", "cgan", "--dataset", "mnist", "--steps", "99999999999", "--out", "o"], "steps must be"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--width", "100000", "--out", "o"], "width"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--latent-dim", "100000", "--out", "o"], "latent_dim"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--n-critic", "50", "--out", "o"], "n_critic"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--epochs", "1e9", "--out", "o"], "epochs"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--ema", "1.5", "--out", "o"], "ema"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--lr-g", "0", "--out", "o"], "lr_g"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--image-size", "4096", "--out", "o"], "invalid choice"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--seed", "abc", "--out", "o"], "invalid int"),
    (["train", "--model", "cgan", "--dataset", "mnist", "--device", "quantum", "--steps", "1", "--out", "o"],
     "device"),
    (["sample", "nowhere", "--n", "100000", "--out", "x.png"], "at most 4096"),
    (["stylize", "in.png", "--out", "s.png", "--size", "-5", "--steps", "1"], "size must be"),
    (["stylize", "in.png", "--out", "s.png", "--size", "100000", "--steps", "1"], "size must be"),
    (["stylize", "in.png", "--out", "s.png", "--size", "32", "--steps", "0"], "steps must be"),
    (["stylize", "in.png", "--out", "s.png", "--steps", "1000000000"], "steps must be"),
    (["stylize", "in.png", "--out", "s.png", "--style-weight", "nan", "--steps", "1"], "style_weight"),
    (["stylize", "junk.png", "--out", "s.png"], "not an image"),
    (["stylize", "in.png", "--style", "no-such-preset", "--out", "s.png"], "not found"),
]
CLI_BUGS: dict[str, str] = {}  # cases that named real bugs; all fixed (see git log)


def _cli_id(args):
    if "quantum" in args:
        return "device"
    if "100000" in args and "stylize" in args:
        return "size100000"
    if args[-2:] == ["--steps", "0"]:
        return "steps0"
    return "-".join(a.lstrip("-") for a in args[:1] + args[-4:])[:60]


@pytest.mark.parametrize("args, msg", [
    pytest.param(a, m, id=_cli_id(a), marks=pytest.mark.xfail(strict=True, reason=CLI_BUGS[_cli_id(a)]))
    if _cli_id(a) in CLI_BUGS else pytest.param(a, m, id=_cli_id(a)) for a, m in CLI_CASES])
def test_absurd_cli_values(args, msg, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (32, 24), (200, 30, 30)).save("in.png")
    Path("junk.png").write_bytes(b"garbage" * 10)
    before = _tree(tmp_path)
    code = cli(args)
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1 and msg in err and "Traceback" not in err, err
    assert _tree(tmp_path) == before  # no output, no partial files

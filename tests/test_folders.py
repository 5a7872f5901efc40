"""Your own pictures as a training set (gan.folders), dataset zips (gan.dataset_zip), runs on them (gan.train
with dataset="folder:DIR", gan.own_images) and the command line."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from gan import dataset_zip, folders, hosted, uploads
from gan.dataset_zip import ZipError, entry_name, extract_dataset_zip, names_encoding, store_dataset_zip
from gan.folders import DatasetError, load_folder, scan
from gan.own_images import class_samples, run_config
from gan.shapes import CLASSES, shape_images, shapes_zip, write_shapes
from gan.train import Trainer, recipe_config


def png(colour=(200, 30, 30), size=(32, 32), mode="RGB") -> bytes:
    buf = io.BytesIO()
    Image.new(mode, size, colour).save(buf, format="PNG")
    return buf.getvalue()


def pictures(folder: Path, n: int, **kw) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:03d}.png").write_bytes(png(**kw))
    return folder


@pytest.fixture(scope="module")
def shapes_dir(tmp_path_factory) -> Path:
    return write_shapes(tmp_path_factory.mktemp("shapes") / "shapes", n_per_class=20, size=32, seed=0)


# ----------------------------------------------------------------------------- reading a folder

def test_class_folders_become_sorted_labels_in_colour(shapes_dir):
    data = load_folder(shapes_dir, image_size=32)
    assert data.class_names == list(CLASSES) == sorted(CLASSES) and data.labelled and data.n_classes == 3
    assert data.images.shape == (60, 3, 32, 32) and not data.grey
    assert data.counts == [20, 20, 20] and data.labels.tolist() == [0] * 20 + [1] * 20 + [2] * 20
    assert -1 <= data.images.min() < data.images.max() <= 1
    red = data.images[data.labels == 0][:, 0].amax((1, 2))  # every circle has red pixels near full red
    assert (red > 0.5).all() and data.notes == []
    assert load_folder(shapes_dir, image_size=64).images.shape[-1] == 64


def test_chinese_names_are_labels_as_they_are(tmp_path):
    for name in ("猫", "狗", "Ａ类"):
        pictures(tmp_path / name, 4, colour=(10, 10, 10))
    data = load_folder(tmp_path, image_size=28)
    assert data.class_names == sorted(["猫", "狗", "Ａ类"])  # ImageFolder's order: sorted by code point
    assert data.grey and data.images.shape == (12, 1, 28, 28)  # every picture grey: one channel


def test_grey_pictures_stay_grey_and_one_colour_picture_makes_colour(tmp_path):
    pictures(tmp_path / "a", 6, colour=90, mode="L")
    pictures(tmp_path / "b", 6, colour=(120, 120, 120))  # grey stored as RGB
    assert load_folder(tmp_path).grey
    (tmp_path / "b" / "colour.png").write_bytes(png((0, 0, 255)))
    assert load_folder(tmp_path).images.shape[1] == 3


def test_no_subfolders_is_one_unlabelled_set_and_one_folder_too(tmp_path):
    pictures(tmp_path / "all", 12)
    data = load_folder(tmp_path / "all")
    assert not data.labelled and data.class_names == [] and data.n_classes == 1
    one = load_folder(tmp_path)  # a single class folder
    assert not one.labelled and [n.code for n in one.notes] == ["single_class"]


def test_resize_and_centre_crop_keep_the_middle(tmp_path):
    wide = Image.new("RGB", (96, 32), (255, 0, 0))
    wide.paste((0, 255, 0), (32, 0, 64, 32))  # red | green | blue thirds
    wide.paste((0, 0, 255), (64, 0, 96, 32))
    pictures(tmp_path, 10)
    wide.save(tmp_path / "wide.png")
    data = load_folder(tmp_path)
    last = data.images[-1]  # "wide.png" sorts after the numbered files
    assert last[1].mean() > 0.9 and last[0].mean() < -0.9  # the green middle fills the square
    codes = {n.code: n.values for n in data.notes}
    assert codes["mixed_sizes"] == {"count": 2, "smallest": (32, 32), "largest": (96, 32)}
    assert codes["not_square"] == {"n": 1}


def test_skipped_files_notes_and_partly_unreadable(tmp_path):
    pictures(tmp_path / "a", 6)
    pictures(tmp_path / "b", 6)
    pictures(tmp_path / "b" / "deeper", 2)  # pictures in subfolders of a class belong to it
    pictures(tmp_path / "__MACOSX" / "a", 3)
    (tmp_path / "a" / "._000.png").write_bytes(b"\0\5\26\7 apple double")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a" / "notes.txt").write_text("not a picture")
    (tmp_path / "a" / "broken.png").write_bytes(b"\x89PNG broken")
    (tmp_path / "empty").mkdir()
    (tmp_path / "loose.png").write_bytes(png())
    data = load_folder(tmp_path)
    assert data.class_names == ["a", "b"] and data.counts == [6, 8]
    codes = {n.code: n.values for n in data.notes}
    assert codes["skipped"]["n"] == 1 and codes["skipped"]["examples"] == ["a/notes.txt"]
    assert codes["unreadable_some"] == {"n": 1, "examples": ["a/broken.png"]}
    assert codes["top_level_ignored"] == {"n": 1} and codes["no_pictures"] == {"names": ["empty"]}
    assert codes["small_classes"] == {"names": ["a", "b"]}


@pytest.mark.parametrize("make, code", [
    (lambda d: None, "missing"),
    (lambda d: (d.mkdir(), (d / "readme.txt").write_text("hi")), "empty"),
    (lambda d: pictures(d, 5), "tiny"),
    (lambda d: [(d / "a").mkdir(parents=True), *[(d / "a" / f"{i}.jpg").write_bytes(b"nope") for i in range(12)]],
     "unreadable"),
    (lambda d: (pictures(d / "a", 12), (d / "b").mkdir(), (d / "b" / "x.png").write_bytes(b"bad")), "empty_class"),
])
def test_bad_sets_are_refused_with_a_reason(tmp_path, make, code):
    d = tmp_path / "set"
    make(d)
    with pytest.raises(DatasetError) as e:
        load_folder(d)
    assert e.value.code == code and "\n" not in str(e.value)


def test_size_and_conditional_checks(tmp_path, shapes_dir):
    with pytest.raises(DatasetError, match="28/32/64"):
        load_folder(shapes_dir, image_size=48)
    pictures(tmp_path / "all", 12)
    cfg = recipe_config("cgan", f"folder:{tmp_path / 'all'}", image_size=32)
    with pytest.raises(DatasetError) as e:
        folders.load_for_config(cfg)
    assert e.value.code == "needs_classes"
    with pytest.raises(ValueError, match="image_size must be 28, 32 or 64"):
        recipe_config("dcgan", f"folder:{tmp_path}", image_size=48).validate()


def test_defaults_turn_diffaugment_on_for_small_sets():
    assert folders.defaults(300) == {"image_size": 32, "augment": "translation,cutout"}
    assert folders.defaults(folders.SMALL_SET)["augment"] == ""


# ----------------------------------------------------------------------------- zips

def zip_of(entries: dict) -> bytes:
    """entries: name -> data; a name given as bytes is stored as those bytes without the UTF-8 flag, as
    Windows' own zip tool stores names in the computer's code page (zipfile itself would flag them)."""
    buf = io.BytesIO()
    raw = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, (name, data) in enumerate(entries.items()):
            if isinstance(name, bytes):
                stand_in = f"@{i:03d}".ljust(len(name), "@")  # ASCII of the same length, swapped below
                raw[stand_in.encode()] = name
                name = stand_in
            zf.writestr(name, data)
    out = buf.getvalue()
    for stand_in, name in raw.items():
        assert out.count(stand_in) == 2  # the local header and the central directory
        out = out.replace(stand_in, name)
    return out


def test_gbk_and_utf8_names_macosx_hidden_and_one_top_folder(tmp_path):
    data = zip_of({
        "我的图片/猫/1.png".encode("gbk"): png(), "我的图片/猫/2.png".encode("gbk"): png(),
        "我的图片/狗/1.png".encode("gbk"): png((0, 0, 200)),
        "我的图片/鸟/1.png": png((0, 200, 0)),  # flagged UTF-8
        "__MACOSX/我的图片/猫/._1.png": b"junk", "我的图片/.DS_Store": b"junk", "我的图片/猫/notes.txt": b"hi",
    })
    out = extract_dataset_zip(data, tmp_path / "d", max_bytes=10 * 2**20)
    assert out.unwrapped == "我的图片" and out.pictures == 4 and out.skipped == 3
    assert sorted(p.relative_to(tmp_path / "d").as_posix() for p in (tmp_path / "d").rglob("*.png")) == sorted(
        ["猫/1.png", "猫/2.png", "狗/1.png", "鸟/1.png"])
    assert scan(tmp_path / "d").classes == tuple(sorted(["猫", "狗", "鸟"]))
    utf8 = extract_dataset_zip(zip_of({"猫/1.png".encode(): png(), "café/1.png".encode(): png()}), tmp_path / "u",
                               max_bytes=2**20)  # UTF-8 without the flag (older macOS and Linux tools)
    assert scan(utf8.folder).classes == ("café", "猫")


def test_one_encoding_for_all_unflagged_names():
    def info(raw: bytes) -> zipfile.ZipInfo:
        i = zipfile.ZipInfo("x")
        i.filename = raw.decode("cp437")  # as zipfile reads a name without the UTF-8 flag
        return i
    gbk = [info("猫/1.png".encode("gbk")), info("狗/1.png".encode("gbk"))]
    assert "猫".encode("gbk").decode("utf-8") == "è"  # alone, the GBK name is valid UTF-8 ...
    assert names_encoding(gbk) == "gbk" and [entry_name(i, "gbk") for i in gbk] == ["猫/1.png", "狗/1.png"]  # ... not beside 狗
    utf8 = [info("猫/1.png".encode()), info("café/1.png".encode()), info(b"plain/a.png")]
    assert names_encoding(utf8) == "utf-8" and [entry_name(i, "utf-8") for i in utf8] == ["猫/1.png", "café/1.png",
                                                                                         "plain/a.png"]
    neither = [info(b"\x81\x20.png"), info("狗".encode("gbk"))]
    assert names_encoding(neither) is None and entry_name(neither[0], None) == neither[0].filename


def test_no_unwrap_when_class_folders_are_at_the_top(tmp_path):
    out = extract_dataset_zip(shapes_zip(2, 32, 0, top=""), tmp_path / "d", max_bytes=2**24)
    assert out.unwrapped is None and scan(tmp_path / "d").classes == CLASSES


@pytest.mark.parametrize("entries, code", [
    ({"../evil.png": b"x"}, "unsafe"),
    ({"/abs/evil.png": b"x"}, "unsafe"),
    ({"a/1.png": b"\0" * (3 * 2**20)}, "bomb"),
])
def test_hostile_zips_are_refused(tmp_path, entries, code):
    with pytest.raises(ZipError) as e:
        extract_dataset_zip(zip_of(entries), tmp_path / "d", max_bytes=2**30)
    assert e.value.code == code
    assert not (tmp_path / "evil.png").exists()


def test_not_a_zip_too_big_too_many_entries_and_encrypted(tmp_path):
    with pytest.raises(ZipError, match="not a zip"):
        extract_dataset_zip(b"PK\3\4 nope", tmp_path / "a", max_bytes=2**20)
    with pytest.raises(ZipError, match="size limit"):
        extract_dataset_zip(zip_of({"a/1.png": b"x" * 5000}), tmp_path / "b", max_bytes=1000)
    with pytest.raises(ZipError, match="at most 2"):
        extract_dataset_zip(zip_of({f"a/{i}.png": png() for i in range(3)}), tmp_path / "c", max_bytes=2**20,
                            max_entries=2)
    raw = bytearray(zip_of({"a/1.png": png()}))
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):  # set the "encrypted" flag bit in both headers
        i = raw.find(sig)
        flag_at = i + (6 if sig == b"PK\x03\x04" else 8)
        raw[flag_at] |= 1
    with pytest.raises(ZipError, match="encrypted"):
        extract_dataset_zip(bytes(raw), tmp_path / "e", max_bytes=2**20)


def test_uploads_belong_to_their_visitor_and_stay_out_of_checkpoint_uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(hosted.tempfile, "gettempdir", lambda: str(tmp_path))
    got = store_dataset_zip(shapes_zip(4, 32, 0), "owner-token-aaaa")
    assert got.folder.name == dataset_zip.DATA_DIR and scan(got.folder).classes == CLASSES
    assert dataset_zip.owns(got.folder, "owner-token-aaaa") and not dataset_zip.owns(got.folder, "someone-else")
    assert dataset_zip.mine("owner-token-aaaa") == [got.folder] and dataset_zip.mine("someone-else") == []
    assert uploads.mine("owner-token-aaaa") == []  # not offered as a checkpoint
    dataset_zip.remove(got.folder, "someone-else")
    assert got.folder.is_dir()
    monkeypatch.setenv("GAN_DATASET_UPLOAD_MB", "0.001")
    with pytest.raises(hosted.UploadTooLarge):
        store_dataset_zip(shapes_zip(4, 32, 0), "owner-token-aaaa")
    with pytest.raises(ZipError):
        store_dataset_zip(b"not a zip", "owner-token-aaaa")
    assert len(list((tmp_path / "gan-studio-uploads").iterdir())) == 1  # refused uploads leave nothing


def test_a_running_job_keeps_its_uploaded_set_from_the_sweep(tmp_path, monkeypatch):
    from types import SimpleNamespace
    monkeypatch.setattr(hosted.tempfile, "gettempdir", lambda: str(tmp_path))
    got = store_dataset_zip(shapes_zip(2, 32, 0), "owner-token-bbbb")
    other = store_dataset_zip(shapes_zip(2, 32, 0), "owner-token-bbbb")
    spec = SimpleNamespace(out_dir=None, resume_from=None, config={"dataset": f"folder:{got.folder}"})
    running = SimpleNamespace(spec=spec, checkpoint=None, ended=False)
    removed = hosted.sweep([hosted.uploads_root()], max_bytes=0, idle_s=-1,
                           protect=hosted.job_folders([running])[0])
    assert got.folder.is_dir() and not other.folder.exists() and [r for _, r in removed] == ["idle"]


# ----------------------------------------------------------------------------- training on a folder

def tiny(folder, **kw):
    base = dict(steps=3, width=8, batch_size=16, sample_every=3, log_every=1)
    base.update(kw)
    return run_config(str(folder), 3, True, image_size=32, augment="translation,cutout", **base)


def test_zip_and_folder_give_identical_weights(tmp_path, shapes_dir):
    junk = {"__MACOSX/shapes/._x.png": b"junk", "shapes/.DS_Store": b"junk"}
    raw = zipfile.ZipFile(io.BytesIO(shapes_zip(20, 32, 0)))
    entries = {**{i.filename: raw.read(i) for i in raw.infolist()}, **junk}
    unpacked = extract_dataset_zip(zip_of(entries), tmp_path / "z", max_bytes=2**26)
    weights = []
    for folder in (shapes_dir, unpacked.folder):
        trainer = Trainer(tiny(folder, seed=3))
        for _ in trainer.run():
            pass
        weights.append({k: v.clone() for k, v in trainer.G.state_dict().items()})
    assert weights[0].keys() == weights[1].keys()
    assert all(torch.equal(weights[0][k], weights[1][k]) for k in weights[0])
    trainer = Trainer(tiny(shapes_dir, seed=4))
    for _ in trainer.run():
        pass
    assert not all(torch.equal(weights[0][k], v) for k, v in trainer.G.state_dict().items())  # the seed matters


def test_a_conditional_run_draws_one_row_per_class_and_saves_the_names(tmp_path, shapes_dir):
    trainer = Trainer(tiny(shapes_dir))
    events = list(trainer.run())
    assert events[-1].status == "done"
    grid = events[-1].samples  # 24 samples: 3 rows of 8 at 32 px with 2 px padding
    assert grid.shape == (3 * 34 + 2, 8 * 34 + 2, 3)
    out = trainer.save(tmp_path / "run")
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["gan_studio"]["class_names"] == list(CLASSES) and cfg["n_classes"] == 3 and cfg["channels"] == 3
    from gan.hub import load_folder as load_checkpoint
    rows = class_samples(load_checkpoint(out), list(CLASSES), per_class=5)
    assert [n for n, _ in rows] == list(CLASSES) and rows[0][1].shape == (34 + 2, 5 * 34 + 2, 3)


def test_an_unlabelled_set_trains_dcgan(tmp_path):
    for i, img in enumerate(shape_images(12, 32, 0)["circle"]):
        img.save(pictures(tmp_path / "c", 0) / f"{i}.png")
    cfg = run_config(str(tmp_path / "c"), 1, False, steps=2, width=8, batch_size=8, sample_every=2)
    assert cfg.model == "dcgan"
    events = list(Trainer(cfg).run())
    assert events[-1].status == "done" and events[-1].samples.ndim == 3


# ----------------------------------------------------------------------------- command line

def test_cli_trains_on_a_folder_and_refuses_bad_ones(tmp_path, shapes_dir, capsys):
    from gan.cli import main
    out = tmp_path / "run"
    assert main(["train", "--model", "cgan", "--dataset", f"folder:{shapes_dir}", "--steps", "2", "--width", "8",
                 "--batch-size", "8", "--out", str(out), "--quiet"]) == 0
    said = capsys.readouterr().out
    assert "labels: 0 = circle, 1 = square, 2 = triangle" in said
    train = json.loads((out / "config.json").read_text())["gan_studio"]["train_config"]
    assert train["augment"] == "translation,cutout" and train["image_size"] == 32  # the small-set defaults
    assert main(["sample", str(out), "--label", "2", "--n", "4", "--out", str(tmp_path / "t.npy")]) == 0
    assert np.load(tmp_path / "t.npy").shape == (4, 32, 32, 3)
    pictures(tmp_path / "flat", 12)
    for dataset, needle in ((f"folder:{tmp_path / 'nowhere'}", "is not a folder"),
                            (f"folder:{tmp_path / 'flat'}", "needs at least two class folders"),
                            ("folder:", "invalid choice")):
        assert main(["train", "--model", "cgan", "--dataset", dataset, "--steps", "2", "--out",
                     str(tmp_path / "x"), "--quiet"]) == 2
        err = capsys.readouterr().err
        assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert main(["train", "--model", "dcgan", "--dataset", f"folder:{tmp_path / 'flat'}", "--steps", "1",
                 "--width", "8", "--batch-size", "4", "--out", str(tmp_path / "d"), "--quiet"]) == 0

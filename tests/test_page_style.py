"""The Style transfer page through AppTest: defaults, a short offline run with a before/after result to
download, HEIC / animated GIF / 4000x8 uploads that give a result, an old result labelled when the inputs
change, "Upload" kept chosen, every kind of bad upload, the pretrained path offline and with a (local)
generator, and Chinese captions."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "app_pages" / "6_style_transfer.py")
TIMEOUT = 120


def _page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _bomb() -> bytes:
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


def _photo(w=96, h=64) -> Image.Image:
    y, x = np.mgrid[0:h, 0:w]
    return Image.fromarray(np.stack([x * 255 // w, y * 255 // h, (x + y) % 256], -1).astype(np.uint8))


def _errors(at) -> str:
    return " ".join(e.value for e in at.error)


def test_defaults_render_content_and_style():
    at = _page()
    assert at.title[0].value == "Style transfer"
    assert at.radio(key="style_method").value == "offline"
    assert at.selectbox(key="style_content_preset").value == "astronaut"
    assert at.selectbox(key="style_style_preset").value == "brush"
    assert at.select_slider(key="style_size").value == 512
    assert not at.error
    assert at.button(key="style_run") is not None


def _job(at):
    from gan.jobs import REGISTRY
    return REGISTRY.latest(at.session_state["jobs_owner"], where=lambda j: j.spec.tag == "style")


def test_offline_run_is_a_job_that_survives_widget_changes_and_gives_a_downloadable_result():
    at = _page()
    at.select_slider(key="style_size").set_value(128)
    at.slider(key="style_iters").set_value(4)
    at.selectbox(key="style_style_preset").set_value("waves")
    at.button(key="style_run").click().run()
    assert not at.exception, at.exception
    assert not at.error
    job = _job(at)
    assert job is not None and job.backend == "process" and job.running
    assert at.button(key="style_run").disabled and not at.button(key="style_stop").disabled
    at.slider(key="style_cw").set_value(2.0).run()  # a widget change: the job goes on
    at.selectbox(key="style_content_preset").set_value("chelsea").run()
    assert _job(at) is job and (job.running or job.status == "done")
    assert job.join(120) and job.status == "done", job.error
    at.run()
    img = Image.open(io.BytesIO(job.extra["png"]))  # what the page shows and offers for download
    assert max(img.size) == 128 and img.mode == "RGB"
    captions = [i.captions[0] if i.captions else "" for i in at.image]
    assert any("Patch synthesis, 4 iterations" in c for c in captions) and "Before" in captions
    assert any(w.value.startswith("This result was made before you changed the content photo") for w in at.warning)
    assert len(at.get("download_button")) == 1
    # a new session of the same browser (a reload) finds the result again
    again = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    again.session_state["jobs_owner"] = at.session_state["jobs_owner"]
    again.run()
    assert len(again.get("download_button")) == 1


def test_offline_run_can_be_stopped():
    at = _page()
    at.radio(key="style_method").set_value("adversarial").run()
    at.select_slider(key="style_size").set_value(128)
    at.slider(key="style_steps").set_value(400)
    at.button(key="style_run").click().run()
    job = _job(at)
    at.button(key="style_stop").click().run()
    assert job.join(60) and job.status == "stopped"
    at.run()
    assert any("Stopped at step" in c.value for c in at.caption)
    assert not at.get("download_button")  # a stopped run gives no result


@pytest.mark.parametrize("name,data,needle", [
    ("empty.jpg", b"", "empty"),
    ("notes.jpg", b"these are my notes, not a photo\n" * 10, "not an image"),
    ("cut.png", _png(Image.fromarray(np.random.default_rng(0).integers(0, 256, (200, 200, 3), dtype=np.uint8)))[:40_000],
     "truncated"),
    ("bomb.png", _bomb(), "pixels"),
], ids=["zero-byte", "text-renamed-jpg", "truncated", "decompression-bomb"])
def test_bad_uploads_are_clear_messages(name, data, needle):
    at = _page()
    at.radio(key="style_content_src").set_value("upload").run()
    at.file_uploader(key="style_content_upload").upload(name, data, "image/png").run()
    assert not at.exception, at.exception
    assert needle in _errors(at)
    # the app keeps working: a good upload afterwards is accepted
    at.file_uploader(key="style_content_upload").upload("ok.png", _png(_photo()), "image/png").run()
    assert not at.exception and not at.error


def test_bad_style_upload_disables_run():
    at = _page()
    at.radio(key="style_style_src").set_value("upload").run()
    at.file_uploader(key="style_style_upload").upload("x.webp", b"RIFF....WEBPjunk", "image/webp").run()
    assert not at.exception
    assert at.error and at.button(key="style_run").disabled


def test_pretrained_offline_says_so_and_offline_method_stays(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = _page()
    at.radio(key="style_method").set_value("pretrained").run()
    md = " ".join(m.value for m in at.markdown)
    assert "photo -> Monet painting" in md and "BSD" in md and "huggingface.co" in md
    assert "not checked against a public source" in md  # which presets are verified is said, not implied
    at.button(key="style_hub_run").click().run()
    assert not at.exception, at.exception
    assert "offline" in _errors(at)
    assert any("offline method" in i.value for i in at.info)
    at.radio(key="style_method").set_value("offline").run()
    assert not at.exception and not at.error


def test_pretrained_generator_runs(monkeypatch, tmp_path):
    from gan import hub
    from gan.models.cyclegan import ResnetGenerator
    torch.manual_seed(0)
    torch.save(ResnetGenerator(ngf=8, n_blocks=1).state_dict(), tmp_path / "latest_net_G.pth")
    calls = []

    def fake_download(repo_id, filename, repo_type="model", timeout=10.0):
        calls.append((repo_id, filename, repo_type))
        return tmp_path / "latest_net_G.pth"
    monkeypatch.setattr(hub, "hub_download", fake_download)
    at = _page()
    at.radio(key="style_method").set_value("pretrained").run()
    at.selectbox(key="style_hub_name").set_value("horse2zebra").run()
    at.select_slider(key="style_hub_size").set_value(128)
    at.button(key="style_hub_run").click().run()
    assert not at.exception, at.exception
    assert not at.error, _errors(at)
    assert calls == [("davidpiscasio/unpaired-img2img", "checkpoints/horse2zebra_pretrained/latest_net_G.pth", "space")]
    img = Image.open(io.BytesIO(at.session_state["style_result"]["png"]))
    assert max(img.size) == 128
    assert any("horse -> zebra" in (i.captions[0] if i.captions else "") for i in at.image)
    import streamlit as st
    st.cache_resource.clear()  # do not leave the tiny stand-in cached as "horse2zebra" for later tests


def test_uploads_stay_in_their_session():
    a = _page()
    a.radio(key="style_content_src").set_value("upload").run()
    a.file_uploader(key="style_content_upload").upload("me.png", _png(_photo()), "image/png").run()
    assert not a.error
    b = _page()  # another visitor
    assert b.radio(key="style_content_src").value == "preset"
    assert "style_content_upload" not in b.session_state and "style_result" not in b.session_state


def test_chinese():
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.session_state["app_lang"] = "zh"
    at.run()
    assert not at.exception
    assert at.title[0].value == "风格迁移"


def _heic(img: Image.Image) -> bytes:
    import pillow_heif
    buf = io.BytesIO()
    pillow_heif.from_pillow(img).save(buf, format="HEIF")
    return buf.getvalue()


def _gif(frames) -> bytes:
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,size", [
    ("phone.heic", _heic(_photo()), (128, 84)),
    ("anim.gif", _gif([_photo(), Image.new("RGB", (96, 64), "red")]), (128, 84)),
    ("sliver.png", _png(_photo(4000, 8)), (128, 4)),
], ids=["heic", "animated-gif", "sliver-4000x8"])
def test_photos_people_have_give_a_result(name, data, size):
    at = _page()
    at.radio(key="style_content_src").set_value("upload").run()
    at.file_uploader(key="style_content_upload").upload(name, data, "image/png").run()
    assert not at.exception and not at.error, _errors(at)
    at.select_slider(key="style_size").set_value(128)
    at.slider(key="style_iters").set_value(3)
    at.button(key="style_run").click().run()
    job = _job(at)
    assert job.join(120) and job.status == "done", job.error
    at.run()
    assert not at.exception and not at.warning
    assert Image.open(io.BytesIO(job.extra["png"])).size == size


def test_upload_stays_chosen_and_captions_follow_the_language():
    at = _page()
    at.radio(key="style_style_src").set_value("upload").run()
    at.radio(key="style_method").set_value("pretrained").run()
    at.radio(key="style_method").set_value("offline").run()
    assert at.radio(key="style_style_src").value == "upload"
    at.radio(key="style_style_src").set_value("preset").run()
    at.select_slider(key="style_size").set_value(128)
    at.slider(key="style_iters").set_value(3)
    at.button(key="style_run").click().run()
    assert _job(at).join(120)
    at.run()
    assert not at.warning
    at.radio(key="style_method").set_value("adversarial").run()  # another method: the old result is labelled
    assert any("the method" in w.value for w in at.warning)
    # the same visitor in Chinese (AppTest cannot switch the language of a radio it has set, so a new session)
    for method, labelled in (("offline", False), ("adversarial", True)):
        zh = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
        zh.session_state["jobs_owner"] = at.session_state["jobs_owner"]
        zh.session_state["app_lang"] = "zh"
        zh.session_state["style_method"] = method
        zh.run()
        captions = [i.captions[0] if i.captions else "" for i in zh.image]
        assert "之前" in captions and any("图块合成，3 次迭代" in c for c in captions)
        assert any("方法" in w.value for w in zh.warning) == labelled

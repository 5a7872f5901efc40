"""Your images in a real browser: a visitor uploads a zip of class folders made here, trains a short run, sees
samples of every class and downloads the checkpoint; and the same in Chinese, with Chinese class names in
a zip written the way Windows writes them (GBK, no UTF-8 flag)."""
from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from gan.shapes import shape_images, shapes_zip

from . import conftest
from .conftest import assert_no_exception, shot, visitor
from .test_browser import choose, open_page, radio, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

PORTS = range(8611, 8620)  # this test's own loopback ports


def _own_port() -> int:
    """This test's own ports first, else any free one (not conftest.free_port: the fixture below replaces it
    with this function)."""
    port = conftest.first_free_port(PORTS)
    return port if port is not None else conftest.first_free_port([0])


@pytest.fixture(scope="module")
def own_server(browser, monkeypatch_module):
    monkeypatch_module.setattr(conftest, "free_port", _own_port)
    with conftest.streamlit_server("server-own-images") as s:
        yield s


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def gbk_zip() -> bytes:
    """Two classes named 狗 and 猫 in a zip whose names are GBK bytes without the UTF-8 flag."""
    buf = io.BytesIO()
    swaps = {}
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for cls, kind in (("猫", "circle"), ("狗", "square")):
            for i, img in enumerate(shape_images(12, 32, 1)[kind]):
                raw = f"{cls}/{i:02d}.png".encode("gbk")
                stand_in = f"@{len(swaps):03d}".ljust(len(raw), "@")
                swaps[stand_in.encode()] = raw
                png = io.BytesIO()
                img.save(png, format="PNG")
                zf.writestr(stand_in, png.getvalue())
    out = buf.getvalue()
    for a, b in swaps.items():
        out = out.replace(a, b)
    return out


def short_run(page, steps_label: str | None, steps: str, width_label: str, more: str, start: str) -> None:
    if steps_label:
        choose(page, re.compile("Train for|训练时长"), steps_label)
    box = page.get_by_role("spinbutton", name=re.compile("^(Steps|步数)$"))
    box.fill(steps)
    box.press("Enter")
    wait_idle(page)
    page.get_by_text(more, exact=True).click()
    width = page.get_by_role("spinbutton", name=width_label)
    width.fill("8")
    width.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name=start).click()


def test_upload_train_see_every_class_and_download(browser, own_server, tmp_path):
    with visitor(browser) as page:
        open_page(page, own_server, "own-images", "Train on your own images")
        zip_path = tmp_path / "shapes.zip"
        zip_path.write_bytes(shapes_zip(20, 32, 0))
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(zip_path))
        page.get_by_text(re.compile(r"60 pictures in 3 classes, colour")).wait_for(timeout=60_000)
        page.get_by_text("0: circle · 20 pictures").wait_for()
        page.get_by_text(re.compile(r"DiffAugment is on because the set is small")).wait_for()
        wait_idle(page)
        shot(page, "own-images-uploaded-en")
        short_run(page, "a number of steps", "30", "Network width", "More settings", "Start")
        page.get_by_test_id("stProgress").filter(has_text="Finished").first.wait_for(timeout=240_000)
        for caption in ("0: circle", "1: square", "2: triangle"):
            page.get_by_test_id("stImageCaption").filter(has_text=re.compile(f"^{caption}$")).first.wait_for(
                timeout=60_000)
        wait_idle(page)
        button = page.get_by_test_id("stDownloadButton").filter(has_text="Download the checkpoint (zip)")
        with page.expect_download() as info:
            button.get_by_role("button").click()
        path = tmp_path / "checkpoint.zip"
        info.value.save_as(path)
        with zipfile.ZipFile(path) as z:
            config = json.loads(z.read("config.json"))
        assert config["gan_studio"]["class_names"] == ["circle", "square", "triangle"]
        assert config["gan_studio"]["train_config"]["augment"] == "translation,cutout"
        assert_no_exception(page)
        shot(page, "own-images-trained-en")
        page.get_by_role("button", name="Measure").click()
        page.get_by_text(re.compile(r"A small classifier trained here on your pictures labels")).wait_for(
            timeout=240_000)
        page.get_by_text(re.compile(r"Fréchet distance")).first.wait_for()
        wait_idle(page)
        assert_no_exception(page)
        shot(page, "own-images-quality-en")


def test_in_chinese_with_chinese_class_names(browser, own_server, tmp_path):
    """Chosen in English, then switched to Chinese: the choices keep their values under Chinese labels (the
    browser sends back the English label, which the page turns back into the choice) and the run starts."""
    with visitor(browser) as page:
        open_page(page, own_server, "own-images", "Train on your own images")
        zip_path = tmp_path / "猫狗.zip"
        zip_path.write_bytes(gbk_zip())
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(zip_path))
        page.get_by_text("0: 狗 · 12 pictures").wait_for(timeout=60_000)
        choose(page, re.compile("Train for"), "a number of steps")
        radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
        page.locator("h1", has_text="用你自己的图片训练").wait_for()
        wait_idle(page)
        page.get_by_text(re.compile(r"24 张图片，2 个类别，彩色")).wait_for(timeout=60_000)
        page.get_by_text("0：狗 · 12 张").wait_for()
        page.get_by_text("1：猫 · 12 张").wait_for()
        budget = page.get_by_test_id("stSelectbox").filter(has_text="训练时长").get_by_role("combobox")
        expect(budget).to_have_value("指定步数")  # the choice, under its Chinese label (not "a number of steps")
        page.get_by_test_id("stMultiSelect").get_by_text("平移").wait_for()
        shot(page, "own-images-uploaded-zh")
        short_run(page, None, "20", "网络宽度", "更多设置", "开始")
        page.get_by_test_id("stProgress").filter(has_text="已完成").first.wait_for(timeout=240_000)
        for caption in ("0: 狗", "1: 猫"):
            page.get_by_test_id("stImageCaption").filter(has_text=re.compile(f"^{caption}$")).first.wait_for(
                timeout=60_000)
        page.get_by_test_id("stDownloadButton").filter(has_text="下载检查点（zip）").wait_for()
        page.get_by_text("检查点中的标签：0 = 狗, 1 = 猫", exact=False).wait_for()
        wait_idle(page)
        assert_no_exception(page)
        shot(page, "own-images-trained-zh")

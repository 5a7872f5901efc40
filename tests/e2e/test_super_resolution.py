"""The Super-resolution page in a real browser: the three methods render side by side (with the input and
the real digits) in English and Chinese, and a live run of both networks starts, shows its progress and
preview, keeps going while the visitor is on another page, stops, and is then compared like the bundled pair."""
from __future__ import annotations

import re

import pytest

from .conftest import assert_no_exception, shot
from .test_browser import nav, open_page, radio, settled

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]

PATH, TITLE = "super-resolution", "Super-resolution"
COLUMNS_EN = ("Input (7×7)", "Bicubic", "L1 only", "L1 + adversarial", "Real (28×28)")
COLUMNS_ZH = ("输入（7×7）", "双三次插值", "仅 L1", "L1 + 对抗", "真实（28×28）")


def column_images_loaded(page, heads) -> None:
    """Under each of the titles ``heads`` (a row of titles, then a row of pictures) the browser has decoded a
    picture, and the five pictures line up however the titles wrap."""
    tops = []
    for head in heads:
        bold = page.locator("strong", has_text=re.compile("^" + re.escape(head) + "$")).first  # the column's title
        box = page.get_by_test_id("stColumn").filter(has=bold).first.bounding_box()
        imgs = page.get_by_test_id("stMain").locator("img")
        for _ in range(50):  # (the row of pictures may still be arriving)
            below = [i for i in imgs.all() if (b := i.bounding_box()) and b["y"] > box["y"]
                     and box["x"] <= b["x"] + b["width"] / 2 <= box["x"] + box["width"]]
            if below:
                break
            page.wait_for_timeout(200)
        assert below, head
        img = min(below, key=lambda i: i.bounding_box()["y"])  # the first picture under the title
        page.wait_for_function("el => el.complete && el.naturalWidth > 0 && el.naturalHeight > el.naturalWidth",
                               arg=img.element_handle())
        tops.append(img.bounding_box()["y"])
    assert max(tops) - min(tops) <= 2, tops


def test_the_three_methods_side_by_side_in_english_and_chinese(page, server):
    open_page(page, server, PATH, TITLE)
    column_images_loaded(page, COLUMNS_EN)
    page.get_by_text("L1 + adversarial comes closer to the real digits' sharpness").wait_for()
    page.get_by_text("Sharp, plausible, and not the original").wait_for()
    assert_no_exception(page)
    shot(page, "super-resolution-en")
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    page.locator("h1", has_text="超分辨率").wait_for()
    settled(page)
    column_images_loaded(page, COLUMNS_ZH)
    page.get_by_text("L1 + 对抗的锐度更接近真实数字").wait_for()
    chosen = page.get_by_role("radiogroup", name="网络").get_by_role("radio", checked=True)
    assert chosen.count() == 1  # the choice still shows after the switch (the radio's label changed)
    assert_no_exception(page)
    shot(page, "super-resolution-zh")
    # on a projector (larger text, 1024 px) two titles wrap onto a second line: the pictures still line up
    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_test_id("stSidebar").get_by_text("演示模式", exact=True).click()
    settled(page)
    column_images_loaded(page, COLUMNS_ZH)
    assert_no_exception(page)


def test_a_live_run_trains_both_networks_and_shows_progress(page, server):
    open_page(page, server, PATH, TITLE)
    page.wait_for_function("document.cookie.includes('gan_owner=')")  # the owner token is in the browser
    radio(page, "Networks", "Your run (train both now)")
    settled(page)
    page.get_by_role("button", name="Train both networks").click()
    bar = page.get_by_test_id("stProgress").filter(has_text=re.compile(r"Training both networks… · step [1-9]"))
    bar.first.wait_for(timeout=180_000)
    page.get_by_text("Live preview").first.wait_for()
    assert page.get_by_test_id("stImage").count() >= 4  # input, L1, L1 + adversarial, real rows
    assert_no_exception(page)
    shot(page, "super-resolution-training-en")
    step = int(re.search(r"step (\d+)/", bar.first.inner_text()).group(1))
    # another page and back: the run went on without the visitor
    nav(page, "Home")
    nav(page, TITLE)
    radio(page, "Networks", "Your run (train both now)")
    later = page.get_by_test_id("stProgress").filter(has_text=re.compile(r"Training both networks… · step \d+"))
    page.wait_for_function(
        "([s]) => { const b = document.querySelector('[data-testid=stProgress]'); if (!b) return false;"
        " const m = b.innerText.match(/step (\\d+)\\//); return m && +m[1] > s; }", arg=[step], timeout=120_000)
    later.first.wait_for()
    page.get_by_role("button", name="Stop").click()
    page.get_by_test_id("stProgress").filter(has_text=re.compile(r"Stopped · step \d+")).first.wait_for(timeout=180_000)
    settled(page)
    column_images_loaded(page, COLUMNS_EN)  # the stopped run's networks, compared like the bundled ones
    page.get_by_text("Figures on all 2,000 held-out digits").wait_for()
    assert_no_exception(page)
    shot(page, "super-resolution-run-stopped-en")

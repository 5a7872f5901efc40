"""The Generate page's drawing area in a real browser: a digit drawn with the mouse reaches the server, and D's
verdict and the classifier's digit appear, in English and in Chinese.

    python -m pytest -m e2e tests/e2e/test_ask_discriminator.py
"""
from __future__ import annotations

import re
import time

import pytest

from .conftest import assert_no_exception, shot
from .test_browser import choose, open_page, radio, settled, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

SEVEN = [(0.25, 0.2), (0.75, 0.2), (0.5, 0.85)]  # a 7 in fractions of the pad: top bar, then down-left


def draw(page, canvas, points) -> None:
    """Press the mouse at the first point, move through the others in small steps, release."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    xy = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*xy[0])
    page.mouse.down()
    for x, y in xy[1:]:
        page.mouse.move(x, y, steps=12)
    page.mouse.up()


def open_ask_tab(page, tab: str) -> None:
    page.get_by_role("tab", name=tab).click()
    page.get_by_role("tab", name=tab, selected=True).wait_for()
    time.sleep(0.5)  # the tabs are tracked: switching reruns the page
    wait_idle(page)


def test_a_drawn_seven_gets_a_verdict_from_d_and_the_classifier(page, server):
    open_page(page, server, "generate", "Generate")
    assert page.get_by_test_id("stCaptionContainer").filter(has_text="cgan-mnist").count() >= 1  # the default
    open_ask_tab(page, "Ask the discriminator")
    panel = page.get_by_role("tabpanel")
    assert panel.get_by_text("trained afterwards against the frozen generator").count() == 1
    canvas = panel.locator("canvas")
    canvas.wait_for()
    assert panel.get_by_text("Draw a digit above").count() == 1  # nothing drawn yet: no verdict
    draw(page, canvas, SEVEN)
    metric = panel.get_by_test_id("stMetric").filter(has_text="D(x, y) for y =")
    metric.wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_exception(page)
    value = float(metric.get_by_test_id("stMetricValue").inner_text())
    assert 0.0 <= value <= 1.0
    reads = panel.get_by_test_id("stMetric").filter(has_text="The classifier reads")
    assert reads.get_by_test_id("stMetricValue").inner_text() == "7"
    assert re.search(r"D\(x, y\) for y = 7", metric.inner_text())
    assert panel.get_by_text("higher than", exact=False).count() >= 1  # its place among real digits
    chart = panel.locator(".js-plotly-plot")
    chart.wait_for()
    assert chart.locator(".xtitle").text_content() == "digit y"
    assert chart.locator(".ytitle").text_content() == "probability or D"
    shot(page, "ask-d-drawn-7-en")
    chart.scroll_into_view_if_needed()
    shot(page, "ask-d-drawn-7-en-chart")

    # the same drawing in Chinese: the pad shows it again and the verdict is translated
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    page.get_by_role("heading", name="生成").first.wait_for()
    settled(page)
    open_ask_tab(page, "问问判别器")
    panel = page.get_by_role("tabpanel")
    reads = panel.get_by_test_id("stMetric").filter(has=page.get_by_text("分类器读出", exact=True))
    reads.wait_for()
    assert reads.get_by_test_id("stMetricValue").inner_text() == "7"
    assert panel.locator(".js-plotly-plot .xtitle").text_content() == "数字 y"
    inked = panel.locator("canvas").evaluate("c => { const d = c.getContext('2d').getImageData(0, 0, c.width, "
                                             "c.height).data; let n = 0; for (let i = 0; i < d.length; i += 4) "
                                             "if (d[i] < 128) n++; return n; }")
    assert inked > 500  # the 7 is on the pad again
    assert_no_exception(page)
    shot(page, "ask-d-drawn-7-zh")
    panel.locator(".js-plotly-plot").scroll_into_view_if_needed()
    shot(page, "ask-d-drawn-7-zh-chart")

    # Clear empties the pad and the verdict goes
    panel.get_by_role("button", name="清空").click()
    panel.get_by_text("在上面写一个数字").wait_for()
    wait_idle(page)
    assert reads.count() == 0


def test_the_chosen_bundled_generator_survives_a_language_switch(page, server):
    open_page(page, server, "generate", "Generate")
    choose(page, "Bundled generator", re.compile(r"^dcgan-mnist"))
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    box = page.get_by_test_id("stSelectbox").filter(has_text="内置生成器")
    shown = box.get_by_role("combobox").input_value()
    assert shown.startswith("dcgan-mnist"), shown
    assert_no_exception(page)

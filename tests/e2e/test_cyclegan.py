"""The CycleGAN page in a real browser: the bundled recordings show at once (arrows, digits, curves), a short
live 2D run trains and its curves appear, and the Chinese page draws the same."""
from __future__ import annotations

import re

import pytest

from .conftest import assert_no_exception, shot
from .test_browser import open_page, radio, settled, slider_to_min

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def legend(page, text: str):
    return page.locator(".legendtext", has_text=text)


def test_bundled_result_at_once_then_a_short_live_run(page, server):
    open_page(page, server, "cyclegan", "CycleGAN")
    assert_no_exception(page)
    page.get_by_text("At step 1000 the reconstruction error without the cycle loss is").wait_for()
    legend(page, "cycle consistency (with the cycle loss)").wait_for()  # the charts are drawn
    assert legend(page, "F: G(x) → F(G(x))").count() >= 2  # with and without the cycle, and the new samples
    assert legend(page, "cycle consistency (with the cycle loss)").count() == 1
    assert page.get_by_text("No run yet").count() == 1
    shot(page, "cyclegan-recorded")

    slider_to_min(page, "Steps")  # 100 steps
    settled(page)
    page.get_by_role("button", name="Start").click()
    page.locator(".legendtext").filter(has_text=re.compile(r"^cycle consistency$")).wait_for(timeout=120_000)  # live
    page.get_by_text("finished · step 100 / 100").wait_for(timeout=120_000)
    settled(page)
    assert_no_exception(page)
    assert page.get_by_text("This run: cycle weight 5, identity weight 0, seed 0.").count() == 1
    shot(page, "cyclegan-live")


def test_digits_and_chinese(page, server):
    open_page(page, server, "cyclegan", "CycleGAN")
    radio(page, "Domains", "MNIST digits: thin strokes ↔ thick strokes")
    settled(page)
    page.get_by_text("Rows, top to bottom: x, G(x), F(G(x))").first.wait_for()
    assert page.locator('[data-testid="stImage"] img').count() >= 3
    assert_no_exception(page)
    page.get_by_test_id("stSidebar").get_by_role("radiogroup").get_by_text("中文", exact=True).click()
    page.get_by_role("heading", name="录制的训练").wait_for()
    settled(page)
    assert_no_exception(page)
    page.get_by_text("从上到下各行").first.wait_for()
    shot(page, "cyclegan-zh-digits")

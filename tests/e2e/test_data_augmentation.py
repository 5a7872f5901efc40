"""The Data augmentation page in a real browser: the bundled table, figure and text show at once (English
and Chinese), and a live cell starts, reports its progress and stops.

    python -m pytest -m e2e tests/e2e/test_data_augmentation.py
"""
from __future__ import annotations

import re

import pytest

from gan.augmentation_study import load_results, text_numbers

from .conftest import assert_no_exception, shot
from .test_browser import open_page, radio, settled

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def test_table_figure_and_text_show_in_both_languages(page, server):
    open_page(page, server, "data-augmentation", "Data augmentation")
    main = page.get_by_test_id("stMain")
    main.get_by_test_id("stDataFrame").first.wait_for()
    main.locator(".js-plotly-plot .bars").first.wait_for()  # the bars with their error bars
    numbers = text_numbers(load_results())
    text = main.inner_text()
    assert "What the table shows" in text and numbers["acc_real_10"] in text and numbers["acc_real_gan_50"] in text
    assert main.get_by_test_id("stImage").count() >= 2  # the real images and the cGAN's samples
    assert_no_exception(page)
    shot(page, "data-augmentation-table-en")
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    page.locator("h1", has_text="数据增强").wait_for()
    settled(page)
    text = main.inner_text()
    assert "表格说明了什么" in text and numbers["acc_real_10"] in text and "What the table shows" not in text
    assert_no_exception(page)
    shot(page, "data-augmentation-table-zh")


def test_a_live_cell_starts_shows_progress_and_stops(page, server):
    open_page(page, server, "data-augmentation", "Data augmentation")
    page.get_by_role("button", name="Run this cell").click()
    # the worker reports its phase: the real images are drawn, then the cGAN trains on them
    page.get_by_text(re.compile(r"Training the conditional GAN on them: step \d+")).wait_for(timeout=120_000)
    page.get_by_text("Real images the cGAN and the classifier learn from").first.wait_for()
    assert page.get_by_role("button", name="Run this cell").is_disabled()
    assert_no_exception(page)
    shot(page, "data-augmentation-live-en")
    page.get_by_role("button", name="Stop").click()
    page.get_by_text("Stopped before the end").wait_for(timeout=60_000)
    assert page.get_by_role("button", name="Run this cell").is_enabled()
    assert_no_exception(page)

"""GAN Studio as a visitor uses it: a real `streamlit run app.py` server and headless Chromium.

Every page renders (screenshots under artifacts/screenshots/), the language switch carries across
pages, the playground plays and pauses, a training run starts, its curve grows, it stops and its
checkpoint downloads, the visitor's run draws conditional digits, and an uploaded photo gets styled
and downloaded. No page may show Streamlit's exception box or the app's unexpected-error message.

    python -m pytest -m e2e tests/e2e
"""
from __future__ import annotations

import io
import re
import time
import zipfile

import numpy as np
import pytest
from playwright.sync_api import expect
from PIL import Image

from ui.sidebar import page_menu

from .conftest import ROOT, assert_no_exception, shot, streamlit_server

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

# The menu as the app builds it: (url path, English label, Chinese label) of every page that exists.
MENU = [(e.url_path, e.en, e.zh) for _, entries in page_menu(ROOT, "en") for e in entries]


def settled(page) -> None:
    """The app's own sidebar is drawn (so app.py ran, not just a page script) and the run has finished."""
    page.get_by_test_id("stSidebar").get_by_role("radiogroup").first.wait_for()
    wait_idle(page)


def open_page(page, server, path: str, title: str | None = None) -> None:
    """A new visit (a new Streamlit session) straight to ``path``."""
    # the first page of the menu is the default one, served at "/" (its url_path is not routable)
    page.goto(f"{server.url}/{'' if path == MENU[0][0] else path}")
    page.locator("h1", has_text=title or "").first.wait_for()
    settled(page)


def heading(page) -> str:
    return page.locator("h1").first.inner_text()


def nav(page, label: str) -> str:
    """Switch page with the sidebar menu (same session, unlike a new URL); returns the new heading."""
    before = heading(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=label, exact=True).click()
    page.wait_for_function("t => { const h = document.querySelector('h1'); return h && h.innerText !== t; }",
                           arg=before)
    settled(page)
    return heading(page)


def radio(page, group: str, option: str, scope=None) -> None:
    """Click ``option`` in the radio group ``group`` and wait until the browser shows it chosen."""
    box = (scope or page).get_by_role("radiogroup", name=group)
    choice = box.get_by_role("radio", name=option, exact=True).element_handle()
    box.get_by_text(option, exact=True).click()
    # (a language switch renames the group and redraws it: a replaced input counts as done)
    page.wait_for_function("el => !el.isConnected || el.checked", arg=choice)


def slider_to_min(page, label: str) -> None:
    thumb = page.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")
    thumb.focus()
    thumb.press("Home")


def wait_idle(page, timeout: float = 60.0) -> None:
    """Wait until the script run (not a fragment tick) has finished."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout * 1000)


def choose(page, label, option, scope=None, tries: int = 4) -> None:
    """Pick ``option`` (text or pattern) in the selectbox whose label matches ``label``.

    A rerun that lands just after the click closes the list again, so the click is retried.
    """
    box = (scope or page).get_by_test_id("stSelectbox").filter(has_text=label)
    for attempt in range(tries):
        box.click()
        try:
            page.get_by_role("option", name=option).first.click(timeout=5_000)
            break
        except Exception:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
            wait_idle(page)
    wait_idle(page)


def number_from(text: str, pattern: str) -> int:
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in {text!r}"
    return int(m.group(1).replace(",", ""))


def photo_bytes(w: int = 120, h: int = 90) -> bytes:
    y, x = np.mgrid[0:h, 0:w]
    arr = np.stack([x * 255 // w, y * 255 // h, ((x // 10 + y // 10) % 2) * 200], -1).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "JPEG", quality=90)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------ tests

def test_every_page_renders_in_both_languages(page, server):
    titles, texts = {}, {}
    main = page.get_by_test_id("stMain")
    for path, en, _ in MENU:
        open_page(page, server, path)
        titles[path], texts[path] = heading(page), main.inner_text()
        assert_no_exception(page)
        shot(page, f"{path}-en")
    # switch the language on the last page, then walk the menu: the choice carries across pages
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    page.wait_for_function("t => { const h = document.querySelector('h1'); return h && h.innerText !== t; }",
                           arg=titles[MENU[-1][0]])
    settled(page)
    sidebar_nav = page.get_by_test_id("stSidebarNav")
    for i, (path, en, zh) in enumerate([MENU[-1], *MENU[:-1]]):
        if i:
            nav(page, zh)
        assert sidebar_nav.get_by_role("link", name=zh, exact=True).count() == 1
        assert sidebar_nav.get_by_role("link", name=en, exact=True).count() == 0 or en == zh
        assert main.inner_text() != texts[path], f"{path}: the page was not translated"
        assert_no_exception(page)
        shot(page, f"{path}-zh")
    radio(page, "语言", "English", scope=page.get_by_test_id("stSidebar"))  # and back
    here = MENU[-2][0] if len(MENU) > 1 else MENU[-1][0]
    page.wait_for_function("t => { const m = document.querySelector('[data-testid=stMain]'); "
                           "return m && m.innerText.includes(t); }", arg=titles[here])
    assert_no_exception(page)


def test_playground_plays_and_pauses(page, server):
    open_page(page, server, "playground", "2D playground")
    status = page.locator("p", has_text=re.compile(r"Run · step [\d,]+"))
    status.first.wait_for()
    assert number_from(status.first.inner_text(), r"step ([\d,]+)") == 0
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for()
    # the fragment keeps redrawing while the background job trains
    page.locator("p", has_text=re.compile(r"Run · step [\d,]+ · training")).first.wait_for()
    first = number_from(status.first.inner_text(), r"step ([\d,]+)")
    deadline = time.monotonic() + 30
    while number_from(status.first.inner_text(), r"step ([\d,]+)") <= first + 5:
        assert time.monotonic() < deadline, "the step counter did not move while playing"
        time.sleep(0.2)
    shot(page, "playground-training")
    # the diagram's lit part goes round a step's phases by itself (an animation in the browser)
    assert page.get_attribute('[data-testid="gan-diagram"]', "data-phase") == "loop"
    lit_now = ("() => Array.from(document.querySelectorAll('[data-testid=gan-diagram] g[data-lit=loop]'))"
               ".filter(g => getComputedStyle(g).opacity !== '0').map(g => g.dataset.node).join(',')")
    lit, deadline = set(), time.monotonic() + 10
    while len(lit) < 3:
        assert time.monotonic() < deadline, f"the diagram's lit part did not move: {lit}"
        lit.add(page.evaluate(lit_now))
        time.sleep(0.07)
    # while training the plane is a canvas the browser draws (the curves are pictures): new snapshots arrive
    main = page.get_by_test_id("stMain")
    plane = main.locator("canvas[data-testid=gan-plane]")
    plane.wait_for()
    assert main.get_by_test_id("stPlotlyChart").count() == 0 and main.get_by_test_id("stImage").count() >= 1
    seen, deadline = set(), time.monotonic() + 20
    while len(seen) < 4:
        assert time.monotonic() < deadline, f"the live plane did not change ({len(seen)} snapshots drawn)"
        seen.add(plane.get_attribute("data-step"))
        time.sleep(0.1)
    # really drawn: the surface, points and ticks give many colours, not a blank canvas
    colours = page.evaluate("() => { const c = document.querySelector('canvas[data-testid=gan-plane]');"
                            " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, seen = new Set();"
                            " for (let i = 0; i < d.length; i += 4 * 97) seen.add(d[i] + ',' + d[i + 1] + ',' + d[i + 2]);"
                            " return [c.clientWidth, seen.size]; }")
    assert colours[0] >= 300 and colours[1] >= 20, colours
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    page.locator("p", has_text=re.compile(r"Run · step [\d,]+ · paused")).first.wait_for()
    time.sleep(1.5)  # the paused view's next poll draws the last snapshot that was still queued
    paused_at = number_from(status.first.inner_text(), r"step ([\d,]+)")
    assert paused_at > first
    time.sleep(2.5)
    assert number_from(status.first.inner_text(), r"step ([\d,]+)") == paused_at  # really paused
    main.get_by_test_id("stPlotlyChart").first.wait_for()  # paused: the interactive charts are back
    assert main.get_by_test_id("stPlotlyChart").count() == 3
    assert_no_exception(page)
    page.get_by_role("button", name="Reset").click()  # give the job slot back
    page.locator("p", has_text=re.compile(r"Run · step 0 · ready")).first.wait_for()


def curve_points(page) -> int:
    """Points in the first trace of the training-curve figure, read from plotly's own graph div
    (``_fullData``: the data as plotly.js decoded it; ``data`` still holds the typed-array encoding)."""
    return page.get_by_test_id("stPlotlyChart").first.locator(".js-plotly-plot").evaluate(
        "gd => { const t = (gd._fullData || [])[0]; return t && t.x ? t.x.length : 0; }")


def test_train_curve_grows_then_stop_download_and_generate_digits(page, server, tmp_path):
    open_page(page, server, "train", "Train an image GAN")
    radio(page, "Mode", "Train now")
    # a small network so the run moves quickly on a shared CPU
    page.get_by_text("More settings", exact=True).click()
    width = page.get_by_role("spinbutton", name="Network width")
    width.fill("8")
    width.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Start").click()
    page.get_by_role("button", name="Stop").and_(page.locator(":enabled")).wait_for()
    progress = page.get_by_test_id("stProgress")
    progress.filter(has_text=re.compile(r"step [1-9]")).first.wait_for(timeout=90_000)
    page.get_by_test_id("stPlotlyChart").first.locator(".js-plotly-plot").wait_for(timeout=90_000)
    # (a redraw can show an empty figure for a moment: a read of 0 points is not a shrinking curve)
    deadline = time.monotonic() + 60
    n0 = curve_points(page)
    while n0 < 1:
        assert time.monotonic() < deadline, "the loss curve never showed a point"
        time.sleep(0.2)
        n0 = curve_points(page)
    n = n0
    while n <= n0:
        assert time.monotonic() < deadline, "the loss curve did not grow while training"
        time.sleep(0.5)
        n = curve_points(page)
    assert n > n0 >= 1
    shot(page, "train-running")
    page.get_by_role("button", name="Stop").click()
    progress.filter(has_text="Stopped").first.wait_for(timeout=60_000)
    zip_button = page.get_by_test_id("stDownloadButton").filter(has_text="Download the checkpoint (zip)")
    zip_button.wait_for(timeout=60_000)
    with page.expect_download() as info:
        zip_button.get_by_role("button").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
    assert {"config.json", "model.safetensors"} <= {n.split("/")[-1] for n in names}, names
    wait_idle(page)
    assert_no_exception(page)
    shot(page, "train-stopped")

    # the stopped run is now "Your run" on the Generate page: conditional digits
    assert nav(page, "Generate") == "Generate"
    radio(page, "Generator", "Your run")
    page.get_by_text(re.compile(r"your run · cgan")).first.wait_for()  # its generator is loaded
    wait_idle(page)  # (a rerun after this would redraw the tabs with the first one selected)
    page.get_by_role("tab", name="Digits").click()
    page.get_by_role("tab", name="Digits", selected=True).wait_for()
    panel = page.get_by_test_id("stTabPanel").filter(has_text="Rows per digit").filter(visible=True)
    caption = panel.get_by_test_id("stImageCaption").filter(has_text="Columns: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9")
    caption.filter(visible=True).first.wait_for()
    wait_idle(page)
    with page.expect_download() as info:
        panel.get_by_test_id("stDownloadButton").filter(visible=True).first.get_by_role("button").click()
    png = tmp_path / "digits.png"
    info.value.save_as(png)
    img = Image.open(png)
    assert img.format == "PNG" and img.size == (10 * 30 + 2, 4 * 30 + 2)  # 10 digits x 4 rows of 28 px + pads
    assert_no_exception(page)
    shot(page, "generate-digits")


def test_style_transfer_upload_style_and_download(page, server, tmp_path):
    open_page(page, server, "style", "Style transfer")
    content_col = page.get_by_test_id("stColumn").filter(has_text="Content photo").first
    radio(page, "Content photo", "Upload", scope=content_col)
    uploader = content_col.get_by_test_id("stFileUploaderDropzoneInput")
    # a file that is not an image: a clear message, no traceback
    bad = tmp_path / "holiday.jpg"
    bad.write_bytes(b"<html>definitely not a jpeg</html>" * 20)
    uploader.set_input_files(str(bad))
    page.get_by_text("This file cannot be used").wait_for()
    assert_no_exception(page)
    # a real photo replaces it
    good = tmp_path / "photo.jpg"
    good.write_bytes(photo_bytes())
    uploader.set_input_files(str(good))
    content_col.get_by_test_id("stImage").first.wait_for()
    page.get_by_text("This file cannot be used").wait_for(state="detached")
    slider_to_min(page, "Size (longest side, px)")  # 128 px
    slider_to_min(page, "Iterations")  # 3 iterations of the patch method
    wait_idle(page)
    page.get_by_role("button", name="Stylize").click()
    page.get_by_text(re.compile(r"Patch synthesis, 3 iterations")).wait_for(timeout=120_000)
    page.get_by_text("Before", exact=True).wait_for()  # the photo it was made from, beside it
    button = page.get_by_test_id("stDownloadButton").filter(has_text="Download PNG")
    with page.expect_download() as info:
        button.get_by_role("button").click()
    out = tmp_path / "styled.png"
    info.value.save_as(out)
    img = Image.open(out)
    assert img.format == "PNG" and max(img.size) == 128 and img.size == (128, 96)  # 120x90 keeps its aspect
    assert_no_exception(page)
    shot(page, "style-result")


def test_deep_link_is_the_first_visit_after_a_restart(browser):
    """A reload of /train?train_run=... (or a shared link) right after the server (re)started must still
    run app.py: the menu with its sections, the language switch, the page."""
    deep = next(path for path, _, _ in MENU if path == "train")
    with streamlit_server("server-deeplink") as fresh:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(60_000)
        pg = ctx.new_page()
        try:
            pg.goto(f"{fresh.url}/{deep}")
            pg.locator("h1").first.wait_for()
            wait_idle(pg)
            shot(pg, "deep-link-first-visit")
            sidebar = pg.get_by_test_id("stSidebar")
            # (waits: read once, right after the first run, the sidebar was sometimes not drawn yet)
            expect(sidebar.get_by_role("radiogroup", name="Language"),
                   "app.py did not run: the page was served from the pages/ directory without the app's sidebar"
                   ).to_have_count(1)
            assert pg.get_by_test_id("stSidebarNav").get_by_role("link", name="app").count() == 0
        finally:
            ctx.close()


def test_playground_g_step_shows_l_g_and_the_saturation_preset_shows_tenfold_arrows(page, server):
    open_page(page, server, "playground", "2D playground")
    main = page.get_by_test_id("stMain")
    page.get_by_role("button", name="D step").click()
    page.locator("p", has_text="D updated 1×, G updated 0×").first.wait_for()
    page.get_by_role("button", name="G step").click()
    page.locator("p", has_text="D updated 1×, G updated 1×").first.wait_for()
    l_g = main.get_by_test_id("stMetric").filter(has_text="L_G").first.get_by_test_id("stMetricValue")
    assert re.fullmatch(r"-?\d+\.\d{3}", l_g.inner_text().strip()), l_g.inner_text()
    page.get_by_role("button", name="Reset").click()
    page.locator("p", has_text=re.compile(r"Run · step 0 · ready")).first.wait_for()
    # the saturation preset: 100 D updates alone, then the two planes' arrows and printed medians
    sidebar = page.get_by_test_id("stSidebar")
    choose(page, "Try this", re.compile("Saturation"), scope=sidebar)
    sidebar.get_by_role("button", name="Apply").click()
    page.locator("p", has_text="D updated 100×, G updated 0×").nth(1).wait_for(timeout=30_000)
    wait_idle(page)
    caps = main.locator("p", has_text="Median |∇L_G| per point").all_inner_texts()
    medians = [float(re.search(r"point: ([0-9.e+-]*[0-9])", c).group(1)) for c in caps]
    assert len(medians) == 2 and medians[1] >= 10 * medians[0], medians
    # A's and B's planes line up although B's line above it is longer (it wraps in a narrow window)
    tops = [c.bounding_box()["y"] for c in main.get_by_test_id("stPlotlyChart").all()[:2]]
    assert len(tops) == 2 and abs(tops[0] - tops[1]) <= 2, tops
    shot(page, "playground-saturation-preset")
    assert_no_exception(page)
    page.get_by_role("button", name="Reset").click()


def test_the_style_method_stays_chosen_after_a_language_switch(page, server):
    open_page(page, server, "style", "Style transfer")
    radio(page, "Method", "Adversarial, trained now (offline)")
    wait_idle(page)
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    group = page.get_by_role("radiogroup", name="方法")
    expect(group.get_by_role("radio", name="对抗式，现场训练（离线）")).to_be_checked()
    assert_no_exception(page)


def test_train_choices_follow_a_language_switch_and_the_default_loss_is_the_one_marked(page, server):
    open_page(page, server, "train", "Train an image GAN")
    loss = page.get_by_test_id("stSelectbox").filter(has_text="Loss").get_by_role("combobox")
    expect(loss).to_have_value("hinge (default)")  # the page's default is the recipe's loss, and says so
    choose(page, "Train for", "2 minutes")
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    box = page.get_by_test_id("stSelectbox")
    expect(box.filter(has_text="训练时长").get_by_role("combobox")).to_have_value("2 分钟")
    expect(box.filter(has_text="损失函数").get_by_role("combobox")).to_have_value("合页损失（默认）")
    expect(box.filter(has_text="模型").get_by_role("combobox")).to_have_value("条件 DCGAN（可指定数字）")
    assert_no_exception(page)


def test_principles_draws_only_the_open_tab_and_keeps_it_across_a_language_switch(page, server):
    """A visit lays out the first tab only (the page used to send all eight: ~10,000 DOM nodes, 156 formulas);
    opening a tab draws its formulas and chart; the 1D model trained on one tab is still there after another."""
    open_page(page, server, "principles", "How a GAN works")
    main = page.get_by_test_id("stMain")
    first = page.evaluate("() => document.querySelectorAll('.katex').length")
    assert first <= 40, first  # (all eight tabs: 156)
    main.get_by_role("tab", name="Losses").click()
    main.get_by_role("tab", name="Losses", selected=True).wait_for()
    page.get_by_test_id("stTabPanel").filter(visible=True).get_by_test_id("stPlotlyChart").wait_for()
    wait_idle(page)
    assert page.evaluate("() => document.querySelectorAll('.katex').length") >= 3
    main.get_by_role("tab", name="Optimal D & 1D demo").click()
    train = main.get_by_role("button", name="Train 50 steps")
    train.click()
    expect(main.get_by_test_id("stMetric").filter(has_text="Steps").get_by_test_id("stMetricValue")).to_have_text("50")
    wait_idle(page)
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    main.get_by_role("tab", name="最优判别器与一维演示", selected=True).wait_for()
    main.get_by_role("tab", name="基本思想").click()
    page.get_by_test_id("stTabPanel").filter(visible=True).get_by_test_id("stMarkdownContainer").first.wait_for()
    wait_idle(page)
    main.get_by_role("tab", name="最优判别器与一维演示").click()
    expect(main.get_by_test_id("stMetric").filter(has_text="步数").get_by_test_id("stMetricValue")).to_have_text("50")
    assert_no_exception(page)

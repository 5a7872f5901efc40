"""The playground's model diagram and run controls in a real browser: the right part lights up after
D step, G step and Step; slow motion shows each phase with its numbers, after a step button and while
playing; a learning-rate change mid-run keeps the run and is marked on the curves; a run saved to a file
and loaded back shows the same plane."""
from __future__ import annotations

import re
import shutil
import time

import pytest

from .conftest import assert_no_exception, shot
from .test_browser import number_from, open_page, radio, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

DIAGRAM = '[data-testid="gan-diagram"]'


def lit(page) -> set[str]:
    return set(page.eval_on_selector_all(f'{DIAGRAM} [data-lit="true"]', "els => els.map(e => e.dataset.node)"))


def phase(page) -> str:
    return page.get_attribute(DIAGRAM, "data-phase")


def click_and_wait(page, name: str, expected_phase: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_selector(f'{DIAGRAM}[data-phase="{expected_phase}"]')
    wait_idle(page)


def test_the_diagram_follows_the_step_buttons_and_slow_motion(page, server):
    open_page(page, server, "playground", "2D playground")
    page.wait_for_selector(f'{DIAGRAM}[data-phase="initialise"]')
    click_and_wait(page, "D step", "update_d")
    assert lit(page) == {"D", "L_D"}
    click_and_wait(page, "G step", "update_g")
    assert lit(page) == {"G", "G(z)", "D", "L_G"}
    assert page.get_by_text("L_G = ").count() >= 1
    click_and_wait(page, "Step", "update_g")
    page.locator(DIAGRAM).scroll_into_view_if_needed()
    shot(page, "playground-diagram-en")
    page.get_by_text("Slow motion", exact=False).first.click()
    wait_idle(page)
    page.get_by_role("button", name="Step", exact=True).click()
    seen = []
    for expected in ("generate", "classify", "update_d", "update_g"):
        page.wait_for_selector(f'{DIAGRAM}[data-phase="{expected}"]', timeout=15_000)
        seen.append(expected)
        if expected == "classify":
            assert page.locator(DIAGRAM).get_by_text("D(x) = ").count() == 1
    page.wait_for_selector(f'{DIAGRAM}[data-phase="repeat"]', timeout=15_000)
    assert seen == ["generate", "classify", "update_d", "update_g"]
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    page.get_by_role("button", name="D 一步", exact=True).click()
    page.wait_for_selector(f'{DIAGRAM}[data-phase="generate"]', timeout=15_000)
    page.wait_for_selector(f'{DIAGRAM}[data-phase="update_d"]', timeout=15_000)
    page.locator(DIAGRAM).scroll_into_view_if_needed()
    shot(page, "playground-diagram-zh")
    assert_no_exception(page)


STATUS = re.compile(r"Run · step [\d,]+")


def step_now(page) -> int:
    return number_from(page.locator("p", has_text=STATUS).first.inner_text(), r"step ([\d,]+)")


def steps(page, n: int) -> None:
    for _ in range(n):
        before = step_now(page)
        page.get_by_role("button", name="Step", exact=True).click()
        page.locator("p", has_text=f"step {before + 1} · paused").first.wait_for()
        wait_idle(page)


def wait_phase(page, name: str, timeout: float = 15) -> str:
    """Wait until the diagram shows phase ``name``; its text at that moment (read in the same check)."""
    return page.wait_for_function(
        "([sel, ph]) => { const d = document.querySelector(sel); return d && d.dataset.phase === ph && d.innerText; }",
        arg=[DIAGRAM, name], timeout=timeout * 1000).json_value()


def test_play_in_slow_motion_shows_each_sub_step_with_its_values(page, server):
    open_page(page, server, "playground", "2D playground")
    page.get_by_text("Slow motion", exact=False).first.click()
    wait_idle(page)
    page.get_by_role("button", name="Play").click()
    page.get_by_role("button", name="Pause").wait_for()
    text = {ph: wait_phase(page, ph) for ph in ("generate", "classify", "update_d", "update_g")}
    assert "D(x) = " not in text["generate"]
    assert "D(x) = " in text["classify"] and "|∇D|" not in text["classify"]
    assert "|∇D|" in text["update_d"] and "|∇G|" not in text["update_d"]
    assert "|∇G|" in text["update_g"]
    assert page.locator("p", has_text="step 1 · training in slow motion").count() == 1
    wait_phase(page, "repeat")
    wait_phase(page, "generate")  # then the next step, walked through the same way
    page.locator("p", has_text="step 2 · training in slow motion").first.wait_for(timeout=10_000)
    wait_phase(page, "classify")
    page.locator(DIAGRAM).scroll_into_view_if_needed()
    shot(page, "playground-slow-play-en")
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    page.locator("p", has_text="慢动作训练中").first.wait_for(timeout=15_000)
    # the speed keeps its value across the switch (its labels are the same in both languages)
    assert "∞" in page.get_by_test_id("stSlider").filter(has_text="速度").inner_text()
    wait_phase(page, "update_d")
    page.locator(DIAGRAM).scroll_into_view_if_needed()
    shot(page, "playground-slow-play-zh")
    page.get_by_role("button", name="暂停").click()
    page.get_by_role("button", name="开始").wait_for()
    assert_no_exception(page)
    page.get_by_role("button", name="重置").click()


def curve_marks(page) -> list[float]:
    """x of the dashed change marks on the interactive loss curves (plotly's own layout in the page)."""
    return page.evaluate("""() => {
      const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(g => (g.data || []).some(t => t.name === 'L_D'));
      return gd ? [...new Set((gd.layout.shapes || []).map(s => s.x0))] : null;  // one per panel of the figure
    }""")


def plane_data(page) -> dict:
    """The interactive plane's D surface and generated points, as plotly holds them in the page (decoded)."""
    data = page.evaluate("""() => {
      const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(g => (g.data || []).some(t => t.type === 'heatmap'));
      const fake = gd._fullData.find(t => t.name === 'generated G(z)');
      const z = gd._fullData.find(t => t.type === 'heatmap').z;
      return {z: Array.from(z, row => Array.from(row)), x: Array.from(fake.x), y: Array.from(fake.y)};
    }""")
    assert len(data["z"]) >= 20 and len(data["x"]) >= 100, {k: len(v) for k, v in data.items()}
    return data


def change_d_learning_rate(page) -> None:
    thumb = page.get_by_test_id("stSidebar").get_by_test_id("stSlider").filter(has_text="D learning rate")
    thumb.get_by_role("slider").focus()
    thumb.get_by_role("slider").press("ArrowRight")  # 0.001 -> 0.002
    wait_idle(page)


def test_a_learning_rate_change_mid_run_keeps_the_step_and_the_history_and_is_marked(page, server):
    open_page(page, server, "playground", "2D playground")
    steps(page, 3)
    change_d_learning_rate(page)
    page.get_by_text("Changed while training", exact=False).first.wait_for()
    assert step_now(page) == 3  # not reset
    steps(page, 1)
    deadline = time.monotonic() + 15
    while curve_marks(page) != [3]:
        assert time.monotonic() < deadline, curve_marks(page)
        time.sleep(0.2)
    n = page.evaluate("() => Array.from(document.querySelectorAll('.js-plotly-plot'))"
                      ".find(g => (g.data || []).some(t => t.name === 'L_D'))._fullData.find(t => t.name === 'L_D')._length")
    assert n == 4  # the four steps' losses: the history was kept
    assert_no_exception(page)
    page.get_by_role("button", name="Reset").click()


def test_save_to_a_file_then_load_restores_the_same_plane(page, server, tmp_path):
    open_page(page, server, "playground", "2D playground")
    steps(page, 2)
    change_d_learning_rate(page)
    steps(page, 2)
    before = plane_data(page)
    # (the help text below the page names the same expander: find the one with the uploader)
    panel = page.get_by_test_id("stExpander").filter(has=page.get_by_test_id("stFileUploader"))
    panel.get_by_text("Save this run to a file", exact=False).first.click()
    with page.expect_download() as got:
        panel.get_by_role("button", name="Save to a file").click()
    saved = tmp_path / "run.zip"
    shutil.copy(got.value.path(), saved)
    page.get_by_role("button", name="Reset").click()
    page.locator("p", has_text="step 0 · ready").first.wait_for()
    wait_idle(page)
    assert plane_data(page) != before
    panel.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(saved))
    page.get_by_text("Loaded (step: A 4)", exact=False).first.wait_for()
    page.locator("p", has_text="step 4 · paused").first.wait_for()
    wait_idle(page)
    after = plane_data(page)
    assert after["z"] == before["z"]  # the same D surface
    assert after["x"] == before["x"] and after["y"] == before["y"]  # the same generated points for the same z
    assert curve_marks(page) == [2]  # the curves and the change mark came back
    panel.scroll_into_view_if_needed()
    shot(page, "playground-save-load-en")
    radio(page, "Language", "中文", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    panel = page.get_by_test_id("stExpander").filter(has=page.get_by_test_id("stFileUploader"))
    panel.get_by_text("保存为文件", exact=False).first.click()
    panel.scroll_into_view_if_needed()
    shot(page, "playground-save-load-zh")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    panel.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("无法载入该文件", exact=False).first.wait_for()
    assert page.locator("p", has_text="第 4 步").count() >= 1  # a bad file changes nothing
    assert_no_exception(page)
    radio(page, "语言", "English", scope=page.get_by_test_id("stSidebar"))
    wait_idle(page)
    page.get_by_role("button", name="Reset").click()

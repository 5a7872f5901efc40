"""Readable on a projector: every page in English and Chinese, normal and presentation mode, in Chromium.

For each of the four (language, mode) pairs a visitor walks the menu (normal mode in a 1280 x 900 window,
presentation mode on a 1024 x 768 projector) and on every page checks that no number or label is cut off
(metric values and labels, button and widget labels, tabs, selected options: an element whose text is wider
than its box), that chart text stays inside its chart, chart titles do not run into each other and no legend
lies over an axis. On Principles it does so on every tab, and with "Show the code beside the theory" on, it
checks that no formula is wider than its column. The playground is shown in its teaching state (the first
"Try this" preset applied, one step taken: runs A and B side by side with their numbers). Presentation mode
must draw chart text at least 1.5 times larger and the plane taller.

Screenshots of every page go to $GAN_SHOTS_DIR (default artifacts/screenshots/projector/).

    python -m pytest -m e2e tests/e2e/test_projector.py
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from ui.sidebar import page_menu

from .conftest import ROOT, SCREENSHOTS, assert_no_exception
from .test_browser import nav, open_page, radio, settled, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

MENU = [e for _, entries in page_menu(ROOT, "en") for e in entries]
PROJECTOR = {"width": 1024, "height": 768}  # presentation mode is checked on a common projector's screen
SHOTS = Path(os.environ.get("GAN_SHOTS_DIR") or SCREENSHOTS / "projector")

# Text cut off: an element (or a child) whose content is wider than its box. Metric values and labels, button
# labels, widget labels, tab labels and selected options are where a long number or word gets an ellipsis.
CLIPPED_JS = """() => {
  const sel = ['[data-testid="stMetricValue"]', '[data-testid="stMetricLabel"]', '[data-testid="stMetricDelta"]', 'button',
               '[data-testid="stWidgetLabel"]', '[role="tab"]', '[role="tablist"]', '[data-testid="stSelectbox"] input'];
  const out = [];
  for (const s of sel) {
    for (const el of document.querySelectorAll('[data-testid="stMain"] ' + s + ', [data-testid="stSidebar"] ' + s)) {
      if (!el.offsetParent) continue;  // hidden (another tab)
      for (const e of [el, ...el.querySelectorAll('*')]) {
        const text = (e.tagName === 'INPUT' ? e.value : e.innerText) || '';  // (a select box shows an input's value)
        // a select box whose choice the element below repeats in full (the playground's "Try this") is fine
        const below = (e.closest('[data-testid="stElementContainer"]') || {}).nextElementSibling;
        if (e.tagName === 'INPUT' && below && (below.innerText || '').includes(text.trim())) continue;
        if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && text.trim()) {
          out.push(s + ': ' + text.trim().slice(0, 80));
          break;
        }
      }
    }
  }
  return [...new Set(out)];
}"""

# On a projector, tables whose columns run past the edge (a data grid scrolls sideways: fine on a laptop,
# where its last columns are a scroll away; on a projector they are simply missing).
WIDE_TABLES_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .dvn-scroller, [data-testid="stMain"] [data-testid="stTable"]')]
  .filter(e => e.offsetParent && e.scrollWidth > e.clientWidth + 1)
  .map(e => 'table wider than its box: ' + e.scrollWidth + ' > ' + e.clientWidth)"""

# Formulas wider than the column they sit in (KaTeX blocks scroll or are cut), on the visible tab.
WIDE_FORMULAS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .katex-display > .katex')]
  .filter(k => k.offsetParent)
  .filter(k => {
    const box = (k.closest('[data-testid="stColumn"]') || k.closest('[data-testid="stMainBlockContainer"]'))
      .getBoundingClientRect();
    const r = k.getBoundingClientRect();
    const shown = k.parentElement;  // the display block: it scrolls or cuts what does not fit
    return r.width > box.width + 1 || r.right > box.right + 1 || r.left < box.left - 1
      || shown.scrollWidth > shown.clientWidth + 3;  // (KaTeX's own overhang is 2 px)
  })
  .map(k => k.innerText.replace(/\\s+/g, ' ').slice(0, 60))"""

# Chart text cut off at the chart's edge, and legends drawn over an axis (its plot area, ticks or title).
CHART_PROBLEMS_JS = """() => {
  const out = [];
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  for (const plot of document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')) {
    if (!plot.offsetParent) continue;
    const box = plot.querySelector('.main-svg').getBoundingClientRect();
    for (const t of plot.querySelectorAll('.annotation-text, .gtitle, .xtitle, .ytitle, .legendtext, .xtick text, .ytick text, .cbaxis text')) {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1))
        out.push('chart text cut off: ' + t.textContent.slice(0, 40) + ' ' + JSON.stringify(
          [r.left - box.left, r.right - box.right, r.top - box.top, r.bottom - box.bottom].map(Math.round)));
    }
    const labels = [...plot.querySelectorAll('.annotation-text, .gtitle, .xtitle, .ytitle')]
      .map(e => [e.textContent, e.getBoundingClientRect()]).filter(([, r]) => r.width);
    labels.forEach(([ta, a], i) => labels.slice(i + 1).forEach(([tb, b]) => {
      if (hit(a, b)) out.push('chart labels overlap: ' + ta.slice(0, 30) + ' / ' + tb.slice(0, 30));
    }));
    const axes = [...plot.querySelectorAll('.nsewdrag, .xtitle, .ytitle, .xtick text, .ytick text')]
      .map(e => e.getBoundingClientRect()).filter(r => r.width);
    for (const legend of plot.querySelectorAll('.legend .bg')) {
      const r = legend.getBoundingClientRect();
      if (r.width && axes.some(a => hit(r, a))) out.push('legend over an axis');
    }
  }
  return [...new Set(out)];
}"""

# The largest font size of the text plotly draws (ticks, titles, legends) in the charts on the page.
CHART_FONT_JS = """() => Math.max(0, ...[...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot .xtick text')]
  .map(e => parseFloat(getComputedStyle(e).fontSize)))"""

PLANE_HEIGHT_JS = """() => Math.max(0, ...[...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
  .map(e => e.getBoundingClientRect().height))"""


def shot(page, name: str) -> None:
    """The whole page: the window made as tall as the content (Streamlit scrolls inside its main area)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    tall = page.evaluate("""() => Math.max(...['stMain', 'stSidebarContent'].map(
        id => (document.querySelector(`[data-testid="${id}"]`) || {}).scrollHeight || 0))""")
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], tall + 40), 16000)})
    page.wait_for_timeout(600)  # charts follow the new size
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(size)
    page.wait_for_timeout(300)


def charts_drawn(page) -> None:
    """Every plotly chart on the page has drawn its axes."""
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stPlotlyChart"]')]
        .every(c => c.querySelector('.main-svg'))""", timeout=60_000)


def teaching_state(page, zh: bool) -> None:
    """The playground as a class sees it: the first "Try this" preset (A/B) applied, one full step taken."""
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("button", name="应用" if zh else "Apply", exact=True).click()
    wait_idle(page)
    page.get_by_test_id("stMain").get_by_role("button", name="一步" if zh else "Step", exact=True).click()
    page.locator("p", has_text=re.compile(r"(G updated 1×|G 已更新 1 次)")).first.wait_for(timeout=60_000)
    wait_idle(page)


def principles_tabs(page, zh: bool, where: str, problems: list, code: bool) -> None:
    """Every tab of Principles (with the code beside the theory when ``code``): nothing cut off, no formula
    wider than its column; screenshots of the tabs with charts."""
    if code:
        page.get_by_text("在理论旁显示代码" if zh else "Show the code beside the theory", exact=True).click()
        wait_idle(page)
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    for i in range(tabs.count()):
        tabs.nth(i).click()
        # only the open tab is drawn (ui/tabs.py): its content arrives with the rerun the click starts
        page.get_by_test_id("stTabPanel").filter(visible=True).get_by_test_id("stMarkdownContainer").first.wait_for()
        wait_idle(page)
        page.wait_for_timeout(400)
        charts_drawn(page)
        found = page.evaluate(WIDE_FORMULAS_JS)
        problems += [f"{where} tab {i}: formula wider than its column: {w}" for w in found]
        problems += [f"{where} tab {i}: {c}" for c in page.evaluate(CLIPPED_JS) + page.evaluate(CHART_PROBLEMS_JS)]
        if i in (0, 2, 3, 4):
            shot(page, f"{where}{'-code' if code else ''}-tab{i}")
    tabs.nth(0).click()
    wait_idle(page)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_readable_normal_and_presenting(browser, server, lang):
    from .conftest import visitor

    zh = lang == "zh"
    problems, fonts, planes = [], {}, {}
    for mode in ("normal", "present"):
        with visitor(browser) as page:
            if mode == "present":
                page.set_viewport_size(PROJECTOR)
            open_page(page, server, MENU[0].url_path)
            sidebar = page.get_by_test_id("stSidebar")
            if zh:
                radio(page, "Language", "中文", scope=sidebar)
                page.get_by_test_id("stSidebarNav").get_by_role("link", name=MENU[0].zh, exact=True).wait_for()
                settled(page)
            if mode == "present":
                sidebar.get_by_text("演示模式" if zh else "Presentation mode", exact=True).click()
                settled(page)
            for i, entry in enumerate(MENU):
                if i:
                    nav(page, entry.zh if zh else entry.en)
                where = f"{i}-{entry.url_path}-{lang}-{mode}"
                if entry.url_path == "playground":
                    teaching_state(page, zh)
                charts_drawn(page)
                page.wait_for_timeout(500)  # images and fonts settle
                assert_no_exception(page)
                problems += [f"{where}: {c}" for c in page.evaluate(CLIPPED_JS) + page.evaluate(CHART_PROBLEMS_JS)]
                if mode == "present":
                    problems += [f"{where}: {c}" for c in page.evaluate(WIDE_TABLES_JS)]
                shot(page, where)
                if entry.url_path == "playground":
                    fonts[mode] = page.evaluate(CHART_FONT_JS)
                    planes[mode] = page.evaluate(PLANE_HEIGHT_JS)
                if entry.url_path == "principles":
                    principles_tabs(page, zh, where, problems, code=False)
                    if mode == "normal":
                        principles_tabs(page, zh, where, problems, code=True)
            if "playground" in [e.url_path for e in MENU]:
                nav(page, next(e.zh if zh else e.en for e in MENU if e.url_path == "playground"))
                page.get_by_test_id("stMain").get_by_role("button", name="重置" if zh else "Reset", exact=True).click()
                wait_idle(page)
    assert not problems, "\n".join(problems)
    assert fonts["normal"] > 0 and fonts["present"] >= 1.5 * fonts["normal"], fonts
    assert planes["present"] >= 1.2 * planes["normal"], planes

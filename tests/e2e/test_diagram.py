"""The playground's model diagram in a real browser: the right part lights up after D step, G step and
Step, and slow motion shows each phase with its numbers."""
from __future__ import annotations

import pytest

from .conftest import assert_no_exception, shot
from .test_browser import open_page, radio, wait_idle

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

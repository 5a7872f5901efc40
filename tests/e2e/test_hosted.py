"""Hosted mode in the browser: the sidebar says so, Generate refuses server paths with one message, and a
checkpoint zip uploaded from the browser draws samples (a hostile one gets a message)."""
from __future__ import annotations

import io
import zipfile

import pytest

from gan import hub

from .conftest import assert_no_exception, shot, streamlit_server, visitor
from .test_browser import open_page, radio, wait_idle

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


@pytest.fixture(scope="module")
def hosted_server(browser):
    with streamlit_server("server-hosted", GAN_HOSTED="1") as s:
        yield s


@pytest.fixture
def page(browser, hosted_server):  # named "page": a failure keeps a screenshot (conftest)
    with visitor(browser) as pg:
        yield pg


def test_hosted_generate_refuses_paths_and_takes_an_uploaded_zip(page, hosted_server, tmp_path):
    open_page(page, hosted_server, "generate", "Generate")
    page.get_by_test_id("stSidebar").get_by_text("Hosted mode", exact=False).wait_for()
    radio(page, "Generator", "Hub repo")
    box = page.get_by_role("textbox", name="Hub repo id")
    for path in ("/etc/passwd", "/etc", "/no/such/folder"):
        box.fill(path)
        box.press("Enter")
        # (the rerun may not have started when Enter returns: wait for its message, then for the run's end)
        page.get_by_test_id("stAlert").filter(has_text=hub.HOSTED_SOURCE_MESSAGE[:40]).first.wait_for()
        wait_idle(page)
        alerts = page.get_by_test_id("stAlert").all_inner_texts()
        assert any(hub.HOSTED_SOURCE_MESSAGE in a for a in alerts), alerts
        assert not any("passwd" in a or "config.json" in a for a in alerts), alerts
    assert_no_exception(page)
    radio(page, "Generator", "Upload a checkpoint")
    uploader = page.get_by_test_id("stFileUploaderDropzoneInput")
    evil = tmp_path / "evil.zip"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("../../outside.json", "{}")
    evil.write_bytes(buf.getvalue())
    uploader.set_input_files(str(evil))
    page.get_by_text("This checkpoint zip cannot be used").wait_for()
    good = tmp_path / "gan-studio-checkpoint.zip"
    good.write_bytes(hub.zip_checkpoint(hub.BUNDLED_DIR / "cgan-mnist"))
    uploader.set_input_files(str(good))
    page.get_by_text("your upload").first.wait_for()
    page.get_by_test_id("stImage").first.wait_for()
    assert_no_exception(page)
    shot(page, "hosted-generate-upload")

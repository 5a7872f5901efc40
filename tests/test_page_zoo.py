"""The Model zoo page: the table, offline notes, and the one-click load into the Generate page."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from streamlit.testing.v1 import AppTest

from gan import hub
from gan.models import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    torch.manual_seed(0)
    hub.save_generator(build("dcgan", latent_dim=8, width=8).eval(), tmp_path / "dcgan-tiny",
                       extra={"train_config": {"dataset": "mnist"}})
    monkeypatch.setattr(hub, "BUNDLED_DIR", tmp_path)
    return tmp_path


def test_table_lists_bundled_and_hub_models_offline(bundled, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    at = AppTest.from_file(str(ROOT / "app_pages" / "5_model_zoo.py"), default_timeout=60).run()
    assert not at.exception, [e.value for e in at.exception]
    df = at.dataframe[0].value
    assert list(df["Name"]) == ["dcgan-tiny", "huggan/dcgan-mnist"]
    assert df["Data"].tolist() == ["MNIST", "MNIST (as 64 px RGB)"]
    assert df["License"].tolist() == ["MIT", "Apache-2.0"]  # the SPDX names of the cards' mit / apache-2.0
    from gan import zoo
    entries = {e.name: e for e in zoo.catalog()}
    hub_entry, tiny = entries["huggan/dcgan-mnist"], entries["dcgan-tiny"]
    assert hub_entry.params is None and tiny.params > 1000
    assert df["Parameters"].tolist() == [f"{tiny.params:,}", "—"]  # thousands separated, no ".0", no "nan"
    assert df["Size (MB)"].iloc[1] == f"{hub_entry.size_mb:.2f}"  # 14.30, not 14.3000
    assert "needs an internet connection" in df["Where"].iloc[1]
    assert at.button(key="zoo_load_huggan/dcgan-mnist").disabled
    assert not at.button(key="zoo_load_dcgan-tiny").disabled


def test_one_click_load_opens_the_generator(bundled):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()  # registers the pages
    at.switch_page("app_pages/5_model_zoo.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="zoo_load_dcgan-tiny").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Generate"
    assert at.session_state["gen_source_kind"] == "bundled" and at.selectbox(key="gen_bundled").value == "dcgan-tiny"
    assert at.image, "the loaded generator drew a grid"


def test_presentation_mode_shows_a_plain_table_whose_cells_wrap(bundled):
    """On a projector a data grid's last columns ran past its edge: there the table is a plain one."""
    at = AppTest.from_file(str(ROOT / "app_pages" / "5_model_zoo.py"), default_timeout=60)
    at.session_state["app_present"] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.dataframe and len(at.table) == 1
    assert list(at.table[0].value["Name"]) == ["dcgan-tiny", "huggan/dcgan-mnist"]

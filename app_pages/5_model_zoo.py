"""Model zoo: every generator the app knows (bundled and on the Hub), with a one-click load.

Load sets the Generate page's state (``gen_source_kind`` plus ``gen_bundled`` or ``gen_hub_id``) and
switches to it.
"""
from __future__ import annotations

import streamlit as st

from gan import hub, zoo
from ui.errors import guard
from ui.i18n import md, tr
from ui.sidebar import table

P = "zoo_"
GENERATE_PAGE = "app_pages/4_generate.py"


def load(entry: zoo.ZooEntry) -> None:
    if entry.origin == "bundled":
        st.session_state["gen_source_kind"] = "bundled"
        st.session_state["gen_bundled"] = entry.source
    else:
        st.session_state["gen_source_kind"] = "hub"
        st.session_state["gen_hub_id"] = entry.source
    st.switch_page(GENERATE_PAGE)


def architecture(e: zoo.ZooEntry) -> str:
    return tr(e.architecture, zoo.ARCHITECTURE_ZH.get(e.family, e.architecture))


def data(e: zoo.ZooEntry) -> str:
    return tr(e.data, zoo.DATA_ZH.get(e.data, e.data))


def license_name(e: zoo.ZooEntry) -> str:
    if e.license == "unknown":
        return tr("unknown", "未知")
    return zoo.LICENSE_NAMES.get(e.license, e.license)


def status(e: zoo.ZooEntry) -> str:
    if e.origin == "bundled":
        return tr("bundled, works offline", "内置，可离线使用")
    return tr("on the Hub: downloads when first loaded", "在 Hub 上：首次加载时下载") if e.available else \
        tr("on the Hub: needs an internet connection (offline now)", "在 Hub 上：需要联网（当前离线）")


st.title(tr("Model zoo", "模型库"))
st.markdown(md("zoo"))
with guard("model zoo"):
    entries = zoo.catalog()
    rows = [{tr("Name", "名称"): e.name,
             tr("Where", "来源"): status(e),
             tr("Architecture", "架构"): architecture(e) + (tr(" · conditional", " · 条件") if e.conditional else ""),
             tr("Data", "数据"): data(e),
             tr("Size (MB)", "大小（MB）"): "—" if e.size_mb is None else f"{e.size_mb:.2f}",
             tr("Parameters", "参数量"): "—" if e.params is None else f"{e.params:,}",
             tr("License", "许可证"): license_name(e)} for e in entries]
    table(rows, key=P + "table")
    if not any(e.origin == "bundled" for e in entries):
        st.info(tr("No bundled generators in this copy of the app.", "此版本的应用没有内置生成器。"))
    if hub.hub_offline():
        st.caption(tr("Hub access is switched off on this server (HF_HUB_OFFLINE), so Hub models cannot be loaded.",
                      "本服务器关闭了 Hub 访问（HF_HUB_OFFLINE），因此无法加载 Hub 上的模型。"))
    st.subheader(tr("Load one", "加载"))
    for e in entries:
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.markdown(f"**{e.name}** · {architecture(e)} · {data(e)}  \n{status(e)}")
        if c2.button(tr("Load", "加载"), key=P + "load_" + e.name, disabled=not e.available,
                     icon=":material/open_in_new:", width="stretch"):
            load(e)

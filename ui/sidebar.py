"""The sidebar every page shares: the page menu, language, the device in use, presentation mode.

``app.py`` builds ``st.navigation`` from :func:`page_menu` and calls :func:`render_sidebar` on every
run, before ``nav.run()``. The widgets keep their
values in ``st.session_state`` under ``app_lang`` (read by :func:`ui.i18n.lang`) and ``app_present``
(read by :func:`presenting`), so the choice carries across pages.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from gan.device import device_name, pick_device
from ui.hosted import mode_caption
from ui.i18n import LANG_KEY, LANGS, tr

PRESENT_KEY = "app_present"


# Where the page scripts live, relative to the project root.
PAGES_DIR = "app_pages"


@dataclass(frozen=True)
class PageEntry:
    name: str       # the script's file name inside PAGES_DIR
    url_path: str   # stable URL, independent of the language
    icon: str
    en: str
    zh: str

    @property
    def file(self) -> str:
        """The script's path relative to the project root."""
        return f"{PAGES_DIR}/{self.name}"


# ((section in English, in Chinese), pages) in menu order.
PAGES: tuple[tuple[tuple[str, str], tuple[PageEntry, ...]], ...] = (
    (("Learn", "学习"), (
        PageEntry("0_home.py", "home", ":material/home:", "Home", "首页"),
        PageEntry("1_principles.py", "principles", ":material/school:", "Principles", "原理"),
        PageEntry("2_playground.py", "playground", ":material/scatter_plot:", "2D playground", "二维游乐场"),
    )),
    (("Train & generate", "训练与生成"), (
        PageEntry("3_train.py", "train", ":material/model_training:", "Train", "训练"),
        PageEntry("4_generate.py", "generate", ":material/auto_awesome:", "Generate", "生成"),
        PageEntry("5_model_zoo.py", "zoo", ":material/inventory_2:", "Model zoo", "模型库"),
    )),
    (("Create", "创作"), (
        PageEntry("6_style_transfer.py", "style", ":material/palette:", "Style transfer", "风格迁移"),
        PageEntry("7_own_images.py", "own-images", ":material/photo_library:", "Your images", "你的图片"),
    )),
    (("Applications", "应用"), (
        PageEntry("8a_cyclegan.py", "cyclegan", ":material/sync_alt:", "CycleGAN", "CycleGAN"),
        PageEntry("8b_super_resolution.py", "super-resolution", ":material/zoom_in:", "Super-resolution",
                  "超分辨率"),
        PageEntry("8c_data_augmentation.py", "data-augmentation", ":material/library_add:",
                  "Data augmentation", "数据增强"),
    )),
)


def page_menu(root: Path, language: str) -> list[tuple[str, list[PageEntry]]]:
    """Sections (titled in ``language``) with the pages whose script exists under ``root``.

    A page that is not written yet is simply left out, and a section with no pages is dropped.
    """
    menu = []
    for (sec_en, sec_zh), entries in PAGES:
        present = [e for e in entries if (root / e.file).is_file()]
        if present:
            menu.append((sec_zh if language == "zh" else sec_en, present))
    return menu

# Larger type and roomier spacing for a projector; the wide layout is set by app.py.
PRESENTATION_CSS = """
<style>
[data-testid="stMainBlockContainer"] p,
[data-testid="stMainBlockContainer"] li,
[data-testid="stMainBlockContainer"] label,
[data-testid="stMainBlockContainer"] button { font-size: 1.3rem !important; line-height: 1.6; }
[data-testid="stMainBlockContainer"] h1 { font-size: 3.2rem !important; }
[data-testid="stMainBlockContainer"] h2 { font-size: 2.4rem !important; }
[data-testid="stMainBlockContainer"] h3 { font-size: 1.9rem !important; }
[data-testid="stMainBlockContainer"] .katex { font-size: 1.45em !important; }
/* a displayed formula as large as that, or as large as fits the page's width (the longest is about 29 em) */
[data-testid="stMainBlockContainer"] { container-type: inline-size; }
[data-testid="stMainBlockContainer"] .katex-display > .katex { font-size: min(1.45em, 3.3cqw) !important; }
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"],
[data-testid="stMainBlockContainer"] [data-testid="stMetricValue"] * { font-size: 2.6rem !important; line-height: 1.2; }
/* labels wrap rather than end in "…"; a row of buttons wraps rather than cutting their labels short */
[data-testid="stMainBlockContainer"] [data-testid="stMetricLabel"] *,
[data-testid="stMainBlockContainer"] [data-testid="stWidgetLabel"] *,
[data-testid="stMainBlockContainer"] [data-testid="stCheckbox"] label * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMainBlockContainer"] [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] :is([data-testid="stButton"], [data-testid="stCheckbox"])) {
  flex-wrap: wrap !important; }
[data-testid="stMainBlockContainer"] [data-testid="stColumn"]:has(:is([data-testid="stButton"], [data-testid="stCheckbox"])) {
  min-width: max-content !important; }
[data-testid="stMainBlockContainer"] [data-testid="gan-diagram"] svg { max-width: 100%; height: auto; }
[data-testid="stMainBlockContainer"] [data-testid="stTabs"] [role="tablist"] { flex-wrap: wrap; }  /* every tab in view */
</style>
"""


CHART_SCALE = 1.6  # presentation mode: chart text this much larger, charts this much taller (CHART_GROW)
CHART_GROW = 1.3
WRAP_AT = 16  # presentation mode: panel titles longer than this break in two lines
_FONT_KEYS = ("font", "tickfont", "textfont", "titlefont", "insidetextfont", "outsidetextfont")


def _scale_fonts(node, scale: float) -> None:
    """Multiply every explicit font size in a plotly JSON tree by ``scale`` (in place)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in _FONT_KEYS and isinstance(v, dict) and isinstance(v.get("size"), (int, float)):
                v["size"] = v["size"] * scale
            _scale_fonts(v, scale)
    elif isinstance(node, (list, tuple)):
        for v in node:
            _scale_fonts(v, scale)


def _sized(node: dict, key: str, base: float) -> None:
    """``node[key]["size"]`` scaled from what it is, or from ``base`` when it is not set."""
    font = dict(node.get(key) or {})
    if not isinstance(font.get("size"), (int, float)):
        font["size"] = base * CHART_SCALE
    node[key] = font


def _spaces_outside_brackets(text: str) -> list[int]:
    """Where ``text`` may break: its spaces outside (...) ("相对熵 D(p_data ‖ p_g)" breaks after 相对熵)."""
    out, depth = [], 0
    for i, ch in enumerate(text):
        depth += (ch in "(（[") - (ch in ")）]")
        if ch == " " and depth == 0:
            out.append(i)
    return out


def table(rows, key: str) -> None:
    """A table of ``rows``: a scrollable, sortable grid; in presentation mode a plain table whose cells wrap
    (with the larger text the grid's last columns ran past its edge on a 1024 px projector)."""
    if presenting():
        st.table(rows, hide_index=True)
    else:
        st.dataframe(rows, hide_index=True, width="stretch", key=key)


def for_screen(fig):
    """``fig`` as the screen in use needs it: in presentation mode every text of the chart is CHART_SCALE
    times larger (titles, axes, ticks, legends, annotations, colour bars) and the chart CHART_GROW times
    taller. A plotly figure goes in, a plotly figure (or its JSON dict) comes out.

    Streamlit's chart theme gives axes, legends and titles sizes of their own, so each gets one explicitly
    (the theme's sizes times CHART_SCALE) rather than inheriting the figure's font size."""
    if not presenting():
        return fig
    spec = fig.to_plotly_json() if hasattr(fig, "to_plotly_json") else fig
    spec = {"data": [dict(t) for t in spec.get("data", [])], "layout": dict(spec.get("layout", {}))}
    _scale_fonts(spec, CHART_SCALE)  # the sizes the figure sets itself
    layout = spec["layout"]
    _sized(layout, "font", 12)
    for name in [k for k in layout if k[:5] in ("xaxis", "yaxis")] or ["xaxis", "yaxis"]:
        axis = dict(layout.get(name) or {})
        _sized(axis, "tickfont", 12)
        title = axis.get("title")
        title = dict(title) if isinstance(title, dict) else ({"text": title} if title else {})
        _sized(title, "font", 14)
        axis["title"] = title
        axis.setdefault("automargin", True)  # room for the larger tick labels
        layout[name] = axis
    legend = dict(layout.get("legend") or {})
    _sized(legend, "font", 12)
    layout["legend"] = legend
    title = layout.get("title")
    title = dict(title) if isinstance(title, dict) else ({"text": title} if title else {})
    _sized(title, "font", 16)
    layout["title"] = title
    margin = dict(layout.get("margin") or {})
    margin["r"] = max(margin.get("r", 0), 30)  # a centred panel title may reach past the last panel
    layout["margin"] = margin
    notes = []
    for a in layout.get("annotations") or []:
        a = dict(a, font=dict(a.get("font") or {}))
        a["font"].setdefault("size", 12 * CHART_SCALE)
        text = str(a.get("text") or "")
        if len(text) > WRAP_AT and " " in text and "<br>" not in text:  # a panel title wider than its panel
            cut = min(_spaces_outside_brackets(text) or [i for i, ch in enumerate(text) if ch == " "],
                      key=lambda i: abs(i - len(text) / 2))
            a["text"] = text[:cut] + "<br>" + text[cut + 1:]
            margin = dict(layout.get("margin") or {})
            margin["t"] = max(margin.get("t", 0), int(3.4 * a["font"]["size"]))  # room for the second line
            layout["margin"] = margin
        notes.append(a)
    layout["annotations"] = notes
    for trace in spec["data"]:
        if isinstance(trace.get("colorbar"), dict) or trace.get("type") in ("heatmap", "contour"):
            bar = dict(trace.get("colorbar") or {})
            _sized(bar, "tickfont", 12)
            trace["colorbar"] = bar
    if isinstance(layout.get("height"), (int, float)):
        layout["height"] = layout["height"] * CHART_GROW
    return spec


def presenting() -> bool:
    """True when the classroom presentation mode is on (pages then hide advanced controls)."""
    return bool(st.session_state.get(PRESENT_KEY, False))


@st.cache_resource(show_spinner=False)
def _device_name() -> str:
    return device_name(pick_device())


def render_sidebar() -> None:
    """Draw the shared sidebar controls and apply presentation mode."""
    with st.sidebar:
        st.radio(tr("Language", "语言"), list(LANGS), format_func=LANGS.__getitem__, key=LANG_KEY,
                 horizontal=True,
                 help=tr("Every label, help text and explanation follows this choice.",
                         "所有标签、帮助说明和讲解文字都会跟随这里的选择。"))
        st.toggle(tr("Presentation mode", "演示模式"), key=PRESENT_KEY,
                  help=tr("For classrooms: larger type, a wide layout and fewer controls on screen.",
                          "适合课堂：更大的字号、宽屏布局，屏幕上的控件更少。"))
        st.caption(tr("Computing on: ", "计算设备：") + f"**{_device_name()}**")
        mode_caption()  # hosted or local (gan.hosted)
    if presenting():
        st.markdown(PRESENTATION_CSS, unsafe_allow_html=True)

"""The playground's editor for your own points: a canvas to click, box or lasso on, a table and a CSV upload."""
from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gan.plots import toy
from gan.toy.editing import (any_outside, apply_selection, candidate_grid, checked_points, fit_points,
                             points_from_csv, table_points)
from ui.hosted import checked_upload
from ui.i18n import tr
from ui.playground_settings import P, text
from ui.sidebar import for_screen


def set_points(points: np.ndarray) -> None:
    """Make ``points`` the point set and redraw the table with them."""
    st.session_state[P + "points"] = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    st.session_state[P + "points_ver"] += 1  # a fresh table shows the new points


def on_canvas_select() -> None:
    """The canvas's selection callback: add the selected grid dots, or remove the selected points."""
    state = st.session_state.get(P + "canvas")
    selected = (state or {}).get("selection", {}).get("points", []) if state else []
    mode = "remove" if st.session_state.get(P + "draw_mode") == "remove" else "add"
    new = apply_selection(st.session_state[P + "points"], list(selected), mode)
    if len(new) != len(st.session_state[P + "points"]):
        set_points(new)


def points_editor() -> np.ndarray | None:
    """Draw, type or upload the custom points. Returns the valid point set, or None with a message."""
    with st.expander(tr("Your own points", "你自己的点"), expanded=True):
        st.caption(tr("Click a grey dot, or drag a box or lasso over the grey grid, to add points; switch to "
                      "Remove and select green points to delete them. You can also edit the table or upload a CSV "
                      "file with two columns x, y.",
                      "点击灰点，或在灰色网格上拖出矩形或套索来添加点；切换到“删除”后选择绿色的点可删除。"
                      "也可以直接编辑表格，或上传两列（x, y）的 CSV 文件。"))
        c1, c2, c3 = st.columns([2, 1, 1])
        c1.radio(tr("Selecting", "选择时"), ["add", "remove"], key=P + "draw_mode", horizontal=True,
                 format_func={"add": tr("Add", "添加"), "remove": tr("Remove", "删除")}.__getitem__)
        if c2.button(tr("Clear", "清空"), key=P + "points_clear"):
            set_points(np.zeros((0, 2), np.float32))
        if c3.button(tr("Scale to fit", "缩放以适应"), key=P + "points_fit",
                     help=tr("Centre the points and scale them into the square [-2, 2].",
                             "将点居中并缩放到 [-2, 2] 的方框内。")):
            if len(st.session_state[P + "points"]) >= 2:
                set_points(fit_points(st.session_state[P + "points"]))
        pts = st.session_state[P + "points"]
        st.plotly_chart(for_screen(toy.canvas_figure(pts, candidate_grid(), text=text())), key=P + "canvas",
                        on_select=on_canvas_select, selection_mode=("points", "box", "lasso"),
                        config={"displayModeBar": True})
        up = st.file_uploader(tr("Upload points (CSV: x, y)", "上传点（CSV：x, y）"), type=["csv", "txt"], key=P + "csv")
        st.checkbox(tr("Scale uploaded points to fit", "上传后自动缩放"), value=True, key=P + "csv_fit")
        if up is not None and st.session_state.get(P + "csv_done") != up.file_id:
            st.session_state[P + "csv_done"] = up.file_id
            try:
                loaded = points_from_csv(checked_upload(up), fit=st.session_state[P + "csv_fit"])
            except ValueError as e:
                st.error(tr("That file could not be used: ", "无法使用这个文件：") + str(e))
            else:
                set_points(loaded)
                st.rerun()
        pts = st.session_state[P + "points"]
        edited = st.data_editor(pd.DataFrame(pts, columns=["x", "y"]), num_rows="dynamic", hide_index=True,
                                key=P + f"editor_{st.session_state[P + 'points_ver']}", height=180,
                                column_config={"x": st.column_config.NumberColumn("x", format="%.3f"),
                                               "y": st.column_config.NumberColumn("y", format="%.3f")})
        table = table_points(edited)
        if table.shape != pts.shape or not np.array_equal(table, pts):
            st.session_state[P + "points"] = table  # typed edits become the point set (same table widget)
        pts = st.session_state[P + "points"]
        try:
            valid = checked_points(pts)
        except ValueError as e:
            st.warning(tr("Add at least 2 points to train on your own data", "至少需要 2 个点才能用你自己的数据训练")
                       + f" ({e}).")
            return None
        if any_outside(valid, toy.EXTENT):
            st.info(tr("Some points lie outside the square that is drawn; press Scale to fit.",
                       "有些点在绘图区域之外；请按“缩放以适应”。"))
        st.caption(tr(f"{len(valid)} points", f"共 {len(valid)} 个点"))
        return valid

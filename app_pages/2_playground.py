"""2D playground: a toy GAN trains in a background job while the page redraws its plots.

The sidebar holds the data, model and training settings; the main area has the play controls, the
live views (drawn by a polling fragment that never trains) and, for the custom dataset, the point
editor. With A/B on, a second run with exactly one setting changed trains beside the first, same seed.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, replace

import numpy as np
import pandas as pd
import streamlit as st

from gan.data import heart_points, normalise_points, parse_points_csv, validate_points
from gan.jobs import REGISTRY, limits
from gan.losses import LOSSES
from gan.plots import raster, toy
from gan.plots.training import RUN_DASH, curves_figure, curves_panels
from gan.toy.editing import apply_selection, candidate_grid
from gan.toy.snapshots import snapshot_metrics
from gan.train import TrainConfig, Trainer
from ui import jobs
from ui.errors import guard
from ui.i18n import md, tr
from ui.sidebar import presenting

P = "playground_"  # session-state prefix for this page
RUN_KEYS = {"A": "playground:A", "B": "playground:B"}  # job tags of the two runs
STEP_CAP = 50_000  # a playground run stops by itself after this many steps
IDLE_STOP_S = 60.0  # a run nobody has polled for this long stops itself (frees the job slot)
POLL_RUNNING_S = 0.15  # redraw about 6 times a second while training (the issue asks for at least 5)
CURVES_RUNNING_S = 1.0  # the curves and coverage: once a second while training
POLL_PAUSED_S = 1.0  # while paused: keep the run alive, notice a step that finished late
SNAPSHOT_S = 0.05  # the trainer snapshots the plane at least this often (so each redraw finds a new one)
STEP_WAIT_S = 3.0  # how long a step button waits for its result before the page draws

DATASETS = {"ring": ("Ring of 8", "8 个高斯环"), "grid": ("5×5 grid", "5×5 网格"), "spiral": ("Spiral", "螺旋"),
            "moons": ("Two moons", "双月"), "gaussian": ("One Gaussian", "单个高斯"),
            "custom": ("Your own points", "你自己的点")}
LOSS_NAMES = {"ns": ("non-saturating (the seed's)", "非饱和（原始代码）"),
              "minimax": ("minimax (saturating)", "极小极大（饱和）"), "lsgan": ("least squares", "最小二乘"),
              "hinge": ("hinge", "合页（hinge）"), "wgan-gp": ("WGAN-GP", "WGAN-GP")}
OPTIMIZERS = ("adam", "sgd", "rmsprop")
OPT_NAMES = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}
LRS = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 3e-2, 1e-1)
WIDTHS = (8, 16, 32, 64, 128, 256)
DEPTHS = (1, 2, 3, 4)
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu")
NOISES = ("gaussian", "uniform")
LATENTS = (1, 2, 3, 4, 8)
BATCHES = (32, 64, 128, 256, 512)
N_CRITIC = (1, 2, 3, 4, 5)
SPEEDS = {"1": 1.0, "5": 5.0, "20": 20.0, "100": 100.0, "max": 0.0}  # steps per second (0: no pause)

# Defaults of the settings widgets (key suffix -> value).
DEFAULTS = {"dataset": "ring", "loss": "ns", "opt_d": "adam", "lr_d": 1e-3, "opt_g": "adam", "lr_g": 1e-3,
            "n_critic": 1, "depth": 2, "width": 64, "activation": "relu", "latent_dim": 2, "noise": "gaussian",
            "batch": 128, "seed": 0, "ab": False, "ab_field": "loss"}
# The one setting run B may change: config field -> (English, Chinese, options).
AB_FIELDS = {
    "loss": ("loss", "损失", LOSSES), "lr_d": ("D's learning rate", "D 的学习率", LRS),
    "lr_g": ("G's learning rate", "G 的学习率", LRS), "optimizer": ("D's optimiser", "D 的优化器", OPTIMIZERS),
    "optimizer_g": ("G's optimiser", "G 的优化器", OPTIMIZERS), "n_critic": ("D steps per G step", "每步 G 对应的 D 步数", N_CRITIC),
    "depth": ("depth", "层数", DEPTHS), "width": ("width", "宽度", WIDTHS),
    "activation": ("G's activation", "G 的激活函数", ACTIVATIONS), "latent_dim": ("noise dimension", "噪声维度", LATENTS),
    "noise": ("noise type", "噪声类型", NOISES), "batch_size": ("batch size", "批大小", BATCHES),
}
SHOW_LAYERS = {"heatmap": ("D's surface", "D 的判别面"), "real": ("real", "真实"), "fake": ("generated", "生成"),
               "arrows": ("G's gradient", "G 的梯度"), "manifold": ("G's manifold", "G 的流形")}


def labels(table: dict) -> dict[str, str]:
    """Option -> label in the current language, fixed when the widget is drawn.

    (A dict rather than a lambda calling tr() later: AppTest formats options outside the script run.)
    """
    return {k: tr(v[0], v[1]) for k, v in table.items()}


def text() -> dict[str, str]:
    """Translated labels for the figure builders."""
    return {
        "real": tr("real data", "真实数据"), "fake": tr("generated G(z)", "生成的 G(z)"), "heatmap": "D(x)",
        "arrows": tr("G's gradient", "G 的梯度"), "manifold": tr("G's manifold (z grid)", "G 的流形（z 网格）"),
        "step": tr("step", "步数"), "loss": tr("loss", "损失"), "d_out": tr("D output", "D 的输出"),
        "eq_loss_d": tr("L_D at equilibrium", "均衡时的 L_D"), "eq_loss_g": tr("L_G at equilibrium", "均衡时的 L_G"),
        "eq_d": tr("D at equilibrium", "均衡时的 D"), "modes": tr("modes covered", "覆盖的模式数"),
        "hq": tr("high-quality %", "高质量样本 %"), "js": tr("JS divergence", "JS 散度"),
        "candidates": tr("click, box or lasso to add", "点击、框选或套索以添加"), "points": tr("your points", "你的点"),
    }


# --- settings ---------------------------------------------------------------------------------------

def seed_from_saved_run() -> None:
    """A new session that finds this visitor's run from the URL gets that run's settings back."""
    if st.session_state.get(P + "seeded"):
        return
    st.session_state[P + "seeded"] = True
    rec = jobs.mine(RUN_KEYS["A"])
    saved = rec.extra.get("playground") if rec is not None else None
    if saved:
        for k, v in saved["widgets"].items():
            st.session_state.setdefault(k, v)
        if saved.get("points") is not None:
            st.session_state.setdefault(P + "points", np.asarray(saved["points"], dtype=np.float32))


def init_state() -> None:
    # Widgets left out of a run (presentation mode hides some) lose their state; the shadow copy
    # saved at the end of every run brings the values back.
    saved = st.session_state.get(P + "saved", {})
    for k, v in saved.items():
        st.session_state.setdefault(k, v)
    for k, v in DEFAULTS.items():
        st.session_state.setdefault(P + k, v)
    st.session_state.setdefault(P + "points", heart_points())
    st.session_state.setdefault(P + "points_ver", 0)
    st.session_state.setdefault(P + "speed", "max")
    for name in SHOW_LAYERS:
        st.session_state.setdefault(P + "show_" + name, name != "manifold")


def settings_sidebar() -> None:
    """Every setting that defines a run. Changing one resets the run(s)."""
    advanced = not presenting()
    with st.sidebar:
        st.subheader(tr("Playground settings", "游乐场设置"))
        st.selectbox(tr("Data", "数据"), list(DATASETS), key=P + "dataset",
                     format_func=labels(DATASETS).__getitem__)
        st.selectbox(tr("Loss", "损失函数"), LOSSES, key=P + "loss", format_func=labels(LOSS_NAMES).__getitem__)
        lr_fmt = lambda v: f"{v:g}"  # noqa: E731
        c1, c2 = st.columns(2)
        c1.select_slider(tr("D learning rate", "D 学习率"), LRS, key=P + "lr_d", format_func=lr_fmt)
        c2.select_slider(tr("G learning rate", "G 学习率"), LRS, key=P + "lr_g", format_func=lr_fmt)
        if advanced:
            c1.selectbox(tr("D optimiser", "D 优化器"), OPTIMIZERS, key=P + "opt_d", format_func=OPT_NAMES.get)
            c2.selectbox(tr("G optimiser", "G 优化器"), OPTIMIZERS, key=P + "opt_g", format_func=OPT_NAMES.get)
        st.select_slider(tr("D steps per G step", "每个 G 步的 D 步数"), N_CRITIC, key=P + "n_critic")
        if advanced:
            c1, c2 = st.columns(2)
            c1.selectbox(tr("Hidden layers", "隐藏层数"), DEPTHS, key=P + "depth")
            c2.selectbox(tr("Units per layer", "每层单元数"), WIDTHS, key=P + "width")
            c1.selectbox(tr("Noise dimension", "噪声维度"), LATENTS, key=P + "latent_dim")
            c2.selectbox(tr("Noise type", "噪声类型"), NOISES, key=P + "noise",
                         format_func={"gaussian": tr("Gaussian", "高斯"), "uniform": tr("uniform", "均匀")}.__getitem__)
            c1.selectbox(tr("G activation", "G 激活函数"), ACTIVATIONS, key=P + "activation")
            c2.selectbox(tr("Batch size", "批大小"), BATCHES, key=P + "batch")
            st.number_input(tr("Seed", "随机种子"), min_value=0, max_value=2**31 - 1, step=1, key=P + "seed")
        st.divider()
        st.toggle(tr("Compare two runs (A/B)", "并排比较两次训练（A/B）"), key=P + "ab",
                  help=tr("Run B copies run A, same seed, with exactly one setting changed.",
                          "B 复制 A 的全部设置和随机种子，只改动一项。"))
        if st.session_state[P + "ab"]:
            field = st.selectbox(tr("Setting that differs in B", "B 中不同的设置"), list(AB_FIELDS), key=P + "ab_field",
                                 format_func=labels(AB_FIELDS).__getitem__)
            options = AB_FIELDS[field][2]
            a_value = getattr(config_a(), field) or getattr(config_a(), "optimizer")
            key = P + "ab_" + field
            if key not in st.session_state:
                st.session_state[key] = next((o for o in options if o != a_value), options[0])
            fmt = labels(LOSS_NAMES).__getitem__ if field == "loss" else (lambda v: f"{v:g}" if isinstance(v, float) else str(v))
            st.selectbox(tr("Its value in B", "B 中的取值"), options, key=key, format_func=fmt)
            if st.session_state[key] == a_value:
                st.warning(tr("B has the same value as A, so the two runs are identical.",
                              "B 与 A 的取值相同，两次训练将完全一样。"))
    st.session_state[P + "saved"] = widget_values()


def widget_values() -> dict:
    return {k: v for k, v in st.session_state.items()
            if isinstance(k, str) and k.startswith(P) and (k[len(P):] in DEFAULTS or k.startswith(P + "ab_"))}


def config_a() -> TrainConfig:
    s = st.session_state
    steps = min(STEP_CAP, limits()["max_steps"])
    return TrainConfig(
        model="toy", dataset=s[P + "dataset"], loss=s[P + "loss"], lr_d=float(s[P + "lr_d"]), lr_g=float(s[P + "lr_g"]),
        optimizer=s[P + "opt_d"], optimizer_g=None if s[P + "opt_g"] == s[P + "opt_d"] else s[P + "opt_g"],
        n_critic=int(s[P + "n_critic"]), depth=int(s[P + "depth"]), width=int(s[P + "width"]),
        activation=s[P + "activation"], latent_dim=int(s[P + "latent_dim"]), noise=s[P + "noise"],
        batch_size=int(s[P + "batch"]), seed=int(s[P + "seed"]), steps=steps, log_every=1, sample_every=steps,
        snapshot_seconds=SNAPSHOT_S, device="cpu")


def configs() -> dict[str, TrainConfig]:
    a = config_a()
    out = {"A": a}
    if st.session_state.get(P + "ab"):
        field = st.session_state[P + "ab_field"]
        value = st.session_state.get(P + "ab_" + field, getattr(a, field))
        if field == "optimizer_g" and value == a.optimizer:
            value = None
        out["B"] = replace(a, **{field: value})
    return out


def b_label() -> str:
    field = st.session_state[P + "ab_field"]
    value = st.session_state.get(P + "ab_" + field)
    shown = tr(*LOSS_NAMES[value]) if field == "loss" else (f"{value:g}" if isinstance(value, float) else value)
    return f"{tr(AB_FIELDS[field][0], AB_FIELDS[field][1])} = {shown}"


# --- custom points ----------------------------------------------------------------------------------

def set_points(points: np.ndarray) -> None:
    st.session_state[P + "points"] = np.asarray(points, dtype=np.float32).reshape(-1, 2)
    st.session_state[P + "points_ver"] += 1  # a fresh table shows the new points


def on_canvas_select() -> None:
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
                set_points(normalise_points(validate_points(st.session_state[P + "points"])).numpy())
        pts = st.session_state[P + "points"]
        st.plotly_chart(toy.canvas_figure(pts, candidate_grid(), text=text()), key=P + "canvas",
                        on_select=on_canvas_select, selection_mode=("points", "box", "lasso"),
                        config={"displayModeBar": True})
        up = st.file_uploader(tr("Upload points (CSV: x, y)", "上传点（CSV：x, y）"), type=["csv", "txt"], key=P + "csv")
        st.checkbox(tr("Scale uploaded points to fit", "上传后自动缩放"), value=True, key=P + "csv_fit")
        if up is not None and st.session_state.get(P + "csv_done") != up.file_id:
            st.session_state[P + "csv_done"] = up.file_id
            try:
                loaded = parse_points_csv(up.getvalue())
            except ValueError as e:
                st.error(tr("That file could not be used: ", "无法使用这个文件：") + str(e))
            else:
                if st.session_state[P + "csv_fit"]:
                    loaded = normalise_points(loaded)
                set_points(loaded[:5000].numpy())
                st.rerun()
        pts = st.session_state[P + "points"]
        edited = st.data_editor(pd.DataFrame(pts, columns=["x", "y"]), num_rows="dynamic", hide_index=True,
                                key=P + f"editor_{st.session_state[P + 'points_ver']}", height=180,
                                column_config={"x": st.column_config.NumberColumn("x", format="%.3f"),
                                               "y": st.column_config.NumberColumn("y", format="%.3f")})
        table = edited[["x", "y"]].apply(pd.to_numeric, errors="coerce").dropna().to_numpy(np.float32)
        if table.shape != pts.shape or not np.array_equal(table, pts):
            st.session_state[P + "points"] = table  # typed edits become the point set (same table widget)
        pts = st.session_state[P + "points"]
        try:
            valid = validate_points(pts).numpy()
        except ValueError as e:
            st.warning(tr("Add at least 2 points to train on your own data", "至少需要 2 个点才能用你自己的数据训练")
                       + f" ({e}).")
            return None
        if np.abs(valid).max() > toy.EXTENT:
            st.info(tr("Some points lie outside the square that is drawn; press Scale to fit.",
                       "有些点在绘图区域之外；请按“缩放以适应”。"))
        st.caption(tr(f"{len(valid)} points", f"共 {len(valid)} 个点"))
        return valid


# --- runs -------------------------------------------------------------------------------------------

def signature(cfgs: dict[str, TrainConfig], points: np.ndarray | None) -> str:
    h = hashlib.sha1(np.ascontiguousarray(points, dtype=np.float32).tobytes()).hexdigest() if points is not None else ""
    return json.dumps([{k: asdict(c) for k, c in cfgs.items()}, h], sort_keys=True, default=str)


def records(labels) -> dict[str, jobs.Job | None]:
    return {label: jobs.mine(RUN_KEYS[label]) for label in labels}


def forget_all() -> None:
    for job in records(RUN_KEYS).values():
        if job is not None:
            REGISTRY.forget(job, jobs.owner())
    st.session_state.pop(P + "fresh", None)


def fresh_view(cfgs: dict[str, TrainConfig], points: np.ndarray | None, sig: str) -> dict:
    """Trainers at step 0 (not yet running) and their first snapshots, rebuilt when the settings change."""
    fresh = st.session_state.get(P + "fresh")
    if fresh is None or fresh["sig"] != sig:
        trainers = {k: Trainer(c, toy_points=points) for k, c in cfgs.items()}
        snaps = {k: t.toy_snapshot() for k, t in trainers.items()}
        metrics = {k: [snapshot_metrics(s, cfgs[k].dataset)] for k, s in snaps.items()}
        fresh = {"sig": sig, "trainers": trainers, "snaps": snaps, "metrics": metrics}
        st.session_state[P + "fresh"] = fresh
    return fresh


def ensure_runs(cfgs, points, sig, *, paused: bool) -> dict[str, jobs.Job] | None:
    """Each run as a live background job (a thread: bench/jobs.py), started fresh or continued after it stopped."""
    recs = records(cfgs)
    needed = [k for k, r in recs.items() if r is None or not r.running]
    for k in needed:
        r = recs[k]
        if r is not None and r.step >= r.total_steps:
            st.warning(tr(f"Run {k} reached the {r.total_steps:,}-step limit of a playground run. "
                          "Press Reset to start again.",
                          f"训练 {k} 已达到游乐场单次训练 {r.total_steps:,} 步的上限。请按“重置”重新开始。"))
            return None
    cap = limits()["max_jobs"]
    if needed and REGISTRY.active() + len(needed) > cap:
        st.warning(job_limit_message())
        return None
    fresh = fresh_view(cfgs, points, sig) if any(recs[k] is None or recs[k].engine is None for k in needed) else None
    for k in needed:
        old = recs[k] if recs[k] is not None and recs[k].engine is not None else None
        trainer = old.engine.trainer if old is not None else fresh["trainers"][k]
        spec = jobs.JobSpec("train", asdict(trainer.cfg), tag=RUN_KEYS[k], payload={"trainer": trainer},
                            paused=paused, delay=delay(), idle_stop_s=IDLE_STOP_S)
        rec = jobs.start(spec, backend="thread", replace=old)
        if rec is None:
            return None
        if old is None:
            rec.toy = fresh["snaps"][k]
            rec.extra["playground"] = {"sig": sig, "metrics": list(fresh["metrics"][k]), "widgets": widget_values(),
                                       "points": None if points is None else points.tolist()}
        recs[k] = rec
    st.session_state.pop(P + "fresh", None)
    return recs


def job_limit_message() -> str:
    return tr("The server is busy: too many training runs are going on right now. Please try again in a minute.",
              "服务器繁忙：当前正在进行的训练太多。请一分钟后再试。")


def delay() -> float:
    speed = SPEEDS[st.session_state.get(P + "speed", "max")]
    return 1.0 / speed if speed > 0 else 0.0


def step_runs(recs: dict[str, jobs.Job], kind: str) -> None:
    """One manual step on every run; waits (briefly) for the results so this rerun draws them."""
    before = {}
    for k, rec in recs.items():
        jobs.control(rec, "pause")
        before[k] = rec.last
        jobs.control(rec, "step", kind)
    end = time.monotonic() + STEP_WAIT_S
    while time.monotonic() < end:
        if all(r.last is not before[k] and r.last.kind == kind for k, r in recs.items()):
            break
        time.sleep(0.01)


# --- drawing ----------------------------------------------------------------------------------------

def update_metrics(rec: jobs.Job, dataset: str) -> None:
    extra = rec.extra.get("playground")
    if extra is None or rec.toy is None:
        return
    metrics = extra["metrics"]
    step = int(rec.toy.get("step", 0))
    if not metrics or metrics[-1]["step"] != step:
        metrics.append(snapshot_metrics(rec.toy, dataset))
        if len(metrics) > 5000:
            del metrics[: len(metrics) - 5000]


def status_line(label: str, rec: jobs.Job | None, step: int) -> str:
    if rec is None:
        state = tr("ready", "就绪")
    elif rec.running:
        state = tr("paused", "已暂停") if rec.paused else tr("training", "训练中")
    else:
        status = rec.last.status if rec.last is not None else "stopped"
        state = {"done": tr("finished", "已完成"), "failed": tr("failed", "失败")}.get(status, tr("stopped", "已停止"))
    rate = ""
    if rec is not None and rec.running and not rec.paused and rec.history:
        row = rec.history[-1]
        batch = rec.spec.config["batch_size"]
        rate = " · " + tr(f"{row['images_per_sec'] / batch:,.0f} steps/s", f"每秒 {row['images_per_sec'] / batch:,.0f} 步")
    return f"**{label}** · {tr('step', '第')} {step:,}{tr('', ' 步')} · {state}{rate}"


def metric_row(label: str, cfg: TrainConfig, rec: jobs.Job | None, metrics: list[dict], multi: bool) -> None:
    sfx = f" ({label})" if multi else ""
    last = rec.history[-1] if rec is not None and rec.history else None
    m = metrics[-1] if metrics else {}
    fmt = lambda v: "—" if v is None or v != v else f"{v:.3f}"  # noqa: E731
    cols = st.columns(7 if "modes_covered" in m else 5)
    cols[0].metric("L_D" + sfx, fmt(last and last["loss_d"]))
    cols[1].metric("L_G" + sfx, fmt(last and last["loss_g"]))
    cols[2].metric("D(x)" + sfx, fmt(last and last["d_real"]))
    cols[3].metric("D(G(z))" + sfx, fmt(last and last["d_fake"]))
    cols[4].metric(tr("JS divergence", "JS 散度") + sfx, fmt(m.get("js")))
    if "modes_covered" in m:
        cols[5].metric(tr("Modes", "模式") + sfx, f"{m['modes_covered']}/{m['n_modes']}")
        cols[6].metric(tr("High quality", "高质量") + sfx, f"{100 * m['high_quality']:.0f}%")


def gather(cfgs: dict[str, TrainConfig], points: np.ndarray | None, sig: str, *, pump: bool) -> tuple:
    """(records, snapshots, metrics, histories) per run label; ``pump`` drains the jobs' queues first."""
    recs = records(list(cfgs))
    fresh = None if all(recs.values()) else fresh_view(cfgs, points, sig)
    snaps, metrics, histories = {}, {}, {}
    for k in cfgs:
        rec = recs[k]
        if rec is not None:
            if pump:
                rec.touch()
                update_metrics(rec, cfgs[k].dataset)
            snaps[k], histories[k] = rec.toy, rec.history
            metrics[k] = rec.extra.get("playground", {}).get("metrics", [])
        else:
            snaps[k], histories[k], metrics[k] = fresh["snaps"][k], [], fresh["metrics"][k]
    return recs, snaps, metrics, histories


def is_training(rec: jobs.Job | None) -> bool:
    return rec is not None and rec.running and not rec.paused


def picture_width(multi: bool) -> int:
    """Pixel width of the live plane: about the width the interactive figure takes in the same layout
    (side by side, a little more than a column, so the browser scales it down, not up)."""
    if presenting():  # wide layout
        return 640 if multi else 720
    return 400 if multi else 560


def legend_html(show: dict[str, bool], txt: dict[str, str]) -> str:
    """The live picture's legend, translated (the picture itself carries only numbers)."""
    items = []
    if show.get("heatmap"):
        items.append(f'<span style="background:linear-gradient(90deg,{toy.D_COLORSCALE[0][1]},#fff,'
                     f'{toy.D_COLORSCALE[-1][1]});padding:0 0.9em;border:1px solid #ccc"></span> '
                     f'{txt["heatmap"]} {tr("(bar on the right)", "（右侧色条）")}')
    for name, mark in (("real", "●"), ("fake", "●"), ("arrows", "→"), ("manifold", "#")):
        if show.get(name):
            color = toy.COLORS[{"arrows": "arrow"}.get(name, name)]
            items.append(f'<span style="color:{color};font-weight:bold">{mark}</span> {txt[name]}')
    return '<div style="font-size:0.85em;margin-top:-0.6em">' + " &nbsp; ".join(items) + "</div>"


def draw_plane(cfgs: dict[str, TrainConfig], points: np.ndarray | None, sig: str) -> None:
    """The fast views: drains the jobs' queues, draws the plane(s) and the headline numbers; never trains."""
    labels = list(cfgs)
    show = {name: bool(st.session_state.get(P + "show_" + name)) for name in SHOW_LAYERS}
    cols = st.columns(len(SHOW_LAYERS))
    for col, (name, (en, zh)) in zip(cols, SHOW_LAYERS.items()):
        col.checkbox(tr(en, zh), key=P + "show_" + name)
    recs, snaps, metrics, _ = gather(cfgs, points, sig, pump=True)
    for k in labels:
        rec = recs[k]
        if rec is not None and rec.last is not None and rec.last.status == "failed":
            st.warning(tr(f"Run {k}: ", f"训练 {k}：") + rec.last.message)
        if rec is not None and rec.error:
            st.error(tr(f"Run {k} stopped because of an error on the server.", f"训练 {k} 因服务器错误而停止。"))
    multi = len(labels) > 1
    txt = text()
    plane_cols = st.columns(len(labels)) if multi else [st.container()]
    for col, k in zip(plane_cols, labels):
        with col:
            step = int(snaps[k].get("step", 0)) if snaps[k] else 0
            title = None
            if multi:
                title = tr("A (as set)", "A（当前设置）") if k == "A" else "B: " + b_label()
            st.markdown(status_line(k if multi else tr("Run", "训练"), recs[k], step)
                        + (f" — {title}" if title else ""))
            if snaps[k] is None:
                continue
            if is_training(recs[k]):  # a picture: cheap for the browser to show 5 times a second
                # side by side, the columns' width is not known here: the browser scales the picture to fit
                st.image(raster.plane_image(snaps[k], show=show, size=picture_width(multi)), output_format="JPEG",
                         width="stretch" if multi else picture_width(multi))
                st.markdown(legend_html(show, txt), unsafe_allow_html=True)
            else:  # paused or not started: the interactive figure (hover for D(x), zoom)
                st.plotly_chart(toy.plane_figure(snaps[k], show=show, text=txt, height=380 if multi else 480,
                                                 validate=False),
                                key=P + "plane_" + k, config={"displayModeBar": False})
    for k in labels:
        metric_row(k, cfgs[k], recs[k], metrics[k], multi)


def series_legend(panels: list[dict]) -> str:
    """HTML legend for the series of :func:`gan.plots.training.curves_panels` pictures: a line sample per name."""
    style = {"solid": "solid", "dash": "dashed", "dot": "dotted", "dashdot": "dashed"}
    items, seen = [], set()
    for panel in panels:
        for ser in panel["series"]:
            if ser["name"] in seen:
                continue
            seen.add(ser["name"])
            items.append(f'<span style="display:inline-block;width:1.8em;vertical-align:middle;border-top:2px '
                         f'{style.get(ser["dash"], "solid")} {ser["color"]}"></span> {ser["name"]}')
    return '<div style="font-size:0.8em;line-height:1.7">' + " &nbsp; ".join(items) + "</div>"


def curve_pictures(histories: dict, losses: dict, metrics: dict, txt: dict) -> None:
    """The curves and coverage as pictures: what the browser can keep up with while training."""
    width = 1000 if presenting() else 700
    panels = curves_panels(histories, losses, text=txt)
    for panel in panels:
        st.caption(f"**{panel['title']}**")
        st.image(raster.panel_image(panel, width=width, height=160))
    st.markdown(series_legend(panels), unsafe_allow_html=True)
    cov = toy.coverage_panels(metrics, text=txt)
    for col, panel in zip(st.columns(len(cov)), cov):
        with col:
            st.caption(f"**{panel['title']}**")
            st.image(raster.panel_image(panel, width=width // len(cov) - 16, height=150))
    if len(metrics) > 1:  # which line is which run
        runs = [dict(name=tr(f"run {k}", f"训练 {k}"), color="#555555", dash=RUN_DASH[i % len(RUN_DASH)])
                for i, k in enumerate(metrics)]
        st.markdown(series_legend([{"series": runs}]), unsafe_allow_html=True)


def draw_curves(cfgs: dict[str, TrainConfig], points: np.ndarray | None, sig: str) -> None:
    """The slower views: loss / D-output curves and coverage over time (history changes little per 0.2 s).

    Pictures while a run trains, interactive figures (hover, zoom) once every run is paused or stopped.
    """
    recs, _, metrics, histories = gather(cfgs, points, sig, pump=False)
    txt = text()
    losses = {k: c.loss for k, c in cfgs.items()}
    if any(is_training(r) for r in recs.values()):
        curve_pictures(histories, losses, metrics, txt)
        return
    st.plotly_chart(curves_figure(histories, losses, text=txt, validate=False), key=P + "curves",
                    config={"displayModeBar": False})
    st.plotly_chart(toy.coverage_figure(metrics, text=txt, validate=False), key=P + "coverage",
                    config={"displayModeBar": False})


def live_views(cfgs, points, sig) -> None:
    """Two polling fragments: the plane and numbers 5 times a second, the curves once a second.

    While training, every view is a picture (``raster.plane_image`` / ``raster.panel_image``): in a real
    Chromium, re-rendering the interactive plotly charts every 0.2 s got about 1 visible update/s on
    the screen, pictures 5. Paused or stopped, the same views are interactive charts again.
    """
    def every(fast: float):
        def interval(found: list[jobs.Job]) -> float | None:
            alive = [r for r in found if r.running]
            return (fast if any(not r.paused for r in alive) else POLL_PAUSED_S) if alive else None
        return interval

    def plane() -> None:
        with guard("playground views"):
            draw_plane(cfgs, points, sig)

    def curves() -> None:
        with guard("playground curves"):
            draw_curves(cfgs, points, sig)

    jobs.live(lambda: list(records(cfgs).values()), [(plane, every(POLL_RUNNING_S)), (curves, every(CURVES_RUNNING_S))])


# --- page -------------------------------------------------------------------------------------------

seed_from_saved_run()
init_state()
st.title(tr("2D playground", "二维游乐场"))
st.caption(tr("A small GAN learns a 2D distribution while you watch. Green: real data; purple: what G makes; the "
              "background is D's verdict; arrows show where G's gradient pushes its points.",
              "一个小型 GAN 在你眼前学习一个二维分布。绿色：真实数据；紫色：G 生成的点；背景是 D 的判断；"
              "箭头表示 G 的梯度把它的点推向哪里。"))
settings_sidebar()

with guard("playground"):
    cfgs = configs()
    points = None
    if cfgs["A"].dataset == "custom":
        points = points_editor()
    if cfgs["A"].dataset == "custom" and points is None and any(records(RUN_KEYS).values()):
        forget_all()  # the point set the run trained on is gone
    if cfgs["A"].dataset != "custom" or points is not None:
        sig = signature(cfgs, points)
        recs = records(RUN_KEYS)
        stale = [k for k, r in recs.items() if r is not None
                 and (k not in cfgs or r.extra.get("playground", {}).get("sig") != sig)]
        if stale:  # the settings changed: start over from step 0
            forget_all()
            st.toast(tr("Settings changed: the playground was reset.", "设置已更改：游乐场已重置。"))
        recs = records(cfgs)
        alive = [r for r in recs.values() if r is not None and r.running]
        training = any(not r.paused for r in alive)

        c = st.columns([1.2, 1, 1, 1, 1, 2.2], vertical_alignment="bottom")
        play = c[0].button(tr("Pause", "暂停") if training else tr("Play", "开始"), key=P + "play", type="primary",
                           icon=":material/pause:" if training else ":material/play_arrow:")
        step_d = c[1].button(tr("D step", "D 一步"), key=P + "step_d",
                             help=tr("One update of the discriminator only.", "只更新判别器一次。"))
        step_g = c[2].button(tr("G step", "G 一步"), key=P + "step_g",
                             help=tr("One update of the generator only.", "只更新生成器一次。"))
        step_both = c[3].button(tr("Step", "一步"), key=P + "step_both",
                                help=tr("One full step: D (as many times as set), then G.",
                                        "完整的一步：先按设置更新 D，再更新 G。"))
        reset = c[4].button(tr("Reset", "重置"), key=P + "reset")
        c[5].select_slider(tr("Speed (steps/s)", "速度（步/秒）"), list(SPEEDS), key=P + "speed",
                           format_func={**{s: s for s in SPEEDS}, "max": tr("max", "最快")}.__getitem__)
        for r in alive:
            jobs.control(r, "delay", delay())

        changed = False
        if reset:
            forget_all()
            changed = True
        elif play and training:
            for r in alive:
                jobs.control(r, "pause")
            changed = True
        elif play:
            started = ensure_runs(cfgs, points, sig, paused=False)
            for r in (started or {}).values():
                jobs.control(r, "resume")
            changed = started is not None
        elif step_d or step_g or step_both:
            started = ensure_runs(cfgs, points, sig, paused=True)
            if started:
                step_runs(started, "d" if step_d else "g" if step_g else "both")
        if changed:
            st.rerun()  # redraw the buttons for the new state

        live_views(cfgs, points, sig)

with st.expander(tr("How to read the playground, and what to try", "如何看懂游乐场，以及可以尝试什么"),
                 expanded=presenting()):
    st.markdown(md("playground"))

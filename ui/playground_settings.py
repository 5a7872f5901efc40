"""The playground's settings: option tables and labels, the settings sidebar, and the run configs it defines."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from gan.data import heart_points
from gan.jobs import limits
from gan.losses import LOSSES
from gan.toy import presets as toy_presets
from gan.train import TrainConfig
from ui.i18n import tr
from ui.sidebar import presenting

P = "playground_"  # session-state prefix for this page
STEP_CAP = 50_000  # a playground run stops by itself after this many steps
SNAPSHOT_S = 0.05  # the trainer snapshots the plane at least this often (so each redraw finds a new one)


DATASETS = {"ring": ("Ring of 8", "8 个高斯环"), "grid": ("5×5 grid", "5×5 网格"), "spiral": ("Spiral", "螺旋"),
            "moons": ("Two moons", "双月"), "gaussian": ("One Gaussian", "单个高斯"),
            "custom": ("Your own points", "你自己的点")}
LOSS_NAMES = {"ns": ("non-saturating (Goodfellow et al. 2014)", "非饱和（Goodfellow 等，2014）"),
              "minimax": ("minimax (the paper's original objective)", "极小极大（论文最初的目标函数）"), "lsgan": ("least squares", "最小二乘"),
              "hinge": ("hinge", "合页损失"), "wgan-gp": ("WGAN-GP", "WGAN-GP")}
OPTIMIZERS = ("adam", "sgd", "rmsprop")
OPT_NAMES = {"adam": "Adam", "sgd": "SGD", "rmsprop": "RMSprop"}
LRS = (1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 3e-2, 1e-1)
WIDTHS = (8, 16, 32, 64, 128, 256)
DEPTHS = (1, 2, 3, 4)
ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu")
ACTIVATION_NAMES = {"relu": "ReLU", "leaky_relu": "LeakyReLU", "tanh": "tanh", "elu": "ELU"}  # names, in every language
NOISES = ("gaussian", "uniform")
LATENTS = (1, 2, 3, 4, 8)
BATCHES = (32, 64, 128, 256, 512)
N_CRITIC = (1, 2, 3, 4, 5)
G_STEPS = (1, 2, 3, 4, 5)
SPEEDS = {"1": 1.0, "5": 5.0, "20": 20.0, "100": 100.0, "max": 0.0}  # steps per second (0: no pause)

# Defaults of the settings widgets (key suffix -> value).
DEFAULTS = {"dataset": "ring", "loss": "ns", "opt_d": "adam", "lr_d": 1e-3, "opt_g": "adam", "lr_g": 1e-3,
            "n_critic": 1, "g_steps": 1, "depth": 2, "width": 64, "depth_d": 2, "width_d": 64, "activation": "relu",
            "latent_dim": 2, "noise": "gaussian", "batch": 128, "seed": 0, "ab": False, "ab_field": "loss"}
# The one setting run B may change: config field -> (English, Chinese, options).
AB_FIELDS = {
    "loss": ("loss", "损失", LOSSES), "lr_d": ("D's learning rate", "D 的学习率", LRS),
    "lr_g": ("G's learning rate", "G 的学习率", LRS), "optimizer": ("D's optimiser", "D 的优化器", OPTIMIZERS),
    "optimizer_g": ("G's optimiser", "G 的优化器", OPTIMIZERS), "n_critic": ("D steps per G step", "每步 G 对应的 D 步数", N_CRITIC),
    "g_steps": ("G updates per step", "每步的 G 更新次数", G_STEPS),
    "depth": ("depth of G and D", "G 和 D 的层数", DEPTHS), "width": ("width of G and D", "G 和 D 的宽度", WIDTHS),
    "depth_d": ("D's depth", "D 的层数", DEPTHS), "width_d": ("D's width", "D 的宽度", WIDTHS),
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
        "kl": tr("KL(p_data ‖ p_g)", "相对熵 D(p_data ‖ p_g)"),
        "candidates": tr("click, box or lasso to add", "点击、框选或套索以添加"), "points": tr("your points", "你的点"),
    }


def init_state() -> None:
    """Every setting's default (or its value from the last run of the script), the heart as the custom points."""
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


# the options each settings key offers (a value from elsewhere, a preset or a saved file, must be one of them)
OPTIONS = {"dataset": tuple(DATASETS), "loss": tuple(LOSSES), "opt_d": OPTIMIZERS, "opt_g": OPTIMIZERS, "lr_d": LRS,
           "lr_g": LRS, "n_critic": N_CRITIC, "g_steps": G_STEPS, "depth": DEPTHS, "width": WIDTHS, "depth_d": DEPTHS,
           "width_d": WIDTHS, "activation": ACTIVATIONS, "latent_dim": LATENTS, "noise": NOISES, "batch": BATCHES}


def field_value(cfg: TrainConfig, field: str):
    """A config field as the settings show it: D's size and G's optimiser spelled out where the config
    says "as the other one" (None)."""
    fallback = {"width_d": "width", "depth_d": "depth", "optimizer_g": "optimizer"}
    value = getattr(cfg, field)
    return getattr(cfg, fallback[field]) if value is None and field in fallback else value


def settings_of(cfg: TrainConfig) -> dict:
    """The settings (key -> value) that give run A ``cfg``; ValueError naming the first value the settings
    do not offer."""
    field_of = {"batch": "batch_size", "opt_d": "optimizer", "opt_g": "optimizer_g"}
    out = {}
    for key, options in OPTIONS.items():
        value = field_value(cfg, field_of.get(key, key))
        if value not in options:
            raise ValueError(f"{key} = {value!r} is not one of the playground's settings")
        out[key] = value
    if not (isinstance(cfg.seed, int) and 0 <= cfg.seed < 2**31):
        raise ValueError("the seed is not one the playground takes")
    out["seed"] = cfg.seed
    return out


def apply_preset() -> None:
    """Set every setting of the chosen "try this" preset (a widget callback: runs before the widgets are drawn)."""
    name = st.session_state.get(P + "preset")
    preset = toy_presets.PRESETS.get(name)
    if preset is None:
        return
    for key, value in settings_of(toy_presets.config(preset, 0)).items():
        st.session_state[P + key] = value
    st.session_state[P + "ab"] = preset.ab is not None
    if preset.ab is not None:
        st.session_state[P + "ab_field"] = preset.ab[0]
        st.session_state[P + "ab_" + preset.ab[0]] = preset.ab[1]
    st.session_state[P + "pending_d"] = preset.d_first  # the page runs these D updates once the runs exist


def preset_picker() -> None:
    """The "try this" presets: one click sets data, loss, learning rates, D steps, capacity, seed and A/B."""
    names = list(toy_presets.PRESETS)
    chosen = st.selectbox(tr("Try this (sets everything)", "试一试（一次设好全部设置）"), names, key=P + "preset",
                          format_func={k: tr(*p.title) for k, p in toy_presets.PRESETS.items()}.__getitem__)
    if chosen in toy_presets.PRESETS:  # in full: the narrow sidebar cuts long names in the box
        st.caption(tr("Chosen: ", "已选：") + tr(*toy_presets.PRESETS[chosen].title))
    st.button(tr("Apply", "应用"), key=P + "apply_preset", on_click=apply_preset, width="stretch")


def settings_sidebar() -> None:
    """Every setting that defines a run. Changing one resets the run(s)."""
    advanced = not presenting()
    with st.sidebar:
        st.subheader(tr("Playground settings", "游乐场设置"))
        preset_picker()
        st.selectbox(tr("Data", "数据"), list(DATASETS), key=P + "dataset",
                     format_func=labels(DATASETS).__getitem__)
        # (a list, not a select box: the field's names are longer than the sidebar's box is wide)
        st.radio(tr("Loss", "损失函数"), LOSSES, key=P + "loss", format_func=labels(LOSS_NAMES).__getitem__)
        lr_fmt = lambda v: f"{v:g}"  # noqa: E731
        c1, c2 = st.columns(2)
        c1.select_slider(tr("D learning rate", "D 学习率"), LRS, key=P + "lr_d", format_func=lr_fmt)
        c2.select_slider(tr("G learning rate", "G 学习率"), LRS, key=P + "lr_g", format_func=lr_fmt)
        if advanced:
            c1.selectbox(tr("D optimiser", "D 优化器"), OPTIMIZERS, key=P + "opt_d", format_func=OPT_NAMES.get)
            c2.selectbox(tr("G optimiser", "G 优化器"), OPTIMIZERS, key=P + "opt_g", format_func=OPT_NAMES.get)
        c1, c2 = st.columns(2)
        c1.select_slider(tr("D steps per G step", "每个 G 步的 D 步数"), N_CRITIC, key=P + "n_critic")
        c2.select_slider(tr("G updates per step", "每步的 G 更新次数"), G_STEPS, key=P + "g_steps",
                         help=tr("k: a full step updates D as many times as set on the left, then G k times.",
                                 "k：完整的一步先按左边的设置更新 D，再更新 G k 次。"))
        if advanced:
            c1, c2 = st.columns(2)
            c1.selectbox(tr("G: hidden layers", "G：隐藏层数"), DEPTHS, key=P + "depth")
            c2.selectbox(tr("D: hidden layers", "D：隐藏层数"), DEPTHS, key=P + "depth_d")
            c1.selectbox(tr("G: units per layer", "G：每层单元数"), WIDTHS, key=P + "width")
            c2.selectbox(tr("D: units per layer", "D：每层单元数"), WIDTHS, key=P + "width_d")
            c1.selectbox(tr("Noise dimension", "噪声维度"), LATENTS, key=P + "latent_dim")
            c2.selectbox(tr("Noise type", "噪声类型"), NOISES, key=P + "noise",
                         format_func={"gaussian": tr("Gaussian", "高斯"), "uniform": tr("uniform", "均匀")}.__getitem__)
            c1.selectbox(tr("G activation", "G 激活函数"), ACTIVATIONS, key=P + "activation",
                         format_func=ACTIVATION_NAMES.__getitem__)
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
            a_value = field_value(config_a(), field)
            key = P + "ab_" + field
            if key not in st.session_state:
                st.session_state[key] = next((o for o in options if o != a_value), options[0])
            if field == "loss":  # a list, as for A's loss: the names are longer than a box in the sidebar
                st.radio(tr("Its value in B", "B 中的取值"), options, key=key, format_func=labels(LOSS_NAMES).__getitem__)
            else:
                st.selectbox(tr("Its value in B", "B 中的取值"), options, key=key,
                             format_func=lambda v: f"{v:g}" if isinstance(v, float) else str(v))
            if st.session_state[key] == a_value:
                st.warning(tr("B has the same value as A, so the two runs are identical.",
                              "B 与 A 的取值相同，两次训练将完全一样。"))
    st.session_state[P + "saved"] = widget_values()


def widget_values() -> dict:
    """The settings widgets' values by key (saved with a run, restored when a session finds it again)."""
    return {k: v for k, v in st.session_state.items()
            if isinstance(k, str) and k.startswith(P) and (k[len(P):] in DEFAULTS or k.startswith(P + "ab_"))}


def config_a() -> TrainConfig:
    """Run A's config: the settings as set."""
    s = st.session_state
    steps = min(STEP_CAP, limits()["max_steps"])
    return TrainConfig(
        model="toy", dataset=s[P + "dataset"], loss=s[P + "loss"], lr_d=float(s[P + "lr_d"]), lr_g=float(s[P + "lr_g"]),
        optimizer=s[P + "opt_d"], optimizer_g=None if s[P + "opt_g"] == s[P + "opt_d"] else s[P + "opt_g"],
        n_critic=int(s[P + "n_critic"]), g_steps=int(s[P + "g_steps"]), depth=int(s[P + "depth"]),
        width=int(s[P + "width"]), depth_d=None if s[P + "depth_d"] == s[P + "depth"] else int(s[P + "depth_d"]),
        width_d=None if s[P + "width_d"] == s[P + "width"] else int(s[P + "width_d"]),
        activation=s[P + "activation"], latent_dim=int(s[P + "latent_dim"]), noise=s[P + "noise"],
        batch_size=int(s[P + "batch"]), seed=int(s[P + "seed"]), steps=steps, log_every=1, sample_every=steps,
        snapshot_seconds=SNAPSHOT_S, device="cpu",
        # WGAN-GP is trained with Adam's betas (0, 0.9), as Gulrajani et al. (2017) do
        **(dict(zip(("beta1", "beta2"), toy_presets.WGAN_BETAS)) if s[P + "loss"] == "wgan-gp" else {}))


def configs() -> dict[str, TrainConfig]:
    """The config of each run by label: A, and with A/B on, B (A with the one setting changed)."""
    a = config_a()
    out = {"A": a}
    if st.session_state.get(P + "ab"):
        field = st.session_state[P + "ab_field"]
        value = st.session_state.get(P + "ab_" + field, field_value(a, field))
        changes = {field: value}
        if field in ("width", "depth"):  # the size of both networks
            changes[field + "_d"] = None
        same_as = {"optimizer_g": a.optimizer, "width_d": a.width, "depth_d": a.depth}
        if field in same_as and value == same_as[field]:
            changes[field] = None  # "as the other one", as run A's config spells it
        out["B"] = replace(a, **changes)
    return out


def b_label() -> str:
    """What differs in run B, as "setting = value"."""
    field = st.session_state[P + "ab_field"]
    value = st.session_state.get(P + "ab_" + field)
    shown = tr(*LOSS_NAMES[value]) if field == "loss" else (f"{value:g}" if isinstance(value, float) else value)
    return f"{tr(AB_FIELDS[field][0], AB_FIELDS[field][1])} = {shown}"

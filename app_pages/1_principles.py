"""Principles: the theory of GANs with live plots, a 1D example and the project's own code beside it."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from gan import codeview, oned
from gan.plots import principles
from ui.errors import guard
from ui.i18n import md, tr
from ui.sidebar import for_screen, presenting
from ui.tabs import lazy_tabs

P = "principles_"  # session-state prefix for this page
ONED_STEPS = 50

# What each marker in the source implements, in both languages.
MARK_NOTES: dict[str, tuple[str, str]] = {
    "L_D": ("discriminator loss L_D = −[E log D(x) + E log(1 − D(G(z)))]",
            "判别器损失 L_D = −[E log D(x) + E log(1 − D(G(z)))]"),
    "L_G": ("non-saturating generator loss L_G = −E log D(G(z))",
            "非饱和生成器损失 L_G = −E log D(G(z))"),
    "L_G minimax": ("minimax (saturating) generator loss E log(1 − D(G(z)))",
                    "极小极大（饱和）生成器损失 E log(1 − D(G(z)))"),
    "GP": ("gradient penalty λ·E(‖∇D(x̂)‖₂ − 1)²", "梯度惩罚 λ·E(‖∇D(x̂)‖₂ − 1)²"),
    "generate": ("step 2, generate: draw z and compute G(z)", "第 2 步 生成：抽取 z 并计算 G(z)"),
    "classify": ("step 3, classify: D scores real and fake samples, L_D is computed",
                 "第 3 步 分类：D 为真假样本打分，计算 L_D"),
    "update D": ("step 4, update D: back-propagate L_D and step D's optimiser",
                 "第 4 步 更新 D：反向传播 L_D，D 的优化器走一步"),
    "update G": ("step 4, update G: back-propagate L_G and step G's optimiser",
                 "第 4 步 更新 G：反向传播 L_G，G 的优化器走一步"),
}

CODE_FOR: dict[str, list[str]] = {
    "intro": ["gan.models.dcgan.DCGANGenerator", "gan.models.dcgan.DCGANDiscriminator"],
    "training": ["gan.train.Trainer._d_step", "gan.train.Trainer._g_step"],
    "losses": ["gan.losses.d_loss", "gan.losses.g_loss"],
    "stability": ["gan.losses.gradient_penalty"],
}
LOSS_FORMULAS = {"ns": "−log D(G(z))", "minimax": "log(1 − D(G(z)))"}
ALL_CODE = [name for names in CODE_FOR.values() for name in names]


# --- The code view ---------------------------------------------------------------------------------

def short_name(name: str) -> str:
    """"gan.train.Trainer._d_step" -> "Trainer._d_step"; "gan.losses.d_loss" -> "losses.d_loss"."""
    return ".".join(name.split(".")[-2:])


def render_snippet(name: str) -> None:
    snip = codeview.snippet(name)  # read on every run, so the page always shows the code that runs
    if snip is None:
        st.info(tr(f"`{name}` is not part of this version of the project.",
                   f"本版本的项目中没有 `{name}`。"))
        return
    st.markdown(f"**`{name}`** · `{snip.path}`" + tr(", lines", "，第") + f" {snip.first_line}–{snip.last_line}"
                + tr("", " 行"))
    st.code(snip.code, language="python", line_numbers=True)
    if not snip.marks:
        st.caption(tr("Shown whole: no formula or step markers in this code.",
                      "完整显示：这段代码中没有公式或步骤标记。"))
        return
    notes = []
    for mark in snip.marks:
        en, zh = MARK_NOTES.get(mark.label, (mark.text, mark.text))
        notes.append(tr(f"- lines **{mark.lines()}** — {en}", f"- 第 **{mark.lines()}** 行 — {zh}"))
    st.markdown("\n".join(notes))


def code_panel(names: list[str]) -> None:
    st.markdown(tr("**The code**", "**代码**"))
    for name in names:
        with st.expander(f"`{short_name(name)}`", expanded=len(names) == 1):
            render_snippet(name)


def section(topic: str, body: Callable[[], None]) -> None:
    """Theory for ``topic``; with the code view on, the matching source sits beside it."""
    names = CODE_FOR.get(topic)
    if names and st.session_state.get(P + "show_code") and not presenting():
        left, right = st.columns([3, 2], gap="medium")
        with left:
            body()
        with right:
            code_panel(names)
    else:
        body()


# --- Sections --------------------------------------------------------------------------------------

def intro() -> None:
    st.markdown(md("principles_intro"))
    st.latex(r"\begin{gathered} G:\; z \sim \mathcal N(0, I) \;\mapsto\; G(z) \\ "
             r"D:\; x \;\mapsto\; D(x) = \sigma(\ell(x)) \in (0, 1) \end{gathered}")


def training() -> None:
    st.markdown(md("principles_training"))


def losses_section() -> None:
    st.session_state.setdefault(P + "sat_s", 0.05)
    st.latex(r"L_D = -\Big[\,\mathbb E_{x\sim p_{\mathrm{data}}}\log D(x) \;+\; "
             r"\mathbb E_{z\sim p_z}\log\big(1 - D(G(z))\big)\Big]")
    st.latex(r"L_G = -\,\mathbb E_{z\sim p_z}\log D(G(z))")
    st.caption(tr("Non-saturating generator loss (this project's default). Below: the original minimax "
                  "generator loss and the game it comes from.",
                  "非饱和生成器损失（本项目的默认选择）。下面是最初的极小极大生成器损失及其来源的博弈。"))
    st.latex(r"\begin{gathered} L_G^{\text{minimax}} = \mathbb E_{z\sim p_z}\log\big(1 - D(G(z))\big) \\ "
             r"\min_G \max_D \; \mathbb E_x \log D(x) + \mathbb E_z \log\big(1 - D(G(z))\big) \end{gathered}")
    st.markdown(md("principles_losses"))
    st.subheader(tr("Why the minimax loss saturates", "为什么极小极大损失会饱和"))
    st.markdown(md("principles_saturation"))
    with guard("saturation plot"):
        s = st.slider(tr("D(G(z)) — how real the discriminator thinks a fake is",
                         "D(G(z))——判别器认为假样本有多真"),
                      min_value=0.01, max_value=0.99, step=0.01, key=P + "sat_s",
                      help=tr("Early in training this is close to 0.", "训练初期这个值接近 0。"))
        st.plotly_chart(for_screen(principles.saturation_figure(s, text=_saturation_text())), key=P + "sat_fig")
        c1, c2 = st.columns(2)
        c1.metric(tr("|gradient|, minimax", "|梯度|，极小极大"), f"{s:.3f}")
        c2.metric(tr("|gradient|, non-saturating", "|梯度|，非饱和"), f"{1 - s:.3f}")


def optimal_section() -> None:
    st.latex(r"D^*(x) = \frac{p_{\mathrm{data}}(x)}{p_{\mathrm{data}}(x) + p_g(x)}")
    st.markdown(md("principles_optimal"))
    st.latex(r"p_g = p_{\mathrm{data}} \;\Rightarrow\; D^* \equiv \tfrac12, \qquad "
             r"L_D = -\big[\log\tfrac12 + \log\tfrac12\big] = 2\ln 2 \approx 1.386")
    st.subheader(tr("Live 1D example", "一维实时示例"))
    st.markdown(md("principles_oned"))
    with guard("1D example"):
        oned_example()


def _oned_seed3() -> None:
    """The 1D "try this": the bimodal target with seed 3 (tests/test_oned.py checks what the text says)."""
    st.session_state[P + "oned_dist"], st.session_state[P + "oned_seed"] = "bimodal", 3
    st.session_state[P + "oned_loss"] = "ns"


def oned_example() -> None:
    for k, v in (("oned_dist", "bimodal"), ("oned_loss", "ns"), ("oned_seed", 0), ("oned_lr", 2e-3)):
        st.session_state.setdefault(P + k, v)
    if not presenting():
        with st.expander(tr("Settings", "设置")):
            # Option labels are formulas, the same in both languages.
            dist = st.selectbox(tr("Real distribution", "真实分布"), list(oned.DISTRIBUTIONS), key=P + "oned_dist",
                                format_func=lambda k: oned.DISTRIBUTIONS[k].describe())
            loss = st.radio(tr("Generator loss", "生成器损失"), ["ns", "minimax"], key=P + "oned_loss",
                            horizontal=True, format_func=LOSS_FORMULAS.__getitem__,
                            help=tr("Non-saturating −log D(G(z)) or the original minimax log(1 − D(G(z))).",
                                    "非饱和 −log D(G(z))，或最初的极小极大形式 log(1 − D(G(z)))。"))
            seed = int(st.number_input(tr("Seed", "随机种子"), min_value=0, max_value=9999, step=1,
                                       key=P + "oned_seed"))
            lr = st.select_slider(tr("Learning rate (both networks)", "学习率（两个网络）"),
                                  options=[5e-4, 1e-3, 2e-3, 5e-3], key=P + "oned_lr",
                                  format_func=lambda v: f"{v:g}")
    s = st.session_state  # presentation mode hides the settings; their values stay in the session
    dist, loss, seed, lr = s[P + "oned_dist"], s[P + "oned_loss"], int(s[P + "oned_seed"]), s[P + "oned_lr"]
    cfg = (dist, loss, seed, lr)
    b1, b2, b3 = st.columns([2, 1, 3])  # (the "try" label is the longest)
    b3.button(tr("Try: seed 3 (one mode first)", "试一试：随机种子 3（先只占一个模式）"), key=P + "oned_try",
              on_click=_oned_seed3)
    train = b1.button(tr(f"Train {ONED_STEPS} steps", f"训练 {ONED_STEPS} 步"), key=P + "oned_train",
                      type="primary", icon=":material/play_arrow:")
    reset = b2.button(tr("Reset", "重置"), key=P + "oned_reset", icon=":material/restart_alt:")
    model: oned.OneDGAN | None = st.session_state.get(P + "oned")
    if model is None or reset or st.session_state.get(P + "oned_cfg") != cfg:
        model = oned.OneDGAN(dist=dist, loss=loss, seed=seed, lr=lr)
        st.session_state[P + "oned"], st.session_state[P + "oned_cfg"] = model, cfg
    if train:
        model.step(ONED_STEPS)
    ev = model.evaluate()
    c = model.curves()
    div = model.divergence(c)
    # three and two: in five columns the note under L_D ("+1.371 vs L_D(D*)") was cut
    m1, m2, m3, m4, m5 = (*st.columns(3), *st.columns(2))
    m1.metric(tr("Steps", "步数"), model.steps)
    m2.metric("JSD(p_data‖p_g)", f"{div['jsd']:.3f}",
              help=tr("Jensen–Shannon divergence between the two densities drawn below: 0 when they match, "
                      "ln 2 ≈ 0.693 when they do not overlap.",
                      "下图两个密度之间的 JS 散度：完全一致时为 0，毫不重叠时为 ln 2 ≈ 0.693。"))
    m3.metric("L_D(D*)", f"{div['d_loss_star']:.3f}",
              help=tr("The lowest L_D any discriminator can reach against this G: 2 ln 2 − 2 JSD.",
                      "面对当前的 G，任何判别器能达到的最低 L_D：2 ln 2 − 2 JSD。"))
    m4.metric("L_D", f"{ev.d_loss:.3f}", delta=f"{ev.d_loss - div['d_loss_star']:+.3f} " + tr("vs L_D(D*)", "相对 L_D(D*)"),
              delta_color="off", help=tr("The trained D's loss. Far above L_D(D*): D has not yet learned to tell "
                                         "this G apart (at step 0 it is untrained). At equilibrium both are 2 ln 2 ≈ 1.386.",
                                         "训练中的 D 的损失。远高于 L_D(D*)：D 还没学会分辨当前的 G（第 0 步时它还没训练过）。"
                                         "均衡时两者都等于 2 ln 2 ≈ 1.386。"))
    m5.metric("L_G", f"{ev.g_loss:.3f}")
    st.plotly_chart(for_screen(principles.oned_figure(c["x"], c["p_data"], c["p_g"], c["d"], c["d_star"], text=_oned_text())),
                    key=P + "oned_fig")


def stability() -> None:
    st.markdown(md("principles_stability"))
    st.latex(r"\begin{gathered} L_D^{\text{WGAN-GP}} = \mathbb E_z D(G(z)) - \mathbb E_x D(x) + "
             r"\lambda\, \mathbb E_{\hat x}\big(\lVert \nabla_{\hat x} D(\hat x)\rVert_2 - 1\big)^2 \\ "
             r"\hat x = \alpha x + (1-\alpha) G(z),\; \alpha \sim U(0,1) \end{gathered}")
    st.latex(r"\begin{gathered} \text{TTUR:}\quad \theta_D \leftarrow \theta_D - \eta_D \nabla_{\theta_D} L_D \\ "
             r"\theta_G \leftarrow \theta_G - \eta_G \nabla_{\theta_G} L_G,\qquad \eta_D > \eta_G \end{gathered}")


def variants() -> None:
    st.markdown(md("principles_variants"))
    st.latex(r"\mathcal L_{\text{cyc}} = \mathbb E_x \lVert F(G(x)) - x\rVert_1 + \mathbb E_y \lVert G(F(y)) - y\rVert_1")
    st.subheader(tr("Strengths and weaknesses", "优点与缺点"))
    st.markdown(md("principles_strengths"))
    st.subheader(tr("Where GANs are used", "应用领域"))
    st.markdown(md("principles_applications"))


def code_tab() -> None:
    st.markdown(md("principles_code"))
    for name in ALL_CODE:
        st.divider()
        render_snippet(name)


# --- Text for figures ------------------------------------------------------------------------------

def _saturation_text() -> dict[str, str]:
    return {"title_loss": tr("Generator loss", "生成器损失"),
            "title_grad": tr("Gradient to G (∂L/∂logit)", "传到 G 的梯度（∂L/∂logit）"),
            "x": "D(G(z))",  # (the slider above the chart says what it is; two long axis titles ran into each other)
            "minimax": tr("minimax: log(1 − D(G(z)))", "极小极大：log(1 − D(G(z)))"),
            "ns": tr("non-saturating: −log D(G(z))", "非饱和：−log D(G(z))"),
            "early": tr("early training", "训练初期")}


def _oned_text() -> dict[str, str]:
    return {"x": "x", "density": tr("density", "密度"), "prob": "D(x)",
            "p_data": tr("p_data (real)", "p_data（真实）"), "p_g": tr("p_g (generator)", "p_g（生成器）"),
            "d": tr("D(x) (trained discriminator)", "D(x)（训练中的判别器）"),
            "d_star": "D*(x) = p_data / (p_data + p_g)"}


# --- Page ------------------------------------------------------------------------------------------

# A formula in a column shrinks (never grows) to the column's width: the longest is about 26 em.
FIT_FORMULAS_CSS = """<style>
[data-testid="stColumn"] { container-type: inline-size; }
[data-testid="stColumn"] .katex-display > .katex { font-size: min(1.21em, 3.8cqw) !important; }
</style>"""

st.title(tr("How a GAN works", "GAN 的原理"))
st.caption(tr("Two networks, one game: the theory, the formulas, live plots and the code that runs them.",
              "两个网络，一场博弈：理论、公式、实时图表，以及运行它们的代码。"))
if not presenting():
    st.toggle(tr("Show the code beside the theory", "在理论旁显示代码"), key=P + "show_code",
              help=tr("Puts this project's own source next to each explanation, read from gan/ as it runs.",
                      "在每段讲解旁显示本项目自己的源代码，运行时直接从 gan/ 读取。"))
    if st.session_state.get(P + "show_code"):  # theory and code side by side: the wide layout, formulas that fit
        st.set_page_config(layout="wide")
        st.html(FIT_FORMULAS_CSS)

lazy_tabs([("The idea", "基本思想", lambda: section("intro", intro)),
           ("Training steps", "训练步骤", lambda: section("training", training)),
           ("Losses", "损失函数", lambda: section("losses", losses_section)),
           ("Optimal D & 1D demo", "最优判别器与一维演示", optimal_section),
           ("Stability", "稳定性", lambda: section("stability", stability)),
           ("Variants & uses", "变体与应用", variants),
           ("FAQ", "常见问题", lambda: st.markdown(md("principles_faq"))),
           ("The code", "代码", code_tab)],
          key=P + "tab", keep=[P + k for k in ("sat_s", "oned_dist", "oned_loss", "oned_seed", "oned_lr")])

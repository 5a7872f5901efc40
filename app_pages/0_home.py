"""Home: convincing digits from the bundled conditional generator at once, and a map of the studio."""
from __future__ import annotations

import streamlit as st

from gan import hub
from gan.images import make_grid
from gan.sampling import class_grid
from gan.timelapse import png_bytes
from ui.errors import guard
from ui.i18n import tr
from ui.sidebar import PAGES

P = "home_"
HERO_MODEL = "cgan-mnist"


@st.cache_resource(show_spinner=False)
def hero_generator() -> hub.LoadedGenerator | None:
    return hub.load_bundled(HERO_MODEL) if HERO_MODEL in hub.bundled_names() else None


@st.cache_data(show_spinner=False, max_entries=64)
def hero_png(seed: int, rows: int) -> bytes:
    loaded = hero_generator()
    images = class_grid(loaded, list(range(10)), rows, seed=seed)  # (rows * 10, 1, 28, 28)
    return png_bytes(make_grid(images, nrow=10))


st.title("GAN Studio")
st.markdown(tr("Learn how generative adversarial networks work, watch one train, train your own and "
               "play with pretrained ones — offline, on a CPU, in English and Chinese.",
               "了解生成对抗网络的原理，观看它实时训练，训练你自己的模型，玩转预训练模型——离线、CPU 即可，中英双语。"))

with guard("home"):
    loaded = hero_generator()
    if loaded is None:
        st.info(tr("No bundled generator in this copy of the app; train one on the Train page.",
                   "此版本的应用没有内置生成器；可以在“训练”页面训练一个。"))
    else:
        seed = st.session_state.setdefault(P + "seed", 0)
        st.image(hero_png(seed, 3), width="stretch",
                 caption=tr(f"Digits 0–9 drawn just now on this server by the bundled conditional GAN "
                            f"({HERO_MODEL}); each row shares one noise vector z, so only the class changes "
                            f"along a row.",
                            f"内置条件 GAN（{HERO_MODEL}）刚刚在本服务器上生成的数字 0–9；每一行共用同一个噪声向量 z，"
                            f"所以沿着一行只有类别在变。"))
        metrics = loaded.config.get("gan_studio", {}).get("metrics", {})
        c1, c2 = st.columns([1, 3], vertical_alignment="center")
        if c1.button(tr("New digits", "换一批"), key=P + "again", icon=":material/casino:"):
            st.session_state[P + "seed"] = seed + 1
            st.rerun()
        if "class_accuracy" in metrics:
            c2.caption(tr(f"Measured by the bundled classifier: class accuracy {metrics['class_accuracy']:.1%}.",
                          f"由内置分类器测得：类别准确率 {metrics['class_accuracy']:.1%}。"))

st.subheader(tr("Where to go", "从哪里开始"))
BLURBS = {  # one line per page; titles, icons and files come from the page table in ui/sidebar.py
    "principles": ("The generator, the discriminator and their losses, with live numbers and the project's own code.",
                   "生成器、判别器与它们的损失函数，配有实时数值和项目自身的代码。"),
    "playground": ("Train a GAN on 2D points and watch D's surface, G's gradients and mode collapse as they happen.",
                   "在二维点上训练 GAN，实时观察判别器的决策面、生成器的梯度和模式崩塌。"),
    "train": ("Train a DCGAN or a conditional DCGAN on MNIST here, with live curves and samples.",
              "在这里用 MNIST 训练 DCGAN 或条件 DCGAN，实时查看曲线和样本。"),
    "generate": ("Grids, chosen digits, latent walks, and asking the discriminator what it thinks.",
                 "生成网格、指定数字、隐空间漫步，以及让判别器打分。"),
    "zoo": ("Every generator the app knows, bundled or on the Hub.", "应用所知的全部生成器，内置的或 Hub 上的。"),
    "style": ("Restyle your own photo with an adversarial method trained on the spot, or CycleGAN.",
              "用现场训练的对抗方法或 CycleGAN 为你的照片换上新风格。"),
}
cards = [e for _, entries in PAGES for e in entries if e.url_path in BLURBS]
cols = st.columns(3)
for i, entry in enumerate(cards):
    with cols[i % 3].container(border=True):
        st.markdown(f"**{tr(entry.en, entry.zh)}**")
        st.caption(tr(*BLURBS[entry.url_path]))
        try:
            st.page_link(entry.file, label=tr("Open", "打开"), icon=entry.icon)
        except st.errors.StreamlitAPIException:  # the page is run on its own, outside the app's navigation
            pass

"""The "Your images" page after a run: new samples of every class, the checkpoint download, and the quality
measurement (a job of kind ``quality``, :mod:`gan.metrics.own_classes`) with its report, or a plain word
on what is not measured."""
from __future__ import annotations

import streamlit as st

from gan import hub, own_images
from gan.metrics.own_classes import COPY_RATIO, TRUST_ACCURACY
from ui import jobs
from ui.errors import guard
from ui.i18n import tr
from ui.sidebar import table as show_table

P = "own_"
QTAG = "own-quality"
BACKEND = "process"
N_PER_CLASS = 64


@st.cache_resource(show_spinner=False, max_entries=4)
def generator(folder: str, step: int) -> hub.LoadedGenerator:
    return hub.load_folder(folder)


def class_names(loaded: hub.LoadedGenerator) -> list[str]:
    return list(loaded.config.get("gan_studio", {}).get("class_names", []))


def samples_section(job: jobs.Job) -> None:
    folder, step = job.checkpoint
    loaded = generator(folder, step)
    st.subheader(tr("New samples", "新样本"))
    seed = int(st.session_state.get(P + "sample_seed", 0))
    rows = own_images.class_samples(loaded, class_names(loaded), per_class=8, seed=seed)
    if loaded.conditional:
        st.caption(tr(f"The generator at step {step}, asked for each class in turn: the same noise in every row, "
                      "only the class changes.",
                      f"第 {step} 步的生成器依次生成每个类别：每一行用同一组噪声，只有类别不同。"))
    for i, (name, strip) in enumerate(rows):
        st.image(strip, caption=f"{i}: {name}" if name else tr(f"Step {step}", f"第 {step} 步"),
                 width=min(640, strip.shape[1] * 2))
    st.button(tr("New samples", "换一批样本"), key=P + "resample", icon=":material/casino:",
              on_click=lambda: st.session_state.__setitem__(P + "sample_seed", seed + 1))


def download_section(job: jobs.Job) -> None:
    folder, step = job.checkpoint
    st.download_button(tr("Download the checkpoint (zip)", "下载检查点（zip）"), hub.zip_checkpoint(folder),
                       file_name="gan-studio-own-images.zip", mime="application/zip", key=P + "ckpt_zip",
                       icon=":material/download:")
    names = class_names(generator(folder, step))
    if names:
        st.caption(tr("Labels in the checkpoint: ", "检查点中的标签：") + ", ".join(f"{i} = {n}" for i, n in enumerate(names))
                   + tr(". Unzipped, `python -m gan sample FOLDER --label 0 --n 64 --out grid.png` draws class 0.",
                        "。解压后，`python -m gan sample FOLDER --label 0 --n 64 --out grid.png` 会生成类别 0。"))


def _quality_job(folder: str, step: int) -> jobs.Job | None:
    return jobs.REGISTRY.latest(jobs.owner(), kind="quality",
                                where=lambda j: j.spec.config.get("checkpoint") == folder
                                and j.spec.config.get("step") == step)


def start_quality(job: jobs.Job) -> None:
    folder, step = job.checkpoint
    cfg = job.spec.config
    spec = jobs.JobSpec("quality", {"checkpoint": folder, "step": step, "dataset": cfg["dataset"],
                                    "image_size": int(cfg.get("image_size", 32)), "n_per_class": N_PER_CLASS},
                        tag=QTAG)
    jobs.start(spec, backend=BACKEND)


def quality_section(job: jobs.Job) -> None:
    folder, step = job.checkpoint
    st.subheader(tr("Quality you can read", "看得懂的质量指标"))
    qjob = _quality_job(folder, step)
    if qjob is None:
        st.caption(tr("Measured on your own pictures, in a job on the server: whether samples copy the "
                      "training pictures (nearest-picture distances), and, for a set with classes, which class a "
                      "classifier trained here on your pictures sees in each sample and the Fréchet distance on "
                      "its features.",
                      "在服务器上用你自己的图片来度量：样本是否照抄了训练图片（最近图片距离）；"
                      "对于有类别的数据集，还会在这里用你的图片训练一个分类器，看它认为每个样本属于哪个类别，"
                      "并在它的特征上计算 Fréchet 距离。"))
        st.button(tr("Measure", "开始度量"), key=P + "measure", icon=":material/analytics:",
                  disabled=not jobs.is_mine(job), on_click=start_quality, args=(job,))
        return
    jobs.live(lambda: [_quality_job(folder, step)], [(lambda: quality_view(_quality_job(folder, step)), 1.0)])


def quality_view(qjob: jobs.Job | None) -> None:
    if qjob is None:
        return
    if qjob.error:
        st.error(tr("The measurement failed on the server: ", "度量在服务器上出错：") + qjob.error)
        return
    report = getattr(qjob.last, "report", None)
    if report is None:
        st.progress(0.5 if qjob.running else 1.0, text=tr("Measuring… (training the classifier, then sampling)",
                                                            "正在度量…（先训练分类器，再生成样本）"))
        return
    with guard("quality report"):
        report_view(report)


def report_view(r) -> None:
    if "classifier" in r.not_measured:
        st.info(tr("Not measured: which class the samples look like, and the Fréchet distance. Both need a network "
                   "that knows your classes, and a set without class folders has none to learn. The memorisation "
                   "check below is measured.",
                   "未度量：样本像哪个类别，以及 Fréchet 距离。这两项都需要一个认识你的类别的网络，而没有类别文件夹的"
                   "数据集没有类别可学。下面的记忆检查已度量。"), icon=":material/info:")
    elif r.held_accuracy is None:
        st.warning(tr("No class has 5 or more pictures, so the classifier could not be checked on pictures it did "
                      "not learn from: its verdicts on samples are not to be trusted.",
                      "没有一个类别有 5 张以上的图片，所以无法用它没学过的图片检验分类器：它对样本的判断不可信。"))
    else:
        held = tr(f"A small classifier trained here on your pictures labels {r.held_accuracy:.0%} of {r.n_held} "
                  "pictures it did not learn from correctly.",
                  f"在这里用你的图片训练的小分类器，对它没学过的 {r.n_held} 张图片，正确识别了 {r.held_accuracy:.0%}。")
        if r.trusted:
            st.caption(held)
        else:
            st.warning(held + tr(f" That is below {TRUST_ACCURACY:.0%}: its verdicts on samples are not to be trusted.",
                                 f" 低于 {TRUST_ACCURACY:.0%}：它对样本的判断不可信。"))
    labelled = "classifier" not in r.not_measured
    table = {tr("class", "类别"): [c.name or tr("all", "全部") for c in r.classes],
             tr("pictures", "图片数"): [c.n_real for c in r.classes]}
    if labelled:
        table[tr("samples it puts in the class", "被认作该类别的样本")] = [f"{c.accuracy:.0%}" for c in r.classes]
    table[tr("sample → nearest picture", "样本 → 最近图片")] = [f"{c.sample_nn:.3f}" for c in r.classes]
    table[tr("picture → nearest other picture", "图片 → 最近的另一张图片")] = [
        f"{c.real_nn:.3f}" if c.real_nn is not None else "–" for c in r.classes]
    table[tr("ratio", "比值")] = [f"{c.ratio:.2f}" if c.ratio is not None else "–" for c in r.classes]
    table[tr("spread: samples / pictures", "离散度：样本 / 图片")] = [
        f"{c.sample_spread:.3f} / {c.real_spread:.3f}" if c.spread_ratio is not None else "–" for c in r.classes]
    show_table(table, key=P + "quality_table")
    st.caption(tr(f"{r.n_per_class} samples per class. Distances are the root-mean-square pixel difference on the "
                  "−1…1 scale (0 = identical). A ratio near 1 or above: samples are as far from your pictures as your "
                  f"pictures are from each other; below {COPY_RATIO}: samples sit on top of training pictures (copies).",
                  f"每个类别 {r.n_per_class} 个样本。距离是像素差的均方根（像素取值 −1…1，0 表示完全相同）。比值接近 1 "
                  f"或更大：样本离你的图片和你的图片彼此之间一样远；小于 {COPY_RATIO}：样本几乎就是训练图片（照抄）。")
               + tr(" Spread: the median distance between two samples of the class, and between two of its pictures.",
                    "离散度：同一类别中两个样本之间、两张图片之间距离的中位数。"))
    copies = [c.name or tr("all", "全部") for c in r.classes if c.copies]
    if copies:
        st.warning(tr("Samples of these classes look like copies of training pictures: " + ", ".join(copies)
                      + ". More pictures, DiffAugment, or a shorter run help.",
                      "这些类别的样本看起来是在照抄训练图片：" + "、".join(copies) + "。更多图片、数据增强或更短的训练会有帮助。"),
                   icon=":material/content_copy:")
    alike = [c.name or tr("all", "全部") for c in r.classes if c.alike]
    if alike:
        st.warning(tr("Samples of these classes look alike, spread less than half as much as the pictures (mode "
                      "collapse within the class): " + ", ".join(alike) + ".",
                      "这些类别的样本彼此很像，离散度不到图片的一半（类别内的模式崩塌）：" + "、".join(alike) + "。"),
                   icon=":material/health_and_safety:")
    if r.frechet is not None:
        ratio = r.frechet / max(r.frechet_floor, 1e-9)
        st.markdown(tr(f"**Fréchet distance** on the classifier's features, samples against your pictures: "
                       f"**{r.frechet:.2f}**; between two halves of your pictures (the floor): {r.frechet_floor:.2f}, "
                       f"so **{ratio:.1f}×** the floor ({r.frechet_n} on each side).",
                       f"分类器特征上的 **Fréchet 距离**，样本对你的图片：**{r.frechet:.2f}**；你的图片分成两半之间的距离"
                       f"（下限）：{r.frechet_floor:.2f}，即下限的 **{ratio:.1f} 倍**（每边 {r.frechet_n} 个）。"))
    pairs = [c for c in r.classes if c.pair is not None][:10]
    if pairs:
        st.markdown("**" + tr("The sample closest to a training picture, beside that picture",
                              "最接近训练图片的样本，及那张图片") + "**")
        cols = st.columns(min(5, len(pairs)))
        for i, c in enumerate(pairs):
            sample, picture, dist = c.pair
            name = f" · {c.name}" if c.name else ""
            cols[i % len(cols)].image([sample, picture], width=64,
                                      caption=[tr("sample", "样本") + name, tr("picture", "图片") + f" · {dist:.3f}"])

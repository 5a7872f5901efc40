"""Model cards (README.md) for saved CycleGANs: what the folder holds, the data, how to reproduce, the numbers."""
from __future__ import annotations

from .domains import PAIRS
from .maps import map_name, mode_map, round_trips

DATA = {
    "ring2grid": "X: the ring of 8 Gaussians (radius 2, std 0.05) of `gan.data.sample_toy`; Y: a 3×3 grid with spacing "
                 "1.5 and its centre left empty (8 Gaussians, std 0.05). Both sampled fresh every step, independently "
                 "(unpaired).",
    "mnist-thin2thick": "MNIST's 10,000-image test split (read offline from GAN_DATA_DIR). X: images 0-4,999 with "
                        "thinner strokes (2×2 grey-level erosion); Y: images 5,000-9,999 with thicker strokes (3×3 "
                        "grey-level dilation). No digit is in both, so no x comes with its y (unpaired).",
}


def default_card(config: dict) -> str:
    """The card ``python -m gan train --model cyclegan`` writes: the run's settings and its last numbers."""
    info = config.get("gan_studio", {})
    cfg = info.get("cycle_config", {})
    pair = cfg.get("pair", "?")
    metrics = info.get("metrics", {})
    lines = [
        "---", "library_name: gan-studio", "license: mit", "tags:", "- gan", "- cyclegan", "---", "",
        f"# CycleGAN: {pair} (GAN Studio)", "",
        "Two generators (G: X -> Y, F: Y -> X) and two discriminators (D_X, D_Y) in one `model.safetensors` "
        "(keys `G.`, `F.`, `D_X.`, `D_Y.`); load with `gan.cycle.train.load_model(folder)`.", "",
        "## Data", "", DATA.get(pair, "?"), "",
        "## Training", "",
        f"- networks: `{ {k: config.get(k) for k in ('kind', 'width', 'depth')} }`",
        f"- settings: `{cfg}`",
        f"- {info.get('step', '?')} steps, wall time {info.get('wall_seconds', '?')} s", "",
        "## Metrics", "",
        "| metric | value |", "|---|---|",
        *[f"| {k} | {v:.4f} |" for k, v in metrics.items()], "",
    ]
    return "\n".join(lines)


def pair_title(name: str) -> str:
    p = PAIRS[name]
    return f"{p.x_en} ↔ {p.y_en}"


def bundle_card(pair: str, folder_name: str, config: dict, seconds_with: float, seconds_without: float, on: dict,
                off: dict, tried: dict | None = None) -> str:
    """The card of a bundled folder: the last snapshots of both recorded runs (``on``: these weights, ``off``: the
    cycle weight at 0) and, for digits, ``tried`` = ``gan.cycle.bundled.try_bundled(pair, seed=0, n=1000)``."""
    info = config.get("gan_studio", {})
    cfg = info.get("cycle_config", {})
    extra_rows: list[str] = []
    rows = [("reconstruction error, mean of \\|F(G(x)) − x\\| and \\|G(F(y)) − y\\|", on["recon"], off["recon"])]
    if "hit_y" in on:
        rows += [("share of G(x) on a mode of Y (within 4 std)", on["hit_y"], off["hit_y"]),
                 ("share of F(y) on a mode of X", on["hit_x"], off["hit_x"])]
        unit = "Euclidean distance in the plane (the modes are 1.5 to 2 apart)"
    else:
        rows += [("ink of G(x) (real thick digits: {:.3f})".format(on["ink_y"]), on["ink_g_x"], off["ink_g_x"]),
                 ("ink of F(y) (real thin digits: {:.3f})".format(on["ink_x"]), on["ink_f_y"], off["ink_f_y"])]
        unit = "mean absolute pixel error, pixels in [0, 1]"
    if "hit_y" in on:
        for label, snap in (("these weights", on), ("cycle weight 0", off)):
            kind, r = map_name(mode_map(snap, "x"))
            what = {"rotation": f"rotation by {r * 45}°", "mirror": f"mirror image (axis at {r * 22.5:g}°)"}.get(kind, kind)
            extra_rows.append(f"- G's map of the ring's 8 modes onto the grid's ({label}): {what}; F(G(x)) leads "
                              f"{round_trips(snap, 'x')} of the 8 modes home")
    table = "\n".join(f"| {name} | {a:.4f} | {b:.4f} |" for name, a, b in rows)
    extra = ""
    if tried is not None:
        t = tried
        extra = (f"\nOn 1,000 digits of images 5,000-9,999 whose thin version the networks never saw, G(thin digit) is "
                 f"{t['paired_error']:.4f} from the same digit's true thick version (mean absolute pixel error; "
                 f"the thin digit itself is {t['paired_error_identity']:.4f} from it), although no pair was ever "
                 "shown (`gan.cycle.bundled.try_bundled(\"mnist-thin2thick\", seed=0, n=1000)`).\n")
    return f"""---
library_name: gan-studio
license: mit
tags:
- gan
- cyclegan
---

# {folder_name}: CycleGAN, {pair_title(pair)} (GAN Studio)

Two generators (G: X → Y, F: Y → X) and two discriminators (D_X, D_Y), trained from unpaired samples on the CPU
by this project's own CLI, all four in `model.safetensors` (keys `G.`, `F.`, `D_X.`, `D_Y.`; load with
`gan.cycle.train.load_model`). `replay.npz` records the run that made these weights; `replay-no-cycle.npz` the
same run with the cycle loss's weight at 0. The CycleGAN page plays both at once.

## Data

{DATA[pair]}

## Reproduce

```bash
GAN_DATA_DIR=../shared/data OMP_NUM_THREADS=1 python scripts/make_cyclegan_bundle.py {pair}
# which runs
python -m gan train --model cyclegan --dataset {pair} --out checkpoints/{folder_name}
python -m gan train --model cyclegan --dataset {pair} --cycle-weight 0 --out /tmp/no-cycle \\
    --replay checkpoints/{folder_name}/replay-no-cycle.npz
```

## Training

- networks: {config.get('kind')}, width {config.get('width')}, depth {config.get('depth')}
  ({'MLPs: hidden units and layers' if config.get('kind') == 'points' else 'base channels and residual blocks at 14×14; PatchGAN critics scoring 7×7 patches'})
- losses: least-squares adversarial, cycle consistency (L1) × {cfg.get('cycle_weight')}, identity × {cfg.get('identity_weight')}
- Adam (betas 0.5, 0.999), learning rate {cfg.get('lr')}, batch {cfg.get('batch_size')}, {cfg.get('steps')} steps, seed {cfg.get('seed')}
- wall time: {seconds_with:.0f} s with the cycle loss, {seconds_without:.0f} s without it (process start included), on 2
  shared CPU cores (1 PyTorch thread) while other jobs ran

## Metrics

Measured on fixed evaluation samples ({'1,000 points of each side' if config.get('kind') == 'points' else '256 digits of each side'})
at the last step; reconstruction error in {unit}.

| metric | with the cycle loss (these weights) | cycle weight 0 |
|---|---|---|
{table}
{extra}
{chr(10).join(extra_rows)}

## Limitations

- The cycle makes the translation one-to-one but does not choose which one: another seed may give another
  correspondence (for the points, e.g. a point reflection through the centre or a mirror image).
- Tiny networks for a demonstration on a CPU, trained on toy data; not for real image-to-image use.

## License

MIT, like GAN Studio.{" MNIST: Yann LeCun and Corinna Cortes (CC BY-SA 3.0)." if pair.startswith("mnist") else ""}
"""

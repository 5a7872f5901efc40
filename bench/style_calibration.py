"""The style-transfer calibration set: every content photo x every style, one contact sheet and a table.

    python bench/style_calibration.py [--size 256] [--method patch] [--out docs/style-contact-sheet.png]

Contents: portrait (astronaut), animal (cat), landscape (drawn), object (rocket), text (scikit-image),
flat colour shapes. Styles: brush strokes, waves, mosaic, pointillism, watercolour, ink. For each pair
it prints the issue's measures (ratios: pass when FD <= 0.6, LC <= 0.8; corr >= 0.5; border and
speckle as output/style) and the seconds it took (wall time: on a shared machine, compare runs made at
the same time). The sheet has the styles as columns, the contents as rows, the inputs on the edges.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gan.images import resize_to  # noqa: E402
from gan.style import measures as M  # noqa: E402
from gan.style.offline import StyleConfig, stylize  # noqa: E402
from gan.style.presets import preset_image  # noqa: E402

CONTENTS = ["astronaut", "chelsea", "landscape", "rocket", "text", "shapes"]
STYLES = ["brush", "waves", "mosaic", "pointillism", "watercolour", "ink"]


def scores(out: Image.Image, content: Image.Image, style: Image.Image) -> dict[str, float]:
    """The issue's targets as numbers for one result (content resized to the result's size)."""
    content = content.resize(out.size)
    lc_s = M.local_contrast(style)
    return {"fd": M.frechet_rgb(out, style) / max(M.frechet_rgb(content, style), 1e-9),
            "lc": abs(M.local_contrast(out) - lc_s) / max(abs(M.local_contrast(content) - lc_s), 1e-9),
            "corr": M.blurred_luminance_correlation(out, content),
            "border": M.border_excess(out),
            "speckle": M.speckle(out) / max(M.speckle(style.resize(out.size)), 1e-9)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--method", default="patch")
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--out", default="docs/style-contact-sheet.png")
    ap.add_argument("--cell", type=int, default=200, help="cell size of the sheet, pixels")
    ap.add_argument("--contents", default=",".join(CONTENTS), help="comma-separated subset of the contents")
    ap.add_argument("--styles", default=",".join(STYLES), help="comma-separated subset of the styles")
    args = ap.parse_args()
    contents, style_names = args.contents.split(","), args.styles.split(",")
    cell, pad = args.cell, 4
    sheet = Image.new("RGB", ((len(style_names) + 1) * (cell + pad), (len(contents) + 1) * (cell + pad)), "white")

    def put(img: Image.Image, col: int, row: int) -> None:
        im = img.copy()
        im.thumbnail((cell, cell))
        sheet.paste(im, (col * (cell + pad) + (cell - im.width) // 2, row * (cell + pad) + (cell - im.height) // 2))

    ImageDraw.Draw(sheet).text((6, 6), f"{args.method}, {args.size} px", fill=(0, 0, 0))
    styles = {s: preset_image(s, args.size) for s in style_names}
    for j, s in enumerate(style_names):
        put(styles[s], j + 1, 0)
    print(f"{'content':<10}{'style':<12}{'FD':>6}{'LC':>6}{'corr':>6}{'border':>8}{'speckle':>8}{'s':>7}")
    for i, c in enumerate(contents):
        content = resize_to(preset_image(c), args.size)
        put(content, 0, i + 1)
        for j, s in enumerate(style_names):
            t = time.perf_counter()
            out = stylize(content, styles[s], StyleConfig(size=args.size, method=args.method, steps=args.steps))
            dt = time.perf_counter() - t
            r = scores(out, content, styles[s])
            ok = r["fd"] <= 0.6 and r["lc"] <= 0.8 and r["corr"] >= 0.5
            print(f"{c:<10}{s:<12}{r['fd']:>6.2f}{r['lc']:>6.2f}{r['corr']:>6.2f}{r['border']:>8.2f}"
                  f"{r['speckle']:>8.2f}{dt:>7.1f}{'' if ok else '  (misses a target)'}", flush=True)
            put(out, j + 1, i + 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    sheet.save(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()

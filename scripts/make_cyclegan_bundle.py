"""Train the bundled CycleGANs with the project's CLI and write their folders under checkpoints/.

For each pair: `python -m gan train --model cyclegan` with its preset (the weights, the card's numbers and
replay.npz), then the same run with --cycle-weight 0 (only its recording is kept, as replay-no-cycle.npz), then
the model card with both runs' numbers. Run from the project root with GAN_DATA_DIR set:

    GAN_DATA_DIR=../shared/data OMP_NUM_THREADS=1 nice -n 10 python scripts/make_cyclegan_bundle.py [ring2grid] [mnist-thin2thick] [--card-only]
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gan.cycle import bundled  # noqa: E402
from gan.cycle.cards import bundle_card  # noqa: E402


def cli(*args: str) -> float:
    t0 = time.time()
    subprocess.run([sys.executable, "-m", "gan", "train", "--model", "cyclegan", "--quiet", *args], cwd=ROOT,
                   check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.time() - t0


def card(pair: str, config: dict, seconds_with: float, seconds_without: float) -> str:
    tried = bundled.try_bundled(pair, seed=0, n=1000) if bundled.PAIRS[pair].kind == "images" else None
    return bundle_card(pair, bundled.FOLDERS[pair], config, seconds_with, seconds_without,
                       bundled.replay(pair, True).last, bundled.replay(pair, False).last, tried)


def card_only(pair: str) -> None:
    """Rewrite the card from the folder as it is (the wall times kept from the card's own line)."""
    import re
    out = bundled.folder(pair)
    m = re.search(r"wall time: (\d+) s with the cycle loss, (\d+) s without", (out / "README.md").read_text())
    config = json.loads((out / "config.json").read_text())
    (out / "README.md").write_text(card(pair, config, float(m.group(1)), float(m.group(2))))


def make(pair: str) -> None:
    out = bundled.folder(pair)
    with_cycle = cli("--dataset", pair, "--out", str(out))
    with tempfile.TemporaryDirectory() as tmp:
        without = cli("--dataset", pair, "--cycle-weight", "0", "--out", tmp, "--replay", str(out / bundled.REPLAY_NO_CYCLE))
    bundled.replay.cache_clear()
    bundled.model.cache_clear()
    config = json.loads((out / "config.json").read_text())
    (out / "README.md").write_text(card(pair, config, with_cycle, without))
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"{pair}: {out.relative_to(ROOT)} {size / 1024:.0f} KiB, {with_cycle:.0f} s + {without:.0f} s")


if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if not a.startswith("--")] or list(bundled.FOLDERS)
    for name in names:
        card_only(name) if "--card-only" in sys.argv else make(name)

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("GAN_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GAN_OFFLINE", "1")

import torch  # noqa: E402

# Tiny models gain nothing from intra-op threads, and on a loaded 2-core machine OpenMP's
# spinning threads made a toy run 20x slower (59 vs 2.6 steps/s measured); one thread keeps tests steady.
torch.set_num_threads(int(os.environ.get("GAN_TEST_THREADS", "1")))

pytest_plugins = ["fakehub"]  # the fake_hub fixture (a Hugging Face Hub on 127.0.0.1)

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("GAN_DATA_DIR", str(ROOT.parent / "shared" / "data"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GAN_OFFLINE", "1")

import pytest  # noqa: E402
import torch  # noqa: E402

# Tiny models gain nothing from intra-op threads, and on a loaded 2-core machine OpenMP's
# spinning threads made a toy run 20x slower (59 vs 2.6 steps/s measured); one thread keeps tests steady.
torch.set_num_threads(int(os.environ.get("GAN_TEST_THREADS", "1")))

pytest_plugins = ["fakehub"]  # the fake_hub fixture (a Hugging Face Hub on 127.0.0.1)


@pytest.fixture
def media(monkeypatch):
    """URL -> bytes of every image and download a page (AppTest) hands to Streamlit."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    seen: dict[str, bytes] = {}
    orig = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        fid = orig(self, path_or_data, mimetype, kind, filename)
        seen[self.get_url(fid)] = path_or_data if isinstance(path_or_data, bytes) else b""
        return fid

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return seen


@pytest.fixture(autouse=True)
def _bare_main_for_spawned_workers(monkeypatch):
    """Every test sees a bare ``__main__``: ``AppTest.from_function`` (tests/test_app.py) leaves its temporary
    script as ``__main__``, and a worker process spawned later (gan/jobs.py) would try to run that deleted
    script first and die, making the job tests depend on the order they run in."""
    import types
    monkeypatch.setitem(sys.modules, "__main__", types.ModuleType("__main__"))


@pytest.fixture
def one_torch_thread():
    """Toy networks run fastest on one torch thread (on a shared 2-core machine, 30x faster than two)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)

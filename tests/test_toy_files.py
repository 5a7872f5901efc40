"""A playground run saved to a file and loaded back (gan.toy.files): the same plane, the same next steps,
and bad files refused with a plain message."""
from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pytest

from gan.toy import files
from gan.train import TrainConfig, Trainer

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def cfg(**kw) -> TrainConfig:
    base = dict(model="toy", dataset="ring", width=16, depth=2, width_d=32, batch_size=32, steps=1000, log_every=1,
                sample_every=1000, device="cpu", lr_d=1e-3, lr_g=1e-3, g_steps=2)
    return TrainConfig(**{**base, **kw})


def trained(n: int = 7, **kw) -> Trainer:
    t = Trainer(cfg(**kw))
    for _ in range(n):
        t.train_step()
    t.train_step("d")
    return t


def saved(t: Trainer, **extra) -> bytes:
    history = [{"step": 1, "loss_d": 1.2, "loss_g": float("nan"), "kind": "d"}]
    return files.save_runs({"A": {"trainer": t, "history": history, "changes": [{"step": 1, "changes": {"lr_d": 1e-3}}],
                                  "metrics": [{"step": 0, "js": 0.5}]}}, **extra)


def test_save_then_load_gives_the_same_plane_and_the_same_next_steps():
    t = trained()
    data = saved(t, settings={"ab": None})
    back = files.load_runs(data)
    u = back.trainers["A"]
    assert (u.step, u.d_updates, u.g_updates) == (t.step, t.d_updates, t.g_updates) == (8, 8, 14)
    assert u.cfg == t.cfg
    a, b = t.toy_snapshot(), u.toy_snapshot()
    for key in ("d_grid", "fake", "real", "arrow_dir", "manifold"):  # D's surface, G(z) for the same z, ...
        np.testing.assert_array_equal(a[key], b[key])
    for _ in range(3):  # the optimiser moments and the random generator came back too
        sa, sb = t.train_step(), u.train_step()
        assert float(sa["loss_d"]) == float(sb["loss_d"]) and float(sa["loss_g"]) == float(sb["loss_g"])
    assert back.history["A"][0]["loss_d"] == 1.2 and np.isnan(back.history["A"][0]["loss_g"])
    assert back.changes["A"] == [{"step": 1, "changes": {"lr_d": 1e-3}}]
    assert back.metrics["A"] == [{"step": 0, "js": 0.5}] and back.settings == {"ab": None}


def test_two_runs_and_custom_points_come_back():
    pts = np.array([[0, 0], [1, 1], [-1, 0.5]], dtype=np.float32)
    a = Trainer(cfg(dataset="custom"), toy_points=pts)
    b = Trainer(cfg(dataset="custom", loss="hinge"), toy_points=pts)
    a.train_step(), b.train_step()
    data = files.save_runs({"A": {"trainer": a}, "B": {"trainer": b}}, points=pts)
    back = files.load_runs(data)
    np.testing.assert_array_equal(back.points, pts)
    assert back.trainers["B"].cfg.loss == "hinge"
    np.testing.assert_array_equal(back.trainers["B"].toy_snapshot()["d_grid"], b.toy_snapshot()["d_grid"])


def test_the_file_is_a_zip_of_json_and_safetensors_only():
    with zipfile.ZipFile(io.BytesIO(saved(trained(2)))) as zf:
        assert sorted(zf.namelist()) == ["run.json", "run.safetensors"]
        meta = json.loads(zf.read("run.json"))
    assert meta["format"] == files.FORMAT and meta["runs"]["A"]["config"]["width_d"] == 32


def rezip(data: bytes, change) -> bytes:
    """The same file with change(name, bytes) -> bytes (or None to drop the entry) applied."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            body = change(name, src.read(name))
            if body is not None:
                dst.writestr(name, body)
    return out.getvalue()


def edit_json(data: bytes, edit) -> bytes:
    def change(name, body):
        if name != "run.json":
            return body
        meta = json.loads(body)
        edit(meta)
        return json.dumps(meta)
    return rezip(data, change)


def bad_files():
    good = saved(trained(2))
    pickle_zip = io.BytesIO()
    with zipfile.ZipFile(pickle_zip, "w") as zf:
        zf.writestr("run.json", "{}")
        zf.writestr("run.safetensors", b"")
        zf.writestr("evil.pkl", b"\x80\x04K\x01.")
    return [
        (b"hello", "not a zip file"),
        (pickle_zip.getvalue(), "nothing else"),
        (rezip(good, lambda n, b: None if n == "run.safetensors" else b), "nothing else"),
        (rezip(good, lambda n, b: b"{not json" if n == "run.json" else b), "not valid JSON"),
        (rezip(good, lambda n, b: b[:40] if n == "run.safetensors" else b), "damaged"),
        (edit_json(good, lambda m: m.update(format="something")), "something else"),
        (edit_json(good, lambda m: m.update(version=99)), "newer version"),
        (edit_json(good, lambda m: m["runs"]["A"]["config"].update(width=12)), "do not match"),
        (edit_json(good, lambda m: m["runs"]["A"]["config"].update(model="dcgan")), "not the playground's"),
        (edit_json(good, lambda m: m["runs"]["A"]["config"].update(lr_d=-1)), "lr_d must be a positive number"),
        (edit_json(good, lambda m: m["runs"]["A"].update(step="many")), "does not fit"),
        (edit_json(good, lambda m: m["runs"]["A"]["opt_d"]["state"].update({"0": {"exp_avg": {"tensor": "A.opt_d.1.exp_avg"}}})),
         "does not fit"),
        (edit_json(good, lambda m: m["runs"].pop("A")), "no run A"),
        (edit_json(good, lambda m: m.update(points=[[0, "x"]])), "point set"),
    ]


@pytest.mark.parametrize("data,message", bad_files())
def test_bad_files_are_refused_with_a_message(data, message):
    with pytest.raises(files.RunFileError, match=message):
        files.load_runs(data)


def test_size_limit_counts_while_reading():
    with pytest.raises(files.RunFileError, match="unpacks to more than"):
        files.load_runs(saved(trained(2)), max_bytes=1000)

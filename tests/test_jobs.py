"""gan.jobs: the one lifecycle of long jobs, in a thread and in a worker process."""
import os
import signal
import time

import numpy as np
import pytest

from gan import jobs as J
from gan.hub import load_folder
from gan.train import TrainConfig


def toy(**kw):
    base = dict(model="toy", dataset="ring", steps=100_000, batch_size=64, lr_d=1e-3, lr_g=1e-3, width=16,
                log_every=1, sample_every=50, seed=0)
    return {**base, **kw}


def wait(cond, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def reg():
    r = J.Registry()
    yield r
    r.stop_all()
    for j in r.owned("me") + r.owned("other"):
        j.join(10)


def test_pause_single_steps_resume_stop(reg):
    job = reg.start(J.JobSpec("train", toy(), paused=True), "me")
    job.control("me", "step", "d")
    job.control("me", "step", "g")
    job.control("me", "step", "both")
    assert wait(lambda: len(job.history) >= 3)
    d, g, both = job.history[:3]
    assert (d["kind"], d["step"], g["kind"], g["step"], both["step"]) == ("d", 1, "g", 2, 3)
    assert d["loss_g"] != d["loss_g"] and g["loss_d"] != g["loss_d"]  # only the one network was updated
    assert both["loss_d"] == both["loss_d"] and both["loss_g"] == both["loss_g"]
    job.control("me", "resume")
    assert wait(lambda: job.step > 30)
    job.control("me", "stop")
    assert job.join(10)
    assert job.status == "stopped" and job.last.status == "stopped"


def test_only_the_owner_controls(reg):
    job = reg.start(J.JobSpec("train", toy(), paused=True), "me")
    for op, arg in (("stop", None), ("pause", None), ("resume", None), ("step", "d"), ("reconfigure", {"lr_d": 1.0})):
        with pytest.raises(J.NotOwner):
            job.control("other", op, arg)
    with pytest.raises(J.NotOwner):
        reg.forget(job, "other")
    assert job.running and job.paused
    assert reg.get(job.id) is job  # anyone with the id may watch
    assert reg.latest("me", "train") is job and reg.latest("other", "train") is None


def test_reconfigure_keeps_weights_and_history(reg):
    job = reg.start(J.JobSpec("train", toy()), "me")
    assert wait(lambda: job.step > 20)
    job.control("me", "reconfigure", {"lr_d": 5e-4, "loss": "minimax", "n_critic": 2})
    assert wait(lambda: job.changes)
    change = job.changes[0]
    assert change["changes"] == {"lr_d": 5e-4, "loss": "minimax", "n_critic": 2} and change["step"] > 20
    before = job.step
    assert wait(lambda: job.step > before + 10)  # the same run goes on from where it was
    assert job.history[0]["step"] == 1
    job.control("me", "reconfigure", {"lr_d": -1.0})
    assert wait(lambda: job.notes) and "lr_d" in job.notes[0]
    job.control("me", "reconfigure", {"width": 8})
    assert wait(lambda: len(job.notes) == 2) and "cannot change width" in job.notes[1]


def test_caps(reg, monkeypatch):
    monkeypatch.setenv("GAN_MAX_JOBS", "1")
    reg.start(J.JobSpec("train", toy(), paused=True), "me")
    with pytest.raises(J.JobLimitError, match="limit is 1"):
        reg.start(J.JobSpec("train", toy()), "other")


def test_idle_stop(reg):
    job = reg.start(J.JobSpec("train", toy(), idle_stop_s=0.3), "me")
    assert job.join(10) and job.status == "stopped"


def test_checkpoints_and_continue_with_history(reg, tmp_path):
    out = tmp_path / "run"
    job = reg.start(J.JobSpec("train", toy(steps=60, log_every=5), out_dir=str(out)), "me")
    assert job.join(30) and job.status == "done"
    assert job.checkpoint == (str(out), 60)
    assert load_folder(out).config["gan_studio"]["step"] == 60
    more = reg.start(J.JobSpec("train", {"steps": 90}, resume_from=str(out), out_dir=str(out)), "me", replace=job)
    assert more.join(30) and more.status == "done" and more.step == 90
    steps = [r["step"] for r in more.history]
    assert steps[0] == 5 and steps[-1] == 90 and steps == sorted(steps)  # the first run's curve carries over
    with pytest.raises(J.NotOwner):
        reg.start(J.JobSpec("train", {"steps": 99}, resume_from=str(out)), "other", replace=more)


def test_nan_fails_clearly_and_keeps_good_weights(reg, tmp_path):
    job = reg.start(J.JobSpec("train", toy(lr_d=1e30, lr_g=1e30, steps=200), out_dir=str(tmp_path / "r")), "me")
    assert job.join(30)
    assert job.status == "failed" and "NaN" in job.last.message


def test_process_worker_trains_and_reports(reg, tmp_path):
    job = reg.start(J.JobSpec("train", toy(steps=80, log_every=10), out_dir=str(tmp_path / "p")), "me",
                    backend="process")
    assert job.join(90), "the worker process did not finish"
    assert job.status == "done" and job.step == 80 and job.error is None
    assert job.checkpoint and job.checkpoint[1] == 80
    assert job.toy is not None and np.asarray(job.toy["fake"]).shape == (2500, 2)


def test_killed_worker_gives_a_message_and_keeps_the_checkpoint(reg, tmp_path):
    out = tmp_path / "k"
    job = reg.start(J.JobSpec("train", toy(), out_dir=str(out), checkpoint_every_s=0.2), "me", backend="process")
    assert wait(lambda: job.checkpoint is not None, 90)
    os.kill(job.pid, signal.SIGKILL)
    t = time.monotonic()
    assert job.join(5), "the page would hang: the lost worker was not noticed"
    assert time.monotonic() - t < 5
    assert job.status == "failed" and "stopped unexpectedly" in job.error and "-9" in job.error
    assert "checkpoint from step" in job.error
    assert load_folder(out).config["gan_studio"]["step"] == job.checkpoint[1]


def test_unknown_kind(reg):
    with pytest.raises(J.JobError, match="unknown kind"):
        reg.start(J.JobSpec("nope", {}), "me")


def test_reconfigure_rejects_unknown_and_keeps_old():
    from gan.train import Trainer
    t = Trainer(TrainConfig.from_dict(toy()))
    with pytest.raises(ValueError):
        t.reconfigure(lr_g=float("nan"))
    assert t.cfg.lr_g == 1e-3
    assert t.reconfigure(lr_g=2e-3, optimizer="rmsprop") == {"lr_g": 2e-3, "optimizer": "rmsprop"}
    assert t.opt_g.param_groups[0]["lr"] == 2e-3 and type(t.opt_d).__name__ == "RMSprop"


def test_optimiser_state_is_safetensors_and_json(tmp_path):
    from gan.train import STATE_FILE, STATE_JSON, Trainer
    t = Trainer(TrainConfig.from_dict(toy(steps=5)))
    list(t.run())
    t.save(tmp_path)
    assert (tmp_path / STATE_FILE).is_file() and (tmp_path / STATE_JSON).is_file()
    assert not list(tmp_path.glob("*.pt")) and not list(tmp_path.glob("*.pth"))
    r = Trainer.resume(tmp_path, steps=10)
    assert r.step == 5
    a, b = t.opt_d.state_dict(), r.opt_d.state_dict()
    assert a["param_groups"] == b["param_groups"]
    for k in a["state"]:
        for name, v in a["state"][k].items():
            assert (v == b["state"][k][name]).all()


def _steps_in(job, seconds):
    s0, t0 = job.step, time.monotonic()
    time.sleep(seconds)
    return (job.step - s0) / (time.monotonic() - t0)


def test_a_thread_job_shares_the_server_while_other_visitors_are_here(reg, monkeypatch):
    """The playground's thread job computes only GAN_THREAD_SHARE of its time while someone else has run a page
    in the last VISITOR_WINDOW_S seconds (or has a job running); its owner's own visits do not slow it."""
    monkeypatch.setenv("GAN_THREAD_SHARE", "0.2")
    monkeypatch.setattr(J, "VISITOR_WINDOW_S", 2.0)
    job = reg.start(J.JobSpec("train", toy()), "me")
    assert wait(lambda: job.step > 20)
    reg.visit("me")
    alone = _steps_in(job, 1.5)
    assert not job.sharing
    reg.visit("other")
    assert wait(lambda: job.sharing, 5)
    shared = _steps_in(job, 1.5)
    assert shared < 0.5 * alone, (shared, alone)
    assert wait(lambda: not job.sharing, 5)  # the other visitor has gone quiet: full speed again
    assert _steps_in(job, 1.5) > 2 * shared
    other = reg.start(J.JobSpec("train", toy(), paused=True), "other")  # someone else's running job counts too
    assert wait(lambda: job.sharing, 5)
    other.control("other", "stop")
    assert other.join(10)


def test_thread_share_reads_the_environment(monkeypatch):
    for raw, want in (("0.5", 0.5), ("7", 1.0), ("0", 0.05), ("x", 0.25), ("nan", 0.25)):
        monkeypatch.setenv("GAN_THREAD_SHARE", raw)
        assert J.thread_share() == want
    monkeypatch.delenv("GAN_THREAD_SHARE")
    assert J.thread_share() == 0.25

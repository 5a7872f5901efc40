"""The one lifecycle of every long job: image training, the playground, style transfer, super-resolution, demos.

A job is started from a :class:`JobSpec` (plain data: kind, config, where to save) and runs in a
*worker*: a thread of this process, or a spawned process at a lower OS priority than the server
(``backend="process"``), so that heavy work cannot starve the server's other visitors. Both run the
same loop (:func:`_work`): it builds the engine, obeys commands (pause, resume, D-only / G-only /
full step, stop, reconfigure, delay); a finished run continues as a new job resumed from its checkpoint, and sends back a stream of events. A collector on
the server side keeps everything a page needs (history, sample grids, the latest snapshot, the last
checkpoint) in the job's :class:`Job` record, so a page that reloads or comes back later finds all of it.

Every job belongs to an *owner* (an opaque token the page keeps in the browser). Anyone who knows a
job's id may read it; every control checks the owner and raises :class:`NotOwner` otherwise.

No Streamlit here. Engines are built by name from :data:`ENGINES`; a new kind of job registers one.
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import queue
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from .engines import Engine, JobError, TrainerEngine

log = logging.getLogger(__name__)

MAX_HISTORY = 20_000
MAX_GRIDS = 200
KEEP_FINISHED_S = 3600  # finished jobs stay findable this long
MAX_RECORDS = 256
WORKER_NICE = 10  # a worker process runs this much nicer than the server
_IN_WORKER_PROCESS = False  # True inside a spawned worker: its image trainer may tune its thread count


# ----------------------------------------------------------------------------- errors and limits

class JobLimitError(JobError):
    """Too many jobs are running on this server."""


class VisitorLimitError(JobLimitError):
    """This visitor already runs as many jobs as one visitor may (hosted mode)."""


class NotOwner(PermissionError):
    """A control was asked for by someone who does not own the job."""


def limits() -> dict[str, int]:
    """Hosted-use caps from the environment: GAN_MAX_JOBS (concurrent jobs), GAN_MAX_STEPS (per run)."""
    def env_int(name: str, default: int) -> int:
        try:
            return max(1, int(os.environ.get(name, default)))
        except ValueError:
            return default
    return {"max_jobs": env_int("GAN_MAX_JOBS", 4), "max_steps": env_int("GAN_MAX_STEPS", 1_000_000)}


def visitor_cap() -> int | None:
    """Concurrent jobs one visitor may run: GAN_MAX_JOBS_PER_VISITOR, by default 3 in hosted mode (see
    gan.hosted) and no cap beyond GAN_MAX_JOBS on a laptop."""
    from .hosted import is_hosted
    raw = os.environ.get("GAN_MAX_JOBS_PER_VISITOR", "").strip()
    try:
        return max(1, int(raw)) if raw else (3 if is_hosted() else None)
    except ValueError:
        return 3 if is_hosted() else None


VISITOR_WINDOW_S = 30.0  # a visitor who ran a page this recently is "here" (see Registry.share)


def thread_share() -> float:
    """The fraction of its time a thread job (the playground) computes while other visitors are here:
    GAN_THREAD_SHARE, default 0.25, between 0.05 and 1 (1: never yields)."""
    try:
        value = float(os.environ.get("GAN_THREAD_SHARE", 0.25))
    except ValueError:
        return 0.25
    return min(1.0, max(0.05, value)) if value == value else 0.25


def _env_float(name: str, default: float) -> float:
    try:
        return max(0.1, float(os.environ.get(name, default)))
    except ValueError:
        return default


# ----------------------------------------------------------------------------- what to run

@dataclass
class JobSpec:
    """Everything a worker needs to build and run a job; plain data, so it can go to another process.

    ``kind`` names an engine in :data:`ENGINES` ("train" covers image and toy GANs, "style" style
    transfer). ``config`` is that engine's config as a dict. ``payload`` holds arrays (toy points,
    images). ``out_dir``: checkpoints go there every ``checkpoint_every_s`` seconds and at the end.
    ``idle_stop_s``: stop when no page has looked at the job for this long (the playground); None
    keeps it running while its owner is elsewhere (image training).
    """

    kind: str
    config: dict
    tag: str = ""  # what the job is for, to find it again (e.g. "train", "playground:A", "style")
    payload: dict = field(default_factory=dict)
    resume_from: str | None = None
    out_dir: str | None = None
    checkpoint_every_s: float = field(default_factory=lambda: _env_float("GAN_CHECKPOINT_EVERY_S", 60.0))
    paused: bool = False
    delay: float = 0.0
    idle_stop_s: float | None = None
    threads: int | None = None  # a worker process's torch threads (None: all cores but one)
    started_at: float = field(default_factory=time.time)  # when Start was pressed: a time budget counts from here


def _train_engine(spec: JobSpec) -> Engine:
    from .train import TrainConfig, Trainer
    if "trainer" in spec.payload:  # a thread job continuing an in-memory trainer (the playground)
        from .train import RECONFIGURABLE
        trainer = spec.payload["trainer"]
        trainer.stop_event.clear()
        engine = TrainEngine(trainer)
        wanted = {k: spec.config[k] for k in RECONFIGURABLE if k in spec.config}
        engine.initial_changes = trainer.reconfigure(**wanted)  # settings changed while it was stopped
        return engine
    data = spec.payload.get("data")
    points = spec.payload.get("toy_points")
    if spec.resume_from:
        trainer = Trainer.resume(spec.resume_from, data=data, started_at=spec.started_at, **spec.config)
    else:
        trainer = Trainer(TrainConfig.from_dict(spec.config), data=data, toy_points=points, started_at=spec.started_at)
    tuner = None
    if _IN_WORKER_PROCESS and not spec.threads and trainer.kind == "image" and trainer.device.type == "cpu":
        from .device import worker_thread_tuner
        tuner = worker_thread_tuner()
    return TrainEngine(trainer, tuner)


class TrainEngine(TrainerEngine):
    def __init__(self, trainer, tuner=None):
        super().__init__(trainer)
        self.tuner = tuner  # a worker process's ThreadTuner (gan/device.py), or None

    def run(self):
        if self.tuner is None:
            yield from self.trainer.run()
            return
        import dataclasses
        for ev in self.trainer.run():
            self.tuner.observe(ev.step, time.perf_counter())
            yield dataclasses.replace(ev, threads=self.tuner.current)

    def final_event(self, status: str, message: str):
        return self.trainer.status_event(status, message)

    def manual_step(self, kind):
        """``kind`` is "both", "d" or "g", or (kind, n) for n such steps reported as one event."""
        if isinstance(kind, (tuple, list)):
            return self.trainer.manual_step(kind[0], repeat=int(kind[1]))
        return self.trainer.manual_step(kind)

    def reconfigure(self, changes: dict) -> dict:
        return self.trainer.reconfigure(**changes)

    def save(self, folder: Path) -> None:
        self.trainer.save(folder)


def _style_engine(spec: JobSpec) -> Engine:
    from .style.offline import StyleConfig
    return StyleEngine(spec.payload["content"], spec.payload["style"], StyleConfig(**spec.config))


@dataclass(frozen=True)
class StyleDone:
    """The closing event of a style job that was stopped (the method itself only reports progress)."""

    step: int
    total: int
    status: str
    message: str = ""
    image: Any = None
    size: tuple[int, int] = (0, 0)
    seconds: float = 0.0

    @property
    def progress(self) -> float:
        return self.step / max(self.total, 1)

    @property
    def finished(self) -> bool:
        return self.status != "running"


class StyleEngine(Engine):
    def __init__(self, content, style, cfg):
        self.content, self.style, self.cfg = content, style, cfg
        self._stop = threading.Event()
        self.step = 0
        self.total_steps = cfg.steps

    def run(self):
        from dataclasses import replace as with_fields

        from .images import tensor_to_pil
        from .style.offline import critic_picture, stylize_iter
        for ev in stylize_iter(self.content, self.style, self.cfg):
            if ev.image is not None:  # pictures, not tensors: they cross to the server as plain bytes
                critic = None if ev.critic is None else critic_picture(ev.critic, ev.size)
                ev = with_fields(ev, image=tensor_to_pil(ev.image), critic=critic)
            self.step = ev.step
            if self._stop.is_set():
                yield StyleDone(ev.step, ev.total, "stopped", f"stopped at step {ev.step}", ev.image, ev.size, ev.seconds)
                return
            yield ev

    def request_stop(self) -> None:
        self._stop.set()

    def final_event(self, status: str, message: str):
        return StyleDone(self.step, self.total_steps, status, message)


def _quality_engine(spec: JobSpec) -> Engine:
    from .metrics.own_classes import QualityEngine  # measures a run on your own pictures (the "Your images" page)
    return QualityEngine(**spec.config)


def _cycle_engine(spec: JobSpec) -> Engine:
    from .cycle.engine import CycleEngine
    return CycleEngine.from_spec(spec)


def _superres_engine(spec: JobSpec) -> Engine:
    from .superres import SRConfig, SRTrainer
    return SuperResEngine(SRTrainer(SRConfig.from_dict(spec.config), started_at=spec.started_at))


class SuperResEngine(TrainerEngine):
    """Super-resolution (``gan.superres``): the L1-only and the L1 + adversarial network trained side by side."""

    def final_event(self, status: str, message: str):
        return self.trainer.event(status, message)

    def save(self, folder: Path) -> None:
        from .superres import save_pair
        save_pair(self.trainer.pair, folder)


def _augment_study_engine(spec: JobSpec) -> Engine:
    """One cell of the GAN-as-data-augmentation study (gan.augmentation_study)."""
    from .augmentation_study import CellConfig, StudyEngine
    return StudyEngine(CellConfig(**spec.config), started_at=spec.started_at)


ENGINES: dict[str, Callable[[JobSpec], Engine]] = {
    "train": _train_engine,
    "style": _style_engine,
    "quality": _quality_engine,
    "cycle": _cycle_engine,
    "superres": _superres_engine,
    "augment-study": _augment_study_engine,
}


# ----------------------------------------------------------------------------- the worker loop

def _work(spec: JobSpec, commands, emit: Callable[[tuple], None], alive: Callable[[], bool] = lambda: True,
          on_engine: Callable[[Engine], None] | None = None, share: Callable[[], float] = lambda: 1.0) -> None:
    """Build the engine and run it, obeying ``commands`` ((op, arg) tuples); report through ``emit``.

    ``share`` says which fraction of its time the loop may compute (1: all of it); below 1 it sleeps after
    each piece of work in proportion to how long the piece took, so a thread job in the server process
    leaves the cores and the interpreter lock to other visitors (see :meth:`Registry.share`).

    Messages sent: ("event", ev), ("saved", folder, step), ("changed", step, changes), ("error", text),
    ("end",). Runs the same in a thread and in a worker process.
    """
    engine = None
    try:
        engine = ENGINES[spec.kind](spec)
        if on_engine is not None:
            on_engine(engine)
        if getattr(engine, "initial_changes", None):
            emit(("changed", engine.step, engine.initial_changes))
        paused, delay, stop = spec.paused, spec.delay, False
        it = None
        last_save = time.monotonic()
        out = Path(spec.out_dir) if spec.out_dir else None

        def save() -> None:
            if out is not None:
                engine.save(out)
                emit(("saved", str(out), engine.step))

        def handle(op: str, arg) -> None:
            nonlocal paused, delay, stop
            if op == "stop":
                stop = True
            elif op == "pause":
                paused = True
            elif op == "resume":
                paused = False
            elif op == "delay":
                delay = max(0.0, float(arg))
            elif op == "step":
                ev = engine.manual_step(arg)
                emit(("event", ev))
                if ev.status == "failed":
                    stop = True
            elif op == "reconfigure":
                try:
                    applied = engine.reconfigure(dict(arg))
                except (ValueError, JobError) as e:
                    emit(("refused", str(e)))
                else:
                    emit(("changed", engine.step, applied))
            elif op == "save":
                save()

        while True:
            try:
                op, arg = commands.get(timeout=0.05) if paused else commands.get_nowait()
            except queue.Empty:
                op = None
            if op is not None:
                handle(op, arg)
            if not alive():
                stop = True
            if stop:
                engine.request_stop()
                ev = next(it, None) if it is not None else None
                if ev is None or not ev.finished:
                    ev = engine.final_event("stopped", f"stopped at step {engine.step}")
                emit(("event", ev))
                save()
                break
            if paused:
                continue
            if it is None:
                it = engine.run()
            t_work = time.perf_counter()
            ev = next(it, None)
            t_work = time.perf_counter() - t_work
            if ev is None:  # a spent iterator after a manual step finished the run
                ev = engine.final_event("done", f"finished {engine.step} steps")
            emit(("event", ev))
            if ev.finished:
                if ev.status != "failed" or engine.step > 0:
                    save()
                break
            if out is not None and time.monotonic() - last_save >= spec.checkpoint_every_s:
                save()
                last_save = time.monotonic()
            fraction = share()
            rest = t_work * (1.0 / fraction - 1.0) if 0.0 < fraction < 1.0 else 0.0
            if delay or rest:
                time.sleep(max(delay, rest))
    except Exception as e:  # report, never crash the server
        log.exception("job failed")
        emit(("error", f"{type(e).__name__}: {str(e)[:300]}"))
    finally:
        emit(("end", None))


def _process_main(spec: JobSpec, commands, events) -> None:
    """A worker process: lower priority, a bounded number of threads, then the common loop."""
    try:
        os.nice(WORKER_NICE)
    except OSError:
        pass
    import torch
    from .device import serving_threads
    torch.set_num_threads(spec.threads or serving_threads())
    global _IN_WORKER_PROCESS
    _IN_WORKER_PROCESS = True
    parent = os.getppid()
    _work(spec, commands, events.put, alive=lambda: os.getppid() == parent)
    events.close()
    events.join_thread()


# ----------------------------------------------------------------------------- the record a page reads

def _history_row(ev) -> dict | None:
    if hasattr(ev, "row"):  # an engine with numbers of its own (the CycleGAN's losses) gives its row
        return ev.row
    if not hasattr(ev, "loss_d"):
        return None
    return {"step": ev.step, "loss_d": ev.loss_d, "loss_g": ev.loss_g, "d_real": ev.d_real, "d_fake": ev.d_fake,
            "grad_norm_d": ev.grad_norm_d, "grad_norm_g": ev.grad_norm_g, "images_per_sec": ev.images_per_sec,
            "elapsed": ev.elapsed, "kind": ev.kind, "status": ev.status,
            "d_updates": getattr(ev, "d_updates", 0), "g_updates": getattr(ev, "g_updates", 0)}


class Job:
    """One job, as the server sees it: controls that check the owner, and what the worker reported."""

    def __init__(self, spec: JobSpec, owner: str, backend: str):
        self.id = secrets.token_urlsafe(12)
        self.spec, self.owner, self.backend = spec, owner, backend
        self.kind = spec.kind
        self.created = time.time()
        self.last_seen = time.monotonic()
        self.lock = threading.Lock()
        self.history: list[dict] = []  # one row per event with numbers
        self.grids: list[tuple[int, np.ndarray]] = []  # (step, sample grid)
        self.changes: list[dict] = []  # {"step": s, "changes": {...}}: reconfigurations, for marks on curves
        self.notes: list[str] = []  # refused reconfigurations and the like, for the page to show once
        self.toy: dict | None = None
        self.image = None  # the latest picture a job sent (style transfer's preview, then its result)
        self.last = None  # the latest event
        self.error: str | None = None
        self.lost: tuple[int | None, int | None] | None = None  # (exit code, checkpoint step) of a worker that died
        self.checkpoint: tuple[str, int] | None = None  # (folder, step) of the latest checkpoint written
        self.paused = spec.paused
        self.ended = False  # the worker has gone
        self.extra: dict = {}  # page-side data that must survive reloads (e.g. playground metrics)
        self.seq = 0  # bumps with every message: a cheap "has anything changed" for pages
        self.engine: Engine | None = None  # thread jobs only: the engine itself (a playground run continues it)
        self.sharing = False  # thread jobs only: computing part of the time, since other visitors are here
        self._commands: Any = None
        self._worker: Any = None

    # --- what pages read
    @property
    def running(self) -> bool:
        return not self.ended

    @property
    def status(self) -> str:
        if self.error:
            return "failed"
        if not self.ended:
            return "paused" if self.paused else "running"
        return self.last.status if self.last is not None and self.last.finished else "stopped"

    @property
    def step(self) -> int:
        return int(self.last.step) if self.last is not None else 0

    @property
    def total_steps(self) -> int:
        last = self.last
        if last is None:
            return int(self.spec.config.get("steps", 0))
        return int(getattr(last, "total_steps", getattr(last, "total", 0)))

    def touch(self) -> None:
        """A page looked at the job (keeps a job with ``idle_stop_s`` alive)."""
        self.last_seen = time.monotonic()

    # --- controls (owner only)
    def control(self, owner: str, op: str, arg=None) -> None:
        """Send a command: stop, pause, resume, step (arg d/g/both, or (kind, n)), delay, reconfigure (arg dict), save."""
        if owner != self.owner:
            raise NotOwner("only the visitor who started this run can change it")
        if op not in ("stop", "pause", "resume", "step", "delay", "reconfigure", "save"):
            raise ValueError(f"unknown control {op!r}")
        if op == "step" and not (arg in ("both", "d", "g") or (isinstance(arg, tuple) and len(arg) == 2
                                                               and arg[0] in ("both", "d", "g")
                                                               and isinstance(arg[1], int) and 1 <= arg[1] <= 1000)):
            raise ValueError("a step is d, g or both, or (one of them, a count from 1 to 1000)")
        if self.ended:
            return
        if op in ("pause", "resume"):
            self.paused = op == "pause"
        self._commands.put((op, arg))

    # --- the collector's side
    def apply(self, msg: tuple) -> None:
        kind = msg[0]
        with self.lock:
            self.seq += 1
            if kind == "event":
                ev = msg[1]
                row = _history_row(ev)
                if row is not None and ("loss_d" not in row or row["loss_d"] == row["loss_d"]
                                        or row["loss_g"] == row["loss_g"] or ev.status != "running"):
                    self.history.append(row)
                samples = getattr(ev, "samples", None)
                if samples is not None and (not self.grids or self.grids[-1][0] != ev.step):
                    self.grids.append((ev.step, samples))
                if getattr(ev, "toy", None) is not None:
                    self.toy = ev.toy
                if getattr(ev, "image", None) is not None:
                    self.image = ev.image
                if getattr(ev, "threads", 0):
                    self.extra["threads"] = ev.threads
                self.last = ev
                self._trim()
            elif kind == "saved":
                self.checkpoint = (msg[1], int(msg[2]))
            elif kind == "changed":
                self.changes.append({"step": int(msg[1]), "changes": dict(msg[2])})
            elif kind == "refused":
                self.notes.append(str(msg[1]))
            elif kind == "error":
                self.error = msg[1]
            elif kind == "end":
                self.ended = True
                self.paused = False

    def _trim(self) -> None:
        if len(self.history) > MAX_HISTORY:
            del self.history[: len(self.history) - MAX_HISTORY]
        if len(self.grids) > MAX_GRIDS:  # keep the first and thin out the rest evenly
            keep = np.linspace(0, len(self.grids) - 1, MAX_GRIDS // 2).astype(int)
            self.grids = [self.grids[i] for i in sorted(set(keep))]

    def _lost_worker(self, exitcode) -> None:
        ck = self.checkpoint
        self.lost = (exitcode, ck[1] if ck else None)  # the numbers, for pages that word the message themselves
        kept = (f"; the checkpoint from step {ck[1]} was kept" if ck else "; no checkpoint had been written yet")
        self.apply(("error", f"the worker process stopped unexpectedly (exit code {exitcode}){kept}"))
        self.apply(("end", None))

    def join(self, timeout: float | None = None) -> bool:
        """Wait until the worker has gone; True if it has."""
        end = None if timeout is None else time.monotonic() + timeout
        while not self.ended:
            if end is not None and time.monotonic() > end:
                return False
            time.sleep(0.02)
        return True

    @property
    def pid(self) -> int | None:
        return getattr(self._worker, "pid", None) if self.backend == "process" else None


# ----------------------------------------------------------------------------- the registry

class Registry:
    """Every job of this server process: start with caps, find by id or by owner, prune, idle stops."""

    def __init__(self):
        self._jobs: dict[str, Job] = {}
        self._visitors: dict[str, float] = {}  # owner -> when they last ran a page (monotonic)
        self._lock = threading.Lock()

    def active(self) -> int:
        with self._lock:
            return sum(1 for j in self._jobs.values() if not j.ended)

    def start(self, spec: JobSpec, owner: str, *, backend: str = "thread", replace: Job | None = None) -> Job:
        """Start ``spec`` for ``owner``. ``replace``: an ended job of the same owner whose history carries over."""
        if spec.kind not in ENGINES:
            raise JobError(f"unknown kind of job {spec.kind!r}; known: {', '.join(ENGINES)}")
        if backend not in ("thread", "process"):
            raise ValueError("backend must be thread or process")
        if replace is not None and replace.owner != owner:
            raise NotOwner("only the visitor who started this run can continue it")
        cap = limits()["max_jobs"]
        job = Job(spec, owner, backend)
        with self._lock:
            self._prune()
            running = sum(1 for j in self._jobs.values() if not j.ended)
            if running >= cap:
                raise JobLimitError(f"{running} jobs are already running on this server (the limit is {cap}); "
                                    "try again when one has finished")
            per_visitor = visitor_cap()
            yours = sum(1 for j in self._jobs.values() if not j.ended and j.owner == owner
                        and (replace is None or j is not replace))
            if per_visitor is not None and yours >= per_visitor:
                raise VisitorLimitError(f"you already have {yours} jobs running (training, style transfer or the "
                                    f"playground; the limit per visitor is {per_visitor}); stop one first")
            self._jobs[job.id] = job
        if replace is not None:
            with replace.lock:
                job.history = list(replace.history)
                job.grids = list(replace.grids)
                job.changes = list(replace.changes)
                job.extra = dict(replace.extra)
                job.checkpoint = replace.checkpoint
                job.toy, job.last = replace.toy, replace.last
        if backend == "thread":
            job._commands = queue.Queue()
            job._worker = threading.Thread(target=self._thread_main, args=(job,), name=f"job-{spec.kind}", daemon=True)
            job._worker.start()
        else:
            ctx = mp.get_context("spawn")
            job._commands = ctx.Queue()
            events = ctx.Queue()
            job._worker = ctx.Process(target=_process_main, args=(spec, job._commands, events), daemon=True,
                                      name=f"gan-{spec.kind}")
            job._worker.start()
            threading.Thread(target=self._collect, args=(job, events), name=f"collect-{spec.kind}", daemon=True).start()
        return job

    def _idle(self, job: Job) -> bool:
        idle = job.spec.idle_stop_s
        return idle is not None and time.monotonic() - job.last_seen > idle

    def _thread_main(self, job: Job) -> None:
        _work(job.spec, job._commands, job.apply, alive=lambda: not self._idle(job),
              on_engine=lambda engine: setattr(job, "engine", engine), share=lambda: self.share(job))

    # --- sharing the server process between visitors
    def visit(self, owner: str) -> None:
        """A visitor ran a page (app.py calls this on every run): thread jobs of others share while they are here."""
        now = time.monotonic()
        with self._lock:
            self._visitors[owner] = now
            if len(self._visitors) > MAX_RECORDS:  # forget the longest-gone
                for o in sorted(self._visitors, key=self._visitors.get)[: len(self._visitors) - MAX_RECORDS]:
                    del self._visitors[o]

    def others_here(self, owner: str) -> bool:
        """Whether anyone but ``owner`` ran a page in the last :data:`VISITOR_WINDOW_S` s or has a job running."""
        now = time.monotonic()
        with self._lock:
            if any(o != owner and now - t <= VISITOR_WINDOW_S for o, t in self._visitors.items()):
                return True
            return any(j.owner != owner and not j.ended for j in self._jobs.values())

    def share(self, job: Job) -> float:
        """The fraction of its time a thread job may compute: all of it when its owner is alone on the server,
        :func:`thread_share` when others are here (it runs inside the server process, at the server's priority,
        and holds the interpreter lock while it steps). Recorded on the job (``job.sharing``) for its page."""
        fraction = thread_share() if self.others_here(job.owner) else 1.0
        job.sharing = fraction < 1.0
        return fraction

    def _collect(self, job: Job, events) -> None:
        """Move a worker process's messages into its record; notice a worker that died."""
        proc = job._worker
        stop_sent = False
        while True:
            try:
                msg = events.get(timeout=0.2)
            except queue.Empty:
                if not proc.is_alive():
                    try:  # anything it managed to send before dying
                        while True:
                            job.apply(events.get(timeout=0.2))
                    except (queue.Empty, EOFError, OSError):
                        pass
                    if not job.ended:
                        job._lost_worker(proc.exitcode)
                    break
                if not stop_sent and self._idle(job):
                    job._commands.put(("stop", None))
                    stop_sent = True
                continue
            except (EOFError, OSError) as e:  # the pipe broke: the worker is gone or sent what cannot arrive
                log.warning("job %s: lost the worker's messages (%s)", job.id, e)
                proc.join(2)
                if not job.ended:
                    job._lost_worker(proc.exitcode)
                break
            job.apply(msg)
            if job.ended:
                break
        proc.join(5)

    def get(self, job_id: str | None) -> Job | None:
        if not job_id:
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def latest(self, owner: str, kind: str | None = None, where: Callable[[Job], bool] | None = None) -> Job | None:
        """The owner's newest job (of ``kind``, passing ``where``)."""
        with self._lock:
            mine = [j for j in self._jobs.values() if j.owner == owner and (kind is None or j.kind == kind)
                    and (where is None or where(j))]
        return max(mine, key=lambda j: j.created, default=None)

    def all(self) -> list[Job]:
        """Every job record held now (housekeeping looks at which folders they use)."""
        with self._lock:
            return list(self._jobs.values())

    def owned(self, owner: str, kind: str | None = None) -> list[Job]:
        with self._lock:
            return sorted((j for j in self._jobs.values() if j.owner == owner and (kind is None or j.kind == kind)),
                          key=lambda j: j.created)

    def forget(self, job: Job, owner: str) -> None:
        """Stop (if running) and drop one of ``owner``'s jobs."""
        if job.owner != owner:
            raise NotOwner("only the visitor who started this run can remove it")
        job.control(owner, "stop")
        with self._lock:
            self._jobs.pop(job.id, None)

    def _prune(self) -> None:
        now = time.time()
        for jid, job in list(self._jobs.items()):
            if job.ended and now - job.created > KEEP_FINISHED_S:
                del self._jobs[jid]
        ended = sorted((j for j in self._jobs.values() if j.ended), key=lambda j: j.created)
        while len(self._jobs) > MAX_RECORDS and ended:
            del self._jobs[ended.pop(0).id]

    def stop_all(self) -> None:
        with self._lock:
            jobs = list(self._jobs.values())
        for j in jobs:
            if not j.ended:
                j._commands.put(("stop", None))


REGISTRY = Registry()

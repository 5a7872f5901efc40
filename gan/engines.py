"""What a job's worker drives: the :class:`Engine` interface, and :class:`TrainerEngine` for engines that hand
their steps, length, run and stop to a trainer object.

Kept apart from :mod:`gan.jobs` (which registers every engine by name) so that the engines of other packages
(e.g. :mod:`gan.cycle.engine`) can build on these without importing the job layer that imports them.
"""
from __future__ import annotations

from pathlib import Path


class JobError(RuntimeError):
    """A job could not be started or controlled (the message is for people)."""


class Engine:
    """What a worker drives. ``run()`` yields events (objects with ``step``, ``status``, ``finished``)."""

    step: int = 0
    total_steps: int = 0

    def run(self):  # pragma: no cover - interface
        raise NotImplementedError

    def request_stop(self) -> None:
        raise NotImplementedError

    def final_event(self, status: str, message: str):
        raise NotImplementedError

    def manual_step(self, kind: str):
        raise JobError("this job has no single steps")

    def reconfigure(self, changes: dict) -> dict:
        raise JobError("this job cannot be changed while it runs")

    def save(self, folder: Path) -> None:
        """Write a checkpoint (only engines with something to keep)."""


class TrainerEngine(Engine):
    """An engine that hands everything to a trainer with ``step``, ``total_steps``, ``run()`` and ``stop_event``."""

    def __init__(self, trainer):
        self.trainer = trainer

    @property
    def step(self) -> int:
        return self.trainer.step

    @property
    def total_steps(self) -> int:
        return self.trainer.total_steps

    def run(self):
        return self.trainer.run()

    def request_stop(self) -> None:
        self.trainer.stop_event.set()

"""The life of a background job in the database: asked for (or joined), claimed by the worker,
finished or failed, downloaded by its owner only, expired.

Every state change is a short transaction of its own; the worker's progress reports go through
``ProgressWriter`` on a connection of their own, so they never wait for the work's transaction
(on SQLite a report that finds the database locked by an import's writes is skipped: the next
one follows within a second).
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from zet.errors import NotFound
from zet.models.job import ACTIVE, DONE, EXPIRED, FAILED, RUNNING, WAITING, Job
from zet.models.mixins import utcnow
from zet.moments import as_utc

LOST = ("De verwerking is onderbroken: het achtergrondproces stopte voordat de taak klaar was. "
        "Er is niets half opgeslagen. Probeer het opnieuw.")
KEEP_ROWS_DAYS = 7   # finished jobs stay listed this long; their downloads expire sooner


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def request_key(user_id: int, kind: str, params: dict, data_version: str) -> str:
    """Same user, same work, same data: the same key (so a second request joins the first)."""
    text = json.dumps([user_id, kind, params, data_version], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def request_job(session: Session, user, kind: str, params: dict, *, data_version: str,
                stage: str) -> tuple[Job, bool]:
    """The job for this work: a waiting, running or still downloadable one of the same user
    with the same work on the same data (joined: False), else a new waiting one (True). Flushes;
    the caller commits and then enqueues a new job."""
    key = request_key(user.id, kind, params, data_version)
    now = utcnow()
    for job in session.scalars(select(Job).where(
            Job.user_id == user.id, Job.request_key == key,
            Job.status.in_((WAITING, RUNNING, DONE))).order_by(Job.id.desc())):
        if job.status != DONE or (job.expires_at and as_utc(job.expires_at) > now):
            return job, False
    job = Job(user_id=user.id, kind=kind, params=params, request_key=key, status=WAITING,
              stage=stage, fraction=0.0, message="", result={}, worker="", created_at=now)
    session.add(job)
    session.flush()
    return job, True


def retry_of(session: Session, failed: Job, *, data_version: str,
             stage: str) -> tuple[Job, bool]:
    """A new waiting job doing what ``failed`` was asked to do (or the one doing it already)."""
    job, created = request_job(session, _Owner(failed.user_id), failed.kind, failed.params,
                               data_version=data_version, stage=stage)
    if created:
        job.attempt_of = failed.id
    return job, created


class _Owner:
    def __init__(self, user_id: int):
        self.id = user_id


def job_of(session: Session, user_id: int, job_id: int) -> Job:
    """The job, for its owner only: anyone else's, like a job that never existed, is NotFound."""
    job = session.get(Job, job_id)
    if job is None or job.user_id != user_id:
        raise NotFound("Deze taak bestaat niet (meer).")
    return job


def jobs_of(session: Session, user_id: int, limit: int = 20) -> list[Job]:
    return list(session.scalars(select(Job).where(Job.user_id == user_id)
                                .order_by(Job.id.desc()).limit(limit)))


def claim(session: Session, job_id: int) -> Job | None:
    """Mark a waiting job as running in this process; None when it is not waiting any more
    (retried, expired, or already taken)."""
    claimed = session.execute(update(Job).where(Job.id == job_id, Job.status == WAITING).values(
        status=RUNNING, worker=this_worker(), started_at=utcnow(),
        stage="Gestart", fraction=0.0)).rowcount
    session.commit()
    return session.get(Job, job_id) if claimed else None


def finish(job: Job, *, message: str, result: dict, hours: int) -> None:
    """Done: the outcome and (for an export) the download, kept for ``hours``."""
    now = utcnow()
    job.status, job.stage, job.fraction = DONE, "Klaar", 1.0
    job.message, job.result, job.finished_at = message, result, now
    job.expires_at = now + timedelta(hours=hours) if result.get("file") else None


def fail(session: Session, job_id: int, message: str) -> None:
    """Failed, in a transaction of its own (the work's own transaction was rolled back)."""
    session.execute(update(Job).where(Job.id == job_id, Job.status.in_(ACTIVE)).values(
        status=FAILED, message=message, finished_at=utcnow()))
    session.commit()


def notice_lost(session: Session, job: Job) -> bool:
    """A running job whose process on this machine is gone is failed (LOST); True if so."""
    if job.status != RUNNING or not job.worker:
        return False
    host, _, pid = job.worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or _alive(int(pid)):
        return False
    fail(session, job.id, LOST)
    session.refresh(job)
    return True


def fail_lost_jobs(session: Session) -> int:
    """At the worker's start: every job still running on this machine lost its process."""
    lost = 0
    for job in session.scalars(select(Job).where(Job.status == RUNNING)).all():
        lost += notice_lost(session, job)
    return lost


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return _not_a_zombie(pid)


def _not_a_zombie(pid: int) -> bool:
    """A killed child its parent has not reaped yet still answers kill(0) on Linux."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return status != "Z"


def result_file(folder: Path, job: Job) -> Path | None:
    """The finished download of ``job``, or None once it expired or was never made."""
    name = (job.result or {}).get("file")
    if job.status != DONE or not name or Path(name).name != name:
        return None
    if job.expires_at is None or as_utc(job.expires_at) <= utcnow():
        return None
    path = Path(folder) / "results" / name
    return path if path.is_file() else None


def expire(session: Session, folder: Path, now: datetime | None = None) -> int:
    """Downloads past their time are deleted and their jobs marked expired; jobs finished more
    than KEEP_ROWS_DAYS ago are forgotten. Returns the number of downloads removed."""
    now = now or utcnow()
    removed = 0
    for job in session.scalars(select(Job).where(Job.status == DONE,
                                                 Job.expires_at <= now)).all():
        name = (job.result or {}).get("file")
        if name and Path(name).name == name:
            (Path(folder) / "results" / name).unlink(missing_ok=True)
            removed += 1
        job.status, job.stage = EXPIRED, "Verlopen"
    old = now - timedelta(days=KEEP_ROWS_DAYS)
    for job in session.scalars(select(Job).where(Job.status.in_((FAILED, EXPIRED)),
                                                 Job.finished_at <= old)).all():
        session.delete(job)
    session.commit()
    return removed


class ProgressWriter:
    """The Progress callback of a running job (zet.progress): what it is doing and how far,
    written at most every ``interval`` seconds on a connection of its own."""

    def __init__(self, engine: Engine, job_id: int, interval: float = 0.5):
        self.engine, self.job_id, self.interval = engine, job_id, interval
        self._last, self._last_stage = 0.0, None

    def __call__(self, what: str, share: float) -> None:
        now = time.monotonic()
        if what == self._last_stage and now - self._last < self.interval and share < 1:
            return
        try:
            with self.engine.begin() as connection:
                connection.execute(update(Job).where(Job.id == self.job_id,
                                                     Job.status == RUNNING)
                                   .values(stage=what[:200], fraction=max(0.0, min(share, 1.0))))
        except OperationalError:
            return   # SQLite locked by the work's own writes: skip, the next report follows
        self._last, self._last_stage = now, what

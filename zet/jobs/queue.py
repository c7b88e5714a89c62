"""The Huey queue between the web app and the worker: a SQLite file under JOB_DIR."""
from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from huey import SqliteHuey, crontab

_worker_app: Flask | None = None   # set in the worker process (zet.jobs.worker)


def init_app(app: Flask) -> None:
    folder = Path(app.config["JOB_DIR"])
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    huey = SqliteHuey("zet", filename=str(folder / "queue.sqlite3"), results=False, utc=True)
    app.extensions["zet_huey"] = huey
    app.extensions["zet_job_task"] = huey.task(name="zet_job", retries=0)(_run_job)
    huey.periodic_task(crontab(minute="*/10"), name="zet_expire")(_expire)


def enqueue(job_id: int) -> None:
    """Hand the (committed) job to the worker."""
    current_app.extensions["zet_job_task"](job_id)


def serve_in(app: Flask) -> None:
    """This process is the worker: its tasks run in ``app``."""
    global _worker_app
    _worker_app = app


def _run_job(job_id: int) -> None:
    from zet.jobs import work
    with _worker_app.app_context():
        work.run(job_id)


def _expire() -> None:
    from zet.db import get_session
    from zet.jobs import store
    with _worker_app.app_context():
        store.expire(get_session(), Path(current_app.config["JOB_DIR"]))

"""The worker process (``zet worker``) and its keeper in ``zet serve``.

One worker per instance folder (a lock file), one job at a time: a national export needs most
of the memory ZET may use, two at once would need twice that. At its start the worker fails the
jobs a previous worker left running (it died with them) and removes expired downloads.
"""
from __future__ import annotations

import atexit
import fcntl
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from flask import Flask

from zet.errors import DomainError

LOCK = "worker.lock"
ALREADY = ("Er draait al een verwerker voor deze instance-map (pid {pid}). Stop die eerst, of "
           "laat 'zet serve' hem starten.")


def run_worker(app: Flask) -> None:
    """Take jobs from the queue until stopped (Ctrl+C or SIGTERM)."""
    from zet.db import get_session
    from zet.jobs import queue, store

    folder = Path(app.config["JOB_DIR"])
    lock = _take_lock(folder)
    with app.app_context():
        session = get_session()
        store.fail_lost_jobs(session)
        store.expire(session, folder)
    queue.serve_in(app)
    consumer = app.extensions["zet_huey"].create_consumer(
        workers=1, worker_type="thread", periodic=True, initial_delay=0.1, backoff=1.15,
        max_delay=1.0, check_worker_health=True)
    try:
        consumer.run()
    finally:
        lock.close()


def _take_lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = open(folder / LOCK, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise DomainError(ALREADY.format(pid=pid)) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def worker_running(folder: Path) -> bool:
    """Whether a worker holds the lock of this instance folder (for the job page's hint)."""
    path = Path(folder) / LOCK
    if not path.exists():
        return False
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


class Keeper:
    """Runs ``zet worker`` beside the web server and starts it again when it dies.

    Only the process that started it stops it: gunicorn forks its web workers from that
    process, and they inherit the exit handler; a web worker that exits (or is replaced) must
    leave the job worker alone."""

    def __init__(self, command: list[str] | None = None, pause: float = 1.0):
        self.command = command or [sys.executable, "-m", "zet", "worker"]
        self.pause = pause
        self.process: subprocess.Popen | None = None
        self._stopping = threading.Event()
        self._owner = os.getpid()

    def start(self) -> "Keeper":
        threading.Thread(target=self._keep, name="zet-worker-keeper", daemon=True).start()
        atexit.register(self.stop)
        return self

    def _keep(self) -> None:
        while not self._stopping.is_set():
            started = time.monotonic()
            self.process = subprocess.Popen(self.command)
            self.process.wait()
            if self._stopping.is_set():
                return
            # Crashing at once again and again (a bad setting) should not spin the CPU.
            quick = time.monotonic() - started < 10
            self._stopping.wait(self.pause * (10 if quick else 1))

    def stop(self) -> None:
        if os.getpid() != self._owner:
            return   # a forked web worker exiting: not its job worker to stop
        self._stopping.set()
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

"""Production serving with gunicorn, started from `zet serve`."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from zet import create_app


class _ZetServer(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return create_app()


def run(host: str, port: int, workers: int, threads: int, with_worker: bool = True) -> int:
    create_app()  # fail fast (bad instrument file, bad config) before forking workers
    if with_worker:
        from zet.jobs.worker import Keeper
        Keeper().start()   # background jobs (zet.jobs): one worker process beside gunicorn
    _ZetServer({"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                "accesslog": "-", "worker_class": "gthread", "timeout": 120,
                # gunicorn's shared control socket lets one instance take over another's
                "control_socket_disable": True}).run()
    return 0

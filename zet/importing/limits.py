"""One import at a time per user, across every worker of the server.

Reading and checking an upload costs CPU; one user sending several at once could slow the
service for everyone. A lock file per user (``<instance>/import-bezig/<id>.lock``, flock:
released by the operating system when a worker dies) lets a second upload of the same user be
refused at once instead of queued.
"""
from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path

from zet.errors import DomainError

BUSY = ("U heeft al een import die nog wordt gelezen of opgeslagen. Wacht tot die klaar is en "
        "probeer het dan opnieuw; er is niets opgeslagen.")


class ImportBusy(DomainError):
    """The user already has an import running."""


@contextmanager
def one_import_at_a_time(instance: Path, user_id: int):
    folder = Path(instance) / "import-bezig"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(folder / f"{int(user_id)}.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(BUSY) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

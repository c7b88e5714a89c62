"""Uploads waiting between the preview and the confirmation of an import.

A file under the instance folder (``<instance>/imports/<token>``, or IMPORT_DIR), never in the
session cookie; the caller keeps only the token, so nobody else can confirm someone's upload.
Files older than an hour are refused and removed: on every upload and read, and by the
web app's sweep (``sweep_uploads``, at most once a minute per worker).
"""
from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

MAX_AGE_SECONDS = 3600
EXTENSIONS = ("csv", "xlsx", "zip")
TOKEN = re.compile(r"[0-9a-f]{32}\.(?:csv|xlsx|zip)")


class UploadStore:
    """The folder of waiting uploads."""

    def __init__(self, folder: Path, max_age: int = MAX_AGE_SECONDS):
        self.folder = Path(folder)
        self.max_age = max_age

    def put(self, data: bytes, filename: str, replaces: str | None = None) -> str:
        """Keep ``data`` (named ``filename`` by the user); returns its token. ``replaces`` (an
        earlier token of the same user) is removed."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.remove_stale()
        if replaces:
            self.discard(replaces)
        extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
        token = f"{uuid.uuid4().hex}.{extension if extension in EXTENSIONS else 'csv'}"
        path = self.folder / token
        path.write_bytes(data)
        path.chmod(0o600)
        return token

    def read(self, token: str | None) -> bytes | None:
        """The upload behind ``token``, or None when it expired, was used or never existed."""
        self.remove_stale()
        path = self._path(token)
        if path is None or not path.is_file():
            return None
        return path.read_bytes()

    def discard(self, token: str | None) -> None:
        path = self._path(token)
        if path is not None:
            path.unlink(missing_ok=True)

    def _path(self, token: str | None) -> Path | None:
        if not token or not TOKEN.fullmatch(token):
            return None
        return self.folder / token

    def remove_stale(self) -> None:
        """Remove uploads nobody confirmed within ``max_age`` seconds."""
        limit = time.time() - self.max_age
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.*"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass


SWEEP_SECONDS = 60
_last_sweep = 0.0


def sweep_uploads(folder: Path) -> None:
    """Remove stale uploads, at most once per SWEEP_SECONDS in this process (a before_request
    hook, so an upload nobody confirms is gone within the hour even when nobody imports)."""
    global _last_sweep
    now = time.monotonic()
    if now - _last_sweep < SWEEP_SECONDS:
        return
    _last_sweep = now
    UploadStore(folder).remove_stale()

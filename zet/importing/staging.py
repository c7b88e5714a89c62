"""Uploads waiting between the preview and the confirmation of an import.

A file under the instance folder (``<instance>/imports/<token>``, or IMPORT_DIR), never in the
session cookie; the caller keeps only the token, so nobody else can confirm someone's upload.
Files older than an hour are removed whenever a new one arrives.
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
        self._remove_stale()
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

    def _remove_stale(self) -> None:
        limit = time.time() - self.max_age
        for path in self.folder.glob("*.*"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                pass

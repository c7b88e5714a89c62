"""Configuration from environment variables with the ZET_ prefix.

The SQLite file and the secret key live under ``instance/``, which is never committed.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET = "dev-only-change-me"


def instance_path() -> Path:
    return Path(os.environ.get("ZET_INSTANCE_PATH", Path.cwd() / "instance")).resolve()


def database_url() -> str:
    """ZET_DATABASE_URL, or an embedded SQLite file under instance/."""
    url = os.environ.get("ZET_DATABASE_URL")
    if url:
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    path = instance_path()
    path.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path / 'zet.sqlite3'}"


def load_config() -> dict:
    """The settings a fresh app gets before any test or caller overrides them."""
    return {
        "SECRET_KEY": os.environ.get("ZET_SECRET_KEY", DEFAULT_SECRET),
        "DATABASE_URL": database_url(),
        "INSTRUMENT_DIR": os.environ.get("ZET_INSTRUMENT_DIR"),
        "INSTRUMENT_VERSION": os.environ.get("ZET_INSTRUMENT_VERSION"),
        "WTF_I18N_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": int(os.environ.get("ZET_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "AUTOSAVE_SECONDS": int(os.environ.get("ZET_AUTOSAVE_SECONDS", "30")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
    }

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


def secret_key() -> str:
    """ZET_SECRET_KEY, else the key `zet init` wrote to instance/secret_key, else the dev default."""
    if os.environ.get("ZET_SECRET_KEY"):
        return os.environ["ZET_SECRET_KEY"]
    path = instance_path() / "secret_key"
    if path.exists():
        return path.read_text().strip()
    return DEFAULT_SECRET


def ensure_secret_key() -> Path:
    """Write a random secret key under instance/ once, readable only by its owner."""
    import secrets
    path = instance_path() / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path


def load_config() -> dict:
    """The settings a fresh app gets before any test or caller overrides them."""
    return {
        "SECRET_KEY": secret_key(),
        "DATABASE_URL": database_url(),
        "CACHE_DIR": str(instance_path() / "cache"),  # analysis results shared by workers
        "INSTRUMENT_DIR": os.environ.get("ZET_INSTRUMENT_DIR"),
        "INSTRUMENT_VERSION": os.environ.get("ZET_INSTRUMENT_VERSION"),
        "WTF_I18N_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": int(os.environ.get("ZET_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "AUTOSAVE_SECONDS": int(os.environ.get("ZET_AUTOSAVE_SECONDS", "30")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        **session_settings(),
    }


def session_settings() -> dict:
    """Cookies only over HTTPS when ZET_HTTPS=1; logout after ZET_IDLE_MINUTES without activity."""
    https = os.environ.get("ZET_HTTPS") == "1"
    return {
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "IDLE_MINUTES": int(os.environ.get("ZET_IDLE_MINUTES", "30")),
    }

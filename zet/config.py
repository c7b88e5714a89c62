"""Configuration, read once: environment variables with the ZET_ prefix and the instance folder.

``load_config`` is called once per app (by ``create_app``); everything else reads
``app.config`` or ``app.instance_path``, never the environment. The SQLite file, the secret key,
the analysis cache and waiting uploads live in the instance folder (ZET_INSTANCE_PATH, default
``./instance``), which is never committed.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET = "dev-only-change-me"
SECRET_FILE = "secret_key"


def instance_path(configured=None) -> Path:
    """The instance folder: ``configured``, else ZET_INSTANCE_PATH, else ./instance."""
    return Path(configured or os.environ.get("ZET_INSTANCE_PATH") or Path.cwd() / "instance"
                ).resolve()


def database_url(instance: Path) -> str:
    """ZET_DATABASE_URL, or an embedded SQLite file in the instance folder."""
    url = os.environ.get("ZET_DATABASE_URL")
    if url:
        return _with_driver(url)
    instance.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{instance / 'zet.sqlite3'}"


def owner_database_url() -> str | None:
    """ZET_OWNER_DATABASE_URL: the role that owns the tables, for migrations (zet.db_roles)."""
    url = os.environ.get("ZET_OWNER_DATABASE_URL")
    return _with_driver(url) if url else None


def _with_driver(url: str) -> str:
    """A plain postgresql:// URL gets the psycopg 3 driver SQLAlchemy would not pick itself."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def secret_key(instance: Path) -> str:
    """ZET_SECRET_KEY, else the key `zet init` wrote to the instance folder, else the dev default."""
    if os.environ.get("ZET_SECRET_KEY"):
        return os.environ["ZET_SECRET_KEY"]
    path = instance / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    return DEFAULT_SECRET


def ensure_secret_key(instance: Path) -> Path:
    """Write a random secret key in the instance folder once, readable only by its owner."""
    import secrets
    path = Path(instance) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path


def load_config(overrides: dict | None = None) -> dict:
    """The app's settings: the defaults (from the environment and the instance folder) with
    ``overrides`` (a test's or caller's) on top. INSTANCE_PATH in ``overrides`` moves every
    default that lives in the instance folder along."""
    overrides = dict(overrides or {})
    instance = instance_path(overrides.get("INSTANCE_PATH"))
    config = {
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": overrides.get("SECRET_KEY") or secret_key(instance),
        "DATABASE_URL": overrides.get("DATABASE_URL") or database_url(instance),
        "OWNER_DATABASE_URL": owner_database_url(),
        "CACHE_DIR": str(instance / "cache"),   # analysis results shared by workers
        "IMPORT_DIR": str(instance / "imports"),   # uploads waiting for confirmation
        "JOB_DIR": str(instance / "jobs"),   # the background queue and finished downloads
        # Exports of more gemeenten, and imports of more rows, run in the background (zet.jobs).
        "BACKGROUND_EXPORT_GEMEENTEN": int(os.environ.get("ZET_ACHTERGROND_GEMEENTEN", "5")),
        "BACKGROUND_IMPORT_ROWS": int(os.environ.get("ZET_ACHTERGROND_RIJEN", "5000")),
        "JOB_RESULT_HOURS": int(os.environ.get("ZET_DOWNLOAD_UREN", "24")),
        "INSTRUMENT_DIR": os.environ.get("ZET_INSTRUMENT_DIR"),
        "INSTRUMENT_VERSION": os.environ.get("ZET_INSTRUMENT_VERSION"),
        "WTF_I18N_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": int(os.environ.get("ZET_MAX_UPLOAD_MB", "20")) * 1024 * 1024,
        "AUTOSAVE_SECONDS": int(os.environ.get("ZET_AUTOSAVE_SECONDS", "30")),
        # Two-factor login: always for beheerders; ZET_TWEESTAPS_IEDEREEN=1 for every role.
        "TWO_FACTOR_FOR_ALL": os.environ.get("ZET_TWEESTAPS_IEDEREEN") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        **session_settings(),
    }
    config.update(overrides)
    return config


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

"""Database engine and per-request session.

Plain SQLAlchemy 2: one engine per app, one session per request (or CLI command), committed
once by the caller so a failed save leaves nothing half-written.
"""
from __future__ import annotations

from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from zet import data_version


class Base(DeclarativeBase):
    pass


def make_engine(url: str) -> Engine:
    engine = _engine(url)
    data_version.install(engine)
    return engine


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL still never corrupts the file; it only skips an fsync per commit.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["zet_engine"] = engine
    app.extensions["zet_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine() -> Engine:
    return current_app.extensions["zet_engine"]


def get_session() -> Session:
    """The session of the current request or command, created on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["zet_sessionmaker"]()
    return g.db_session


def _close_session(_exc) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


IN_TRANSACTION = "zet_in_transaction"   # Session.info: inside ``transaction()`` (audit.record)


@contextmanager
def transaction():
    """Commit once at the end, roll back everything on any error."""
    session = get_session()
    outer = session.info.get(IN_TRANSACTION, False)
    session.info[IN_TRANSACTION] = True
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[IN_TRANSACTION] = outer


def new_session() -> Session:
    """A session of its own, beside the request's, for a short write of its own."""
    return current_app.extensions["zet_sessionmaker"]()

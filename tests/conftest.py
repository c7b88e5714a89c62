"""Fixtures: an app on a fresh database per test, on SQLite and on PostgreSQL.

PostgreSQL runs when ZET_TEST_POSTGRES_URL names a server (.ci/run starts one); with
ZET_REQUIRE_POSTGRES=1 a missing server is an error instead of a skip. There the schema belongs
to the server's role (``database_url``) and the app connects as a role of its own that only has
the rights `zet init` grants (zet.db_roles), so every PostgreSQL test also proves those suffice.
"""
from __future__ import annotations

import atexit
import os

import pytest
from sqlalchemy import create_engine, make_url, text

from tests.helpers import postgres_server_url
from zet import create_app
from zet import data_version
from zet.db import Base, get_session, make_engine
from zet.db_roles import grant_app_role

BACKENDS = ["sqlite", "postgresql"]
_pg_schema_ready = False


_pg_database_url: str | None = None
_pg_app_url: str | None = None


def _postgres_url() -> str:
    """A database of this test run's own on the server, so parallel runs never collide."""
    global _pg_database_url
    url = postgres_server_url()
    global _pg_app_url
    if _pg_database_url is None:
        name = f"zet_test_{os.getpid()}"
        server = make_url(url)
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"DROP ROLE IF EXISTS {name}_app"))
            connection.execute(text(f"CREATE ROLE {name}_app LOGIN PASSWORD 'app'"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        atexit.register(_drop_database, server, name)
        database = server.set(database=name)
        _pg_database_url = database.render_as_string(hide_password=False)
        _pg_app_url = database.set(username=f"{name}_app", password="app").render_as_string(
            hide_password=False)
    return _pg_database_url


def app_database_url(database_url: str) -> str:
    """The URL the app connects with: on PostgreSQL the test run's role without ownership."""
    return _pg_app_url if database_url == _pg_database_url else database_url


def _drop_database(server, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"DROP ROLE IF EXISTS {name}_app"))
    admin.dispose()


def _fresh_postgres(url: str) -> None:
    """Create the schema once per run; empty every table before each test."""
    global _pg_schema_ready
    import zet.models  # noqa: F401
    engine = make_engine(url)
    with engine.begin() as connection:
        if not _pg_schema_ready:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            Base.metadata.create_all(connection)
            grant_app_role(connection, make_url(_pg_app_url).username)
            _pg_schema_ready = True
        else:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables
                              if t.name != data_version.TABLE)   # keep its one row
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        import zet.models  # noqa: F401
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    url = _postgres_url()
    _fresh_postgres(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": app_database_url(database_url),
                      "INSTANCE_PATH": str(tmp_path / "instance"),
                      "SECRET_KEY": "test-secret", "AUTOSAVE_SECONDS": 30,
                      "CACHE_DIR": str(tmp_path / "cache"),
                      "PASSWORD_HASH_PROFILE": "CHEAPEST"})
    yield app
    app.extensions["zet_engine"].dispose()


@pytest.fixture
def client(app):
    """A browser logged in as a beheerder (who may do everything); see helpers.login_as."""
    from tests.helpers import login_as
    client = app.test_client()
    login_as(client, "beheerder", username="test-beheerder")
    return client


@pytest.fixture
def anonymous(app):
    """A browser that has not logged in."""
    return app.test_client()


@pytest.fixture
def session(app):
    """A database session in an app context, for arranging data and checking results."""
    with app.app_context():
        yield get_session()


@pytest.fixture
def instrument(app):
    return app.extensions["zet_instruments"].active


@pytest.fixture
def export_of_tiny_groups(monkeypatch):
    """Anonymised exports that keep groups of a single casus: for tests about naming in a
    dataset of a few casussen, which the real minimum (3 casussen) would empty entirely."""
    import analysis
    import zet.export.service
    monkeypatch.setattr(zet.export.service, "SETTINGS", analysis.AnalysisSettings(min_casussen=1))

"""Two PostgreSQL roles: `zet init` migrates as the tables' owner, the application connects as a
role that can read and write rows but cannot touch the audit log's rows, triggers or table."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from tests.helpers import postgres_server_url
from zet import create_app
from zet.cli import main
from zet.db import make_engine
from zet.db_roles import app_role, owner_warning
from zet.errors import DomainError

# Everything an application that owned its tables could do to erase or stop the audit log.
ATTACKS = [
    "DELETE FROM audit_event",
    "UPDATE audit_event SET detail = 'vervalst'",
    "TRUNCATE audit_event",
    "DROP TRIGGER audit_event_no_update_or_delete ON audit_event",
    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
    "DROP FUNCTION audit_event_append_only() CASCADE",
    "CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RETURN OLD; END $$",
    "DROP TABLE audit_event CASCADE",
    "ALTER TABLE audit_event RENAME TO audit_event_oud",
    "UPDATE alembic_version SET version_num = '0001'",
    "ALTER TABLE casus ADD COLUMN extra integer",
    "CREATE TABLE kopie (id integer)",
]


@pytest.fixture
def two_roles():
    """A database owned by an ordinary role (not a superuser), and a role for the app, as the
    README's Beveiliging section sets them up; both removed afterwards."""
    server_url = postgres_server_url()
    name = f"zet_rollen_{os.getpid()}"
    server = make_url(server_url)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"DROP ROLE IF EXISTS {name}_eigenaar"))
            connection.execute(text(f"DROP ROLE IF EXISTS {name}_app"))

    drop()
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {name}_eigenaar LOGIN PASSWORD 'eigenaar'"))
        connection.execute(text(f"CREATE ROLE {name}_app LOGIN PASSWORD 'app'"))
        connection.execute(text(f"CREATE DATABASE {name} OWNER {name}_eigenaar"))
    database = server.set(database=name)
    yield (database.set(username=f"{name}_eigenaar", password="eigenaar").render_as_string(
               hide_password=False),
           database.set(username=f"{name}_app", password="app").render_as_string(
               hide_password=False))
    drop()
    admin.dispose()


def add_raw_event(connection) -> None:
    connection.execute(text("INSERT INTO audit_event (at, username, role, action, object_type, "
                            "detail) VALUES (CURRENT_TIMESTAMP, 'x', '', 'bekeken', 'casus', '')"))


def zet(tmp_path, monkeypatch, owner_url, app_url, *args):
    monkeypatch.setenv("ZET_OWNER_DATABASE_URL", owner_url)
    monkeypatch.setenv("ZET_DATABASE_URL", app_url)
    monkeypatch.setenv("ZET_INSTANCE_PATH", str(tmp_path))
    app = create_app()
    result = app.test_cli_runner().invoke(main, list(args))
    app.extensions["zet_engine"].dispose()
    return result


def test_the_app_role_cannot_erase_the_audit_log(two_roles, tmp_path, monkeypatch):
    owner_url, app_url = two_roles
    result = zet(tmp_path, monkeypatch, owner_url, app_url, "init")
    assert result.exit_code == 0, result.output
    assert f"Rechten gegeven aan rol {make_url(app_url).username}" in result.output
    # The app's own work needs nothing more: the demo writes every kind of row as the app role.
    result = zet(tmp_path, monkeypatch, owner_url, app_url, "demo")
    assert result.exit_code == 0 and "9 casussen toegevoegd" in result.output, result.output

    app_engine, owner_engine = make_engine(app_url), make_engine(owner_url)
    count = "SELECT count(*) FROM audit_event"
    with app_engine.begin() as connection:
        add_raw_event(connection)
        before = connection.execute(text(count)).scalar()
    assert before >= 1
    for attack in ATTACKS:
        with pytest.raises(DBAPIError, match="permission denied|must be owner") as refused:
            with app_engine.begin() as connection:
                connection.execute(text(attack))
        assert "append-only" not in str(refused.value), attack  # refused by rights, not trigger
    with app_engine.connect() as connection:
        assert connection.execute(text(count)).scalar() == before
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() \
            != "0001"
    assert owner_warning(app_engine) is None
    assert "eigenaar van de tabellen" in owner_warning(owner_engine)

    # A second `zet init` (after an upgrade) keeps the rights as they were.
    assert zet(tmp_path, monkeypatch, owner_url, app_url, "init").exit_code == 0
    with pytest.raises(DBAPIError, match="permission denied"):
        with app_engine.begin() as connection:
            connection.execute(text("DELETE FROM audit_event"))
    app_engine.dispose()
    owner_engine.dispose()


def test_the_owner_still_hits_the_triggers(two_roles, tmp_path, monkeypatch):
    """The triggers stay as a second wall: even the owner cannot change an event by mistake."""
    owner_url, app_url = two_roles
    assert zet(tmp_path, monkeypatch, owner_url, app_url, "init").exit_code == 0
    owner = make_engine(owner_url)
    with owner.begin() as connection:
        add_raw_event(connection)
    with pytest.raises(DBAPIError, match="append-only"):
        with owner.begin() as connection:
            connection.execute(text("DELETE FROM audit_event"))
    owner.dispose()


def test_urls_of_two_databases_are_refused_with_a_dutch_message(tmp_path, monkeypatch):
    with pytest.raises(DomainError, match="verschillende databases"):
        app_role("postgresql+psycopg://eigenaar@db/zet", "postgresql+psycopg://app@db/andere")
    monkeypatch.setenv("ZET_OWNER_DATABASE_URL", f"sqlite:///{tmp_path / 'een.sqlite3'}")
    monkeypatch.setenv("ZET_DATABASE_URL", f"sqlite:///{tmp_path / 'twee.sqlite3'}")
    monkeypatch.setenv("ZET_INSTANCE_PATH", str(tmp_path))
    result = create_app().test_cli_runner().invoke(main, ["init"])
    assert result.exit_code != 0 and "verschillende databases" in result.output
    assert not (tmp_path / "een.sqlite3").exists()  # nothing migrated before the refusal


def test_one_role_setups_need_no_grants():
    assert app_role("postgresql+psycopg://zet@db/zet", "postgresql+psycopg://zet:x@db/zet") is None
    assert app_role("sqlite:////tmp/zet.sqlite3", "sqlite:////tmp/zet.sqlite3") is None
    assert app_role("postgresql+psycopg://eigenaar@db/zet",
                    "postgresql+psycopg://app@db/zet") == "app"

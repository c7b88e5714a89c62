"""PostgreSQL roles: one role owns the tables and migrates them, the application's role only
reads and writes rows.

A table's owner can drop its triggers, disable them or TRUNCATE it, so an application that
connects as the owner could erase the append-only audit log. With ZET_OWNER_DATABASE_URL set,
`zet init` migrates as that owner and then grants the role of ZET_DATABASE_URL what the
application needs and nothing more: rows of every table, but on ``audit_event`` only reading
and adding, and on ``alembic_version`` only reading.
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import make_url, text
from sqlalchemy.engine import Connection, Engine

from zet.db import make_engine
from zet.errors import DomainError

AUDIT_TABLE = "audit_event"
READ_ONLY_TABLES = ("alembic_version",)


def app_role(owner_url: str, app_url: str) -> str | None:
    """The role to grant to, or None when both URLs log in as the same role (one-role setup).

    Refuses two URLs that point at different databases: granting on the wrong database would
    leave the application without rights, or give them where nobody asked."""
    owner, app = make_url(owner_url), make_url(app_url)
    if (owner.get_backend_name(), owner.host, owner.port, owner.database) != (
            app.get_backend_name(), app.host, app.port, app.database):
        raise DomainError("ZET_OWNER_DATABASE_URL en ZET_DATABASE_URL wijzen naar verschillende "
                          "databases. Laat ze naar dezelfde database wijzen; alleen de "
                          "gebruikersnaam (rol) en het wachtwoord verschillen.")
    if owner.get_backend_name() != "postgresql" or not app.username:
        return None
    return None if app.username == owner.username else app.username


@contextmanager
def owner_engine(app_url: str, owner_url: str | None, app_engine: Engine):
    """For work only the tables' owner may do (migrating, restoring): an engine of its own for
    ``owner_url`` while the block runs, with the role to grant to (None in a one-role setup);
    without ``owner_url`` the application's own engine and None."""
    if not owner_url:
        yield app_engine, None
        return
    role = app_role(owner_url, app_url)   # refuses a different database before connecting
    engine = make_engine(owner_url)
    try:
        yield engine, role
    finally:
        engine.dispose()


def grant_app_role(connection: Connection, role: str) -> None:
    """Give ``role`` row access to the current schema's tables, minus changing the audit log.

    Runs after every migration, so a table a migration adds is covered too."""
    quote = connection.dialect.identifier_preparer.quote
    who, schema = quote(role), quote(connection.execute(text("SELECT current_schema()")).scalar())
    connection.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {who}"))
    # From a clean slate, so rights an earlier setup gave (ALL, TRUNCATE, TRIGGER) do not linger.
    connection.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {who}"))
    connection.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {who}"))
    connection.execute(text(
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {who}"))
    connection.execute(text(f"REVOKE UPDATE, DELETE ON {AUDIT_TABLE} FROM {who}"))
    for table in READ_ONLY_TABLES:
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar():
            connection.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON {table} FROM {who}"))
    connection.execute(text(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {who}"))


def owner_warning(engine: Engine) -> str | None:
    """A Dutch warning when the application connects to PostgreSQL as a superuser or as the
    owner of its tables, and so could erase the audit log; None when it cannot."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as connection:
        superuser = connection.execute(text(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        owns = connection.execute(text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() "
            "AND tableowner = current_user")).scalar()
    if not superuser and not owns:
        return None
    what = "superuser" if superuser else "eigenaar van de tabellen"
    return (f"Let op: ZET_DATABASE_URL verbindt als {what}, en kan zo het auditlog wissen. "
            "Gebruik voor de applicatie een rol zonder eigendom en draai 'zet init' met "
            "ZET_OWNER_DATABASE_URL (zie README, Beveiliging).")

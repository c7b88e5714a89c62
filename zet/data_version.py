"""A data version that changes in the same transaction as every write to casus data.

Analysis caches are keyed on it: a page reads one row by its primary key instead of counting
tables, and any save, import, purge or restore, by any process, makes the next page compute
afresh. The bump hooks into the engine (every INSERT, UPDATE or DELETE statement, from the ORM's
flush, the bulk import's Core statements or a restore), so no write path can forget it. Each bump
draws a random value rather than counting up, so a database rebuilt or restored at the same URL
can never meet a cache entry of its predecessor. Accounts, the audit log and background jobs are not
casus data: a login or a progress report does not empty the caches.
"""
from __future__ import annotations

import uuid
from contextlib import contextmanager

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.dml import UpdateBase

TABLE = "data_versie"
NOT_DATA = frozenset({TABLE, "audit_event", "gebruiker", "gebruiker_gemeente", "herstelcode",
                      "job"})
_BUMPED = "zet_data_version_bumped_in"   # in Connection.info: the transaction that bumped
_MIGRATING = "zet_data_version_migrating"   # in Connection.info: the table may not exist yet

_BUMP = text(f"UPDATE {TABLE} SET versie = :versie WHERE id = 1")
_READ = text(f"SELECT versie FROM {TABLE} WHERE id = 1")


def install(engine: Engine) -> None:
    """Bump the version before the first write to casus data in each transaction."""
    event.listen(engine, "before_execute", _bump_before_write)
    event.listen(engine, "rollback_savepoint", _forget_bump)


def _writes_data(clause) -> bool:
    table = getattr(clause, "table", None) if isinstance(clause, UpdateBase) else None
    return table is not None and getattr(table, "name", None) not in NOT_DATA


@contextmanager
def migrating(connection: Connection):
    """Migrations write before the table exists (or after it is dropped): no bump per statement,
    one bump at the end instead, since data migrations change what the caches hold."""
    connection.info[_MIGRATING] = True
    try:
        yield
    finally:
        connection.info.pop(_MIGRATING, None)
    if inspect(connection).has_table(TABLE):   # not when migrating to a revision before it
        connection.execute(_BUMP, {"versie": uuid.uuid4().hex})


def _bump_before_write(connection: Connection, clause, *_args) -> None:
    if _writes_data(clause) and not connection.info.get(_MIGRATING):
        bump(connection)


def bump(connection: Connection) -> None:
    """Bump the version in this transaction (once is enough). The engine hook calls it; a write
    that bypasses SQLAlchemy's execute (the bulk import's COPY or driver executemany) calls it
    itself, before writing."""
    if connection.in_transaction() and \
            connection.info.get(_BUMPED) is connection.get_transaction():
        return   # once per transaction is enough
    connection.execute(_BUMP, {"versie": uuid.uuid4().hex})
    connection.info[_BUMPED] = connection.get_transaction()


def _forget_bump(connection: Connection, *_args) -> None:
    """A rolled-back savepoint may have taken the bump with it: bump again on the next write."""
    connection.info.pop(_BUMPED, None)


def current(connection: Connection) -> str:
    """The data version; without its row (a database not built by ZET) a new value each time,
    so nothing is ever served from a cache that might be stale."""
    return connection.execute(_READ).scalar() or uuid.uuid4().hex

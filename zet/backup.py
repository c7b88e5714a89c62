"""Backup and restore: every row of every table, as one consistent snapshot, in one file.

``write_backup`` reads all tables inside a single read transaction (a snapshot: WAL on SQLite,
REPEATABLE READ on PostgreSQL), so it may run while the server is in use and still gives a copy
of one moment. The file is a zip: ``manifest.json`` (format, schema revision, row counts) and one
``<table>.jsonl`` per table. It is the same on SQLite and PostgreSQL, so a backup of one restores
into the other. ``restore_backup`` writes it into an empty database at the same schema revision,
in one transaction (all or nothing), and sets the id sequences on PostgreSQL.

A backup holds casus data: ZET creates it readable by its owner only (see
``zet.private_files``); keep it as carefully as the database itself.
"""
from __future__ import annotations

import json
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import Date, DateTime, func, insert, select, text
from sqlalchemy.engine import Connection, Engine

import zet.models  # noqa: F401  (every table on Base.metadata)
from zet import data_version
from zet.db import Base
from zet.errors import DomainError
from zet.moments import as_utc

FORMAT = "zet-backup-1"
BATCH = 2000


def _tables():
    """Parents before children; not the data version, which each database keeps its own of
    (and which the restore's own writes change), nor background jobs, whose downloads live in
    this machine's instance folder and expire within a day."""
    return [t for t in Base.metadata.sorted_tables if t.name not in (data_version.TABLE, "job")]


def _snapshot(connection: Connection) -> None:
    """Start a read transaction whose reads all see one moment."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN")   # pysqlite would not start one for a SELECT
    else:
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _plain(value):
    """JSON for a value; a moment always in UTC (SQLite hands back UTC without a zone,
    PostgreSQL in its session's zone), so a backup means the same on either database."""
    if isinstance(value, datetime):
        return as_utc(value).astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_backup(engine: Engine, out: Path) -> dict[str, int]:
    """Write every row to ``out``; returns the number of rows per table."""
    counts: dict[str, int] = {}
    partial = Path(f"{out}.bezig")
    with engine.connect() as connection, zipfile.ZipFile(
            partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _snapshot(connection)
        revision = _revision(connection)
        for table in _tables():
            count = 0
            with archive.open(f"{table.name}.jsonl", "w") as member:
                rows = connection.execution_options(yield_per=BATCH).execute(
                    select(table).order_by(*table.primary_key.columns))
                for row in rows:
                    member.write(json.dumps([_plain(v) for v in row], ensure_ascii=False)
                                 .encode("utf-8") + b"\n")
                    count += 1
            counts[table.name] = count
        connection.rollback()
        archive.writestr("manifest.json", json.dumps({
            "format": FORMAT, "revision": revision, "tables": counts,
            "columns": {t.name: [c.name for c in t.columns] for t in _tables()},
            "created": datetime.now().astimezone().isoformat(timespec="seconds")}, indent=1))
    partial.replace(out)   # a half-written backup never carries the real name
    return counts


def _typed(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return as_utc(datetime.fromisoformat(value)).astimezone(timezone.utc)   # SQLite keeps the UTC wall time, as ZET does
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    return value


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise DomainError("Dit is geen back-up van ZET: manifest.json ontbreekt of is "
                          "onleesbaar.") from None
    if manifest.get("format") != FORMAT:
        raise DomainError(f"Onbekend back-upformaat '{manifest.get('format')}'; deze versie "
                          f"van ZET leest {FORMAT}.")
    return manifest


def restore_backup(engine: Engine, source: Path) -> dict[str, int]:
    """Write the rows of the backup ``source`` into the (empty, migrated) database."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise DomainError(f"'{Path(source).name}' is geen back-up van ZET (geen zip-bestand).") \
            from None
    with archive, engine.begin() as connection:
        manifest = read_manifest(archive)
        revision = _revision(connection)
        if manifest["revision"] != revision:
            raise DomainError(
                f"De back-up is van schemaversie {manifest['revision']}, de database heeft "
                f"{revision}. Zet de back-up terug met de ZET-versie die hem maakte, of breng "
                "de database eerst op dezelfde versie.")
        filled = [t.name for t in _tables()
                  if connection.execute(select(func.count()).select_from(t)).scalar()]
        if filled:
            raise DomainError("De database is niet leeg (er staan al gegevens in: "
                              f"{', '.join(filled)}). Zet een back-up alleen terug in een lege "
                              "database: maak een nieuwe aan en voer 'zet init' uit.")
        counts = {}
        for table in _tables():
            names = manifest["columns"][table.name]
            columns = [table.columns[n] for n in names]
            text_rows = archive.read(f"{table.name}.jsonl").decode("utf-8")
            rows = [json.loads(line) for line in text_rows.split("\n") if line]
            for start in range(0, len(rows), BATCH):
                connection.execute(insert(table), [
                    {c.name: _typed(c, v) for c, v in zip(columns, row)}
                    for row in rows[start:start + BATCH]])
            counts[table.name] = len(rows)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return counts


def _reset_sequences(connection: Connection) -> None:
    """After rows with their own ids: the next id follows the highest restored one."""
    for table in _tables():
        if "id" not in table.columns or not table.columns["id"].autoincrement:
            continue
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))

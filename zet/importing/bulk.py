"""Insert many rows the fastest way the database offers: COPY on PostgreSQL, the driver's own
executemany of tuples on SQLite.

A national import writes about 600,000 scores. SQLAlchemy's executemany builds a parameter
dict per row and runs its bind processing over each; the driver paths skip that, and COPY
streams the rows instead of executing a statement per row. The rows still go through the
session's connection, so they commit or roll back with the rest of the import.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sqlalchemy import Table
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from zet import data_version


def insert_rows(session: Session, table: Table, columns: Sequence[str],
                rows: Iterable[tuple], constants: Mapping[str, object] | None = None) -> None:
    """Insert ``rows`` (tuples of plain numbers and text in the order of ``columns``) into
    table, in the session's transaction. ``constants`` are the same in every row (timestamps,
    an empty list): they pass through their column type's conversion once, the rows not at all.
    """
    connection = session.connection()
    data_version.bump(connection)   # these writes pass by the engine's hook
    dialect = connection.dialect
    constants = dict(constants or {})
    scalars, callables = _python_defaults(table, set(columns) | set(constants))
    constants = {**scalars, **constants}
    fixed = tuple(_converter(table, name, dialect)(value) for name, value in constants.items())
    drawn = [(default, _converter(table, name, dialect)) for name, default in callables.items()]
    if drawn:   # a default like a random number differs per row, as SQLAlchemy's would
        rows = (row + tuple(convert(default(None)) for default, convert in drawn) + fixed
                for row in rows)
    elif fixed:
        rows = (row + fixed for row in rows)
    columns = tuple(columns) + tuple(callables) + tuple(constants)
    unknown = set(columns) - set(table.c.keys())
    if unknown:
        raise ValueError(f"Not columns of {table.name}: {sorted(unknown)}")
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    driver = connection.connection.driver_connection
    try:
        if dialect.name == "postgresql":
            statement = f"COPY {quote(table.name)} ({names}) FROM STDIN"
            with driver.cursor() as cursor:
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
        elif dialect.name == "sqlite":
            marks = ", ".join("?" * len(columns))
            statement = f"INSERT INTO {quote(table.name)} ({names}) VALUES ({marks})"
            driver.executemany(statement, rows)
        else:   # ZET runs on these two; the values above are already in the driver's form
            raise NotImplementedError(f"Bulk insert on {dialect.name}")
    except dialect.loaded_dbapi.Error as error:
        # As SQLAlchemy's own execute would raise it (an IntegrityError for a clash), so the
        # callers' handling of a concurrent import still applies.
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error,
                                  dialect=dialect) from error


def _python_defaults(table: Table, given: set[str]) -> tuple[dict, dict]:
    """The Python-side defaults (``default=`` in the model) of the columns not given, as
    SQLAlchemy's own insert fills them in: the fixed values, and the functions to call per row.
    Server defaults the database fills in itself."""
    scalars, callables = {}, {}
    for column in table.columns:
        default = column.default
        if column.name in given or default is None:
            continue
        if default.is_callable:
            callables[column.name] = default.arg
        elif default.is_scalar:
            scalars[column.name] = default.arg
        else:   # a SQL expression or a sequence: not something to fill in here
            raise NotImplementedError(f"Bulk insert with the default of {column}")
    return scalars, callables


def _converter(table: Table, name: str, dialect):
    """What SQLAlchemy does to a value of this column before handing it to the driver."""
    process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
    return process or (lambda value: value)

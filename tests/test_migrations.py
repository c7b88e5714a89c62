"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

import zet.models  # noqa: F401
from zet import migrate
from zet.db import Base, make_engine


def test_migrations_match_the_models(database_url):
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(text(f"DROP TABLE IF EXISTS {table.name} CASCADE"
                                    if engine.dialect.name == "postgresql"
                                    else f"DROP TABLE IF EXISTS {table.name}"))
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrate.upgrade(engine)
    assert {"gemeente", "onderzoek", "casus", "perspectief", "score", "citaat"} <= set(
        inspect(engine).get_table_names())
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    migrate.upgrade(engine)  # running again is harmless
    engine.dispose()
    if engine.dialect.name == "postgresql":  # leave the shared test schema as the fixtures expect
        from tests import conftest
        conftest._pg_schema_ready = False

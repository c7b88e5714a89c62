"""Alembic environment: the models are the truth; the URL comes from the caller's config."""
from alembic import context
from sqlalchemy import engine_from_config, pool

import zet.models  # noqa: F401  (registers every table)
from zet import data_version
from zet.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is None:
        connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                         prefix="sqlalchemy.", poolclass=pool.NullPool)
        with connectable.connect() as connection:
            _run(connection)
    else:
        _run(connectable)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction(), data_version.migrating(connection):
        context.run_migrations()


run_migrations_online()

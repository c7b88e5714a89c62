"""Schema migrations with Alembic, driven from code so `zet init` needs no alembic.ini."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

from zet import db_roles

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                           .replace("%", "%%"))
    return config


def upgrade_database(app_url: str, owner_url: str | None, engine: Engine) -> str | None:
    """`zet init`: migrate as the tables' owner (``owner_url``, else the app's own ``engine``)
    and grant the application's role its rights; returns that role, or None in a one-role setup.
    """
    with db_roles.owner_engine(app_url, owner_url, engine) as (owner, role):
        upgrade(owner)
        if role:
            with owner.begin() as connection:
                db_roles.grant_app_role(connection, role)
    return role


def upgrade(engine: Engine) -> None:
    """Create the database or bring it to the newest schema."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def revision(engine: Engine, message: str) -> None:
    """Write a new migration from the difference between the models and the database."""
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)

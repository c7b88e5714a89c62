"""The `zet` console script: init, demo, serve (and more as the product grows).

ZET_DATABASE_URL selects the database for every subcommand.
"""
from __future__ import annotations

import os
import sys

import click
from flask.cli import FlaskGroup

from zet import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def main():
    """ZET: Zorg en ondersteuning Evaluatie Tool."""


@main.command("init")
def init_command():
    """Maak de database aan of werk het schema bij naar de nieuwste versie."""
    from zet import migrate
    from zet.config import ensure_secret_key
    from zet.db import get_engine
    migrate.upgrade(get_engine())
    ensure_secret_key()
    click.echo(f"Database klaar: {get_engine().url.render_as_string(hide_password=True)}")


@main.command("demo")
def demo_command():
    """Laad de fictieve demo (2 gemeenten, 3 casussen elk). Twee keer draaien verandert niets."""
    from zet import migrate
    from zet.db import get_engine, transaction
    from zet.demo import load_demo
    from zet.web import active_instrument
    migrate.upgrade(get_engine())
    with transaction() as session:
        added = load_demo(session, active_instrument())
    click.echo(f"Demo geladen: {added} casussen toegevoegd." if added
               else "Demo was al geladen: niets veranderd.")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres om op te luisteren.")
@click.option("--port", default=8000, show_default=True, type=int, help="Poort.")
@click.option("--workers", default=2, show_default=True, type=int, help="Aantal processen.")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per proces.")
def serve_command(host, port, workers, threads):
    """Start de productieserver (gunicorn)."""
    from zet.config import DEFAULT_SECRET, secret_key
    from zet.server import run
    if secret_key() in ("", DEFAULT_SECRET):
        raise click.ClickException("Geen geheime sleutel: zet ZET_SECRET_KEY of draai eerst "
                                   "'zet init' (die maakt instance/secret_key aan).")
    sys.exit(run(host=host, port=port, workers=workers, threads=threads))


@main.command("revision", hidden=True)
@click.argument("message")
def revision_command(message):
    """For developers: write a migration from the model changes."""
    from zet import migrate
    from zet.db import get_engine
    migrate.revision(get_engine(), message)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()

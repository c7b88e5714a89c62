"""The `zet` console script: init, demo, serve (and more as the product grows).

ZET_DATABASE_URL selects the database for every subcommand (see zet.config).
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager

import click
from flask.cli import FlaskGroup

from zet import create_app
from zet.models.user import ROLES


class Fout(click.ClickException):
    """A CLI error shown in Dutch only: the message, without click's English 'Error:'."""

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


@contextmanager
def progress_bar():
    """A progress bar on stderr when that is a terminal; nothing at all in scripts and pipes
    (their output stays exactly the report). Yields the zet.progress callable to pass on."""
    from zet.progress import silent
    if not sys.stderr.isatty():
        yield silent
        return
    with click.progressbar(length=1000, label="Bezig".ljust(24), file=sys.stderr,
                           show_eta=False) as bar:
        def report(what: str, share: float) -> None:
            bar.label = what.ljust(24)
            bar.update(max(0, min(1000, round(share * 1000)) - bar.pos))
        yield report


@click.group(cls=FlaskGroup, create_app=create_app, add_default_commands=False,
             add_version_option=False)
def main():
    """ZET: Zorg en ondersteuning Evaluatie Tool."""


def _upgrade() -> None:
    """Migrate, as the role of ZET_OWNER_DATABASE_URL when it is set, and say which role of the
    application got its rights."""
    from flask import current_app

    from zet import migrate
    from zet.db import get_engine
    from zet.errors import DomainError
    try:
        role = migrate.upgrade_database(current_app.config["DATABASE_URL"],
                                        current_app.config["OWNER_DATABASE_URL"], get_engine())
    except DomainError as error:
        raise Fout(error.message) from None
    if role:
        click.echo(f"Rechten gegeven aan rol {role}: rijen lezen en schrijven; het auditlog "
                   "alleen lezen en aanvullen.")


@main.command("init")
def init_command():
    """Maak de database aan of werk het schema bij naar de nieuwste versie."""
    from flask import current_app

    from zet.config import ensure_secret_key
    from zet.db import get_engine
    _upgrade()
    ensure_secret_key(current_app.instance_path)
    click.echo(f"Database klaar: {get_engine().url.render_as_string(hide_password=True)}")


@main.command("demo")
def demo_command():
    """Laad de fictieve demo (2 gemeenten, 3 casussen elk). Twee keer draaien verandert niets."""
    from zet.db import transaction
    from zet.demo import load_demo
    from zet.instrument.current import active_instrument
    _upgrade()
    from zet.demo import DEMO_FILE
    from zet.demo.users import demo_gemeenten, load_demo_users
    with transaction() as session:
        added = load_demo(session, active_instrument())
        users = load_demo_users(session, demo_gemeenten(session, DEMO_FILE))
    click.echo(f"Demo geladen: {added} casussen toegevoegd." if added
               else "Demo was al geladen: niets veranderd.")
    if users:
        click.echo(f"Demo-gebruikers aangemaakt: {', '.join(users)} (wachtwoorden: zie README, "
                   "'Demo-logins').")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Adres om op te luisteren.")
@click.option("--port", default=8000, show_default=True, type=int, help="Poort.")
@click.option("--workers", default=2, show_default=True, type=int, help="Aantal processen.")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per proces.")
@click.option("--zonder-verwerker", "without_worker", is_flag=True,
              help="Start geen verwerker voor achtergrondtaken (draai dan zelf 'zet worker').")
def serve_command(host, port, workers, threads, without_worker):
    """Start de productieserver (gunicorn) met de verwerker van achtergrondtaken."""
    from flask import current_app

    from sqlalchemy.exc import OperationalError

    from zet.config import DEFAULT_SECRET
    from zet.db import get_engine
    from zet.db_roles import owner_warning
    from zet.server import run
    if current_app.config["SECRET_KEY"] in ("", DEFAULT_SECRET):
        raise Fout("Geen geheime sleutel: zet ZET_SECRET_KEY of draai eerst "
                                   "'zet init' (die maakt instance/secret_key aan).")
    try:
        warning = owner_warning(get_engine())
    except OperationalError:  # the database is not up yet: the pages will say so
        warning = None
    if warning:
        click.echo(warning, err=True)
    sys.exit(run(host=host, port=port, workers=workers, threads=threads,
                 with_worker=not without_worker))


@main.command("worker")
def worker_command():
    """Verwerk achtergrondtaken (grote exports en imports); 'zet serve' start dit zelf."""
    from flask import current_app

    from zet.errors import DomainError
    from zet.jobs.worker import run_worker
    try:
        run_worker(current_app._get_current_object())
    except DomainError as error:
        raise Fout(error.message) from None


@main.command("export")
@click.option("--out", type=click.Path(dir_okay=False), metavar="BESTAND.xlsx",
              help="Schrijf het Excel-werkboek naar dit bestand.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False), metavar="BESTAND.csv",
              help="Schrijf de scores (importformaat) ook als CSV voor R of SPSS.")
@click.option("--bundel", "zip_path", type=click.Path(dir_okay=False), metavar="BESTAND.zip",
              help="Schrijf alle gegevens als CSV-bundel (.zip) voor R of SPSS.")
@click.option("--gemeente", "gemeenten", multiple=True, metavar="NAAM",
              help="Alleen deze gemeente (mag vaker); standaard alle gemeenten.")
@click.option("--anoniem", is_flag=True,
              help="Gemeenten als 'Gemeente A', 'Gemeente B', ...; zonder toelichting en citaten.")
@click.option("--alleen-compleet", "alleen_compleet", is_flag=True,
              help="Alleen casussen waarvan inwoner, een professional en dossier definitief zijn.")
def export_command(out, csv_path, zip_path, gemeenten, anoniem, alleen_compleet):
    """Exporteer scores, gegevens en analyse naar een Excel-werkboek, een CSV of een CSV-bundel."""
    from pathlib import Path

    from zet.access import ALL
    from zet.db import transaction
    from zet.errors import NotFound
    from zet.export.service import gemeente_ids_by_name
    from zet.services.transfer import run_export
    from zet.instrument.current import active_instrument
    if not out and not csv_path and not zip_path:
        raise Fout("Geef --out BESTAND.xlsx, --csv BESTAND.csv en/of --bundel BESTAND.zip op.")
    if zip_path and (anoniem or alleen_compleet):
        raise Fout("Een CSV-bundel bevat altijd alle gegevens; gebruik --csv met --anoniem of "
                   "--alleen-compleet.")
    with transaction() as session:
        try:
            ids = gemeente_ids_by_name(session, ALL, gemeenten) if gemeenten else None
        except NotFound as error:
            raise Fout(error.message) from None
        for path, fmt in ((out, "xlsx"), (csv_path, "csv"), (zip_path, "zip")):
            if path:
                with progress_bar() as progress:
                    _, data, _ = run_export(session, ALL, active_instrument(), gemeente_ids=ids,
                                            anonymous=anoniem, fmt=fmt,
                                            alleen_compleet=alleen_compleet,
                                            progress=progress)
                Path(path).write_bytes(data)
                click.echo(f"Geschreven: {path} ({len(data) / 1024:.0f} kB"
                           f"{', geanonimiseerd' if anoniem else ''}).")


@main.command("rapport")
@click.option("--gemeente", "naam", required=True, metavar="NAAM", help="De gemeente.")
@click.option("--onderzoek", "titel", metavar="TITEL",
              help="Eén onderzoek van de gemeente (standaard: alle onderzoeken).")
@click.option("--alleen-compleet", is_flag=True, help="Alleen complete casussen.")
@click.option("--anoniem", is_flag=True,
              help="Geanonimiseerd: labels, alleen citeerbare citaten, geen vrije tekst.")
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              metavar="BESTAND.pdf|BESTAND.docx", help="Het rapport; de extensie kiest het formaat.")
def rapport_command(naam, titel, alleen_compleet, anoniem, out):
    """Maak het gemeenterapport als PDF of als Word-bestand."""
    from datetime import date
    from pathlib import Path

    from zet import audit
    from zet.access import ALL
    from zet.db import transaction
    from zet.errors import DomainError
    from zet.instrument.current import active_instrument
    from zet.rules.names import onderzoek_key
    from zet.services.gemeenten import find_gemeente_by_name
    from zet.services.rapport import FORMATS, RapportKeuze, audit_detail, make_rapport
    fmt = Path(out).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise Fout("Geef een bestandsnaam die eindigt op .pdf of .docx.")
    with transaction() as session:
        gemeente = find_gemeente_by_name(session, naam)
        if gemeente is None:
            raise Fout(f"Gemeente '{naam}' bestaat niet in ZET.")
        onderzoek = None
        if titel:
            onderzoek = next((o for o in gemeente.onderzoeken
                              if o.titel_key == onderzoek_key(titel)), None)
            if onderzoek is None:
                raise Fout(f"{gemeente.naam} heeft geen onderzoek '{titel}'. Onderzoeken: "
                           + (", ".join(o.titel for o in gemeente.onderzoeken) or "geen") + ".")
        keuze = RapportKeuze(gemeente, onderzoek, alleen_compleet, anoniem)
        try:
            _, data, _ = make_rapport(session, ALL, active_instrument(), keuze, fmt, date.today())
        except DomainError as error:
            raise Fout(error.message) from None
        audit.record("gegenereerd", "gemeente", gemeente.id, audit_detail(keuze, fmt))
        Path(out).write_bytes(data)
    click.echo(f"Geschreven: {out} ({len(data) / 1024:.0f} kB"
               f"{', geanonimiseerd' if anoniem else ''}).")


def _new_password(from_stdin: bool) -> str:
    """Asked twice without echo, or one line from standard input (for scripts)."""
    from zet.auth.passwords import password_problem
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Wachtwoord", hide_input=True,
                                confirmation_prompt="Wachtwoord nog eens")
    problem = password_problem(password)
    if problem:
        raise Fout(problem)
    return password


@main.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="Rol van de gebruiker.")
@click.option("--gemeente", "gemeenten", multiple=True, metavar="NAAM",
              help="Gemeente waarvoor de gebruiker werkt (mag vaker).")
@click.option("--password-stdin", is_flag=True,
              help="Lees het wachtwoord van standaardinvoer in plaats van het te vragen.")
def create_user_command(username, role, gemeenten, password_stdin):
    """Maak een gebruiker aan; het wachtwoord wordt twee keer gevraagd."""
    from zet.audit import add_event
    from zet.auth.accounts import create_user
    from zet.db import transaction
    from zet.errors import DomainError
    from zet.services.gemeenten import find_gemeente_by_name
    password = _new_password(password_stdin)
    with transaction() as session:
        found = {naam: find_gemeente_by_name(session, naam) for naam in gemeenten}
        missing = [naam for naam, gemeente in found.items() if gemeente is None]
        if missing:
            raise Fout(f"Gemeente '{missing[0]}' bestaat niet.")
        try:
            user = create_user(session, username, password, role,
                               [g.id for g in found.values()])
        except DomainError as error:
            raise Fout(error.message) from None
        add_event(session, None, "aangemaakt", "gebruiker", user.id, f"{user.username} ({role})")
    click.echo(f"Gebruiker '{user.username}' aangemaakt met rol {role}.")


@main.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True,
              help="Lees het wachtwoord van standaardinvoer in plaats van het te vragen.")
def set_password_command(username, password_stdin):
    """Geef een gebruiker een nieuw wachtwoord (heft ook een tijdelijke blokkade op)."""
    from zet.audit import add_event
    from zet.auth.accounts import find_user, set_password
    from zet.db import transaction
    with transaction() as session:
        user = find_user(session, username)
        if user is None:
            raise Fout(f"Gebruiker '{username}' bestaat niet.")
        set_password(session, user, _new_password(password_stdin))
        add_event(session, None, "wachtwoord gewijzigd", "gebruiker", user.id, user.username)
    click.echo(f"Wachtwoord van '{user.username}' gewijzigd.")


@main.command("purge")
@click.option("--older-than", "months", required=True, type=click.IntRange(min=1),
              metavar="MAANDEN", help="Bewaartermijn in maanden na het einde van het onderzoek.")
@click.option("--dry-run", is_flag=True, help="Laat alleen zien wat verwijderd zou worden.")
def purge_command(months, dry_run):
    """Verwijder onderzoeken (met hun casussen) waarvan de bewaartermijn voorbij is.

    Peildatum is het einde van de onderzoeksperiode, of de aanmaakdatum als dat ontbreekt.
    """
    from zet.db import transaction
    from zet.services.retention import purge
    with transaction() as session:
        purged = purge(session, months, dry_run=dry_run)
    if purged and not dry_run:
        from pathlib import Path

        from flask import current_app

        from zet.services.analyse import forget_shared_results
        forget_shared_results(Path(current_app.config["CACHE_DIR"]))
    verb = "Zou verwijderen" if dry_run else "Verwijderd"
    for item in purged:
        click.echo(f"{verb}: onderzoek '{item.titel}' van {item.gemeente} (peildatum "
                   f"{item.peildatum:%d-%m-%Y}) met {len(item.casussen)} casussen"
                   + (f": {', '.join(item.casussen)}" if item.casussen else "") + ".")
    total = sum(len(item.casussen) for item in purged)
    click.echo(f"{verb}: {len(purged)} onderzoeken, {total} casussen."
               if purged else f"Niets ouder dan {months} maanden: niets verwijderd.")


@main.command("import")
@click.argument("bestand")
@click.option("--dry-run", is_flag=True,
              help="Controleer alles en laat zien wat er zou veranderen; sla niets op.")
@click.option("--skip-invalid", is_flag=True,
              help="Importeer de geldige rijen en meld welke rijen zijn overgeslagen en waarom.")
@click.option("--nieuwe-gemeente", "allow_new", is_flag=True,
              help="Gemeenten die op een bestaande lijken ('Duinwijk' naast 'Gemeente "
                   "Duinwijk') zijn echt nieuwe gemeenten.")
@click.option("--negeer-onbekende-kolommen", "ignore_unknown", is_flag=True,
              help="Sla kolommen over die ZET niet kent (ze worden genoemd).")
def import_command(bestand, dry_run, skip_invalid, allow_new, ignore_unknown):
    """Importeer scores uit een CSV- of Excel-bestand (lang formaat: docs/importformaat.md)."""
    from pathlib import Path

    from sqlalchemy.exc import IntegrityError

    from zet.access import ALL
    from zet.db import transaction
    from zet.importing import ImportFileError
    from zet.services.transfer import run_import
    from zet.instrument.current import active_instrument
    path = Path(bestand)
    if not path.is_file():
        raise Fout(f"Niet geïmporteerd: bestand '{bestand}' bestaat niet (of is een map).")
    try:
        with transaction() as session, progress_bar() as progress:
            plan = run_import(session, active_instrument(), path.name, path.read_bytes(), ALL,
                              dry_run=dry_run, skip_invalid=skip_invalid,
                              allow_new_gemeenten=allow_new,
                              ignore_unknown_columns=ignore_unknown, progress=progress)
    except ImportFileError as error:
        click.echo(f"Niet geïmporteerd: {error.message}", err=True)
        sys.exit(1)
    except IntegrityError:
        click.echo("Niet geïmporteerd: iemand anders wijzigde tegelijk dezelfde gegevens. Er is "
                   "niets opgeslagen; probeer het opnieuw.", err=True)
        sys.exit(1)
    if dry_run and plan.can_apply:
        click.echo("Proefimport (--dry-run): er is niets opgeslagen.")
    for line in plan.summary_lines():
        click.echo(line)
    if not plan.can_apply:
        if plan.validation.lookalike_gemeenten:
            click.echo("Zijn het echt nieuwe gemeenten? Draai de import dan opnieuw met "
                       "--nieuwe-gemeente.")
        sys.exit(1)


@main.command("backup")
@click.option("--out", required=True, type=click.Path(dir_okay=False), metavar="BESTAND.zip",
              help="Het back-upbestand (alleen leesbaar voor u).")
def backup_command(out):
    """Maak een back-up van de hele database; kan terwijl de server draait."""
    from pathlib import Path

    from zet.backup import write_backup
    from zet.db import get_engine, transaction
    from zet.audit import add_event
    counts = write_backup(get_engine(), Path(out))
    with transaction() as session:
        add_event(session, None, "geëxporteerd", "export", None,
                  f"back-up: {sum(counts.values())} rijen")
    click.echo(f"Back-up geschreven: {out} ({sum(counts.values())} rijen in "
               f"{len(counts)} tabellen).")


@main.command("restore")
@click.argument("bestand", type=click.Path(exists=True, dir_okay=False))
def restore_command(bestand):
    """Zet een back-up terug in een lege database (na 'zet init')."""
    from pathlib import Path

    from flask import current_app

    from zet.audit import add_event
    from zet.backup import restore_backup
    from zet.db import get_engine, transaction
    from zet.db_roles import owner_engine
    from zet.errors import DomainError
    config = current_app.config
    try:
        # As the tables' owner when there is one: setting the id sequences needs more than rows.
        with owner_engine(config["DATABASE_URL"], config["OWNER_DATABASE_URL"],
                          get_engine()) as (engine, _role):
            counts = restore_backup(engine, Path(bestand))
    except DomainError as error:
        raise Fout(error.message) from None
    with transaction() as session:
        add_event(session, None, "geïmporteerd", "import", None,
                  f"back-up teruggezet: {sum(counts.values())} rijen")
    click.echo(f"Teruggezet: {sum(counts.values())} rijen in {len(counts)} tabellen.")


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

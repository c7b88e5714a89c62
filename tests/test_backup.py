"""`zet backup` and `zet restore`: every row back in an empty database, on SQLite and PostgreSQL,
and a consistent copy while someone keeps writing."""
import os
import threading
import uuid
import zipfile

import pytest
from sqlalchemy import create_engine, insert, make_url, select, text

from tests.helpers import full_perspective_form, log_in_enrolling, login, post_form
from tests.import_helpers import standard_rows, write_csv
from zet import create_app, migrate
from zet.backup import restore_backup, write_backup
from zet.cli import main
from zet.db import Base, make_engine
from zet.models import Casus, Gemeente


@pytest.fixture
def new_database(database_url, tmp_path):
    """Factory: an empty database of the same kind as this test's, migrated to the newest
    schema (as `zet init` leaves it)."""
    made = []

    def make() -> str:
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.sqlite3'}"
        else:
            server = make_url(os.environ["ZET_TEST_POSTGRES_URL"])
            name = f"zet_backup_{uuid.uuid4().hex[:12]}"
            admin = create_engine(server, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name}"))
            admin.dispose()
            made.append((server, name))
            url = server.set(database=name).render_as_string(hide_password=False)
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        return url

    yield make
    for server, name in made:
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def app_on(url, tmp_path):
    return create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x",
                       "INSTANCE_PATH": str(tmp_path / uuid.uuid4().hex),
                       "PASSWORD_HASH_PROFILE": "CHEAPEST"})


def every_row(url) -> dict[str, list]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = {table.name: sorted(map(tuple, connection.execute(select(table)).all()), key=repr)
                for table in Base.metadata.sorted_tables}
    engine.dispose()
    return rows


def test_a_backup_restores_every_row_into_an_empty_database(new_database, tmp_path, instrument):
    source = app_on(new_database(), tmp_path)
    runner = source.test_cli_runner()
    assert runner.invoke(main, ["create-user", "beheer", "--role", "beheerder",
                                "--password-stdin"], input="een-wachtwoord-2026\n").exit_code == 0
    path = write_csv(tmp_path / "scores.csv", standard_rows(instrument))
    assert runner.invoke(main, ["import", str(path)]).exit_code == 0
    client = source.test_client()
    log_in_enrolling(client, "beheer", "een-wachtwoord-2026")   # two-factor rows too
    with source.app_context():
        from zet.db import get_session
        casus = get_session().scalar(select(Casus).where(Casus.code == "ZD-J01"))
        casus_id = casus.id
    response = post_form(client, f"/casussen/{casus_id}/perspectieven/dossier/nieuw",
                         full_perspective_form(instrument, score="2",
                                               **{"citaten-0-tekst": "Een citaat.",
                                                  "citaten-0-element": "CON"}))
    assert response.status_code == 302
    out = tmp_path / "zet-backup.zip"
    result = runner.invoke(main, ["backup", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    before = every_row(source.config["DATABASE_URL"])
    made = [r for r in before["audit_event"]   # logged after writing the backup
            if any(str(v).startswith("back-up: ") for v in r)]
    assert len(made) == 1
    before["audit_event"].remove(made[0])
    assert before["score"] and before["citaat"] and before["audit_event"] and before["gebruiker"]
    source.extensions["zet_engine"].dispose()

    target = app_on(new_database(), tmp_path)
    result = target.test_cli_runner().invoke(main, ["restore", str(out)])
    assert result.exit_code == 0, result.output
    after = every_row(target.config["DATABASE_URL"])
    for table, rows in before.items():
        if table == "audit_event":
            assert set(rows) <= set(after[table])
            assert len(after[table]) == len(rows) + 1   # "back-up teruggezet"
        elif table == "data_versie":   # each database its own: analysis caches start afresh
            assert after[table] != rows
        else:
            assert after[table] == rows, table
    # The restored database works: logging in with the restored second factor works (with a
    # code not used before the backup), new rows get new ids.
    assert login(target.test_client(), "beheer", "een-wachtwoord-2026").status_code == 302
    with target.app_context():
        from zet.db import get_session, transaction
        with transaction() as session:
            session.add(Gemeente(naam="Nieuwe gemeente na herstel"))
        assert get_session().scalar(select(Gemeente.id).where(
            Gemeente.naam == "Nieuwe gemeente na herstel")) > max(r[0] for r in before["gemeente"])
    target.extensions["zet_engine"].dispose()


def test_restore_refuses_a_database_that_is_not_empty(new_database, tmp_path):
    url = new_database()
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(Gemeente.__table__).values(naam="Al gevuld",
                                                             naam_key="al gevuld"))
    out = tmp_path / "b.zip"
    write_backup(engine, out)
    from zet.errors import DomainError
    with pytest.raises(DomainError, match="niet leeg"):
        restore_backup(engine, out)
    (tmp_path / "nep.zip").write_bytes(b"geen zip")
    with pytest.raises(DomainError, match="geen back-up"):
        restore_backup(engine, tmp_path / "nep.zip")
    engine.dispose()


def test_a_backup_while_someone_writes_is_one_moment(new_database, tmp_path):
    """A writer adds a gemeente with a casus in one transaction, again and again, while the
    backup runs. A copy of one moment has exactly one casus per such gemeente, and restores
    (the foreign keys hold)."""
    url = new_database()
    engine = make_engine(url)
    with engine.begin() as connection:   # enough rows that reading takes a while
        connection.execute(insert(Gemeente.__table__), [
            {"naam": f"Vulling {i}", "naam_key": f"vulling {i}"} for i in range(3000)])
    stop, started = threading.Event(), threading.Event()

    def writer():
        other = make_engine(url)
        i = 0
        while not stop.is_set():
            with other.begin() as connection:
                gid = connection.execute(insert(Gemeente.__table__).values(
                    naam=f"Schrijver {i}", naam_key=f"schrijver {i}").returning(
                    Gemeente.__table__.c.id)).scalar()
                connection.execute(insert(Casus.__table__).values(
                    gemeente_id=gid, code=f"S-{i}", code_key=f"s-{i}", doelgroep="jeugd",
                    beperkingen=[], leefgebieden=[], status="lopend"))
            i += 1
            if i == 5:
                started.set()
        other.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(30)
    try:
        out = tmp_path / "tijdens.zip"
        counts = write_backup(engine, out)
    finally:
        stop.set()
        thread.join(30)
    engine.dispose()
    assert counts["gemeente"] - 3000 == counts["casus"] > 0
    target = make_engine(new_database())
    restored = restore_backup(target, out)
    assert restored == counts
    target.dispose()
    with zipfile.ZipFile(out) as archive:
        assert "manifest.json" in archive.namelist()


def test_a_backup_moves_from_sqlite_to_postgresql_at_the_same_moments(tmp_path):
    """SQLite keeps UTC without a zone, PostgreSQL answers in its session's zone (here
    Amsterdam): the backup holds UTC, so every moment survives the move."""
    from datetime import datetime, timezone
    server = os.environ.get("ZET_TEST_POSTGRES_URL")
    if not server:
        if os.environ.get("ZET_REQUIRE_POSTGRES") == "1":
            pytest.fail("ZET_REQUIRE_POSTGRES=1 maar ZET_TEST_POSTGRES_URL is niet gezet.")
        pytest.skip("Geen PostgreSQL-server.")
    sqlite = make_engine(f"sqlite:///{tmp_path / 'bron.sqlite3'}")
    migrate.upgrade(sqlite)
    moment = datetime(2026, 3, 5, 11, 30, tzinfo=timezone.utc)
    with sqlite.begin() as connection:
        connection.execute(insert(Gemeente.__table__).values(
            naam="Tijdstad", naam_key="tijdstad", created_at=moment, updated_at=moment))
    out = tmp_path / "verhuizing.zip"
    write_backup(sqlite, out)
    sqlite.dispose()

    server_url = make_url(server)
    name = f"zet_backup_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        url = server_url.set(database=name).render_as_string(hide_password=False)
        owner = make_engine(url)
        migrate.upgrade(owner)
        amsterdam = create_engine(url, connect_args={"options": "-c timezone=Europe/Amsterdam"})
        restore_backup(amsterdam, out)
        with amsterdam.connect() as connection:
            stored = connection.execute(select(Gemeente.__table__.c.created_at)).scalar()
        amsterdam.dispose()
        assert stored == moment and stored.utcoffset().total_seconds() == 3600
        back = tmp_path / "terug.zip"
        write_backup(owner, back)
        owner.dispose()
        target = make_engine(f"sqlite:///{tmp_path / 'terug.sqlite3'}")
        migrate.upgrade(target)
        restore_backup(target, back)
        with target.connect() as connection:
            again = connection.execute(select(Gemeente.__table__.c.created_at)).scalar()
        target.dispose()
        assert again.replace(tzinfo=timezone.utc) == moment   # SQLite: the UTC wall time
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()

"""The audit log: what is recorded, that it cannot be changed, and the beheer page and CSV."""
import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.helpers import (csrf_token, full_perspective_form, login_as, make_casus, make_gemeente,
                           post_form)
from zet import migrate
from zet.audit import add_event
from zet.db import Base, make_engine
from zet.models import AuditEvent
from zet.models.audit import AuditLogReadOnly


def events(session, **where):
    session.expire_all()
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, key) == value)
    return list(session.scalars(stmt))


def summary(session, **where):
    return [(e.username, e.action, e.object_type) for e in events(session, **where)]


def test_viewing_creating_changing_and_deleting_a_casus_is_recorded(client, session):
    gemeente = make_gemeente(session)
    response = post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw",
                         {"code": "DW-J01", "doelgroep": "jeugd", "status": "lopend"})
    casus_id = int(response.location.rsplit("/", 1)[1])
    client.get(f"/casussen/{casus_id}")
    post_form(client, f"/casussen/{casus_id}/bewerken",
              {"code": "DW-J01", "doelgroep": "volwassenen", "status": "lopend"})
    post_form(client, f"/casussen/{casus_id}/verwijderen", {}, form_url=f"/casussen/{casus_id}")
    assert [(u, a) for u, a, _ in summary(session, object_type="casus")] == [
        ("test-beheerder", "aangemaakt"), ("test-beheerder", "bekeken"),
        ("test-beheerder", "gewijzigd"), ("test-beheerder", "bekeken"),
        ("test-beheerder", "verwijderd")]
    assert all(e.object_id == casus_id and e.role == "beheerder" and e.at is not None
               for e in events(session, object_type="casus"))
    assert "DW-J01" in events(session, action="verwijderd")[0].detail


def test_perspective_view_and_save_are_recorded(client, session, instrument):
    casus = make_casus(session, make_gemeente(session), code="C-01")
    data = full_perspective_form(instrument, geinterviewde="ouder", toestemming="y",
                                 toestemming_datum="20-02-2026", toestemming_vorm="mondeling")
    post_form(client, f"/casussen/{casus.id}/perspectieven/inwoner/nieuw", data)
    perspectief_id = events(session, object_type="perspectief")[0].object_id
    client.get(f"/perspectieven/{perspectief_id}")
    assert [(e.action, e.detail) for e in events(session, object_type="perspectief")] == [
        ("aangemaakt", "casus C-01: inwoner: definitief"),
        ("bekeken", "casus C-01: inwoner")]


def test_autosave_is_recorded_once_per_ten_minutes(client, session):
    casus = make_casus(session, make_gemeente(session))
    url = f"/casussen/{casus.id}/perspectieven/dossier/nieuw"
    token = csrf_token(client, url)
    first = client.post(url, data={"csrf_token": token, "actie": "autosave", "score-CON": "2"},
                        headers={"Accept": "application/json"}).get_json()
    for score in ("3", "4"):
        client.post(first["url"], data={"csrf_token": token, "actie": "autosave",
                                        "score-CON": score, "version": str(first["version"])},
                    headers={"Accept": "application/json"})
        first["version"] += 1
    assert [e.action for e in events(session, object_type="perspectief")] == [
        "aangemaakt", "gewijzigd"]


def test_gemeente_and_onderzoek_changes_are_recorded(client, session):
    post_form(client, "/gemeenten/nieuw", {"naam": "Gemeente Noord"})
    gemeente_id = events(session, object_type="gemeente")[0].object_id
    post_form(client, f"/gemeenten/{gemeente_id}/bewerken", {"naam": "Gemeente Noord-Oost"})
    post_form(client, f"/gemeenten/{gemeente_id}/onderzoeken/nieuw", {"titel": "Ronde 1"})
    assert [(a, t) for _, a, t in summary(session) if t in ("gemeente", "onderzoek")] == [
        ("aangemaakt", "gemeente"), ("gewijzigd", "gemeente"), ("aangemaakt", "onderzoek")]


def test_a_refused_save_records_nothing(client, session):
    gemeente = make_gemeente(session)
    post_form(client, f"/gemeenten/{gemeente.id}/casussen/nieuw",
              {"code": "X", "doelgroep": "jeugd", "hulpvraag": "mail: a@b.nl"})
    assert events(session, object_type="casus") == []


def test_a_404_records_nothing(anonymous, session):
    own, other = make_gemeente(session, "Gemeente Eigen"), make_gemeente(session, "Gemeente Ver")
    foreign = make_casus(session, other)
    login_as(anonymous, "onderzoeker", gemeenten=[own])
    assert anonymous.get(f"/casussen/{foreign.id}").status_code == 404
    assert events(session, object_type="casus") == []


def test_login_logout_and_failures_are_recorded(app, session):
    from tests.helpers import login
    client = app.test_client()
    login_as(client, "analist", gemeenten=[make_gemeente(session)], username="ada")
    login(app.test_client(), "ada", "fout-wachtwoord")
    login(app.test_client(), "onbekend", "fout-wachtwoord")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/vergelijking")})
    assert [(e.username, e.action, e.detail) for e in events(session, object_type="gebruiker")
            if e.action != "aangemaakt"] == [
        ("ada", "ingelogd", ""), ("ada", "inloggen mislukt", ""),
        ("", "inloggen mislukt", "onbekende gebruikersnaam"), ("ada", "uitgelogd", "")]


# -- append-only ---------------------------------------------------------------------------

def test_the_orm_refuses_to_change_or_delete_an_event(session):
    event = add_event(session, None, "bekeken", "casus", 1)
    session.commit()
    event.detail = "vervalst"
    with pytest.raises(AuditLogReadOnly):
        session.flush()
    session.rollback()
    session.delete(event)
    with pytest.raises(AuditLogReadOnly):
        session.flush()
    session.rollback()
    with pytest.raises(AuditLogReadOnly):
        session.execute(update(AuditEvent).values(detail="vervalst"))
    with pytest.raises(AuditLogReadOnly):
        session.execute(delete(AuditEvent))
    session.rollback()
    assert [e.detail for e in events(session)] == [""]


def assert_database_refuses_changes(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO audit_event (at, username, role, action, "
                                "object_type, detail) VALUES (CURRENT_TIMESTAMP, 'x', '', "
                                "'bekeken', 'casus', '')"))
    for sql in ("UPDATE audit_event SET detail = 'vervalst'", "DELETE FROM audit_event"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as connection:
                connection.execute(text(sql))
    with engine.connect() as connection:
        assert connection.execute(text("SELECT detail FROM audit_event")).scalars().all() == [""]


def test_the_database_refuses_to_change_or_delete_an_event(database_url):
    """By its triggers, whoever connects (the app's own role is refused earlier still, by its
    rights: tests/test_db_roles.py)."""
    engine = make_engine(database_url)
    assert_database_refuses_changes(engine)
    engine.dispose()


def test_the_migration_creates_the_append_only_triggers(database_url):
    engine = make_engine(database_url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        else:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(text(f"DROP TABLE {table.name}"))
    migrate.upgrade(engine)
    assert_database_refuses_changes(engine)
    engine.dispose()
    if postgres:  # leave the shared test schema as the fixtures expect
        from tests import conftest
        conftest._pg_schema_ready = False


# -- beheer: the audit log page -----------------------------------------------------------

def test_audit_log_page_filters_and_pages(client, session):
    for i in range(60):
        add_event(session, None, "bekeken", "casus", i, f"casus {i}")
    add_event(session, None, "verwijderd", "casus", 7, "casus 7")
    session.commit()
    page = client.get("/beheer/audit", query_string={"objecttype": "casus"}).get_data(
        as_text=True)
    assert "61 gebeurtenissen, pagina 1 van 2" in page and page.count("<tr>") == 51
    page2 = client.get("/beheer/audit", query_string={"objecttype": "casus", "pagina": 2}
                       ).get_data(as_text=True)
    assert page2.count("<tr>") == 12 and "casus 0<" in page2
    only = client.get("/beheer/audit", query_string={"actie": "verwijderd"}).get_data(as_text=True)
    assert "1 gebeurtenis," not in only and "1 gebeurtenis." in only and "casus 7" in only
    by_id = client.get("/beheer/audit", query_string={"object_id": "7"}).get_data(as_text=True)
    assert "2 gebeurtenissen" in by_id


def test_audit_log_csv_has_every_matching_event_and_is_itself_recorded(client, session):
    add_event(session, None, "bekeken", "casus", 1, "=HYPERLINK(\"http://x\")")
    session.commit()
    response = client.get("/beheer/audit.csv", query_string={"objecttype": "casus"})
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "tijdstip;gebruiker;rol;actie;over;nummer;toelichting"
    assert len(lines) == 2 and "zet-opdracht;;bekeken;casus;1;" in lines[1]
    assert lines[1].endswith(';"\'=HYPERLINK(""http://x"")"')  # shown as text, never run
    assert events(session, object_type="auditlog")[0].action == "geëxporteerd"


def test_exports_and_analysis_views_are_recorded(client, session):
    gemeente = make_gemeente(session)
    casus = make_casus(session, gemeente)
    client.get(f"/casussen/{casus.id}/analyseschema")
    client.get(f"/gemeenten/{gemeente.id}/totaalbeeld")
    assert client.get("/export/werkboek.xlsx?anoniem=1").status_code == 200
    assert client.get(f"/export/data.csv?gemeente={gemeente.id}").status_code == 200
    recorded = [(e.action, e.object_type, e.object_id) for e in events(session)
                if e.object_type in ("casus", "analyse", "export")]
    assert recorded[:2] == [("bekeken", "casus", casus.id), ("bekeken", "analyse", gemeente.id)]
    exports = events(session, object_type="export")
    assert [e.action for e in exports] == ["geëxporteerd", "geëxporteerd"]
    assert "anoniem=ja" in exports[0].detail and exports[0].detail.split(";")[0].endswith(".xlsx")
    assert "anoniem=nee" in exports[1].detail and ".csv" in exports[1].detail


def test_the_log_shows_and_filters_moments_in_dutch_time(client, session):
    """23:30 UTC on 2 December is 00:30 on 3 December in the Netherlands: the page, the CSV and
    the day filter all say 3 December, whatever zone the server runs in."""
    from datetime import datetime, timezone
    event = add_event(session, None, "bekeken", "casus", 1, "na middernacht")
    event.at = datetime(2026, 12, 2, 23, 30, tzinfo=timezone.utc)
    session.commit()
    on_the_third = {"objecttype": "casus", "van": "2026-12-03", "tot": "2026-12-03"}
    page = client.get("/beheer/audit", query_string=on_the_third).get_data(as_text=True)
    assert "na middernacht" in page and "03-12-2026 00:30" in page
    on_the_second = {"objecttype": "casus", "van": "2026-12-02", "tot": "2026-12-02"}
    assert "na middernacht" not in client.get("/beheer/audit", query_string=on_the_second
                                              ).get_data(as_text=True)
    lines = client.get("/beheer/audit.csv", query_string=on_the_third).get_data(
        as_text=True).lstrip("\ufeff").splitlines()
    assert len(lines) == 2 and lines[1].startswith("03-12-2026 00:30:00;")

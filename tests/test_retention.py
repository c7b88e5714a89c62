"""zet purge: onderzoeken past their retention term go, with everything under them."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select, update

from tests.helpers import make_casus, make_gemeente
from zet.cli import main
from zet.models import AuditEvent, Casus, Citaat, Onderzoek, Perspectief, Score
from zet.rules import parse_answer
from zet.services.perspectieven import PerspectiefInput, save_perspectief
from zet.services.retention import months_before


def onderzoek(session, gemeente, titel, eind=None, created=None):
    item = Onderzoek(gemeente=gemeente, titel=titel, periode_eind=eind)
    session.add(item)
    session.commit()
    if created is not None:
        session.execute(update(Onderzoek).where(Onderzoek.id == item.id).values(created_at=created))
        session.commit()
    return item


def casus_with_everything(session, instrument, gemeente, code, onderzoek_id):
    casus = make_casus(session, gemeente, code=code, onderzoek_id=onderzoek_id)
    save_perspectief(session, instrument, casus, PerspectiefInput(
        soort="dossier", answers={"CON": parse_answer("2")}, toelichtingen={"CON": "Dun."},
        citaten=[{"tekst": "Niets over het plan.", "bron": "dossier"}]))
    session.commit()
    return casus


def arrange(session, instrument):
    gemeente = make_gemeente(session)
    today = date.today()
    old = onderzoek(session, gemeente, "Oud", eind=today - timedelta(days=800))
    recent = onderzoek(session, gemeente, "Recent", eind=today - timedelta(days=30))
    old_open = onderzoek(session, gemeente, "Oud zonder einde",
                         created=datetime.now(timezone.utc) - timedelta(days=900))
    onderzoek(session, gemeente, "Nieuw zonder einde")
    casus_with_everything(session, instrument, gemeente, "OUD-1", old.id)
    casus_with_everything(session, instrument, gemeente, "OUD-2", old.id)
    casus_with_everything(session, instrument, gemeente, "OPEN-1", old_open.id)
    casus_with_everything(session, instrument, gemeente, "RECENT-1", recent.id)
    casus_with_everything(session, instrument, gemeente, "LOS-1", None)


def counts(session):
    session.expire_all()
    return {model.__name__: session.scalar(select(func.count(model.id)))
            for model in (Onderzoek, Casus, Perspectief, Score, Citaat)}


def test_purge_removes_old_onderzoeken_with_their_casussen(app, session, instrument):
    arrange(session, instrument)
    result = app.test_cli_runner().invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert "Verwijderd: onderzoek 'Oud' van Gemeente Testdorp" in result.output
    assert "met 2 casussen: OUD-1, OUD-2" in result.output
    assert "Verwijderd: 2 onderzoeken, 3 casussen." in result.output
    assert sorted(session.scalars(select(Onderzoek.titel))) == ["Nieuw zonder einde", "Recent"]
    assert sorted(session.scalars(select(Casus.code))) == ["LOS-1", "RECENT-1"]
    assert counts(session) == {"Onderzoek": 2, "Casus": 2, "Perspectief": 2, "Score": 2,
                               "Citaat": 2}
    purged = session.scalars(select(AuditEvent).where(AuditEvent.action == "opgeschoond")).all()
    assert sorted((e.object_type, e.username) for e in purged) == (
        [("casus", "zet-opdracht")] * 3 + [("onderzoek", "zet-opdracht")] * 2)


def test_dry_run_reports_and_removes_nothing(app, session, instrument):
    arrange(session, instrument)
    before = counts(session)
    result = app.test_cli_runner().invoke(main, ["purge", "--older-than", "24", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Zou verwijderen: 2 onderzoeken, 3 casussen." in result.output
    assert counts(session) == before
    assert session.scalar(select(func.count(AuditEvent.id))) == 0


def test_nothing_old_enough_says_so(app, session, instrument):
    arrange(session, instrument)
    result = app.test_cli_runner().invoke(main, ["purge", "--older-than", "120"])
    assert "niets verwijderd" in result.output
    assert counts(session)["Casus"] == 5


def test_purge_needs_a_positive_term(app):
    assert app.test_cli_runner().invoke(main, ["purge", "--older-than", "0"]).exit_code != 0
    assert app.test_cli_runner().invoke(main, ["purge"]).exit_code != 0


def test_months_before_keeps_the_day_where_it_can():
    assert months_before(date(2026, 11, 23), 24) == date(2024, 11, 23)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), 13) == date(2024, 12, 15)


def test_a_purge_leaves_no_shared_analysis_files_behind(app, session, instrument, client):
    from pathlib import Path
    arrange(session, instrument)
    assert client.get("/vergelijking").status_code == 200   # pickles and the Arrow files
    cache = Path(app.config["CACHE_DIR"])
    assert list(cache.glob("*.pickle")) and list(cache.rglob("*.arrow"))
    result = app.test_cli_runner().invoke(main, ["purge", "--older-than", "24", "--dry-run"])
    assert list(cache.rglob("*.arrow"))   # a dry run removes nothing
    result = app.test_cli_runner().invoke(main, ["purge", "--older-than", "24"])
    assert result.exit_code == 0, result.output
    assert not list(cache.glob("*.pickle")) and not list(cache.rglob("*.arrow"))

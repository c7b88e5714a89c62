"""The zet command: init migrates, demo loads once, serve refuses a missing secret."""
from sqlalchemy import func, select

from zet import create_app
from zet.cli import main
from zet.db import get_session
from zet.access import ALL
from zet.models import (Casus, Citaat, Eindanalyse, Gemeente, Perspectief, Score,
                        TweedeBeoordeling, Verbeteractie)
from zet.services.overeenstemming import overeenstemming


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args), obj=None)


def test_demo_loads_two_gemeenten_with_complete_casussen_findings_and_actions(tmp_path,
                                                                            monkeypatch):
    """... and an eindanalyse per Duinwijk round, two oordelen agreed other than computed."""
    monkeypatch.setenv("ZET_DATABASE_URL", f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    monkeypatch.setenv("ZET_INSTANCE_PATH", str(tmp_path))
    runner_app = create_app()
    result = runner_app.test_cli_runner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert "9 casussen toegevoegd" in result.output
    with runner_app.app_context():
        session = get_session()
        assert session.scalar(select(func.count(Gemeente.id))) == 2
        assert session.scalar(select(func.count(Casus.id))) == 9
        duinwijk = session.scalar(select(Gemeente).where(Gemeente.naam == "Gemeente Duinwijk"))
        assert [len(o.casussen) for o in duinwijk.onderzoeken] == [3, 3]  # two rounds
        perspectives = session.scalars(select(Perspectief)).all()
        assert all(p.status == "definitief" for p in perspectives)
        for casus in session.scalars(select(Casus)):
            assert {p.soort for p in casus.perspectieven} == {"inwoner", "professional", "dossier"}
        scores_before = session.scalar(select(func.count(Score.id)))
        assert scores_before == 15 * len(perspectives)
        for casus in session.scalars(select(Casus)):  # the findings of every 2026 casus
            if casus.onderzoek.titel.endswith("2026"):
                assert casus.knelpunten and casus.wat_gaat_goed and casus.synthese, casus.code
        acties = session.scalars(select(Verbeteractie)).all()
        assert len(acties) == 5
        assert {a.status for a in acties} == {"gepland", "bezig", "gereed", "gestopt"}
        assert sum(len(a.voortgang) for a in acties) == 5
        quotes = session.scalars(select(Citaat)).all()
        assert any(q.citeerbaar for q in quotes) and not all(q.citeerbaar for q in quotes)
        assert {q.spreker for q in quotes} >= {"ouder", "inwoner", "professional", "dossier"}
        sessies = session.scalars(select(Eindanalyse).order_by(Eindanalyse.datum)).all()
        assert [s.onderzoek.titel[-4:] for s in sessies] == ["2024", "2026"]
        latest = sessies[-1]
        assert [item.element_code for item in latest.prioriteiten()] == ["TIJ", "SAM", "IPL"]
        differing = [item for item in latest.elementen if item.afwijkend]
        assert differing and all(item.reden and item.berekend for item in differing)
        assert all(item.casussen for item in latest.prioriteiten())
        assert sum(len(item.citaten) for item in latest.elementen) >= 4
        eindanalyses_before = session.scalar(select(func.count(Eindanalyse.id)))
        # Three dossiers rated twice: the agreement has figures, per element uncertain.
        seconds = session.scalars(select(TweedeBeoordeling)).all()
        assert sorted(t.perspectief.casus.code for t in seconds) == ["DW-J01", "DW-J02",
                                                                     "DW-V01"]
        assert all(t.status == "definitief" and t.perspectief.beoordelaar == "B1"
                   for t in seconds)
        instrument = runner_app.extensions["zet_instruments"].active
        figures = overeenstemming(session, ALL, instrument).per_element.set_index("element")
        overall = figures.loc["Alle elementen"]
        assert overall["paren"] >= 30 and 0 < overall["kappa_kwadratisch"] < 1
        assert 50 < overall["exact_pct"] < 100
        assert figures.loc["CON", "paren"] == 3 and figures.loc["CON", "onzeker"]
    again = runner_app.test_cli_runner().invoke(main, ["demo"])
    assert again.exit_code == 0 and "niets veranderd" in again.output
    with runner_app.app_context():
        assert get_session().scalar(select(func.count(Score.id))) == scores_before
        assert get_session().scalar(select(func.count(Eindanalyse.id))) == eindanalyses_before


def test_init_creates_the_database_and_a_secret(tmp_path, monkeypatch):
    monkeypatch.setenv("ZET_DATABASE_URL", f"sqlite:///{tmp_path / 'init.sqlite3'}")
    monkeypatch.setenv("ZET_INSTANCE_PATH", str(tmp_path))
    result = create_app().test_cli_runner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "init.sqlite3").exists() and (tmp_path / "secret_key").exists()


def test_serve_refuses_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("ZET_SECRET_KEY", raising=False)
    monkeypatch.setenv("ZET_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ZET_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = create_app().test_cli_runner().invoke(main, ["serve", "--port", "1"])
    assert result.exit_code != 0
    assert "Geen geheime sleutel" in result.output

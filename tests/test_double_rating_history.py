"""The change history of a second rating: kept on both paths (the service's ORM hook and the
import's bulk write), by the same rule (zet.rules.history.second_rating_changes), and shown on
the perspective page to others only once both ratings are definitief."""
from __future__ import annotations

from sqlalchemy import select

from tests.helpers import login_as
from tests.import_helpers import run_import, write_csv
from tests.test_double_rating_import import COLUMNS, FIRST, SECOND, rated
from tests.test_double_rating_pages import SECOND_TEXT, _second_form, _world
from tests.helpers import post_form
from zet.models import Perspectief, Wijziging
from zet.rules import parse_answer
from zet.services.dubbel import save_second_rating


def _kept(session):
    session.expire_all()
    return {(w.veld, w.oud, w.nieuw, w.bron) for w in session.scalars(select(Wijziging))}


def test_the_service_keeps_changes_of_a_stored_second_rating(session, instrument, tmp_path):
    run_import(session, instrument, write_csv(tmp_path / "a.csv", rated(instrument, "", FIRST),
                                              columns=COLUMNS))
    dossier = session.scalar(select(Perspectief))
    code = instrument.codes[0]
    save_second_rating(session, instrument, dossier, beoordelaar="B2",
                       answers={code: parse_answer("3")})
    session.commit()
    assert _kept(session) == set()   # a new rating's first answers are no change
    save_second_rating(session, instrument, dossier, beoordelaar="B2",
                       answers={code: parse_answer("4")}, toelichtingen={code: "Beter gelezen"})
    session.commit()
    assert _kept(session) == {(f"tweede_antwoord:{code}", "3", "4", "opdracht"),
                              (f"tweede_toelichting:{code}", "", "Beter gelezen", "opdracht")}


def test_the_import_keeps_changes_of_a_stored_second_rating(session, instrument, tmp_path):
    rows = rated(instrument, "B1", FIRST) + rated(instrument, "B2", SECOND)
    run_import(session, instrument, write_csv(tmp_path / "a.csv", rows, columns=COLUMNS))
    assert _kept(session) == set()
    changed = rated(instrument, "B1", FIRST) + rated(instrument, "B2", SECOND, status="definitief")
    code = instrument.codes[1]
    changed[15 + 1]["score"] = "5"
    # (definitief needs every element answered: the last one of SECOND is; the perspective's
    # own facts are not asked of a second rating)
    plan = run_import(session, instrument, write_csv(tmp_path / "b.csv", changed,
                                                     columns=COLUMNS))
    assert plan.applied, plan.summary_lines()
    kept = _kept(session)
    assert (f"tweede_antwoord:{code}", "3", "5", "import") in kept
    assert ("tweede_status", "concept", "definitief", "import") in kept
    assert not any(veld.startswith(("antwoord:", "toelichting:")) for veld, *_ in kept)


def test_the_history_of_a_blind_second_rating_stays_hidden_on_the_perspective_page(
        app, session, instrument):
    casus, dossier, c = _world(app, session, instrument)
    url = f"/perspectieven/{dossier.id}/tweede"
    post_form(c["B"], url, _second_form(instrument))
    data = _second_form(instrument, score="4")
    post_form(c["B"], url, data)                       # a change: kept in the history
    session.expire_all()
    assert any(w.veld.startswith("tweede_") for w in session.scalars(select(Wijziging)))
    page = c["A"].get(f"/perspectieven/{dossier.id}").get_data(as_text=True)
    assert "Tweede beoordeling, antwoord" not in page and SECOND_TEXT not in page
    post_form(c["B"], url, _second_form(instrument, actie="definitief", score="4"))
    page = c["A"].get(f"/perspectieven/{dossier.id}").get_data(as_text=True)
    assert "Tweede beoordeling, antwoord" in page

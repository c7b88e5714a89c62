"""The import applies the same identity and state rules as the forms: no second "Den  Haag", no
definitief perspective left incomplete, scores in their perspective's instrument version; plus
the ways researchers' files differ (accents, extra columns, the word 'Gemeente')."""
from datetime import date

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.helpers import make_casus, make_gemeente, post_form
from tests.import_helpers import report, rows_for, run_import, stored, write_csv
from zet.models import Gemeente, Perspectief, Score
from zet.rules import parse_answer
from zet.services.perspectieven import PerspectiefInput, save_perspectief


def definitief_inwoner(session, instrument, code="T-09"):
    casus = make_casus(session, make_gemeente(session), code=code)
    data = PerspectiefInput(soort="inwoner", datum=date(2026, 3, 2), afnemer="Onderzoeker A",
                            geinterviewde="ouder", toestemming=True,
                            toestemming_datum=date(2026, 3, 1), toestemming_vorm="mondeling",
                            answers={e.code: parse_answer("4") for e in instrument.elements})
    perspectief = save_perspectief(session, instrument, casus, data, final=True)
    session.commit()
    return perspectief


STATUS_COLUMNS = ["gemeente", "casus", "doelgroep", "perspectief", "element", "score",
                  "toelichting", "status"]


def same_rows(instrument, score, **changes):
    return [dict(row, **changes) for row in rows_for(
        instrument, gemeente="Gemeente Testdorp", casus="T-09", onderzoek="", score=score)]


def test_import_that_would_empty_a_definitief_perspective_is_refused(session, instrument,
                                                                   tmp_path):
    perspectief = definitief_inwoner(session, instrument)
    version = perspectief.version
    plan = run_import(session, instrument, write_csv(tmp_path / "leeg.csv",
                                                     same_rows(instrument, score="")))
    assert not plan.applied
    assert "0 van de 15 elementen" not in report(plan)
    assert "15 van de 15 elementen hebben er nog geen" in report(plan)
    assert "Het perspectief is definitief in ZET" in report(plan)
    session.expire_all()
    again = session.get(Perspectief, perspectief.id)
    assert again.status == "definitief" and again.version == version
    assert session.scalar(select(Score.score).where(Score.perspectief_id == again.id)) == 4


def test_status_concept_in_the_file_sets_it_back_and_says_so(session, instrument, tmp_path):
    perspectief = definitief_inwoner(session, instrument)
    rows = same_rows(instrument, score="", status="concept")
    plan = run_import(session, instrument, write_csv(tmp_path / "concept.csv", rows,
                                                     STATUS_COLUMNS))
    assert plan.applied, report(plan)
    assert "Teruggezet naar concept (kolom status): 1 perspectief." in report(plan)
    session.expire_all()
    assert session.get(Perspectief, perspectief.id).status == "concept"


def test_status_definitief_for_a_complete_stored_perspective(session, instrument, tmp_path):
    perspectief = definitief_inwoner(session, instrument)
    session.get(Perspectief, perspectief.id).status = "concept"
    session.commit()
    rows = same_rows(instrument, score="3", status="Definitief")
    plan = run_import(session, instrument, write_csv(tmp_path / "def.csv", rows,
                                                     STATUS_COLUMNS))
    assert plan.applied, report(plan)
    assert "Definitief gemaakt (kolom status): 1 perspectief." in report(plan)
    session.expire_all()
    assert session.get(Perspectief, perspectief.id).status == "definitief"


def test_new_perspective_cannot_be_imported_as_definitief_without_its_facts(session, instrument, tmp_path):
    rows = [dict(r, status="definitief") for r in rows_for(instrument, onderzoek="", score="4")]
    plan = run_import(session, instrument, write_csv(tmp_path / "nieuw.csv", rows,
                                                     STATUS_COLUMNS))
    assert not plan.applied
    assert "Vul de datum in (dd-mm-jjjj) om definitief op te slaan." in report(plan)
    assert "Een nieuw perspectief is pas definitief met al zijn antwoorden" in report(plan)
    assert stored(session)["perspectief"] == 0


def test_two_spellings_of_one_gemeente_are_one_gemeente_on_both_paths(client, session,
                                                                    instrument, tmp_path):
    response = post_form(client, "/gemeenten/nieuw", {"naam": "Den\u00a0 Haag"})
    assert response.status_code == 302
    assert session.scalar(select(Gemeente.naam)) == "Den Haag"  # stored cleaned
    page = post_form(client, "/gemeenten/nieuw", {"naam": "den  haag"}).get_data(as_text=True)
    assert "Er bestaat al een gemeente met de naam &#39;Den Haag&#39;." in page
    rows = rows_for(instrument, gemeente="Den  Haag", onderzoek="") + rows_for(
        instrument, gemeente="Den Haag", casus="DH-02", onderzoek="")
    plan = run_import(session, instrument, write_csv(tmp_path / "haag.csv", rows))
    assert plan.applied, report(plan)
    assert stored(session)["gemeente"] == 1 and stored(session)["casus"] == 2


def test_the_database_refuses_a_second_key_whatever_path_writes(session):
    make_gemeente(session, naam="Den Haag")
    session.commit()
    try:
        session.execute(text("INSERT INTO gemeente (naam, naam_key, created_at, updated_at) "
                             "VALUES ('DEN HAAG', 'den haag', CURRENT_TIMESTAMP, "
                             "CURRENT_TIMESTAMP)"))
        session.flush()
        raised = False
    except IntegrityError:
        raised = True
    session.rollback()
    assert raised


def test_accents_and_case_ignored_in_element_names_and_the_summary_says_so(session, instrument,
                                                                          tmp_path):
    rows = rows_for(instrument, onderzoek="")
    continuiteit = next(e for e in instrument.elements if e.name == "Continuïteit")
    row = next(r for r in rows if r["element"] == continuiteit.code)
    row["element"] = "continuiteit"
    plan = run_import(session, instrument, write_csv(tmp_path / "accent.csv", rows))
    assert plan.applied, report(plan)
    assert "'continuiteit' als 'Continuïteit'" in report(plan)


def test_gemeente_without_the_word_gemeente_is_refused_unless_confirmed(app, session,
                                                                      instrument, tmp_path):
    make_gemeente(session, naam="Gemeente Duinwijk")
    session.commit()
    path = write_csv(tmp_path / "duinwijk.csv", rows_for(instrument, onderzoek=""))
    from zet.cli import main
    runner = app.test_cli_runner()
    refused = runner.invoke(main, ["import", str(path)])
    assert refused.exit_code == 1
    assert "Bedoelt u 'Gemeente Duinwijk'?" in refused.output
    assert "--nieuwe-gemeente" in refused.output
    assert stored(session)["gemeente"] == 1
    accepted = runner.invoke(main, ["import", str(path), "--nieuwe-gemeente"])
    assert accepted.exit_code == 0, accepted.output
    assert stored(session)["gemeente"] == 2


def test_unknown_columns_refused_or_ignored_and_listed(app, session, instrument, tmp_path):
    columns = ["gemeente", "casus", "doelgroep", "perspectief", "element", "score",
               "toelichting", "interviewer", "opmerking"]
    path = write_csv(tmp_path / "extra.csv", rows_for(instrument, onderzoek=""), columns)
    from zet.cli import main
    runner = app.test_cli_runner()
    refused = runner.invoke(main, ["import", str(path)])
    assert refused.exit_code == 1 and "Kolom 'interviewer' onbekend" in refused.output
    ignored = runner.invoke(main, ["import", str(path), "--negeer-onbekende-kolommen"])
    assert ignored.exit_code == 0, ignored.output
    assert "Genegeerde kolommen (onbekend): 'interviewer', 'opmerking'." in ignored.output
    assert stored(session)["score"] == 15


def test_scores_keep_their_perspectives_instrument_version(session, instrument, tmp_path):
    perspectief = definitief_inwoner(session, instrument)
    session.execute(text("UPDATE perspectief SET instrument_version = '2025.9'"))
    session.commit()
    plan = run_import(session, instrument, write_csv(tmp_path / "versie.csv",
                                                     same_rows(instrument, score="2")))
    assert not plan.applied
    assert "ingevuld met instrumentversie 2025.9" in report(plan)
    session.expire_all()
    assert session.scalar(select(Score.score).where(
        Score.perspectief_id == perspectief.id)) == 4


def test_cli_speaks_dutch_only(app, tmp_path):
    from zet.cli import main
    runner = app.test_cli_runner()
    missing = runner.invoke(main, ["import", str(tmp_path / "bestaat-niet.csv")])
    assert missing.exit_code == 1
    assert "Niet geïmporteerd: bestand" in missing.output and "Error" not in missing.output
    nothing = runner.invoke(main, ["export"])
    assert nothing.exit_code == 1
    assert "Geef --out" in nothing.output and "Error" not in nothing.output
